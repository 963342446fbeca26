//! Stage 2 of the pipeline: **parse**. Each supported file kind is read into
//! a syntax tree whose every node remembers the byte range it came from.
//!
//! Nothing here knows about rules or findings; parsers never panic on bad
//! input and report problems as [`SyntaxError`]s with a position.

pub mod code;
pub mod comment;
pub mod dockerfile;
pub mod dockerignore;
pub mod json;
pub mod kinds;
pub mod markdown;
pub mod shell;
pub mod source;
pub mod toml;
pub mod tree;
mod ts;

pub use source::{LineIndex, OffsetMap, Span};

/// A problem that stops a file (or part of it) from being understood.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    /// Where the problem is; may be empty (start == end) for "at this point".
    pub span: Span,
}

impl SyntaxError {
    pub fn new(message: impl Into<String>, span: Span) -> Self {
        SyntaxError {
            message: message.into(),
            span,
        }
    }
}
