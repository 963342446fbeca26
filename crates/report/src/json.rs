//! `--format json`: the report of interface.md. Fields may be added, never
//! renamed or removed.

use serde::Serialize;
use skillaudit_engine::{ScanResult, Shown};

use crate::{TOOL_NAME, TOOL_VERSION};

#[derive(Serialize)]
struct Report<'a> {
    tool: Tool,
    targets: &'a [String],
    files_scanned: usize,
    score: u32,
    grade: String,
    summary: Summary,
    findings: Vec<Finding<'a>>,
    /// Files that could not be scanned (added field).
    notices: Vec<Notice<'a>>,
    /// Findings at or above `--min-severity` left out by ignore comments or
    /// the configuration (added field).
    ignored: usize,
    /// Findings at or above `--min-severity` left out because `--baseline`
    /// has them (added field).
    baselined: usize,
    /// A file was skipped because of a limit; the grade is at best C
    /// (added field).
    incomplete: bool,
    /// Findings the repository's ignore comments would have hidden, when
    /// they were disregarded (`--no-ignores`; added field).
    repository_ignores: usize,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Summary {
    critical: usize,
    high: usize,
    medium: usize,
    low: usize,
    info: usize,
}

#[derive(Serialize)]
struct Finding<'a> {
    rule: &'static str,
    severity: &'static str,
    confidence: &'static str,
    message: &'a str,
    path: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    related: Vec<Related<'a>>,
    fix: Option<Fix<'a>>,
    fingerprint: &'a str,
    /// Where the container or code comes from: deployment, documentation,
    /// development, ci or test (v2).
    context: &'static str,
    /// How many occurrences of the problem in the file this finding stands
    /// for; the others are the last `occurrences - 1` related locations
    /// (added field).
    occurrences: usize,
}

#[derive(Serialize)]
struct Related<'a> {
    path: &'a str,
    line: u32,
    column: u32,
    message: &'a str,
}

#[derive(Serialize)]
struct Fix<'a> {
    description: &'a str,
    applicability: skillaudit_rules::Applicability,
}

#[derive(Serialize)]
struct Notice<'a> {
    path: &'a str,
    message: &'a str,
    /// Skipped because of a limit (added field).
    limit: bool,
}

fn finding(s: &Shown) -> Finding<'_> {
    let f = &s.finding;
    Finding {
        rule: f.rule.id,
        severity: f.severity.name(),
        confidence: f.confidence.name(),
        message: &f.message,
        path: &s.path,
        line: s.start.line,
        column: s.start.column,
        end_line: s.end.line,
        end_column: s.end.column,
        related: s
            .related
            .iter()
            .map(|r| Related {
                path: &r.path,
                line: r.start.line,
                column: r.start.column,
                message: &r.message,
            })
            .collect(),
        context: f.context.name(),
        occurrences: f.repeats.len() + 1,
        fix: f.fix.as_ref().map(|x| Fix {
            description: &x.description,
            applicability: x.applicability,
        }),
        fingerprint: &s.fingerprint,
    }
}

pub fn render(result: &ScanResult) -> String {
    let s = result.summary;
    let report = Report {
        tool: Tool {
            name: TOOL_NAME,
            version: TOOL_VERSION,
        },
        targets: &result.targets,
        files_scanned: result.files_scanned(),
        score: result.score,
        grade: result.grade.to_string(),
        summary: Summary {
            critical: s.critical,
            high: s.high,
            medium: s.medium,
            low: s.low,
            info: s.info,
        },
        findings: result.findings.iter().map(finding).collect(),
        notices: result
            .notices
            .iter()
            .map(|n| Notice {
                path: &n.path,
                message: &n.message,
                limit: n.limit,
            })
            .collect(),
        ignored: result.ignored,
        baselined: result.baselined,
        incomplete: result.incomplete(),
        repository_ignores: result.repository_ignores,
    };
    let mut out = serde_json::to_string_pretty(&report).expect("report serialises");
    out.push('\n');
    out
}
