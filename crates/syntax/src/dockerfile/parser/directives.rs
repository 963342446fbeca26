//! The Dockerfile parser: directives.

use std::ops::Range;

pub(super) struct ParsedDirective {
    /// Lower-cased.
    pub(super) name: String,
    /// Byte range of the value inside the line.
    pub(super) value: Range<usize>,
}

/// Match `#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$` on a left-trimmed line,
/// with Go RE2's ASCII `\s` around the `=` (as BuildKit's `DirectiveParser`).
pub(super) fn parse_directive(line: &str) -> Option<ParsedDirective> {
    let is_re_space = |c: char| matches!(c, '\t' | '\n' | '\u{0C}' | '\r' | ' ');
    let after_hash = line.strip_prefix('#')?;
    let name_part = after_hash.trim_start();
    let name_start = line.len() - name_part.len();
    let name_len = name_part
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit())))
        .map_or(name_part.len(), |(i, _)| i);
    if name_len == 0 {
        return None;
    }
    let name = line[name_start..name_start + name_len].to_ascii_lowercase();
    let after_name = &line[name_start + name_len..];
    let eq = after_name
        .trim_start_matches(is_re_space)
        .strip_prefix('=')?;
    let eq_end = line.len() - eq.len();
    // `\s*(.+?)\s*$`: the value is the rest without surrounding spaces; if
    // the rest is only spaces, the regex backtracks and the value is its
    // last character.
    let trimmed = eq.trim_matches(is_re_space);
    let value = if !trimmed.is_empty() {
        let start = eq_end + (eq.len() - eq.trim_start_matches(is_re_space).len());
        start..start + trimmed.len()
    } else {
        let last = eq.chars().next_back()?;
        line.len() - last.len_utf8()..line.len()
    };
    Some(ParsedDirective { name, value })
}
