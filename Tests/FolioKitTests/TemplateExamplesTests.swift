import Foundation
import Testing

@testable import FolioGit
@testable import FolioKit
@testable import FolioModel

/// Each of the fifteen built-in templates has a realistic example document
/// (Tests/FolioKitTests/Fixtures/examples/<type>.md) that passes `folio check`.
@Suite("Built-in templates and their examples", .wide)
struct TemplateExamplesTests {
    static let types = CommandTests.allTypes

    static func exampleURL(_ type: String) -> URL {
        Tools.fixtures.appendingPathComponent("examples/\(type).md")
    }

    static func example(_ type: String) throws -> String {
        try String(contentsOf: exampleURL(type), encoding: .utf8)
    }

    /// The example's ID (from its front matter).
    static func exampleID(_ type: String) throws -> String {
        let text = try example(type)
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("id: ") }) else {
            throw SetupError("\(type) example has no id")
        }
        return String(line.dropFirst(4)).trimmingCharacters(in: .whitespaces)
    }

    /// Attachment file names an example's document lists in its Files table (artifact).
    static func attachmentNames(_ type: String) throws -> [String] {
        guard type == "artifact" else { return [] }
        return try example(type).split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("| ALP") else { return nil }
            return line.split(separator: "|").first.map { $0.trimmingCharacters(in: .whitespaces) }
        }
    }

    /// A managed ALPHA repository holding all fifteen examples (they refer to
    /// each other) and the artifact's attachments, committed with git.
    static func repoWithExamples(throughHooks: Bool = false) throws -> TestRepo {
        let repo = try TestRepo.managed()
        for type in types {
            let id = try exampleID(type)
            try repo.write("docs/\(type)/\(id).md", try example(type))
            for name in try attachmentNames(type) {
                try repo.write("docs/\(type)/\(id)/\(name)", Data("attachment \(name)\n".utf8) + Data([0, 1, 2]))
            }
        }
        try repo.git("add", "docs")
        if throughHooks {
            let r = try repo.gitAllowingFailure(["commit", "-q", "-m", "Add the example documents"])
            #expect(r.status == 0, "the hooks refused the examples:\n\(r)")
        } else {
            try repo.git("commit", "-q", "--no-verify", "-m", "Add the example documents")
        }
        return repo
    }

    @Test("the built-in templates are the fifteen types, and each is a valid template", arguments: types)
    func builtinTemplate(_ type: String) throws {
        let builtin = BuiltinTemplates.all.first { $0.type == type }
        #expect(builtin != nil)
        let text = try #require(builtin?.text)
        let template = try Template(path: "templates/\(type).md", text: text)
        #expect(template.type == type)
        #expect(!template.sections.isEmpty)
        let expected = ["charter", "change-request"].contains(type) ? ["pmo", "sponsor"] : type == "timesheet" ? ["manager"] : ["pm"]
        #expect(template.approvals.sorted() == expected)
        // The tool's templates/ folder is what is embedded.
        let file = try String(contentsOf: Tools.packageRoot.appendingPathComponent("templates/\(type).md"), encoding: .utf8)
        #expect(file == text)
        #expect(BuiltinTemplates.all.count == 15)
    }

    @Test("the example is valid and complete against its template (FolioKit)", arguments: types)
    func exampleValidUnit(_ type: String) throws {
        #expect(FileManager.default.fileExists(atPath: Self.exampleURL(type).path), "missing example for \(type)")
        let text = try Self.example(type)
        let builtin = try #require(BuiltinTemplates.all.first { $0.type == type })
        let template = try Template(path: "templates/\(type).md", text: builtin.text)
        let ids = Set(try Self.types.map(Self.exampleID))
        let context = ValueContext(
            people: Set(Person.allCases.filter { $0 != .mallory }.map(\.email)), documentExists: { ids.contains($0) })
        let id = try Self.exampleID(type)
        let path = "docs/\(type)/\(id).md"
        let read = DocumentReader.read(path: path, bytes: Array(text.utf8), template: template, expectedID: id)
        let document = try #require(read.document, "\(read.diagnostics.map(\.formatted))")
        #expect(document.type == type)
        let found = read.diagnostics
            + Validator(template: template, context: context, complete: true).validate(document, attachments: try Self.attachmentNames(type))
        #expect(found.isEmpty, "\(found.map(\.formatted).joined(separator: "\n"))")
    }

    @Test("folio check passes the example in a real repository", arguments: types)
    func exampleValidEndToEnd(_ type: String) throws {
        let repo = try Self.repoWithExamples()
        let path = "docs/\(type)/\(try Self.exampleID(type)).md"
        let r = expectSuccess(try repo.folio("check", path))
        #expect(!diagnostics(in: r.stdout + r.stderr).contains { $0.severity == "error" }, "\(r)")
        let complete = expectSuccess(try repo.folio("check", "--complete", path))
        #expect(diagnostics(in: complete.stdout).isEmpty, "the example is complete:\n\(complete)")
    }

    @Test("all fifteen examples pass the hooks, folio check --all, and can be checked in and submitted")
    func allExamples() throws {
        let repo = try Self.repoWithExamples(throughHooks: true)
        #expect(Set(try repo.trailerValues("Folio-Document")) == Set(try Self.types.map(Self.exampleID)))
        let r = expectSuccess(try repo.folio("check", "--all", "--complete"))
        #expect(diagnostics(in: r.stdout).isEmpty, "\(r)")
        let list = jsonObjects(expectSuccess(try repo.folio("ls", "--format", "json")))
        #expect(list.count == 15)
        // Committed by plain git: a check-in records them; then they can be submitted.
        let charter = try Self.exampleID("charter")
        try repo.write("docs/charter/\(charter).md", try Self.example("charter") + "\n")
        expectSuccess(try repo.folio("checkin", charter, as: .dave))
        expectSuccess(try repo.folio("submit", charter, as: .dave))
        expectSuccess(try repo.folio("approve", charter, as: .bob))
        expectSuccess(try repo.folio("approve", charter, as: .carol))
        expectSuccess(try repo.folio("issue", charter, as: .carol))
        #expect(try CommandTests.status(repo, charter)["state"] as? String == "issued")
    }

    @Test("folio new gives a draft for every type, which folio check accepts (warnings only)", arguments: types)
    func newDraft(_ type: String) throws {
        let repo = try TestRepo.managed()
        let before = try repo.head()
        let doc = try repo.newDocument(type, title: "A new \(type)")
        try expectFolioCommit(repo, after: before, document: doc.id, action: "create", revision: "0.1")
        let r = expectSuccess(try repo.folio("check", doc.path))
        #expect(!diagnostics(in: r.stdout).contains { $0.severity == "error" }, "\(r)")
        let text = try repo.read(doc.path)
        #expect(text.contains("# A new \(type)"), "the title placeholder is filled:\n\(text)")
        #expect(!text.contains("{{"), "every placeholder is filled:\n\(text)")
    }

    @Test("charter and change-request need sponsor and pmo: one approval is not enough")
    func twoRoleApproval() throws {
        let repo = try Self.repoWithExamples()
        let id = try Self.exampleID("change-request")
        try repo.write("docs/change-request/\(id).md", try Self.example("change-request") + "\n")
        expectSuccess(try repo.folio("checkin", id, as: .dave))
        expectSuccess(try repo.folio("submit", id, as: .dave))
        let one = expectSuccess(try repo.folio("approve", id, as: .bob))
        #expect(one.stdout.contains("pmo"), "names the missing role:\n\(one)")
        expectFailure(try repo.folio("issue", id, as: .carol), exit: [1], mentioning: ["pmo"])
        // alice is pm and admin, neither sponsor nor pmo.
        expectFailure(try repo.folio("approve", id, as: .alice), exit: [1])
        expectSuccess(try repo.folio("approve", id, as: .carol))
        expectSuccess(try repo.folio("issue", id, as: .carol))
    }
}
