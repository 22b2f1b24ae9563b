#!/usr/bin/env python3
"""Generate a large Folio-managed git repository without the folio CLI.

    generate-repo.py DIR N [--seed S] [--templates TEMPLATES_DIR] [--verify]

Creates DIR as a fresh git repository holding a Folio layout (folio.yml for
project BENCH with four people, templates/ copied from the tool's templates,
.folio/) and N valid documents spread over the built-in types, each with its
lifecycle record, all committed in one commit. Values are derived from each
template's rules (field and column types, patterns, enums, min/max), every
required section is present and every register table has at least 3 rows.

--verify re-reads everything it wrote and checks the constraints independently
(patterns, enums, people, document references, dates, keys, sections), then
exits 1 on any problem. Used by the benchmark (scripts/bench.sh) and as a
self-test: `generate-repo.py /tmp/x 200 --verify && git -C /tmp/x fsck`.
"""

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys

try:
    import yaml
except ImportError:  # pragma: no cover
    sys.exit("generate-repo.py: PyYAML is required (pip install pyyaml, or apt-get install python3-yaml)")

try:  # Python >= 3.11
    import re._parser as sre_parse  # type: ignore
except ImportError:  # pragma: no cover
    import sre_parse  # type: ignore

PROJECT = "BENCH"
PEOPLE = [
    ("alice@example.com", "Alice Adams", ["pm"]),
    ("bob@example.com", "Bob Brown", ["sponsor"]),
    ("carol@example.com", "Carol Chen", ["pmo", "admin"]),
    ("dave@example.com", "Dave Diaz", ["author"]),
]
EMAILS = [p[0] for p in PEOPLE]
NUMBERING = "{project}-{code}-{seq:5}"
SEQ_DIGITS = 5
COMMIT_ENV = {
    "GIT_AUTHOR_NAME": "Alice Adams",
    "GIT_AUTHOR_EMAIL": "alice@example.com",
    "GIT_COMMITTER_NAME": "Alice Adams",
    "GIT_COMMITTER_EMAIL": "alice@example.com",
    "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z",
    "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z",
}

def git_id(kind, data):
    """The id git gives `data` as an object of `kind`."""
    return hashlib.sha1(b"%s %d\0" % (kind, len(data)) + data).digest()


def fingerprint(doc_id, body, attachments):
    """folio's content fingerprint: the id of a tree holding the document file
    and, if it has attachments, its attachment folder (entries in git order)."""
    entries = [(doc_id + ".md", b"100644", git_id(b"blob", body))]
    if attachments:
        folder = b"".join(b"100644 " + n.encode() + b"\0" + git_id(b"blob", d) for n, d in sorted(attachments))
        entries.append((doc_id, b"40000", git_id(b"tree", folder)))
    entries.sort(key=lambda e: (e[0] + "/" if e[1] == b"40000" else e[0]).encode())
    tree = b"".join(mode + b" " + name.encode() + b"\0" + oid for name, mode, oid in entries)
    return git_id(b"tree", tree).hex()


# A tiny but well-formed PDF, used for attachments of kind pdf.
MINI_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

TRUE_WORDS = {"true", "yes", "on", "y"}


def truthy(v):
    return isinstance(v, str) and v.strip().lower() in TRUE_WORDS or v is True


# --------------------------------------------------------------------------
# Templates


class Template:
    def __init__(self, path, rules):
        self.path = path
        stem = os.path.splitext(os.path.basename(path))[0]
        self.type = str(rules.get("type") or stem)
        self.code = str(rules.get("code") or "")
        self.name = str(rules.get("name") or self.type)
        self.folder = str(rules.get("folder") or f"docs/{self.type}").strip("/")
        self.fields = [f for f in (rules.get("fields") or []) if isinstance(f, dict) and f.get("name")]
        self.sections = [str(s) for s in (rules.get("sections") or [])]
        self.tables = [t for t in (rules.get("tables") or []) if isinstance(t, dict) and t.get("heading")]
        att = rules.get("attachments") or {}
        self.att_kinds = [str(k).lower().lstrip(".") for k in (att.get("kinds") or [])]
        self.att_min = int(att.get("min") or 0)
        self.att_max = int(att["max"]) if att.get("max") not in (None, "") else None
        self.adopt = rules.get("adopt")

    def headings(self):
        """Level-2 headings to write, in order: the sections, then any table
        heading that is not also a section."""
        out = list(self.sections)
        for t in self.tables:
            if str(t["heading"]) not in out:
                out.append(str(t["heading"]))
        return out


def split_front_matter(text):
    if not text.startswith("---"):
        return None, text
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        return None, text
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1:])
    return None, text


def load_templates(tdir):
    templates = []
    for name in sorted(os.listdir(tdir)):
        if not name.endswith(".md"):
            continue
        path = os.path.join(tdir, name)
        with open(path, encoding="utf-8") as fh:
            fm, _ = split_front_matter(fh.read())
        if fm is None:
            print(f"generate-repo.py: warning: {path}: no front matter, type skipped", file=sys.stderr)
            continue
        # BaseLoader keeps every scalar as the text the template wrote, so enum
        # values, bounds and dates are used exactly as written.
        data = yaml.load(fm, Loader=yaml.BaseLoader) or {}
        rules = data.get("template") if isinstance(data, dict) else None
        if not isinstance(rules, dict):
            print(f"generate-repo.py: warning: {path}: no template: block, type skipped", file=sys.stderr)
            continue
        t = Template(path, rules)
        if t.adopt:
            continue  # adopted types match existing files; nothing to generate
        if not re.fullmatch(r"[A-Z0-9]{2,8}", t.code):
            print(f"generate-repo.py: warning: {path}: bad or missing code {t.code!r}, type skipped", file=sys.stderr)
            continue
        templates.append(t)
    return templates


# --------------------------------------------------------------------------
# Values from patterns


class PatternGen:
    """Builds strings that match a (simple) regular expression. The k-th
    variant differs from the others in its character-class positions, read as
    a mixed-radix number from the right, so variants 1, 2, 3 of ^R-[0-9]{3}$
    are R-001, R-002, R-003."""

    PRINTABLE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."

    def __init__(self, pattern):
        self.pattern = pattern
        self.tree = sre_parse.parse(pattern)

    @staticmethod
    def _class_options(items):
        chars, negate = [], False
        for op, av in items:
            op = str(op)
            if op == "NEGATE":
                negate = True
            elif op == "LITERAL":
                chars.append(chr(av))
            elif op == "RANGE":
                lo, hi = av
                chars.extend(chr(c) for c in range(lo, min(hi, lo + 61) + 1))
            elif op == "CATEGORY":
                cat = str(av)
                if cat.endswith("NOT_DIGIT"):
                    chars.extend("abcdefghij")
                elif cat.endswith("DIGIT"):
                    chars.extend("0123456789")
                elif cat.endswith("NOT_WORD"):
                    chars.extend("-.")
                elif cat.endswith("WORD"):
                    chars.extend("abcdefghij0123456789")
                elif cat.endswith("NOT_SPACE"):
                    chars.extend("abcdefghij")
                elif cat.endswith("SPACE"):
                    chars.append(" ")
        if negate:
            excluded = set(chars)
            chars = [c for c in PatternGen.PRINTABLE if c not in excluded]
        seen, out = set(), []
        for c in chars:
            if c not in seen:
                seen.add(c)
                out.append(c)
        return out or ["x"]

    def _walk(self, tree, out, groups):
        # out: list of either str (fixed) or list[str] (a choice slot)
        for op, av in tree:
            op = str(op)
            if op == "LITERAL":
                out.append(chr(av))
            elif op == "NOT_LITERAL":
                out.append("a" if chr(av) != "a" else "b")
            elif op == "ANY":
                out.append("x")
            elif op == "IN":
                out.append(self._class_options(av))
            elif op in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
                lo, hi, sub = av
                n = lo if lo > 0 else (1 if hi != 0 and self._has_slot(sub) else 0)
                for _ in range(n):
                    self._walk(sub, out, groups)
            elif op == "SUBPATTERN":
                gid, sub = av[0], av[-1]
                start = len(out)
                self._walk(sub, out, groups)
                if gid is not None:
                    groups[gid] = (start, len(out))
            elif op == "ATOMIC_GROUP":
                self._walk(av, out, groups)
            elif op == "BRANCH":
                self._walk(av[1][0], out, groups)
            elif op == "GROUPREF":
                if av in groups:
                    s, e = groups[av]
                    out.append(("ref", s, e))
            elif op in ("AT", "ASSERT", "ASSERT_NOT", "CATEGORY"):
                if op == "CATEGORY":
                    out.append(self._class_options([("CATEGORY", av)]))
            else:
                raise ValueError(f"unsupported regex construct {op}")

    @staticmethod
    def _has_slot(sub):
        return any(str(op) in ("IN", "LITERAL", "ANY", "SUBPATTERN") for op, _ in sub)

    def make(self, variant=1):
        parts, groups = [], {}
        self._walk(self.tree, parts, groups)
        # assign the variant number, mixed radix, from the rightmost slot
        n = variant
        choice = [None] * len(parts)
        for i in range(len(parts) - 1, -1, -1):
            p = parts[i]
            if isinstance(p, list):
                choice[i] = p[n % len(p)]
                n //= len(p)
        text = []
        for i, p in enumerate(parts):
            if isinstance(p, str):
                text.append(p)
            elif isinstance(p, list):
                text.append(choice[i])
            else:  # group reference
                _, s, e = p
                text.append("".join(choice[j] if isinstance(parts[j], list) else parts[j]
                                    for j in range(s, e) if not isinstance(parts[j], tuple)))
        return "".join(text)


_pattern_cache = {}


def pattern_value(pattern, variant=1, base="Sample"):
    """A string that fully matches pattern, distinct per variant where the
    pattern allows it; verified with re.fullmatch."""
    key = (pattern, variant)
    if key in _pattern_cache:
        return _pattern_cache[key]
    rx = re.compile(pattern)
    candidates = []
    try:
        candidates.append(PatternGen(pattern).make(variant))
    except Exception:
        pass
    candidates += [f"{base} {variant}", base, str(variant), f"X-{variant:03d}", "x"]
    for c in candidates:
        if rx.fullmatch(c) and "|" not in c and "\n" not in c:
            _pattern_cache[key] = c
            return c
    raise SystemExit(f"generate-repo.py: cannot make a value matching pattern {pattern!r}")


# --------------------------------------------------------------------------
# Values by type


def _num(s):
    if s is None or s == "":
        return None
    try:
        return float(str(s).split()[0])
    except ValueError:
        return None


def _date(s):
    if s is None or s == "":
        return None
    try:
        return dt.date.fromisoformat(str(s)[:10])
    except ValueError:
        return None


def _currency(rule):
    for k in ("min", "max", "default"):
        v = rule.get(k)
        if isinstance(v, str):
            m = re.fullmatch(r"\s*-?[0-9]+(?:\.[0-9]+)?\s+([A-Z]{3})\s*", v)
            if m:
                return m.group(1)
    return "EUR"


def _spread(lo, hi, i, default):
    """A value for row/variant i (0-based) within [lo, hi]."""
    if lo is not None and hi is not None:
        if hi <= lo:
            return lo
        step = (hi - lo) / 4.0
        return lo + step * ((i % 3) + 1)
    if lo is not None:
        return max(lo, default) + i
    if hi is not None:
        return min(hi, default) - i
    return default + i


def _fmt_num(v):
    s = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def scalar_value(rule, i, ctx, cell=False):
    """One value (a string as it would be written) for a field or column."""
    typ = str(rule.get("type") or "text").lower()
    lo, hi = rule.get("min"), rule.get("max")
    if typ == "text":
        if rule.get("pattern"):
            v = pattern_value(str(rule["pattern"]), i + 1)
            # A week must also be a real ISO week (timesheet.week), not just the pattern's shape.
            if re.fullmatch(r"[0-9]{4}-W[0-9]{2}", v):
                v = "2026-W%02d" % (i % 52 + 1)
            return v
        base = ctx.get("text", "Sample text")
        s = f"{base} {i + 1}"
        mn, mx = _num(lo), _num(hi)
        if mn is not None and len(s) < mn:
            s = s + "x" * int(mn - len(s))
        if mx is not None and len(s) > mx:
            s = s[: max(int(mx), 0)]
        return s
    if typ == "integer":
        mn, mx = _num(lo), _num(hi)
        v = _spread(mn, mx, i, 5)
        v = int(round(v))
        if mn is not None and v < mn:
            v = int(-(-mn // 1))
        if mx is not None and v > mx:
            v = int(mx // 1)
        return str(v)
    if typ == "number":
        v = _spread(_num(lo), _num(hi), i, 42)
        return _fmt_num(round(v, 2))
    if typ == "money":
        mn, mx = _num(lo), _num(hi)
        v = _spread(mn, mx, i, 100.0 if not cell else 1000.0 * (1 + i))
        v = round(v, 2)
        if mn is not None and v < mn:
            v = mn
        if mx is not None and v > mx:
            v = mx
        return f"{v:.2f} {_currency(rule)}"
    if typ == "date":
        mn, mx = _date(lo), _date(hi)
        v = dt.date(2026, 3, 2) + dt.timedelta(days=7 * i)
        if mn is not None and v < mn:
            v = mn + dt.timedelta(days=i)
        if mx is not None and v > mx:
            v = mx
        return v.isoformat()
    if typ == "datetime":
        return f"2026-01-02T03:04:{5 + i % 50:02d}Z"
    if typ == "boolean":
        return "true" if i % 2 == 0 else "false"
    if typ == "enum":
        values = [str(v) for v in (rule.get("values") or [])]
        if not values:
            return ""
        return values[0] if not cell else values[i % len(values)]
    if typ == "person":
        return EMAILS[0] if not cell else EMAILS[i % len(EMAILS)]
    if typ == "document":
        # the first document has nothing earlier to refer to: leave optional
        # references empty rather than pointing a document at itself
        if ctx.get("doc_ref"):
            return ctx["doc_ref"]
        return ctx["self_id"] if truthy(rule.get("required")) else ""
    if typ == "url":
        return "https://example.com/x" if not cell else f"https://example.com/x/{i + 1}"
    return f"value {i + 1}"


def list_count(rule):
    """For list fields min/max bound the number of items."""
    n = 1
    mn, mx = _num(rule.get("min")), _num(rule.get("max"))
    if mn is not None and mn > n:
        n = int(-(-mn // 1))
    if mx is not None and mx < n:
        n = max(int(mx), 0)
    return n


def item_rule(rule):
    return {k: v for k, v in rule.items() if k not in ("min", "max", "list")}


def field_values(rule, i, ctx, cell=False):
    """The value(s) of a field or column; a list for list fields."""
    if truthy(rule.get("list")):
        n = list_count(rule)
        if str(rule.get("type")) == "document" and not ctx.get("doc_ref") and not truthy(rule.get("required")):
            return []
        vals = []
        for k in range(n):
            v = scalar_value(item_rule(rule), i + k, ctx, cell=True)
            if v not in vals or str(rule.get("type")) == "document":
                vals.append(v)
        return vals
    return scalar_value(rule, i, ctx, cell=cell)


YAML_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ._@/+-]*[A-Za-z0-9._]|[A-Za-z]")
YAML_SPECIAL_WORDS = {"yes", "no", "true", "false", "on", "off", "null", "y", "n", "~"}
TYPED_PLAIN = {"integer", "number", "date", "datetime", "boolean", "money", "url"}


def yaml_scalar(value, typ):
    if typ in TYPED_PLAIN:
        return value
    if YAML_PLAIN.fullmatch(value) and value.lower() not in YAML_SPECIAL_WORDS:
        return value
    return json.dumps(value, ensure_ascii=False)  # a valid YAML double-quoted scalar


def yaml_value(value, typ):
    if value == [] or value == "":
        return ""
    if isinstance(value, list):
        return "[" + ", ".join(yaml_scalar(v, typ) for v in value) + "]"
    return yaml_scalar(value, typ)


def cell_text(value):
    if isinstance(value, list):
        value = ", ".join(value)
    return value.replace("|", "/").replace("\n", " ")


# --------------------------------------------------------------------------
# Documents


def render_document(t, doc_id, title, ctx, rng):
    lines = ["---", f"id: {doc_id}", f"type: {yaml_scalar(t.type, 'text')}", f"title: {yaml_scalar(title, 'text')}"]
    for f in t.fields:
        name = str(f["name"])
        if name in ("id", "type", "title"):
            continue
        typ = str(f.get("type") or "text").lower()
        lines.append(f"{name}: {yaml_value(field_values(f, 0, ctx), typ)}".rstrip())
    lines += ["---", f"# {title}", ""]
    tables = {str(tb["heading"]): tb for tb in t.tables}
    offset = {}
    for h in t.headings():
        lines += [f"## {h}", ""]
        tb = tables.get(h)
        if tb is None:
            lines += [f"Generated content for {h.lower()} of {doc_id}.", ""]
            continue
        cols = [c for c in (tb.get("columns") or []) if isinstance(c, dict)]
        nrows = max(3, int(_num(tb.get("min_rows")) or 0))
        lines.append("| " + " | ".join(str(c.get("name", "")) for c in cols) + " |")
        lines.append("|" + "|".join(" --- " for _ in cols) + "|")
        # tables whose key columns share a pattern (open and closed risks)
        # continue the numbering instead of repeating R-001
        sig = tuple(str(c.get("pattern") or "") for c in cols[:1])
        base = offset.get(sig, 0)
        offset[sig] = base + nrows
        for r in range(nrows):
            rctx = dict(ctx, text=rng.choice(ROW_TEXTS))
            cells = [cell_text(field_values(c, base + r, rctx, cell=True)) for c in cols]
            lines.append("| " + " | ".join(cells) + " |")
        lines += ["", f"Generated register rows for {h.lower()}.", ""]
    return "\n".join(lines)


def valid_timesheet(text, n):
    """A timesheet the timesheet rules accept: its own real ISO week (one per
    person and week: timesheet.week, timesheet.duplicate), every date in it
    (timesheet.date) and hours booked to this project and a work package of
    its schedules (timesheet.project, timesheet.work-package)."""
    year, week = 2001 + (n - 1) // 52, (n - 1) % 52 + 1
    monday = dt.date.fromisocalendar(year, week, 1)
    text = re.sub(r'^week: .*$', f'week: "{year}-W{week:02d}"', text, count=1, flags=re.M)
    out, in_entries, row = [], False, 0
    for line in text.split("\n"):
        if line.startswith("## "):
            in_entries = line == "## Entries"
        elif in_entries and line.startswith("| ") and not line.startswith("| Date") and not line.startswith("| ---"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            cells[0] = (monday + dt.timedelta(days=row % 7)).isoformat()
            cells[1] = PROJECT
            cells[2] = "WP-0.%d" % (row % 3 + 1)  # the schedules' work packages (timesheet.work-package)
            row += 1
            line = "| " + " | ".join(cells) + " |"
        out.append(line)
    return "\n".join(out)


ROW_TEXTS = [
    "Supplier delivery slips", "Key engineer unavailable", "Scope creep on reporting",
    "Licence cost increase", "Interface spec unclear", "Test environment late",
    "Data migration errors", "Regulatory approval delay", "Budget overrun on hardware",
]
TITLE_WORDS = ["Phase 1", "Phase 2", "Workstream A", "Workstream B", "Site North", "Site South", "Platform", "Rollout"]


def write(path, data, mode="w"):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, mode) as fh:
        fh.write(data)


def folio_yml():
    people = "\n".join(
        f"  - {{ email: {e}, name: {n}, roles: [{', '.join(r)}] }}" for e, n, r in PEOPLE)
    return (
        f"project: {{ code: {PROJECT}, name: Benchmark Project }}\n"
        f"numbering: \"{NUMBERING}\"\n"
        "revisions: numeric\n"
        "signatures: optional\n"
        "review_policy: { max_days: 5 }\n"
        f"people:\n{people}\n"
    )


def git(repo, *args, env=None, **kw):
    full_env = dict(os.environ)
    for k in list(full_env):
        if k.startswith("GIT_") and k not in ("GIT_EXEC_PATH",):
            del full_env[k]
    full_env.update(COMMIT_ENV)
    if env:
        full_env.update(env)
    return subprocess.run(["git", "-C", repo, "-c", "core.hooksPath=/dev/null",
                           "-c", "commit.gpgsign=false", *args],
                          check=True, env=full_env, **kw)


def generate(root, n, seed, tdir):
    templates = load_templates(tdir)
    if not templates:
        raise SystemExit(f"generate-repo.py: no usable templates in {tdir}")
    if os.path.exists(root):
        if os.listdir(root):
            raise SystemExit(f"generate-repo.py: {root} exists and is not empty")
    os.makedirs(root, exist_ok=True)
    git(root, "init", "-q")
    git(root, "symbolic-ref", "HEAD", "refs/heads/main")
    git(root, "config", "user.name", "Alice Adams")
    git(root, "config", "user.email", "alice@example.com")

    write(os.path.join(root, "folio.yml"), folio_yml())
    os.makedirs(os.path.join(root, "templates"), exist_ok=True)
    for name in sorted(os.listdir(tdir)):
        if name.endswith(".md"):
            shutil.copyfile(os.path.join(tdir, name), os.path.join(root, "templates", name))
    write(os.path.join(root, ".folio", "allowed_signers"), "")

    rng = random.Random(seed)
    seq = {t.code: 0 for t in templates}
    first_id = None
    prev_id = None
    generated = []
    for k in range(n):
        t = templates[k % len(templates)] if k < len(templates) else rng.choice(templates)
        seq[t.code] += 1
        doc_id = f"{PROJECT}-{t.code}-{seq[t.code]:0{SEQ_DIGITS}d}"
        if first_id is None:
            first_id = doc_id
        title = f"{t.name} {rng.choice(TITLE_WORDS)} {seq[t.code]}"
        ctx = {"doc_ref": prev_id, "self_id": doc_id, "text": "Sample text"}
        text = render_document(t, doc_id, title, ctx, rng)
        if t.type == "timesheet":
            text = valid_timesheet(text, seq[t.code])
        rel = f"{t.folder}/{doc_id}.md"
        write(os.path.join(root, rel), text + "\n")
        attachments = []
        if t.att_min > 0:
            kinds = t.att_kinds or ["pdf"]
            for a in range(t.att_min):
                kind = "pdf" if "pdf" in kinds else kinds[a % len(kinds)]
                data = MINI_PDF if kind == "pdf" else f"{doc_id} attachment {a + 1}\n".encode()
                name = f"{doc_id}-{a + 1:02d}.{kind}"
                write(os.path.join(root, t.folder, doc_id, name), data, "wb")
                attachments.append((name, data))
        # The record as folio writes it (docs/formats.md): the created event
        # with the content fingerprint, the tree id of the document and its
        # attachment folder.
        record = {"event": "created", "document": doc_id, "revision": "0.1",
                  "fingerprint": fingerprint(doc_id, (text + "\n").encode(), attachments),
                  "actor": "alice@example.com", "name": "Alice Adams", "at": "2026-01-01T00:00:00Z",
                  "meaning": "authorship"}
        write(os.path.join(root, ".folio", "records", f"{doc_id}.jsonl"),
              json.dumps(record, sort_keys=True, separators=(",", ":")) + "\n")
        generated.append((t, doc_id, rel))
        prev_id = doc_id

    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", f"Generate {n} documents for the benchmark",
        "-m", "Folio-Action: generate")
    return templates, generated


# --------------------------------------------------------------------------
# Verification (independent of the generator's own value choices)


def verify(root, generated):
    problems = []
    ids = {doc_id for _, doc_id, _ in generated}
    seen_ids = set()

    def check_value(where, rule, raw, cell):
        typ = str(rule.get("type") or "text").lower()
        if truthy(rule.get("list")):
            if cell:
                items = [x.strip() for x in raw.split(",")] if raw.strip() else []
            else:
                items = raw if isinstance(raw, list) else [raw]
            mn, mx = _num(rule.get("min")), _num(rule.get("max"))
            if (mn is not None and len(items) < mn) or (mx is not None and len(items) > mx):
                problems.append(f"{where}: {len(items)} items, want {mn}..{mx}")
            rule = item_rule(rule)
        else:
            items = [raw]
        for v in items:
            s = v if isinstance(v, str) else (str(v).lower() if isinstance(v, bool) else
                                              v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else str(v))
            if s == "":
                if truthy(rule.get("required")):
                    problems.append(f"{where}: required value empty")
                continue
            ok = True
            if typ == "enum":
                ok = s in [str(x) for x in rule.get("values") or []]
            elif typ == "person":
                ok = s in EMAILS
            elif typ == "document":
                ok = s in ids
            elif typ == "date":
                ok = re.fullmatch(r"\d{4}-\d{2}-\d{2}", s) is not None and _date(s) is not None
                if ok and _date(rule.get("min")) and _date(s) < _date(rule.get("min")):
                    ok = False
                if ok and _date(rule.get("max")) and _date(s) > _date(rule.get("max")):
                    ok = False
            elif typ == "datetime":
                ok = re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})", s) is not None
            elif typ == "integer":
                ok = re.fullmatch(r"-?\d+", s) is not None
            elif typ == "number":
                ok = re.fullmatch(r"-?\d+(\.\d+)?", s) is not None
            elif typ == "money":
                ok = re.fullmatch(r"-?\d+(\.\d{1,2})? [A-Z]{3}", s) is not None
            elif typ == "boolean":
                ok = s in ("true", "false") or (cell and s in ("yes", "no"))
            elif typ == "url":
                ok = re.fullmatch(r"(https?://[^\s/]+\S*|mailto:\S+@\S+)", s) is not None
            if ok and typ in ("integer", "number", "money"):
                x = float(s.split()[0])
                mn, mx = _num(rule.get("min")), _num(rule.get("max"))
                ok = (mn is None or x >= mn) and (mx is None or x <= mx)
            if ok and typ == "text":
                mn, mx = _num(rule.get("min")), _num(rule.get("max"))
                ok = (mn is None or len(s) >= mn) and (mx is None or len(s) <= mx)
            if ok and rule.get("pattern"):
                ok = re.fullmatch(str(rule["pattern"]), s) is not None
            if not ok:
                problems.append(f"{where}: {s!r} breaks rule {dict(rule)}")

    for t, doc_id, rel in generated:
        if doc_id in seen_ids:
            problems.append(f"{rel}: duplicate ID")
        seen_ids.add(doc_id)
        if not re.fullmatch(rf"{PROJECT}-{t.code}-\d{{{SEQ_DIGITS}}}", doc_id):
            problems.append(f"{rel}: ID does not follow {NUMBERING}")
        with open(os.path.join(root, rel), encoding="utf-8") as fh:
            text = fh.read()
        fm, body = split_front_matter(text)
        meta = yaml.safe_load(fm)
        for k, want in (("id", doc_id), ("type", t.type)):
            if meta.get(k) != want:
                problems.append(f"{rel}: {k} is {meta.get(k)!r}, not {want!r}")
        if not meta.get("title"):
            problems.append(f"{rel}: no title")
        raw_meta = yaml.load(fm, Loader=yaml.BaseLoader)
        for f in t.fields:
            name = str(f["name"])
            if name in ("id", "type", "title"):
                continue
            check_value(f"{rel}: field {name}", f, raw_meta.get(name, ""), cell=False)
        # sections in order
        heads = [m.group(1).strip() for m in re.finditer(r"^## (.+)$", body, re.M)]
        pos = -1
        for s in t.sections:
            try:
                p = heads.index(s, pos + 1)
            except ValueError:
                problems.append(f"{rel}: section {s!r} missing or out of order")
                continue
            pos = p
        # tables
        blines = body.split("\n")
        for tb in t.tables:
            h = f"## {tb['heading']}"
            try:
                start = blines.index(h)
            except ValueError:
                problems.append(f"{rel}: no heading {h!r}")
                continue
            j = start + 1
            while j < len(blines) and not blines[j].startswith("|"):
                if blines[j].startswith("#"):
                    break
                j += 1
            rows = []
            while j < len(blines) and blines[j].startswith("|"):
                rows.append([c.strip() for c in blines[j].strip().strip("|").split("|")])
                j += 1
            cols = [c for c in tb.get("columns") or [] if isinstance(c, dict)]
            if len(rows) < 2 or rows[0] != [str(c["name"]) for c in cols]:
                problems.append(f"{rel}: table under {h!r} has wrong header {rows[:1]}")
                continue
            data = rows[2:]
            if len(data) < max(3, int(_num(tb.get("min_rows")) or 0)):
                problems.append(f"{rel}: table under {h!r} has {len(data)} rows")
            key = tb.get("key")
            keyidx = [c["name"] for c in cols].index(key) if key in [c["name"] for c in cols] else None
            keys = set()
            for ri, row in enumerate(data):
                if len(row) != len(cols):
                    problems.append(f"{rel}: {h} row {ri + 1} has {len(row)} cells")
                    continue
                for c, v in zip(cols, row):
                    check_value(f"{rel}: {h} row {ri + 1} column {c['name']}", c, v, cell=True)
                if keyidx is not None:
                    if row[keyidx] in keys:
                        problems.append(f"{rel}: {h}: duplicate key {row[keyidx]!r}")
                    keys.add(row[keyidx])
        # attachments
        adir = os.path.join(root, t.folder, doc_id)
        files = os.listdir(adir) if os.path.isdir(adir) else []
        if len(files) < t.att_min or (t.att_max is not None and len(files) > t.att_max):
            problems.append(f"{rel}: {len(files)} attachments, want {t.att_min}..{t.att_max}")
        for fn in files:
            if t.att_kinds and fn.rsplit(".", 1)[-1].lower() not in t.att_kinds:
                problems.append(f"{rel}: attachment {fn} of a kind not allowed")
        # record
        with open(os.path.join(root, ".folio", "records", f"{doc_id}.jsonl")) as fh:
            rec = [json.loads(line) for line in fh if line.strip()]
        if len(rec) != 1 or rec[0].get("document") != doc_id or rec[0].get("event") != "created":
            problems.append(f"{doc_id}: bad record {rec}")
    status = subprocess.run(["git", "-C", root, "status", "--porcelain"], capture_output=True, text=True).stdout
    if status.strip():
        problems.append("working tree not clean after commit:\n" + status)
    return problems


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir", help="the repository to create (must not exist or be empty)")
    ap.add_argument("n", type=int, help="number of documents")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--templates", default=os.path.join(here, "..", "templates"),
                    help="templates folder (default: the tool's templates/)")
    ap.add_argument("--verify", action="store_true", help="check every constraint after generating")
    a = ap.parse_args()
    if a.n < 1:
        ap.error("N must be at least 1")
    templates, generated = generate(os.path.abspath(a.dir), a.n, a.seed, os.path.abspath(a.templates))
    print(f"generated {len(generated)} documents of {len(templates)} types in {a.dir}", file=sys.stderr)
    if a.verify:
        problems = verify(os.path.abspath(a.dir), generated)
        for p in problems:
            print(f"verify: {p}", file=sys.stderr)
        if problems:
            sys.exit(1)
        print(f"verify: {len(generated)} documents ok", file=sys.stderr)


if __name__ == "__main__":
    main()
