-- 0001: audits, their findings (with related locations) and notices.
--
-- Portable SQL on purpose (SQLite now, PostgreSQL later): integer keys,
-- TEXT, INTEGER (BIGINT in PostgreSQL) times in milliseconds since the Unix
-- epoch (UTC), no SQLite-only column types. Severity and confidence are the
-- names of the JSON report.

CREATE TABLE audits (
    id            INTEGER PRIMARY KEY,
    -- What was audited: a git URL or a directory's canonical path.
    source        TEXT    NOT NULL,
    -- The resolved commit, when known.
    commit_sha    TEXT,
    started_at    INTEGER NOT NULL,
    finished_at   INTEGER NOT NULL,
    files_scanned INTEGER NOT NULL CHECK (files_scanned >= 0),
    score         INTEGER NOT NULL CHECK (score BETWEEN 0 AND 100),
    grade         TEXT    NOT NULL CHECK (grade IN ('A', 'B', 'C', 'D', 'F')),
    critical      INTEGER NOT NULL DEFAULT 0,
    high          INTEGER NOT NULL DEFAULT 0,
    medium        INTEGER NOT NULL DEFAULT 0,
    low           INTEGER NOT NULL DEFAULT 0,
    info          INTEGER NOT NULL DEFAULT 0,
    tool_version  TEXT    NOT NULL
);
-- The latest audit of a source (the corpus view, badges) and of a commit.
CREATE INDEX audits_by_source ON audits (source, id);
CREATE INDEX audits_by_commit ON audits (source, commit_sha, id);

CREATE TABLE findings (
    id                INTEGER PRIMARY KEY,
    audit_id          INTEGER NOT NULL REFERENCES audits (id) ON DELETE CASCADE,
    -- Position in the report (findings are sorted by path, line, column, rule).
    ordinal           INTEGER NOT NULL,
    rule              TEXT    NOT NULL,
    severity          TEXT    NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low', 'info')),
    confidence        TEXT    NOT NULL CHECK (confidence IN ('high', 'medium', 'low')),
    message           TEXT    NOT NULL,
    path              TEXT    NOT NULL,
    line              INTEGER NOT NULL,
    col               INTEGER NOT NULL,
    end_line          INTEGER NOT NULL,
    end_col           INTEGER NOT NULL,
    fingerprint       TEXT    NOT NULL,
    fix_description   TEXT,
    fix_applicability TEXT CHECK (fix_applicability IN ('safe', 'unsafe', 'manual')),
    UNIQUE (audit_id, ordinal)
);
CREATE INDEX findings_by_rule ON findings (rule, audit_id);
CREATE INDEX findings_by_fingerprint ON findings (fingerprint);

CREATE TABLE related_locations (
    finding_id INTEGER NOT NULL REFERENCES findings (id) ON DELETE CASCADE,
    ordinal    INTEGER NOT NULL,
    path       TEXT    NOT NULL,
    line       INTEGER NOT NULL,
    col        INTEGER NOT NULL,
    message    TEXT    NOT NULL,
    PRIMARY KEY (finding_id, ordinal)
);

-- Files that could not be scanned, with why.
CREATE TABLE notices (
    audit_id INTEGER NOT NULL REFERENCES audits (id) ON DELETE CASCADE,
    ordinal  INTEGER NOT NULL,
    path     TEXT    NOT NULL,
    message  TEXT    NOT NULL,
    PRIMARY KEY (audit_id, ordinal)
);
