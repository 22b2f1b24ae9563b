import Foundation
import Testing

/// Bad input gets exit status 1 or 2 and a clear error (a `folio: error:` line
/// or `path:line:col: error: … [rule]` diagnostics), never a crash, and
/// changes nothing.
@Suite("Hostile and bad input", .wide)
struct HostileInputTests {

    /// Hostile contents for a document file.
    enum BadDocument: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case malformedYAML, unclosedFrontMatter, sequenceFrontMatter, scalarFrontMatter, complexKey, duplicateKeys
        case aliasBombFlow, aliasBombBlock, aliasUsedOnce, deepFlowNesting, deepBlockNesting, hugeFrontMatter
        case tooManyValues, invalidUTF8InBody, invalidUTF8InFrontMatter, overlongUTF8, utf16, nulByte, binaryPNG
        case fiftyMegabytes, idWithDotDot, idWithSlash, titleNotText, wrongType, typeWithoutTemplate, emptyFile
        case noFrontMatter

        var testDescription: String { rawValue }

        static func valid(_ id: String) -> String { riskRegister(id: id) }

        func bytes(id: String) -> Data {
            let body = "# Register\n\n## Purpose\n\nText.\n"
            func doc(_ frontMatter: String) -> Data { Data("---\n\(frontMatter)\n---\n\(body)".utf8) }
            let head = "id: \(id)\ntype: risk-register\ntitle: Register\n"
            switch self {
            case .malformedYAML:
                return doc(head + "owner: [alice@example.com\nreview_date: : :")
            case .unclosedFrontMatter:
                return Data("---\n\(head)owner: alice@example.com\n\(body)".utf8)
            case .sequenceFrontMatter:
                return doc("- id\n- type\n- title")
            case .scalarFrontMatter:
                return doc("just a sentence, not a mapping")
            case .complexKey:
                return doc(head + "? [a, b]\n: c")
            case .duplicateKeys:
                return doc(head + "title: Again")
            case .aliasBombFlow:
                var lines = [head + "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]"]
                let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"]
                for i in 1..<names.count {
                    let prev = names[i - 1]
                    lines.append("\(names[i]): &\(names[i]) [" + Array(repeating: "*\(prev)", count: 9).joined(separator: ",") + "]")
                }
                return doc(lines.joined(separator: "\n"))
            case .aliasBombBlock:
                var text = head + "a: &a\n" + Array(repeating: "  - lol", count: 10).joined(separator: "\n")
                let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"]
                for i in 1..<names.count {
                    text += "\n\(names[i]): &\(names[i])\n" + Array(repeating: "  - *\(names[i - 1])", count: 10).joined(separator: "\n")
                }
                return doc(text)
            case .aliasUsedOnce:
                return doc(head + "owner: &who alice@example.com\nreview_date: 2026-12-01\nrelated: *who")
            case .deepFlowNesting:
                return doc(head + "owner: " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000))
            case .deepBlockNesting:
                var text = head + "owner:\n"
                for level in 1...300 { text += String(repeating: " ", count: level * 2) + "k:\n" }
                return doc(text + String(repeating: " ", count: 602) + "end")
            case .hugeFrontMatter:
                return doc(head + "owner: \"" + String(repeating: "x", count: 300 * 1024) + "\"")
            case .tooManyValues:
                return doc(head + "related: [" + Array(repeating: "1", count: 60_000).joined(separator: ",") + "]")
            case .invalidUTF8InBody:
                return Data(Self.valid(id).utf8) + Data([0xC3, 0x28, 0x0A, 0xFF, 0xFE, 0x0A])
            case .invalidUTF8InFrontMatter:
                return Data("---\n\(head)owner: ".utf8) + Data([0xE2, 0x82, 0x0A]) + Data("---\n\(body)".utf8)
            case .overlongUTF8:
                return Data("---\n\(head)owner: ".utf8) + Data([0xC0, 0xAF, 0x0A]) + Data("---\n\(body)".utf8)
            case .utf16:
                return Data([0xFF, 0xFE]) + Self.valid(id).data(using: .utf16LittleEndian)!
            case .nulByte:
                var text = Self.valid(id)
                text.insert("\0", at: text.index(text.startIndex, offsetBy: 40))
                return Data(text.utf8)
            case .binaryPNG:
                var png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52])
                var x: UInt32 = 2_463_534_242
                for _ in 0..<4096 {
                    x ^= x << 13; x ^= x >> 17; x ^= x << 5
                    png.append(UInt8(truncatingIfNeeded: x))
                }
                return png
            case .fiftyMegabytes:
                let line = Data("| R-001 | Filler row to make the file enormous | Schedule | 3 | 4 | 12 | Reduce | x | alice@example.com | 2026-12-15 | Open |\n".utf8)
                var data = Data(Self.valid(id).utf8)
                data.reserveCapacity(50 * 1024 * 1024 + line.count)
                while data.count < 50 * 1024 * 1024 { data.append(line) }
                return data
            case .idWithDotDot:
                return Data(Self.valid(id).replacingOccurrences(of: "id: \(id)", with: "id: ../../../etc/passwd").utf8)
            case .idWithSlash:
                return Data(Self.valid(id).replacingOccurrences(of: "id: \(id)", with: "id: ALPHA/RSK-0001").utf8)
            case .titleNotText:
                return Data(Self.valid(id).replacingOccurrences(of: "title: Risk register", with: "title: {a: b}").utf8)
            case .wrongType:
                return Data(Self.valid(id).replacingOccurrences(of: "type: risk-register", with: "type: charter").utf8)
            case .typeWithoutTemplate:
                return Data(Self.valid(id).replacingOccurrences(of: "type: risk-register", with: "type: no-such-type").utf8)
            case .emptyFile:
                return Data()
            case .noFrontMatter:
                return Data(body.utf8)
            }
        }
    }

    @Test("a hostile document file is refused cleanly by check, checkin and the hooks", arguments: BadDocument.allCases)
    func hostileDocument(_ kind: BadDocument) throws {
        let repo = try TestRepo.managed()
        let doc = try repo.newDocument("risk-register", title: "Register")
        try repo.write(doc.path, kind.bytes(id: doc.id))
        let head = try repo.head()

        let one = expectFailure(try repo.folio("check", doc.path), exit: [1, 2])
        #expect((one.stdout + one.stderr).contains(doc.path), "the error names the file:\n\(one)")
        expectFailure(try repo.folio("check"), exit: [1, 2])
        let asJSON = try repo.folio("check", doc.path, "--format", "json")
        expectNoCrash(asJSON)
        #expect([1, 2].contains(asJSON.status), "\(asJSON)")
        if asJSON.status == 1 {
            #expect(jsonObjects(asJSON).contains { $0["severity"] as? String == "error" && $0["path"] as? String == doc.path })
        } else {
            expectFailure(asJSON, exit: [2])
        }
        expectFailure(try repo.folio("checkin", doc.id), exit: [1, 2])
        expectFailure(try repo.folio("checkin", doc.path), exit: [1, 2])
        #expect(try repo.head() == head)

        // Staged: the pre-commit check and a plain git commit refuse it.
        try repo.git("add", doc.path)
        expectFailure(try repo.folio("check", "--staged"), exit: [1, 2])
        expectFailure(try repo.folio("hook", "pre-commit"), exit: [1])
        let commit = try repo.gitAllowingFailure(["commit", "-q", "-m", "hostile"])
        #expect(commit.status != 0, "the pre-commit hook let a hostile document through:\n\(commit)")
        #expect(!commit.crashed, "\(commit)")
        #expect(try repo.head() == head)

        // Committed anyway (hooks bypassed): read commands still do not crash.
        try repo.git("commit", "-q", "--no-verify", "-m", "hostile, hooks bypassed")
        expectFailure(try repo.folio("check", "--at", "HEAD"), exit: [1, 2])
        for args in [["ls"], ["ls", "--format", "json"], ["status"], ["status", doc.id], ["show", doc.id], ["log", doc.id]] {
            let r = try repo.folio(args)
            expectNoCrash(r)
            if r.status != 0 { expectFailure(r, exit: [1, 2]) }
        }
        // Submitting the committed hostile content is refused.
        expectFailure(try repo.folio("submit", doc.id), exit: [1, 2])
    }

    @Test("a 50 MB document is refused with a size error, without reading it whole")
    func fiftyMegabyteDocument() throws {
        let repo = try TestRepo.managed()
        let doc = try repo.newDocument("risk-register", title: "Register")
        try repo.write(doc.path, BadDocument.fiftyMegabytes.bytes(id: doc.id))
        let r = expectFailure(try repo.folio("check", doc.path), exit: [1, 2])
        #expect(r.stdout.contains("text.size") || r.stderr.contains("larger than"), "\(r)")
        expectFailure(try repo.folio("checkin", doc.id), exit: [1, 2], mentioning: ["larger than"])
    }

    @Test("a document whose front matter uses YAML aliases is refused with a clear message")
    func aliasesNamed() throws {
        let repo = try TestRepo.managed()
        let doc = try repo.newDocument("risk-register", title: "Register")
        try repo.write(doc.path, BadDocument.aliasBombFlow.bytes(id: doc.id))
        expectFailure(try repo.folio("check", doc.path), exit: [1], mentioning: ["alias"], rule: "front-matter")
    }

    // MARK: IDs and paths with `..` or `/`

    static let badReferences: [[String]] = [
        ["show", "../../etc/passwd"], ["show", ".."], ["show", "ALPHA-RSK-0001/../../folio.yml"], ["show", "/etc/passwd"],
        ["status", "../x"], ["status", "a/b"], ["log", "../ALPHA-RSK-0001"], ["log", "ALPHA..RSK"],
        ["submit", "../ALPHA-RSK-0001"], ["approve", "docs/../../x"], ["issue", ".."],
        ["withdraw", "../x", "--reason", "r"], ["supersede", "ALPHA-RSK-0001", "--by", "../ALPHA-RSK-0002"],
        ["checkin", "../outside.md"], ["checkin", "../../../../../etc/passwd"], ["checkin", "/etc/passwd"],
        ["checkin", "docs/risk-register/../../folio.yml"], ["checkin", ".git/config"],
        ["check", "../outside.md"], ["check", "/etc/passwd"], ["attach", "../ALPHA-RSK-0001", "../outside.md"],
        ["new", "../risk-register", "--title", "x"], ["new", "risk-register/../charter", "--title", "x"],
        ["templates", "show", "../risk-register"], ["templates", "show", "risk-register/../charter"],
    ]

    @Test("IDs and paths with '..' or '/' are refused and nothing is written outside the repository",
          arguments: badReferences)
    func badReference(_ args: [String]) throws {
        let repo = try TestRepo.managed()
        _ = try repo.newDocument("risk-register", title: "Register")
        try repo.write("../outside.md", riskRegister(id: "outside"))
        let head = try repo.head()
        func outside() throws -> Set<String> {
            Set(try FileManager.default.contentsOfDirectory(atPath: repo.sandbox.root.path).filter {
                !$0.hasPrefix(".out-") && !$0.hasPrefix(".err-") && !$0.hasPrefix(".in-")
            })
        }
        let outsideBefore = try outside()
        let r = expectFailure(try repo.folio(args), exit: [1, 2])
        #expect(!r.stdout.contains("root:"), "leaked a file outside the repository:\n\(r)")
        #expect(try repo.head() == head)
        #expect(try repo.git("status", "--porcelain").stdout.isEmpty)
        #expect(try outside() == outsideBefore, "something was written next to the repository")
    }

    @Test("a document field naming a path instead of an ID is refused")
    func documentFieldWithPath() throws {
        let repo = try TestRepo.managed()
        let head = try repo.head()
        expectFailure(
            try repo.folio("new", "risk-register", "--title", "x", "--set", "related=../../etc/passwd"),
            exit: [1], rule: "field.document")
        #expect(try repo.head() == head)
    }

    @Test("an attachment whose name starts with '.' is refused")
    func hiddenAttachment() throws {
        let repo = try TestRepo.managed()
        let doc = try repo.newDocument("risk-register", title: "Register")
        try repo.write("../.hidden.pdf", "%PDF")
        let head = try repo.head()
        expectFailure(try repo.folio("attach", doc.id, repo.sandbox.path(".hidden.pdf")), exit: [1, 2])
        #expect(try repo.head() == head)
    }

    // MARK: Invalid templates

    enum BadTemplate: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case invalidYAML, noFrontMatter, noTemplateBlock, templateNotMapping, missingCode, lowerCaseCode
        case typeDiffersFromFileName, unknownFieldType, enumWithoutValues, invalidPattern, reservedField
        case duplicateField, tableNotInSections, keyNotAColumn, attachmentsMinAboveMax, folderWithDotDot
        case absoluteFolder, adoptGlobWithDotDot, aliasBomb, nulByte, invalidUTF8, fiftyMegabytes
        case minNotOfType

        var testDescription: String { rawValue }

        func text() -> Data {
            func rules(_ block: String, type: String = "bad") -> Data {
                Data("---\ntemplate:\n  type: \(type)\n\(block)\n---\n# {{title}}\n\n## Body\n".utf8)
            }
            let ok = "  code: BAD\n  sections: [Body]"
            switch self {
            case .invalidYAML: return Data("---\ntemplate: [unclosed\n  code: : :\n---\n".utf8)
            case .noFrontMatter: return Data("# Just markdown\n".utf8)
            case .noTemplateBlock: return Data("---\nowner: x\n---\n# T\n".utf8)
            case .templateNotMapping: return Data("---\ntemplate: 5\n---\n# T\n".utf8)
            case .missingCode: return rules("  sections: [Body]")
            case .lowerCaseCode: return rules("  code: bad\n  sections: [Body]")
            case .typeDiffersFromFileName: return rules(ok, type: "other")
            case .unknownFieldType: return rules(ok + "\n  fields:\n    - { name: size, type: colour }")
            case .enumWithoutValues: return rules(ok + "\n  fields:\n    - { name: size, type: enum }")
            case .invalidPattern: return rules(ok + "\n  fields:\n    - { name: size, type: text, pattern: \"([unclosed\" }")
            case .reservedField: return rules(ok + "\n  fields:\n    - { name: id, type: text }")
            case .duplicateField:
                return rules(ok + "\n  fields:\n    - { name: size, type: text }\n    - { name: size, type: integer }")
            case .tableNotInSections:
                return rules(ok + "\n  tables:\n    - { heading: Items, columns: [{ name: A, type: text }] }")
            case .keyNotAColumn:
                return rules("  code: BAD\n  sections: [Items]\n  tables:\n    - { heading: Items, key: Z, columns: [{ name: A, type: text }] }")
            case .attachmentsMinAboveMax: return rules(ok + "\n  attachments: { min: 3, max: 1 }")
            case .folderWithDotDot: return rules(ok + "\n  folder: ../outside")
            case .absoluteFolder: return rules(ok + "\n  folder: /etc")
            case .adoptGlobWithDotDot: return rules(ok + "\n  adopt: { glob: \"../*.md\", id: filename, title: heading }")
            case .aliasBomb:
                var lines = ["x: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]"]
                let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
                for i in 1..<names.count {
                    lines.append("x\(i): &\(names[i]) [" + Array(repeating: "*\(names[i - 1])", count: 9).joined(separator: ",") + "]")
                }
                return Data(("---\ntemplate:\n  type: bad\n  code: BAD\n" + lines.joined(separator: "\n") + "\n---\n").utf8)
            case .nulByte: return rules(ok) + Data([0, 0, 0])
            case .invalidUTF8: return rules(ok) + Data([0xFF, 0xFE, 0xC3, 0x28])
            case .fiftyMegabytes:
                var data = rules(ok)
                let line = Data("Filler text for an enormous template body.\n".utf8)
                while data.count < 50 * 1024 * 1024 { data.append(line) }
                return data
            case .minNotOfType: return rules(ok + "\n  fields:\n    - { name: due, type: date, min: soon }")
            }
        }
    }

    @Test("an invalid template is reported, not obeyed", arguments: BadTemplate.allCases)
    func invalidTemplate(_ kind: BadTemplate) throws {
        let repo = try TestRepo.managed()
        try repo.write("templates/bad.md", kind.text())
        // The pre-commit hook refuses the broken template.
        try repo.git("add", "templates/bad.md")
        let commit = try repo.gitAllowingFailure(["commit", "-q", "-m", "bad template"])
        #expect(commit.status != 0, "the pre-commit hook accepted an invalid template:\n\(commit)")
        #expect(!commit.crashed)
        try repo.git("commit", "-q", "--no-verify", "-m", "bad template, hooks bypassed")
        let head = try repo.head()

        let check = expectFailure(try repo.folio("check"), exit: [1])
        #expect(diagnostics(in: check.stdout + check.stderr).contains { $0.path == "templates/bad.md" && $0.severity == "error" },
                "\(check)")
        expectFailure(try repo.folio("check", "templates/bad.md"), exit: [1])
        expectFailure(try repo.folio("templates", "show", "bad"), exit: [1, 2])
        expectFailure(try repo.folio("new", "bad", "--title", "X"), exit: [1, 2])
        #expect(try repo.head() == head)
        // The other types still work.
        let list = try repo.folio("templates")
        expectNoCrash(list)
        #expect(list.status == 0, "\(list)")
        #expect(list.stdout.contains("risk-register"))
        #expect(!list.stdout.contains("BAD"), "an invalid template is not listed as a type:\n\(list)")
        _ = try repo.newDocument("risk-register", title: "Still works")
    }

    @Test("a template reusing another type's code or folder is reported and gets no documents")
    func conflictingTemplate() throws {
        let repo = try TestRepo.managed()
        let existing = try repo.newDocument("risk-register", title: "Register")
        #expect(existing.id == "ALPHA-RSK-0001")
        try repo.write("templates/bad.md", "---\ntemplate:\n  type: bad\n  code: RSK\n---\n# {{title}}\n")
        try repo.write("templates/worse.md", "---\ntemplate:\n  type: worse\n  code: WRS\n  folder: docs/risk-register\n---\n# {{title}}\n")
        try repo.git("add", "templates")
        try repo.git("commit", "-q", "--no-verify", "-m", "conflicting templates")
        let check = expectFailure(try repo.folio("check"), exit: [1])
        let found = diagnostics(in: check.stdout)
        #expect(found.contains { $0.rule == "template.code" }, "\(check)")
        #expect(found.contains { $0.rule == "template.folder" }, "\(check)")
        // Creating a document of the conflicting type would hand out an ID that exists.
        let head = try repo.head()
        let r = try repo.folio("new", "bad", "--title", "Clash")
        expectNoCrash(r)
        #expect(r.status != 0, "new of a type whose code clashes with risk-register's was allowed:\n\(r)")
        if r.status != 0 { expectFailure(r, exit: [1, 2]) }
        #expect(try repo.head() == head)
        let ids = try repo.git("ls-files", "docs").stdout.split(separator: "\n").map { ($0 as NSString).lastPathComponent }
        #expect(ids.filter { $0 == "ALPHA-RSK-0001.md" }.count == 1, "duplicate ID: \(ids)")
    }

    // MARK: Documents whose type has no template

    @Test("a document whose template was removed gets a clear error")
    func templateRemoved() throws {
        let repo = try TestRepo.managed()
        let doc = try repo.newDocument("risk-register", title: "Register")
        try repo.git("rm", "-q", "templates/risk-register.md")
        try repo.git("commit", "-q", "--no-verify", "-m", "remove the template")
        let head = try repo.head()
        expectFailure(try repo.folio("check", doc.path), exit: [1, 2])
        expectFailure(try repo.folio("checkin", doc.path), exit: [1, 2])
        expectFailure(try repo.folio("submit", doc.id), exit: [1, 2])
        expectFailure(try repo.folio("new", "risk-register", "--title", "X"), exit: [2], mentioning: ["risk-register"])
        #expect(try repo.head() == head)
        for args in [["ls"], ["status"], ["status", doc.id]] {
            let r = try repo.folio(args)
            expectNoCrash(r)
            if r.status != 0 { expectFailure(r, exit: [1, 2]) }
        }
    }

    @Test("a document whose template became invalid gets a clear error")
    func templateBroken() throws {
        let repo = try TestRepo.managed()
        let doc = try repo.newDocument("risk-register", title: "Register")
        try repo.write("templates/risk-register.md", "---\ntemplate:\n  type: risk-register\n  code: lower\n---\n")
        try repo.git("commit", "-q", "--no-verify", "-am", "break the template")
        let head = try repo.head()
        let check = expectFailure(try repo.folio("check"), exit: [1])
        #expect(check.stdout.contains("templates/risk-register.md"))
        expectFailure(try repo.folio("check", doc.path), exit: [1, 2])
        try repo.write(doc.path, riskRegister(id: doc.id))
        expectFailure(try repo.folio("checkin", doc.id), exit: [1, 2])
        expectFailure(try repo.folio("new", "risk-register", "--title", "X"), exit: [1, 2], mentioning: ["risk-register"])
        #expect(try repo.head() == head)
    }

    // MARK: Repositories that are not managed, empty, or not repositories

    static let commandsOnAnyRepository: [[String]] = [
        ["ls"], ["status"], ["status", "ALPHA-RSK-0001"], ["check"], ["check", "--staged"], ["templates"],
        ["templates", "show", "risk-register"], ["new", "risk-register", "--title", "X"], ["show", "ALPHA-RSK-0001"],
        ["log", "ALPHA-RSK-0001"], ["checkin", "docs/risk-register/ALPHA-RSK-0001.md"], ["submit", "ALPHA-RSK-0001"],
        ["approve", "ALPHA-RSK-0001"], ["issue", "ALPHA-RSK-0001"], ["attach", "ALPHA-RSK-0001", "../file.pdf"],
    ]

    @Test("a repository that is not managed: a clear error pointing at folio init", arguments: commandsOnAnyRepository)
    func notManaged(_ args: [String]) throws {
        let repo = try TestRepo.plainGit()
        try repo.write("README.md", "# Just a repository\n")
        try repo.write("docs/risk-register/ALPHA-RSK-0001.md", riskRegister(id: "ALPHA-RSK-0001"))
        try repo.write("../file.pdf", "%PDF")
        try repo.git("add", ".")
        try repo.git("commit", "-q", "-m", "plain")
        let head = try repo.head()
        let r = try repo.folio(args)
        if args == ["check", "--staged"] {
            // Nothing to enforce in an unmanaged repository: accepted, or a clear error.
            expectNoCrash(r)
            if r.status != 0 { expectFailure(r, exit: [2]) }
        } else {
            expectFailure(r, exit: [2], mentioning: ["folio init"])
        }
        #expect(try repo.head() == head)
        #expect(try repo.git("status", "--porcelain").stdout.isEmpty)
    }

    @Test("an empty repository (no commits): a clear error", arguments: commandsOnAnyRepository)
    func emptyRepository(_ args: [String]) throws {
        let repo = try TestRepo.plainGit()
        try repo.write("../file.pdf", "%PDF")
        let r = try repo.folio(args)
        if args == ["check", "--staged"] {
            expectNoCrash(r)
            if r.status != 0 { expectFailure(r, exit: [2]) }
        } else {
            expectFailure(r, exit: [2])
        }
        #expect(try repo.git("rev-list", "--all").stdout.isEmpty, "something was committed")
    }

    @Test("a folder that is not a git repository: a clear error", arguments: commandsOnAnyRepository)
    func notARepository(_ args: [String]) throws {
        let folder = try TestRepo.emptyFolder()
        try folder.write("../file.pdf", "%PDF")
        expectFailure(try folder.folio(args), exit: [2], mentioning: ["not a git repository"])
        #expect(!folder.exists(".git"))
    }

    @Test("--repo naming a missing folder: a clear error")
    func missingRepo() throws {
        let sandbox = try Sandbox()
        let folio = try Tools.requireFolio()
        expectFailure(try sandbox.run(folio, ["ls", "--repo", sandbox.path("nowhere")], in: sandbox.root.path), exit: [2])
    }

    // MARK: A broken folio.yml

    enum BadConfig: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case invalidYAML, notMapping, aliasBomb, nulByte, invalidUTF8, fiftyMegabytes, badProjectCode
        case unknownRevisionScheme, numberingWithoutSeq, numberingWithSlash, duplicatePerson, missingProject

        var testDescription: String { rawValue }

        func bytes() -> Data {
            let good = peopleConfig
            switch self {
            case .invalidYAML: return Data("project: { code: ALPHA, name: [\npeople: : :\n".utf8)
            case .notMapping: return Data("- project\n- people\n".utf8)
            case .aliasBomb:
                var lines = ["a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]"]
                let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
                for i in 1..<names.count {
                    lines.append("\(names[i]): &\(names[i]) [" + Array(repeating: "*\(names[i - 1])", count: 9).joined(separator: ",") + "]")
                }
                return Data((good + lines.joined(separator: "\n") + "\n").utf8)
            case .nulByte: return Data(good.utf8) + Data([0]) + Data("\n".utf8)
            case .invalidUTF8: return Data(good.utf8) + Data([0xC3, 0x28, 0x0A])
            case .fiftyMegabytes:
                var data = Data(good.utf8)
                let line = Data("# filler comment line to make the configuration enormous\n".utf8)
                while data.count < 50 * 1024 * 1024 { data.append(line) }
                return data
            case .badProjectCode: return Data(good.replacingOccurrences(of: "code: ALPHA", with: "code: \"../x\"").utf8)
            case .unknownRevisionScheme: return Data(good.replacingOccurrences(of: "revisions: numeric", with: "revisions: roman").utf8)
            case .numberingWithoutSeq:
                return Data(good.replacingOccurrences(of: "\"{project}-{code}-{seq:4}\"", with: "\"{project}-{code}\"").utf8)
            case .numberingWithSlash:
                return Data(good.replacingOccurrences(of: "\"{project}-{code}-{seq:4}\"", with: "\"../{code}/{seq:4}\"").utf8)
            case .duplicatePerson:
                return Data((good + "  - { email: ALICE@example.com, name: Alice Again, roles: [pm] }\n").utf8)
            case .missingProject: return Data("people: []\n".utf8)
            }
        }
    }

    @Test("a broken folio.yml gives a clear error, never a crash", arguments: BadConfig.allCases)
    func brokenConfig(_ kind: BadConfig) throws {
        let repo = try TestRepo.managed()
        let doc = try repo.newDocument("risk-register", title: "Register")
        try repo.write("folio.yml", kind.bytes())
        try repo.git("add", "folio.yml")
        let refused = try repo.gitAllowingFailure(["commit", "-q", "-m", "break the configuration"])
        #expect(refused.status != 0, "the pre-commit hook accepted a broken folio.yml:\n\(refused)")
        try repo.git("commit", "-q", "--no-verify", "-m", "break the configuration, hooks bypassed")
        let head = try repo.head()
        for args in [["ls"], ["status", doc.id], ["check"], ["templates"], ["new", "risk-register", "--title", "X"],
                     ["submit", doc.id]] {
            expectFailure(try repo.folio(args), exit: [2], mentioning: ["folio.yml"])
        }
        #expect(try repo.head() == head)
    }

    // MARK: Bad invocations

    static let badInvocations: [[String]] = [
        ["nosuch"], ["new"], ["new", "risk-register"], ["ls", "--format", "xml"], ["checkin"], ["approve"],
        ["reject", "ALPHA-RSK-0001"], ["supersede", "ALPHA-RSK-0001"], ["ls", "--no-such-flag"], ["templates", "show"],
        ["check", "--staged", "docs"], ["hook", "commit-msg"], ["hook", "no-such-hook"],
    ]

    @Test("a bad command line exits 2 with an error, and changes nothing", arguments: badInvocations)
    func badInvocation(_ args: [String]) throws {
        let repo = try TestRepo.managed()
        let head = try repo.head()
        let r = try repo.folio(args)
        expectNoCrash(r)
        #expect(r.status == 2, "\(r)")
        let first = r.stderrLines.first ?? ""
        #expect(first.hasPrefix("folio: error: ") || first.hasPrefix("Error: "), "first line states the error:\n\(r)")
        #expect(try repo.head() == head)
    }

    @Test("commit-msg with an unreadable message file exits 2")
    func commitMsgMissingFile() throws {
        let repo = try TestRepo.managed()
        expectFailure(try repo.folio("hook", "commit-msg", repo.sandbox.path("no-such-message")), exit: [2])
    }

    @Test("a title with a newline or NUL is refused")
    func badTitles() throws {
        let repo = try TestRepo.managed()
        let head = try repo.head()
        expectFailure(try repo.folio("new", "risk-register", "--title", "Two\nlines"), exit: [2])
        #expect(try repo.head() == head)
    }
}
