//! The Dockerfile parser: exec form.

use std::ops::Range;

use super::*;

pub(super) enum Json {
    /// Not a JSON array: shell form.
    Invalid,
    /// A JSON array with something other than strings: BuildKit's error.
    NotStrings,
    Strings(Vec<Word>),
}

/// BuildKit's `parseJSON` on `range` of the logical line, with each string
/// literal's span.
pub(super) fn json_array(logical: &Text, range: Range<usize>) -> Json {
    let s = logical.value.get(range.clone()).unwrap_or("");
    match json_strings(s) {
        Json::Strings(mut words) => {
            for w in &mut words {
                let r = w.span.range();
                w.span = logical.span_of(range.start + r.start..range.start + r.end);
            }
            Json::Strings(words)
        }
        other => other,
    }
}

/// Parse `s` as a JSON array of strings; word spans are relative to `s`.
pub(super) fn json_strings(s: &str) -> Json {
    let s_trimmed = s.trim_start();
    let offset = s.len() - s_trimmed.len();
    if !s_trimmed.starts_with('[') {
        return Json::Invalid;
    }
    // serde_json stops at its nesting limit instead of overflowing the stack.
    let Ok(serde_json::Value::Array(items)) = serde_json::from_str::<serde_json::Value>(s_trimmed)
    else {
        return Json::Invalid;
    };
    let mut values = Vec::with_capacity(items.len());
    for item in items {
        match item {
            serde_json::Value::String(v) => values.push(v),
            _ => return Json::NotStrings,
        }
    }
    // Valid JSON whose elements are all strings: every `"` outside a string
    // starts the next element's literal.
    let ranges = string_literals(s_trimmed);
    let whole = Span::new(offset, s.len());
    let spans_ok = ranges.len() == values.len();
    let words = values
        .into_iter()
        .enumerate()
        .map(|(i, value)| {
            let span = match ranges.get(i) {
                Some(r) if spans_ok => Span::new(offset + r.start, offset + r.end),
                _ => whole,
            };
            Word { value, span }
        })
        .collect();
    Json::Strings(words)
}

/// Byte ranges of the string literals (quotes included) at any depth of a
/// valid JSON text.
pub(super) fn string_literals(s: &str) -> Vec<Range<usize>> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'"' {
            let start = i;
            i += 1;
            while i < b.len() && b[i] != b'"' {
                if b[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            let end = (i + 1).min(b.len());
            out.push(start..end);
            i = end;
        } else {
            i += 1;
        }
    }
    out
}
