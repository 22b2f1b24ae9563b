#!/usr/bin/env python3
"""Generate the portfolio of the Monday pack benchmark (scripts/bench-pack.sh), fast.

    gen-pack.py OUT_DIR --folio FOLIO [--repos 20] [--documents 500] [--commits 5000]
                [--jobs N] [--seed 1]

OUT_DIR/p01 .. pNN (projects P01 ..): each made by `folio init` (its first
commit: templates, hooks), then everything after written by one
`git fast-import` on top of it (no hook runs), as folio would have committed
it (the approach and helpers of scripts/gen-cost.py): one commit per lifecycle
step with folio's subject and trailers, the document and its record
`.folio/records/<ID>.jsonl` in the same commit, every event carrying the real
content fingerprint (attachments included), issues tagged `folio/<ID>/<REV>`.
Two years of a project, 2024-12-02 to 2026-11-27, in time order:

- a charter (approved by the sponsor and the PMO), a stakeholder register;
- a schedule (12 milestones, 20 work packages; issued, re-baselined a year on,
  checked in weekly and more: forecasts move, milestones reached);
- a cost register (10 budget lines, ~20 actuals a month, checked in monthly);
- two risk registers (R-NNN rows: probability and impact move, risks are
  added and closed), an issue log (issues raised and resolved, some resolving
  an action of the minutes by naming it), a decision log (decisions, and
  pending decisions with a Needed By day), three resource plans (team members
  from a pool of 60 shared by all projects, so some are over-allocated across
  projects); registers re-issued quarterly;
- a status report a week (period Monday to Sunday: created on Friday, drafts,
  submitted, approved, issued on Tuesday; the last week's still a draft),
  stating health per area;
- minutes: a progress meeting a week, a project board a month, design reviews
  fortnightly in the middle year; action items A-NNN carried over from
  meeting to meeting with their status until Done or Cancelled (a few
  reopened), the last meeting's minutes in review;
- change requests every two weeks or so (sponsor and PMO approvals; one
  withdrawn; the latest waiting, with decision_due days);
- two lessons-learned reports;
- controlled artifacts (a PDF attachment each; a third re-issued as 2.0) for
  the rest of --documents.

Extra check-ins of the registers (the daily work of a project) fill the
history up to --commits commits in all (the folio init commit included).
OUT_DIR/portfolio.yml lists the projects (absolute paths); OUT_DIR/pack.json
the repositories, documents and commits.
"""
import argparse, datetime as dt, hashlib, importlib.util, json, os, random, subprocess, sys, time
from multiprocessing import Pool

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("gen_cost", os.path.join(HERE, "gen-cost.py"))
gen_cost = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gen_cost)
git_id, folio_init, ENV, money = gen_cost.git_id, gen_cost.folio_init, gen_cost.ENV, gen_cost.money

START, END = dt.date(2024, 12, 2), dt.date(2026, 11, 27)  # a Monday; a Friday
END_AT = dt.datetime.combine(END, dt.time(23, 0))
WEEKS = (END - START).days // 7 + 1
FIRST = ["Ann", "Ben", "Cara", "Dan", "Eva", "Finn", "Gia", "Hugo", "Ines", "Jon", "Kim", "Leo", "Mia", "Nils",
         "Olga", "Paul", "Rita", "Sam", "Tara", "Uwe", "Vera", "Will", "Xena", "Yann", "Zoe"]
LAST = ["Adler", "Berg", "Costa", "Dahl", "Ek", "Frost", "Gray", "Holm", "Ivers", "Jung", "Kahn", "Lund"]
POOL = [(f"{FIRST[i % 25].lower()}.{LAST[i % 12].lower()}@example.com", f"{FIRST[i % 25]} {LAST[i % 12]}")
        for i in range(60)]
ROLES = ["Developer", "Analyst", "Tester", "Architect", "Designer", "Site engineer", "Trainer", "Data migration lead"]
RISKS = ["Supplier delivery slips", "Key engineer unavailable", "Scope creep on reporting", "Licence cost increase",
         "Interface specification unclear", "Test environment late", "Data migration errors",
         "Regulatory approval delay", "Hardware budget overrun", "Subcontractor insolvency", "Weather delays on site",
         "Security accreditation late", "User acceptance resources short", "Exchange rate movement",
         "Vendor API changes", "Permit conditions tightened", "Stakeholder resistance", "Integration defects"]
CATEGORIES = ["Technical", "Schedule", "Cost", "Resource", "Commercial", "Regulatory", "External", "Organisational"]
ACTIONS = ["Confirm delivery dates with the supplier", "Update the schedule forecast", "Circulate the design pack",
           "Book the test environment", "Raise a change request for the extra scope", "Chase the permit office",
           "Review the cost forecast with finance", "Prepare the board paper", "Agree the migration dry run",
           "Send the stakeholder newsletter", "Close out the snag list", "Check the resource plan for Q-next",
           "Draft the training plan", "Review open risks with owners", "Confirm the cut-over weekend"]
ISSUES = ["Late delivery of switches", "Test data incomplete", "Design clash in level 2", "Contractor short-staffed",
          "Licence server outage", "Budget code missing", "Access badges not issued", "Defect backlog growing",
          "Interface timeouts in test", "Site access restricted"]
MILESTONES = ["Design freeze", "Permit granted", "Procurement closed", "Build complete", "Integration complete",
              "System test passed", "User acceptance", "Training delivered", "Go-live", "Handover", "Benefits review",
              "Project closure"]
BUDGET_LINES = [("Labour", "Project team labour"), ("Contractors", "Main contractor"), ("Equipment", "Equipment hire"),
                ("Software", "Software and licences"), ("Licences", "Permits and licences"),
                ("Facilities", "Site office"), ("Travel", "Travel and subsistence"), ("Training", "Training"),
                ("Contingency", "Contingency draw-downs"), ("Other", "Other costs")]
SUPPLIERS = ["Acme Staffing BV", "Baumann Bau GmbH", "Civitas Contractors Ltd", "Delta Plant Hire", "Eurocad SA",
             "Fjord Consulting AS", "GeoSoil Ltd", "Hansen Transport", "Jansen Facilities", "Kraft Engineering"]
MINI_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\nxref\n0 4\n0000000000 65535 f \n"
            b"trailer<</Size 4/Root 1 0 R>>\n%%EOF\n")
TYPE_NAMES = {"charter": "Project charter", "stakeholder-register": "Stakeholder register", "schedule": "Schedule",
              "cost-register": "Cost register", "risk-register": "Risk register", "issue-log": "Issue log",
              "decision-log": "Decision log", "resource-plan": "Resource plan", "status-report": "Status report",
              "minutes": "Meeting minutes", "change-request": "Change request", "lessons-learned": "Lessons learned report",
              "artifact": "Controlled artifact"}
CODES = {"charter": "CHR", "stakeholder-register": "STK", "schedule": "SCH", "cost-register": "CST",
         "risk-register": "RSK", "issue-log": "ISS", "decision-log": "DEC", "resource-plan": "RES",
         "status-report": "STR", "minutes": "MIN", "change-request": "CR", "lessons-learned": "LL", "artifact": "ART"}


def fingerprint(doc_id, text, attachments=()):
    """The id of the tree holding `<ID>.md` and, with attachments, the folder `<ID>/` (docs/formats.md)."""
    entries = [(doc_id + ".md", b"100644", git_id(b"blob", text))]
    if attachments:
        folder = b"".join(b"100644 " + n.encode() + b"\0" + git_id(b"blob", d) for n, d in sorted(attachments))
        entries.append((doc_id, b"40000", git_id(b"tree", folder)))
    entries.sort(key=lambda e: (e[0] + "/" if e[1] == b"40000" else e[0]).encode())
    return git_id(b"tree", b"".join(m + b" " + n.encode() + b"\0" + o for n, m, o in entries)).hex()


def stamp(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


class Importer:
    """Commits on top of main through one `git fast-import`; commit times never go backwards."""

    def __init__(self, path, names):
        self.path, self.names = path, names
        self.proc = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=path, stdin=subprocess.PIPE, env=ENV)
        self.first, self.mark, self.last = True, 0, None
        self.commits = 0

    def clock(self, when):
        if self.last is not None and when <= self.last:
            when = self.last + dt.timedelta(seconds=30)
        self.last = when
        return when

    def commit(self, when, who, subject, body, files, tag=None):
        self.mark += 1
        self.commits += 1
        ident = b"%s <%s> %d +0000" % (self.names[who].encode(), who.encode(),
                                       int(when.replace(tzinfo=dt.timezone.utc).timestamp()))
        msg = (subject + "\n\n" + body).encode()
        out = [b"commit refs/heads/main\nmark :%d\nauthor " % self.mark, ident, b"\ncommitter ", ident,
               b"\ndata %d\n" % len(msg), msg, b"\n"]
        if self.first:
            out.append(b"from refs/heads/main^0\n")
            self.first = False
        for name, text in files.items():
            out += [b"M 100644 inline ", name.encode(), b"\ndata %d\n" % len(text), text, b"\n"]
        if tag:
            out.append(b"reset refs/tags/%s\nfrom :%d\n" % (tag.encode(), self.mark))
        self.proc.stdin.write(b"".join(out))

    def close(self):
        self.proc.stdin.close()
        if self.proc.wait() != 0:
            sys.exit(f"gen-pack.py: git fast-import failed in {self.path}")
        subprocess.run(["git", "-C", self.path, "reset", "-q", "--hard", "main"], check=True, env=ENV)


class Doc:
    """A document and its lifecycle record; each method is one folio commit."""

    def __init__(self, proj, type_name, title):
        proj.seq[type_name] = proj.seq.get(type_name, 0) + 1
        self.proj, self.type, self.title = proj, type_name, title
        self.id = f"{proj.code}-{CODES[type_name]}-{proj.seq[type_name]:04d}"
        self.path = f"docs/{type_name}/{self.id}.md"
        self.record = b""
        self.text = b""
        self.attachments = []  # (name, bytes)
        self.major, self.drafts, self.state = 0, 0, "none"
        proj.docs.append(self)

    def label(self):
        return f"{self.major}.{self.drafts}"

    def _event(self, kind, who, at, revision, **extra):
        e = {"event": kind, "document": self.id, "revision": revision,
             "fingerprint": fingerprint(self.id, self.text, self.attachments),
             "actor": who, "name": self.proj.names[who], "at": stamp(at)}
        e.update(extra)
        self.record += (json.dumps(e, sort_keys=True, separators=(",", ":")) + "\n").encode()

    def _commit(self, at, who, subject, action, revision, comment=None, content=False, tag=None):
        body = (comment + "\n\n" if comment else "") + \
            f"Folio-Document: {self.id}\nFolio-Action: {action}\nFolio-Revision: {revision}\n"
        files = {f".folio/records/{self.id}.jsonl": self.record}
        if content:
            files[self.path] = self.text
            for name, data in self.attachments:
                files[f"docs/{self.type}/{self.id}/{name}"] = data
        self.proj.imp.commit(at, who, f"{self.id}: {subject}", body, files, tag=tag)

    def create(self, at, who, text, attachments=()):
        at = self.proj.imp.clock(at)
        self.text, self.attachments = text, list(attachments)
        self.drafts, self.state = 1, "draft"
        self._event("created", who, at, self.label(), meaning="authorship")
        self._commit(at, who, f"create {TYPE_NAMES[self.type]} '{self.title}'", "create", self.label(), content=True)

    def checkin(self, at, who, text, comment, attachments=None):
        at = self.proj.imp.clock(at)
        self.text = text
        if attachments is not None:
            self.attachments = list(attachments)
        self.drafts += 1
        self.state = "draft"
        self._event("checked-in", who, at, self.label(), meaning="authorship", comment=comment)
        self._commit(at, who, f"check in '{self.title}'", "checkin", self.label(), comment, content=True)

    def submit(self, at, who):
        at = self.proj.imp.clock(at)
        self.state = "review"
        self._event("submitted", who, at, self.label())
        self._commit(at, who, f"submit {self.label()} for review", "submit", self.label())

    def approve(self, at, who, role, comment="Approved"):
        at = self.proj.imp.clock(at)
        self._event("approved", who, at, self.label(), meaning="approval", role=role, comment=comment)
        self._commit(at, who, f"approve {self.label()} as {role}", "approve", self.label(), comment)

    def issue(self, at, who):
        at = self.proj.imp.clock(at)
        self.major += 1
        self.drafts = 0
        self.state = "issued"
        rev = f"{self.major}.0"
        self._event("issued", who, at, rev, meaning="release")
        self._commit(at, who, f"issue revision {rev}", "issue", rev, tag=f"folio/{self.id}/{rev}")

    def withdraw(self, at, who, reason):
        at = self.proj.imp.clock(at)
        rev = self.label() if self.state != "issued" else f"{self.major}.0"
        self.state = "withdrawn"
        self._event("withdrawn", who, at, rev, meaning="withdrawal", comment=reason)
        self._commit(at, who, "withdraw", "withdraw", rev, reason)

    def release(self, at, author, approvers):
        """submit, approvals [(who, role)], issue: one after the other from `at`."""
        self.submit(at, author)
        for i, (who, role) in enumerate(approvers):
            self.approve(at + dt.timedelta(hours=2 + i), who, role)
        self.issue(at + dt.timedelta(hours=3 + len(approvers)), author)


def front(doc, fields):
    out = [f"---\nid: {doc.id}\ntype: {doc.type}\ntitle: {doc.title}\n"]
    for k, v in fields:
        if isinstance(v, list):
            v = "[" + ", ".join(v) + "]" if v else ""
        out.append(f"{k}: {v}\n" if v != "" else f"{k}:\n")
    out.append(f"---\n# {doc.title}\n\n")
    return "".join(out)


def table(head, rows):
    return ("| " + " | ".join(head) + " |\n" + "| " + " | ".join("---" for _ in head) + " |\n"
            + "".join("| " + " | ".join(str(c) for c in r) + " |\n" for r in rows))


def at(day, h, m=0):
    return dt.datetime.combine(day, dt.time(h, m))


def monday(w):
    return START + dt.timedelta(days=7 * w)


class Project:
    def __init__(self, k, out, folio, seed):
        self.k, self.code = k, f"P{k + 1:02d}"
        self.path = os.path.join(out, self.code.lower())
        self.rng = random.Random(seed * 1000 + k)
        self.folio = folio
        self.seq, self.docs, self.tasks = {}, [], []
        rng = self.rng
        self.pm, self.deputy = f"pm.{self.code.lower()}@example.com", f"deputy.{self.code.lower()}@example.com"
        self.sponsor, self.pmo = f"sponsor.{self.code.lower()}@example.com", "alice@example.com"
        self.team = rng.sample(POOL, 8)
        self.names = {self.pm: f"Pat {self.code} Manager", self.deputy: f"Dee {self.code} Deputy",
                      self.sponsor: f"Sam {self.code} Sponsor", self.pmo: "Alice Adams"}
        self.names.update(dict(self.team))
        self.members = [e for e, _ in self.team]
        # Project state, changed by the tasks as they run in time order.
        self.actions = {}  # id -> dict(text, owner, due, status)
        self.open_actions = []  # ids, in order raised
        self.closed_by_issue = set()
        self.next_action = 1
        self.last_progress = None
        self.registers = []  # (document, render, week created)
        self.planned_commits = {}
        self.dropped = 0  # tasks planned after the end (their commits are not made)

    def task(self, when, fn):
        if when <= END_AT:
            self.tasks.append((when, len(self.tasks), fn))
        else:
            self.dropped += 1

    # ------------------------------------------------------------ the project

    def plan(self, documents, commits):
        rng = self.rng
        self.plan_charter()
        self.stakeholders = self.register("stakeholder-register", f"{self.code} stakeholder register", 1, self.stk_text)
        self.schedule_plan()
        self.cost_plan()
        self.risk = [self.risk_register(0, 2), self.risk_register(1, 10)]
        self.issues = {"rows": [], "n": 0}
        self.issue_log = self.register("issue-log", f"{self.code} issue log", 3, self.iss_text)
        self.decisions = {"rows": [], "pending": [], "n": 0, "pn": 0}
        self.decision_log = self.register("decision-log", f"{self.code} decision log", 3, self.dec_text)
        self.plans = [self.resource_plan(i, w) for i, w in enumerate([2, 30, 60])]
        for w in range(WEEKS):
            self.status_report(w)
        self.minutes_plan()
        for i, w in enumerate(range(4, WEEKS, 2)):
            if rng.random() < 0.95:
                self.change_request(i, w)
        for w in (30, 80):
            self.lessons(w)
        fixed = sum(1 for _ in self.docs)
        for i in range(max(0, documents - fixed)):
            self.artifact(i, rng.randrange(2, WEEKS))
        # Fill up with register check-ins (the weekly ones are planned already).
        planned = 1 + 1 + sum(self.planned_commits.values()) - self.dropped
        registers = self.registers
        weights = [6 if d.type == "risk-register" else 6 if d.type == "issue-log" else 4 if d.type == "schedule"
                   else 2 if d.type == "decision-log" else 1 for d, _, _ in registers]
        for _ in range(max(0, commits - planned)):
            d, fn, w = rng.choices(registers, weights)[0]
            day = monday(w + 1) + dt.timedelta(days=rng.randrange((END - monday(w + 1)).days + 1))
            if day.weekday() >= 5:
                day -= dt.timedelta(days=2)
            self.task(at(day, rng.randrange(8, 18), rng.randrange(60)), self.reg_checkin(d, fn))

    def count(self, n=1):
        self.planned_commits["n"] = self.planned_commits.get("n", 0) + n

    def plan_charter(self):
        d = Doc(self, "charter", f"{self.code} project charter")

        def text():
            ms = table(["ID", "Milestone", "Target Date", "Owner"],
                       [(f"M{i + 1:02d}", MILESTONES[i], START + dt.timedelta(days=60 * (i + 1)), self.pm) for i in range(6)])
            obj = table(["ID", "Objective", "Measure", "Target"],
                        [("OBJ-01", "Deliver the new platform", "Go-live date", "2027-Q2"),
                         ("OBJ-02", "Stay within budget", "Forecast at completion", "<= budget"),
                         ("OBJ-03", "Adoption", "Active users", "90%")])
            return (front(d, [("owner", f'"{self.pm}"'), ("sponsor", f'"{self.sponsor}"'), ("start_date", START),
                              ("end_date", "2027-06-30"), ("budget", "4800000.00 EUR"), ("contingency", "300000.00 EUR"),
                              ("delivery_approach", "hybrid"), ("priority", "high"), ("portfolio", "Bench"),
                              ("business_case", ""), ("project_board", [self.sponsor, self.pm, self.pmo]), ("related", "")])
                    + "## Purpose\n\nAuthorise the project.\n\n## Background\n\nThe old platform is at end of life.\n\n"
                    "## Objectives\n\n" + obj + "\n## Scope\n\nDesign, build and roll out.\n\n## Deliverables\n\n"
                    "The platform, training, handover.\n\n## Milestones\n\n" + ms + "\n## Assumptions and constraints\n\n"
                    "Funding is approved for two years.\n\n## High-level risks\n\nSupplier capacity.\n\n## Governance\n\n"
                    "A monthly project board.\n\n## Success criteria\n\nOn time, in budget, adopted.\n").encode()
        t = at(START, 9)
        self.task(t, lambda: d.create(t, self.pm, text()))
        self.task(t + dt.timedelta(days=1), lambda: d.release(t + dt.timedelta(days=1), self.pm,
                                                               [(self.sponsor, "sponsor"), (self.pmo, "pmo")]))
        self.count(5)

    # A register: created in week w, issued, re-issued every quarter; its check-ins come
    # from the fillers and the weekly tasks; fn(doc, day) renders it after a change.
    def register(self, type_name, title, w, fn, weekly=True):
        d = Doc(self, type_name, title)
        self.registers.append((d, fn, w))
        t = at(monday(w) + dt.timedelta(days=1), 10)
        self.task(t, lambda: d.create(t, self.pm, fn(d, t, True)))
        self.task(t + dt.timedelta(days=1), lambda: d.release(t + dt.timedelta(days=1), self.pm, [(self.deputy, "pm")]))
        self.count(4)
        if weekly:
            for w2 in range(w + 1, WEEKS):
                tt = at(monday(w2) + dt.timedelta(days=self.rng.randrange(5)), self.rng.randrange(9, 17),
                        self.rng.randrange(60))
                self.task(tt, self.reg_checkin(d, fn))
                self.count()
        for w2 in range(w + 13, WEEKS - 1, 13):
            tt = at(monday(w2) + dt.timedelta(days=4), 18)
            self.task(tt, lambda tt=tt: d.release(tt, self.pm, [(self.deputy, "pm")]))
            self.count(3)
        return d

    def reg_checkin(self, d, fn):
        def run():
            t = self.imp.clock(self.now)
            d.checkin(t, self.pm, fn(d, t, False), "Register review")  # the deputy approves
        return run

    # ------------------------------------------------------------ schedule

    def schedule_plan(self):
        rng = self.rng
        end = dt.date(2027, 6, 30)
        span = (end - START).days
        self.ms = []
        for i in range(12):
            base = START + dt.timedelta(days=30 + (span - 30) * (i + 1) // 12 + rng.randint(-10, 10))
            self.ms.append([f"MS-{i + 1:02d}", MILESTONES[i], base, base, None])
        self.wps = []
        for i in range(20):
            s = START + dt.timedelta(days=rng.randrange(0, span - 150))
            f = min(end, s + dt.timedelta(days=rng.randint(60, 300)))
            self.wps.append([f"WP-{i // 5 + 1}.{i % 5 + 1}", f"Work package {i + 1}", rng.choice(self.members + [self.pm]),
                             s, f, rng.randrange(20, 300) * 100_000, 0])
        self.schedule = self.register("schedule", f"{self.code} schedule", 1, self.sch_text)

    def sch_text(self, d, t, first):
        rng, today = self.rng, t.date()
        if not first:
            for m in self.ms:
                if not m[4] and m[3] < today:
                    m[4] = m[3] if rng.random() < 0.8 else None
                    if not m[4]:
                        m[3] = today + dt.timedelta(days=rng.choice([7, 14]))
            open_ms = [m for m in self.ms if not m[4]]
            open_wp = [w for w in self.wps if w[3] <= today + dt.timedelta(days=30) and w[6] < 100]
            if open_ms and (not open_wp or rng.random() < 0.4):
                m = rng.choice(open_ms)
                m[3] = max(today + dt.timedelta(days=1), m[3] + dt.timedelta(days=rng.choice([-7, -3, 2, 3, 5, 7, 7, 14])))
            elif open_wp:
                w = rng.choice(open_wp)
                w[6] = min(100, w[6] + rng.choice([5, 5, 10, 10, 15]))
        rows = []
        for mid, name, base, fc, act in self.ms:
            status = "Done" if act else "Late" if fc < today else "At risk" if fc > base else "On track"
            rows.append((mid, name, base, fc, act or "", status))
        return (front(d, [("owner", f'"{self.pm}"'), ("status_date", f'"{today}"'), ("related", "")])
                + "## Milestones\n\n" + table(["ID", "Milestone", "Baseline", "Forecast", "Actual", "Status"], rows)
                + "\n## Work packages\n\n"
                + table(["ID", "Work package", "Owner", "Start", "Finish", "Budget", "% complete"],
                        [(w, n, o, s, f, money(b, "EUR"), p) for w, n, o, s, f, b, p in self.wps])).encode()

    # ------------------------------------------------------------ cost

    def cost_plan(self):
        rng = self.rng
        days = [START + dt.timedelta(days=i) for i in range((END - START).days + 1)]
        days = [x for x in days if x.weekday() < 5]
        self.actuals = []
        for j, date in enumerate(sorted(rng.choice(days) for _ in range(480))):
            li = rng.choices(range(10), [6, 30, 12, 6, 3, 10, 18, 4, 1, 10])[0]
            self.actuals.append((f"AC-{j + 1:04d}", date, li, rng.choice(SUPPLIERS), f"INV-{self.code}-{j + 1:05d}",
                                 max(2500, min(5_000_000, int(rng.lognormvariate(11.5, 1.0))))))
        spent = [0] * 10
        for _, _, li, _, _, c in self.actuals:
            spent[li] += c
        self.budget = [max(100_000, round(s * rng.uniform(0.9, 1.25), -4)) for s in spent]
        self.forecast = [max(s, round(s * rng.uniform(0.95, 1.2), -2)) for s in spent]
        d = Doc(self, "cost-register", f"{self.code} cost register")
        t = at(monday(2) + dt.timedelta(days=2), 10)
        self.task(t, lambda: d.create(t, self.pm, self.cst_text(d, t)))
        self.task(t + dt.timedelta(days=1), lambda: d.release(t + dt.timedelta(days=1), self.pm, [(self.deputy, "pm")]))
        self.count(4)
        m = dt.date(2025, 1, 1)
        while m <= END:
            last = (dt.date(m.year + m.month // 12, m.month % 12 + 1, 1) - dt.timedelta(days=1))
            tt = at(min(last, END), 17)
            self.task(tt, lambda tt=tt, m=m: d.checkin(tt, self.pm, self.cst_text(d, tt), f"Actuals of {m:%Y-%m}"))
            self.count()
            m = last + dt.timedelta(days=1)

    def cst_text(self, d, t):
        upto = t.date()
        cur = "EUR"
        lines = [(f"B-{i + 1:02d}", desc, cat, money(self.budget[i], cur), money(self.forecast[i], cur),
                  money(self.forecast[i], cur), self.pm) for i, (cat, desc) in enumerate(BUDGET_LINES)]
        acts = [(a, date, f"B-{li + 1:02d}", s, inv, money(c, cur), self.pm, "yes" if (upto - date).days > 40 else "no")
                for a, date, li, s, inv, c in self.actuals if date <= upto]
        return (front(d, [("owner", f'"{self.pm}"'), ("as_of", upto), ("currency", cur),
                          ("budget_total", money(sum(self.budget), cur)), ("contingency", ""), ("management_reserve", ""),
                          ("cost_centre", f"CC-{2000 + self.k}"), ("finance_contact", f'"{self.pmo}"'),
                          ("finance_system", ""), ("related", "")])
                + f"## Purpose\n\nThe budget of project {self.code}.\n\n## Budget lines\n\n"
                + table(["Line", "Description", "Category", "Budget", "Committed", "Forecast", "Owner"], lines)
                + "\n## Actuals\n\n"
                + table(["ID", "Date", "Line", "Supplier", "Invoice", "Amount", "Approved By", "Paid"], acts)
                + "\n## Forecast and variance\n\nReviewed monthly.\n").encode()

    # ------------------------------------------------------------ risks

    def risk_register(self, i, w):
        rng = self.rng
        state = {"open": [], "closed": [], "n": 0}

        def new_risk(today):
            state["n"] += 1
            state["open"].append([f"R-{state['n']:03d}", rng.choice(RISKS), rng.choice(CATEGORIES), rng.randint(1, 5),
                                  rng.randint(1, 5), rng.choice(["Reduce", "Avoid", "Accept", "Transfer"]),
                                  rng.choice(self.members + [self.pm]), today + dt.timedelta(days=rng.randint(14, 90)),
                                  rng.choice(["Open", "Open", "Monitoring"])])

        def text(d, t, first):
            today = t.date()
            if first:
                for _ in range(rng.randint(10, 16)):
                    new_risk(today)
            else:
                for _ in range(rng.randint(1, 2)):
                    if state["open"]:
                        r = rng.choice(state["open"])
                        r[3] = max(1, min(5, r[3] + rng.choice([-1, 0, 1])))
                        r[4] = max(1, min(5, r[4] + rng.choice([-1, 0, 1])))
                        r[8] = rng.choice(["Open", "Open", "Monitoring"])
                if rng.random() < 0.08 and state["n"] < 990:
                    new_risk(today)
                if rng.random() < 0.05 and len(state["open"]) > 8:
                    r = state["open"].pop(rng.randrange(len(state["open"])))
                    state["closed"].append((r[0], r[1], today, rng.choice(["Did not occur", "Mitigated", "Accepted"])))
            rows = [(r[0], r[1], r[2], r[3], r[4], r[3] * r[4], r[5], "Weekly follow-up", r[6], r[7], r[8])
                    for r in state["open"]]
            review = today + dt.timedelta(days=30 if self.k % 4 else -10)
            return (front(d, [("owner", f'"{self.pm}"'), ("review_date", review), ("review_frequency", "monthly"),
                              ("risk_appetite", "cautious"), ("escalation_score", 15), ("contingency", ""),
                              ("related", "")])
                    + "## Purpose\n\nThe project's risks, reviewed weekly by the project team.\n\n## Scoring method\n\n"
                    "Probability and impact 1 to 5; the score is their product.\n\n## Risks\n\n"
                    + table(["ID", "Risk", "Category", "Probability", "Impact", "Score", "Response", "Mitigation", "Owner",
                             "Due", "Status"], rows)
                    + "\n## Closed risks\n\n" + table(["ID", "Risk", "Closed", "Outcome"], state["closed"])).encode()

        return self.register("risk-register", f"{self.code} {['project', 'commercial'][i]} risk register", w, text,
                             weekly=(i == 0))

    # ------------------------------------------------------------ issues, decisions

    def iss_text(self, d, t, first):
        rng, today, s = self.rng, t.date(), self.issues
        if not first:
            if rng.random() < 0.45 and s["n"] < 990:
                s["n"] += 1
                s["rows"].append([f"I-{s['n']:03d}", rng.choice(ISSUES), rng.choice(["Problem", "Concern", "Request for change"]),
                                  rng.choice(["Low", "Medium", "High"]), today, self.pm, rng.choice(self.members),
                                  "Investigate", today + dt.timedelta(days=rng.randint(5, 20)), "Open", ""])
            for r in s["rows"]:
                if r[9] in ("Open", "In progress") and rng.random() < 0.12:
                    r[9] = rng.choice(["In progress", "Resolved", "Resolved", "Closed"])
                    if r[9] in ("Resolved", "Closed"):
                        r[10] = "Fixed and confirmed"
                        # Now and then an issue's resolution closes an action of the minutes.
                        if self.open_actions and rng.random() < 0.3:
                            a = rng.choice(self.open_actions)
                            r[7] = f"Follow up {a}"
                            r[10] = f"Done; closes {a}"
                            self.open_actions.remove(a)
                            self.closed_by_issue.add(a)
        return (front(d, [("owner", f'"{self.pm}"'), ("review_date", today + dt.timedelta(days=14)),
                          ("escalation_contact", f'"{self.sponsor}"'), ("target_resolution_days", 10), ("related", "")])
                + "## Purpose\n\nThe project's issues.\n\n## Issues\n\n"
                + table(["ID", "Issue", "Type", "Priority", "Raised", "Raised By", "Owner", "Action", "Due", "Status",
                         "Resolution"], s["rows"])
                + "\n## Escalations\n\nNone.\n").encode()

    def dec_text(self, d, t, first):
        rng, today, s = self.rng, t.date(), self.decisions
        if not first:
            if rng.random() < 0.3 and s["pn"] < 990:
                s["pn"] += 1
                s["pending"].append([f"PD-{s['pn']:03d}", f"Which option for {rng.choice(ISSUES).lower()}?",
                                     "A or B", today + dt.timedelta(days=rng.randint(7, 30)), rng.choice([self.pm, self.sponsor])])
            if s["pending"] and rng.random() < 0.25 and s["n"] < 990:
                p = s["pending"].pop(0)
                s["n"] += 1
                source = self.last_progress.id if self.last_progress and self.last_progress.state != "none" else ""
                s["rows"].append([f"D-{s['n']:03d}", today, p[1].replace("Which option for", "Option A for"),
                                  "Lowest risk", "Option B", f"{self.sponsor}, {self.pm}", source, "Accepted"])
        return (front(d, [("owner", f'"{self.pm}"'), ("decision_forum", "project-board"),
                          ("deciders", [self.sponsor, self.pm]), ("review_date", today + dt.timedelta(days=30)),
                          ("related", "")])
                + "## Purpose\n\nThe project's decisions.\n\n## Decisions\n\n"
                + table(["ID", "Date", "Decision", "Rationale", "Alternatives", "Decided By", "Source", "Status"], s["rows"])
                + "\n## Pending decisions\n\n"
                + table(["ID", "Question", "Options", "Needed By", "Owner"], s["pending"])).encode()

    def stk_text(self, d, t, first):
        rng = self.rng
        if first:
            self.stk = [[f"S-{i + 1:03d}", f"Stakeholder group {i + 1}", "Client", "User",
                         rng.choice(["Low", "Medium", "High"]), rng.choice(["Low", "Medium", "High"]),
                         rng.choice(["Neutral", "Supportive"]), "Supportive", "", self.pm] for i in range(15)]
        else:
            rng.choice(self.stk)[6] = rng.choice(["Resistant", "Neutral", "Supportive", "Leading"])
        return (front(d, [("owner", f'"{self.pm}"'), ("review_date", t.date() + dt.timedelta(days=60)),
                          ("classification", "confidential"), ("engagement_lead", f'"{self.pm}"'), ("related", "")])
                + "## Purpose\n\nWho the project affects.\n\n## Stakeholders\n\n"
                + table(["ID", "Name", "Organisation", "Role", "Interest", "Influence", "Current Engagement",
                         "Desired Engagement", "Contact", "Relationship Owner"], self.stk)
                + "\n## Communication plan\n\n"
                + table(["Audience", "Information", "Channel", "Frequency", "Owner"],
                        [("Board", "Status report", "Report", "Weekly", self.pm),
                         ("Users", "Newsletter", "Email", "Monthly", self.deputy)])).encode()

    # ------------------------------------------------------------ resource plans

    def resource_plan(self, i, w):
        rng = self.rng
        start = monday(w)
        end = start + dt.timedelta(days=rng.randint(300, 420))
        rows = [[p, rng.choice(ROLES), rng.choice([10, 20, 20, 30, 40, 50]), start, end]
                for p in rng.sample(self.members, 6)]

        def text(d, t, first):
            if not first:
                r = rng.choice(rows)
                r[2] = max(10, min(80, r[2] + rng.choice([-10, 10])))
            return (front(d, [("owner", f'"{self.pm}"'), ("plan_start", start), ("plan_end", end), ("hours_per_week", 40),
                              ("overallocation_threshold", 100), ("resource_manager", f'"{self.deputy}"'), ("related", "")])
                    + "## Purpose\n\nWho works on the project.\n\n## Assignments\n\n"
                    + table(["Person", "Role", "Allocation %", "From", "To"], rows)
                    + "\n## Resource requests\n\n"
                    + table(["ID", "Role", "Skills", "Allocation %", "From", "To", "Status"],
                            [("RR-001", "Tester", "Automation", 50, start, end, "Requested")])
                    + "\n## Capacity and constraints\n\nNone known.\n").encode()

        return self.register("resource-plan", f"{self.code} resource plan {i + 1}", w, text, weekly=False)

    # ------------------------------------------------------------ status reports

    def status_report(self, w):
        rng = self.rng
        ps, pe = monday(w), monday(w) + dt.timedelta(days=6)
        d = Doc(self, "status-report", f"{self.code} status report {ps:%G-W%V}")
        t = at(ps + dt.timedelta(days=4), 16)

        def text(t):
            slip = max([0] + [(m[3] - m[2]).days for m in self.ms if not m[4]])
            sched = "Green" if slip < 5 else "Amber" if slip < 20 else "Red"
            if rng.random() < 0.15:
                sched = rng.choice(["Green", "Amber", "Red"])
            health = [("Schedule", sched), ("Cost", rng.choice(["Green", "Green", "Amber"])), ("Scope", "Green"),
                      ("Quality", "Green"), ("Risk", rng.choice(["Green", "Amber", "Amber", "Red"])),
                      ("Resources", rng.choice(["Green", "Amber"]))]
            worst = "red" if any(h == "Red" for _, h in health) else "amber" if any(h == "Amber" for _, h in health) else "green"
            ms = [(m[1], m[2], m[3], m[4] or "", "Complete" if m[4] else "Late" if m[3] < ps else "At risk" if m[3] > m[2] else "On track")
                  for m in self.ms[:8]]
            return (front(d, [("owner", f'"{self.pm}"'), ("period_start", ps), ("period_end", pe), ("overall_status", worst),
                              ("trend", rng.choice(["improving", "stable", "deteriorating"])),
                              ("percent_complete", min(100, w)), ("budget_at_completion", ""), ("actual_cost", ""),
                              ("forecast_at_completion", ""), ("spi", round(rng.uniform(0.85, 1.05), 2)),
                              ("cpi", round(rng.uniform(0.85, 1.05), 2)), ("escalation_required", "false"),
                              ("dashboard", ""), ("related", "")])
                    + f"## Summary\n\nWeek {ps:%G-W%V}: work continues on the current phase.\n\n## Health\n\n"
                    + table(["Area", "Status", "Trend", "Comment"], [(a, s, "Stable", "") for a, s in health])
                    + f"\n## Progress this period\n\n- Completed {rng.randint(2, 9)} tasks of work package "
                    f"{rng.choice(self.wps)[0]}.\n- Held the weekly progress meeting.\n\n## Planned next period\n\n"
                    f"- Continue with {rng.choice(self.wps)[0]}.\n- Prepare {rng.choice(MILESTONES).lower()}.\n\n"
                    "## Milestones\n\n" + table(["Milestone", "Baseline", "Forecast", "Actual", "Status"], ms)
                    + "\n## Risks and issues\n\nSee the registers.\n\n## Decisions and support required\n\nNone.\n").encode()

        self.task(t, lambda: d.create(t, self.pm, text(t)))
        self.count()
        n = rng.randint(1, 3)
        for j in range(n):
            tj = at(pe + dt.timedelta(days=1), 9, 10 * j)
            self.task(tj, lambda tj=tj: d.checkin(tj, self.pm, text(tj), "Figures updated"))
        self.count(n)
        tr = at(pe + dt.timedelta(days=1), 15)
        self.task(tr, lambda: d.submit(tr, self.pm))
        self.task(tr + dt.timedelta(hours=19), lambda: d.approve(tr + dt.timedelta(hours=19), self.deputy, "pm"))
        self.task(tr + dt.timedelta(hours=20), lambda: d.issue(tr + dt.timedelta(hours=20), self.pm))
        self.count(3)

    # ------------------------------------------------------------ minutes and actions

    def minutes_plan(self):
        meetings = [(monday(w) + dt.timedelta(days=1), "progress") for w in range(WEEKS)]
        m = dt.date(2024, 12, 1)
        while m <= END:
            first_thu = m + dt.timedelta(days=(3 - m.weekday()) % 7)
            meetings.append((first_thu, "project-board"))
            m = dt.date(m.year + m.month // 12, m.month % 12 + 1, 1)
        meetings += [(monday(w) + dt.timedelta(days=3), "design-review") for w in range(26, 78, 2)]
        for day, kind in sorted(meetings):
            if day <= END:
                self.minutes(day, kind)

    def minutes(self, day, kind):
        rng = self.rng
        d = Doc(self, "minutes", f"{self.code} {kind.replace('-', ' ')} meeting {day}")
        start = at(day, 9 if kind == "progress" else 14)

        def text():
            today = day
            rows = []
            if kind == "progress":
                for a in list(self.open_actions):
                    act = self.actions[a]
                    r = rng.random()
                    if r < (0.5 if act["due"] < today else 0.2):
                        act["status"] = "Done"
                        self.open_actions.remove(a)
                    elif r < 0.53:
                        act["status"] = "Cancelled"
                        self.open_actions.remove(a)
                    elif rng.random() < 0.3:
                        act["status"] = "In progress"
                        if act["due"] < today and rng.random() < 0.5:
                            act["due"] = today + dt.timedelta(days=7)
                    rows.append((a, act["text"], act["owner"], act["due"], act["status"]))
                # Now and then an action closed earlier comes back.
                if rng.random() < 0.03 and self.actions:
                    a = rng.choice(sorted(self.actions))
                    if a not in self.open_actions and a not in self.closed_by_issue:
                        self.actions[a]["status"] = "Open"
                        self.open_actions.append(a)
                        act = self.actions[a]
                        rows.append((a, act["text"], act["owner"], act["due"], "Open"))
            for _ in range(rng.randint(2, 4) if kind == "progress" else rng.randint(0, 2)):
                if self.next_action > 999:
                    break
                a = f"A-{self.next_action:03d}"
                self.next_action += 1
                act = {"text": rng.choice(ACTIONS), "owner": rng.choice(self.members + [self.pm, self.deputy]),
                       "due": today + dt.timedelta(days=rng.choice([7, 7, 14, 21])), "status": "Open"}
                self.actions[a] = act
                self.open_actions.append(a)
                rows.append((a, act["text"], act["owner"], act["due"], "Open"))
            prev = self.last_progress.id if kind == "progress" and self.last_progress else ""
            attendees = [self.pm, self.deputy] + rng.sample(self.members, 4)
            if kind == "project-board":
                attendees = [self.sponsor, self.pm, self.pmo]
            return (front(d, [("owner", f'"{self.deputy}"'), ("chair", f'"{self.pm}"'), ("meeting_type", kind),
                              ("meeting_start", stamp(start)), ("duration_minutes", 60), ("location", "Room 4"),
                              ("online_link", ""), ("attendees", attendees), ("external_attendees", ""),
                              ("apologies", ""), ("previous_minutes", prev),
                              ("next_meeting", stamp(start + dt.timedelta(days=7)))])
                    + "## Agenda\n\n1. Actions\n2. Progress\n3. Risks\n\n## Review of previous actions\n\n"
                    "See the action items.\n\n## Discussion\n\nProgress against the plan was reviewed.\n\n"
                    "## Decisions\n\nNone.\n\n## Action items\n\n"
                    + table(["ID", "Action", "Owner", "Due", "Status"], rows)
                    + "\n## Next meeting\n\nSame time next week.\n").encode()

        t = start + dt.timedelta(hours=3)

        def create():
            d.create(t, self.deputy, text())
            if kind == "progress":
                self.last_progress = d

        self.task(t, create)
        self.count()
        for j in range(self.rng.randint(1, 2)):
            tj = t + dt.timedelta(days=1, hours=j)
            self.task(tj, lambda tj=tj: d.checkin(tj, self.deputy, d.text.replace(
                b"was reviewed.", b"was reviewed." + b" Noted." * 1), "Corrections"))
            self.count()
        ts = t + dt.timedelta(days=2)
        self.task(ts, lambda: d.submit(ts, self.deputy))
        self.task(ts + dt.timedelta(hours=2), lambda: d.approve(ts + dt.timedelta(hours=2), self.pm, "pm"))
        self.task(ts + dt.timedelta(hours=3), lambda: d.issue(ts + dt.timedelta(hours=3), self.deputy))
        self.count(3)

    # ------------------------------------------------------------ change requests, lessons, artifacts

    def change_request(self, i, w):
        rng = self.rng
        d = Doc(self, "change-request", f"{self.code} change request {i + 1}")
        raised = monday(w) + dt.timedelta(days=rng.randrange(5))
        due = raised + dt.timedelta(days=rng.randint(10, 25))

        def text():
            return (front(d, [("owner", f'"{self.pm}"'), ("requester", f'"{rng.choice(self.members)}"'), ("raised_on", raised),
                              ("change_type", rng.choice(["scope", "schedule", "cost", "technical"])), ("priority", "medium"),
                              ("cost_impact", money(rng.randrange(10, 500) * 100_000, "EUR")),
                              ("schedule_impact_days", rng.randint(0, 30)), ("effort_days", rng.randint(1, 40)),
                              ("contract_variation", "false"), ("decision_due", due),
                              ("affected_documents", [self.schedule.id]), ("reference_url", "")])
                    + "## Description of change\n\nAdd a reporting interface.\n\n## Reason for change\n\nUser request.\n\n"
                    "## Options considered\n\nDo nothing; build it.\n\n## Impact assessment\n\n"
                    + table(["Area", "Impact", "Rating", "Cost", "Days"],
                            [("Schedule", "Two weeks", "Medium", "", 10), ("Cost", "Extra build", "Low", money(2_000_000, "EUR"), "")])
                    + "\n## Affected items\n\n" + table(["Item", "Document", "Change Required"],
                                                        [("Schedule", self.schedule.id, "New work package")])
                    + "\n## Recommendation\n\nApprove.\n\n## Decision\n\nPending.\n").encode()

        t = at(raised, 11)
        self.task(t, lambda: d.create(t, self.pm, text()))
        self.task(t + dt.timedelta(days=1), lambda: d.checkin(t + dt.timedelta(days=1), self.pm, d.text + b"\nImpact reviewed.\n",
                                                              "Impact assessed"))
        self.count(2)
        if i == 7:
            self.task(t + dt.timedelta(days=3), lambda: d.withdraw(t + dt.timedelta(days=3), self.pm, "Duplicate request"))
            self.count()
            return
        ts = t + dt.timedelta(days=2)
        self.task(ts, lambda: d.submit(ts, self.pm))
        self.task(ts + dt.timedelta(days=3), lambda: d.approve(ts + dt.timedelta(days=3), self.sponsor, "sponsor"))
        self.task(ts + dt.timedelta(days=4), lambda: d.approve(ts + dt.timedelta(days=4), self.pmo, "pmo"))
        self.task(ts + dt.timedelta(days=5), lambda: d.issue(ts + dt.timedelta(days=5), self.pm))
        self.count(4)

    def lessons(self, w):
        d = Doc(self, "lessons-learned", f"{self.code} lessons learned week {w}")
        t = at(monday(w) + dt.timedelta(days=2), 15)

        def text():
            return (front(d, [("owner", f'"{self.pm}"'), ("phase", "execution"), ("workshop_date", monday(w)),
                              ("facilitator", f'"{self.pmo}"'), ("participants", [self.pm, self.deputy]),
                              ("shared_with_pmo", "true"), ("knowledge_base", ""), ("related", "")])
                    + "## Summary\n\nA phase review.\n\n## Context\n\nEnd of a phase.\n\n## Lessons\n\n"
                    + table(["ID", "Category", "Type", "Observation", "Root Cause", "Impact"],
                            [("L-001", "Planning", "To improve", "Plan the permits earlier", "Late start", "Medium"),
                             ("L-002", "Communication", "Went well", "Weekly newsletter", "", "Low")])
                    + "\n## Recommendations\n\n" + table(["ID", "Recommendation", "Lessons", "Audience", "Owner", "Due"],
                                                         [("REC-01", "Start permits in initiation", "L-001", "PMO", self.pmo, "")])).encode()

        self.task(t, lambda: d.create(t, self.pm, text()))
        self.task(t + dt.timedelta(days=1), lambda: d.release(t + dt.timedelta(days=1), self.pm, [(self.deputy, "pm")]))
        self.count(4)

    def artifact(self, i, w):
        rng = self.rng
        d = Doc(self, "artifact", f"{self.code} drawing {i + 1:03d}")
        disc = rng.choice(["architecture", "structural", "civil", "mechanical", "electrical", "ict"])

        def files(rev):
            return [(f"{d.id}.pdf", MINI_PDF + f"% {d.id} revision {rev}\n".encode())]

        def text(rev):
            data = files(rev)[0][1]
            return (front(d, [("owner", f'"{rng.choice(self.members)}"'), ("discipline", disc), ("format", "pdf"),
                              ("original_file_name", f"{d.id}.pdf"), ("suitability", "S2"), ("originator", "ACME"),
                              ("container_name", ""), ("originator_revision", f"P{rev:02d}"), ("scale", "1:100"),
                              ("sheet_size", "A1"), ("pages", 1), ("file_size_mb", 0.01),
                              ("checksum_sha256", hashlib.sha256(data).hexdigest()), ("received_at", ""),
                              ("confidential", "false"), ("source_url", ""), ("related", "")])
                    + f"## Description\n\nDrawing {i + 1} of the {disc} package.\n\n## Files\n\n"
                    + table(["File Name", "Description", "Pages", "Sheet Size"], [(f"{d.id}.pdf", "Master drawing", 1, "A1")])
                    + "\n## Notes\n\nNone.\n").encode()

        author = rng.choice(self.members)
        t = at(monday(w) + dt.timedelta(days=rng.randrange(5)), rng.randrange(9, 17))
        self.task(t, lambda: d.create(t, author, text(1), files(1)))
        self.count()
        for j in range(rng.randint(0, 2)):
            tj = t + dt.timedelta(hours=2 + j)
            self.task(tj, lambda tj=tj, j=j: d.checkin(tj, author, text(2 + j), "Markups addressed", files(2 + j)))
            self.count()
        ts = t + dt.timedelta(days=1)
        self.task(ts, lambda: d.release(ts, author, [(self.pm, "pm")]))
        self.count(3)
        if rng.random() < 0.33:
            t2 = ts + dt.timedelta(days=rng.randint(30, 200))
            self.task(t2, lambda: d.checkin(t2, author, text(9), "Revision for construction", files(9)))
            self.task(t2 + dt.timedelta(days=1), lambda: d.release(t2 + dt.timedelta(days=1), author, [(self.pm, "pm")]))
            self.count(4)

    # ------------------------------------------------------------ run

    def people_yml(self):
        people = [(self.pmo, "Alice Adams", "pmo, admin"), (self.pm, self.names[self.pm], "pm, admin"),
                  (self.deputy, self.names[self.deputy], "pm"), (self.sponsor, self.names[self.sponsor], "sponsor")]
        people += [(e, n, "author") for e, n in self.team]
        return (f"# Folio project configuration. See docs/formats.md.\nproject: {{ code: {self.code}, name: Project {self.code} }}\n"
                'numbering: "{project}-{code}-{seq:4}"\nrevisions: numeric\nsignatures: optional\n'
                "review_policy: { max_days: 5 }\npeople:\n"
                + "".join(f"  - {{ email: {e}, name: {n}, roles: [{r}] }}\n" for e, n, r in people)).encode()

    def generate(self, documents, commits):
        t0 = time.time()
        folio_init(self.folio, self.path, self.code, f"Project {self.code}", dt.datetime(2024, 11, 25, 9))
        self.imp = Importer(self.path, self.names)
        self.imp.commit(dt.datetime(2024, 11, 25, 10), self.pmo, f"{self.code}: add the project team", "",
                        {"folio.yml": self.people_yml()})
        self.imp.last = dt.datetime(2024, 11, 25, 10)
        self.plan(documents, commits)
        for when, _, fn in sorted(self.tasks, key=lambda x: (x[0], x[1])):
            self.now = when
            fn()
        self.imp.close()
        n = self.imp.commits + 1
        print(f"gen-pack.py: {self.code}: {len(self.docs)} documents, {n} commits, {time.time() - t0:.1f} s", file=sys.stderr)
        return {"code": self.code, "path": self.path, "documents": len(self.docs), "commits": n,
                "actions": self.next_action - 1}


def one(args):
    k, out, folio, seed, documents, commits = args
    return Project(k, out, folio, seed).generate(documents, commits)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--folio", required=True)
    ap.add_argument("--repos", type=int, default=20)
    ap.add_argument("--documents", type=int, default=500)
    ap.add_argument("--commits", type=int, default=5000)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    a.out = os.path.abspath(a.out)
    if os.path.exists(a.out) and os.listdir(a.out):
        sys.exit(f"gen-pack.py: {a.out} exists and is not empty")
    os.makedirs(a.out, exist_ok=True)
    jobs = [(k, a.out, a.folio, a.seed, a.documents, a.commits) for k in range(a.repos)]
    with Pool(max(1, a.jobs)) as pool:
        projects = pool.map(one, jobs, chunksize=1)
    with open(os.path.join(a.out, "portfolio.yml"), "w") as f:
        f.write("portfolio: Bench\nprojects:\n" + "".join(f"  - {{ code: {p['code']}, path: {p['path']} }}\n" for p in projects))
    with open(os.path.join(a.out, "pack.json"), "w") as f:
        json.dump({"repos": [os.path.basename(p["path"]) for p in projects], "projects": projects,
                   "documents": sum(p["documents"] for p in projects), "commits": sum(p["commits"] for p in projects)},
                  f, indent=1)


if __name__ == "__main__":
    main()
