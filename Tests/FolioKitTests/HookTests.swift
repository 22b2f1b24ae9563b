import Foundation
import Testing

/// The client hooks with plain `git commit`: pre-commit refuses invalid
/// documents with the diagnostics; commit-msg adds the Folio trailers.
@Suite("Git hooks", .wide, .tags(.process))
struct HookTests {
    /// A managed repository whose hooks were removed and installed again with
    /// `folio hooks install`, with one committed draft risk register.
    static func repoWithHooks() throws -> (TestRepo, id: String, path: String) {
        let repo = try TestRepo.managed()
        let doc = try repo.newDocument("risk-register", title: "Register")
        for hook in ["pre-commit", "commit-msg"] { try FileManager.default.removeItem(atPath: repo.file(".git/hooks/\(hook)")) }
        let r = expectSuccess(try repo.folio("hooks", "install"))
        #expect(r.stdout.contains("pre-commit") && r.stdout.contains("commit-msg"))
        return (repo, doc.id, doc.path)
    }

    @Test("a plain git commit of an invalid document is refused with the diagnostics")
    func invalidDocumentRefused() throws {
        let (repo, id, path) = try Self.repoWithHooks()
        let bad = riskRegister(id: id, rows: [
            "| R-001 | Late delivery | Schedule | 3 | 4 | 12 | Reduce | Early order | alice@example.com | 2026-12-15 | Maybe |"
        ])
        try repo.write(path, bad)
        try repo.git("add", path)
        let head = try repo.head()
        let staged = try repo.git("diff", "--cached", "--name-only").stdout
        let r = try repo.gitAllowingFailure(["commit", "-m", "Update the risks"])
        #expect(r.status != 0, "the commit went through:\n\(r)")
        #expect(!r.crashed, "\(r)")
        let found = diagnostics(in: r.stderr + "\n" + r.stdout)
        let row = (bad.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix("| R-001") } ?? -2) + 1
        #expect(found.contains { $0.path == path && $0.rule == "table.enum" && $0.severity == "error" && $0.line == row },
                "the diagnostics are shown:\n\(r)")
        #expect(r.stderr.contains("Maybe"))
        #expect(try repo.head() == head)
        #expect(try repo.git("diff", "--cached", "--name-only").stdout == staged, "the staged change stays staged")
    }

    @Test("a plain git commit of a valid document passes and commit-msg adds the Folio trailers")
    func validDocumentGetsTrailers() throws {
        let (repo, id, path) = try Self.repoWithHooks()
        try repo.write(path, riskRegister(id: id))
        try repo.git("add", path)
        let head = try repo.head()
        let r = try repo.gitAllowingFailure(["commit", "-q", "-m", "Update the risks", "-m", "Two new risks from the workshop."])
        #expect(r.status == 0, "\(r)")
        #expect(try repo.head() != head)
        #expect(try repo.trailerValues("Folio-Document") == [id])
        #expect(try repo.trailerValues("Folio-Action") == ["edit"])
        let message = try repo.message()
        #expect(message.hasPrefix("Update the risks\n"), "\(message)")
        #expect(message.contains("Two new risks from the workshop."), "\(message)")
        try expectFsckClean(repo)
        #expect(try repo.git("status", "--porcelain").stdout.isEmpty)
        // folio sees the plain commit; checkin records it as a version.
        expectSuccess(try repo.folio("checkin", id))
        #expect(try repo.trailerValues("Folio-Action") == ["checkin"])
    }

    @Test("commit-msg names every document of the commit, keeps existing trailers, and leaves other commits alone")
    func commitMessageTrailers() throws {
        let (repo, id, path) = try Self.repoWithHooks()
        let other = try repo.newDocument("charter", title: "Charter")
        // Two documents and an attachment.
        try repo.write(path, try repo.read(path) + "\nMore text.\n")
        try repo.write(other.path, try repo.read(other.path) + "\nMore text.\n")
        try repo.write("docs/risk-register/\(id)/scores.pdf", "%PDF-1.4\n")
        try repo.git("add", ".")
        let r = try repo.gitAllowingFailure(["commit", "-q", "-m", "Edit two documents"])
        #expect(r.status == 0, "\(r)")
        #expect(Set(try repo.trailerValues("Folio-Document")) == [id, other.id])
        #expect(try repo.trailerValues("Folio-Document").count == 2, "each document once")

        // A message that already names the document is kept as written.
        try repo.write(path, try repo.read(path) + "\nEven more.\n")
        try repo.git("add", path)
        let own = "Edit by hand\n\nFolio-Document: \(id)\nFolio-Action: edit\n"
        try repo.write("../message.txt", own)
        let r2 = try repo.gitAllowingFailure(["commit", "-q", "-F", repo.sandbox.path("message.txt")])
        #expect(r2.status == 0, "\(r2)")
        #expect(try repo.trailerValues("Folio-Document") == [id])
        #expect(try repo.trailerValues("Folio-Action") == ["edit"])

        // A commit that touches no document gets no trailers.
        try repo.write("notes.txt", "changed notes\n")
        try repo.git("add", "notes.txt")
        let r3 = try repo.gitAllowingFailure(["commit", "-q", "-m", "Notes only"])
        #expect(r3.status == 0, "\(r3)")
        let notesMessage = try repo.message()
        #expect(try repo.trailers().isEmpty, "\(notesMessage)")
        #expect(notesMessage.trimmingCharacters(in: .newlines) == "Notes only")
    }

    @Test("folio hook commit-msg run directly rewrites the message file")
    func commitMsgDirect() throws {
        let (repo, id, path) = try Self.repoWithHooks()
        try repo.write(path, try repo.read(path) + "\nMore.\n")
        try repo.git("add", path)
        let file = repo.sandbox.path("COMMIT_EDITMSG")
        try repo.write("../COMMIT_EDITMSG", "Edit\n\n# Please enter the commit message\n# Lines starting with '#' are ignored\n")
        expectSuccess(try repo.folio("hook", "commit-msg", file))
        let message = try String(contentsOfFile: file, encoding: .utf8)
        #expect(message.contains("Folio-Document: \(id)"), "\(message)")
        // The trailers come before git's comment lines, so git keeps them.
        let trailer = message.range(of: "Folio-Document")!.lowerBound
        let comment = message.range(of: "# Please")!.lowerBound
        #expect(trailer < comment, "\(message)")
    }

    @Test("the pre-commit hook refuses rewriting or deleting a lifecycle record")
    func recordsAreAppendOnly() throws {
        let (repo, id, _) = try Self.repoWithHooks()
        let record = ".folio/records/\(id).jsonl"
        let original = try repo.read(record)
        let head = try repo.head()
        try repo.write(record, original.replacingOccurrences(of: "alice@example.com", with: "bob@example.com"))
        try repo.git("add", record)
        let edit = try repo.gitAllowingFailure(["commit", "-q", "-m", "Rewrite history"])
        #expect(edit.status != 0, "\(edit)")
        #expect(diagnostics(in: edit.stderr).contains { $0.rule == "record.append-only" }, "\(edit)")
        #expect(try repo.head() == head)

        try repo.git("rm", "-q", "-f", record)
        let delete = try repo.gitAllowingFailure(["commit", "-q", "-m", "Delete the record"])
        #expect(delete.status != 0, "\(delete)")
        #expect(diagnostics(in: delete.stderr).contains { $0.rule == "record.append-only" }, "\(delete)")
        #expect(try repo.head() == head)
    }

    @Test("the pre-commit hook refuses an invalid template and a broken folio.yml")
    func templatesAndConfigChecked() throws {
        let (repo, _, _) = try Self.repoWithHooks()
        let head = try repo.head()
        try repo.write("templates/risk-register.md", try repo.read("templates/risk-register.md").replacingOccurrences(of: "code: RSK", with: "code: rsk"))
        try repo.git("add", "templates/risk-register.md")
        let t = try repo.gitAllowingFailure(["commit", "-q", "-m", "Break the template"])
        #expect(t.status != 0, "\(t)")
        #expect(diagnostics(in: t.stderr).contains { $0.path == "templates/risk-register.md" && $0.severity == "error" }, "\(t)")
        try repo.git("reset", "-q", "--hard")

        try repo.write("folio.yml", "project: [\n")
        try repo.git("add", "folio.yml")
        let c = try repo.gitAllowingFailure(["commit", "-q", "-m", "Break the configuration"])
        #expect(c.status != 0, "\(c)")
        #expect(c.stderr.contains("folio.yml"), "\(c)")
        #expect(try repo.head() == head)
    }

    @Test("deleting a controlled document with git is refused by the pre-commit hook, saying what to do instead; the record stays")
    func deletingDocument() throws {
        let (repo, id, path) = try Self.repoWithHooks()
        let head = try repo.head()
        try repo.git("rm", "-q", path)
        let r = try repo.gitAllowingFailure(["commit", "-q", "-m", "Remove the register"])
        #expect(r.status != 0, "\(r)")
        #expect(diagnostics(in: r.stderr).contains { $0.rule == "document.deleted" && $0.message.contains("folio withdraw \(id)") }, "\(r)")
        #expect(try repo.head() == head)
        #expect(repo.exists(".folio/records/\(id).jsonl"))
    }

    @Test("the hooks call folio by absolute path: they work without folio on PATH")
    func absolutePath() throws {
        let (repo, id, path) = try Self.repoWithHooks()
        try repo.write(path, riskRegister(id: id, rows: ["| R-1 | x | Schedule | 3 | 4 | 12 | Reduce | x | alice@example.com | 2026-12-15 | Open |"]))
        try repo.git("add", path)
        // PATH holds only the folder of git, never the folio binary.
        let gitDir = (Tools.git as NSString).deletingLastPathComponent
        let r = try repo.gitAllowingFailure(["commit", "-q", "-m", "x"], environment: ["PATH": "\(gitDir):/bin:/usr/bin"])
        #expect(r.status != 0, "\(r)")
        #expect(diagnostics(in: r.stderr).contains { $0.rule == "table.pattern" }, "the hook ran folio:\n\(r)")
    }

    @Test("hooks install refuses to replace a hook Folio did not write, unless --force")
    func foreignHook() throws {
        let repo = try TestRepo.managed()
        let hook = repo.file(".git/hooks/pre-commit")
        try FileManager.default.removeItem(atPath: hook)
        try repo.write(".git/hooks/pre-commit", "#!/bin/sh\necho team hook\nexit 0\n")
        expectFailure(try repo.folio("hooks", "install"), exit: [1], mentioning: ["pre-commit"])
        #expect(try repo.read(".git/hooks/pre-commit").contains("team hook"))
        expectSuccess(try repo.folio("hooks", "install", "--force"))
        #expect(try repo.read(".git/hooks/pre-commit").contains("hook pre-commit"))
    }

    @Test("hooks install honours core.hooksPath")
    func hooksPath() throws {
        let repo = try TestRepo.managed()
        try repo.git("config", "core.hooksPath", ".githooks")
        expectSuccess(try repo.folio("hooks", "install"))
        #expect(repo.exists(".githooks/pre-commit"))
        #expect(repo.exists(".githooks/commit-msg"))
        let doc = try repo.newDocument("risk-register", title: "Register")
        try repo.write(doc.path, try repo.read(doc.path).replacingOccurrences(of: "risk_appetite: cautious", with: "risk_appetite: wild"))
        try repo.git("add", doc.path)
        let r = try repo.gitAllowingFailure(["commit", "-q", "-m", "x"])
        #expect(r.status != 0, "\(r)")
        #expect(diagnostics(in: r.stderr).contains { $0.rule == "field.enum" }, "\(r)")
    }
}
