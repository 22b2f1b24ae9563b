#!/usr/bin/env python3
"""The master register of a Folio repository computed without Folio, as a
cross-check of `folio ls --format json`: every document of every type folder
(templates/*.md name the folders), its title and owner from its front matter,
its state, revision and last change from its record, its attachments from its
attachment folder. Reads the committed tree (git ls-tree / cat-file), not the
work tree. Covers documents that are drafts, in review (no approvals),
issued, superseded or withdrawn; it does not judge approvals.

usage: register.py REPO [REV]   prints a JSON list sorted by ID
"""
import json, subprocess, sys
import yaml

repo, rev = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "HEAD")

def git(*args):
    return subprocess.run(["git", "-C", repo, *args], check=True, capture_output=True).stdout

def files(prefix):
    out = git("ls-tree", "-r", "-z", "--name-only", rev, *(["--", prefix] if prefix else []))
    return [p.decode() for p in out.split(b"\0") if p]

# One `git cat-file --batch` for every blob read.
batch = subprocess.Popen(["git", "-C", repo, "cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)

def show(path):
    batch.stdin.write(f"{rev}:{path}\n".encode())
    batch.stdin.flush()
    header = batch.stdout.readline().split()
    assert len(header) == 3, f"{path}: {header}"
    data = batch.stdout.read(int(header[2]))
    batch.stdout.read(1)
    return data.decode()

def front_matter(text):
    lines = text.split("\n")
    assert lines[0].rstrip("\r") == "---", "no front matter"
    end = next(i for i in range(1, len(lines)) if lines[i].rstrip("\r") == "---")
    return yaml.safe_load("\n".join(lines[1:end])) or {}

STATE = {"created": "draft", "checked-in": "draft", "submitted": "in-review", "rejected": "draft",
         "issued": "issued", "superseded": "superseded", "withdrawn": "withdrawn"}

folders = {}
for path in files("templates/"):
    if path.endswith(".md"):
        rules = front_matter(show(path))["template"]
        folders[rules.get("folder", "docs/" + rules["type"])] = rules["type"]

all_files = files("")
records = {p[len(".folio/records/"):-len(".jsonl")] for p in all_files
           if p.startswith(".folio/records/") and p.endswith(".jsonl") and p.count("/") == 2}
rows = []
for path in all_files:
    folder, _, name = path.rpartition("/")
    if folder not in folders or not name.endswith(".md"):
        continue
    doc_id = name[:-3]
    fm = front_matter(show(path))
    events = []
    if doc_id in records:
        events = [json.loads(l) for l in show(f".folio/records/{doc_id}.jsonl").splitlines() if l.strip()]
    last = events[-1] if events else None
    prefix = f"{folder}/{doc_id}/"
    attachments = sorted(p[len(prefix):] for p in all_files if p.startswith(prefix)
                         and not any(part.startswith(".") for part in p[len(prefix):].split("/")))
    state, revision = "draft", "0.1"
    if last:
        state = STATE[last["event"]]
        revision = last["revision"]
    row = {"id": doc_id, "type": folders[folder], "title": str(fm.get("title", "")), "path": path,
           "state": state, "revision": revision, "approvals": [], "attachments": attachments}
    if fm.get("owner") is not None:
        row["owner"] = str(fm["owner"])
    if last:
        row["last_change"] = last["at"]
        row["last_actor"] = last["actor"]
    rows.append(row)
rows.sort(key=lambda r: r["id"])
print(json.dumps(rows, indent=1, sort_keys=True))
