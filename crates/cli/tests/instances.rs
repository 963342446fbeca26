//! Several instances on one PostgreSQL database (issue 18's acceptance):
//! two `skillaudit serve` processes and one `skillaudit worker`, 50 audits
//! of loopback repositories submitted through both web instances, one
//! instance killed with SIGKILL while it holds running jobs. Every audit
//! completes exactly once, the killed instance's jobs run again after
//! their lease, and the per-client limit holds across both instances.
//! The database is a fresh one on the server of `SKILLAUDIT_TEST_POSTGRES`
//! (`docs/TESTING.md`); everything runs on loopback.

mod serving;

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;
use serving::{request, Serving};
use skillaudit_store::testing::TestDb;
use skillaudit_testgit::{wait_until, Repos};

const REPOSITORIES: usize = 50;
const CLIENTS: usize = 10;

fn post_audit(instance: &Serving, url: &str, client: &str) -> (u16, Value) {
    let body = serde_json::json!({ "url": url }).to_string();
    let res = request(
        "POST",
        &instance.url("/api/audits"),
        &[("X-Forwarded-For", client)],
        Some(&body),
    );
    (
        res.status,
        serde_json::from_slice(&res.body).unwrap_or(Value::Null),
    )
}

fn healthz(instance: &Serving) -> Value {
    let res = request("GET", &instance.url("/healthz"), &[], None);
    serde_json::from_slice(&res.body).unwrap()
}

struct Worker(Child);

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_worker(db: &str, host: &str) -> Worker {
    let mut child = Command::new(env!("CARGO_BIN_EXE_skillaudit"))
        .args(["worker", "--db", db, "--workers", "2", "--lease", "2"])
        .args([
            "--allow-host",
            host,
            "--allow-http",
            "--allow-private",
            "--no-default-hosts",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let first = rx.recv_timeout(Duration::from_secs(30)).unwrap();
    assert!(first.starts_with("worker running"), "{first}");
    std::thread::spawn(move || while rx.recv().is_ok() {});
    Worker(child)
}

#[test]
fn two_web_instances_and_a_worker_audit_every_repository_exactly_once() {
    let Some(db) = TestDb::create("two_web_instances_and_a_worker") else {
        return;
    };
    let repos = Repos::new();
    for n in 0..REPOSITORIES {
        let compose = format!("services:\n  app{n}:\n    image: app:{n}\n    privileged: true\n");
        repos.add(&format!("r{n}"), &[("compose.yaml", compose.as_bytes())]);
    }
    let server = repos.serve();
    let host = server.host();
    let serve_args = [
        "--bind",
        "127.0.0.1:0",
        "--db",
        db.url(),
        "--workers",
        "2",
        "--queue",
        "1000",
        "--lease",
        "2",
        "--rate-limit",
        "1/min",
        "--rate-burst",
        "5",
        "--trust-forwarded-for",
        "--allow-host",
        &host,
        "--allow-http",
        "--allow-private",
    ];
    let mut a = Serving::start(&serve_args);
    let mut b = Serving::start(&serve_args);
    // Nothing fetches until every job is queued and A holds some.
    server.pause();

    let mut jobs: HashMap<String, String> = HashMap::new();
    for n in 0..REPOSITORIES {
        let client = format!("203.0.113.{}", n % CLIENTS + 1);
        let via = if n % 2 == 0 { &a } else { &b };
        let (status, body) = post_audit(via, &server.url(&format!("/r{n}.git")), &client);
        assert_eq!(status, 202, "{body}");
        assert_eq!(body["joined"], false);
        jobs.insert(body["job"].as_str().unwrap().to_string(), format!("r{n}"));
    }
    // Each client used its 5 submissions, spread over both instances: a
    // sixth is refused by either.
    for instance in [&a, &b] {
        let (status, body) = post_audit(instance, &server.url("/r0.git"), "203.0.113.1");
        assert_eq!(status, 429, "{body}");
    }
    let (status, _) = post_audit(&b, &server.url("/r0.git"), "203.0.113.99");
    assert_eq!(
        status, 202,
        "another client has its own allowance (and joins the job)"
    );

    // A's workers hold jobs (waiting on the paused git server): kill it.
    assert!(
        wait_until(Duration::from_secs(30), || healthz(&a)["running_here"] == 2),
        "{}",
        healthz(&a)
    );
    let mut pg = postgres::Client::connect(db.url(), postgres::NoTls).unwrap();
    let pid = a.child.id();
    let held: HashSet<String> = pg
        .query(
            "SELECT id FROM jobs WHERE status = 'running' AND worker LIKE $1",
            &[&format!("%:{pid}:%")],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(held.len(), 2);
    sigkill(pid);
    let _ = a.child.wait();

    let worker = start_worker(db.url(), &host);
    server.resume();

    // Every job finishes, through B or the worker.
    let done = wait_until(Duration::from_secs(240), || {
        let n: i64 = pg
            .query_one(
                "SELECT count(*) FROM jobs WHERE status IN ('done', 'failed')",
                &[],
            )
            .unwrap()
            .get(0);
        n as usize == REPOSITORIES
    });
    assert!(done, "{}", healthz(&b));
    for (job, repo) in &jobs {
        let res = request("GET", &b.url(&format!("/api/jobs/{job}")), &[], None);
        let body: Value = serde_json::from_slice(&res.body).unwrap();
        assert_eq!(body["status"], "done", "{repo}: {body}");
    }
    // Exactly one audit per repository.
    let rows = pg
        .query("SELECT source, count(*) FROM audits GROUP BY source", &[])
        .unwrap();
    assert_eq!(rows.len(), REPOSITORIES);
    for r in &rows {
        assert_eq!(
            r.get::<_, i64>(1),
            1,
            "{} audited twice",
            r.get::<_, String>(0)
        );
    }
    // The killed instance's jobs ran again after their lease ran out.
    for job in &held {
        let attempts: i64 = pg
            .query_one("SELECT attempts FROM jobs WHERE id = $1", &[job])
            .unwrap()
            .get(0);
        assert_eq!(attempts, 2, "job {job}");
    }
    let health = healthz(&b);
    assert_eq!(
        (
            health["queue"].as_str(),
            health["queued"].as_u64(),
            health["running"].as_u64(),
            health["done"].as_u64()
        ),
        (Some("shared"), Some(0), Some(0), Some(REPOSITORIES as u64)),
        "{health}"
    );
    // A graceful stop: SIGTERM, a clean exit (the store closes off the
    // web server's runtime).
    signal("-TERM", b.child.id());
    let status = b.child.wait().unwrap();
    let said: Vec<String> = b.stderr.try_iter().collect();
    assert!(status.success(), "{status}: {said:?}");
    assert!(!said.iter().any(|l| l.contains("panicked")), "{said:?}");
    drop(worker);
}

/// SIGKILL: the process gets no chance to hand its jobs back.
fn sigkill(pid: u32) {
    signal("-KILL", pid);
}

fn signal(which: &str, pid: u32) {
    let status = Command::new("kill")
        .args([which, &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}
