//! `skillaudit worker`: audit workers without HTTP, on the shared queue of
//! a PostgreSQL store (the same `AuditService` as `serve`, never
//! submitting). Any number of them, on any machines, drain the jobs that
//! `serve` instances and `corpus --enqueue` queue.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use skillaudit_engine::DEFAULT_MAX_FILE_SIZE;
use skillaudit_service::{AuditService, ServiceConfig};

use crate::fetch_args::FetchArgs;

#[derive(clap::Args)]
pub struct WorkerArgs {
    /// The PostgreSQL database holding the queue: postgres://USER:PASSWORD@HOST:PORT/DB.
    #[arg(long, value_name = "URL")]
    db: String,
    /// Audits that run at the same time in this process.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..=64))]
    workers: u64,
    #[command(flatten)]
    fetch: FetchArgs,
    /// Skip files larger than this many MiB (the audit is then marked incomplete).
    #[arg(long, value_name = "MIB", default_value_t = DEFAULT_MAX_FILE_SIZE >> 20, value_parser = clap::value_parser!(u64).range(1..=1 << 20))]
    max_file_size: u64,
    /// Time limit of one audit's scan, in seconds (the job fails past it).
    #[arg(long, default_value_t = 60, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    scan_timeout: u64,
    /// Seconds a running job's lease lasts without renewal (renewed every
    /// third of it); this worker's jobs run again elsewhere this long
    /// after it died.
    #[arg(long, default_value_t = 30, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    lease: u64,
}

pub fn run(args: WorkerArgs) -> ExitCode {
    if !skillaudit_store::is_postgres_url(&args.db) {
        eprintln!("error: a worker takes its jobs from a shared queue: give --db postgres://USER:PASSWORD@HOST:PORT/DB (with SQLite, `skillaudit serve` runs its own workers)");
        return ExitCode::from(2);
    }
    let policy = match args.fetch.policy() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let store: Arc<dyn skillaudit_store::Store> = match skillaudit_store::open(&args.db) {
        Ok(s) => Arc::from(s),
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the signal handler: {e}");
            return ExitCode::from(2);
        }
    };
    let config = ServiceConfig {
        workers: args.workers as usize,
        policy,
        max_file_size: args.max_file_size << 20,
        scan_timeout: Duration::from_secs(args.scan_timeout),
        lease: Duration::from_secs(args.lease),
        ..ServiceConfig::default()
    };
    let service = AuditService::start(config, store);
    eprintln!(
        "worker running: {} audit(s) at a time on {}",
        service.workers(),
        skillaudit_store::redact_url(&args.db)
    );
    runtime.block_on(crate::serve::shutdown_signal());
    service.shutdown();
    eprintln!("stopped");
    ExitCode::SUCCESS
}
