import Foundation
import Testing

/// Where folio runs: from a subfolder of the work tree, and with --repo on a
/// bare repository (read commands).
@Suite("Subfolders and bare repositories", .wide)
struct LocationTests {
    @Test("from a subfolder, folio finds the repository and takes paths relative to the current folder")
    func subfolder() throws {
        let repo = try TestRepo.managed()
        let doc = try repo.newDocument("risk-register", title: "Register")
        let sub = "docs/risk-register"

        let ls = jsonObjects(expectSuccess(try repo.folio(["ls", "--format", "json"], in: sub)))
        #expect(ls.compactMap { $0["id"] as? String } == [doc.id])
        expectSuccess(try repo.folio(["status", doc.id], in: sub))
        expectSuccess(try repo.folio(["templates"], in: sub))
        expectSuccess(try repo.folio(["show", doc.id], in: sub))
        expectSuccess(try repo.folio(["log", doc.id], in: sub))

        // A relative path from here names the document; diagnostics use repository paths.
        let check = expectSuccess(try repo.folio(["check", "\(doc.id).md"], in: sub))
        #expect(diagnostics(in: check.stdout).allSatisfy { $0.path == doc.path }, "\(check)")
        try repo.write(doc.path, riskRegister(id: doc.id, rows: ["| R-1 | x | Schedule | 3 | 4 | 12 | Reduce | x | alice@example.com | 2026-12-15 | Open |"]))
        let bad = expectFailure(try repo.folio(["check", "\(doc.id).md"], in: sub), exit: [1])
        #expect(diagnostics(in: bad.stdout).contains { $0.path == doc.path && $0.rule == "table.pattern" }, "\(bad)")
        expectFailure(try repo.folio(["check", "."], in: "docs"), exit: [1], rule: "table.pattern")

        // Writes from a subfolder go to the repository's paths.
        try repo.write(doc.path, riskRegister(id: doc.id))
        var head = try repo.head()
        expectSuccess(try repo.folio(["checkin", "\(doc.id).md"], in: sub))
        try expectFolioCommit(repo, after: head, document: doc.id, action: "checkin", revision: "0.2")
        head = try repo.head()
        let new = expectSuccess(try repo.folio(["new", "charter", "--title", "Charter"], in: sub))
        let id = new.stdoutLines.first ?? ""
        try expectFolioCommit(repo, after: head, document: id, action: "create", revision: "0.1")
        #expect(repo.exists("docs/charter/\(id).md"))
        #expect(!repo.exists("\(sub)/docs"), "nothing written relative to the subfolder")
        // Hooks run from a subfolder too.
        try repo.write(doc.path, riskRegister(id: doc.id, rows: ["| R-1 | x | Schedule | 3 | 4 | 12 | Reduce | x | alice@example.com | 2026-12-15 | Open |"]))
        let add = try repo.sandbox.run(Tools.git, ["add", "\(doc.id).md"], in: repo.file(sub))
        #expect(add.status == 0, "\(add)")
        let commit = try repo.sandbox.run(Tools.git, ["commit", "-q", "-m", "x"], in: repo.file(sub))
        #expect(commit.status != 0, "\(commit)")
        #expect(diagnostics(in: commit.stderr).contains { $0.path == doc.path }, "\(commit)")
    }

    /// A managed repository with an issued document, a draft and history, cloned bare.
    static func bareClone() throws -> (repo: TestRepo, bare: String, issued: String, draft: String) {
        let repo = try TestRepo.managed()
        let issued = try CommandTests.issuedDocument(repo)
        let draft = try repo.newDocument("charter", title: "Charter")
        let bare = repo.sandbox.path("central.git")
        try repo.sandbox.git(["clone", "-q", "--bare", repo.path, bare], in: repo.sandbox.root.path)
        return (repo, bare, issued, draft.id)
    }

    @Test("read commands work with --repo on a bare repository")
    func bareReadCommands() throws {
        let (repo, bare, issued, draft) = try Self.bareClone()
        let folio = try Tools.requireFolio()
        let outside = repo.sandbox.root.path
        func run(_ args: [String]) throws -> ProcessResult {
            try repo.sandbox.run(folio, args, in: outside)
        }
        let ls = jsonObjects(expectSuccess(try run(["ls", "--repo", bare, "--format", "json"])))
        #expect(Set(ls.compactMap { $0["id"] as? String }) == [issued, draft])
        #expect(ls.first { $0["id"] as? String == issued }?["state"] as? String == "issued")
        let status = json(expectSuccess(try run(["status", issued, "--repo", bare, "--format", "json"]))) as? [String: Any]
        #expect(status?["state"] as? String == "issued")
        #expect(status?["revision"] as? String == "1.0")
        #expect((status?["approvals"] as? [Any])?.count == 1)
        expectSuccess(try run(["status", "--repo", bare]))
        let show = expectSuccess(try run(["show", issued, "--repo", bare]))
        #expect(show.stdout == (try repo.read("docs/risk-register/\(issued).md")))
        let atRev = expectSuccess(try run(["show", issued, "--rev", "1.0", "--repo", bare]))
        #expect(atRev.stdout == show.stdout)
        let log = jsonObjects(expectSuccess(try run(["log", issued, "--repo", bare, "--format", "json"])))
        #expect(log.count >= 5)
        expectSuccess(try run(["templates", "--repo", bare]))
        expectSuccess(try run(["templates", "show", "charter", "--repo", bare, "--format", "json"]))
        expectSuccess(try run(["check", "--repo", bare]))
        expectSuccess(try run(["check", "--repo", bare, "--at", "HEAD~1"]))
        let earlier = jsonObjects(expectSuccess(try run(["ls", "--repo", bare, "--at", "HEAD~1", "--format", "json"])))
        #expect(earlier.compactMap { $0["id"] as? String } == [issued], "--at reads an earlier commit")
        // From inside the bare repository, without --repo.
        let inside = try repo.sandbox.run(folio, ["ls", "--format", "json"], in: bare)
        #expect(jsonObjects(expectSuccess(inside)).count == 2)
    }

    @Test("the SPEC's form 'folio --repo PATH COMMAND' works")
    func repoBeforeCommand() throws {
        let (repo, bare, issued, _) = try Self.bareClone()
        let folio = try Tools.requireFolio()
        let r = try repo.sandbox.run(folio, ["--repo", bare, "status", issued], in: repo.sandbox.root.path)
        expectSuccess(r)
        #expect(r.stdout.contains("issued"))
        let ls = try repo.sandbox.run(folio, ["--repo", repo.path, "ls"], in: repo.sandbox.root.path)
        expectSuccess(ls)
    }

    @Test("write commands on a bare repository are refused cleanly and change nothing")
    func bareWriteCommands() throws {
        let (repo, bare, _, draft) = try Self.bareClone()
        let folio = try Tools.requireFolio()
        let head = try repo.sandbox.git(["rev-parse", "HEAD"], in: bare).stdout
        for args in [
            ["new", "risk-register", "--title", "X"], ["checkin", draft], ["attach", draft, repo.file("notes.txt")],
            ["init"],
        ] {
            let r = try repo.sandbox.run(folio, args + ["--repo", bare], in: repo.sandbox.root.path)
            expectFailure(r, exit: [1, 2])
        }
        #expect(try repo.sandbox.git(["rev-parse", "HEAD"], in: bare).stdout == head)
        let fsck = try repo.sandbox.run(Tools.git, ["fsck", "--strict", "--no-dangling"], in: bare)
        #expect(fsck.status == 0, "\(fsck)")
    }

    @Test("--repo pointing at a work tree from elsewhere")
    func repoOption() throws {
        let repo = try TestRepo.managed()
        let doc = try repo.newDocument("risk-register", title: "Register")
        let folio = try Tools.requireFolio()
        let r = try repo.sandbox.run(folio, ["status", doc.id, "--repo", repo.path], in: repo.sandbox.root.path)
        expectSuccess(r)
        let sub = try repo.sandbox.run(folio, ["ls", "--repo", repo.file("docs/risk-register")], in: repo.sandbox.root.path)
        expectSuccess(sub)
        #expect(sub.stdout.contains(doc.id))
    }
}
