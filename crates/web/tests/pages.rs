//! The read side of the web service against a store filled directly: every
//! page, the badge, the JSON API, the security headers, and hostile values
//! from a repository coming out escaped everywhere.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use skillaudit_service::{AuditService, ServiceConfig};
use skillaudit_store::{
    Counts, FindingRecord, FixRecord, NewAudit, NoticeRecord, RelatedRecord, SourceLine,
    SqliteStore, Store,
};
use skillaudit_web::{router, App, WebConfig, CSP};
use tower::ServiceExt;

const SCRIPT: &str = "<script>alert(1)</script>";
const IMG: &str = "\"><img src=x onerror=alert(1)>";

fn finding(rule: &str, severity: &str, message: &str, path: &str, line: u32) -> FindingRecord {
    FindingRecord {
        rule: rule.into(),
        severity: severity.into(),
        confidence: "high".into(),
        message: message.into(),
        path: path.into(),
        line,
        column: 3,
        end_line: line,
        end_column: 9,
        related: vec![],
        fix: Some(FixRecord {
            description: "add a `USER` directive".into(),
            applicability: "manual".into(),
        }),
        fingerprint: format!("fp-{rule}-{line}"),
        snippet: vec![
            SourceLine {
                line: line - 1,
                text: "FROM node:22".into(),
                highlight: None,
            },
            SourceLine {
                line,
                text: "RUN echo hi".into(),
                highlight: Some((0, 3)),
            },
        ],
    }
}

fn audit(source: &str, grade: char, findings: Vec<FindingRecord>) -> NewAudit {
    let summary = Counts::of(&findings);
    NewAudit {
        source: source.into(),
        commit: Some("0123456789abcdef0123456789abcdef01234567".into()),
        started_at: 1_700_000_000_000,
        finished_at: 1_700_000_000_250,
        files_scanned: 2,
        score: 61,
        grade,
        summary,
        tool_version: skillaudit_store::TOOL_VERSION.into(),
        findings,
        notices: vec![],
        incomplete: false,
        repository_ignores: 0,
        omitted: vec![],
        untrusted: true,
    }
}

/// A hostile audit: every text field a repository controls carries markup.
fn hostile() -> NewAudit {
    let mut f = finding(
        "missing-user",
        "high",
        &format!("service {SCRIPT} runs as root"),
        &format!("dir{IMG}/Dockerfile"),
        2,
    );
    f.snippet[1].text = format!("RUN {SCRIPT}");
    f.snippet[1].highlight = Some((4, 4 + SCRIPT.len() as u32));
    f.related = vec![RelatedRecord {
        path: format!("compose{IMG}.yaml"),
        line: 1,
        column: 1,
        message: format!("used by {SCRIPT}"),
    }];
    f.fix = Some(FixRecord {
        description: format!("rename {SCRIPT}"),
        applicability: "safe".into(),
    });
    let odd = finding(&format!("rule{IMG}"), "critical", "x", "a", 5);
    let mut a = audit(&format!("https://github.com/o/r{IMG}"), 'D', vec![f, odd]);
    a.notices = vec![NoticeRecord {
        path: format!("n{IMG}"),
        message: SCRIPT.into(),
        limit: true,
    }];
    a.incomplete = true;
    a.omitted = vec![skillaudit_store::OmittedRecord {
        rule: format!("rule{IMG}"),
        severity: "critical".into(),
        path: format!("p{SCRIPT}"),
        count: 3,
    }];
    a.commit = Some(format!("c{IMG}"));
    a
}

fn app() -> (Router, Arc<dyn Store>) {
    let store: Arc<dyn Store> = Arc::new(SqliteStore::in_memory().unwrap());
    let service = AuditService::start(ServiceConfig::default(), store.clone());
    (router(App::new(service, WebConfig::default())), store)
}

struct Got {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

async fn send(app: &Router, req: Request<Body>) -> Got {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 24)
        .await
        .unwrap();
    Got {
        status,
        headers,
        body: String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

async fn get(app: &Router, uri: &str) -> Got {
    send(app, Request::get(uri).body(Body::empty()).unwrap()).await
}

fn assert_security_headers(uri: &str, got: &Got) {
    assert_eq!(got.headers[header::CONTENT_SECURITY_POLICY], CSP, "{uri}");
    assert_eq!(
        got.headers[header::X_CONTENT_TYPE_OPTIONS],
        "nosniff",
        "{uri}"
    );
    assert_eq!(got.headers[header::REFERRER_POLICY], "no-referrer", "{uri}");
}

/// The attribute names of every tag in `html` (a small tokenizer: quoted
/// values are skipped whole, so escaped text inside them is not a name).
fn tags(html: &str) -> Vec<(String, Vec<String>)> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' {
            i += 1;
            continue;
        }
        i += 1;
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
            i += 1;
        }
        let name = html[start..i].to_ascii_lowercase();
        let mut attrs = Vec::new();
        while i < b.len() && b[i] != b'>' {
            if b[i].is_ascii_whitespace() || b[i] == b'/' {
                i += 1;
                continue;
            }
            let a = i;
            while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>') {
                i += 1;
            }
            attrs.push(html[a..i].to_ascii_lowercase());
            if i < b.len() && b[i] == b'=' {
                i += 1;
                if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                    let q = b[i];
                    i += 1;
                    while i < b.len() && b[i] != q {
                        i += 1;
                    }
                    i += 1;
                } else {
                    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                        i += 1;
                    }
                }
            }
        }
        out.push((name, attrs));
    }
    out
}

/// No markup from the repository made it through: no script, no event
/// handler, no injected image, no inline style.
fn assert_inert(uri: &str, body: &str) {
    for (name, attrs) in tags(body) {
        assert!(
            !name.starts_with("script") && name != "style",
            "{uri}: <{name}> in\n{body}"
        );
        for a in attrs {
            assert!(
                !a.starts_with("on") && a != "style",
                "{uri}: <{name} {a}=…> in\n{body}"
            );
            if name == "img" {
                assert!(
                    a != "src" || !body.contains("<img src=x"),
                    "{uri}: injected image in\n{body}"
                );
            }
        }
    }
    assert!(
        !body.to_ascii_lowercase().contains("<script"),
        "{uri}: script in\n{body}"
    );
    assert!(
        !body.contains("<img src=x"),
        "{uri}: injected image in\n{body}"
    );
}

#[test]
fn the_tag_checker_sees_injected_markup() {
    let caught = |html: &str| std::panic::catch_unwind(|| assert_inert("t", html)).is_err();
    assert!(caught("<p>x<img src=x onerror=alert(1)></p>"));
    assert!(caught("<p title=\"a\" onclick=\"x\">"));
    assert!(caught("<div style=\"color:red\">"));
    assert!(caught("<SCRIPT>alert(1)</SCRIPT>"));
    assert!(!caught(
        "<p title=\"a onerror=b\">&lt;img src=x onerror=alert(1)&gt;</p>"
    ));
}

#[tokio::test]
async fn every_route_sends_the_security_headers() {
    let (app, store) = app();
    let id = store
        .insert_audit(&audit("https://github.com/o/r", 'A', vec![]))
        .unwrap();
    for uri in [
        "/".to_string(),
        format!("/audits/{id}"),
        "/audits/999".into(),
        "/audits/x".into(),
        "/rules".into(),
        "/rules/missing-user".into(),
        "/rules/nope".into(),
        "/history".into(),
        "/corpus".into(),
        "/badge/github.com/o/r.svg".into(),
        "/healthz".into(),
        "/static/style.css".into(),
        "/static/icon.svg".into(),
        "/api/corpus".into(),
        "/api/audits".into(),
        format!("/api/audits/{id}"),
        "/api/audits/999".into(),
        "/jobs/abc".into(),
        "/api/jobs/abc".into(),
        "/no/such/page".into(),
    ] {
        let got = get(&app, &uri).await;
        assert_security_headers(&uri, &got);
    }
    let got = send(
        &app,
        Request::post("/api/audits")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{"))
            .unwrap(),
    )
    .await;
    assert_eq!(got.status, StatusCode::BAD_REQUEST);
    assert_security_headers("POST /api/audits", &got);
}

#[tokio::test]
async fn report_page_shows_grade_findings_snippets_and_fixes() {
    let (app, store) = app();
    let mut a = audit(
        "https://github.com/o/r",
        'D',
        vec![
            finding(
                "missing-user",
                "high",
                "final stage runs as root",
                "Dockerfile",
                2,
            ),
            finding(
                "latest-tag",
                "medium",
                "image uses latest",
                "Dockerfile",
                1 + 1,
            ),
        ],
    );
    a.findings[1].fix = None;
    let id = store.insert_audit(&a).unwrap();
    let got = get(&app, &format!("/audits/{id}")).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(
        got.headers[header::CONTENT_TYPE],
        "text/html; charset=utf-8"
    );
    let b = &got.body;
    assert!(b.contains("<html lang=\"en\">"));
    assert!(b.contains("id=\"grade\" data-grade=\"D\""), "{b}");
    assert!(b.contains(">D</div>"));
    assert!(b.contains("<strong>61</strong>/100"));
    // Grouped by severity, worst first.
    let high = b.find("id=\"high\"").expect("high group");
    let medium = b.find("id=\"medium\"").expect("medium group");
    assert!(high < medium);
    assert!(!b.contains("id=\"critical\""));
    assert!(
        b.contains("<article class=\"finding sa-finding sa-sev-high\" data-rule=\"missing-user\"")
    );
    assert!(b.contains("final stage runs as root"));
    // file:line links to the file at the audited commit on GitHub.
    assert!(
        b.contains("<a class=\"location\" href=\"https://github.com/o/r/blob/0123456789abcdef0123456789abcdef01234567/Dockerfile#L2\" rel=\"nofollow noopener noreferrer\"><code>Dockerfile:2:3</code></a>"),
        "{b}"
    );
    assert!(b.contains("<mark>RUN</mark> echo hi"), "{b}");
    assert!(b.contains("FROM node:22"));
    assert!(b.contains("href=\"/rules/missing-user\""));
    assert!(b.contains("add a `USER` directive"));
    assert!(b.contains("src=\"/badge/github.com/o/r.svg\""));
    assert!(b.contains("href=\"/api/audits/"));
    assert!(b.contains("<main id=\"main\""));
    assert!(b.contains("<nav aria-label=\"Main\">"));
    assert_inert("/audits", b);

    let missing = get(&app, "/audits/424242").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let junk = get(&app, "/audits/1%20OR%201=1").await;
    assert_eq!(junk.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn hostile_values_are_escaped_on_every_page_and_in_the_badge() {
    let (app, store) = app();
    let id = store.insert_audit(&hostile()).unwrap();
    let report = get(&app, &format!("/audits/{id}")).await;
    assert_eq!(report.status, StatusCode::OK);
    assert!(report
        .body
        .contains("service &lt;script&gt;alert(1)&lt;/script&gt; runs as root"));
    assert!(report
        .body
        .contains("RUN <mark>&lt;script&gt;alert(1)&lt;/script&gt;</mark>"));
    assert!(report
        .body
        .contains("dir&quot;&gt;&lt;img src=x onerror=alert(1)&gt;/Dockerfile:2:3"));
    assert_inert("/audits/{id}", &report.body);
    for uri in ["/", "/history", "/corpus"] {
        let got = get(&app, uri).await;
        assert_eq!(got.status, StatusCode::OK, "{uri}");
        assert!(
            got.body.contains("&quot;&gt;&lt;img"),
            "{uri} shows the value, escaped:\n{}",
            got.body
        );
        assert_inert(uri, &got.body);
    }
    // A rule id that is not a rule, from the path.
    let rule = get(
        &app,
        &format!("/rules/x{}", "%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E"),
    )
    .await;
    assert_eq!(rule.status, StatusCode::NOT_FOUND);
    assert!(rule.body.contains("x&quot;&gt;&lt;script&gt;"));
    assert_inert("/rules/…", &rule.body);
    // The badge of the hostile source: the path segment is the repository.
    let badge = get(
        &app,
        "/badge/github.com/o/r%22%3E%3Cimg%20src=x%20onerror=alert(1)%3E.svg",
    )
    .await;
    assert_eq!(badge.status, StatusCode::OK);
    // Incomplete audits say so on the badge.
    assert!(
        badge.body.contains(">D incomplete</text>"),
        "{}",
        badge.body
    );
    assert_inert("badge", &badge.body);
    // The API gives the values as JSON strings, unchanged.
    let api = get(&app, &format!("/api/audits/{id}")).await;
    let v: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert_eq!(
        v["findings"][0]["message"],
        format!("service {SCRIPT} runs as root")
    );
    assert_eq!(api.headers[header::CONTENT_TYPE], "application/json");
}

#[tokio::test]
async fn rule_pages() {
    let (app, _) = app();
    let got = get(&app, "/rules/missing-user").await;
    assert_eq!(got.status, StatusCode::OK);
    assert!(got.body.contains("data-rule=\"missing-user\""));
    assert!(
        got.body.contains("<strong>Severity:</strong>"),
        "{}",
        got.body
    );
    assert_inert("/rules/missing-user", &got.body);
    let near = get(&app, "/rules/missing-usr").await;
    assert_eq!(near.status, StatusCode::NOT_FOUND);
    assert!(near.body.contains("href=\"/rules/missing-user\""));
    let index = get(&app, "/rules").await;
    assert!(index.body.contains("href=\"/rules/missing-user\""));
}

#[tokio::test]
async fn history_pages_by_keyset() {
    let (app, store) = app();
    let mut ids = Vec::new();
    for i in 0..53 {
        ids.push(
            store
                .insert_audit(&audit(&format!("https://github.com/o/r{i}"), 'A', vec![]))
                .unwrap(),
        );
    }
    let first = get(&app, "/history").await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.body.matches("<tr><td>").count(), 50);
    assert!(first.body.contains("https://github.com/o/r52"));
    assert!(!first.body.contains("https://github.com/o/r2<"));
    let older = ids[3];
    assert!(
        first
            .body
            .contains(&format!("href=\"/history?before={older}\"")),
        "{}",
        first.body
    );
    let second = get(&app, &format!("/history?before={older}")).await;
    assert_eq!(second.body.matches("<tr><td>").count(), 3);
    assert!(second.body.contains("https://github.com/o/r0<"));
    assert!(!second.body.contains("?before="));
    let bad = get(&app, "/history?before=x").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);

    // The same pages as JSON.
    let api = get(&app, "/api/audits").await;
    assert_eq!(api.status, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    let shown: Vec<&str> = v["audits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["source"].as_str().unwrap())
        .collect();
    assert_eq!(shown.len(), 50);
    assert_eq!(shown[0], "https://github.com/o/r52");
    assert_eq!(v["next"], format!("/api/audits?before={older}"));
    let rest = get(&app, v["next"].as_str().unwrap()).await;
    let v: serde_json::Value = serde_json::from_str(&rest.body).unwrap();
    assert_eq!(v["audits"].as_array().unwrap().len(), 3);
    assert_eq!(v["audits"][2]["source"], "https://github.com/o/r0");
    assert_eq!(v["audits"][2]["grade"], "A");
    assert_eq!(v["next"], serde_json::Value::Null);
    let bad = get(&app, "/api/audits?before=x").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("\"error\""), "{}", bad.body);
}

#[tokio::test]
async fn corpus_page_and_api() {
    let (app, store) = app();
    let empty = get(&app, "/corpus").await;
    assert!(empty.body.contains("data-repositories=\"0\""));
    store
        .insert_audit(&audit(
            "https://github.com/a/one",
            'D',
            vec![finding("missing-user", "high", "m", "Dockerfile", 2)],
        ))
        .unwrap();
    store
        .insert_audit(&audit("https://github.com/a/two", 'A', vec![]))
        .unwrap();
    let got = get(&app, "/corpus").await;
    assert_eq!(got.status, StatusCode::OK);
    assert!(got.body.contains("data-repositories=\"2\""), "{}", got.body);
    assert!(got.body.contains("<tr data-rule=\"missing-user\">"));
    assert!(got.body.contains("value=\"0.5000\""));
    assert!(got.body.contains("<tr data-grade=\"D\">"));
    // The top five, in words: the rule, its summary and its share.
    let top = &got.body[got
        .body
        .find("<ol class=\"top-rules\">")
        .expect("a top-five list")..];
    let top = &top[..top.find("</ol>").unwrap()];
    assert_eq!(top.matches("<li ").count(), 1, "{top}");
    let summary = skillaudit_rules::registry::find("missing-user")
        .unwrap()
        .summary;
    assert!(
        top.contains("<code>missing-user</code></a> (high): ")
            && top.contains("50% of repositories"),
        "{top}"
    );
    assert!(
        top.contains(&skillaudit_report::html::escape(summary)),
        "{top}"
    );
    let api = get(&app, "/api/corpus").await;
    let v: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert_eq!(v["repositories"], 2);
    assert_eq!(v["rules"][0]["rule"], "missing-user");
}

#[tokio::test]
async fn the_top_five_are_five() {
    let (app, store) = app();
    let rules = [
        "missing-user",
        "privileged-container",
        "docker-socket-mount",
        "unpinned-image",
        "missing-healthcheck",
        "host-namespace",
        "missing-pids-limit",
    ];
    // Repository k has the first k+1 rules: the first rule is the most common.
    for repo in 0..rules.len() {
        let findings = rules[..=repo]
            .iter()
            .map(|r| finding(r, "medium", "m", "compose.yaml", 1))
            .collect();
        store
            .insert_audit(&audit(
                &format!("https://github.com/a/r{repo}"),
                'C',
                findings,
            ))
            .unwrap();
    }
    let got = get(&app, "/corpus").await;
    let top = &got.body[got.body.find("<ol class=\"top-rules\">").unwrap()..];
    let top = &top[..top.find("</ol>").unwrap()];
    let shown: Vec<&str> = top
        .split("<li data-rule=\"")
        .skip(1)
        .map(|l| &l[..l.find('"').unwrap()])
        .collect();
    assert_eq!(shown, rules[..5], "{top}");
}

/// "Most common" is the share of repositories, not the number of
/// findings; equal shares go to the more severe rule first; the share bars
/// are drawn in a warning colour, never the browser's "good" green.
#[tokio::test]
async fn most_common_is_by_share_of_repositories_then_severity() {
    let (app, store) = app();
    // r0: 30 findings of one noisy low rule; r0 and r1: one high, one medium.
    let mut noisy: Vec<FindingRecord> = (1..=30)
        .map(|l| finding("missing-pids-limit", "low", "m", "README.md", l))
        .collect();
    noisy.push(finding(
        "missing-no-new-privileges",
        "medium",
        "m",
        "compose.yaml",
        1,
    ));
    noisy.push(finding(
        "privileged-container",
        "high",
        "m",
        "compose.yaml",
        2,
    ));
    store
        .insert_audit(&audit("https://github.com/a/r0", 'D', noisy))
        .unwrap();
    store
        .insert_audit(&audit(
            "https://github.com/a/r1",
            'D',
            vec![
                finding(
                    "missing-no-new-privileges",
                    "medium",
                    "m",
                    "compose.yaml",
                    1,
                ),
                finding("privileged-container", "high", "m", "compose.yaml", 2),
            ],
        ))
        .unwrap();
    let got = get(&app, "/corpus").await;
    let table = &got.body[got.body.find("<table class=\"rules\">").unwrap()..];
    let order: Vec<&str> = table
        .split("<tr data-rule=\"")
        .skip(1)
        .map(|l| &l[..l.find('"').unwrap()])
        .collect();
    assert_eq!(
        order,
        [
            "privileged-container",
            "missing-no-new-privileges",
            "missing-pids-limit"
        ]
    );
    assert!(table.contains("<meter class=\"warn\""), "{table}");
    let css = skillaudit_web::style_sheet();
    assert!(css.contains("meter.warn::-moz-meter-bar{background:#9a6700}"));
    assert!(css.contains("meter::-webkit-meter-optimum-value{background:var(--muted)"));
}

#[tokio::test]
async fn badge_shows_the_latest_grade() {
    let (app, store) = app();
    let unknown = get(&app, "/badge/github.com/o/r.svg").await;
    assert_eq!(unknown.status, StatusCode::OK);
    assert!(unknown.body.contains(">unknown</text>"));
    store
        .insert_audit(&audit("https://github.com/o/r", 'F', vec![]))
        .unwrap();
    store
        .insert_audit(&audit("https://github.com/o/r.git", 'B', vec![]))
        .unwrap();
    let got = get(&app, "/badge/GitHub.com/o/r.svg").await;
    assert_eq!(
        got.headers[header::CONTENT_TYPE],
        "image/svg+xml; charset=utf-8"
    );
    assert_eq!(got.headers[header::CACHE_CONTROL], "max-age=300");
    assert!(got.body.starts_with("<svg "));
    assert!(got.body.contains(">B</text>"), "{}", got.body);
    assert!(got.body.contains("#4c9a2a"));
    let not_svg = get(&app, "/badge/github.com/o/r.png").await;
    assert_eq!(not_svg.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn health_style_and_api_errors() {
    let (app, _) = app();
    let h = get(&app, "/healthz").await;
    assert_eq!(h.status, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&h.body).unwrap();
    assert_eq!(
        (v["status"].as_str(), v["store"].as_str()),
        (Some("ok"), Some("ok"))
    );
    assert_eq!(
        (v["queued"].as_u64(), v["running"].as_u64()),
        (Some(0), Some(0))
    );
    let css = get(&app, "/static/style.css").await;
    assert_eq!(css.headers[header::CONTENT_TYPE], "text/css; charset=utf-8");
    assert!(css.body.contains(".sa-finding"));
    assert!(css.body.contains(":focus-visible"));
    let missing = get(&app, "/api/audits/7").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let v: serde_json::Value = serde_json::from_str(&missing.body).unwrap();
    assert_eq!(v["error"], "no such audit");
    let job = get(&app, "/api/jobs/00ff").await;
    assert_eq!(job.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let (app, _) = app();
    let big = format!(
        "{{\"url\": \"https://github.com/o/{}\"}}",
        "a".repeat(64 * 1024)
    );
    let got = send(
        &app,
        Request::post("/api/audits")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(big))
            .unwrap(),
    )
    .await;
    assert_eq!(got.status, StatusCode::PAYLOAD_TOO_LARGE);
    let form = format!(
        "url=https%3A%2F%2Fgithub.com%2Fo%2F{}",
        "a".repeat(64 * 1024)
    );
    let got = send(
        &app,
        Request::post("/audits")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form))
            .unwrap(),
    )
    .await;
    assert_eq!(got.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(got.body.contains("role=\"alert\""));
    assert_security_headers("big form", &got);
}
