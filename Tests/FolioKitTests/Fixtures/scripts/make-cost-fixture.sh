#!/usr/bin/env bash
# make-cost-fixture.sh FOLIO OUT: four repositories for `folio report cost`,
# made with the folio binary FOLIO in the folder OUT (created; must not exist
# or be empty):
#   OUT/hub    HUB    people, a EUR rate card, timesheets booked to ALPHA and BETA
#   OUT/alpha  ALPHA  EUR: two cost registers in force (+1 withdrawn), two schedules, rate cards (+1 withdrawn), timesheets
#   OUT/beta   BETA   USD: a cost register, a USD rate card, a schedule
#   OUT/gamma  GAMMA  EUR: a schedule and timesheets, no cost register
# Compare (as of 2026-03-31, and other days):
#   (cd OUT/hub && FOLIO report cost --repo . --repo ../alpha --repo ../beta --repo ../gamma --as-of 2026-03-31 --format json) \
#     | python3 cost.py --as-of 2026-03-31 --compare - OUT/hub OUT/alpha OUT/beta OUT/gamma
# What it holds (the cases): a rate change mid-period (Dave 80 -> 90 EUR on
# 03-16); a person's own rate vs their role's (Carol: analyst 60.35 EUR, her
# own 100 EUR from 03-09); the same role priced by two cards from the same
# day (BETA's own USD card wins the tie); a hub rate that starts later than
# the project's own (Dave 200 EUR from 03-20 in HUB); hours priced in EUR for
# the USD project (findings); hours with no rate (Erin has no role); an
# actual on an unknown line, one in USD in a EUR register, one after the
# as-of day; an invoice booked twice (in one register, case differing, and
# across two registers); a Labour line only in the second register; a budget
# in USD in a EUR register; work packages 0% and 100% complete, without %
# complete, without a budget, in another currency, in two schedules, with a
# half-cent PV; timesheets not issued, issued then corrected (draft again),
# and dated after the as-of day. Data that `folio checkin` refuses (unknown
# line, wrong currency) is committed with plain git, as a merge would bring it.
set -euo pipefail

[[ $# -eq 2 ]] || { echo "usage: $0 FOLIO OUT" >&2; exit 2; }
FOLIO="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
OUT="$2"
[[ -x "$FOLIO" ]] || { echo "$0: $FOLIO is not executable" >&2; exit 2; }
if [[ -e "$OUT" && -n "$(ls -A "$OUT")" ]]; then echo "$0: $OUT is not empty" >&2; exit 2; fi
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
export FOLIO  # the hooks folio init installs run $FOLIO

unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_DATE="2026-04-01T09:00:00Z" GIT_COMMITTER_DATE="2026-04-01T09:00:00Z"

# as NAME: act as that person (folio takes the acting person from git's identity)
as() {
  case "$1" in
    alice) GIT_AUTHOR_NAME="Alice Adams" ;;
    bob) GIT_AUTHOR_NAME="Bob Brown" ;;
    carol) GIT_AUTHOR_NAME="Carol Chen" ;;
    *) echo "unknown person $1" >&2; exit 2 ;;
  esac
  GIT_AUTHOR_EMAIL="$1@example.com"
  GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME" GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"
  export GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL
}
as alice

folio() { "$FOLIO" "$@" >/dev/null; }
# new TYPE ARGS...: folio new, prints the ID
new() { local out; out="$("$FOLIO" new "$@")"; printf '%s\n' "${out%% *}" | head -n 1; }
path_of() { git ls-files | grep -E "(^|/)$1\.md$" | head -n 1; }

# rows ID HEADING ROW...: append rows to the table under "## HEADING" of the document
rows() {
  local id="$1"; shift
  python3 - "$(path_of "$id")" "$@" <<'PY'
import sys
path, heading, new = sys.argv[1], sys.argv[2], sys.argv[3:]
lines = open(path, encoding="utf-8").read().split("\n")
start = lines.index("## " + heading)
first = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("|"))
last = first
while last + 1 < len(lines) and lines[last + 1].startswith("|"):
    last += 1
lines[last + 1:last + 1] = ["| " + r + " |" for r in new]
open(path, "w", encoding="utf-8").write("\n".join(lines))
PY
}
# raw MESSAGE: commit the work tree with plain git (no Folio rules)
raw() { git add -A && git commit -q --no-verify -m "$1"; }
# issue_sheets PERSON_NAME WEEK...: submit, approve (Bob, manager) and issue those timesheets
sheet_id() {
  "$FOLIO" ls --type timesheet --format json | python3 -c '
import json, sys
t = sys.argv[1]
print(next(d["id"] for d in json.load(sys.stdin) if d["title"] == t))' "$1"
}
issue_sheet() {
  local id; id="$(sheet_id "$1")"
  as alice; folio submit "$id"
  as bob; folio approve "$id" --role manager
  as alice; folio issue "$id"
}

PEOPLE='people:
  - { email: alice@example.com, name: Alice Adams, roles: [pm, admin] }
  - { email: bob@example.com, name: Bob Brown, roles: [manager] }
  - { email: carol@example.com, name: Carol Chen, roles: [analyst] }
  - { email: dave@example.com, name: Dave Diaz, roles: [author] }
  - { email: erin@example.com, name: Erin Evans }'

project() {  # project DIR CODE [RESOURCES-LINE]
  mkdir -p "$OUT/$1"; cd "$OUT/$1"
  git init -q -b main
  folio init --project "$2" --name "Project $2"
  printf 'project: { code: %s, name: Project %s }\nnumbering: "{project}-{code}-{seq:4}"\nrevisions: numeric\nsignatures: optional\n%s\nresources: { max_week_hours: 60%s }\n' \
    "$2" "$2" "$PEOPLE" "${3:-}" > folio.yml
  git add folio.yml && git commit -q --no-verify -m "people"
}

# ------------------------------------------------------------------ HUB
project hub HUB ", projects: [ALPHA, BETA]"
RTE="$(new rate-card --title "Hub rates" -m rates)"
rows "$RTE" Rates "dave@example.com | 200.00 EUR | 2026-03-20 | " "author | 40.00 EUR | 2026-01-01 | "
folio checkin "$RTE" -m rates
cat > hours.csv <<'CSV'
person,date,project,work_package,hours,activity,note
carol@example.com,2026-03-02,ALPHA,WP-1,1.15,analysis,role rate
carol@example.com,2026-03-03,ALPHA,WP-9,0.7,analysis,a work package no schedule has
carol@example.com,2026-03-04,BETA,WP-1,3,analysis,analyst: BETA's USD card and ALPHA's EUR card from the same day
dave@example.com,2026-03-16,ALPHA,WP-1,4,design,90 EUR
dave@example.com,2026-03-20,ALPHA,WP-1,2.5,design,HUB's 200 EUR started later than ALPHA's 90
dave@example.com,2026-03-17,BETA,WP-1,5,design,Dave's own rate is in EUR
dave@example.com,2026-04-01,ALPHA,WP-1,8,design,after the as-of day
CSV
folio import timesheets hours.csv
rm hours.csv
issue_sheet "Carol Chen, 2026-W10"
issue_sheet "Dave Diaz, 2026-W12"
issue_sheet "Dave Diaz, 2026-W14"

# ------------------------------------------------------------------ ALPHA (EUR)
project alpha ALPHA
cat > hours.csv <<'CSV'
person,date,project,work_package,hours,activity,note
dave@example.com,2026-03-13,ALPHA,WP-1,7.5,design,80 EUR
dave@example.com,2026-03-15,ALPHA,WP-2,1.25,design,Sunday: 80 EUR to 03-15 included
erin@example.com,2026-03-10,ALPHA,WP-2,6,drafting,no rate
erin@example.com,2026-03-11,ALPHA,WP-3,2.5,drafting,no rate
carol@example.com,2026-03-09,ALPHA,WP-1,2.3,analysis,her own 100 EUR from 03-09
carol@example.com,2026-03-18,ALPHA,WP-1,3,analysis,issued then corrected: a draft again
dave@example.com,2026-03-24,ALPHA,WP-1,6,design,submitted only
CSV
folio import timesheets hours.csv
rm hours.csv
issue_sheet "Dave Diaz, 2026-W11"
issue_sheet "Erin Evans, 2026-W11"
issue_sheet "Carol Chen, 2026-W11"
issue_sheet "Carol Chen, 2026-W12"
CORR="$(sheet_id "Carol Chen, 2026-W12")"
sed -i 's/| 2026-03-18 | ALPHA | WP-1 | 3 |/| 2026-03-18 | ALPHA | WP-1 | 3.5 |/' "$(path_of "$CORR")"
folio checkin "$CORR" -m "correction: 3.5 hours"
folio submit "$(sheet_id "Dave Diaz, 2026-W13")"

RTE="$(new rate-card --title "Alpha rates 2026" -m rates)"
rows "$RTE" Rates "dave@example.com | 80.00 EUR | 2026-01-01 | 2026-03-15" "dave@example.com | 90.00 EUR | 2026-03-16 | " \
  "analyst | 60.35 EUR | 2026-01-01 | " "carol@example.com | 100.00 EUR | 2026-03-09 | " "author | 50.00 EUR | 2026-01-01 | "
folio checkin "$RTE" -m rates
OLD="$(new rate-card --title "Old rates" -m rates)"
rows "$OLD" Rates "analyst | 999.00 EUR | 2026-01-01 | "
folio checkin "$OLD" -m rates
folio withdraw "$OLD" --reason "replaced"

# Register 1: contracts, no Labour line, bad actuals (committed with plain git).
C1="$(new cost-register --title "Contracts" --set budget_total="12100.01 EUR" --set as_of=2026-03-31 -m start)"
rows "$C1" "Budget lines" "B-01 | Survey contract | Contractors | 10000.00 EUR | 8000.00 EUR | 9000.00 EUR | " \
  "B-02 | Instruments | Equipment | 2000.00 EUR |  | 2500.00 EUR | " "B-03 | Licence | Software | 100.01 EUR | 100.01 EUR |  | " \
  "B-04 | Nothing yet | Other | 0.00 EUR |  |  | "
rows "$C1" Actuals "AC-001 | 2026-03-02 | B-01 | Acme Surveys | INV-7 | 3000.00 EUR | alice@example.com | yes" \
  "AC-002 | 2026-03-03 | B-99 | Acme Surveys | INV-8 | 150.50 EUR |  | " \
  "AC-003 | 2026-03-04 | B-02 | Tools Inc | T-1 | 1200.00 USD |  | " \
  "AC-004 | 2026-03-05 | B-01 | ACME SURVEYS | inv-7 | 3000.00 EUR |  | " \
  "AC-005 | 2026-04-15 | B-01 | Acme Surveys | INV-9 | 500.00 EUR |  | " \
  "AC-006 | 2026-03-06 | B-03 |  |  | 33.35 EUR |  | " \
  "AC-007 | 2026-03-31 | B-03 | Soft Co | S-1 | 66.67 EUR |  | "
raw "$C1: actuals from the ledger export"
# Register 2: the team, with the Labour line; a budget in USD; the same invoice again.
C2="$(new cost-register --title "Team" --set budget_total="20000.00 EUR" --set as_of=2026-03-31 -m start)"
rows "$C2" "Budget lines" "B-01 | Project team | Labour | 20000.00 EUR |  | 18000.00 EUR | " "B-02 | Travel | Travel | 500.00 USD |  |  | "
rows "$C2" Actuals "AC-001 | 2026-03-10 | B-02 | Acme Surveys | INV-7 | 1000.00 EUR |  | "
raw "$C2: team budget"
C3="$(new cost-register --title "Abandoned" --set budget_total="1.00 EUR" --set as_of=2026-03-31 -m start)"
rows "$C3" "Budget lines" "B-01 | Old | Labour | 1.00 EUR |  |  | "
folio checkin "$C3" -m lines
folio withdraw "$C3" --reason "abandoned"

S1="$(new schedule --title "Alpha schedule" -m start)"
rows "$S1" "Work packages" \
  "WP-1 | Design | dave@example.com | 2026-03-01 | 2026-04-30 | 12000.00 EUR | 25" \
  "WP-2 | Not started | | 2026-03-16 | 2026-03-31 | 3000.00 EUR | 0" \
  "WP-3 | Finished | | 2026-02-01 | 2026-02-28 | 4500.00 EUR | 100" \
  "WP-4 | Import | | 2026-03-01 | 2026-03-31 | 900.00 USD | 50" \
  "WP-5 | Unbudgeted | | 2026-03-01 | 2026-03-31 |  | 10" \
  "WP-6 | No progress stated | | 2026-03-01 | 2026-03-10 | 700.00 EUR | " \
  "WP-7 | Two days | | 2026-03-30 | 2026-03-31 | 100.01 EUR | 33.3"
folio checkin "$S1" -m "work packages"
S2="$(new schedule --title "Alpha extra schedule" -m start)"
rows "$S2" "Work packages" "WP-1 | Design again | | 2026-01-01 | 2026-01-31 | 99999.00 EUR | 100" \
  "WP-8 | Extra | | 2026-03-01 | 2026-06-30 | 1000.00 EUR | 5"
raw "$S2: a second schedule repeating WP-1"

# ------------------------------------------------------------------ BETA (USD)
project beta BETA
RTE="$(new rate-card --title "Beta rates" --set currency=USD -m rates)"
rows "$RTE" Rates "analyst | 70.00 USD | 2026-01-01 | " "author | 45.00 USD | 2026-01-01 | "
folio checkin "$RTE" -m rates
C="$(new cost-register --title "Beta costs" --set currency=USD --set budget_total="6000.00 USD" --set as_of=2026-03-31 -m start)"
rows "$C" "Budget lines" "B-01 | Team | Labour | 5000.00 USD |  | 5000.00 USD | " "B-02 | Other | Other | 1000.00 USD | 250.00 USD |  | "
rows "$C" Actuals "AC-001 | 2026-03-12 | B-02 | Parts Ltd | P-1 | 400.00 USD |  | "
folio checkin "$C" -m lines
S="$(new schedule --title "Beta schedule" -m start)"
rows "$S" "Work packages" "WP-1 | Build | | 2026-03-01 | 2026-05-31 | 3000.00 USD | 50"
folio checkin "$S" -m wp

# ------------------------------------------------------------------ GAMMA (EUR, no cost register)
project gamma GAMMA
printf 'person,date,project,work_package,hours,activity,note\ndave@example.com,2026-03-11,GAMMA,WP-1,4,design,\n' > hours.csv
folio import timesheets hours.csv
rm hours.csv
issue_sheet "Dave Diaz, 2026-W11"
S="$(new schedule --title "Gamma schedule" -m start)"
rows "$S" "Work packages" "WP-1 | Study | | 2026-03-01 | 2026-03-31 | 1000.00 EUR | 10"
folio checkin "$S" -m wp

for r in hub alpha beta gamma; do
  [[ -z "$(git -C "$OUT/$r" status --porcelain)" ]] || { echo "$0: $OUT/$r has uncommitted changes" >&2; exit 1; }
done
echo "$OUT/hub $OUT/alpha $OUT/beta $OUT/gamma"
