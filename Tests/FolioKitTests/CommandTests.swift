import Foundation
import Testing

/// Every command end to end: the real `folio` binary on a real repository in a
/// temporary folder, cross-checked with the real `git` CLI.
@Suite("Commands end to end", .wide)
struct CommandTests {
    static let allTypes = [
        "artifact", "change-request", "charter", "cost-register", "decision-log", "issue-log", "lessons-learned",
        "minutes", "rate-card", "resource-plan", "risk-register", "schedule", "stakeholder-register", "status-report", "timesheet",
    ]

    // MARK: init

    @Test("init creates the layout, the hooks and one commit in a new folder")
    func initInNewFolder() throws {
        let sandbox = try Sandbox()
        let folio = try Tools.requireFolio()
        let r = try sandbox.run(folio, ["init", "--repo", "beta", "--project", "BETA", "--name", "Project Beta"], in: sandbox.root.path)
        expectSuccess(r)
        let repo = TestRepo(sandbox: sandbox, path: sandbox.path("beta"))
        #expect(try repo.read("folio.yml").contains("BETA"))
        #expect(try repo.read("folio.yml").contains("alice@example.com"), "the acting person is the first person")
        let templates = try FileManager.default.contentsOfDirectory(atPath: repo.file("templates")).filter { $0.hasSuffix(".md") }
        #expect(Set(templates) == Set(Self.allTypes.map { "\($0).md" }))
        #expect(repo.exists(".folio/allowed_signers"))
        #expect(try repo.commitCount() == 1)
        #expect(try repo.authorEmail() == Person.alice.email)
        #expect(try repo.trailerValues("Folio-Action") == ["init"])
        try expectFsckClean(repo)
        #expect(try repo.git("status", "--porcelain", "--untracked-files=all").stdout.isEmpty)
        for hook in ["pre-commit", "commit-msg"] {
            let script = try repo.read(".git/hooks/\(hook)")
            #expect(script.contains("hook \(hook)"), "hook \(hook):\n\(script)")
            #expect(FileManager.default.isExecutableFile(atPath: repo.file(".git/hooks/\(hook)")))
        }
        // The layout is what the committed tree holds, not just files on disk.
        let tree = try repo.git("ls-tree", "-r", "--name-only", "HEAD").stdout
        for path in ["folio.yml", "templates/risk-register.md", ".folio/allowed_signers"] {
            #expect(tree.contains(path), "\(path) not committed:\n\(tree)")
        }
    }

    @Test("init in an existing repository leaves unrelated work alone and refuses a second init")
    func initInExistingRepository() throws {
        let repo = try TestRepo.plainGit()
        try repo.write("notes.txt", "unrelated notes\n")
        try repo.write("mixed.txt", "mixed, committed\n")
        try repo.git("add", ".")
        try repo.git("commit", "-q", "-m", "Existing work")
        let work = try UnrelatedWork.plant(in: repo)
        let before = try repo.head()
        expectSuccess(try repo.folio("init", "--project", "ALPHA"))
        try expectFolioCommit(repo, after: before, document: nil, action: "init")
        try work.expectUntouched(repo)

        let head = try repo.head()
        expectFailure(try repo.folio("init", "--project", "ALPHA"), exit: [1], mentioning: ["already"])
        #expect(try repo.head() == head)
        try work.expectUntouched(repo)
    }

    @Test("init refuses an invalid project code and commits nothing")
    func initRefusesBadCode() throws {
        let repo = try TestRepo.plainGit()
        expectFailure(try repo.folio("init", "--project", "bad code!"), exit: [2], mentioning: ["code"])
        #expect(try repo.git("rev-list", "--all").stdout.isEmpty)
        #expect(!repo.exists("folio.yml"))
    }

    // MARK: templates

    @Test("templates lists the fifteen built-in types; templates show prints the rules")
    func templatesListAndShow() throws {
        let repo = try TestRepo.managed()
        let text = expectSuccess(try repo.folio("templates"))
        for type in Self.allTypes { #expect(text.stdout.contains(type)) }

        let list = jsonObjects(expectSuccess(try repo.folio("templates", "--format", "json")))
        #expect(list.compactMap { $0["type"] as? String }.sorted() == Self.allTypes)
        let approvals = Dictionary(uniqueKeysWithValues: list.map { ($0["type"] as? String ?? "", $0["approvals"] as? [String] ?? []) })
        #expect(Set(approvals["charter"] ?? []) == ["sponsor", "pmo"])
        #expect(Set(approvals["change-request"] ?? []) == ["sponsor", "pmo"])
        #expect(approvals["timesheet"] == ["manager"], "a timesheet is approved by the person's manager")
        for type in Self.allTypes where !["charter", "change-request", "timesheet"].contains(type) {
            #expect(approvals[type] == ["pm"], "\(type)")
        }

        let show = expectSuccess(try repo.folio("templates", "show", "risk-register", "--format", "json"))
        let object = json(show) as? [String: Any] ?? [:]
        #expect(object["type"] as? String == "risk-register")
        #expect(object["code"] as? String == "RSK")
        #expect(object["approvals"] as? [String] == ["pm"])
        #expect(object["sections"] as? [String] == ["Purpose", "Scoring method", "Risks", "Closed risks"])
        let fields = object["fields"] as? [[String: Any]] ?? []
        let owner = fields.first { $0["name"] as? String == "owner" }
        #expect(owner?["type"] as? String == "person")
        #expect(owner?["required"] as? Bool == true)
        let appetite = fields.first { $0["name"] as? String == "risk_appetite" }
        #expect(appetite?["values"] as? [String] == ["averse", "minimal", "cautious", "open", "hungry"])
        let tables = object["tables"] as? [[String: Any]] ?? []
        #expect(tables.first?["heading"] as? String == "Risks")
        let columns = tables.first?["columns"] as? [[String: Any]] ?? []
        #expect(columns.first?["name"] as? String == "ID")
        #expect(columns.first?["required"] as? Bool == true)
        #expect(columns.first?["type"] as? String == "text")
        let status = columns.first { $0["name"] as? String == "Status" }
        #expect(status?["values"] as? [String] == ["Open", "Monitoring", "Closed"])

        let plain = expectSuccess(try repo.folio("templates", "show", "charter"))
        #expect(plain.stdout.contains("charter"))
        #expect(plain.stdout.contains("sponsor"))

        expectFailure(try repo.folio("templates", "show", "nosuch"), exit: [2], mentioning: ["nosuch"])
    }

    // MARK: new

    @Test("new allocates the next ID, commits the document with trailers, and touches nothing else")
    func newDocument() throws {
        let repo = try TestRepo.managed()
        let first = try repo.newDocument("risk-register", title: "First register")
        #expect(first.id == "ALPHA-RSK-0001")
        let work = try UnrelatedWork.plant(in: repo, unstagedEdits: [first.path])
        let before = try repo.head()

        let r = expectSuccess(try repo.folio(
            "new", "risk-register", "--title", "Second register", "--set", "review_date=2026-12-01",
            "--set", "risk_appetite=open", "-m", "Opened for the warehouse works", as: .dave))
        #expect(r.stdoutLines.first == "ALPHA-RSK-0002")
        try expectFolioCommit(repo, after: before, document: "ALPHA-RSK-0002", action: "create", revision: "0.1", by: .dave)
        try work.expectUntouched(repo)

        let path = "docs/risk-register/ALPHA-RSK-0002.md"
        #expect(Set(try repo.changedPaths()) == [path, ".folio/records/ALPHA-RSK-0002.jsonl"])
        let text = try repo.read(path)
        #expect(text.contains("id: ALPHA-RSK-0002"))
        #expect(text.contains("title: Second register"))
        #expect(text.contains("review_date: 2026-12-01"))
        #expect(text.contains("risk_appetite: open"))
        #expect(text.contains("# Second register"))
        #expect(try repo.git("show", "HEAD:\(path)").stdout == text, "work tree holds the committed version")
        #expect(try repo.message().contains("Opened for the warehouse works"))

        // Numbering is per type.
        let charter = try repo.newDocument("charter", title: "Charter")
        #expect(charter.id == "ALPHA-CHR-0001")
        #expect(try repo.newDocument("risk-register", title: "Third").id == "ALPHA-RSK-0003")
    }

    @Test("new refuses bad values, unknown fields and types, and people not in folio.yml, changing nothing")
    func newRefusals() throws {
        let repo = try TestRepo.managed()
        let before = try repo.head()
        expectFailure(
            try repo.folio("new", "risk-register", "--title", "X", "--set", "review_date=2026-02-30"),
            exit: [1], mentioning: ["2026-02-30"], rule: "field.type")
        expectFailure(
            try repo.folio("new", "risk-register", "--title", "X", "--set", "risk_appetite=reckless"),
            exit: [1], rule: "field.enum")
        expectFailure(try repo.folio("new", "risk-register", "--title", "X", "--set", "nosuch=1"), exit: [2], mentioning: ["nosuch"])
        expectFailure(try repo.folio("new", "risk-register", "--title", "X", "--set", "novalue"), exit: [2])
        expectFailure(try repo.folio("new", "no-such-type", "--title", "X"), exit: [2], mentioning: ["no-such-type"])
        expectFailure(try repo.folio("new", "risk-register", "--title", "  "), exit: [2], mentioning: ["title"])
        expectFailure(try repo.folio("new", "risk-register", "--title", "X", as: .mallory), exit: [1], mentioning: ["mallory@example.com"])
        expectFailure(try repo.folio("new", "risk-register", "--title", "X", "--attach", repo.sandbox.path("missing.pdf")), exit: [2])
        #expect(try repo.head() == before)
        #expect(!repo.exists("docs/risk-register"))
        #expect(try repo.git("status", "--porcelain").stdout.isEmpty)
        // The refused attempts did not use up numbers.
        #expect(try repo.newDocument("risk-register", title: "Now").id == "ALPHA-RSK-0001")
    }

    @Test("new --attach commits the attachment in the document's folder")
    func newWithAttachment() throws {
        let repo = try TestRepo.managed()
        try repo.write("../plan.pdf", Data("%PDF-1.4\n%\u{e2}\u{e3}\n1 0 obj\n".utf8) + Data([0, 1, 2, 255]))
        let before = try repo.head()
        let r = expectSuccess(try repo.folio(
            "new", "artifact", "--title", "Ground floor plan", "--attach", repo.sandbox.path("plan.pdf"),
            "--set", "discipline=electrical", "--set", "format=pdf", "--set", "original_file_name=plan.pdf"))
        let id = r.stdoutLines.first ?? ""
        #expect(id == "ALPHA-ART-0001")
        try expectFolioCommit(repo, after: before, document: id, action: "create", revision: "0.1")
        #expect(try repo.changedPaths().contains("docs/artifact/\(id)/plan.pdf"))
        let committed = try repo.git("cat-file", "-s", "HEAD:docs/artifact/\(id)/plan.pdf").stdout
        #expect(Int(committed.trimmingCharacters(in: .whitespacesAndNewlines)) == 27)
        #expect(FileManager.default.contents(atPath: repo.file("docs/artifact/\(id)/plan.pdf")) ==
                FileManager.default.contents(atPath: repo.sandbox.path("plan.pdf")))
    }

    // MARK: check

    @Test("check prints path:line:column diagnostics, exits 1 on errors, and changes nothing")
    func check() throws {
        let repo = try TestRepo.managed()
        let doc = try repo.newDocument("risk-register", title: "Register")
        // A fresh draft has only warnings.
        let draft = expectSuccess(try repo.folio("check"))
        let warnings = diagnostics(in: draft.stdout)
        #expect(warnings.contains { $0.rule == "field.required" && $0.severity == "warning" && $0.path == doc.path })
        #expect(!warnings.contains { $0.severity == "error" })
        // --complete makes missing required values errors.
        expectFailure(try repo.folio("check", "--complete", doc.path), exit: [1], rule: "field.required")

        let bad = riskRegister(id: doc.id, rows: [
            "| R-001 | Late delivery | Schedule | 9 | 4 | 12 | Reduce | Early order | alice@example.com | 2026-12-15 | Open |",
            "| R-002 | Strike | External | 2 | 4 | 8 | Accept | None | alice@example.com | 2026-12-15 | Maybe |",
        ])
        try repo.write(doc.path, bad)
        let head = try repo.head()
        let status = try repo.git("status", "--porcelain").stdout
        let r = expectFailure(try repo.folio("check", doc.path), exit: [1])
        let found = diagnostics(in: r.stdout)
        let lines = bad.split(separator: "\n", omittingEmptySubsequences: false)
        let row1 = (lines.firstIndex { $0.hasPrefix("| R-001") } ?? -10) + 1
        let row2 = (lines.firstIndex { $0.hasPrefix("| R-002") } ?? -10) + 1
        #expect(found.contains { $0.rule == "table.range" && $0.line == row1 && $0.path == doc.path }, "\(found)")
        #expect(found.contains { $0.rule == "table.enum" && $0.line == row2 && $0.message.contains("Maybe") }, "\(found)")
        for d in found {
            #expect(d.line >= 1 && d.column >= 1, "positions are 1-based: \(d)")
        }

        let jr = try repo.folio("check", doc.path, "--format", "json")
        #expect(jr.status == 1)
        let objects = jsonObjects(jr)
        #expect(!objects.isEmpty)
        for o in objects {
            for key in ["path", "line", "column", "severity", "message", "rule"] {
                #expect(o[key] != nil, "check --format json lacks '\(key)': \(o)")
            }
        }
        #expect(objects.contains { $0["rule"] as? String == "table.enum" && $0["severity"] as? String == "error" })

        // --staged looks at the index only.
        expectSuccess(try repo.folio("check", "--staged"))
        try repo.git("add", doc.path)
        expectFailure(try repo.folio("check", "--staged"), exit: [1], rule: "table.enum")
        try repo.git("reset", "-q", "--", doc.path)

        // check at a commit reads the committed version.
        expectSuccess(try repo.folio("check", "--at", "HEAD"))

        #expect(try repo.head() == head)
        #expect(try repo.git("status", "--porcelain").stdout == status)
        expectFailure(try repo.folio("check", "README-nothing.md"), exit: [2])
    }

    // MARK: checkin

    @Test("checkin commits the work tree version with trailers; staged work on other documents stays staged")
    func checkin() throws {
        let repo = try TestRepo.managed()
        let doc = try repo.newDocument("risk-register", title: "Register")
        let other = try repo.newDocument("risk-register", title: "Other register")
        let work = try UnrelatedWork.plant(in: repo, stagedEdits: [other.path])
        try repo.write(doc.path, riskRegister(id: doc.id, title: "Register"))
        let before = try repo.head()
        let r = expectSuccess(try repo.folio("checkin", doc.path, "-m", "Filled in the first risks"))
        #expect(r.stdout.contains(doc.id))
        try expectFolioCommit(repo, after: before, document: doc.id, action: "checkin", revision: "0.2")
        try work.expectUntouched(repo)
        #expect(try repo.message().contains("Filled in the first risks"))
        #expect(Set(try repo.changedPaths()) == [doc.path, ".folio/records/\(doc.id).jsonl"])
        #expect(try repo.git("show", "HEAD:\(doc.path)").stdout == riskRegister(id: doc.id, title: "Register"))

        // Nothing to check in.
        let head = try repo.head()
        expectFailure(try repo.folio("checkin", doc.id), exit: [1], mentioning: ["no changes"])
        #expect(try repo.head() == head)

        // Invalid content is refused with diagnostics; the file stays as the user left it.
        let invalid = riskRegister(id: doc.id, rows: ["| R-1 | Bad id | Schedule | 3 | 4 | 12 | Reduce | x | alice@example.com | 2026-12-15 | Open |"])
        try repo.write(doc.path, invalid)
        expectFailure(try repo.folio("checkin", doc.id), exit: [1], rule: "table.pattern")
        #expect(try repo.head() == head)
        #expect(try repo.read(doc.path) == invalid)
        try work.expectUntouched(repo)

        // Checking in by ID works too, and numbers the next draft.
        try repo.write(doc.path, riskRegister(id: doc.id, title: "Register, revised"))
        expectSuccess(try repo.folio("checkin", doc.id, as: .dave))
        try expectFolioCommit(repo, after: head, document: doc.id, action: "checkin", revision: "0.3", by: .dave)
        expectFailure(try repo.folio("checkin", "ALPHA-RSK-0999"), exit: [2], mentioning: ["ALPHA-RSK-0999"])
    }

    @Test("checkin registers a document file created by hand in a type's folder")
    func checkinRegistersNewFile() throws {
        let repo = try TestRepo.managed()
        let path = "docs/risk-register/ALPHA-RSK-0005.md"
        try repo.write(path, riskRegister(id: "ALPHA-RSK-0005", title: "Hand made"))
        let before = try repo.head()
        expectSuccess(try repo.folio("checkin", path))
        try expectFolioCommit(repo, after: before, document: "ALPHA-RSK-0005", action: "create", revision: "0.1")
        #expect(try repo.newDocument("risk-register", title: "Next").id == "ALPHA-RSK-0006")
        // A file whose id does not match its name is refused.
        try repo.write("docs/risk-register/ALPHA-RSK-0010.md", riskRegister(id: "ALPHA-RSK-0011"))
        expectFailure(try repo.folio("checkin", "docs/risk-register/ALPHA-RSK-0010.md"), exit: [1], rule: "id.mismatch")
    }

    // MARK: attach

    @Test("attach adds and replaces attachments as a new version")
    func attach() throws {
        let repo = try TestRepo.managed()
        let doc = try repo.newDocument("risk-register", title: "Register")
        try repo.write("../scores.xlsx", Data([0x50, 0x4B, 0x03, 0x04, 0, 0, 9, 9]))
        let work = try UnrelatedWork.plant(in: repo)
        let before = try repo.head()
        expectSuccess(try repo.folio("attach", doc.id, repo.sandbox.path("scores.xlsx"), "-m", "Scores"))
        try expectFolioCommit(repo, after: before, document: doc.id, action: "attach", revision: "0.2")
        try work.expectUntouched(repo)
        let attachment = "docs/risk-register/\(doc.id)/scores.xlsx"
        #expect(try repo.changedPaths().contains(attachment))
        #expect(FileManager.default.contents(atPath: repo.file(attachment)) == Data([0x50, 0x4B, 0x03, 0x04, 0, 0, 9, 9]))

        // Replacing it.
        try repo.write("../scores.xlsx", Data([0x50, 0x4B, 0x03, 0x04, 1, 1]))
        let second = try repo.head()
        expectSuccess(try repo.folio("attach", doc.id, repo.sandbox.path("scores.xlsx")))
        try expectFolioCommit(repo, after: second, document: doc.id, action: "attach", revision: "0.3")
        #expect(try repo.git("cat-file", "-s", "HEAD:\(attachment)").stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "6")

        // A kind the template does not allow, a missing file, no file at all.
        let head = try repo.head()
        try repo.write("../tool.exe", Data([0x4D, 0x5A, 0, 0]))
        expectFailure(try repo.folio("attach", doc.id, repo.sandbox.path("tool.exe")), exit: [1], rule: "attachments.kind")
        expectFailure(try repo.folio("attach", doc.id, repo.sandbox.path("missing.pdf")), exit: [2])
        let usage = try repo.folio("attach", doc.id)
        expectNoCrash(usage)
        #expect(usage.status == 2)
        #expect(try repo.head() == head)
        #expect(!repo.exists("docs/risk-register/\(doc.id)/tool.exe"))
    }

    // MARK: lifecycle

    /// A complete risk register by `author`, checked in (revision 0.2).
    static func completeDocument(_ repo: TestRepo, by author: Person = .dave, title: String = "Register") throws -> (id: String, path: String) {
        let doc = try repo.newDocument("risk-register", title: title, as: author)
        try repo.write(doc.path, riskRegister(id: doc.id, title: title))
        expectSuccess(try repo.folio("checkin", doc.id, as: author))
        return doc
    }

    /// A complete risk register by dave, submitted, approved by alice and issued as 1.0.
    static func issuedDocument(_ repo: TestRepo, title: String = "Register") throws -> String {
        let doc = try completeDocument(repo, title: title)
        expectSuccess(try repo.folio("submit", doc.id, as: .dave))
        expectSuccess(try repo.folio("approve", doc.id, as: .alice))
        expectSuccess(try repo.folio("issue", doc.id, as: .alice))
        return doc.id
    }

    static func status(_ repo: TestRepo, _ id: String) throws -> [String: Any] {
        let r = expectSuccess(try repo.folio("status", id, "--format", "json"))
        return json(r) as? [String: Any] ?? [:]
    }

    @Test("submit, approve and issue: one commit each, with trailers; the approval rules hold")
    func submitApproveIssue() throws {
        let repo = try TestRepo.managed()
        // An incomplete draft cannot be submitted.
        let draft = try repo.newDocument("risk-register", title: "Draft", as: .dave)
        let head0 = try repo.head()
        expectFailure(try repo.folio("submit", draft.id, as: .dave), exit: [1], rule: "field.required")
        #expect(try repo.head() == head0)

        let doc = try Self.completeDocument(repo)
        let work = try UnrelatedWork.plant(in: repo)

        var head = try repo.head()
        let submit = expectSuccess(try repo.folio("submit", doc.id, as: .dave))
        #expect(submit.stdout.contains("in-review"))
        try expectFolioCommit(repo, after: head, document: doc.id, action: "submit", revision: "0.2", by: .dave)
        #expect(try Self.status(repo, doc.id)["state"] as? String == "in-review")

        // Not a draft any more.
        head = try repo.head()
        expectFailure(try repo.folio("submit", doc.id, as: .dave), exit: [1])
        // The author may not approve; a person without the role may not; mallory is not a person of the project.
        expectFailure(try repo.folio("approve", doc.id, as: .dave), exit: [1], mentioning: ["author"])
        expectFailure(try repo.folio("approve", doc.id, as: .bob), exit: [1])
        expectFailure(try repo.folio("approve", doc.id, as: .mallory), exit: [1])
        expectFailure(try repo.folio("approve", doc.id, "--role", "sponsor", as: .alice), exit: [1])
        // Not yet approved: cannot be issued.
        expectFailure(try repo.folio("issue", doc.id, as: .alice), exit: [1], mentioning: ["pm"])
        #expect(try repo.head() == head)

        let approve = expectSuccess(try repo.folio("approve", doc.id, "--comment", "Looks right", as: .alice))
        #expect(approve.stdout.contains("approved"))
        try expectFolioCommit(repo, after: head, document: doc.id, action: "approve", revision: "0.2", by: .alice)
        #expect(try repo.message().contains("Looks right"))
        let approved = try Self.status(repo, doc.id)
        #expect(approved["state"] as? String == "approved")
        let approvals = approved["approvals"] as? [[String: Any]] ?? []
        #expect(approvals.count == 1)
        #expect(approvals.first?["person"] as? String == Person.alice.email)
        #expect(approvals.first?["role"] as? String == "pm")
        #expect(approvals.first?["meaning"] as? String == "approval")
        #expect(approvals.first?["current"] as? Bool == true)
        #expect(approvals.first?["signed"] as? Bool == false)
        #expect(approvals.first?["at"] is String)
        #expect(approvals.first?["verified"] is Bool)
        // One person counts once.
        head = try repo.head()
        expectFailure(try repo.folio("approve", doc.id, as: .alice), exit: [1])
        #expect(try repo.head() == head)

        let issue = expectSuccess(try repo.folio("issue", doc.id, as: .alice))
        #expect(issue.stdout.contains("1.0"))
        try expectFolioCommit(repo, after: head, document: doc.id, action: "issue", revision: "1.0", by: .alice)
        #expect(try repo.git("tag", "-l", "folio/\(doc.id)/1.0").stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "folio/\(doc.id)/1.0")
        let tagged = try repo.git("rev-parse", "folio/\(doc.id)/1.0^{commit}").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(tagged == (try repo.head()))
        let issued = try Self.status(repo, doc.id)
        #expect(issued["state"] as? String == "issued")
        #expect(issued["revision"] as? String == "1.0")
        try work.expectUntouched(repo)

        // An issued document is revised by a new draft of the next revision.
        head = try repo.head()
        try repo.write(doc.path, riskRegister(id: doc.id, title: "Register", body: "\nRevised.\n"))
        expectSuccess(try repo.folio("checkin", doc.id, as: .dave))
        try expectFolioCommit(repo, after: head, document: doc.id, action: "checkin", revision: "1.1", by: .dave)
        #expect(try Self.status(repo, doc.id)["state"] as? String == "draft")
    }

    @Test("a check-in while in review returns the document to draft and makes the approval stale")
    func checkinInReviewReturnsToDraft() throws {
        let repo = try TestRepo.managed()
        let doc = try Self.completeDocument(repo)
        expectSuccess(try repo.folio("submit", doc.id, as: .dave))
        expectSuccess(try repo.folio("approve", doc.id, as: .alice))
        try repo.write(doc.path, riskRegister(id: doc.id, title: "Register", body: "\nLate change.\n"))
        expectSuccess(try repo.folio("checkin", doc.id, as: .dave))
        #expect(try Self.status(repo, doc.id)["state"] as? String == "draft")
        expectFailure(try repo.folio("issue", doc.id, as: .alice), exit: [1])
    }

    @Test("reject needs a comment and returns the document to draft")
    func reject() throws {
        let repo = try TestRepo.managed()
        let doc = try Self.completeDocument(repo)
        expectFailure(try repo.folio("reject", doc.id, "--comment", "No", as: .alice), exit: [1], mentioning: ["draft"])
        expectSuccess(try repo.folio("submit", doc.id, as: .dave))
        let head = try repo.head()
        let missing = try repo.folio("reject", doc.id, as: .alice)
        expectNoCrash(missing)
        #expect(missing.status == 2, "\(missing)")
        expectFailure(try repo.folio("reject", doc.id, "--comment", "   ", as: .alice), exit: [2])
        expectFailure(try repo.folio("reject", doc.id, "--comment", "No", as: .bob), exit: [1])
        #expect(try repo.head() == head)

        expectSuccess(try repo.folio("reject", doc.id, "--comment", "Add the supplier risks", as: .alice))
        try expectFolioCommit(repo, after: head, document: doc.id, action: "reject", revision: "0.2", by: .alice)
        #expect(try repo.message().contains("Add the supplier risks"))
        #expect(try Self.status(repo, doc.id)["state"] as? String == "draft")
        // Back in draft: it can be submitted again.
        expectSuccess(try repo.folio("submit", doc.id, as: .dave))
    }

    @Test("supersede marks an issued document as replaced by another issued one")
    func supersede() throws {
        let repo = try TestRepo.managed()
        let old = try Self.issuedDocument(repo, title: "Old register")
        let draft = try Self.completeDocument(repo, title: "Draft register")
        var head = try repo.head()
        expectFailure(try repo.folio("supersede", old, "--by", draft.id, as: .alice), exit: [1], mentioning: ["draft"])
        expectFailure(try repo.folio("supersede", old, "--by", old, as: .alice), exit: [1, 2])
        expectFailure(try repo.folio("supersede", old, "--by", "ALPHA-RSK-0999", as: .alice), exit: [1, 2])
        #expect(try repo.head() == head)

        let new = try Self.issuedDocument(repo, title: "New register")
        head = try repo.head()
        expectSuccess(try repo.folio("supersede", old, "--by", new, as: .alice))
        try expectFolioCommit(repo, after: head, document: old, action: "supersede", by: .alice)
        #expect(try repo.trailerValues("Folio-Superseded-By") == [new])
        #expect(try Self.status(repo, old)["state"] as? String == "superseded")
        #expect(try Self.status(repo, new)["state"] as? String == "issued")
        // A superseded document no longer changes.
        try repo.write("docs/risk-register/\(old).md", riskRegister(id: old, title: "Old register", body: "\nEdit.\n"))
        head = try repo.head()
        expectFailure(try repo.folio("checkin", old, as: .dave), exit: [1], mentioning: ["superseded"])
        #expect(try repo.head() == head)
    }

    @Test("withdraw needs a reason and retires the document")
    func withdraw() throws {
        let repo = try TestRepo.managed()
        let doc = try Self.completeDocument(repo)
        let head = try repo.head()
        let missing = try repo.folio("withdraw", doc.id, as: .alice)
        expectNoCrash(missing)
        #expect(missing.status == 2, "\(missing)")
        expectFailure(try repo.folio("withdraw", doc.id, "--reason", " ", as: .alice), exit: [2])
        #expect(try repo.head() == head)
        expectSuccess(try repo.folio("withdraw", doc.id, "--reason", "Merged into the programme register", as: .alice))
        try expectFolioCommit(repo, after: head, document: doc.id, action: "withdraw", by: .alice)
        #expect(try Self.status(repo, doc.id)["state"] as? String == "withdrawn")
        let head2 = try repo.head()
        expectFailure(try repo.folio("withdraw", doc.id, "--reason", "again", as: .alice), exit: [1])
        expectFailure(try repo.folio("submit", doc.id, as: .dave), exit: [1])
        #expect(try repo.head() == head2)
    }

    // MARK: ls, status, show, log

    @Test("ls is the master register, with filters and the SPEC's json keys")
    func ls() throws {
        let repo = try TestRepo.managed()
        let risk = try Self.completeDocument(repo)
        let charter = try repo.newDocument("charter", title: "Alpha charter")
        expectSuccess(try repo.folio("submit", risk.id, as: .dave))

        let text = expectSuccess(try repo.folio("ls"))
        #expect(text.stdout.contains(risk.id))
        #expect(text.stdout.contains(charter.id))

        let all = jsonObjects(expectSuccess(try repo.folio("ls", "--format", "json")))
        #expect(all.compactMap { $0["id"] as? String }.sorted() == [charter.id, risk.id].sorted())
        for entry in all {
            for key in ["id", "type", "title", "path", "state", "revision", "approvals"] {
                #expect(entry[key] != nil, "ls --format json lacks '\(key)': \(entry)")
            }
        }
        let r = all.first { $0["id"] as? String == risk.id } ?? [:]
        #expect(r["type"] as? String == "risk-register")
        #expect(r["title"] as? String == "Register")
        #expect(r["path"] as? String == risk.path)
        #expect(r["state"] as? String == "in-review")
        #expect(r["revision"] as? String == "0.2")
        let c = all.first { $0["id"] as? String == charter.id } ?? [:]
        #expect(c["state"] as? String == "draft")
        #expect(c["revision"] as? String == "0.1")

        let byType = jsonObjects(expectSuccess(try repo.folio("ls", "--type", "charter", "--format", "json")))
        #expect(byType.compactMap { $0["id"] as? String } == [charter.id])
        let byState = jsonObjects(expectSuccess(try repo.folio("ls", "--state", "in-review", "--format", "json")))
        #expect(byState.compactMap { $0["id"] as? String } == [risk.id])
        let csv = expectSuccess(try repo.folio("ls", "--format", "csv"))
        #expect(csv.stdoutLines.count == 3)
        #expect(csv.stdoutLines.first?.contains("ID") == true)
        expectFailure(try repo.folio("ls", "--state", "lost"), exit: [2])
        expectFailure(try repo.folio("ls", "--type", "nosuch"), exit: [2])
    }

    @Test("status shows one document's state, or all with the uncommitted document changes")
    func status() throws {
        let repo = try TestRepo.managed()
        let doc = try repo.newDocument("risk-register", title: "Register")
        let one = try Self.status(repo, doc.id)
        for key in ["id", "type", "title", "path", "state", "revision", "approvals"] {
            #expect(one[key] != nil, "status --format json lacks '\(key)': \(one)")
        }
        #expect(one["state"] as? String == "draft")
        let text = expectSuccess(try repo.folio("status", doc.id))
        #expect(text.stdout.contains("draft"))

        try repo.write(doc.path, try repo.read(doc.path) + "\nUncommitted.\n")
        let all = expectSuccess(try repo.folio("status"))
        #expect(all.stdout.contains(doc.id))
        #expect(all.stdout.contains(doc.path), "the uncommitted change is listed:\n\(all)")
        let allJSON = json(expectSuccess(try repo.folio("status", "--format", "json")))
        #expect(allJSON != nil)
        expectFailure(try repo.folio("status", "ALPHA-RSK-0999"), exit: [2], mentioning: ["ALPHA-RSK-0999"])
    }

    @Test("show prints the committed content, also at an earlier commit")
    func show() throws {
        let repo = try TestRepo.managed()
        let doc = try repo.newDocument("risk-register", title: "Register")
        let first = try repo.head()
        let firstText = try repo.read(doc.path)
        try repo.write(doc.path, riskRegister(id: doc.id))
        expectSuccess(try repo.folio("checkin", doc.id))
        try repo.write(doc.path, "uncommitted scribble\n")

        let now = expectSuccess(try repo.folio("show", doc.id))
        #expect(now.stdout == riskRegister(id: doc.id))
        let then = expectSuccess(try repo.folio("show", doc.id, "--at", first))
        #expect(then.stdout == firstText)
        // By revision label: 0.1 was the first draft.
        let draft = expectSuccess(try repo.folio("show", doc.id, "--rev", "0.1"))
        #expect(draft.stdout == firstText)
        expectFailure(try repo.folio("show", "ALPHA-RSK-0999"), exit: [2])
        expectFailure(try repo.folio("show", doc.id, "--at", "no-such-revision"), exit: [1, 2])
    }

    @Test("log lists every commit that changed the document")
    func log() throws {
        let repo = try TestRepo.managed()
        let doc = try Self.completeDocument(repo)
        _ = try repo.newDocument("risk-register", title: "Unrelated")
        expectSuccess(try repo.folio("submit", doc.id, as: .dave))
        let text = expectSuccess(try repo.folio("log", doc.id))
        #expect(text.stdout.contains("submit"))
        let entries = jsonObjects(expectSuccess(try repo.folio("log", doc.id, "--format", "json")))
        let expected = try repo.git("log", "--format=%H", "--", doc.path, ".folio/records/\(doc.id).jsonl").stdout
            .split(separator: "\n").map(String.init)
        #expect(entries.count == expected.count, "log: \(entries)")
        #expect(entries.count == 3)
        let actions = entries.compactMap { $0["action"] as? String }
        #expect(Set(actions) == ["create", "checkin", "submit"], "\(entries)")
        expectFailure(try repo.folio("log", "ALPHA-RSK-0999"), exit: [2])
    }

    // MARK: hooks install

    @Test("hooks install writes both client hooks calling this folio binary")
    func hooksInstall() throws {
        let repo = try TestRepo.managed()
        for hook in ["pre-commit", "commit-msg"] { try FileManager.default.removeItem(atPath: repo.file(".git/hooks/\(hook)")) }
        let r = expectSuccess(try repo.folio("hooks", "install"))
        #expect(r.stdout.contains("pre-commit"))
        #expect(r.stdout.contains("commit-msg"))
        let folio = URL(fileURLWithPath: try Tools.requireFolio()).resolvingSymlinksInPath().path
        for hook in ["pre-commit", "commit-msg"] {
            let script = try repo.read(".git/hooks/\(hook)")
            #expect(script.contains(folio), "the hook calls the absolute path of folio:\n\(script)")
            #expect(FileManager.default.isExecutableFile(atPath: repo.file(".git/hooks/\(hook)")))
        }
        // Reinstalling over Folio's own hooks is fine.
        expectSuccess(try repo.folio("hooks", "install"))
        #expect(try repo.git("status", "--porcelain").stdout.isEmpty, "hooks live in .git, not in the tree")
    }
}
