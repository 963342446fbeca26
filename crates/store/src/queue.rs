//! The queue shared by several processes: the `jobs` table (migration
//! 0004 adds the client, the lease, the attempts and the holder) claimed
//! row by row.
//!
//! - A submission inserts a `queued` row; a unique partial index on
//!   `source` over the `queued` and `running` rows keeps one job per
//!   repository in flight, so a second submission of the same repository
//!   gets the existing job ([`Enqueued::Joined`]).
//! - A worker claims the oldest queued row with `FOR UPDATE SKIP LOCKED`
//!   (two workers never get the same row, and never wait for each other),
//!   sets `status = 'running'`, its own name in `worker`, a lease
//!   (`lease_until`) and counts an attempt; it renews the lease while it
//!   clones and scans.
//! - A lease that runs out (the process died, lost its connection or was
//!   killed) puts the job back in the queue ([`JobQueue::requeue_expired`],
//!   which every process runs periodically); after [`MAX_ATTEMPTS`]
//!   attempts it fails with a reason instead.
//! - Finishing checks that the job is still held by the worker, in the
//!   transaction that stores the audit: a worker whose lease ran out and
//!   whose job was taken by another stores nothing, so a repository is
//!   never audited twice for one job.

use std::time::Duration;

use crate::{AuditId, NewAudit, Result};

/// Attempts after which a job that keeps failing (its holder dies, or
/// the store fails under it) is marked failed.
pub const MAX_ATTEMPTS: u32 = 3;

/// A job to queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewJob {
    pub id: String,
    /// The repository's name (its audits' source): one job per source in flight.
    pub source: String,
    /// The URL to fetch.
    pub url: String,
    /// Who submitted it (the rate limit's key), when a person did.
    pub client: Option<String>,
    /// Milliseconds since the Unix epoch.
    pub created_at: i64,
}

/// What [`JobQueue::enqueue`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Enqueued {
    /// The job was queued.
    Queued,
    /// A job of the same repository was already queued or running: its id.
    Joined(String),
    /// The queue holds `capacity` jobs already; nothing was queued.
    Full { queued: u64 },
}

/// A job a worker holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claimed {
    pub id: String,
    pub source: String,
    pub url: String,
    /// This attempt's number (1 for the first).
    pub attempts: u32,
}

/// How many jobs are in each state, over every process.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct QueueCounts {
    pub queued: u64,
    pub running: u64,
    pub done: u64,
    pub failed: u64,
}

/// The shared queue and rate limit. Every method is one short transaction;
/// `worker` names the process and thread holding a job.
pub trait JobQueue: Send + Sync {
    /// Queue `job` unless its repository is already in flight (joined) or
    /// `capacity` jobs are queued (when given).
    fn enqueue(&self, job: &NewJob, capacity: Option<u64>) -> Result<Enqueued>;
    /// Claim the oldest queued job for `worker`, with a lease of `lease`
    /// from `now`.
    fn claim(&self, worker: &str, lease: Duration, now: i64) -> Result<Option<Claimed>>;
    /// Extend the leases of the jobs `worker` holds among `ids` to `until`;
    /// returns the ids it still holds (a job missing was lost: its lease
    /// ran out and it was put back or taken by another worker).
    fn renew(&self, ids: &[String], worker: &str, until: i64) -> Result<Vec<String>>;
    /// Store `audit` and mark the job done with it, in one transaction, if
    /// `worker` still holds the job; `None` (nothing stored) otherwise.
    fn finish_with_audit(
        &self,
        id: &str,
        worker: &str,
        audit: &NewAudit,
        at: i64,
    ) -> Result<Option<AuditId>>;
    /// Mark the job done with an audit already stored (`reused`), or failed
    /// for good; false when `worker` no longer holds it.
    fn finish(&self, id: &str, worker: &str, state: &crate::JobState, at: i64) -> Result<bool>;
    /// A failure that may pass (the store, our side): back to the queue,
    /// or failed with `reason` once it has had [`MAX_ATTEMPTS`] attempts.
    /// False when `worker` no longer holds it.
    fn retry_or_fail(&self, id: &str, worker: &str, reason: &str, at: i64) -> Result<bool>;
    /// Hand a held job back to the queue (a process stopping), without
    /// counting the attempt.
    fn release(&self, id: &str, worker: &str) -> Result<bool>;
    /// Jobs whose lease ran out before `now` go back to the queue, or fail
    /// with `reason` after [`MAX_ATTEMPTS`] attempts; returns (requeued,
    /// failed).
    fn requeue_expired(&self, now: i64, reason: &str) -> Result<(u64, u64)>;
    /// Jobs per state.
    fn counts(&self) -> Result<QueueCounts>;
    /// A queued job's place in the queue (1: next); `None` when it is not queued.
    fn position(&self, id: &str) -> Result<Option<u64>>;
    /// Take one submission from `client`'s token bucket (`burst` at once,
    /// `per_minute` refilled evenly): `Ok(Err(wait))` when the bucket is
    /// empty, with how long until it has a token.
    fn take_token(
        &self,
        client: &str,
        per_minute: u32,
        burst: u32,
        now: i64,
    ) -> Result<std::result::Result<(), Duration>>;
    /// Give back the token of a submission refused after all.
    fn refund_token(&self, client: &str, burst: u32) -> Result<()>;
    /// Queue many repositories for a crawl (no client, no capacity): each
    /// `(source, url)` not already in flight and without a stored audit
    /// gets a job; returns how many were queued.
    fn enqueue_crawl(&self, sources: &[(String, String)], now: i64) -> Result<u64>;
}
