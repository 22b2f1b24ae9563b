#!/usr/bin/env python3
"""Generate a long Folio history (for the `folio verify` benchmark) fast.

    generate-history.py DIR COMMITS [--documents D] [--max-issues K] [--seed S]

Writes DIR as a new git repository through `git fast-import`: a first commit
with folio.yml, the built-in templates and .folio/, then COMMITS - 1 commits,
each one lifecycle step of one document as folio itself would commit it:
create, check-in (edit + `checked-in` event), submit, approvals by people
holding the required roles who did not author the revision, issue. Every
event carries the content fingerprint folio computes (the git tree id of a
tree holding just the document file), so a correct `folio verify` reports no
findings on the result: the benchmark is also a large correctness test.
"""

import argparse
import hashlib
import json
import os
import random
import re
import subprocess
import sys

PEOPLE = [
    ("alice@example.com", "Alice Adams", ["pm", "admin"]),
    ("bob@example.com", "Bob Brown", ["sponsor"]),
    ("carol@example.com", "Carol Chen", ["pmo", "admin"]),
    ("dave@example.com", "Dave Diaz", ["pm"]),
]
NAMES = {e: n for e, n, _ in PEOPLE}
# type, code, folder roles
TYPES = [("decision-log", "DEC", ["pm"]), ("risk-register", "RSK", ["pm"]), ("charter", "CHR", ["sponsor", "pmo"])]


def git_id(kind, data):
    return hashlib.sha1(b"%s %d\0" % (kind, len(data)) + data).hexdigest()


def fingerprint(name, blob_hex):
    body = b"100644 " + name.encode() + b"\0" + bytes.fromhex(blob_hex)
    return git_id(b"tree", body)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("commits", type=int)
    ap.add_argument("--documents", type=int, default=0, help="documents (default: commits / 12)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--max-issues", type=int, default=3, help="revisions a document is issued before it is left alone")
    args = ap.parse_args()
    rnd = random.Random(args.seed)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ndocs = args.documents or max(1, args.commits // 12)

    os.makedirs(args.dir, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main", args.dir], check=True)
    proc = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=args.dir, stdin=subprocess.PIPE)
    out = proc.stdin
    clock = [1767225600]  # 2026-01-01T00:00:00Z

    def data(b):
        out.write(b"data %d\n" % len(b))
        out.write(b)
        out.write(b"\n")

    def commit(who, message, files):
        clock[0] += rnd.randint(60, 3600)
        ident = ("%s <%s> %d +0000" % (NAMES[who], who, clock[0])).encode()
        out.write(b"commit refs/heads/main\n")
        out.write(b"author " + ident + b"\n")
        out.write(b"committer " + ident + b"\n")
        data(message.encode())
        for path, content in files:
            out.write(b"M 100644 inline " + path.encode() + b"\n")
            data(content)

    def stamp():
        return "%sZ" % __import__("datetime").datetime.fromtimestamp(clock[0] + 1, __import__("datetime").timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")

    config = (
        "project: { code: HIST, name: History benchmark }\n"
        'numbering: "{project}-{code}-{seq:4}"\n'
        "revisions: numeric\nsignatures: optional\npeople:\n"
        + "".join("  - { email: %s, name: %s, roles: [%s] }\n" % (e, n, ", ".join(r)) for e, n, r in PEOPLE)
    ).encode()
    files = [("folio.yml", config), (".gitattributes", b".folio/records/*.jsonl merge=union\n"),
             (".folio/allowed_signers", b"# keys\n")]
    for name in sorted(os.listdir(os.path.join(root, "templates"))):
        if name.endswith(".md"):
            with open(os.path.join(root, "templates", name), "rb") as f:
                files.append(("templates/" + name, f.read()))
    # The twelve valid examples of the test suite, as seed documents: every
    # generated document is a copy of its type's example, so all are valid
    # against their templates and their document references resolve.
    examples = os.path.join(root, "Tests", "FolioKitTests", "Fixtures", "examples")
    bodies = {}
    for name in sorted(os.listdir(examples)):
        with open(os.path.join(examples, name)) as f:
            text = f.read().replace("ALPHA-", "HIST-")
        t = name[:-3]
        bodies[t] = text
        did = re.search(r"^id: (\S+)$", text, re.M).group(1)
        blob = git_id(b"blob", text.encode())
        event = {"event": "created", "document": did, "revision": "0.1", "fingerprint": fingerprint(did + ".md", blob),
                 "actor": "alice@example.com", "name": NAMES["alice@example.com"], "at": "2026-01-01T00:00:00Z", "meaning": "authorship"}
        files.append(("docs/%s/%s.md" % (t, did), text.encode()))
        files.append((".folio/records/%s.jsonl" % did, (json.dumps(event, sort_keys=True, separators=(",", ":")) + "\n").encode()))
    commit("alice@example.com", "HIST: initialise Folio project\n\nFolio-Action: init\n", files)

    docs = []  # dicts: id, type, roles, path, body, record lines, state, issued, draft, authors
    seqs = {}
    made = 1
    active = []  # documents still being worked on (kept incrementally: O(1) a step)
    while made < args.commits:
        if len(docs) < ndocs and (not active or rnd.random() < 0.15):
            t, code, roles = TYPES[len(docs) % len(TYPES)]
            seqs[code] = seqs.get(code, 1) + 1
            did = "HIST-%s-%04d" % (code, seqs[code])
            author = rnd.choice(["alice@example.com", "dave@example.com"])
            body = re.sub(r"^id: .*$", "id: " + did, bodies[t], count=1, flags=re.M)
            body = re.sub(r"^title: .*$", "title: Document " + did, body, count=1, flags=re.M)
            d = {"id": did, "type": t, "roles": roles, "path": "docs/%s/%s.md" % (t, did), "body": body,
                 "lines": [], "state": "draft", "issued": 0, "draft": 0, "authors": set(), "approvals": []}
            docs.append(d)
            active.append(d)
            step(d, "create", author, commit, stamp)
        else:
            d = rnd.choice(active)
            if d["state"] == "draft":
                if d["draft"] >= 2 and rnd.random() < 0.6:
                    step(d, "submit", next(iter(d["authors"])), commit, stamp)
                else:
                    step(d, "checkin", rnd.choice(sorted(d["authors"]) + ["alice@example.com", "dave@example.com"]), commit, stamp)
            elif d["state"] == "in-review":
                missing = [r for r in d["roles"] if r not in d["approvals"]]
                if not missing:
                    step(d, "issue", "alice@example.com", commit, stamp)
                else:
                    role = missing[0]
                    who = [e for e, _, r in PEOPLE if role in r and e not in d["authors"] and e not in d["approved_by"]]
                    if not who:  # nobody may approve: a reviewer of the role sends it back to draft
                        reviewer = [e for e, _, r in PEOPLE if role in r][0]
                        step(d, "reject", reviewer, commit, stamp, role=role)
                    else:
                        step(d, "approve", who[0], commit, stamp, role=role)
            elif d["state"] == "issued":
                if d["issued"] >= args.max_issues:
                    d["state"] = "done"
                    i = active.index(d)
                    active[i] = active[-1]
                    active.pop()
                    continue
                step(d, "checkin", rnd.choice(["alice@example.com", "dave@example.com"]), commit, stamp)
        made += 1
    out.close()
    if proc.wait() != 0:
        sys.exit("git fast-import failed")
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=args.dir, check=True)
    print("%s: %d commits, %d documents" % (args.dir, made, len(docs)))


def step(d, action, who, commit, stamp, role=None):
    files = []
    event = {"document": d["id"], "actor": who, "name": NAMES[who], "at": stamp()}
    if action in ("create", "checkin"):
        if action == "checkin":
            d["body"] += "\nChange %d by %s.\n" % (len(d["lines"]), who)
            if d["state"] == "issued":
                d["authors"] = set()
                d["draft"] = 0
        d["draft"] += 1
        d["authors"].add(who)
        d["state"] = "draft"
        d["approvals"] = []
        files.append((d["path"], d["body"].encode()))
        event.update(event="created" if action == "create" else "checked-in", meaning="authorship",
                     revision="%d.%d" % (d["issued"], d["draft"]))
    elif action == "submit":
        d["state"] = "in-review"
        d["approvals"] = []
        d["approved_by"] = set()
        event.update(event="submitted", revision="%d.%d" % (d["issued"], d["draft"]))
    elif action == "approve":
        d["approvals"].append(role)
        d["approved_by"].add(who)
        event.update(event="approved", role=role, meaning="approval", revision="%d.%d" % (d["issued"], d["draft"]))
    elif action == "reject":
        d["state"] = "draft"
        event.update(event="rejected", comment="Needs another author", meaning="review", revision="%d.%d" % (d["issued"], d["draft"]))
        if role:
            event["role"] = role
    elif action == "issue":
        d["issued"] += 1
        d["draft"] = 0
        d["state"] = "issued"
        event.update(event="issued", meaning="release", revision="%d.0" % d["issued"])
    blob = git_id(b"blob", d["body"].encode())
    event["fingerprint"] = fingerprint(d["id"] + ".md", blob)
    d["lines"].append(json.dumps(event, sort_keys=True, separators=(",", ":")))
    files.append((".folio/records/%s.jsonl" % d["id"], ("\n".join(d["lines"]) + "\n").encode()))
    action_name = {"create": "create", "checkin": "checkin"}.get(action, action)
    msg = "%s: %s\n\nFolio-Document: %s\nFolio-Action: %s\nFolio-Revision: %s\n" % (
        d["id"], action, d["id"], action_name, event["revision"])
    commit(who, msg, files)


if __name__ == "__main__":
    main()
