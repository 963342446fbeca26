-- 0003: what the hosted audit needs to stay honest and bounded.
--
-- * audits.incomplete: a file was skipped because of a limit (the grade is
--   then at best C); notices.limit_skip marks those notices.
-- * audits.repository_ignores: findings the repository's own ignore
--   comments would have hidden (hosted audits disregard them).
-- * Findings beyond the per-audit caps are not stored one by one:
--   omitted_findings counts them per rule and file (path '' for a count
--   over several files), audits.omitted_findings is their total.
-- * audits.trust: 'untrusted' when the repository was scanned as someone
--   else's (hosted audits, fetched corpus sources: its ignore comments,
--   configuration and .gitignore disregarded), 'own' otherwise. Audits
--   stored before this migration honoured a repository's comments: 'own',
--   so the hosted audit never reuses them.
-- * jobs: the status of every submission, so that a job's page survives a
--   restart. Shaped to grow into a shared queue (a lease column, workers
--   claiming rows) without changing what is there.

ALTER TABLE audits ADD COLUMN incomplete INTEGER NOT NULL DEFAULT 0 CHECK (incomplete IN (0, 1));
ALTER TABLE audits ADD COLUMN repository_ignores INTEGER NOT NULL DEFAULT 0;
ALTER TABLE audits ADD COLUMN omitted_findings INTEGER NOT NULL DEFAULT 0;
ALTER TABLE audits ADD COLUMN trust TEXT NOT NULL DEFAULT 'own' CHECK (trust IN ('own', 'untrusted'));
ALTER TABLE notices ADD COLUMN limit_skip INTEGER NOT NULL DEFAULT 0 CHECK (limit_skip IN (0, 1));

CREATE TABLE omitted_findings (
    audit_id INTEGER NOT NULL REFERENCES audits (id) ON DELETE CASCADE,
    ordinal  INTEGER NOT NULL,
    rule     TEXT    NOT NULL,
    severity TEXT    NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low', 'info')),
    path     TEXT    NOT NULL,
    count    INTEGER NOT NULL CHECK (count > 0),
    PRIMARY KEY (audit_id, ordinal)
);
CREATE INDEX omitted_by_rule ON omitted_findings (rule, audit_id);

CREATE TABLE jobs (
    id          TEXT    PRIMARY KEY,
    -- The repository's name (the source of its audits) and the URL fetched.
    source      TEXT    NOT NULL,
    url         TEXT    NOT NULL,
    status      TEXT    NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    audit_id    INTEGER REFERENCES audits (id) ON DELETE SET NULL,
    reused      INTEGER NOT NULL DEFAULT 0 CHECK (reused IN (0, 1)),
    reason      TEXT,
    created_at  INTEGER NOT NULL,
    started_at  INTEGER,
    finished_at INTEGER
);
CREATE INDEX jobs_by_status ON jobs (status, created_at);
CREATE INDEX jobs_by_finish ON jobs (finished_at);
