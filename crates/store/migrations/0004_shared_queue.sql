-- 0004: the jobs table becomes a queue several processes share
-- (PostgreSQL; SQLite keeps its queue in the one process's memory and only
-- writes statuses here).
--
-- * jobs.client: who submitted the job (the rate limit's key).
-- * jobs.worker, jobs.lease_until: the process holding a running job and
--   until when; a lease that runs out puts the job back in the queue.
-- * jobs.attempts: how many times a worker took the job; after three the
--   job fails with its reason.
-- * One job per repository in flight: a unique index over the queued and
--   running rows (older duplicates, which only a crash could leave, fail).
-- * rate_limits: a token bucket per client shared by every instance, in
--   thousandths of a token.

ALTER TABLE jobs ADD COLUMN client TEXT;
ALTER TABLE jobs ADD COLUMN worker TEXT;
ALTER TABLE jobs ADD COLUMN lease_until INTEGER;
ALTER TABLE jobs ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;

UPDATE jobs SET status = 'failed', reason = 'the service restarted before this audit finished; run it again'
WHERE status IN ('queued', 'running')
  AND id NOT IN (SELECT max(id) FROM jobs WHERE status IN ('queued', 'running') GROUP BY source);
CREATE UNIQUE INDEX jobs_in_flight ON jobs (source) WHERE status IN ('queued', 'running');
CREATE INDEX jobs_by_lease ON jobs (status, lease_until);

CREATE TABLE rate_limits (
    client     TEXT    PRIMARY KEY,
    millitokens INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
