//! Audits per minute of the hosted audit's queue (issue 18), against
//! loopback git repositories: with PostgreSQL, 1, 2 and 4 services of one
//! worker each on one database (as many `skillaudit worker` processes
//! would: each claims with `SKIP LOCKED` and keeps its own leases), and
//! with SQLite, one service with 1, 2 and 4 workers (its in-process queue).
//! Not a timed test: `bench/workers.sh` runs it (`cargo bench -p
//! skillaudit-service --bench throughput`, under `.ci/with-postgres`) and
//! docs/PERFORMANCE.md has the figures.
//!
//! Knobs: `BENCH_REPOS` (repositories per run, default 40),
//! `BENCH_WORKERS` (default `1,2,4`). Without `SKILLAUDIT_TEST_POSTGRES`
//! the PostgreSQL rows are skipped, and say so.

use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use skillaudit_engine::fetch::{AllowedHost, FetchPolicy};
use skillaudit_service::{AuditService, JobId, JobStatus, RateLimit, ServiceConfig};
use skillaudit_store::testing::{TestDb, URL_VAR};
use skillaudit_store::{PostgresStore, SqliteStore, Store};
use skillaudit_testgit::{wait_until, Repos, Server};

const COMPOSE: &[u8] = include_bytes!("../../../examples/vulnerable-mcp-server/compose.yaml");
const DOCKERFILE: &[u8] = include_bytes!("../../../examples/vulnerable-mcp-server/Dockerfile");
const RUN_SH: &[u8] = include_bytes!("../../../examples/vulnerable-mcp-server/run.sh");

/// A small MCP server's source: tools that run commands and fetch URLs.
fn server_js(n: usize) -> Vec<u8> {
    let mut s = String::from(
        "const { execSync } = require('child_process');\nconst server = require('./mcp');\n",
    );
    for t in 0..20 {
        s.push_str(&format!(
            "server.tool('tool{t}_{n}', async ({{ name, url }}) => {{\n  const out = execSync('git log ' + name);\n  const res = await fetch(url);\n  return {{ content: [{{ type: 'text', text: String(out) + await res.text() }}] }};\n}});\n"
        ));
    }
    s.into_bytes()
}

fn config(server: &Server, work: &Path, workers: usize) -> ServiceConfig {
    let mut policy = FetchPolicy::none()
        .allow(AllowedHost::explicit(&server.host()).unwrap().allow_http())
        .timeout(Duration::from_secs(120));
    policy.work_dir = Some(work.to_path_buf());
    ServiceConfig {
        workers,
        queue_capacity: 10_000,
        policy,
        rate: RateLimit {
            per_minute: 0,
            burst: 0,
        },
        poll: Duration::from_millis(50),
        ..ServiceConfig::default()
    }
}

fn client() -> IpAddr {
    "198.51.100.1".parse().unwrap()
}

/// Submit every repository through the first service, wait until every
/// job is done; audits per minute.
fn run(services: &[AuditService], server: &Server, repos: usize) -> f64 {
    let started = Instant::now();
    let jobs: Vec<JobId> = (0..repos)
        .map(|n| {
            services[0]
                .submit(&server.url(&format!("/r{n}.git")), client())
                .unwrap()
                .job
        })
        .collect();
    let finished = wait_until(Duration::from_secs(1800), || {
        jobs.iter().all(|j| {
            matches!(
                services[0].job(j),
                Some(JobStatus::Done { .. } | JobStatus::Failed { .. })
            )
        })
    });
    let elapsed = started.elapsed();
    assert!(finished, "the audits did not finish in 30 minutes");
    for j in &jobs {
        if let Some(JobStatus::Failed { reason }) = services[0].job(j) {
            panic!("job {} failed: {reason}", j.0);
        }
    }
    repos as f64 * 60.0 / elapsed.as_secs_f64()
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is understood.
    let repos: usize = std::env::var("BENCH_REPOS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40);
    let counts: Vec<usize> = std::env::var("BENCH_WORKERS")
        .unwrap_or_else(|_| "1,2,4".into())
        .split(',')
        .filter_map(|v| v.trim().parse().ok())
        .collect();
    let fixture = Repos::new();
    for n in 0..repos {
        let js = server_js(n);
        fixture.add(
            &format!("r{n}"),
            &[
                ("compose.yaml", COMPOSE),
                ("Dockerfile", DOCKERFILE),
                ("run.sh", RUN_SH),
                ("src/server.js", &js),
            ],
        );
    }
    let server = fixture.serve();
    let work = fixture.scratch("work");
    let postgres = std::env::var(URL_VAR).is_ok();
    println!("backend\tworkers\trepositories\taudits_per_minute");
    for &workers in &counts {
        // SQLite: one process, its in-process queue.
        let dir = tempfile::tempdir().unwrap();
        let sqlite: Arc<dyn Store> = Arc::new(SqliteStore::open(&dir.path().join("b.db")).unwrap());
        let service = AuditService::start(config(&server, &work, workers), sqlite);
        let rate = run(std::slice::from_ref(&service), &server, repos);
        service.shutdown();
        println!("sqlite\t{workers}\t{repos}\t{rate:.1}");
        // PostgreSQL: `workers` instances of one worker on a fresh database.
        if !postgres {
            eprintln!("SKIPPED PostgreSQL rows: {URL_VAR} is not set (bench/workers.sh sets it)");
            continue;
        }
        let db = TestDb::create("throughput").expect("a PostgreSQL test server");
        let services: Vec<AuditService> = (0..workers)
            .map(|_| {
                let store: Arc<dyn Store> = Arc::new(PostgresStore::open(db.url()).unwrap());
                AuditService::start(config(&server, &work, 1), store)
            })
            .collect();
        let rate = run(&services, &server, repos);
        for s in &services {
            s.shutdown();
        }
        println!("postgres\t{workers}\t{repos}\t{rate:.1}");
    }
}
