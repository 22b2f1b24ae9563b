import Foundation
import Testing

@testable import FolioGit
@testable import FolioKit

/// `verify` and the server's hook read each commit's changes, and parse the
/// documents they will validate, on a second thread (`ReadAhead`). What they
/// find must not depend on it: the same findings, in the same order, with
/// and without, and the documents parsed there are the ones the judge uses.
@Suite("Read-ahead: verify and the hook judge the same with a second thread", .wide)
struct ReadAheadTests {
    /// A history of a dozen commits with a finding of each kind the parsed
    /// documents decide: an incomplete charter submitted by a hand-written
    /// line (lifecycle.complete) and a charter whose date is not a date
    /// (template, for the hook), among complete ones submitted and issued.
    func history() throws -> LCRepo {
        let repo = try LCRepo()
        for n in 1...3 {
            let id = try repo.issuedDecisionLog(title: "Decision log \(n)")
            #expect(try repo.state(id).state == "issued")
        }
        // Created with no values: incomplete, so `folio submit` would refuse it.
        let draft = try repo.new("charter", title: "Unfinished charter")
        let created = try repo.recordEvents(draft).last ?? [:]
        let line: [String: Any] = [
            "actor": Person.alice.email, "at": VerifyTests.now(), "document": draft, "event": "submitted",
            "fingerprint": created["fingerprint"] as? String ?? "", "name": Person.alice.name, "revision": created["revision"] as? String ?? "",
        ]
        let json = try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys])
        try repo.appendRecord(draft, [String(decoding: json, as: UTF8.self)])
        try repo.commitNoVerify("Submitted by hand")
        // A plain edit that breaks a value's rule (no check-in either).
        let charter = try repo.newCharter(title: "Second charter")
        let path = try #require(try repo.status(charter)["path"] as? String)
        let text = try String(contentsOfFile: repo.path + "/" + path, encoding: .utf8)
        #expect(text.contains("2026-01-05"))
        try repo.write(path, text.replacingOccurrences(of: "2026-01-05", with: "soon"))
        try repo.commitNoVerify("Start date by hand")
        return repo
    }

    @Test("verify: the same report with and without the second thread, and the parsed documents are used")
    func verifyReadsAhead() throws {
        let repo = try history()
        let commits = Int(try repo.git("rev-list", "--count", "HEAD").trimmed) ?? 0
        #expect(commits >= 12)
        let alone = Verifier(repository: try Repository.discover(from: repo.path))
        alone.readsAhead = false
        let one = try alone.run()
        let both = Verifier(repository: try Repository.discover(from: repo.path))
        let two = try both.run()
        #expect(one.findings == two.findings)
        #expect(one.findings.contains { $0.rule == "lifecycle.complete" }, "\(one.findings)")
        #expect(one.findings.contains { $0.rule == "content.unrecorded" }, "\(one.findings)")
        #expect(alone.parsedAheadUsed == 0)
        // The three logs' submissions (each issue is of the same content,
        // validated once); the hand-written one says no Folio-Action, so the
        // judge parses it itself.
        #expect(both.parsedAheadUsed >= 3, "documents parsed ahead and taken: \(both.parsedAheadUsed)")
    }

    @Test("the hook: the same findings with and without the second thread, every changed document parsed there")
    func hookReadsAhead() throws {
        let repo = try history()
        let repository = try Repository.discover(from: repo.path)
        let commits = try repository.walk(from: [try #require(try repository.headCommit()).id], reverse: true)
        func judge(_ ahead: Bool) throws -> (findings: [Finding], used: Int) {
            let verifier = Verifier(repository: try Repository.discover(from: repo.path))
            verifier.enforceTemplates = true
            verifier.readsAhead = ahead
            let findings = try verifier.check(commits: commits)
            return (findings, verifier.parsedAheadUsed)
        }
        let one = try judge(false)
        let two = try judge(true)
        #expect(one.findings == two.findings)
        #expect(one.findings.contains { $0.rule == "template" && $0.message.contains("start_date") }, "\(one.findings)")
        #expect(one.used == 0)
        #expect(two.used > 4, "documents parsed ahead and taken: \(two.used)")
    }
}
