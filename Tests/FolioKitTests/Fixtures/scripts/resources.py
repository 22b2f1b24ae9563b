#!/usr/bin/env python3
"""`folio report resources` computed without Folio, as a cross-check of its
JSON: capacity, planned and recorded hours per person and period, the load
per project, over-allocations across repositories, open resource requests
and timesheet problems, from the committed files of each repository (git
ls-tree / cat-file at HEAD; bare repositories work too). Definitions:
docs/formats.md ("People's capacity", "Allocation rule", "Timesheets") and
docs/reports.md (`resources`).

usage: resources.py [--from D] [--to D] [--by week|month] [--today D] REPO [REPO ...]
       resources.py --self-test
Prints one JSON object: people, load, over_allocations, resource_requests,
timesheets. Hours are rounded to 2 decimals and percentages to 1 (half away
from zero) only at the output; everything before is exact (fractions).

States come from the record's last event; `approved` counts as in-review
(the oracle does not judge whether the approvals are complete).
"""
import argparse, datetime as dt, json, os, re, shutil, subprocess, sys, tempfile
from fractions import Fraction
import yaml

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
STATE = {"created": "draft", "checked-in": "draft", "rejected": "draft", "submitted": "in-review",
         "approved": "in-review", "issued": "issued", "superseded": "superseded", "withdrawn": "withdrawn"}
GONE = ("withdrawn", "superseded")


# ---------------------------------------------------------------- reading

class Repo:
    """One repository at HEAD: every blob the report reads, in one `git cat-file --batch`."""

    FOLDERS = ("docs/resource-plan/", "docs/timesheet/")

    def __init__(self, path):
        self.path = path
        out = subprocess.run(["git", "-C", path, "ls-tree", "-r", "-z", "HEAD"], check=True, capture_output=True).stdout
        blob = {}  # path -> object id (asked for by id: `HEAD:path` scans big trees once per file)
        for entry in out.split(b"\0"):
            if entry:
                meta, _, name = entry.decode().partition("\t")
                blob[name] = meta.split()[2]
        docs = [p for p in blob if p.startswith(self.FOLDERS) and p.endswith(".md") and p.count("/") == 2]
        ids = {p.rsplit("/", 1)[1][:-3] for p in docs}
        records = [p for p in blob if p.startswith(".folio/records/") and p.endswith(".jsonl") and p[15:-6] in ids]
        wanted = ["folio.yml"] + docs + records
        data = subprocess.run(["git", "-C", path, "cat-file", "--batch"], input="".join(blob[p] + "\n" for p in wanted).encode(),
                              check=True, capture_output=True).stdout
        self.blobs, i = {}, 0
        for p in wanted:
            eol = data.index(b"\n", i)
            header = data[i:eol].split()
            assert len(header) == 3, f"{path}: {p}: {header}"
            size = int(header[2])
            self.blobs[p] = data[eol + 1:eol + 1 + size].decode()
            i = eol + 2 + size
        self.config = yaml.load(self.blobs["folio.yml"], Loader=Loader) or {}
        self.code = str((self.config.get("project") or {}).get("code", ""))

    def documents(self, doc_type):
        """(id, front matter, lines, state) of each document of the type in docs/<type>/."""
        folder = f"docs/{doc_type}/"
        for path, text in self.blobs.items():
            if not path.startswith(folder):
                continue
            lines = text.split("\n")
            fm = front_matter(lines)
            if fm is None or fm.get("type") != doc_type:
                continue
            doc_id = path[len(folder):-3]
            state = "draft"
            record = self.blobs.get(f".folio/records/{doc_id}.jsonl")
            if record:
                events = [json.loads(l) for l in record.splitlines() if l.strip()]
                if events:
                    state = STATE[events[-1]["event"]]
            yield doc_id, fm, lines, state


def front_matter(lines):
    if not lines or lines[0].rstrip("\r") != "---":
        return None
    for i in range(1, len(lines)):
        if lines[i].rstrip("\r") == "---":
            return yaml.load("\n".join(lines[1:i]), Loader=Loader) or {}
    return None


def split_row(line):
    """The cells of a GFM table row; `\\|` is a pipe inside a cell."""
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|") and not s.endswith("\\|"):
        s = s[:-1]
    cells, cur, i = [], "", 0
    while i < len(s):
        if s[i] == "\\" and i + 1 < len(s) and s[i + 1] == "|":
            cur += "|"
            i += 2
            continue
        if s[i] == "|":
            cells.append(cur.strip())
            cur = ""
        else:
            cur += s[i]
        i += 1
    cells.append(cur.strip())
    return cells


def table(lines, heading):
    """Rows (1-based line number, {column: cell}) of the first table under `## heading`
    (before the next heading; paragraphs between the heading and the table are skipped)."""
    try:
        start = next(i for i, l in enumerate(lines) if l.rstrip() == "## " + heading)
    except StopIteration:
        return []
    i = start + 1
    while i < len(lines) and not lines[i].lstrip().startswith("|"):
        if lines[i].startswith("#"):
            return []
        i += 1
    if i + 1 >= len(lines):
        return []
    header = split_row(lines[i])
    rows = []
    j = i + 2  # past the header and the `| --- |` separator
    while j < len(lines) and lines[j].lstrip().startswith("|"):
        cells = split_row(lines[j])
        rows.append((j + 1, dict(zip(header, cells + [""] * (len(header) - len(cells))))))
        j += 1
    return rows


def day(v):
    if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
        return v
    try:
        return dt.date.fromisoformat(str(v).strip()) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(v).strip()) else None
    except ValueError:
        return None


def number(v):
    try:
        return Fraction(str(v).strip())
    except (ValueError, ZeroDivisionError):
        return None


# ---------------------------------------------------------------- people

class Person:
    def __init__(self, email, entry):
        entry = entry or {}
        self.email = email
        self.hours = number(entry.get("hours_per_week", 40)) or Fraction(40)
        self.part = number(entry.get("part_time", 1)) or Fraction(1)
        self.days = {DAYS.index(str(d).lower()) for d in entry.get("working_days") or DAYS[:5]}
        self.absences = [(day(a["from"]), day(a["to"])) for a in entry.get("absences") or []]
        self.per_day = self.hours * self.part / len(self.days) if self.days else Fraction(0)

    def works(self, d):
        return d.weekday() in self.days and not any(a <= d <= b for a, b in self.absences)


def states_capacity(entry):
    return any(k in entry for k in ("hours_per_week", "working_days", "part_time")) or bool(entry.get("absences"))


def people(repos):
    listed, stated = {}, {}
    for repo in repos:
        for entry in repo.config.get("people") or []:
            email = str(entry.get("email", "")).lower()
            listed.setdefault(email, entry)
            if states_capacity(entry):
                stated.setdefault(email, entry)
    return {e: Person(e, stated.get(e, listed[e])) for e in listed}


# ---------------------------------------------------------------- periods

def period(d, by):
    if by == "month":
        return f"{d.year}-{d.month:02d}"
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def days(a, b):
    while a <= b:
        yield a
        a += dt.timedelta(days=1)


def rnd(x, places):
    """Half away from zero, exact; a float for the JSON."""
    q = abs(Fraction(x)) * 10 ** places
    n = int(q) + (1 if q - int(q) >= Fraction(1, 2) else 0)
    v = n / 10 ** places
    return -v if x < 0 and n else float(v)


# ---------------------------------------------------------------- the report

def report(repos, start, end, by, today):
    threshold = int((repos[0].config.get("resources") or {}).get("threshold", 100))
    staff = people(repos)
    assignments, requests, sheets = [], [], []  # sheets: (person, week, id, state, entries)
    for repo in repos:
        for doc_id, fm, lines, state in repo.documents("resource-plan"):
            if state in GONE:
                continue
            for line, row in table(lines, "Assignments"):
                a, b, pct = day(row.get("From")), day(row.get("To")), number(row.get("Allocation %"))
                if a and b and pct is not None:
                    assignments.append({"person": row.get("Person", "").lower(), "project": repo.code, "doc": doc_id,
                                        "line": line, "pct": pct, "from": a, "to": b})
            for line, row in table(lines, "Resource requests"):
                a, b, pct = day(row.get("From")), day(row.get("To")), number(row.get("Allocation %"))
                if (row.get("Status") or "").lower() in ("requested", "approved") and a and b and a <= end and b >= start:
                    requests.append({"project": repo.code, "document": doc_id, "request": row.get("ID", ""),
                                     "role": row.get("Role", ""), "allocation_pct": rnd(pct, 1) if pct is not None else None,
                                     "from": a.isoformat(), "to": b.isoformat(), "status": row["Status"]})
        for doc_id, fm, lines, state in repo.documents("timesheet"):
            entries = []
            for _, row in table(lines, "Entries"):
                d, h = day(row.get("Date")), number(row.get("Hours"))
                if d and h is not None:
                    entries.append((d, row.get("Project", ""), h))
            sheets.append((str(fm.get("person", "")).lower(), str(fm.get("week", "")), doc_id, state, entries))

    by_person = {}
    for a in assignments:
        by_person.setdefault(a["person"], []).append(a)
    cells, load = {}, {}  # (person, period) -> figures; (person, period, project) -> [planned, actual, draft]
    runs = []
    zero = lambda: {"capacity": Fraction(0), "planned": Fraction(0), "peak": 0, "actual": Fraction(0), "draft": Fraction(0)}
    for email, p in staff.items():
        run = None
        for d in days(start, end):
            c = cells.setdefault((email, period(d, by)), zero())
            if not p.works(d):
                continue
            c["capacity"] += p.per_day
            covering = [a for a in by_person.get(email, []) if a["from"] <= d <= a["to"]]
            total = sum(a["pct"] for a in covering)
            c["peak"] = max(c["peak"], total)
            for a in covering:
                h = p.per_day * a["pct"] / 100
                c["planned"] += h
                load.setdefault((email, period(d, by), a["project"]), [Fraction(0)] * 3)[0] += h
            key = frozenset((a["project"], a["doc"], a["line"]) for a in covering)
            if total > threshold:
                if run and run["key"] == key:
                    run["to"] = d
                else:
                    run = {"person": email, "from": d, "to": d, "key": key, "load": total, "rows": covering}
                    runs.append(run)
            else:
                run = None
    for email, week, doc_id, state, entries in sheets:
        if email not in staff or state in GONE:
            continue
        column = 1 if state == "issued" else 2
        for d, project, h in entries:
            if start <= d <= end:
                cells[(email, period(d, by))]["actual" if column == 1 else "draft"] += h
                load.setdefault((email, period(d, by), project), [Fraction(0)] * 3)[column] += h

    out_people = []
    for (email, per), c in sorted(cells.items()):
        out_people.append({
            "person": email, "period": per, "capacity_h": rnd(c["capacity"], 2), "planned_h": rnd(c["planned"], 2),
            "planned_pct": rnd(c["planned"] / c["capacity"] * 100, 1) if c["capacity"] else None,
            "peak_pct": rnd(c["peak"], 1), "actual_h": rnd(c["actual"], 2), "draft_h": rnd(c["draft"], 2),
            "variance_h": rnd(c["actual"] + c["draft"] - c["planned"], 2), "over_allocated": c["peak"] > threshold})
    out_load = [{"person": e, "period": per, "project": pr, "planned_h": rnd(v[0], 2), "actual_h": rnd(v[1], 2),
                 "draft_h": rnd(v[2], 2)} for (e, per, pr), v in sorted(load.items()) if any(v)]
    out_over = []
    for r in sorted(runs, key=lambda r: (r["person"], r["from"])):
        rows = sorted(r["rows"], key=lambda a: (a["project"], a["doc"], a["line"]))
        out_over.append({"person": r["person"], "from": r["from"].isoformat(), "to": r["to"].isoformat(),
                         "load_pct": rnd(r["load"], 1), "projects": sorted({a["project"] for a in rows}),
                         "assignments": [f"{a['project']} {a['doc']} line {a['line']} ({fmt_pct(a['pct'])}%, "
                                         f"{a['from'].isoformat()}..{a['to'].isoformat()})" for a in rows]})

    # Timesheets: closed weeks (Sunday before today) meeting the range.
    problems = set()
    weeks = {}
    for email, week, doc_id, state, entries in sheets:
        if state != "withdrawn" and state != "superseded":
            weeks.setdefault((email, week), []).append((doc_id, state))
    monday = start - dt.timedelta(days=start.weekday())
    while monday <= end:
        sunday = monday + dt.timedelta(days=6)
        y, w, _ = monday.isocalendar()
        label = f"{y}-W{w:02d}"
        for email, p in staff.items():
            found = sorted(weeks.get((email, label), []))
            if len(found) > 1:
                problems.add((email, label, "duplicate"))
            if sunday >= today or any(s == "issued" for _, s in found):
                continue
            planned = sum(p.per_day * a["pct"] / 100 for d in days(max(monday, start), min(sunday, end)) if p.works(d)
                          for a in by_person.get(email, []) if a["from"] <= d <= a["to"])
            if planned > 0:
                problems.add((email, label, found[0][1] if found else "missing"))
        monday += dt.timedelta(days=7)
    return {"people": out_people, "load": out_load, "over_allocations": out_over,
            "resource_requests": sorted(requests, key=lambda r: (r["project"], r["document"], r["request"])),
            "timesheets": [{"person": e, "week": w, "problem": pr} for e, w, pr in sorted(problems)]}


def fmt_pct(p):
    return str(int(p)) if p == int(p) else str(float(p))


# ---------------------------------------------------------------- self-test

def self_test():
    """Two throwaway repositories, Carol at 80% in A and 60% in B (part-time,
    an absence, the 2026-W53 year boundary)."""
    root = tempfile.mkdtemp(prefix="resources-oracle-")

    def repo(name, files):
        path = os.path.join(root, name)
        subprocess.run(["git", "init", "-q", path], check=True)
        for rel, text in files.items():
            os.makedirs(os.path.dirname(os.path.join(path, rel)) or path, exist_ok=True)
            with open(os.path.join(path, rel), "w") as f:
                f.write(text)
        env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com",
                   GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com")
        subprocess.run(["git", "-C", path, "add", "-A"], check=True)
        subprocess.run(["git", "-C", path, "-c", "core.hooksPath=/dev/null", "commit", "-qm", "x"], check=True, env=env)
        return path

    def rec(doc, *events):
        return "".join(json.dumps({"event": e, "document": doc, "revision": "0.1", "fingerprint": "0" * 40,
                                   "actor": "alice@example.com", "name": "Alice", "at": "2026-11-01T00:00:00Z"},
                                  sort_keys=True, separators=(",", ":")) + "\n" for e in events)

    def plan(doc, rows, requests=""):
        return (f"---\nid: {doc}\ntype: resource-plan\ntitle: Plan\n---\n# Plan\n\n## Purpose\n\nx\n\n## Assignments\n\n"
                "_One row per person._\n\n| Person | Role | Allocation % | From | To |\n| --- | --- | --- | --- | --- |\n"
                + "".join(f"| {r} |\n" for r in rows) + "\n## Resource requests\n\n"
                "| ID | Role | Skills | Allocation % | From | To | Status |\n| --- | --- | --- | --- | --- | --- | --- |\n"
                + requests + "\n## Capacity and constraints\n")

    def sheet(doc, week, entries):
        return (f"---\nid: {doc}\ntype: timesheet\ntitle: Carol\nperson: carol@example.com\nweek: {week}\n---\n"
                "# Carol\n\n## Entries\n\n| Date | Project | Work package | Hours | Activity | Note |\n"
                "| --- | --- | --- | --- | --- | --- |\n" + "".join(f"| {e} |\n" for e in entries) + "\n## Notes\n")

    a = repo("a", {
        "folio.yml": "project: { code: ALPHA, name: A }\nresources: { threshold: 100 }\npeople:\n"
                     "  - { email: alice@example.com, name: Alice }\n"
                     "  - email: carol@example.com\n    name: Carol\n    part_time: 0.6\n"
                     "    absences:\n      - { from: 2026-12-24, to: 2027-01-01, reason: holiday }\n",
        "docs/resource-plan/ALPHA-RES-0001.md": plan("ALPHA-RES-0001", [
            "carol@example.com | Analyst | 80 | 2026-12-01 | 2027-01-31",
            "alice@example.com | PM | 50 | 2026-12-14 | 2027-01-08"],
            "| RR-001 | Tester | QA \\| tools | 50 | 2026-12-01 | 2026-12-31 | Requested |\n"
            "| RR-002 | Cook | | 50 | 2026-12-01 | 2026-12-31 | Filled |\n"),
        ".folio/records/ALPHA-RES-0001.jsonl": rec("ALPHA-RES-0001", "created", "submitted", "approved", "issued"),
        "docs/resource-plan/ALPHA-RES-0002.md": plan("ALPHA-RES-0002", ["carol@example.com | Gone | 90 | 2026-12-01 | 2027-01-31"]),
        ".folio/records/ALPHA-RES-0002.jsonl": rec("ALPHA-RES-0002", "created", "withdrawn"),
        "docs/timesheet/ALPHA-TS-0001.md": sheet("ALPHA-TS-0001", "2026-W53", [
            "2026-12-28 | ALPHA | | 2.5 | design | ", "2027-01-02 | BETA | | 1.25 | meeting | a \\| b"]),
        ".folio/records/ALPHA-TS-0001.jsonl": rec("ALPHA-TS-0001", "created", "submitted", "approved", "issued"),
        "docs/timesheet/ALPHA-TS-0002.md": sheet("ALPHA-TS-0002", "2026-W50", ["2026-12-07 | ALPHA | | 3 | x | "]),
        ".folio/records/ALPHA-TS-0002.jsonl": rec("ALPHA-TS-0002", "created"),
        "docs/timesheet/ALPHA-TS-0003.md": sheet("ALPHA-TS-0003", "2026-W50", ["2026-12-08 | ALPHA | | 4 | x | "]),
        ".folio/records/ALPHA-TS-0003.jsonl": rec("ALPHA-TS-0003", "created", "submitted"),
    })
    b = repo("b", {
        "folio.yml": "project: { code: BETA, name: B }\nresources: { threshold: 150 }\npeople:\n"
                     "  - { email: carol@example.com, name: Carol, hours_per_week: 99 }\n"
                     "  - { email: bob@example.com, name: Bob }\n",
        "docs/resource-plan/BETA-RES-0001.md": plan("BETA-RES-0001", ["carol@example.com | Trainer | 60 | 2026-12-07 | 2026-12-18"]),
        ".folio/records/BETA-RES-0001.jsonl": rec("BETA-RES-0001", "created"),
    })
    r = report([Repo(a), Repo(b)], dt.date(2026, 11, 30), dt.date(2027, 1, 10), "week", dt.date(2027, 1, 20))
    cell = {(x["person"], x["period"]): x for x in r["people"]}
    problems = []

    def expect(what, got, want):
        if got != want:
            problems.append(f"{what}: {got!r}, expected {want!r}")

    # Carol: 40 h x 0.6 / 5 = 4.8 h a day (A states her capacity first; B's 99 h is not used).
    expect("W50 capacity", cell[("carol@example.com", "2026-W50")]["capacity_h"], 24.0)
    expect("W50 planned", cell[("carol@example.com", "2026-W50")]["planned_h"], 33.6)   # 4.8 x 1.4 x 5
    expect("W50 planned %", cell[("carol@example.com", "2026-W50")]["planned_pct"], 140.0)
    expect("W50 peak", cell[("carol@example.com", "2026-W50")]["peak_pct"], 140.0)
    expect("W50 over", cell[("carol@example.com", "2026-W50")]["over_allocated"], True)
    expect("W50 draft h", cell[("carol@example.com", "2026-W50")]["draft_h"], 7.0)
    expect("W49 peak", cell[("carol@example.com", "2026-W49")]["peak_pct"], 80.0)
    # The absence 2026-12-24..2027-01-01: W52 keeps Mon-Wed, W53 (to Sunday 2027-01-03) keeps nothing.
    expect("W52 capacity", cell[("carol@example.com", "2026-W52")]["capacity_h"], 14.4)
    expect("W53 capacity", cell[("carol@example.com", "2026-W53")]["capacity_h"], 0.0)
    expect("W53 planned %", cell[("carol@example.com", "2026-W53")]["planned_pct"], None)
    expect("W53 actual", cell[("carol@example.com", "2026-W53")]["actual_h"], 3.75)
    expect("W53 variance", cell[("carol@example.com", "2026-W53")]["variance_h"], 3.75)
    expect("2027-W01 capacity (clipped to 2027-01-10)", cell[("carol@example.com", "2027-W01")]["capacity_h"], 24.0)
    expect("Bob listed, zero", cell[("bob@example.com", "2026-W50")]["capacity_h"], 40.0)
    expect("periods", sorted({p for _, p in cell}), ["2026-W49", "2026-W50", "2026-W51", "2026-W52", "2026-W53", "2027-W01"])
    expect("over-allocations", r["over_allocations"], [{
        "person": "carol@example.com", "from": "2026-12-07", "to": "2026-12-18", "load_pct": 140.0,
        "projects": ["ALPHA", "BETA"],
        "assignments": ["ALPHA ALPHA-RES-0001 line 18 (80%, 2026-12-01..2027-01-31)",
                        "BETA BETA-RES-0001 line 18 (60%, 2026-12-07..2026-12-18)"]}])
    load = {(x["person"], x["period"], x["project"]): x for x in r["load"]}
    expect("W53 BETA actual", load[("carol@example.com", "2026-W53", "BETA")]["actual_h"], 1.25)
    expect("W51 BETA planned", load[("carol@example.com", "2026-W51", "BETA")]["planned_h"], 14.4)
    expect("requests", r["resource_requests"], [{"project": "ALPHA", "document": "ALPHA-RES-0001", "request": "RR-001",
           "role": "Tester", "allocation_pct": 50.0, "from": "2026-12-01", "to": "2026-12-31", "status": "Requested"}])
    expect("timesheets", [(x["person"], x["week"], x["problem"]) for x in r["timesheets"]], [
        ("alice@example.com", "2026-W51", "missing"), ("alice@example.com", "2026-W52", "missing"),
        ("alice@example.com", "2026-W53", "missing"), ("alice@example.com", "2027-W01", "missing"),
        ("carol@example.com", "2026-W49", "missing"), ("carol@example.com", "2026-W50", "draft"),
        ("carol@example.com", "2026-W50", "duplicate"), ("carol@example.com", "2026-W51", "missing"),
        ("carol@example.com", "2026-W52", "missing"), ("carol@example.com", "2027-W01", "missing")])
    expect("months", sorted({x["period"] for x in report([Repo(a)], dt.date(2026, 11, 30), dt.date(2027, 1, 10), "month",
                                                         dt.date(2027, 1, 20))["people"]}), ["2026-11", "2026-12", "2027-01"])
    bare = os.path.join(root, "a.git")
    subprocess.run(["git", "clone", "-q", "--bare", a, bare], check=True)
    expect("a bare repository reads the same", report([Repo(bare), Repo(b)], dt.date(2026, 11, 30), dt.date(2027, 1, 10), "week",
                                                      dt.date(2027, 1, 20)), r)
    for p in problems:
        print("self-test:", p, file=sys.stderr)
    print(f"self-test: {'FAILED, repositories kept in ' + root if problems else 'ok'}", file=sys.stderr)
    if not problems:
        shutil.rmtree(root)
    return 1 if problems else 0


def main():
    if sys.argv[1:] == ["--self-test"]:
        sys.exit(self_test())
    ap = argparse.ArgumentParser(description="folio report resources, computed independently")
    ap.add_argument("--from", dest="start")
    ap.add_argument("--to", dest="end")
    ap.add_argument("--by", choices=["week", "month"], default="week")
    ap.add_argument("--today", default=dt.datetime.now(dt.timezone.utc).date().isoformat())
    ap.add_argument("repos", nargs="+")
    args = ap.parse_args()
    today = dt.date.fromisoformat(args.today)
    monday = today - dt.timedelta(days=today.weekday())
    start = dt.date.fromisoformat(args.start) if args.start else monday - dt.timedelta(weeks=4)
    end = dt.date.fromisoformat(args.end) if args.end else monday + dt.timedelta(weeks=8, days=6)
    print(json.dumps(report([Repo(r) for r in args.repos], start, end, args.by, today), indent=1))


if __name__ == "__main__":
    main()
