//! The audit service against a loopback git server (skillaudit-testgit):
//! submissions, de-duplication, reuse of stored audits, limits, refusals,
//! failures, shutdown. No network beyond 127.0.0.1.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use skillaudit_engine::fetch::{AllowedHost, FetchPolicy};
use skillaudit_service::{AuditService, JobId, JobStatus, RateLimit, Refused, ServiceConfig};
use skillaudit_store::{SqliteStore, Store};
use skillaudit_testgit::{entries, noise, symlink, wait_until, Mode, Repos, Server};

const DOCKERFILE: &[u8] =
    b"FROM ubuntu:latest\nRUN curl -fsSL https://example.invalid/install.sh | sh\nCMD [\"server\"]\n";
const COMPOSE: &[u8] = b"services:\n  app:\n    build: .\n    privileged: true\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n    environment:\n      API_TOKEN: ghp_R2d2C3poR2d2C3poR2d2C3poR2d2C3po1234\n";

fn client() -> IpAddr {
    "198.51.100.7".parse().unwrap()
}

/// A service allowed to fetch exactly this loopback server over http, its
/// checkouts in `work`, no rate limit.
fn config(server: &Server, work: &Path) -> ServiceConfig {
    let mut policy = FetchPolicy::none()
        .allow(AllowedHost::explicit(&server.host()).unwrap().allow_http())
        .timeout(Duration::from_secs(60));
    policy.work_dir = Some(work.to_path_buf());
    ServiceConfig {
        workers: 2,
        queue_capacity: 8,
        policy,
        rate: RateLimit {
            per_minute: 0,
            burst: 0,
        },
        ..ServiceConfig::default()
    }
}

fn start(config: ServiceConfig) -> (AuditService, Arc<dyn Store>) {
    let store: Arc<dyn Store> = Arc::new(SqliteStore::in_memory().unwrap());
    (AuditService::start(config, Arc::clone(&store)), store)
}

/// Wait for the job to finish (Done or Failed).
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

fn wait_running(service: &AuditService, job: &JobId) {
    assert!(
        wait_until(Duration::from_secs(30), || service.job(job)
            == Some(JobStatus::Running)),
        "{:?}",
        service.job(job)
    );
}

fn work_dir(repos: &Repos) -> PathBuf {
    repos.scratch("work")
}

#[test]
fn audits_a_repository_and_stores_the_findings_the_cli_would_report() {
    let repos = Repos::new();
    let files: &[(&str, &[u8])] = &[
        ("Dockerfile", DOCKERFILE),
        ("compose.yaml", COMPOSE),
        ("README.md", b"# app\n"),
        // Someone else's configuration: not read by the service.
        (
            "skillaudit.toml",
            b"disable = [\"privileged-container\", \"missing-user\"]\n",
        ),
    ];
    let head = repos.add("app", files);
    let server = repos.serve();
    let work = work_dir(&repos);
    let (service, store) = start(config(&server, &work));

    let submitted = service.submit(&server.url("/app.git"), client()).unwrap();
    assert!(!submitted.joined);
    assert_eq!(submitted.job.0.len(), 32);
    assert!(submitted.job.0.bytes().all(|b| b.is_ascii_hexdigit()));
    let JobStatus::Done { audit, reused } = finished(&service, &submitted.job) else {
        panic!("{:?}", service.job(&submitted.job))
    };
    assert!(!reused);
    let stored = store.audit(audit).unwrap().unwrap();
    let source = format!("http://{}/app", server.host());
    assert_eq!(stored.summary.source, source);
    assert_eq!(stored.summary.commit.as_deref(), Some(head.as_str()));
    assert_eq!(stored.summary.tool_version, skillaudit_store::TOOL_VERSION);

    // The same findings as a local scan of the same files without a config.
    let local = tempfile::tempdir().unwrap();
    for (path, content) in files {
        std::fs::write(local.path().join(path), content).unwrap();
    }
    let expected = skillaudit_engine::scan(&skillaudit_engine::ScanOptions {
        targets: vec![local.path().to_string_lossy().into_owned()],
        ..Default::default()
    })
    .unwrap();
    let got: Vec<(String, String, u32, u32)> = stored
        .findings
        .iter()
        .map(|f| (f.rule.clone(), f.path.clone(), f.line, f.column))
        .collect();
    let want: Vec<(String, String, u32, u32)> = expected
        .findings
        .iter()
        .map(|s| {
            (
                s.finding.rule.id.to_string(),
                s.path.clone(),
                s.start.line,
                s.start.column,
            )
        })
        .collect();
    assert_eq!(got, want);
    for rule in [
        "privileged-container",
        "missing-user",
        "remote-script-execution",
        "docker-socket-mount",
    ] {
        assert!(got.iter().any(|g| g.0 == rule), "{rule} missing: {got:?}");
    }
    assert_eq!(stored.summary.grade, expected.grade);
    // Snippets are stored, the token masked.
    let privileged = stored
        .findings
        .iter()
        .find(|f| f.rule == "privileged-container")
        .unwrap();
    assert!(privileged
        .snippet
        .iter()
        .any(|l| l.text.contains("privileged: true")));
    let all = serde_json::to_string(&stored).unwrap();
    assert!(
        !all.contains("ghp_R2d2C3poR2d2C3poR2d2C3poR2d2C3po1234"),
        "{all}"
    );
    // The checkout is gone.
    assert!(entries(&work).is_empty(), "{:?}", entries(&work));
    assert_eq!(server.fetches(), 1);
    // The latest audit of the repository is this one (the badge).
    assert_eq!(store.latest_for_source(&source).unwrap().unwrap().id, audit);
    assert_eq!(service.job(&JobId("0".repeat(32))), None);
    service.shutdown();
}

#[test]
fn identical_submissions_share_one_job_and_one_clone_and_a_known_commit_is_not_cloned_again() {
    let repos = Repos::new();
    let head = repos.add("app", &[("Dockerfile", DOCKERFILE)]);
    let server = repos.serve();
    let work = work_dir(&repos);
    let mut cfg = config(&server, &work);
    cfg.workers = 1;
    let (service, store) = start(cfg);
    // Audits of this very commit are not reused when another version of
    // skillaudit made them, or when the repository's own comments applied
    // (an audit stored before hosted audits were untrusted).
    let stored = |version: &str, untrusted: bool| {
        store
            .insert_audit(&skillaudit_store::NewAudit {
                source: format!("http://{}/app", server.host()),
                commit: Some(head.clone()),
                started_at: 1,
                finished_at: 2,
                files_scanned: 0,
                score: 100,
                grade: 'A',
                summary: Default::default(),
                tool_version: version.into(),
                findings: Vec::new(),
                notices: Vec::new(),
                incomplete: false,
                repository_ignores: 0,
                omitted: Vec::new(),
                untrusted,
            })
            .unwrap()
    };
    let old = stored("0.0.0-old", true);
    let trusted = stored(skillaudit_store::TOOL_VERSION, false);

    server.pause();
    let first = service.submit(&server.url("/app.git"), client()).unwrap();
    // Other spellings of the same repository join it too.
    let other: IpAddr = "203.0.113.9".parse().unwrap();
    for url in [
        server.url("/app.git"),
        server.url("/app"),
        server.url("/app.git/"),
        format!("HTTP://{}/app.git", server.host()),
    ] {
        let again = service.submit(&url, other).unwrap();
        assert!(again.joined, "{url}");
        assert_eq!(again.job, first.job, "{url}");
    }
    server.resume();
    let JobStatus::Done { audit, reused } = finished(&service, &first.job) else {
        panic!()
    };
    assert!(!reused);
    assert_ne!(audit, old);
    assert_ne!(audit, trusted);
    assert!(store.audit(audit).unwrap().unwrap().summary.untrusted);
    assert_eq!(server.fetches(), 1, "{:?}", server.requests());

    // Finished: a new submission is a new job, served from the store.
    let later = service.submit(&server.url("/app"), client()).unwrap();
    assert!(!later.joined);
    assert_ne!(later.job, first.job);
    assert_eq!(
        finished(&service, &later.job),
        JobStatus::Done {
            audit,
            reused: true
        }
    );
    assert_eq!(server.fetches(), 1, "the same commit was cloned again");
    assert_eq!(
        store
            .audits(skillaudit_store::Page::first(10))
            .unwrap()
            .len(),
        3
    );

    // A new commit is audited again.
    let next = repos.commit("app", &[("compose.yaml", COMPOSE)]);
    let third = service.submit(&server.url("/app.git"), client()).unwrap();
    let JobStatus::Done {
        audit: audit3,
        reused,
    } = finished(&service, &third.job)
    else {
        panic!()
    };
    assert!(!reused);
    assert_ne!(audit3, audit);
    assert_eq!(server.fetches(), 2);
    let stored = store.audit(audit3).unwrap().unwrap();
    assert_eq!(stored.summary.commit.as_deref(), Some(next.as_str()));
    assert!(stored.findings.iter().any(|f| f.path == "compose.yaml"));
    assert!(entries(&work).is_empty());
    service.shutdown();
}

#[test]
fn the_rate_limit_refuses_with_a_retry_after_per_client() {
    let repos = Repos::new();
    repos.add("a", &[("Dockerfile", DOCKERFILE)]);
    repos.add("b", &[("Dockerfile", DOCKERFILE)]);
    repos.add("c", &[("Dockerfile", DOCKERFILE)]);
    let server = repos.serve();
    let work = work_dir(&repos);
    let mut cfg = config(&server, &work);
    cfg.rate = RateLimit {
        per_minute: 2,
        burst: 2,
    };
    let (service, _store) = start(cfg);
    let v6a: IpAddr = "2001:db8:5:6::1".parse().unwrap();
    let v6b: IpAddr = "2001:db8:5:6:ffff::2".parse().unwrap();
    let v6c: IpAddr = "2001:db8:5:7::1".parse().unwrap();

    let a = service.submit(&server.url("/a.git"), v6a).unwrap();
    service.submit(&server.url("/b.git"), v6b).unwrap();
    // Third from the same /64: refused, one token every 30 s.
    match service.submit(&server.url("/c.git"), v6a) {
        Err(Refused::RateLimited { retry_after }) => {
            assert!(
                retry_after > Duration::from_secs(20) && retry_after <= Duration::from_secs(30),
                "{retry_after:?}"
            );
            let message = Refused::RateLimited { retry_after }.to_string();
            assert!(message.contains("try again in"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    // Another /64 and an IPv4 client are not limited by it.
    service.submit(&server.url("/c.git"), v6c).unwrap();
    service.submit(&server.url("/a.git"), client()).unwrap();
    // A bad URL is refused as such, before the rate limit is looked at.
    assert!(matches!(
        service.submit("file:///etc", v6a),
        Err(Refused::Url(_))
    ));
    assert!(matches!(finished(&service, &a.job), JobStatus::Done { .. }));
    service.shutdown();
}

#[test]
fn a_full_queue_refuses_with_busy_and_joining_still_works() {
    let repos = Repos::new();
    for name in ["a", "b", "c"] {
        repos.add(name, &[("Dockerfile", DOCKERFILE)]);
    }
    let server = repos.serve();
    let work = work_dir(&repos);
    let mut cfg = config(&server, &work);
    cfg.workers = 1;
    cfg.queue_capacity = 1;
    let (service, _store) = start(cfg);

    server.pause();
    let a = service.submit(&server.url("/a.git"), client()).unwrap();
    wait_running(&service, &a.job);
    let b = service.submit(&server.url("/b.git"), client()).unwrap();
    assert_eq!(service.job(&b.job), Some(JobStatus::Queued { position: 1 }));
    assert_eq!(service.queued(), 1);
    match service.submit(&server.url("/c.git"), client()) {
        Err(Refused::Busy { retry_after }) => {
            assert!(retry_after >= Duration::from_secs(1), "{retry_after:?}")
        }
        other => panic!("{other:?}"),
    }
    // A repository already queued or running is joined, full queue or not.
    assert_eq!(
        service.submit(&server.url("/b.git"), client()).unwrap().job,
        b.job
    );
    assert_eq!(
        service.submit(&server.url("/a.git"), client()).unwrap().job,
        a.job
    );
    server.resume();
    assert!(matches!(finished(&service, &a.job), JobStatus::Done { .. }));
    assert!(matches!(finished(&service, &b.job), JobStatus::Done { .. }));
    // Room again.
    let c = service.submit(&server.url("/c.git"), client()).unwrap();
    assert!(matches!(finished(&service, &c.job), JobStatus::Done { .. }));
    service.shutdown();
}

#[test]
fn refused_urls_fail_fast_in_submit_and_never_reach_the_server() {
    let repos = Repos::new();
    repos.add("app", &[("Dockerfile", DOCKERFILE)]);
    let server = repos.serve();
    let host = server.host();
    let port = server.addr.port();
    let work = work_dir(&repos);
    // The loopback server is allowed over https only, and as a host whose
    // private addresses are not allowed.
    let mut policy = FetchPolicy::none()
        .allow(AllowedHost::explicit(&host).unwrap())
        .allow(
            AllowedHost::explicit(&format!("localhost:{port}"))
                .unwrap()
                .allow_http()
                .allow_private(false),
        )
        .allow(
            AllowedHost::explicit(&format!("[::1]:{port}"))
                .unwrap()
                .allow_private(false),
        );
    policy.work_dir = Some(work.clone());
    let cfg = ServiceConfig {
        policy,
        ..config(&server, &work)
    };
    let (service, _store) = start(cfg);
    let bare = repos.root().join("app.git");
    let bare = bare.display();
    let cases = [
        format!("http://{host}/app.git"),
        "http://github.com/o/r".to_string(),
        "https://evil.example/app.git".to_string(),
        format!("https://127.0.0.2:{port}/app.git"),
        format!("http://localhost:{port}/app.git"),
        format!("https://[::1]:{port}/app.git"),
        format!("file://{bare}"),
        bare.to_string(),
        format!("ext::sh -c touch% {bare}/pwned"),
        format!("ext::git%20--git-dir={bare}%20upload-pack%20%s"),
        "git@127.0.0.1:app.git".to_string(),
        "127.0.0.1:app.git".to_string(),
        format!("ssh://{host}/app.git"),
        format!("https://user:hunter2@{host}/app.git"),
        format!("--upload-pack=touch {bare}/pwned"),
        format!("https://{host}/app.git?x=1"),
        String::new(),
    ];
    for url in &cases {
        match service.submit(url, client()) {
            Err(Refused::Url(reason)) => {
                assert!(!reason.is_empty(), "{url}");
                assert!(!reason.contains("hunter2"), "{reason}");
            }
            other => panic!("{url}: {other:?}"),
        }
    }
    assert_eq!(service.queued(), 0);
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(server.connections(), 0, "a refused URL reached the server");
    assert!(!repos.root().join("app.git/pwned").exists());
    assert!(entries(&work).is_empty());
    service.shutdown();
}

#[test]
fn an_oversized_repository_and_a_hanging_server_fail_with_a_reason_and_leave_nothing() {
    let repos = Repos::new();
    let big = noise(3 << 20);
    repos.add("big", &[("Dockerfile", DOCKERFILE), ("blob.bin", &big)]);
    let server = repos.serve();
    let hang = Server::start(Mode::Hang);
    let work = work_dir(&repos);
    let mut cfg = config(&server, &work);
    cfg.policy = cfg
        .policy
        .allow(AllowedHost::explicit(&hang.host()).unwrap().allow_http())
        .max_bytes(1 << 20)
        .timeout(Duration::from_secs(2));
    let (service, store) = start(cfg);

    let big = service.submit(&server.url("/big.git"), client()).unwrap();
    let hung = service.submit(&hang.url("/app.git"), client()).unwrap();
    let JobStatus::Failed { reason } = finished(&service, &big.job) else {
        panic!("{:?}", service.job(&big.job))
    };
    assert!(reason.contains("larger than the limit"), "{reason}");
    let JobStatus::Failed {
        reason: hung_reason,
    } = finished(&service, &hung.job)
    else {
        panic!("{:?}", service.job(&hung.job))
    };
    assert!(hung_reason.contains("longer than 2s"), "{hung_reason}");
    for r in [&reason, &hung_reason] {
        assert!(
            !r.contains(&work.display().to_string()) && !r.contains("/tmp"),
            "{r}"
        );
    }
    assert!(hang.connections() >= 1);
    assert!(
        wait_until(Duration::from_secs(5), || hang.client_closed()),
        "git's connection to the hanging server is still open"
    );
    assert!(entries(&work).is_empty(), "{:?}", entries(&work));
    assert!(store
        .audits(skillaudit_store::Page::first(10))
        .unwrap()
        .is_empty());
    // A failed job can be submitted again (it is not in flight any more).
    let again = service.submit(&server.url("/big.git"), client()).unwrap();
    assert!(!again.joined);
    assert_ne!(again.job, big.job);
    service.shutdown();
}

#[test]
fn a_symlinked_dockerfile_to_etc_passwd_leaks_nothing_into_the_stored_audit() {
    let repos = Repos::new();
    repos.add(
        "links",
        &[
            ("Dockerfile", &symlink("/etc/passwd")),
            (
                "compose.yaml",
                &symlink("../../../../../../../../etc/passwd"),
            ),
            ("deploy/Dockerfile", &symlink("/etc/passwd")),
            ("ok/Dockerfile", b"FROM alpine:3.20\nUSER 1000\n"),
        ],
    );
    let server = repos.serve();
    let work = work_dir(&repos);
    let (service, store) = start(config(&server, &work));
    let job = service.submit(&server.url("/links.git"), client()).unwrap();
    let JobStatus::Done { audit, .. } = finished(&service, &job.job) else {
        panic!("{:?}", service.job(&job.job))
    };
    let stored = store.audit(audit).unwrap().unwrap();
    let all = serde_json::to_string(&stored).unwrap();
    assert!(!all.contains("root:"), "{all}");
    assert!(!all.contains("/bin/"), "{all}");
    assert!(!all.contains(&work.display().to_string()), "{all}");
    assert!(
        stored.findings.iter().all(|f| f.path == "ok/Dockerfile"),
        "{all}"
    );
    let skipped: Vec<&str> = stored
        .notices
        .iter()
        .filter(|n| n.message.contains("outside"))
        .map(|n| n.path.as_str())
        .collect();
    assert!(
        skipped.contains(&"Dockerfile") && skipped.contains(&"compose.yaml"),
        "{skipped:?}"
    );
    assert!(entries(&work).is_empty());
    service.shutdown();
}

#[test]
fn finished_jobs_past_the_memory_bound_are_read_back_from_the_store() {
    let repos = Repos::new();
    repos.add("a", &[("Dockerfile", DOCKERFILE)]);
    repos.add("b", &[("Dockerfile", DOCKERFILE)]);
    repos.add_empty("empty");
    let server = repos.serve();
    let work = work_dir(&repos);
    let mut cfg = config(&server, &work);
    cfg.workers = 1;
    cfg.finished_jobs_kept = 1;
    let (service, store) = start(cfg);
    let a = service.submit(&server.url("/a.git"), client()).unwrap();
    let JobStatus::Done { audit, .. } = finished(&service, &a.job) else {
        panic!()
    };
    let b = service.submit(&server.url("/b.git"), client()).unwrap();
    finished(&service, &b.job);
    // Out of memory (the bound is one job), still in the store.
    assert_eq!(
        service.job(&a.job),
        Some(JobStatus::Done {
            audit,
            reused: false
        })
    );
    let info = service.job_info(&a.job).unwrap();
    assert_eq!(info.source, format!("http://{}/a", server.host()));
    assert!(info.started_at.is_some() && info.finished_at >= info.started_at);
    assert!(store.audit(audit).unwrap().is_some());
    // An empty repository fails with a reason, not a panic.
    let e = service.submit(&server.url("/empty.git"), client()).unwrap();
    let JobStatus::Failed { reason } = finished(&service, &e.job) else {
        panic!()
    };
    assert!(reason.contains("empty"), "{reason}");
    assert!(matches!(service.job(&b.job), Some(JobStatus::Done { .. })));
    service.shutdown();
}

#[test]
fn shutdown_fails_queued_jobs_lets_running_ones_finish_and_refuses_new_ones() {
    let repos = Repos::new();
    repos.add("a", &[("Dockerfile", DOCKERFILE)]);
    repos.add("b", &[("Dockerfile", DOCKERFILE)]);
    let server = repos.serve();
    let work = work_dir(&repos);
    let mut cfg = config(&server, &work);
    cfg.workers = 1;
    let (service, _store) = start(cfg);
    server.pause();
    let a = service.submit(&server.url("/a.git"), client()).unwrap();
    wait_running(&service, &a.job);
    let b = service.submit(&server.url("/b.git"), client()).unwrap();

    let s = service.clone();
    let stopping = std::thread::spawn(move || s.shutdown());
    assert!(wait_until(Duration::from_secs(10), || matches!(
        service.job(&b.job),
        Some(JobStatus::Failed { .. })
    )));
    assert_eq!(
        service.submit(&server.url("/a.git"), client()),
        Err(Refused::ShuttingDown)
    );
    assert_eq!(service.job(&a.job), Some(JobStatus::Running));
    assert!(
        !stopping.is_finished(),
        "shutdown did not wait for the running audit"
    );
    server.resume();
    stopping.join().unwrap();
    assert!(matches!(service.job(&a.job), Some(JobStatus::Done { .. })));
    // Again: nothing to do.
    service.shutdown();
    assert!(entries(&work).is_empty());
}

#[test]
fn job_statuses_survive_a_restart_and_unfinished_jobs_fail_with_a_reason() {
    let repos = Repos::new();
    repos.add("a", &[("Dockerfile", DOCKERFILE)]);
    repos.add("b", &[("Dockerfile", DOCKERFILE)]);
    let server = repos.serve();
    let work = work_dir(&repos);
    let db = repos.scratch("db").join("audits.db");
    let open = || -> Arc<dyn Store> { Arc::new(SqliteStore::open(&db).unwrap()) };
    let mut cfg = config(&server, &work);
    cfg.workers = 1;

    let first = AuditService::start(cfg.clone(), open());
    let a = first.submit(&server.url("/a.git"), client()).unwrap();
    let JobStatus::Done { audit, .. } = finished(&first, &a.job) else {
        panic!()
    };
    // A job left running when the process stops (the server holds the clone).
    server.pause();
    let b = first.submit(&server.url("/b.git"), client()).unwrap();
    wait_running(&first, &b.job);
    let store = open();
    assert_eq!(
        store.job(&b.job.0).unwrap().unwrap().state,
        skillaudit_store::JobState::Running
    );
    drop(store);

    // A new process on the same database.
    let second = AuditService::start(cfg, open());
    assert_eq!(
        second.job(&a.job),
        Some(JobStatus::Done {
            audit,
            reused: false
        })
    );
    assert_eq!(
        second.job(&b.job),
        Some(JobStatus::Failed {
            reason: skillaudit_service::RESTART_REASON.into()
        })
    );
    server.resume();
    first.shutdown();
    second.shutdown();
}

#[test]
fn findings_are_stored_up_to_the_caps_and_the_rest_counted() {
    let repos = Repos::new();
    let mut compose = String::from("services:\n");
    for i in 0..300 {
        compose.push_str(&format!(
            "  s{i}:\n    image: nginx\n    privileged: true\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n"
        ));
    }
    repos.add("many", &[("compose.yaml", compose.as_bytes())]);
    let server = repos.serve();
    let work = work_dir(&repos);
    let mut cfg = config(&server, &work);
    cfg.caps = skillaudit_store::Caps {
        per_rule_and_file: 20,
        total: 100,
    };
    let (service, store) = start(cfg);
    let job = service.submit(&server.url("/many.git"), client()).unwrap();
    let JobStatus::Done { audit, .. } = finished(&service, &job.job) else {
        panic!("{:?}", service.job(&job.job))
    };
    let a = store.audit(audit).unwrap().unwrap();
    let counted = a.summary.summary.total();
    assert!(counted >= 300 * 2, "{counted}");
    assert_eq!(a.findings.len(), 100);
    assert_eq!(
        a.findings.len() as u64 + a.summary.omitted_findings,
        counted
    );
    assert_eq!(
        a.omitted.iter().map(|o| o.count).sum::<u64>(),
        a.summary.omitted_findings
    );
    let mut per_rule = std::collections::HashMap::new();
    for f in &a.findings {
        *per_rule.entry(f.rule.as_str()).or_insert(0) += 1;
    }
    assert!(per_rule.values().all(|&n| n <= 20), "{per_rule:?}");
    // The most severe are kept first: both socket and privileged rules in full.
    assert_eq!(
        per_rule.get("privileged-container"),
        Some(&20),
        "{per_rule:?}"
    );
    assert_eq!(
        per_rule.get("docker-socket-mount"),
        Some(&20),
        "{per_rule:?}"
    );
    assert!(!per_rule.contains_key("missing-pids-limit"), "{per_rule:?}");
    // The corpus view counts every finding, stored or not.
    let stats = store.corpus_stats().unwrap();
    let privileged = stats
        .rules
        .iter()
        .find(|r| r.rule == "privileged-container")
        .unwrap();
    assert_eq!(privileged.findings, 300);
    assert_eq!(privileged.repositories, 1);
    service.shutdown();
}
