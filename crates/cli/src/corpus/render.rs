//! The corpus table in its four formats (text, Markdown, CSV, JSON), from
//! the store's corpus view and the sources that could not be audited.

use std::fmt::Write as _;

use serde::Serialize;
use skillaudit_store::{CorpusStats, Counts};

use super::{CorpusFormat, Outcome, Source};

fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

fn failures(outcomes: &[Outcome]) -> impl Iterator<Item = (&Source, &str)> {
    outcomes
        .iter()
        .filter_map(|o| o.result.as_ref().err().map(|e| (&o.source, e.as_str())))
}

fn counts_line(c: &Counts) -> String {
    format!(
        "{} critical, {} high, {} medium, {} low, {} info",
        c.critical, c.high, c.medium, c.low, c.info
    )
}

fn totals(stats: &CorpusStats, outcomes: &[Outcome]) -> String {
    let failed = failures(outcomes).count();
    let repos = if stats.repositories == 1 {
        "repository"
    } else {
        "repositories"
    };
    let failed = if failed > 0 {
        format!(" ({failed} could not be audited)")
    } else {
        String::new()
    };
    format!(
        "{} {repos} audited{failed}, {} files scanned, {} findings: {}",
        stats.repositories,
        stats.files_scanned,
        stats.findings.total(),
        counts_line(&stats.findings)
    )
}

pub(super) fn render(
    stats: &CorpusStats,
    outcomes: &[Outcome],
    format: CorpusFormat,
    top: Option<usize>,
) -> String {
    let rules = &stats.rules[..top.unwrap_or(usize::MAX).min(stats.rules.len())];
    match format {
        CorpusFormat::Text => text(stats, rules, outcomes),
        CorpusFormat::Markdown => markdown(stats, rules, outcomes),
        CorpusFormat::Csv => csv(rules),
        CorpusFormat::Json => json(stats, rules, outcomes),
    }
}

fn text(stats: &CorpusStats, rules: &[skillaudit_store::RuleStat], outcomes: &[Outcome]) -> String {
    let mut out = String::new();
    let width = rules
        .iter()
        .map(|r| r.rule.len())
        .max()
        .unwrap_or(0)
        .max("rule".len());
    let _ = writeln!(
        out,
        "{:<width$}  {:<8}  {:>12}  {:>5}  {:>8}",
        "rule", "severity", "repositories", "share", "findings"
    );
    for r in rules {
        let _ = writeln!(
            out,
            "{:<width$}  {:<8}  {:>12}  {:>5}  {:>8}",
            r.rule,
            r.severity,
            r.repositories,
            percent(r.share),
            r.findings
        );
    }
    if rules.is_empty() {
        let _ = writeln!(out, "(no findings)");
    }
    if rules.len() < stats.rules.len() {
        let _ = writeln!(out, "… and {} more rules", stats.rules.len() - rules.len());
    }
    let _ = writeln!(out, "\ngrade  repositories  share");
    for g in &stats.grades {
        let _ = writeln!(
            out,
            "{:<5}  {:>12}  {:>5}",
            g.grade,
            g.repositories,
            percent(share(g.repositories, stats.repositories))
        );
    }
    let _ = writeln!(out, "\n{}", totals(stats, outcomes));
    out
}

/// A Markdown table cell: no `|` or line break escapes the cell.
pub(super) fn md_cell(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
}

fn markdown(
    stats: &CorpusStats,
    rules: &[skillaudit_store::RuleStat],
    outcomes: &[Outcome],
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## Corpus: {} repositories\n", stats.repositories);
    let _ = writeln!(
        out,
        "| Rule | Severity | Repositories | Share | Findings |\n|---|---|---:|---:|---:|"
    );
    for r in rules {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} |",
            md_cell(&r.rule),
            r.severity,
            r.repositories,
            percent(r.share),
            r.findings
        );
    }
    if rules.is_empty() {
        let _ = writeln!(out, "| (no findings) | | | | |");
    }
    if rules.len() < stats.rules.len() {
        let _ = writeln!(
            out,
            "\n… and {} more rules.",
            stats.rules.len() - rules.len()
        );
    }
    let _ = writeln!(
        out,
        "\n### Grades\n\n| Grade | Repositories | Share |\n|---|---:|---:|"
    );
    for g in &stats.grades {
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            g.grade,
            g.repositories,
            percent(share(g.repositories, stats.repositories))
        );
    }
    let _ = writeln!(out, "\n{}.", totals(stats, outcomes));
    let failed: Vec<_> = failures(outcomes).collect();
    if !failed.is_empty() {
        let _ = writeln!(out, "\n### Not audited\n");
        for (s, e) in failed {
            let _ = writeln!(
                out,
                "- `{}`: {}",
                md_cell(&s.display).replace('`', "'"),
                md_cell(e)
            );
        }
    }
    out
}

/// A CSV field (RFC 4180), quoted when it needs to be.
pub(super) fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The rule table alone, one header line: what a spreadsheet wants.
fn csv(rules: &[skillaudit_store::RuleStat]) -> String {
    let mut out = String::from("rule,severity,repositories,share,findings\n");
    for r in rules {
        let _ = writeln!(
            out,
            "{},{},{},{:.4},{}",
            csv_field(&r.rule),
            csv_field(&r.severity),
            r.repositories,
            r.share,
            r.findings
        );
    }
    out
}

#[derive(Serialize)]
struct JsonReport<'a> {
    tool: JsonTool,
    repositories: u64,
    files_scanned: u64,
    findings: Counts,
    rules: &'a [skillaudit_store::RuleStat],
    grades: Vec<JsonGrade>,
    audits: Vec<JsonAudit<'a>>,
    errors: Vec<JsonError<'a>>,
}

#[derive(Serialize)]
struct JsonTool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct JsonGrade {
    grade: char,
    repositories: u64,
    share: f64,
}

#[derive(Serialize)]
struct JsonAudit<'a> {
    source: &'a str,
    commit: Option<&'a str>,
    files_scanned: u64,
    score: u32,
    grade: char,
    summary: Counts,
}

#[derive(Serialize)]
struct JsonError<'a> {
    source: &'a str,
    error: &'a str,
}

fn json(stats: &CorpusStats, rules: &[skillaudit_store::RuleStat], outcomes: &[Outcome]) -> String {
    let report = JsonReport {
        tool: JsonTool {
            name: skillaudit_report::TOOL_NAME,
            version: skillaudit_report::TOOL_VERSION,
        },
        repositories: stats.repositories,
        files_scanned: stats.files_scanned,
        findings: stats.findings,
        rules,
        grades: stats
            .grades
            .iter()
            .map(|g| JsonGrade {
                grade: g.grade,
                repositories: g.repositories,
                share: share(g.repositories, stats.repositories),
            })
            .collect(),
        audits: outcomes
            .iter()
            .filter_map(|o| {
                let a = o.result.as_ref().ok()?;
                Some(JsonAudit {
                    source: &o.source.display,
                    commit: a.commit.as_deref(),
                    files_scanned: a.files_scanned,
                    score: a.score,
                    grade: a.grade,
                    summary: a.summary,
                })
            })
            .collect(),
        errors: failures(outcomes)
            .map(|(s, e)| JsonError {
                source: &s.display,
                error: e,
            })
            .collect(),
    };
    let mut out = serde_json::to_string_pretty(&report)
        .unwrap_or_else(|e| format!("{{\"error\": \"cannot serialise the report: {e}\"}}"));
    out.push('\n');
    out
}
