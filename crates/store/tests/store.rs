//! The stores end to end: migrations, re-opening, round trips, the corpus
//! query, jobs. One suite, two backends: every test taking a `&dyn Store`
//! runs on SQLite (in memory) and on PostgreSQL (a fresh database on the
//! server of `SKILLAUDIT_TEST_POSTGRES`, see `docs/TESTING.md`), listed in
//! `on_both!` at the end.

use std::sync::Arc;

use skillaudit_store::{
    migrate, AuditId, Counts, FindingRecord, FixRecord, NewAudit, NoticeRecord, Page,
    RelatedRecord, SourceLine, SqliteStore, Store,
};

fn finding(rule: &str, severity: &str, path: &str, line: u32) -> FindingRecord {
    FindingRecord {
        rule: rule.into(),
        severity: severity.into(),
        confidence: "high".into(),
        message: format!("{rule} at {path}:{line}"),
        path: path.into(),
        line,
        column: 1,
        end_line: line,
        end_column: 10,
        related: vec![],
        fix: None,
        fingerprint: format!("{rule}-{path}-{line}"),
        snippet: vec![SourceLine {
            line,
            text: format!("{rule}: <b>&\"x\"</b>"),
            highlight: Some((0, rule.len() as u32)),
        }],
    }
}

fn audit(source: &str, grade: char, findings: Vec<FindingRecord>) -> NewAudit {
    let summary = Counts::of(&findings);
    NewAudit {
        source: source.into(),
        commit: None,
        started_at: 1_700_000_000_000,
        finished_at: 1_700_000_000_250,
        files_scanned: 3,
        score: 70,
        grade,
        summary,
        tool_version: "0.1.0".into(),
        findings,
        notices: vec![],
        incomplete: false,
        repository_ignores: 0,
        omitted: vec![],
        untrusted: true,
    }
}

fn full_audit() -> NewAudit {
    let mut a = audit(
        "https://github.com/o/r",
        'F',
        vec![
            finding("docker-socket-mount", "critical", "compose.yaml", 7),
            finding("missing-user", "high", "Dockerfile", 1),
        ],
    );
    a.commit = Some("0123456789abcdef0123456789abcdef01234567".into());
    a.findings[0].related = vec![
        RelatedRecord {
            path: "Dockerfile".into(),
            line: 1,
            column: 1,
            message: "the image runs as root".into(),
        },
        RelatedRecord {
            path: ".env".into(),
            line: 1,
            column: 1,
            message: "and this".into(),
        },
    ];
    a.findings[0].confidence = "medium".into();
    a.findings[0].snippet.push(SourceLine {
        line: 8,
        text: "    - /var/run/docker.sock:/var/run/docker.sock".into(),
        highlight: None,
    });
    a.findings[1].fix = Some(FixRecord {
        description: "add `USER 10001` after the last RUN".into(),
        applicability: "unsafe".into(),
    });
    a.notices = vec![NoticeRecord {
        path: "big.yaml".into(),
        message: "skipped: larger than 8 MiB".into(),
        limit: true,
    }];
    a.incomplete = true;
    a.repository_ignores = 2;
    a.omitted = vec![skillaudit_store::OmittedRecord {
        rule: "docker-socket-mount".into(),
        severity: "critical".into(),
        path: "compose.yaml".into(),
        count: 40,
    }];
    a
}

fn stored(a: &NewAudit, id: AuditId) -> skillaudit_store::Audit {
    skillaudit_store::Audit {
        summary: skillaudit_store::AuditSummary {
            id,
            source: a.source.clone(),
            commit: a.commit.clone(),
            started_at: a.started_at,
            finished_at: a.finished_at,
            files_scanned: a.files_scanned,
            score: a.score,
            grade: a.grade,
            summary: a.summary,
            tool_version: a.tool_version.clone(),
            incomplete: a.incomplete,
            repository_ignores: a.repository_ignores,
            omitted_findings: a.omitted.iter().map(|o| o.count).sum(),
            untrusted: a.untrusted,
        },
        findings: a.findings.clone(),
        notices: a.notices.clone(),
        omitted: a.omitted.clone(),
    }
}

#[test]
fn a_new_file_is_created_and_migrated() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("audits.db");
    let store = SqliteStore::open(&path).unwrap();
    assert!(path.is_file());
    assert_eq!(store.schema_version().unwrap(), migrate::latest());
    assert!(store.audits(Page::first(10)).unwrap().is_empty());
    let stats = store.corpus_stats().unwrap();
    assert_eq!(stats.repositories, 0);
    assert!(stats.rules.is_empty());
    assert!(stats.grades.iter().all(|g| g.repositories == 0));
}

#[test]
fn reopening_keeps_the_audits_and_does_not_migrate_again() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("audits.db");
    let a = full_audit();
    let id = {
        let store = SqliteStore::open(&path).unwrap();
        store.insert_audit(&a).unwrap()
    };
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), migrate::latest());
    assert_eq!(store.audit(id).unwrap(), Some(stored(&a, id)));
    // A third open through the generic entry point.
    drop(store);
    let generic = skillaudit_store::open(path.to_str().unwrap()).unwrap();
    assert_eq!(generic.audits(Page::first(10)).unwrap().len(), 1);
}

fn an_audit_reads_back_as_it_was_written(store: &dyn Store) {
    let a = full_audit();
    let id = store.insert_audit(&a).unwrap();
    let back = store.audit(id).unwrap().unwrap();
    assert_eq!(back, stored(&a, id));
    assert_eq!(back.findings[0].related.len(), 2);
    assert_eq!(
        back.findings[1].fix.as_ref().unwrap().applicability,
        "unsafe"
    );
    assert_eq!(store.audit(AuditId(id.0 + 1)).unwrap(), None);
}

fn hostile_text_round_trips_unchanged(store: &dyn Store) {
    let nasty = [
        "'); DROP TABLE audits; --",
        "\" OR 1=1 --",
        "<script>alert(document.cookie)</script>",
        "Robert'); DELETE FROM findings WHERE ('1'='1",
        "tab\tnewline\nquote' backslash\\ percent% underscore_ nul\0end",
        "ünïcødé ✓ 𝄞",
    ];
    let mut a = audit(
        "https://github.com/o/r'; DROP TABLE audits; --",
        'D',
        vec![],
    );
    for (i, n) in nasty.iter().enumerate() {
        let mut f = finding("missing-user", "high", n, i as u32 + 1);
        f.message = n.to_string();
        f.fingerprint = n.to_string();
        f.related = vec![RelatedRecord {
            path: n.to_string(),
            line: 1,
            column: 1,
            message: n.to_string(),
        }];
        f.fix = Some(FixRecord {
            description: n.to_string(),
            applicability: "manual".into(),
        });
        a.findings.push(f);
    }
    a.commit = Some("<script>".into());
    a.notices = vec![NoticeRecord {
        path: nasty[0].into(),
        message: nasty[2].into(),
        limit: false,
    }];
    let id = store.insert_audit(&a).unwrap();
    assert_eq!(store.audit(id).unwrap(), Some(stored(&a, id)));
    assert_eq!(store.latest_for_source(&a.source).unwrap().unwrap().id, id);
    assert_eq!(
        store
            .latest_for_commit(&a.source, "<script>")
            .unwrap()
            .unwrap()
            .id,
        id
    );
    // The tables are all still there.
    assert_eq!(store.audits(Page::first(10)).unwrap().len(), 1);
    assert_eq!(
        store.corpus_stats().unwrap().rules[0].findings,
        nasty.len() as u64
    );
}

fn a_value_outside_the_schema_is_refused_and_nothing_is_half_written(store: &dyn Store) {
    let mut a = audit(
        "r",
        'C',
        vec![
            finding("missing-user", "high", "Dockerfile", 1),
            finding("x", "severe", "Dockerfile", 2),
        ],
    );
    let e = store.insert_audit(&a).unwrap_err();
    assert!(e.0.contains("finding"), "{e}");
    assert!(
        store.audits(Page::first(10)).unwrap().is_empty(),
        "the audit was rolled back"
    );
    a.findings.pop();
    a.grade = 'E';
    assert!(store.insert_audit(&a).is_err());
}

fn the_corpus_counts_each_repository_once_per_rule(store: &dyn Store) {
    // r1: five findings of one rule in two files.
    let many: Vec<FindingRecord> = (1..=5)
        .map(|i| {
            finding(
                "missing-user",
                "high",
                if i % 2 == 0 {
                    "a/Dockerfile"
                } else {
                    "Dockerfile"
                },
                i,
            )
        })
        .collect();
    store.insert_audit(&audit("r1", 'D', many)).unwrap();
    // r2: the same rule once (at a lower severity) and another rule.
    store
        .insert_audit(&audit(
            "r2",
            'F',
            vec![
                finding("missing-user", "medium", "Dockerfile", 1),
                finding("docker-socket-mount", "critical", "compose.yaml", 3),
            ],
        ))
        .unwrap();
    // r3: clean.
    store.insert_audit(&audit("r3", 'A', vec![])).unwrap();
    // r4: audited twice; only the latest audit counts.
    store
        .insert_audit(&audit(
            "r4",
            'F',
            vec![finding(
                "privileged-container",
                "critical",
                "compose.yaml",
                2,
            )],
        ))
        .unwrap();
    store
        .insert_audit(&audit(
            "r4",
            'B',
            vec![finding("no-healthcheck", "low", "Dockerfile", 1)],
        ))
        .unwrap();

    let s = store.corpus_stats().unwrap();
    assert_eq!(s.repositories, 4);
    assert_eq!(s.files_scanned, 12);
    assert_eq!(
        s.findings,
        Counts {
            critical: 1,
            high: 5,
            medium: 1,
            low: 1,
            info: 0
        }
    );
    let rows: Vec<(&str, &str, u64, u64)> = s
        .rules
        .iter()
        .map(|r| {
            (
                r.rule.as_str(),
                r.severity.as_str(),
                r.repositories,
                r.findings,
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ("missing-user", "high", 2, 6),
            ("docker-socket-mount", "critical", 1, 1),
            ("no-healthcheck", "low", 1, 1)
        ]
    );
    assert!((s.rules[0].share - 0.5).abs() < 1e-9);
    assert!((s.rules[1].share - 0.25).abs() < 1e-9);
    let grades: Vec<(char, u64)> = s.grades.iter().map(|g| (g.grade, g.repositories)).collect();
    assert_eq!(
        grades,
        vec![('A', 1), ('B', 1), ('C', 0), ('D', 1), ('F', 1)]
    );
}

fn history_pages_newest_first_and_commits_are_found(store: &dyn Store) {
    let mut ids = Vec::new();
    for i in 0..5 {
        let mut a = audit("https://github.com/o/r", 'A', vec![]);
        a.commit = Some(format!("c{}", i % 2));
        ids.push(store.insert_audit(&a).unwrap());
    }
    let first = store.audits(Page::first(2)).unwrap();
    assert_eq!(
        first.iter().map(|a| a.id).collect::<Vec<_>>(),
        vec![ids[4], ids[3]]
    );
    let next = store
        .audits(Page {
            limit: 2,
            before: Some(first[1].id),
        })
        .unwrap();
    assert_eq!(
        next.iter().map(|a| a.id).collect::<Vec<_>>(),
        vec![ids[2], ids[1]]
    );
    let last = store
        .audits(Page {
            limit: 2,
            before: Some(next[1].id),
        })
        .unwrap();
    assert_eq!(last.iter().map(|a| a.id).collect::<Vec<_>>(), vec![ids[0]]);
    assert_eq!(
        store
            .latest_for_commit("https://github.com/o/r", "c0")
            .unwrap()
            .unwrap()
            .id,
        ids[4]
    );
    assert_eq!(
        store
            .latest_for_commit("https://github.com/o/r", "c1")
            .unwrap()
            .unwrap()
            .id,
        ids[3]
    );
    assert_eq!(
        store
            .latest_for_commit("https://github.com/o/r", "c2")
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .latest_for_commit("https://github.com/o/other", "c0")
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .latest_for_source("https://github.com/o/r")
            .unwrap()
            .unwrap()
            .id,
        ids[4]
    );
}

#[test]
fn threads_share_one_store() {
    let tmp = tempfile::tempdir().unwrap();
    threads_share(Arc::new(
        SqliteStore::open(&tmp.path().join("db.sqlite")).unwrap(),
    ));
}

#[test]
fn threads_share_one_postgres_store() {
    let Some(db) = skillaudit_store::testing::TestDb::create("threads_share_one_postgres_store")
    else {
        return;
    };
    threads_share(Arc::new(
        skillaudit_store::PostgresStore::open(db.url()).unwrap(),
    ));
}

fn threads_share(store: Arc<dyn Store>) {
    let handles: Vec<_> = (0..4)
        .map(|t| {
            let store = Arc::clone(&store);
            std::thread::spawn(move || {
                for i in 0..10 {
                    store
                        .insert_audit(&audit(
                            &format!("r{t}"),
                            'D',
                            vec![finding("missing-user", "high", "Dockerfile", i + 1)],
                        ))
                        .unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(store.audits(Page::first(100)).unwrap().len(), 40);
    let s = store.corpus_stats().unwrap();
    assert_eq!(s.repositories, 4);
    assert_eq!(s.rules[0].repositories, 4);
    assert_eq!(
        s.rules[0].findings, 4,
        "one finding in the latest audit of each"
    );
}

#[test]
fn unusable_locations_are_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let e = SqliteStore::open(tmp.path()).err().unwrap();
    assert!(e.0.contains("is a directory"), "{e}");
    let e = SqliteStore::open(&tmp.path().join("missing/dir/db.sqlite"))
        .err()
        .unwrap();
    assert!(e.0.contains("cannot open the database"), "{e}");
    // Not a database at all.
    let junk = tmp.path().join("junk.db");
    std::fs::write(
        &junk,
        "this is not a database, just text that is long enough to look like a header",
    )
    .unwrap();
    assert!(SqliteStore::open(&junk).is_err());
}

fn a_real_scan_is_stored_whole(store: &dyn Store) {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("Dockerfile"),
        "FROM node:20\nRUN npm ci\nCMD [\"node\", \"index.js\"]\n",
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("compose.yaml"),
        "services:\n  app:\n    build: .\n    privileged: true\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n",
    )
    .unwrap();
    let options = skillaudit_engine::ScanOptions {
        targets: vec![tmp.path().to_string_lossy().into_owned()],
        ..Default::default()
    };
    let result = skillaudit_engine::scan(&options).unwrap();
    assert!(result.findings.len() >= 3);
    let a = NewAudit::from_scan(&result, "local", None, 1, 2);
    let id = store.insert_audit(&a).unwrap();
    let back = store.audit(id).unwrap().unwrap();
    assert_eq!(back.summary.grade, result.grade);
    assert_eq!(back.summary.score, result.score);
    assert_eq!(back.summary.files_scanned, 2);
    assert_eq!(back.summary.summary.total(), result.findings.len() as u64);
    assert_eq!(back.findings.len(), result.findings.len());
    for (f, s) in back.findings.iter().zip(&result.findings) {
        assert_eq!(
            (f.rule.as_str(), f.path.as_str(), f.line, f.column),
            (
                s.finding.rule.id,
                s.path.as_str(),
                s.start.line,
                s.start.column
            )
        );
        assert_eq!(f.fingerprint, s.fingerprint);
        assert_eq!(f.message, s.finding.message);
        assert_eq!(f.related.len(), s.related.len());
        assert_eq!(f.fix.is_some(), s.finding.fix.is_some());
    }
    assert!(back
        .findings
        .iter()
        .any(|f| f.rule == "docker-socket-mount"));
    // The offending lines are kept, with the part the finding covers marked.
    let socket = back
        .findings
        .iter()
        .find(|f| f.rule == "docker-socket-mount")
        .unwrap();
    let hit = socket
        .snippet
        .iter()
        .find(|l| l.line == socket.line)
        .unwrap();
    let (a, b) = hit.highlight.unwrap();
    assert!(
        hit.text[a as usize..b as usize].contains("docker.sock"),
        "{hit:?}"
    );
}

fn stored_source_lines_never_hold_a_whole_secret(store: &dyn Store) {
    let tmp = tempfile::tempdir().unwrap();
    let token = "ghp_R2d7kQ9vXw3LmN8pT5yZa1Bc4De6Fg0Hi2Jk";
    std::fs::write(
        tmp.path().join("Dockerfile"),
        format!("FROM node:20\nENV GITHUB_TOKEN={token}\nUSER node\n"),
    )
    .unwrap();
    let options = skillaudit_engine::ScanOptions {
        targets: vec![tmp.path().to_string_lossy().into_owned()],
        ..Default::default()
    };
    let result = skillaudit_engine::scan(&options).unwrap();
    let id = store
        .insert_audit(&NewAudit::from_scan(&result, "local", None, 1, 2))
        .unwrap();
    let back = store.audit(id).unwrap().unwrap();
    let secret = back
        .findings
        .iter()
        .find(|f| f.rule == "secret-in-image")
        .expect("the token is found");
    let line = secret
        .snippet
        .iter()
        .find(|l| l.line == 2)
        .expect("its line is kept");
    assert!(line.text.starts_with("ENV GITHUB_TOKEN=ghp_"), "{line:?}");
    for f in &back.findings {
        for l in &f.snippet {
            assert!(!l.text.contains(token), "{l:?}");
        }
    }
}

#[test]
fn a_version_2_database_is_upgraded_and_its_audits_read_back() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("audits.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        assert_eq!(migrate::current(&conn).unwrap(), 0);
        for m in &migrate::MIGRATIONS[..2] {
            conn.execute_batch(m.sql).unwrap();
            conn.execute(
                "INSERT INTO schema_version (version, name, applied_at) VALUES (?1, ?2, 0)",
                rusqlite::params![m.version, m.name],
            )
            .unwrap();
        }
        conn.execute(
            "INSERT INTO audits (source, commit_sha, started_at, finished_at, files_scanned, score, grade, critical, high, medium, low, info, tool_version)
             VALUES ('https://github.com/o/r', NULL, 1, 2, 3, 98, 'B', 0, 0, 0, 1, 0, '0.1.0')",
            [],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO notices (audit_id, ordinal, path, message) VALUES (1, 0, 'big.yaml', 'skipped')",
            [],
        )
        .unwrap();
    }
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), migrate::latest());
    let a = store.audit(AuditId(1)).unwrap().unwrap();
    assert_eq!((a.summary.grade, a.summary.score), ('B', 98));
    assert!(!a.summary.incomplete);
    assert_eq!(
        (a.summary.repository_ignores, a.summary.omitted_findings),
        (0, 0)
    );
    assert!(a.omitted.is_empty());
    assert!(!a.notices[0].limit);
    // It honoured the repository's comments: never reused by the hosted audit.
    assert!(!a.summary.untrusted);
    store.health().unwrap();
}

fn jobs_move_on_survive_and_are_forgotten(store: &dyn Store) {
    use skillaudit_store::{JobRecord, JobState};
    let job = |id: &str| JobRecord {
        id: id.into(),
        source: format!("https://github.com/o/{id}"),
        url: "https://github.com/o/r.git".into(),
        state: JobState::Queued,
        created_at: 100,
        started_at: None,
        finished_at: None,
    };
    store.insert_job(&job("a")).unwrap();
    store.insert_job(&job("b")).unwrap();
    store.insert_job(&job("c")).unwrap();
    assert!(store.insert_job(&job("a")).is_err(), "ids are unique");
    let mut twin = job("d");
    twin.source = "https://github.com/o/a".into();
    assert!(
        store.insert_job(&twin).is_err(),
        "one job per repository in flight"
    );
    let audit = store.insert_audit(&full_audit()).unwrap();
    store.set_job_state("a", &JobState::Running, 200).unwrap();
    store
        .set_job_state(
            "a",
            &JobState::Done {
                audit,
                reused: true,
            },
            300,
        )
        .unwrap();
    store.set_job_state("b", &JobState::Running, 250).unwrap();
    let a = store.job("a").unwrap().unwrap();
    assert_eq!(
        a.state,
        JobState::Done {
            audit,
            reused: true
        }
    );
    assert_eq!((a.started_at, a.finished_at), (Some(200), Some(300)));
    assert_eq!(store.job("zz").unwrap(), None);
    // A restart: what was queued or running fails with the reason.
    assert_eq!(store.fail_unfinished_jobs("restarted", 400).unwrap(), 2);
    for id in ["b", "c"] {
        let j = store.job(id).unwrap().unwrap();
        assert_eq!(
            j.state,
            JobState::Failed {
                reason: "restarted".into()
            }
        );
        assert_eq!(j.finished_at, Some(400));
    }
    assert_eq!(store.job("a").unwrap().unwrap().finished_at, Some(300));
    // Old finished jobs go; the audit stays.
    assert_eq!(store.forget_jobs(350).unwrap(), 1);
    assert_eq!(store.job("a").unwrap(), None);
    assert!(store.job("b").unwrap().is_some());
    assert!(store.audit(audit).unwrap().is_some());
}

fn the_previous_audit_is_the_same_source_just_before(store: &dyn Store) {
    let first = store
        .insert_audit(&audit("https://github.com/o/r", 'F', vec![]))
        .unwrap();
    let other = store
        .insert_audit(&audit("https://github.com/o/x", 'A', vec![]))
        .unwrap();
    let second = store
        .insert_audit(&audit("https://github.com/o/r", 'C', vec![]))
        .unwrap();
    let third = store
        .insert_audit(&audit("https://github.com/o/r", 'B', vec![]))
        .unwrap();
    let prev = |id| {
        store
            .previous_audit("https://github.com/o/r", id)
            .unwrap()
            .map(|a| a.id)
    };
    assert_eq!(prev(third), Some(second));
    assert_eq!(prev(second), Some(first));
    assert_eq!(prev(first), None);
    assert_eq!(
        store
            .previous_audit("https://github.com/o/x", other)
            .unwrap(),
        None
    );
}

#[test]
fn a_file_store_reads_from_many_threads_while_one_writes() {
    let tmp = tempfile::tempdir().unwrap();
    reads_while_writing(Arc::new(
        SqliteStore::open(&tmp.path().join("audits.db")).unwrap(),
    ));
}

#[test]
fn a_postgres_store_reads_from_many_threads_while_one_writes() {
    let Some(db) = skillaudit_store::testing::TestDb::create("reads_while_writing") else {
        return;
    };
    reads_while_writing(Arc::new(
        skillaudit_store::PostgresStore::open(db.url()).unwrap(),
    ));
}

fn reads_while_writing(store: Arc<dyn Store>) {
    let id = store.insert_audit(&full_audit()).unwrap();
    let readers: Vec<_> = (0..8)
        .map(|_| {
            let s = Arc::clone(&store);
            std::thread::spawn(move || {
                for _ in 0..50 {
                    assert!(s.audit(id).unwrap().is_some());
                    assert!(!s.audits(Page::first(5)).unwrap().is_empty());
                }
            })
        })
        .collect();
    for _ in 0..20 {
        store.insert_audit(&full_audit()).unwrap();
    }
    for r in readers {
        r.join().unwrap();
    }
    assert_eq!(store.audits(Page::first(100)).unwrap().len(), 21);
    store.health().unwrap();
}

/// Each test function on both backends: `sqlite::NAME` and `postgres::NAME`.
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[test]
            fn $name() {
                super::$name(&skillaudit_store::SqliteStore::in_memory().unwrap());
            })*
        }
        mod postgres {
            $(#[test]
            fn $name() {
                let Some(db) = skillaudit_store::testing::TestDb::create(stringify!($name)) else {
                    return;
                };
                let store = skillaudit_store::PostgresStore::open(db.url()).unwrap();
                super::$name(&store);
            })*
        }
    };
}

on_both!(
    an_audit_reads_back_as_it_was_written,
    hostile_text_round_trips_unchanged,
    a_value_outside_the_schema_is_refused_and_nothing_is_half_written,
    the_corpus_counts_each_repository_once_per_rule,
    history_pages_newest_first_and_commits_are_found,
    a_real_scan_is_stored_whole,
    stored_source_lines_never_hold_a_whole_secret,
    jobs_move_on_survive_and_are_forgotten,
    the_previous_audit_is_the_same_source_just_before
);
