//! Step 1: GitHub Actions expressions (`${{ … }}`), found and masked
//! before parsing.

use super::*;
use crate::source::find;

/// Byte ranges of every `${{ … }}` that closes on the same line.
pub(super) fn github_expressions(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(start) = find(bytes, from, b"${{") {
        let body = start + 3;
        let line_end = bytes
            .get(body..)
            .and_then(|rest| rest.iter().position(|&b| b == b'\n'))
            .map_or(bytes.len(), |p| body + p);
        match find(bytes.get(..line_end).unwrap_or(&[]), body, b"}}") {
            Some(close) => {
                let end = close + 2;
                out.push(start..end);
                from = end;
            }
            // Unclosed on this line: not an expression; keep looking after it.
            None => from = body,
        }
    }
    out
}

/// The text handed to tree-sitter: `text` with each `${{ … }}` range
/// replaced by [`MASK_BYTE`]s, and each herestring operator `<<<` by `<  `.
/// Only ASCII is replaced by ASCII, so the result stays valid UTF-8 and every
/// offset is unchanged.
///
/// Why `<<<`: after another redirect (`cat > f <<< "x"`) tree-sitter-bash
/// 0.25 lexes it as a heredoc `<<` and reports an error. A herestring and an
/// input redirect are alike for our purposes (neither is a word, and
/// substitutions in both are still found).
pub(super) fn mask<'a>(
    text: &'a str,
    ranges: &[Range<usize>],
    hidden: &[Range<usize>],
) -> Cow<'a, str> {
    let herestrings = find(text.as_bytes(), 0, b"<<<").is_some();
    if ranges.is_empty() && hidden.is_empty() && !herestrings {
        return Cow::Borrowed(text);
    }
    let mut bytes = text.as_bytes().to_vec();
    let mut i = 0;
    while herestrings && i + 3 <= bytes.len() {
        if bytes.get(i..i + 3) == Some(b"<<<") {
            bytes[i + 1] = b' ';
            bytes[i + 2] = b' ';
            i += 3;
        } else {
            i += 1;
        }
    }
    for r in ranges.iter().chain(hidden) {
        if let Some(slice) = bytes.get_mut(r.clone()) {
            slice.fill(MASK_BYTE);
        }
    }
    // Only whole ASCII characters were replaced, so this cannot fail; fall
    // back to the unmasked text just in case.
    match String::from_utf8(bytes) {
        Ok(s) => Cow::Owned(s),
        Err(_) => Cow::Borrowed(text),
    }
}
