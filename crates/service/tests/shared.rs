//! The audit service over PostgreSQL's shared queue: several services (as
//! several processes would) on one database, against a loopback git
//! server. Each test gets a fresh database on the server of
//! `SKILLAUDIT_TEST_POSTGRES` (`docs/TESTING.md`).

use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use skillaudit_engine::fetch::{AllowedHost, FetchPolicy};
use skillaudit_service::{AuditService, JobId, JobStatus, RateLimit, Refused, ServiceConfig};
use skillaudit_store::testing::TestDb;
use skillaudit_store::{JobState, PostgresStore, Store};
use skillaudit_testgit::{wait_until, Mode, Repos, Server};

const COMPOSE: &[u8] = b"services:\n  app:\n    image: app:1\n    privileged: true\n";

fn client() -> IpAddr {
    "198.51.100.7".parse().unwrap()
}

fn config(server: &Server, work: &Path) -> ServiceConfig {
    let mut policy = FetchPolicy::none()
        .allow(AllowedHost::explicit(&server.host()).unwrap().allow_http())
        .timeout(Duration::from_secs(60));
    policy.work_dir = Some(work.to_path_buf());
    ServiceConfig {
        workers: 2,
        queue_capacity: 100,
        policy,
        rate: RateLimit {
            per_minute: 0,
            burst: 0,
        },
        lease: Duration::from_secs(2),
        poll: Duration::from_millis(100),
        ..ServiceConfig::default()
    }
}

fn store(db: &TestDb) -> Arc<dyn Store> {
    Arc::new(PostgresStore::open(db.url()).unwrap())
}

fn finished(service: &AuditService, job: &JobId) -> JobStatus {
    let mut last = None;
    let done = wait_until(Duration::from_secs(90), || {
        last = service.job(job);
        matches!(
            last,
            Some(JobStatus::Done { .. } | JobStatus::Failed { .. })
        )
    });
    assert!(done, "job did not finish: {last:?}");
    last.unwrap()
}

#[test]
fn two_services_share_the_queue_and_audit_each_repository_once() {
    let Some(db) = TestDb::create("two_services_share_the_queue") else {
        return;
    };
    let repos = Repos::new();
    for n in 0..8 {
        repos.add(&format!("r{n}"), &[("compose.yaml", COMPOSE)]);
    }
    let server = repos.serve();
    let work = repos.scratch("work");
    let a = AuditService::start(config(&server, &work), store(&db));
    let b = AuditService::start(config(&server, &work), store(&db));
    assert!(a.is_shared() && b.is_shared());
    let mut jobs = Vec::new();
    for n in 0..8 {
        let via = if n % 2 == 0 { &a } else { &b };
        let s = via
            .submit(&server.url(&format!("/r{n}.git")), client())
            .unwrap();
        assert!(!s.joined);
        // The same repository through the other instance joins the job.
        let other = if n % 2 == 0 { &b } else { &a };
        let twin = other
            .submit(&server.url(&format!("/r{n}.git")), client())
            .unwrap();
        if matches!(
            a.job(&s.job),
            Some(JobStatus::Queued { .. } | JobStatus::Running)
        ) {
            assert!(twin.joined && twin.job == s.job, "{twin:?}");
        }
        jobs.push(s.job);
    }
    let store = store(&db);
    for job in &jobs {
        // Either instance answers for any job.
        assert!(matches!(finished(&b, job), JobStatus::Done { .. }));
        assert!(matches!(a.job(job), Some(JobStatus::Done { .. })));
    }
    let audits = store.audits(skillaudit_store::Page::first(100)).unwrap();
    let mut sources: Vec<&str> = audits.iter().map(|x| x.source.as_str()).collect();
    sources.sort();
    sources.dedup();
    assert_eq!(sources.len(), 8, "every repository audited");
    let counts = a.queue_counts().unwrap().unwrap();
    assert_eq!((counts.queued, counts.running), (0, 0));
    a.shutdown();
    b.shutdown();
}

#[test]
fn the_rate_limit_holds_across_services() {
    let Some(db) = TestDb::create("the_rate_limit_holds_across_services") else {
        return;
    };
    let repos = Repos::new();
    for n in 0..5 {
        repos.add(&format!("r{n}"), &[("compose.yaml", COMPOSE)]);
    }
    let server = repos.serve();
    let work = repos.scratch("work");
    let limited = ServiceConfig {
        rate: RateLimit {
            per_minute: 1,
            burst: 3,
        },
        ..config(&server, &work)
    };
    let a = AuditService::start(limited.clone(), store(&db));
    let b = AuditService::start(limited, store(&db));
    let mut taken = 0;
    let mut refused = 0;
    for n in 0..5 {
        let via = if n % 2 == 0 { &a } else { &b };
        match via.submit(&server.url(&format!("/r{n}.git")), client()) {
            Ok(_) => taken += 1,
            Err(Refused::RateLimited { retry_after }) => {
                assert!(retry_after > Duration::from_secs(30), "{retry_after:?}");
                refused += 1;
            }
            Err(other) => panic!("{other:?}"),
        }
    }
    assert_eq!(
        (taken, refused),
        (3, 2),
        "three at once, whichever instance"
    );
    // Another client (another /64) has its own allowance.
    let v6: IpAddr = "2001:db8:1:2::7".parse().unwrap();
    assert!(b.submit(&server.url("/r4.git"), v6).is_ok());
    a.shutdown();
    b.shutdown();
}

#[test]
fn a_dead_workers_job_runs_again_after_its_lease() {
    let Some(db) = TestDb::create("a_dead_workers_job_runs_again") else {
        return;
    };
    let repos = Repos::new();
    repos.add("app", &[("compose.yaml", COMPOSE)]);
    let server = repos.serve();
    let work = repos.scratch("work");
    let shared = store(&db);
    // A service with no worker free: the queue is filled by hand and a
    // "process" claims the job, then dies without a word.
    let queue = shared.queue().unwrap();
    queue
        .enqueue(
            &skillaudit_store::NewJob {
                id: "00aa".into(),
                source: format!("http://{}/app", server.host()),
                url: server.url("/app.git"),
                client: None,
                created_at: skillaudit_store::now_ms(),
            },
            None,
        )
        .unwrap();
    let claimed = queue
        .claim(
            "dead-host:1:x",
            Duration::from_millis(1500),
            skillaudit_store::now_ms(),
        )
        .unwrap()
        .unwrap();
    let service = AuditService::start(config(&server, &work), store(&db));
    let job = JobId(claimed.id.clone());
    assert_eq!(service.job(&job), Some(JobStatus::Running));
    let JobStatus::Done { audit, reused } = finished(&service, &job) else {
        panic!("{:?}", service.job(&job));
    };
    assert!(!reused);
    assert!(shared.audit(audit).unwrap().is_some());
    let mut c = postgres::Client::connect(db.url(), postgres::NoTls).unwrap();
    let row = c
        .query_one("SELECT attempts, worker FROM jobs WHERE id = '00aa'", &[])
        .unwrap();
    assert_eq!(row.get::<_, i64>(0), 2, "the second attempt did it");
    assert_ne!(
        row.get::<_, Option<String>>(1).as_deref(),
        Some("dead-host:1:x")
    );
    service.shutdown();
}

#[test]
fn stopping_hands_running_jobs_back() {
    let Some(db) = TestDb::create("stopping_hands_running_jobs_back") else {
        return;
    };
    let hang = Server::start(Mode::Hang);
    let work = tempfile::tempdir().unwrap();
    let service = AuditService::start(config(&hang, work.path()), store(&db));
    let job = service.submit(&hang.url("/app.git"), client()).unwrap().job;
    assert!(wait_until(Duration::from_secs(30), || service.job(&job)
        == Some(JobStatus::Running)));
    service.shutdown();
    let back = store(&db).job(&job.0).unwrap().unwrap();
    assert_eq!(
        back.state,
        JobState::Queued,
        "handed back for another instance"
    );
    let mut c = postgres::Client::connect(db.url(), postgres::NoTls).unwrap();
    let attempts: i64 = c
        .query_one("SELECT attempts FROM jobs WHERE id = $1", &[&job.0])
        .unwrap()
        .get(0);
    assert_eq!(attempts, 0, "a hand-back is not an attempt");
    assert!(matches!(
        service.submit(&hang.url("/other.git"), client()),
        Err(Refused::ShuttingDown)
    ));
}

#[test]
fn a_lost_database_refuses_submissions_without_panicking() {
    let Some(db) = TestDb::create("a_lost_database_refuses_submissions") else {
        return;
    };
    let repos = Repos::new();
    repos.add("app", &[("compose.yaml", COMPOSE)]);
    let server = repos.serve();
    let work = repos.scratch("work");
    let service = AuditService::start(config(&server, &work), store(&db));
    // The database goes away under the running service.
    db.drop_now();
    assert_eq!(
        service.submit(&server.url("/app.git"), client()),
        Err(Refused::Unavailable)
    );
    assert!(service.queue_counts().unwrap().is_err());
    service.shutdown();
}

#[test]
fn connections_lost_mid_job_are_replaced_and_the_audit_is_stored_once() {
    let Some(db) = TestDb::create("connections_lost_mid_job") else {
        return;
    };
    let repos = Repos::new();
    repos.add("app", &[("compose.yaml", COMPOSE)]);
    let server = repos.serve();
    let work = repos.scratch("work");
    let service = AuditService::start(config(&server, &work), store(&db));
    // The job is running (its clone waits on the paused server) when every
    // connection of the service is cut, as a database restart or a network
    // failure would.
    server.pause();
    let job = service
        .submit(&server.url("/app.git"), client())
        .unwrap()
        .job;
    assert!(wait_until(Duration::from_secs(30), || service.job(&job)
        == Some(JobStatus::Running)));
    let mut admin = postgres::Client::connect(db.url(), postgres::NoTls).unwrap();
    let cut: i64 = admin
        .query_one(
            "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid()) t",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(cut > 0, "the service held connections");
    server.resume();
    let JobStatus::Done { reused, .. } = finished(&service, &job) else {
        panic!("{:?}", service.job(&job));
    };
    assert!(!reused);
    let audits: i64 = admin
        .query_one("SELECT count(*) FROM audits", &[])
        .unwrap()
        .get(0);
    assert_eq!(audits, 1, "stored exactly once");
    service.shutdown();
}
