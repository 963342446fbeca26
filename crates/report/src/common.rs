//! Small helpers the renderers share: documentation links, path encoding,
//! severity labels and source windows. Nothing here analyses.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;

use skillaudit_engine::{ScanResult, Shown};
use skillaudit_model::project::SourceFile;
use skillaudit_model::FileId;
use skillaudit_rules::{secrets, Applicability, Severity};
use skillaudit_syntax::Span;

use crate::INFORMATION_URI;

/// Where a rule's documentation lives (the page SARIF's `helpUri` names too).
pub fn rule_doc_url(id: &str) -> String {
    format!("{INFORMATION_URI}/blob/main/docs/rules/{id}.md")
}

/// Percent-encode what a relative URI may not hold (`/` kept).
pub fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `safe`, `unsafe` or `manual`.
pub fn applicability(a: Applicability) -> &'static str {
    match a {
        Applicability::Safe => "safe",
        Applicability::Unsafe => "unsafe",
        Applicability::Manual => "manual",
    }
}

/// "Critical", "High", … for headings.
pub fn title(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "Critical",
        Severity::High => "High",
        Severity::Medium => "Medium",
        Severity::Low => "Low",
        Severity::Info => "Info",
    }
}

/// "3 findings (1 critical, 2 high)"-style counts of what is shown.
pub fn counts_phrase(result: &ScanResult) -> String {
    let s = result.summary;
    let counts: Vec<String> = Severity::ALL
        .iter()
        .filter(|sev| s.get(**sev) > 0)
        .map(|sev| format!("{} {}", s.get(*sev), sev.name()))
        .collect();
    let total = result.findings.len();
    format!(
        "{} finding{}{}",
        total,
        plural(total),
        if counts.is_empty() {
            String::new()
        } else {
            format!(" ({})", counts.join(", "))
        }
    )
}

pub fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The finding's message followed by its fix, as one sentence pair.
pub fn message_with_fix(shown: &Shown) -> String {
    let f = &shown.finding;
    match &f.fix {
        Some(fix) => format!("{}. Fix: {}", f.message, fix.description),
        None => f.message.clone(),
    }
}

/// One source line of a snippet: its number, its text (credentials
/// redacted) and the part of it (byte range within `text`) that the
/// highlighted span covers.
pub struct SnippetLine {
    pub number: u32,
    pub text: String,
    pub highlight: Option<(usize, usize)>,
}

/// The lines `first..=last` (1-based, clamped to the file) with the part
/// `span` covers on each. Never panics on spans or lines out of range.
pub fn snippet_lines(
    file: &SourceFile,
    redactor: &Redactor,
    span: Span,
    first: u32,
    last: u32,
) -> Vec<SnippetLine> {
    let idx = file.lines();
    // A final newline ends the last line; it does not start another.
    let mut count = idx.line_count().max(1) as u32;
    if count > 1 && file.text.ends_with('\n') {
        count -= 1;
    }
    let first = first.clamp(1, count);
    let last = last.clamp(first, count);
    let text = file.text.as_str();
    let window_start = idx.line_range(text, first as usize - 1).start;
    let window_end = idx
        .line_range(text, last as usize - 1)
        .end
        .max(window_start);
    let window = redactor.window(file, window_start..window_end);
    let (s, e) = (
        (span.start as usize).min(text.len()),
        (span.end as usize).min(text.len()),
    );
    let mut out = Vec::new();
    for n in first..=last {
        let range = idx.line_range(text, n as usize - 1);
        let line = window
            .get(range.start - window_start..range.end - window_start)
            .unwrap_or("");
        let hs = s.max(range.start);
        let he = e.min(range.end);
        let highlight = if hs < he {
            Some((hs - range.start, he - range.start))
        } else if s == e && s >= range.start && s <= range.end {
            // An empty span marks a point (end of file, a missing key): show it as such.
            Some((s - range.start, s - range.start))
        } else {
            None
        };
        // Byte offsets fall on char boundaries (spans come from parsers over
        // this text), but be defensive.
        let highlight =
            highlight.filter(|(a, b)| line.is_char_boundary(*a) && line.is_char_boundary(*b));
        out.push(SnippetLine {
            number: n,
            text: line.to_string(),
            highlight,
        });
    }
    out
}

/// A byte range `(start, end)`.
type ByteRange = (usize, usize);

/// Rules whose span is a `NAME=value` / `NAME: value` entry holding a
/// credential or a weak password.
const SECRET_RULES: &[&str] = &[
    "secret-in-image",
    "secret-in-environment",
    "hardcoded-password",
    "secret-in-source",
];

/// Keeps credentials out of source snippets. Messages carry secrets masked
/// (the rules see to it); the source lines a renderer quotes would carry them
/// whole. A redacted window keeps the first characters [`secrets::mask`]
/// would show and replaces every other byte of the value with `*`, so byte
/// offsets (and the spans that point into the window) stay valid.
///
/// What is redacted: the value of every shown `secret-in-*` and
/// `hardcoded-password` finding, and any word of a quoted window that has a
/// known token format (a GitHub, AWS, Anthropic, … token) or is a connection
/// string with a password, whichever finding the window belongs to.
pub struct Redactor {
    values: HashMap<FileId, Vec<(usize, usize)>>,
    cache: RefCell<HashMap<(FileId, usize, usize), Vec<ByteRange>>>,
}

impl Redactor {
    pub fn new(result: &ScanResult) -> Redactor {
        let mut values: HashMap<FileId, Vec<(usize, usize)>> = HashMap::new();
        for s in result
            .findings
            .iter()
            .filter(|s| SECRET_RULES.contains(&s.finding.rule.id))
        {
            let Some(file) = result.project.files.get(s.finding.file.0 as usize) else {
                continue;
            };
            let (start, end) = (s.finding.span.start as usize, s.finding.span.end as usize);
            let Some(entry) = file.text.get(start..end) else {
                continue;
            };
            // The value follows the first `=` or `:` (`KEY=v`, `KEY: v`, `"KEY": "v"`).
            let from = entry.find(['=', ':']).map_or(0, |i| i + 1);
            let quote = |c: char| c.is_whitespace() || c == '"' || c == '\'';
            let value = entry[from..].trim_start_matches(quote);
            let value_start = end - value.len();
            let value_end = value_start + value.trim_end_matches(quote).len();
            if value_end > value_start {
                values
                    .entry(s.finding.file)
                    .or_default()
                    .push((value_start, value_end));
            }
        }
        Redactor {
            values,
            cache: RefCell::new(HashMap::new()),
        }
    }

    /// `file.text[range]` with credentials starred out, byte for byte.
    pub fn window<'a>(&self, file: &'a SourceFile, range: Range<usize>) -> Cow<'a, str> {
        let Some(slice) = file.text.get(range.clone()) else {
            return Cow::Borrowed("");
        };
        let key = (file.id, range.start, range.end);
        let cached = self.cache.borrow().get(&key).cloned();
        let ranges = match cached {
            Some(r) => r,
            None => {
                let mut found: Vec<(usize, usize)> = Vec::new();
                for &(a, b) in self.values.get(&file.id).map_or(&[][..], |v| v.as_slice()) {
                    let (a, b) = (a.max(range.start), b.min(range.end));
                    if a < b {
                        found.push((a - range.start, b - range.start));
                    }
                }
                found.extend(token_words(slice));
                self.cache.borrow_mut().insert(key, found.clone());
                found
            }
        };
        if ranges.is_empty() {
            return Cow::Borrowed(slice);
        }
        let mut bytes = slice.as_bytes().to_vec();
        for (a, b) in ranges {
            let Some(value) = std::str::from_utf8(&bytes).ok().and_then(|t| t.get(a..b)) else {
                continue;
            };
            let keep = (value.chars().count() / 4).min(4);
            let from = a + value
                .char_indices()
                .nth(keep)
                .map_or(value.len(), |(i, _)| i);
            bytes[from..b].fill(b'*');
        }
        // Whole characters were replaced by ASCII: still UTF-8.
        String::from_utf8(bytes)
            .map(Cow::Owned)
            .unwrap_or(Cow::Borrowed(""))
    }
}

/// Byte ranges of the words of `text` that contain a known token format.
fn token_words(text: &str) -> Vec<(usize, usize)> {
    let sep = |c: char| c.is_whitespace() || "\"'`=,;()[]{}<>|".contains(c);
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        match (sep(c), start) {
            (false, None) => start = Some(i),
            (true, Some(s)) => {
                // Shorter words cannot hold a token (`redis://:pw@h` has 13).
                if i - s >= 12 && secrets::classify(None, &text[s..i]).secret().is_some() {
                    out.push((s, i));
                }
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// Invalid in XML 1.0 (and a parse error in HTML): C0 controls other than
/// tab, line feed and carriage return, DEL..C1, and the non-characters
/// U+FFFE/U+FFFF.
/// Escape `s` one character at a time: `table` gives the replacement of a
/// character that needs one; control characters that no format can carry
/// are written visibly (`\u{1b}`).
pub fn escape_with(s: &str, table: impl Fn(char) -> Option<&'static str>) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match table(c) {
            Some(r) => out.push_str(r),
            None if is_bad_control(c) => out.push_str(&control_repr(c)),
            None => out.push(c),
        }
    }
    out
}

pub fn is_bad_control(c: char) -> bool {
    matches!(c, '\0'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{fffe}' | '\u{ffff}')
}

/// How a character that may not appear is written instead: `\u{1b}`.
pub fn control_repr(c: char) -> String {
    format!("\\u{{{:x}}}", c as u32)
}

/// Bidirectional-text controls (Trojan Source): shown visibly in snippets.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{061c}')
}

/// Characters that hide text from a reader of quoted source: bidi
/// controls, zero-width characters and Unicode tag characters (invisible
/// ASCII, `tool-poisoning`). Source quotes show them as code points.
pub fn is_invisible(c: char) -> bool {
    is_bidi_control(c)
        || matches!(c, '\u{e0000}'..='\u{e007f}' | '\u{200b}'..='\u{200d}' | '\u{2060}'..='\u{2064}' | '\u{feff}' | '\u{180e}')
}

/// Quoted source with every invisible character (and every control no
/// terminal should receive) written as its code point (`\u{e0073}`), and
/// where the original byte offsets moved to.
pub struct Revealed<'a> {
    pub text: std::borrow::Cow<'a, str>,
    /// (original offset of a replaced character, bytes added up to and
    /// including it), in order.
    shifts: Vec<(usize, usize)>,
}

impl Revealed<'_> {
    /// Where an original byte offset is in [`Revealed::text`].
    pub fn map(&self, offset: usize) -> usize {
        let i = self.shifts.partition_point(|&(at, _)| at < offset);
        offset + i.checked_sub(1).map_or(0, |i| self.shifts[i].1)
    }
}

/// Make invisible characters of quoted source visible (see [`Revealed`]).
pub fn reveal(source: std::borrow::Cow<'_, str>) -> Revealed<'_> {
    let hides = |c: char| is_invisible(c) || is_bad_control(c);
    if !source.chars().any(hides) {
        return Revealed {
            text: source,
            shifts: Vec::new(),
        };
    }
    let mut text = String::with_capacity(source.len() + 16);
    let mut shifts = Vec::new();
    let mut added = 0;
    for (at, c) in source.char_indices() {
        if hides(c) {
            let repr = control_repr(c);
            added += repr.len() - c.len_utf8();
            shifts.push((at, added));
            text.push_str(&repr);
        } else {
            text.push(c);
        }
    }
    Revealed {
        text: std::borrow::Cow::Owned(text),
        shifts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revealed_source_shows_hidden_characters_and_keeps_spans() {
        let src = "a\u{200b}b\u{e0073}c";
        let r = reveal(std::borrow::Cow::Borrowed(src));
        assert_eq!(r.text, "a\\u{200b}b\\u{e0073}c");
        // `b` and `c` keep pointing at themselves.
        let b = src.find('b').unwrap();
        let c = src.find('c').unwrap();
        assert_eq!(&r.text[r.map(b)..r.map(b) + 1], "b");
        assert_eq!(&r.text[r.map(c)..r.map(c) + 1], "c");
        assert_eq!(r.map(0), 0);
        let plain = reveal(std::borrow::Cow::Borrowed("abc"));
        assert!(matches!(plain.text, std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn uri_path_encodes() {
        assert_eq!(uri_path("a b/ü.yml"), "a%20b/%C3%BC.yml");
        assert_eq!(uri_path("x(1)#2"), "x%281%29%232");
    }

    fn file(text: &str) -> SourceFile {
        use skillaudit_model::{FileId, FileKind};
        SourceFile::new(
            FileId(0),
            "f".into(),
            "f".into(),
            FileKind::Dockerfile,
            text.into(),
        )
    }

    #[test]
    fn snippet_lines_mark_the_span_on_each_line() {
        let f = file("ab\ncdé\nfg\n");
        // "b\ncd": the end of line 1 and the start of line 2.
        let none = Redactor {
            values: HashMap::new(),
            cache: RefCell::new(HashMap::new()),
        };
        let lines = snippet_lines(&f, &none, Span::new(1, 5), 1, 9);
        let got: Vec<(u32, &str, Option<ByteRange>)> = lines
            .iter()
            .map(|l| (l.number, l.text.as_str(), l.highlight))
            .collect();
        // The final newline does not make a fourth line; out-of-range lines are clamped.
        assert_eq!(
            got,
            vec![
                (1, "ab", Some((1, 2))),
                (2, "cdé", Some((0, 2))),
                (3, "fg", None)
            ]
        );
        // A point, and spans or lines beyond the text, never panic.
        assert_eq!(
            snippet_lines(&f, &none, Span::new(3, 3), 2, 2)[0].highlight,
            Some((0, 0))
        );
        assert_eq!(snippet_lines(&f, &none, Span::new(100, 200), 0, 0).len(), 1);
        assert_eq!(
            snippet_lines(&file(""), &none, Span::new(0, 0), 1, 1).len(),
            1
        );
    }

    #[test]
    fn token_formats_are_starred_out_keeping_offsets() {
        let none = Redactor {
            values: HashMap::new(),
            cache: RefCell::new(HashMap::new()),
        };
        let text = "RUN curl -H \"Authorization: token ghp_R2d7kQ9vXw3LmN8pT5yZa1Bc4De6Fg0Hi2Jk\" https://x\n";
        let f = file(text);
        let w = none.window(&f, 0..text.len());
        assert_eq!(w.len(), text.len());
        assert!(
            w.contains("token ghp_************************************\" https://x"),
            "{w}"
        );
        // Nothing credential-shaped: the text itself.
        let plain = file("FROM node:20\n");
        assert!(matches!(
            none.window(&plain, 0..12),
            Cow::Borrowed("FROM node:20")
        ));
    }

    #[test]
    fn controls() {
        assert!(is_bad_control('\u{1b}'));
        assert!(!is_bad_control('\t'));
        assert!(!is_bad_control('\n'));
        assert!(!is_bad_control('é'));
        assert!(is_bidi_control('\u{202e}'));
        assert_eq!(control_repr('\u{1b}'), "\\u{1b}");
    }
}
