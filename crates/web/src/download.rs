//! A stored audit as a file to download: `/audits/{id}/sarif` (SARIF
//! 2.1.0, for code scanning), `/audits/{id}/json` (the API's record) and
//! `/audits/{id}/markdown` (a report to paste into an issue or a pull
//! request). They read the stored records — the checkout is gone — so
//! fixes carry their description and applicability but no edits.

use std::fmt::Write;

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use skillaudit_report::sarif;
use skillaudit_rules::registry::{self, RULES};
use skillaudit_rules::Severity;
use skillaudit_store::{Audit, AuditSummary, FindingRecord};

use crate::links::{self, FORMATS};
use crate::pages::{audit_id, not_found, store_failure};
use crate::App;

/// A stored severity (any other name counts as `info`).
fn severity(name: &str) -> Severity {
    skillaudit_store::severity::parse(name).unwrap_or(Severity::Info)
}

/// Percent-encode a relative path for a SARIF URI (`/` kept).
fn uri(path: &str) -> String {
    path.split('/')
        .map(crate::html::segment)
        .collect::<Vec<_>>()
        .join("/")
}

fn location(path: &str, line: u32, column: u32, end: Option<(u32, u32)>) -> Value {
    let mut region = json!({"startLine": line.max(1), "startColumn": column.max(1)});
    if let Some((l, c)) = end {
        region["endLine"] = json!(l.max(line.max(1)));
        region["endColumn"] = json!(c.max(1));
    }
    json!({"physicalLocation": {"artifactLocation": {"uri": uri(path), "uriBaseId": "%SRCROOT%"}, "region": region}})
}

fn result(f: &FindingRecord) -> Value {
    let index = RULES.iter().position(|r| r.meta().id == f.rule);
    let mut message = f.message.clone();
    if let Some(fix) = &f.fix {
        let _ = write!(message, ". Fix: {}", fix.description);
    }
    let related: Vec<Value> = f
        .related
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut loc = location(&r.path, r.line, r.column, None);
            loc["id"] = json!(i + 1);
            loc["message"] = json!({"text": r.message});
            loc
        })
        .collect();
    let mut v = json!({
        "ruleId": f.rule,
        "level": sarif::level(severity(&f.severity)),
        "message": {"text": message},
        "locations": [location(&f.path, f.line, f.column, Some((f.end_line, f.end_column)))],
        "partialFingerprints": {"skillaudit/v1": f.fingerprint},
        "properties": {"severity": f.severity, "confidence": f.confidence},
    });
    if let Some(i) = index {
        v["ruleIndex"] = json!(i);
    }
    if !related.is_empty() {
        v["relatedLocations"] = Value::Array(related);
    }
    v
}

/// The audit as SARIF 2.1.0.
pub fn sarif(a: &Audit) -> String {
    let s = &a.summary;
    let rules: Vec<Value> = RULES.iter().map(|r| sarif::rule(r.meta())).collect();
    let results: Vec<Value> = a.findings.iter().map(result).collect();
    let notifications: Vec<Value> = a
        .notices
        .iter()
        .map(|n| json!({"level": "warning", "message": {"text": format!("{}: {}", n.path, n.message)}}))
        .collect();
    let mut run = json!({
        "tool": {"driver": {
            "name": "skillaudit",
            "version": s.tool_version,
            "informationUri": skillaudit_report::INFORMATION_URI,
            "rules": rules,
        }},
        "invocations": [{"executionSuccessful": true, "toolExecutionNotifications": notifications}],
        "results": results,
        "properties": {
            "score": s.score,
            "grade": s.grade.to_string(),
            "incomplete": s.incomplete,
            "repositoryIgnores": s.repository_ignores,
            "omittedFindings": s.omitted_findings,
        },
    });
    if s.source.starts_with("https://") || s.source.starts_with("http://") {
        let mut vcp = json!({"repositoryUri": s.source});
        if let Some(c) = &s.commit {
            vcp["revisionId"] = json!(c);
        }
        run["versionControlProvenance"] = json!([vcp]);
    }
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    });
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

/// Markdown text: no markup of the repository's survives as markup.
fn md(s: &str) -> String {
    skillaudit_report::markdown::escape(s)
}

/// The audit as a Markdown report.
pub fn markdown(a: &Audit) -> String {
    let s = &a.summary;
    let mut m = String::new();
    let _ = writeln!(m, "# skillaudit: grade {} for {}\n", s.grade, md(&s.source));
    let _ = writeln!(
        m,
        "Security score **{}/100**, grade **{}**; {} file(s) scanned{}; skillaudit {}.\n",
        s.score,
        s.grade,
        s.files_scanned,
        s.commit
            .as_deref()
            .map(|c| format!(" at commit `{}`", md(c)))
            .unwrap_or_default(),
        md(&s.tool_version)
    );
    let c = &s.summary;
    let _ = writeln!(
        m,
        "| critical | high | medium | low | info |\n|---|---|---|---|---|\n| {} | {} | {} | {} | {} |\n",
        c.critical, c.high, c.medium, c.low, c.info
    );
    if s.incomplete {
        m.push_str("**Incomplete audit**: files were skipped because of a limit (below); the grade is at best C.\n\n");
    }
    if s.repository_ignores > 0 {
        let _ = writeln!(m, "The repository's own ignore comments would have hidden {} of these findings; a hosted audit does not apply them.\n", s.repository_ignores);
    }
    if !a.findings.is_empty() {
        m.push_str("| severity | rule | location | message |\n|---|---|---|---|\n");
        for f in &a.findings {
            finding_row(&mut m, s, f);
        }
        m.push('\n');
    }
    if !a.omitted.is_empty() {
        m.push_str("Not listed one by one (counted):\n\n");
        for o in &a.omitted {
            let place = if o.path.is_empty() {
                "in several files".to_string()
            } else {
                format!("in `{}`", o.path.replace('`', "'"))
            };
            let _ = writeln!(
                m,
                "- {} more `{}` ({}) {place}",
                o.count,
                o.rule.replace('`', "'"),
                md(&o.severity)
            );
        }
        m.push('\n');
    }
    if !a.notices.is_empty() {
        m.push_str("Skipped files:\n\n");
        for n in &a.notices {
            let _ = writeln!(m, "- `{}`: {}", n.path.replace('`', "'"), md(&n.message));
        }
    }
    m
}

/// A finding's row of the Markdown table: its location linked to the
/// source line at the audited commit when there is one.
fn finding_row(m: &mut String, s: &AuditSummary, f: &FindingRecord) {
    let at = format!("{}:{}:{}", f.path, f.line, f.column);
    let loc = match s
        .commit
        .as_deref()
        .and_then(|c| links::source_line(&s.source, c, &f.path, f.line))
    {
        Some(url) => format!("[{}]({url})", md(&at)),
        None => format!("`{}`", at.replace('`', "'")),
    };
    let summary = registry::find(&f.rule).map_or("", |r| r.summary);
    let _ = writeln!(
        m,
        "| {} | `{}` | {loc} | {}{} |",
        md(&f.severity),
        f.rule.replace('`', "'"),
        md(&f.message),
        if summary.is_empty() {
            String::new()
        } else {
            format!(" ({})", md(summary))
        }
    );
}

/// `GET /audits/{id}/{sarif|json|markdown}`: the file, as an attachment.
pub(crate) async fn download(
    State(app): State<App>,
    Path((id, format)): Path<(String, String)>,
) -> Response {
    let Some(id) = audit_id(&id) else {
        return not_found().await;
    };
    if !FORMATS.iter().any(|(f, _)| *f == format) {
        return not_found().await;
    }
    let audit = match app.query(move |s| s.audit(id)).await {
        Ok(Some(a)) => a,
        Ok(None) => return not_found().await,
        Err(_) => return store_failure(),
    };
    let (body, content_type, ext) = match format.as_str() {
        "sarif" => (sarif(&audit), "application/sarif+json", "sarif"),
        "json" => (
            serde_json::to_string_pretty(&audit).unwrap_or_default(),
            "application/json",
            "json",
        ),
        _ => (markdown(&audit), "text/markdown; charset=utf-8", "md"),
    };
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"skillaudit-{id}.{ext}\""),
            ),
        ],
        body,
    )
        .into_response()
}
