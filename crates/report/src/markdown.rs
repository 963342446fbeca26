//! `--format markdown`: a report for a pull-request comment or a GitHub job
//! summary (`>> $GITHUB_STEP_SUMMARY`): grade and score, counts per
//! severity, a table of the critical/high/medium findings and, folded in a
//! `<details>`, the low/info ones, then skipped files.
//!
//! Tables stop after [`MAX_ROWS`] rows each, or when the report reaches
//! [`MAX_CHARS`] (a comment is limited to 65,536 characters), saying how many
//! were left out. Every value from the repository is
//! escaped so it renders as the text it is: Markdown punctuation is
//! backslash-escaped, `<`, `>` and `&` become entities, line breaks `<br>`,
//! and `@` is followed by a zero-width space so a path cannot mention anyone.

use std::fmt::Write;

use skillaudit_engine::{ScanResult, Shown};
use skillaudit_rules::Severity;

use crate::common::{
    applicability, control_repr, is_bad_control, plural, rule_doc_url, title, uri_path,
};
use crate::{TOOL_NAME, TOOL_VERSION};

/// Rows per table before the rest is only counted.
pub const MAX_ROWS: usize = 100;
/// Size of the report before further rows are only counted: a GitHub
/// comment holds 65,536 characters, and the closing lines need a little room.
pub const MAX_CHARS: usize = 60_000;

/// Escape text for a Markdown table cell (GitHub Flavored Markdown).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '~' | '|' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '@' => out.push_str("@&#8203;"),
            '\r' => {}
            '\n' => out.push_str("<br>"),
            c if is_bad_control(c) => out.push_str(&escape(&control_repr(c))),
            c => out.push(c),
        }
    }
    out
}

fn marker(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "🔴",
        Severity::High => "🟠",
        Severity::Medium => "🟡",
        Severity::Low => "🔵",
        Severity::Info => "⚪",
    }
}

/// `[path:line](path#Lline)`.
fn location_link(path: &str, line: u32) -> String {
    format!("[{}:{}]({}#L{})", escape(path), line, uri_path(path), line)
}

fn row(s: &Shown) -> String {
    let mut out = String::new();
    let f = &s.finding;
    let mut cell = escape(&skillaudit_engine::group::headline(f));
    if let Some(fix) = &f.fix {
        let _ = write!(
            cell,
            "<br>**Fix** ({}): {}",
            applicability(fix.applicability),
            escape(&fix.description)
        );
    }
    for r in &s.related {
        let _ = write!(
            cell,
            "<br>↳ {} {}",
            location_link(&r.path, r.start.line),
            escape(&r.message)
        );
    }
    let _ = writeln!(
        out,
        "| {} {} | [`{}`]({}) | {} | {} |",
        marker(f.severity),
        f.severity.name(),
        f.rule.id,
        rule_doc_url(f.rule.id),
        location_link(&s.path, s.start.line),
        cell
    );
    out
}

fn table(out: &mut String, findings: &[&Shown]) {
    out.push_str("| Severity | Rule | Location | Finding |\n|---|---|---|---|\n");
    let mut shown = 0;
    for s in findings.iter().take(MAX_ROWS) {
        let r = row(s);
        if out.len() + r.len() > MAX_CHARS {
            break;
        }
        out.push_str(&r);
        shown += 1;
    }
    if findings.len() > shown {
        let more = findings.len() - shown;
        let _ = writeln!(out, "\n…and {more} more finding{} not listed here; the `sarif`, `json` or `html` report has them all.", plural(more));
    }
}

/// The findings part: their count, a table of counts by severity, the
/// medium and worse findings, then the others folded away.
fn findings(out: &mut String, result: &ScanResult, files: usize) {
    let s = result.summary;
    let total = result.findings.len();
    let _ = writeln!(
        out,
        "**{total} finding{}** in {files} file{} scanned.\n",
        plural(total),
        plural(files)
    );
    let heads: Vec<String> = Severity::ALL
        .iter()
        .map(|v| format!("{} {}", marker(*v), title(*v)))
        .collect();
    let _ = writeln!(out, "| {} |", heads.join(" | "));
    let _ = writeln!(out, "|{}", "---:|".repeat(Severity::ALL.len()));
    let counts: Vec<String> = Severity::ALL
        .iter()
        .map(|v| s.get(*v).to_string())
        .collect();
    let _ = writeln!(out, "| {} |\n", counts.join(" | "));

    // Worst first; the sort is stable, so path order holds within a severity.
    let mut major: Vec<&Shown> = result
        .findings
        .iter()
        .filter(|f| f.finding.severity >= Severity::Medium)
        .collect();
    let mut minor: Vec<&Shown> = result
        .findings
        .iter()
        .filter(|f| f.finding.severity < Severity::Medium)
        .collect();
    major.sort_by_key(|f| std::cmp::Reverse(f.finding.severity));
    minor.sort_by_key(|f| std::cmp::Reverse(f.finding.severity));
    if !major.is_empty() {
        table(out, &major);
        out.push('\n');
    }
    if !minor.is_empty() {
        let mut what: Vec<String> = Vec::new();
        for v in [Severity::Low, Severity::Info] {
            if s.get(v) > 0 {
                what.push(format!("{} {}", s.get(v), v.name()));
            }
        }
        let n = minor.len();
        let _ = writeln!(
            out,
            "<details><summary>{} finding{} ({})</summary>\n",
            n,
            plural(n),
            what.join(", ")
        );
        table(out, &minor);
        out.push_str("\n</details>\n\n");
    }
}

/// The skipped files, as many as fit.
fn notices(out: &mut String, result: &ScanResult) {
    if result.notices.is_empty() {
        return;
    }
    let _ = writeln!(out, "**Skipped files**\n");
    let mut shown = 0;
    for n in result.notices.iter().take(MAX_ROWS) {
        let line = format!("- {}: {}\n", escape(&n.path), escape(&n.message));
        if out.len() + line.len() > MAX_CHARS {
            break;
        }
        out.push_str(&line);
        shown += 1;
    }
    if result.notices.len() > shown {
        let _ = writeln!(out, "- …and {} more", result.notices.len() - shown);
    }
    out.push('\n');
}

pub fn render(result: &ScanResult) -> String {
    let mut out = String::new();
    let files = result.files_scanned();
    let _ = writeln!(
        out,
        "## {TOOL_NAME}: grade {}, security score {}/100\n",
        result.grade, result.score
    );
    if result.incomplete() {
        out.push_str(
            "**Incomplete**: a file was skipped because of a limit, so the grade is at best C.\n\n",
        );
    }
    let total = result.findings.len();
    if total == 0 {
        let _ = writeln!(
            out,
            "✅ **No findings** in {files} file{} scanned.\n",
            plural(files)
        );
    } else {
        findings(&mut out, result, files);
    }
    notices(&mut out, result);
    let _ = writeln!(out, "<sub>{TOOL_NAME} {TOOL_VERSION}</sub>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markdown_and_html() {
        assert_eq!(escape("a|b"), "a\\|b");
        assert_eq!(escape("<script>"), "&lt;script&gt;");
        assert_eq!(
            escape("`x` *y* _z_ [l](u) ~s~ $m$"),
            "\\`x\\` \\*y\\* \\_z\\_ \\[l\\](u) \\~s\\~ \\$m\\$"
        );
        assert_eq!(escape("a\nb"), "a<br>b");
        assert_eq!(escape("@octocat"), "@&#8203;octocat");
        assert_eq!(escape("a\\b"), "a\\\\b");
    }
}
