#!/usr/bin/env bash
# History benchmarks of the folio binary: `folio verify` and the server's
# pre-receive hook, each against git itself on the same history in the same run.
#
#   FOLIO=path/to/folio BENCH_DIR=/tmp/folio-bench scripts/bench-history.sh
#
# Generates (or reuses) lifecycle histories with scripts/generate-history.py and
# measures, best of 3 runs after a warm-up, wall clock:
#   (a) `folio verify` on 10,000 commits  vs  `git log --name-status` (same history);
#   (b) `folio hook pre-receive` for a push of 1,000 commits  vs
#       `git rev-list --objects OLD..NEW` over the same commits;
#   (c) `folio hook pre-receive` for a push of 1 commit into a repository of
#       100,000 commits (and of 10,000, for comparison): it must not walk history.
# Prints a Markdown table and writes bench-out/bench-history.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench-common.sh"

H10K="$(history 10000)"
H11K="$(history 11000)"
H100K="$(history_100k)"

python3 - "$FOLIO" "$H10K" "$H11K" "$H100K" "$OUT_DIR/bench-history.md" <<'PY'
import os, subprocess, sys, time
folio, h10k, h11k, h100k, out = sys.argv[1:6]

def best(cmd, cwd, stdin=None, runs=3):
    times = []
    for i in range(runs + 1):
        t0 = time.perf_counter()
        p = subprocess.run(cmd, cwd=cwd, input=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, shell=isinstance(cmd, str))
        dt = time.perf_counter() - t0
        if p.returncode != 0:
            sys.exit("bench: %s failed (%d): %s" % (cmd, p.returncode, p.stderr.decode()[-2000:]))
        if i: times.append(dt)
    return min(times)

def rev(repo, r):
    return subprocess.check_output(["git", "rev-parse", r], cwd=repo).decode().strip()

def prereceive(repo, old, new):
    # The server has OLD (its branch is moved back there); the push brings the
    # commits up to NEW, which the hook finds as those no ref reaches yet.
    env_repo = repo + "/.git"
    tip = rev(repo, "main")
    subprocess.run(["git", "update-ref", "refs/heads/main", old], cwd=repo, check=True)
    stdin = ("%s %s refs/heads/main\n" % (old, new)).encode()
    cmd = "GIT_DIR=%s %s hook pre-receive" % (env_repo, folio)
    try:
        count = subprocess.check_output(["git", "rev-list", "--count", "%s..%s" % (old, new)], cwd=repo).decode().strip()
        print("bench: pre-receive of %s new commits in %s" % (count, repo), file=sys.stderr)
        return best(cmd, repo, stdin)
    finally:
        subprocess.run(["git", "update-ref", "refs/heads/main", tip], cwd=repo, check=True)

rows = []
v = best([folio, "verify"], h10k)
g = best("git log --name-status --no-renames --format='%H%x09%an%x09%at%x09%s' > /dev/null", h10k)
rows += [("`folio verify`", "10,000 commits", v, "%.1fx of git log" % (v / g)),
         ("`git log --name-status`", "10,000 commits", g, "1.0x")]

new = rev(h11k, "main"); old = rev(h11k, "main~1000")
p = prereceive(h11k, old, new)
r = best("git rev-list --objects %s..%s > /dev/null" % (old, new), h11k)
rows += [("`folio hook pre-receive`, push of 1,000 commits", "11,000 commits", p, "%.1fx of rev-list" % (p / r)),
         ("`git rev-list --objects OLD..NEW`", "same 1,000 commits", r, "1.0x")]

p10 = prereceive(h10k, rev(h10k, "main~1"), rev(h10k, "main"))
p100 = prereceive(h100k, rev(h100k, "main~1"), rev(h100k, "main"))
rows += [("`folio hook pre-receive`, push of 1 commit", "10,000 commits", p10, "1.0x"),
         ("`folio hook pre-receive`, push of 1 commit", "100,000 commits", p100, "%.2fx of the 10,000-commit push" % (p100 / p10))]

lines = ["# Folio history benchmark", "",
         "%s; best of 3 runs after a warm-up, wall clock." % time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "",
         "| measurement | history | seconds | ratio |", "| --- | --- | ---: | ---: |"]
lines += ["| %s | %s | %.3f | %s |" % (a, b, c, d) for a, b, c, d in rows]
text = "\n".join(lines) + "\n"
print(text)
open(out, "w").write(text)
print("(written to %s)" % out)
PY
