//! What only PostgreSQL does: migrations under an advisory lock, clear
//! errors for bad URLs, and the shared queue and rate limit. Each test
//! gets a fresh database on the server of `SKILLAUDIT_TEST_POSTGRES`
//! (`docs/TESTING.md`).

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use skillaudit_store::testing::TestDb;
use skillaudit_store::{
    migrate, Counts, Enqueued, JobQueue, JobState, NewAudit, NewJob, PostgresStore, QueueCounts,
    Store, MAX_ATTEMPTS,
};

fn db(test: &str) -> Option<TestDb> {
    TestDb::create(test)
}

fn new_audit(source: &str) -> NewAudit {
    NewAudit {
        source: source.into(),
        commit: Some("c0ffee".into()),
        started_at: 1,
        finished_at: 2,
        files_scanned: 1,
        score: 100,
        grade: 'A',
        summary: Counts::default(),
        tool_version: "test".into(),
        findings: Vec::new(),
        notices: Vec::new(),
        incomplete: false,
        repository_ignores: 0,
        omitted: Vec::new(),
        untrusted: true,
    }
}

fn job(n: usize, created_at: i64) -> NewJob {
    NewJob {
        id: format!("job{n:03}"),
        source: format!("https://git.example/o/r{n}"),
        url: format!("https://git.example/o/r{n}.git"),
        client: Some("192.0.2.1".into()),
        created_at,
    }
}

#[test]
fn instances_starting_together_migrate_once() {
    let Some(db) = db("instances_starting_together_migrate_once") else {
        return;
    };
    let url = db.url().to_string();
    let opened: Vec<_> = (0..4)
        .map(|_| {
            let url = url.clone();
            std::thread::spawn(move || PostgresStore::open(&url).map(|s| s.schema_version()))
        })
        .collect();
    for h in opened {
        assert_eq!(h.join().unwrap().unwrap().unwrap(), migrate::latest());
    }
    let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let n: i64 = c
        .query_one("SELECT count(*) FROM schema_version", &[])
        .unwrap()
        .get(0);
    assert_eq!(n as usize, migrate::MIGRATIONS.len());
    // Identity keys: ids come from the database.
    let store = PostgresStore::open(&url).unwrap();
    let a = store.insert_audit(&new_audit("s")).unwrap();
    let b = store.insert_audit(&new_audit("s")).unwrap();
    assert!(b.0 > a.0);
}

#[test]
fn a_newer_database_is_refused() {
    let Some(db) = db("a_newer_database_is_refused") else {
        return;
    };
    drop(PostgresStore::open(db.url()).unwrap());
    let mut c = postgres::Client::connect(db.url(), postgres::NoTls).unwrap();
    c.execute(
        "INSERT INTO schema_version (version, name, applied_at) VALUES ($1, 'future.sql', 0)",
        &[&i64::from(migrate::latest() + 1)],
    )
    .unwrap();
    let e = PostgresStore::open(db.url()).err().unwrap();
    assert!(e.0.contains("newer than this skillaudit"), "{e}");
}

#[test]
fn bad_urls_are_clear_errors_without_the_password() {
    // Nothing listens on port 1 of the loopback address.
    let e = skillaudit_store::open("postgres://app:hunter2-secret@127.0.0.1:1/audits")
        .err()
        .unwrap();
    assert!(
        e.0.contains("cannot connect to PostgreSQL at postgres://app:***@127.0.0.1:1/audits"),
        "{e}"
    );
    assert!(!e.0.contains("hunter2"), "{e}");
    let e = skillaudit_store::open("postgres://app:hunter2-secret@127.0.0.1:port/audits")
        .err()
        .unwrap();
    assert!(e.0.contains("is not a valid PostgreSQL URL"), "{e}");
    assert!(!e.0.contains("hunter2"), "{e}");
    let e = skillaudit_store::open("postgresql://127.0.0.1/x?sslmode=sometimes")
        .err()
        .unwrap();
    assert!(e.0.contains("is not a valid PostgreSQL URL"), "{e}");
    // A database that does not exist on a real server.
    let Some(db) = db("bad_urls_are_clear_errors_without_the_password") else {
        return;
    };
    let missing = skillaudit_store::testing::with_database(db.url(), "no_such_database");
    let e = skillaudit_store::open(&missing).err().unwrap();
    assert!(
        e.0.contains("no_such_database") && e.0.contains("does not exist"),
        "{e}"
    );
}

#[test]
fn one_job_per_repository_in_flight_and_a_bounded_queue() {
    let Some(db) = db("one_job_per_repository_in_flight") else {
        return;
    };
    let store = PostgresStore::open(db.url()).unwrap();
    let q = store.queue().unwrap();
    assert_eq!(q.enqueue(&job(1, 10), Some(2)).unwrap(), Enqueued::Queued);
    let mut twin = job(2, 11);
    twin.source = job(1, 0).source;
    assert_eq!(
        q.enqueue(&twin, Some(2)).unwrap(),
        Enqueued::Joined("job001".into())
    );
    assert_eq!(q.enqueue(&job(3, 12), Some(2)).unwrap(), Enqueued::Queued);
    assert_eq!(
        q.enqueue(&job(4, 13), Some(2)).unwrap(),
        Enqueued::Full { queued: 2 }
    );
    assert_eq!(q.position("job001").unwrap(), Some(1));
    assert_eq!(q.position("job003").unwrap(), Some(2));
    assert_eq!(q.position("job004").unwrap(), None);
    // Claimed in order; the repository stays in flight while it runs.
    let c = q
        .claim("w1", Duration::from_secs(30), 100)
        .unwrap()
        .unwrap();
    assert_eq!((c.id.as_str(), c.attempts), ("job001", 1));
    assert_eq!(q.position("job003").unwrap(), Some(1));
    assert_eq!(
        q.enqueue(&twin, None).unwrap(),
        Enqueued::Joined("job001".into())
    );
    let audit = store.insert_audit(&new_audit(&c.source)).unwrap();
    assert!(q
        .finish(
            &c.id,
            "w1",
            &JobState::Done {
                audit,
                reused: true
            },
            200
        )
        .unwrap());
    // Finished: the same repository may be queued again.
    assert_eq!(q.enqueue(&twin, None).unwrap(), Enqueued::Queued);
    assert_eq!(
        q.counts().unwrap(),
        QueueCounts {
            queued: 2,
            running: 0,
            done: 1,
            failed: 0
        }
    );
    let stored = store.job("job001").unwrap().unwrap();
    assert_eq!(
        stored.state,
        JobState::Done {
            audit,
            reused: true
        }
    );
}

#[test]
fn concurrent_workers_claim_each_job_exactly_once() {
    let Some(db) = db("concurrent_workers_claim_each_job_exactly_once") else {
        return;
    };
    let store = Arc::new(PostgresStore::open(db.url()).unwrap());
    for n in 0..60 {
        store.enqueue(&job(n, n as i64), None).unwrap();
    }
    let workers: Vec<_> = (0..6)
        .map(|w| {
            let store = Arc::clone(&store);
            std::thread::spawn(move || {
                let name = format!("w{w}");
                let mut mine = Vec::new();
                while let Some(c) = store.claim(&name, Duration::from_secs(30), 1000).unwrap() {
                    let id = store
                        .finish_with_audit(&c.id, &name, &new_audit(&c.source), 2000)
                        .unwrap()
                        .expect("a job just claimed is held");
                    mine.push((c.id, id));
                }
                mine
            })
        })
        .collect();
    let mut seen = HashSet::new();
    for w in workers {
        for (job, _) in w.join().unwrap() {
            assert!(seen.insert(job.clone()), "{job} was claimed twice");
        }
    }
    assert_eq!(seen.len(), 60);
    assert_eq!(store.counts().unwrap().done, 60);
    assert_eq!(store.corpus_stats().unwrap().repositories, 60);
}

#[test]
fn an_expired_lease_puts_the_job_back_and_its_old_holder_stores_nothing() {
    let Some(db) = db("an_expired_lease_puts_the_job_back") else {
        return;
    };
    let store = PostgresStore::open(db.url()).unwrap();
    store.enqueue(&job(1, 10), None).unwrap();
    let lease = Duration::from_millis(1000);
    let c = store.claim("dead", lease, 100).unwrap().unwrap();
    // Renewed in time: still held.
    assert_eq!(
        store
            .renew(std::slice::from_ref(&c.id), "dead", 1500)
            .unwrap(),
        vec![c.id.clone()]
    );
    assert_eq!(store.requeue_expired(1400, "gave up").unwrap(), (0, 0));
    // Not renewed: past its lease the job is queued again.
    assert_eq!(store.requeue_expired(1600, "gave up").unwrap(), (1, 0));
    assert_eq!(store.job(&c.id).unwrap().unwrap().state, JobState::Queued);
    assert!(store
        .renew(std::slice::from_ref(&c.id), "dead", 3000)
        .unwrap()
        .is_empty());
    let again = store.claim("alive", lease, 1700).unwrap().unwrap();
    assert_eq!((again.id.as_str(), again.attempts), (c.id.as_str(), 2));
    // The first holder comes back late: refused, nothing stored.
    assert_eq!(
        store
            .finish_with_audit(&c.id, "dead", &new_audit(&c.source), 1800)
            .unwrap(),
        None
    );
    assert!(!store
        .finish(
            &c.id,
            "dead",
            &JobState::Failed { reason: "x".into() },
            1800
        )
        .unwrap());
    let id = store
        .finish_with_audit(&c.id, "alive", &new_audit(&c.source), 1900)
        .unwrap()
        .unwrap();
    assert_eq!(
        store
            .audits(skillaudit_store::Page::first(10))
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        store.job(&c.id).unwrap().unwrap().state,
        JobState::Done {
            audit: id,
            reused: false
        }
    );
}

#[test]
fn a_job_that_keeps_failing_fails_after_three_attempts() {
    let Some(db) = db("a_job_that_keeps_failing") else {
        return;
    };
    let store = PostgresStore::open(db.url()).unwrap();
    store.enqueue(&job(1, 10), None).unwrap();
    store.enqueue(&job(2, 11), None).unwrap();
    let lease = Duration::from_millis(10);
    // Job 1: its holders die, one after another.
    let mut now = 100;
    for attempt in 1..=MAX_ATTEMPTS {
        let c = store.claim("w", lease, now).unwrap().unwrap();
        assert_eq!((c.id.as_str(), c.attempts), ("job001", attempt));
        now += 100;
        let (requeued, failed) = store.requeue_expired(now, "interrupted too often").unwrap();
        assert_eq!(
            (requeued, failed),
            if attempt < MAX_ATTEMPTS {
                (1, 0)
            } else {
                (0, 1)
            }
        );
    }
    assert_eq!(
        store.job("job001").unwrap().unwrap().state,
        JobState::Failed {
            reason: "interrupted too often".into()
        }
    );
    // Job 2: a failure on our side, three times.
    for attempt in 1..=MAX_ATTEMPTS {
        let c = store.claim("w", lease, now).unwrap().unwrap();
        assert_eq!((c.id.as_str(), c.attempts), ("job002", attempt));
        assert!(store.retry_or_fail(&c.id, "w", "store down", now).unwrap());
    }
    assert_eq!(
        store.job("job002").unwrap().unwrap().state,
        JobState::Failed {
            reason: "store down".into()
        }
    );
    assert!(store.claim("w", lease, now).unwrap().is_none());
    // A job handed back by a stopping process keeps its attempts.
    store.enqueue(&job(3, 12), None).unwrap();
    let c = store.claim("w", lease, now).unwrap().unwrap();
    assert!(store.release(&c.id, "w").unwrap());
    assert_eq!(store.claim("v", lease, now).unwrap().unwrap().attempts, 1);
}

#[test]
fn the_rate_limit_is_shared_by_every_connection() {
    let Some(db) = db("the_rate_limit_is_shared") else {
        return;
    };
    let a = PostgresStore::open(db.url()).unwrap();
    let b = PostgresStore::open(db.url()).unwrap();
    let now = 1_000_000;
    // 6 a minute, 3 at once: two "instances" share the three.
    assert_eq!(a.take_token("198.51.100.7", 6, 3, now).unwrap(), Ok(()));
    assert_eq!(b.take_token("198.51.100.7", 6, 3, now).unwrap(), Ok(()));
    assert_eq!(a.take_token("198.51.100.7", 6, 3, now).unwrap(), Ok(()));
    let wait = b
        .take_token("198.51.100.7", 6, 3, now)
        .unwrap()
        .unwrap_err();
    assert_eq!(wait, Duration::from_secs(10));
    // Another client has its own bucket.
    assert_eq!(b.take_token("198.51.100.8", 6, 3, now).unwrap(), Ok(()));
    // After 10 s one token is back, on either instance.
    assert_eq!(
        b.take_token("198.51.100.7", 6, 3, now + 10_000).unwrap(),
        Ok(())
    );
    assert!(a
        .take_token("198.51.100.7", 6, 3, now + 10_000)
        .unwrap()
        .is_err());
    a.refund_token("198.51.100.7", 3).unwrap();
    assert_eq!(
        a.take_token("198.51.100.7", 6, 3, now + 10_000).unwrap(),
        Ok(())
    );
    assert_eq!(
        a.take_token("anyone", 0, 1, now).unwrap(),
        Ok(()),
        "0 disables"
    );
}

#[test]
fn a_crawl_is_queued_once_and_resumes_without_redoing_audits() {
    let Some(db) = db("a_crawl_is_queued_once") else {
        return;
    };
    let store = PostgresStore::open(db.url()).unwrap();
    let sources: Vec<(String, String)> = (0..5)
        .map(|n| {
            (
                format!("https://git.example/o/c{n}"),
                format!("https://git.example/o/c{n}.git"),
            )
        })
        .collect();
    store.insert_audit(&new_audit(&sources[0].0)).unwrap();
    assert_eq!(store.enqueue_crawl(&sources, 10).unwrap(), 4);
    // Again (the crawl was restarted): nothing new.
    assert_eq!(store.enqueue_crawl(&sources, 20).unwrap(), 0);
    let c = store
        .claim("w", Duration::from_secs(30), 30)
        .unwrap()
        .unwrap();
    assert_eq!(c.source, sources[1].0, "in the list's order");
    store
        .finish_with_audit(&c.id, "w", &new_audit(&c.source), 40)
        .unwrap()
        .unwrap();
    assert_eq!(store.enqueue_crawl(&sources, 50).unwrap(), 0);
    assert_eq!(store.counts().unwrap().queued, 3);
}
