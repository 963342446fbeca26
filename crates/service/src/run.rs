//! One audit: the remote head, the store, or a clone and a bounded scan.
//!
//! **The scan's time limit** (`ServiceConfig::scan_timeout`) is a
//! [`Deadline`] that the pipeline checks between files and between stages
//! (`skillaudit_engine::ScanOptions::deadline`; the source-code stages
//! check the same one), and the scan runs on a thread of its own that the
//! worker waits for at most until the limit. So a scan that reaches the
//! deadline stops cleanly at its next check and frees its memory, and the
//! worker is free at the limit even when one file's work (bounded by the
//! parsers' own limits) runs past it: the job fails at the limit, the
//! scan thread finishes that file, notices the deadline and ends,
//! deleting its checkout. In-process rather than a subprocess: no binary
//! to locate or serialise results through, the audit stays one Rust call,
//! and the overrun past the limit is bounded by the per-file limits.

use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use skillaudit_engine::fetch::{self, FetchError};
use skillaudit_engine::{Deadline, ScanOptions, Trust, TIME_LIMIT_MESSAGE};
use skillaudit_store::{now_ms, AuditId, NewAudit, Store, TOOL_VERSION};

use crate::tree::{self, Tree};
use crate::ServiceConfig;

/// After the deadline, how long the worker still waits for the scan to
/// notice it and end by itself (so a normal time-out reports the engine's
/// own stop, and the thread is gone).
const GRACE: Duration = Duration::from_millis(500);

/// Why an audit could not be made.
#[derive(Debug)]
pub(crate) struct Failure {
    /// For the person who submitted the URL.
    pub reason: String,
    /// A problem on our side (the store, the local disk) that may pass:
    /// with a shared queue the job is tried again (up to
    /// `skillaudit_store::MAX_ATTEMPTS` times).
    pub retry: bool,
}

impl Failure {
    fn fin(reason: String) -> Failure {
        Failure {
            reason,
            retry: false,
        }
    }
}

/// What an audit produced, before it is stored.
pub(crate) enum Prepared {
    /// The store has an audit of this commit made this way already.
    Reused(AuditId),
    /// A new audit to store.
    Scanned(Box<NewAudit>),
}

/// One audit, stored: the remote head, the store, or a clone and a scan.
pub(crate) fn audit(
    config: &ServiceConfig,
    store: &dyn Store,
    url: &str,
    key: &str,
) -> Result<(AuditId, bool), Failure> {
    match prepare(config, store, url, key)? {
        Prepared::Reused(id) => Ok((id, true)),
        Prepared::Scanned(new) => {
            let id = store
                .insert_audit(&new)
                .map_err(|e| store_failure(url, &e))?;
            Ok((id, false))
        }
    }
}

/// One audit up to storing it: the remote head, a stored audit of that
/// commit, or a clone and a bounded scan.
pub(crate) fn prepare(
    config: &ServiceConfig,
    store: &dyn Store,
    url: &str,
    key: &str,
) -> Result<Prepared, Failure> {
    let policy = &config.policy;
    let asked = Instant::now();
    let head = fetch::remote_head(url, policy).map_err(|e| fetch_failure(url, e))?;
    match store.latest_for_commit(key, &head) {
        // Only an audit made the way this service makes them.
        Ok(Some(previous)) if previous.tool_version == TOOL_VERSION && previous.untrusted => {
            return Ok(Prepared::Reused(previous.id));
        }
        Ok(_) => {}
        Err(e) => return Err(store_failure(url, &e)),
    }
    let started = now_ms();
    // The fetch limit covers the head lookup and the clone together.
    let left = policy
        .timeout
        .saturating_sub(asked.elapsed())
        .max(Duration::from_secs(1));
    let checkout =
        fetch::fetch(url, &policy.clone().timeout(left)).map_err(|e| fetch_failure(url, e))?;
    let new = scan_bounded(config, checkout, url, key, started)
        .map_err(|e| Failure::fin(e.to_string()))?;
    Ok(Prepared::Scanned(Box::new(new)))
}

/// Why a checkout could not be scanned; the message is the reason given to
/// the person who submitted the URL (no path of the server in it).
#[derive(Debug, thiserror::Error)]
enum ScanFailure {
    /// The scan reached the service's time limit (this long).
    #[error("the scan took longer than {} s, this service's limit for one audit: the repository is too large or too complex to audit here", crate::whole_seconds(*.0))]
    TimedOut(Duration),
    /// No thread to scan on.
    #[error("the server could not scan this repository (a problem on our side); try again later")]
    NoThread,
    /// The scan panicked, or its thread ended without an answer.
    #[error("internal error while scanning this repository")]
    Internal,
    /// The engine refused the checkout (its message, paths scrubbed).
    #[error("the checkout could not be scanned: {0}")]
    Refused(String),
}

/// Scan the checkout on a thread of its own, as an untrusted repository,
/// within `config.scan_timeout`; the audit to store, its findings capped.
fn scan_bounded(
    config: &ServiceConfig,
    checkout: fetch::Checkout,
    url: &str,
    key: &str,
    started: i64,
) -> Result<NewAudit, ScanFailure> {
    let limit = config.scan_timeout;
    let options = ScanOptions {
        max_file_size: config.max_file_size,
        // Someone else's repository: its comments, configuration and
        // ignore files do not apply, and nobody applies fixes here.
        trust: Trust::Untrusted,
        fix_edits: false,
        deadline: Some(Deadline::after(limit)),
        ..ScanOptions::default()
    };
    let (tx, rx) = mpsc::channel();
    let (url_owned, key_owned, caps) = (url.to_string(), key.to_string(), config.caps);
    let spawned = std::thread::Builder::new()
        .name("audit-scan".into())
        .spawn(move || {
            let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                scan_checkout(
                    &options, limit, checkout, &url_owned, &key_owned, started, caps,
                )
            }))
            .unwrap_or_else(|_| {
                eprintln!("skillaudit service: the scan of {url_owned} panicked");
                Err(ScanFailure::Internal)
            });
            // The worker may have given up waiting: nobody to tell.
            let _ = tx.send(out);
        });
    if let Err(e) = spawned {
        eprintln!("skillaudit service: cannot start a scan thread: {e}");
        return Err(ScanFailure::NoThread);
    }
    match rx.recv_timeout(limit + GRACE) {
        Ok(Ok(new)) => Ok(new),
        Ok(Err(ScanFailure::TimedOut(_))) | Err(mpsc::RecvTimeoutError::Timeout) => {
            eprintln!(
                "skillaudit service: the scan of {url} reached the time limit ({} s)",
                limit.as_secs_f64()
            );
            Err(ScanFailure::TimedOut(limit))
        }
        Ok(Err(other)) => Err(other),
        Err(mpsc::RecvTimeoutError::Disconnected) => Err(ScanFailure::Internal),
    }
}

/// On the scan thread: scan, build the records, delete the checkout
/// ([`tree::scan`]), then scrub the checkout's paths from the records.
/// `limit` is the time limit `options` carry as a deadline.
fn scan_checkout(
    options: &ScanOptions,
    limit: Duration,
    checkout: fetch::Checkout,
    url: &str,
    key: &str,
    started: i64,
    caps: skillaudit_store::Caps,
) -> Result<NewAudit, ScanFailure> {
    let hide = [
        checkout.dir().to_path_buf(),
        checkout.dir().canonicalize().unwrap_or_default(),
    ];
    let mut new =
        tree::scan(Tree::Fetched(checkout), options, key, started, caps).map_err(|e| {
            if options.expired() || e.0 == TIME_LIMIT_MESSAGE {
                return ScanFailure::TimedOut(limit);
            }
            eprintln!("skillaudit service: scan of {url} failed: {}", e.0);
            ScanFailure::Refused(scrub(&e.0, &hide))
        })?;
    scrub_audit(&mut new, &hide);
    Ok(new)
}

fn fetch_failure(url: &str, e: FetchError) -> Failure {
    match e {
        FetchError::Io(detail) => {
            eprintln!("skillaudit service: fetching {url}: {detail}");
            Failure {
                reason: "the server could not fetch this repository (a problem on our side); try again later".into(),
                retry: true,
            }
        }
        other => Failure::fin(other.to_string()),
    }
}

pub(crate) fn store_failure(url: &str, e: &skillaudit_store::StoreError) -> Failure {
    eprintln!("skillaudit service: storing the audit of {url}: {e}");
    Failure {
        reason: "the audit could not be stored (a problem on our side); try again later".into(),
        retry: true,
    }
}

/// `text` with every occurrence of these directories replaced.
fn scrub(text: &str, hide: &[PathBuf]) -> String {
    let mut out = text.to_string();
    for dir in hide.iter().filter(|d| !d.as_os_str().is_empty()) {
        let shown = dir.display().to_string();
        if out.contains(&shown) {
            out = out.replace(&shown, "<checkout>");
        }
    }
    out
}

/// No path of the server in what the audit stores: notices and messages
/// are the engine's own text, but a message naming a file could name the
/// checkout's absolute path.
fn scrub_audit(audit: &mut NewAudit, hide: &[PathBuf]) {
    for n in &mut audit.notices {
        n.path = scrub(&n.path, hide);
        n.message = scrub(&n.message, hide);
    }
    for f in &mut audit.findings {
        f.message = scrub(&f.message, hide);
        for r in &mut f.related {
            r.message = scrub(&r.message, hide);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scan_failures_say_why_in_the_submitter_s_words() {
        assert_eq!(
            ScanFailure::TimedOut(Duration::from_millis(1500)).to_string(),
            "the scan took longer than 2 s, this service's limit for one audit: the repository is too large or too complex to audit here"
        );
        assert_eq!(
            ScanFailure::Refused("<checkout>: not a directory".into()).to_string(),
            "the checkout could not be scanned: <checkout>: not a directory"
        );
        assert_eq!(
            ScanFailure::Internal.to_string(),
            "internal error while scanning this repository"
        );
    }
}
