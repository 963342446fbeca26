#!/usr/bin/env bash
# The code half of the benchmark (docs/PERFORMANCE.md, "Source code"):
# skillaudit against Semgrep on the TypeScript/JavaScript, Python and Go
# source of ../shared/corpus, in one run. bench/compare.sh calls it after the
# container measurements; it also runs alone (it builds the release binary
# and reuses bench/.venv's Semgrep when compare.sh installed it).
#
# Environment knobs (defaults in brackets):
#   REPS [5]            runs of each skillaudit measurement (median reported)
#   SLOW_REPS [3]       runs of Semgrep
#   SEMGREP_CODE_CONFIG [bench/semgrep/code-rules.yaml]  local rules modelled
#                       on the registry's JS/Python/Go security packs (the
#                       registry needs the network)
#   SKIP_BUILD [0]      1: use target/release/skillaudit as it is
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
REPS=${REPS:-5}
SLOW_REPS=${SLOW_REPS:-3}
SEMGREP_CODE_CONFIG=${SEMGREP_CODE_CONFIG:-bench/semgrep/code-rules.yaml}
SA=$ROOT/target/release/skillaudit
SEMGREP=$ROOT/bench/.venv/bin/semgrep
SRC=target/bench-code
RESULTS=target/bench-code-results.tsv
SA_ARGS="scan --format json --fail-on never"

log() { printf '\n== %s\n' "$*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }

[[ ${SKIP_BUILD:-0} == 1 ]] || cargo build --release >&2
[[ -d ../shared/corpus ]] || { echo "../shared/corpus is missing: nothing to measure" >&2; exit 2; }

# ---------------------------------------------------------------- corpus
# Only the source files, with their paths, so neither tool spends time on
# anything else; copies 1..4 for the growth measurement.
log "source corpus"
rm -rf "$SRC"
mkdir -p "$SRC/copy-1"
(cd ../shared/corpus && find . -type f \( -name '*.ts' -o -name '*.tsx' -o -name '*.mts' -o -name '*.cts' \
    -o -name '*.js' -o -name '*.jsx' -o -name '*.mjs' -o -name '*.cjs' -o -name '*.py' -o -name '*.go' \) \
    -print0 | xargs -0 cp --parents -t "$ROOT/$SRC/copy-1")
for i in 2 3 4; do cp -r "$SRC/copy-1" "$SRC/copy-$i"; done
ONE_BYTES=$(du -sb "$SRC/copy-1" | cut -f1)
ONE_FILES=$(find "$SRC/copy-1" -type f | wc -l)
echo "one copy: $ONE_FILES files, $((ONE_BYTES / 1048576)) MiB" >&2
find "$SRC" -type f -print0 | xargs -0 cat >/dev/null

# ---------------------------------------------------------------- timing
: > "$RESULTS"
measure() {
  local key=$1 reps=$2 desc=$3 cmd=$4 line
  echo "timing $key: $desc" >&2
  if have hyperfine; then
    hyperfine --warmup 1 --runs "$reps" --ignore-failure --style none --export-json "target/hf-$key.json" "$cmd" >/dev/null 2>&1
    line=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.4f %.4f %.4f %.4f" % (r["median"], r["min"], r["max"], r.get("user", 0)))' "target/hf-$key.json")
  else
    line="$(python3 bench/timeit.py "$reps" "$cmd" 1) 0"
  fi
  printf '%s\t%s\t%s\t%s\n' "$key" "$reps" "$line" "$desc" >> "$RESULTS"
  echo "  -> $line" >&2
}

measure sa_code "$REPS" "skillaudit, one copy of the source ($(nproc) threads)" "$SA $SA_ARGS $SRC/copy-1 >/dev/null"
measure sa_code_1core "$REPS" "skillaudit, one copy, one core (taskset, RAYON_NUM_THREADS=1)" \
  "RAYON_NUM_THREADS=1 taskset -c 0 $SA $SA_ARGS $SRC/copy-1 >/dev/null"
measure sa_code_x2 "$REPS" "skillaudit, two copies" "$SA $SA_ARGS $SRC/copy-1 $SRC/copy-2 >/dev/null"
measure sa_code_x4 "$REPS" "skillaudit, four copies" "$SA $SA_ARGS $SRC >/dev/null"
"$SA" $SA_ARGS "$SRC/copy-1" > target/bench-code-sa.json
# --no-git-ignore: the corpus lives under target/, which git ignores.
# --max-target-bytes 0: no size cap, so both tools read the same files.
SEMGREP_ARGS="scan --metrics off --disable-version-check --no-git-ignore --max-target-bytes 0 --config $SEMGREP_CODE_CONFIG --quiet --json"
if [[ -x $SEMGREP ]] && timeout 900 "$SEMGREP" $SEMGREP_ARGS "$SRC/copy-1" > target/bench-code-semgrep.json 2>target/semgrep-code.log; then
  measure semgrep_code "$SLOW_REPS" "semgrep --config $SEMGREP_CODE_CONFIG, one copy ($(nproc) jobs)" "$SEMGREP $SEMGREP_ARGS $SRC/copy-1 >/dev/null"
else
  printf 'semgrep_code\t-\t- - - -\tsemgrep not usable (see target/semgrep-code.log)\n' >> "$RESULTS"
fi
if /usr/bin/time -v true >/dev/null 2>&1; then
  /usr/bin/time -v "$SA" $SA_ARGS "$SRC" >/dev/null 2>target/bench-code-time-v.txt
  RSS_KB=$(awk -F': ' '/Maximum resident set size/ {print $2}' target/bench-code-time-v.txt)
else
  RSS_KB=$(python3 -c 'import resource,subprocess,sys; subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$SA" $SA_ARGS "$SRC")
fi

# ---------------------------------------------------------------- report
log "results (source code)"
python3 - "$RESULTS" "$RSS_KB" "$ONE_BYTES" "$ONE_FILES" <<'PY'
import json, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
t = {}
print(f"{'measurement':<14} {'runs':>4} {'median s':>9} {'min s':>8} {'max s':>8} {'user s':>8}  description")
for key, reps, times, desc in rows:
    med, lo, hi, user = times.split()
    print(f"{key:<14} {reps:>4} {med:>9} {lo:>8} {hi:>8} {user:>8}  {desc}")
    if med != "-":
        t[key] = float(med)
mb = int(sys.argv[3]) / 1e6
print(f"\nsource: {sys.argv[4]} files, {mb:.1f} MB per copy")
for name, path in (("skillaudit", "target/bench-code-sa.json"), ("semgrep", "target/bench-code-semgrep.json")):
    try:
        r = json.load(open(path))
        n = len(r.get("findings", r.get("results", [])))
        print(f"{name} findings on one copy: {n}")
    except Exception as e:
        print(f"{name}: no JSON ({e})")
if "semgrep_code" in t and "sa_code" in t:
    print(f"semgrep / skillaudit (same files):   {t['semgrep_code'] / t['sa_code']:8.2f}x   (target >= 20x)")
if "sa_code_1core" in t:
    print(f"skillaudit on one core:               {mb / t['sa_code_1core']:8.2f} MB/s   (target >= 30 MB/s)")
print(f"peak RSS, four copies:                {int(sys.argv[2]) / 1024:8.1f} MiB   (target < 300 MB)")
for key, n in (("sa_code", 1), ("sa_code_x2", 2), ("sa_code_x4", 4)):
    if key in t and "sa_code" in t:
        print(f"growth: {n} cop{'y' if n == 1 else 'ies'} {t[key]:7.3f} s = {t[key] / t['sa_code']:.2f}x of one (linear: {n}x)")
PY
