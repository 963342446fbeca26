//! `--format gitlab`: a GitLab Code Quality report — a JSON array of Code
//! Climate issues (`description`, `check_name`, `fingerprint`, `severity`,
//! `location.path`, `location.lines`), which GitLab shows in the merge
//! request widget, the changes view and the pipeline's Code Quality tab.
//!
//! GitLab only reads the fields above (it validates each entry against its
//! `codeclimate.json` schema); the others (`type`, `categories`,
//! `other_locations`, `engine_name`) are Code Climate's and cost nothing.
//! Notices (files that could not be scanned) have no place in the format and
//! are left out; the other formats carry them.

use std::collections::HashSet;

use serde_json::{json, Value};
use skillaudit_engine::{ScanResult, Shown};
use skillaudit_rules::Severity;

use crate::common::message_with_fix;
use crate::TOOL_NAME;

/// GitLab's five levels: `info`, `minor`, `major`, `critical`, `blocker`.
pub fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "blocker",
        Severity::High => "critical",
        Severity::Medium => "major",
        Severity::Low => "minor",
        Severity::Info => "info",
    }
}

fn issue(s: &Shown, fingerprint: String) -> Value {
    let f = &s.finding;
    let mut v = json!({
        "type": "issue",
        "check_name": f.rule.id,
        "description": message_with_fix(s),
        "categories": ["Security"],
        "severity": severity(f.severity),
        "fingerprint": fingerprint,
        "location": {
            "path": s.path,
            "lines": {"begin": s.start.line, "end": s.end.line.max(s.start.line)},
        },
        "engine_name": TOOL_NAME,
    });
    if !s.related.is_empty() {
        v["other_locations"] =
            s.related.iter().map(|r| json!({"path": r.path, "lines": {"begin": r.start.line, "end": r.end.line.max(r.start.line)}})).collect();
    }
    v
}

pub fn render(result: &ScanResult) -> String {
    // The engine's fingerprints are unique per finding (an occurrence number
    // separates identical keys); GitLab merges issues that share one, so
    // keep them unique even if two targets ever produced the same.
    let mut seen: HashSet<String> = HashSet::new();
    let issues: Vec<Value> = result
        .findings
        .iter()
        .map(|s| {
            let mut fp = s.fingerprint.clone();
            let mut n = 1;
            while !seen.insert(fp.clone()) {
                n += 1;
                fp = format!("{}-{n}", s.fingerprint);
            }
            issue(s, fp)
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&Value::Array(issues)).expect("report serialises");
    out.push('\n');
    out
}
