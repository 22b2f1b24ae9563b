import Foundation
import Testing

@testable import FolioGit
@testable import FolioKit
@testable import FolioModel

/// Existing collections adopted in place (docs/formats.md, "Adoption"):
/// generated collections of the three real layouts (file-name IDs, heading
/// IDs, folder IDs with a metadata file) against an independent oracle
/// (Fixtures/scripts/adopt.py) and `git log --follow`; identity bound by the
/// record through renames and retitles; duplicates refused everywhere;
/// formats, template mistakes and the adopted-folder history.
@Suite("Adoption: real layouts, stable identity, history before control", .wide)
struct AdoptionTests {
    /// A collection made by scripts/gen-adopt.py.
    static func generated(_ layout: String, _ options: [String]) throws -> TestRepo {
        let sandbox = try Sandbox()
        let path = sandbox.path("repo")
        let r = try sandbox.run(
            Tools.python, [Tools.packageRoot.appendingPathComponent("scripts/gen-adopt.py").path, path, "--layout", layout] + options,
            in: sandbox.root.path)
        guard r.ok else { throw SetupError("gen-adopt.py failed:\n\(r)") }
        return TestRepo(sandbox: sandbox, path: path)
    }

    static func oracle(_ repo: TestRepo) throws -> [String: Any] {
        let script = Tools.fixtures.appendingPathComponent("scripts/adopt.py").path
        let r = try repo.sandbox.run(Tools.python, [script, repo.path], in: repo.path)
        guard r.ok, let json = r.jsonObject else { throw SetupError("adopt.py failed:\n\(r)") }
        return json
    }

    /// (id, path, title, type) rows, sorted.
    static func rows(_ list: [[String: Any]]) -> [String] {
        list.map { "\($0["id"] as? String ?? "nil") \($0["path"] as? String ?? "") | \($0["title"] as? String ?? "nil") | \($0["type"] as? String ?? "")" }.sorted()
    }

    @Test("three layouts (file name, heading, folder with kep.yaml) are listed as the oracle derives them; duplicate headings are errors naming both files", arguments: ["filename", "heading", "folder"])
    func layoutsMatchTheOracle(layout: String) throws {
        let repo = try Self.generated(layout, ["--documents", "40", "--commits", "120", "--renames", "4", "--retitles", "4", "--duplicates", "2", "--seed", "3"])
        let expected = try Self.oracle(repo)
        let listed = expectSuccess(try repo.folio("ls", "--format", "json"))
        guard let actual = listed.jsonArray, let documents = expected["documents"] as? [[String: Any]] else {
            Issue.record("not JSON:\n\(listed)")
            return
        }
        #expect(documents.count >= 40)
        #expect(Self.rows(actual) == Self.rows(documents))
        // Every duplicate the oracle finds is an error on each of its files, and
        // a command given that ID refuses it, naming the files.
        let duplicates = expected["duplicates"] as? [String: [String]] ?? [:]
        if layout == "heading" { #expect(!duplicates.isEmpty, "the heading layout has duplicate leading tokens") }
        let check = try repo.folio("check", "--all")
        let flagged = Set(diagnostics(in: check.stdout + check.stderr).filter { $0.rule == "id.duplicate" }.map(\.path))
        #expect(flagged == Set(duplicates.values.flatMap { $0 }), "\(check)")
        for (id, paths) in duplicates {
            expectFailure(try repo.folio("show", id), exit: [2], mentioning: paths)
            expectFailure(try repo.folio("checkin", id), exit: [2], mentioning: paths)
        }
    }

    @Test("a document's log reaches back through its whole git history, renames included, as git log --follow does, marked before control", arguments: ["filename", "heading", "folder"])
    func historyFollowsRenames(layout: String) throws {
        let repo = try Self.generated(layout, ["--documents", "25", "--commits", "150", "--renames", "6", "--retitles", "6", "--duplicates", "1", "--seed", "5"])
        let oracle = try Self.oracle(repo)
        let documents = oracle["documents"] as? [[String: Any]] ?? []
        let duplicates = Set((oracle["duplicates"] as? [String: [String]] ?? [:]).keys)
        var renamed = 0
        for document in documents {
            guard let id = document["id"] as? String, let path = document["path"] as? String, !duplicates.contains(id) else { continue }
            let git = try repo.git("log", "--follow", "--format=%H", "--", path)
            let expected = git.stdout.split(separator: "\n").map(String.init)
            let log = expectSuccess(try repo.folio("log", id, "--format", "json"))
            let all = log.jsonArray ?? []
            // The commit that adopted the collection is in the log too, once.
            #expect(all.filter { $0["action"] as? String == "adopted" }.count == 1, "\(id): \(all)")
            let entries = all.filter { $0["action"] as? String != "adopted" }
            #expect(entries.map { $0["commit"] as? String ?? "" } == expected, "\(id): folio log differs from git log --follow")
            #expect(entries.allSatisfy { $0["controlled"] as? Bool == false }, "\(id) has no record: all of its history is before control")
            if Set(entries.compactMap { $0["path"] as? String }).count > 1 { renamed += 1 }
            // The first version, where the file was then.
            if let first = expected.last {
                let shown = expectSuccess(try repo.folio("show", id, "--rev", first))
                let oldPath = entries.last?["path"] as? String ?? path
                #expect(shown.stdout == (try repo.git("show", "\(first):\(oldPath)").stdout))
            }
        }
        #expect(renamed >= 3, "\(layout): renames and retitles were followed (\(renamed) documents with more than one path)")
        // A document with no record: its first draft is what is committed.
        if let id = documents.compactMap({ $0["id"] as? String }).first(where: { !duplicates.contains($0) }) {
            expectSuccess(try repo.folio("show", id, "--rev", "0.1"))
            expectSuccess(try repo.folio("diff", id))
        }
    }

    /// A template of `type` whose rules are `adopt` (and `more` rule lines).
    static func template(_ type: String, _ code: String, adopt: String, more: [String] = []) -> String {
        (["---", "template:", "  type: \(type)", "  code: \(code)", "  adopt: \(adopt)"] + more.map { "  " + $0 } + ["---", ""]).joined(separator: "\n")
    }

    static let adr = """
        ---
        template:
          type: adr
          code: ADR
          name: Architecture decision
          adopt: { glob: "decisions/*.md", id: heading, title: heading }
          approvals: [pm]
        ---
        # {{title}}

        """

    @Test("identity is bound by the record: a heading edit keeps the ID, git mv alone is refused, checkin records the move, verify agrees")
    func identityBoundByRecord() throws {
        let repo = try TestRepo.managed()
        try repo.write("templates/adr.md", Self.adr)
        try repo.write("decisions/first.md", "# ADR-1: Use PostgreSQL\n\nWe use it.\n")
        try repo.write("decisions/second.md", "# ADR-2: Use Swift\n\nWe use it.\n")
        try repo.git("add", ".")
        try repo.git("commit", "-q", "-m", "Adopt decision records")
        expectSuccess(try repo.folio("checkin", "ADR-1"))
        let record = try String(contentsOfFile: repo.file(".folio/records/ADR-1.jsonl"), encoding: .utf8)
        #expect(record.contains(#""path":"decisions/first.md""#))

        // A new first heading no longer derives ADR-1, but the record binds the file.
        try repo.write("decisions/first.md", "# ADR-9: Use PostgreSQL 17\n\nWe use it.\n")
        expectSuccess(try repo.folio("checkin", "decisions/first.md"))
        let listed = expectSuccess(try repo.folio("ls", "--format", "json")).jsonArray ?? []
        #expect(listed.map { $0["id"] as? String ?? "" } == ["ADR-1", "ADR-2"])
        #expect(listed.first?["title"] as? String == "ADR-9: Use PostgreSQL 17")

        // git mv alone: the pre-commit hook refuses, check says where it went.
        try repo.git("mv", "decisions/first.md", "decisions/0001-postgres.md")
        let refused = try repo.sandbox.run(Tools.git, ["commit", "-q", "-m", "rename"], in: repo.path)
        #expect(!refused.ok)
        #expect((refused.stdout + refused.stderr).contains("adopt.missing"), "\(refused)")
        let status = expectSuccess(try repo.folio("status"))
        #expect(status.stdout.contains("moved from decisions/first.md"), "\(status)")
        // checkin records it: one commit, old path gone, new bound.
        let moved = expectSuccess(try repo.folio("checkin", "decisions/0001-postgres.md"))
        #expect(moved.stdout.contains("ADR-1"))
        let stat = try repo.git("show", "--no-renames", "--name-status", "--format=%s", "HEAD").stdout
        #expect(stat.contains("D\tdecisions/first.md") && stat.contains("A\tdecisions/0001-postgres.md"), "\(stat)")
        #expect(try repo.git("status", "--porcelain").stdout.isEmpty)
        let log = expectSuccess(try repo.folio("log", "ADR-1", "--format", "json")).jsonArray ?? []
        #expect(Set(log.compactMap { $0["path"] as? String }) == ["decisions/first.md", "decisions/0001-postgres.md"])
        expectSuccess(try repo.folio("verify"))
        expectSuccess(try repo.folio("check", "--all"))

        // A plain-git rename committed past the hooks: verify finds it.
        try repo.git("mv", "decisions/0001-postgres.md", "decisions/pg.md")
        try repo.git("commit", "-q", "--no-verify", "-m", "sneaky rename")
        let sneaky = try repo.folio("verify")
        #expect(sneaky.status == 1 && sneaky.stdout.contains("[document.deleted]"), "\(sneaky)")
        try repo.git("reset", "-q", "--hard", "HEAD~1")

        // A plain-git rename committed where no hook runs: checkin records it afterwards.
        try repo.git("mv", "decisions/0001-postgres.md", "decisions/pg.md")
        try repo.git("commit", "-q", "--no-verify", "-m", "rename without hooks")
        expectSuccess(try repo.folio("checkin", "decisions/pg.md"))
        #expect(try String(contentsOfFile: repo.file(".folio/records/ADR-1.jsonl"), encoding: .utf8).contains(#""path":"decisions/pg.md""#))
        try repo.git("mv", "decisions/pg.md", "decisions/0001-postgres.md")
        expectSuccess(try repo.folio("checkin", "decisions/0001-postgres.md"))

        // A hand-written event binding ADR-2 to ADR-1's file is caught.
        expectSuccess(try repo.folio("checkin", "ADR-2"))
        let line = try String(contentsOfFile: repo.file(".folio/records/ADR-2.jsonl"), encoding: .utf8)
            .split(separator: "\n").last!.replacingOccurrences(of: "decisions/second.md", with: "decisions/0001-postgres.md")
            .replacingOccurrences(of: "checked-in\",\"fingerprint", with: "checked-in\",\"fingerprint")
        let file = repo.file(".folio/records/ADR-2.jsonl")
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((line + "\n").utf8))
        try handle.close()
        try repo.git("commit", "-q", "--no-verify", "-am", "steal")
        let verify = try repo.folio("verify")
        #expect(!verify.ok)
        #expect(["event.path", "adopt.binding", "event.fingerprint", "id.duplicate"].contains { verify.stdout.contains($0) }, "\(verify)")
    }

    @Test("template mistakes are errors with a line; uncommitted rules are announced by ls, status and templates")
    func templateMistakes() throws {
        let repo = try TestRepo.managed()
        try repo.write("decisions/a.md", "# ADR-1: A\n")
        try repo.write("templates/adr.md", Self.adr.replacingOccurrences(of: "  adopt:", with: "  adpot:"))
        let typo = try repo.folio("check", "--all")
        let found = diagnostics(in: typo.stdout + typo.stderr).first { $0.rule == "template.key" }
        #expect(found?.path == "templates/adr.md" && found?.line == 6 && found?.message.contains("adpot") == true, "\(typo)")
        try repo.write("templates/adr.md", Self.adr.replacingOccurrences(of: "id: heading", with: "id: haeding"))
        expectFailure(try repo.folio("check", "--all"), exit: [1], mentioning: ["haeding", "filename, heading, folder, path, metadata"])
        try repo.write("templates/adr.md", Self.adr)
        expectSuccess(try repo.folio("check", "--all"))
        for command in [["ls"], ["status"], ["templates", "list"]] {
            let r = expectSuccess(try repo.folio(command))
            #expect(r.stderr.contains("templates/adr.md") && r.stderr.contains("rules.uncommitted"), "\(command): \(r)")
        }
        try repo.git("add", ".")
        try repo.git("commit", "-q", "-m", "adopt")
        #expect(!(expectSuccess(try repo.folio("ls")).stderr.contains("rules.uncommitted")))
    }

    @Test("formats: reStructuredText gets its title and metadata checked, sections are refused in its template; a .rst under a Markdown type is an error; extra keys where allowed")
    func formats() throws {
        let repo = try TestRepo.managed()
        try repo.write("rfcs/0042-faster.rst", "Faster builds\n=============\n\nAbstract\n--------\nText.\n")
        try repo.write("rfcs/0043-slower.rst", "\nno title here\n")
        try repo.write("rfcs/0043-slower.yaml", "title: Slower builds\n")
        let rst = #"{ glob: "rfcs/*.rst", id: path, pattern: '^rfcs/([0-9]{4})-', prefix: RFC-, format: restructuredtext }"#
        try repo.write("templates/rfc.md", Self.template("rfc", "RFC", adopt: rst, more: ["sections: [Abstract]"]))
        expectFailure(try repo.folio("check", "--all"), exit: [1], mentioning: ["sections and tables are checked only in Markdown"])
        try repo.write("templates/rfc.md", Self.template("rfc", "RFC", adopt: rst))
        try repo.write("templates/note.md", Self.template("note", "NOTE", adopt: #"{ glob: "notes/*", id: filename, extra_keys: allow }"#))
        try repo.write("notes/one.md", "---\nnav_order: 3\n---\n# One\n")
        try repo.write("notes/two.txt", "Two\n")
        try repo.git("add", ".")
        try repo.git("commit", "-q", "--no-verify", "-m", "adopt")
        let listed = expectSuccess(try repo.folio("ls", "--format", "json")).jsonArray ?? []
        let titles = Dictionary(listed.map { ($0["id"] as? String ?? "", $0["title"] as? String ?? "") }, uniquingKeysWith: { a, _ in a })
        #expect(titles["RFC-0042"] == "Faster builds")
        #expect(titles["RFC-0043"] == "RFC-0043" || titles["RFC-0043"] == "0043-slower", "no underlined title: \(titles)")
        let check = try repo.folio("check", "--all")
        let problems = diagnostics(in: check.stdout + check.stderr)
        #expect(problems.contains { $0.path == "notes/two.txt" && $0.rule == "adopt.format" }, "\(check)")
        #expect(!problems.contains { $0.path == "notes/one.md" }, "nav_order is allowed: \(check)")
    }

    @Test("folder layout: metadata from kep.yaml is validated with its own lines and is part of the fingerprint")
    func metadataFile() throws {
        let repo = try TestRepo.managed()
        try repo.write("keps/1001-x/README.md", "# Graduate X to GA\n")
        try repo.write("keps/1001-x/kep.yaml", "number: \"1001\"\ntitle: Graduate X\nstatus: maybe\n")
        try repo.write("keps/1002-y/README.md", "# Graduate Y to GA\n")
        try repo.write("keps/1002-y/kep.yaml", "{\"number\": \"1002\", \"title\": \"Graduate Y\", \"status\": \"implemented\"}\n")
        try repo.write("keps/1003-z/README.md", "# Graduate Z to GA\n")
        try repo.write("templates/kep.md", Self.template(
            "kep", "KEP", adopt: #"{ glob: "keps/*/README.md", id: metadata, field: number, prefix: KEP-, metadata: kep.yaml }"#,
            more: ["fields:", "  - { name: number, type: text }", "  - { name: status, type: enum, values: [provisional, implementable, implemented] }", "approvals: [pm]"]))
        try repo.git("add", ".")
        try repo.git("commit", "-q", "--no-verify", "-m", "adopt")
        let check = try repo.folio("check", "--all")
        let problems = diagnostics(in: check.stdout + check.stderr)
        #expect(problems.contains { $0.path == "keps/1001-x/kep.yaml" && $0.line == 3 && $0.rule == "field.enum" }, "\(check)")
        #expect(problems.contains { $0.path == "keps/1003-z/README.md" && $0.rule == "adopt.metadata" }, "\(check)")
        let listed = expectSuccess(try repo.folio("ls", "--format", "json")).jsonArray ?? []
        #expect(listed.contains { $0["id"] as? String == "KEP-1002" && $0["title"] as? String == "Graduate Y" })
        // A metadata change is a content change: recorded by checkin, refused in place once issued.
        expectSuccess(try repo.folio("checkin", "KEP-1002"))
        try repo.write("keps/1002-y/kep.yaml", "{\"number\": \"1002\", \"title\": \"Graduate Y\", \"status\": \"implementable\"}\n")
        let second = expectSuccess(try repo.folio("checkin", "KEP-1002"))
        #expect(second.stdout.contains("0.2"))
        #expect(try repo.git("show", "--name-only", "--format=", "HEAD").stdout.contains("keps/1002-y/kep.yaml"))
        try repo.write("keps/1002-y/kep.yaml", "{\"number\": \"1002\", \"title\": \"Graduate Y\", \"status\": \"implemented\"}\n")
        try repo.git("commit", "-q", "--no-verify", "-am", "edit metadata past the hooks")
        let edited = try repo.folio("verify")
        #expect(edited.status == 1 && edited.stdout.contains("[content.unrecorded]"), "\(edited)")
    }

    @Test("an adopted folder that grows by one note a commit: verify and the server hook accept the history, with the oracle's documents")
    func adoptedFolderHistory() throws {
        let repo = try Self.generated("filename", ["--documents", "20", "--commits", "30", "--after-notes", "300", "--seed", "9"])
        let documents = try Self.oracle(repo)["documents"] as? [[String: Any]] ?? []
        #expect(documents.count == 320)
        let verify = expectSuccess(try repo.folio("verify"))
        #expect(verify.stdout.contains("no findings"), "\(verify)")
        let head = try repo.git("rev-parse", "HEAD").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let base = try repo.git("rev-parse", "HEAD~300").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let hook = try repo.folio(["hook", "pre-receive"], stdin: Data("\(base) \(head) refs/heads/main\n".utf8))
        #expect(hook.ok, "\(hook)")
    }

    /// The index a history walk updates commit by commit equals the one built
    /// anew for each commit (renames, retitles, duplicates, files added and
    /// deleted after adoption).
    @Test("the adoption index updated commit by commit equals the index built anew at every commit")
    func incrementalIndexEqualsFresh() throws {
        let repo = try Self.generated("heading", ["--documents", "30", "--commits", "160", "--adopt-at", "40", "--renames", "6", "--retitles", "6", "--duplicates", "3", "--seed", "11"])
        let repository = try Repository.discover(from: repo.path)
        let head = try repository.headCommit()!
        let rules = try Project(repository: repository, source: TreeSource(repository: repository, tree: head.tree(), label: "HEAD"))
        var commit: Commit? = head
        var compared = 0
        func shape(_ index: AdoptionIndex) -> [String] {
            index.all.map { "\($0.id) \($0.path) \($0.type)" } + index.byID.filter { $0.value.count > 1 }.keys.sorted().map { "dup \($0)" }
                + index.missing.sorted { $0.key < $1.key }.map { "missing \($0.key) \($0.value)" }
        }
        while let c = commit, try c.tree().entry(at: "templates/rfc.md") != nil {
            let walked = Project(repository: repository, source: TreeSource(repository: repository, tree: try c.tree(), label: "walk"), reusing: rules)
            let fresh = try Project(repository: repository, source: TreeSource(repository: repository, tree: try c.tree(), label: "fresh"))
            #expect(shape(try walked.adoptionIndex()) == shape(try fresh.adoptionIndex()), "commit \(c.id.short)")
            compared += 1
            commit = try c.parentIDs.first.map { try repository.commit($0) }
        }
        #expect(compared > 100, "walked \(compared) commits after adoption")
    }

    /// The README's adoption walkthrough, run literally (its shell block,
    /// with the real binary on PATH) on a repository holding the file it names.
    @Test("the README's adoption walkthrough runs as written")
    func readmeWalkthrough() throws {
        let readme = try String(contentsOf: Tools.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        guard let section = readme.range(of: "## Adopting an existing collection in place"),
            let open = readme.range(of: "```sh\n", range: section.upperBound..<readme.endIndex),
            let close = readme.range(of: "\n```", range: open.upperBound..<readme.endIndex)
        else {
            Issue.record("README has no adoption walkthrough")
            return
        }
        let script = String(readme[open.upperBound..<close.lowerBound])
        let repo = try TestRepo.plainGit()
        try repo.write("docs/decisions/0007-use-postgres.md", "---\nnav_order: 7\n---\n# Use PostgreSQL\n\n## Context and Problem Statement\n\nWe need a database.\n")
        try repo.git("add", ".")
        try repo.git("commit", "-q", "-m", "Decision records")
        let folio = try Tools.requireFolio()
        let path = (folio as NSString).deletingLastPathComponent + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let run = try repo.sandbox.run("/bin/bash", ["-e", "-c", script], in: repo.path, environment: ["PATH": path])
        #expect(run.ok, "the walkthrough failed:\n\(run)")
        let record = try String(contentsOfFile: repo.file(".folio/records/0007-use-postgres.jsonl"), encoding: .utf8)
        #expect(record.contains(#""path":"docs/decisions/0007-postgresql.md""#), "\(record)")
        expectSuccess(try repo.folio("verify"))
    }
}
