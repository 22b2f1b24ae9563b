#!/usr/bin/env bash
# make-pack-fixture.sh FOLIO OUT: two repositories for `folio report pack`,
# made with the folio binary FOLIO in the folder OUT (created; must be empty).
# The pack is judged for the week 2026-03-09..2026-03-15, as of 2026-03-16.
#
#   OUT/alpha  ALPHA: the status report of 1-7 March states everything GREEN,
#     while the registers say red: a milestone 30 days late (baseline
#     2026-03-01, forecast 2026-03-31), three open risks scoring 15 or more
#     (one of them new since the last pack, one raised from 12 to 16), and
#     actions past due. Three sets of minutes carry actions over:
#       A-001  Open (2 Mar) -> Done (9 Mar) -> Open again (12 Mar): reopened, due 03-05
#       A-002  Open (2 Mar) -> In progress (9 Mar); the issue log's I-001,
#              Resolved, says "closes A-002": closed by the issue log
#       A-003  Open (2 Mar, due 03-04) -> Open (9 Mar, due 03-06): one action, 2 meetings, overdue
#       A-004  Done (9 Mar): closed in the period
#       A-005  Open (12 Mar, due 03-20): not due yet
#     A pending decision needed by 2026-03-10, a change request in review.
#     Tolerances: the standard ones (folio.yml has none).
#   OUT/beta   BETA: states AMBER overall and Red for cost, with nothing in
#     its registers: computed green, so it disagrees the other way.
set -euo pipefail

[[ $# -eq 2 ]] || { echo "usage: $0 FOLIO OUT" >&2; exit 2; }
FOLIO="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
OUT="$2"
[[ -x "$FOLIO" ]] || { echo "$0: $FOLIO is not executable" >&2; exit 2; }
if [[ -e "$OUT" && -n "$(ls -A "$OUT")" ]]; then echo "$0: $OUT is not empty" >&2; exit 2; fi
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
export FOLIO

unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null

# at DAY: the clock of the next commits
at() { export GIT_AUTHOR_DATE="$1T09:00:00Z" GIT_COMMITTER_DATE="$1T09:00:00Z"; }
as() {
  case "$1" in
    alice) export GIT_AUTHOR_NAME="Alice Adams" GIT_AUTHOR_EMAIL=alice@example.com ;;
    bob) export GIT_AUTHOR_NAME="Bob Brown" GIT_AUTHOR_EMAIL=bob@example.com ;;
  esac
  export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME" GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"
}
folio() { "$FOLIO" "$@" >/dev/null; }
new() { local out; out="$("$FOLIO" new "$@")"; printf '%s\n' "${out%% *}" | head -n 1; }
path_of() { git ls-files | grep -E "(^|/)$1\.md$" | head -n 1; }

# rows ID HEADING ROW...: replace the rows of the table under "## HEADING"
rows() {
  local id="$1"; shift
  python3 - "$(path_of "$id")" "$@" <<'PY'
import sys
path, heading, new = sys.argv[1], sys.argv[2], sys.argv[3:]
lines = open(path, encoding="utf-8").read().split("\n")
start = lines.index("## " + heading)
first = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("|"))
last = first + 1
while last + 1 < len(lines) and lines[last + 1].startswith("|"):
    last += 1
lines[first + 2:last + 1] = ["| " + r + " |" for r in new]
open(path, "w", encoding="utf-8").write("\n".join(lines))
PY
}
# para ID HEADING TEXT: the section's text (after its italic guidance line)
para() {
  python3 - "$(path_of "$1")" "$2" "$3" <<'PY'
import sys
path, heading, text = sys.argv[1:]
lines = open(path, encoding="utf-8").read().split("\n")
i = lines.index("## " + heading) + 1
while i < len(lines) and (lines[i] == "" or lines[i].startswith("_")):
    i += 1
lines[i:i] = [text, ""]
open(path, "w", encoding="utf-8").write("\n".join(lines))
PY
}

PEOPLE='  - { email: alice@example.com, name: Alice Adams, roles: [pm, admin] }
  - { email: bob@example.com, name: Bob Brown, roles: [manager, sponsor] }'

project() {
  mkdir -p "$OUT/$1" && cd "$OUT/$1"
  git init -q -b main
  as alice; at 2026-02-20
  folio init --project "$2" --name "Project $2"
  printf 'project: { code: %s, name: Project %s }\nnumbering: "{project}-{code}-{seq:4}"\nrevisions: numeric\nsignatures: optional\npeople:\n%s\n' \
    "$2" "$2" "$PEOPLE" > folio.yml
  git add folio.yml && git commit -q --no-verify -m "people"
}

# ---------------------------------------------------------------- ALPHA
project alpha ALPHA
at 2026-02-25
SCH="$(new schedule --title "Alpha schedule")"
rows "$SCH" Milestones "MS-01 | Design signed off | 2026-03-01 | 2026-03-01 |  | Planned" "MS-02 | Pilot live | 2026-04-15 | 2026-04-15 |  | Planned"
rows "$SCH" "Work packages" "WP-1 | Design | alice@example.com | 2026-02-01 | 2026-03-31 | 10000.00 EUR | 50"
folio checkin "$SCH" -m "milestones"
folio submit "$SCH"; as bob; folio approve "$SCH" --role pm 2>/dev/null || true; as alice
RSK="$(new risk-register --title "Alpha risks" --set review_date=2026-03-05)"
rows "$RSK" Risks \
  "R-001 | Supplier capacity | Resource | 5 | 5 | 25 | Reduce | Second supplier | alice@example.com | 2026-03-20 | Open" \
  "R-002 | Data quality | Technical | 3 | 4 | 12 | Reduce | Clean-up sprint | bob@example.com | 2026-03-20 | Open" \
  "R-003 | Licence price | Cost | 2 | 2 | 4 | Accept |  | alice@example.com |  | Open"
folio checkin "$RSK" -m "risks"
ISS="$(new issue-log --title "Alpha issues" --set review_date=2026-04-01)"
rows "$ISS" Issues "I-001 | Quotes late | Problem | High | 2026-03-02 | alice@example.com | alice@example.com | Chase the supplier (A-002) | 2026-03-06 | Open | "
folio checkin "$ISS" -m "issues"

at 2026-03-02
M1="$(new minutes --title "Progress 2 March" --set chair=alice@example.com --set meeting_start=2026-03-02T10:00:00Z --set "attendees=alice@example.com,bob@example.com")"
rows "$M1" "Action items" \
  "A-001 | Circulate the charter | alice@example.com | 2026-03-05 | Open" \
  "A-002 | Get two supplier quotes | bob@example.com | 2026-03-20 | Open" \
  "A-003 | Name the content owners | bob@example.com | 2026-03-04 | Open"
folio checkin "$M1" -m "actions"

at 2026-03-08
REP="$(new status-report --title "Status 1-7 March" --set period_start=2026-03-01 --set period_end=2026-03-07 --set overall_status=green)"
rows "$REP" Health "Schedule | Green | Stable | on plan" "Cost | Green | Stable | on budget" "Risk | Green | Stable | under control" "Resources | Green | Stable | staffed"
para "$REP" "Progress this period" "Design workshops held; supplier shortlist agreed."
para "$REP" "Planned next period" "Sign off the design; choose the supplier."
folio checkin "$REP" -m "status"
folio submit "$REP"; as bob; folio approve "$REP" --role sponsor 2>/dev/null || folio approve "$REP" --role manager 2>/dev/null || true; as alice
folio issue "$REP" 2>/dev/null || true

at 2026-03-09
M2="$(new minutes --title "Progress 9 March" --set chair=alice@example.com --set meeting_start=2026-03-09T10:00:00Z --set "attendees=alice@example.com,bob@example.com")"
rows "$M2" "Action items" \
  "A-001 | Circulate the charter | alice@example.com | 2026-03-05 | Done" \
  "A-002 | Get two supplier quotes | bob@example.com | 2026-03-20 | In progress" \
  "A-003 | Name the content owners | bob@example.com | 2026-03-06 | Open" \
  "A-004 | Book the board room | alice@example.com | 2026-03-10 | Done"
folio checkin "$M2" -m "actions"
rows "$SCH" Milestones "MS-01 | Design signed off | 2026-03-01 | 2026-03-31 |  | Late" "MS-02 | Pilot live | 2026-04-15 | 2026-04-20 |  | At risk"
folio checkin "$SCH" -m "design slips a month"
rows "$RSK" Risks \
  "R-001 | Supplier capacity | Resource | 5 | 5 | 25 | Reduce | Second supplier | alice@example.com | 2026-03-20 | Open" \
  "R-002 | Data quality | Technical | 4 | 4 | 16 | Reduce | Clean-up sprint | bob@example.com | 2026-03-20 | Open" \
  "R-003 | Licence price | Cost | 2 | 2 | 4 | Accept |  | alice@example.com |  | Closed" \
  "R-004 | Key designer leaves | Resource | 4 | 5 | 20 | Reduce | Pair design work | alice@example.com | 2026-03-25 | Open"
folio checkin "$RSK" -m "risk review"

at 2026-03-11
rows "$ISS" Issues "I-001 | Quotes late | Problem | High | 2026-03-02 | alice@example.com | alice@example.com | Chase the supplier | 2026-03-06 | Resolved | Quotes received: closes A-002"
folio checkin "$ISS" -m "issue resolved"
DEC="$(new decision-log --title "Alpha decisions" --set decision_forum=project-board)"
rows "$DEC" "Pending decisions" "PD-001 | Which supplier? | A or B | 2026-03-10 | bob@example.com"
folio checkin "$DEC" -m "pending"
CR="$(new change-request --title "Add single sign-on" --set requester=bob@example.com --set raised_on=2026-03-11 --set change_type=scope --set decision_due=2026-03-20)"
folio submit "$CR" 2>/dev/null || true

at 2026-03-12
M3="$(new minutes --title "Progress 12 March" --set chair=alice@example.com --set meeting_start=2026-03-12T10:00:00Z --set "attendees=alice@example.com,bob@example.com")"
rows "$M3" "Action items" \
  "A-001 | Circulate the charter again, with the board's comments | alice@example.com | 2026-03-05 | Open" \
  "A-005 | Plan the pilot | alice@example.com | 2026-03-20 | Open"
folio checkin "$M3" -m "actions"

# ---------------------------------------------------------------- BETA
project beta BETA
at 2026-03-08
REP="$(new status-report --title "Status 1-7 March" --set period_start=2026-03-01 --set period_end=2026-03-07 --set overall_status=amber)"
rows "$REP" Health "Schedule | Green | Stable | on plan" "Cost | Red | Deteriorating | supplier invoice disputed"
para "$REP" "Progress this period" "Kick-off held."
para "$REP" "Planned next period" "Settle the invoice dispute."
folio checkin "$REP" -m "status"
