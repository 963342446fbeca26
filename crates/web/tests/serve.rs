//! The whole service on loopback: the web server on 127.0.0.1:0, the audit
//! service with its workers, and a local git http-backend serving test
//! repositories (explicitly allowed, over http). Submissions go through
//! the JSON API and through the form; the stored report, the badge and the
//! corpus page are read back.

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{get, post_form, post_json, Response};
use serde_json::json;
use skillaudit_engine::fetch::{AllowedHost, FetchPolicy};
use skillaudit_service::{AuditService, RateLimit, ServiceConfig};
use skillaudit_store::{SqliteStore, Store};
use skillaudit_testgit::{noise, symlink, Mode, Repos, Server};
use skillaudit_web::{App, WebConfig, CSP};

const SCRIPT: &str = "<script>alert(1)</script>";

/// A running web service; stops when dropped.
struct Web {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Web {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn start(policy: FetchPolicy, rate: RateLimit) -> Web {
    start_with(policy, rate, WebConfig::default())
}

fn start_with(policy: FetchPolicy, rate: RateLimit, web: WebConfig) -> Web {
    let store: Arc<dyn Store> = Arc::new(SqliteStore::in_memory().unwrap());
    let service = AuditService::start(
        ServiceConfig {
            workers: 2,
            policy,
            rate,
            ..ServiceConfig::default()
        },
        store,
    );
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    listener.set_nonblocking(true).unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            let app = App::new(service, web);
            skillaudit_web::serve(listener, app, async {
                let _ = rx.await;
            })
            .await
            .unwrap();
        });
    });
    Web {
        addr,
        stop: Some(tx),
        thread: Some(thread),
    }
}

fn no_limit() -> RateLimit {
    RateLimit {
        per_minute: 0,
        burst: 0,
    }
}

/// A policy that allows the test git server (http, loopback).
fn policy_for(server: &Server, repos: &Repos) -> FetchPolicy {
    let mut p = FetchPolicy::none()
        .allow(AllowedHost::explicit(&server.host()).unwrap().allow_http())
        .timeout(Duration::from_secs(60));
    p.work_dir = Some(repos.scratch("checkouts"));
    p
}

/// The test repository: a Dockerfile running as root, a compose service
/// whose name is markup, and a Dockerfile that is a symbolic link to
/// /etc/passwd.
fn app_repo(repos: &Repos) -> String {
    let compose = format!("services:\n  \"{SCRIPT}\":\n    image: node:22\n    privileged: true\n");
    repos.add(
        "o/app",
        &[
            (
                "Dockerfile",
                b"FROM node:22\nRUN npm ci\nCMD [\"node\", \"server.js\"]\n",
            ),
            ("compose.yaml", compose.as_bytes()),
            ("evil/Dockerfile", &symlink("/etc/passwd")),
        ],
    )
}

/// Poll `/api/jobs/{job}` until it is done or failed.
fn wait_job(addr: SocketAddr, job: &str) -> serde_json::Value {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let r = get(addr, &format!("/api/jobs/{job}"));
        assert_eq!(r.status, 200, "{}", r.body);
        let v = r.json();
        match v["status"].as_str() {
            Some("done") | Some("failed") => return v,
            Some("queued") | Some("running") => {}
            other => panic!("unexpected status {other:?}: {v}"),
        }
        assert!(Instant::now() < deadline, "the job did not finish: {v}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn assert_headers(r: &Response) {
    assert_eq!(r.header("content-security-policy"), Some(CSP));
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
}

/// The stored report of the test repository, as a page.
fn check_report_page(addr: SocketAddr, audit: i64) {
    let page = get(addr, &format!("/audits/{audit}"));
    assert_eq!(page.status, 200);
    assert_headers(&page);
    let b = &page.body;
    assert!(b.contains("id=\"grade\" data-grade=\"F\""), "{b}");
    assert!(b.contains("data-rule=\"missing-user\""));
    assert!(b.contains("data-rule=\"privileged-container\""));
    // The offending line, quoted from the stored snippet.
    assert!(b.contains("FROM node:22"), "{b}");
    assert!(b.contains("<mark>"));
    assert!(b.contains("href=\"/rules/missing-user\""));
    // The compose service's name is in messages and source lines, escaped.
    assert!(
        b.contains("service &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;"),
        "{b}"
    );
    assert!(!b.to_ascii_lowercase().contains("<script"), "{b}");
    // The symbolic link out of the checkout was not followed.
    assert!(!b.contains("root:x:0:0"), "{b}");
}

#[test]
fn audit_through_the_api_then_badge_and_corpus() {
    let repos = Repos::new();
    let head = app_repo(&repos);
    let git = repos.serve();
    let web = start(policy_for(&git, &repos), no_limit());
    let url = git.url("/o/app.git");

    let r = post_json(web.addr, "/api/audits", &json!({ "url": url }));
    assert_eq!(r.status, 202, "{}", r.body);
    assert_headers(&r);
    let v = r.json();
    let job = v["job"].as_str().unwrap().to_string();
    assert_eq!(v["joined"], false);
    assert_eq!(v["links"]["job"], format!("/api/jobs/{job}"));
    assert!(matches!(
        v["status"].as_str(),
        Some("queued" | "running" | "done")
    ));

    let done = wait_job(web.addr, &job);
    assert_eq!(done["status"], "done", "{done}");
    assert_eq!(done["reused"], false);
    let audit = done["audit"].as_i64().unwrap();

    let stored = get(web.addr, &format!("/api/audits/{audit}")).json();
    // The store names the repository without `.git`.
    assert_eq!(stored["source"], url.trim_end_matches(".git"));
    assert_eq!(stored["commit"], head);
    assert_eq!(stored["grade"], "F");
    let messages: Vec<&str> = stored["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(messages.iter().any(|m| m.contains(SCRIPT)), "{messages:?}");
    check_report_page(web.addr, audit);

    // The same commit again: served from the store.
    let again = post_json(web.addr, "/api/audits", &json!({ "url": url })).json();
    let again = wait_job(web.addr, again["job"].as_str().unwrap());
    assert_eq!(again["status"], "done");
    assert_eq!(again["reused"], true, "{again}");
    assert_eq!(again["audit"], audit);

    let badge = get(web.addr, &format!("/badge/{}/o/app.svg", git.host()));
    assert_eq!(badge.status, 200);
    assert_eq!(badge.header("cache-control"), Some("max-age=300"));
    assert!(badge.body.contains(">F</text>"), "{}", badge.body);
    let other = get(web.addr, &format!("/badge/{}/o/none.svg", git.host()));
    assert!(other.body.contains(">unknown</text>"));

    let corpus = get(web.addr, "/corpus");
    assert!(
        corpus.body.contains("data-repositories=\"1\""),
        "{}",
        corpus.body
    );
    assert!(corpus.body.contains("<tr data-rule=\"missing-user\">"));
    let api = get(web.addr, "/api/corpus").json();
    assert_eq!(api["repositories"], 1);

    let history = get(web.addr, "/history");
    assert!(history.body.contains(&format!("href=\"/audits/{audit}\"")));
}

#[test]
fn audit_through_the_form_following_redirects() {
    let repos = Repos::new();
    app_repo(&repos);
    let git = repos.serve();
    let web = start(policy_for(&git, &repos), no_limit());

    let home = get(web.addr, "/");
    assert!(home
        .body
        .contains("<form class=\"submit\" method=\"post\" action=\"/audits\">"));
    assert!(home.body.contains("id=\"url\""));
    assert!(home
        .body
        .contains("<button type=\"submit\" id=\"run\">Run audit</button>"));

    let r = post_form(web.addr, "/audits", &[("url", &git.url("/o/app.git"))]);
    assert_eq!(r.status, 303, "{}", r.body);
    let mut location = r.header("location").unwrap().to_string();
    assert!(location.starts_with("/jobs/"), "{location}");
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut saw_waiting_page = false;
    loop {
        let r = get(web.addr, &location);
        assert_headers(&r);
        match r.status {
            303 => {
                location = r.header("location").unwrap().to_string();
                break;
            }
            200 => {
                assert!(
                    r.body
                        .contains("<meta http-equiv=\"refresh\" content=\"1\">"),
                    "{}",
                    r.body
                );
                assert!(!r.body.contains("role=\"alert\""), "{}", r.body);
                saw_waiting_page = true;
            }
            s => panic!("{s}: {}", r.body),
        }
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(location.starts_with("/audits/"), "{location}");
    let audit: i64 = location["/audits/".len()..].parse().unwrap();
    check_report_page(web.addr, audit);
    let _ = saw_waiting_page; // a fast audit may be done before the first look
}

#[test]
fn refused_urls_say_why() {
    let repos = Repos::new();
    let git = repos.serve();
    let web = start(policy_for(&git, &repos), no_limit());
    let port = git.addr.port();
    for url in [
        "http://github.com/o/r".to_string(),
        "https://example.com/o/r".to_string(),
        format!("https://localhost:{port}/o/app.git"),
        "file:///etc/passwd".to_string(),
        "ext::sh -c touch% /tmp/pwned".to_string(),
        "git@github.com:o/r.git".to_string(),
        "https://user:token@github.com/o/r".to_string(),
        String::new(),
    ] {
        let r = post_json(web.addr, "/api/audits", &json!({ "url": url }));
        assert_eq!(r.status, 400, "{url}: {}", r.body);
        let why = r.json()["error"].as_str().unwrap().to_string();
        assert!(!why.is_empty(), "{url}");
        assert!(
            !why.contains("token"),
            "{url}: the credential is repeated: {why}"
        );

        let page = post_form(web.addr, "/audits", &[("url", &url)]);
        assert_eq!(page.status, 400, "{url}");
        assert_headers(&page);
        assert!(
            page.body.contains("<p class=\"error\" role=\"alert\">"),
            "{}",
            page.body
        );
        assert!(!page.body.to_ascii_lowercase().contains("<script"));
    }
    // The form's value comes back escaped.
    let page = post_form(
        web.addr,
        "/audits",
        &[("url", "https://example.com/\"><script>x</script>")],
    );
    assert_eq!(page.status, 400);
    assert!(
        !page.body.to_ascii_lowercase().contains("<script"),
        "{}",
        page.body
    );
    // Nothing was queued, nothing reached the git server.
    assert_eq!(git.connections(), 0);
    // Bad JSON.
    let r = common::request(
        web.addr,
        "POST",
        "/api/audits",
        &[("Content-Type", "application/json")],
        b"{\"uri\": 1}",
    );
    assert_eq!(r.status, 400);
}

/// Hosts on the allow-list without the private-address allowance, that are
/// (or name) loopback: refused at submission, or failed by the worker
/// before any connection — never fetched.
#[test]
fn loopback_without_allowance_is_never_fetched() {
    let repos = Repos::new();
    app_repo(&repos);
    let git = repos.serve();
    let port = git.addr.port();
    let mut policy = FetchPolicy::none().timeout(Duration::from_secs(30));
    for host in [format!("localhost:{port}"), format!("127.0.0.1:{port}")] {
        policy = policy.allow(
            AllowedHost::explicit(&host)
                .unwrap()
                .allow_http()
                .allow_private(false),
        );
    }
    policy.work_dir = Some(repos.scratch("checkouts"));
    let web = start(policy, no_limit());
    for host in ["localhost", "127.0.0.1"] {
        let url = format!("http://{host}:{port}/o/app.git");
        let r = post_form(web.addr, "/audits", &[("url", &url)]);
        match r.status {
            400 => assert!(
                r.body.contains("<p class=\"error\" role=\"alert\">"),
                "{}",
                r.body
            ),
            303 => {
                let job = r
                    .header("location")
                    .unwrap()
                    .trim_start_matches("/jobs/")
                    .to_string();
                let v = wait_job(web.addr, &job);
                assert_eq!(v["status"], "failed", "{v}");
                let page = get(web.addr, &format!("/jobs/{job}"));
                assert_eq!(page.status, 200);
                assert!(
                    page.body.contains("<p class=\"error\" role=\"alert\">"),
                    "{}",
                    page.body
                );
            }
            s => panic!("{url}: {s} {}", r.body),
        }
    }
    assert_eq!(git.connections(), 0);
}

#[test]
fn hanging_and_oversized_repositories_fail_with_a_reason() {
    let repos = Repos::new();
    repos.add(
        "o/big",
        &[("Dockerfile", b"FROM scratch\n"), ("blob", &noise(2 << 20))],
    );
    let git = repos.serve();
    let hang = Server::start(Mode::Hang);
    let mut policy = policy_for(&git, &repos)
        .allow(AllowedHost::explicit(&hang.host()).unwrap().allow_http())
        .timeout(Duration::from_secs(3))
        .max_bytes(256 * 1024);
    policy.poll_interval = Duration::from_millis(20);
    let web = start(policy, no_limit());
    for url in [git.url("/o/big.git"), hang.url("/o/hang.git")] {
        let r = post_json(web.addr, "/api/audits", &json!({ "url": url }));
        assert_eq!(r.status, 202, "{}", r.body);
        let v = wait_job(web.addr, r.json()["job"].as_str().unwrap());
        assert_eq!(v["status"], "failed", "{url}: {v}");
        let reason = v["reason"].as_str().unwrap();
        assert!(!reason.is_empty());
        assert!(!reason.contains("/tmp/"), "a server path in {reason:?}");
    }
}

#[test]
fn rate_limit_gives_429_with_retry_after() {
    let repos = Repos::new();
    app_repo(&repos);
    repos.add("o/two", &[("Dockerfile", b"FROM scratch\n")]);
    let git = repos.serve();
    let web = start(
        policy_for(&git, &repos),
        RateLimit {
            per_minute: 1,
            burst: 1,
        },
    );
    let first = post_json(
        web.addr,
        "/api/audits",
        &json!({ "url": git.url("/o/app.git") }),
    );
    assert_eq!(first.status, 202, "{}", first.body);
    let second = post_json(
        web.addr,
        "/api/audits",
        &json!({ "url": git.url("/o/two.git") }),
    );
    assert_eq!(second.status, 429, "{}", second.body);
    let retry: u64 = second.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    assert!(second.json()["error"]
        .as_str()
        .unwrap()
        .contains("try again"));
    let form = post_form(web.addr, "/audits", &[("url", &git.url("/o/two.git"))]);
    assert_eq!(form.status, 429);
    assert!(form.header("retry-after").is_some());
    assert!(form.body.contains("role=\"alert\""));
    wait_job(web.addr, first.json()["job"].as_str().unwrap());
}

fn post_json_from(addr: SocketAddr, forwarded_for: &str, url: &str) -> Response {
    common::request(
        addr,
        "POST",
        "/api/audits",
        &[
            ("Content-Type", "application/json"),
            ("X-Forwarded-For", forwarded_for),
        ],
        json!({ "url": url }).to_string().as_bytes(),
    )
}

#[test]
fn forwarded_for_counts_only_when_trusted() {
    let repos = Repos::new();
    app_repo(&repos);
    repos.add("o/two", &[("Dockerfile", b"FROM scratch\n")]);
    let git = repos.serve();
    let one = RateLimit {
        per_minute: 1,
        burst: 1,
    };
    let (a, b) = (git.url("/o/app.git"), git.url("/o/two.git"));

    // Not trusted: the header is ignored, every request is the peer's.
    let web = start(policy_for(&git, &repos), one);
    let first = post_json_from(web.addr, "203.0.113.1", &a);
    assert_eq!(first.status, 202, "{}", first.body);
    let r = post_json_from(web.addr, "203.0.113.2", &b);
    assert_eq!(r.status, 429, "{}", r.body);
    wait_job(web.addr, first.json()["job"].as_str().unwrap());
    drop(web);

    // Trusted: the last entry (what the proxy saw) is the client.
    let web = start_with(
        policy_for(&git, &repos),
        one,
        WebConfig {
            trust_forwarded_for: true,
            ..WebConfig::default()
        },
    );
    let first = post_json_from(web.addr, "198.51.100.7, 203.0.113.1", &a);
    assert_eq!(first.status, 202, "{}", first.body);
    let other = post_json_from(web.addr, "198.51.100.7, 203.0.113.2", &b);
    assert_eq!(other.status, 202, "{}", other.body);
    // The same last entry, whatever the client put before it.
    let again = post_json_from(web.addr, "192.0.2.99, 203.0.113.1", &b);
    assert_eq!(again.status, 429, "{}", again.body);
    wait_job(web.addr, first.json()["job"].as_str().unwrap());
    wait_job(web.addr, other.json()["job"].as_str().unwrap());
}

#[test]
fn identical_urls_in_flight_share_one_job() {
    let repos = Repos::new();
    app_repo(&repos);
    let git = repos.serve();
    let web = start(policy_for(&git, &repos), no_limit());
    git.pause();
    let url = git.url("/o/app.git");
    let first = post_json(web.addr, "/api/audits", &json!({ "url": url })).json();
    let second = post_json(web.addr, "/api/audits", &json!({ "url": url })).json();
    git.resume();
    assert_eq!(first["joined"], false);
    assert_eq!(second["joined"], true, "{second}");
    assert_eq!(first["job"], second["job"]);
    let done = wait_job(web.addr, first["job"].as_str().unwrap());
    assert_eq!(done["status"], "done", "{done}");
}
