//! What a user shares and the HTTP hygiene of the read side, against a
//! store filled directly: the repository's permanent page, changes since
//! the previous audit, the badge snippet, downloads (SARIF validated
//! against the schema), report pages a page at a time, incomplete audits,
//! JSON errors on every `/api/*` path, `/healthz` with a broken store, and
//! job pages read back from the store after a restart.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use skillaudit_service::{AuditService, ServiceConfig, RESTART_REASON};
use skillaudit_store::{
    AuditId, AuditSummary, CorpusStats, Counts, FindingRecord, JobRecord, JobState, NewAudit,
    NoticeRecord, OmittedRecord, Page, SourceLine, SqliteStore, Store, StoreError,
};
use skillaudit_web::{router, App, WebConfig};
use tower::ServiceExt;

const COMMIT: &str = "0123456789abcdef0123456789abcdef01234567";

fn finding(rule: &str, severity: &str, path: &str, line: u32) -> FindingRecord {
    FindingRecord {
        rule: rule.into(),
        severity: severity.into(),
        confidence: "high".into(),
        message: format!("{rule} at line {line}"),
        path: path.into(),
        line,
        column: 1,
        end_line: line,
        end_column: 5,
        related: vec![],
        fix: None,
        fingerprint: format!("{rule}-{path}-{line}"),
        snippet: vec![SourceLine {
            line,
            text: "privileged: true".into(),
            highlight: Some((0, 10)),
        }],
    }
}

fn audit(source: &str, findings: Vec<FindingRecord>) -> NewAudit {
    NewAudit {
        source: source.into(),
        commit: Some(COMMIT.into()),
        started_at: 1_700_000_000_000,
        finished_at: 1_700_000_001_000,
        files_scanned: 1,
        score: 40,
        grade: 'F',
        summary: Counts::of(&findings),
        tool_version: skillaudit_store::TOOL_VERSION.into(),
        findings,
        notices: vec![],
        incomplete: false,
        repository_ignores: 0,
        omitted: vec![],
        untrusted: true,
    }
}

fn app_on(store: Arc<dyn Store>, web: WebConfig) -> Router {
    let service = AuditService::start(ServiceConfig::default(), store);
    router(App::new(service, web))
}

fn app() -> (Router, Arc<dyn Store>) {
    let store: Arc<dyn Store> = Arc::new(SqliteStore::in_memory().unwrap());
    (app_on(store.clone(), WebConfig::default()), store)
}

struct Got {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

impl Got {
    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

async fn send(app: &Router, req: Request<Body>) -> Got {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 26)
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

#[tokio::test]
async fn every_api_error_is_json_404_405_and_413_included() {
    let (app, _) = app();
    for uri in ["/api/nope", "/api/", "/api/audits/1/x", "/api"] {
        let got = get(&app, uri).await;
        assert_eq!(got.status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(
            got.headers[header::CONTENT_TYPE],
            "application/json",
            "{uri}"
        );
        assert!(got.json()["error"].is_string(), "{uri}");
    }
    let wrong = send(
        &app,
        Request::delete("/api/audits").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(wrong.json()["error"], "method not allowed here");
    assert!(wrong.headers.contains_key(header::ALLOW));
    let big = send(
        &app,
        Request::post("/api/audits")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(format!(
                "{{\"url\": \"{}\"}}",
                "a".repeat(64 * 1024)
            )))
            .unwrap(),
    )
    .await;
    assert_eq!(big.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(big.json()["error"]
        .as_str()
        .unwrap()
        .contains("larger than"));
    // Pages outside the API keep their HTML errors.
    let page = get(&app, "/nope").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
}

/// A store whose every call fails (a lost disk).
struct Broken;

fn broken<T>() -> skillaudit_store::Result<T> {
    Err(StoreError("disk I/O error".into()))
}

impl Store for Broken {
    fn insert_audit(&self, _: &NewAudit) -> skillaudit_store::Result<AuditId> {
        broken()
    }
    fn audit(&self, _: AuditId) -> skillaudit_store::Result<Option<skillaudit_store::Audit>> {
        broken()
    }
    fn audits(&self, _: Page) -> skillaudit_store::Result<Vec<AuditSummary>> {
        broken()
    }
    fn latest_for_source(&self, _: &str) -> skillaudit_store::Result<Option<AuditSummary>> {
        broken()
    }
    fn latest_for_commit(
        &self,
        _: &str,
        _: &str,
    ) -> skillaudit_store::Result<Option<AuditSummary>> {
        broken()
    }
    fn corpus_stats(&self) -> skillaudit_store::Result<CorpusStats> {
        broken()
    }
    fn previous_audit(
        &self,
        _: &str,
        _: AuditId,
    ) -> skillaudit_store::Result<Option<AuditSummary>> {
        broken()
    }
    fn health(&self) -> skillaudit_store::Result<()> {
        broken()
    }
    fn insert_job(&self, _: &JobRecord) -> skillaudit_store::Result<()> {
        broken()
    }
    fn set_job_state(&self, _: &str, _: &JobState, _: i64) -> skillaudit_store::Result<()> {
        broken()
    }
    fn job(&self, _: &str) -> skillaudit_store::Result<Option<JobRecord>> {
        broken()
    }
    fn fail_unfinished_jobs(&self, _: &str, _: i64) -> skillaudit_store::Result<u64> {
        broken()
    }
    fn forget_jobs(&self, _: i64) -> skillaudit_store::Result<u64> {
        broken()
    }
}

#[tokio::test]
async fn healthz_reports_a_broken_store_and_the_queue() {
    let (ok, _) = app();
    let h = get(&ok, "/healthz").await;
    assert_eq!(h.status, StatusCode::OK);
    assert_eq!(h.json()["workers"], 2);
    let bad = app_on(Arc::new(Broken), WebConfig::default());
    let h = get(&bad, "/healthz").await;
    assert_eq!(h.status, StatusCode::SERVICE_UNAVAILABLE);
    let v = h.json();
    assert_eq!(
        (v["status"].as_str(), v["store"].as_str()),
        (Some("unavailable"), Some("unavailable"))
    );
    assert_eq!(v["queued"], 0);
    // The cause is for the operator's log, not the public.
    assert!(!h.body.contains("disk I/O"), "{}", h.body);
    // The pages say something went wrong instead of failing.
    let api = get(&bad, "/api/audits").await;
    assert_eq!(api.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(api.json()["error"].is_string());
}

#[tokio::test]
async fn a_repository_page_shows_its_latest_audit_and_what_changed_since_the_one_before() {
    let store: Arc<dyn Store> = Arc::new(SqliteStore::in_memory().unwrap());
    let app = app_on(
        store.clone(),
        WebConfig {
            public_url: Some("https://audit.example".into()),
            ..WebConfig::default()
        },
    );
    let source = "https://github.com/o/r";
    let first = store
        .insert_audit(&audit(
            source,
            vec![
                finding("privileged-container", "critical", "compose.yaml", 3),
                finding("missing-user", "high", "Dockerfile", 1),
            ],
        ))
        .unwrap();
    // Someone else's repository in between.
    store
        .insert_audit(&audit("https://github.com/x/y", vec![]))
        .unwrap();
    let mut second = audit(
        source,
        vec![
            finding("privileged-container", "critical", "compose.yaml", 3),
            finding("docker-socket-mount", "critical", "compose.yaml", 5),
        ],
    );
    second.repository_ignores = 2;
    let second = store.insert_audit(&second).unwrap();

    let page = get(&app, "/repos/github.com/o/r").await;
    assert_eq!(page.status, StatusCode::OK);
    let b = &page.body;
    assert!(
        b.contains(&format!("href=\"/audits/{second}\" id=\"permalink\"")),
        "{b}"
    );
    assert!(b.contains("data-new=\"1\" data-fixed=\"1\""), "{b}");
    assert!(b.contains(&format!("href=\"/audits/{first}\">the audit of")));
    let new = &b[b.find("id=\"changes-new\"").unwrap()..];
    assert!(new[..new.find("</ul>").unwrap()].contains("docker-socket-mount"));
    let fixed = &b[b.find("id=\"changes-fixed\"").unwrap()..];
    assert!(fixed[..fixed.find("</ul>").unwrap()].contains("missing-user"));
    // What the repository's own comments would have hidden.
    assert!(b.contains("id=\"repository-ignores\" data-count=\"2\""));
    // The badge as Markdown with absolute URLs, and a re-scan.
    assert!(b.contains(
        "[![skillaudit](https://audit.example/badge/github.com/o/r.svg)](https://audit.example/repos/github.com/o/r)"
    ), "{b}");
    assert!(b.contains("<input type=\"hidden\" name=\"url\" value=\"https://github.com/o/r\">"));
    assert!(b.contains("id=\"rescan\""));
    for f in ["sarif", "json", "markdown"] {
        assert!(b.contains(&format!("href=\"/audits/{second}/{f}\"")), "{f}");
    }
    // The same with .git and http spellings, and the report of the first
    // audit links to the repository's page.
    assert_eq!(
        get(&app, "/repos/GitHub.com/o/r").await.status,
        StatusCode::OK
    );
    let old = get(&app, &format!("/audits/{first}")).await;
    assert!(old
        .body
        .contains("href=\"/repos/github.com/o/r\" id=\"repository-page\""));
    assert!(!old.body.contains("id=\"changes\""));
    let none = get(&app, "/repos/github.com/o/never").await;
    assert_eq!(none.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_badge_snippet_uses_the_host_without_a_public_url() {
    let (app, store) = app();
    let id = store
        .insert_audit(&audit("https://github.com/o/r", vec![]))
        .unwrap();
    let with_host = send(
        &app,
        Request::get(format!("/audits/{id}"))
            .header(header::HOST, "127.0.0.1:8080")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(with_host
        .body
        .contains("(http://127.0.0.1:8080/badge/github.com/o/r.svg)"));
    let odd_host = send(
        &app,
        Request::get(format!("/audits/{id}"))
            .header(header::HOST, "x\"y")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(!odd_host.body.contains("id=\"badge-markdown\""));
}

#[tokio::test]
async fn downloads_sarif_json_and_markdown() {
    let (app, store) = app();
    let mut a = audit(
        "https://github.com/o/r",
        vec![
            finding("privileged-container", "critical", "deploy/compose.yaml", 3),
            finding("missing-user", "high", "Dockerfile", 1),
        ],
    );
    a.findings[0].message = "service `x` | <b>".into();
    let id = store.insert_audit(&a).unwrap();

    let sarif = get(&app, &format!("/audits/{id}/sarif")).await;
    assert_eq!(sarif.status, StatusCode::OK);
    assert_eq!(
        sarif.headers[header::CONTENT_TYPE],
        "application/sarif+json"
    );
    assert_eq!(
        sarif.headers[header::CONTENT_DISPOSITION],
        format!("attachment; filename=\"skillaudit-{id}.sarif\"")
    );
    let doc = sarif.json();
    let schema: serde_json::Value = serde_json::from_str(include_str!(
        "../../cli/tests/schemas/sarif-2.1.0-rtm.5.json"
    ))
    .unwrap();
    let validator = jsonschema::draft4::new(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert_eq!(results[0]["ruleId"], "privileged-container");
    assert_eq!(results[0]["level"], "error");
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "deploy/compose.yaml"
    );
    assert_eq!(
        doc["runs"][0]["versionControlProvenance"][0]["revisionId"],
        COMMIT
    );

    let json = get(&app, &format!("/audits/{id}/json")).await;
    assert_eq!(json.headers[header::CONTENT_TYPE], "application/json");
    assert_eq!(json.json()["findings"][1]["rule"], "missing-user");

    let md = get(&app, &format!("/audits/{id}/markdown")).await;
    assert_eq!(
        md.headers[header::CONTENT_TYPE],
        "text/markdown; charset=utf-8"
    );
    assert!(md
        .body
        .starts_with("# skillaudit: grade F for https://github.com/o/r"));
    assert!(
        md.body.contains(&format!(
        "[deploy/compose.yaml:3:1](https://github.com/o/r/blob/{COMMIT}/deploy/compose.yaml#L3)"
    )),
        "{}",
        md.body
    );
    // Repository text cannot break the table or add markup.
    assert!(
        md.body.contains("service \\`x\\` \\| &lt;b&gt;"),
        "{}",
        md.body
    );

    assert_eq!(
        get(&app, &format!("/audits/{id}/pdf")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&app, "/audits/9999/sarif").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_large_audit_is_shown_a_page_at_a_time_and_incomplete_ones_say_so() {
    let (app, store) = app();
    let mut findings: Vec<FindingRecord> = (1..=230)
        .map(|i| finding("missing-user", "medium", "Dockerfile", i))
        .collect();
    findings.push(finding(
        "docker-socket-mount",
        "critical",
        "z/compose.yaml",
        9,
    ));
    let mut a = audit("https://github.com/o/r", findings);
    a.incomplete = true;
    a.grade = 'F';
    a.notices = vec![NoticeRecord {
        path: "big/compose.yaml".into(),
        message: "file is 12 MiB, over the 8 MiB limit; skipped".into(),
        limit: true,
    }];
    a.omitted = vec![OmittedRecord {
        rule: "missing-user".into(),
        severity: "medium".into(),
        path: "Dockerfile".into(),
        count: 5000,
    }];
    let id = store.insert_audit(&a).unwrap();

    let first = get(&app, &format!("/audits/{id}")).await;
    let b = &first.body;
    assert_eq!(b.matches("<article class=\"finding").count(), 100);
    // Most severe first, whatever the file order.
    let critical = b.find("data-rule=\"docker-socket-mount\"").unwrap();
    assert!(critical < b.find("data-rule=\"missing-user\"").unwrap());
    assert!(b.contains("Findings 1–100 of 231 (page 1 of 3)"));
    assert!(b.contains(&format!("rel=\"next\" href=\"/audits/{id}?page=2\"")));
    assert!(b.contains("id=\"incomplete\""));
    assert!(b.contains("data-incomplete=\"true\""));
    assert!(
        b.contains("id=\"omitted\" aria-labelledby=\"h-omitted\" data-count=\"5000\""),
        "{b}"
    );
    assert!(b.contains("5000 more <a href=\"/rules/missing-user\">"));
    let last = get(&app, &format!("/audits/{id}?page=3")).await;
    assert_eq!(last.body.matches("<article class=\"finding").count(), 31);
    assert!(last
        .body
        .contains(&format!("rel=\"prev\" href=\"/audits/{id}?page=2\"")));
    assert!(!last.body.contains("rel=\"next\""));
    // Past the end: the last page; junk: the first.
    let past = get(&app, &format!("/audits/{id}?page=99")).await;
    assert_eq!(past.body.matches("<article class=\"finding").count(), 31);
    let junk = get(&app, &format!("/audits/{id}?page=x")).await;
    assert_eq!(junk.body.matches("<article class=\"finding").count(), 100);
    // The API and the badge say it too.
    let api = get(&app, &format!("/api/audits/{id}")).await.json();
    assert_eq!(api["incomplete"], true);
    assert_eq!(api["omitted_findings"], 5000);
    assert_eq!(api["notices"][0]["limit"], true);
    let badge = get(&app, "/badge/github.com/o/r.svg").await;
    assert!(badge.body.contains(">F incomplete</text>"));
}

#[tokio::test]
async fn job_pages_are_read_back_from_the_store_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audits.db");
    let audit_id = {
        // A previous process: one job done, one still running when it stopped.
        let store = SqliteStore::open(&path).unwrap();
        let id = store
            .insert_audit(&audit("https://github.com/o/r", vec![]))
            .unwrap();
        for (job, state) in [
            (
                "aa".repeat(16),
                JobState::Done {
                    audit: id,
                    reused: false,
                },
            ),
            ("bb".repeat(16), JobState::Running),
        ] {
            store
                .insert_job(&JobRecord {
                    id: job,
                    source: "https://github.com/o/r".into(),
                    url: "https://github.com/o/r".into(),
                    state,
                    created_at: 1_700_000_000_000,
                    started_at: Some(1_700_000_000_500),
                    finished_at: None,
                })
                .unwrap();
        }
        id
    };
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&path).unwrap());
    let app = app_on(store, WebConfig::default());
    let done = get(&app, &format!("/jobs/{}", "aa".repeat(16))).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(
        done.headers[header::LOCATION],
        format!("/audits/{audit_id}")
    );
    let failed = get(&app, &format!("/jobs/{}", "bb".repeat(16))).await;
    assert_eq!(failed.status, StatusCode::OK);
    assert!(failed.body.contains(RESTART_REASON), "{}", failed.body);
    assert!(failed
        .body
        .contains("id=\"job-source\">https://github.com/o/r</span>"));
    assert!(failed.body.contains("id=\"retry\""));
    let api = get(&app, &format!("/api/jobs/{}", "bb".repeat(16)))
        .await
        .json();
    assert_eq!(api["status"], "failed");
    assert_eq!(api["source"], "https://github.com/o/r");
    assert_eq!(
        get(&app, &format!("/jobs/{}", "cc".repeat(16)))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}
