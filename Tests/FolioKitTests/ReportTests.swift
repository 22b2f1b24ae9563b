import FolioGit
import FolioKit
import FolioModel
import Foundation
import Testing

// Tests of `folio report register|status|approvals`: a project with a known
// history (every step a commit at a set time, by a set person) is built with
// the real folio binary; the reports' figures are compared with the same
// figures computed here from `git log` trailers and the committed record
// lines (`git show REV:.folio/records/ID.jsonl`); signatures are checked with
// ssh-keygen itself; CSV, JSON and HTML are read back with real parsers
// (python3's csv and html.parser, JSONSerialization).

// MARK: - Harness

/// The sample project of these tests, built step by step at fixed times.
final class ReportProjectRepo: @unchecked Sendable {
    let repo: TestRepo
    let folio: String
    var path: String { repo.path }
    var ids: [String: String] = [:]
    /// Commits by name, for --at.
    var commits: [String: String] = [:]

    init(code: String = "ALPHA", sourceLocation: SourceLocation = #_sourceLocation) throws {
        folio = try Tools.requireFolio(sourceLocation: sourceLocation)
        repo = try TestRepo.plainGit()
        try ok(["init", "--project", code, "--name", "Project \(code.capitalized)"], as: .alice, at: "2026-02-20T09:00:00Z")
        try repo.write("folio.yml", peopleConfig.replacingOccurrences(of: "code: ALPHA, name: Project Alpha", with: "code: \(code), name: Project \(code.capitalized)"))
        try makeKey("bob")
        try repo.write(".folio/allowed_signers", "bob@example.com namespaces=\"folio\" \(try publicKey("bob"))\n")
        try repo.git("add", "folio.yml", ".folio/allowed_signers")
        try commit("Project people and keys", as: .alice, at: "2026-02-20T09:30:00Z")
    }

    func env(_ at: String) -> [String: String] { ["GIT_AUTHOR_DATE": at, "GIT_COMMITTER_DATE": at] }

    func run(_ arguments: [String], as person: Person = .alice, at: String? = nil, in dir: String? = nil) throws -> ProcessResult {
        try repo.sandbox.run(folio, arguments, in: dir ?? path, as: person, environment: at.map(env) ?? [:])
    }

    @discardableResult
    func ok(_ arguments: [String], as person: Person = .alice, at: String? = nil,
            sourceLocation: SourceLocation = #_sourceLocation) throws -> ProcessResult {
        let r = try run(arguments, as: person, at: at)
        guard r.status == 0, !r.crashed else {
            Issue.record("folio failed:\n\(r)", sourceLocation: sourceLocation)
            throw SetupError("folio \(arguments.joined(separator: " ")) failed")
        }
        return r
    }

    func new(_ name: String, _ arguments: [String], as person: Person = .alice, at: String) throws {
        let r = try ok(["new"] + arguments, as: person, at: at)
        ids[name] = r.stdoutLines.first?.trimmingCharacters(in: .whitespaces)
    }

    func id(_ name: String) -> String { ids[name] ?? "?" }

    func docPath(_ name: String, _ type: String) -> String { "docs/\(type)/\(id(name)).md" }

    func commit(_ message: String, as person: Person, at: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let r = try repo.sandbox.run(Tools.git, ["commit", "-q", "--no-verify", "-m", message], in: path, as: person, environment: env(at))
        guard r.status == 0 else {
            Issue.record("git commit failed:\n\(r)", sourceLocation: sourceLocation)
            throw SetupError("git commit failed")
        }
    }

    // Keys

    func keyPath(_ name: String) -> String { repo.sandbox.path("keys/\(name)") }

    func makeKey(_ name: String) throws {
        try FileManager.default.createDirectory(atPath: repo.sandbox.path("keys"), withIntermediateDirectories: true)
        let r = try repo.sandbox.run(Tools.sshKeygen, ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", keyPath(name)], in: repo.sandbox.root.path)
        guard r.status == 0 else { throw SetupError("ssh-keygen failed: \(r)") }
    }

    func publicKey(_ name: String) throws -> String {
        try String(contentsOfFile: keyPath(name) + ".pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Appends rows below the separator line of the table whose header starts with `header`.
    func addRows(_ file: String, header: String, _ rows: [String]) throws {
        var lines = try repo.read(file).components(separatedBy: "\n")
        guard let h = lines.firstIndex(where: { $0.hasPrefix(header) }) else { throw SetupError("no table '\(header)' in \(file)") }
        lines.insert(contentsOf: rows, at: h + 2)
        try repo.write(file, lines.joined(separator: "\n"))
    }

    func git(_ arguments: String...) throws -> String { try repo.git(arguments).stdout }

    /// The sample history: three weeks in March 2026 (see the steps).
    static func sample(code: String = "ALPHA") throws -> ReportProjectRepo {
        let p = try ReportProjectRepo(code: code)
        try p.new("risks", ["risk-register", "--title", "Risk register", "--set", "review_date=2026-12-01"], at: "2026-03-02T09:00:00Z")
        try p.repo.write(p.docPath("risks", "risk-register"), riskRegister(id: p.id("risks"), rows: [
            "| R-001 | Late delivery | Schedule | 3 | 4 | 12 | Reduce | Early order | alice@example.com | 2026-04-01 | Open |",
            "| R-002 | Old risk | Cost | 1 | 1 | 1 | Accept | None | bob@example.com | 2026-03-01 | Closed |",
            "| R-003 | Vendor lock-in | Commercial | 2 | 3 | 6 | Reduce | Exit plan | dave@example.com | 2026-03-15 | Monitoring |",
        ]))
        try p.ok(["checkin", p.id("risks"), "-m", "Initial risks"], at: "2026-03-02T10:00:00Z")
        try p.new("charter", ["charter", "--title", "Project charter", "--set", "sponsor=bob@example.com", "--set", "start_date=2026-01-05",
                              "--set", "end_date=2026-12-18", "--set", "budget=480000.00 EUR"], at: "2026-03-03T09:00:00Z")
        try p.ok(["submit", p.id("charter")], at: "2026-03-03T11:00:00Z")
        try p.ok(["approve", p.id("charter"), "--role", "sponsor", "--sign", "--key", p.keyPath("bob"), "--comment", "Agreed, with \"quotes\", commas"],
                 as: .bob, at: "2026-03-04T09:30:00Z")
        try p.new("decisions", ["decision-log", "--title", "Decision log"], at: "2026-03-04T10:00:00Z")
        try p.ok(["submit", p.id("decisions")], at: "2026-03-04T12:00:00Z")
        try p.ok(["approve", p.id("charter"), "--role", "pmo"], as: .carol, at: "2026-03-05T15:00:00Z")
        try p.ok(["issue", p.id("charter")], at: "2026-03-05T16:00:00Z")
        try p.new("issues", ["issue-log", "--title", "Issues & \"risks\" <script>alert(1)</script>", "--set", "review_date=2026-04-01"],
                  as: .dave, at: "2026-03-06T09:00:00Z")
        try p.addRows(p.docPath("issues", "issue-log"), header: "| ID | Issue |", [
            "| I-001 | Test tenant missing | Problem | High | 2026-03-06 | dave@example.com | dave@example.com | Chase IT | 2026-03-10 | Open | |",
            "| I-002 | Old issue | Concern | Low | 2026-03-01 | dave@example.com | alice@example.com | Check | 2026-03-01 | Closed | Done |",
            "| I-003 | Licence terms | Concern | Medium | 2026-03-06 | dave@example.com | bob@example.com | Negotiate | 2026-03-30 | In progress | |",
        ])
        try p.ok(["checkin", p.id("issues"), "-m", "First issues"], as: .dave, at: "2026-03-06T10:00:00Z")
        try p.new("minutes", ["minutes", "--title", "Progress meeting", "--set", "chair=alice@example.com",
                              "--set", "meeting_start=2026-03-09T10:00:00Z"], as: .carol, at: "2026-03-09T14:00:00Z")
        try p.addRows(p.docPath("minutes", "minutes"), header: "| ID | Action |", [
            "| A-001 | Book rooms | bob@example.com | 2026-03-09 | Open |",
            "| A-002 | Send agenda | carol@example.com | 2026-03-01 | Done |",
        ])
        try p.ok(["checkin", p.id("minutes"), "-m", "Actions"], as: .carol, at: "2026-03-09T15:00:00Z")
        try p.new("decisions2", ["decision-log", "--title", "Second decision log"], at: "2026-03-18T08:00:00Z")
        try p.ok(["submit", p.id("decisions2")], at: "2026-03-18T09:00:00Z")
        p.commits["period-end"] = try p.repo.head()
        // After the period: R-003 closed, then bob's key replaced.
        let risks = p.docPath("risks", "risk-register")
        try p.repo.write(risks, try p.repo.read(risks).replacingOccurrences(of: "2026-03-15 | Monitoring |", with: "2026-03-15 | Closed |"))
        try p.ok(["checkin", p.id("risks"), "-m", "R-003 closed"], at: "2026-03-25T09:00:00Z")
        p.commits["before-rotation"] = try p.repo.head()
        try p.makeKey("bob2")
        try p.repo.write(".folio/allowed_signers", "bob@example.com namespaces=\"folio\" \(try p.publicKey("bob2"))\n")
        try p.repo.git("add", ".folio/allowed_signers")
        try p.commit("Rotate Bob's key", as: .alice, at: "2026-03-26T09:00:00Z")
        return p
    }

    // Reading reports

    func report(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        let r = try ok(["report"] + arguments + ["--format", "json"], sourceLocation: sourceLocation)
        guard let object = (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8))) as? [String: Any] else {
            Issue.record("not a JSON object:\n\(r)", sourceLocation: sourceLocation)
            throw SetupError("bad JSON")
        }
        return object
    }

    /// A record's events as committed at `rev`, parsed with JSONSerialization.
    func recordLines(_ id: String, at rev: String = "HEAD") throws -> [(raw: String, event: [String: Any])] {
        try git("show", "\(rev):.folio/records/\(id).jsonl").split(separator: "\n").map { line in
            (String(line), (try JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:])
        }
    }

    /// `Folio-Action` trailers of the commits in a period, with their authors (from git log).
    func actions(since: String, until: String) throws -> [(email: String, action: String)] {
        try git("log", "--since=\(since)", "--until=\(until)", "--format=%ae%x09%(trailers:key=Folio-Action,valueonly,separator=%x2C)")
            .split(separator: "\n").compactMap { line in
                let parts = line.split(separator: "\t", maxSplits: 1).map(String.init)
                guard parts.count == 2, !parts[1].isEmpty else { return nil }
                return (parts[0], parts[1].trimmingCharacters(in: .whitespaces))
            }
    }
}

/// JSON text with sorted keys, for comparing parsed values.
func canonical(_ value: Any?) -> String {
    guard let value, let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed]) else { return "missing" }
    return String(decoding: data, as: UTF8.self)
}

func rows(_ report: [String: Any], _ key: String) -> [[String: Any]] { report[key] as? [[String: Any]] ?? [] }

/// A Folio-Action trailer value → the record event kind (JSON key form).
let actionKinds = [
    "create": "created", "checkin": "checked_in", "attach": "checked_in", "submit": "submitted", "approve": "approved",
    "reject": "rejected", "issue": "issued", "supersede": "superseded", "withdraw": "withdrawn",
]

/// Runs a python3 program on a file and parses its JSON output.
func python(_ program: String, _ file: String, in sandbox: Sandbox, sourceLocation: SourceLocation = #_sourceLocation) throws -> Any {
    let script = sandbox.path("check-\(UUID().uuidString).py")
    try Data(program.utf8).write(to: URL(fileURLWithPath: script))
    let r = try sandbox.run(Tools.python, [script, file], in: sandbox.root.path)
    guard r.status == 0, let value = try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) else {
        Issue.record("python3 failed:\n\(r)", sourceLocation: sourceLocation)
        throw SetupError("python3 failed")
    }
    return value
}

let csvReader = """
    import csv, json, sys
    raw = open(sys.argv[1], "rb").read()
    with open(sys.argv[1], newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f, strict=True))
    lines = raw.split(b"\\r\\n")
    json.dump({"rows": rows, "crlf": raw.endswith(b"\\r\\n"), "bare_lf": raw.replace(b"\\r\\n", b"").count(b"\\n")}, sys.stdout)
    """

/// Well-formedness (every non-void element closed in order), every attribute
/// that could load something, the SVG charts and their tooltips, the text.
let htmlChecker = """
    import html.parser, json, sys
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
    class P(html.parser.HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.stack, self.errors, self.tags, self.refs, self.svg_titles, self.text = [], [], {}, [], 0, []
        def start(self, tag, attrs):
            self.tags[tag] = self.tags.get(tag, 0) + 1
            for k, v in attrs:
                if k in ("src", "href", "xlink:href", "action", "srcset", "data", "poster", "formaction"):
                    self.refs.append([tag, k, v])
            if tag == "title" and "svg" in self.stack:
                self.svg_titles += 1
        def handle_starttag(self, tag, attrs):
            self.start(tag, attrs)
            if tag not in VOID:
                self.stack.append(tag)
        def handle_startendtag(self, tag, attrs):
            self.start(tag, attrs)
        def handle_endtag(self, tag):
            if self.stack and self.stack[-1] == tag:
                self.stack.pop()
            else:
                self.errors.append("unexpected </%s> with open %s" % (tag, self.stack[-3:]))
        def handle_data(self, data):
            if self.stack and self.stack[-1] not in ("style",):
                self.text.append(data)
    p = P()
    p.feed(open(sys.argv[1], encoding="utf-8").read())
    p.close()
    json.dump({"errors": p.errors, "unclosed": p.stack, "tags": p.tags, "refs": p.refs,
               "svg_titles": p.svg_titles, "text": " ".join(p.text)}, sys.stdout)
    """

// MARK: - Tests

@Suite("Reports: register, status, approvals", .wide)
struct ReportTests {
    @Test("status: counts by kind and person match the Folio-Action trailers in git log for the same period")
    func statusCountsMatchGitLog() throws {
        let p = try ReportProjectRepo.sample()
        let report = try p.report(["status", "--since", "2026-03-01", "--until", "2026-03-20"])
        #expect(report["report"] as? String == "status")
        let period = report["period"] as? [String: Any]
        #expect(period?["since"] as? String == "2026-03-01" && period?["until"] as? String == "2026-03-20")

        let actions = try p.actions(since: "2026-03-01T00:00:00Z", until: "2026-03-20T23:59:59Z")
        #expect(actions.count >= 15, "the sample has at least 15 folio commits in the period: \(actions)")
        var expected: [String: Int] = [:]
        for a in actions { if let kind = actionKinds[a.action] { expected[kind, default: 0] += 1 } }
        let byKind = rows(report, "by_kind")
        #expect(byKind.count == 1)
        for kind in Set(actionKinds.values) {
            #expect(byKind.first?[kind] as? Int == expected[kind] ?? 0, "\(kind): report \(String(describing: byKind.first?[kind])), git log \(expected[kind] ?? 0)")
        }
        #expect(byKind.first?["total"] as? Int == actions.count)
        #expect(rows(report, "events").count == actions.count)
        #expect((report["summary"] as? [String: Any])?["events"] as? Int == actions.count)

        // Activity by person.
        var perPerson: [String: Int] = [:]
        for a in actions { perPerson[a.email, default: 0] += 1 }
        let byPerson = rows(report, "by_person")
        #expect(Dictionary(uniqueKeysWithValues: byPerson.map { ($0["person"] as? String ?? "", $0["total"] as? Int ?? -1) }) == perPerson)

        // Nothing outside the period: the 2026-03-25 check-in is not there.
        #expect(!rows(report, "events").contains { ($0["at"] as? String ?? "") >= "2026-03-21" })
        // Weeks add up to the events.
        #expect(rows(report, "activity_by_week").map { $0["events"] as? Int ?? 0 }.reduce(0, +) == actions.count)

        // A narrower period gives fewer events, again as git log says.
        let week = try p.report(["status", "--since", "2026-03-02", "--until", "2026-03-04"])
        let weekActions = try p.actions(since: "2026-03-02T00:00:00Z", until: "2026-03-04T23:59:59Z")
        #expect(rows(week, "events").count == weekActions.count && weekActions.count > 0 && weekActions.count < actions.count)
    }

    @Test("status: overdue reviews, turnaround, open risks and overdue actions computed from the records and registers")
    func statusFindings() throws {
        let p = try ReportProjectRepo.sample()
        let report = try p.report(["status", "--since", "2026-03-01", "--until", "2026-03-20"])
        let summary = report["summary"] as? [String: Any] ?? [:]

        // Turnaround: from the committed record, submission to each approval and to the issue.
        let events = try p.recordLines(p.id("charter")).map(\.event)
        func date(_ e: [String: Any]) -> Date { Timestamp.date(e["at"] as? String ?? "") ?? .distantPast }
        let submitted = try #require(events.last { $0["event"] as? String == "submitted" })
        let approvals = events.filter { $0["event"] as? String == "approved" }.map { date($0).timeIntervalSince(date(submitted)) / 3600 }
        let issue = try #require(events.first { $0["event"] as? String == "issued" })
        #expect(approvals.count == 2)
        let turnaround = rows(report, "turnaround")
        let reported = turnaround.filter { $0["step"] as? String == "approval" }.compactMap { $0["hours"] as? Double }
        #expect(reported.count == 2)
        for (a, b) in zip(reported.sorted(), approvals.sorted()) { #expect(abs(a - b) < 0.051, "\(a) vs \(b)") }
        let median = approvals.sorted().reduce(0, +) / 2
        #expect(abs((summary["approval_turnaround_median_hours"] as? Double ?? -1) - median) < 0.051)
        #expect(abs((summary["approval_turnaround_worst_hours"] as? Double ?? -1) - approvals.max()!) < 0.051)
        let issueHours = date(issue).timeIntervalSince(date(submitted)) / 3600
        #expect(abs((turnaround.first { $0["step"] as? String == "issue" }?["hours"] as? Double ?? -1) - issueHours) < 0.051)

        // Reviews: decisions (submitted 2026-03-04) waits past the 5 days of the policy; decisions2 (2026-03-18) does not.
        let waiting = rows(report, "overdue_reviews")
        #expect(waiting.map { $0["document"] as? String } == [p.id("decisions")], "\(waiting)")
        let submittedAt = try #require(try p.recordLines(p.id("decisions")).map(\.event).last { $0["event"] as? String == "submitted" })
        let days = Int(ReportDate.start(of: "2026-03-21")!.timeIntervalSince(date(submittedAt)) / 86400)
        #expect(waiting.first?["days_waiting"] as? Int == days)
        #expect(waiting.first?["approvals_pending"] as? [String] == ["pm"])
        #expect(summary["reviews_open"] as? Int == 2)

        // Registers as committed at HEAD: R-003 was closed after the period.
        #expect(rows(report, "open_risks").map { $0["id"] as? String } == ["R-001"])
        let actions = rows(report, "overdue_actions")
        #expect(Set(actions.compactMap { $0["id"] as? String }) == ["I-001", "A-001"], "\(actions)")
        #expect(actions.first { $0["id"] as? String == "I-001" }?["days_overdue"] as? Int == 10)
        #expect(actions.first { $0["id"] as? String == "A-001" }?["owner"] as? String == "bob@example.com")

        // States at the report's commit, against folio ls.
        let ls = try p.ok(["ls", "--format", "json"])
        let states = (try JSONSerialization.jsonObject(with: Data(ls.stdout.utf8)) as? [[String: Any]] ?? []).map { $0["state"] as? String ?? "" }
        let byState = rows(report, "documents_by_state").first ?? [:]
        for state in ["draft", "in-review", "approved", "issued"] {
            #expect(byState[state.replacingOccurrences(of: "-", with: "_")] as? Int == states.filter { $0 == state }.count, "\(state)")
        }
        #expect(byState["total"] as? Int == states.count && states.count == 6)

        // --at the end of the period: R-003 is still open there, and --until defaults to that commit's day.
        let atEnd = try p.report(["status", "--since", "2026-03-01", "--at", p.commits["period-end"]!])
        #expect((atEnd["period"] as? [String: Any])?["until"] as? String == "2026-03-18")
        #expect(rows(atEnd, "open_risks").map { $0["id"] as? String } == ["R-001", "R-003"])
    }

    @Test("status from the library directly agrees with the CLI's JSON")
    func statusLibrary() throws {
        let p = try ReportProjectRepo.sample()
        let source = try ReportSource(repository: try Repository.discover(from: p.path), at: nil)
        let report = try StatusReport.build([source], since: "2026-03-01", until: "2026-03-20", generated: Date())
        let cli = try p.report(["status", "--since", "2026-03-01", "--until", "2026-03-20"])
        for key in ["events", "turnaround", "overdue_reviews", "open_risks", "overdue_actions", "by_person"] {
            #expect(report.section(key)?.rows.count == rows(cli, key).count, "\(key)")
        }
        let head = try p.repo.head()
        #expect(report.projects.first?.commit == head)
        #expect(StatusReport.median([3, 1, 2]) == 2 && StatusReport.median([4, 1, 2, 3]) == 2.5 && StatusReport.median([]) == nil)
        #expect(throws: FolioError.self) { try StatusReport.build([source], since: "2026-03-21", until: "2026-03-20", generated: Date()) }
    }

    @Test("register: every document at the revision, with state and pending approvals; --at an older commit")
    func register() throws {
        let p = try ReportProjectRepo.sample()
        let report = try p.report(["register"])
        let docs = rows(report, "documents")
        let files = try p.git("ls-tree", "-r", "--name-only", "HEAD", "docs/").split(separator: "\n").filter { $0.hasSuffix(".md") }.map(String.init)
        #expect(Set(docs.compactMap { $0["path"] as? String }) == Set(files))
        #expect(docs.allSatisfy { $0["project"] as? String == "ALPHA" })
        let charter = docs.first { $0["id"] as? String == p.id("charter") }
        #expect(charter?["state"] as? String == "issued" && charter?["revision"] as? String == "1.0")
        let decisions = docs.first { $0["id"] as? String == p.id("decisions") }
        #expect(decisions?["state"] as? String == "in-review" && decisions?["approvals_pending"] as? [String] == ["pm"])
        // last_change is the record's last event.
        for doc in docs {
            let last = try p.recordLines(doc["id"] as? String ?? "").last?.event["at"] as? String
            #expect(doc["last_change"] as? String == last)
        }
        let projects = report["projects"] as? [[String: Any]] ?? []
        let head = try p.repo.head()
        #expect(projects.count == 1 && projects.first?["commit"] as? String == head)

        // At the commit after the first approval: the charter is in review, pmo still missing.
        let approveCommit = try p.git("log", "--format=%H", "--grep", "approve", "--reverse").split(separator: "\n").first.map(String.init) ?? "?"
        let older = try p.report(["register", "--at", approveCommit])
        let olderCharter = rows(older, "documents").first { $0["id"] as? String == p.id("charter") }
        #expect(olderCharter?["state"] as? String == "in-review" && olderCharter?["approvals_pending"] as? [String] == ["pmo"])
        #expect(rows(older, "documents").count < docs.count)
        #expect((older["projects"] as? [[String: Any]])?.first?["commit"] as? String == approveCommit)
    }

    @Test("approvals: every approval and signature from the records, signatures verified with ssh-keygen against allowed_signers at the revision")
    func approvals() throws {
        let p = try ReportProjectRepo.sample()
        for (rev, bobKey) in [("HEAD", "bob2"), (p.commits["before-rotation"]!, "bob")] {
            let report = try p.report(["approvals", "--at", rev])
            let listed = rows(report, "approvals")
            // Independently: every approved/rejected/signed line of every record at that commit.
            var expected: [(raw: String, event: [String: Any])] = []
            let records = try p.git("ls-tree", "--name-only", "\(rev):.folio/records").split(separator: "\n")
            for file in records.sorted() where file.hasSuffix(".jsonl") {
                expected += try p.recordLines(String(file.dropLast(6)), at: rev).filter {
                    ["approved", "rejected"].contains($0.event["event"] as? String ?? "") || $0.event["signature"] != nil
                }
            }
            #expect(listed.count == expected.count && expected.count == 2, "\(listed)")
            let signers = try p.git("show", "\(rev):.folio/allowed_signers")
            for (row, line) in zip(listed, expected) {
                #expect(row["document"] as? String == line.event["document"] as? String)
                #expect(row["person"] as? String == line.event["actor"] as? String)
                #expect(row["at"] as? String == line.event["at"] as? String)
                #expect(row["role"] as? String == line.event["role"] as? String)
                #expect(row["signed"] as? Bool == (line.event["signature"] != nil))
                var verified = false
                if let signature = line.event["signature"] as? String, let cut = line.raw.range(of: ",\"signature\":") {
                    let canonical = String(line.raw[..<cut.lowerBound]) + "}\n"
                    try Data(signers.utf8).write(to: URL(fileURLWithPath: p.repo.sandbox.path("signers")))
                    try Data(signature.utf8).write(to: URL(fileURLWithPath: p.repo.sandbox.path("sig")))
                    let r = try p.repo.sandbox.run(Tools.sshKeygen, [
                        "-Y", "verify", "-f", p.repo.sandbox.path("signers"), "-I", line.event["actor"] as? String ?? "",
                        "-n", "folio", "-s", p.repo.sandbox.path("sig"),
                    ], in: p.path, stdin: Data(canonical.utf8))
                    verified = r.status == 0
                }
                #expect(row["verified"] as? Bool == verified, "at \(rev) with \(bobKey)'s key: \(row)")
                #expect(row["issued_as"] as? String == "1.0")
            }
            let bob = listed.first { $0["person"] as? String == "bob@example.com" }
            #expect(bob?["verified"] as? Bool == (bobKey == "bob"), "bob's signature verifies only before his key was replaced")
            #expect(bob?["comment"] as? String == "Agreed, with \"quotes\", commas")
        }
    }

    @Test("csv is RFC 4180 (read back by python's csv), md has the tables, json is one object")
    func formats() throws {
        let p = try ReportProjectRepo.sample()
        let json = try p.report(["status", "--since", "2026-03-01", "--until", "2026-03-20"])
        let csvFile = p.repo.sandbox.path("events.csv")
        try p.ok(["report", "status", "--since", "2026-03-01", "--until", "2026-03-20", "--format", "csv", "-o", csvFile])
        let parsed = try python(csvReader, csvFile, in: p.repo.sandbox) as? [String: Any] ?? [:]
        let csvRows = parsed["rows"] as? [[String]] ?? []
        #expect(parsed["crlf"] as? Bool == true)
        #expect(csvRows.first == ["project", "at", "document", "title", "event", "revision", "person", "name", "role", "comment"])
        let events = rows(json, "events")
        #expect(csvRows.count == events.count + 1)
        for (row, event) in zip(csvRows.dropFirst(), events) {
            #expect(row[1] == event["at"] as? String && row[2] == event["document"] as? String && row[9] == (event["comment"] as? String ?? ""))
        }
        #expect(csvRows.contains { $0.contains("Agreed, with \"quotes\", commas") }, "a comment with quotes and commas survives")

        // --section picks another table.
        let risksFile = p.repo.sandbox.path("risks.csv")
        try p.ok(["report", "status", "--since", "2026-03-01", "--until", "2026-03-20", "--format", "csv", "--section", "overdue_actions", "-o", risksFile])
        let actions = (try python(csvReader, risksFile, in: p.repo.sandbox) as? [String: Any])?["rows"] as? [[String]] ?? []
        #expect(actions.first?.prefix(3) == ["project", "document", "id"] && actions.count == 3)

        let register = try p.ok(["report", "register", "--format", "csv"])
        let registerFile = p.repo.sandbox.path("register.csv")
        try Data(register.stdout.utf8).write(to: URL(fileURLWithPath: registerFile))
        let registerRows = (try python(csvReader, registerFile, in: p.repo.sandbox) as? [String: Any])?["rows"] as? [[String]] ?? []
        #expect(registerRows.count == 7 && registerRows.dropFirst().contains { $0[2] == "Issues & \"risks\" <script>alert(1)</script>" })

        let md = try p.ok(["report", "status", "--since", "2026-03-01", "--until", "2026-03-20", "--format", "md"]).stdout
        #expect(md.hasPrefix("# Status report: ALPHA"))
        for heading in ["## Events in the period", "## Open risks", "## Overdue actions", "## Approval turnaround", "## Activity by person"] {
            #expect(md.contains("\n\(heading)\n"), "\(heading)")
        }
        let eventLines = md.components(separatedBy: "## Events in the period")[1].split(separator: "\n").filter { $0.hasPrefix("| ALPHA |") }
        #expect(eventLines.count == events.count)
        #expect(try p.ok(["report", "register", "--format", "md"]).stdout.contains("| Issues & \"risks\" \\<script>alert(1)\\</script> |"),
                "markup in a value is escaped, not passed on as HTML")

        // text: the figures and every section title.
        let text = try p.ok(["report", "status", "--since", "2026-03-01", "--until", "2026-03-20"]).stdout
        #expect(text.contains("Reviews overdue:") && text.contains("Open risks\n----------"))
    }

    @Test("html is one well-formed, self-contained page with SVG charts and everything escaped")
    func html() throws {
        let p = try ReportProjectRepo.sample()
        for (name, args) in [("status", ["status", "--since", "2026-03-01", "--until", "2026-03-20"]), ("register", ["register"]), ("approvals", ["approvals"])] {
            let file = p.repo.sandbox.path("\(name).html")
            try p.ok(["report"] + args + ["--format", "html", "-o", file])
            let page = try String(contentsOfFile: file, encoding: .utf8)
            let checked = try python(htmlChecker, file, in: p.repo.sandbox) as? [String: Any] ?? [:]
            #expect((checked["errors"] as? [String])?.isEmpty == true, "\(name): \(checked["errors"] ?? "")")
            #expect((checked["unclosed"] as? [String])?.isEmpty == true, "\(name): \(checked["unclosed"] ?? "")")
            let refs = checked["refs"] as? [[String]] ?? []
            #expect(refs.isEmpty, "\(name): attributes that load or link: \(refs)")
            let tags = checked["tags"] as? [String: Int] ?? [:]
            #expect(tags["script"] == nil && tags["img"] == nil && tags["link"] == nil && tags["iframe"] == nil, "\(name): \(tags)")
            #expect(!page.contains("url(") && !page.contains("@import") && !page.contains("://"), "\(name): nothing external")
            #expect(page.contains("@media print"))
            let text = checked["text"] as? String ?? ""
            if name != "approvals" {
                // The title was escaped: the parser sees it as text, not as a script element.
                #expect(text.contains("Issues & \"risks\" <script>alert(1)</script>"), "\(name)")
                #expect((tags["svg"] ?? 0) >= 2 && (checked["svg_titles"] as? Int ?? 0) > 0, "\(name): charts with tooltips: \(tags)")
            }
            if name == "status" {
                #expect(tags["svg"] == 3)
                #expect(text.contains("Events per week") && text.contains("Documents by state") && text.contains("Approval turnaround"))
            }
        }
    }

    @Test("portfolio: two repositories, every row naming its project; --repo before the command; a bare clone")
    func portfolio() throws {
        let alpha = try ReportProjectRepo.sample()
        let beta = try ReportProjectRepo(code: "BETA")
        try beta.new("risks", ["risk-register", "--title", "Beta risks", "--set", "review_date=2026-12-01"], at: "2026-03-10T09:00:00Z")
        let bare = alpha.repo.sandbox.path("alpha.git")
        try alpha.repo.sandbox.git(["clone", "-q", "--bare", alpha.path, bare], in: alpha.repo.sandbox.root.path)

        // `folio --repo A --repo B report register`, from a folder outside both.
        let outside = alpha.repo.sandbox.root.path
        let r = try alpha.run(["--repo", bare, "--repo", beta.path, "report", "register", "--format", "json"], in: outside)
        #expect(r.status == 0, "\(r)")
        let report = (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8))) as? [String: Any] ?? [:]
        let projects = (report["projects"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        #expect(projects == ["ALPHA", "BETA"])
        let docs = rows(report, "documents")
        #expect(docs.filter { $0["project"] as? String == "ALPHA" }.count == 6)
        #expect(docs.filter { $0["project"] as? String == "BETA" }.map { $0["title"] as? String } == ["Beta risks"])
        #expect((report["projects"] as? [[String: Any]])?.first?["repository"] as? String == bare)

        // The bare clone reports exactly what the work tree does.
        for args in [["register"], ["approvals"], ["status", "--since", "2026-03-01", "--until", "2026-03-20"]] {
            let fromTree = try alpha.report(args)
            let fromBare = try alpha.report(args + ["--repo", bare])
            for key in fromTree.keys where !["generated", "projects"].contains(key) {
                #expect(canonical(fromTree[key]) == canonical(fromBare[key]), "\(args[0]).\(key)")
            }
        }

        // Status over both: events of each project, each naming it.
        let status = try alpha.report(["status", "--since", "2026-03-01", "--until", "2026-03-20", "--repo", alpha.path, "--repo", beta.path])
        let events = rows(status, "events")
        #expect(events.filter { $0["project"] as? String == "BETA" }.count == 1)
        let alphaActions = try alpha.actions(since: "2026-03-01T00:00:00Z", until: "2026-03-20T23:59:59Z")
        #expect(events.filter { $0["project"] as? String == "ALPHA" }.count == alphaActions.count)
        #expect(rows(status, "by_kind").map { $0["project"] as? String } == ["ALPHA", "BETA"])
    }

    @Test("bad input: a bad date, an unknown revision, not a repository, a bad section: exit 2 with one line")
    func badInput() throws {
        let p = try ReportProjectRepo.sample()
        let cases: [([String], String)] = [
            (["report", "status", "--since", "2026-02-30"], "not a date"),
            (["report", "status", "--since", "yesterday"], "not a date"),
            (["report", "status", "--since", "2026-03-01", "--until", "2026-3-5"], "not a date"),
            (["report", "status", "--since", "2026-03-10", "--until", "2026-03-01"], "after"),
            (["report", "status", "--until", "2026-02-30"], "not a date"),
            (["report", "register", "--at", "no-such-revision"], "no-such-revision"),
            (["report", "approvals", "--at", "HEAD~500"], "HEAD~500"),
            (["report", "register", "--repo", p.repo.sandbox.root.path], "not a git repository"),
            (["report", "register", "--format", "pdf"], "pdf"),
            (["report", "status", "--since", "2026-03-01", "--section", "nope"], "no section"),
            (["report", "register", "-o", p.repo.sandbox.path("no/such/folder/r.html")], "cannot write"),
        ]
        // Without --since: the week ending at --until (seven days, both included).
        let week = try p.run(["report", "status", "--until", "2026-03-20", "--format", "json"])
        let period = (try? JSONSerialization.jsonObject(with: Data(week.stdout.utf8)) as? [String: Any])?["period"] as? [String: Any]
        #expect(week.status == 0 && period?["since"] as? String == "2026-03-14" && period?["until"] as? String == "2026-03-20", "\(week)")
        for (args, message) in cases {
            let r = try p.run(args)
            #expect(r.status == 2 && !r.crashed, "\(r)")
            #expect(r.stderrLines.count == 1 && r.stderr.contains(message), "\(r)")
            #expect(r.stdout.isEmpty, "\(r)")
        }
    }
}

@Suite("Report renderers", .wide)
struct ReportRendererTests {
    @Test("CSV fields, Markdown cells, HTML and JSON escaping")
    func escaping() throws {
        #expect(CSVFormat.field("plain") == "plain")
        #expect(CSVFormat.field("a,b") == "\"a,b\"")
        #expect(CSVFormat.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVFormat.field("two\nlines") == "\"two\nlines\"")
        #expect(CSVFormat.record(["a", "b,c"]) == "a,\"b,c\"\r\n")
        #expect(MarkdownFormat.cell("a|b\nc\\<x>") == "a\\|b c\\\\\\<x>")
        #expect(HTMLReport.escape("<a href='x'>&\"</a>") == "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;")
        let value = JSONValue.object([("b", .string("quote \" backslash \\ newline \n tab \t nul \u{0} é")), ("a", .array([.int(1), .number(2.5), .bool(true), .null]))])
        let parsed = try JSONSerialization.jsonObject(with: Data(value.text().utf8)) as? [String: Any]
        #expect(parsed?["b"] as? String == "quote \" backslash \\ newline \n tab \t nul \u{0} é")
        #expect((parsed?["a"] as? [Any])?.count == 4)
        #expect(value.text().firstRange(of: "\"b\"")!.lowerBound < value.text().firstRange(of: "\"a\"")!.lowerBound, "keys keep their order")
    }

    @Test("a report renders the same rows in every format")
    func renderAll() throws {
        let project = ReportProject(code: "X", name: "Test", repository: "/r", commit: String(repeating: "a", count: 40), commitDate: "2026-01-01T00:00:00Z")
        let section = ReportSection(
            key: "things", title: "Things", columns: [ReportColumn("name", "Name"), ReportColumn("count", "Count"), ReportColumn("tags", "Tags")],
            rows: [[.text("a|b"), .int(3), .list(["x", "y"])], [.text("<c>"), .null, .list([])]], empty: "none")
        let report = Report(kind: "test", title: "T & T", generated: Date(timeIntervalSince1970: 0), projects: [project],
                            figures: [ReportFigure("n", "N", .number(1.25, decimals: 1))],
                            charts: [ReportChart(key: "c", title: "C", unit: "things", bars: [.init("a", 3), .init("b", 0)])],
                            sections: [section], mainSection: "things")
        let json = try JSONSerialization.jsonObject(with: Data(try ReportRenderer.render(report, format: .json).utf8)) as? [String: Any]
        #expect(json?["report"] as? String == "test" && json?["generated"] as? String == "1970-01-01T00:00:00Z")
        let things = json?["things"] as? [[String: Any]]
        #expect(things?.count == 2 && things?[0]["tags"] as? [String] == ["x", "y"] && things?[1]["count"] is NSNull)
        #expect(((json?["summary"] as? [String: Any])?["n"] as? Double).map { abs($0 - 1.3) < 1e-9 } == true)
        #expect(try ReportRenderer.render(report, format: .csv) == "name,count,tags\r\na|b,3,\"x, y\"\r\n<c>,,\r\n")
        let md = try ReportRenderer.render(report, format: .md)
        #expect(md.contains("| a\\|b | 3 | x, y |"))
        let text = try ReportRenderer.render(report, format: .text)
        #expect(text.contains("Name  Count  Tags\na|b       3  x, y\n"), "\(text)")
        let html = try ReportRenderer.render(report, format: .html)
        #expect(html.contains("&lt;c&gt;") && !html.contains("<c>") && html.contains("T &amp; T") && html.contains("<svg"))
        #expect(throws: FolioError.self) { try ReportRenderer.render(report, format: .csv, section: "nope") }
    }
}

/// `Timestamp.date` parses by hand; Foundation's ISO 8601 parser is the reference.
@Suite struct TimestampTests {
    @Test("the hand-written RFC 3339 parser agrees with ISO8601DateFormatter on valid, invalid and offset times")
    func agreesWithFoundation() {
        let reference = ISO8601DateFormatter()
        reference.formatOptions = [.withInternetDateTime]
        var samples = [
            "2026-03-02T10:00:00Z", "2026-03-02T10:00:00+01:00", "2026-03-02T10:00:00-05:30", "2024-02-29T23:59:59Z",
            "2023-02-29T10:00:00Z", "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z", "2026-04-31T00:00:00Z", "2026-03-02T24:00:00Z",
            "2026-03-02T10:60:00Z", "2026-03-02 10:00:00Z", "2026-03-02T10:00:00", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
            "1969-12-31T23:59:59Z", "2026-03-02T10:00:00.5Z", "2026-3-2T10:00:00Z", "", "garbage", "2026-03-02t10:00:00z",
        ]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let seconds = Int64.random(in: -62_135_596_800...253_402_300_799, using: &generator)
            samples.append(Timestamp.string(seconds: seconds))
        }
        for text in samples {
            let year = Int(text.prefix(4)) ?? 0
            if ["2023-02-29T10:00:00Z", "2026-04-31T00:00:00Z"].contains(text) {
                #expect(Timestamp.date(text) == nil, "an impossible day is refused, not rolled over: \(text)")
            } else if year >= 1583 || year == 0 {
                #expect(Timestamp.date(text) == reference.date(from: text), "\(text)")
            }
        }
        // Every time Timestamp.string writes reads back to itself (proleptic Gregorian, years 1 to 9999).
        for _ in 0..<2000 {
            let seconds = Int64.random(in: -62_135_596_800...253_402_300_799, using: &generator)
            #expect(Timestamp.date(Timestamp.string(seconds: seconds)).map { Int64($0.timeIntervalSince1970) } == seconds)
        }
    }
}
