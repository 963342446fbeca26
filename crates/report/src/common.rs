//! Small helpers the renderers share: documentation links, path encoding,
//! severity labels and source windows. Nothing here analyses.

use skillaudit_engine::{ScanResult, Shown};
use skillaudit_model::project::SourceFile;
use skillaudit_rules::{Applicability, Severity};
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
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => out.push(b as char),
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
    let counts: Vec<String> = Severity::ALL.iter().filter(|sev| s.get(**sev) > 0).map(|sev| format!("{} {}", s.get(*sev), sev.name())).collect();
    let total = result.findings.len();
    format!("{} finding{}{}", total, plural(total), if counts.is_empty() { String::new() } else { format!(" ({})", counts.join(", ")) })
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

/// One source line of a snippet: its number, its text and the part of it
/// (byte range within `text`) that the highlighted span covers.
pub struct SnippetLine<'a> {
    pub number: u32,
    pub text: &'a str,
    pub highlight: Option<(usize, usize)>,
}

/// The lines `first..=last` (1-based, clamped to the file) with the part
/// `span` covers on each. Never panics on spans or lines out of range.
pub fn snippet_lines<'a>(file: &'a SourceFile, span: Span, first: u32, last: u32) -> Vec<SnippetLine<'a>> {
    let idx = file.lines();
    // A final newline ends the last line; it does not start another.
    let mut count = idx.line_count().max(1) as u32;
    if count > 1 && file.text.ends_with('\n') {
        count -= 1;
    }
    let first = first.clamp(1, count);
    let last = last.clamp(first, count);
    let text = file.text.as_str();
    let (s, e) = ((span.start as usize).min(text.len()), (span.end as usize).min(text.len()));
    let mut out = Vec::new();
    for n in first..=last {
        let range = idx.line_range(text, n as usize - 1);
        let line = text.get(range.clone()).unwrap_or("");
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
        // Byte offsets always fall on char boundaries: spans come from parsers
        // over this text, but be defensive.
        let highlight = highlight.filter(|(a, b)| line.is_char_boundary(*a) && line.is_char_boundary(*b));
        out.push(SnippetLine { number: n, text: line, highlight });
    }
    out
}

/// Invalid in XML 1.0 (and a parse error in HTML): C0 controls other than
/// tab, line feed and carriage return, DEL..C1, and the non-characters
/// U+FFFE/U+FFFF.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_path_encodes() {
        assert_eq!(uri_path("a b/ü.yml"), "a%20b/%C3%BC.yml");
        assert_eq!(uri_path("x(1)#2"), "x%281%29%232");
    }

    fn file(text: &str) -> SourceFile {
        use skillaudit_model::{FileId, FileKind};
        SourceFile::new(FileId(0), "f".into(), "f".into(), FileKind::Dockerfile, text.into())
    }

    #[test]
    fn snippet_lines_mark_the_span_on_each_line() {
        let f = file("ab\ncdé\nfg\n");
        // "b\ncd": the end of line 1 and the start of line 2.
        let lines = snippet_lines(&f, Span::new(1, 5), 1, 9);
        let got: Vec<(u32, &str, Option<(usize, usize)>)> = lines.iter().map(|l| (l.number, l.text, l.highlight)).collect();
        // The final newline does not make a fourth line; out-of-range lines are clamped.
        assert_eq!(got, vec![(1, "ab", Some((1, 2))), (2, "cdé", Some((0, 2))), (3, "fg", None)]);
        // A point, and spans or lines beyond the text, never panic.
        assert_eq!(snippet_lines(&f, Span::new(3, 3), 2, 2)[0].highlight, Some((0, 0)));
        assert_eq!(snippet_lines(&f, Span::new(100, 200), 0, 0).len(), 1);
        assert_eq!(snippet_lines(&file(""), Span::new(0, 0), 1, 1).len(), 1);
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
