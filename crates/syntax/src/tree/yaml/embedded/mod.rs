//! Text embedded in a YAML scalar (a workflow `run: |` script, an
//! `options: >-` string) mapped back to the file.
//!
//! A scalar's value is not a slice of the file: block indentation is
//! removed, line breaks are folded into spaces, escapes are decoded. The
//! [`OffsetMap`] built here gives, for an offset into the value, the offset
//! in the file where that byte was written, so a word found in the value
//! (by the shell parser, say) can be reported on the line it is written on.
//!
//! The map is built by walking the scalar's source lines and the value side
//! by side, one piece per source line (and, in quoted scalars, one per
//! escape sequence), so its size is linear in the scalar. Every step is
//! checked against the value; on a mismatch (which valid YAML does not
//! produce) the walk goes on best effort: positions may drift within a line
//! but nothing panics.

use crate::tree::{Node, NodeKind, ScalarStyle};
use crate::{OffsetMap, Span};

/// The map from the scalar's value (`NodeKind::Scalar.value`) to file offsets,
/// for literal (`|`), folded (`>`), plain and quoted scalars: each value line
/// maps to its source line with the block indentation removed. Best effort
/// for escapes in quoted scalars (positions stay on the right line).
///
/// For a node that is not a scalar, the map sends the value's offset 0 to
/// the node's start.
pub fn scalar_map(text: &str, node: &Node) -> OffsetMap {
    let pieces = match &node.kind {
        NodeKind::Scalar { value, style } => match style {
            ScalarStyle::Literal => block_pieces(text, node.span, value, false),
            ScalarStyle::Folded => block_pieces(text, node.span, value, true),
            ScalarStyle::Plain | ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
                flow_pieces(text, node.span, value, *style)
            }
        },
        _ => Vec::new(),
    };
    finish(pieces, node.span, text.len())
}

/// Never return an empty map (an empty map is the identity, which would
/// send value offsets to the start of the file).
fn finish(mut pieces: Vec<(u32, u32)>, span: Span, len: usize) -> OffsetMap {
    if pieces.is_empty() {
        pieces.push((0, (span.start as usize).min(len) as u32));
    }
    OffsetMap { pieces }
}

/// One physical line of the file: `[start, end)` is its content without the
/// line break; `next` is where the following line starts.
#[derive(Clone, Copy, Debug)]
struct Line {
    start: usize,
    end: usize,
    next: usize,
}

/// Lines of `text` from `from` on. YAML line breaks are `\r\n`, `\n` and a
/// lone `\r`.
fn lines_from(text: &str, from: usize) -> impl Iterator<Item = Line> + '_ {
    let bytes = text.as_bytes();
    let mut pos = from.min(bytes.len());
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let start = pos;
        let mut i = start;
        while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
            i += 1;
        }
        let next = match bytes.get(i) {
            Some(b'\r') if bytes.get(i + 1) == Some(&b'\n') => i + 2,
            Some(_) => i + 1,
            None => {
                done = true;
                i
            }
        };
        pos = next;
        Some(Line {
            start,
            end: i,
            next,
        })
    })
}

/// Offset of the start of the line containing `at`.
fn line_start(text: &str, at: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = at.min(bytes.len());
    while i > 0 && !matches!(bytes[i - 1], b'\n' | b'\r') {
        i -= 1;
    }
    i
}

/// Block scalars: the map from the reading of the body that the value
/// confirms (see [`body_starts`]).
fn block_pieces(text: &str, span: Span, value: &str, folded: bool) -> Vec<(u32, u32)> {
    let mut fallback = None;
    for start in body_starts(text, span, value) {
        let (pieces, consistent) = if folded {
            folded_pieces(text, span, value, start)
        } else {
            literal_pieces(text, span, value, start)
        };
        if consistent {
            return pieces;
        }
        fallback.get_or_insert(pieces);
    }
    fallback.unwrap_or_default()
}

/// Where a block scalar's body may start, most likely first: the line after
/// the `|`/`>` header (which may carry indicators and a comment).
///
/// Trees built by this crate start a block scalar's span at its indicator,
/// except when the indicator could not be found (a bare block scalar at the
/// start of a document); then the span starts at the content. Content may
/// itself begin with `|` or `>`, so the header must be a valid one (`|`,
/// `|2-`, `>+ # comment`); when the text could be read either way, both
/// readings are offered and the value decides.
fn body_starts(text: &str, span: Span, value: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let start = (span.start as usize).min(bytes.len());
    // Read as content, the body starts at the blank lines the value starts with.
    let own = blank_lines_before(
        text,
        line_start(text, start),
        value.len() - value.trim_start_matches('\n').len(),
    );
    let Some(header) = lines_from(text, start).next() else {
        return vec![own];
    };
    let header_text = text.get(start..header.end).unwrap_or("");
    let is_header = matches!(bytes.get(start), Some(b'|' | b'>'))
        && valid_header(header_text.get(1..).unwrap_or(""));
    if !is_header {
        return vec![own];
    }
    let could_be_content = value.trim_start_matches('\n').starts_with(header_text)
        && text
            .get(line_start(text, start)..start)
            .is_some_and(|p| p.bytes().all(|b| b == b' '));
    if could_be_content {
        vec![header.next, own]
    } else {
        vec![header.next]
    }
}

/// The start of the `count`-th line before the line starting at `at`, going
/// back over white-space-only lines only.
fn blank_lines_before(text: &str, mut at: usize, count: usize) -> usize {
    let bytes = text.as_bytes();
    for _ in 0..count {
        let Some(prev_end) = at.checked_sub(1) else {
            break;
        };
        // Step over the previous line's break (`\n`, `\r\n` or `\r`).
        let content_end = if bytes.get(prev_end) == Some(&b'\n')
            && prev_end > 0
            && bytes[prev_end - 1] == b'\r'
        {
            prev_end - 1
        } else {
            prev_end
        };
        let prev = line_start(text, content_end);
        if !bytes
            .get(prev..content_end)
            .is_some_and(|l| l.iter().all(|b| matches!(b, b' ' | b'\t')))
        {
            break;
        }
        at = prev;
    }
    at
}

/// After `|` / `>`: an optional indentation digit and chomping sign (either
/// order), then the end of the line or white space and an optional comment.
fn valid_header(rest: &str) -> bool {
    let bytes = rest.as_bytes();
    let (mut digit, mut chomp, mut i) = (false, false, 0);
    while let Some(&c) = bytes.get(i) {
        match c {
            b'1'..=b'9' if !digit => digit = true,
            b'+' | b'-' if !chomp => chomp = true,
            _ => break,
        }
        i += 1;
    }
    let tail = rest.get(i..).unwrap_or("");
    if tail.is_empty() {
        return true;
    }
    let after = tail.trim_start_matches([' ', '\t']);
    after.len() < tail.len() && (after.is_empty() || after.starts_with('#'))
}

/// Number of leading spaces (YAML indentation is spaces only).
fn leading_spaces(s: &str) -> usize {
    s.bytes().take_while(|&b| b == b' ').count()
}

/// Literal block scalar: every value line is a source line with the block
/// indentation removed, verbatim, so it is the *end* of its source line.
/// Matching by suffix needs no indentation arithmetic, so explicit
/// indentation indicators (`|2`), tabs after the indentation and blank lines
/// with stray spaces all come out right. Also says whether every line
/// matched.
fn literal_pieces(text: &str, span: Span, value: &str, body: usize) -> (Vec<(u32, u32)>, bool) {
    let limit = (span.end as usize).min(text.len());
    let mut pieces = Vec::new();
    let mut consistent = true;
    let mut source = body_lines(text, body, limit).into_iter();
    let mut offset = 0usize;
    for value_line in value.split('\n') {
        let Some(line) = source.next() else {
            // Only the line breaks kept by chomping may be left over.
            consistent &= value_line.is_empty();
            continue;
        };
        let src = text.get(line.start..line.end).unwrap_or("");
        let at = if src.ends_with(value_line) {
            line.end - value_line.len()
        } else {
            // Not this reading (or not valid YAML): point at the line's content.
            consistent = false;
            line.start + leading_spaces(src)
        };
        pieces.push((offset as u32, at as u32));
        offset += value_line.len() + 1;
    }
    (pieces, consistent)
}

/// Folded block scalar: as literal, but a line break between two "normal"
/// lines (not starting with white space) became a space, and the break
/// before blank lines was dropped. Each source line's content (after the
/// block indentation) still appears verbatim in the value, in order, after
/// a run of separators — spaces or line feeds before a normal line, line
/// feeds only before a more-indented one. Also says whether it all matched.
fn folded_pieces(text: &str, span: Span, value: &str, body: usize) -> (Vec<(u32, u32)>, bool) {
    let limit = (span.end as usize).min(text.len());
    let lines = body_lines(text, body, limit);
    // The block indentation: the first line with content is indented by it
    // plus whatever leading spaces the value keeps (an explicit indentation
    // indicator can leave some).
    let first_text = lines.iter().find(|l| {
        text.get(l.start..l.end)
            .is_some_and(|s| s.bytes().any(|b| b != b' '))
    });
    let indent = match first_text {
        Some(l) => {
            let src = text.get(l.start..l.end).unwrap_or("");
            let kept = leading_spaces(value.trim_start_matches('\n'));
            leading_spaces(src).saturating_sub(kept)
        }
        None => 0,
    };
    let mut walk = Walk::new(value);
    for line in lines {
        if line.start > limit
            && walk
                .value
                .get(walk.at..)
                .is_none_or(|rest| rest.bytes().all(|b| b == b'\n'))
        {
            // White space after the value's end belongs to what follows.
            break;
        }
        let src = text.get(line.start..line.end).unwrap_or("");
        let cut = indent.min(leading_spaces(src));
        let content = src.get(cut..).unwrap_or("");
        if content.is_empty() {
            // A blank line: only a line feed in the value.
            continue;
        }
        let separators: &[u8] = if content.starts_with([' ', '\t']) {
            b"\n"
        } else {
            b" \n"
        };
        walk.skip(separators);
        walk.verbatim(content, line.start + cut);
    }
    // Whatever is left can only be the final line breaks.
    walk.skip(b"\n");
    let consistent = walk.consistent && walk.at == value.len();
    (walk.pieces, consistent)
}

/// The source lines of a block scalar's body: up to its span's end (the
/// last non-blank character), then any white-space-only lines — more
/// spaces than the indentation are content, and the span does not cover
/// trailing white space.
fn body_lines(text: &str, body: usize, limit: usize) -> Vec<Line> {
    let mut out = Vec::new();
    for line in lines_from(text, body) {
        let blank = text
            .get(line.start..line.end)
            .is_some_and(|s| s.bytes().all(|b| b == b' ' || b == b'\t'));
        if line.start > limit && !blank {
            break;
        }
        out.push(line);
    }
    out
}

/// A cursor into the value, recording a piece for each run placed.
struct Walk<'v> {
    value: &'v str,
    at: usize,
    pieces: Vec<(u32, u32)>,
    /// Every verbatim run was found where expected.
    consistent: bool,
}

impl<'v> Walk<'v> {
    fn new(value: &'v str) -> Self {
        Walk {
            value,
            at: 0,
            pieces: Vec::new(),
            consistent: true,
        }
    }

    /// Skip any run of the given separator bytes.
    fn skip(&mut self, separators: &[u8]) {
        let bytes = self.value.as_bytes();
        while bytes.get(self.at).is_some_and(|b| separators.contains(b)) {
            self.at += 1;
        }
    }

    /// Skip exactly `separator` if the value has it here.
    fn expect(&mut self, separator: &str) {
        if self
            .value
            .get(self.at..)
            .is_some_and(|rest| rest.starts_with(separator))
        {
            self.at += separator.len();
        }
    }

    /// Text copied from the file at `file_at` appears here in the value.
    fn verbatim(&mut self, copied: &str, file_at: usize) {
        self.consistent &= self
            .value
            .get(self.at..)
            .is_some_and(|rest| rest.starts_with(copied));
        self.produced(copied.len(), file_at);
    }

    /// `len` bytes of the value come from the file at `file_at` (a verbatim
    /// run, or one decoded escape sequence).
    fn produced(&mut self, len: usize, file_at: usize) {
        if len == 0 {
            return;
        }
        self.pieces.push((self.at as u32, file_at as u32));
        self.at = (self.at + len).min(self.value.len());
    }
}

/// One source line of a flow scalar (plain, single- or double-quoted), with
/// the white space that folding removes already cut off.
struct FlowLine {
    /// Content range in the file.
    start: usize,
    end: usize,
    /// Double-quoted line ending in an escaped line break (`\` before the
    /// break): joined to the next line without a separator.
    escaped_break: bool,
}

/// Plain and quoted scalars. Folding: leading white space of continuation
/// lines and trailing white space before a break are dropped; a single
/// line break becomes a space, `k` blank lines become `k` line feeds; in a
/// double-quoted scalar a `\` at the end of a line joins it to the next.
/// Escapes (`''`, `\t`, `\u00e9` …) get a piece each, so positions after
/// them stay exact.
fn flow_pieces(text: &str, span: Span, value: &str, style: ScalarStyle) -> Vec<(u32, u32)> {
    let bytes = text.as_bytes();
    let mut start = (span.start as usize).min(bytes.len());
    let mut end = (span.end as usize).clamp(start, bytes.len());
    let quote = match style {
        ScalarStyle::SingleQuoted => Some(b'\''),
        ScalarStyle::DoubleQuoted => Some(b'"'),
        _ => None,
    };
    if let Some(q) = quote {
        if bytes.get(start) == Some(&q) {
            start += 1;
            if end > start && bytes.get(end - 1) == Some(&q) {
                end -= 1;
            }
        }
    }
    // The physical lines within [start, end).
    let mut raw: Vec<(usize, usize)> = Vec::new();
    for line in lines_from(text, start) {
        raw.push((line.start, line.end.min(end)));
        if line.end >= end || line.next > end {
            break;
        }
    }
    let last = raw.len().saturating_sub(1);

    let mut walk = Walk::new(value);
    let mut blank = 0usize;
    let mut previous: Option<bool> = None; // escaped_break of the previous text line
    for (i, &(s, e)) in raw.iter().enumerate() {
        let line = flow_line(bytes, s, e, i > 0, i < last, style);
        let is_blank = i > 0 && i < last && line.start == line.end && !line.escaped_break;
        if is_blank {
            blank += 1;
            continue;
        }
        match previous {
            None => {}
            Some(true) => walk.expect(&"\n".repeat(blank)),
            Some(false) if blank == 0 => walk.expect(" "),
            Some(false) => walk.expect(&"\n".repeat(blank)),
        }
        blank = 0;
        decode(text, line.start, line.end, quote, &mut walk);
        previous = Some(line.escaped_break);
    }
    walk.pieces
}

/// Cut the folded-away white space off one line of a flow scalar. In a
/// plain scalar a comment (`#` after white space) is cut off too; the YAML
/// parser reads a comment-only line inside one as a blank line.
fn flow_line(
    bytes: &[u8],
    mut s: usize,
    e: usize,
    continuation: bool,
    before_break: bool,
    style: ScalarStyle,
) -> FlowLine {
    if continuation {
        while s < e && matches!(bytes[s], b' ' | b'\t') {
            s += 1;
        }
    }
    let mut e = e;
    if style == ScalarStyle::Plain {
        if let Some(hash) =
            (s..e).find(|&p| bytes[p] == b'#' && (p == s || matches!(bytes[p - 1], b' ' | b'\t')))
        {
            e = hash;
            while e > s && matches!(bytes[e - 1], b' ' | b'\t') {
                e -= 1;
            }
        }
    }
    let double = style == ScalarStyle::DoubleQuoted;
    let mut end = e;
    let mut escaped_break = false;
    if before_break {
        if double && odd_backslashes_before(bytes, s, e) {
            // `…\⏎`: the backslash and the break vanish, white space before
            // the backslash is kept.
            escaped_break = true;
            end = e - 1;
        } else {
            while end > s && matches!(bytes[end - 1], b' ' | b'\t') {
                end -= 1;
            }
            // An escaped white space (`\ `, `\⇥`) is content, not folding.
            if double && end < e && odd_backslashes_before(bytes, s, end) {
                end += 1;
            }
        }
    }
    FlowLine {
        start: s,
        end,
        escaped_break,
    }
}

/// Does `bytes[from..to]` end with an odd number of backslashes?
fn odd_backslashes_before(bytes: &[u8], from: usize, to: usize) -> bool {
    let mut n = 0;
    let mut i = to;
    while i > from && bytes[i - 1] == b'\\' {
        n += 1;
        i -= 1;
    }
    n % 2 == 1
}

/// Place one line's content: verbatim runs, and escape sequences (`''` in
/// single quotes, `\…` in double quotes) each as their own piece.
fn decode(text: &str, start: usize, end: usize, quote: Option<u8>, walk: &mut Walk<'_>) {
    let bytes = text.as_bytes();
    let mut run = start;
    let mut i = start;
    while i < end {
        let escape = match (quote, bytes[i]) {
            (Some(b'\''), b'\'') if bytes.get(i + 1) == Some(&b'\'') => Some((2, 1)),
            (Some(b'"'), b'\\') => Some(double_escape(text, i, end)),
            _ => None,
        };
        let Some((source_len, value_len)) = escape else {
            i += 1;
            continue;
        };
        walk.produced(i - run, run);
        walk.produced(value_len, i);
        i = (i + source_len).min(end.max(i + 1));
        run = i;
    }
    walk.produced(end.saturating_sub(run), run.min(end));
}

/// `(bytes in the source, bytes in the value)` of the double-quoted escape
/// starting with the backslash at `at`.
fn double_escape(text: &str, at: usize, end: usize) -> (usize, usize) {
    let Some(c) = text.get(at + 1..end).and_then(|rest| rest.chars().next()) else {
        // A lone trailing backslash (the escaped break is cut off before).
        return (1, 0);
    };
    let hex = |digits: usize| -> (usize, usize) {
        let code = text
            .get(at + 2..at + 2 + digits)
            .and_then(|h| u32::from_str_radix(h, 16).ok());
        let len = code.and_then(char::from_u32).map_or(1, char::len_utf8);
        ((2 + digits).min(end - at), len)
    };
    match c {
        'x' => hex(2),
        'u' => hex(4),
        'U' => hex(8),
        // U+0085, U+00A0: two bytes; U+2028, U+2029: three.
        'N' | '_' => (2, 2),
        'L' | 'P' => (2, 3),
        _ => (1 + c.len_utf8(), 1),
    }
}

#[cfg(test)]
mod tests;
