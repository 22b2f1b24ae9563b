import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Hostile input beyond HostileInputTests.swift: very large files, symbolic
/// links pointing out of the tree, absolute and `..` paths on the command
/// line, Unicode look-alikes and Windows-reserved names as IDs, a
/// folio.yml that grants the approving roles to nobody, and deep nesting.
/// The rule is the SPEC's: exit 1 or 2 with a clear error, nothing changed,
/// never a crash; and never a read or write outside the repository.
@Suite("Hostile input, part 2", .wide)
struct HostileInput2Tests {

    // MARK: A 100 MB document

    static func hundredMegabytes(id: String) -> Data {
        let line = Data("| D-001 | 2026-01-28 | Filler decision row making the file enormous | x | y | bob@example.com | | Accepted |\n".utf8)
        var data = Data(decisionLog(id: id).utf8)
        data.reserveCapacity(100 * 1024 * 1024 + line.count)
        while data.count < 100 * 1024 * 1024 { data.append(line) }
        return data
    }

    /// A draft decision log as `folio new` writes it (only warnings for missing values).
    static func decisionLog(id: String, title: String = "Decisions") -> String {
        """
        ---
        id: \(id)
        type: decision-log
        title: \(title)
        owner: alice@example.com
        decision_forum: project-board
        ---
        # \(title)

        ## Purpose

        The decisions.

        ## Decisions

        | ID | Date | Decision | Rationale | Alternatives | Decided By | Source | Status |
        | --- | --- | --- | --- | --- | --- | --- | --- |

        ## Pending decisions

        | ID | Question | Options | Needed By | Owner |
        | --- | --- | --- | --- | --- |

        """
    }

    @Test("a 100 MB document: check, checkin, the pre-commit hook and read commands refuse it with a size error")
    func hundredMegabyteDocument() throws {
        let repo = try TestRepo.managed()
        let doc = try repo.newDocument("decision-log", title: "Decisions")
        try repo.write(doc.path, Self.hundredMegabytes(id: doc.id))
        let head = try repo.head()

        let check = expectFailure(try repo.folio("check", doc.path), exit: [1, 2])
        #expect(check.stdout.contains("text.size") || check.stderr.contains("larger than"), "a size error:\n\(check)")
        expectFailure(try repo.folio("checkin", doc.id), exit: [1, 2], mentioning: ["larger than"])
        expectFailure(try repo.folio("checkin", doc.path), exit: [1, 2], mentioning: ["larger than"])
        #expect(try repo.head() == head)

        // Staged: the hook refuses it.
        try repo.git("add", doc.path)
        expectFailure(try repo.folio("check", "--staged"), exit: [1, 2])
        expectFailure(try repo.folio("hook", "pre-commit"), exit: [1])

        // Committed anyway: reads and the audit answer without a crash.
        try repo.git("commit", "-q", "--no-verify", "-m", "an enormous document, hooks bypassed")
        expectFailure(try repo.folio("check", "--at", "HEAD", doc.path), exit: [1, 2])
        for args in [["ls", "--format", "json"], ["status", doc.id], ["show", doc.id], ["verify"], ["diff", doc.id]] {
            let r = try repo.folio(args)
            expectNoCrash(r)
            #expect(r.stdoutBytes < 20 * 1024 * 1024, "\(args.joined(separator: " ")) printed the enormous file (\(r.stdoutBytes) bytes)")
            if args == ["verify"] {
                // The plain commit changed a controlled document without a check-in: a finding, not an abort.
                #expect(r.status == 1 && r.stdout.contains("[content.unrecorded]"), "\(r)")
                continue
            }
            if r.status != 0 { expectFailure(r, exit: [1, 2]) }
        }
        expectFailure(try repo.folio("submit", doc.id), exit: [1, 2])
    }

    @Test("a 100 MB attachment is stored (streamed), and the repository stays sound")
    func hundredMegabyteAttachment() throws {
        let repo = try TestRepo.managed()
        let doc = try repo.newDocument("decision-log", title: "Decisions")
        let big = repo.sandbox.path("drawing.pdf")
        let chunk = Data(("%PDF-1.7 " + String(repeating: "0123456789abcdef", count: 64 * 1024)).utf8)
        _ = FileManager.default.createFile(atPath: big, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: big))
        for _ in 0..<100 { try handle.write(contentsOf: chunk) }
        try handle.close()
        let head = try repo.head()
        expectSuccess(try repo.folio("attach", doc.id, big))
        try expectFolioCommit(repo, after: head, document: doc.id, action: "attach")
        let size = try repo.git("cat-file", "-s", "HEAD:\(doc.path.dropLast(3))/drawing.pdf").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(Int(size) == chunk.count * 100)
        expectSuccess(try repo.folio("status", doc.id))
        expectSuccess(try repo.folio("verify"))
    }

    // MARK: Symbolic links pointing out of the tree

    /// A file outside the repository whose content must never show up.
    static let secret = "TOP-SECRET-7f3a9c outside the repository"

    static func plantSecret(_ repo: TestRepo) throws -> String {
        let path = repo.sandbox.path("outside/secret.txt")
        try FileManager.default.createDirectory(atPath: repo.sandbox.path("outside"), withIntermediateDirectories: true)
        try Data((secret + "\n").utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The secret is in no output and no git object.
    static func expectSecretNotRead(_ repo: TestRepo, _ results: [ProcessResult], sourceLocation: SourceLocation = #_sourceLocation) throws {
        for r in results {
            #expect(!r.stdout.contains(secret) && !r.stderr.contains(secret), "the target of a link was read:\n\(r)",
                    sourceLocation: sourceLocation)
        }
        let objects = try repo.git("cat-file", "--batch-all-objects", "--batch").stdout
        #expect(!objects.contains(secret), "the target of a link was stored in the repository", sourceLocation: sourceLocation)
    }

    @Test("a document that is a symbolic link out of the tree: check, checkin and the hook refuse it, never reading it")
    func documentSymlink() throws {
        let repo = try TestRepo.managed()
        let doc = try repo.newDocument("decision-log", title: "Decisions")
        let secret = try Self.plantSecret(repo)
        try FileManager.default.removeItem(atPath: repo.file(doc.path))
        try FileManager.default.createSymbolicLink(atPath: repo.file(doc.path), withDestinationPath: secret)
        let head = try repo.head()
        var results: [ProcessResult] = []

        let check = try repo.folio("check", doc.path)
        results.append(check)
        expectFailure(check, exit: [1, 2], mentioning: ["link"])
        let checkAll = try repo.folio("check")
        results.append(checkAll)
        expectFailure(checkAll, exit: [1, 2], mentioning: [doc.path])
        for args in [["checkin", doc.id], ["checkin", doc.path]] {
            let r = try repo.folio(args)
            results.append(r)
            expectFailure(r, exit: [1, 2], mentioning: ["link"])
        }
        #expect(try repo.head() == head)

        // Staged, the link must not pass the pre-commit hook.
        try repo.git("add", doc.path)
        let hook = try repo.folio("hook", "pre-commit")
        results.append(hook)
        expectFailure(hook, exit: [1], mentioning: [doc.path])
        let commit = try repo.gitAllowingFailure(["commit", "-q", "-m", "a document replaced by a link"])
        #expect(commit.status != 0, "the pre-commit hook let a symbolic link in place of a document through:\n\(commit)")
        try Self.expectSecretNotRead(repo, results)
    }

    @Test("an attachment that is a symbolic link out of the tree: checkin refuses it (not silently leaves it out), never reading it")
    func attachmentSymlink() throws {
        let repo = try TestRepo.managed()
        let doc = try repo.newDocument("decision-log", title: "Decisions")
        let secret = try Self.plantSecret(repo)
        let folder = String(doc.path.dropLast(3))
        try FileManager.default.createDirectory(atPath: repo.file(folder), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: repo.file(folder + "/evidence.pdf"), withDestinationPath: secret)
        try repo.write(doc.path, try repo.read(doc.path) + "\nA new paragraph.\n")
        let head = try repo.head()
        var results: [ProcessResult] = []

        let check = try repo.folio("check", doc.path)
        results.append(check)
        expectFailure(check, exit: [1, 2], mentioning: ["evidence.pdf"])
        let checkin = try repo.folio("checkin", doc.id)
        results.append(checkin)
        expectFailure(checkin, exit: [1, 2], mentioning: ["evidence.pdf", "link"])
        #expect(try repo.head() == head, "checkin committed although an attachment is a symbolic link")
        // `attach` of a link is refused too.
        let link = repo.sandbox.path("link.pdf")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: secret)
        let attach = try repo.folio("attach", doc.id, link)
        results.append(attach)
        expectFailure(attach, exit: [1, 2])
        #expect(try repo.head() == head)
        try Self.expectSecretNotRead(repo, results)
    }

    @Test("a type folder that is a symbolic link out of the tree: 'new' and 'checkin' never write through it")
    func typeFolderSymlink() throws {
        let repo = try TestRepo.managed()
        let doc = try repo.newDocument("decision-log", title: "Decisions")
        let outside = repo.sandbox.path("outside/decision-log")
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: repo.file("docs/decision-log"), toPath: repo.sandbox.path("moved-away"))
        try FileManager.default.createSymbolicLink(atPath: repo.file("docs/decision-log"), withDestinationPath: outside)
        let head = try repo.head()

        let new = try repo.folio("new", "decision-log", "--title", "Through the link")
        expectNoCrash(new)
        let written = try FileManager.default.contentsOfDirectory(atPath: outside)
        #expect(written.isEmpty, "'folio new' wrote through a symbolic link to outside the repository: \(written)\n\(new)")
        if new.status != 0 {
            expectFailure(new, exit: [1, 2])
            #expect(try repo.head() == head, "refused but committed")
        }
        try Data(Self.decisionLog(id: doc.id, title: "Planted outside").utf8).write(to: URL(fileURLWithPath: outside + "/\(doc.id).md"))
        let checkin = try repo.folio("checkin", doc.id)
        expectNoCrash(checkin)
        let committed = try repo.git("show", "HEAD:\(doc.path)").stdout
        #expect(!committed.contains("Planted outside"), "checkin read a document through a linked folder outside the repository:\n\(checkin)")
    }

    @Test("the records folder as a symbolic link out of the tree: no record is written or read through it")
    func recordsFolderSymlink() throws {
        let repo = try TestRepo.managed()
        _ = try repo.newDocument("decision-log", title: "Decisions")
        let outside = repo.sandbox.path("outside/records")
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: repo.file(".folio/records"), toPath: repo.sandbox.path("records-moved"))
        try FileManager.default.createSymbolicLink(atPath: repo.file(".folio/records"), withDestinationPath: outside)
        let r = try repo.folio("new", "decision-log", "--title", "Second")
        expectNoCrash(r)
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside).isEmpty,
                "a record was written through a symbolic link to outside the repository:\n\(r)")
    }

    @Test("folio.yml as a symbolic link to a file outside: its content is never used")
    func configSymlink() throws {
        let repo = try TestRepo.managed()
        let evil = repo.sandbox.path("outside/folio.yml")
        try FileManager.default.createDirectory(atPath: repo.sandbox.path("outside"), withIntermediateDirectories: true)
        try Data(peopleConfig.replacingOccurrences(of: "code: ALPHA", with: "code: EVIL").utf8).write(to: URL(fileURLWithPath: evil))
        try FileManager.default.removeItem(atPath: repo.file("folio.yml"))
        try FileManager.default.createSymbolicLink(atPath: repo.file("folio.yml"), withDestinationPath: evil)
        for args in [["check"], ["ls"], ["new", "decision-log", "--title", "X"], ["templates"]] {
            let r = try repo.folio(args)
            expectNoCrash(r)
            #expect(!r.stdout.contains("EVIL") && !r.stderr.contains("EVIL"), "the linked folio.yml outside the tree was used:\n\(r)")
        }
        let ids = try repo.git("ls-tree", "-r", "--name-only", "HEAD").stdout
        #expect(!ids.contains("EVIL"))
    }

    // MARK: Absolute paths and `..` on the command line

    @Test("checkin takes an absolute or roundabout path to a document inside the repository")
    func pathsInsideTheRepository() throws {
        let repo = try TestRepo.managed()
        let doc = try repo.newDocument("decision-log", title: "Decisions")
        let variants = [
            repo.file(doc.path), "./" + doc.path, "docs/decision-log/../decision-log/\(doc.id).md", "docs//decision-log/\(doc.id).md",
            repo.path + "/.git/../" + doc.path,
        ]
        for (i, variant) in variants.enumerated() {
            try repo.write(doc.path, try repo.read(doc.path) + "\nParagraph \(i).\n")
            let head = try repo.head()
            let r = try repo.folio("checkin", variant)
            expectSuccess(r)
            try expectFolioCommit(repo, after: head, document: doc.id, action: "checkin")
        }
        // From a subfolder, a relative path with '..'.
        try FileManager.default.createDirectory(atPath: repo.file("sub/deeper"), withIntermediateDirectories: true)
        try repo.write(doc.path, try repo.read(doc.path) + "\nFrom a subfolder.\n")
        expectSuccess(try repo.folio(["checkin", "../../" + doc.path], in: "sub/deeper"))
    }

    @Test("checkin and attach refuse paths that leave the repository, also through a link or another repository",
          arguments: ["other-repo", "link-to-repo", "dotdot", "absolute-outside", "git-dir", "id-as-absolute"])
    func pathsOutside(_ kind: String) throws {
        let repo = try TestRepo.managed()
        let doc = try repo.newDocument("decision-log", title: "Decisions")
        let other = repo.sandbox.path("other")
        try FileManager.default.createDirectory(atPath: other + "/docs/decision-log", withIntermediateDirectories: true)
        try Data(Self.decisionLog(id: doc.id, title: "Other").utf8).write(to: URL(fileURLWithPath: other + "/docs/decision-log/\(doc.id).md"))
        try FileManager.default.createSymbolicLink(atPath: repo.sandbox.path("link"), withDestinationPath: repo.path)
        let annex = repo.sandbox.path("annex.pdf")
        try Data("%PDF-1.4\n".utf8).write(to: URL(fileURLWithPath: annex))
        let head = try repo.head()
        let args: [String]
        switch kind {
        case "other-repo": args = ["checkin", other + "/docs/decision-log/\(doc.id).md"]
        case "link-to-repo": args = ["checkin", repo.sandbox.path("link") + "/docs/../../other/docs/decision-log/\(doc.id).md"]
        case "dotdot": args = ["checkin", "docs/decision-log/../../../other/docs/decision-log/\(doc.id).md"]
        case "absolute-outside": args = ["attach", other + "/docs/decision-log/\(doc.id).md", annex]
        case "git-dir": args = ["checkin", repo.path + "/.git/HEAD"]
        default: args = ["attach", "/" + doc.id, annex]
        }
        let r = try repo.folio(args)
        expectFailure(r, exit: [1, 2])
        #expect(!r.stdout.contains("Other"))
        #expect(try repo.head() == head)
        #expect(try repo.git("show", "HEAD:\(doc.path)").stdout.contains("title: Decisions"))
    }

    @Test("attachment names that break other platforms or the diagnostics are refused",
          arguments: ["two\nlines.pdf", "NUL.pdf", "con.pdf", "COM1.pdf", "tab\tname.pdf", "trailing-dot.pdf.", "trailing-space.pdf "])
    func badAttachmentNames(_ name: String) throws {
        let repo = try TestRepo.managed()
        let doc = try repo.newDocument("decision-log", title: "Decisions")
        let folder = repo.sandbox.path("files")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/" + name
        try Data("%PDF-1.4\n".utf8).write(to: URL(fileURLWithPath: path))
        let head = try repo.head()
        let r = try repo.folio("attach", doc.id, path)
        expectFailure(r, exit: [1, 2])
        #expect(try repo.head() == head, "an attachment named \(name.debugDescription) was committed")
    }

    /// Commits `config` as folio.yml past the hooks, runs `body`, and takes the commit back.
    static func withCommittedConfig(_ repo: TestRepo, _ config: String, _ body: () throws -> Void) throws {
        try repo.write("folio.yml", config)
        try repo.git("commit", "-q", "--no-verify", "-am", "a hostile folio.yml")
        try body()
        try repo.git("reset", "-q", "--hard", "HEAD~1")
    }

    // MARK: Unicode look-alikes

    static let lookAlikes: [(String, String)] = [
        ("cyrillic-A", "\u{0410}LPHA-DEC-0002"),  // Cyrillic capital A
        ("fullwidth-digits", "ALPHA-DEC-\u{FF10}\u{FF10}\u{FF10}\u{FF12}"),
        ("zero-width-space", "ALPHA-DEC\u{200B}-0002"),
        ("combining-accent", "ALPHA-DEC-0002\u{0301}"),
        ("greek-omicron", "ALPHA-DEC-\u{039F}002"),
        ("non-breaking-hyphen", "ALPHA\u{2011}DEC-0002"),
        ("superscript-two", "ALPHA-DEC-000\u{00B2}"),
    ]

    @Test("IDs with Unicode look-alike characters are refused as file names, front matter IDs and command-line IDs",
          arguments: lookAlikes.map(\.0))
    func lookAlikeID(_ name: String) throws {
        let id = Self.lookAlikes.first { $0.0 == name }!.1
        let repo = try TestRepo.managed()
        let real = try repo.newDocument("decision-log", title: "Decisions")
        let path = "docs/decision-log/\(id).md"
        try repo.write(path, Self.decisionLog(id: id))
        let head = try repo.head()
        let check = expectFailure(try repo.folio("check", path), exit: [1, 2])
        #expect(diagnostics(in: check.stdout + check.stderr).contains { $0.rule == "id.format" } || check.status == 2, "\(check)")
        expectFailure(try repo.folio("checkin", path), exit: [1, 2])
        for args in [["checkin", id], ["status", id], ["show", id], ["submit", id], ["approve", id], ["log", id]] {
            expectFailure(try repo.folio(args), exit: [2])
        }
        // A look-alike in the front matter of the real document.
        try repo.write(real.path, Self.decisionLog(id: id))
        expectFailure(try repo.folio("check", real.path), exit: [1], rule: "id.format")
        expectFailure(try repo.folio("checkin", real.id), exit: [1, 2])
        #expect(try repo.head() == head)
    }

    @Test("look-alikes in folio.yml's project code and numbering, and in a template's code, are refused")
    func lookAlikeCodes() throws {
        let repo = try TestRepo.managed()
        for broken in [
            peopleConfig.replacingOccurrences(of: "code: ALPHA", with: "code: \u{0410}LPHA"),
            peopleConfig.replacingOccurrences(of: "{seq:4}", with: "{seq:\u{FF14}}"),
            peopleConfig.replacingOccurrences(of: "{code}-", with: "{code}\u{2010}"),
        ] {
            try Self.withCommittedConfig(repo, broken) {
                expectFailure(try repo.folio("ls"), exit: [2], mentioning: ["folio.yml"])
                expectFailure(try repo.folio("new", "decision-log", "--title", "X"), exit: [2], mentioning: ["folio.yml"])
            }
        }
        try repo.write("templates/memo.md", "---\ntemplate:\n  type: memo\n  code: M\u{0415}MO\n---\n# {{title}}\n")
        let check = expectFailure(try repo.folio("check"), exit: [1])
        #expect(diagnostics(in: check.stdout).contains { $0.path == "templates/memo.md" && $0.severity == "error" }, "\(check)")
    }

    // MARK: Windows-reserved names

    @Test("Windows-reserved names as IDs are refused", arguments: ["CON", "NUL", "nul", "COM1", "LPT9", "AUX.draft", "PRN", "com3.v2"])
    func windowsReservedID(_ id: String) throws {
        let repo = try TestRepo.managed()
        let path = "docs/decision-log/\(id).md"
        try repo.write(path, Self.decisionLog(id: id))
        let head = try repo.head()
        expectFailure(try repo.folio("check", path), exit: [1], rule: "id.format")
        expectFailure(try repo.folio("checkin", path), exit: [1, 2])
        for args in [["checkin", id], ["status", id], ["show", id]] {
            expectFailure(try repo.folio(args), exit: [2], mentioning: ["reserved"])
        }
        #expect(try repo.head() == head)
    }

    @Test("a file named NUL.md in a type folder is reported, not registered")
    func nulFileName() throws {
        let repo = try TestRepo.managed()
        try repo.write("docs/decision-log/NUL.md", Self.decisionLog(id: "NUL"))
        let check = expectFailure(try repo.folio("check"), exit: [1])
        #expect(check.stdout.contains("docs/decision-log/NUL.md"), "\(check)")
        let head = try repo.head()
        expectFailure(try repo.folio("checkin", "docs/decision-log/NUL.md"), exit: [1, 2])
        #expect(try repo.head() == head)
    }

    @Test("an ID ending in '.' is refused (Windows drops the dot: 'X.' and 'X' would be one folder)")
    func trailingDotID() throws {
        let repo = try TestRepo.managed()
        let path = "docs/decision-log/ALPHA-DEC-0009..md"
        try repo.write(path, Self.decisionLog(id: "ALPHA-DEC-0009."))
        let head = try repo.head()
        expectFailure(try repo.folio("check", path), exit: [1], rule: "id.format")
        expectFailure(try repo.folio("checkin", path), exit: [1, 2])
        #expect(try repo.head() == head)
    }

    @Test("a numbering pattern that produces a Windows-reserved ID: 'new' refuses and commits nothing")
    func numberingProducesReservedID() throws {
        let repo = try TestRepo.managed()
        try repo.write("folio.yml", peopleConfig.replacingOccurrences(of: "\"{project}-{code}-{seq:4}\"", with: "\"{code}{seq:1}\""))
        try repo.write("templates/port.md", "---\ntemplate:\n  type: port\n  code: COM\n  name: Port\n---\n# {{title}}\n")
        try repo.git("add", "folio.yml", "templates/port.md")
        try repo.git("commit", "-q", "--no-verify", "-m", "a numbering that gives COM1")
        let head = try repo.head()
        expectFailure(try repo.folio("new", "port", "--title", "First port"), exit: [1, 2], mentioning: ["reserved"])
        #expect(try repo.head() == head)
        #expect(!repo.exists("docs/port/COM1.md"))
    }

    // MARK: A folio.yml that grants the approving roles to nobody

    static let nobodyApproves = """
        project: { code: ALPHA, name: Project Alpha }
        numbering: "{project}-{code}-{seq:4}"
        revisions: numeric
        signatures: optional
        people:
          - { email: alice@example.com, name: Alice Adams, roles: [admin] }
          - { email: bob@example.com, name: Bob Brown, roles: [] }
          - { email: carol@example.com, name: Carol Chen, roles: [pmo, reviewer] }

        """

    @Test("no one holds the approving role: approve is refused with a message naming the role; issue is impossible")
    func rolesGrantedToNobody() throws {
        let repo = try TestRepo.managed()
        try repo.write("folio.yml", Self.nobodyApproves)
        try repo.git("commit", "-q", "--no-verify", "-am", "nobody holds pm or sponsor")
        let log = try repo.newDocument("decision-log", title: "Decisions")
        expectSuccess(try repo.folio("submit", log.id))
        let head = try repo.head()
        for person in [Person.bob, .carol] {
            expectFailure(try repo.folio("approve", log.id, as: person), exit: [1], mentioning: ["pm"])
        }
        expectFailure(try repo.folio("approve", log.id, as: .alice), exit: [1])
        expectFailure(try repo.folio("approve", log.id, "--role", "pm", as: .carol), exit: [1], mentioning: ["pm"])
        expectFailure(try repo.folio("approve", log.id, "--role", "pmo", as: .carol), exit: [1], mentioning: ["pmo"])
        expectFailure(try repo.folio("issue", log.id), exit: [1], mentioning: ["pm"])
        #expect(try repo.head() == head, "a refused approval or issue committed something")
        let status = try repo.folio("status", log.id, "--format", "json")
        #expect((json(status) as? [String: Any])?["state"] as? String == "in-review", "\(status)")

        // A charter needs sponsor and pmo: carol's pmo approval counts, the missing sponsor blocks the issue.
        let charter = try repo.newDocument("charter", title: "Charter", set: [
            "sponsor=bob@example.com", "start_date=2026-01-05", "end_date=2026-12-18", "budget=480000.00 EUR",
        ])
        expectSuccess(try repo.folio("submit", charter.id))
        expectSuccess(try repo.folio("approve", charter.id, as: .carol))
        expectFailure(try repo.folio("approve", charter.id, as: .bob), exit: [1], mentioning: ["sponsor"])
        expectFailure(try repo.folio("issue", charter.id), exit: [1], mentioning: ["sponsor"])
        expectSuccess(try repo.folio("verify"))
    }

    @Test("a folio.yml with no people at all: every write is refused with a clear message")
    func noPeople() throws {
        let repo = try TestRepo.managed()
        let doc = try repo.newDocument("decision-log", title: "Decisions")
        try repo.write("folio.yml", "project: { code: ALPHA, name: Project Alpha }\npeople: []\n")
        try repo.git("commit", "-q", "--no-verify", "-am", "no people")
        let head = try repo.head()
        expectFailure(try repo.folio("new", "decision-log", "--title", "X"), exit: [1], mentioning: ["alice@example.com"])
        try repo.write(doc.path, try repo.read(doc.path) + "\nMore.\n")
        expectFailure(try repo.folio("checkin", doc.id), exit: [1], mentioning: ["alice@example.com"])
        expectFailure(try repo.folio("submit", doc.id), exit: [1])
        #expect(try repo.head() == head)
    }

    // MARK: Deep nesting

    static func blockMapping(depth: Int) -> String {
        var text = "related:\n"
        for level in 1...depth { text += String(repeating: "  ", count: level) + "k\(level):\n" }
        return text + String(repeating: "  ", count: depth + 1) + "end\n"
    }

    @Test("front matter nesting just over the limit is refused with the nesting message; under it is only a type error")
    func nestingLimit() throws {
        let repo = try TestRepo.managed()
        let doc = try repo.newDocument("decision-log", title: "Decisions")
        let base = Self.decisionLog(id: doc.id)
        func with(_ extra: String) -> String { base.replacingOccurrences(of: "owner: alice@example.com\n", with: "owner: alice@example.com\n" + extra) }

        try repo.write(doc.path, with(Self.blockMapping(depth: 70)))
        let deep = expectFailure(try repo.folio("check", doc.path), exit: [1], rule: "front-matter")
        #expect(deep.stdout.contains("nest"), "the error says the front matter nests too deep:\n\(deep)")

        try repo.write(doc.path, with(Self.blockMapping(depth: 20)))
        let shallow = try repo.folio("check", doc.path)
        expectNoCrash(shallow)
        #expect(!shallow.stdout.contains("nests deeper"), "\(shallow)")

        try repo.write(doc.path, with("related: " + String(repeating: "[", count: 65) + String(repeating: "]", count: 65) + "\n"))
        expectFailure(try repo.folio("check", doc.path), exit: [1], mentioning: ["nest"], rule: "front-matter")

        // Block sequences nest on one line without brackets.
        try repo.write(doc.path, with("related:\n  " + String(repeating: "- ", count: 50_000) + "x\n"))
        expectFailure(try repo.folio("check", doc.path), exit: [1, 2], rule: "front-matter")
        try repo.write(doc.path, with("related: " + String(repeating: "? ", count: 50_000) + "x\n"))
        expectFailure(try repo.folio("check", doc.path), exit: [1, 2], rule: "front-matter")
    }

    @Test("deep nesting in folio.yml, a template and a record: clear errors, no crash")
    func nestingElsewhere() throws {
        let repo = try TestRepo.managed()
        let doc = try repo.newDocument("decision-log", title: "Decisions")
        // folio.yml
        try Self.withCommittedConfig(repo, peopleConfig + "extra:\n  " + String(repeating: "- ", count: 20_000) + "x\n") {
            expectFailure(try repo.folio("ls"), exit: [2], mentioning: ["folio.yml"])
        }
        try Self.withCommittedConfig(
            repo, peopleConfig + "extra: " + String(repeating: "{a: ", count: 5000) + "x" + String(repeating: "}", count: 5000) + "\n"
        ) {
            expectFailure(try repo.folio("ls"), exit: [2], mentioning: ["folio.yml"])
        }
        // A template.
        try repo.write("templates/deep.md", "---\ntemplate:\n  type: deep\n  code: DEEP\n  fields:\n    " + String(repeating: "- ", count: 20_000) + "x\n---\n# {{title}}\n")
        let check = expectFailure(try repo.folio("check", "templates/deep.md"), exit: [1])
        #expect(check.stdout.contains("templates/deep.md"), "\(check)")
        try FileManager.default.removeItem(atPath: repo.file("templates/deep.md"))
        // A record line of deeply nested JSON, committed past the hooks.
        let record = ".folio/records/\(doc.id).jsonl"
        try repo.write(record, try repo.read(record) + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "\n")
        try repo.git("commit", "-q", "--no-verify", "-am", "a deeply nested record line")
        expectFailure(try repo.folio("status", doc.id), exit: [2], mentioning: [record])
        let verify = try repo.folio("verify")
        expectNoCrash(verify)
        #expect(verify.status == 1, "verify reports the broken record:\n\(verify)")
    }

    @Test("deep nesting in the Markdown body (emphasis, quotes, lists, links): check answers without a crash",
          arguments: ["emphasis", "strong", "quotes", "lists", "links", "images", "table-cell"])
    func markdownNesting(_ kind: String) throws {
        let repo = try TestRepo.managed()
        let doc = try repo.newDocument("decision-log", title: "Decisions")
        let n = 100_000
        let body: String
        switch kind {
        case "emphasis": body = "# " + String(repeating: "*", count: n) + "a" + String(repeating: "*", count: n)
        case "strong": body = "## Purpose " + String(repeating: "**_", count: n / 3) + "a" + String(repeating: "_**", count: n / 3)
        case "quotes": body = String(repeating: "> ", count: n) + "# a"
        case "lists": body = (0..<2000).map { String(repeating: "  ", count: $0) + "- item" }.joined(separator: "\n")
        case "links": body = "# " + String(repeating: "[", count: n) + "a" + String(repeating: "](x)", count: n)
        case "images": body = "# " + String(repeating: "![", count: n / 2) + "a" + String(repeating: "](x)", count: n / 2)
        default: body = "## Decisions\n\n| ID |\n| --- |\n| " + String(repeating: "_", count: n) + "a" + String(repeating: "_", count: n) + " |"
        }
        try repo.write(doc.path, Self.decisionLog(id: doc.id) + "\n" + body + "\n")
        let r = try repo.folio("check", doc.path)
        expectNoCrash(r)
        #expect([0, 1].contains(r.status), "\(r)")
    }

    // MARK: Values that would forge diagnostics

    @Test("a value with line breaks cannot forge diagnostic lines: every line of check's output is one diagnostic of the file")
    func diagnosticInjection() throws {
        let repo = try TestRepo.managed()
        let doc = try repo.newDocument("decision-log", title: "Decisions")
        let forged = "docs/decision-log/FORGED.md:1:1: error: forged finding [forged]"
        var text = Self.decisionLog(id: doc.id)
        text = text.replacingOccurrences(
            of: "owner: alice@example.com\n", with: "owner: \"nobody\\n\(forged)\\n\"\nreview_date: |\n  2026-13-45\n  \(forged)\n")
        try repo.write(doc.path, text)
        let r = expectFailure(try repo.folio("check", doc.path), exit: [1])
        for line in (r.stdout + "\n" + r.stderr).split(separator: "\n") where !line.isEmpty {
            let s = String(line)
            let isSummary = s.range(of: #"^[0-9]+ error\(s\), [0-9]+ warning\(s\)$"#, options: .regularExpression) != nil
            #expect(isSummary || diagnostics(in: s).first?.path == doc.path, "a line of output that is not a diagnostic of \(doc.path): \(s)")
        }
        #expect(!diagnostics(in: r.stdout + "\n" + r.stderr).contains { $0.path.contains("FORGED") }, "a forged diagnostic:\n\(r)")
        let json = try repo.folio("check", doc.path, "--format", "json")
        #expect(jsonObjects(json).allSatisfy { ($0["path"] as? String) == doc.path })
    }

    // MARK: Names that are not UTF-8

    @Test("a file name that is not UTF-8 in a type folder: check, ls and new answer without a crash")
    func nonUTF8FileName() throws {
        let repo = try TestRepo.managed()
        _ = try repo.newDocument("decision-log", title: "Decisions")
        var raw = Array(repo.file("docs/decision-log/ALPHA-DEC-").utf8) + [0xFF, 0xFE] + Array(".md".utf8)
        raw.append(0)
        let fd = raw.withUnsafeBufferPointer { p in
            p.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_WRONLY | O_CREAT | O_TRUNC, 0o644) }
        }
        #expect(fd >= 0)
        let text = Array(Self.decisionLog(id: "ALPHA-DEC-9999").utf8)
        _ = text.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        for args in [["check"], ["ls"], ["ls", "--format", "json"], ["status"]] {
            let r = try repo.folio(args)
            expectNoCrash(r)
            if r.status != 0 { expectFailure(r, exit: [1, 2]) }
        }
        let head = try repo.head()
        let new = try repo.folio("new", "decision-log", "--title", "Next")
        expectSuccess(new)
        #expect(try repo.head() != head)
        // Committed past the hooks: read commands still answer.
        try repo.git("add", "-A")
        try repo.git("commit", "-q", "--no-verify", "-m", "a file name that is not UTF-8")
        for args in [["check", "--at", "HEAD"], ["ls"], ["verify"]] {
            let r = try repo.folio(args)
            expectNoCrash(r)
            if r.status != 0 { expectFailure(r, exit: [1, 2]) }
        }
    }
}
