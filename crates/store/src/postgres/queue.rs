//! [`JobQueue`] on PostgreSQL: the `jobs` table claimed with
//! `FOR UPDATE SKIP LOCKED`, leases, attempts, and the shared rate limit
//! (`rate_limits`, one row per client, updated under a row lock).

use std::time::Duration;

use super::{err, insert_audit_in, small, PostgresStore};
use crate::{
    AuditId, Claimed, Enqueued, JobQueue, JobState, NewAudit, NewJob, QueueCounts, Result,
    MAX_ATTEMPTS,
};

/// Rows of `rate_limits` untouched for this long are deleted (a bucket
/// idle that long is full again at any sensible rate).
const RATE_ROW_TTL_MS: i64 = 3_600_000;

const IN_FLIGHT: &str = "SELECT id FROM jobs WHERE source = $1 AND status IN ('queued', 'running')";

impl JobQueue for PostgresStore {
    fn enqueue(&self, job: &NewJob, capacity: Option<u64>) -> Result<Enqueued> {
        let mut c = self.conn()?;
        let what = "cannot queue the job";
        if let Some(row) = c.query_opt(IN_FLIGHT, &[&job.source]).map_err(err(what))? {
            return Ok(Enqueued::Joined(row.try_get(0).map_err(err(what))?));
        }
        if let Some(capacity) = capacity {
            let queued: i64 = c
                .query_one("SELECT count(*) FROM jobs WHERE status = 'queued'", &[])
                .and_then(|r| r.try_get(0))
                .map_err(err(what))?;
            let queued = u64::try_from(queued).unwrap_or(0);
            if queued >= capacity {
                return Ok(Enqueued::Full { queued });
            }
        }
        let inserted = c
            .execute(
                "INSERT INTO jobs (id, source, url, status, created_at, client, attempts) VALUES ($1, $2, $3, 'queued', $4, $5, 0)
                 ON CONFLICT (source) WHERE status IN ('queued', 'running') DO NOTHING",
                &[&job.id, &job.source, &job.url, &job.created_at, &job.client],
            )
            .map_err(err(what))?;
        if inserted == 1 {
            return Ok(Enqueued::Queued);
        }
        // Another instance queued the same repository just now.
        match c.query_opt(IN_FLIGHT, &[&job.source]).map_err(err(what))? {
            Some(row) => Ok(Enqueued::Joined(row.try_get(0).map_err(err(what))?)),
            // …and it finished already: queue ours after all.
            None => self.enqueue(job, capacity),
        }
    }

    fn claim(&self, worker: &str, lease: Duration, now: i64) -> Result<Option<Claimed>> {
        let until = now.saturating_add(i64::try_from(lease.as_millis()).unwrap_or(i64::MAX));
        let row = self
            .conn()?
            .query_opt(
                "UPDATE jobs SET status = 'running', worker = $1, lease_until = $2, started_at = $3, attempts = attempts + 1
                 WHERE id = (SELECT id FROM jobs WHERE status = 'queued' ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
                 RETURNING id, source, url, attempts",
                &[&worker, &until, &now],
            )
            .map_err(err("cannot claim a job"))?;
        row.map(|r| {
            Ok(Claimed {
                id: r.try_get(0)?,
                source: r.try_get(1)?,
                url: r.try_get(2)?,
                attempts: small(r.try_get(3)?),
            })
        })
        .transpose()
        .map_err(err("cannot claim a job"))
    }

    fn renew(&self, ids: &[String], worker: &str, until: i64) -> Result<Vec<String>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        self.conn()?
            .query(
                "UPDATE jobs SET lease_until = $1 WHERE id = ANY($2) AND worker = $3 AND status = 'running' RETURNING id",
                &[&until, &ids, &worker],
            )
            .and_then(|rs| rs.iter().map(|r| r.try_get(0)).collect())
            .map_err(err("cannot renew the leases"))
    }

    fn finish_with_audit(
        &self,
        id: &str,
        worker: &str,
        audit: &NewAudit,
        at: i64,
    ) -> Result<Option<AuditId>> {
        let mut c = self.conn()?;
        let mut tx = c.transaction().map_err(err("cannot start a transaction"))?;
        let held = tx
            .query_opt(
                "SELECT 1 FROM jobs WHERE id = $1 AND worker = $2 AND status = 'running' FOR UPDATE",
                &[&id, &worker],
            )
            .map_err(err("cannot finish the job"))?;
        if held.is_none() {
            return Ok(None);
        }
        let audit_id = insert_audit_in(&mut tx, audit)?;
        tx.execute(
            "UPDATE jobs SET status = 'done', audit_id = $2, reused = 0, finished_at = $3, lease_until = NULL WHERE id = $1",
            &[&id, &audit_id.0, &at],
        )
        .map_err(err("cannot finish the job"))?;
        tx.commit().map_err(err("cannot commit the audit"))?;
        Ok(Some(audit_id))
    }

    fn finish(&self, id: &str, worker: &str, state: &JobState, at: i64) -> Result<bool> {
        let mut c = self.conn()?;
        let n = match state {
            JobState::Done { audit, reused } => c.execute(
                "UPDATE jobs SET status = 'done', audit_id = $3, reused = $4, finished_at = $5, lease_until = NULL
                 WHERE id = $1 AND worker = $2 AND status = 'running'",
                &[&id, &worker, &audit.0, &i64::from(*reused), &at],
            ),
            JobState::Failed { reason } => c.execute(
                "UPDATE jobs SET status = 'failed', reason = $3, finished_at = $4, lease_until = NULL
                 WHERE id = $1 AND worker = $2 AND status = 'running'",
                &[&id, &worker, reason, &at],
            ),
            JobState::Queued | JobState::Running => return Ok(false),
        };
        Ok(n.map_err(err("cannot finish the job"))? == 1)
    }

    fn retry_or_fail(&self, id: &str, worker: &str, reason: &str, at: i64) -> Result<bool> {
        let n = self
            .conn()?
            .execute(
                "UPDATE jobs SET
                   status = CASE WHEN attempts >= $3 THEN 'failed' ELSE 'queued' END,
                   reason = CASE WHEN attempts >= $3 THEN $4::TEXT ELSE reason END,
                   finished_at = CASE WHEN attempts >= $3 THEN $5::BIGINT ELSE NULL END,
                   started_at = CASE WHEN attempts >= $3 THEN started_at ELSE NULL END,
                   worker = NULL, lease_until = NULL
                 WHERE id = $1 AND worker = $2 AND status = 'running'",
                &[&id, &worker, &i64::from(MAX_ATTEMPTS), &reason, &at],
            )
            .map_err(err("cannot put the job back"))?;
        Ok(n == 1)
    }

    fn release(&self, id: &str, worker: &str) -> Result<bool> {
        let n = self
            .conn()?
            .execute(
                "UPDATE jobs SET status = 'queued', worker = NULL, lease_until = NULL, started_at = NULL, attempts = greatest(attempts - 1, 0)
                 WHERE id = $1 AND worker = $2 AND status = 'running'",
                &[&id, &worker],
            )
            .map_err(err("cannot hand the job back"))?;
        Ok(n == 1)
    }

    fn requeue_expired(&self, now: i64, reason: &str) -> Result<(u64, u64)> {
        let mut c = self.conn()?;
        let mut tx = c.transaction().map_err(err("cannot start a transaction"))?;
        let what = "cannot requeue expired jobs";
        let failed = tx
            .execute(
                "UPDATE jobs SET status = 'failed', reason = $2, finished_at = $1, worker = NULL, lease_until = NULL
                 WHERE status = 'running' AND lease_until < $1 AND attempts >= $3",
                &[&now, &reason, &i64::from(MAX_ATTEMPTS)],
            )
            .map_err(err(what))?;
        let requeued = tx
            .execute(
                "UPDATE jobs SET status = 'queued', worker = NULL, lease_until = NULL, started_at = NULL
                 WHERE status = 'running' AND lease_until < $1",
                &[&now],
            )
            .map_err(err(what))?;
        tx.execute(
            "DELETE FROM rate_limits WHERE updated_at < $1",
            &[&now.saturating_sub(RATE_ROW_TTL_MS)],
        )
        .map_err(err(what))?;
        tx.commit().map_err(err(what))?;
        Ok((requeued, failed))
    }

    fn counts(&self) -> Result<QueueCounts> {
        let rows = self
            .conn()?
            .query("SELECT status, count(*) FROM jobs GROUP BY status", &[])
            .map_err(err("cannot count the jobs"))?;
        let mut counts = QueueCounts::default();
        for r in rows {
            let status: String = r.try_get(0).map_err(err("cannot count the jobs"))?;
            let n: i64 = r.try_get(1).map_err(err("cannot count the jobs"))?;
            let n = u64::try_from(n).unwrap_or(0);
            match status.as_str() {
                "queued" => counts.queued = n,
                "running" => counts.running = n,
                "done" => counts.done = n,
                _ => counts.failed += n,
            }
        }
        Ok(counts)
    }

    fn position(&self, id: &str) -> Result<Option<u64>> {
        let n: i64 = self
            .conn()?
            .query_one(
                "SELECT count(*) FROM jobs q JOIN jobs j ON j.id = $1
                 WHERE j.status = 'queued' AND q.status = 'queued' AND (q.created_at, q.id) <= (j.created_at, j.id)",
                &[&id],
            )
            .and_then(|r| r.try_get(0))
            .map_err(err("cannot read the job's place"))?;
        Ok(u64::try_from(n).ok().filter(|&n| n > 0))
    }

    fn take_token(
        &self,
        client: &str,
        per_minute: u32,
        burst: u32,
        now: i64,
    ) -> Result<std::result::Result<(), Duration>> {
        if per_minute == 0 {
            return Ok(Ok(()));
        }
        let capacity = i64::from(burst.max(1)) * 1000;
        let mut c = self.conn()?;
        let mut tx = c.transaction().map_err(err("cannot start a transaction"))?;
        let what = "cannot apply the rate limit";
        tx.execute(
            "INSERT INTO rate_limits (client, millitokens, updated_at) VALUES ($1, $2, $3) ON CONFLICT (client) DO NOTHING",
            &[&client, &capacity, &now],
        )
        .map_err(err(what))?;
        let row = tx
            .query_one(
                "SELECT millitokens, updated_at FROM rate_limits WHERE client = $1 FOR UPDATE",
                &[&client],
            )
            .map_err(err(what))?;
        let (tokens, at): (i64, i64) = (
            row.try_get(0).map_err(err(what))?,
            row.try_get(1).map_err(err(what))?,
        );
        // Thousandths of a token per millisecond: per_minute / 60.
        let elapsed = now.saturating_sub(at).max(0);
        let refill = elapsed.saturating_mul(i64::from(per_minute)) / 60;
        let tokens = tokens.saturating_add(refill).min(capacity);
        let (left, outcome) = if tokens >= 1000 {
            (tokens - 1000, Ok(()))
        } else {
            let per = i64::from(per_minute);
            let wait_ms = ((1000 - tokens) * 60 + per - 1) / per;
            (tokens, Err(Duration::from_millis(wait_ms.max(1) as u64)))
        };
        // Refill is counted up to now only when it was credited.
        let stamp = if refill > 0 || outcome.is_ok() {
            now
        } else {
            at
        };
        tx.execute(
            "UPDATE rate_limits SET millitokens = $2, updated_at = $3 WHERE client = $1",
            &[&client, &left, &stamp],
        )
        .map_err(err(what))?;
        tx.commit().map_err(err(what))?;
        Ok(outcome)
    }

    fn refund_token(&self, client: &str, burst: u32) -> Result<()> {
        let capacity = i64::from(burst.max(1)) * 1000;
        self.conn()?
            .execute(
                "UPDATE rate_limits SET millitokens = least(millitokens + 1000, $2) WHERE client = $1",
                &[&client, &capacity],
            )
            .map_err(err("cannot refund the rate limit"))?;
        Ok(())
    }

    fn enqueue_crawl(&self, sources: &[(String, String)], now: i64) -> Result<u64> {
        let mut c = self.conn()?;
        let mut tx = c.transaction().map_err(err("cannot start a transaction"))?;
        let what = "cannot queue the crawl";
        let insert = tx
            .prepare(
                "INSERT INTO jobs (id, source, url, status, created_at, attempts)
                 SELECT replace(gen_random_uuid()::text, '-', ''), $1, $2, 'queued', $3, 0
                 WHERE NOT EXISTS (SELECT 1 FROM audits WHERE source = $1)
                 ON CONFLICT (source) WHERE status IN ('queued', 'running') DO NOTHING",
            )
            .map_err(err(what))?;
        let mut queued = 0;
        for (i, (source, url)) in sources.iter().enumerate() {
            // In submission order: one millisecond apart.
            let at = now.saturating_add(i as i64);
            queued += tx
                .execute(&insert, &[source, url, &at])
                .map_err(err(what))?;
        }
        tx.commit().map_err(err(what))?;
        Ok(queued)
    }
}
