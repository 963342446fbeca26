//! Which reader finds a file's comments. Suppression has no comment
//! syntax of its own: the format decided when the file was recognised
//! ([`Format`]) picks the reader of the syntax crate that knows that
//! format's comments.
//!
//! - YAML, JSON/JSONC and TOML: the comments their parsers collect
//!   ([`skillaudit_syntax::tree::Stream::comments`]); the content of a YAML
//!   block scalar (`run: |`) is read as shell. A file its parser cannot read
//!   has the comments found before the error (YAML) or none (JSON, TOML).
//! - Source code: tree-sitter's comment nodes ([`code::comments`]).
//! - Shell scripts, Dockerfiles, Makefiles: the shell's comment reader
//!   ([`shell::comments`], [`shell::make_comments`]).
//! - Markdown: HTML comments outside code ([`markdown::html_comments`]), and
//!   in each fenced code block the comments of the block's language, read
//!   as the README reader reads the block (a JSON fragment too).
//!
//! Only files whose text holds the marker are read for comments, so the
//! parse done here again for them costs nothing the other files pay.

use std::ops::Range;

use skillaudit_model::normalise::readme;
use skillaudit_model::Format;
use skillaudit_syntax::code::{self, Lang};
use skillaudit_syntax::comment::Comment;
use skillaudit_syntax::tree::{yaml, NodeKind, ScalarStyle, Stream};
use skillaudit_syntax::{json, markdown, shell, toml, Span};

/// How comments are written in a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    Shell,
    Make,
    Yaml,
    Toml,
    Json,
    Markdown,
    Code(Lang),
}

impl Syntax {
    /// The comment syntax of a file written in `format` (decided once,
    /// when the file was recognised).
    pub fn of(format: Format) -> Syntax {
        match format {
            Format::Dockerfile | Format::Shell => Syntax::Shell,
            Format::Make => Syntax::Make,
            Format::Markdown => Syntax::Markdown,
            Format::Yaml => Syntax::Yaml,
            Format::Json => Syntax::Json,
            Format::Toml => Syntax::Toml,
            Format::Code(lang) => Syntax::Code(lang),
        }
    }

    /// The comment syntax of a Markdown code block's language.
    fn of_block(lang: &str) -> Syntax {
        match lang {
            "json" | "jsonc" | "json5" => Syntax::Json,
            "yaml" | "yml" => Syntax::Yaml,
            "toml" => Syntax::Toml,
            "make" | "makefile" => Syntax::Make,
            // Prose and output: no comments inside (a README that documents
            // the ignore syntax in a `text` block is not ignoring anything).
            "text" | "txt" | "plain" | "plaintext" | "output" | "markdown" | "md" => {
                Syntax::Markdown
            }
            _ => Syntax::Shell,
        }
    }
}

/// Every comment of a text, in order. `path` is the file's (source code
/// named as minified is not parsed).
pub fn comments(path: &str, text: &str, syntax: Syntax) -> Vec<Comment> {
    match syntax {
        Syntax::Shell => shell::comments(text),
        Syntax::Make => shell::make_comments(text),
        Syntax::Yaml => yaml_comments(text),
        Syntax::Toml => from_spans(text, &toml::parse(text).comments),
        Syntax::Json => from_spans(text, &json::parse(text).comments),
        Syntax::Code(lang) => from_spans(text, &code::comments(lang, path, text)),
        Syntax::Markdown => markdown_comments(text).0,
    }
}

/// The comments at the spans a parser reported.
fn from_spans(text: &str, spans: &[Span]) -> Vec<Comment> {
    spans.iter().map(|&s| Comment::from_span(text, s)).collect()
}

/// The YAML parser's comments, and the shell comments of every block
/// scalar's content.
fn yaml_comments(text: &str) -> Vec<Comment> {
    let stream = yaml::parse(text);
    let mut out = from_spans(text, &stream.comments);
    for body in block_bodies(&stream, text) {
        out.extend(shell::comments_in(text, body));
    }
    out.sort_by_key(|c| (c.span.start, c.span.end));
    out.dedup_by_key(|c| c.span);
    out
}

/// The lines of each literal (`|`) and folded (`>`) scalar's content: from
/// the line after its header to its end.
fn block_bodies<'s>(stream: &'s Stream, text: &'s str) -> impl Iterator<Item = Range<usize>> + 's {
    stream
        .documents
        .iter()
        .flat_map(|d| d.nodes.iter())
        .filter(|n| {
            matches!(
                n.kind,
                NodeKind::Scalar {
                    style: ScalarStyle::Literal | ScalarStyle::Folded,
                    ..
                }
            )
        })
        .map(|n| {
            let (start, end) = (n.span.start as usize, n.span.end as usize);
            let body = if matches!(text.as_bytes().get(start), Some(b'|' | b'>')) {
                (line_end(text, start) + 1).min(end.max(start))
            } else {
                text.get(..start)
                    .and_then(|t| t.rfind('\n'))
                    .map_or(0, |i| i + 1)
            };
            body..end.max(body)
        })
}

/// End of the line containing `at` (the offset of its `\n`, or the end).
pub(super) fn line_end(text: &str, at: usize) -> usize {
    text.get(at..)
        .and_then(|rest| rest.find('\n'))
        .map_or(text.len(), |i| at + i)
}

/// The comments of a README code block's content, read in the block's
/// language; a JSON block as the README reader reads it (fragments and
/// `#` lines included, [`readme::json_block_tree`]).
fn block_comments(lang: &str, content: &str) -> Vec<Comment> {
    match Syntax::of_block(lang) {
        Syntax::Markdown => Vec::new(),
        Syntax::Json => match readme::json_block_tree(content) {
            Some(tree) => tree
                .stream
                .comments
                .iter()
                .map(|&s| Comment::from_span(content, tree.to_content(s)))
                .collect(),
            None => Vec::new(),
        },
        syntax => comments("", content, syntax),
    }
}

/// The comments of a README (HTML comments outside code, and each code
/// block's comments in its language) and, per fenced code block, its fence
/// and the bytes from the fence to the block's last content byte.
pub(super) fn markdown_comments(text: &str) -> (Vec<Comment>, Vec<(Span, Range<usize>)>) {
    let mut out = from_spans(text, &markdown::html_comments(text));
    let mut blocks = Vec::new();
    for block in markdown::code_blocks(text) {
        out.extend(
            block_comments(&block.lang, &block.content)
                .into_iter()
                .map(|c| c.mapped(&block.map)),
        );
        let last = if block.content.is_empty() {
            block.fence.end as usize
        } else {
            block.map.offset(block.content.len() - 1) as usize
        };
        blocks.push((
            block.fence,
            block.fence.start as usize..last.min(text.len()),
        ));
    }
    out.sort_by_key(|c| (c.span.start, c.span.end));
    (out, blocks)
}
