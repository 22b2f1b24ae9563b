#!/usr/bin/env python3
"""Generate a portfolio for the resources benchmark (a PSO hub and projects), fast.

    gen-portfolio.py OUT_DIR [--projects 20] [--people 200] [--weeks 104]
                     [--assignments 2000] [--timesheets N] [--seed 1]

Creates OUT_DIR/hub and OUT_DIR/p01 .. OUT_DIR/pNN as git repositories, each
written by `git fast-import` in one commit, then checked out:

- hub (project HUB): folio.yml listing every person with their capacity
  (hours per week, working days, part time, absences) and
  `resources: {projects: [P01 ..]}`; the timesheets docs/timesheet/HUB-TS-NNNNN.md,
  one per person and ISO week from 2025-W01 (minus some gaps and the weeks a
  person is away), each with an entry a working day, booked to the projects
  the person is assigned to that day (or HUB); most issued, some drafts or in
  review (all of the last two weeks). --timesheets N keeps the first N
  (week by week) for a hub of exactly N.
- pNN (project PNN): folio.yml listing the people it uses (no capacity keys:
  the hub states them), five resource plans docs/resource-plan/PNN-RES-000K.md
  sharing the project's assignments (--assignments over all projects) and
  holding a few resource requests; most issued, the fifth a draft, and in
  every seventh project the fourth withdrawn.

Templates are copied from the tool's templates/ (timesheet.md when it exists).
Every record event carries the real content fingerprint (docs/formats.md).
OUT_DIR/portfolio.json lists the repositories, the range and a few draft
timesheets (for the pre-commit benchmark).
"""
import argparse, datetime as dt, hashlib, json, os, random, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
TEMPLATES = os.path.join(HERE, "..", "templates")
START = dt.date(2024, 12, 30)  # Monday of 2025-W01
FIRST = ["Ann", "Ben", "Cara", "Dan", "Eva", "Finn", "Gia", "Hugo", "Ines", "Jon", "Kim", "Leo", "Mia", "Nils",
         "Olga", "Paul", "Rita", "Sam", "Tara", "Uwe", "Vera", "Will", "Xena", "Yann", "Zoe"]
LAST = ["Adler", "Berg", "Costa", "Dahl", "Ek", "Frost", "Gray", "Holm", "Ivers", "Jung", "Kahn", "Lund"]
ROLES = ["Developer", "Analyst", "Tester", "Architect", "Designer", "Site engineer", "Trainer", "Data migration lead"]
PCTS = [10, 20, 20, 25, 30, 40, 50, 50, 60, 80, 100]
ACTIVITIES = ["design", "build", "review", "meeting", "testing", "admin"]
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
ENV = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}


def git_id(kind, data):
    return hashlib.sha1(b"%s %d\0" % (kind, len(data)) + data).digest()


def fingerprint(doc_id, text):
    """The content fingerprint of a document without attachments: the id of the
    tree holding just `<ID>.md`."""
    return git_id(b"tree", b"100644 " + doc_id.encode() + b".md\0" + git_id(b"blob", text)).hex()


def event(kind, doc_id, revision, fp, who, at, **extra):
    e = {"event": kind, "document": doc_id, "revision": revision, "fingerprint": fp,
         "actor": who[0], "name": who[1], "at": at.strftime("%Y-%m-%dT%H:%M:%SZ")}
    e.update(extra)
    return json.dumps(e, sort_keys=True, separators=(",", ":"))


def lifecycle(doc_id, text, state, author, approver, role, t):
    """The record lines of a document brought to `state` (draft, in-review,
    issued, withdrawn) from `t` on; approvals and issue by `approver`."""
    fp = fingerprint(doc_id, text)
    lines = [event("created", doc_id, "0.1", fp, author, t, meaning="authorship")]
    if state in ("in-review", "issued"):
        lines.append(event("submitted", doc_id, "0.1", fp, author, t + dt.timedelta(minutes=5)))
    if state == "issued":
        lines.append(event("approved", doc_id, "0.1", fp, approver, t + dt.timedelta(days=3), meaning="approval", role=role))
        lines.append(event("issued", doc_id, "1.0", fp, approver, t + dt.timedelta(days=3, minutes=30), meaning="release"))
    if state == "withdrawn":
        lines.append(event("withdrawn", doc_id, "0.1", fp, author, t + dt.timedelta(days=2), meaning="withdrawal",
                           comment="Replaced by a later plan"))
    return "\n".join(lines) + "\n"


def fast_import(path, files, when):
    """A new repository at path holding `files` ({path: text}) in one commit on main, checked out."""
    os.makedirs(path)
    subprocess.run(["git", "init", "-q", "-b", "main", path], check=True, env=ENV)
    proc = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=path, stdin=subprocess.PIPE, env=ENV)
    out = []
    stamp = int(dt.datetime.combine(when, dt.time(12), dt.timezone.utc).timestamp())
    ident = b"Alice Adams <alice@example.com> %d +0000" % stamp
    msg = b"Generate the portfolio for the resources benchmark\n\nFolio-Action: generate\n"
    out += [b"commit refs/heads/main\nauthor ", ident, b"\ncommitter ", ident, b"\ndata %d\n" % len(msg), msg]
    for name in sorted(files):
        data = files[name].encode()
        out += [b"M 100644 inline ", name.encode(), b"\ndata %d\n" % len(data), data, b"\n"]
    proc.stdin.write(b"".join(out))
    proc.stdin.close()
    if proc.wait() != 0:
        sys.exit(f"gen-portfolio.py: git fast-import failed in {path}")
    subprocess.run(["git", "-C", path, "reset", "-q", "--hard", "main"], check=True, env=ENV)


def base_files():
    files = {".gitattributes": ".folio/records/*.jsonl merge=union\n",
             ".folio/allowed_signers": "# People's SSH public keys, in git's allowed-signers format\n"}
    for name in sorted(os.listdir(TEMPLATES)):
        if name.endswith(".md"):
            with open(os.path.join(TEMPLATES, name)) as f:
                files["templates/" + name] = f.read()
    return files


class Person:
    def __init__(self, i, rng, start, end):
        self.email = f"{FIRST[i % len(FIRST)].lower()}.{LAST[i // len(FIRST) % len(LAST)].lower()}{i + 1:03d}@example.com"
        self.name = f"{FIRST[i % len(FIRST)]} {LAST[i // len(FIRST) % len(LAST)]} {i + 1}"
        self.roles = ["manager"] if i % 10 == 0 else []
        self.hours = rng.choices([40, 37.5, 32], [16, 3, 1])[0]
        self.part = rng.choices([1, 0.8, 0.6], [17, 2, 1])[0]
        self.days = DAYS[:4] if rng.random() < 0.1 else DAYS[:5]
        self.absences = []
        for year in range((start + dt.timedelta(days=6)).year, end.year + 1):  # two weeks in summer, one in winter
            summer = dt.date(year, 6, 2) + dt.timedelta(days=7 * rng.randrange(12))
            winter = dt.date(year, 10, 6) + dt.timedelta(days=7 * rng.randrange(10))
            self.absences += [(summer, summer + dt.timedelta(days=11)), (winter, winter + dt.timedelta(days=4))]
        self.per_day = self.hours * self.part / len(self.days)

    def works(self, d):
        return DAYS[d.weekday()] in self.days and not any(a <= d <= b for a, b in self.absences)

    def yml(self, capacity):
        s = f"  - {{ email: {self.email}, name: {self.name}, roles: [{', '.join(self.roles)}]"
        if capacity:
            s += f", hours_per_week: {self.hours}, working_days: [{', '.join(self.days)}], part_time: {self.part}"
            s += ", absences: [" + ", ".join(f"{{ from: {a}, to: {b}, reason: holiday }}" for a, b in self.absences) + "]"
        return s + " }\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--projects", type=int, default=20)
    ap.add_argument("--people", type=int, default=200)
    ap.add_argument("--weeks", type=int, default=104)
    ap.add_argument("--assignments", type=int, default=2000)
    ap.add_argument("--timesheets", type=int, help="exactly this many timesheets in the hub (the first, week by week)")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    if os.path.exists(a.out) and os.listdir(a.out):
        sys.exit(f"gen-portfolio.py: {a.out} exists and is not empty")
    t0 = time.time()
    rng = random.Random(a.seed)
    end = START + dt.timedelta(weeks=a.weeks, days=-1)
    when = end + dt.timedelta(days=10)  # the commit day: every week closed
    people = [Person(i, rng, START, end) for i in range(a.people)]
    managers = [p for p in people if "manager" in p.roles] or people[:1]
    codes = [f"P{k + 1:02d}" for k in range(a.projects)]
    base = base_files()

    # Projects: a pool of people each, five plans sharing the assignments.
    booked = {}  # email -> [(from, to, code)]
    for k, code in enumerate(codes):
        pm, deputy = people[(2 * k) % len(people)], people[(2 * k + 1) % len(people)]
        pool = [pm, deputy] + rng.sample(people, min(len(people), max(2, 3 * len(people) // max(1, a.projects))))
        pool = list({p.email: p for p in pool}.values())
        n = a.assignments // a.projects + (1 if k < a.assignments % a.projects else 0)
        rows = []
        for _ in range(n):
            p = rng.choice(pool)
            first = START + dt.timedelta(weeks=rng.randrange(a.weeks))
            last = min(end, first + dt.timedelta(weeks=rng.randint(4, 26), days=-3))
            rows.append((p, rng.choice(ROLES), rng.choice(PCTS), first, last))
        files = dict(base)
        roles = {pm.email: "pm, manager", deputy.email: "pm"}
        files["folio.yml"] = (f"project: {{ code: {code}, name: Project {code} }}\n"
                              'numbering: "{project}-{code}-{seq:4}"\nrevisions: numeric\nsignatures: optional\n'
                              "review_policy: { max_days: 5 }\npeople:\n"
                              + "".join(f"  - {{ email: {p.email}, name: {p.name}, roles: [{roles.get(p.email, '')}] }}\n"
                                        for p in pool)
                              + "resources: { allocation: warn, threshold: 100, projects: [HUB] }\n")
        for j in range(5):
            doc_id = f"{code}-RES-{j + 1:04d}"
            mine = rows[j::5]
            state = "draft" if j == 4 else "withdrawn" if (j == 3 and k % 7 == 0) else "issued"
            plan_start = min((r[3] for r in mine), default=START)
            plan_end = max((r[4] for r in mine), default=end)
            text = (f"---\nid: {doc_id}\ntype: resource-plan\ntitle: Project {code} resource plan {j + 1}\n"
                    f"owner: {pm.email}\nplan_start: {plan_start}\nplan_end: {plan_end}\nhours_per_week: 40\n"
                    f"overallocation_threshold: 100\nresource_manager: {deputy.email}\nrelated:\n---\n"
                    f"# Project {code} resource plan {j + 1}\n\n## Purpose\n\nWho works on project {code}, part {j + 1}.\n\n"
                    "## Assignments\n\n| Person | Role | Allocation % | From | To |\n| --- | --- | --- | --- | --- |\n"
                    + "".join(f"| {p.email} | {role} | {pct} | {f} | {t} |\n" for p, role, pct, f, t in mine)
                    + "\n## Resource requests\n\n| ID | Role | Skills | Allocation % | From | To | Status |\n"
                    "| --- | --- | --- | --- | --- | --- | --- |\n")
            for r in range(3):
                f = START + dt.timedelta(weeks=rng.randrange(a.weeks))
                text += (f"| RR-{r + 1:03d} | {rng.choice(ROLES)} | {rng.choice(['SQL', 'CAD', 'Python', ''])} | "
                         f"{rng.choice(PCTS)} | {f} | {min(end, f + dt.timedelta(weeks=8))} | "
                         f"{['Requested', 'Approved', 'Filled', 'Declined'][(j + r) % 4]} |\n")
            text += "\n## Capacity and constraints\n\nNone known.\n"
            files[f"docs/resource-plan/{doc_id}.md"] = text
            files[f".folio/records/{doc_id}.jsonl"] = lifecycle(
                doc_id, text.encode(), state, (pm.email, pm.name), (deputy.email, deputy.name), "pm",
                dt.datetime.combine(plan_start - dt.timedelta(days=21), dt.time(9)))
            if state != "withdrawn":
                for p, role, pct, f, t in mine:
                    booked.setdefault(p.email, []).append((f, t, code))
        fast_import(os.path.join(a.out, code.lower()), files, when)
        print(f"gen-portfolio.py: {code}: {len(pool)} people, {n} assignments", file=sys.stderr)

    # The hub: one timesheet a person and week, week by week.
    files = dict(base)
    files["folio.yml"] = ("project: { code: HUB, name: PSO hub }\n"
                          'numbering: "{project}-{code}-{seq:5}"\nrevisions: numeric\nsignatures: optional\n'
                          "review_policy: { max_days: 5 }\npeople:\n" + "".join(p.yml(True) for p in people)
                          + f"resources: {{ allocation: warn, threshold: 100, max_week_hours: 60, projects: [{', '.join(codes)}] }}\n")
    seq, drafts, rows_total = 0, [], 0
    for w in range(a.weeks):
        monday = START + dt.timedelta(weeks=w)
        y, wk, _ = monday.isocalendar()
        label = f"{y}-W{wk:02d}"
        for p in people:
            if a.timesheets is not None and seq >= a.timesheets:
                break
            dates = [monday + dt.timedelta(days=i) for i in range(7) if p.works(monday + dt.timedelta(days=i))]
            if not dates or rng.random() < 0.01:
                continue
            seq += 1
            doc_id = f"HUB-TS-{seq:05d}"
            # A day's hours: the working day to the quarter below; moved half an
            # hour from one day to another now and then, and an hour of
            # overtime in one week of ten (above capacity: a warning).
            day_hours = [int(p.per_day * 4) / 4] * len(dates)
            if len(dates) > 1 and rng.random() < 0.3:
                i, j = rng.sample(range(len(dates)), 2)
                day_hours[i] += 0.5
                day_hours[j] -= 0.5
            if rng.random() < 0.1:
                day_hours[rng.randrange(len(dates))] += 1
            entries = []
            for d, hours in zip(dates, day_hours):
                projects = sorted({c for f, t, c in booked.get(p.email, []) if f <= d <= t}) or ["HUB"]
                projects = rng.sample(projects, 2 if len(projects) > 1 and rng.random() < 0.15 else 1)
                share = [hours] if len(projects) == 1 else [round(hours * 2) / 4, hours - round(hours * 2) / 4]
                for c, h in zip(projects, share):
                    entries.append(f"| {d} | {c} | WP-{rng.randint(1, 9)}.{rng.randint(1, 9)} | {h:g} | "
                                   f"{rng.choice(ACTIVITIES)} |  |\n")
            rows_total += len(entries)
            text = (f"---\nid: {doc_id}\ntype: timesheet\ntitle: {p.name}, {label}\nperson: {p.email}\nweek: {label}\n---\n"
                    f"# {p.name}, {label}\n\n## Entries\n\n| Date | Project | Work package | Hours | Activity | Note |\n"
                    "| --- | --- | --- | --- | --- | --- |\n" + "".join(entries) + "\n## Notes\n")
            recent = w >= a.weeks - 2
            state = rng.choice(["draft", "in-review"]) if recent else ("draft" if rng.random() < 0.03 else "issued")
            if state == "draft" and len(drafts) < 10:
                drafts.append(f"docs/timesheet/{doc_id}.md")
            manager = managers[0] if managers[0] is not p else managers[1 % len(managers)]
            files[f"docs/timesheet/{doc_id}.md"] = text
            files[f".folio/records/{doc_id}.jsonl"] = lifecycle(
                doc_id, text.encode(), state, (p.email, p.name), (manager.email, manager.name), "manager",
                dt.datetime.combine(monday + dt.timedelta(days=4), dt.time(16)))
    if a.timesheets is not None and seq < a.timesheets:
        sys.exit(f"gen-portfolio.py: only {seq} timesheets fit {a.people} people and {a.weeks} weeks")
    fast_import(os.path.join(a.out, "hub"), files, when)
    manifest = {"repos": ["hub"] + [c.lower() for c in codes], "from": str(START), "to": str(end),
                "today": str(when), "timesheets": seq, "entries": rows_total, "draft_timesheets": drafts}
    with open(os.path.join(a.out, "portfolio.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print(f"gen-portfolio.py: hub: {a.people} people, {seq} timesheets, {rows_total} entries; "
          f"{time.time() - t0:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
