#!/usr/bin/env python3
"""Inclusive time per function from `perf script` output (perf record -g), as Markdown.

    perf script -i perf.data | perf-inclusive.py [--top 15] [--all]

Each sample counts once for every distinct function on its stack (all
threads). Lists folio's own functions (FolioKit, FolioModel, FolioGit, FolioCLI)
and a few library hot spots worth naming (date formatting, YAML, zlib,
malloc), by share of all samples, demangled with swift-demangle when it is on
PATH. Used by scripts/bench-pack.sh.
"""
import argparse, collections, re, shutil, subprocess, sys

NOTABLE = re.compile(r"Folio|ISO8601DateFormatter|Yams|^inflate$|^_?int_malloc$|^malloc$|^_int_free$|git_|icu_")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument("--all", action="store_true", help="every function, not only folio's and the notable ones")
    a = ap.parse_args()
    counts, total, stack = collections.Counter(), 0, set()
    for line in sys.stdin:
        if not line.strip():
            if stack:
                total += 1
                counts.update(stack)
                stack = set()
            continue
        if line[0] in " \t":
            parts = line.split(None, 1)
            if len(parts) == 2:
                sym = re.sub(r"\+0x[0-9a-f]+$", "", parts[1].rsplit(" (", 1)[0].strip())
                stack.add(sym)
        else:
            if stack:
                total += 1
                counts.update(stack)
            stack = set()
    if stack:
        total += 1
        counts.update(stack)
    if not total:
        print("(no samples)")
        return
    rows = [(n, s) for s, n in counts.most_common() if a.all or NOTABLE.search(s)]
    # Skip the entry points that hold every sample of the main thread.
    rows = [(n, s) for n, s in rows if not re.search(r"FolioCLI.*(main|run_7context|4mains|ReportPackCommand)", s)]
    names = [s for _, s in rows[: a.top * 3]]
    if shutil.which("swift-demangle"):
        out = subprocess.run(["swift-demangle", "--simplified"], input="\n".join(names), capture_output=True, text=True).stdout
        pretty = dict(zip(names, out.splitlines()))
    else:
        pretty = {}
    seen, printed = set(), 0
    print(f"| share of {total} samples | function |\n| ---: | --- |")
    for n, s in rows:
        name = pretty.get(s, s)
        name = re.sub(r"^(specialized |merged |partial apply for |closure #\d+ in )+", "", name)
        short = name[:160]
        if short in seen:
            continue
        seen.add(short)
        print(f"| {100 * n / total:.1f}% | `{short}` |")
        printed += 1
        if printed >= a.top:
            break


if __name__ == "__main__":
    main()
