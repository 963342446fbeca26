//! The real server on a loopback port, with the loopback git server behind
//! it: bounded work and HTTP hygiene. A job past `--scan-timeout` fails
//! with a reason while `/healthz` answers and the worker is free again; a
//! client that never finishes its request head is disconnected; pasted
//! URL forms reach the repository.

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{get, post_json};
use serde_json::json;
use skillaudit_engine::fetch::{AllowedHost, FetchPolicy};
use skillaudit_service::{AuditService, RateLimit, ServiceConfig};
use skillaudit_store::{SqliteStore, Store};
use skillaudit_testgit::{entries, Repos, Server};
use skillaudit_web::{App, WebConfig};

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

fn start(config: ServiceConfig, web: WebConfig) -> Web {
    let store: Arc<dyn Store> = Arc::new(SqliteStore::in_memory().unwrap());
    let service = AuditService::start(config, store);
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
            skillaudit_web::serve(listener, App::new(service, web), async {
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

/// One worker, no rate limit, fetching from this loopback server.
fn config(git: &Server, repos: &Repos) -> ServiceConfig {
    let mut policy = FetchPolicy::none()
        .allow(AllowedHost::explicit(&git.host()).unwrap().allow_http())
        .timeout(Duration::from_secs(60));
    policy.work_dir = Some(repos.scratch("checkouts"));
    ServiceConfig {
        workers: 1,
        policy,
        rate: RateLimit {
            per_minute: 0,
            burst: 0,
        },
        ..ServiceConfig::default()
    }
}

fn submit(addr: SocketAddr, url: &str) -> String {
    let r = post_json(addr, "/api/audits", &json!({ "url": url }));
    assert_eq!(r.status, 202, "{}", r.body);
    r.json()["job"].as_str().unwrap().to_string()
}

/// Poll the job until it ends, calling `meanwhile` between polls.
fn wait(addr: SocketAddr, job: &str, mut meanwhile: impl FnMut(&str)) -> serde_json::Value {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let v = get(addr, &format!("/api/jobs/{job}")).json();
        let status = v["status"].as_str().unwrap_or("").to_string();
        if status == "done" || status == "failed" {
            return v;
        }
        meanwhile(&status);
        assert!(Instant::now() < deadline, "the job did not finish: {v}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A compose file of `n` services, each privileged with the socket.
fn compose(n: usize) -> String {
    let mut out = String::from("services:\n");
    for i in 0..n {
        out.push_str(&format!(
            "  s{i}:\n    image: nginx\n    privileged: true\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n"
        ));
    }
    out
}

#[test]
fn a_job_past_the_scan_timeout_fails_while_healthz_answers_and_the_worker_is_free_again() {
    let repos = Repos::new();
    // Eight files of 10,000 services: seconds of scanning (about four per
    // file in a debug build, half a second in a release one).
    let big = compose(10_000);
    let files: Vec<(String, Vec<u8>)> = (0..8)
        .map(|i| (format!("d{i}/compose.yaml"), big.clone().into_bytes()))
        .collect();
    let files: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_slice()))
        .collect();
    repos.add("o/huge", &files);
    repos.add(
        "o/small",
        &[("Dockerfile", b"FROM node:22\nCMD [\"node\"]\n")],
    );
    let git = repos.serve();
    let mut cfg = config(&git, &repos);
    cfg.scan_timeout = Duration::from_secs(1);
    let web = start(cfg, WebConfig::default());

    let job = submit(web.addr, &git.url("/o/huge.git"));
    let mut answered_while_running = 0;
    let failed = wait(web.addr, &job, |status| {
        let h = get(web.addr, "/healthz");
        assert_eq!(h.status, 200, "{}", h.body);
        if status == "running" && h.json()["running"] == 1 {
            answered_while_running += 1;
        }
    });
    assert_eq!(failed["status"], "failed", "{failed}");
    let reason = failed["reason"].as_str().unwrap();
    assert!(reason.contains("took longer than 1 s"), "{reason}");
    assert!(
        answered_while_running > 0,
        "healthz was never asked while the job ran"
    );
    let page = get(web.addr, &format!("/jobs/{job}"));
    assert!(page.body.contains("took longer than"), "{}", page.body);
    assert!(page.body.contains("id=\"retry\""));

    let h = get(web.addr, "/healthz").json();
    assert_eq!(
        (h["queued"].as_u64(), h["running"].as_u64()),
        (Some(0), Some(0))
    );
    // The abandoned scan ends by itself (after the files it was reading)
    // and deletes its checkout.
    assert!(
        skillaudit_testgit::wait_until(Duration::from_secs(120), || entries(
            &repos.scratch("checkouts")
        )
        .is_empty()),
        "{:?}",
        entries(&repos.scratch("checkouts"))
    );
    // The worker (the only one) takes the next job.
    let next = submit(web.addr, &git.url("/o/small.git"));
    let done = wait(web.addr, &next, |_| {});
    assert_eq!(done["status"], "done", "{done}");
}

#[test]
fn a_client_that_never_finishes_its_request_head_is_disconnected() {
    let repos = Repos::new();
    let git = repos.serve();
    let web = start(
        config(&git, &repos),
        WebConfig {
            header_read_timeout: Duration::from_millis(500),
            ..WebConfig::default()
        },
    );
    let mut s = TcpStream::connect(web.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .unwrap();
    let started = Instant::now();
    let mut buf = Vec::new();
    // The server closes the connection (at most an error response first).
    let n = s.read_to_end(&mut buf);
    assert!(n.is_ok(), "{n:?}");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "closed after {:?}",
        started.elapsed()
    );
    assert!(!String::from_utf8_lossy(&buf).contains("200 OK"));
    // Other clients are served meanwhile and after.
    assert_eq!(get(web.addr, "/healthz").status, 200);
}

#[test]
fn pasted_url_forms_reach_the_repository() {
    let repos = Repos::new();
    repos.add(
        "o/app",
        &[("Dockerfile", b"FROM node:22\nCMD [\"node\"]\n")],
    );
    let git = repos.serve();
    let web = start(config(&git, &repos), WebConfig::default());
    let job = submit(
        web.addr,
        &format!("  {}  ", git.url("/o/app/tree/main/src")),
    );
    let done = wait(web.addr, &job, |_| {});
    assert_eq!(done["status"], "done", "{done}");
    assert_eq!(done["source"], git.url("/o/app"));
    let audit = done["audit"].as_i64().unwrap();
    let stored = get(web.addr, &format!("/api/audits/{audit}")).json();
    assert_eq!(stored["source"], git.url("/o/app"));
    // The same repository through a blob page joins or reuses it.
    let again = submit(web.addr, &git.url("/o/app/blob/main/Dockerfile"));
    let done = wait(web.addr, &again, |_| {});
    assert_eq!(done["audit"], audit, "{done}");
    // The repository's permanent page shows that audit.
    let page = get(
        web.addr,
        &format!("/repos/{}/o/app", git.host().replace(':', "%3A")),
    );
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page
        .body
        .contains(&format!("href=\"/audits/{audit}\" id=\"permalink\"")));
}
