//! `--format junit`: JUnit XML as GitLab (`artifacts:reports:junit`),
//! Jenkins and Azure Pipelines read it.
//!
//! One `<testsuite>` per file, named by its path, as ruff and ESLint do;
//! one failing `<testcase>` per finding (`classname` the path, `name` the
//! rule and position) whose `<failure>` carries the message as its
//! `message` and the location, related locations, fix and rule
//! documentation as its text. A file that could not be scanned is a
//! `<skipped>` test case. With no finding at all the report still holds one
//! passing test case, so CI shows a passed check rather than an empty report.
//!
//! Everything is XML-escaped; characters XML 1.0 cannot hold (most C0
//! controls, U+FFFE, U+FFFF) are written as `\u{…}`.

use std::collections::HashMap;
use std::fmt::Write;

use skillaudit_engine::{ScanResult, Shown};

use crate::common::{applicability, escape_with, plural, rule_doc_url};
use crate::TOOL_NAME;

/// Escape text content.
pub fn escape_text(s: &str) -> String {
    escape_with(s, |c| match c {
        '&' => Some("&amp;"),
        '<' => Some("&lt;"),
        '>' => Some("&gt;"),
        _ => None,
    })
}

/// Escape an attribute value (double-quoted); line breaks and tabs become
/// character references so attribute normalisation keeps them.
pub fn escape_attr(s: &str) -> String {
    escape_with(s, |c| match c {
        '&' => Some("&amp;"),
        '<' => Some("&lt;"),
        '>' => Some("&gt;"),
        '"' => Some("&quot;"),
        '\'' => Some("&apos;"),
        '\n' => Some("&#10;"),
        '\r' => Some("&#13;"),
        '\t' => Some("&#9;"),
        _ => None,
    })
}

fn failure_text(s: &Shown) -> String {
    let f = &s.finding;
    let mut t = format!(
        "{}:{}:{}: {} {} (confidence {})\n{}\n",
        s.path,
        s.start.line,
        s.start.column,
        f.severity.name(),
        f.rule.id,
        f.confidence.name(),
        f.message
    );
    for r in &s.related {
        let _ = writeln!(
            t,
            "related: {}:{}:{}: {}",
            r.path, r.start.line, r.start.column, r.message
        );
    }
    if let Some(fix) = &f.fix {
        let _ = writeln!(
            t,
            "fix ({}): {}",
            applicability(fix.applicability),
            fix.description
        );
    }
    let _ = write!(t, "docs: {}", rule_doc_url(f.rule.id));
    t
}

fn testcase(out: &mut String, s: &Shown) {
    let f = &s.finding;
    let _ = writeln!(
        out,
        "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{}\" time=\"0\">",
        escape_attr(&format!(
            "{} at {}:{}",
            f.rule.id, s.start.line, s.start.column
        )),
        escape_attr(&s.path),
        escape_attr(&s.path),
        s.start.line
    );
    let _ = writeln!(
        out,
        "      <failure message=\"{}\" type=\"{}\">{}</failure>",
        escape_attr(&f.message),
        f.severity.name(),
        escape_text(&failure_text(s))
    );
    out.push_str("    </testcase>\n");
}

pub fn render(result: &ScanResult) -> String {
    // Suites by path, in report order (findings are sorted by path); notices
    // join the suite of their path or get their own.
    let mut suites: Vec<(&str, Vec<&Shown>, Vec<&str>)> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for s in &result.findings {
        let i = *index.entry(&s.path).or_insert_with(|| {
            suites.push((&s.path, vec![], vec![]));
            suites.len() - 1
        });
        suites[i].1.push(s);
    }
    for n in &result.notices {
        let i = *index.entry(&n.path).or_insert_with(|| {
            suites.push((&n.path, vec![], vec![]));
            suites.len() - 1
        });
        suites[i].2.push(&n.message);
    }
    let failures = result.findings.len();
    let skipped = result.notices.len();
    let passed = usize::from(failures == 0);
    let tests = failures + skipped + passed;

    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(out, "<testsuites name=\"{TOOL_NAME}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\" time=\"0\">");
    for (path, findings, notices) in &suites {
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" time=\"0\">",
            escape_attr(path),
            findings.len() + notices.len(),
            findings.len(),
            notices.len()
        );
        for s in findings {
            testcase(&mut out, s);
        }
        for m in notices {
            let _ = writeln!(
                out,
                "    <testcase name=\"scan\" classname=\"{}\" file=\"{}\" time=\"0\">",
                escape_attr(path),
                escape_attr(path)
            );
            let _ = writeln!(out, "      <skipped message=\"{}\"/>", escape_attr(m));
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    if passed == 1 {
        let files = result.files_scanned();
        let _ = writeln!(out, "  <testsuite name=\"{TOOL_NAME}\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\" time=\"0\">");
        let _ = writeln!(
            out,
            "    <testcase name=\"no findings\" classname=\"{TOOL_NAME}\" time=\"0\">"
        );
        let _ = writeln!(
            out,
            "      <system-out>{}</system-out>",
            escape_text(&format!(
                "No findings in {files} file{} scanned. Security score {}/100, grade {}.",
                plural(files),
                result.score,
                result.grade
            ))
        );
        out.push_str("    </testcase>\n  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(escape_text("a<b>&c\"'\u{1b}"), "a&lt;b&gt;&amp;c\"'\\u{1b}");
        assert_eq!(
            escape_attr("a<b>&c\"'\n\t"),
            "a&lt;b&gt;&amp;c&quot;&apos;&#10;&#9;"
        );
    }
}
