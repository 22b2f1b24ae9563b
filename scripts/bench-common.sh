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
