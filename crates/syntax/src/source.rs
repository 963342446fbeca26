//! Byte spans and the line index used to turn them into line/column only
//! when a report is rendered.

use std::ops::Range;

/// The first occurrence of `needle` in `hay` at or after byte `from` (its
/// offset in `hay`; `None` when `from` is past the end): the one byte search
/// of the parsers, the normalisers and the test server.
pub fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(hay.get(from..)?, needle).map(|at| at + from)
}

/// A half-open byte range `[start, end)` into one file's text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        debug_assert!(start <= end, "span {start}..{end}");
        Span {
            start: start as u32,
            end: end.max(start) as u32,
        }
    }
    pub fn empty(at: usize) -> Span {
        Span::new(at, at)
    }
    pub fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
    /// The text this span covers, or "" if it does not fall on char boundaries of `text`.
    pub fn slice(self, text: &str) -> &str {
        text.get(self.range()).unwrap_or("")
    }
}

/// Maps offsets of a derived text (a YAML block scalar's value, a README
/// code block with `$ ` prompts removed, a JSON fragment wrapped in braces)
/// back to the file it came from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OffsetMap {
    /// Sorted `(offset in derived text, offset in file)` pairs: each starts a
    /// run of bytes copied verbatim from the file.
    pub pieces: Vec<(u32, u32)>,
}

impl OffsetMap {
    /// A derived text that is the file's text from `file_offset` on, verbatim.
    pub fn shifted(file_offset: usize) -> OffsetMap {
        OffsetMap {
            pieces: vec![(0, file_offset as u32)],
        }
    }

    /// File offset of a derived-text offset.
    pub fn offset(&self, pos: usize) -> u32 {
        let idx = self.pieces.partition_point(|&(v, _)| (v as usize) <= pos);
        match idx.checked_sub(1).and_then(|i| self.pieces.get(i)) {
            Some(&(v, f)) => f.saturating_add((pos as u32).saturating_sub(v)),
            None => pos as u32,
        }
    }

    /// Map a span of the derived text to a span of the file.
    pub fn span(&self, span: Span) -> Span {
        let start = self.offset(span.start as usize);
        // An end exactly at a piece boundary belongs to the piece before it.
        let end = if span.end > span.start {
            self.offset(span.end as usize - 1) + 1
        } else {
            start
        };
        Span {
            start,
            end: end.max(start),
        }
    }
}

/// 1-based line and column (columns count Unicode scalar values).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: u32,
    pub column: u32,
}

/// Start offsets of every line of a text; built once per file, on demand.
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: Vec<u32>,
    /// Characters before every multiple of [`CHECKPOINT`] bytes, so that a
    /// column costs at most that many bytes of counting, however long the
    /// line (many findings on one 500 KB `docker run` line stay linear).
    checkpoints: Vec<u32>,
}

/// Bytes between two character-count checkpoints of a [`LineIndex`].
const CHECKPOINT: usize = 1024;

/// Is `b` the first byte of a UTF-8 sequence (or ASCII)?
fn starts_char(b: u8) -> bool {
    (b & 0xC0) != 0x80
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0u32];
        let mut checkpoints = Vec::with_capacity(text.len() / CHECKPOINT + 1);
        let mut chars = 0u32;
        for (i, b) in text.bytes().enumerate() {
            if i % CHECKPOINT == 0 {
                checkpoints.push(chars);
            }
            if b == b'\n' {
                starts.push(i as u32 + 1);
            }
            chars = chars.wrapping_add(starts_char(b) as u32);
        }
        checkpoints.push(chars);
        LineIndex {
            starts,
            checkpoints,
        }
    }

    /// Characters (UTF-8 sequence starts) in `text[..offset]`.
    fn chars_before(&self, text: &str, offset: usize) -> u32 {
        let block = offset / CHECKPOINT;
        let base = self.checkpoints.get(block).copied().unwrap_or(0);
        let from = (block * CHECKPOINT).min(offset);
        let rest = text.as_bytes()[from..offset]
            .iter()
            .filter(|&&b| starts_char(b))
            .count() as u32;
        base.wrapping_add(rest)
    }

    /// Number of lines (a trailing newline does not start a new line of content,
    /// but the index still counts it so that offsets at EOF resolve).
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// 0-based line number containing `offset`.
    pub fn line_of(&self, offset: u32) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// Byte range of 0-based line `line`, without its line terminator.
    pub fn line_range(&self, text: &str, line: usize) -> Range<usize> {
        let start = self.starts[line.min(self.starts.len() - 1)] as usize;
        let mut end = self
            .starts
            .get(line + 1)
            .map(|&s| s as usize)
            .unwrap_or(text.len());
        let bytes = text.as_bytes();
        if end > start && bytes.get(end - 1) == Some(&b'\n') {
            end -= 1;
        }
        if end > start && bytes.get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        start..end
    }

    /// 1-based line and column of a byte offset; an offset inside a UTF-8
    /// sequence counts as the character it belongs to.
    pub fn line_col(&self, text: &str, offset: u32) -> LineCol {
        let offset = (offset as usize).min(text.len());
        let line = self.line_of(offset as u32);
        let start = self.starts[line] as usize;
        let column = self
            .chars_before(text, offset)
            .wrapping_sub(self.chars_before(text, start));
        LineCol {
            line: line as u32 + 1,
            column: column + 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_map_maps_pieces() {
        // derived "ab" + "cd" where "ab" is at 10 and "cd" at 20 in the file.
        let m = OffsetMap {
            pieces: vec![(0, 10), (2, 20)],
        };
        assert_eq!(m.offset(1), 11);
        assert_eq!(m.offset(2), 20);
        assert_eq!(m.span(Span::new(0, 2)), Span::new(10, 12));
        assert_eq!(m.span(Span::new(1, 4)), Span::new(11, 22));
        assert_eq!(OffsetMap::shifted(5).span(Span::new(1, 3)), Span::new(6, 8));
    }

    #[test]
    fn line_col_on_a_long_line_agrees_with_counting() {
        let text = format!("a\n{}", "é-x ".repeat(2000));
        let idx = LineIndex::new(&text);
        for offset in (0..=text.len()).step_by(7) {
            let start = if offset < 2 { 0 } else { 2 };
            let line = if offset < 2 { 1 } else { 2 };
            let column = text.as_bytes()[start..offset]
                .iter()
                .filter(|&&b| (b & 0xC0) != 0x80)
                .count() as u32
                + 1;
            assert_eq!(
                idx.line_col(&text, offset as u32),
                LineCol { line, column },
                "{offset}"
            );
        }
    }

    #[test]
    fn line_col_counts_chars_not_bytes() {
        let text = "ab\n€x\r\nlast";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 0), LineCol { line: 1, column: 1 });
        assert_eq!(idx.line_col(text, 3), LineCol { line: 2, column: 1 });
        // 'x' follows a three-byte euro sign
        assert_eq!(idx.line_col(text, 6), LineCol { line: 2, column: 2 });
        assert_eq!(idx.line_col(text, 9), LineCol { line: 3, column: 1 });
        assert_eq!(idx.line_range(text, 1), 3..7);
        assert_eq!(idx.line_col(text, 100), LineCol { line: 3, column: 5 });
    }
}
