//! `skillaudit serve` as a process: it prints the address it bound, serves
//! the pages and the API, audits a repository from a local git server
//! allowed with the command-line flags, and stops cleanly on SIGTERM.

#[path = "../../web/tests/common/mod.rs"]
mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::json;
use skillaudit_testgit::Repos;

mod serving;

use serving::Serving;

fn serve(args: &[&str]) -> Serving {
    Serving::start(args)
}

#[test]
fn serve_binds_prints_and_answers() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("audits.db");
    let s = serve(&["--bind", "127.0.0.1:0", "--db", db.to_str().unwrap()]);
    let health = common::get(s.addr, "/healthz");
    assert_eq!(health.status, 200);
    assert_eq!(health.json()["store"], "ok");
    assert!(health
        .header("content-security-policy")
        .unwrap()
        .starts_with("default-src 'none'"));
    let home = common::get(s.addr, "/");
    assert!(home.body.contains("id=\"run\""));
    // Only github.com, gitlab.com and codeberg.org by default, over https.
    let r = common::post_json(
        s.addr,
        "/api/audits",
        &json!({"url": "https://example.com/o/r"}),
    );
    assert_eq!(r.status, 400, "{}", r.body);
    let r = common::post_json(
        s.addr,
        "/api/audits",
        &json!({"url": "http://github.com/o/r"}),
    );
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(db.exists());
}

#[test]
fn serve_audits_an_allowed_local_repository_and_stops_on_sigterm() {
    let repos = Repos::new();
    repos.add("o/app", &[("Dockerfile", b"FROM node:22\nRUN npm ci\n")]);
    let git = repos.serve();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("audits.db");
    let host = git.host();
    let mut s = serve(&[
        "--bind",
        "127.0.0.1:0",
        "--db",
        db.to_str().unwrap(),
        "--allow-host",
        &host,
        "--allow-http",
        "--allow-private",
        "--workers",
        "1",
        "--rate-limit",
        "0/min",
        "--fetch-timeout",
        "60",
    ]);
    let r = common::post_json(
        s.addr,
        "/api/audits",
        &json!({"url": git.url("/o/app.git")}),
    );
    assert_eq!(r.status, 202, "{}", r.body);
    let job = r.json()["job"].as_str().unwrap().to_string();
    let deadline = Instant::now() + Duration::from_secs(120);
    let audit = loop {
        let v = common::get(s.addr, &format!("/api/jobs/{job}")).json();
        match v["status"].as_str() {
            Some("done") => break v["audit"].as_i64().unwrap(),
            Some("failed") => panic!("{v}"),
            _ => {}
        }
        assert!(Instant::now() < deadline, "{v}");
        std::thread::sleep(Duration::from_millis(100));
    };
    let page = common::get(s.addr, &format!("/audits/{audit}"));
    assert!(page.body.contains("data-grade=\"D\""), "{}", page.body);
    assert!(page.body.contains("data-rule=\"missing-user\""));

    let status = Command::new("kill")
        .args(["-TERM", &s.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(30);
    let exit = loop {
        if let Some(st) = s.child.try_wait().unwrap() {
            break st;
        }
        assert!(Instant::now() < deadline, "serve did not stop");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "{exit:?}");
    let said: Vec<String> = s.stderr.iter().collect();
    assert!(said.iter().any(|l| l == "stopped"), "{said:?}");
    // The audit is in the database file.
    let store = skillaudit_store::SqliteStore::open(&db).unwrap();
    use skillaudit_store::Store;
    let a = store
        .audit(skillaudit_store::AuditId(audit))
        .unwrap()
        .unwrap();
    assert_eq!(a.summary.grade, 'D');
}

#[test]
fn serve_refuses_bad_limits_and_public_urls() {
    for args in [
        ["--scan-timeout", "0"],
        ["--scan-timeout", "ten"],
        ["--public-url", "audit.example"],
        ["--public-url", "https://a.example/\"><x"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_skillaudit"))
            .arg("serve")
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(args[0]), "{args:?}: {err}");
    }
}
