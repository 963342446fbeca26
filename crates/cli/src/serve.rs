//! `skillaudit serve`: the hosted audit service (crates/web). The tokio
//! runtime is built here, only for this command.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use skillaudit_engine::fetch::{AllowedHost, FetchPolicy};
use skillaudit_engine::DEFAULT_MAX_FILE_SIZE;
use skillaudit_service::{AuditService, RateLimit, ServiceConfig};
use skillaudit_web::{App, WebConfig};

#[derive(clap::Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0: any free port; the chosen address is printed).
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    bind: String,
    /// The audit database: a SQLite file (created when missing), or a
    /// postgres://USER:PASSWORD@HOST:PORT/DB URL whose queue and rate limit
    /// are shared by every `serve` and `worker` using it.
    #[arg(long, default_value = "skillaudit.db", value_name = "PATH|URL")]
    db: String,
    /// Audits that run at the same time.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..=64))]
    workers: u64,
    /// Audits that may wait for a worker; more are refused with 503.
    #[arg(long, default_value_t = 64, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=100_000))]
    queue: u64,
    /// Also allow repositories from HOST or HOST:PORT (repeatable); by
    /// default only github.com, gitlab.com and codeberg.org over https.
    #[arg(long = "allow-host", value_name = "HOST[:PORT]")]
    allow_host: Vec<String>,
    /// Accept plain http:// for the --allow-host hosts (test servers only).
    #[arg(long)]
    allow_http: bool,
    /// Let the --allow-host hosts resolve to loopback or private addresses.
    #[arg(long)]
    allow_private: bool,
    /// Audits one client address may submit per minute (0: no limit), e.g. `10/min`.
    #[arg(long, default_value = "10/min", value_name = "N/min", value_parser = parse_rate)]
    rate_limit: u32,
    /// Submissions a client may make at once before the per-minute rate applies [default: the per-minute rate, at most 5].
    #[arg(long, value_name = "N")]
    rate_burst: Option<u32>,
    /// Take the client address for the rate limit from X-Forwarded-For (only behind a proxy that sets it).
    #[arg(long)]
    trust_forwarded_for: bool,
    /// Time limit of one clone, in seconds.
    #[arg(long, default_value_t = 120, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    fetch_timeout: u64,
    /// Largest checkout (working tree and .git), in MiB.
    #[arg(long, default_value_t = 200, value_name = "MIB", value_parser = clap::value_parser!(u64).range(1..=1 << 20))]
    max_repo_size: u64,
    /// Skip files larger than this many MiB (the audit is then marked incomplete).
    #[arg(long, value_name = "MIB", default_value_t = DEFAULT_MAX_FILE_SIZE >> 20, value_parser = clap::value_parser!(u64).range(1..=1 << 20))]
    max_file_size: u64,
    /// Time limit of one audit's scan, in seconds (the job fails past it).
    #[arg(long, default_value_t = 60, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    scan_timeout: u64,
    /// With PostgreSQL: seconds a running job's lease lasts without renewal
    /// (renewed every third of it); a stopped instance's jobs run again
    /// elsewhere this long after it died.
    #[arg(long, default_value_t = 30, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    lease: u64,
    /// The address this service is reached at (https://audit.example), for
    /// absolute URLs in badge snippets.
    #[arg(long, value_name = "URL", value_parser = parse_public_url)]
    public_url: Option<String>,
}

/// An http(s) URL without query or fragment; a trailing `/` is dropped.
fn parse_public_url(s: &str) -> Result<String, String> {
    let ok = (s.starts_with("https://") || s.starts_with("http://"))
        && s.len() > "https://".len()
        && !s.contains(['?', '#', '"', '<', '>', ' ', '\\'])
        && !s.chars().any(char::is_control);
    if ok {
        Ok(s.trim_end_matches('/').to_string())
    } else {
        Err(format!(
            "expected an http(s) URL like https://audit.example, got {s:?}"
        ))
    }
}

/// `N/min`, `N/m` or plain `N`.
fn parse_rate(s: &str) -> Result<u32, String> {
    let n = s
        .strip_suffix("/min")
        .or_else(|| s.strip_suffix("/m"))
        .unwrap_or(s);
    n.trim()
        .parse::<u32>()
        .map_err(|_| format!("expected a number of audits per minute like `10/min`, got {s:?}"))
}

fn policy(args: &ServeArgs) -> Result<FetchPolicy, String> {
    let mut policy = FetchPolicy::default()
        .timeout(Duration::from_secs(args.fetch_timeout))
        .max_bytes(args.max_repo_size << 20);
    for spec in &args.allow_host {
        let mut host = AllowedHost::explicit(spec)
            .map_err(|e| format!("--allow-host {spec}: {e}"))?
            .allow_private(args.allow_private);
        if args.allow_http {
            host = host.allow_http();
        }
        policy = policy.allow(host);
    }
    Ok(policy)
}

pub fn run(args: ServeArgs) -> ExitCode {
    let policy = match policy(&args) {
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
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the server's runtime: {e}");
            return ExitCode::from(2);
        }
    };
    let config = service_config(&args, policy);
    let web = WebConfig {
        trust_forwarded_for: args.trust_forwarded_for,
        public_url: args.public_url.clone(),
        ..WebConfig::default()
    };
    runtime.block_on(serve(&args.bind, config, store, web))
}

/// The audit service's settings from the command line.
fn service_config(args: &ServeArgs, policy: FetchPolicy) -> ServiceConfig {
    ServiceConfig {
        workers: args.workers as usize,
        queue_capacity: args.queue as usize,
        policy,
        rate: RateLimit {
            per_minute: args.rate_limit,
            burst: args
                .rate_burst
                .unwrap_or(args.rate_limit.clamp(1, 5))
                .max(1),
        },
        max_file_size: args.max_file_size << 20,
        scan_timeout: Duration::from_secs(args.scan_timeout),
        lease: Duration::from_secs(args.lease),
        ..ServiceConfig::default()
    }
}

/// Listen on `bind`, start the audit workers and serve the web pages until
/// a shutdown signal.
async fn serve(
    bind: &str,
    config: ServiceConfig,
    store: Arc<dyn skillaudit_store::Store>,
    web: WebConfig,
) -> ExitCode {
    let listener = match tokio::net::TcpListener::bind(bind).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: cannot listen on {bind}: {e}");
            return ExitCode::from(2);
        }
    };
    match listener.local_addr() {
        Ok(addr) => eprintln!("listening on http://{addr}"),
        Err(e) => {
            eprintln!("error: cannot listen on {bind}: {e}");
            return ExitCode::from(2);
        }
    }
    // Starting reaches the store (PostgreSQL's client blocks): off
    // the runtime's threads.
    let service =
        match tokio::task::spawn_blocking(move || AuditService::start(config, store)).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error: cannot start the audit workers: {e}");
                return ExitCode::from(2);
            }
        };
    match skillaudit_web::serve(listener, App::new(service, web), shutdown_signal()).await {
        Ok(()) => {
            eprintln!("stopped");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: the server stopped: {e}");
            ExitCode::from(1)
        }
    }
}

/// Ctrl-C, or SIGTERM on Unix.
pub(crate) async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    eprintln!("shutting down");
}

#[cfg(test)]
mod tests {
    use super::{parse_public_url, parse_rate};

    #[test]
    fn public_urls() {
        assert_eq!(
            parse_public_url("https://audit.example/").as_deref(),
            Ok("https://audit.example")
        );
        assert!(parse_public_url("audit.example").is_err());
        assert!(parse_public_url("https://a.example/\"><x").is_err());
        assert!(parse_public_url("https://a.example/?q").is_err());
    }

    #[test]
    fn rates() {
        assert_eq!(parse_rate("10/min"), Ok(10));
        assert_eq!(parse_rate("0"), Ok(0));
        assert_eq!(parse_rate("3/m"), Ok(3));
        assert!(parse_rate("ten").is_err());
        assert!(parse_rate("-1/min").is_err());
    }
}
