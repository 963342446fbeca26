//! The Dockerfile parser: argument helpers behind `Instruction::{words, key_values, copy_sources_dest}`.

use std::ops::Range;

use super::*;

/// Runs of non-`[\t\v\f\r ]` characters (BuildKit's
/// `parseStringsWhitespaceDelimited`).
pub(super) fn token_ranges(s: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        if is_token_ws(c) {
            if let Some(st) = start.take() {
                out.push(st..i);
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(st) = start {
        out.push(st..s.len());
    }
    out
}

/// BuildKit's `parseWords`: words separated by unquoted whitespace; quotes
/// and escapes stay in the words (these are source ranges).
pub(super) fn shell_words(s: &str, escape: char) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut quote: Option<char> = None;
    let mut it = s.char_indices();
    while let Some((i, c)) = it.next() {
        match quote {
            None => {
                if c.is_whitespace() {
                    if let Some(st) = start.take() {
                        out.push(st..i);
                    }
                    continue;
                }
                start.get_or_insert(i);
                if c == '\'' || c == '"' {
                    quote = Some(c);
                } else if c == escape {
                    it.next(); // the escaped character belongs to the word
                }
            }
            Some(q) => {
                // The closing quote, or an escape at the very end, ends the
                // quoted part; an escape otherwise takes the next character.
                if c == q || (c == escape && q != '\'' && it.next().is_none()) {
                    quote = None;
                }
            }
        }
    }
    if let Some(st) = start {
        out.push(st..s.len());
    }
    out
}

/// ENV/LABEL legacy form `KEY value with spaces`: split at the first run of
/// `[\t\v\f\r ]`; `None` if there is no value.
pub(super) fn legacy_split(s: &str) -> Option<(Range<usize>, Range<usize>)> {
    let key_end = s.find(is_token_ws)?;
    let value_start = s.len() - s[key_end..].trim_start_matches(is_token_ws).len();
    if value_start >= s.len() {
        return None;
    }
    Some((0..key_end, value_start..s.len()))
}

pub(crate) fn whitespace_words(ins: &Instruction) -> Vec<Word> {
    match &ins.args {
        Args::Exec(words) => words.clone(),
        Args::Shell(t) => token_ranges(&t.value)
            .into_iter()
            .map(|r| Word {
                value: t.value[r.clone()].to_string(),
                span: t.span_of(r),
            })
            .collect(),
    }
}

pub(crate) fn key_values(ins: &Instruction) -> Vec<KeyValue> {
    let Args::Shell(t) = &ins.args else {
        return Vec::new();
    };
    let word = |r: Range<usize>| Word {
        value: unquote(&t.value[r.clone()], ins.escape),
        span: t.span_of(r),
    };
    let words = shell_words(&t.value, ins.escape);
    let Some(first) = words.first() else {
        return Vec::new();
    };

    let is_arg = ins.is("ARG");
    if !is_arg && !t.value[first.clone()].contains('=') {
        // Legacy `ENV KEY value with spaces`: one pair, the value is the rest.
        return match legacy_split(&t.value) {
            Some((k, v)) => vec![KeyValue {
                key: word(k),
                value: Some(word(v)),
                span: t.span,
            }],
            None => Vec::new(),
        };
    }
    words
        .into_iter()
        .filter_map(|r| {
            let raw = &t.value[r.clone()];
            match raw.find('=') {
                Some(0) => None, // blank name: reported by the parser
                Some(eq) => Some(KeyValue {
                    key: word(r.start..r.start + eq),
                    value: Some(word(r.start + eq + 1..r.end)),
                    span: t.span_of(r),
                }),
                None if is_arg => Some(KeyValue {
                    key: word(r.clone()),
                    value: None,
                    span: t.span_of(r),
                }),
                None => None, // `ENV a=b c`: reported by the parser
            }
        })
        .collect()
}

pub(crate) fn quoted_words(ins: &Instruction) -> Vec<Word> {
    match &ins.args {
        Args::Exec(words) => words.clone(),
        Args::Shell(t) => shell_words(&t.value, ins.escape)
            .into_iter()
            .map(|r| Word {
                value: unquote(&t.value[r.clone()], ins.escape),
                span: t.span_of(r),
            })
            .collect(),
    }
}
