import Foundation
import Testing

@testable import FolioGit
@testable import FolioKit
@testable import FolioModel

/// IDs come from the numbering pattern and are never reused.
@Suite("Document IDs", .wide)
struct NumberingTests {
    /// A managed repository with two risk registers, cloned; returns the clone.
    static func clone() throws -> (origin: TestRepo, clone: TestRepo) {
        let origin = try TestRepo.managed()
        #expect(try origin.newDocument("risk-register", title: "One").id == "ALPHA-RSK-0001")
        #expect(try origin.newDocument("risk-register", title: "Two").id == "ALPHA-RSK-0002")
        try origin.sandbox.git(["clone", "-q", origin.path, origin.sandbox.path("clone")], in: origin.sandbox.root.path)
        return (origin, TestRepo(sandbox: origin.sandbox, path: origin.sandbox.path("clone")))
    }

    @Test("on a clone, folio new after git rm + commit of the newest document gives a fresh number")
    func notReusedAfterDeletion() throws {
        let (_, clone) = try Self.clone()
        // The clone continues the numbering it has never allocated itself.
        #expect(try clone.newDocument("risk-register", title: "Three").id == "ALPHA-RSK-0003")
        try clone.git("rm", "-q", "docs/risk-register/ALPHA-RSK-0003.md")
        try clone.git("commit", "-q", "--no-verify", "-m", "Remove the newest register")
        let next = try clone.newDocument("risk-register", title: "Four")
        #expect(next.id == "ALPHA-RSK-0004")
        #expect(!clone.exists("docs/risk-register/ALPHA-RSK-0003.md"))
    }

    @Test("a fresh clone after the newest document was deleted does not reuse its number")
    func notReusedOnFreshClone() throws {
        let (origin, _) = try Self.clone()
        try origin.git("rm", "-q", "docs/risk-register/ALPHA-RSK-0002.md")
        try origin.git("commit", "-q", "--no-verify", "-m", "Remove the newest register")  // past the hooks, which refuse it
        try origin.sandbox.git(["clone", "-q", origin.path, origin.sandbox.path("fresh")], in: origin.sandbox.root.path)
        let fresh = TestRepo(sandbox: origin.sandbox, path: origin.sandbox.path("fresh"))
        #expect(try fresh.newDocument("risk-register", title: "Next").id == "ALPHA-RSK-0003")
    }

    @Test("deleting the document and its record (hooks bypassed) still does not reuse the number on that clone")
    func notReusedAfterRecordDeletion() throws {
        let (_, clone) = try Self.clone()
        #expect(try clone.newDocument("risk-register", title: "Three").id == "ALPHA-RSK-0003")
        try clone.git("rm", "-q", "docs/risk-register/ALPHA-RSK-0003.md", ".folio/records/ALPHA-RSK-0003.jsonl")
        try clone.git("commit", "-q", "--no-verify", "-m", "Remove every trace")
        #expect(try clone.newDocument("risk-register", title: "Four").id == "ALPHA-RSK-0004")
    }

    @Test("a hand-made file reusing a deleted document's ID is refused at check-in")
    func handMadeReuseRefused() throws {
        let (_, clone) = try Self.clone()
        try clone.git("rm", "-q", "docs/risk-register/ALPHA-RSK-0002.md")
        try clone.git("commit", "-q", "--no-verify", "-m", "Remove")
        try clone.write("docs/risk-register/ALPHA-RSK-0002.md", riskRegister(id: "ALPHA-RSK-0002"))
        let head = try clone.head()
        expectFailure(try clone.folio("checkin", "docs/risk-register/ALPHA-RSK-0002.md"), exit: [1], mentioning: ["reused"])
        #expect(try clone.head() == head)
    }

    @Test("numbers are per type and follow the pattern of folio.yml")
    func pattern() throws {
        let repo = try TestRepo.managed()
        try repo.write("folio.yml", peopleConfig.replacingOccurrences(of: "\"{project}-{code}-{seq:4}\"", with: "\"{code}.{seq:3}\""))
        try repo.git("commit", "-q", "--no-verify", "-am", "Shorter IDs")
        #expect(try repo.newDocument("minutes", title: "Kick-off").id == "MIN.001")
        #expect(try repo.newDocument("minutes", title: "Progress").id == "MIN.002")
        #expect(try repo.newDocument("issue-log", title: "Issues").id == "ISS.001")
        #expect(repo.exists("docs/minutes/MIN.002.md"))
    }

    @Test("concurrent folio new on one repository never hands out the same ID twice")
    func concurrentNew() throws {
        let repo = try TestRepo.managed()
        let folio = try Tools.requireFolio()
        // All six run at the same time: started first, then waited for.
        let running = try (0..<6).map { i in
            try repo.sandbox.start(folio, ["new", "issue-log", "--title", "Issues \(i)"], in: repo.path,
                                   as: i % 2 == 0 ? .alice : .dave)
        }
        let results = try running.map { try $0.wait() }
        for r in results { expectSuccess(r) }
        let ids = results.compactMap { $0.stdoutLines.first }
        #expect(Set(ids).count == 6, "\(ids)")
        #expect(Set(ids) == Set((1...6).map { "ALPHA-ISS-000\($0)" }))
        #expect(try repo.commitCount() == 2 + 6)
        try expectFsckClean(repo)
        #expect(try repo.git("status", "--porcelain").stdout.isEmpty, "index and work tree agree after concurrent writes")
        let files = try repo.git("ls-files", "docs/issue-log").stdout.split(separator: "\n")
        #expect(files.count == 6)
    }

    @Test("the numbering pattern formats and parses IDs")
    func numberingPattern() throws {
        let p = try NumberingPattern("{project}-{code}-{seq:4}")
        #expect(p.format(project: "ALPHA", code: "RSK", type: "risk-register", seq: 7) == "ALPHA-RSK-0007")
        #expect(p.format(project: "ALPHA", code: "RSK", type: "risk-register", seq: 12345) == "ALPHA-RSK-12345")
        #expect(p.sequence(of: "ALPHA-RSK-0007", project: "ALPHA", code: "RSK", type: "risk-register") == 7)
        #expect(p.sequence(of: "ALPHA-CHR-0007", project: "ALPHA", code: "RSK", type: "risk-register") == nil)
        #expect(p.sequence(of: "ALPHA-RSK-7", project: "ALPHA", code: "RSK", type: "risk-register") == nil)
        for bad in ["{project}-{code}", "{seq}-{seq}", "{project}/{seq}", "{nope}-{seq}", "{seq", "a b {seq}"] {
            #expect(throws: (any Error).self, "\(bad)") { try NumberingPattern(bad) }
        }
        #expect(DocumentID.problem("ALPHA-RSK-0001") == nil)
        for bad in ["", "..", "../x", "a/b", "a..b", ".hidden", "-x", "CON", "a b", "x\u{0}y", String(repeating: "A", count: 101)] {
            #expect(DocumentID.problem(bad) != nil, "\(bad)")
        }
    }
}
