//! The PostgreSQL backend: a server shared by several processes (web
//! instances, workers, corpus crawls), reached through a pool of
//! connections (`r2d2`), migrated on open under an advisory lock.
//!
//! The schema is the same numbered files as SQLite's
//! ([`migrate::postgres_sql`] turns row-id keys into identity columns and
//! `INTEGER` into `BIGINT`); new ids come back with `RETURNING id`. Reads
//! of several queries (an audit, the corpus view) run in one read-only
//! repeatable-read transaction, so they see one state of the database.
//! The shared queue and rate limit are in [`queue`](self::queue).
//!
//! Connections are plain (no TLS in this build): use a Unix socket
//! (`postgresql:///skillaudit?host=/run/postgresql`) or a private network.

mod queue;
mod read;

use std::time::Duration;

use postgres::{Client, GenericClient, NoTls, Row, Transaction};
use r2d2_postgres::PostgresConnectionManager;

use crate::{
    migrate, Audit, AuditId, AuditSummary, CorpusStats, Counts, FindingRecord, JobQueue, JobRecord,
    JobState, NewAudit, Page, Result, Store, StoreError,
};

type Pool = r2d2::Pool<PostgresConnectionManager<NoTls>>;
type Conn = r2d2::PooledConnection<PostgresConnectionManager<NoTls>>;

/// Connections kept by one process: its workers, the web handlers and the
/// lease keeper.
pub const POOL_SIZE: u32 = 16;
/// How long waiting for a pooled connection may take (a database that
/// went away answers requests within this).
const POOL_WAIT: Duration = Duration::from_secs(5);
/// How long opening a connection may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The advisory lock held while migrating ("skilaudt" in ASCII).
const MIGRATION_LOCK: i64 = 0x736b_696c_6175_6474;

/// A PostgreSQL database.
pub struct PostgresStore {
    /// `Some` until the store is dropped ([`Drop`] takes it).
    pool: Option<Pool>,
    /// The URL with its password masked, for messages.
    shown: String,
}

pub(crate) fn err(what: &'static str) -> impl Fn(postgres::Error) -> StoreError {
    move |e| StoreError(format!("{what}: {}", describe(&e)))
}

/// A driver error in one line: the server's message when there is one.
fn describe(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{}: {}", db.severity(), db.message()),
        None => {
            let mut s = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(inner) = source {
                let text = inner.to_string();
                if !s.contains(&text) {
                    s = format!("{s}: {text}");
                }
                source = inner.source();
            }
            s
        }
    }
}

/// `url` with its password (in the user information or a `password=`
/// parameter) replaced by `***`, so that it can be shown.
pub fn redact_url(url: &str) -> String {
    let mut out = url.to_string();
    if let Some(start) = out.find("://").map(|i| i + 3) {
        let end = out[start..]
            .find(['/', '?'])
            .map_or(out.len(), |i| start + i);
        if let Some(at) = out[start..end].rfind('@').map(|i| start + i) {
            if let Some(colon) = out[start..at].find(':').map(|i| start + i) {
                out.replace_range(colon + 1..at, "***");
            }
        }
    }
    if let Some(q) = out.find('?') {
        let (head, query) = out.split_at(q + 1);
        let masked: Vec<String> = query
            .split('&')
            .map(|kv| match kv.split_once('=') {
                Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                _ => kv.to_string(),
            })
            .collect();
        out = format!("{head}{}", masked.join("&"));
    }
    out
}

/// PostgreSQL's text cannot hold a NUL character, which a hostile
/// repository's file can: text is stored with NUL written as the
/// private-use character U+E000 followed by `0`, and U+E000 itself
/// doubled, so that every string reads back exactly as it was written.
const ESC: char = '\u{E000}';

pub(crate) fn enc(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains(['\0', ESC]) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        match c {
            '\0' => {
                out.push(ESC);
                out.push('0');
            }
            ESC => {
                out.push(ESC);
                out.push(ESC);
            }
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

pub(crate) fn dec(s: String) -> String {
    if !s.contains(ESC) {
        return s;
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != ESC {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('0') => out.push('\0'),
            Some(other) => out.push(other),
            None => out.push(ESC),
        }
    }
    out
}

/// A text column, decoded ([`enc`]).
pub(crate) fn text(r: &Row, i: usize) -> std::result::Result<String, postgres::Error> {
    r.try_get::<_, String>(i).map(dec)
}

/// A nullable text column, decoded.
pub(crate) fn opt_text(r: &Row, i: usize) -> std::result::Result<Option<String>, postgres::Error> {
    Ok(r.try_get::<_, Option<String>>(i)?.map(dec))
}

fn count(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

fn small(v: i64) -> u32 {
    u32::try_from(v).unwrap_or(0)
}

/// The variable naming a file that holds the database password (a
/// container secret), used when the URL has none: the password then
/// appears in no command line and no environment.
pub const PASSWORD_FILE_VAR: &str = "SKILLAUDIT_DB_PASSWORD_FILE";

/// The password from [`PASSWORD_FILE_VAR`]'s file (without a final line
/// break) when the URL gives none.
fn read_password_file(config: &mut postgres::Config) -> Result<()> {
    if config.get_password().is_some() {
        return Ok(());
    }
    let Some(path) = std::env::var_os(PASSWORD_FILE_VAR) else {
        return Ok(());
    };
    let path = std::path::PathBuf::from(path);
    let password = std::fs::read_to_string(&path).map_err(|e| {
        StoreError(format!(
            "cannot read the database password from {} ({PASSWORD_FILE_VAR}): {e}",
            path.display()
        ))
    })?;
    config.password(password.trim_end_matches(['\n', '\r']));
    Ok(())
}

impl Drop for PostgresStore {
    /// `postgres::Client` closes its connection with a blocking call that
    /// panics on an async runtime's thread, where a web server drops its
    /// last reference to the store: the pool is dropped on a thread of its
    /// own.
    fn drop(&mut self) {
        let Some(pool) = self.pool.take() else {
            return;
        };
        let (tx, rx) = std::sync::mpsc::channel::<Pool>();
        match std::thread::Builder::new()
            .name("postgres-close".into())
            .spawn(move || drop(rx.recv()))
        {
            Ok(closer) => {
                if let Err(unsent) = tx.send(pool) {
                    // The closer is gone: leave the connections to the
                    // server's end of the sockets.
                    std::mem::forget(unsent.0);
                }
                let _ = closer.join();
            }
            // No thread: the connections end with the process.
            Err(_) => std::mem::forget(pool),
        }
    }
}

impl PostgresStore {
    /// Connect to the database at `url` (`postgres://user:password@host:port/db`,
    /// or `postgresql:///db?host=/socket/dir`) and bring its schema up to
    /// date. An invalid URL, an unreachable server, a refused login and a
    /// database newer than this program are errors that say which. A URL
    /// without a password takes it from the file named by
    /// [`PASSWORD_FILE_VAR`] when that is set.
    pub fn open(url: &str) -> Result<PostgresStore> {
        let shown = redact_url(url);
        let mut config: postgres::Config = url.parse().map_err(|e: postgres::Error| {
            StoreError(format!(
                "{shown} is not a valid PostgreSQL URL ({}); expected postgres://USER:PASSWORD@HOST:PORT/DATABASE",
                describe(&e)
            ))
        })?;
        read_password_file(&mut config)?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        if config.get_application_name().is_none() {
            config.application_name("skillaudit");
        }
        // One direct connection first: its error is the clearest, and the
        // migrations run on it.
        let mut client = config.connect(NoTls).map_err(|e| {
            StoreError(format!(
                "cannot connect to PostgreSQL at {shown}: {}",
                describe(&e)
            ))
        })?;
        apply_migrations(&mut client).map_err(|e| StoreError(format!("{shown}: {e}")))?;
        drop(client);
        let pool = r2d2::Pool::builder()
            .max_size(POOL_SIZE)
            .min_idle(Some(1))
            .connection_timeout(POOL_WAIT)
            .build_unchecked(PostgresConnectionManager::new(config, NoTls));
        Ok(PostgresStore {
            pool: Some(pool),
            shown,
        })
    }

    /// A connection from the pool (a broken one is replaced).
    pub(crate) fn conn(&self) -> Result<Conn> {
        let pool = self
            .pool
            .as_ref()
            .ok_or_else(|| StoreError("the PostgreSQL store is closed".into()))?;
        pool.get()
            .map_err(|e| StoreError(format!("cannot reach PostgreSQL at {}: {e}", self.shown)))
    }

    /// The schema version of the database.
    pub fn schema_version(&self) -> Result<u32> {
        let mut c = self.conn()?;
        current(&mut *c)
    }

    fn one_summary(
        &self,
        sql: &str,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> Result<Option<AuditSummary>> {
        let mut c = self.conn()?;
        let row = c
            .query_opt(sql, params)
            .map_err(err("cannot read an audit"))?;
        row.map(|r| summary_row(&r).map_err(err("cannot read an audit")))
            .transpose()
    }
}

const VERSION_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_version (
    version    BIGINT PRIMARY KEY,
    name       TEXT   NOT NULL,
    applied_at BIGINT NOT NULL
)";

fn current(c: &mut impl GenericClient) -> Result<u32> {
    c.batch_execute(VERSION_TABLE)
        .map_err(err("cannot create the schema_version table"))?;
    let v: Option<i64> = c
        .query_one("SELECT max(version) FROM schema_version", &[])
        .and_then(|r| r.try_get(0))
        .map_err(err("cannot read the schema version"))?;
    Ok(v.map_or(0, small))
}

/// Bring the database to [`migrate::latest`] in one transaction holding an
/// advisory lock, so that instances starting together migrate it once.
fn apply_migrations(client: &mut Client) -> Result<Vec<u32>> {
    let mut tx = client
        .transaction()
        .map_err(err("cannot start the migration"))?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .map_err(err("cannot lock the database to migrate it"))?;
    let at = current(&mut tx)?;
    if at > migrate::latest() {
        return Err(StoreError(format!(
            "the database is at schema version {at}, newer than this skillaudit knows ({}); use a newer skillaudit",
            migrate::latest()
        )));
    }
    let mut applied = Vec::new();
    for m in migrate::MIGRATIONS.iter().filter(|m| m.version > at) {
        tx.batch_execute(&migrate::postgres_sql(m.sql))
            .map_err(|e| StoreError(format!("migration {} failed: {}", m.name, describe(&e))))?;
        tx.execute(
            "INSERT INTO schema_version (version, name, applied_at) VALUES ($1, $2, $3)",
            &[&i64::from(m.version), &m.name, &crate::now_ms()],
        )
        .map_err(err("cannot record the migration"))?;
        applied.push(m.version);
    }
    tx.commit().map_err(err("cannot commit the migration"))?;
    Ok(applied)
}

/// The columns of an [`AuditSummary`], in [`summary_row`]'s order.
pub(crate) const SUMMARY_COLUMNS: &str =
    "a.id, a.source, a.commit_sha, a.started_at, a.finished_at, a.files_scanned, a.score, a.grade, a.critical, a.high, a.medium, a.low, a.info, a.tool_version, a.incomplete, a.repository_ignores, a.omitted_findings, a.trust";

pub(crate) fn summary_row(r: &Row) -> std::result::Result<AuditSummary, postgres::Error> {
    let grade: String = r.try_get(7)?;
    Ok(AuditSummary {
        id: AuditId(r.try_get(0)?),
        source: text(r, 1)?,
        commit: opt_text(r, 2)?,
        started_at: r.try_get(3)?,
        finished_at: r.try_get(4)?,
        files_scanned: count(r.try_get(5)?),
        score: small(r.try_get(6)?),
        grade: grade.chars().next().unwrap_or('?'),
        summary: Counts {
            critical: count(r.try_get(8)?),
            high: count(r.try_get(9)?),
            medium: count(r.try_get(10)?),
            low: count(r.try_get(11)?),
            info: count(r.try_get(12)?),
        },
        tool_version: text(r, 13)?,
        incomplete: r.try_get::<_, i64>(14)? != 0,
        repository_ignores: count(r.try_get(15)?),
        omitted_findings: count(r.try_get(16)?),
        untrusted: r.try_get::<_, String>(17)? == "untrusted",
    })
}

fn big(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// Insert `a` with everything it holds inside `tx`; its new id.
pub(crate) fn insert_audit_in(tx: &mut Transaction<'_>, a: &NewAudit) -> Result<AuditId> {
    let s = &a.summary;
    let omitted: u64 = a.omitted.iter().map(|o| o.count).sum();
    let id: i64 = tx
        .query_one(
            "INSERT INTO audits (source, commit_sha, started_at, finished_at, files_scanned, score, grade, critical, high, medium, low, info, tool_version, incomplete, repository_ignores, omitted_findings, trust)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id",
            &[
                &enc(&a.source),
                &a.commit.as_deref().map(enc),
                &a.started_at,
                &a.finished_at,
                &big(a.files_scanned),
                &i64::from(a.score),
                &a.grade.to_string(),
                &big(s.critical),
                &big(s.high),
                &big(s.medium),
                &big(s.low),
                &big(s.info),
                &enc(&a.tool_version),
                &i64::from(a.incomplete),
                &big(a.repository_ignores),
                &big(omitted),
                &if a.untrusted { "untrusted" } else { "own" },
            ],
        )
        .and_then(|r| r.try_get(0))
        .map_err(err("cannot store the audit"))?;
    insert_findings(tx, id, &a.findings)?;
    insert_notices_and_omitted(tx, id, a)?;
    Ok(AuditId(id))
}

/// Insert the findings of audit `id`, each with its related locations and
/// source lines.
fn insert_findings(tx: &mut Transaction<'_>, id: i64, findings: &[FindingRecord]) -> Result<()> {
    let finding = tx
        .prepare(
            "INSERT INTO findings (audit_id, ordinal, rule, severity, confidence, message, path, line, col, end_line, end_col, fingerprint, fix_description, fix_applicability)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
        )
        .map_err(err("cannot store the findings"))?;
    let related = tx
        .prepare("INSERT INTO related_locations (finding_id, ordinal, path, line, col, message) VALUES ($1, $2, $3, $4, $5, $6)")
        .map_err(err("cannot store the findings"))?;
    let line = tx
        .prepare("INSERT INTO finding_lines (finding_id, line, text, hl_start, hl_end) VALUES ($1, $2, $3, $4, $5)")
        .map_err(err("cannot store the findings"))?;
    for (i, f) in findings.iter().enumerate() {
        let fid: i64 = tx
            .query_one(
                &finding,
                &[
                    &id,
                    &(i as i64),
                    &enc(&f.rule),
                    &f.severity,
                    &f.confidence,
                    &enc(&f.message),
                    &enc(&f.path),
                    &i64::from(f.line),
                    &i64::from(f.column),
                    &i64::from(f.end_line),
                    &i64::from(f.end_column),
                    &enc(&f.fingerprint),
                    &f.fix.as_ref().map(|x| enc(&x.description)),
                    &f.fix.as_ref().map(|x| x.applicability.as_str()),
                ],
            )
            .and_then(|r| r.try_get(0))
            .map_err(err("cannot store a finding"))?;
        for (j, r) in f.related.iter().enumerate() {
            tx.execute(
                &related,
                &[
                    &fid,
                    &(j as i64),
                    &enc(&r.path),
                    &i64::from(r.line),
                    &i64::from(r.column),
                    &enc(&r.message),
                ],
            )
            .map_err(err("cannot store a related location"))?;
        }
        for l in &f.snippet {
            tx.execute(
                &line,
                &[
                    &fid,
                    &i64::from(l.line),
                    &enc(&l.text),
                    &l.highlight.map(|h| i64::from(h.0)),
                    &l.highlight.map(|h| i64::from(h.1)),
                ],
            )
            .map_err(err("cannot store a source line"))?;
        }
    }
    Ok(())
}

/// Insert the notices and omitted-finding counts of audit `id`.
fn insert_notices_and_omitted(tx: &mut Transaction<'_>, id: i64, a: &NewAudit) -> Result<()> {
    for (i, n) in a.notices.iter().enumerate() {
        tx.execute(
            "INSERT INTO notices (audit_id, ordinal, path, message, limit_skip) VALUES ($1, $2, $3, $4, $5)",
            &[&id, &(i as i64), &enc(&n.path), &enc(&n.message), &i64::from(n.limit)],
        )
        .map_err(err("cannot store a notice"))?;
    }
    for (i, o) in a.omitted.iter().enumerate() {
        tx.execute(
            "INSERT INTO omitted_findings (audit_id, ordinal, rule, severity, path, count) VALUES ($1, $2, $3, $4, $5, $6)",
            &[&id, &(i as i64), &enc(&o.rule), &o.severity, &enc(&o.path), &big(o.count)],
        )
        .map_err(err("cannot store an omitted finding"))?;
    }
    Ok(())
}

/// A job's state as its columns: (audit, reused, reason).
fn job_parts(state: &JobState) -> (Option<i64>, i64, Option<&str>) {
    match state {
        JobState::Done { audit, reused } => (Some(audit.0), i64::from(*reused), None),
        JobState::Failed { reason } => (None, 0, Some(reason.as_str())),
        _ => (None, 0, None),
    }
}

impl Store for PostgresStore {
    fn insert_audit(&self, a: &NewAudit) -> Result<AuditId> {
        let mut c = self.conn()?;
        let mut tx = c.transaction().map_err(err("cannot start a transaction"))?;
        let id = insert_audit_in(&mut tx, a)?;
        tx.commit().map_err(err("cannot commit the audit"))?;
        Ok(id)
    }

    fn audit(&self, id: AuditId) -> Result<Option<Audit>> {
        read::audit(&mut *self.conn()?, id)
    }

    fn audits(&self, page: Page) -> Result<Vec<AuditSummary>> {
        let mut c = self.conn()?;
        let rows = c
            .query(
                &format!("SELECT {SUMMARY_COLUMNS} FROM audits a WHERE $1::BIGINT IS NULL OR a.id < $1 ORDER BY a.id DESC LIMIT $2"),
                &[&page.before.map(|b| b.0), &i64::from(page.limit)],
            )
            .map_err(err("cannot read the audit history"))?;
        rows.iter()
            .map(|r| summary_row(r).map_err(err("cannot read the audit history")))
            .collect()
    }

    fn latest_for_source(&self, source: &str) -> Result<Option<AuditSummary>> {
        self.one_summary(
            &format!("SELECT {SUMMARY_COLUMNS} FROM audits a WHERE a.source = $1 ORDER BY a.id DESC LIMIT 1"),
            &[&enc(source)],
        )
    }

    fn latest_for_commit(&self, source: &str, commit: &str) -> Result<Option<AuditSummary>> {
        self.one_summary(
            &format!("SELECT {SUMMARY_COLUMNS} FROM audits a WHERE a.source = $1 AND a.commit_sha = $2 ORDER BY a.id DESC LIMIT 1"),
            &[&enc(source), &enc(commit)],
        )
    }

    fn corpus_stats(&self) -> Result<CorpusStats> {
        read::corpus_stats(&mut *self.conn()?)
    }

    fn previous_audit(&self, source: &str, before: AuditId) -> Result<Option<AuditSummary>> {
        self.one_summary(
            &format!("SELECT {SUMMARY_COLUMNS} FROM audits a WHERE a.source = $1 AND a.id < $2 ORDER BY a.id DESC LIMIT 1"),
            &[&enc(source), &before.0],
        )
    }

    fn health(&self) -> Result<()> {
        let mut c = self.conn()?;
        c.query_one("SELECT max(version) FROM schema_version", &[])
            .map_err(err("cannot read the database"))?;
        Ok(())
    }

    fn insert_job(&self, job: &JobRecord) -> Result<()> {
        let (audit, reused, reason) = job_parts(&job.state);
        self.conn()?
            .execute(
                "INSERT INTO jobs (id, source, url, status, audit_id, reused, reason, created_at, started_at, finished_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                &[&job.id, &job.source, &job.url, &job.state.name(), &audit, &reused, &reason, &job.created_at, &job.started_at, &job.finished_at],
            )
            .map_err(err("cannot record the job"))?;
        Ok(())
    }

    fn set_job_state(&self, id: &str, state: &JobState, at: i64) -> Result<()> {
        let mut c = self.conn()?;
        let done = match state {
            JobState::Queued => c.execute(
                "UPDATE jobs SET status = 'queued', started_at = NULL WHERE id = $1",
                &[&id],
            ),
            JobState::Running => c.execute(
                "UPDATE jobs SET status = 'running', started_at = $2 WHERE id = $1",
                &[&id, &at],
            ),
            JobState::Done { audit, reused } => c.execute(
                "UPDATE jobs SET status = 'done', audit_id = $2, reused = $3, finished_at = $4 WHERE id = $1",
                &[&id, &audit.0, &i64::from(*reused), &at],
            ),
            JobState::Failed { reason } => c.execute(
                "UPDATE jobs SET status = 'failed', reason = $2, finished_at = $3 WHERE id = $1",
                &[&id, reason, &at],
            ),
        };
        done.map_err(err("cannot record the job's state"))?;
        Ok(())
    }

    fn job(&self, id: &str) -> Result<Option<JobRecord>> {
        read::job(&mut *self.conn()?, id)
    }

    fn fail_unfinished_jobs(&self, reason: &str, at: i64) -> Result<u64> {
        self.conn()?
            .execute(
                "UPDATE jobs SET status = 'failed', reason = $1, finished_at = $2, worker = NULL, lease_until = NULL WHERE status IN ('queued', 'running')",
                &[&reason, &at],
            )
            .map_err(err("cannot close unfinished jobs"))
    }

    fn forget_jobs(&self, before: i64) -> Result<u64> {
        self.conn()?
            .execute(
                "DELETE FROM jobs WHERE finished_at IS NOT NULL AND finished_at < $1",
                &[&before],
            )
            .map_err(err("cannot forget old jobs"))
    }

    fn queue(&self) -> Option<&dyn JobQueue> {
        Some(self)
    }
}

#[cfg(test)]
mod tests {
    use super::{dec, enc, redact_url};

    #[test]
    fn text_with_nul_round_trips() {
        for s in [
            "plain",
            "nul\0end",
            "\u{E000}",
            "\u{E000}0",
            "a\0\u{E000}\0",
            "",
        ] {
            let e = enc(s);
            assert!(!e.contains('\0'));
            assert_eq!(dec(e.into_owned()), s);
        }
    }

    #[test]
    fn passwords_are_masked() {
        assert_eq!(
            redact_url("postgres://app:s3cret-Value@db.internal:5432/audits"),
            "postgres://app:***@db.internal:5432/audits"
        );
        assert_eq!(
            redact_url("postgresql:///audits?host=/run/pg&password=hunter22&user=a"),
            "postgresql:///audits?host=/run/pg&password=***&user=a"
        );
        assert_eq!(
            redact_url("postgres://app@db/audits"),
            "postgres://app@db/audits"
        );
        assert_eq!(redact_url("postgres://a:b@c:d@h/x"), "postgres://a:***@h/x");
    }
}
