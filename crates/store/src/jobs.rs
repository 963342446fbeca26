//! Job statuses: what the hosted audit's queue did with each submission,
//! kept in the store so that a job's page survives a restart.
//!
//! One row per job (`jobs`, migration 0003): its repository, the URL, the
//! state and its times. The in-process queue of `skillaudit-service` stays
//! the source of order and de-duplication; the table is written through
//! at every change and read for jobs the process does not hold (a job of a
//! previous process). A later shared queue (several processes, leases)
//! grows out of this table: a lease column and `FOR UPDATE SKIP LOCKED`.

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use crate::{AuditId, Result, StoreError};

/// Where a job is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum JobState {
    Queued,
    Running,
    Done { audit: AuditId, reused: bool },
    Failed { reason: String },
}

impl JobState {
    /// The name stored in the `status` column.
    pub fn name(&self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Done { .. } => "done",
            JobState::Failed { .. } => "failed",
        }
    }
}

/// A job as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct JobRecord {
    pub id: String,
    /// The repository's name in the store (its audits' `source`).
    pub source: String,
    /// The URL fetched.
    pub url: String,
    pub state: JobState,
    /// Milliseconds since the Unix epoch.
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
}

fn err(what: &'static str) -> impl Fn(rusqlite::Error) -> StoreError {
    move |e| StoreError(format!("{what}: {e}"))
}

pub(crate) fn insert(conn: &Connection, job: &JobRecord) -> Result<()> {
    let (audit, reused, reason) = parts(&job.state);
    conn.execute(
        "INSERT INTO jobs (id, source, url, status, audit_id, reused, reason, created_at, started_at, finished_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            job.id,
            job.source,
            job.url,
            job.state.name(),
            audit,
            reused,
            reason,
            job.created_at,
            job.started_at,
            job.finished_at
        ],
    )
    .map_err(err("cannot record the job"))?;
    Ok(())
}

fn parts(state: &JobState) -> (Option<i64>, bool, Option<&str>) {
    match state {
        JobState::Done { audit, reused } => (Some(audit.0), *reused, None),
        JobState::Failed { reason } => (None, false, Some(reason.as_str())),
        _ => (None, false, None),
    }
}

pub(crate) fn set_state(conn: &Connection, id: &str, state: &JobState, at: i64) -> Result<()> {
    let done = match state {
        JobState::Queued => conn.execute(
            "UPDATE jobs SET status = 'queued', started_at = NULL WHERE id = ?1",
            [id],
        ),
        JobState::Running => conn.execute(
            "UPDATE jobs SET status = 'running', started_at = ?2 WHERE id = ?1",
            params![id, at],
        ),
        JobState::Done { audit, reused } => conn.execute(
            "UPDATE jobs SET status = 'done', audit_id = ?2, reused = ?3, finished_at = ?4 WHERE id = ?1",
            params![id, audit.0, reused, at],
        ),
        JobState::Failed { reason } => conn.execute(
            "UPDATE jobs SET status = 'failed', reason = ?2, finished_at = ?3 WHERE id = ?1",
            params![id, reason, at],
        ),
    };
    done.map_err(err("cannot record the job's state"))?;
    Ok(())
}

pub(crate) fn get(conn: &Connection, id: &str) -> Result<Option<JobRecord>> {
    conn.query_row(
        "SELECT id, source, url, status, audit_id, reused, reason, created_at, started_at, finished_at FROM jobs WHERE id = ?1",
        [id],
        |r| {
            let status: String = r.get(3)?;
            let state = match status.as_str() {
                "queued" => JobState::Queued,
                "running" => JobState::Running,
                "done" => JobState::Done {
                    audit: AuditId(r.get::<_, Option<i64>>(4)?.unwrap_or(0)),
                    reused: r.get(5)?,
                },
                _ => JobState::Failed {
                    reason: r.get::<_, Option<String>>(6)?.unwrap_or_default(),
                },
            };
            Ok(JobRecord {
                id: r.get(0)?,
                source: r.get(1)?,
                url: r.get(2)?,
                state,
                created_at: r.get(7)?,
                started_at: r.get(8)?,
                finished_at: r.get(9)?,
            })
        },
    )
    .optional()
    .map_err(err("cannot read the job"))
}

pub(crate) fn fail_unfinished(conn: &Connection, reason: &str, at: i64) -> Result<u64> {
    let n = conn
        .execute(
            "UPDATE jobs SET status = 'failed', reason = ?1, finished_at = ?2 WHERE status IN ('queued', 'running')",
            params![reason, at],
        )
        .map_err(err("cannot close unfinished jobs"))?;
    Ok(n as u64)
}

pub(crate) fn forget(conn: &Connection, before: i64) -> Result<u64> {
    let n = conn
        .execute(
            "DELETE FROM jobs WHERE finished_at IS NOT NULL AND finished_at < ?1",
            [before],
        )
        .map_err(err("cannot forget old jobs"))?;
    Ok(n as u64)
}
