//! `--format github`: GitHub Actions workflow commands, one annotation per
//! finding (`::error file=…,line=…::…`), one warning per skipped file and
//! a closing notice with the grade.
//!
//! Values are escaped as the Actions toolkit does (`@actions/core`
//! `command.ts`): in properties `%`, `\r`, `\n`, `:` and `,`; in the message
//! `%`, `\r` and `\n`. A message can therefore never end the command line
//! and start another command, whatever a repository puts in it. Beyond the
//! toolkit, control characters (an ANSI escape, NUL) are written as
//! `\u{…}` so a message cannot restyle or garble the job log.

use std::fmt::Write;

use skillaudit_engine::{ScanResult, Shown};
use skillaudit_rules::Severity;

use crate::common::{applicability, counts_phrase, escape_with, plural};

fn command(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "notice",
    }
}

/// Escape a message (the data after `::`).
pub fn escape_data(s: &str) -> String {
    escape_with(s, |c| match c {
        '%' => Some("%25"),
        '\r' => Some("%0D"),
        '\n' => Some("%0A"),
        _ => None,
    })
}

/// Escape a property value (`file=`, `title=`).
pub fn escape_property(s: &str) -> String {
    escape_with(s, |c| match c {
        '%' => Some("%25"),
        '\r' => Some("%0D"),
        '\n' => Some("%0A"),
        ':' => Some("%3A"),
        ',' => Some("%2C"),
        _ => None,
    })
}

fn annotation(shown: &Shown) -> String {
    let f = &shown.finding;
    let mut message = f.message.clone();
    if let Some(fix) = &f.fix {
        let _ = write!(
            message,
            "\nFix ({}): {}",
            applicability(fix.applicability),
            fix.description
        );
    }
    for r in &shown.related {
        let _ = write!(
            message,
            "\nRelated: {}:{}:{}: {}",
            r.path, r.start.line, r.start.column, r.message
        );
    }
    let title = format!("{} ({})", f.rule.id, f.severity.name());
    format!(
        "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
        command(f.severity),
        escape_property(&shown.path),
        shown.start.line,
        shown.start.column,
        shown.end.line,
        shown.end.column,
        escape_property(&title),
        escape_data(&message)
    )
}

pub fn render(result: &ScanResult) -> String {
    let mut out = String::new();
    for shown in &result.findings {
        out.push_str(&annotation(shown));
    }
    for n in &result.notices {
        let _ = writeln!(
            out,
            "::warning file={},title=skillaudit%3A skipped::{}",
            escape_property(&n.path),
            escape_data(&n.message)
        );
    }
    let files = result.files_scanned();
    let _ = writeln!(
        out,
        "::notice title=skillaudit::{}",
        escape_data(&format!(
            "grade {}, security score {}/100: {} in {} file{} scanned",
            result.grade,
            result.score,
            counts_phrase(result),
            files,
            plural(files)
        ))
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_the_actions_toolkit() {
        assert_eq!(escape_data("a%b\r\nc::d,e"), "a%25b%0D%0Ac::d,e");
        assert_eq!(escape_property("a%b\r\nc::d,e"), "a%25b%0D%0Ac%3A%3Ad%2Ce");
        assert_eq!(escape_data("\u{1b}[31m"), "\\u{1b}[31m");
    }
}
