//! A scan result as records to store.

use std::collections::BTreeMap;

use skillaudit_engine::{ScanResult, Shown};
use skillaudit_rules::{Applicability, Severity};

use skillaudit_report::html::finding_lines;
use skillaudit_report::Redactor;

use crate::{
    Counts, FindingRecord, FixRecord, NewAudit, NoticeRecord, OmittedRecord, RelatedRecord,
    SourceLine,
};

/// How many findings of an audit are stored one by one; the rest are
/// counted per rule and file ([`OmittedRecord`]). A compose file of 10,000
/// copies of one mistake is 10,000 findings that say the same thing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Caps {
    /// Findings of one rule in one file.
    pub per_rule_and_file: usize,
    /// Findings of the whole audit (the most severe are kept).
    pub total: usize,
}

impl Caps {
    /// Every finding stored.
    pub const UNLIMITED: Caps = Caps {
        per_rule_and_file: usize::MAX,
        total: usize::MAX,
    };
}

impl Default for Caps {
    /// 20 per rule and file, 2,000 per audit.
    fn default() -> Caps {
        Caps {
            per_rule_and_file: 20,
            total: 2_000,
        }
    }
}

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

/// Which findings of `result` to store (indices, in report order) under
/// `caps`, and the others counted per rule and file.
fn select(result: &ScanResult, caps: Caps) -> (Vec<usize>, Vec<OmittedRecord>) {
    let mut per_key: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    let mut kept = Vec::new();
    let mut left: Vec<usize> = Vec::new();
    for (i, s) in result.findings.iter().enumerate() {
        let n = per_key.entry((s.finding.rule.id, &s.path)).or_default();
        *n += 1;
        if *n <= caps.per_rule_and_file {
            kept.push(i);
        } else {
            left.push(i);
        }
    }
    if kept.len() > caps.total {
        // The most severe first, then report order.
        kept.sort_by_key(|&i| (std::cmp::Reverse(result.findings[i].finding.severity), i));
        left.extend(kept.drain(caps.total..));
        kept.sort_unstable();
    }
    // The rest, per rule and file (per rule alone beyond `total` groups).
    let mut groups: BTreeMap<(&str, &str), (Severity, u64)> = BTreeMap::new();
    for &i in &left {
        let s = &result.findings[i];
        let g = groups
            .entry((&s.path, s.finding.rule.id))
            .or_insert((s.finding.severity, 0));
        g.0 = g.0.max(s.finding.severity);
        g.1 += 1;
    }
    if groups.len() > caps.total {
        let mut by_rule: BTreeMap<(&str, &str), (Severity, u64)> = BTreeMap::new();
        for ((_, rule), (sev, n)) in groups {
            let g = by_rule.entry(("", rule)).or_insert((sev, 0));
            g.0 = g.0.max(sev);
            g.1 += n;
        }
        groups = by_rule;
    }
    let omitted = groups
        .into_iter()
        .map(|((path, rule), (severity, count))| OmittedRecord {
            rule: rule.to_string(),
            severity: severity.name().to_string(),
            path: path.to_string(),
            count,
        })
        .collect();
    (kept, omitted)
}

impl NewAudit {
    /// The audit of `source` (at `commit`, when known) that produced
    /// `result`, every finding stored.
    pub fn from_scan(
        result: &ScanResult,
        source: &str,
        commit: Option<&str>,
        started_at: i64,
        finished_at: i64,
    ) -> NewAudit {
        NewAudit::from_scan_capped(
            result,
            source,
            commit,
            started_at,
            finished_at,
            Caps::UNLIMITED,
        )
    }

    /// [`NewAudit::from_scan`], storing at most `caps` findings one by one;
    /// the summary still counts every finding.
    pub fn from_scan_capped(
        result: &ScanResult,
        source: &str,
        commit: Option<&str>,
        started_at: i64,
        finished_at: i64,
        caps: Caps,
    ) -> NewAudit {
        let (kept, omitted) = select(result, caps);
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
                kept.iter()
                    .map(|&i| FindingRecord::from_shown(result, &redactor, &result.findings[i]))
                    .collect()
            },
            notices: result
                .notices
                .iter()
                .map(|n| NoticeRecord {
                    path: n.path.clone(),
                    message: n.message.clone(),
                    limit: n.limit,
                })
                .collect(),
            incomplete: result.incomplete(),
            repository_ignores: result.repository_ignores as u64,
            omitted,
            // The caller knows whose repository it scanned.
            untrusted: false,
        }
    }
}
