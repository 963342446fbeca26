//! A comment as the readers of this crate find it: where it is, what is
//! inside its delimiters, and whether it stands alone on its line.
//!
//! Each format's reader says where its comments are (the tree parsers in
//! [`crate::tree::Stream::comments`], tree-sitter's `comment` nodes for
//! source code in [`crate::code::comments`], Markdown's HTML comments in
//! [`crate::markdown::html_comments`], the shell's in
//! [`crate::shell::comments`]); [`Comment::from_span`] turns such a span into
//! a `Comment` by recognising its delimiters.

use crate::Span;

/// One comment of a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Comment {
    /// From the opening delimiter to the comment's end (without trailing blanks).
    pub span: Span,
    /// The text inside the delimiters.
    pub body: Span,
    /// Nothing but blanks before it on its line.
    pub alone: bool,
    /// A Markdown HTML comment (`<!-- -->`).
    pub html: bool,
}

impl Comment {
    /// The comment from `start` (its opening delimiter, `open` bytes long)
    /// to `end`, whose last `close` bytes (before trailing blanks) are its
    /// closing delimiter.
    pub fn new(text: &str, start: usize, open: usize, end: usize, close: usize) -> Comment {
        let end = end.min(text.len()).max(start);
        let trimmed = start + text.get(start..end).unwrap_or("").trim_end().len();
        let body_end = trimmed.saturating_sub(close).max(start + open).min(trimmed);
        Comment {
            span: Span::new(start, trimmed),
            body: Span::new((start + open).min(trimmed), body_end),
            alone: alone_before(text, start),
            html: false,
        }
    }

    /// The comment a reader found at `span`, its delimiters recognised from
    /// its text: `#`, `//`, `/* … */` or `<!-- … -->` (an unclosed block
    /// comment has no closing delimiter).
    pub fn from_span(text: &str, span: Span) -> Comment {
        let (s, e) = (span.start as usize, span.end as usize);
        let written = text.get(s..e).unwrap_or("").trim_end();
        let (open, close, html) = if written.starts_with("<!--") {
            (
                4,
                if written.len() >= 7 && written.ends_with("-->") {
                    3
                } else {
                    0
                },
                true,
            )
        } else if written.starts_with("/*") {
            (
                2,
                if written.len() >= 4 && written.ends_with("*/") {
                    2
                } else {
                    0
                },
                false,
            )
        } else if written.starts_with("//") {
            (2, 0, false)
        } else if written.starts_with('#') {
            (1, 0, false)
        } else {
            (0, 0, false)
        };
        Comment {
            html,
            ..Comment::new(text, s, open, e, close)
        }
    }

    /// The same comment in a text that embeds this one (a Markdown code
    /// block's content in its file), through `map`.
    pub fn mapped(self, map: &crate::OffsetMap) -> Comment {
        Comment {
            span: map.span(self.span),
            body: map.span(self.body),
            ..self
        }
    }
}

/// Is there nothing but blanks in `text[..at]` since the last line break?
fn alone_before(text: &str, at: usize) -> bool {
    let before = text.get(..at).unwrap_or("");
    let from = before.rfind('\n').map_or(0, |i| i + 1);
    before[from..].trim().is_empty()
}

/// `(start offset, line without its line break)` of every line.
pub(crate) fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start = 0;
    text.split_inclusive('\n').map(move |raw| {
        let at = start;
        start += raw.len();
        let line = raw.strip_suffix('\n').unwrap_or(raw);
        (at, line.strip_suffix('\r').unwrap_or(line))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(text: &str, span: Span) -> (&str, &str, bool, bool) {
        let c = Comment::from_span(text, span);
        (c.span.slice(text), c.body.slice(text), c.alone, c.html)
    }

    #[test]
    fn delimiters_are_recognised_from_the_text() {
        let text = "x # hash  \n// line\n/* block */\n<!-- html -->\n/* open\n<!--";
        let spans = [(2, 10), (11, 18), (19, 30), (31, 44), (45, 52), (53, 57)];
        let got: Vec<_> = spans
            .iter()
            .map(|&(s, e)| parts(text, Span::new(s, e)))
            .collect();
        assert_eq!(
            got,
            [
                ("# hash", " hash", false, false),
                ("// line", " line", true, false),
                ("/* block */", " block ", true, false),
                ("<!-- html -->", " html ", true, true),
                ("/* open", " open", true, false),
                ("<!--", "", true, true),
            ]
        );
    }

    #[test]
    fn odd_spans_stay_in_bounds() {
        let text = "/**/ #";
        assert_eq!(parts(text, Span::new(0, 4)).1, "");
        assert_eq!(parts(text, Span::new(5, 99)).0, "#");
    }
}
