//! Fenced code blocks of a Markdown file (README), with a map from each
//! block's content back to the file. (Being written.)

use crate::{OffsetMap, Span};

/// One fenced code block (``` or ~~~).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeBlock {
    /// The info string's first word, lower-cased (`json`, `bash`, `sh`, `console`, …; empty if none).
    pub lang: String,
    /// The block's content (without the fences and without any indentation or
    /// blockquote prefix that the fence had).
    pub content: String,
    /// Maps offsets of `content` to offsets of the file.
    pub map: OffsetMap,
    /// The opening fence line.
    pub fence: Span,
}

/// Every fenced code block, in order. HTML comments and prose are not code.
pub fn code_blocks(_text: &str) -> Vec<CodeBlock> {
    unimplemented!("markdown")
}
