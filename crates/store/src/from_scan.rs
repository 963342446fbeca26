//! A scan result as records to store.

use skillaudit_engine::{ScanResult, Shown};
use skillaudit_rules::Applicability;

use skillaudit_report::html::finding_lines;
use skillaudit_report::Redactor;

use crate::{Counts, FindingRecord, FixRecord, NewAudit, NoticeRecord, RelatedRecord, SourceLine};

/// The tool version recorded with each audit.
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");

fn applicability(a: Applicability) -> &'static str {
    match a {
        Applicability::Safe => "safe",
        Applicability::Unsafe => "unsafe",
        Applicability::Manual => "manual",
    }
}

impl FindingRecord {
    /// The record of a finding, with the fields of the JSON report.
    /// `redactor` masks credentials in the source lines kept with it.
    pub fn from_shown(result: &ScanResult, redactor: &Redactor, s: &Shown) -> FindingRecord {
        let f = &s.finding;
        FindingRecord {
            rule: f.rule.id.to_string(),
            severity: f.severity.name().to_string(),
            confidence: f.confidence.name().to_string(),
            message: f.message.clone(),
            path: s.path.clone(),
            line: s.start.line,
            column: s.start.column,
            end_line: s.end.line,
            end_column: s.end.column,
            related: s
                .related
                .iter()
                .map(|r| RelatedRecord {
                    path: r.path.clone(),
                    line: r.start.line,
                    column: r.start.column,
                    message: r.message.clone(),
                })
                .collect(),
            fix: f.fix.as_ref().map(|x| FixRecord {
                description: x.description.clone(),
                applicability: applicability(x.applicability).to_string(),
            }),
            fingerprint: s.fingerprint.clone(),
            snippet: finding_lines(result, redactor, s)
                .into_iter()
                .map(|l| SourceLine {
                    line: l.number,
                    text: l.text,
                    highlight: l.highlight.map(|(a, b)| (a as u32, b as u32)),
                })
                .collect(),
        }
    }
}

impl NewAudit {
    /// The audit of `source` (at `commit`, when known) that produced `result`.
    pub fn from_scan(
        result: &ScanResult,
        source: &str,
        commit: Option<&str>,
        started_at: i64,
        finished_at: i64,
    ) -> NewAudit {
        let s = result.summary;
        NewAudit {
            source: source.to_string(),
            commit: commit.map(str::to_string),
            started_at,
            finished_at,
            files_scanned: result.files_scanned() as u64,
            score: result.score,
            grade: result.grade,
            summary: Counts {
                critical: s.critical as u64,
                high: s.high as u64,
                medium: s.medium as u64,
                low: s.low as u64,
                info: s.info as u64,
            },
            tool_version: TOOL_VERSION.to_string(),
            findings: {
                let redactor = Redactor::new(result);
                result
                    .findings
                    .iter()
                    .map(|s| FindingRecord::from_shown(result, &redactor, s))
                    .collect()
            },
            notices: result
                .notices
                .iter()
                .map(|n| NoticeRecord {
                    path: n.path.clone(),
                    message: n.message.clone(),
                })
                .collect(),
        }
    }
}
