#!/usr/bin/env bash
# The master register at 10,000 and 100,000 documents (issue 16).
#
#   FOLIO=path/to/folio [FOLIO_BEFORE=path/to/older/folio] [BENCH_SIZES="10000 100000"] scripts/bench-register.sh
#
# On repositories made by scripts/generate-repo.py (cached under BENCH_DIR),
# measures against the read floor (`git ls-files -z | xargs -0 cat`, every
# tracked file read once), best of BENCH_RUNS (default 3) after a warm-up:
#   `folio ls --format json` and `folio report register --format json`
#     cold (no register cache) and warm (the cache of the commit before 10
#     documents changed: 10 rows are read again);
#   `folio check --all`;
# and the peak resident memory of one cold run (GNU time's %M). With
# FOLIO_BEFORE, that binary's cold `ls` follows (its run is not repeated: it
# can take minutes). Writes bench-out/bench-register.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench-common.sh"
export GIT_AUTHOR_NAME="Alice Adams" GIT_AUTHOR_EMAIL="alice@example.com"
export GIT_COMMITTER_NAME="Alice Adams" GIT_COMMITTER_EMAIL="alice@example.com"
stamp="$(cat "$SCRIPT_DIR/generate-repo.py" "$REPO_ROOT"/templates/*.md | sha256sum | cut -c1-16)"
repos=()
for n in ${BENCH_SIZES:-10000 100000}; do
  dir="$BENCH_DIR/register-$n"
  if [[ ! -f "$dir.ok" || "$(cat "$dir.ok")" != "$stamp" ]]; then
    rm -rf "$dir"
    echo "bench: generating $n documents in $dir" >&2
    python3 "$SCRIPT_DIR/generate-repo.py" "$dir" "$n" --seed 1 >&2
    # Ten documents changed in a second commit (the warm measurements start
    # from the cache of the first).
    git -C "$dir" ls-files 'docs/*.md' | awk 'NR % 997 == 1' | head -10 | while read -r f; do
      printf '\nA paragraph added later.\n' >> "$dir/$f"
    done
    git -C "$dir" commit -q --no-verify -am "Ten documents changed"
    echo "$stamp" > "$dir.ok"
  fi
  repos+=("$dir")
done

python3 - "$FOLIO" "${FOLIO_BEFORE:-}" "${BENCH_RUNS:-3}" "$OUT_DIR/bench-register.md" "${repos[@]}" <<'PY'
import os, re, subprocess, sys, time
folio, before, runs, out, repos = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5:]

def run(cmd, cwd, prepare=None):
    if prepare: prepare()
    t0 = time.perf_counter()
    p = subprocess.run(cmd, cwd=cwd, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    dt = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit("bench: %s failed: %s" % (cmd, p.stderr.decode()[-1000:]))
    return dt

def best(cmd, cwd, prepare=None):
    run(cmd, cwd, prepare)  # warm-up
    return min(run(cmd, cwd, prepare) for _ in range(runs))

def peak(cmd, cwd, prepare=None):
    if prepare: prepare()
    p = subprocess.run("/usr/bin/time -f '%%M' %s > /dev/null" % cmd, cwd=cwd, shell=True, stderr=subprocess.PIPE)
    return int(p.stderr.decode().strip().splitlines()[-1]) / 1024

rows = ["| documents | measurement | seconds | ratio to the read floor | peak memory (MiB) |",
        "| ---: | --- | ---: | ---: | ---: |"]
for repo in repos:
    n = int(repo.rsplit("-", 1)[1])
    cache = os.path.join(repo, ".git/folio/register")
    def cold():
        if os.path.exists(cache): os.unlink(cache)
    def warm():
        # The cache of the commit before the ten changes.
        subprocess.run(["git", "checkout", "-q", "HEAD~1"], cwd=repo, check=True)
        cold()
        subprocess.run([folio, "ls"], cwd=repo, stdout=subprocess.DEVNULL, check=True)
        subprocess.run(["git", "checkout", "-q", "-"], cwd=repo, check=True)
    floor = best("git ls-files -z | xargs -0 cat > /dev/null", repo)
    rows.append("| %d | read floor: `git ls-files -z \\| xargs -0 cat` | %.3f | 1.00x | |" % (n, floor))
    for label, cmd in [("`folio ls --format json`", folio + " ls --format json"),
                       ("`folio report register --format json`", folio + " report register --format json")]:
        for state, prep in [("cold", cold), ("warm, 10 changed", warm)]:
            t = best(cmd, repo, prep)
            m = peak(cmd, repo, prep)
            rows.append("| %d | %s, %s | %.3f | %.2fx | %.0f |" % (n, label, state, t, t / floor, m))
    t = best(folio + " check --all", repo)
    rows.append("| %d | `folio check --all` | %.3f | %.2fx | %.0f |" % (n, t, t / floor, peak(folio + " check --all", repo)))
    if before:
        t = run(before + " ls --format json", repo)
        rows.append("| %d | before: `folio ls --format json` (one run) | %.3f | %.2fx | |" % (n, t, t / floor))
text = "\n".join(["# Register benchmark", "", time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()) + "; best of %d runs after a warm-up." % runs, ""] + rows) + "\n"
open(out, "w").write(text)
print(text)
PY
