//! A submitted repository cannot buy its hosted grade (issue 11): three
//! ways a repository used to hide its findings, each served by the
//! loopback git server and audited by `skillaudit serve`, against
//! `skillaudit scan --no-ignores` of a plain copy of the same files.
//!
//! - ignore comments on every offending line: the hosted grade is the
//!   `--no-ignores` grade, and the report says how many findings the
//!   comments would have hidden;
//! - committed files listed in `.gitignore`: they are read;
//! - an oversized compose file (over `--max-file-size 1`, so that the test
//!   stays small): the audit is incomplete, never A or B.

#[path = "../../web/tests/common/mod.rs"]
mod common;
mod serving;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use serving::Serving;
use skillaudit_testgit::{Repos, Server};

/// A hardened service except for the two settings its comments hide.
const SILENCED: &str = "services:
  app:
    image: example/app:1.0
    user: \"10001\"
    read_only: true
    cap_drop: [ALL]
    security_opt: [no-new-privileges:true]
    pids_limit: 256
    mem_limit: 512m
    cpus: 1.0
    tmpfs: [/tmp]
    privileged: true # skillaudit: ignore[privileged-container]
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock # skillaudit: ignore[docker-socket-mount]
";

/// `skillaudit serve` allowed to fetch from the loopback git server.
fn serve(git: &Server, db: &Path) -> Serving {
    Serving::start(&[
        "--bind",
        "127.0.0.1:0",
        "--db",
        db.to_str().unwrap(),
        "--allow-host",
        &git.host(),
        "--allow-http",
        "--allow-private",
        "--rate-limit",
        "0/min",
        "--workers",
        "2",
        "--max-file-size",
        "1",
    ])
}

/// Submit `url` and wait for its audit (the API's record).
fn audit(s: &Serving, url: &str) -> Value {
    let r = common::post_json(s.addr, "/api/audits", &json!({ "url": url }));
    assert_eq!(r.status, 202, "{}", r.body);
    let job = r.json()["job"].as_str().unwrap().to_string();
    let deadline = Instant::now() + Duration::from_secs(180);
    let id = loop {
        let v = common::get(s.addr, &format!("/api/jobs/{job}")).json();
        match v["status"].as_str() {
            Some("done") => break v["audit"].as_i64().unwrap(),
            Some("failed") => panic!("{v}"),
            _ => {}
        }
        assert!(Instant::now() < deadline, "{v}");
        std::thread::sleep(Duration::from_millis(100));
    };
    common::get(s.addr, &format!("/api/audits/{id}")).json()
}

/// `skillaudit scan ARGS --format json DIR`.
fn scan(dir: &Path, args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_skillaudit"))
        .arg("scan")
        .args(args)
        .args(["--format", "json", "--fail-on", "never"])
        .arg(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A plain copy of `files` (what a checkout holds).
fn plain(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, content) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
    }
    dir
}

fn rules(v: &Value) -> Vec<String> {
    let mut r: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect();
    r.sort();
    r
}

#[test]
fn ignore_comments_gitignore_and_oversized_files_cannot_buy_a_grade() {
    let repos = Repos::new();
    // 1. Ignore comments on each offending line.
    let silenced: &[(&str, &[u8])] = &[("compose.yaml", SILENCED.as_bytes())];
    repos.add("o/silenced", silenced);
    // 2. Committed files listed in .gitignore afterwards (still tracked).
    let dockerfile = b"FROM node:22\nENV GITHUB_TOKEN=ghp_R2d2C3poR2d2C3poR2d2C3poR2d2C3po1234\nCMD [\"node\", \"s.js\"]\n";
    let compose = b"services:\n  app:\n    build: .\n    privileged: true\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n";
    let ignored: &[(&str, &[u8])] = &[
        ("Dockerfile", dockerfile),
        ("compose.yaml", compose),
        (".gitignore", b"Dockerfile\ncompose.yaml\n"),
    ];
    repos.add("ignored", &ignored[..2]);
    repos.commit("ignored", &ignored[2..]);
    // 3. A compose file over the limit: a privileged service with the
    // socket, then comments.
    let mut big = String::from(
        "services:\n  app:\n    image: nginx\n    privileged: true\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n",
    );
    while big.len() < 3 << 19 {
        big.push_str("# padding padding padding padding padding padding padding padding\n");
    }
    let oversized: &[(&str, &[u8])] = &[("compose.yaml", big.as_bytes())];
    repos.add("o/oversized", oversized);

    let git = repos.serve();
    let dir = tempfile::tempdir().unwrap();
    let s = serve(&git, &dir.path().join("audits.db"));

    // 1. The comments are counted, not applied.
    let hosted = audit(&s, &git.url("/o/silenced.git"));
    let copy = plain(silenced);
    let own = scan(copy.path(), &[]);
    let all = scan(copy.path(), &["--no-ignores"]);
    assert_eq!(
        own["grade"], "A",
        "the CLI still honours the author's comments"
    );
    assert_eq!(all["grade"], "F");
    assert_eq!(hosted["grade"], all["grade"]);
    assert_eq!(hosted["score"], all["score"]);
    assert_eq!(rules(&hosted), rules(&all));
    assert_eq!(hosted["repository_ignores"], 2);
    assert_eq!(all["repository_ignores"], 2);
    let id = hosted["id"].as_i64().unwrap();
    let page = common::get(s.addr, &format!("/audits/{id}"));
    assert!(page
        .body
        .contains("id=\"repository-ignores\" data-count=\"2\""));

    // 2. Files listed in .gitignore are read.
    let hosted = audit(&s, &git.url("/ignored.git"));
    let copy = plain(ignored);
    let own = scan(copy.path(), &[]);
    let all = scan(copy.path(), &["--no-ignores"]);
    assert_eq!(own["files_scanned"], 0, "the CLI still honours .gitignore");
    assert_eq!(hosted["files_scanned"], 2);
    assert_eq!(hosted["grade"], all["grade"]);
    assert_eq!(hosted["grade"], "F");
    assert_eq!(rules(&hosted), rules(&all));
    for rule in ["privileged-container", "docker-socket-mount"] {
        assert!(rules(&hosted).iter().any(|r| r == rule), "{rule}");
    }
    assert!(
        rules(&hosted).iter().any(|r| r.contains("secret")),
        "the token in the Dockerfile is found: {:?}",
        rules(&hosted)
    );
    // Never the token itself.
    let body = serde_json::to_string(&hosted).unwrap();
    assert!(!body.contains("ghp_R2d2C3poR2d2C3poR2d2C3poR2d2C3po1234"));

    // 3. The oversized file: incomplete, and not A or B although nothing
    // else was found; a scan that reads it grades F.
    let hosted = audit(&s, &git.url("/o/oversized.git"));
    assert_eq!(hosted["incomplete"], true);
    assert_eq!(hosted["notices"][0]["path"], "compose.yaml");
    assert_eq!(hosted["notices"][0]["limit"], true);
    let grade = hosted["grade"].as_str().unwrap();
    assert!(grade != "A" && grade != "B", "{grade}");
    let copy = plain(oversized);
    let all = scan(copy.path(), &["--no-ignores", "--max-file-size", "1"]);
    assert_eq!(
        (all["grade"].as_str(), all["incomplete"].as_bool()),
        (Some(grade), Some(true))
    );
    let read = scan(copy.path(), &["--no-ignores", "--max-file-size", "64"]);
    assert_eq!(read["grade"], "F");
    let badge = common::get(
        s.addr,
        &format!("/badge/{}/o/oversized.svg", git.host().replace(':', "%3A")),
    );
    assert!(
        badge.body.contains(&format!(">{grade} incomplete</text>")),
        "{}",
        badge.body
    );
}

#[test]
fn every_report_of_an_incomplete_scan_says_so() {
    // A clean Dockerfile and a hardened compose file over --max-file-size 1.
    let mut big = SILENCED.lines().take(11).collect::<Vec<_>>().join("\n");
    big.push('\n');
    while big.len() < 3 << 19 {
        big.push_str("# padding padding padding padding padding padding padding padding\n");
    }
    let dir = plain(&[
        ("compose.yaml", big.as_bytes()),
        (
            "Dockerfile",
            b"FROM gcr.io/distroless/nodejs22-debian12:nonroot@sha256:0000000000000000000000000000000000000000000000000000000000000000\nCOPY --chown=nonroot app /app\nUSER nonroot\nCMD [\"/app/s.js\"]\n",
        ),
    ]);
    let json = scan(dir.path(), &["--max-file-size", "1"]);
    assert_eq!(json["incomplete"], true);
    assert_eq!(json["grade"], "C", "{json}");
    let complete = scan(dir.path(), &[]);
    assert_eq!(complete["incomplete"], false);
    assert!(
        ["A", "B"].contains(&complete["grade"].as_str().unwrap()),
        "{complete}"
    );
    for (format, says) in [
        ("text", "Incomplete: a file was skipped"),
        ("markdown", "**Incomplete**"),
        ("html", "class=\"sa-incomplete\""),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_skillaudit"))
            .args([
                "scan",
                "--max-file-size",
                "1",
                "--fail-on",
                "never",
                "--format",
                format,
            ])
            .arg(dir.path())
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains(says), "{format}: {text}");
    }
}
