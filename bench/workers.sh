#!/usr/bin/env bash
# Audits per minute of the hosted audit's queue with 1, 2 and 4 workers, on
# PostgreSQL (that many instances sharing one database's `jobs` table) and
# on SQLite (one process, its in-process queue), against loopback git
# repositories (crates/service/benches/throughput.rs). A throw-away
# PostgreSQL server comes from .ci/with-postgres. See docs/PERFORMANCE.md.
#
#   bash bench/workers.sh                 # 40 repositories per run
#   BENCH_REPOS=100 BENCH_WORKERS=1,2,4,8 bash bench/workers.sh
#
# Results: target/bench-workers.tsv (and standard output).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== $(nproc) CPUs; $(git --version)" >&2
.ci/with-postgres cargo bench --locked -p skillaudit-service --bench throughput \
    | tee target/bench-workers.tsv
