//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning reads it — rules
//! with help text and `security-severity`, related locations, and
//! `partialFingerprints` so alerts survive unrelated edits.

use serde_json::{json, Value};
use skillaudit_engine::{ScanResult, Shown};
use skillaudit_rules::registry::RULES;
use skillaudit_rules::{RuleMeta, Severity, Target};

use crate::common::{rule_doc_url, uri_path as uri};
use crate::{INFORMATION_URI, TOOL_NAME, TOOL_VERSION};

/// SARIF's level of a severity.
pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub maps this 0–10 number to its own severity labels.
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

/// `missing-user` → `MissingUser`.
fn pascal(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// A rule's `reportingDescriptor` (documentation, level, security-severity).
pub fn rule(m: &RuleMeta) -> Value {
    let doc = m.documentation();
    json!({
        "id": m.id,
        "name": pascal(m.id),
        "shortDescription": {"text": m.summary},
        "fullDescription": {"text": first_paragraph(&doc)},
        "help": {"text": doc, "markdown": doc},
        "helpUri": rule_doc_url(m.id),
        "defaultConfiguration": {"level": level(m.severity)},
        "properties": {
            "tags": match m.target {
                Target::Image => json!(["security", "containers", "dockerfile"]),
                Target::Container => json!(["security", "containers", "runtime"]),
                Target::ImageAndContainer => {
                    json!(["security", "containers", "dockerfile-and-runtime"])
                }
                Target::Compound => json!(["security", "containers", "compound"]),
                Target::File => json!(["security", "containers", "parse"]),
                Target::Code => json!(["security", "code", "mcp"]),
            },
            "precision": "high",
            "security-severity": security_severity(m.severity),
        }
    })
}

/// The text under "## What it does".
fn first_paragraph(doc: &str) -> String {
    let body = doc.split("## What it does").nth(1).unwrap_or(doc);
    let para = body
        .split("\n\n")
        .map(str::trim)
        .find(|p| !p.is_empty())
        .unwrap_or("");
    para.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn region(start: (u32, u32), end: (u32, u32)) -> Value {
    json!({"startLine": start.0, "startColumn": start.1, "endLine": end.0, "endColumn": end.1})
}

fn location(path: &str, start: (u32, u32), end: (u32, u32)) -> Value {
    json!({"physicalLocation": {"artifactLocation": {"uri": uri(path), "uriBaseId": "%SRCROOT%"}, "region": region(start, end)}})
}

fn result(s: &Shown, rule_index: usize) -> Value {
    let f = &s.finding;
    let related: Vec<Value> = s
        .related
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut loc = location(
                &r.path,
                (r.start.line, r.start.column),
                (r.end.line, r.end.column),
            );
            loc["id"] = json!(i + 1);
            loc["message"] = json!({"text": r.message});
            loc
        })
        .collect();
    let mut message = skillaudit_engine::group::headline(f).into_owned();
    if let Some(fix) = &f.fix {
        message.push_str(&format!(". Fix: {}", fix.description));
    }
    let mut v = json!({
        "ruleId": f.rule.id,
        "ruleIndex": rule_index,
        "level": level(f.severity),
        "message": {"text": message},
        "locations": [location(&s.path, (s.start.line, s.start.column), (s.end.line, s.end.column))],
        "partialFingerprints": {"skillaudit/v1": s.fingerprint},
        "properties": {
            "severity": f.severity.name(),
            "confidence": f.confidence.name(),
            "context": f.context.name(),
            "occurrences": f.repeats.len() + 1,
        },
    });
    if f.flow && !s.related.is_empty() {
        v["codeFlows"] = code_flow(s);
    }
    if !related.is_empty() {
        v["relatedLocations"] = Value::Array(related);
    }
    v
}

/// A data-flow finding's path as one SARIF thread flow: the related
/// locations (source first), then the sink.
fn code_flow(s: &Shown) -> Value {
    let mut steps: Vec<Value> = s
        .related
        .iter()
        .map(|r| {
            let mut loc = location(
                &r.path,
                (r.start.line, r.start.column),
                (r.end.line, r.end.column),
            );
            loc["message"] = json!({"text": r.message});
            json!({"location": loc})
        })
        .collect();
    let mut sink = location(
        &s.path,
        (s.start.line, s.start.column),
        (s.end.line, s.end.column),
    );
    sink["message"] = json!({"text": "reaches this call"});
    steps.push(json!({"location": sink}));
    json!([{"threadFlows": [{"locations": steps}]}])
}

pub fn render(r: &ScanResult) -> String {
    let rules: Vec<Value> = RULES.iter().map(|x| rule(x.meta())).collect();
    let results: Vec<Value> = r
        .findings
        .iter()
        .map(|s| {
            let idx = RULES
                .iter()
                .position(|x| x.meta().id == s.finding.rule.id)
                .unwrap_or(0);
            result(s, idx)
        })
        .collect();
    let notifications: Vec<Value> = r
        .notices
        .iter()
        .map(|n| {
            json!({
                "level": "warning",
                "message": {"text": format!("{}: {}", n.path, n.message)},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri(&n.path), "uriBaseId": "%SRCROOT%"}}}],
            })
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": TOOL_NAME,
                "semanticVersion": TOOL_VERSION,
                "version": TOOL_VERSION,
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }},
            "invocations": [{"executionSuccessful": true, "toolExecutionNotifications": notifications}],
            "results": results,
            "properties": {"score": r.score, "grade": r.grade.to_string()},
        }]
    });
    let mut out = serde_json::to_string_pretty(&doc).expect("sarif serialises");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers() {
        assert_eq!(pascal("missing-user"), "MissingUser");
        assert_eq!(uri("a b/ü.yml"), "a%20b/%C3%BC.yml");
    }
}
