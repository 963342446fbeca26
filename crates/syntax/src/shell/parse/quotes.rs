//! Quote removal: a word's value as the shell sees it.

use super::*;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Quote {
    None,
    /// `"…"` (also `$"…"`).
    Double,
    /// `'…'`.
    Single,
    /// `$'…'`.
    AnsiC,
}

/// The value of `text[start..end]` as the shell would see it, with quotes
/// removed and escapes processed, except that every `verbatim` range (sorted
/// by start; may overlap) is copied as written.
pub(super) fn unquote(text: &[u8], start: usize, end: usize, verbatim: &[Range<usize>]) -> String {
    let end = end.min(text.len());
    let mut out: Vec<u8> = Vec::with_capacity(end.saturating_sub(start));
    let mut quote = Quote::None;
    let mut next = 0; // first verbatim range not yet passed
    let mut i = start;
    let at = |j: usize| if j < end { text.get(j).copied() } else { None };

    while i < end {
        // Skip verbatim ranges that end at or before `i`.
        while verbatim.get(next).is_some_and(|r| r.end <= i) {
            next += 1;
        }
        if let Some(r) = verbatim.get(next) {
            if r.start <= i {
                let stop = r.end.min(end);
                out.extend_from_slice(text.get(i..stop).unwrap_or(&[]));
                i = stop;
                continue;
            }
        }
        let Some(b) = at(i) else { break };
        match (quote, b) {
            (Quote::None, b'\\') => match (at(i + 1), at(i + 2)) {
                (Some(b'\n'), _) => i += 2,
                (Some(b'\r'), Some(b'\n')) => i += 3,
                (Some(c), _) => {
                    out.push(c);
                    i += 2;
                }
                (None, _) => {
                    out.push(b'\\');
                    i += 1;
                }
            },
            (Quote::None, b'\'') => {
                quote = Quote::Single;
                i += 1;
            }
            (Quote::None, b'"') => {
                quote = Quote::Double;
                i += 1;
            }
            (Quote::None, b'$') if at(i + 1) == Some(b'\'') => {
                quote = Quote::AnsiC;
                i += 2;
            }
            (Quote::None, b'$') if at(i + 1) == Some(b'"') => {
                quote = Quote::Double; // `$"…"`: a translatable string
                i += 2;
            }
            (Quote::Single, b'\'') | (Quote::AnsiC, b'\'') | (Quote::Double, b'"') => {
                quote = Quote::None;
                i += 1;
            }
            (Quote::Double, b'\\') => match (at(i + 1), at(i + 2)) {
                (Some(b'\n'), _) => i += 2,
                (Some(b'\r'), Some(b'\n')) => i += 3,
                (Some(c @ (b'$' | b'`' | b'"' | b'\\')), _) => {
                    out.push(c);
                    i += 2;
                }
                _ => {
                    out.push(b'\\');
                    i += 1;
                }
            },
            (Quote::AnsiC, b'\\') => i = ansi_c_escape(text, i + 1, end, &mut out),
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    match String::from_utf8(out) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}

/// Decode the `$'…'` escape whose letter is at `i` (just after the `\`);
/// returns the index after it.
fn ansi_c_escape(text: &[u8], i: usize, end: usize, out: &mut Vec<u8>) -> usize {
    let at = |j: usize| if j < end { text.get(j).copied() } else { None };
    let Some(c) = at(i) else {
        out.push(b'\\');
        return i;
    };
    // Up to `max` digits of `radix` starting at `from`: (value, digits used).
    let digits = |from: usize, max: usize, radix: u32| {
        let mut value: u32 = 0;
        let mut n = 0;
        while n < max {
            match at(from + n).and_then(|d| char::from(d).to_digit(radix)) {
                Some(d) => value = value.saturating_mul(radix).saturating_add(d),
                None => break,
            }
            n += 1;
        }
        (value, n)
    };
    let simple = match c {
        b'a' => Some(0x07),
        b'b' => Some(0x08),
        b'e' | b'E' => Some(0x1b),
        b'f' => Some(0x0c),
        b'n' => Some(b'\n'),
        b'r' => Some(b'\r'),
        b't' => Some(b'\t'),
        b'v' => Some(0x0b),
        b'\\' | b'\'' | b'"' | b'?' => Some(c),
        _ => None,
    };
    if let Some(byte) = simple {
        out.push(byte);
        return i + 1;
    }
    match c {
        b'0'..=b'7' => {
            let (v, n) = digits(i, 3, 8);
            out.push((v & 0xff) as u8);
            i + n
        }
        b'x' | b'u' | b'U' => {
            let max = match c {
                b'x' => 2,
                b'u' => 4,
                _ => 8,
            };
            let (v, n) = digits(i + 1, max, 16);
            if n == 0 {
                // Not an escape after all: keep it as written.
                out.extend_from_slice(&[b'\\', c]);
            } else if c == b'x' {
                out.push((v & 0xff) as u8);
            } else if let Some(ch) = char::from_u32(v) {
                let mut buf = [0u8; 4];
                out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
            }
            i + 1 + n
        }
        b'c' => match at(i + 1) {
            Some(x) => {
                out.push(x & 0x1f);
                i + 2
            }
            None => {
                out.extend_from_slice(b"\\c");
                i + 1
            }
        },
        _ => {
            out.push(b'\\');
            i // the character itself is copied by the caller
        }
    }
}
