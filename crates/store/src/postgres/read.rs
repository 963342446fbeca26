//! Reads of several queries, each in one read-only repeatable-read
//! transaction: an audit with its findings, the corpus view, a job.

use std::collections::HashMap;

use postgres::{Client, IsolationLevel, Row, Transaction};

use super::{count, err, opt_text, small, summary_row, text, SUMMARY_COLUMNS};
use crate::{
    severity, Audit, AuditId, CorpusStats, Counts, FindingRecord, FixRecord, GradeCount, JobRecord,
    JobState, NoticeRecord, OmittedRecord, RelatedRecord, Result, RuleStat, SourceLine, GRADES,
};

type PgResult<T> = std::result::Result<T, postgres::Error>;

/// The latest audit of every source: the repositories of the corpus view.
const LATEST: &str = "WITH latest AS (SELECT max(id) AS id FROM audits GROUP BY source)";

fn snapshot(c: &mut Client) -> Result<Transaction<'_>> {
    c.build_transaction()
        .read_only(true)
        .isolation_level(IsolationLevel::RepeatableRead)
        .start()
        .map_err(err("cannot start a transaction"))
}

fn rows<T>(
    tx: &mut Transaction<'_>,
    sql: &str,
    id: AuditId,
    what: &'static str,
    row: impl Fn(&Row) -> PgResult<T>,
) -> Result<Vec<T>> {
    tx.query(sql, &[&id.0])
        .and_then(|rs| rs.iter().map(row).collect())
        .map_err(err(what))
}

/// Rows keyed by their first column (a finding id).
fn by_finding<T>(
    tx: &mut Transaction<'_>,
    sql: &str,
    id: AuditId,
    what: &'static str,
    row: impl Fn(&Row) -> PgResult<T>,
) -> Result<HashMap<i64, Vec<T>>> {
    let mut out: HashMap<i64, Vec<T>> = HashMap::new();
    for (finding, value) in rows(tx, sql, id, what, |r| Ok((r.try_get(0)?, row(r)?)))? {
        out.entry(finding).or_default().push(value);
    }
    Ok(out)
}

pub(super) fn audit(c: &mut Client, id: AuditId) -> Result<Option<Audit>> {
    let mut tx = snapshot(c)?;
    let Some(summary) = tx
        .query_opt(
            &format!("SELECT {SUMMARY_COLUMNS} FROM audits a WHERE a.id = $1"),
            &[&id.0],
        )
        .and_then(|r| r.map(|r| summary_row(&r)).transpose())
        .map_err(err("cannot read the audit"))?
    else {
        return Ok(None);
    };
    let findings = findings(&mut tx, id)?;
    let notices = rows(
        &mut tx,
        "SELECT path, message, limit_skip FROM notices WHERE audit_id = $1 ORDER BY ordinal",
        id,
        "cannot read the notices",
        notice_row,
    )?;
    let omitted = rows(
        &mut tx,
        "SELECT rule, severity, path, count FROM omitted_findings WHERE audit_id = $1 ORDER BY ordinal",
        id,
        "cannot read the omitted findings",
        omitted_row,
    )?;
    tx.commit().map_err(err("cannot end a transaction"))?;
    Ok(Some(Audit {
        summary,
        findings,
        notices,
        omitted,
    }))
}

/// The findings of an audit, each with its related locations and source
/// lines.
fn findings(tx: &mut Transaction<'_>, id: AuditId) -> Result<Vec<FindingRecord>> {
    let mut related = by_finding(
        tx,
        "SELECT r.finding_id, r.path, r.line, r.col, r.message FROM related_locations r JOIN findings f ON f.id = r.finding_id
         WHERE f.audit_id = $1 ORDER BY r.finding_id, r.ordinal",
        id,
        "cannot read related locations",
        related_row,
    )?;
    let mut snippets = by_finding(
        tx,
        "SELECT l.finding_id, l.line, l.text, l.hl_start, l.hl_end FROM finding_lines l JOIN findings f ON f.id = l.finding_id
         WHERE f.audit_id = $1 ORDER BY l.finding_id, l.line",
        id,
        "cannot read source lines",
        source_line_row,
    )?;
    Ok(rows(
        tx,
        "SELECT id, rule, severity, confidence, message, path, line, col, end_line, end_col, fingerprint, fix_description, fix_applicability
         FROM findings WHERE audit_id = $1 ORDER BY ordinal",
        id,
        "cannot read the findings",
        finding_row,
    )?
    .into_iter()
    .map(|(fid, mut f)| {
        f.related = related.remove(&fid).unwrap_or_default();
        f.snippet = snippets.remove(&fid).unwrap_or_default();
        f
    })
    .collect())
}

/// A related location (after the finding id column).
fn related_row(r: &Row) -> PgResult<RelatedRecord> {
    Ok(RelatedRecord {
        path: text(r, 1)?,
        line: small(r.try_get(2)?),
        column: small(r.try_get(3)?),
        message: text(r, 4)?,
    })
}

/// A source line of a finding (after the finding id column).
fn source_line_row(r: &Row) -> PgResult<SourceLine> {
    let highlight = match (
        r.try_get::<_, Option<i64>>(3)?,
        r.try_get::<_, Option<i64>>(4)?,
    ) {
        (Some(a), Some(b)) => Some((small(a), small(b))),
        _ => None,
    };
    Ok(SourceLine {
        line: small(r.try_get(1)?),
        text: text(r, 2)?,
        highlight,
    })
}

/// A finding with its id, without its related locations and source lines.
fn finding_row(r: &Row) -> PgResult<(i64, FindingRecord)> {
    let fid: i64 = r.try_get(0)?;
    let fix = match (opt_text(r, 11)?, r.try_get::<_, Option<String>>(12)?) {
        (Some(description), Some(applicability)) => Some(FixRecord {
            description,
            applicability,
        }),
        _ => None,
    };
    Ok((
        fid,
        FindingRecord {
            rule: text(r, 1)?,
            severity: r.try_get(2)?,
            confidence: r.try_get(3)?,
            message: text(r, 4)?,
            path: text(r, 5)?,
            line: small(r.try_get(6)?),
            column: small(r.try_get(7)?),
            end_line: small(r.try_get(8)?),
            end_column: small(r.try_get(9)?),
            related: Vec::new(),
            fix,
            fingerprint: text(r, 10)?,
            snippet: Vec::new(),
        },
    ))
}

/// A notice of an audit.
fn notice_row(r: &Row) -> PgResult<NoticeRecord> {
    Ok(NoticeRecord {
        path: text(r, 0)?,
        message: text(r, 1)?,
        limit: r.try_get::<_, i64>(2)? != 0,
    })
}

/// A count of findings an audit omitted.
fn omitted_row(r: &Row) -> PgResult<OmittedRecord> {
    Ok(OmittedRecord {
        rule: text(r, 0)?,
        severity: r.try_get(1)?,
        path: text(r, 2)?,
        count: count(r.try_get(3)?),
    })
}

pub(super) fn corpus_stats(c: &mut Client) -> Result<CorpusStats> {
    let mut tx = snapshot(c)?;
    let (repositories, files_scanned, findings) = totals(&mut tx)?;
    let rules = rule_stats(&mut tx, repositories)?;
    let counted: HashMap<String, u64> = tx
        .query(
            &format!("{LATEST} SELECT a.grade, count(*) FROM audits a JOIN latest l ON l.id = a.id GROUP BY a.grade"),
            &[],
        )
        .and_then(|rs| {
            rs.iter()
                .map(|r| Ok((r.try_get(0)?, count(r.try_get(1)?))))
                .collect()
        })
        .map_err(err("cannot count the grades"))?;
    tx.commit().map_err(err("cannot end a transaction"))?;
    let grades = GRADES
        .iter()
        .map(|&g| GradeCount {
            grade: g,
            repositories: counted.get(&g.to_string()).copied().unwrap_or(0),
        })
        .collect();
    Ok(CorpusStats {
        repositories,
        files_scanned,
        findings,
        rules,
        grades,
    })
}

/// The corpus totals: repositories, files scanned and findings by severity.
fn totals(tx: &mut Transaction<'_>) -> Result<(u64, u64, Counts)> {
    let totals = tx
        .query_one(
            &format!(
                "{LATEST} SELECT count(*), CAST(coalesce(sum(a.files_scanned), 0) AS BIGINT), CAST(coalesce(sum(a.critical), 0) AS BIGINT),
                 CAST(coalesce(sum(a.high), 0) AS BIGINT), CAST(coalesce(sum(a.medium), 0) AS BIGINT),
                 CAST(coalesce(sum(a.low), 0) AS BIGINT), CAST(coalesce(sum(a.info), 0) AS BIGINT)
                 FROM audits a JOIN latest l ON l.id = a.id"
            ),
            &[],
        )
        .map_err(err("cannot compute the corpus totals"))?;
    let total = |i: usize| -> Result<u64> {
        totals
            .try_get::<_, i64>(i)
            .map(count)
            .map_err(err("cannot compute the corpus totals"))
    };
    Ok((
        total(0)?,
        total(1)?,
        Counts {
            critical: total(2)?,
            high: total(3)?,
            medium: total(4)?,
            low: total(5)?,
            info: total(6)?,
        },
    ))
}

/// Each rule's repositories (with their share of `repositories`) and
/// findings, most widespread first.
fn rule_stats(tx: &mut Transaction<'_>, repositories: u64) -> Result<Vec<RuleStat>> {
    let severity_rank = severity::rank_sql();
    tx.query(
        &format!(
            "{LATEST}, counted AS (
                   SELECT f.audit_id, f.rule, f.severity, 1 AS n FROM findings f JOIN latest l ON l.id = f.audit_id
                   UNION ALL
                   SELECT o.audit_id, o.rule, o.severity, o.count AS n FROM omitted_findings o JOIN latest l ON l.id = o.audit_id)
                 SELECT rule, CAST(max({severity_rank}) AS BIGINT) AS rank, count(DISTINCT audit_id) AS repositories, CAST(sum(n) AS BIGINT) AS findings
                 FROM counted GROUP BY rule ORDER BY repositories DESC, rank DESC, rule"
        ),
        &[],
    )
    .and_then(|rs| {
        rs.iter()
            .map(|r| {
                Ok(RuleStat::new(
                    text(r, 0)?,
                    r.try_get(1)?,
                    count(r.try_get(2)?),
                    repositories,
                    count(r.try_get(3)?),
                ))
            })
            .collect::<PgResult<Vec<_>>>()
    })
    .map_err(err("cannot compute the corpus view"))
}

pub(super) fn job(c: &mut Client, id: &str) -> Result<Option<JobRecord>> {
    let row = c
        .query_opt(
            "SELECT id, source, url, status, audit_id, reused, reason, created_at, started_at, finished_at FROM jobs WHERE id = $1",
            &[&id],
        )
        .map_err(err("cannot read the job"))?;
    row.map(|r| job_row(&r).map_err(err("cannot read the job")))
        .transpose()
}

fn job_row(r: &Row) -> PgResult<JobRecord> {
    let status: String = r.try_get(3)?;
    let state = match status.as_str() {
        "queued" => JobState::Queued,
        "running" => JobState::Running,
        "done" => JobState::Done {
            audit: AuditId(r.try_get::<_, Option<i64>>(4)?.unwrap_or(0)),
            reused: r.try_get::<_, i64>(5)? != 0,
        },
        _ => JobState::Failed {
            reason: r.try_get::<_, Option<String>>(6)?.unwrap_or_default(),
        },
    };
    Ok(JobRecord {
        id: r.try_get(0)?,
        source: r.try_get(1)?,
        url: r.try_get(2)?,
        state,
        created_at: r.try_get(7)?,
        started_at: r.try_get(8)?,
        finished_at: r.try_get(9)?,
    })
}
