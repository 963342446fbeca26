//! `skillaudit corpus`: every format, lists, failing sources, git URLs, the
//! store, the progress bar.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use skillaudit_store::{Page, SqliteStore, Store};
use skillaudit_testgit::{noise, Repos};

/// The fixture repositories (copies of shared acceptance cases and one of
/// our own with many findings of one rule).
const REPOS: &[&str] = &[
    "many-services",
    "runtime-escapes",
    "seed-docker-socket",
    "seed-minimal-safe-dockerfile",
    "seed-privileged-compose",
    "seed-root-by-default",
];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus")
}

fn skillaudit() -> Command {
    let mut c = Command::cargo_bin("skillaudit").expect("binary");
    c.env_remove("NO_COLOR");
    c
}

/// `skillaudit corpus ARGS` run from the fixtures directory.
fn corpus(args: &[&str]) -> Output {
    skillaudit()
        .current_dir(fixtures())
        .arg("corpus")
        .args(args)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn all_formats(format: &str) -> String {
    let mut args = vec!["--format", format];
    args.extend(REPOS);
    let out = corpus(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "", "nothing on stderr off a terminal");
    stdout(&out)
}

#[test]
fn text() {
    insta::assert_snapshot!("corpus_text", all_formats("text"));
}

#[test]
fn markdown() {
    insta::assert_snapshot!("corpus_markdown", all_formats("markdown"));
}

#[test]
fn csv() {
    let csv = all_formats("csv");
    // Every line has the header's five fields.
    assert!(csv.lines().all(|l| l.split(',').count() == 5), "{csv}");
    insta::assert_snapshot!("corpus_csv", csv);
}

#[test]
fn json() {
    let out = all_formats("json");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["repositories"], REPOS.len());
    assert_eq!(v["audits"].as_array().unwrap().len(), REPOS.len());
    assert_eq!(v["errors"].as_array().unwrap().len(), 0);
    // The repository with three privileged services is one repository.
    let privileged = v["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == "privileged-container")
        .unwrap();
    assert_eq!(privileged["repositories"], 2);
    assert_eq!(privileged["findings"], 4);
    insta::assert_snapshot!("corpus_json", out);
}

/// Each repository is audited on its own: the same grade, score and counts
/// as `skillaudit scan` of that directory.
#[test]
fn each_audit_is_a_scan_of_its_own_repository() {
    let v: serde_json::Value = serde_json::from_str(&all_formats("json")).unwrap();
    for a in v["audits"].as_array().unwrap() {
        let repo = a["source"].as_str().unwrap();
        let out = skillaudit()
            .current_dir(fixtures())
            .args(["scan", "--format", "json", "--fail-on", "never", repo])
            .output()
            .unwrap();
        let scan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            (&a["grade"], &a["score"], &a["summary"], &a["files_scanned"]),
            (
                &scan["grade"],
                &scan["score"],
                &scan["summary"],
                &scan["files_scanned"]
            ),
            "{repo}"
        );
    }
}

#[test]
fn the_table_does_not_depend_on_the_number_of_jobs() {
    let mut one = vec!["-j", "1"];
    one.extend(REPOS);
    let mut four = vec!["--jobs", "4"];
    four.extend(REPOS);
    assert_eq!(stdout(&corpus(&one)), stdout(&corpus(&four)));
}

#[test]
fn top_keeps_the_most_common_rules() {
    let mut args = vec!["--top", "2"];
    args.extend(REPOS);
    let out = stdout(&corpus(&args));
    let full = all_formats("text");
    let rows = |t: &str| -> Vec<Vec<String>> {
        t.lines()
            .skip(1)
            .take_while(|l| !l.is_empty())
            .map(|l| l.split_whitespace().map(String::from).collect())
            .collect()
    };
    let (top, all) = (rows(&out), rows(&full));
    assert_eq!(top[..2], all[..2]);
    assert_eq!(
        top[2].join(" "),
        format!("… and {} more rules", all.len() - 2)
    );
}

#[test]
fn a_list_file_names_the_sources() {
    let listed = corpus(&["@sources.txt"]);
    assert_eq!(listed.status.code(), Some(0), "{}", stderr(&listed));
    let direct = corpus(&[
        "seed-docker-socket",
        "seed-privileged-compose",
        "seed-root-by-default",
    ]);
    assert_eq!(stdout(&listed), stdout(&direct));
    assert!(
        stdout(&listed).contains("3 repositories audited"),
        "{}",
        stdout(&listed)
    );
    // From another directory: entries are relative to the list.
    let elsewhere = skillaudit()
        .current_dir(std::env::temp_dir())
        .arg("corpus")
        .arg(format!("@{}", fixtures().join("sources.txt").display()))
        .output()
        .unwrap();
    assert_eq!(stdout(&elsewhere), stdout(&direct));
    // From standard input, relative to the working directory; a source
    // given twice is audited once.
    let stdin = skillaudit()
        .current_dir(fixtures())
        .args(["corpus", "@-", "seed-root-by-default"])
        .write_stdin(
            "# listed\nseed-docker-socket\n./seed-privileged-compose/\nseed-root-by-default\n",
        )
        .output()
        .unwrap();
    assert_eq!(stdout(&stdin), stdout(&direct));
}

#[test]
fn a_file_without_at_is_skipped_with_a_note() {
    let out = corpus(&["sources.txt", "seed-root-by-default"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stderr(&out)
            .contains("note: skipping sources.txt: a file, not a repository (write @sources.txt"),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).contains("1 repository audited"));
    let only = corpus(&["sources.txt"]);
    assert_eq!(only.status.code(), Some(2));
    assert!(
        stderr(&only).contains("error: no repository to audit"),
        "{}",
        stderr(&only)
    );
}

#[test]
fn a_failing_source_is_reported_and_the_others_are_audited() {
    let repos = Repos::new();
    let server = repos.serve();
    let missing_repo = server.url("/no-such-repo.git");
    let refused = "file:///etc";
    let out = corpus(&[
        "--format",
        "json",
        "--allow-host",
        &server.host(),
        "--allow-http",
        "--allow-private",
        "seed-root-by-default",
        "no-such-dir",
        &missing_repo,
        refused,
        "seed-docker-socket",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("error: no-such-dir: no such directory"),
        "{err}"
    );
    assert!(err.contains(&format!("error: {missing_repo}: ")), "{err}");
    assert!(
        err.contains("error: file:///etc: ") && err.contains("file://"),
        "{err}"
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["repositories"], 2);
    let errors: Vec<&str> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["source"].as_str().unwrap())
        .collect();
    assert_eq!(errors, vec!["no-such-dir", missing_repo.as_str(), refused]);
    // The refused URL never reached a server; the missing repository did.
    assert!(server.connections() >= 1);
    // The text table says how many could not be audited.
    let text = corpus(&["seed-root-by-default", "no-such-dir"]);
    assert_eq!(text.status.code(), Some(2));
    assert!(
        stdout(&text).contains("1 repository audited (1 could not be audited)"),
        "{}",
        stdout(&text)
    );
}

#[test]
fn urls_are_fetched_only_from_allowed_hosts_within_the_limits() {
    let repos = Repos::new();
    repos.add(
        "big",
        &[
            ("Dockerfile", b"FROM node:20\n"),
            ("blob.bin", &noise(3 << 20)),
        ],
    );
    let server = repos.serve();
    let big = server.url("/big.git");
    // Loopback is not on the allow-list unless named.
    let out = corpus(&["--format", "json", &big]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("is not an allowed host"),
        "{}",
        stderr(&out)
    );
    assert_eq!(server.connections(), 0);
    // Allowed, but larger than the limit: stopped, with the reason.
    let out = corpus(&[
        "--format",
        "json",
        "--allow-host",
        &server.host(),
        "--allow-http",
        "--allow-private",
        "--max-repo-size",
        "1",
        &big,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("larger than the limit"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn usage_errors_exit_2_before_scanning() {
    let tmp = tempfile::tempdir().unwrap();
    for (args, expected) in [
        (
            vec!["@missing-list.txt"],
            "cannot read the list of sources missing-list.txt: no such file or directory",
        ),
        (
            vec!["--db", tmp.path().to_str().unwrap(), "seed-root-by-default"],
            "is a directory; give the path of a database file",
        ),
        (
            vec![
                "--output",
                tmp.path().to_str().unwrap(),
                "seed-root-by-default",
            ],
            "is a directory",
        ),
        (vec!["--jobs", "0", "seed-root-by-default"], "--jobs"),
        (vec![], "required"),
    ] {
        let out = corpus(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stdout(&out).is_empty(), "{args:?}");
        assert!(
            stderr(&out).contains(expected),
            "{args:?}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn db_keeps_every_audit_for_the_store_to_read() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("audits.db");
    let mut args = vec!["--format", "json", "--db", db.to_str().unwrap()];
    args.extend(REPOS);
    let printed: serde_json::Value = serde_json::from_slice(&corpus(&args).stdout).unwrap();

    let store = SqliteStore::open(&db).unwrap();
    let audits = store.audits(Page::first(100)).unwrap();
    assert_eq!(audits.len(), REPOS.len());
    // The store's corpus view is the printed table.
    let stats = store.corpus_stats().unwrap();
    assert_eq!(
        serde_json::to_value(&stats.rules).unwrap(),
        printed["rules"]
    );
    assert_eq!(stats.repositories, REPOS.len() as u64);

    // Every finding of a repository, as `scan --format json` reports it.
    let socket = fixtures()
        .join("seed-docker-socket")
        .canonicalize()
        .unwrap();
    let summary = store
        .latest_for_source(socket.to_str().unwrap())
        .unwrap()
        .expect("stored under its canonical path");
    let audit = store.audit(summary.id).unwrap().unwrap();
    let scan = skillaudit()
        .args(["scan", "--format", "json", "--fail-on", "never"])
        .arg(&socket)
        .output()
        .unwrap();
    let scan: serde_json::Value = serde_json::from_slice(&scan.stdout).unwrap();
    let scanned = scan["findings"].as_array().unwrap();
    assert!(!scanned.is_empty());
    assert_eq!(audit.findings.len(), scanned.len());
    for (stored, shown) in audit.findings.iter().zip(scanned) {
        let stored = serde_json::to_value(stored).unwrap();
        for field in [
            "rule",
            "severity",
            "confidence",
            "message",
            "path",
            "line",
            "column",
            "end_line",
            "end_column",
            "related",
            "fix",
            "fingerprint",
        ] {
            assert_eq!(stored[field], shown[field], "{field}");
        }
    }
    assert!(summary.finished_at >= summary.started_at);

    // A second run adds audits; the corpus view keeps the latest of each.
    let again = corpus(&["--db", db.to_str().unwrap(), "seed-root-by-default"]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert!(
        stdout(&again).contains("1 repository audited"),
        "the table covers this run: {}",
        stdout(&again)
    );
    let store = SqliteStore::open(&db).unwrap();
    assert_eq!(
        store.audits(Page::first(100)).unwrap().len(),
        REPOS.len() + 1
    );
    assert_eq!(
        store.corpus_stats().unwrap().repositories,
        REPOS.len() as u64
    );
}

#[test]
fn git_urls_and_checkouts_record_their_commit() {
    let repos = Repos::new();
    let compose =
        std::fs::read(fixtures().join("seed-privileged-compose/docker-compose.yml")).unwrap();
    let head = repos.add("repo", &[("deploy/docker-compose.yml", &compose)]);
    let server = repos.serve();
    let url = server.url("/repo.git");
    // The work tree the served repository was made from: a clean checkout.
    let repo = repos.root().join("repo-work");
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("db.sqlite");

    let out = skillaudit()
        .args([
            "corpus",
            "--format",
            "json",
            "--allow-host",
            &server.host(),
            "--allow-http",
            "--allow-private",
            "--db",
            db.to_str().unwrap(),
        ])
        .arg(&url)
        .arg(&repo)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let audits = v["audits"].as_array().unwrap();
    assert_eq!(audits.len(), 2);
    assert!(
        audits.iter().all(|a| a["commit"] == head.as_str()),
        "{audits:?}"
    );
    let store = SqliteStore::open(&db).unwrap();
    // Stored under the web service's name for the repository (no `.git`).
    let key = url.strip_suffix(".git").unwrap();
    let by_url = store
        .latest_for_commit(key, &head)
        .unwrap()
        .expect("the URL's audit at HEAD");
    let audit = store.audit(by_url.id).unwrap().unwrap();
    // Paths are relative to the repository, not to a temporary clone.
    assert!(
        audit
            .findings
            .iter()
            .any(|f| f.path == "deploy/docker-compose.yml" && f.rule == "privileged-container"),
        "{:?}",
        audit.findings
    );
    assert!(audit.findings.iter().all(|f| f.path.starts_with("deploy/")));
    assert_eq!(store.latest_for_source(key).unwrap().unwrap().id, by_url.id);

    // A checkout with changes is not that commit any more.
    std::fs::write(repo.join("Dockerfile"), "FROM node:20\n").unwrap();
    let dirty = skillaudit()
        .args(["corpus", "--format", "json"])
        .arg(&repo)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&dirty.stdout).unwrap();
    assert_eq!(v["audits"][0]["commit"], serde_json::Value::Null);
    // Nor is a directory inside a work tree.
    let sub = skillaudit()
        .args(["corpus", "--format", "json"])
        .arg(repo.join("deploy"))
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&sub.stdout).unwrap();
    assert_eq!(v["audits"][0]["commit"], serde_json::Value::Null);
}

/// Run a command line under a pseudo-terminal (util-linux `script`), so
/// that standard error is a terminal; `None` when `script` is missing.
fn on_a_terminal(command: &str) -> Option<String> {
    let out = std::process::Command::new("script")
        .args(["-qec", command, "/dev/null"])
        .env("SKILLAUDIT_PROGRESS_DELAY_MS", "0")
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn a_progress_bar_on_a_terminal_unless_quiet() {
    let bin = assert_cmd::cargo::cargo_bin("skillaudit");
    let tmp = tempfile::tempdir().unwrap();
    let table = tmp.path().join("table.txt");
    let repos: Vec<String> = REPOS
        .iter()
        .map(|r| fixtures().join(r).display().to_string())
        .collect();
    let cmd = format!(
        "{} corpus -j 1 --output {} {}",
        bin.display(),
        table.display(),
        repos.join(" ")
    );
    let Some(shown) = on_a_terminal(&cmd) else {
        eprintln!(
            "note: util-linux `script` is not available; the terminal progress check is skipped"
        );
        return;
    };
    assert!(shown.starts_with("\r"), "{shown:?}");
    assert!(shown.contains("auditing repositories ["), "{shown:?}");
    assert!(
        shown.ends_with('\r'),
        "the line is erased at the end: {shown:?}"
    );
    assert!(std::fs::read_to_string(&table)
        .unwrap()
        .contains("6 repositories audited"));
    assert_eq!(
        on_a_terminal(&format!("{cmd} --quiet")).unwrap(),
        "",
        "--quiet draws no progress"
    );
}

#[test]
fn min_severity_counts_only_what_it_shows() {
    let mut args = vec!["--format", "json", "--min-severity", "high"];
    args.extend(REPOS);
    let v: serde_json::Value = serde_json::from_slice(&corpus(&args).stdout).unwrap();
    let rules = v["rules"].as_array().unwrap();
    assert!(!rules.is_empty());
    assert!(
        rules
            .iter()
            .all(|r| r["severity"] == "high" || r["severity"] == "critical"),
        "{rules:?}"
    );
    assert_eq!(v["findings"]["medium"], 0);
    assert_eq!(v["findings"]["low"], 0);
    // Grades are computed from what is counted, as scan does with --min-severity.
    let clean = v["audits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["source"] == "seed-minimal-safe-dockerfile")
        .unwrap();
    assert_eq!(clean["grade"], "A");
}
