#!/usr/bin/env bash
# Adoption benchmarks: Folio on an existing collection adopted in place
# (templates/<type>.md with an `adopt:` rule), against git itself on the same
# repository in the same run.
#
#   FOLIO=path/to/folio BENCH_DIR=/tmp/folio-bench scripts/bench-adopt.sh
#
# Generates (or reuses) with scripts/gen-adopt.py:
#   10k     10,000 commits, 1,000 MADR files in decisions/ (filename layout),
#           adopted at commit 9,000; the 1,000 commits after it edit, add,
#           rename and retitle adopted files with plain git;
#   notes   1,000 files over 2,000 commits, adopted at the last, then 2,000
#           commits each adding one new file to the adopted folder;
#   notes-ordinary  the same, with an ordinary type: the 2,000 documents are
#           created the Folio way (docs/adr/, records, trailers).
# and measures, best of 3 runs after a warm-up, wall clock (a run over 10 s
# is measured once; Folio on notes and notes-ordinary is cut at 120 s):
#   (a) `folio verify` on 10k  vs  `git log --name-status` (aim: 3x);
#   (b) `folio hook pre-receive` for the push of the 1,000 commits after the
#       adoption  vs  `git rev-list --objects OLD..NEW` (aim: 5x), and for the
#       push of the adoption commit alone; then the same 1,000 commits pushed
#       with plain git to a bare clone with `folio hooks install --server`,
#       against a bare clone without the hook;
#   (c) `folio report history` on 10k, cold (no history index) and warm (the
#       index of 100 commits back)  vs  git log (aims: 1.5x and 0.2x);
#   (d) `folio verify` on notes  vs  on notes-ordinary, and the same for
#       `folio hook pre-receive` of their last 2,000 commits (cut at 120 s).
# A Folio command that exits 1 (findings, a refused push) is still timed; its
# last line is shown. Prints a Markdown table and writes bench-out/bench-adopt.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench-common.sh"

# adopted NAME GEN-ARGS...: the folder of a generated collection, generated
# once per version of gen-adopt.py and arguments.
adopted() {
  local name="$1" dir="$BENCH_DIR/adopt-$1" key; shift
  key="$(sha256sum "$SCRIPT_DIR/gen-adopt.py" | cut -c1-16) $*"
  if [[ ! -f "$dir.ok" || "$(cat "$dir.ok")" != "$key" ]]; then
    rm -rf "$dir" "$dir".bare-*
    echo "bench: generating $dir" >&2
    python3 "$SCRIPT_DIR/gen-adopt.py" "$dir" "$@" >&2
    echo "$key" > "$dir.ok"
  fi
  echo "$dir"
}

A10K="$(adopted 10k --layout filename --documents 1000 --commits 10000 --adopt-at 9000 \
  --renames 50 --retitles 50 --duplicates 10)"
NOTES="$(adopted notes --layout filename --documents 1000 --commits 2000 --after-notes 2000)"
ORDINARY="$(adopted notes-ordinary --layout filename --documents 1000 --commits 2000 --after-notes 2000 --ordinary)"

python3 - "$FOLIO" "$A10K" "$NOTES" "$ORDINARY" "$OUT_DIR/bench-adopt.md" <<'PY'
import os, shutil, subprocess, sys, time
folio, a10k, notes, ordinary, out = sys.argv[1:6]
GITLOG = "git log --name-status --no-renames --format='%H%x09%an%x09%at%x09%s' > /dev/null"

def best(cmd, cwd, stdin=None, before=None, runs=3, timeout=None, env=None):
    """(best seconds, note): best of RUNS after a warm-up; one run if it takes
    over 10 s. note is the last output line of a run that exited 1, '' else."""
    times, note = [], ""
    for i in range(runs + 1):
        if before: before()
        t0 = time.perf_counter()
        try:
            p = subprocess.run(cmd, cwd=cwd, input=stdin, capture_output=True, shell=True,
                               timeout=timeout, env=dict(os.environ, **(env or {})))
        except subprocess.TimeoutExpired:
            return None, "cut at %d s" % timeout
        dt = time.perf_counter() - t0
        if p.returncode not in (0, 1):
            sys.exit("bench: %s failed (%d) in %s: %s" % (cmd, p.returncode, cwd, p.stderr.decode()[-2000:]))
        if p.returncode == 1:
            lines = (p.stdout + p.stderr).decode().strip().splitlines() or ["exit 1"]
            note = "exit 1: " + lines[-1][:120].replace("|", "/")
        if i or dt > 10: times.append(dt)
        if dt > 10: break
    return min(times), note

def git(repo, *args):
    return subprocess.check_output(["git", *args], cwd=repo).decode().strip()

rows = []  # (measurement, repository, seconds, ratio, note)
def row(what, repo, t, base=None, of="", note=""):
    ratio = "1.0x" if base is None else ("-" if t is None or base[0] is None else "%.2fx of %s" % (t / base[0], of))
    rows.append((what, repo, t, ratio, note))

# (a) verify against git log.
g = best(GITLOG, a10k)
v = best(folio + " verify", a10k)
row("`git log --name-status`", "10k", g[0])
row("`folio verify`", "10k", v[0], g, "git log (aim 3x)", v[1])

# (b) the pre-receive hook, called as git calls it, with the server's branch moved back to OLD.
def prereceive(repo, old, new, timeout=None):
    tip = git(repo, "rev-parse", "main")
    git(repo, "update-ref", "refs/heads/main", old)
    try:
        return best("%s hook pre-receive" % folio, repo, stdin=("%s %s refs/heads/main\n" % (old, new)).encode(),
                    env={"GIT_DIR": os.path.join(repo, ".git")}, timeout=timeout)
    finally:
        git(repo, "update-ref", "refs/heads/main", tip)
tip = git(a10k, "rev-parse", "main")
old = git(a10k, "rev-parse", "main~1000")  # the adoption commit
assert "Folio-Action: init" in git(a10k, "log", "-1", "--format=%B", old), "main~1000 is not the adoption commit"
r = best("git rev-list --objects %s..%s > /dev/null" % (old, tip), a10k)
p = prereceive(a10k, old, tip)
row("`git rev-list --objects OLD..NEW`", "10k, the 1,000 commits after adoption", r[0])
row("`folio hook pre-receive`, push of 1,000 commits", "same", p[0], r, "rev-list (aim 5x)", p[1])
p1 = prereceive(a10k, git(a10k, "rev-parse", old + "~1"), old)
row("`folio hook pre-receive`, push of the adoption commit", "10k, 1,000 files adopted", p1[0], note=p1[1])

# ... and through a real push: bare clones at OLD, one with the server hook.
bares = {}
for kind in ("plain", "hook"):
    bare = a10k + ".bare-" + kind
    if not os.path.isdir(bare):
        subprocess.run(["git", "clone", "-q", "--bare", a10k, bare], check=True)
    if kind == "hook":  # (again each run: the hook names the binary that installed it)
        subprocess.run([folio, "hooks", "install", "--server", "--force", "--repo", bare], check=True, stdout=subprocess.DEVNULL)
    bares[kind] = bare
def push(kind):
    reset = lambda: git(bares[kind], "update-ref", "refs/heads/main", old)
    return best("git push -q %s %s:refs/heads/main" % (bares[kind], tip), a10k, before=reset)
pp, ph = push("plain"), push("hook")
row("`git push` of the 1,000 commits, no hook", "bare clone of 10k", pp[0], note=pp[1])
row("`git push` of the 1,000 commits, `folio hooks install --server`", "bare clone of 10k", ph[0], pp, "the push without hook", ph[1])

# (c) report history, cold and warm, as scripts/bench-report.sh measures it.
index = os.path.join(a10k, ".git", "folio", "history-index")
drop = lambda: os.path.exists(index) and os.remove(index)
drop()
subprocess.run([folio, "report", "history", "--at", "HEAD~100"], cwd=a10k, stdout=subprocess.DEVNULL, check=True)
shutil.copyfile(index, index + ".bench")
restore = lambda: shutil.copyfile(index + ".bench", index)
cold = best(folio + " report history > /dev/null", a10k, before=drop)
warm = best(folio + " report history > /dev/null", a10k, before=restore)
os.remove(index + ".bench")
row("`folio report history`, no index (cold)", "10k", cold[0], g, "git log (aim 1.5x)", cold[1])
row("`folio report history`, index 100 commits behind (warm)", "10k", warm[0], g, "git log (aim 0.2x)", warm[1])

# (d) 2,000 commits each adding one file: adopted against an ordinary type.
gn = best(GITLOG, notes)
vo = best(folio + " verify", ordinary, timeout=120)
vn = best(folio + " verify", notes, timeout=120)
row("`git log --name-status`", "notes", gn[0])
row("`folio verify`, ordinary type", "notes-ordinary", vo[0], gn, "git log", vo[1])
row("`folio verify`, adopted", "notes", vn[0], vo, "the ordinary type", vn[1])
# ... and the push of those 2,000 commits.
pre = {}
for name, repo in (("notes-ordinary", ordinary), ("notes", notes)):
    new = git(repo, "rev-parse", "main")
    pre[name] = prereceive(repo, git(repo, "rev-parse", "main~2000"), new, timeout=120)
row("`folio hook pre-receive`, push of the 2,000 commits, ordinary type", "notes-ordinary", pre["notes-ordinary"][0],
    note=pre["notes-ordinary"][1])
row("`folio hook pre-receive`, push of the 2,000 commits, adopted", "notes", pre["notes"][0], pre["notes-ordinary"],
    "the ordinary type", pre["notes"][1])

lines = ["# Folio adoption benchmark", "",
         "%s; %s; best of 3 runs after a warm-up, wall clock." % (time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                                                                  subprocess.run([folio, "--version"], capture_output=True, text=True).stdout.strip()),
         "", "Repositories (scripts/gen-adopt.py): 10k = 10,000 commits, 1,000 MADR files adopted at commit 9,000; "
         "notes = 1,000 files, then 2,000 commits each adding one to the adopted folder; notes-ordinary = the same "
         "2,000 created as documents of an ordinary type.", "",
         "| measurement | repository | seconds | ratio | note |", "| --- | --- | ---: | ---: | --- |"]
lines += ["| %s | %s | %s | %s | %s |" % (m, repo, "-" if t is None else "%.3f" % t, ratio, note) for m, repo, t, ratio, note in rows]
text = "\n".join(lines) + "\n"
print(text)
open(out, "w").write(text)
print("(written to %s)" % out)
PY
