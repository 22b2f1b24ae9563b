import Foundation
import Testing

/// Folio inside people's git habits (issue "Behave like git"): sparse
/// checkouts, shallow clones, file names that are one file on macOS and
/// Windows, `git rm` and `git mv` of controlled documents. Each on a real
/// repository, with git as the witness.
@Suite("Git habits: sparse and shallow clones, colliding names, git rm and mv", .wide)
struct GitHabitsTests {
    static let risk = "docs/risk-register/ALPHA-RSK-0001.md"

    /// Writes a file outside the repository, in the test's sandbox.
    static func outside(_ repo: TestRepo, _ relative: String, _ text: String) throws {
        let url = URL(fileURLWithPath: repo.sandbox.path(relative))
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    /// `café.pdf` with a composed é (NFC) and with e and a combining accent (NFD): one file on macOS.
    static let nfc = "caf\u{E9}.pdf", nfd = "cafe\u{301}.pdf"

    /// Writes files outside the repository, in the test's sandbox: relative path → text.
    static func outside(_ repo: TestRepo, _ files: [String: String]) throws {
        for (relative, text) in files { try outside(repo, relative, text) }
    }

    /// A managed repository with one risk register holding one attachment.
    static func withAttachment() throws -> TestRepo {
        let repo = try TestRepo.managed()
        expectSuccess(try repo.folio("new", "risk-register", "--title", "Risks"))
        try outside(repo, "heat.pdf", "%PDF-1.4 heat map\n")
        expectSuccess(try repo.folio("attach", "ALPHA-RSK-0001", repo.sandbox.path("heat.pdf")))
        return repo
    }

    @Test("a repository owned by another user: git's 'dubious ownership' refusal, said as git says it, with both ways out",
          .enabled(if: geteuid() == 0, "only root can give a repository to another user"))
    func repositoryOfAnotherUser() throws {
        let repo = try TestRepo.managed()
        let sandbox = repo.sandbox
        _ = try sandbox.run("/bin/chown", ["-R", "65534:65534", repo.path], in: sandbox.root.path)
        // git itself refuses it,
        let git = try sandbox.run(Tools.git, ["status"], in: repo.path)
        #expect(!git.ok && git.stderr.contains("dubious ownership"), "\(git)")
        // and so does folio, saying why and what to do (not "not a git repository").
        let refused = expectFailure(try repo.folioProcess(["status"]), exit: [2],
                                    mentioning: ["owned by another user", "safe.directory \(repo.path)"])
        #expect(!refused.stderr.contains("not a git repository"), "\(refused)")
        expectFailure(try repo.folioProcess(["verify", "--repo", repo.path]), exit: [2], mentioning: ["owned by another user"])
        // The way out git names works for folio too.
        try sandbox.git(["config", "--global", "--add", "safe.directory", repo.path], in: sandbox.root.path)
        expectSuccess(try repo.folioProcess(["status"]))
        expectSuccess(try repo.folioProcess(["verify", "--repo", repo.path]))
        _ = try sandbox.run("/bin/chown", ["-R", "0:0", repo.path], in: sandbox.root.path)
    }

    @Test("sparse checkout: documents outside it are not deleted in status, and a check-in keeps attachments that are not checked out")
    func sparseCheckout() throws {
        let repo = try Self.withAttachment()
        try repo.git("sparse-checkout", "set", "--no-cone", "/*", "!/docs/risk-register/")
        #expect(!FileManager.default.fileExists(atPath: repo.file(Self.risk)))
        let status = expectSuccess(try repo.folio("status"))
        #expect(!status.stdout.contains("deleted"), "\(status)")
        // The document checked out, its attachment folder not.
        try repo.git("sparse-checkout", "set", "--no-cone", "/*", "!/docs/risk-register/ALPHA-RSK-0001/")
        let text = try String(contentsOfFile: repo.file(Self.risk), encoding: .utf8)
        try repo.write(Self.risk, text.replacingOccurrences(of: "title: Risks", with: "title: Project risks"))
        expectSuccess(try repo.folio("checkin", "ALPHA-RSK-0001", "-m", "title"))
        let tree = try repo.git("ls-tree", "-r", "--name-only", "HEAD", "docs/risk-register/").stdout
        #expect(tree.contains("docs/risk-register/ALPHA-RSK-0001/heat.pdf"), "the attachment stays: \(tree)")
        #expect(try repo.git("status", "--porcelain").stdout.isEmpty)
        try repo.git("fsck", "--strict")
        // A document outside the sparse set cannot be checked in from a file that is not there.
        try repo.git("sparse-checkout", "set", "--no-cone", "/*", "!/docs/risk-register/")
        expectFailure(try repo.folio("checkin", "ALPHA-RSK-0001"), exit: [1], mentioning: ["sparse"])
    }

    @Test("attachment names that are one file on macOS or Windows (case, NFC and NFD) are refused, never overwritten")
    func collidingAttachmentNames() throws {
        let repo = try Self.withAttachment()
        let (nfc, nfd) = (Self.nfc, Self.nfd)
        try Self.outside(repo, ["a/" + nfc: "one\n", "b/" + nfd: "two\n", "b/Heat.pdf": "other\n"])
        let head = try repo.git("rev-parse", "HEAD").stdout
        expectFailure(try repo.folio("attach", "ALPHA-RSK-0001", repo.sandbox.path("a/" + nfc), repo.sandbox.path("b/" + nfd)), exit: [1], mentioning: ["normal form"])
        expectFailure(try repo.folio("attach", "ALPHA-RSK-0001", repo.sandbox.path("b/Heat.pdf")), exit: [1], mentioning: ["case"])
        #expect(try repo.git("rev-parse", "HEAD").stdout == head, "nothing committed")
        expectSuccess(try repo.folio("attach", "ALPHA-RSK-0001", repo.sandbox.path("a/" + nfc)))
        expectFailure(try repo.folio("attach", "ALPHA-RSK-0001", repo.sandbox.path("b/" + nfd)), exit: [1], mentioning: ["normal form"])
        let blob = try repo.git("show", "HEAD:docs/risk-register/ALPHA-RSK-0001/" + nfc).stdout
        #expect(blob == "one\n", "the first file's bytes are kept")
    }

    @Test("folio new --attach keeps attach's rules (names twice, NFC and NFD, git-lfs); a folder committed by plain git with NFC and NFD names is refused, never collapsed")
    func newAttachAndCommittedPairs() throws {
        let repo = try TestRepo.managed()
        let (nfc, nfd) = (Self.nfc, Self.nfd)
        try Self.outside(repo, [
            "a/" + nfc: "one\n", "b/" + nfd: "two\n", "c/x.pdf": "x one\n", "d/x.pdf": "x two\n", "e/plan.dwg": "drawing\n",
        ])
        try repo.write(".gitattributes", try repo.read(".gitattributes") + "*.dwg filter=lfs diff=lfs merge=lfs -text\n")
        try repo.git("add", ".gitattributes")
        try repo.git("commit", "-q", "--no-verify", "-m", "LFS for drawings")
        let head = try repo.git("rev-parse", "HEAD").trimmed
        let path = { (f: String) in repo.sandbox.path(f) }
        expectFailure(try repo.folio("new", "risk-register", "--title", "R", "--attach", path("a/" + nfc), "--attach", path("b/" + nfd)), exit: [1], mentioning: ["normal forms"])
        expectFailure(try repo.folio("new", "risk-register", "--title", "R", "--attach", path("c/x.pdf"), "--attach", path("d/x.pdf")), exit: [1], mentioning: ["named twice"])
        expectFailure(try repo.folio("new", "risk-register", "--title", "R", "--attach", path("e/plan.dwg")), exit: [1], mentioning: ["lfs"])
        #expect(try repo.git("rev-parse", "HEAD").trimmed == head, "nothing committed")

        // Both forms committed with plain git: a new version would keep only one.
        expectSuccess(try repo.folio("new", "risk-register", "--title", "R"))
        let folder = "docs/risk-register/ALPHA-RSK-0001/"
        try repo.write(folder + nfc, "one\n")
        try repo.write(folder + nfd, "two\n")
        try repo.git("add", folder)
        try repo.git("commit", "-q", "--no-verify", "-m", "two names, one on macOS")
        let before = try repo.git("rev-parse", "HEAD").trimmed
        expectFailure(try repo.folio("attach", "ALPHA-RSK-0001", path("c/x.pdf")), exit: [1], mentioning: ["normal forms", "git mv"])
        expectFailure(try repo.folio("checkin", "ALPHA-RSK-0001"), exit: [1], mentioning: ["normal forms"])
        #expect(try repo.git("rev-parse", "HEAD").trimmed == before)
        let files = try repo.git("ls-tree", "-z", "--name-only", "HEAD", folder).stdout.split(separator: "\0")
        #expect(files.count == 2, "both files stay: \(files)")
    }

    @Test("a document under a git-lfs rule: new and checkin refuse it, naming the attribute to add; with it added, git status stays clean")
    func documentUnderFilterDriver() throws {
        let repo = try TestRepo.managed()
        try repo.git("lfs", "install", "--local")
        let rules = try repo.read(".gitattributes")
        try repo.write(".gitattributes", rules + "docs/risk-register/** filter=lfs diff=lfs merge=lfs -text\n")
        try repo.git("add", ".gitattributes")
        try repo.git("commit", "-q", "--no-verify", "-m", "LFS for the risk registers")
        let head = try repo.git("rev-parse", "HEAD").trimmed
        expectFailure(try repo.folio("new", "risk-register", "--title", "R"), exit: [1], mentioning: ["filter 'lfs'", "!filter !diff !merge text"])
        #expect(try repo.git("rev-parse", "HEAD").trimmed == head, "nothing committed")
        // The way out the message names.
        try repo.write(".gitattributes", rules + "docs/risk-register/** filter=lfs diff=lfs merge=lfs -text\ndocs/risk-register/*.md !filter !diff !merge text\n")
        try repo.git("add", ".gitattributes")
        try repo.git("commit", "-q", "--no-verify", "-m", "documents stay text")
        expectSuccess(try repo.folio("new", "risk-register", "--title", "R"))
        #expect(try repo.git("status", "--porcelain").stdout.isEmpty)
        // A check-in of a document the rule covers again is refused the same way.
        try repo.write(".gitattributes", rules + "docs/risk-register/** filter=lfs diff=lfs merge=lfs -text\n")
        try repo.git("add", ".gitattributes")
        try repo.git("commit", "-q", "--no-verify", "-m", "LFS again")
        try repo.write(Self.risk, try repo.read(Self.risk).replacingOccurrences(of: "title: R", with: "title: Risks"))
        expectFailure(try repo.folio("checkin", "ALPHA-RSK-0001"), exit: [1], mentioning: ["filter 'lfs'"])
        try repo.git("fsck", "--strict")
    }

    @Test("git rm and git mv of a controlled document: the pre-commit hook says what to do instead")
    func removeAndMove() throws {
        let repo = try Self.withAttachment()
        try repo.git("rm", "-q", Self.risk)
        let removed = try repo.sandbox.run(Tools.git, ["commit", "-q", "-m", "remove"], in: repo.path)
        #expect(!removed.ok)
        #expect(removed.stderr.contains("folio withdraw ALPHA-RSK-0001") && removed.stderr.contains("git restore --staged --worktree"), "\(removed)")
        try repo.git("restore", "--staged", "--worktree", Self.risk)
        try FileManager.default.createDirectory(atPath: repo.file("docs/risk-register/old"), withIntermediateDirectories: true)
        try repo.git("mv", Self.risk, "docs/risk-register/old/")
        let moved = try repo.sandbox.run(Tools.git, ["commit", "-q", "-m", "move"], in: repo.path)
        #expect(!moved.ok)
        #expect(moved.stderr.contains("[document.moved]") && moved.stderr.contains("git mv docs/risk-register/old/ALPHA-RSK-0001.md"), "\(moved)")
    }

    @Test("git revert of a Folio commit (git runs no hook for it): status and verify name it and the way out; git reset --keep HEAD^ undoes it")
    func revertOfFolioCommit() throws {
        let repo = try Self.withAttachment()
        let text = try repo.read(Self.risk)
        try repo.write(Self.risk, text.replacingOccurrences(of: "title: Risks", with: "title: Project risks"))
        expectSuccess(try repo.folio("checkin", "ALPHA-RSK-0001", "-m", "title"))
        let checkin = try repo.git("rev-parse", "--short=10", "HEAD").trimmed
        try repo.git("revert", "--no-edit", "HEAD")  // no pre-commit hook runs: git makes the commit
        let status = try repo.folio("status")
        #expect(status.stderr.contains("[record.rewritten]") && status.stderr.contains("'git revert' of \(checkin)")
            && status.stderr.contains("git reset --keep HEAD^") && status.stderr.contains("folio checkin ALPHA-RSK-0001"), "\(status)")
        let one = try repo.folio("status", "ALPHA-RSK-0001")
        #expect(one.stderr.contains("[record.rewritten]"), "\(one)")
        let verify = try repo.folio("verify")
        #expect(verify.status == 1 && verify.stdout.contains("'git revert' of \(checkin)"), "\(verify)")
        // The way out the message names.
        try repo.git("reset", "-q", "--keep", "HEAD^")
        let after = try repo.folio("status")
        #expect(!after.stderr.contains("record.rewritten"), "\(after)")
        expectSuccess(try repo.folio("verify"))
        // And the way to earlier content: a new version of it.
        let old = try repo.folio("show", "ALPHA-RSK-0001", "--rev", "0.2")
        try repo.write(Self.risk, old.stdout)
        expectSuccess(try repo.folio("checkin", "ALPHA-RSK-0001", "-m", "back to the first title"))
        #expect(try repo.read(Self.risk).contains("title: Risks"))
        #expect(try repo.git("status", "--porcelain").stdout.isEmpty)
        expectSuccess(try repo.folio("verify"))
    }

    @Test("a shallow clone: log, show and history work with the history there is and say where it stops; verify asks for the rest")
    func shallowClone() throws {
        let repo = try Self.withAttachment()
        let text = try String(contentsOfFile: repo.file(Self.risk), encoding: .utf8)
        try repo.write(Self.risk, text.replacingOccurrences(of: "title: Risks", with: "title: Project risks"))
        expectSuccess(try repo.folio("checkin", "ALPHA-RSK-0001"))
        let clone = repo.sandbox.path("shallow")
        // Two commits: the check-in (0.3), and the cut at the attach (0.2).
        try repo.sandbox.git(["clone", "-q", "--depth", "2", "file://" + repo.path, clone], in: repo.sandbox.root.path)
        let shallow = TestRepo(sandbox: repo.sandbox, path: clone)
        let cut = try shallow.git("rev-parse", "HEAD~1").trimmed
        let log = expectSuccess(try shallow.folio("log", "ALPHA-RSK-0001", "--format", "json"))
        #expect(log.stderr.contains("shallow clone") && log.stderr.contains("git fetch --unshallow"), "\(log)")
        let entries = try #require(JSONSerialization.jsonObject(with: Data(log.stdout.utf8)) as? [[String: Any]])
        #expect(entries.map { $0["action"] as? String } == ["checkin", "shallow-cut"], "\(log)")
        #expect(entries.map { $0["revision"] as? String } == ["0.3", "0.2"], "the cut shows the revision as it stood there")
        #expect((entries.first?["subject"] as? String)?.contains("Project risks") == true)
        // The cut's content is revision 0.2; nothing before it is here.
        let at = expectSuccess(try shallow.folio("show", "ALPHA-RSK-0001", "--rev", "0.2"))
        #expect(at.stdout == (try shallow.git("show", "\(cut):\(Self.risk)").stdout))
        expectFailure(try shallow.folio("show", "ALPHA-RSK-0001", "--rev", "0.1"), exit: [2], mentioning: ["git fetch --unshallow"])
        // The change history: the cut is where it stops, never credited with what came before it.
        let history = expectSuccess(try shallow.folio("report", "history", "--format", "json"))
        let object = try #require(JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [String: Any])
        let rows = object["rows"] as? [[String: Any]] ?? []
        let cutRows = rows.filter { ($0["commit"] as? String) == cut }
        #expect(cutRows.count == 1 && (cutRows.first?["document"] as? String ?? "").isEmpty, "one row for the cut: \(cutRows)")
        #expect(cutRows.allSatisfy { ($0["events"] as? [Any] ?? []).isEmpty && (($0["changes"] as? [String])?.first ?? "").contains("stops here") }, "\(cutRows)")
        #expect(rows.count == 2, "the check-in and the cut: \(rows)")
        let one = expectSuccess(try shallow.folio("report", "history", "ALPHA-RSK-0001", "--format", "json"))
        let oneRows = (try JSONSerialization.jsonObject(with: Data(one.stdout.utf8)) as? [String: Any])?["rows"] as? [[String: Any]] ?? []
        #expect(oneRows.map { $0["action"] as? String } == ["checkin", "shallow-cut"], "one document's history also says where it stops: \(oneRows)")
        expectSuccess(try shallow.folio("show", "ALPHA-RSK-0001"))
        expectFailure(try shallow.folio("verify"), exit: [2], mentioning: ["shallow clone", "git fetch --unshallow"])
        // After fetching the rest, everything is there again.
        try shallow.git("fetch", "-q", "--unshallow")
        expectSuccess(try shallow.folio("verify"))
        expectSuccess(try shallow.folio("show", "ALPHA-RSK-0001", "--rev", "0.1"))
    }

    @Test("core.autocrlf and eol=crlf: a check-in commits what git add would, git status stays clean, and the next plain commit changes nothing for submit", arguments: ["autocrlf", "eol"])
    func lineEndings(_ setting: String) throws {
        let repo = try TestRepo.managed()
        expectSuccess(try repo.folio("new", "risk-register", "--title", "Risks", "--set", "review_date=2026-03-02"))
        if setting == "autocrlf" {
            try repo.git("config", "core.autocrlf", "true")
        } else {
            try repo.write(".gitattributes", (try String(contentsOfFile: repo.file(".gitattributes"), encoding: .utf8)) + "*.md text eol=crlf\n")
            try repo.git("add", ".gitattributes")
            try repo.git("commit", "-q", "-m", "CRLF for Markdown")
        }
        let text = try String(contentsOfFile: repo.file(Self.risk), encoding: .utf8).replacingOccurrences(of: "\r\n", with: "\n")
        try repo.write(Self.risk, text.replacingOccurrences(of: "title: Risks", with: "title: Project risks").replacingOccurrences(of: "\n", with: "\r\n"))
        expectSuccess(try repo.folio("checkin", "ALPHA-RSK-0001"))
        #expect(try repo.git("status", "--porcelain").stdout.isEmpty)
        let committed = try repo.git("rev-parse", "HEAD:" + Self.risk).stdout
        let wouldAdd = try repo.git("hash-object", "--path=" + Self.risk, Self.risk).stdout
        #expect(committed == wouldAdd, "the blob is git's (LF), not the work tree's bytes")
        #expect(!(try repo.git("show", "HEAD:" + Self.risk).stdout.contains("\r")))
        try repo.write("notes.txt", "more\n")
        try repo.git("add", "notes.txt")
        try repo.git("commit", "-q", "-m", "Unrelated")
        expectSuccess(try repo.folio("submit", "ALPHA-RSK-0001"))
        expectSuccess(try repo.folio("verify"))
        try repo.git("fsck", "--strict")
        // What git says is unchanged, folio says too (a CRLF checkout).
        try repo.write(Self.risk, try String(contentsOfFile: repo.file(Self.risk), encoding: .utf8).replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n"))
        #expect(try repo.git("status", "--porcelain").stdout.isEmpty)
        let status = expectSuccess(try repo.folio("status"))
        #expect(!status.stdout.contains("modified") && !status.stderr.contains("rules.uncommitted"), "\(status)")
    }

    @Test("an attachment under git-lfs: folio attach refuses to store it raw; staged with git add, the check-in records the LFS pointer")
    func lfsAttachment() throws {
        let repo = try TestRepo.managed()
        expectSuccess(try repo.folio("new", "risk-register", "--title", "Risks"))
        try repo.git("lfs", "install", "--local")
        try repo.write(".gitattributes", (try String(contentsOfFile: repo.file(".gitattributes"), encoding: .utf8)) + "*.pdf filter=lfs diff=lfs merge=lfs -text\n")
        try repo.git("add", ".gitattributes")
        try repo.git("commit", "-q", "-m", "Drawings in LFS")
        try Self.outside(repo, "heat.pdf", "%PDF-1.4 heat map\n")
        let head = try repo.git("rev-parse", "HEAD").stdout
        expectFailure(try repo.folio("attach", "ALPHA-RSK-0001", repo.sandbox.path("heat.pdf")), exit: [1], mentioning: ["lfs", "git add"])
        #expect(try repo.git("rev-parse", "HEAD").stdout == head)
        let attachment = "docs/risk-register/ALPHA-RSK-0001/heat.pdf"
        try repo.write(attachment, "%PDF-1.4 heat map\n")
        try repo.git("add", attachment)
        expectSuccess(try repo.folio("checkin", "ALPHA-RSK-0001"))
        #expect(try repo.git("show", "HEAD:" + attachment).stdout.hasPrefix("version https://git-lfs.github.com/spec/v1"))
        #expect(try repo.git("lfs", "ls-files").stdout.contains("heat.pdf"))
        #expect(try repo.git("status", "--porcelain").stdout.isEmpty)
        expectSuccess(try repo.folio("verify"))
    }

    @Test("a refused approval names who may approve, or says that nobody in folio.yml may")
    func refusalsNameWhoMay() throws {
        let repo = try TestRepo.managed()
        expectSuccess(try repo.folio("new", "risk-register", "--title", "Risks", "--set", "review_date=2026-03-02"))
        expectSuccess(try repo.folio("submit", "ALPHA-RSK-0001"))
        // Alice, the only pm, wrote it.
        expectFailure(try repo.folio("approve", "ALPHA-RSK-0001"), exit: [1], mentioning: ["may not approve", "nobody in folio.yml may", "folio people add"])
        expectSuccess(try repo.folio("people", "add", "erin@example.com", "--name", "Erin Example", "--roles", "pm"))
        expectFailure(try repo.folio("approve", "ALPHA-RSK-0001"), exit: [1], mentioning: ["who may: Erin Example <erin@example.com> (pm)"])
        expectFailure(try repo.folio("approve", "ALPHA-RSK-0001", "--role", "pm", as: .dave), exit: [1], mentioning: ["does not hold the role 'pm'", "Erin Example"])
        expectFailure(try repo.folio("issue", "ALPHA-RSK-0001"), exit: [1], mentioning: ["approvals missing from pm", "Erin Example"])
    }
}
