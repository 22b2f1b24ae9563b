#!/usr/bin/env bash
# Start-up benchmark: what a small command costs beyond starting the process.
#
#   FOLIO=path/to/folio [FOLIO_BEFORE=path/to/older/folio] scripts/bench-startup.sh
#
# In a small managed repository (one document), measures as the best of
# BENCH_RUNS (default 20) runs: `folio --version` (the start-up floor),
# `folio templates`, `folio status ID` and `folio hook pre-commit` with the
# document staged, each with the template cache warm and cold (the cache under
# .git/folio/templates removed before every run). Ratios are to --version in
# the same run. With FOLIO_BEFORE, the same measurements of that binary follow
# (for before/after in one run). Writes bench-out/bench-startup.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench-common.sh"
RUNS="${BENCH_RUNS:-20}"
export GIT_AUTHOR_NAME="Alice Adams" GIT_AUTHOR_EMAIL="alice@example.com"
export GIT_COMMITTER_NAME="Alice Adams" GIT_COMMITTER_EMAIL="alice@example.com"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# best BIN COLD ARGS...: best wall time in ms of RUNS runs (after one warm-up).
best() {
  local bin="$1" cold="$2"; shift 2
  local best_ns=""
  for ((i = 0; i <= RUNS; i++)); do
    [[ "$cold" == cold ]] && rm -rf "$work/repo/.git/folio/templates"
    local t0 t1
    t0=$(date +%s%N)
    "$bin" "$@" > /dev/null 2>&1 || true
    t1=$(date +%s%N)
    ((i == 0)) && continue
    local ns=$((t1 - t0))
    if [[ -z "$best_ns" || $ns -lt $best_ns ]]; then best_ns=$ns; fi
  done
  awk -v ns="$best_ns" 'BEGIN { printf "%.1f", ns / 1e6 }'
}

git init -q -b main "$work/repo"
cd "$work/repo"
"$FOLIO" init --project ALPHA --name "Project Alpha" > /dev/null
id="$("$FOLIO" new decision-log --title "Decisions" 2> /dev/null)"
printf '\nA staged paragraph.\n' >> "docs/decision-log/$id.md"
git add "docs/decision-log/$id.md"

table="| binary | command | cache | ms (best of $RUNS) | ratio to --version |
| --- | --- | --- | ---: | ---: |"
for label in after before; do
  bin="$FOLIO"
  if [[ "$label" == before ]]; then
    [[ -n "${FOLIO_BEFORE:-}" ]] || break
    bin="$FOLIO_BEFORE"
  fi
  floor="$(best "$bin" warm --version)"
  table+=$'\n'"| $label | \`folio --version\` | - | $floor | 1.00x |"
  for cmd in "templates" "status $id" "hook pre-commit"; do
    for cache in warm cold; do
      # shellcheck disable=SC2086
      ms="$(best "$bin" "$cache" $cmd)"
      ratio="$(awk -v a="$ms" -v b="$floor" 'BEGIN { printf "%.2fx", a / b }')"
      table+=$'\n'"| $label | \`folio $cmd\` | $cache | $ms | $ratio |"
    done
  done
done
echo "$table" | tee "$OUT_DIR/bench-startup.md"
