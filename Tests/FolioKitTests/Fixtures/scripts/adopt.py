#!/usr/bin/env python3
"""The documents a Folio project adopts in place, computed without Folio, as
an oracle for `folio ls` on adopted collections. Written from the rules of
docs/formats.md ("Adoption of existing files"), not from Folio's code:

  every templates/<type>.md at REV whose `template:` block has an `adopt:`
  rule takes each file of REV matching its glob (`*` within one folder, `**`
  across folders) as a document of that type, with
    id: filename  the file name without its extension
        heading   the first token of the first level-1 heading, trimmed of ':' and '.'
        folder    the name of the file's parent folder
        path      the first capture group of `pattern` (a regex over the path)
        metadata  the metadata's `field` (default `id`)
    prefix        put before the derived ID
    metadata      a sibling file (YAML or JSON) read as the front matter
                  (without it, the file's own front matter is the metadata)
    title: heading (the whole first level-1 heading) | filename (the file name
           without extension) | metadata (the metadata's `title`)
    format: markdown (default) | restructuredtext | text (first non-blank line)
  An ID or title that cannot be derived is null.

usage: adopt.py REPO [--rev REV]
prints {"documents": [{"id", "path", "title", "type"}], "duplicates": {ID: [paths]}}
sorted by ID (then path). Standard library only: YAML is read by the small
parser below (block and flow mappings and sequences, quoted and plain scalars,
comments, `|` and `>` blocks); every scalar stays a string.
"""
import argparse, json, os, re, subprocess, sys

# ---- a minimal YAML reader ------------------------------------------------

def uncomment(line):
    """The line without a trailing `# comment` (a `#` at the start or after a blank, outside quotes)."""
    quote, escaped = None, False
    for i, c in enumerate(line):
        if quote:
            if escaped:
                escaped = False
            elif c == "\\" and quote == '"':
                escaped = True
            elif c == quote:
                quote = None
        elif c in "'\"" and (i == 0 or line[i - 1] in " [{,:"):
            quote = c
        elif c == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[:i]
    return line


ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f", "r": "\r",
           "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029"}


def scalar(s):
    s = s.strip()
    if s[:1] == "'" and s[-1:] == "'" and len(s) > 1:
        return s[1:-1].replace("''", "'")
    if s[:1] == '"' and s[-1:] == '"' and len(s) > 1:
        return re.sub(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", lambda m: chr(int(m.group(1)[1:], 16))
                      if len(m.group(1)) > 1 else ESCAPES.get(m.group(1), m.group(0)), s[1:-1])
    return None if s in ("", "~", "null", "Null", "NULL") else s


def flow(s, i=0):
    """The flow value starting at s[i] ([...], {...}, a quoted or plain scalar) and the index after it."""
    while i < len(s) and s[i] == " ":
        i += 1
    if i < len(s) and s[i] in "[{":
        close, items, pairs = "]" if s[i] == "[" else "}", [], {}
        i += 1
        while True:
            while i < len(s) and s[i] in " ,":
                i += 1
            if i >= len(s) or s[i] == close:
                return (items if close == "]" else pairs), i + 1
            if close == "]":
                v, i = flow(s, i)
                items.append(v)
            else:
                k, i = flow(s, i)  # the key stops at ':'
                while i < len(s) and s[i] in " :":
                    i += 1
                v, i = (None, i) if i < len(s) and s[i] in ",}" else flow(s, i)
                pairs[k] = v
    if i < len(s) and s[i] in "'\"":
        j = i + 1
        while j < len(s):
            if s[i] == "'" and s[j:j + 2] == "''" or s[i] == '"' and s[j] == "\\":
                j += 2  # an escaped quote or character
            elif s[j] == s[i]:
                break
            else:
                j += 1
        return scalar(s[i:j + 1]), j + 1
    j = i
    while j < len(s) and s[j] not in ",]}" and not (s[j] == ":" and (j + 1 == len(s) or s[j + 1] in " ,]}")):
        j += 1
    return scalar(s[i:j]), j


def split_key(s):
    """`key: rest` as (key, rest); rest is '' for `key:`. None when s is not a mapping entry."""
    if s[:1] in "'\"":
        key, j = flow(s)
        return (key, s[j:].lstrip()[1:].strip()) if s[j:].lstrip().startswith(":") else None
    m = re.match(r"([^\[\]{},#][^:]*?)\s*:(?:\s+(.*)|$)", s)
    return (m.group(1), (m.group(2) or "").strip()) if m else None


class Yaml:
    def __init__(self, text):
        self.lines, self.i = text.replace("\r\n", "\n").split("\n"), 0

    def peek(self):
        """(indent, text) of the next line that is not blank or a comment."""
        while self.i < len(self.lines):
            s = uncomment(self.lines[self.i]).rstrip()
            if s.strip():
                return len(s) - len(s.lstrip(" ")), s.strip()
            self.i += 1
        return None

    def node(self, indent):
        p = self.peek()
        if p is None or p[0] < indent:
            return None
        return self.seq(p[0]) if p[1] == "-" or p[1].startswith("- ") else self.map(p[0])

    def value(self, rest, indent):
        """A value after `key:` or `- ` on a line of this indent."""
        if rest == "":
            p = self.peek()
            if p and (p[0] > indent or (p[0] == indent and (p[1] == "-" or p[1].startswith("- ")))):
                return self.node(p[0])
            return None
        if rest[0] in "|>":  # a block scalar: the following lines indented more
            body = []
            while self.i < len(self.lines) and (not self.lines[self.i].strip()
                                                 or len(self.lines[self.i]) - len(self.lines[self.i].lstrip()) > indent):
                body.append(self.lines[self.i])
                self.i += 1
            while body and not body[-1].strip():
                body.pop()
            cut = min((len(l) - len(l.lstrip()) for l in body if l.strip()), default=0)
            body = [l[cut:] for l in body]
            return ("\n" if rest[0] == "|" else " ").join(body) + ("" if "-" in rest else "\n")
        return flow(rest)[0] if rest[0] in "[{'\"" else scalar(rest)  # a plain scalar runs to the end

    def seq(self, indent):
        out = []
        while (p := self.peek()) and p[0] == indent and (p[1] == "-" or p[1].startswith("- ")):
            rest = p[1][1:].lstrip()
            if rest and rest[0] not in "[{'\"" and split_key(rest):
                # `- key: value`: a mapping whose first line starts where `key` does
                self.lines[self.i] = " " * (indent + len(p[1]) - len(rest)) + rest
                out.append(self.map(indent + len(p[1]) - len(rest)))
            else:
                self.i += 1
                out.append(self.value(rest, indent))
        return out

    def map(self, indent):
        out = {}
        while (p := self.peek()) and p[0] == indent and not (p[1] == "-" or p[1].startswith("- ")):
            kv = split_key(p[1])
            if kv is None:
                raise ValueError("not YAML this reader knows: %r" % p[1])
            self.i += 1
            out[kv[0]] = self.value(kv[1], indent)
        return out


def load_yaml(text):
    return Yaml(text).node(0)

# ---- documents --------------------------------------------------------------

def split_front_matter(text):
    """(front matter text or None, body)."""
    lines = text.split("\n")
    if lines[0].rstrip("\r") == "---":
        for i in range(1, len(lines)):
            if lines[i].rstrip("\r") in ("---", "..."):
                return "\n".join(lines[1:i]), "\n".join(lines[i + 1:])
    return None, text


def markdown_h1(body):
    """The text of the first level-1 heading (ATX `# X` or setext `X` over `===`), outside code fences."""
    fence, para = None, []
    for line in body.split("\n"):
        line = line.rstrip("\r")
        s = line.lstrip(" ")
        small = len(line) - len(s) <= 3
        if fence:
            if small and s.rstrip().startswith(fence) and set(s.rstrip()) == {fence[0]}:
                fence = None
            continue
        m = re.match(r"(`{3,}|~{3,})", s) if small else None
        if m:
            fence, para = m.group(1), []
            continue
        if small and re.match(r"#(\s|$)", s):
            return re.sub(r"(^|\s+)#+\s*$", "", s[1:].strip()).strip()
        if small and para and re.fullmatch(r"=+\s*", s):
            return " ".join(para)
        starts_block = re.match(r"(#{1,6}(\s|$)|>|[-*+]\s|\d+[.)]\s|-{3,}\s*$|\*{3,}\s*$)", s)
        para = para + [s.strip()] if s.strip() and (para or (small and not starts_block)) else []
    return None


def rst_title(body):
    """The first section title of reStructuredText (the first title is level 1)."""
    lines = [l.rstrip() for l in body.split("\n")]
    adorn = lambda l: re.fullmatch(r"([!-/:-@\[-`{-~])\1+", l or "") is not None
    for i, l in enumerate(lines[:-1]):
        if adorn(l) and i + 2 < len(lines) and lines[i + 1].strip() and lines[i + 2] == l:
            return lines[i + 1].strip()  # overlined and underlined
        if l.strip() and not adorn(l) and adorn(lines[i + 1]) and len(lines[i + 1]) >= len(l.strip()):
            return l.strip()
    return None


def first_heading(body, fmt):
    if fmt == "restructuredtext":
        return rst_title(body)
    if fmt == "text":
        return next((l.strip() for l in body.split("\n") if l.strip()), None)
    return markdown_h1(body)


def glob_regex(glob):
    out, i = "", 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out, i = out + "(?:[^/]+/)*", i + 3
        elif glob.startswith("**", i):
            out, i = out + ".*", i + 2
        elif glob[i] == "*":
            out, i = out + "[^/]*", i + 1
        else:
            out, i = out + re.escape(glob[i]), i + 1
    return re.compile(out + r"\Z")


def main():
    ap = argparse.ArgumentParser(description="Adopted documents of a Folio repository, without Folio.")
    ap.add_argument("repo")
    ap.add_argument("--rev", default="HEAD")
    a = ap.parse_args()

    def git(*args):
        return subprocess.run(["git", "-C", a.repo, *args], check=True, capture_output=True).stdout

    batch = subprocess.Popen(["git", "-C", a.repo, "cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def show(path):
        """The file's text at REV, or None when there is no such file."""
        batch.stdin.write(("%s:%s\n" % (a.rev, path)).encode())
        batch.stdin.flush()
        header = batch.stdout.readline().split()
        if len(header) != 3 or header[1] != b"blob":
            return None
        data = batch.stdout.read(int(header[2]))
        batch.stdout.read(1)
        return data.decode("utf-8", "replace")

    files = [p.decode() for p in git("ls-tree", "-r", "-z", "--name-only", a.rev).split(b"\0") if p]
    docs = []
    for t in sorted(p for p in files if re.fullmatch(r"templates/[^/]+\.md", p)):
        fm, _ = split_front_matter(show(t))
        if fm is None or not re.search(r"^\s+adopt\s*:", fm, re.M):
            continue
        rules = (load_yaml(fm) or {}).get("template") or {}
        rule = rules.get("adopt")
        if not isinstance(rule, dict) or not rule.get("glob"):
            continue
        match = glob_regex(rule["glob"])
        fmt = rule.get("format") or "markdown"
        for path in files:
            if not match.match(path):
                continue
            text = show(path)
            own_fm, body = split_front_matter(text) if fmt == "markdown" else (None, text)
            folder, name = os.path.split(path)
            stem = os.path.splitext(name)[0]
            heading = first_heading(body, fmt)

            def metadata():
                if rule.get("metadata"):
                    meta = show(os.path.join(folder, rule["metadata"]))
                    if meta is None:
                        return {}
                    return json.loads(meta) if rule["metadata"].endswith(".json") else (load_yaml(meta) or {})
                return (load_yaml(own_fm) or {}) if own_fm else {}

            how = rule.get("id")
            if how == "filename":
                did = stem
            elif how == "heading":
                did = (heading.split()[0].strip(":.") or None) if heading and heading.split() else None
            elif how == "folder":
                did = os.path.basename(folder) or None
            elif how == "path":
                m = re.search(rule.get("pattern") or "$^", path)
                did = m.group(1) if m and m.groups() else None
            elif how == "metadata":
                v = metadata().get(rule.get("field") or "id")
                did = None if v is None else str(v)
            else:
                sys.exit("adopt.py: %s: unknown id rule %r" % (t, how))
            if did is not None and rule.get("prefix"):
                did = rule["prefix"] + did
            title = {"heading": heading, "filename": stem}.get(rule.get("title") or "heading")
            if rule.get("title") == "metadata":
                v = metadata().get("title")
                title = None if v is None else str(v)
            docs.append({"id": did, "path": path, "title": title, "type": rules.get("type")})
    docs.sort(key=lambda d: (d["id"] or "", d["path"]))
    paths = {}
    for d in docs:
        if d["id"] is not None:
            paths.setdefault(d["id"], []).append(d["path"])
    dups = {i: p for i, p in paths.items() if len(p) > 1}
    json.dump({"documents": docs, "duplicates": dups}, sys.stdout, indent=1, ensure_ascii=False)
    print()


if __name__ == "__main__":
    main()
