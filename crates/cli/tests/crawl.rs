//! `skillaudit corpus --enqueue` and `skillaudit worker` on PostgreSQL: a
//! crawl queued once, drained by workers, interrupted (a worker killed)
//! and resumed without redoing finished repositories; the table printed
//! from the store with the queue's progress. A fresh database on the
//! server of `SKILLAUDIT_TEST_POSTGRES` (`docs/TESTING.md`); loopback only.

use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use skillaudit_store::testing::TestDb;
use skillaudit_testgit::{wait_until, Repos};

fn skillaudit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_skillaudit"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn worker(db: &str, host: &str) -> Killed {
    Killed(
        Command::new(env!("CARGO_BIN_EXE_skillaudit"))
            .args(["worker", "--db", db, "--workers", "1", "--lease", "2"])
            .args([
                "--allow-host",
                host,
                "--allow-http",
                "--allow-private",
                "--no-default-hosts",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    )
}

fn done(db: &str) -> i64 {
    let mut c = postgres::Client::connect(db, postgres::NoTls).unwrap();
    c.query_one("SELECT count(*) FROM jobs WHERE status = 'done'", &[])
        .unwrap()
        .get(0)
}

#[test]
fn a_crawl_is_queued_drained_interrupted_and_resumed() {
    let Some(db) = TestDb::create("a_crawl_is_queued_drained_interrupted_and_resumed") else {
        return;
    };
    let repos = Repos::new();
    let mut list = String::from("# the crawl\n");
    for n in 0..8 {
        let compose = format!("services:\n  s{n}:\n    image: app:{n}\n    privileged: true\n");
        repos.add(&format!("r{n}"), &[("compose.yaml", compose.as_bytes())]);
    }
    let server = repos.serve();
    let host = server.host();
    for n in 0..8 {
        list.push_str(&server.url(&format!("/r{n}.git")));
        list.push('\n');
    }
    let dir = tempfile::tempdir().unwrap();
    let list_path = dir.path().join("crawl.txt");
    std::fs::write(&list_path, &list).unwrap();
    let at_list = format!("@{}", list_path.display());
    let fetch = [
        "--allow-host",
        host.as_str(),
        "--allow-http",
        "--allow-private",
    ];

    let mut args = vec!["corpus", "--db", db.url(), "--enqueue", at_list.as_str()];
    args.extend(fetch);
    let out = skillaudit(&args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("queued 8 repositories (0 already"),
        "{}",
        text(&out.stderr)
    );
    assert!(text(&out.stderr).contains("queue: 8 queued, 0 running, 0 done, 0 failed"));

    // A worker drains part of it, then dies.
    server.pause();
    let first = worker(db.url(), &host);
    std::thread::sleep(Duration::from_millis(500));
    server.resume();
    assert!(wait_until(Duration::from_secs(120), || done(db.url()) >= 3));
    drop(first);
    let before = done(db.url());
    // Enqueueing the list again (the crawl restarted) redoes nothing.
    let out = skillaudit(&args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("queued 0 repositories (8 already audited or in the queue)"),
        "{}",
        text(&out.stderr)
    );
    let _second = worker(db.url(), &host);
    assert!(
        wait_until(Duration::from_secs(120), || done(db.url()) == 8),
        "{before} done before"
    );

    let mut c = postgres::Client::connect(db.url(), postgres::NoTls).unwrap();
    let twice: i64 = c
        .query_one(
            "SELECT count(*) FROM (SELECT source FROM audits GROUP BY source HAVING count(*) > 1) t",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(twice, 0, "no repository audited twice");

    // The table from what is stored, and the progress.
    let out = skillaudit(&["corpus", "--db", db.url()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    assert!(table.contains("privileged-container"), "{table}");
    assert!(table.contains("8 repositories audited"), "{table}");
    assert!(text(&out.stderr).contains("queue: 0 queued, 0 running, 8 done, 0 failed"));
    let out = skillaudit(&["corpus", "--db", db.url(), "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["repositories"], 8, "{json}");
}

#[test]
fn what_cannot_be_queued_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let dir_arg = dir.path().to_str().unwrap();
    // Without a PostgreSQL store.
    let out = skillaudit(&["corpus", "--enqueue", "https://github.com/o/r"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--db postgres://"),
        "{}",
        text(&out.stderr)
    );
    let out = skillaudit(&["worker", "--db", "audits.db"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("postgres://"),
        "{}",
        text(&out.stderr)
    );
    // An unreachable server: a clear error, the password never shown.
    let out = skillaudit(&[
        "worker",
        "--db",
        "postgres://app:Sup3rSecretPw@127.0.0.1:1/x",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("cannot connect to PostgreSQL at postgres://app:***@127.0.0.1:1/x"),
        "{err}"
    );
    assert!(!err.contains("Sup3rSecretPw"), "{err}");
    let Some(db) = TestDb::create("what_cannot_be_queued_is_refused") else {
        return;
    };
    // A directory cannot be fetched by a worker elsewhere.
    let out = skillaudit(&["corpus", "--db", db.url(), "--enqueue", dir_arg]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("a directory cannot be queued"),
        "{}",
        text(&out.stderr)
    );
    // A URL the fetch policy refuses is refused before anything is queued.
    let out = skillaudit(&[
        "corpus",
        "--db",
        db.url(),
        "--enqueue",
        "https://evil.example/o/r",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let out = skillaudit(&["corpus", "--db", db.url()]);
    assert!(
        text(&out.stderr).contains("queue: 0 queued"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn bad_database_settings_are_clear_errors() {
    // Nothing listens on port 1 of loopback: a clear error, the password
    // never shown, no panic.
    for role in [
        &["worker", "--db", "postgres://u:hunter2pw@127.0.0.1:1/db"][..],
        &["corpus", "--db", "postgres://u:hunter2pw@127.0.0.1:1/db"][..],
    ] {
        let out = skillaudit(role);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(
            err.contains("cannot connect to PostgreSQL at postgres://u:***@127.0.0.1:1/db"),
            "{err}"
        );
        assert!(
            !err.contains("hunter2pw") && !err.contains("panicked"),
            "{err}"
        );
    }
    // Not a URL PostgreSQL understands.
    let out = skillaudit(&["worker", "--db", "postgres://u@127.0.0.1:notaport/db"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("is not a valid PostgreSQL URL"),
        "{}",
        text(&out.stderr)
    );
    // A password file that cannot be read is named, before connecting.
    let out = Command::new(env!("CARGO_BIN_EXE_skillaudit"))
        .args(["worker", "--db", "postgres://u@127.0.0.1:1/db"])
        .env("SKILLAUDIT_DB_PASSWORD_FILE", "/nonexistent/db_password")
        .output()
        .unwrap();
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("cannot read the database password from /nonexistent/db_password (SKILLAUDIT_DB_PASSWORD_FILE)"),
        "{err}"
    );
}

#[test]
fn a_password_in_the_url_wins_over_the_password_file() {
    let Some(db) = TestDb::create("a_password_in_the_url_wins_over_the_password_file") else {
        return;
    };
    // The test server trusts its socket, so any password logs in; the
    // file does not exist, so reading it would be an error.
    let url = db
        .url()
        .replacen("://skillaudit@", "://skillaudit:inurl@", 1);
    assert_ne!(url, db.url(), "the test server's URL names its user");
    let out = Command::new(env!("CARGO_BIN_EXE_skillaudit"))
        .args(["corpus", "--db", &url])
        .env("SKILLAUDIT_DB_PASSWORD_FILE", "/nonexistent/db_password")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("queue: 0 queued"),
        "{}",
        text(&out.stderr)
    );
}
