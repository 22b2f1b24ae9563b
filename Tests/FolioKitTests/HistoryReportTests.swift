import Foundation
import Testing

/// `folio report history` and its history index, against `git log` on the
/// same repository.
@Suite("History report", .wide)
struct HistoryReportTests {
    /// A project with a signed, issued decision log, a charter checked in
    /// twice, a plain git commit, an admin change of folio.yml, and a branch
    /// merged back with a change of its own.
    static func project() throws -> (LCRepo, decisionLog: String, charter: String) {
        let repo = try LCRepo()
        let log = try repo.issuedDecisionLog(signed: true)
        let charter = try repo.newCharter()
        try repo.edit(repo.docPath(charter, type: "charter"), replacing: "title: Project charter", with: "title: Project charter (Phase 1)")
        try repo.ok("checkin", charter, "-m", "Rename the charter")
        try repo.write("README.md", "# Alpha\n")
        _ = try repo.commitNoVerify("Add a README")
        try repo.git("checkout", "-q", "-b", "side")
        try repo.write("notes.txt", "side work\n")
        _ = try repo.commitNoVerify("Side notes", as: .dave)
        try repo.git("checkout", "-q", "main")
        try repo.ok("submit", charter)
        try repo.git("merge", "-q", "--no-ff", "-m", "Merge side", "side")
        try repo.write("folio.yml", try repo.read("folio.yml").replacingOccurrences(of: "max_days: 5", with: "max_days: 7"))
        _ = try repo.commitNoVerify("Longer reviews", as: .carol)
        return (repo, log, charter)
    }

    /// The document a path belongs to, as an auditor reads git's output.
    static func owner(_ path: String) -> String {
        let parts = path.split(separator: "/").map(String.init)
        if parts.count == 3, parts[0] == ".folio", parts[1] == "records", parts[2].hasSuffix(".jsonl") { return String(parts[2].dropLast(6)) }
        if parts.count == 3, parts[0] == "docs", parts[2].hasSuffix(".md") { return String(parts[2].dropLast(3)) }
        if parts.count >= 4, parts[0] == "docs" { return parts[2] }
        return ""
    }

    /// The rows of a JSON report as canonical text, to compare reports.
    static func rowsText(_ json: String) -> String {
        let object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any]
        let data = (try? JSONSerialization.data(withJSONObject: object?["rows"] ?? ["missing"], options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// How the report used the history index (the first source's).
    static func indexUse(_ json: String) -> String {
        let object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any]
        return ((object?["sources"] as? [[String: Any]])?.first?["index"] as? String) ?? "?"
    }

    static func rows(_ r: ProcessResult) -> [[String: Any]] {
        (r.jsonObject?["rows"] as? [[String: Any]]) ?? []
    }

    @Test("Every commit's documents, authors and recorded events match git log")
    func matchesGitLog() throws {
        let (repo, log, charter) = try Self.project()
        let report = try repo.ok("report", "history", "--format", "json", "--no-cache")
        let rows = Self.rows(report)
        #expect(!rows.isEmpty)
        // git log: commit, author email, author time, then the changed paths (none for a merge).
        let text = try repo.git("log", "--format=%x00%H%x09%ae%x09%at%x09%P", "--name-only", "--no-renames").stdout
        var expected: [String: (email: String, time: Int, documents: Set<String>)] = [:]
        var order: [String] = []
        for block in text.split(separator: "\0") {
            let lines = block.split(separator: "\n").map(String.init)
            let head = lines[0].split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            let merge = head[3].split(separator: " ").count > 1
            var documents = Set(lines.dropFirst().map(Self.owner))
            if merge || documents.isEmpty { documents = [""] }
            expected[head[0]] = (head[1], Int(head[2])!, documents)
            order.append(head[0])
        }
        var seen: [String: Set<String>] = [:]
        for row in rows {
            let commit = row["commit"] as! String
            seen[commit, default: []].insert(row["document"] as! String)
            guard let e = expected[commit] else {
                Issue.record("row for a commit git log does not list: \(commit)")
                continue
            }
            #expect(row["email"] as? String == e.email)
            let date = ISO8601DateFormatter().date(from: row["date"] as! String)!
            #expect(Int(date.timeIntervalSince1970) == e.time)
        }
        #expect(Set(seen.keys) == Set(expected.keys))
        for (commit, e) in expected { #expect(seen[commit] == e.documents, "commit \(commit)") }
        // Newest first, as git log: every commit before its parents.
        let rowOrder = rows.map { $0["commit"] as! String }.reduce(into: [String]()) { if $0.last != $1 { $0.append($1) } }
        #expect(rowOrder == order)

        // The events of each row are the lines its commit appended to the record.
        for row in rows where !(row["document"] as! String).isEmpty {
            let id = row["document"] as! String
            let commit = row["commit"] as! String
            let diff = try repo.git("show", "--format=", "-U0", commit, "--", repo.recordPath(id)).stdout
            let appended = diff.split(separator: "\n").filter { $0.hasPrefix("+{") }.map { parseJSONLine(String($0.dropFirst()))["event"] as! String }
            let events = (row["events"] as? [[String: Any]] ?? []).map { $0["event"] as! String }
            #expect(events == appended, "\(id) in \(commit)")
        }
        // The signed approval verifies; the plain ones are unsigned.
        let approvals = rows.flatMap { ($0["events"] as? [[String: Any]]) ?? [] }.filter { $0["event"] as? String == "approved" }
        #expect(approvals.count == 1)
        #expect(approvals.first?["signed"] as? Bool == true && approvals.first?["verified"] as? Bool == true)
        #expect(approvals.first?["person"] as? String == "dave@example.com")
        // Project files are rows of their own, and the history names the documents.
        // A folio.yml change in words.
        #expect(rows.contains { ($0["changes"] as? [String]) == ["folio.yml: review_policy.max_days 5 → 7"] && $0["email"] as? String == "carol@example.com" })
        #expect(rows.contains { $0["document"] as? String == log && $0["action"] as? String == "issue" })
        #expect(rows.contains { $0["document"] as? String == charter && ($0["changes"] as? [String])?.contains("document modified") == true })
        #expect(report.stderr.isEmpty, "no progress when stderr is not a terminal")
    }

    @Test("One document's history shows the fields it changed; --since and --at narrow it")
    func oneDocument() throws {
        let (repo, _, charter) = try Self.project()
        let rows = Self.rows(try repo.ok("report", "history", charter, "--format", "json"))
        let commits = try repo.git("log", "--format=%H", "--", repo.docPath(charter, type: "charter"), repo.recordPath(charter)).stdout
            .split(separator: "\n").map(String.init)
        #expect(rows.map { $0["commit"] as! String } == commits)
        #expect(rows.allSatisfy { $0["document"] as? String == charter })
        let renamed = rows.first { ($0["subject"] as? String)?.contains("Rename") == true || ($0["events"] as? [[String: Any]])?.first?["event"] as? String == "checked-in" }
        let fields = ((renamed?["detail"] as? [String: Any])?["fields"] as? [[String: Any]]) ?? []
        #expect(fields.contains { $0["name"] as? String == "title" && $0["to"] as? String == "Project charter (Phase 1)" })

        #expect(Self.rows(try repo.ok("report", "history", "--since", "2999-01-01", "--format", "json")).isEmpty)
        let all = Self.rows(try repo.ok("report", "history", "--format", "json"))
        let older = Self.rows(try repo.ok("report", "history", "--at", "HEAD~1", "--format", "json"))
        let head = try repo.head()
        #expect(older.count == all.count - 1 && !older.contains { $0["commit"] as? String == head })
        for bad in [["--since", "2026-13-01"], ["--since", "yesterday"], ["--at", "no-such-rev"], ["../../etc/passwd"], ["-o", "/nonexistent-folder/history.json"]] {
            let r = try repo.folio(["report", "history"] + bad)
            #expect(r.status == 2 && r.stderr.split(separator: "\n").count == 1 && !r.signaled, "\(r)")
        }
    }

    @Test("A folio.yml change in words: a person added with their roles, roles gained and lost, a setting changed")
    func configChangeInWords() throws {
        let repo = try TestRepo.managed()
        expectSuccess(try repo.folio("people", "add", "erin@example.com", "--name", "Erin Example", "--roles", "pm"))
        expectSuccess(try repo.folio("people", "set", "erin@example.com", "--roles", "pm,sponsor"))
        expectSuccess(try repo.folio("people", "set", "erin@example.com", "--roles", "sponsor"))
        try repo.write("folio.yml", try repo.read("folio.yml").replacingOccurrences(of: "signatures: optional", with: "signatures: required"))
        try repo.git("commit", "-q", "--no-verify", "-am", "Signatures required")
        let r = expectSuccess(try repo.folio("report", "history", "--format", "json"))
        let rows = (r.jsonObject?["rows"] as? [[String: Any]] ?? []).map { ($0["changes"] as? [String] ?? []).joined(separator: " | ") }
        for expected in [
            "folio.yml: signatures optional → required",
            "folio.yml: Erin Example <erin@example.com>: loses pm",
            "folio.yml: Erin Example <erin@example.com>: gains sponsor",
            "folio.yml: Erin Example <erin@example.com> added as pm",
        ] {
            #expect(rows.contains(expected), "'\(expected)' not among \(rows.prefix(6))")
        }
        // The text report says the same, one line per commit.
        let text = expectSuccess(try repo.folio("report", "history")).stdout
        #expect(text.contains("folio.yml: signatures optional → required"), "\(text.prefix(800))")
    }

    @Test("The index gives the same report when built, current, extended, rewritten, deleted, truncated or corrupted")
    func indexNeverChangesTheReport() throws {
        let (repo, log, _) = try Self.project()
        let index = repo.file(".git/folio/history-index")
        /// The rows and how the index was used.
        func report(_ extra: [String] = []) throws -> (rows: String, index: String) {
            let r = try repo.folio(["report", "history", "--format", "json"] + extra)
            #expect(r.status == 0, "\(r)")
            return (Self.rowsText(r.stdout), Self.indexUse(r.stdout))
        }
        func expectSame(_ when: String, index use: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let truth = try report(["--no-cache"])
            #expect(truth.index == "off", sourceLocation: sourceLocation)
            let cached = try report()
            #expect(cached.rows == truth.rows, "\(when)", sourceLocation: sourceLocation)
            #expect(cached.index == use, "\(when)", sourceLocation: sourceLocation)
            #expect(FileManager.default.fileExists(atPath: index), "\(when): index written", sourceLocation: sourceLocation)
            // Again: this run reads the index the first one wrote.
            let again = try report()
            #expect(again.rows == truth.rows && again.index == "current", "\(when), again", sourceLocation: sourceLocation)
        }
        try expectSame("first run", index: "built")
        #expect(try repo.git("status", "--porcelain").stdout.isEmpty, "the index is outside the tracked tree")
        // New commits on top (in a later second than the indexed tip): only they are read.
        Thread.sleep(forTimeInterval: 1.1)
        let logPath = repo.docPath(log, type: "decision-log")
        try repo.write(logPath, try repo.read(logPath) + "\nA later note.\n")
        try repo.ok("checkin", log, "-m", "Next revision")
        try repo.write("README.md", "# Alpha\n\nMore.\n")
        _ = try repo.commitNoVerify("README again")
        try expectSame("after new commits", index: "extended")
        // A force push that dropped commits, then a different commit.
        try repo.git("reset", "-q", "--hard", "HEAD~2")
        try repo.write("other.txt", "rewritten\n")
        _ = try repo.commitNoVerify("Rewritten history", as: .dave)
        try expectSame("after a rewrite", index: "reused")
        // An older line of work merged in (its commits are older than the tip).
        try repo.git("checkout", "-q", "-b", "late", "HEAD~3")
        try repo.write("late.txt", "late\n")
        _ = try repo.commitNoVerify("Late work")
        try repo.git("checkout", "-q", "main")
        try repo.git("merge", "-q", "--no-ff", "-m", "Merge late", "late")
        try expectSame("after merging older work", index: "reused")
        try FileManager.default.removeItem(atPath: index)
        try expectSame("after deleting the index", index: "built")
        let whole = try Data(contentsOf: URL(fileURLWithPath: index))
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: index))
        try expectSame("after truncating the index", index: "built")
        var flipped = try Data(contentsOf: URL(fileURLWithPath: index))
        flipped[flipped.count / 3] ^= 0x20
        try flipped.write(to: URL(fileURLWithPath: index))
        try expectSame("after a changed byte", index: "built")
        try Data("garbage\n".utf8).write(to: URL(fileURLWithPath: index))
        try expectSame("after garbage", index: "built")
        // A whole, checksummed index whose tip no longer exists (gc'd after a
        // rewrite): its entries are still good by commit id.
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: index)))
        let endLine = bytes.dropLast().lastIndex(of: 0x0A)! + 1
        let body = Array(bytes[..<endLine])
        var fnv: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in body { fnv = (fnv ^ UInt64(b)) &* 0x100_0000_01b3 }
        let fields = String(decoding: bytes[endLine...], as: UTF8.self).split(separator: "\t")
        let forged = "end\t\(String(repeating: "e", count: 40))\t\(fields[2])\t\(String(format: "%016llx", fnv))\n"
        try Data(body + Array(forged.utf8)).write(to: URL(fileURLWithPath: index))
        try expectSame("after an index of an unknown tip", index: "reused")
        // A report at an older revision is answered from the index and leaves it for the tip.
        let older = try report(["--at", "HEAD~1"])
        let olderTruth = try report(["--at", "HEAD~1", "--no-cache"])
        #expect(older.index == "reused" && older.rows == olderTruth.rows)
        let latest = try report()
        #expect(latest.index == "current")
    }

    @Test("Two reports at once both see the whole history and leave a good index")
    func concurrentReports() throws {
        let (repo, _, _) = try Self.project()
        let truth = Self.rowsText(try repo.ok("report", "history", "--format", "json", "--no-cache").stdout)
        for _ in 0..<3 {
            try? FileManager.default.removeItem(atPath: repo.file(".git/folio/history-index"))
            let outputs = try (0..<2).map { n -> (Process, String) in
                let out = repo.root.appendingPathComponent("concurrent-\(n).json").path
                let p = Process()
                p.executableURL = URL(fileURLWithPath: repo.folioPath)
                p.arguments = ["report", "history", "--format", "json", "-o", out]
                p.currentDirectoryURL = URL(fileURLWithPath: repo.path)
                try p.run()
                return (p, out)
            }
            for (p, out) in outputs {
                p.waitUntilExit()
                #expect(p.terminationStatus == 0)
                #expect(Self.rowsText(try String(contentsOfFile: out, encoding: .utf8)) == truth)
            }
            let after = try repo.ok("report", "history", "--format", "json").stdout
            #expect(Self.rowsText(after) == truth && Self.indexUse(after) == "current")
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: repo.file(".git/folio")).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty)
    }

    @Test("CSV, HTML and Markdown read back; a bare clone gives the same rows")
    func formatsAndBare() throws {
        let (repo, _, _) = try Self.project()
        let rows = Self.rows(try repo.ok("report", "history", "--format", "json"))
        let csvFile = repo.root.appendingPathComponent("history.csv").path
        try repo.ok("report", "history", "--format", "csv", "-o", csvFile)
        let csv = try repo.run("/usr/bin/env", ["python3", "-c", """
            import csv, sys
            rows = list(csv.reader(open(sys.argv[1], newline='')))
            assert all(len(r) == len(rows[0]) for r in rows), 'ragged'
            print(len(rows) - 1, rows[0][0], rows[0][-2])
            """, csvFile])
        #expect(csv.status == 0, "\(csv)")
        #expect(csv.trimmed == "\(rows.count) project what")

        let htmlFile = repo.root.appendingPathComponent("history.html").path
        try repo.ok("report", "history", "--format", "html", "-o", htmlFile)
        let html = try repo.run("/usr/bin/env", ["python3", "-c", """
            import sys
            from html.parser import HTMLParser
            class P(HTMLParser):
                def __init__(self):
                    super().__init__(); self.stack = []; self.rows = 0; self.external = []; self.svg = 0
                def handle_starttag(self, tag, attrs):
                    if tag == 'tr': self.rows += 1
                    if tag == 'svg': self.svg += 1
                    for k, v in attrs:
                        if k in ('src', 'href') and v and ('//' in v or v.startswith('http')): self.external.append(v)
                    if tag not in ('meta', 'br', 'rect', 'path', 'line', 'circle'): self.stack.append(tag)
                def handle_endtag(self, tag):
                    if tag in ('rect', 'path', 'line', 'circle'): return
                    assert self.stack and self.stack[-1] == tag, (tag, self.stack[-5:]); self.stack.pop()
            p = P(); p.feed(open(sys.argv[1]).read()); p.close()
            assert not p.stack, p.stack
            print(p.rows - 1, p.svg, len(p.external))
            """, htmlFile])
        #expect(html.status == 0, "\(html)")
        #expect(html.trimmed == "\(rows.count) 1 0")

        let md = try repo.ok("report", "history", "--format", "md").stdout
        #expect(md.split(separator: "\n").filter { $0.hasPrefix("| ") }.count == rows.count + 2, "header, rule and one line a row")

        let bare = repo.root.appendingPathComponent("bare.git").path
        try repo.git("clone", "-q", "--bare", repo.path, bare)
        let fromBare = Self.rows(try repo.run(repo.folioPath, ["--repo", bare, "report", "history", "--format", "json"]))
        #expect(fromBare.map { $0["commit"] as! String } == rows.map { $0["commit"] as! String })
        #expect(FileManager.default.fileExists(atPath: bare + "/folio/history-index"))
        // A portfolio: both repositories' rows.
        let both = Self.rows(try repo.run(repo.folioPath, ["report", "history", "--repo", repo.path, "--repo", bare, "--format", "json"]))
        #expect(both.count == 2 * rows.count)
    }
}

extension HistoryReportTests {
    @Test("A generated history of 400 commits, read on two threads, matches git log commit by commit")
    func generatedHistory() throws {
        let helper = try LCRepo()
        let dir = helper.root.appendingPathComponent("generated").path
        let script = Tools.packageRoot.appendingPathComponent("scripts/generate-history.py").path
        let made = try helper.run("/usr/bin/env", ["python3", script, dir, "400", "--documents", "30"])
        try #require(made.status == 0, "\(made)")
        let truth = try helper.run(helper.folioPath, ["report", "history", "--format", "json", "--no-cache"], in: dir)
        try #require(truth.status == 0, "\(truth)")
        let rows = Self.rows(truth)
        // Lines each commit added to each record, as git counts them.
        let numstat = try helper.run(Tools.git, ["log", "--format=%x00%H", "--numstat", "--no-renames", "--", ".folio/records"], in: dir).stdout
        var added: [String: Int] = [:]
        for block in numstat.split(separator: "\0") {
            let lines = block.split(separator: "\n")
            for line in lines.dropFirst() {
                let f = line.split(separator: "\t")
                added["\(lines[0])/\(Self.owner(String(f[2])))"] = Int(f[0])
            }
        }
        let commits = try helper.run(Tools.git, ["log", "--format=%H"], in: dir).stdout.split(separator: "\n").map(String.init)
        #expect(commits.count == 400)
        let rowCommits = rows.map { $0["commit"] as! String }.reduce(into: [String]()) { if $0.last != $1 { $0.append($1) } }
        #expect(rowCommits == commits)
        var events = 0
        for row in rows {
            let key = "\(row["commit"] as! String)/\(row["document"] as! String)"
            let count = (row["events"] as? [[String: Any]])?.count ?? 0
            #expect(count == (added[key] ?? 0), "\(key)")
            events += count
        }
        #expect(events == added.values.reduce(0, +))
        // Progress on a terminal's stderr (a pseudo-terminal from script(1)), cleared at the end.
        let tty = try helper.run("/usr/bin/script", ["-qec", "\(helper.folioPath) report history --no-cache > /dev/null", "/dev/null"], in: dir)
        #expect(tty.stdout.contains("history: 250/400 commits") && tty.stdout.contains("\u{1B}[K"), "\(tty)")
        // The same through the index, built and then current.
        for use in ["built", "current"] {
            let cached = try helper.run(helper.folioPath, ["report", "history", "--format", "json"], in: dir)
            #expect(Self.rowsText(cached.stdout) == Self.rowsText(truth.stdout) && Self.indexUse(cached.stdout) == use)
        }
    }
}

extension HistoryReportTests {
    @Test("Rewritten and garbage records, odd file names and messages: reported, indexed and read back the same")
    func hostileHistory() throws {
        let (repo, log, charter) = try Self.project()
        // A record rewritten in place (not append-only), and one with a line that is not an event.
        let logRecord = repo.recordPath(log)
        let lines = try repo.recordLines(log)
        try repo.write(logRecord, lines.dropLast().joined(separator: "\n") + "\n")
        _ = try repo.commitNoVerify("Drop the last event")
        try repo.write(repo.recordPath(charter), try repo.read(repo.recordPath(charter)) + "{\"event\": 42}\n\u{7}not json\n")
        _ = try repo.commitNoVerify("Garbage in the record")
        // File names and a subject with tabs, newlines, backslashes and a terminal escape.
        try repo.write("odd\tname\\with\nbreak.txt", "x\n")
        _ = try repo.commitNoVerify("Subject\twith tab \u{1B}[31mred")
        let truth = try repo.folio("report", "history", "--format", "json", "--no-cache")
        #expect(truth.status == 0 && !truth.signaled, "\(truth)")
        let rows = Self.rows(truth)
        let problems = rows.flatMap { ($0["problems"] as? [String]) ?? [] }
        #expect(problems.contains { $0.contains("not append-only") }, "\(problems)")
        #expect(problems.contains { $0.contains("not a valid record event") }, "\(problems)")
        #expect(rows.contains { ($0["changes"] as? [String]) == ["odd\tname\\with\nbreak.txt added"] })
        for _ in 0..<2 {
            let cached = try repo.folio("report", "history", "--format", "json")
            #expect(Self.rowsText(cached.stdout) == Self.rowsText(truth.stdout))
        }
        // The terminal gets no raw control characters.
        let text = try repo.ok("report", "history").stdout
        #expect(!text.contains("\u{1B}") && !text.contains("\u{7}"))
        #expect(text.contains("odd\\tname\\with\\nbreak.txt added"), "\(text)")
    }
}
