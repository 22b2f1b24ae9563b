#!/usr/bin/env bash
# Foundation benchmarks of the folio binary on generated repositories.
#
#   FOLIO=path/to/folio BENCH_DIR=/tmp/folio-bench scripts/bench.sh
#
# Builds nothing itself (`make bench` does the release build first). Generates
# (or reuses, under BENCH_DIR) managed repositories of 1,000 and 10,000
# documents with scripts/generate-repo.py and measures, as the best of 3 runs
# after one warm-up run:
#   (a) `folio check --all` on 10,000 documents against reading every tracked
#       file once (`git ls-files -z | xargs -0 cat > /dev/null`);
#   (b) `folio hook pre-commit` with one staged, modified document, in the
#       1,000 and in the 10,000 document repository (the hook must not grow
#       with the size of the repository).
# Prints a Markdown table and writes it to bench-out/bench-foundation.md.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"

if [[ -z "${FOLIO:-}" ]]; then
  FOLIO="$(cd "$REPO_ROOT" && swift build -c release --show-bin-path)/folio"
fi
if [[ ! -x "$FOLIO" ]]; then
  echo "bench: folio binary not found at $FOLIO (run 'make bench' or set FOLIO)" >&2
  exit 2
fi
FOLIO="$(cd "$(dirname "$FOLIO")" && pwd)/$(basename "$FOLIO")"
export PATH="$(dirname "$FOLIO"):$PATH"

BENCH_DIR="${BENCH_DIR:-/tmp/folio-bench}"
OUT_DIR="${BENCH_OUT_DIR:-$REPO_ROOT/bench-out}"
RUNS="${BENCH_RUNS:-3}"
mkdir -p "$BENCH_DIR" "$OUT_DIR"

if ! python3 -c 'import yaml' 2>/dev/null; then
  echo "bench: python3 needs PyYAML (python3 -m pip install pyyaml)" >&2
  exit 2
fi

unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE
export GIT_AUTHOR_NAME="Alice Adams" GIT_AUTHOR_EMAIL="alice@example.com"
export GIT_COMMITTER_NAME="Alice Adams" GIT_COMMITTER_EMAIL="alice@example.com"

# The generated repositories depend on the generator and the templates: a
# change of either makes them stale.
fingerprint="$(cat "$SCRIPT_DIR/generate-repo.py" "$REPO_ROOT"/templates/*.md | sha256sum | cut -c1-16)"

# repo N: path of a generated repository of N documents (made when missing or stale)
repo() {
  local n="$1" dir="$BENCH_DIR/repo-$1" stamp="$BENCH_DIR/repo-$1.ok"
  if [[ -d "$dir/.git" && -f "$stamp" && "$(cat "$stamp")" == "$fingerprint" ]]; then
    git -C "$dir" reset -q --hard
    git -C "$dir" clean -q -fd -- docs .folio templates
  else
    rm -rf "$dir" "$stamp"
    echo "bench: generating $n documents in $dir" >&2
    local t0=$SECONDS
    python3 "$SCRIPT_DIR/generate-repo.py" "$dir" "$n" --seed 1 >&2
    echo "bench: generated in $((SECONDS - t0)) s" >&2
    printf '%s\n' "$fingerprint" > "$stamp"
  fi
  printf '%s\n' "$dir"
}

R1K="$(repo 1000)"
R10K="$(repo 10000)"

python3 - "$FOLIO" "$R1K" "$R10K" "$RUNS" "$OUT_DIR/bench-foundation.md" <<'PY'
import os, platform, re, subprocess, sys, time
from datetime import datetime, timezone

folio, r1k, r10k, runs, out_path = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
notes = []


def run(cmd, cwd, shell=False):
    t0 = time.perf_counter()
    p = subprocess.run(cmd, cwd=cwd, shell=shell, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return time.perf_counter() - t0, p.returncode, p.stdout.decode("utf-8", "replace")


def best(label, cmd, cwd, shell=False, before=None, after=None):
    """Best wall-clock time of `runs` runs after one warm-up run."""
    times = []
    for i in range(runs + 1):
        if before:
            before()
        try:
            t, rc, out = run(cmd, cwd, shell)
        finally:
            if after:
                after()
        if rc != 0:
            first = "\n".join(out.strip().splitlines()[:5])
            msg = f"{label}: exit {rc}" + (f"; first lines of its output:\n\n```\n{first}\n```" if first else "")
            if msg not in notes:
                notes.append(msg)
        if i > 0:
            times.append(t)
    return min(times)


def git(repo, *args):
    subprocess.run(["git", "-C", repo, *args], check=True)


def staged_edit(repo):
    """A small valid edit of one document, staged: a sentence added to its first paragraph."""
    rel = subprocess.run(["git", "-C", repo, "ls-files", "docs/risk-register/*.md"],
                         capture_output=True, text=True, check=True).stdout.split("\n")[0]
    if not rel:
        rel = subprocess.run(["git", "-C", repo, "ls-files", "docs/*.md"],
                             capture_output=True, text=True, check=True).stdout.split("\n")[0]
    path = os.path.join(repo, rel)

    def before():
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        text, n = re.subn(r"^(Generated content for [^\n]*)$", r"\1 Edited for the benchmark.", text, count=1, flags=re.M)
        if n == 0:
            text += "\nEdited for the benchmark.\n"
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        git(repo, "add", "--", rel)

    def after():
        git(repo, "reset", "-q", "--hard")

    return before, after


def count_docs(repo):
    out = subprocess.run(["git", "-C", repo, "ls-files", "docs"], capture_output=True, text=True, check=True).stdout
    return sum(1 for l in out.splitlines() if l.endswith(".md") and l.count("/") == 2)


n1k, n10k = count_docs(r1k), count_docs(r10k)
git(r1k, "reset", "-q", "--hard")
git(r10k, "reset", "-q", "--hard")

check = best("folio check --all (10k)", [folio, "check", "--all"], r10k)
cat = best("git ls-files | cat (10k)", "git ls-files -z | xargs -0 cat > /dev/null", r10k, shell=True)
b, a = staged_edit(r1k)
hook1k = best("folio hook pre-commit (1k)", [folio, "hook", "pre-commit"], r1k, before=b, after=a)
b, a = staged_edit(r10k)
hook10k = best("folio hook pre-commit (10k)", [folio, "hook", "pre-commit"], r10k, before=b, after=a)

version = run([folio, "--version"], r1k)[2].strip().splitlines()
version = version[0] if version else "?"
files10k = len(subprocess.run(["git", "-C", r10k, "ls-files"], capture_output=True, text=True).stdout.splitlines())


def ratio(x, y):
    return f"{x / y:.1f}x" if y > 0 else "n/a"


lines = [
    "# Folio foundation benchmark",
    "",
    f"{datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}; {platform.machine()}, "
    f"{os.cpu_count()} cores; folio `{version}`; best of {runs} runs after one warm-up run, wall clock.",
    "",
    "| measurement | repository | seconds | ratio |",
    "| --- | --- | ---: | ---: |",
    f"| `folio check --all` | {n10k} documents ({files10k} files) | {check:.3f} | {ratio(check, cat)} of reading the files |",
    f"| `git ls-files -z \\| xargs -0 cat > /dev/null` | {n10k} documents ({files10k} files) | {cat:.3f} | 1.0x |",
    f"| `folio hook pre-commit`, 1 staged document | {n1k} documents | {hook1k:.3f} | 1.0x |",
    f"| `folio hook pre-commit`, 1 staged document | {n10k} documents | {hook10k:.3f} | {ratio(hook10k, hook1k)} of the {n1k}-document repository |",
    "",
]
if notes:
    lines += ["Problems seen during the runs (the times above include these runs):", ""]
    lines += [f"- {n}" for n in notes]
    lines.append("")
text = "\n".join(lines)
print(text)
with open(out_path, "w", encoding="utf-8") as fh:
    fh.write(text)
print(f"(written to {out_path})", file=sys.stderr)
PY
