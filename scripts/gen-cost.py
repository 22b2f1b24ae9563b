#!/usr/bin/env python3
"""Generate the repositories of the cost and schedule benchmark (scripts/bench-cost.sh), fast.

    gen-cost.py cost OUT_DIR --folio FOLIO [--repos 20] [--actuals 50000] [--seed 1]
    gen-cost.py schedule OUT_DIR --folio FOLIO [--commits 2000] [--milestones 20]
                [--work-packages 30] [--seed 1]

Every repository is made by `folio init` (its first commit, the built-in
templates, the hooks); everything after is written by `git fast-import` on top
of that commit (no hook runs), as folio itself would have committed it: one
commit per lifecycle step with folio's subject and trailers, the record
`.folio/records/<ID>.jsonl` appended in the same commit, every event carrying
the real content fingerprint (docs/formats.md), the issue tagged
`folio/<ID>/<REV>`.

cost: OUT_DIR/r01 .. rNN (projects R01 ..), one cost register each,
  docs/cost-register/RNN-CST-0001.md: 10 budget lines (one per category, the
  first Labour), the actuals (--actuals over all registers, ~2,500 each) dated
  on working days from 2024-12-02 to 2026-11-27, each from a supplier that
  serves the line, invoice references unique per supplier (a supplier's own
  numbering, across all projects), EUR but every seventh register USD. History:
  created, submitted, approved (by the other pm) and issued 1.0 in 2024-12,
  then one check-in a month adding that month's actuals (24 versions), the
  last on 2026-11-30. The stock template allows actual IDs `AC-000` to
  `AC-999999`; the generator checks it does.
  OUT_DIR/cost.json: repos, as_of, actuals, per project and currency the
  expected actual (sum of the invoices) and the register's currency.

schedule: OUT_DIR/repo (project SCHED), one schedule
  docs/schedule/SCHED-SCH-0001.md (--milestones, --work-packages): created,
  submitted, approved, issued 1.0 (the baseline), then check-ins up to
  --commits versions of the document in all (`git log -- PATH` lists that
  many), from 2024-12-02 to 2026-11-27, each moving one milestone's Forecast
  (mostly later) or raising one work package's % complete; a milestone whose
  forecast day has passed is marked Done with that Actual date.
  OUT_DIR/schedule.json: repo, path, commits.
"""
import argparse, datetime as dt, hashlib, json, os, random, subprocess, sys, time

ENV = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
PEOPLE = [("alice@example.com", "Alice Adams", "pm, admin"), ("bob@example.com", "Bob Brown", "pm"),
          ("carol@example.com", "Carol Chen", "pmo"), ("dave@example.com", "Dave Diaz", "author"),
          ("erin@example.com", "Erin Evans", "author")]
NAMES = {e: n for e, n, _ in PEOPLE}
START, END = dt.date(2024, 12, 2), dt.date(2026, 11, 27)
AS_OF = dt.date(2026, 11, 30)
CATEGORIES = [("Labour", "Project team labour"), ("Contractors", "Civil works contractor"),
              ("Equipment", "Site equipment hire"), ("Software", "Design and planning software"),
              ("Licences", "Permits and licences"), ("Facilities", "Site office and facilities"),
              ("Travel", "Travel and subsistence"), ("Training", "Training and certification"),
              ("Contingency", "Contingency draw-downs"), ("Other", "Other costs")]
WEIGHTS = [6, 30, 12, 6, 3, 10, 18, 4, 1, 10]  # actuals per line, relative
SUPPLIERS = ["Acme Staffing BV", "Baumann Bau GmbH", "Civitas Contractors Ltd", "Delta Plant Hire", "Eurocad SA",
             "Fjord Consulting AS", "GeoSoil Ltd", "Hansen Transport", "Iberia Permisos SL", "Jansen Facilities",
             "Kraft Engineering", "Landmeters BV", "Metro Travel Group", "Nordic Training AB", "Omega Software Inc",
             "Precision Survey Co", "Quercus Office Supplies", "Rhein Logistik", "Sigma Certification", "Tauber Rentals",
             "Unity Hotels", "Vortex IT Services", "Westbridge Legal LLP", "Xylo Print", "Zenith Security"]


def git_id(kind, data):
    return hashlib.sha1(b"%s %d\0" % (kind, len(data)) + data).digest()


def fingerprint(doc_id, text):
    """The content fingerprint of a document without attachments: the id of the tree holding just `<ID>.md`."""
    return git_id(b"tree", b"100644 " + doc_id.encode() + b".md\0" + git_id(b"blob", text)).hex()


def event(kind, doc_id, revision, text, who, at, **extra):
    e = {"event": kind, "document": doc_id, "revision": revision, "fingerprint": fingerprint(doc_id, text),
         "actor": who, "name": NAMES[who], "at": at.strftime("%Y-%m-%dT%H:%M:%SZ")}
    e.update(extra)
    return json.dumps(e, sort_keys=True, separators=(",", ":")) + "\n"


def folio_init(folio, path, code, name, when):
    os.makedirs(path)
    run = lambda *a, **kw: subprocess.run(list(a), check=True, cwd=path, **kw)
    run("git", "init", "-q", "-b", "main", env=ENV)
    run("git", "config", "user.name", "Alice Adams", env=ENV)
    run("git", "config", "user.email", "alice@example.com", env=ENV)
    stamp = "@%d +0000" % int(when.replace(tzinfo=dt.timezone.utc).timestamp())
    run(folio, "init", "--project", code, "--name", name, stdout=subprocess.DEVNULL,
        env=dict(ENV, GIT_AUTHOR_DATE=stamp, GIT_COMMITTER_DATE=stamp))


class Importer:
    """Commits on top of the repository's main branch through one `git fast-import`."""

    def __init__(self, path):
        self.path = path
        self.proc = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=path, stdin=subprocess.PIPE, env=ENV)
        self.first = True
        self.mark = 0

    def commit(self, when, who, subject, body, files, tag=None):
        self.mark += 1
        ident = b"%s <%s> %d +0000" % (NAMES[who].encode(), who.encode(),
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
            sys.exit(f"gen-cost.py: git fast-import failed in {self.path}")
        subprocess.run(["git", "-C", self.path, "reset", "-q", "--hard", "main"], check=True, env=ENV)


def trailers(doc_id, action, revision, comment=None):
    return (comment + "\n\n" if comment else "") + f"Folio-Document: {doc_id}\nFolio-Action: {action}\nFolio-Revision: {revision}\n"


def lifecycle_start(imp, doc_id, path, title, type_name, text, t, extra_files=None):
    """created 0.1, submitted, approved by bob as pm, issued 1.0 (tagged): four commits from t on; the record."""
    record = event("created", doc_id, "0.1", text, "alice@example.com", t, meaning="authorship")
    files = {path: text, f".folio/records/{doc_id}.jsonl": record.encode()}
    files.update(extra_files or {})
    imp.commit(t, "alice@example.com", f"{doc_id}: create {type_name} '{title}'", trailers(doc_id, "create", "0.1"), files)
    t += dt.timedelta(minutes=20)
    record += event("submitted", doc_id, "0.1", text, "alice@example.com", t)
    imp.commit(t, "alice@example.com", f"{doc_id}: submit 0.1 for review", trailers(doc_id, "submit", "0.1"),
               {f".folio/records/{doc_id}.jsonl": record.encode()})
    t += dt.timedelta(hours=3)
    record += event("approved", doc_id, "0.1", text, "bob@example.com", t, meaning="approval", role="pm",
                    comment="Baseline agreed")
    imp.commit(t, "bob@example.com", f"{doc_id}: approve 0.1 as pm", trailers(doc_id, "approve", "0.1", "Baseline agreed"),
               {f".folio/records/{doc_id}.jsonl": record.encode()})
    t += dt.timedelta(minutes=30)
    record += event("issued", doc_id, "1.0", text, "alice@example.com", t, meaning="release")
    imp.commit(t, "alice@example.com", f"{doc_id}: issue revision 1.0", trailers(doc_id, "issue", "1.0"),
               {f".folio/records/{doc_id}.jsonl": record.encode()}, tag=f"folio/{doc_id}/1.0")
    return record


def folio_yml(code, name):
    return (f"# Folio project configuration. See docs/formats.md.\nproject: {{ code: {code}, name: {name} }}\n"
            'numbering: "{project}-{code}-{seq:4}"\nrevisions: numeric\nsignatures: optional\n'
            "review_policy: { max_days: 5 }\npeople:\n"
            + "".join(f"  - {{ email: {e}, name: {n}, roles: [{r}] }}\n" for e, n, r in PEOPLE)).encode()


def working_days(a, b):
    d, out = a, []
    while d <= b:
        if d.weekday() < 5:
            out.append(d)
        d += dt.timedelta(days=1)
    return out


def money(cents, cur):
    return "%d.%02d %s" % (cents // 100, cents % 100, cur)


# ---------------------------------------------------------------- cost

def gen_cost(a):
    rng = random.Random(a.seed)
    days = working_days(START, END)
    months = []  # (first day, last day) from 2024-12 to 2026-11
    m = dt.date(START.year, START.month, 1)
    while m <= AS_OF:
        nxt = dt.date(m.year + m.month // 12, m.month % 12 + 1, 1)
        months.append((m, nxt - dt.timedelta(days=1)))
        m = nxt
    invoice_no = {s: rng.randrange(1000, 9000) for s in SUPPLIERS}  # each supplier's own numbering
    prefix = {s: "".join(w[0] for w in s.split()[:2]).upper() for s in SUPPLIERS}
    manifest = {"repos": [], "as_of": str(AS_OF), "actuals": 0, "expected": {}, "currency": {}}
    t0 = time.time()
    for k in range(a.repos):
        code, repo = f"R{k + 1:02d}", f"r{k + 1:02d}"
        cur = "USD" if k % 7 == 6 else "EUR"
        n = a.actuals // a.repos + (1 if k < a.actuals % a.repos else 0)
        doc_id = f"{code}-CST-0001"
        title = f"Project {code} cost register"
        path = f"docs/cost-register/{doc_id}.md"
        # Each line has 2-4 suppliers; an actual: a line by weight, one of its suppliers.
        line_suppliers = [rng.sample(SUPPLIERS, rng.randint(2, 4)) for _ in CATEGORIES]
        owners = [rng.choice(["alice@example.com", "bob@example.com", "dave@example.com", "erin@example.com"])
                  for _ in CATEGORIES]
        actuals = []
        for date in sorted(rng.choice(days) for _ in range(n)):
            li = rng.choices(range(len(CATEGORIES)), WEIGHTS)[0]
            supplier = rng.choice(line_suppliers[li])
            invoice_no[supplier] += 1
            ref = f"{prefix[supplier]}-{date.year}-{invoice_no[supplier]:05d}"
            cents = max(2500, min(25_000_000, int(rng.lognormvariate(12.2, 1.1))))
            actuals.append([date, li, supplier, ref, cents, rng.random() < 0.3])
        spent = [0] * len(CATEGORIES)
        for date, li, _, _, cents, _ in actuals:
            spent[li] += cents
        budget = [max(100_000, round(s * rng.uniform(0.85, 1.3), -4)) for s in spent]
        committed = [round(s * rng.uniform(1.0, 1.15), -2) for s in spent]
        forecast = [max(s, round(s * rng.uniform(0.95, 1.25), -2)) for s in spent]
        lines_md = "".join(f"| B-{i + 1:02d} | {desc} | {cat} | {money(budget[i], cur)} | {money(committed[i], cur)} | "
                           f"{money(forecast[i], cur)} | {owners[i]} |\n" for i, (cat, desc) in enumerate(CATEGORIES))

        def register(upto, as_of):
            rows = []
            for j, (date, li, supplier, ref, cents, early) in enumerate(actuals):
                if date > upto:
                    break
                paid = "yes" if (as_of - date).days > 45 or early else "no"
                rows.append(f"| AC-{j + 1:04d} | {date} | B-{li + 1:02d} | {supplier} | {ref} | {money(cents, cur)} | "
                            f"{owners[li]} | {paid} |\n")
            return (f"---\nid: {doc_id}\ntype: cost-register\ntitle: {title}\nowner: \"alice@example.com\"\n"
                    f"as_of: {as_of}\ncurrency: {cur}\nbudget_total: {money(sum(budget), cur)}\ncontingency:\n"
                    f"management_reserve:\ncost_centre: CC-{1000 + k + 1}\nfinance_contact: carol@example.com\n"
                    f"finance_system:\nrelated:\n---\n# {title}\n\n## Purpose\n\nThe approved budget of project {code} "
                    f"in {cur}, reconciled with the finance system monthly.\n\n## Budget lines\n\n"
                    "| Line | Description | Category | Budget | Committed | Forecast | Owner |\n"
                    "| --- | --- | --- | --- | --- | --- | --- |\n" + lines_md +
                    "\n## Actuals\n\n| ID | Date | Line | Supplier | Invoice | Amount | Approved By | Paid |\n"
                    "| --- | --- | --- | --- | --- | --- | --- | --- |\n" + "".join(rows) +
                    "\n## Forecast and variance\n\nReviewed at the monthly cost meeting.\n").encode()

        rpath = os.path.join(a.out, repo)
        folio_init(a.folio, rpath, code, f"Project {code}", dt.datetime(2024, 11, 25, 9))
        imp = Importer(rpath)
        with open(os.path.join(rpath, "templates", "cost-register.md"), "rb") as f:
            tmpl = f.read()
        if b'"^AC-[0-9]{3,6}$"' not in tmpl:
            sys.exit("gen-cost.py: the cost-register template does not allow AC-0000 and above (pattern ^AC-[0-9]{3,6}$)")
        imp.commit(dt.datetime(2024, 11, 25, 10), "alice@example.com", f"{code}: people",
                   "", {"folio.yml": folio_yml(code, f"Project {code}")})
        record = lifecycle_start(imp, doc_id, path, title, "Cost register", register(START, START),
                                 dt.datetime.combine(START, dt.time(9)))
        for i, (first, last) in enumerate(months):
            when = dt.datetime.combine(min(last, AS_OF), dt.time(17))
            if last >= AS_OF:
                when = dt.datetime.combine(AS_OF, dt.time(9))
            text = register(last, when.date())
            rev = f"1.{i + 1}"
            comment = f"Actuals of {first:%Y-%m}"
            record += event("checked-in", doc_id, rev, text, "alice@example.com", when, meaning="authorship", comment=comment)
            imp.commit(when, "alice@example.com", f"{doc_id}: check in '{title}'", trailers(doc_id, "checkin", rev, comment),
                       {path: text, f".folio/records/{doc_id}.jsonl": record.encode()})
        imp.close()
        manifest["repos"].append(repo)
        manifest["actuals"] += n
        manifest["currency"][code] = cur
        manifest["expected"][code] = sum(spent) / 100
        print(f"gen-cost.py: {repo}: {n} actuals, {cur}, {time.time() - t0:.1f} s", file=sys.stderr)
    with open(os.path.join(a.out, "cost.json"), "w") as f:
        json.dump(manifest, f, indent=1)


# ---------------------------------------------------------------- schedule

def gen_schedule(a):
    rng = random.Random(a.seed)
    code, doc_id = "SCHED", "SCHED-SCH-0001"
    title, path = "Project SCHED schedule", f"docs/schedule/{doc_id}.md"
    project_end = dt.date(2027, 6, 30)
    span = (project_end - START).days
    ms = []  # [id, name, baseline, forecast, actual]
    for i in range(a.milestones):
        base = START + dt.timedelta(days=14 + (span - 14) * (i + 1) // a.milestones + rng.randint(-10, 10))
        ms.append([f"MS-{i + 1:02d}", f"Milestone {i + 1}: " + rng.choice(
            ["design freeze", "permit granted", "foundations complete", "structure topped out", "systems installed",
             "commissioning", "handover", "acceptance", "procurement closed", "site ready"]), base, base, None])
    wps = []  # [id, name, owner, start, finish, budget cents, pct]
    for i in range(a.work_packages):
        s = START + dt.timedelta(days=rng.randrange(0, span - 120))
        f = min(project_end, s + dt.timedelta(days=rng.randint(60, 360)))
        wps.append([f"WP-{i // 6 + 1}.{i % 6 + 1}", f"Work package {i + 1}", rng.choice(list(NAMES)), s, f,
                    rng.randrange(20, 400) * 100_000, 0])

    def text(today):
        rows = []
        for mid, name, base, fc, act in ms:
            status = "Done" if act else "Late" if fc < today else "At risk" if fc > base else "On track"
            rows.append(f"| {mid} | {name} | {base} | {fc} | {act or ''} | {status} |\n")
        return (f"---\nid: {doc_id}\ntype: schedule\ntitle: {title}\nowner: \"alice@example.com\"\n"
                f"status_date: \"{today}\"\nrelated:\n---\n# {title}\n\n## Milestones\n\n"
                "| ID | Milestone | Baseline | Forecast | Actual | Status |\n| --- | --- | --- | --- | --- | --- |\n"
                + "".join(rows) + "\n## Work packages\n\n"
                "| ID | Work package | Owner | Start | Finish | Budget | % complete |\n"
                "| --- | --- | --- | --- | --- | --- | --- |\n"
                + "".join(f"| {w} | {n} | {o} | {s} | {f} | {money(b, 'EUR')} | {p} |\n" for w, n, o, s, f, b, p in wps)).encode()

    rpath = os.path.join(a.out, "repo")
    t0 = time.time()
    folio_init(a.folio, rpath, code, "Project SCHED", dt.datetime(2024, 11, 25, 9))
    imp = Importer(rpath)
    imp.commit(dt.datetime(2024, 11, 25, 10), "alice@example.com", f"{code}: add the project team", "",
               {"folio.yml": folio_yml(code, "Project SCHED")})
    start = dt.datetime.combine(START, dt.time(9))
    record = lifecycle_start(imp, doc_id, path, title, "Schedule", text(START), start)
    step = (dt.datetime.combine(END, dt.time(17)) - start) / max(1, a.commits - 1)
    for c in range(1, a.commits):
        when = start + step * c + dt.timedelta(minutes=rng.randint(0, 50))
        today = when.date()
        changes = []
        for m in ms:  # milestones reached
            if not m[4] and m[3] < today:
                m[4] = m[3]
                changes.append(f"{m[0]} done")
        open_ms = [m for m in ms if not m[4]]
        open_wp = [w for w in wps if w[3] <= today + dt.timedelta(days=30) and w[6] < 100]
        if open_ms and (not open_wp or rng.random() < 0.55):
            m = rng.choice(open_ms)
            m[3] = max(today + dt.timedelta(days=1), m[3] + dt.timedelta(days=rng.choice([-7, -3, 2, 3, 5, 7, 7, 14])))
            changes.append(f"{m[0]} forecast {m[3]}")
        elif open_wp:
            w = rng.choice(open_wp)
            w[6] = min(100, w[6] + rng.choice([5, 5, 10, 10, 15]))
            changes.append(f"{w[0]} {w[6]}% complete")
        else:  # nothing left to move: the status date alone
            changes.append("status date")
        body = text(today)
        rev = f"1.{c}"
        comment = "; ".join(changes)
        record += event("checked-in", doc_id, rev, body, "alice@example.com", when, meaning="authorship", comment=comment)
        imp.commit(when, "alice@example.com", f"{doc_id}: check in '{title}'", trailers(doc_id, "checkin", rev, comment),
                   {path: body, f".folio/records/{doc_id}.jsonl": record.encode()})
    imp.close()
    with open(os.path.join(a.out, "schedule.json"), "w") as f:
        json.dump({"repo": "repo", "path": path, "commits": a.commits, "milestones": a.milestones,
                   "work_packages": a.work_packages}, f, indent=1)
    print(f"gen-cost.py: schedule: {a.commits} versions, {time.time() - t0:.1f} s", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("kind", choices=["cost", "schedule"])
    ap.add_argument("out")
    ap.add_argument("--folio", required=True)
    ap.add_argument("--repos", type=int, default=20)
    ap.add_argument("--actuals", type=int, default=50000)
    ap.add_argument("--commits", type=int, default=2000)
    ap.add_argument("--milestones", type=int, default=20)
    ap.add_argument("--work-packages", type=int, default=30)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    if os.path.exists(a.out) and os.listdir(a.out):
        sys.exit(f"gen-cost.py: {a.out} exists and is not empty")
    os.makedirs(a.out, exist_ok=True)
    (gen_cost if a.kind == "cost" else gen_schedule)(a)


if __name__ == "__main__":
    main()
