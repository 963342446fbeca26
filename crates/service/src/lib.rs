//! The hosted audit, without HTTP: somebody submits a repository URL, a
//! worker fetches and scans it, the audit goes into the store.
//!
//! - [`AuditService::submit`] is synchronous and does no network I/O: it
//!   checks the URL ([`fetch::check_url`]: scheme, allow-list, form, IP
//!   literals and `localhost`), the client's rate limit (a token bucket per
//!   IPv4 address or IPv6 /64), joins a job already queued or running for
//!   the same repository ([`fetch::CheckedUrl::source_key`]), and refuses
//!   when the queue is full.
//! - A fixed number of worker threads take jobs in order. Each asks the
//!   server which commit the default branch is at ([`fetch::remote_head`]);
//!   when the store already has an audit of that repository at that commit
//!   by this version of skillaudit, the job is done without cloning.
//!   Otherwise it clones ([`fetch::fetch`], under the policy's limits),
//!   scans the checkout as an untrusted repository (its ignore comments,
//!   `skillaudit.toml` and `.gitignore` do not apply: it cannot silence or
//!   hide anything; no fix edits are computed), within the scan time limit
//!   ([`run`] says how it is enforced), stores the audit with its findings
//!   capped ([`skillaudit_store::Caps`]) and deletes the checkout.
//! - Job statuses are kept in memory (queued and running jobs, bounded by
//!   the queue and the workers, and the last `finished_jobs_kept` finished
//!   ones) and written through to the store, so that a job's page survives
//!   a restart: at start, jobs a previous process left unfinished fail
//!   with a reason (submit again), and jobs not in memory are read from
//!   the store.
//! - Pasted addresses are normalised first ([`forms::normalise`]:
//!   `github.com/o/r`, `…/tree/main/dir`).
//!
//! With a store that has a shared queue (PostgreSQL), the queue, the job
//! statuses and the rate limit are the store's instead of this process's
//! memory, so several processes (`skillaudit serve`, `skillaudit worker`)
//! share them; [`shared`] says how. SQLite keeps the in-process queue.
//!
//! Failure reasons are written for the person who submitted the URL: they
//! never contain a path of the server's file system.

pub mod forms;
mod rate;
mod run;
mod shared;
pub mod tree;

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::net::IpAddr;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use skillaudit_engine::fetch::{self, FetchPolicy};
use skillaudit_engine::DEFAULT_MAX_FILE_SIZE;
use skillaudit_store::{now_ms, AuditId, Caps, JobRecord, JobState, Store};

pub use rate::client_key;
pub use shared::INTERRUPTED_REASON;
pub use skillaudit_store::QueueCounts;

/// How the service runs.
#[derive(Clone, Debug)]
pub struct ServiceConfig {
    /// Worker threads, each running one audit at a time (default 2; at least 1).
    pub workers: usize,
    /// Audits waiting for a worker, at most (default 64).
    pub queue_capacity: usize,
    /// What may be fetched, the time and size limits, where checkouts go.
    pub policy: FetchPolicy,
    /// Submissions per client.
    pub rate: RateLimit,
    /// Files larger than this are not read (bytes; the scan's `--max-file-size`).
    pub max_file_size: u64,
    /// Statuses of finished jobs kept in memory (default 10,000); older
    /// ones are read from the store.
    pub finished_jobs_kept: usize,
    /// Wall-clock limit of one job's scan (default 60 s): the job fails
    /// with a reason, the worker takes the next one.
    pub scan_timeout: Duration,
    /// Findings stored one by one per audit; the rest are counted.
    pub caps: Caps,
    /// Finished jobs older than this are deleted from the store when the
    /// service starts (default 30 days; their audits stay).
    pub job_retention: Duration,
    /// With a shared queue: how long a claimed job is held without being
    /// renewed (default 30 s; renewed every third of it). A process that
    /// dies loses its jobs to others this long after its last renewal.
    pub lease: Duration,
    /// With a shared queue: how often an idle worker looks for a job
    /// queued by another process (default 500 ms).
    pub poll: Duration,
}

impl Default for ServiceConfig {
    fn default() -> ServiceConfig {
        ServiceConfig {
            workers: 2,
            queue_capacity: 64,
            policy: FetchPolicy::default(),
            rate: RateLimit::default(),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            finished_jobs_kept: 10_000,
            scan_timeout: Duration::from_secs(60),
            caps: Caps::default(),
            job_retention: Duration::from_secs(30 * 24 * 3600),
            lease: Duration::from_secs(30),
            poll: Duration::from_millis(500),
        }
    }
}

/// A token bucket per client: `burst` submissions at once, then
/// `per_minute` (spread evenly). `per_minute = 0` disables the limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    pub per_minute: u32,
    pub burst: u32,
}

impl Default for RateLimit {
    /// 10 a minute, 5 at once.
    fn default() -> RateLimit {
        RateLimit {
            per_minute: 10,
            burst: 5,
        }
    }
}

/// A job's id: 128 random bits in hex, so that nobody can guess another
/// person's job.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct JobId(pub String);

impl JobId {
    pub(crate) fn random() -> JobId {
        let mut bytes = [0u8; 16];
        if getrandom::fill(&mut bytes).is_err() {
            // No system randomness: fall back to hashing the time and a
            // counter with the standard library's randomly keyed hasher.
            use std::hash::{BuildHasher, Hasher};
            static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
            for half in bytes.chunks_mut(8) {
                let mut h = std::collections::hash_map::RandomState::new().build_hasher();
                h.write_u128(
                    std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map(|d| d.as_nanos())
                        .unwrap_or(0),
                );
                h.write_u64(COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
                half.copy_from_slice(&h.finish().to_le_bytes());
            }
        }
        JobId(bytes.iter().map(|b| format!("{b:02x}")).collect())
    }
}

impl fmt::Display for JobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A submission that was taken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Submitted {
    pub job: JobId,
    /// An audit of the same repository was already queued or running; this
    /// is its job.
    pub joined: bool,
}

/// Why a submission was not taken (the message is for the person who
/// submitted).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    /// The URL is not one this service fetches (why, for the user).
    #[error("{0}")]
    Url(String),
    /// The client submitted too many audits; try again after this long.
    #[error("too many audits requested from your address; try again in {} s", whole_seconds(*.retry_after))]
    RateLimited { retry_after: Duration },
    /// The queue is full; try again after about this long.
    #[error("the audit queue is full; try again in {} s", whole_seconds(*.retry_after))]
    Busy { retry_after: Duration },
    /// The service is stopping.
    #[error("the service is shutting down; try again later")]
    ShuttingDown,
    /// The shared queue cannot be reached now (its database is down).
    #[error("the audit queue cannot be reached right now; try again in a minute")]
    Unavailable,
}

/// A duration in whole seconds, rounded up (at least 1): for `Retry-After`.
pub fn whole_seconds(d: Duration) -> u64 {
    (d.as_secs() + u64::from(d.subsec_nanos() > 0)).max(1)
}

/// Where a job is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JobStatus {
    /// Waiting for a worker; `position` 1 is the next to run.
    Queued {
        position: usize,
    },
    Running,
    /// The audit is in the store; `reused`: an audit of the same commit was
    /// already there, nothing was cloned.
    Done {
        audit: AuditId,
        reused: bool,
    },
    /// Why the audit could not be made (for the user).
    Failed {
        reason: String,
    },
}

impl From<&JobState> for JobStatus {
    fn from(s: &JobState) -> JobStatus {
        match s {
            // A stored job that is queued without a place in this
            // process's queue cannot be: it is reported as first.
            JobState::Queued => JobStatus::Queued { position: 1 },
            JobState::Running => JobStatus::Running,
            JobState::Done { audit, reused } => JobStatus::Done {
                audit: *audit,
                reused: *reused,
            },
            JobState::Failed { reason } => JobStatus::Failed {
                reason: reason.clone(),
            },
        }
    }
}

/// A job's status with what its page shows: the repository and the times.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobInfo {
    pub status: JobStatus,
    /// The repository's name (its audits' source).
    pub source: String,
    /// The URL fetched.
    pub url: String,
    /// Milliseconds since the Unix epoch.
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
}

/// How long stopping waits for the workers of a shared queue (their jobs
/// are handed back already).
pub const SHARED_STOP_WAIT: Duration = Duration::from_secs(2);

/// What a restarted service says about the jobs it found unfinished.
pub const RESTART_REASON: &str = "the service restarted before this audit finished; run it again";

type Stage = JobState;

struct Job {
    /// The URL to fetch (rebuilt from its checked parts).
    url: String,
    /// The repository's name in the store, and the de-duplication key.
    key: String,
    stage: Stage,
    created_at: i64,
    started_at: Option<i64>,
    finished_at: Option<i64>,
}

struct State {
    /// Queued jobs, in order.
    queue: VecDeque<JobId>,
    /// Queued, running and remembered finished jobs.
    jobs: HashMap<JobId, Job>,
    /// Repository key → its queued or running job.
    in_flight: HashMap<String, JobId>,
    /// Finished jobs, oldest first.
    finished: VecDeque<JobId>,
    limiter: rate::Limiter,
    /// Jobs being audited now.
    running: usize,
    /// Recent audit durations, smoothed (for `Busy`'s retry-after).
    typical: Duration,
    shutting_down: bool,
}

struct Inner {
    config: ServiceConfig,
    store: Arc<dyn Store>,
    state: Mutex<State>,
    /// Signalled when a job is queued or the service shuts down.
    work: Condvar,
    /// Signalled when the service shuts down (the lease keeper waits on it).
    stopping: Condvar,
    workers: Mutex<Vec<JoinHandle<()>>>,
    /// This process's part of a shared queue, when the store has one.
    shared: Option<shared::Shared>,
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A worker never panics while holding the lock (audits run outside
        // it, under catch_unwind); recover the state anyway.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The audit service; clones share one queue and one set of workers.
#[derive(Clone)]
pub struct AuditService {
    inner: Arc<Inner>,
}

impl AuditService {
    /// Start `config.workers` worker threads (at least one). Jobs the
    /// store holds as queued or running (a previous process stopped) fail
    /// with [`RESTART_REASON`]; finished jobs older than
    /// `config.job_retention` are deleted.
    ///
    /// With a shared queue (PostgreSQL) nothing is failed at start (other
    /// processes' jobs are running): jobs whose lease ran out go back to
    /// the queue instead, and a keeper thread renews this process's leases.
    pub fn start(config: ServiceConfig, store: Arc<dyn Store>) -> AuditService {
        let workers = config.workers.max(1);
        let now = now_ms();
        let shared = store.queue().map(|_| shared::Shared::new());
        if let Some(queue) = store.queue() {
            if let Err(e) = queue.requeue_expired(now, INTERRUPTED_REASON) {
                eprintln!("skillaudit service: cannot requeue expired jobs: {e}");
            }
        } else if let Err(e) = store.fail_unfinished_jobs(RESTART_REASON, now) {
            eprintln!("skillaudit service: cannot close the jobs of a previous run: {e}");
        }
        let retention = i64::try_from(config.job_retention.as_millis()).unwrap_or(i64::MAX);
        if let Err(e) = store.forget_jobs(now.saturating_sub(retention)) {
            eprintln!("skillaudit service: cannot forget old jobs: {e}");
        }
        let inner = Arc::new(Inner {
            state: Mutex::new(State {
                queue: VecDeque::new(),
                jobs: HashMap::new(),
                in_flight: HashMap::new(),
                finished: VecDeque::new(),
                limiter: rate::Limiter::new(config.rate),
                running: 0,
                typical: Duration::from_secs(5),
                shutting_down: false,
            }),
            config,
            store,
            work: Condvar::new(),
            stopping: Condvar::new(),
            workers: Mutex::new(Vec::new()),
            shared,
        });
        let mut handles = Vec::with_capacity(workers + 1);
        for n in 0..=workers {
            let inner = Arc::clone(&inner);
            let keeper = n == workers;
            if keeper && inner.shared.is_none() {
                break;
            }
            let handle = std::thread::Builder::new()
                .name(if keeper {
                    "audit-lease-keeper".into()
                } else {
                    format!("audit-worker-{n}")
                })
                .spawn(move || match (inner.store.queue(), inner.shared.as_ref()) {
                    (Some(q), Some(sh)) if keeper => shared::keeper(&inner, q, sh),
                    (Some(q), Some(sh)) => shared::worker(&inner, q, sh),
                    _ => worker(&inner),
                });
            match handle {
                Ok(h) => handles.push(h),
                Err(e) => eprintln!("skillaudit service: cannot start a worker thread: {e}"),
            }
        }
        *inner.workers.lock().unwrap_or_else(|e| e.into_inner()) = handles;
        AuditService { inner }
    }

    /// Take a URL to audit for `client`. Synchronous and fast (no network):
    /// the URL's form and allow-list, the client's rate limit, an identical
    /// repository already in flight (joined), the queue bound.
    ///
    /// The job is recorded in the store too (a local write; call it where
    /// blocking is allowed).
    pub fn submit(&self, url: &str, client: IpAddr) -> Result<Submitted, Refused> {
        let url = forms::normalise(url);
        let checked = fetch::check_url(&url, &self.inner.config.policy)
            .map_err(|e| Refused::Url(e.to_string()))?;
        let key = checked.source_key();
        if let Some(queue) = self.inner.store.queue() {
            return self.submit_shared(queue, &checked, key, client);
        }
        let mut st = self.inner.lock();
        if st.shutting_down {
            return Err(Refused::ShuttingDown);
        }
        st.limiter
            .take(client, Instant::now())
            .map_err(|retry_after| Refused::RateLimited { retry_after })?;
        if let Some(job) = st.in_flight.get(&key) {
            return Ok(Submitted {
                job: job.clone(),
                joined: true,
            });
        }
        if st.queue.len() >= self.inner.config.queue_capacity {
            st.limiter.refund(client);
            let workers = self.inner.config.workers.max(1);
            let rounds = (st.queue.len() / workers).max(1) as u32;
            let retry_after = st
                .typical
                .saturating_mul(rounds)
                .clamp(Duration::from_secs(1), Duration::from_secs(120));
            return Err(Refused::Busy { retry_after });
        }
        let id = loop {
            let id = JobId::random();
            if !st.jobs.contains_key(&id) {
                break id;
            }
        };
        let created_at = now_ms();
        let record = JobRecord {
            id: id.0.clone(),
            source: key.clone(),
            url: checked.url(),
            state: JobState::Queued,
            created_at,
            started_at: None,
            finished_at: None,
        };
        st.jobs.insert(
            id.clone(),
            Job {
                url: checked.url(),
                key: key.clone(),
                stage: Stage::Queued,
                created_at,
                started_at: None,
                finished_at: None,
            },
        );
        st.queue.push_back(id.clone());
        st.in_flight.insert(key, id.clone());
        // Recorded before a worker can move it on (the state lock is held).
        if let Err(e) = self.inner.store.insert_job(&record) {
            eprintln!("skillaudit service: cannot record job {id}: {e}");
        }
        drop(st);
        self.inner.work.notify_one();
        Ok(Submitted {
            job: id,
            joined: false,
        })
    }

    /// [`submit`](Self::submit) into the shared queue: the shared rate
    /// limit, then a row (or the repository's job in flight).
    fn submit_shared(
        &self,
        queue: &dyn skillaudit_store::JobQueue,
        checked: &fetch::CheckedUrl,
        key: String,
        client: IpAddr,
    ) -> Result<Submitted, Refused> {
        use skillaudit_store::{Enqueued, NewJob};
        if self.inner.lock().shutting_down {
            return Err(Refused::ShuttingDown);
        }
        let unavailable = |e: skillaudit_store::StoreError| {
            eprintln!("skillaudit service: the shared queue: {e}");
            Refused::Unavailable
        };
        let rate = self.inner.config.rate;
        let who = client_key(client).to_string();
        queue
            .take_token(&who, rate.per_minute, rate.burst, now_ms())
            .map_err(unavailable)?
            .map_err(|retry_after| Refused::RateLimited { retry_after })?;
        let id = JobId::random();
        let job = NewJob {
            id: id.0.clone(),
            source: key,
            url: checked.url(),
            client: Some(who.clone()),
            created_at: now_ms(),
        };
        let capacity = self.inner.config.queue_capacity as u64;
        match queue.enqueue(&job, Some(capacity)).map_err(unavailable)? {
            Enqueued::Queued => {
                self.inner.work.notify_one();
                Ok(Submitted {
                    job: id,
                    joined: false,
                })
            }
            Enqueued::Joined(existing) => Ok(Submitted {
                job: JobId(existing),
                joined: true,
            }),
            Enqueued::Full { queued } => {
                if let Err(e) = queue.refund_token(&who, rate.burst) {
                    eprintln!("skillaudit service: cannot refund a token: {e}");
                }
                let typical = self.inner.lock().typical;
                let rounds = (queued / self.inner.config.workers.max(1) as u64).max(1) as u32;
                Err(Refused::Busy {
                    retry_after: typical
                        .saturating_mul(rounds)
                        .clamp(Duration::from_secs(1), Duration::from_secs(120)),
                })
            }
        }
    }

    /// A job's status; `None` for an unknown id. Jobs this process does
    /// not hold in memory are read from the store (a local read).
    pub fn job(&self, id: &JobId) -> Option<JobStatus> {
        self.job_info(id).map(|j| j.status)
    }

    /// A job's status, repository and times (memory first, then the store).
    pub fn job_info(&self, id: &JobId) -> Option<JobInfo> {
        {
            let st = self.inner.lock();
            if let Some(job) = st.jobs.get(id) {
                let status = match &job.stage {
                    Stage::Queued => JobStatus::Queued {
                        position: st.queue.iter().position(|q| q == id).map_or(1, |p| p + 1),
                    },
                    other => JobStatus::from(other),
                };
                return Some(JobInfo {
                    status,
                    source: job.key.clone(),
                    url: job.url.clone(),
                    created_at: job.created_at,
                    started_at: job.started_at,
                    finished_at: job.finished_at,
                });
            }
        }
        match self.inner.store.job(&id.0) {
            Ok(Some(r)) => Some(JobInfo {
                status: match (&r.state, self.inner.store.queue()) {
                    (JobState::Queued, Some(queue)) => JobStatus::Queued {
                        position: queue
                            .position(&r.id)
                            .ok()
                            .flatten()
                            .map_or(1, |p| p as usize),
                    },
                    (state, _) => JobStatus::from(state),
                },
                source: r.source,
                url: r.url,
                created_at: r.created_at,
                started_at: r.started_at,
                finished_at: r.finished_at,
            }),
            Ok(None) => None,
            Err(e) => {
                eprintln!("skillaudit service: cannot read job {id}: {e}");
                None
            }
        }
    }

    /// The store the audits go into (for the pages that read them).
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.inner.store
    }

    /// Jobs waiting for a worker now (in this process's queue; see
    /// [`queue_counts`](Self::queue_counts) for a shared one).
    pub fn queued(&self) -> usize {
        self.inner.lock().queue.len()
    }

    /// Jobs being audited by this process now.
    pub fn running(&self) -> usize {
        self.inner.lock().running
    }

    /// Is the queue shared with other processes (in the store)?
    pub fn is_shared(&self) -> bool {
        self.inner.shared.is_some()
    }

    /// The shared queue's jobs per state over every process (a store
    /// read; call it where blocking is allowed); `None` without a shared
    /// queue, an error when the store cannot be read.
    pub fn queue_counts(&self) -> Option<Result<QueueCounts, skillaudit_store::StoreError>> {
        self.inner.store.queue().map(|q| q.counts())
    }

    /// Worker threads.
    pub fn workers(&self) -> usize {
        self.inner.config.workers.max(1)
    }

    /// The scan time limit of one job.
    pub fn scan_timeout(&self) -> Duration {
        self.inner.config.scan_timeout
    }

    /// Stop taking jobs: queued jobs fail ("the service is shutting down"),
    /// running audits finish, the workers are joined. Idempotent; a call
    /// from a worker thread (never made by this crate) would not join.
    ///
    /// With a shared queue, the jobs this process is running are handed
    /// back to the queue at once for other processes, and the workers are
    /// waited for at most [`SHARED_STOP_WAIT`] (their results are dropped).
    pub fn shutdown(&self) {
        if let (Some(queue), Some(shared)) = (self.inner.store.queue(), self.inner.shared.as_ref())
        {
            self.inner.lock().shutting_down = true;
            self.inner.work.notify_all();
            self.inner.stopping.notify_all();
            let n = shared::hand_back(queue, shared);
            if n > 0 {
                eprintln!("skillaudit service: {n} running job(s) handed back to the queue");
            }
            let handles: Vec<JoinHandle<()>> =
                std::mem::take(&mut *self.inner.workers.lock().unwrap_or_else(|e| e.into_inner()));
            let until = Instant::now() + SHARED_STOP_WAIT;
            while Instant::now() < until && handles.iter().any(|h| !h.is_finished()) {
                std::thread::sleep(Duration::from_millis(20));
            }
            return;
        }
        {
            let mut st = self.inner.lock();
            st.shutting_down = true;
            let queued: Vec<JobId> = st.queue.drain(..).collect();
            for id in queued {
                finish(
                    &mut st,
                    &self.inner,
                    &id,
                    Stage::Failed {
                        reason: "the service shut down before this audit could run; submit it again later".into(),
                    },
                );
            }
        }
        self.inner.work.notify_all();
        let handles: Vec<JoinHandle<()>> =
            std::mem::take(&mut *self.inner.workers.lock().unwrap_or_else(|e| e.into_inner()));
        let me = std::thread::current().id();
        for h in handles {
            if h.thread().id() != me {
                let _ = h.join();
            }
        }
    }
}

/// Record a job's end: its stage (in the store too), out of the in-flight
/// map, into the bounded list of finished jobs.
fn finish(st: &mut State, inner: &Inner, id: &JobId, stage: Stage) {
    let config = &inner.config;
    let Some(job) = st.jobs.get_mut(id) else {
        return;
    };
    let at = now_ms();
    if let Err(e) = inner.store.set_job_state(&id.0, &stage, at) {
        eprintln!("skillaudit service: cannot record the end of job {id}: {e}");
    }
    job.stage = stage;
    job.finished_at = Some(at);
    let key = job.key.clone();
    if st.in_flight.get(&key) == Some(id) {
        st.in_flight.remove(&key);
    }
    st.finished.push_back(id.clone());
    while st.finished.len() > config.finished_jobs_kept {
        if let Some(old) = st.finished.pop_front() {
            st.jobs.remove(&old);
        }
    }
}

fn worker(inner: &Inner) {
    loop {
        let (id, url, key) = {
            let mut st = inner.lock();
            loop {
                if let Some(id) = st.queue.pop_front() {
                    if let Some(job) = st.jobs.get_mut(&id) {
                        let at = now_ms();
                        job.stage = Stage::Running;
                        job.started_at = Some(at);
                        let (url, key) = (job.url.clone(), job.key.clone());
                        st.running += 1;
                        if let Err(e) = inner.store.set_job_state(&id.0, &Stage::Running, at) {
                            eprintln!("skillaudit service: cannot record job {id} as running: {e}");
                        }
                        break (id, url, key);
                    }
                    continue;
                }
                if st.shutting_down {
                    return;
                }
                st = inner.work.wait(st).unwrap_or_else(|e| e.into_inner());
            }
        };
        let started = Instant::now();
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            run::audit(&inner.config, inner.store.as_ref(), &url, &key)
        }));
        let stage = match outcome {
            Ok(Ok((audit, reused))) => Stage::Done { audit, reused },
            Ok(Err(failure)) => Stage::Failed {
                reason: failure.reason,
            },
            Err(_) => {
                eprintln!("skillaudit service: job {id}: the audit panicked");
                Stage::Failed {
                    reason: "internal error while auditing this repository".into(),
                }
            }
        };
        let mut st = inner.lock();
        st.typical = (st.typical * 3 + started.elapsed()) / 4;
        st.running = st.running.saturating_sub(1);
        finish(&mut st, inner, &id, stage);
    }
}

// Shared between the web server's threads.
const _: fn() = || {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<AuditService>();
};
