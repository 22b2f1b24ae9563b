#!/usr/bin/env bash
# Resources benchmark: `folio report resources` over a portfolio and the
# pre-commit hook in a hub of timesheets, against git in the same run.
#
#   FOLIO=path/to/folio [BENCH_RUNS=3] [BENCH_CHECK=0] scripts/bench-resources.sh
#
# Generates (once per generator and templates version, under BENCH_DIR) with
# scripts/gen-portfolio.py a portfolio of a hub and 20 projects: 200 people,
# 2,000 assignments in 100 resource plans, 20,000 timesheets of ~5 entries;
# and a second one whose hub has 1,000 timesheets. Measures, as the best of
# BENCH_RUNS runs after a warm-up (hyperfine when installed):
#   (a) `folio report resources --format json --from 2025-01-05 --to 2026-12-27
#       --by month --repo hub --repo p01 .. --repo p20` against reading every
#       tracked file of the 21 repositories once (`git ls-files -z | xargs -0 cat`);
#   (b) `folio hook pre-commit` with one staged, changed draft timesheet (an
#       entry's hours edited) in a clone of the 1,000 and of the 20,000
#       timesheet hub (the hook must not grow with the hub).
# Unless BENCH_CHECK=0, the report's JSON is compared with the independent
# computation (Tests/FolioKitTests/Fixtures/scripts/resources.py).
# A failing folio command is reported (first lines of its output) and the
# rest still measured; the script then exits 1.
# Prints a Markdown table and writes bench-out/bench-resources.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench-common.sh"
RUNS="${BENCH_RUNS:-3}"
ORACLE="$REPO_ROOT/Tests/FolioKitTests/Fixtures/scripts/resources.py"
FROM=2025-01-05 TO=2026-12-27
export GIT_AUTHOR_NAME="Alice Adams" GIT_AUTHOR_EMAIL="alice@example.com"
export GIT_COMMITTER_NAME="Alice Adams" GIT_COMMITTER_EMAIL="alice@example.com"
stamp="$(cat "$SCRIPT_DIR/gen-portfolio.py" "$REPO_ROOT"/templates/*.md | sha256sum | cut -c1-16)"
failures="$(mktemp)"  # one problem a line (written from subshells too)
trap 'rm -f "$failures"' EXIT

# portfolio NAME TIMESHEETS: the folder of a generated portfolio (made when missing or stale).
portfolio() {
  local dir="$BENCH_DIR/$1"
  if [[ ! -f "$dir.ok" || "$(cat "$dir.ok")" != "$stamp" ]]; then
    rm -rf "$dir" "$dir.ok"
    echo "bench: generating a portfolio with $2 timesheets in $dir" >&2
    # 106 weeks from 2025-W01 (2024-12-30): 20,000 timesheets fill the 104
    # weeks of the range (less absences and gaps) and spill just past it.
    python3 "$SCRIPT_DIR/gen-portfolio.py" "$dir" --projects 20 --people 200 --weeks 106 \
      --assignments 2000 --timesheets "$2" --seed 1 >&2 || exit 1
    echo "$stamp" > "$dir.ok"
  fi
  echo "$dir"
}



BIG="$(portfolio resources-20000 20000)"
SMALL="$(portfolio resources-1000 1000)"
[[ -d "$BIG/hub" && -d "$SMALL/hub" ]] || { echo "bench: no generated portfolio" >&2; exit 2; }
repos=(hub $(cd "$BIG" && ls -d p[0-9]* | sort))

# (a) The report against reading every tracked file.
cd "$BIG"
repo_args=""
floor_cmd=""
for r in "${repos[@]}"; do
  repo_args+=" --repo $r"
  floor_cmd+="(cd $r && git ls-files -z | xargs -0 cat > /dev/null); "
done
files=0
for r in "${repos[@]}"; do files=$((files + $(git -C "$r" ls-files | wc -l))); done
report_cmd="'$FOLIO' report resources --format json --from $FROM --to $TO --by month$repo_args"
floor="$(best "read floor" "$floor_cmd")"
report="$(best "report resources" "$report_cmd")"
memory="-"
if [[ "$report" != failed && -x /usr/bin/time ]]; then
  memory="$(/usr/bin/time -f '%M' bash -c "$report_cmd > /dev/null" 2>&1 >/dev/null | tail -1 | awk '{ printf "%.0f", $1 / 1024 }')"
fi
check="not run"
if [[ "$report" != failed && "${BENCH_CHECK:-1}" != 0 ]]; then
  echo "bench: comparing the report with $ORACLE" >&2
  bash -c "$report_cmd" > "$BENCH_DIR/resources-folio.json"
  python3 "$ORACLE" --from $FROM --to $TO --by month --today "$(date -u +%F)" "${repos[@]}" > "$BENCH_DIR/resources-oracle.json"
  check="$(python3 - "$BENCH_DIR/resources-folio.json" "$BENCH_DIR/resources-oracle.json" <<'PY'
import json, sys
folio, oracle = (json.load(open(p)) for p in sys.argv[1:3])
def same(a, b):
    if isinstance(b, float) and isinstance(a, (int, float)) and not isinstance(a, bool):
        return abs(a - b) < 0.0051
    return a == b
# Values to the printed decimal (a rounding tie decided the other way differs).
problems = []
for section, rows in oracle.items():
    got = folio.get(section)
    if not isinstance(got, list):
        problems.append(f"no section {section}")
        continue
    if len(got) != len(rows):
        problems.append(f"{section}: {len(got)} rows, expected {len(rows)}")
    for i, (g, e) in enumerate(zip(got, rows)):
        bad = [k for k in e if not same(g.get(k), e[k])]
        if bad:
            problems.append(f"{section} row {i + 1}: " + ", ".join(f"{k} {g.get(k)!r} (expected {e[k]!r})" for k in bad[:3]))
            break
print("agrees with resources.py" if not problems else "DIFFERS from resources.py: " + "; ".join(problems[:5]))
PY
)"
  [[ "$check" == agrees* ]] || echo "report resources: $check" >> "$failures"
fi

# (b) The pre-commit hook with one staged draft timesheet, in a clone of each hub.
hook() {  # hook PORTFOLIO: seconds
  local src="$1/hub" clone="$1-precommit"
  rm -rf "$clone"
  git clone -q "$src" "$clone"
  local doc person
  doc="$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["draft_timesheets"][0])' "$1/portfolio.json")"
  person="$(sed -n 's/^person: //p' "$clone/$doc" | head -1)"
  git -C "$clone" config user.email "$person"
  git -C "$clone" config user.name "Timesheet Owner"
  # The first entry's hours, plus a quarter of an hour.
  python3 - "$clone/$doc" <<'PY'
import re, sys
path = sys.argv[1]
lines = open(path).read().split("\n")
i = next(i for i, l in enumerate(lines) if re.match(r"\| \d{4}-\d{2}-\d{2} \|", l))
cells = lines[i].split("|")
cells[4] = " %g " % (float(cells[4]) + 0.25)
lines[i] = "|".join(cells)
open(path, "w").write("\n".join(lines))
PY
  git -C "$clone" add -- "$doc"
  (cd "$clone" && best "hook pre-commit ($(basename "$1"))" "'$FOLIO' hook pre-commit")
}
ts_small="$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["timesheets"])' "$SMALL/portfolio.json")"
ts_big="$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["timesheets"])' "$BIG/portfolio.json")"
hook_small="$(hook "$SMALL")"
hook_big="$(hook "$BIG")"

version="$("$FOLIO" --version 2>/dev/null | head -1 || echo "?")"
table="# Resources benchmark

$(date -u '+%Y-%m-%d %H:%M UTC'); $(uname -m), $(nproc) cores; folio \`$version\`; best of $RUNS runs after a warm-up, wall clock$(command -v hyperfine > /dev/null && echo " (hyperfine)").
Portfolio: ${#repos[@]} repositories, $files files, $ts_big timesheets, 2,000 assignments; report from $FROM to $TO by month.

| measurement | seconds | ratio | peak memory (MiB) |
| --- | ---: | ---: | ---: |
| read floor: \`git ls-files -z \\| xargs -0 cat\` in each of the ${#repos[@]} repositories | $floor | 1.00x | |
| \`folio report resources --format json --by month\` over the ${#repos[@]} repositories | $report | $(ratio "$report" "$floor") of the read floor | $memory |
| \`folio hook pre-commit\`, 1 staged timesheet, hub of $ts_small timesheets | $hook_small | 1.00x | |
| \`folio hook pre-commit\`, 1 staged timesheet, hub of $ts_big timesheets | $hook_big | $(ratio "$hook_big" "$hook_small") of the $ts_small-timesheet hub | |

Report against the independent computation: $check."
if [[ -s "$failures" ]]; then
  table+=$'\n\nProblems (the times of a failed command are not shown):\n'
  while IFS= read -r f; do table+=$'\n'"- $f"; done < "$failures"
fi
echo "$table" | tee "$OUT_DIR/bench-resources.md"
[[ ! -s "$failures" ]]
