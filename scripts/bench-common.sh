# Shared by the benchmarks (sourced): the folio binary, the folders, a clean
# git environment, and for the history benchmarks `history N [generator
# options]`, which prints the folder of a generated lifecycle history of N
# commits, generating it (once per generator version) with
# scripts/generate-history.py.
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
FOLIO="${FOLIO:-$(cd "$REPO_ROOT" && swift build -c release --show-bin-path)/folio}"
[[ -x "$FOLIO" ]] || { echo "bench: no folio binary at $FOLIO" >&2; exit 2; }
BENCH_DIR="${BENCH_DIR:-/tmp/folio-bench}"
OUT_DIR="${BENCH_OUT_DIR:-$REPO_ROOT/bench-out}"
mkdir -p "$BENCH_DIR" "$OUT_DIR"
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE
stamp="$(sha256sum "$SCRIPT_DIR/generate-history.py" | cut -c1-16)"

history() {
  local n="$1" dir="$BENCH_DIR/history-$1"; shift
  if [[ ! -f "$dir.ok" || "$(cat "$dir.ok")" != "$stamp" ]]; then
    rm -rf "$dir"
    echo "bench: generating $n commits in $dir" >&2
    python3 "$SCRIPT_DIR/generate-history.py" "$dir" "$n" "$@" >&2
    echo "$stamp" > "$dir.ok"
  fi
  echo "$dir"
}

# The 100,000-commit history: fewer, longer-lived documents (a folder of
# thousands of records rewritten by every commit would make generating it
# take hours).
history_100k() { history 100000 --documents 1000 --max-issues 40; }

# The timing helpers of bench-resources.sh, bench-cost.sh and bench-pack.sh
# (each sets RUNS and failures before calling them).
# best LABEL COMMAND: best wall time in seconds of RUNS runs after a warm-up
# (the command is a shell command run in the current folder). A failure is
# noted in $failures and the time printed as "failed".
best() {
  local label="$1" cmd="$2" err
  err="$(mktemp)"
  if ! bash -c "$cmd" > /dev/null 2> "$err"; then
    echo "$label: \`$cmd\` failed in $PWD: $(head -c 600 "$err" | head -5 | tr '\n' ' ')" >> "$failures"
    rm -f "$err"
    echo failed
    return
  fi
  rm -f "$err"
  if command -v hyperfine > /dev/null; then
    local json
    json="$(mktemp)"
    hyperfine --shell bash --style none --warmup 1 --runs "$RUNS" --export-json "$json" "$cmd" > /dev/null
    python3 -c 'import json, sys; print("%.3f" % min(json.load(open(sys.argv[1]))["results"][0]["times"]))' "$json"
    rm -f "$json"
    return
  fi
  local best_ns="" t0 t1
  for ((i = 0; i < RUNS; i++)); do
    t0=$(date +%s%N)
    bash -c "$cmd" > /dev/null 2>&1
    t1=$(date +%s%N)
    if [[ -z "$best_ns" || $((t1 - t0)) -lt $best_ns ]]; then best_ns=$((t1 - t0)); fi
  done
  awk -v ns="$best_ns" 'BEGIN { printf "%.3f", ns / 1e9 }'
}

ratio() { [[ "$1" == failed || "$2" == failed ]] && echo "-" || awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }
