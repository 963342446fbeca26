//! The service over a shared queue ([`skillaudit_store::JobQueue`], the
//! PostgreSQL backend): any number of processes submit into and work
//! from one `jobs` table.
//!
//! - A submission is a row (one per repository in flight, the queue bound
//!   a count of queued rows); the rate limit is the store's shared bucket
//!   per client key.
//! - Each worker thread claims the oldest queued job (`SKIP LOCKED`), with
//!   a lease in the process's name; when there is none it waits for a
//!   local submission or [`ServiceConfig::poll`].
//! - One keeper thread per process renews the leases of the jobs this
//!   process holds every third of [`ServiceConfig::lease`], and puts back
//!   the jobs whose lease ran out (a process that died): after
//!   [`MAX_ATTEMPTS`] attempts they fail with [`INTERRUPTED_REASON`].
//! - An audit is stored in the same transaction that marks its job done,
//!   and only while this process still holds the job: a job taken over by
//!   another process after a lost lease is never stored twice. When the
//!   store cannot be reached to finish, the worker tries again for a
//!   while, then lets the lease run out: the job is run again elsewhere,
//!   never lost.
//! - Stopping hands the held jobs back to the queue at once (without
//!   counting an attempt) for other processes to take.

use std::collections::HashSet;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use skillaudit_store::{now_ms, JobQueue, JobState, MAX_ATTEMPTS};

use crate::run::{self, Failure, Prepared};
use crate::Inner;

/// Why a job whose workers kept dying failed.
pub const INTERRUPTED_REASON: &str =
    "the audit was interrupted three times (the servers running it stopped); submit it again later";

/// How often finishing a job is tried when the store fails, and the
/// first pause between tries (doubled each time).
const FINISH_TRIES: u32 = 5;
const FINISH_PAUSE: Duration = Duration::from_millis(500);

/// This process's part of the shared queue.
pub(crate) struct Shared {
    /// The name leases are held under: unique per process.
    pub name: String,
    /// Jobs this process holds now.
    held: Mutex<HashSet<String>>,
}

impl Shared {
    pub fn new() -> Shared {
        let host = std::fs::read_to_string("/etc/hostname")
            .ok()
            .map(|h| h.trim().to_string())
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "host".into());
        Shared {
            name: format!(
                "{host}:{}:{}",
                std::process::id(),
                &crate::JobId::random().0[..8]
            ),
            held: Mutex::new(HashSet::new()),
        }
    }

    pub fn held(&self) -> MutexGuard<'_, HashSet<String>> {
        self.held.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// A worker thread: claim, audit, finish, until the service stops.
pub(crate) fn worker(inner: &Inner, queue: &dyn JobQueue, shared: &Shared) {
    loop {
        if inner.lock().shutting_down {
            return;
        }
        let claimed = match queue.claim(&shared.name, inner.config.lease, now_ms()) {
            Ok(Some(c)) => c,
            Ok(None) => {
                idle(inner);
                continue;
            }
            Err(e) => {
                eprintln!("skillaudit worker: cannot claim a job: {e}");
                idle(inner);
                continue;
            }
        };
        shared.held().insert(claimed.id.clone());
        inner.lock().running += 1;
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            run::prepare(
                &inner.config,
                inner.store.as_ref(),
                &claimed.url,
                &claimed.source,
            )
        }))
        .unwrap_or_else(|_| {
            eprintln!("skillaudit worker: job {}: the audit panicked", claimed.id);
            Err(Failure {
                reason: "internal error while auditing this repository".into(),
                retry: false,
            })
        });
        finish(queue, shared, &claimed.id, &claimed.url, outcome);
        shared.held().remove(&claimed.id);
        let mut st = inner.lock();
        st.running = st.running.saturating_sub(1);
    }
}

/// Wait for a local submission, the service stopping, or the poll interval.
fn idle(inner: &Inner) {
    let st = inner.lock();
    if st.shutting_down {
        return;
    }
    let _ = inner
        .work
        .wait_timeout(st, inner.config.poll)
        .unwrap_or_else(|e| e.into_inner());
}

/// Record the outcome, trying again while the store fails; a job this
/// process no longer holds (handed back, or its lease lost) is left alone.
fn finish(
    queue: &dyn JobQueue,
    shared: &Shared,
    id: &str,
    url: &str,
    outcome: Result<Prepared, Failure>,
) {
    let mut pause = FINISH_PAUSE;
    for attempt in 1..=FINISH_TRIES {
        if !shared.held().contains(id) {
            return;
        }
        let at = now_ms();
        let done = match &outcome {
            Ok(Prepared::Scanned(new)) => queue
                .finish_with_audit(id, &shared.name, new, at)
                .map(|stored| stored.is_some()),
            Ok(Prepared::Reused(audit)) => queue.finish(
                id,
                &shared.name,
                &JobState::Done {
                    audit: *audit,
                    reused: true,
                },
                at,
            ),
            Err(f) if f.retry => queue.retry_or_fail(id, &shared.name, &f.reason, at),
            Err(f) => queue.finish(
                id,
                &shared.name,
                &JobState::Failed {
                    reason: f.reason.clone(),
                },
                at,
            ),
        };
        match done {
            Ok(true) => return,
            Ok(false) => {
                eprintln!("skillaudit worker: job {id} ({url}) is no longer ours (its lease ran out); its result is dropped");
                return;
            }
            Err(e) if attempt < FINISH_TRIES => {
                eprintln!("skillaudit worker: cannot finish job {id}, trying again: {e}");
                std::thread::sleep(pause);
                pause *= 2;
            }
            Err(e) => {
                eprintln!("skillaudit worker: cannot finish job {id}: {e}; its lease will run out and the job will run again");
            }
        }
    }
}

/// The keeper: renews this process's leases and puts back expired jobs
/// of every process, every third of the lease, until the service stops.
pub(crate) fn keeper(inner: &Inner, queue: &dyn JobQueue, shared: &Shared) {
    let every = (inner.config.lease / 3).max(Duration::from_millis(100));
    loop {
        {
            let st = inner.lock();
            if st.shutting_down {
                return;
            }
            let (st, _) = inner
                .stopping
                .wait_timeout(st, every)
                .unwrap_or_else(|e| e.into_inner());
            if st.shutting_down {
                return;
            }
        }
        let ids: Vec<String> = shared.held().iter().cloned().collect();
        let now = now_ms();
        match queue.renew(
            &ids,
            &shared.name,
            now.saturating_add(millis(inner.config.lease)),
        ) {
            Ok(kept) if kept.len() < ids.len() => {
                eprintln!(
                    "skillaudit worker: {} job(s) lost their lease (this process was too slow to renew it)",
                    ids.len() - kept.len()
                );
            }
            Ok(_) => {}
            Err(e) => eprintln!("skillaudit worker: cannot renew leases: {e}"),
        }
        match queue.requeue_expired(now, INTERRUPTED_REASON) {
            Ok((0, 0)) => {}
            Ok((requeued, failed)) => eprintln!(
                "skillaudit worker: {requeued} job(s) of stopped workers queued again, {failed} failed after {MAX_ATTEMPTS} attempts"
            ),
            Err(e) => eprintln!("skillaudit worker: cannot requeue expired jobs: {e}"),
        }
    }
}

/// Hand every held job back to the queue (the process is stopping).
pub(crate) fn hand_back(queue: &dyn JobQueue, shared: &Shared) -> usize {
    let ids: Vec<String> = shared.held().drain().collect();
    let mut n = 0;
    for id in ids {
        match queue.release(&id, &shared.name) {
            Ok(true) => n += 1,
            Ok(false) => {}
            Err(e) => eprintln!(
                "skillaudit worker: cannot hand job {id} back: {e}; it runs again when its lease runs out"
            ),
        }
    }
    n
}
