#!/usr/bin/env bash
# Cost and schedule benchmark: `folio report cost` over a portfolio of cost
# registers against hledger on the journal folio exports, and `folio report
# schedule` (the milestone trend, read from history) against `git log -p` of
# the schedule, in the same run.
#
#   FOLIO=path/to/folio [BENCH_RUNS=3] scripts/bench-cost.sh
#
# Generates (once per generator and templates version, under BENCH_DIR) with
# scripts/gen-cost.py, each repository made by `folio init` and the rest
# committed with `git fast-import`:
#   cost-20x2500/r01 .. r20: 20 projects, one cost register each, 50,000 actuals in
#     all (~2,500 a register, 10 budget lines, dated over two years, invoice
#     references unique per supplier, EUR and two registers in USD), 30
#     commits each (the lifecycle, then a check-in a month);
#   schedule-2000/repo: one schedule (20 milestones, 30 work packages) with 2,000
#     versions (issued once, then check-ins moving a forecast or a % complete).
# Before timing: `folio check --all` in r01 and in the schedule's repository
# (errors are problems, warnings are not), the reports must not be empty, and
# `hledger balance ^expenses: --depth 2` per project must equal the `actual`
# of folio's `totals` (and the generator's own sum of the invoices).
# Measures, as the best of BENCH_RUNS runs after a warm-up (hyperfine when
# installed):
#   (a) `folio report cost --format json --as-of 2026-11-30 --repo r01 .. --repo r20`
#       against `hledger -f cost.journal balance` on the journal of
#       `folio report cost --format ledger` (goal: folio no slower: <= 1x);
#   (b) `folio report schedule --format json` against
#       `git log -p -- docs/schedule/SCHED-SCH-0001.md` (goal: <= 1x).
# A failing command or check is reported and the rest still measured; the
# script then exits 1. Prints a Markdown table and writes bench-out/bench-cost.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench-common.sh"
RUNS="${BENCH_RUNS:-3}"
AS_OF=2026-11-30
GEN="$SCRIPT_DIR/gen-cost.py"
stamp="$(cat "$GEN" "$REPO_ROOT"/templates/*.md | sha256sum | cut -c1-16)"
failures="$(mktemp)"  # one problem a line (written from subshells too)
trap 'rm -f "$failures"' EXIT
command -v hledger > /dev/null || { echo "bench: hledger is not installed (apt-get install hledger)" >&2; exit 2; }

# generated KIND NAME [options]: the folder BENCH_DIR/NAME of the generated
# KIND (cost or schedule), made when missing or stale; the seconds it took are
# kept in FOLDER.seconds.
generated() {
  local kind="$1" dir="$BENCH_DIR/$2"; shift 2
  if [[ ! -f "$dir.ok" || "$(cat "$dir.ok")" != "$stamp" ]]; then
    rm -rf "$dir" "$dir.ok" "$dir.seconds"
    echo "bench: generating $kind in $dir" >&2
    local t0 t1
    t0=$(date +%s%N)
    python3 "$GEN" "$kind" "$dir" --folio "$FOLIO" "$@" >&2 || exit 1
    t1=$(date +%s%N)
    awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.1f", ns / 1e9 }' > "$dir.seconds"
    echo "$stamp" > "$dir.ok"
  fi
  echo "$dir"
}



# memory COMMAND: peak resident memory in MiB of one run ("-" without GNU time).
memory() {
  [[ -x /usr/bin/time ]] || { echo "-"; return; }
  /usr/bin/time -f '%M' bash -c "$1 > /dev/null" 2>&1 >/dev/null | tail -1 | awk '{ printf "%.0f", $1 / 1024 }'
}

# check_repo FOLDER: `folio check --all` there; errors (exit 1 or more) are a problem.
check_repo() {
  local out rc=0
  out="$(cd "$1" && "$FOLIO" check --all 2>&1)" || rc=$?
  local last
  last="$(echo "$out" | tail -1)"
  if [[ $rc -ne 0 ]]; then
    echo "folio check --all in $1: exit $rc: $(echo "$out" | head -3 | tr '\n' ' ') … $last" >> "$failures"
  fi
  echo "$last (exit $rc)"
}

COST="$(generated cost cost-20x2500 --repos 20 --actuals 50000 --seed 1)"
SCHED="$(generated schedule schedule-2000 --commits 2000 --milestones 20 --work-packages 30 --seed 1)"
[[ -d "$COST/r01" && -d "$SCHED/repo" ]] || { echo "bench: no generated repositories" >&2; exit 2; }
gen_cost_s="$(cat "$COST.seconds" 2>/dev/null || echo "?")"
gen_sched_s="$(cat "$SCHED.seconds" 2>/dev/null || echo "?")"

# (a) The cost report against hledger on the exported journal.
cd "$COST"
repos=($(python3 -c 'import json, sys; print(" ".join(json.load(open(sys.argv[1]))["repos"]))' cost.json))
actuals="$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["actuals"])' cost.json)"
repo_args=""
for r in "${repos[@]}"; do repo_args+=" --repo $r"; done
cost_check="$(check_repo "$COST/r01")"
report_cmd="'$FOLIO' report cost --format json --as-of $AS_OF$repo_args"
ledger_cmd="'$FOLIO' report cost --format ledger --as-of $AS_OF$repo_args -o '$COST/cost.journal'"
hledger_cmd="hledger -f '$COST/cost.journal' balance"
totals_check="not run"
cost_lines="-"
journal_lines="-"
if bash -c "$report_cmd" > "$BENCH_DIR/cost-folio.json" 2> "$BENCH_DIR/cost-folio.err" \
   && bash -c "$ledger_cmd" 2>> "$BENCH_DIR/cost-folio.err"; then
  journal_lines="$(wc -l < "$COST/cost.journal")"
  hledger -f "$COST/cost.journal" balance '^expenses:' --depth 2 -O csv -N > "$BENCH_DIR/cost-hledger.csv"
  read -r cost_lines totals_check < <(python3 - "$BENCH_DIR/cost-folio.json" "$BENCH_DIR/cost-hledger.csv" cost.json <<'PY'
import csv, json, re, sys
folio = json.load(open(sys.argv[1]))
manifest = json.load(open(sys.argv[3]))
hledger = {}  # (project, currency) -> amount
for row in list(csv.reader(open(sys.argv[2])))[1:]:
    project = row[0].split(":")[1]
    for amount in row[1].split(", "):
        m = re.fullmatch(r"\s*(-?[\d,]*\.?\d*)\s+([A-Z]{3})\s*", amount)
        if not m:
            print(0, f"MISMATCH: unreadable hledger amount {amount!r}")
            sys.exit()
        hledger[(project, m.group(2))] = hledger.get((project, m.group(2)), 0) + float(m.group(1).replace(",", ""))
totals = {(t["project"], t["currency"]): t["actual"] for t in folio.get("totals", []) if t["project"] != "portfolio"}
expected = {(p, manifest["currency"][p]): v for p, v in manifest["expected"].items()}
problems = []
for key in sorted(set(hledger) | set(totals) | set(expected)):
    h, f, e = hledger.get(key), totals.get(key), expected.get(key)
    if h is None or f is None or abs(h - f) > 0.005:
        problems.append(f"{key[0]} {key[1]}: hledger {h}, folio {f}")
    elif e is None or abs(e - f) > 0.005:
        problems.append(f"{key[0]} {key[1]}: folio {f}, generated {e}")
lines = len(folio.get("lines", []))
if lines == 0:
    problems.append("the report has no lines")
if problems:
    print(lines, "MISMATCH: " + "; ".join(problems[:5]))
else:
    print(lines, f"OK ({len(totals)} projects, hledger = folio = generated)")
PY
)
  [[ "$totals_check" == OK* ]] || echo "hledger against folio totals: $totals_check" >> "$failures"
else
  echo "report cost: failed: $(head -5 "$BENCH_DIR/cost-folio.err" | tr '\n' ' ')" >> "$failures"
fi
report="$(best "report cost" "$report_cmd")"
ledger="$(best "report cost --format ledger" "$ledger_cmd")"
hledger_t="$(best "hledger balance" "$hledger_cmd")"
report_mem="-"
[[ "$report" == failed ]] || report_mem="$(memory "$report_cmd")"
hledger_mem="$(memory "$hledger_cmd")"

# (b) The schedule report (milestone trend from history) against git log -p.
cd "$SCHED/repo"
sched_path="$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["path"])' ../schedule.json)"
versions="$(git log --oneline -- "$sched_path" | wc -l)"
commits="$(git rev-list --count HEAD)"
sched_check="$(check_repo "$SCHED/repo")"
sched_cmd="'$FOLIO' report schedule --format json"
gitlog_cmd="git log -p -- '$sched_path'"
trend_rows="-"
milestone_rows="-"
if bash -c "$sched_cmd" > "$BENCH_DIR/schedule-folio.json" 2> "$BENCH_DIR/schedule-folio.err"; then
  read -r milestone_rows trend_rows < <(python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(len(d.get("milestones", [])), len(d.get("trend", [])))' "$BENCH_DIR/schedule-folio.json")
  [[ "$trend_rows" -gt 0 && "$milestone_rows" -gt 0 ]] || echo "report schedule: $milestone_rows milestones, $trend_rows trend rows" >> "$failures"
else
  echo "report schedule: failed: $(head -5 "$BENCH_DIR/schedule-folio.err" | tr '\n' ' ')" >> "$failures"
fi
sched="$(best "report schedule" "$sched_cmd")"
gitlog="$(best "git log -p" "$gitlog_cmd")"
sched_mem="-"
[[ "$sched" == failed ]] || sched_mem="$(memory "$sched_cmd")"

version="$("$FOLIO" --version 2>/dev/null | head -1 || echo "?")"
table="# Cost and schedule benchmark

$(date -u '+%Y-%m-%d %H:%M UTC'); $(uname -m), $(nproc) cores; folio \`$version\`; $(hledger --version | head -1); best of $RUNS runs after a warm-up, wall clock$(command -v hyperfine > /dev/null && echo " (hyperfine)").
(a) ${#repos[@]} project repositories, ${#repos[@]} cost registers, $actuals actuals; as of $AS_OF; $cost_lines budget lines in the report, a journal of $journal_lines lines.
(b) one schedule with $versions versions ($commits commits in the repository); $milestone_rows milestones, $trend_rows trend rows.
Generation (scripts/gen-cost.py, cached until it or templates/ change): cost $gen_cost_s s, schedule $gen_sched_s s.

| measurement | folio (s) | witness (s) | ratio folio/witness | folio peak memory (MiB) |
| --- | ---: | ---: | ---: | ---: |
| (a) \`folio report cost --format json\` over ${#repos[@]} repositories vs \`hledger -f cost.journal balance\` | $report | $hledger_t | $(ratio "$report" "$hledger_t") (goal <= 1x) | $report_mem (hledger: $hledger_mem) |
| (a') \`folio report cost --format ledger -o cost.journal\` (the export) vs the same hledger | $ledger | $hledger_t | $(ratio "$ledger" "$hledger_t") | |
| (b) \`folio report schedule --format json\` vs \`git log -p -- $sched_path\` | $sched | $gitlog | $(ratio "$sched" "$gitlog") (goal <= 1x) | $sched_mem |

Checks: hledger \`balance ^expenses: --depth 2\` against folio's \`totals\` actual: $totals_check.
\`folio check --all\`: r01: $cost_check; schedule: $sched_check."
if [[ -s "$failures" ]]; then
  table+=$'\n\nProblems (the times of a failed command are not shown):\n'
  while IFS= read -r f; do table+=$'\n'"- $f"; done < "$failures"
fi
echo "$table" | tee "$OUT_DIR/bench-cost.md"
[[ ! -s "$failures" ]]
