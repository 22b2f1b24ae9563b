#!/usr/bin/env python3
"""`folio report cost` computed without Folio, as a cross-check of its JSON:
per budget line, per project and currency, earned value per work package and
project, and the data-quality findings, from the committed files of each
repository (git ls-tree / cat-file at HEAD; bare repositories work too).
Definitions: docs/reports.md (`cost [--as-of D]`, "Earned value") and
docs/formats.md (rate cards, timesheets, the cost-register and schedule
templates). The S-curve is not computed.

usage: cost.py --as-of D [--at REV] [--compare FOLIO.json] REPO [REPO ...]
       cost.py --self-test
Prints one JSON object: lines, totals, earned_value, findings (rows with the
same keys, values and order as Folio's JSON). With --compare, reads Folio's
`report cost --format json --as-of D` output instead and prints every row
that differs (exit 1 if any). Money is rounded to 2 decimals, percentages to
1 and ratios (CPI, SPI, TCPI) to 2, half away from zero, only at the output;
everything before is exact (fractions).

States come from the record's last event; in force = neither withdrawn nor
superseded (Folio's `Project.inForce`). Labour counts issued timesheets only.

The definitions it follows where a reader might hesitate (all written in
docs/reports.md):
- labour goes on the first `Labour` line of the project's registers in
  force (by ID), once per project; `no labour line` only when none has one;
- a Budget/Committed/Forecast in another currency than the register's is
  left out, with a `currency` finding (money is never added across currencies);
- a project's AC in earned value is the actual cost of its cost registers
  in the schedule's currency; without one, the priced labour on its work
  packages;
- the schedule's currency is that of most of its budgeted work packages
  (by count; a tie goes to the alphabetically first code);
- the rate for an hour: the person's own rate, else their first role's
  with one; for each, the project's own rate cards first, then the other
  repositories' in the order given; of several rows in force on one card
  set, the one that started last.
"""
import argparse, datetime as dt, json, os, re, shutil, subprocess, sys, tempfile
from fractions import Fraction
import yaml

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

STATE = {"created": "draft", "checked-in": "draft", "rejected": "draft", "submitted": "in-review",
         "approved": "in-review", "issued": "issued", "superseded": "superseded", "withdrawn": "withdrawn"}
GONE = ("withdrawn", "superseded")
TYPES = ("cost-register", "rate-card", "schedule", "timesheet")


# ---------------------------------------------------------------- reading

class Repo:
    """One repository at a commit (default HEAD): every blob the report reads, in one `git cat-file --batch`."""

    def __init__(self, path, rev="HEAD"):
        self.path = path
        out = subprocess.run(["git", "-C", path, "ls-tree", "-r", "-z", rev], check=True, capture_output=True).stdout
        blob = {}
        for entry in out.split(b"\0"):
            if entry:
                meta, _, name = entry.decode().partition("\t")
                blob[name] = meta.split()[2]
        self.config = yaml.load(self.cat(blob, ["folio.yml"])["folio.yml"], Loader=Loader) or {}
        self.code = str((self.config.get("project") or {}).get("code", ""))
        # The types' folders, from the project's own templates (no template: no documents of the type).
        templates = self.cat(blob, [f"templates/{t}.md" for t in TYPES if f"templates/{t}.md" in blob])
        self.folders = {}
        for t in TYPES:
            text = templates.get(f"templates/{t}.md")
            if text is None:
                continue
            rules = (front_matter(text.split("\n")) or {}).get("template") or {}
            self.folders[t] = str(rules.get("folder") or f"docs/{t}").rstrip("/") + "/"
        docs = [p for p in blob for f in self.folders.values()
                if p.startswith(f) and p.endswith(".md") and "/" not in p[len(f):]]
        ids = {p.rsplit("/", 1)[1][:-3] for p in docs}
        records = [p for p in blob if p.startswith(".folio/records/") and p.endswith(".jsonl") and p[15:-6] in ids]
        self.blobs = self.cat(blob, docs + records)

    def cat(self, blob, wanted):
        data = subprocess.run(["git", "-C", self.path, "cat-file", "--batch"], input="".join(blob[p] + "\n" for p in wanted).encode(),
                              check=True, capture_output=True).stdout
        out, i = {}, 0
        for p in wanted:
            eol = data.index(b"\n", i)
            header = data[i:eol].split()
            assert len(header) == 3, f"{self.path}: {p}: {header}"
            size = int(header[2])
            out[p] = data[eol + 1:eol + 1 + size].decode()
            i = eol + 2 + size
        return out

    def documents(self, doc_type, in_force=True):
        """(id, front matter, lines, state) of each document of the type, by ID."""
        folder = self.folders.get(doc_type)
        if folder is None:
            return
        for path in sorted(p for p in self.blobs if p.startswith(folder) and p.endswith(".md")):
            lines = self.blobs[path].split("\n")
            fm = front_matter(lines)
            if fm is None:
                continue
            doc_id = path[len(folder):-3]
            state = "draft"
            record = self.blobs.get(f".folio/records/{doc_id}.jsonl")
            if record:
                events = [json.loads(l) for l in record.splitlines() if l.strip()]
                if events:
                    state = STATE[events[-1]["event"]]
            if in_force and state in GONE:
                continue
            yield doc_id, fm, lines, state


def front_matter(lines):
    if not lines or lines[0].rstrip("\r") != "---":
        return None
    for i in range(1, len(lines)):
        if lines[i].rstrip("\r") in ("---", "..."):
            return yaml.load("\n".join(lines[1:i]), Loader=Loader) or {}
    return None


def field(fm, key):
    v = fm.get(key)
    return "" if v is None else str(v).strip()


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
    """Rows (1-based line number in the file, {column: cell}) of the first table under `## heading`."""
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
    rows, j = [], i + 2
    while j < len(lines) and lines[j].lstrip().startswith("|"):
        cells = split_row(lines[j])
        row = {}
        for name, cell in zip(header, cells + [""] * (len(header) - len(cells))):
            row.setdefault(name, cell)
        rows.append((j + 1, row))
        j += 1
    return rows


def day(v):
    s = str(v).strip()
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", s):
        return None
    try:
        return dt.date.fromisoformat(s)
    except ValueError:
        return None


def number(s):
    s = str(s).strip()
    if not s or not re.fullmatch(r"[0-9+\-.eE]+", s):
        return None
    try:
        return Fraction(s)
    except (ValueError, ZeroDivisionError):
        return None


def money(s):
    """`1250.00 EUR` -> (Fraction, 'EUR'): at most 2 decimals, a 3-letter upper-case code."""
    parts = str(s).split()
    if len(parts) != 2 or not re.fullmatch(r"-?[0-9]+(\.[0-9]{1,2})?", parts[0]) or not re.fullmatch(r"[A-Z]{3}", parts[1]):
        return None
    return Fraction(parts[0]), parts[1]


def iso_week(s):
    m = re.fullmatch(r"([0-9]{4})-W([0-9]{2})", str(s).strip())
    if not m or int(m[1]) < 1 or int(m[2]) < 1:
        return None
    try:
        return dt.date.fromisocalendar(int(m[1]), int(m[2]), 1)
    except ValueError:
        return None


# ---------------------------------------------------------------- output

def rnd(x, places):
    """Half away from zero, exact; an int when whole (as Folio writes it), else a float."""
    q = abs(Fraction(x)) * 10 ** places
    n = int(q) + (1 if q - int(q) >= Fraction(1, 2) else 0)
    v = Fraction(n, 10 ** places) * (-1 if x < 0 else 1)
    return int(v) if v.denominator == 1 else float(v)


def money_out(x):
    return None if x is None else rnd(x, 2)


def dec(x, places=2):
    """DecimalText.string: at most `places` decimals, trailing zeros dropped."""
    s = f"{rnd(x, places):.{places}f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return "0" if s == "-0" else s


# ---------------------------------------------------------------- rates and hours

class Rate:
    def __init__(self, who, amount, currency, start, end, document, order):
        self.who, self.amount, self.currency, self.start, self.end, self.document, self.order = who, amount, currency, start, end, document, order

    def applies(self, d):
        return self.start <= d and (self.end is None or d <= self.end)


def rate_cards(repo):
    rates = []
    for doc_id, fm, lines, state in repo.documents("rate-card"):
        for _, row in table(lines, "Rates"):
            who, m, start = row.get("Person or role", ""), money(row.get("Rate", "")), day(row.get("From", ""))
            to_text = row.get("To", "")
            end = day(to_text) if to_text else None
            if not who or m is None or start is None or (to_text and end is None):
                continue
            rates.append(Rate(who.lower(), m[0], m[1], start, end, doc_id, len(rates)))
    return rates


def rate_for(person, roles, d, groups):
    """The person's own rate, else the first of their roles with one; for each, the groups of rate cards in
    order (the project's own first); in one group, of several rows, the one that started last."""
    for who in [person.lower()] + [r.lower() for r in roles]:
        for rates in groups:
            applying = [r for r in rates if r.who == who and r.applies(d)]
            if applying:
                latest = max(r.start for r in applying)
                return next(r for r in applying if r.start == latest)
    return None


def gather(repos):
    """Every repository's rate cards in force, people's roles (first listing wins) and issued timesheet entries."""
    rates, roles, hours = [], {}, []
    for repo in repos:
        for entry in repo.config.get("people") or []:
            roles.setdefault(str(entry.get("email", "")).lower(), [str(r) for r in entry.get("roles") or []])
        rates.append((repo.code, rate_cards(repo)))
        for doc_id, fm, lines, state in repo.documents("timesheet"):
            if state != "issued" or iso_week(field(fm, "week")) is None:
                continue
            person = field(fm, "person").lower()
            for line, row in table(lines, "Entries"):
                d, h = day(row.get("Date", "")), number(row.get("Hours", ""))
                if d is None or h is None or not 0 <= h <= 24:
                    continue
                hours.append({"person": person, "date": d, "project": row.get("Project", ""),
                              "wp": row.get("Work package", ""), "hours": h})
    return rates, roles, hours


def priced_for(code, rates):
    return [rs for c, rs in rates if c == code] + [rs for c, rs in rates if c != code]


# ---------------------------------------------------------------- the report

def report(repos, as_of):
    rates, roles, all_hours = gather(repos)
    hours = [h for h in all_hours if h["date"] <= as_of]
    lines_out, totals_out, ev_out, findings = [], [], [], []
    portfolio = {}
    project_actual = {}
    keys = ("budget", "committed", "invoices", "labour", "forecast")

    def finding(code, doc, kind, detail):
        findings.append({"project": code, "document": doc, "kind": kind, "detail": detail})

    for repo in repos:
        code = repo.code
        registers = list(repo.documents("cost-register"))
        if "cost-register" not in repo.folders:
            continue
        priced = priced_for(code, rates)
        parsed = []
        for doc_id, fm, lines, state in registers:
            currency = field(fm, "currency")
            budget_lines = []
            for _, row in table(lines, "Budget lines"):
                if row.get("Line", ""):
                    budget_lines.append(row)
            parsed.append((doc_id, currency, budget_lines, lines))
        # Labour: once per project, on the first Labour line of its registers in force (by ID).
        labour_home = next(((doc_id, next(r["Line"] for r in bl if r.get("Category", "").lower() == "labour"))
                            for doc_id, _, bl, _ in parsed if any(r.get("Category", "").lower() == "labour" for r in bl)), None)
        seen = {}
        by_currency = {}
        for n, (doc_id, currency, budget_lines, lines) in enumerate(parsed):
            known = {r["Line"] for r in budget_lines}
            invoices = {}
            for row_line, row in table(lines, "Actuals"):
                d, m = day(row.get("Date", "")), money(row.get("Amount", ""))
                if d is None or d > as_of or m is None:
                    continue
                aid, line = row.get("ID", ""), row.get("Line", "")
                if m[1] != currency:
                    finding(code, doc_id, "currency", f"{aid} (line {row_line}): {dec2(m[0])} {m[1]} in a {currency} register, left out")
                    continue
                if line not in known:
                    finding(code, doc_id, "unknown line", f"{aid} (line {row_line}) is booked to {line}, which is not a budget line: {dec2(m[0])} {currency} in no line")
                    continue
                ref = row.get("Invoice", "").strip()
                if ref:
                    key = (row.get("Supplier", "").lower(), ref.lower())
                    if key in seen:
                        finding(code, doc_id, "invoice twice", f"{aid} books invoice {ref} of {row.get('Supplier', '')} again (first: {seen[key]})")
                    else:
                        seen[key] = f"{doc_id} {aid}"
                invoices[line] = invoices.get(line, Fraction(0)) + m[0]
            labour, labour_line = Fraction(0), None
            if doc_id == (labour_home[0] if labour_home else parsed[0][0]):
                # The project's labour (its findings listed here, after that register's actuals).
                home_doc, home_line = labour_home or (doc_id, None)
                home_currency = next(c for i, c, _, _ in parsed if i == home_doc)
                unpriced = {}
                project_labour = Fraction(0)
                for h in hours:
                    if h["project"] != code:
                        continue
                    r = rate_for(h["person"], roles.get(h["person"], []), h["date"], priced)
                    if r is None:
                        unpriced[h["person"]] = unpriced.get(h["person"], Fraction(0)) + h["hours"]
                        continue
                    if r.currency != home_currency:
                        finding(code, home_doc, "currency", f"the rate of {h['person']} on {h['date'].isoformat()} ({r.document}) is in {r.currency}, not {home_currency}: {dec(h['hours'])} h left out")
                        continue
                    project_labour += h["hours"] * r.amount
                for person in sorted(unpriced):
                    finding(code, home_doc, "no rate", f"{dec(unpriced[person])} issued hours of {person} have no rate in force on a rate card")
                if project_labour > 0 and home_line is None:
                    finding(code, home_doc, "no labour line", f"{dec(project_labour)} {home_currency} of labour and no budget line of category Labour")
                project_labour_booked = (home_doc, home_line, project_labour)
            if labour_home and labour_home[0] == doc_id:
                labour_line, labour = project_labour_booked[1], project_labour_booked[2]
            for row in budget_lines:
                def amount(col):
                    m = money(row.get(col, ""))
                    if m and m[1] != currency:
                        finding(code, doc_id, "currency", f"{row['Line']} {col.lower()}: {dec2(m[0])} {m[1]} in a {currency} register, left out")
                    return m[0] if m and m[1] == currency else Fraction(0)
                t = {"budget": amount("Budget"), "committed": amount("Committed"), "invoices": invoices.get(row["Line"], Fraction(0)),
                     "labour": labour if row["Line"] == labour_line else Fraction(0)}
                actual = t["invoices"] + t["labour"]
                t["forecast"] = max(amount("Forecast"), t["committed"], actual)
                lines_out.append({
                    "project": code, "register": doc_id, "line": row["Line"], "description": row.get("Description", ""),
                    "category": row.get("Category", ""), "currency": currency, "budget": rnd(t["budget"], 2),
                    "committed": rnd(t["committed"], 2), "invoices": rnd(t["invoices"], 2), "labour": rnd(t["labour"], 2),
                    "actual": rnd(actual, 2), "forecast": rnd(t["forecast"], 2), "variance": rnd(t["budget"] - t["forecast"], 2),
                    "spent_pct": rnd(actual * 100 / t["budget"], 1) if t["budget"] > 0 else None,
                    "over_budget": t["forecast"] > t["budget"] or actual > t["budget"]})
                acc = by_currency.setdefault(currency, dict.fromkeys(keys, Fraction(0)))
                for k in keys:
                    acc[k] += t[k]
        for currency in sorted(by_currency):
            t = by_currency[currency]
            project_actual.setdefault(code, {})[currency] = t["invoices"] + t["labour"]
            totals_out.append(totals_row(code, currency, t))
            acc = portfolio.setdefault(currency, dict.fromkeys(keys, Fraction(0)))
            for k in keys:
                acc[k] += t[k]
    if len(repos) > 1:
        for currency in sorted(portfolio):
            totals_out.append(totals_row("portfolio", currency, portfolio[currency]))

    # Earned value.
    for repo in repos:
        code = repo.code
        packages, where = [], {}
        for doc_id, fm, lines, state in repo.documents("schedule"):
            for _, row in table(lines, "Work packages"):
                wid = row.get("ID", "")
                if not wid:
                    continue
                if wid in where:
                    finding(code, doc_id, "work package twice", f"{wid} is also in {where[wid]}: counted once, from {where[wid]}")
                    continue
                where[wid] = doc_id
                pct = row.get("% complete", "")
                packages.append({"id": wid, "name": row.get("Work package", ""), "start": day(row.get("Start", "")),
                                 "finish": day(row.get("Finish", "")), "budget": money(row.get("Budget", "")), "complete": number(pct)})
        counts = {}
        for p in packages:
            if p["budget"]:
                counts[p["budget"][1]] = counts.get(p["budget"][1], 0) + 1
        if not counts:
            continue
        currency = min(counts, key=lambda c: (-counts[c], c))
        for p in packages:
            if p["budget"] and p["budget"][1] != currency:
                finding(code, where[p["id"]], "currency", f"work package {p['id']} is budgeted in {p['budget'][1]}, the schedule in {currency}: left out of earned value")
        priced = priced_for(code, rates)
        labour, other = {}, {}
        for h in hours:
            if h["project"] != code:
                continue
            r = rate_for(h["person"], roles.get(h["person"], []), h["date"], priced)
            if r is None:
                continue
            if r.currency != currency:
                other[r.currency] = other.get(r.currency, Fraction(0)) + h["hours"]
                continue
            labour[h["wp"]] = labour.get(h["wp"], Fraction(0)) + h["hours"] * r.amount
        for c in sorted(other):
            finding(code, sorted(where.values())[0], "currency", f"{dec(other[c])} h priced in {c}, the schedule in {currency}: left out of the work packages' AC")
        tb = tp = te = Fraction(0)
        for p in packages:
            if not p["budget"] or p["budget"][1] != currency:
                continue
            bac = p["budget"][0]
            pv = planned_value(bac, p["start"], p["finish"], as_of)
            ev = bac * p["complete"] / 100 if p["complete"] is not None else Fraction(0)
            tb, tp, te = tb + bac, tp + pv, te + ev
            ev_out.append(ev_row(code, p["id"], p["name"], currency, bac, pv, ev, labour.get(p["id"], Fraction(0))))
        ac = project_actual.get(code, {}).get(currency)
        if ac is None:  # no cost register in the schedule's currency: the priced labour on its work packages
            ac = sum(labour.values(), Fraction(0))
        ev_out.append(ev_row(code, "(project)", "all work packages", currency, tb, tp, te, ac))
    return {"lines": lines_out, "totals": totals_out, "earned_value": ev_out, "findings": findings}


def dec2(x):
    """`%.2f` of an amount."""
    return f"{rnd(x, 2):.2f}"


def planned_value(bac, start, finish, as_of):
    """BAC x the share of the days Start..Finish (both included) elapsed by the end of the as-of day."""
    if start is None or finish is None or start > finish:
        return Fraction(0)
    if as_of < start:
        return Fraction(0)
    if as_of >= finish:
        return bac
    return bac * Fraction((as_of - start).days + 1, (finish - start).days + 1)


def ev_row(code, wid, name, currency, bac, pv, ev, ac):
    cpi = ev / ac if ac > 0 else None
    spi = ev / pv if pv > 0 else None
    eac = bac / cpi if cpi else None
    tcpi = (bac - ev) / (bac - ac) if bac != ac else None
    return {"project": code, "work_package": wid, "name": name, "currency": currency, "bac": rnd(bac, 2), "pv": rnd(pv, 2),
            "ev": rnd(ev, 2), "ac": rnd(ac, 2), "cv": rnd(ev - ac, 2), "sv": rnd(ev - pv, 2),
            "cpi": money_out(cpi), "spi": money_out(spi), "eac": money_out(eac),
            "etc": money_out(None if eac is None else eac - ac), "vac": money_out(None if eac is None else bac - eac),
            "tcpi": money_out(tcpi)}


def totals_row(code, currency, t):
    actual = t["invoices"] + t["labour"]
    return {"project": code, "currency": currency, "budget": rnd(t["budget"], 2), "committed": rnd(t["committed"], 2),
            "invoices": rnd(t["invoices"], 2), "labour": rnd(t["labour"], 2), "actual": rnd(actual, 2),
            "forecast": rnd(t["forecast"], 2), "variance": rnd(t["budget"] - t["forecast"], 2),
            "spent_pct": rnd(actual * 100 / t["budget"], 1) if t["budget"] > 0 else None}


# ---------------------------------------------------------------- comparing

SECTIONS = ("lines", "totals", "earned_value", "findings")


def compare(mine, folio):
    """Lines describing every row that differs, section by section: rows are aligned (difflib), rows
    in the same place that differ are shown field by field, the others as only in one of the two."""
    import difflib
    out = []
    for s in SECTIONS:
        a, b = mine[s], folio.get(s, [])
        ja, jb = [json.dumps(x, sort_keys=True) for x in a], [json.dumps(x, sort_keys=True) for x in b]
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, ja, jb, autojunk=False).get_opcodes():
            if op == "equal":
                continue
            if op == "replace" and i2 - i1 == j2 - j1:
                for x, y in zip(a[i1:i2], b[j1:j2]):
                    diff = {k: (x.get(k), y.get(k)) for k in dict.fromkeys(list(x) + list(y)) if x.get(k) != y.get(k)}
                    label = " ".join(str(x.get(k)) for k in ("project", "register", "line", "work_package", "document", "kind") if k in x)
                    out.append(f"{s} {label}: " + "; ".join(f"{k}: oracle {v[0]!r}, folio {v[1]!r}" for k, v in diff.items()))
                continue
            out += [f"{s}: only in the oracle: {json.dumps(x)}" for x in a[i1:i2]]
            out += [f"{s}: only in folio: {json.dumps(y)}" for y in b[j1:j2]]
    return out


# ---------------------------------------------------------------- self-test

def self_test():
    """Two throwaway repositories (EUR and USD): a rate change, own rate vs role rate, an unknown line, a
    wrong currency, an invoice twice, hours with no rate, a withdrawn register, PV/EV by hand."""
    root = tempfile.mkdtemp(prefix="cost-oracle-")

    def repo(name, files):
        path = os.path.join(root, name)
        subprocess.run(["git", "init", "-q", path], check=True)
        for rel, text in files.items():
            os.makedirs(os.path.dirname(os.path.join(path, rel)), exist_ok=True)
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

    def doc(doc_id, t, fields, tables):
        body = "".join(f"## {h}\n\n| {' | '.join(cols)} |\n| {' | '.join('---' for _ in cols)} |\n" + "".join(f"| {r} |\n" for r in rows) + "\n"
                       for h, cols, rows in tables)
        return f"---\nid: {doc_id}\ntype: {t}\ntitle: x\n{fields}---\n# x\n\n" + body

    templates = {f"templates/{t}.md": f"---\ntemplate:\n  type: {t}\n---\n" for t in TYPES}
    BL = ["Line", "Description", "Category", "Budget", "Committed", "Forecast", "Owner"]
    AC = ["ID", "Date", "Line", "Supplier", "Invoice", "Amount", "Approved By", "Paid"]
    RT = ["Person or role", "Rate", "From", "To"]
    WP = ["ID", "Work package", "Owner", "Start", "Finish", "Budget", "% complete"]
    TS = ["Date", "Project", "Work package", "Hours", "Activity", "Note"]
    a = repo("a", dict(templates, **{
        "folio.yml": "project: { code: ALPHA, name: A }\npeople:\n  - { email: carol@example.com, name: C, roles: [analyst] }\n"
                     "  - { email: dave@example.com, name: D, roles: [author] }\n  - { email: erin@example.com, name: E }\n",
        "docs/cost-register/ALPHA-CST-0001.md": doc("ALPHA-CST-0001", "cost-register", "currency: EUR\n", [
            ("Budget lines", BL, ["B-01 | Team | Labour | 1000.00 EUR | | 900.00 EUR | ", "B-02 | Kit | Equipment | 500.00 EUR | 600.00 EUR | | "]),
            ("Actuals", AC, ["AC-001 | 2026-03-01 | B-02 | Shop | INV-1 | 100.00 EUR | | ",
                             "AC-002 | 2026-03-02 | B-09 | Shop | INV-2 | 7.00 EUR | | ",
                             "AC-003 | 2026-03-03 | B-02 | Shop | INV-3 | 9.99 USD | | ",
                             "AC-004 | 2026-03-04 | B-02 | shop | inv-1 | 100.00 EUR | | ",
                             "AC-005 | 2026-04-01 | B-02 | Shop | INV-5 | 50.00 EUR | | "])]),
        ".folio/records/ALPHA-CST-0001.jsonl": rec("ALPHA-CST-0001", "created"),
        "docs/cost-register/ALPHA-CST-0002.md": doc("ALPHA-CST-0002", "cost-register", "currency: EUR\n", [
            ("Budget lines", BL, ["B-01 | Gone | Labour | 1.00 EUR | | | "]), ("Actuals", AC, [])]),
        ".folio/records/ALPHA-CST-0002.jsonl": rec("ALPHA-CST-0002", "created", "withdrawn"),
        "docs/rate-card/ALPHA-RTE-0001.md": doc("ALPHA-RTE-0001", "rate-card", "currency: EUR\n", [
            ("Rates", RT, ["dave@example.com | 10.00 EUR | 2026-01-01 | 2026-03-15", "dave@example.com | 20.00 EUR | 2026-03-16 | ",
                           "analyst | 30.00 EUR | 2026-01-01 | ", "carol@example.com | 50.00 EUR | 2026-03-10 | "])]),
        "docs/schedule/ALPHA-SCH-0001.md": doc("ALPHA-SCH-0001", "schedule", "", [
            ("Work packages", WP, ["WP-1 | Build | | 2026-03-01 | 2026-03-10 | 1000.00 EUR | 50",
                                   "WP-2 | Done | | 2026-02-01 | 2026-02-02 | 200.00 EUR | 100",
                                   "WP-3 | Later | | 2026-04-01 | 2026-04-30 | 300.00 EUR | 0",
                                   "WP-4 | Dollars | | 2026-03-01 | 2026-03-02 | 50.00 USD | 10"])]),
        "docs/timesheet/ALPHA-TS-0001.md": doc("ALPHA-TS-0001", "timesheet", "person: dave@example.com\nweek: 2026-W11\n", [
            ("Entries", TS, ["2026-03-13 | ALPHA | WP-1 | 2 | x | ", "2026-03-16 | ALPHA | WP-1 | 3 | x | "])]),
        ".folio/records/ALPHA-TS-0001.jsonl": rec("ALPHA-TS-0001", "created", "submitted", "approved", "issued"),
        "docs/timesheet/ALPHA-TS-0002.md": doc("ALPHA-TS-0002", "timesheet", "person: carol@example.com\nweek: 2026-W10\n", [
            ("Entries", TS, ["2026-03-09 | ALPHA | WP-1 | 1 | x | ", "2026-03-10 | ALPHA | WP-1 | 1 | x | ", "2026-03-11 | ALPHA | WP-9 | 2.5 | x | "])]),
        ".folio/records/ALPHA-TS-0002.jsonl": rec("ALPHA-TS-0002", "created", "submitted", "approved", "issued"),
        "docs/timesheet/ALPHA-TS-0003.md": doc("ALPHA-TS-0003", "timesheet", "person: erin@example.com\nweek: 2026-W10\n", [
            ("Entries", TS, ["2026-03-09 | ALPHA | WP-1 | 4.25 | x | "])]),
        ".folio/records/ALPHA-TS-0003.jsonl": rec("ALPHA-TS-0003", "created", "submitted", "approved", "issued"),
        "docs/timesheet/ALPHA-TS-0004.md": doc("ALPHA-TS-0004", "timesheet", "person: dave@example.com\nweek: 2026-W10\n", [
            ("Entries", TS, ["2026-03-09 | ALPHA | WP-1 | 8 | x | "])]),
        ".folio/records/ALPHA-TS-0004.jsonl": rec("ALPHA-TS-0004", "created", "submitted"),
    }))
    b = repo("b", dict(templates, **{
        "folio.yml": "project: { code: BETA, name: B }\npeople:\n  - { email: dave@example.com, name: D, roles: [] }\n",
        "docs/cost-register/BETA-CST-0001.md": doc("BETA-CST-0001", "cost-register", "currency: USD\n", [
            ("Budget lines", BL, ["B-01 | Kit | Equipment | 100.00 USD | | | "]),
            ("Actuals", AC, ["AC-001 | 2026-03-01 | B-01 | S | | 40.00 USD | | "])]),
    }))
    r = report([Repo(a), Repo(b)], dt.date(2026, 3, 20))
    problems = []

    def expect(what, got, want):
        if got != want:
            problems.append(f"{what}: {got!r}, expected {want!r}")

    line = {(x["project"], x["line"]): x for x in r["lines"]}
    # Dave 2 h x 10 + 3 h x 20; Carol 1 h x 30 (role) + (1 + 2.5) h x 50 (own from 03-10); Erin: no rate.
    expect("labour", line[("ALPHA", "B-01")]["labour"], 20 + 60 + 30 + 175)
    expect("B-01 forecast: the Forecast, not below actual", line[("ALPHA", "B-01")]["forecast"], 900)
    expect("B-02 invoices: INV-1 twice counted, USD, B-09 and April left out", line[("ALPHA", "B-02")]["invoices"], 200)
    expect("B-02 forecast: committed", line[("ALPHA", "B-02")]["forecast"], 600)
    expect("B-02 over", line[("ALPHA", "B-02")]["over_budget"], True)
    expect("B-02 spent", line[("ALPHA", "B-02")]["spent_pct"], 40)
    expect("withdrawn register left out", [x["register"] for x in r["lines"]], ["ALPHA-CST-0001"] * 2 + ["BETA-CST-0001"])
    expect("totals", [(x["project"], x["currency"], x["actual"]) for x in r["totals"]],
           [("ALPHA", "EUR", 485), ("BETA", "USD", 40), ("portfolio", "EUR", 485), ("portfolio", "USD", 40)])
    expect("findings", [(x["kind"], x["detail"]) for x in r["findings"]], [
        ("unknown line", "AC-002 (line 21) is booked to B-09, which is not a budget line: 7.00 EUR in no line"),
        ("currency", "AC-003 (line 22): 9.99 USD in a EUR register, left out"),
        ("invoice twice", "AC-004 books invoice inv-1 of shop again (first: ALPHA-CST-0001 AC-001)"),
        ("no rate", "4.25 issued hours of erin@example.com have no rate in force on a rate card"),
        ("currency", "work package WP-4 is budgeted in USD, the schedule in EUR: left out of earned value")])
    ev = {x["work_package"]: x for x in r["earned_value"]}
    expect("WP-1 PV (10 of 10 days)", ev["WP-1"]["pv"], 1000)
    expect("WP-1 AC", ev["WP-1"]["ac"], 20 + 60 + 30 + 50)
    expect("WP-2 EV 100%", ev["WP-2"]["ev"], 200)
    expect("WP-3 PV 0, EV 0%, SPI empty", (ev["WP-3"]["pv"], ev["WP-3"]["ev"], ev["WP-3"]["spi"]), (0, 0, None))
    expect("project AC: the register's", ev["(project)"]["ac"], 485)
    expect("project CPI", ev["(project)"]["cpi"], rnd(Fraction(700, 485), 2))
    expect("WP-4 left out", "WP-4" in ev, False)
    r2 = report([Repo(a)], dt.date(2026, 3, 5))
    ev2 = {x["work_package"]: x for x in r2["earned_value"]}
    expect("WP-1 PV on day 5 of 10", ev2["WP-1"]["pv"], 500)
    expect("one repository: no portfolio rows", [x["project"] for x in r2["totals"]], ["ALPHA"])
    bare = os.path.join(root, "a.git")
    subprocess.run(["git", "clone", "-q", "--bare", a, bare], check=True)
    expect("a bare repository reads the same", report([Repo(bare), Repo(b)], dt.date(2026, 3, 20)), r)
    for p in problems:
        print("self-test:", p, file=sys.stderr)
    print(f"self-test: {'FAILED, repositories kept in ' + root if problems else 'ok'}", file=sys.stderr)
    if not problems:
        shutil.rmtree(root)
    return 1 if problems else 0


def main():
    if sys.argv[1:] == ["--self-test"]:
        sys.exit(self_test())
    ap = argparse.ArgumentParser(description="folio report cost, computed independently")
    ap.add_argument("--as-of", required=True)
    ap.add_argument("--compare", metavar="FOLIO_JSON", help="Folio's JSON to compare with (- for standard input)")
    ap.add_argument("--at", default="HEAD", help="the commit to read each repository at (default HEAD)")
    ap.add_argument("repos", nargs="+")
    args = ap.parse_args()
    mine = report([Repo(r, args.at) for r in args.repos], dt.date.fromisoformat(args.as_of))
    if args.compare:
        folio = json.load(sys.stdin if args.compare == "-" else open(args.compare))
        diffs = compare(mine, folio)
        print("\n".join(diffs) if diffs else "same rows in lines, totals, earned_value and findings")
        sys.exit(1 if diffs else 0)
    print(json.dumps(mine, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
