#!/usr/bin/env bash
# Report benchmark: `folio report history` against git itself, on the same
# history in the same run.
#
#   FOLIO=path/to/folio BENCH_DIR=/tmp/folio-bench scripts/bench-report.sh
#
# On histories of 10,000 and 100,000 commits made by scripts/generate-history.py
# it measures, best of 3 runs after a warm-up, wall clock and peak memory:
#   cold  `folio report history` with no history index (it builds one);
#   warm  `folio report history` with the index of the tip 100 commits back
#         (a repeated report after 100 new commits: it reads only those);
#   git   `git log --name-status --no-renames --format='%H%x09%an%x09%at%x09%s'`.
# Goals (issue 4): cold within 1.5x of git log, warm within 0.2x, and peak
# memory at 100,000 commits within 1.5x of that at 10,000.
# Prints a Markdown table and writes bench-out/bench-report.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench-common.sh"

H10K="$(history 10000)"
H100K="$(history_100k)"

python3 - "$FOLIO" "$H10K" "$H100K" "$OUT_DIR/bench-report.md" <<'PY'
import os, shutil, subprocess, sys, time
folio, h10k, h100k, out = sys.argv[1:5]
GITLOG = ["git", "log", "--name-status", "--no-renames", "--format=%H%x09%an%x09%at%x09%s"]

def run(cmd, cwd, before=None, runs=3):
    """Best wall time and the largest peak RSS (KiB) over runs after a warm-up."""
    times, peak = [], 0
    for i in range(runs + 1):
        if before: before()
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, err = p.communicate()
        dt = time.perf_counter() - t0
        if p.returncode != 0:
            sys.exit("bench: %s failed (%d): %s" % (cmd, p.returncode, err.decode()[-2000:]))
        if i:
            times.append(dt)
    return min(times)

def peak(cmd, cwd, before=None):
    """Peak resident memory (KiB) of one run, from GNU time."""
    if before: before()
    p = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True)
    return int(p.stderr.decode().strip().splitlines()[-1])

def index(repo):
    return os.path.join(repo, ".git", "folio", "history-index")

def measure(repo):
    drop = lambda: os.path.exists(index(repo)) and os.remove(index(repo))
    saved = index(repo) + ".bench"
    # The index of the tip 100 commits back, kept aside and put back before each warm run.
    drop()
    subprocess.run([folio, "report", "history", "--at", "HEAD~100"], cwd=repo, stdout=subprocess.DEVNULL, check=True)
    shutil.copyfile(index(repo), saved)
    restore = lambda: shutil.copyfile(saved, index(repo))
    r = {
        "git": run(GITLOG, repo),
        "cold": run([folio, "report", "history"], repo, before=drop),
        "warm": run([folio, "report", "history"], repo, before=restore),
        "git_mem": peak(GITLOG, repo),
        "cold_mem": peak([folio, "report", "history"], repo, before=drop),
        "warm_mem": peak([folio, "report", "history"], repo, before=restore),
    }
    os.remove(saved)
    return r

commits = {}
for repo in (h10k, h100k):
    commits[repo] = subprocess.check_output(["git", "rev-list", "--count", "HEAD"], cwd=repo).decode().strip()
    print("bench: %s commits in %s" % (commits[repo], repo), file=sys.stderr)
a, b = measure(h10k), measure(h100k)

rows = []
for name, r, repo in (("10,000", a, h10k), ("100,000", b, h100k)):
    rows.append(("`git log --name-status`", name, r["git"], "1.0x", r["git_mem"]))
    rows.append(("`folio report history`, no index (cold)", name, r["cold"], "%.2fx of git log" % (r["cold"] / r["git"]), r["cold_mem"]))
    rows.append(("`folio report history`, index 100 commits behind (warm)", name, r["warm"], "%.2fx of git log" % (r["warm"] / r["git"]), r["warm_mem"]))
lines = ["# Folio report benchmark", "",
         "%s; best of 3 runs after a warm-up, wall clock; peak resident memory of one run." % time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "",
         "| measurement | history | seconds | ratio | peak memory (MiB) |", "| --- | --- | ---: | ---: | ---: |"]
lines += ["| %s | %s commits | %.3f | %s | %.0f |" % (m, h, s, ratio, mem / 1024) for m, h, s, ratio, mem in rows]
lines += ["", "Peak memory, 100,000 against 10,000 commits: cold %.2fx, warm %.2fx (git log %.2fx)." % (
    b["cold_mem"] / a["cold_mem"], b["warm_mem"] / a["warm_mem"], b["git_mem"] / a["git_mem"])]
text = "\n".join(lines) + "\n"
print(text)
open(out, "w").write(text)
print("(written to %s)" % out)
PY
