#!/usr/bin/env python3
"""Generate an existing docs-as-code collection, with its history, that a
Folio project then adopts in place (for the adoption benchmarks and tests).

    gen-adopt.py OUTDIR --layout filename|heading|folder --documents N --commits M
                 [--adopt-at K] [--renames R] [--retitles T] [--duplicates D]
                 [--after-notes A] [--id RULE] [--ordinary] [--seed S]

Writes OUTDIR as a new git repository through `git fast-import` (10,000
commits in a few seconds). Commits 1..M are the collection's own history,
plain git by four authors: N documents added, the other commits editing one
document each (or now and then the top-level README.md), R of them renaming a
document with its content kept (a delete and an add of the same blob, so
`git log --follow` follows it), T of them retitling one (its first heading
changes; in the filename layout the file is also renamed to the new slug, so
its ID changes). D pairs of documents have first headings that share their
leading token ("# Graduate pod-overhead to GA"). Commit K (default M) adopts
the collection: the files `folio init` writes (folio.yml, .gitattributes,
.folio/, the built-in templates, which are this repository's templates/) and
templates/<type>.md, whose `adopt:` rule takes the files in place. Then A
more commits each add one new document to the adopted folder.

Layouts:
  filename  decisions/NNNN-slug.md, MADR; a third of them with front matter
            holding static-site keys (nav_order, parent). ID: the file name.
  heading   rfcs/slug.md whose first heading is `# RFC-NNNN: Title`.
            ID: the heading's leading token.
  folder    keps/NNNN-slug/README.md and keps/NNNN-slug/kep.yaml (number,
            title, status, authors). ID: KEP- and kep.yaml's number.
--id overrides the layout's ID rule (filename|heading|folder|path|metadata).
--ordinary writes an ordinary (non-adopting) template instead, and the A
later documents are created the Folio way (docs/<type>/, a record with a
`created` event, trailers): the comparison for the after-notes benchmark.
The same arguments and seed always give the same commits.
"""

import argparse
import datetime
import hashlib
import json
import os
import random
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
AUTHORS = [("alice@example.com", "Alice Adams"), ("bob@example.com", "Bob Brown"),
           ("carol@example.com", "Carol Chen"), ("dave@example.com", "Dave Diaz")]
VERBS = ["Use", "Adopt", "Replace", "Drop", "Introduce", "Split", "Merge", "Cache", "Version", "Document"]
THINGS = ["PostgreSQL", "Kafka", "gRPC", "OpenAPI", "feature flags", "the event store", "Redis", "OAuth 2",
          "structured logging", "the monorepo", "Terraform", "blue-green deploys", "SQLite", "WebSockets"]
AREAS = ["billing", "search", "the mobile app", "reporting", "onboarding", "the admin console", "payments",
         "notifications", "the data pipeline", "audit", "identity", "the public API"]
# Leading tokens the duplicate pairs share ("# Graduate X to GA", "# Graduate Y to GA").
DUP_VERBS = ["Graduate", "Deprecate", "Promote", "Remove", "Rename", "Extend", "Freeze", "Restrict"]
RENAMED = ["v2", "revised", "final", "draft"]  # suffixes a rename adds to a slug
WORDS = ("the team agreed after a long discussion that this keeps operations simple and the "
         "migration cheap while leaving room for later changes if load grows").split()

# What `folio init` writes besides the templates (its output, copied).
FOLIO_YML = """# Folio project configuration. See docs/formats.md.
project: { code: %s, name: %s }
numbering: "{project}-{code}-{seq:4}"
revisions: numeric            # numeric | letter | iso19650
signatures: optional          # off | optional | required
review_policy: { max_days: 5 }
people:
%s"""
ALLOWED_SIGNERS = """# People's SSH public keys, in git's allowed-signers format:
#   alice@example.com namespaces="folio,git" ssh-ed25519 AAAA...
# Folio checks lifecycle signatures against this file (namespace folio).
"""
RECORDS_README = """# Lifecycle records

One file per document, `<ID>.jsonl`: an append-only log of its lifecycle
events (created, checked-in, submitted, approved, rejected, issued,
superseded, withdrawn), one JSON object a line. Written by `folio`;
never edit or remove a line. See docs/formats.md of Folio.
"""


def slugify(title):
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


class Doc:
    """One document of the collection and how its files look now."""

    def __init__(self, layout, number, title, token, front, author, blurb):
        self.layout, self.number, self.title, self.token, self.blurb = layout, number, title, token, blurb
        self.front, self.author = front, author  # front: MADR static-site front matter or None
        self.slug = slugify(title)
        self.notes = []  # lines appended by edits

    def heading(self):
        if self.token or self.layout == "filename":  # a duplicate's heading has no number
            return self.title
        return ("RFC-%04d: %s" if self.layout == "heading" else "KEP-%d: %s") % (self.number, self.title)

    def base(self):
        """The file (filename, heading layouts) or the folder (folder layout)."""
        return {"filename": "decisions/%04d-%s.md" % (self.number, self.slug),
                "heading": "rfcs/%s.md" % self.slug,
                "folder": "keps/%d-%s" % (self.number, self.slug)}[self.layout]

    def files(self):
        """[(path, bytes)] of the document now."""
        more = "".join("- %s\n" % n for n in self.notes)
        if self.layout == "filename":
            fm = "---\nnav_order: %d\nparent: Decisions\n---\n" % self.number if self.front else ""
            text = (fm + "# %s\n\n## Context and Problem Statement\n\n%s\n\n"
                    "## Considered Options\n\n* The proposal\n* Keep what we have\n\n## Decision Outcome\n\n"
                    "Chosen option: \"The proposal\", because it is simplest.\n\n## More Information\n\n%s"
                    % (self.heading(), self.blurb, more))
            return [(self.base(), text.encode())]
        if self.layout == "heading":
            text = ("# %s\n\n- Start Date: 2020-01-01\n- RFC PR: #%d\n\n## Summary\n\n%s\n\n"
                    "## Motivation\n\nSee the summary.\n\n## Detailed design\n\n%s"
                    % (self.heading(), self.number, self.blurb, more))
            return [(self.base(), text.encode())]
        readme = ("# %s\n\n## Summary\n\n%s\n\n## Motivation\n\nSee the summary.\n\n## Proposal\n\n%s"
                  % (self.heading(), self.blurb, more))
        kep = ("title: %s\nnumber: %d\nauthors: [\"@%s\"]\nowning-sig: sig-docs\nstatus: implementable\n"
               "creation-date: \"2020-01-01\"\n" % (self.title, self.number, self.author.split("@")[0]))
        return [(self.base() + "/README.md", readme.encode()), (self.base() + "/kep.yaml", kep.encode())]


def adopt_template(layout, rule, ordinary):
    """templates/<type>.md: the adoption rule in the syntax of docs/formats.md."""
    typ, code, name, glob, sections = {
        "filename": ("adr", "ADR", "Architecture decision record", "decisions/*.md",
                     "Context and Problem Statement, Decision Outcome"),
        "heading": ("rfc", "RFC", "Request for comments", "rfcs/*.md", "Summary, Motivation"),
        "folder": ("kep", "KEP", "Enhancement proposal", "keps/*/README.md", "Summary, Motivation"),
    }[layout]
    adopt = ['    glob: "%s"' % glob, "    id: %s" % rule]
    if rule == "path":
        adopt.append("    pattern: '%s'" % {"filename": "^decisions/([0-9]{4})-", "heading": "^rfcs/([^/]+)[.]md$",
                                             "folder": "^keps/([0-9]+)-"}[layout])
    if layout == "folder":
        if rule == "metadata":
            adopt += ["    field: number", '    prefix: "KEP-"']
        adopt += ["    metadata: kep.yaml", "    title: metadata"]
    else:
        adopt.append("    title: heading")
    adopt.append("    extra_keys: allow")  # nav_order, parent; kep.yaml's status, authors...
    lines = ["---", "template:", "  type: " + typ, "  code: " + code, "  name: " + name]
    if not ordinary:
        lines += ["  adopt:"] + adopt
    lines += ["  sections: [%s]" % sections, "  approvals: [pm]", "---", "# {{title}}", ""]
    lines += ["## %s" % s.strip() + "\n" for s in sections.split(",")]
    return typ, code, "\n".join(lines)


def git_id(kind, data):
    return hashlib.sha1(b"%s %d\0" % (kind, len(data)) + data).hexdigest()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--layout", choices=["filename", "heading", "folder"], required=True)
    ap.add_argument("--documents", type=int, required=True)
    ap.add_argument("--commits", type=int, required=True)
    ap.add_argument("--adopt-at", type=int, default=0, help="the adoption commit (default: the last)")
    ap.add_argument("--renames", type=int, default=0)
    ap.add_argument("--retitles", type=int, default=0)
    ap.add_argument("--duplicates", type=int, default=0, help="pairs of documents sharing a heading's first token")
    ap.add_argument("--after-notes", type=int, default=0, help="commits after M, each adding one document")
    ap.add_argument("--id", dest="rule", choices=["filename", "heading", "folder", "path", "metadata"])
    ap.add_argument("--ordinary", action="store_true", help="an ordinary type instead of adoption (see above)")
    ap.add_argument("--project", default="DOCS")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    m, n, k = a.commits, a.documents, a.adopt_at or a.commits
    if not (1 <= k <= m) or n < 1 or n > m - 1 or a.renames + a.retitles > m - 1 - n or 2 * a.duplicates > n:
        sys.exit("gen-adopt: need 1 <= adopt-at <= commits, 1 <= documents < commits, "
                 "renames + retitles <= commits - 1 - documents, 2 * duplicates <= documents")
    rule = a.rule or {"filename": "filename", "heading": "heading", "folder": "metadata"}[a.layout]
    rnd = random.Random(a.seed)
    first = 1000 if a.layout == "folder" else 1  # KEP numbers without leading zeros

    # The plan: which of the M - 1 plain commits (numbered 1..M-1, the adoption
    # commit left out) add, rename or retitle a document; the first adds one.
    adds = set([1] + rnd.sample(range(2, m), n - 1))
    rest = rnd.sample([s for s in range(1, m) if s not in adds], a.renames + a.retitles)
    renames, retitles = set(rest[:a.renames]), set(rest[a.renames:])
    dup_docs = rnd.sample(range(n), 2 * a.duplicates)
    token = {d: DUP_VERBS[i // 2 % len(DUP_VERBS)] + ("" if i // 2 < len(DUP_VERBS) else str(i // 2 // len(DUP_VERBS)))
             for i, d in enumerate(dup_docs)}

    os.makedirs(a.outdir, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main", a.outdir], check=True)
    proc = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=a.outdir, stdin=subprocess.PIPE)
    out = proc.stdin
    clock = [1577836800]  # 2020-01-01T00:00:00Z

    def commit(who, message, changes):
        """changes: [(path, bytes)] to write, [(path, None)] to delete."""
        clock[0] += rnd.randint(600, 40000)
        ident = ("%s <%s> %d +0000" % (dict(AUTHORS)[who], who, clock[0])).encode()
        out.write(b"commit refs/heads/main\nauthor %s\ncommitter %s\ndata %d\n%s\n"
                  % (ident, ident, len(message.encode()), message.encode()))
        for path, content in changes:
            if content is None:
                out.write(b"D %s\n" % path.encode())
            else:
                out.write(b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(content), content))

    docs, slugs, counts = [], set(), {"renames": 0, "retitles": 0}

    def new_title(dup=None):
        while True:  # a slug no document has had (paths stay unique)
            if dup:
                t = "%s %s to GA" % (dup, rnd.choice(THINGS + AREAS))
            else:
                t = "%s %s for %s" % (rnd.choice(VERBS), rnd.choice(THINGS), rnd.choice(AREAS))
            if slugify(t) not in slugs:
                slugs.add(slugify(t))
                return t
            if rnd.random() < 0.3:  # many documents: add a distinguishing word
                t += " %d" % rnd.randint(2, 99)
                if slugify(t) not in slugs:
                    slugs.add(slugify(t))
                    return t

    def add_doc(who):
        i = len(docs)
        d = Doc(a.layout, first + i, new_title(token.get(i)), token.get(i), rnd.random() < 0.33, who, sentence(30))
        docs.append(d)
        return d

    def sentence(words):
        return " ".join(rnd.choice(WORDS) for _ in range(words)).capitalize() + "."

    def deleted(d):
        return [(p, None) for p, _ in d.files()]

    # Commits 1..M (K adopts), then the A after-notes commits.
    number = 0  # plain commits made (1..M-1)
    typ, code, template = adopt_template(a.layout, rule, a.ordinary)
    for c in range(1, m + a.after_notes + 1):
        who = rnd.choice(AUTHORS)[0]
        if c == k:
            people = "".join("  - { email: %s, name: %s, roles: [%s] }\n" % (e, nm, "pm, admin" if i == 0 else "pm")
                             for i, (e, nm) in enumerate(AUTHORS))
            files = [("folio.yml", (FOLIO_YML % (a.project, "Adopted " + a.layout, people)).encode()),
                     (".gitattributes", b".folio/records/*.jsonl merge=union\n"),
                     (".folio/allowed_signers", ALLOWED_SIGNERS.encode()),
                     (".folio/records/README.md", RECORDS_README.encode())]
            for f in sorted(os.listdir(os.path.join(ROOT, "templates"))):
                with open(os.path.join(ROOT, "templates", f), "rb") as fh:
                    files.append(("templates/" + f, fh.read()))
            files.append(("templates/%s.md" % typ, template.encode()))
            commit(AUTHORS[0][0], "%s: initialise Folio project 'Adopted %s'\n\nFolio-Action: init\n"
                   % (a.project, a.layout), files)
            continue
        if c > m:  # an after-note
            if a.ordinary:
                create_ordinary(commit, clock, typ, code, a.project, c - m, who)
            else:
                d = add_doc(who)
                commit(who, "Add %s\n" % d.heading(), d.files())
            continue
        number += 1
        if number in adds:
            d = add_doc(who)
            commit(who, "Add %s\n" % d.heading(), d.files())
        elif number in renames:  # same content, a suffix on the slug (and so a new ID in the filename layout)
            d = rnd.choice(docs)
            old = deleted(d)
            base = re.sub(r"-(v2|revised|final|draft)(-x)*$", "", d.slug)
            d.slug = base + "-" + rnd.choice([s for s in RENAMED if not d.slug.startswith(base + "-" + s)])
            while d.slug in slugs:
                d.slug += "-x"
            slugs.add(d.slug)
            counts["renames"] += 1
            commit(who, "Rename %s\n" % old[0][0], old + d.files())
        elif number in retitles and [d for d in docs if not d.token]:
            d = rnd.choice([d for d in docs if not d.token])
            old = deleted(d)
            d.title = new_title()
            if a.layout == "filename":  # the file follows its title: the ID changes
                d.slug = slugify(d.title)
            counts["retitles"] += 1
            new = d.files()
            commit(who, "Retitle as %s\n" % d.title, [x for x in old if x[0] not in dict(new)] + new)
        elif rnd.random() < 0.05:
            commit(who, "Update the index\n", [("README.md", ("# Collection\n\n%d documents, last by %s.\n"
                                                            % (len(docs), who)).encode())])
        else:
            # Half the edits to recent documents, half to any.
            d = docs[-1 - int(rnd.expovariate(0.05)) % len(docs)] if rnd.random() < 0.5 else rnd.choice(docs)
            d.notes.append(sentence(8))
            commit(who, "Update %s\n" % d.base(), d.files())
    out.close()
    if proc.wait() != 0:
        sys.exit("gen-adopt: git fast-import failed")
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=a.outdir, check=True)
    print("%s: %d commits, %d documents (%d renames, %d retitles, %d duplicate pairs), adopted at commit %d"
          % (a.outdir, m + a.after_notes, len(docs) + (a.after_notes if a.ordinary else 0),
             counts["renames"], counts["retitles"], a.duplicates, k))


def create_ordinary(commit, clock, typ, code, project, seq, who):
    """`folio new` of an ordinary type: the document, its record's `created`
    event (fingerprint: the tree of just ID.md), the trailers."""
    did = "%s-%s-%04d" % (project, code, seq)
    text = ("---\nid: %s\ntype: %s\ntitle: Note %d\n---\n# Note %d\n\n## Context and Problem Statement\n\n"
            "Text.\n\n## Decision Outcome\n\nText.\n\n## Summary\n\nText.\n\n## Motivation\n\nText.\n"
            % (did, typ, seq, seq)).encode()
    tree = git_id(b"tree", b"100644 %s.md\0" % did.encode() + bytes.fromhex(git_id(b"blob", text)))
    at = datetime.datetime.fromtimestamp(clock[0] + 1, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    event = {"event": "created", "document": did, "revision": "0.1", "fingerprint": tree, "actor": who,
             "name": dict(AUTHORS)[who], "at": at, "meaning": "authorship"}
    record = (json.dumps(event, sort_keys=True, separators=(",", ":")) + "\n").encode()
    commit(who, "%s: create\n\nFolio-Document: %s\nFolio-Action: create\nFolio-Revision: 0.1\n" % (did, did),
           [("docs/%s/%s.md" % (typ, did), text), (".folio/records/%s.jsonl" % did, record)])


if __name__ == "__main__":
    main()
