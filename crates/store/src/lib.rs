//! Where skillaudit keeps its audits: every audit, finding (with its
//! fingerprint, related locations and fix) and notice, and the corpus view
//! over them.
//!
//! The [`Store`] trait is the whole interface, with two backends:
//! [`SqliteStore`] (one file, SQLite bundled into the binary) and
//! [`PostgresStore`] (a PostgreSQL server shared by several instances,
//! through a connection pool). Only PostgreSQL also offers the shared
//! [`JobQueue`] (a `jobs` table claimed with `FOR UPDATE SKIP LOCKED` under
//! leases, and a shared rate limit): [`Store::queue`]. The SQL of the schema
//! lives in numbered files under `migrations/` ([`migrate`]), the same for
//! both backends, applied in order and recorded in a `schema_version`
//! table. Every query is parameterised: no value from a repository is ever
//! spliced into SQL text.
//!
//! Nothing outside this crate depends on the database driver: callers see
//! the plain records below and [`StoreError`].

mod from_scan;
pub use from_scan::{Caps, TOOL_VERSION};
mod jobs;
pub mod migrate;
mod postgres;
mod queue;
pub mod severity;
mod sqlite;
pub mod testing;

pub use jobs::{JobRecord, JobState};
pub use postgres::{redact_url, PostgresStore, PASSWORD_FILE_VAR};
pub use queue::{Claimed, Enqueued, JobQueue, NewJob, QueueCounts, MAX_ATTEMPTS};
pub use severity::Severity;

use serde::Serialize;

pub use sqlite::SqliteStore;

/// The id of a stored audit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct AuditId(pub i64);

impl std::fmt::Display for AuditId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Counts of findings per severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub critical: u64,
    pub high: u64,
    pub medium: u64,
    pub low: u64,
    pub info: u64,
}

impl Counts {
    pub fn total(&self) -> u64 {
        self.critical + self.high + self.medium + self.low + self.info
    }

    /// The count for a severity.
    pub fn count(&self, severity: Severity) -> u64 {
        match severity {
            Severity::Critical => self.critical,
            Severity::High => self.high,
            Severity::Medium => self.medium,
            Severity::Low => self.low,
            Severity::Info => self.info,
        }
    }

    fn slot(&mut self, severity: Severity) -> &mut u64 {
        match severity {
            Severity::Critical => &mut self.critical,
            Severity::High => &mut self.high,
            Severity::Medium => &mut self.medium,
            Severity::Low => &mut self.low,
            Severity::Info => &mut self.info,
        }
    }

    /// The count for a severity as the store names it (`critical` … `info`;
    /// any other name counts as `info`).
    pub fn get(&self, severity: &str) -> u64 {
        self.count(severity::parse(severity).unwrap_or(Severity::Info))
    }

    /// The counts of these findings' severities.
    pub fn of(findings: &[FindingRecord]) -> Counts {
        let mut c = Counts::default();
        for f in findings {
            *c.slot(severity::parse(&f.severity).unwrap_or(Severity::Info)) += 1;
        }
        c
    }
}

/// An audit: what was scanned, when, and the grade (without its findings).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuditSummary {
    pub id: AuditId,
    /// A git URL, or a directory's canonical path.
    pub source: String,
    /// The commit that was scanned, when known.
    pub commit: Option<String>,
    /// Milliseconds since the Unix epoch (UTC).
    pub started_at: i64,
    pub finished_at: i64,
    pub files_scanned: u64,
    pub score: u32,
    pub grade: char,
    pub summary: Counts,
    pub tool_version: String,
    /// A file was skipped because of a limit (size): the grade is at best C.
    pub incomplete: bool,
    /// Findings the repository's own ignore comments would have hidden
    /// (they are disregarded in hosted audits).
    pub repository_ignores: u64,
    /// Findings counted in `summary` but not stored (beyond the caps of
    /// [`Caps`]); [`Audit::omitted`] says which.
    pub omitted_findings: u64,
    /// Scanned as someone else's repository (its ignore comments,
    /// configuration and `.gitignore` disregarded): only such an audit
    /// may stand for a hosted one.
    pub untrusted: bool,
}

/// A stored audit with everything it found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Audit {
    #[serde(flatten)]
    pub summary: AuditSummary,
    pub findings: Vec<FindingRecord>,
    pub notices: Vec<NoticeRecord>,
    /// Findings not stored, counted by rule and file.
    pub omitted: Vec<OmittedRecord>,
}

/// Findings of one rule in one file that were counted but not stored (the
/// per-audit caps); `path` is empty for a count over several files.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OmittedRecord {
    pub rule: String,
    /// The highest severity among them.
    pub severity: String,
    pub path: String,
    pub count: u64,
}

/// One finding, as the JSON report shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FindingRecord {
    pub rule: String,
    /// `critical`, `high`, `medium`, `low` or `info`.
    pub severity: String,
    /// `high`, `medium` or `low`.
    pub confidence: String,
    pub message: String,
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
    pub related: Vec<RelatedRecord>,
    pub fix: Option<FixRecord>,
    pub fingerprint: String,
    /// The source lines the HTML report shows for the finding (its own
    /// lines with one of context, at most 12), credentials masked, so the
    /// web report can quote them after the checkout is gone. Empty when the
    /// finding is not in a file that was read.
    pub snippet: Vec<SourceLine>,
}

/// One line of a finding's source, as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SourceLine {
    /// 1-based line number.
    pub line: u32,
    /// The line's text with credentials masked.
    pub text: String,
    /// The byte range within `text` the finding covers on this line.
    pub highlight: Option<(u32, u32)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RelatedRecord {
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FixRecord {
    pub description: String,
    /// `safe`, `unsafe` or `manual`.
    pub applicability: String,
}

/// A file that could not be scanned, with why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NoticeRecord {
    pub path: String,
    pub message: String,
    /// Skipped because of a limit (the audit is incomplete).
    pub limit: bool,
}

/// An audit to store; [`NewAudit::from_scan`] builds one from a scan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAudit {
    pub source: String,
    pub commit: Option<String>,
    pub started_at: i64,
    pub finished_at: i64,
    pub files_scanned: u64,
    pub score: u32,
    pub grade: char,
    pub summary: Counts,
    pub tool_version: String,
    pub findings: Vec<FindingRecord>,
    pub notices: Vec<NoticeRecord>,
    pub incomplete: bool,
    pub repository_ignores: u64,
    /// Findings counted in `summary` but not stored.
    pub omitted: Vec<OmittedRecord>,
    /// See [`AuditSummary::untrusted`].
    pub untrusted: bool,
}

/// A page of the audit history, newest first: at most `limit` audits, all
/// older than `before` when given (keyset pagination: pass the last id of
/// the previous page).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    pub limit: u32,
    pub before: Option<AuditId>,
}

impl Page {
    pub fn first(limit: u32) -> Page {
        Page {
            limit,
            before: None,
        }
    }
}

/// One rule across the corpus.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RuleStat {
    pub rule: String,
    /// The highest severity the rule was reported with.
    pub severity: String,
    /// Repositories with at least one finding of the rule.
    pub repositories: u64,
    /// `repositories` over the repositories in the corpus, 0–1.
    pub share: f64,
    /// Findings of the rule over all repositories.
    pub findings: u64,
}

impl RuleStat {
    /// A rule's row of the corpus view: `rank` is its highest severity's
    /// rank, `affected` the repositories it was found in, out of
    /// `repositories`.
    pub fn new(
        rule: String,
        rank: i64,
        affected: u64,
        repositories: u64,
        findings: u64,
    ) -> RuleStat {
        RuleStat {
            rule,
            severity: severity::from_rank(rank).name().to_string(),
            repositories: affected,
            share: if repositories == 0 {
                0.0
            } else {
                affected as f64 / repositories as f64
            },
            findings,
        }
    }
}

/// The corpus view: over the latest audit of every source.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct CorpusStats {
    pub repositories: u64,
    pub files_scanned: u64,
    pub findings: Counts,
    /// Rules by share of repositories affected (descending), then severity
    /// (highest first), then id.
    pub rules: Vec<RuleStat>,
    /// How many repositories have each grade, A to F (every grade listed).
    pub grades: Vec<GradeCount>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GradeCount {
    pub grade: char,
    pub repositories: u64,
}

/// The grades, best first.
pub const GRADES: [char; 5] = ['A', 'B', 'C', 'D', 'F'];

/// A store that cannot do what was asked (an unreadable file, a schema newer
/// than this program, a failed query). The message names what failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct StoreError(pub String);

pub type Result<T> = std::result::Result<T, StoreError>;

/// The storage interface. Implementations are shared between threads (a web
/// server's workers), so every method takes `&self`.
pub trait Store: Send + Sync {
    /// Store an audit with its findings and notices, atomically.
    fn insert_audit(&self, audit: &NewAudit) -> Result<AuditId>;
    /// One audit with its findings (in report order) and notices.
    fn audit(&self, id: AuditId) -> Result<Option<Audit>>;
    /// The history, newest first.
    fn audits(&self, page: Page) -> Result<Vec<AuditSummary>>;
    /// The latest audit of `source` (a repository's badge).
    fn latest_for_source(&self, source: &str) -> Result<Option<AuditSummary>>;
    /// The latest audit of `source` at `commit` (an audit that need not run again).
    fn latest_for_commit(&self, source: &str, commit: &str) -> Result<Option<AuditSummary>>;
    /// The corpus view over the latest audit of every source.
    fn corpus_stats(&self) -> Result<CorpusStats>;
    /// The audit of `source` made just before `before` (what changed since).
    fn previous_audit(&self, source: &str, before: AuditId) -> Result<Option<AuditSummary>>;
    /// Can the store be read? (`/healthz`)
    fn health(&self) -> Result<()>;

    /// Record a new job.
    fn insert_job(&self, job: &JobRecord) -> Result<()>;
    /// Move a job to `state` at `at` (ms since the epoch).
    fn set_job_state(&self, id: &str, state: &JobState, at: i64) -> Result<()>;
    /// A job by id.
    fn job(&self, id: &str) -> Result<Option<JobRecord>>;
    /// Jobs still queued or running (left by a process that stopped) fail
    /// with `reason`; returns how many.
    fn fail_unfinished_jobs(&self, reason: &str, at: i64) -> Result<u64>;
    /// Forget jobs that finished before `before` (their audits stay).
    fn forget_jobs(&self, before: i64) -> Result<u64>;

    /// The queue shared by every process using this store, when the
    /// backend has one (PostgreSQL); `None` for SQLite, whose one process
    /// keeps its queue in memory.
    fn queue(&self) -> Option<&dyn JobQueue> {
        None
    }
}

/// Is `location` a PostgreSQL URL (`postgres://…`, `postgresql://…`)?
pub fn is_postgres_url(location: &str) -> bool {
    location.starts_with("postgres://") || location.starts_with("postgresql://")
}

/// Open the store named by `location`: a `postgres://` or `postgresql://`
/// URL for PostgreSQL (migrated when needed, under an advisory lock), any
/// other text is the path of a SQLite file (created when missing).
pub fn open(location: &str) -> Result<Box<dyn Store>> {
    if is_postgres_url(location) {
        return Ok(Box::new(PostgresStore::open(location)?));
    }
    Ok(Box::new(SqliteStore::open(std::path::Path::new(location))?))
}

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
