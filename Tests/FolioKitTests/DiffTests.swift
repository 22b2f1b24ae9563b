import Foundation
import Testing

@Suite("Diff and show across revisions", .wide)
struct DiffTests {
    static let separator = "| --- | --- | --- | --- | --- | --- | --- | --- |"

    /// A decision log with two decisions, issued (1.0 or the scheme's first issue).
    func issuedLogWithRows(_ repo: LCRepo) throws -> (id: String, path: String) {
        let id = try repo.newDecisionLog(title: "Board decisions")
        let path = repo.docPath(id, type: "decision-log")
        try repo.edit(path, replacing: Self.separator, with: Self.separator + """

            | D-001 | 2026-01-10 | Use vendor X | Lowest cost | Vendor Y | alice@example.com | | Accepted |
            | D-002 | 2026-01-12 | Weekly board meetings | Pace of decisions | Monthly | bob@example.com | | Proposed |
            """)
        try repo.ok("checkin", id, "-m", "Two decisions")
        try repo.ok("submit", id)
        try repo.ok("approve", id, as: .dave)
        try repo.ok("issue", id)
        return (id, path)
    }

    @Test("diff --format json lists a changed field, an added row and a row changed by key")
    func diffFieldsAndRows() throws {
        let repo = try LCRepo()
        let (id, path) = try issuedLogWithRows(repo)
        #expect(try repo.state(id) == ("issued", "1.0"))

        try repo.edit(path, replacing: "decision_forum: project-board", with: "decision_forum: steering-committee")
        try repo.edit(path, replacing: "| Monthly | bob@example.com | | Proposed |", with: "| Monthly | bob@example.com | | Accepted |")
        try repo.edit(path, replacing: "| Pace of decisions | Monthly | bob@example.com | | Accepted |", with: """
            | Pace of decisions | Monthly | bob@example.com | | Accepted |
            | D-003 | 2026-02-01 | Hire a scheduler | Workload | Overtime | carol@example.com | | Proposed |
            """)
        try repo.ok("checkin", id, "-m", "Decisions updated", as: .dave)
        #expect(try repo.state(id) == ("draft", "1.1"))

        let r = try repo.ok("diff", id, "--format", "json")
        let diff = try #require(r.jsonObject, "diff JSON:\n\(r)")
        #expect(diff["document"] as? String == id)
        #expect(diff["from"] as? String == "1.0", "by default from the issued revision:\n\(r.stdout)")
        #expect(diff["to"] as? String == "1.1", "\(r.stdout)")

        let fields = diff["fields"] as? [[String: Any]] ?? []
        let forum = fields.first { $0["name"] as? String == "decision_forum" }
        #expect(forum?["change"] as? String == "changed", "\(fields)")
        #expect(forum?["from"] as? String == "project-board")
        #expect(forum?["to"] as? String == "steering-committee")
        #expect(fields.count == 1, "only decision_forum changed: \(fields)")

        let rows = diff["rows"] as? [[String: Any]] ?? []
        let added = rows.first { $0["key"] as? String == "D-003" }
        #expect(added?["change"] as? String == "added", "\(rows)")
        #expect(added?["table"] as? String == "Decisions")
        let changed = rows.first { $0["key"] as? String == "D-002" }
        #expect(changed?["change"] as? String == "changed", "\(rows)")
        #expect(changed?["table"] as? String == "Decisions")
        let columns = changed?["columns"] as? [[String: Any]] ?? []
        #expect(columns.count == 1, "\(columns)")
        #expect(columns.first?["name"] as? String == "Status")
        #expect(columns.first?["from"] as? String == "Proposed")
        #expect(columns.first?["to"] as? String == "Accepted")
        #expect(!rows.contains { $0["key"] as? String == "D-001" }, "D-001 did not change: \(rows)")
        #expect(rows.count == 2, "\(rows)")

        // The same with explicit revisions, and in text.
        let explicit = try #require(try repo.ok("diff", id, "1.0", "1.1", "--format", "json").jsonObject)
        #expect((explicit["rows"] as? [[String: Any]])?.count == 2)
        #expect((explicit["fields"] as? [[String: Any]])?.count == 1)
        let text = try repo.ok("diff", id)
        #expect(text.stdout.contains("D-003") && text.stdout.contains("D-002") && text.stdout.contains("decision_forum"),
                "\(text)")
        // Between two identical versions there is nothing.
        let none = try #require(try repo.ok("diff", id, "1.0", "1.0", "--format", "json").jsonObject)
        #expect((none["rows"] as? [Any])?.isEmpty == true && (none["fields"] as? [Any])?.isEmpty == true, "\(none)")
        try repo.expectFsck()
    }

    @Test("show --rev prints the issued content after later drafts", arguments: LCScheme.all)
    func showIssuedRevision(scheme: LCScheme) throws {
        let repo = try LCRepo(revisions: scheme.name)
        let id = try repo.newCharter()
        let path = repo.docPath(id, type: "charter")
        let firstDraft = try repo.read(path)
        try repo.ok("submit", id)
        try repo.ok("approve", id, as: .bob)
        try repo.ok("approve", id, as: .carol)
        try repo.ok("issue", id)
        let issued = try repo.read(path)
        #expect(try repo.git("show", "refs/tags/folio/\(id)/\(scheme.firstIssue):\(path)").stdout == issued)

        try repo.edit(path, replacing: "priority: medium", with: "priority: high")
        try repo.ok("checkin", id, as: .dave)
        let nextDraft = try repo.read(path)
        try repo.edit(path, replacing: "portfolio:", with: "portfolio: Core")
        try repo.ok("checkin", id, as: .dave)
        let latest = try repo.read(path)
        #expect(latest != issued && nextDraft != issued)

        let shown = try repo.ok("show", id, "--rev", scheme.firstIssue)
        #expect(shown.stdout == issued, "show --rev \(scheme.firstIssue) prints the issued content:\n\(shown.stdout)")
        #expect(try repo.ok("show", id).stdout == latest)
        #expect(try repo.ok("show", id, "--rev", scheme.nextDraft).stdout == nextDraft)
        #expect(try repo.ok("show", id, "--rev", scheme.firstDraft).stdout == firstDraft)
        LCExpectRefused(try repo.folio("show", id, "--rev", "Z99"), exit: 2)
        try repo.expectFsck()
    }
}
