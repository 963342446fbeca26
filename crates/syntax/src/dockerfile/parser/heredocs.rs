//! The Dockerfile parser: heredocs.

use std::ops::Range;

use super::*;

pub(super) struct HeredocSpec {
    pub(super) name: String,
    pub(super) expand: bool,
    pub(super) chomp: bool,
}

/// A word of BuildKit's shell lexer (`ProcessWords`, escape `\`, no
/// variable expansion): its source range, its text with quotes and escapes
/// processed, and whether quotes were used.
pub(super) struct LexWord {
    pub(super) range: Range<usize>,
    pub(super) text: String,
    pub(super) quoted: bool,
}

/// Split like BuildKit's `ProcessWords`; `None` when a quote is not closed
/// (BuildKit's lexer fails and the line then has no heredocs). With `raw`
/// (BuildKit's `RawQuotes`/`RawEscapes`), a word made only of quotes (`''`)
/// still counts as a word; without, it is dropped.
pub(super) fn lex_words(s: &str, raw: bool) -> Option<Vec<LexWord>> {
    let mut words = Vec::new();
    let mut text = String::new();
    let mut start: Option<usize> = None;
    let mut quoted = false;
    let mut it = s.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        match c {
            '\'' => {
                start.get_or_insert(i);
                quoted = true;
                loop {
                    match it.next()? {
                        (_, '\'') => break,
                        (_, ch) => text.push(ch),
                    }
                }
            }
            '"' => {
                start.get_or_insert(i);
                quoted = true;
                loop {
                    match it.next()? {
                        (_, '"') => break,
                        (_, '\\') => match it.peek() {
                            Some(&(_, n)) if matches!(n, '"' | '$' | '\\') => {
                                text.push(n);
                                it.next();
                            }
                            Some(_) => text.push('\\'),
                            None => {}
                        },
                        (_, ch) => text.push(ch),
                    }
                }
            }
            '\\' => {
                start.get_or_insert(i);
                match it.next() {
                    Some((_, n)) => text.push(n),
                    None => break,
                }
            }
            c if c.is_whitespace() => {
                if let Some(st) = start {
                    if raw || !text.is_empty() {
                        words.push(LexWord {
                            range: st..i,
                            text: std::mem::take(&mut text),
                            quoted,
                        });
                        start = None;
                        quoted = false;
                    }
                }
            }
            c => {
                start.get_or_insert(i);
                text.push(c);
            }
        }
    }
    if let Some(st) = start {
        if raw || !text.is_empty() {
            words.push(LexWord {
                range: st..s.len(),
                text,
                quoted,
            });
        }
    }
    Some(words)
}

/// BuildKit's `ParseHeredoc`: `^(\d*)<<(-?)([^<]*)$` on a raw word, whose
/// rest must lex to exactly one word (the delimiter).
pub(super) fn parse_heredoc_word(word: &str) -> Option<HeredocSpec> {
    let rest = word
        .trim_start_matches(|c: char| c.is_ascii_digit())
        .strip_prefix("<<")?;
    let (chomp, rest) = match rest.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    if rest.is_empty() || rest.contains('<') {
        return None;
    }
    let mut words = lex_words(rest, false)?;
    if words.len() != 1 {
        return None;
    }
    let w = words.pop()?;
    Some(HeredocSpec {
        name: w.text,
        expand: !w.quoted,
        chomp,
    })
}

/// The heredocs named on a logical line, with the range of each `<<` word.
pub(super) fn heredocs_in_line(line: &str) -> Vec<(HeredocSpec, Range<usize>)> {
    if !line.contains("<<") {
        return Vec::new();
    }
    let Some(words) = lex_words(line, true) else {
        return Vec::new();
    };
    words
        .into_iter()
        .filter_map(|w| {
            let raw = line.get(w.range.clone())?;
            parse_heredoc_word(raw).map(|h| (h, w.range))
        })
        .collect()
}

/// Does `ONBUILD <args>` wrap a RUN/COPY/ADD in shell form (which takes
/// heredocs, BuildKit's `canContainHeredoc`)?
pub(super) fn onbuild_takes_heredocs(args: &str) -> bool {
    let body = args.trim();
    let kw_end = body.find(is_token_ws).unwrap_or(body.len());
    if !HEREDOC_CAPABLE
        .iter()
        .any(|k| k.eq_ignore_ascii_case(&body[..kw_end]))
    {
        return false;
    }
    let rest =
        kw_end + (body[kw_end..].len() - body[kw_end..].trim_start_matches(is_token_ws).len());
    let (_, args_from) = extract_flags(body, rest, body.len());
    !matches!(json_strings(body[args_from..].trim()), Json::Strings(_))
}
