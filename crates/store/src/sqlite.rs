//! The SQLite backend: one file (or memory), migrated on open.
//!
//! A file is opened in write-ahead-log mode with one writing connection
//! (behind a mutex: SQLite serialises writers anyway) and a pool of
//! read-only connections, so that pages read while an audit is written and
//! several pages read at once ([`MAX_IDLE_READERS`] kept open, more opened
//! when needed). A database in memory has only its one connection.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use rusqlite::{params, Connection, OpenFlags, OptionalExtension, Row};

use crate::{
    jobs, migrate, severity, Audit, AuditId, AuditSummary, CorpusStats, Counts, FindingRecord,
    FixRecord, GradeCount, JobRecord, JobState, NewAudit, NoticeRecord, OmittedRecord, Page,
    RelatedRecord, Result, RuleStat, SourceLine, Store, StoreError, GRADES,
};

/// Read-only connections kept open between reads.
pub const MAX_IDLE_READERS: usize = 8;

/// A SQLite database.
pub struct SqliteStore {
    conn: Mutex<Connection>,
    /// The file, for read-only connections (`None` in memory).
    path: Option<PathBuf>,
    readers: Mutex<Vec<Connection>>,
}

fn err(what: &'static str) -> impl Fn(rusqlite::Error) -> StoreError {
    move |e| StoreError(format!("{what}: {e}"))
}

/// The columns of an [`AuditSummary`], in [`summary_row`]'s order.
const SUMMARY_COLUMNS: &str =
    "a.id, a.source, a.commit_sha, a.started_at, a.finished_at, a.files_scanned, a.score, a.grade, a.critical, a.high, a.medium, a.low, a.info, a.tool_version, a.incomplete, a.repository_ignores, a.omitted_findings, a.trust";

/// The latest audit of every source: the repositories of the corpus view.
const LATEST: &str = "WITH latest AS (SELECT max(id) AS id FROM audits GROUP BY source)";

fn count(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

/// The rows of `sql` (whose first column is a finding id, and whose `?1` is
/// the audit) grouped by finding, each read by `row`, in the query's order.
fn by_finding<T>(
    conn: &Connection,
    sql: &str,
    audit: AuditId,
    what: &'static str,
    row: impl Fn(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<HashMap<i64, Vec<T>>> {
    let mut q = conn.prepare(sql).map_err(err(what))?;
    let rows = q
        .query_map([audit.0], |r| Ok((r.get::<_, i64>(0)?, row(r)?)))
        .map_err(err(what))?;
    let mut out: HashMap<i64, Vec<T>> = HashMap::new();
    for r in rows {
        let (finding, value) = r.map_err(err(what))?;
        out.entry(finding).or_default().push(value);
    }
    Ok(out)
}

fn summary_row(r: &Row<'_>) -> rusqlite::Result<AuditSummary> {
    let grade: String = r.get(7)?;
    Ok(AuditSummary {
        id: AuditId(r.get(0)?),
        source: r.get(1)?,
        commit: r.get(2)?,
        started_at: r.get(3)?,
        finished_at: r.get(4)?,
        files_scanned: count(r.get(5)?),
        score: r.get(6)?,
        grade: grade.chars().next().unwrap_or('?'),
        summary: Counts {
            critical: count(r.get(8)?),
            high: count(r.get(9)?),
            medium: count(r.get(10)?),
            low: count(r.get(11)?),
            info: count(r.get(12)?),
        },
        tool_version: r.get(13)?,
        incomplete: r.get(14)?,
        repository_ignores: count(r.get(15)?),
        omitted_findings: count(r.get(16)?),
        untrusted: r.get::<_, String>(17)? == "untrusted",
    })
}

impl SqliteStore {
    /// Open (creating when missing) the database file at `path` and bring
    /// its schema up to date.
    pub fn open(path: &Path) -> Result<SqliteStore> {
        if path.is_dir() {
            return Err(StoreError(format!(
                "{} is a directory; give the path of a database file",
                path.display()
            )));
        }
        let conn = Connection::open(path)
            .map_err(|e| StoreError(format!("cannot open the database {}: {e}", path.display())))?;
        // Several processes may share the file (a web server and a corpus run):
        // write-ahead logging lets readers go on while one writes.
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(|e| StoreError(format!("cannot open the database {}: {e}", path.display())))?;
        SqliteStore::init(conn, Some(path.to_path_buf()))
    }

    /// A database in memory, gone when dropped.
    pub fn in_memory() -> Result<SqliteStore> {
        SqliteStore::init(
            Connection::open_in_memory().map_err(err("cannot open a database in memory"))?,
            None,
        )
    }

    fn init(mut conn: Connection, path: Option<PathBuf>) -> Result<SqliteStore> {
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(err("cannot set the busy timeout"))?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(err("cannot enable foreign keys"))?;
        migrate::apply(&mut conn)?;
        Ok(SqliteStore {
            conn: Mutex::new(conn),
            path,
            readers: Mutex::new(Vec::new()),
        })
    }

    /// Run `f` on a read-only connection from the pool (the one connection
    /// of a database in memory).
    fn read<T>(&self, f: impl FnOnce(&mut Connection) -> Result<T>) -> Result<T> {
        let Some(path) = &self.path else {
            return f(&mut self.lock());
        };
        let idle = self.readers.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let mut conn = match idle {
            Some(c) => c,
            None => {
                let c = Connection::open_with_flags(
                    path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )
                .map_err(|e| {
                    StoreError(format!("cannot open the database {}: {e}", path.display()))
                })?;
                c.busy_timeout(std::time::Duration::from_secs(10))
                    .map_err(err("cannot set the busy timeout"))?;
                c
            }
        };
        let out = f(&mut conn);
        let mut idle = self.readers.lock().unwrap_or_else(|p| p.into_inner());
        if idle.len() < MAX_IDLE_READERS {
            idle.push(conn);
        }
        out
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<u32> {
        migrate::current(&self.lock())
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave a half-written audit
        // (transactions roll back on drop), so a poisoned lock is still usable.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn one_summary(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
    ) -> Result<Option<AuditSummary>> {
        self.read(|conn| {
            conn.query_row(sql, params, summary_row)
                .optional()
                .map_err(err("cannot read an audit"))
        })
    }
}

impl Store for SqliteStore {
    fn insert_audit(&self, a: &NewAudit) -> Result<AuditId> {
        let mut conn = self.lock();
        let tx = conn
            .transaction()
            .map_err(err("cannot start a transaction"))?;
        let s = &a.summary;
        tx.execute(
            "INSERT INTO audits (source, commit_sha, started_at, finished_at, files_scanned, score, grade, critical, high, medium, low, info, tool_version, incomplete, repository_ignores, omitted_findings, trust)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
            params![
                a.source,
                a.commit,
                a.started_at,
                a.finished_at,
                a.files_scanned as i64,
                a.score,
                a.grade.to_string(),
                s.critical as i64,
                s.high as i64,
                s.medium as i64,
                s.low as i64,
                s.info as i64,
                a.tool_version,
                a.incomplete,
                a.repository_ignores as i64,
                a.omitted.iter().map(|o| o.count).sum::<u64>() as i64,
                if a.untrusted { "untrusted" } else { "own" }
            ],
        )
        .map_err(err("cannot store the audit"))?;
        let id = tx.last_insert_rowid();
        insert_findings(&tx, id, &a.findings)?;
        insert_notices_and_omitted(&tx, id, a)?;
        tx.commit().map_err(err("cannot commit the audit"))?;
        Ok(AuditId(id))
    }

    fn audit(&self, id: AuditId) -> Result<Option<Audit>> {
        self.read(|conn| read_audit(conn, id))
    }

    fn audits(&self, page: Page) -> Result<Vec<AuditSummary>> {
        self.read(|conn| {
            let mut q = conn
                .prepare(&format!("SELECT {SUMMARY_COLUMNS} FROM audits a WHERE ?1 IS NULL OR a.id < ?1 ORDER BY a.id DESC LIMIT ?2"))
                .map_err(err("cannot read the audit history"))?;
            let rows = q
                .query_map(params![page.before.map(|b| b.0), page.limit], summary_row)
                .map_err(err("cannot read the audit history"))?;
            rows.collect::<rusqlite::Result<Vec<_>>>()
                .map_err(err("cannot read the audit history"))
        })
    }

    fn latest_for_source(&self, source: &str) -> Result<Option<AuditSummary>> {
        self.one_summary(&format!("SELECT {SUMMARY_COLUMNS} FROM audits a WHERE a.source = ?1 ORDER BY a.id DESC LIMIT 1"), [source])
    }

    fn latest_for_commit(&self, source: &str, commit: &str) -> Result<Option<AuditSummary>> {
        self.one_summary(
            &format!("SELECT {SUMMARY_COLUMNS} FROM audits a WHERE a.source = ?1 AND a.commit_sha = ?2 ORDER BY a.id DESC LIMIT 1"),
            [source, commit],
        )
    }

    fn previous_audit(&self, source: &str, before: AuditId) -> Result<Option<AuditSummary>> {
        self.one_summary(
            &format!("SELECT {SUMMARY_COLUMNS} FROM audits a WHERE a.source = ?1 AND a.id < ?2 ORDER BY a.id DESC LIMIT 1"),
            params![source, before.0],
        )
    }

    fn corpus_stats(&self) -> Result<CorpusStats> {
        self.read(corpus_stats)
    }

    fn health(&self) -> Result<()> {
        self.read(|conn| {
            conn.query_row("SELECT max(version) FROM schema_version", [], |r| {
                r.get::<_, Option<i64>>(0)
            })
            .map_err(err("cannot read the database"))?;
            Ok(())
        })?;
        // The writer too: a store that can be read but not written is not healthy.
        let conn = self.lock();
        conn.query_row("SELECT 1", [], |r| r.get::<_, i64>(0))
            .map_err(err("cannot use the database"))?;
        Ok(())
    }

    fn insert_job(&self, job: &JobRecord) -> Result<()> {
        jobs::insert(&self.lock(), job)
    }

    fn set_job_state(&self, id: &str, state: &JobState, at: i64) -> Result<()> {
        jobs::set_state(&self.lock(), id, state, at)
    }

    fn job(&self, id: &str) -> Result<Option<JobRecord>> {
        self.read(|conn| jobs::get(conn, id))
    }

    fn fail_unfinished_jobs(&self, reason: &str, at: i64) -> Result<u64> {
        jobs::fail_unfinished(&self.lock(), reason, at)
    }

    fn forget_jobs(&self, before: i64) -> Result<u64> {
        jobs::forget(&self.lock(), before)
    }
}

/// One audit with its findings, notices and omitted counts, in one read
/// transaction.
fn read_audit(conn: &mut Connection, id: AuditId) -> Result<Option<Audit>> {
    let tx = conn
        .transaction()
        .map_err(err("cannot start a transaction"))?;
    let Some(summary) = tx
        .query_row(
            &format!("SELECT {SUMMARY_COLUMNS} FROM audits a WHERE a.id = ?1"),
            [id.0],
            summary_row,
        )
        .optional()
        .map_err(err("cannot read the audit"))?
    else {
        return Ok(None);
    };
    let findings = findings(&tx, id)?;
    let notices = notices(&tx, id)?;
    let omitted = omitted(&tx, id)?;
    Ok(Some(Audit {
        summary,
        findings,
        notices,
        omitted,
    }))
}

/// Insert the findings of audit `id`, each with its related locations and
/// source lines.
fn insert_findings(
    tx: &rusqlite::Transaction<'_>,
    id: i64,
    findings: &[FindingRecord],
) -> Result<()> {
    let mut finding = tx
        .prepare(
            "INSERT INTO findings (audit_id, ordinal, rule, severity, confidence, message, path, line, col, end_line, end_col, fingerprint, fix_description, fix_applicability)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        )
        .map_err(err("cannot store the findings"))?;
    let mut related = tx
        .prepare("INSERT INTO related_locations (finding_id, ordinal, path, line, col, message) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        .map_err(err("cannot store the findings"))?;
    let mut line = tx
        .prepare("INSERT INTO finding_lines (finding_id, line, text, hl_start, hl_end) VALUES (?1, ?2, ?3, ?4, ?5)")
        .map_err(err("cannot store the findings"))?;
    for (i, f) in findings.iter().enumerate() {
        finding
            .execute(params![
                id,
                i as i64,
                f.rule,
                f.severity,
                f.confidence,
                f.message,
                f.path,
                f.line,
                f.column,
                f.end_line,
                f.end_column,
                f.fingerprint,
                f.fix.as_ref().map(|x| &x.description),
                f.fix.as_ref().map(|x| &x.applicability)
            ])
            .map_err(err("cannot store a finding"))?;
        let fid = tx.last_insert_rowid();
        for (j, r) in f.related.iter().enumerate() {
            related
                .execute(params![fid, j as i64, r.path, r.line, r.column, r.message])
                .map_err(err("cannot store a related location"))?;
        }
        for l in &f.snippet {
            line.execute(params![
                fid,
                l.line,
                l.text,
                l.highlight.map(|h| h.0),
                l.highlight.map(|h| h.1)
            ])
            .map_err(err("cannot store a source line"))?;
        }
    }
    Ok(())
}

/// Insert the notices and omitted-finding counts of audit `id`.
fn insert_notices_and_omitted(tx: &rusqlite::Transaction<'_>, id: i64, a: &NewAudit) -> Result<()> {
    let mut notice =
        tx.prepare("INSERT INTO notices (audit_id, ordinal, path, message, limit_skip) VALUES (?1, ?2, ?3, ?4, ?5)").map_err(err("cannot store the notices"))?;
    for (i, n) in a.notices.iter().enumerate() {
        notice
            .execute(params![id, i as i64, n.path, n.message, n.limit])
            .map_err(err("cannot store a notice"))?;
    }
    let mut omitted =
        tx.prepare("INSERT INTO omitted_findings (audit_id, ordinal, rule, severity, path, count) VALUES (?1, ?2, ?3, ?4, ?5, ?6)").map_err(err("cannot store the omitted findings"))?;
    for (i, o) in a.omitted.iter().enumerate() {
        omitted
            .execute(params![
                id,
                i as i64,
                o.rule,
                o.severity,
                o.path,
                o.count as i64
            ])
            .map_err(err("cannot store an omitted finding"))?;
    }
    Ok(())
}

/// The findings of an audit, each with its related locations and source
/// lines.
fn findings(tx: &rusqlite::Transaction<'_>, id: AuditId) -> Result<Vec<FindingRecord>> {
    let mut related = by_finding(
            tx,
            "SELECT r.finding_id, r.path, r.line, r.col, r.message FROM related_locations r JOIN findings f ON f.id = r.finding_id
             WHERE f.audit_id = ?1 ORDER BY r.finding_id, r.ordinal",
            id,
            "cannot read related locations",
            |r| Ok(RelatedRecord { path: r.get(1)?, line: r.get(2)?, column: r.get(3)?, message: r.get(4)? }),
        )?;
    let mut snippets = by_finding(
            tx,
            "SELECT l.finding_id, l.line, l.text, l.hl_start, l.hl_end FROM finding_lines l JOIN findings f ON f.id = l.finding_id
             WHERE f.audit_id = ?1 ORDER BY l.finding_id, l.line",
            id,
            "cannot read source lines",
            |r| {
                let highlight = match (r.get::<_, Option<u32>>(3)?, r.get::<_, Option<u32>>(4)?) {
                    (Some(a), Some(b)) => Some((a, b)),
                    _ => None,
                };
                Ok(SourceLine { line: r.get(1)?, text: r.get(2)?, highlight })
            },
        )?;
    let mut q = tx
            .prepare(
                "SELECT id, rule, severity, confidence, message, path, line, col, end_line, end_col, fingerprint, fix_description, fix_applicability
                 FROM findings WHERE audit_id = ?1 ORDER BY ordinal",
            )
            .map_err(err("cannot read the findings"))?;
    let rows = q
        .query_map([id.0], |r| {
            let fid: i64 = r.get(0)?;
            let fix = match (
                r.get::<_, Option<String>>(11)?,
                r.get::<_, Option<String>>(12)?,
            ) {
                (Some(description), Some(applicability)) => Some(FixRecord {
                    description,
                    applicability,
                }),
                _ => None,
            };
            Ok(FindingRecord {
                rule: r.get(1)?,
                severity: r.get(2)?,
                confidence: r.get(3)?,
                message: r.get(4)?,
                path: r.get(5)?,
                line: r.get(6)?,
                column: r.get(7)?,
                end_line: r.get(8)?,
                end_column: r.get(9)?,
                related: related.remove(&fid).unwrap_or_default(),
                fix,
                fingerprint: r.get(10)?,
                snippet: snippets.remove(&fid).unwrap_or_default(),
            })
        })
        .map_err(err("cannot read the findings"))?;
    rows.collect::<rusqlite::Result<Vec<_>>>()
        .map_err(err("cannot read a finding"))
}

/// The notices of an audit.
fn notices(tx: &rusqlite::Transaction<'_>, id: AuditId) -> Result<Vec<NoticeRecord>> {
    let mut q = tx
        .prepare(
            "SELECT path, message, limit_skip FROM notices WHERE audit_id = ?1 ORDER BY ordinal",
        )
        .map_err(err("cannot read the notices"))?;
    let rows = q
        .query_map([id.0], |r| {
            Ok(NoticeRecord {
                path: r.get(0)?,
                message: r.get(1)?,
                limit: r.get(2)?,
            })
        })
        .map_err(err("cannot read the notices"))?;
    rows.collect::<rusqlite::Result<Vec<_>>>()
        .map_err(err("cannot read a notice"))
}

/// The counts of findings an audit omitted.
fn omitted(tx: &rusqlite::Transaction<'_>, id: AuditId) -> Result<Vec<OmittedRecord>> {
    let mut q = tx
            .prepare("SELECT rule, severity, path, count FROM omitted_findings WHERE audit_id = ?1 ORDER BY ordinal")
            .map_err(err("cannot read the omitted findings"))?;
    let rows = q
        .query_map([id.0], |r| {
            Ok(OmittedRecord {
                rule: r.get(0)?,
                severity: r.get(1)?,
                path: r.get(2)?,
                count: count(r.get(3)?),
            })
        })
        .map_err(err("cannot read the omitted findings"))?;
    rows.collect::<rusqlite::Result<Vec<_>>>()
        .map_err(err("cannot read an omitted finding"))
}

fn corpus_stats(conn: &mut Connection) -> Result<CorpusStats> {
    // One read transaction: the three queries see the same audits.
    let tx = conn
        .transaction()
        .map_err(err("cannot start a transaction"))?;
    let (repositories, files_scanned, findings) = tx
            .query_row(
                &format!(
                    "{LATEST} SELECT count(*), coalesce(sum(a.files_scanned), 0), coalesce(sum(a.critical), 0), coalesce(sum(a.high), 0),
                     coalesce(sum(a.medium), 0), coalesce(sum(a.low), 0), coalesce(sum(a.info), 0)
                     FROM audits a JOIN latest l ON l.id = a.id"
                ),
                [],
                |r| {
                    Ok((
                        count(r.get(0)?),
                        count(r.get(1)?),
                        Counts { critical: count(r.get(2)?), high: count(r.get(3)?), medium: count(r.get(4)?), low: count(r.get(5)?), info: count(r.get(6)?) },
                    ))
                },
            )
            .map_err(err("cannot compute the corpus totals"))?;
    let rules = rule_stats(&tx, repositories)?;
    let grades = grade_counts(&tx)?;
    Ok(CorpusStats {
        repositories,
        files_scanned,
        findings,
        rules,
        grades,
    })
}

/// Each rule's repositories (with their share of `repositories`) and
/// findings, most widespread first.
fn rule_stats(tx: &rusqlite::Transaction<'_>, repositories: u64) -> Result<Vec<RuleStat>> {
    // A repository counts once per rule, however many findings it has.
    let severity_rank = severity::rank_sql();
    let mut q = tx
            .prepare(&format!(
                "{LATEST}, counted AS (
                   SELECT f.audit_id, f.rule, f.severity, 1 AS n FROM findings f JOIN latest l ON l.id = f.audit_id
                   UNION ALL
                   SELECT o.audit_id, o.rule, o.severity, o.count AS n FROM omitted_findings o JOIN latest l ON l.id = o.audit_id)
                 SELECT rule, max({severity_rank}) AS rank, count(DISTINCT audit_id) AS repositories, sum(n) AS findings
                 FROM counted GROUP BY rule ORDER BY repositories DESC, rank DESC, rule"
            ))
            .map_err(err("cannot compute the corpus view"))?;
    let rows = q
        .query_map([], |r| {
            Ok(RuleStat::new(
                r.get(0)?,
                r.get(1)?,
                count(r.get(2)?),
                repositories,
                count(r.get(3)?),
            ))
        })
        .map_err(err("cannot compute the corpus view"))?;
    rows.collect::<rusqlite::Result<Vec<_>>>()
        .map_err(err("cannot compute the corpus view"))
}

/// The repositories of each grade, in [`GRADES`] order.
fn grade_counts(tx: &rusqlite::Transaction<'_>) -> Result<Vec<GradeCount>> {
    let mut q = tx
            .prepare(&format!("{LATEST} SELECT a.grade, count(*) FROM audits a JOIN latest l ON l.id = a.id GROUP BY a.grade"))
            .map_err(err("cannot count the grades"))?;
    let rows = q
        .query_map([], |r| Ok((r.get::<_, String>(0)?, count(r.get(1)?))))
        .map_err(err("cannot count the grades"))?;
    let counted: HashMap<String, u64> = rows
        .collect::<rusqlite::Result<_>>()
        .map_err(err("cannot count the grades"))?;
    Ok(GRADES
        .iter()
        .map(|&g| GradeCount {
            grade: g,
            repositories: counted.get(&g.to_string()).copied().unwrap_or(0),
        })
        .collect())
}
