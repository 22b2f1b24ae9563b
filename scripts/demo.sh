#!/usr/bin/env bash
# Build a sample Folio project with a realistic history.
#
#   FOLIO=path/to/folio DEMO_DIR=./demo/alpha scripts/demo.sh
#
# Creates (after removing) the repository DEMO_DIR (default ./demo/alpha) and
# plays five weeks of project office work in February and March 2026 as four
# people: Carol (PMO, admin) sets the project up, Alice (project manager) writes
# the charter and keeps the registers, Dave (project team) takes minutes,
# raises a change request and files a drawing, Bob (sponsor) approves. Every
# step is a commit authored by that person at that time (GIT_AUTHOR_* and
# GIT_COMMITTER_* are set per step). At the end it shows the master register
# (folio ls), the state of every document (folio status), the history of one
# register (folio log), validates everything (folio check --all) and writes
# HTML reports (status, register, approvals, history, resources, schedule,
# cost, the Monday pack) and the cost journal to REPORTS_DIR (default
# ./demo/reports, beside the demo repository).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"

if [[ -z "${FOLIO:-}" ]]; then
  FOLIO="$(cd "$REPO_ROOT" && swift build --show-bin-path)/folio"
fi
if [[ ! -x "$FOLIO" ]]; then
  echo "demo: folio binary not found at $FOLIO (run 'make build' or set FOLIO)" >&2
  exit 2
fi
FOLIO="$(cd "$(dirname "$FOLIO")" && pwd)/$(basename "$FOLIO")"
# the hooks that folio init installs call `folio`: make it findable
export PATH="$(dirname "$FOLIO"):$PATH"

DEMO_DIR="${DEMO_DIR:-./demo/alpha}"
mkdir -p "$DEMO_DIR"
DEMO_DIR="$(cd "$DEMO_DIR" && pwd)"
case "$DEMO_DIR" in
  / | "$HOME" | "$REPO_ROOT" | "$(dirname "$REPO_ROOT")")
    echo "demo: refusing to use $DEMO_DIR as the demo folder" >&2; exit 2 ;;
esac
if [[ -n "$(ls -A "$DEMO_DIR")" && ! -f "$DEMO_DIR/folio.yml" ]]; then
  echo "demo: $DEMO_DIR is not empty and is not an earlier demo; remove it or set DEMO_DIR" >&2
  exit 2
fi
rm -rf "$DEMO_DIR"
mkdir -p "$DEMO_DIR"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# Nothing from the caller's git environment may leak into the demo repository.
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES \
      GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_AUTHOR_DATE GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL GIT_COMMITTER_DATE
export GIT_CONFIG_NOSYSTEM=1

# --------------------------------------------------------------------------
# Helpers

if [[ -t 1 ]]; then
  say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
else
  say() { printf '\n==> %s\n' "$*"; }
fi

# as PERSON WHEN: act as that person at that local time (Europe, CET)
as() {
  local who="$1" when="$2"
  case "$who" in
    alice) GIT_AUTHOR_NAME="Alice Adams"; GIT_AUTHOR_EMAIL="alice@example.com" ;;
    bob)   GIT_AUTHOR_NAME="Bob Brown";   GIT_AUTHOR_EMAIL="bob@example.com" ;;
    carol) GIT_AUTHOR_NAME="Carol Chen";  GIT_AUTHOR_EMAIL="carol@example.com" ;;
    dave)  GIT_AUTHOR_NAME="Dave Diaz";   GIT_AUTHOR_EMAIL="dave@example.com" ;;
    *) echo "demo: unknown person $who" >&2; exit 2 ;;
  esac
  GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME"
  GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"
  GIT_AUTHOR_DATE="${when/ /T}:00+01:00"
  GIT_COMMITTER_DATE="$GIT_AUTHOR_DATE"
  export GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL GIT_AUTHOR_DATE GIT_COMMITTER_DATE
  printf '    [%s %s]\n' "$GIT_AUTHOR_NAME" "$when"
}

folio() { "$FOLIO" "$@"; }

# new_doc TYPE ARGS...: folio new, prints the new ID (the first line of its output)
new_doc() {
  local out
  out="$("$FOLIO" new "$@")"
  printf '%s\n' "${out%%$'\n'*}"
}

# path_of ID: the document's file, relative to the repository root
path_of() {
  local id="$1" p
  p="$(find docs -name "$id.md" -not -path '*/.git/*' -print -quit 2>/dev/null || true)"
  if [[ -z "$p" ]]; then
    p="$(git ls-files | grep -E "(^|/)$id\.md$" | head -n 1 || true)"
  fi
  if [[ -z "$p" ]]; then
    echo "demo: cannot find the file of $id" >&2; exit 1
  fi
  printf '%s\n' "$p"
}


# edit FILE OP ARGS...: structured edits of a document (see the Python below)
edit() { python3 "$WORK/edit.py" "$@"; }

cat > "$WORK/edit.py" <<'PY'
"""Small structured edits of a Folio document, as a person would make them.

  set  FILE KEY VALUE               set a front matter key (VALUE is YAML)
  para FILE HEADING TEXT            replace the _guidance_ paragraph under ## HEADING
  rows FILE HEADING ROW...          append rows (cells separated by ' | ') to the table under ## HEADING
  cell FILE HEADING KEY COLUMN VAL  set one cell of the row whose first cell is KEY
  del  FILE HEADING KEY             delete the row whose first cell is KEY
"""
import sys

op, path, args = sys.argv[1], sys.argv[2], sys.argv[3:]
lines = open(path, encoding="utf-8").read().split("\n")


def die(msg):
    sys.exit(f"demo edit {path}: {msg}")


def front_matter_end():
    if lines[0] != "---":
        die("no front matter")
    for i in range(1, len(lines)):
        if lines[i] in ("---", "..."):
            return i
    die("unterminated front matter")


def section(heading):
    start = None
    for i, l in enumerate(lines):
        if start is None and l.strip() == f"## {heading}":
            start = i
        elif start is not None and (l.startswith("## ") or l.startswith("# ")):
            return start, i
    if start is None:
        die(f"no section '## {heading}'")
    return start, len(lines)


def table(heading):
    s, e = section(heading)
    first = next((i for i in range(s + 1, e) if lines[i].startswith("|")), None)
    if first is None:
        die(f"no table under '## {heading}'")
    last = first
    while last + 1 < e and lines[last + 1].startswith("|"):
        last += 1
    return first, last


def cells(line):
    return [c.strip() for c in line.strip().strip("|").split("|")]


def row(values):
    return "| " + " | ".join(values) + " |"


if op == "set":
    key, value = args
    end = front_matter_end()
    for i in range(1, end):
        if lines[i].split(":", 1)[0] == key and ":" in lines[i]:
            j = i + 1  # drop a block value that followed the key
            while j < end and (lines[j].startswith(" ") or lines[j].startswith("- ")):
                j += 1
            lines[i:j] = [f"{key}: {value}"]
            break
    else:
        lines.insert(end, f"{key}: {value}")
elif op == "para":
    heading, text = args
    s, e = section(heading)
    for i in range(s + 1, e):
        l = lines[i].strip()
        if l.startswith("_") and l.endswith("_"):
            lines[i] = text
            break
    else:
        lines[s + 1:s + 1] = ["", text]
elif op == "rows":
    heading, new = args[0], args[1:]
    first, last = table(heading)
    width = len(cells(lines[first]))
    out = []
    for r in new:
        vals = [c.strip() for c in r.split("|")]
        if len(vals) != width:
            die(f"row {r!r} has {len(vals)} cells, the table under '## {heading}' has {width} columns: {lines[first]}")
        out.append(row(vals))
    lines[last + 1:last + 1] = out
elif op == "cell":
    heading, key, column, value = args
    first, last = table(heading)
    header = cells(lines[first])
    if column not in header:
        die(f"no column {column!r} in {header}")
    for i in range(first + 2, last + 1):
        c = cells(lines[i])
        if c[0] == key:
            c[header.index(column)] = value
            lines[i] = row(c)
            break
    else:
        die(f"no row {key!r} under '## {heading}'")
elif op == "del":
    heading, key = args
    first, last = table(heading)
    for i in range(first + 2, last + 1):
        if cells(lines[i])[0] == key:
            del lines[i]
            break
    else:
        die(f"no row {key!r} under '## {heading}'")
else:
    die(f"unknown operation {op}")

open(path, "w", encoding="utf-8").write("\n".join(lines))
PY

# A small, well-formed two-page PDF standing in for a drawing.
make_pdf() {
  python3 - "$1" "$2" <<'PY'
import sys
path, title = sys.argv[1], sys.argv[2]
objs = []
def add(s):
    objs.append(s.encode("latin-1"))
    return len(objs)
pages_id = 2
add("<< /Type /Catalog /Pages 2 0 R >>")
add("")  # pages, filled below
font = add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
kids = []
for n in (1, 2):
    text = f"BT /F1 18 Tf 60 760 Td ({title} - sheet {n} of 2) Tj ET"
    stream = add(f"<< /Length {len(text)} >>\nstream\n{text}\nendstream")
    kids.append(add(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 1191 842] "
                    f"/Resources << /Font << /F1 {font} 0 R >> >> /Contents {stream} 0 R >>"))
objs[pages_id - 1] = (f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count 2 >>").encode()
out = bytearray(b"%PDF-1.4\n")
offsets = []
for i, o in enumerate(objs, 1):
    offsets.append(len(out))
    out += f"{i} 0 obj\n".encode() + o + b"\nendobj\n"
xref = len(out)
out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
for off in offsets:
    out += f"{off:010d} 00000 n \n".encode()
out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
open(path, "wb").write(out)
PY
}

cd "$DEMO_DIR"

# --------------------------------------------------------------------------
say "Week 1: Carol (PMO) sets up the project repository"

as carol "2026-02-02 09:00"
# A repository of its own first, so nothing can mistake an enclosing
# repository for the demo's.
git init -q
git symbolic-ref HEAD refs/heads/main
if [[ "$(git rev-parse --show-toplevel)" != "$DEMO_DIR" ]]; then
  echo "demo: $DEMO_DIR is not the top of its own repository" >&2; exit 1
fi
folio init --project ALPHA --name "Project Alpha"

as carol "2026-02-02 09:20"
# folio init lists only the person who ran it; the team is four people.
python3 - <<'PY'
people = """people:
  - { email: alice@example.com, name: Alice Adams, roles: [pm] }
  - { email: bob@example.com,   name: Bob Brown,   roles: [sponsor] }
  - { email: carol@example.com, name: Carol Chen,  roles: [pmo, admin] }
  - { email: dave@example.com,  name: Dave Diaz,   roles: [author] }"""
lines = open("folio.yml", encoding="utf-8").read().rstrip("\n").split("\n")
out, i, done = [], 0, False
while i < len(lines):
    if lines[i].startswith("people:"):
        out.extend(people.split("\n"))
        done = True
        i += 1
        while i < len(lines) and (lines[i].startswith((" ", "-", "\t")) or not lines[i].strip()):
            i += 1
        continue
    out.append(lines[i])
    i += 1
if not done:
    out.extend(people.split("\n"))
open("folio.yml", "w", encoding="utf-8").write("\n".join(out) + "\n")
PY
git add folio.yml
git commit -q -m "Configure the Project Alpha team" -m "Adds Alice (PM), Bob (sponsor), Carol (PMO) and Dave (project team)."
cat folio.yml
folio templates

# --------------------------------------------------------------------------
say "Alice (PM) drafts the project charter"

as alice "2026-02-02 14:05"
CHARTER="$(new_doc charter --title "Project Alpha charter" \
  --set sponsor=bob@example.com \
  --set start_date=2026-02-02 --set end_date=2026-09-30 \
  --set "budget=480000.00 EUR" --set "contingency=48000.00 EUR" \
  --set delivery_approach=hybrid --set priority=high \
  --set "portfolio=Digital workplace" \
  --set business_case=https://intranet.example.com/cases/alpha \
  -m "Start the Project Alpha charter")"
echo "    created $CHARTER"
CHARTER_MD="$(path_of "$CHARTER")"

as alice "2026-02-03 10:30"
edit set "$CHARTER_MD" project_board "[alice@example.com, bob@example.com, carol@example.com]"
edit para "$CHARTER_MD" Purpose "Replace the ageing intranet and file shares with one digital workplace portal for 1,200 staff, so that documents, requests and approvals are handled online by the end of September 2026."
edit para "$CHARTER_MD" Background "The 2019 intranet is out of vendor support and staff keep documents in six unconnected file shares. The business case approved in January 2026 expects 9,000 staff hours saved a year."
edit rows "$CHARTER_MD" Objectives \
  "OBJ-01 | Launch the new portal to all staff | Staff with active accounts | 95% by 2026-09-30" \
  "OBJ-02 | Retire the legacy intranet | Legacy servers switched off | All by 2026-10-31" \
  "OBJ-03 | Move request forms online | Paper forms still in use | 0 of 40"
edit para "$CHARTER_MD" Scope "In scope: portal platform, migration of the intranet and the HR and Finance file shares, 40 request forms, training. Out of scope: the ERP system and the public website."
edit para "$CHARTER_MD" Deliverables "Configured portal (accepted by IT operations); migrated content (accepted by each department head); trained staff (accepted by HR)."
edit rows "$CHARTER_MD" Milestones \
  "M01 | Charter approved | 2026-02-13 | bob@example.com" \
  "M02 | Platform configured | 2026-04-17 | dave@example.com" \
  "M03 | Content migrated | 2026-07-10 | alice@example.com" \
  "M04 | Go-live | 2026-09-14 | alice@example.com"
edit para "$CHARTER_MD" "Assumptions and constraints" "The platform licence is bought through the existing framework contract; departments release one content owner each for two days a month."
edit para "$CHARTER_MD" "High-level risks" "Supplier capacity for the migration, data quality in the file shares, and adoption by field staff."
edit para "$CHARTER_MD" Governance "Monthly project board chaired by Bob Brown (sponsor); tolerances of 10% on cost and four weeks on schedule; exceptions go to the portfolio board."
edit para "$CHARTER_MD" "Success criteria" "All objectives met, legacy intranet retired, and a staff satisfaction score of at least 3.8 of 5 three months after go-live."
folio checkin "$CHARTER_MD" -m "Complete the charter draft"

# --------------------------------------------------------------------------
say "Alice opens the risk register"

as alice "2026-02-04 09:15"
RISKS="$(new_doc risk-register --title "Project Alpha risk register" \
  --set review_date=2026-03-02 --set review_frequency=fortnightly \
  --set risk_appetite=cautious --set escalation_score=15 \
  --set "contingency=48000.00 EUR" -m "Open the risk register")"
echo "    created $RISKS"
RISKS_MD="$(path_of "$RISKS")"

as alice "2026-02-04 16:40"
edit set "$RISKS_MD" related "[$CHARTER]"
edit para "$RISKS_MD" Purpose "Risks to Project Alpha, reviewed fortnightly by the project manager and monthly by the project board."
edit para "$RISKS_MD" "Scoring method" "Probability and impact are scored 1 (very low) to 5 (very high); the score is their product. Scores of 15 or more go to the project board."
edit rows "$RISKS_MD" Risks \
  "R-001 | Migration supplier lacks capacity in Q2 | Resource | 3 | 4 | 12 | Reduce | Book supplier team for April to June now; name a second supplier | alice@example.com | 2026-02-20 | Open" \
  "R-002 | Platform licence price rises at renewal | Cost | 2 | 3 | 6 | Transfer | Fix the price for three years in the framework call-off | carol@example.com | 2026-03-06 | Open" \
  "R-003 | Poor data quality in the HR file share | Technical | 4 | 3 | 12 | Reduce | Run a content clean-up sprint before migration | dave@example.com | 2026-04-30 | Open" \
  "R-004 | Field staff do not adopt the portal | Organisational | 3 | 5 | 15 | Reduce | Mobile-first design; champions in each depot | alice@example.com | 2026-06-30 | Monitoring"
folio checkin "$RISKS_MD" -m "Record the initial risks from the start-up workshop"

# --------------------------------------------------------------------------
say "Dave minutes the kick-off meeting"

as dave "2026-02-05 11:45"
KICKOFF="$(new_doc minutes --title "Kick-off meeting 5 February 2026" \
  --set chair=alice@example.com --set meeting_type=kick-off \
  --set meeting_start=2026-02-05T10:00:00+01:00 --set duration_minutes=90 \
  --set "location=Room 4.12, head office" \
  -m "Minutes of the kick-off meeting")"
echo "    created $KICKOFF"
KICKOFF_MD="$(path_of "$KICKOFF")"

as dave "2026-02-05 15:20"
edit set "$KICKOFF_MD" attendees "[alice@example.com, bob@example.com, carol@example.com, dave@example.com]"
edit set "$KICKOFF_MD" next_meeting "2026-02-19T10:00:00+01:00"
edit para "$KICKOFF_MD" Agenda "1. Introductions. 2. Charter walk-through. 3. Risks. 4. Ways of working."
edit para "$KICKOFF_MD" "Review of previous actions" "None: first meeting."
edit para "$KICKOFF_MD" Discussion "Bob confirmed the September go-live. The board asked for a clean-up of the HR file share before any migration. Dave will compare two migration suppliers."
edit para "$KICKOFF_MD" Decisions "The project follows a hybrid approach: fixed milestones, two-week delivery sprints."
edit rows "$KICKOFF_MD" "Action items" \
  "A-001 | Circulate the draft charter for comment | alice@example.com | 2026-02-09 | Open" \
  "A-002 | Get quotes from two migration suppliers | dave@example.com | 2026-02-16 | Open" \
  "A-003 | Nominate a content owner per department | bob@example.com | 2026-02-13 | Open" \
  "A-004 | Set up the project document repository | carol@example.com | 2026-02-06 | Done"
edit para "$KICKOFF_MD" "Next meeting" "Progress meeting, 19 February 2026, 10:00, Room 4.12."
folio checkin "$KICKOFF_MD" -m "Kick-off minutes: discussion and action items"

# --------------------------------------------------------------------------
say "Alice starts the decision log"

as alice "2026-02-06 09:30"
DECISIONS="$(new_doc decision-log --title "Project Alpha decision log" \
  --set decision_forum=project-board --set review_date=2026-03-06 \
  -m "Open the decision log")"
echo "    created $DECISIONS"
DECISIONS_MD="$(path_of "$DECISIONS")"

as alice "2026-02-06 10:10"
edit set "$DECISIONS_MD" deciders "[alice@example.com, bob@example.com, carol@example.com]"
edit para "$DECISIONS_MD" Purpose "Decisions of the Project Alpha board and of the project manager within tolerance."
edit rows "$DECISIONS_MD" Decisions \
  "D-001 | 2026-02-05 | Hybrid delivery: fixed milestones, two-week sprints | Milestones are contractual; the portal needs user feedback early | Pure waterfall; pure agile | alice@example.com, bob@example.com | $KICKOFF | Accepted" \
  "D-002 | 2026-02-05 | Clean up the HR file share before migration | Avoid migrating 40% duplicate content | Migrate as is and clean later | bob@example.com | $KICKOFF | Accepted"
edit rows "$DECISIONS_MD" "Pending decisions" \
  "PD-001 | Which supplier migrates the content? | Supplier A (framework); Supplier B (specialist) | 2026-02-27 | alice@example.com"
folio checkin "$DECISIONS_MD" -m "Log the kick-off decisions"

# --------------------------------------------------------------------------
say "Week 2: the issue log"

as alice "2026-02-09 10:00"
ISSUES="$(new_doc issue-log --title "Project Alpha issue log" \
  --set review_date=2026-02-23 --set escalation_contact=bob@example.com \
  --set target_resolution_days=10 -m "Open the issue log")"
echo "    created $ISSUES"
ISSUES_MD="$(path_of "$ISSUES")"

as dave "2026-02-10 14:30"
edit para "$ISSUES_MD" Purpose "Open issues of Project Alpha, kept by the project team and reviewed weekly by the project manager."
edit rows "$ISSUES_MD" Issues \
  "I-001 | Test tenant not yet provisioned by IT operations | Problem | High | 2026-02-10 | dave@example.com | dave@example.com | Chase IT operations ticket 4471 | 2026-02-13 | Open | " \
  "I-002 | Finance asks to add expense claims to the first release | Request for change | Medium | 2026-02-10 | carol@example.com | alice@example.com | Assess against scope at the next board | 2026-02-19 | Open | " \
  "I-003 | Single sign-on not in the supplier's offer | Concern | High | 2026-02-10 | dave@example.com | alice@example.com | Raise a change request | 2026-02-17 | In progress | "
folio checkin "$ISSUES_MD" -m "Log the first issues"

# --------------------------------------------------------------------------
say "The charter goes through review: Alice submits, Bob and Carol approve, Alice issues it"
as alice "2026-02-11 17:00"
folio submit "$CHARTER"
as bob "2026-02-12 08:40"
folio approve "$CHARTER" --role sponsor --comment "Approved as discussed at the kick-off."
as carol "2026-02-13 09:05"
folio approve "$CHARTER" --role pmo --comment "Meets the PMO charter standard."
as alice "2026-02-13 09:30"
folio issue "$CHARTER"

# --------------------------------------------------------------------------
say "Week 3: Dave files the network drawing and raises a change request for single sign-on"

as dave "2026-02-16 11:45"
DRAWING_FILE="$WORK/ALPHA-NET-ARCH-001.pdf"
make_pdf "$DRAWING_FILE" "Project Alpha network architecture"
DRAWING="$(new_doc artifact --title "Network architecture drawing" \
  --set owner=dave@example.com --set discipline=ict --set format=pdf \
  --set original_file_name=ALPHA-NET-ARCH-001.pdf --set suitability=S3 \
  --set originator=ACME --set originator_revision=P01 --set scale=NTS \
  --set sheet_size=A3 --set pages=2 --set received_at=2026-02-16T09:30:00Z \
  --set source_url=https://cde.example.com/alpha/ALPHA-NET-ARCH-001 \
  --attach "$DRAWING_FILE" -m "File the network architecture drawing")"
echo "    created $DRAWING"
DRAWING_MD="$(path_of "$DRAWING")"

as dave "2026-02-16 12:10"
edit para "$DRAWING_MD" Description "Logical network architecture of the portal: tenants, identity provider, integration with the HR and Finance systems."
edit rows "$DRAWING_MD" Files \
  "ALPHA-NET-ARCH-001.pdf | Network architecture, sheets 1 and 2 | 2 | A3"
folio checkin "$DRAWING_MD" -m "Describe the drawing's files"

as dave "2026-02-17 13:20"
CR="$(new_doc change-request --title "Add single sign-on to the portal scope" \
  --set owner=alice@example.com --set requester=dave@example.com \
  --set raised_on=2026-02-17 --set change_type=scope --set priority=high \
  --set "cost_impact=18500.00 EUR" --set schedule_impact_days=10 \
  --set effort_days=22.5 --set contract_variation=true \
  --set decision_due=2026-03-04 \
  --set reference_url=https://tickets.example.com/ALPHA-112 \
  -m "Raise a change request for single sign-on")"
echo "    created $CR"
CR_MD="$(path_of "$CR")"

as dave "2026-02-18 10:05"
edit set "$CR_MD" affected_documents "[$CHARTER, $DRAWING]"
edit para "$CR_MD" "Description of change" "Add single sign-on with the corporate identity provider (SAML 2.0) to the portal, for all staff accounts."
edit para "$CR_MD" "Reason for change" "Issue $ISSUES I-003: the supplier's offer has separate portal passwords, which the security policy does not allow."
edit para "$CR_MD" "Options considered" "1. Do nothing: breaks the security policy. 2. Single sign-on in release 1 (recommended). 3. Single sign-on after go-live: two months of separate passwords."
edit rows "$CR_MD" "Impact assessment" \
  "Scope | Adds identity integration to release 1 | Medium | 0.00 EUR | 0" \
  "Schedule | Platform milestone moves by two weeks | Medium | 0.00 EUR | 10" \
  "Cost | Supplier effort and identity licence | Medium | 18500.00 EUR | 0" \
  "Risk | Removes the password policy breach | Low | 0.00 EUR | 0"
edit rows "$CR_MD" "Affected items" \
  "Charter milestone M02 | $CHARTER | Move Platform configured to 2026-05-01" \
  "Network architecture | $DRAWING | Add the identity provider and its trust" \
  "Supplier contract | | Variation for 22.5 days of effort"
edit para "$CR_MD" Recommendation "Option 2: single sign-on in release 1, within the four-week schedule tolerance."
folio checkin "$CR_MD" -m "Impact assessment of the single sign-on change"

# The change request waits for the board (sponsor and PMO): the status
# report shows it as a review waiting longer than the policy's five days.
as dave "2026-02-18 17:00"
folio submit "$CR"

as dave "2026-02-18 16:30"
edit rows "$RISKS_MD" Risks \
  "R-005 | Identity provider change freeze delays single sign-on | Schedule | 2 | 4 | 8 | Reduce | Book the identity team's change window for March | dave@example.com | 2026-03-13 | Open"
edit cell "$RISKS_MD" Risks R-001 Status Monitoring
folio checkin "$RISKS_MD" -m "Add the single sign-on risk; supplier capacity now monitored"

# --------------------------------------------------------------------------
say "Dave minutes the progress meeting"

as dave "2026-02-19 12:00"
PROGRESS="$(new_doc minutes --title "Progress meeting 19 February 2026" \
  --set chair=alice@example.com --set meeting_type=progress \
  --set meeting_start=2026-02-19T10:00:00+01:00 --set duration_minutes=60 \
  --set "location=Room 4.12, head office" --set previous_minutes="$KICKOFF" \
  -m "Minutes of the progress meeting")"
echo "    created $PROGRESS"
PROGRESS_MD="$(path_of "$PROGRESS")"

as dave "2026-02-19 14:10"
edit set "$PROGRESS_MD" attendees "[alice@example.com, carol@example.com, dave@example.com]"
edit set "$PROGRESS_MD" apologies "[bob@example.com]"
edit para "$PROGRESS_MD" Agenda "1. Actions. 2. Supplier quotes. 3. Change request for single sign-on. 4. Risks and issues."
edit para "$PROGRESS_MD" "Review of previous actions" "A-001 done; A-002 done, two quotes received; A-003 open, four of six departments have named an owner."
edit para "$PROGRESS_MD" Discussion "Supplier B's quote is 12% higher but includes the clean-up sprint. The change request $CR goes to the board on 4 March."
edit para "$PROGRESS_MD" Decisions "Recommend supplier B to the board."
# Actions keep their IDs from meeting to meeting: the pack's action log
# counts A-003 once, carried over with a new due date.
edit rows "$PROGRESS_MD" "Action items" \
  "A-001 | Circulate the draft charter for comment | alice@example.com | 2026-02-09 | Done" \
  "A-002 | Get quotes from two migration suppliers | dave@example.com | 2026-02-16 | Done" \
  "A-003 | Nominate a content owner per department | bob@example.com | 2026-02-26 | In progress" \
  "A-005 | Chase the two missing content owners | bob@example.com | 2026-02-26 | Open" \
  "A-006 | Prepare the supplier recommendation for the board | alice@example.com | 2026-02-27 | In progress" \
  "A-007 | Book the identity team's change window | dave@example.com | 2026-02-24 | Open"
edit para "$PROGRESS_MD" "Next meeting" "Progress meeting, 5 March 2026, 10:00, online."
folio checkin "$PROGRESS_MD" -m "Progress meeting minutes and actions"

as alice "2026-02-20 09:40"
edit cell "$ISSUES_MD" Issues I-001 Status Resolved
edit cell "$ISSUES_MD" Issues I-001 Resolution "Test tenant provisioned on 2026-02-19"
edit cell "$ISSUES_MD" Issues I-003 Status Closed
edit cell "$ISSUES_MD" Issues I-003 Resolution "Change request $CR raised"
edit rows "$ISSUES_MD" Issues \
  "I-004 | Two departments have not named a content owner | Concern | Medium | 2026-02-19 | alice@example.com | bob@example.com | Sponsor to chase the department heads | 2026-02-26 | Open | "
folio checkin "$ISSUES_MD" -m "Weekly issue review"

# --------------------------------------------------------------------------
say "Week 4: a marked-up sheet, board decisions, a closed risk"

as dave "2026-02-23 15:00"
MARKUP_FILE="$WORK/ALPHA-NET-ARCH-001-markup.pdf"
make_pdf "$MARKUP_FILE" "Network architecture - identity provider markup"
folio attach "$DRAWING" "$MARKUP_FILE" -m "Add the identity provider markup"

as dave "2026-02-23 15:10"
edit rows "$DRAWING_MD" Files \
  "ALPHA-NET-ARCH-001-markup.pdf | Markup for single sign-on (change request $CR) | 2 | A3"
edit set "$DRAWING_MD" originator_revision P02
folio checkin "$DRAWING_MD" -m "List the markup sheet"

as alice "2026-02-27 11:30"
edit rows "$DECISIONS_MD" Decisions \
  "D-003 | 2026-02-27 | Appoint supplier B for the content migration | Includes the clean-up sprint; best value over the contract | Supplier A at 12% less without clean-up | alice@example.com, bob@example.com | $PROGRESS | Accepted"
edit del "$DECISIONS_MD" "Pending decisions" PD-001
edit rows "$DECISIONS_MD" "Pending decisions" \
  "PD-002 | Approve single sign-on in release 1? | Approve; defer to release 2; reject | 2026-03-04 | bob@example.com"
folio checkin "$DECISIONS_MD" -m "Board decision on the migration supplier"

as alice "2026-03-02 10:15"
edit del "$RISKS_MD" Risks R-002
edit rows "$RISKS_MD" "Closed risks" \
  "R-002 | Platform licence price rises at renewal | 2026-03-02 | Price fixed for three years in the call-off signed on 2026-02-27"
edit set "$RISKS_MD" review_date 2026-03-16
folio checkin "$RISKS_MD" -m "Fortnightly risk review: licence price risk closed"

as alice "2026-03-02 11:00"
edit cell "$ISSUES_MD" Issues I-004 Status Resolved
edit cell "$ISSUES_MD" Issues I-004 Resolution "Both owners named on 2026-02-27: closes action A-005"
folio checkin "$ISSUES_MD" -m "Issue review: content owners named"

# --------------------------------------------------------------------------
say "Alice writes the February status report"

as alice "2026-03-02 16:00"
REPORT="$(new_doc status-report --title "Status report February 2026" \
  --set period_start=2026-02-01 --set period_end=2026-02-28 \
  --set overall_status=amber --set trend=stable --set percent_complete=12 \
  --set "budget_at_completion=480000.00 EUR" --set "actual_cost=41250.00 EUR" \
  --set "forecast_at_completion=498500.00 EUR" --set spi=0.94 --set cpi=0.98 \
  --set escalation_required=false \
  --set dashboard=https://reports.example.com/alpha \
  -m "Start the February status report")"
echo "    created $REPORT"
REPORT_MD="$(path_of "$REPORT")"

as alice "2026-03-02 17:20"
edit set "$REPORT_MD" related "[$CHARTER, $RISKS, $ISSUES, $CR]"
edit para "$REPORT_MD" Summary "Amber: the project is on budget, but single sign-on (change request $CR) moves the platform milestone by two weeks, within tolerance. The board decides the change on 4 March."
edit rows "$REPORT_MD" Health \
  "Schedule | Amber | Stable | Platform milestone forecast two weeks late" \
  "Cost | Green | Stable | CPI 0.98; forecast within the 10% tolerance" \
  "Scope | Amber | Deteriorating | Single sign-on and expense claims requested" \
  "Risk | Green | Improving | Licence price risk closed"
edit para "$REPORT_MD" "Progress this period" "Charter agreed; risk, issue and decision logs opened; migration supplier chosen; test tenant provisioned."
edit para "$REPORT_MD" "Planned next period" "Board decision on single sign-on; platform configuration sprints 1 and 2; HR file share clean-up."
edit rows "$REPORT_MD" Milestones \
  "Charter approved | 2026-02-13 | 2026-02-13 | 2026-02-13 | Complete" \
  "Platform configured | 2026-04-17 | 2026-05-01 | | At risk" \
  "Content migrated | 2026-07-10 | 2026-07-10 | | On track" \
  "Go-live | 2026-09-14 | 2026-09-14 | | On track"
edit para "$REPORT_MD" "Risks and issues" "Top risk R-004 (adoption by field staff, score 15) is with the board. Open issues: I-002 (expense claims), I-004 (content owners)."
edit para "$REPORT_MD" "Decisions and support required" "Board to decide change request $CR by 4 March 2026."
folio checkin "$REPORT_MD" -m "February status report"

# --------------------------------------------------------------------------
say "Carol (PMO) records capacity: Dave works 60%, Erin four days a week, with a week of leave in March"
as carol "2026-03-06 10:00"
python3 - <<'PY'
text = open("folio.yml", encoding="utf-8").read()
text = text.replace("roles: [pm] }", "roles: [pm, manager] }")
text = text.replace(
    "  - { email: dave@example.com,  name: Dave Diaz,   roles: [author] }",
    "  - email: dave@example.com\n"
    "    name: Dave Diaz\n"
    "    roles: [author]\n"
    "    part_time: 0.6\n"
    "    skills: [surveying, drafting]\n"
    "  - email: erin@example.com\n"
    "    name: Erin Evans\n"
    "    roles: [author]\n"
    "    working_days: [mon, tue, wed, thu]\n"
    "    hours_per_week: 32\n"
    "    absences:\n"
    "      - { from: 2026-03-16, to: 2026-03-20, reason: leave }")
text += "resources: { allocation: warn, threshold: 100, max_week_hours: 50 }\n"
open("folio.yml", "w", encoding="utf-8").write(text)
PY
git add folio.yml
git commit -q -m "Capacity: Dave part-time, Erin's week and leave; Alice approves timesheets"

say "Alice plans the team: two resource plans compete for Dave"
as alice "2026-03-06 10:20"
PLAN1="$(new_doc resource-plan --title "Design team, spring 2026" --set plan_start=2026-02-02 --set plan_end=2026-04-24 -m "Plan the design team")"
PLAN2="$(new_doc resource-plan --title "Site survey crew" --set plan_start=2026-03-09 --set plan_end=2026-03-27 -m "Plan the survey")"
python3 - "$(path_of "$PLAN1")" "$(path_of "$PLAN2")" <<'PY'
import sys
head = "| Person | Role | Allocation % | From | To |\n| --- | --- | --- | --- | --- |\n"
rows = {
    sys.argv[1]: ["| alice@example.com | Project manager | 50 | 2026-02-02 | 2026-04-24 |",
                  "| dave@example.com | Designer | 70 | 2026-02-02 | 2026-04-24 |",
                  "| erin@example.com | Drafter | 100 | 2026-02-16 | 2026-04-10 |"],
    sys.argv[2]: ["| dave@example.com | Surveyor | 50 | 2026-03-09 | 2026-03-27 |",
                  "| erin@example.com | Surveyor | 20 | 2026-03-23 | 2026-03-27 |"],
}
for path, lines in rows.items():
    text = open(path, encoding="utf-8").read().replace(head, head + "".join(l + "\n" for l in lines), 1)
    if path == sys.argv[2]:
        req = "| --- | --- | --- | --- | --- | --- | --- |\n"
        text = text.replace(req, req + "| RR-001 | Geotechnical engineer | soils | 40 | 2026-03-16 | 2026-04-10 | Requested |\n", 1)
    open(path, "w", encoding="utf-8").write(text)
PY
folio checkin "$(path_of "$PLAN1")" -m "Design team assignments"
folio checkin "$(path_of "$PLAN2")" -m "Survey crew assignments (Dave is also on the design team)"

say "Carol imports the February timesheets; Alice approves two weeks, which locks them"
as carol "2026-03-06 11:00"
cat > "$WORK/timesheets-february.csv" <<'CSV'
person,date,project,work_package,hours,activity,note
dave@example.com,2026-02-02,ALPHA,WP-1.2,5,design,Drawing review
dave@example.com,2026-02-03,ALPHA,WP-1.2,4.5,design,
dave@example.com,2026-02-04,ALPHA,WP-1.4,1,meeting,Weekly progress meeting
dave@example.com,2026-02-09,ALPHA,WP-1.2,6,design,Foundation layout
dave@example.com,2026-02-11,ALPHA,WP-1.2,5.5,design,
dave@example.com,2026-02-16,ALPHA,WP-2.1,7,documentation,Method statement
dave@example.com,2026-02-23,ALPHA,WP-2.1,6,documentation,"Comments from Bob, round 1"
erin@example.com,2026-02-16,ALPHA,WP-1.3,8,drafting,Sections A-A and B-B
erin@example.com,2026-02-17,ALPHA,WP-1.3,8,drafting,
erin@example.com,2026-02-18,ALPHA,WP-1.3,7.5,drafting,
erin@example.com,2026-02-23,ALPHA,WP-1.3,8,drafting,
alice@example.com,2026-02-02,ALPHA,WP-0.1,4,management,Charter and kick-off
alice@example.com,2026-02-09,ALPHA,WP-0.1,3.5,management,
CSV
IMPORT_OUT="$(folio import timesheets "$WORK/timesheets-february.csv")"
printf '%s\n' "$IMPORT_OUT"
for ts in $(printf '%s\n' "$IMPORT_OUT" | awk '/^  created/ {print $2}' | head -n 3); do
  as carol "2026-03-06 11:10"
  folio submit "$ts"
  case "$ts" in
    *-0001|*-0002) as alice "2026-03-06 11:30"; folio approve "$ts" --role manager --comment "Checked against the plan"
                   as carol "2026-03-06 11:40"; folio issue "$ts" ;;
  esac
done
say "Importing the same file again changes nothing"
folio import timesheets "$WORK/timesheets-february.csv"

say "Carol gives herself the pm role with folio people; Alice baselines the schedule"
as carol "2026-03-06 12:00"
folio people set carol@example.com --roles pmo,admin,pm
as alice "2026-03-06 12:10"
SCHEDULE="$(new_doc schedule --title "Project Alpha schedule" -m "Start the schedule")"
python3 - "$(path_of "$SCHEDULE")" <<'PY'
import sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
ms = "| ID | Milestone | Baseline | Forecast | Actual | Status |\n| --- | --- | --- | --- | --- | --- |\n"
text = text.replace(ms, ms +
    "| MS-01 | Kick-off | 2026-02-02 | 2026-02-02 | 2026-02-02 | Done |\n"
    "| MS-02 | Design freeze | 2026-03-20 | 2026-03-20 |  | On track |\n"
    "| MS-03 | Planning application submitted | 2026-04-17 | 2026-04-17 |  | Planned |\n", 1)
wp = "| ID | Work package | Owner | Start | Finish | Budget | % complete |\n| --- | --- | --- | --- | --- | --- | --- |\n"
text = text.replace(wp, wp +
    "| WP-0.1 | Project management | alice@example.com | 2026-02-02 | 2026-06-30 | 18000.00 EUR | 20 |\n"
    "| WP-1.2 | Foundation design | dave@example.com | 2026-02-02 | 2026-03-20 | 42000.00 EUR | 60 |\n"
    "| WP-1.3 | Drawings | erin@example.com | 2026-02-16 | 2026-04-10 | 24000.00 EUR | 35 |\n"
    "| WP-1.4 | Meetings | alice@example.com | 2026-02-02 | 2026-06-30 | 6000.00 EUR | 20 |\n"
    "| WP-2.1 | Method statements | dave@example.com | 2026-02-16 | 2026-04-10 | 12500.00 EUR | 10 |\n"
    "| WP-3.1 | Site survey | dave@example.com | 2026-03-02 | 2026-04-03 | 60000.00 EUR | 55 |\n"
    "| WP-3.2 | Geotechnical investigation | dave@example.com | 2026-03-09 | 2026-04-24 | 75000.00 EUR | 40 |\n"
    "| WP-0.2 | Design software | alice@example.com | 2026-02-16 | 2026-02-20 | 12500.00 EUR | 100 |\n", 1)
open(path, "w", encoding="utf-8").write(text)
PY
folio checkin "$(path_of "$SCHEDULE")" -m "Milestones and work packages"
folio submit "$SCHEDULE"
as carol "2026-03-06 14:00"
folio approve "$SCHEDULE" --role pm --comment "Baseline agreed at the progress meeting"
as alice "2026-03-06 14:30"
folio issue "$SCHEDULE"

say "The design freeze slips, a week at a time"
reforecast() {
  python3 - "$(path_of "$SCHEDULE")" "$1" "$2" "$3" <<'PY'
import sys
path, ms, date, status = sys.argv[1:]
lines = open(path, encoding="utf-8").read().split("\n")
for i, line in enumerate(lines):
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if cells and cells[0] == ms and len(cells) == 6:
        cells[3], cells[5] = date, status
        lines[i] = "| " + " | ".join(cells) + " |"
open(path, "w", encoding="utf-8").write("\n".join(lines))
PY
}
as alice "2026-03-13 16:00"
reforecast MS-02 2026-03-27 "At risk"
folio checkin "$(path_of "$SCHEDULE")" -m "Design freeze forecast a week later: soil report late"
as alice "2026-03-20 16:00"
reforecast MS-02 2026-04-03 "At risk"
reforecast MS-03 2026-04-24 "At risk"
folio checkin "$(path_of "$SCHEDULE")" -m "Design freeze two weeks late; the planning application follows"

say "Carol sets up the cost register and the rate card; an invoice is booked twice by mistake"
as carol "2026-03-20 17:00"
COSTS="$(new_doc cost-register --title "Project Alpha cost register" --set budget_total="250000.00 EUR" --set as_of=2026-03-20 -m "Start the cost register")"
RATES="$(new_doc rate-card --title "Project Alpha rate card 2026" -m "Rates for 2026")"
python3 - "$(path_of "$COSTS")" "$(path_of "$RATES")" <<'PY'
import sys
costs, rates = sys.argv[1:]
text = open(costs, encoding="utf-8").read()
head = "| Line | Description | Category | Budget | Committed | Forecast | Owner |\n| --- | --- | --- | --- | --- | --- | --- |\n"
text = text.replace(head, head +
    "| B-01 | Project team labour | Labour | 90000.00 EUR | 0.00 EUR | 92000.00 EUR | alice@example.com |\n"
    "| B-02 | Site survey contractor | Contractors | 60000.00 EUR | 58000.00 EUR | 58000.00 EUR | dave@example.com |\n"
    "| B-03 | Design software | Software | 25000.00 EUR | 25000.00 EUR | 25000.00 EUR | alice@example.com |\n"
    "| B-04 | Geotechnical investigation | Contractors | 75000.00 EUR | 80500.00 EUR | 80500.00 EUR | dave@example.com |\n", 1)
head = "| ID | Date | Line | Supplier | Invoice | Amount | Approved By | Paid |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n"
text = text.replace(head, head +
    "| AC-001 | 2026-02-20 | B-03 | CADworks GmbH | CW-26-0112 | 25000.00 EUR | alice@example.com | yes |\n"
    "| AC-002 | 2026-03-02 | B-02 | Landmeters BV | LM-2026-031 | 19500.00 EUR | alice@example.com | yes |\n"
    "| AC-003 | 2026-03-16 | B-04 | GeoSoil Ltd | GS-5521 | 42000.00 EUR | alice@example.com | no |\n"
    "| AC-004 | 2026-03-18 | B-02 | Landmeters BV | LM-2026-031 | 19500.00 EUR | alice@example.com | no |\n", 1)
open(costs, "w", encoding="utf-8").write(text)
text = open(rates, encoding="utf-8").read()
head = "| Person or role | Rate | From | To |\n| --- | --- | --- | --- |\n"
text = text.replace(head, head +
    "| pm | 95.00 EUR | 2026-01-01 | 2026-12-31 |\n"
    "| author | 72.00 EUR | 2026-01-01 | 2026-12-31 |\n"
    "| dave@example.com | 78.50 EUR | 2026-01-01 | 2026-12-31 |\n", 1)
open(rates, "w", encoding="utf-8").write(text)
PY
folio checkin "$(path_of "$COSTS")" -m "Budget lines and the invoices to date"
folio checkin "$(path_of "$RATES")" -m "Hourly rates"

say "The history, as plain git sees it"
git log --reverse --date=format:'%Y-%m-%d %H:%M' --format='%ad  %<(12)%an %s'

say "folio ls: the master document register"
folio ls

say "folio status"
folio status

say "folio log $RISKS"
folio log "$RISKS"

say "folio show $RISKS (first lines)"
folio show "$RISKS" | head -n 20 || true

say "folio check --all"
set +e
folio check --all
check_rc=$?
set -e

REPORTS_DIR="${REPORTS_DIR:-$(dirname "$DEMO_DIR")/reports}"
say "Reports: status of the last two weeks, the last changes, and HTML reports in $REPORTS_DIR"
mkdir -p "$REPORTS_DIR"
folio report status --since 2026-02-23 --until 2026-03-06 --section overdue_reviews
folio report history --since 2026-03-02
folio report status --since 2026-02-01 --until 2026-03-06 --format html -o "$REPORTS_DIR/status.html"
folio report register --format html -o "$REPORTS_DIR/register.html"
folio report approvals --format html -o "$REPORTS_DIR/approvals.html"
folio report history --format html -o "$REPORTS_DIR/history.html"
folio report register --format csv -o "$REPORTS_DIR/register.csv"
folio report resources --from 2026-02-02 --to 2026-04-26 --section over_allocations
folio report resources --from 2026-02-02 --to 2026-04-26 --format html -o "$REPORTS_DIR/resources.html"
folio report resources --from 2026-02-02 --to 2026-04-26 --by month --format csv -o "$REPORTS_DIR/resources.csv"
folio report schedule --at HEAD
folio report schedule --at HEAD --format html -o "$REPORTS_DIR/schedule.html"
folio report cost --as-of 2026-03-20
folio report cost --as-of 2026-03-20 --format html -o "$REPORTS_DIR/cost.html"
folio report cost --as-of 2026-03-20 --format ledger -o "$REPORTS_DIR/cost.journal"
folio report pack --since 2026-03-09 --until 2026-03-15 --as-of 2026-03-16 --at HEAD
folio report pack --since 2026-03-09 --until 2026-03-15 --as-of 2026-03-16 --at HEAD --format html -o "$REPORTS_DIR/pack.html"
ls -1 "$REPORTS_DIR"

say "The demo project is in $DEMO_DIR"
echo "    cd $DEMO_DIR && $FOLIO ls"
if [[ $check_rc -ne 0 ]]; then
  echo "demo: folio check --all found problems (exit $check_rc)" >&2
  exit "$check_rc"
fi
