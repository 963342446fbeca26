//! The Dockerfile parser: flags.

use std::ops::Range;

pub(super) struct RawFlag {
    /// The whole `--name=value` word in the logical line.
    pub(super) range: Range<usize>,
    /// The word with quotes and backslash escapes removed.
    pub(super) text: String,
    /// Where the first `=` is: index in `text`, and the logical offset just
    /// after it in the source.
    pub(super) eq: Option<(usize, usize)>,
}

/// BuildKit's `extractBuilderFlags`: the words starting with `--` at the
/// start of `line[start..end]`. Quotes are removed and `\` escapes the next
/// character (always backslash, whatever the escape directive says). A bare
/// `--` ends the flags. Returns the flags and where the arguments start.
pub(super) fn extract_flags(line: &str, start: usize, end: usize) -> (Vec<RawFlag>, usize) {
    let s = &line[..end];
    let mut flags = Vec::new();
    let mut pos = start;
    loop {
        let rest = &s[pos..];
        pos += rest.len() - rest.trim_start().len();
        if pos >= end {
            return (flags, end);
        }
        if !s[pos..].starts_with("--") {
            return (flags, pos);
        }
        let word_start = pos;
        let mut text = String::new();
        let mut eq = None;
        let mut quote: Option<char> = None;
        let mut word_end = end;
        let mut it = s[pos..].char_indices();
        while let Some((i, c)) = it.next() {
            let (c, at) = if quote.is_none() && c.is_whitespace() {
                word_end = pos + i;
                break;
            } else if quote.is_none() && (c == '\'' || c == '"') {
                quote = Some(c);
                continue;
            } else if quote == Some(c) {
                quote = None;
                continue;
            } else if c == '\\' {
                match it.next() {
                    Some((j, n)) => (n, pos + j),
                    None => {
                        // A backslash at the very end is skipped.
                        quote = None;
                        continue;
                    }
                }
            } else {
                (c, pos + i)
            };
            if c == '=' && eq.is_none() {
                eq = Some((text.len(), at + 1));
            }
            text.push(c);
        }
        if text == "--" {
            return (flags, word_end);
        }
        flags.push(RawFlag {
            range: word_start..word_end,
            text,
            eq,
        });
        pos = word_end;
    }
}
