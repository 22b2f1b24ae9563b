import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Faults: `folio` killed with SIGKILL at many points of `new`, `checkin`,
/// `attach` and `approve`, and two `folio` processes writing to one clone
/// at once.
///
/// After every kill the repository must be consistent:
/// - `git fsck --strict` is clean; HEAD is a commit: the old one, or exactly
///   one new commit on top of it (never anything else);
/// - every record (`.folio/records/*.jsonl`) in HEAD and in the work tree is
///   whole: each line one JSON object, the file ending in a newline;
/// - the work tree and the index are as they were, except for the paths the
///   new commit wrote, if it was made: each of those is either still as it
///   was or exactly as committed (never half-written). What is acceptable
///   after a kill between moving the branch and updating the work tree and
///   index: those paths lag behind HEAD (`git status` shows them as changed
///   or staged against HEAD) until the next folio write of the same paths
///   or a `git checkout`/`git reset`; and temporary files of an atomic
///   write (`.folio-tmp-*`) may remain, untracked, next to the file being
///   written. Nothing else may change, and nothing may ever commit such
///   debris;
/// - `folio verify` exits 0 and a further `folio new` works (no lock left
///   behind that blocks the next command).
///
/// Kill points: a quarter of the kills come after a delay spread over the
/// command's measured running time; the rest are aimed at the steps of its
/// write phase: a varying offset after the first object libgit2 writes, after
/// the branch's lock file appears, after a work-tree file's temporary
/// appears, after the index lock appears (see `killPoint`). The
/// environment variable `FOLIO_FAULT_POINTS` changes the number of kills per
/// command (default 24). Where the kills landed is printed (not asserted:
/// timing varies with the machine).
@Suite("Faults: SIGKILL during writes, concurrent writers", .wide, .tags(.slow, .process))
struct FaultTests {
    static let points = ProcessInfo.processInfo.environment["FOLIO_FAULT_POINTS"].flatMap { Int($0) } ?? 24

    /// Alice, bob and carol may all approve decision logs (pm); alice creates
    /// and checks in, so bob approves.
    static let config = """
        project: { code: ALPHA, name: Project Alpha }
        numbering: "{project}-{code}-{seq:4}"
        revisions: numeric
        signatures: optional
        people:
          - { email: alice@example.com, name: Alice Adams, roles: [pm, admin] }
          - { email: bob@example.com, name: Bob Brown, roles: [pm, sponsor] }
          - { email: carol@example.com, name: Carol Chen, roles: [pm, pmo, admin] }
          - { email: dave@example.com, name: Dave Diaz, roles: [author] }

        """

    static func repository() throws -> TestRepo {
        let repo = try TestRepo.managed()
        try repo.write("folio.yml", config)
        try repo.git("commit", "-q", "--no-verify", "-am", "Everyone approves decision logs")
        return repo
    }

    // MARK: The state before a command

    /// The work tree and index of the folio-managed paths, and HEAD.
    struct Snapshot {
        let head: String
        let files: [String: Data]
        let index: [String: String]
        let status: [String]
    }

    static func snapshot(_ repo: TestRepo) throws -> Snapshot {
        var files: [String: Data] = [:]
        for top in ["docs", ".folio", "templates"] {
            let base = repo.file(top)
            guard let walker = FileManager.default.enumerator(atPath: base) else { continue }
            while let name = walker.nextObject() as? String {
                let relative = top + "/" + name
                if let data = repo.ftWorkFile(relative) { files[relative] = data }
            }
        }
        if let data = repo.ftWorkFile("folio.yml") { files["folio.yml"] = data }
        var index: [String: String] = [:]
        for line in try repo.git("ls-files", "-s").stdout.split(separator: "\n") {
            let parts = line.split(separator: "\t", maxSplits: 1)
            if parts.count == 2 { index[String(parts[1])] = String(parts[0]) }
        }
        return Snapshot(head: try repo.head(), files: files, index: index, status: try repo.ftStatusLines())
    }

    static func isDebris(_ path: String) -> Bool {
        let name = (path as NSString).lastPathComponent
        return name.hasPrefix(".folio-tmp-") || name.hasPrefix(".dat.nosync")
    }

    // MARK: Killing

    /// A sign that the write phase has reached a step.
    enum Trigger: String {
        /// libgit2 writes its first object (`.git/objects/tmp_object_git2_*`).
        case object
        /// The branch is being moved (`.git/refs/heads/main.lock`).
        case branchLock
        /// A file of the work tree is being replaced (`.folio-tmp-*` next to it).
        case workTree
        /// The index is being written (`.git/index.lock`).
        case indexLock
    }

    enum KillPoint: CustomStringConvertible {
        /// After a delay from the start.
        case after(microseconds: UInt32)
        /// After a step of the write phase begins, plus an offset.
        case at(Trigger, offset: UInt32)

        var description: String {
            switch self {
            case .after(let us): "after \(us / 1000) ms"
            case .at(let trigger, let us): "\(us) µs after \(trigger.rawValue) began"
            }
        }
    }

    static func hasEntry(_ folder: String, prefix: String) -> Bool {
        guard let dir = opendir(folder) else { return false }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let found = withUnsafePointer(to: entry.pointee.d_name) { p in
                p.withMemoryRebound(to: CChar.self, capacity: 256) { strncmp($0, prefix, prefix.utf8.count) == 0 }
            }
            if found { return true }
        }
        return false
    }

    /// Whether the write phase has reached `trigger`. `folders` are the
    /// work-tree folders the command writes to.
    static func reached(_ trigger: Trigger, _ repo: TestRepo, folders: [String]) -> Bool {
        switch trigger {
        case .object: hasEntry(repo.file(".git/objects"), prefix: "tmp_object")
        case .branchLock: access(repo.file(".git/refs/heads/main.lock"), F_OK) == 0
        case .indexLock: access(repo.file(".git/index.lock"), F_OK) == 0
        case .workTree: folders.contains { hasEntry(repo.file($0), prefix: ".folio-tmp-") }
        }
    }

    /// Runs folio and kills it at `point`, unless it ends first.
    static func run(
        _ repo: TestRepo, _ arguments: [String], as person: Person, killAt point: KillPoint?, folders: [String] = []
    ) throws -> ProcessResult {
        let child = try FTChild(
            try Tools.requireFolio(), arguments, in: repo.path, environment: repo.sandbox.environment(as: person),
            scratch: repo.sandbox.root.path)
        switch point {
        case nil:
            break
        case .after(let us):
            usleep(us)
            child.kill()
        case .at(let trigger, let offset):
            while !child.hasExited() {
                if reached(trigger, repo, folders: folders) {
                    if offset > 0 { usleep(offset) }
                    child.kill()
                    break
                }
                usleep(100)
            }
        }
        return child.wait()
    }

    /// Milliseconds one unkilled run of a command takes (to spread the kill points).
    static func timed(_ body: () throws -> Void) rethrows -> UInt32 {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return UInt32(min((DispatchTime.now().uptimeNanoseconds - start) / 1000, 10_000_000))
    }

    /// Kill point `i` of `n`: a quarter spread over the running time, a
    /// quarter after the first object is written, and the rest aimed at the
    /// branch update, the work-tree update and the index update.
    static func killPoint(_ i: Int, of n: Int, runMicroseconds t: UInt32, _ rng: inout FTSplitMix64) -> KillPoint {
        let fraction = Double(i / 4) / Double(max((n - 1) / 4, 1))
        switch i % 4 {
        case 0:
            // 0 … 110% of the running time, with jitter.
            return .after(microseconds: UInt32(Double(t) * 1.1 * fraction) + UInt32(rng.below(4000)))
        case 1:
            // 0 … 40% of the running time after the first object.
            return .at(.object, offset: UInt32(Double(t) * 0.4 * fraction) + UInt32(rng.below(1500)))
        case 2:
            return .at(rng.chance(50) ? .branchLock : .workTree, offset: UInt32(rng.below(3000)))
        default:
            return .at(rng.chance(50) ? .workTree : .indexLock, offset: UInt32(rng.below(2000)))
        }
    }

    // MARK: Checking after a kill

    /// Tallies where the kills landed (for the record, not asserted).
    final class Tally: @unchecked Sendable {
        var beforeCommit = 0, afterCommitLagging = 0, complete = 0, finishedFirst = 0, debris = 0, locks = 0
        /// One report per kind of lock left.
        let seen = FTSeen()
        var summary: String {
            "killed before the commit: \(beforeCommit), after the commit with the work tree or index lagging: \(afterCommitLagging), "
                + "after or at the end (all written): \(complete), finished before the kill: \(finishedFirst); "
                + "temporary files left: \(debris), lock files left: \(locks)"
        }
    }

    /// Every line of a record is one JSON object; the file ends with a newline.
    static func expectWholeRecord(_ data: Data, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        guard !data.isEmpty else { return }
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.hasSuffix("\n"), "\(what) does not end with a newline (half-written?):\n\(text.suffix(300))",
                sourceLocation: sourceLocation)
        for line in text.split(separator: "\n") {
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object != nil, "\(what): a line is not a JSON object (half-written?): \(line.prefix(300))",
                    sourceLocation: sourceLocation)
        }
    }

    /// All the checks after one (possibly killed) command.
    static func expectConsistent(
        _ repo: TestRepo, before: Snapshot, result: ProcessResult, point: KillPoint, tally: Tally,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let context = "\(result.command) — \(point), \(result.ending)"
        if !result.killed {
            tally.finishedFirst += 1
            #expect(result.exitCode == 0, "the command failed without being killed:\n\(result)", sourceLocation: sourceLocation)
        }

        // Git lock files a kill leaves behind: the next folio write must
        // recover them (folio records which locks it takes; see WriteIntent),
        // checked after the further command below.
        let locks = repo.ftLockFiles()
        if !locks.isEmpty { tally.locks += 1 }

        // git fsck --strict, and HEAD: the old commit or exactly one new one on top.
        try expectFsckClean(repo, sourceLocation: sourceLocation)
        let verifyHead = try repo.gitAllowingFailure(["rev-parse", "--verify", "-q", "HEAD^{commit}"])
        #expect(verifyHead.status == 0, "HEAD is not a commit after \(context):\n\(verifyHead)", sourceLocation: sourceLocation)
        let head = try repo.head()
        var written: [String] = []
        if head != before.head {
            let parent = try repo.git("rev-parse", "HEAD^").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(parent == before.head, "HEAD moved by more than one commit after \(context)", sourceLocation: sourceLocation)
            written = try repo.git("diff-tree", "--no-commit-id", "--name-only", "-r", "HEAD").stdout
                .split(separator: "\n").map(String.init)
            #expect(!written.isEmpty, sourceLocation: sourceLocation)
        }

        // Records in HEAD and in the work tree are whole.
        for path in try repo.git("ls-tree", "-r", "--name-only", "HEAD", ".folio/records/").stdout.split(separator: "\n")
        where path.hasSuffix(".jsonl") {
            let blob = try repo.git("cat-file", "blob", "HEAD:\(path)").stdout
            expectWholeRecord(Data(blob.utf8), "HEAD:\(path) after \(context)", sourceLocation: sourceLocation)
        }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: repo.file(".folio/records"))) ?? []
        where name.hasSuffix(".jsonl") {
            if let data = repo.ftWorkFile(".folio/records/\(name)") {
                expectWholeRecord(data, "work tree .folio/records/\(name) after \(context)", sourceLocation: sourceLocation)
            }
        }

        // Work tree and index: unchanged, except the written paths (old or new, whole).
        let after = try snapshot(repo)
        var lagging = false
        let paths = Set(before.files.keys).union(after.files.keys)
        for path in paths.sorted() {
            let old = before.files[path]
            let new = after.files[path]
            if isDebris(path) {
                if old == nil, new != nil {
                    tally.debris += 1
                    let folder = (path as NSString).deletingLastPathComponent
                    #expect(written.contains { ($0 as NSString).deletingLastPathComponent == folder },
                            "a temporary file \(path) appeared away from the paths written, after \(context)",
                            sourceLocation: sourceLocation)
                }
                continue
            }
            if written.contains(path) {
                let committed = try repo.ftBlob("HEAD:\(path)")
                #expect(new == committed || new == old,
                        "\(path) is neither as before nor as committed after \(context) (half-written?):\n\(String(decoding: (new ?? Data()).suffix(400), as: UTF8.self))",
                        sourceLocation: sourceLocation)
                if new != committed { lagging = true }
            } else {
                #expect(new == old, "\(path) changed although the commit did not write it, after \(context)",
                        sourceLocation: sourceLocation)
            }
        }
        for path in Set(before.index.keys).union(after.index.keys).sorted() where !isDebris(path) {
            let old = before.index[path]
            let new = after.index[path]
            if written.contains(path) {
                let tree = try repo.git("ls-tree", "HEAD", "--", path).stdout
                let committed = tree.split(separator: "\t").first.map { line -> String in
                    let f = line.split(separator: " ")
                    return f.count == 3 ? "\(f[0]) \(f[2]) 0" : String(line)
                }
                #expect(new == committed || new == old, "index entry of \(path) is neither as before nor as committed after \(context)",
                        sourceLocation: sourceLocation)
                if new != committed { lagging = true }
            } else {
                #expect(new == old, "index entry of \(path) changed although the commit did not write it, after \(context)",
                        sourceLocation: sourceLocation)
            }
        }
        // git status: every line about a path the commit did not write is as before.
        func unrelated(_ lines: [String]) -> [String] {
            lines.filter { line in
                let path = String(line.dropFirst(3))
                return !written.contains(path) && !isDebris(path)
            }
        }
        #expect(unrelated(after.status) == unrelated(before.status),
                "git status changed for paths the command did not write, after \(context):\nbefore:\n\(before.status.joined(separator: "\n"))\nafter:\n\(after.status.joined(separator: "\n"))",
                sourceLocation: sourceLocation)
        if result.killed {
            if head == before.head { tally.beforeCommit += 1 } else if lagging { tally.afterCommitLagging += 1 } else { tally.complete += 1 }
        }

        // folio verify, and a further command.
        let verify = try repo.folio("verify")
        #expect(verify.status == 0 && !verify.crashed, "folio verify after \(context):\n\(verify)", sourceLocation: sourceLocation)
        let next = try repo.folio("new", "decision-log", "--title", "After a kill")
        #expect(next.status == 0 && !next.crashed, "the next 'folio new' after \(context) (locks left: \(locks)):\n\(next)", sourceLocation: sourceLocation)
        let remaining = repo.ftLockFiles()
        #expect(remaining.isEmpty, "lock files \(remaining) still there after the next folio write, after \(context)", sourceLocation: sourceLocation)
        for lock in remaining { unlink(repo.file(lock)) }
        let committedDebris = try repo.git("ls-tree", "-r", "--name-only", "HEAD").stdout.split(separator: "\n").filter { isDebris(String($0)) }
        #expect(committedDebris.isEmpty, "temporary files were committed: \(committedDebris)", sourceLocation: sourceLocation)
    }

    static func finish(_ repo: TestRepo, _ tally: Tally, _ what: String) throws {
        try expectFsckClean(repo)
        let verify = try repo.folio("verify")
        #expect(verify.status == 0, "\(verify)")
        print("FaultTests \(what): \(tally.summary)")
    }

    // MARK: The kill loops

    @Test("SIGKILL at many points of 'folio new' leaves the repository consistent")
    func killNew() throws {
        let repo = try Self.repository()
        var rng = FTSplitMix64(seed: 0xDEAD_0001)
        let attachment = repo.sandbox.path("plan.pdf")
        try Data("%PDF-1.4 attachment\n".utf8).write(to: URL(fileURLWithPath: attachment))
        let t = try Self.timed {
            let r = try Self.run(repo, ["new", "decision-log", "--title", "Calibration"], as: .alice, killAt: nil)
            #expect(r.exitCode == 0, "\(r)")
        }
        let tally = Tally()
        for i in 0..<Self.points {
            let before = try Self.snapshot(repo)
            let point = Self.killPoint(i, of: Self.points, runMicroseconds: t, &rng)
            var args = ["new", "decision-log", "--title", "Killed \(i)"]
            if i % 3 == 2 { args += ["--attach", attachment] }
            let result = try Self.run(repo, args, as: .alice, killAt: point, folders: ["docs/decision-log", ".folio/records"])
            try Self.expectConsistent(repo, before: before, result: result, point: point, tally: tally)
        }
        // IDs were never handed out twice.
        let ids = try repo.git("ls-tree", "--name-only", "HEAD", "docs/decision-log/").stdout.split(separator: "\n")
            .filter { $0.hasSuffix(".md") }
        #expect(Set(ids).count == ids.count)
        try Self.finish(repo, tally, "new")
    }

    @Test("SIGKILL at many points of 'folio checkin' leaves the repository consistent")
    func killCheckin() throws {
        let repo = try Self.repository()
        var rng = FTSplitMix64(seed: 0xDEAD_0002)
        let doc = try repo.newDocument("decision-log", title: "Decisions")
        var round = 0
        func edit() throws {
            round += 1
            try repo.write(doc.path, try repo.read(doc.path) + "\nA paragraph added in round \(round).\n")
        }
        try edit()
        let t = try Self.timed {
            let r = try Self.run(repo, ["checkin", doc.id], as: .alice, killAt: nil)
            #expect(r.exitCode == 0, "\(r)")
        }
        let tally = Tally()
        for i in 0..<Self.points {
            try edit()
            let before = try Self.snapshot(repo)
            let point = Self.killPoint(i, of: Self.points, runMicroseconds: t, &rng)
            let result = try Self.run(
                repo, ["checkin", doc.id, "-m", "round \(i)"], as: .alice, killAt: point, folders: ["docs/decision-log", ".folio/records"])
            try Self.expectConsistent(repo, before: before, result: result, point: point, tally: tally)
        }
        // The document's history still reads.
        let status = try repo.folio("status", doc.id, "--format", "json")
        #expect(status.status == 0, "\(status)")
        try Self.finish(repo, tally, "checkin")
    }

    @Test("SIGKILL at many points of 'folio attach' leaves the repository consistent")
    func killAttach() throws {
        let repo = try Self.repository()
        var rng = FTSplitMix64(seed: 0xDEAD_0003)
        let doc = try repo.newDocument("decision-log", title: "Decisions")
        func file(_ i: Int) throws -> String {
            // Four names, replaced in turn (the type allows at most 10 attachments).
            let path = repo.sandbox.path("annex-\(i % 4).pdf")
            try Data("%PDF-1.4 annex \(i)\n\(String(repeating: "x", count: 1000 * (i % 5)))\n".utf8).write(to: URL(fileURLWithPath: path))
            return path
        }
        let t = try Self.timed {
            let r = try Self.run(repo, ["attach", doc.id, try file(999)], as: .alice, killAt: nil)
            #expect(r.exitCode == 0, "\(r)")
        }
        let tally = Tally()
        for i in 0..<Self.points {
            let attachment = try file(i)
            let before = try Self.snapshot(repo)
            let point = Self.killPoint(i, of: Self.points, runMicroseconds: t, &rng)
            let result = try Self.run(
                repo, ["attach", doc.id, attachment], as: .alice, killAt: point, folders: [String(doc.path.dropLast(3)), ".folio/records"])
            try Self.expectConsistent(repo, before: before, result: result, point: point, tally: tally)
        }
        // A later check-in takes exactly the attachments, no temporary files.
        try repo.write(doc.path, try repo.read(doc.path) + "\nFinal paragraph.\n")
        let checkin = try repo.folio("checkin", doc.id)
        #expect(checkin.status == 0, "\(checkin)")
        let names = try repo.git("ls-tree", "-r", "--name-only", "HEAD", "docs/decision-log/\(doc.id)/").stdout.split(separator: "\n")
        #expect(names.allSatisfy { !Self.isDebris(String($0)) && $0.hasSuffix(".pdf") }, "attachments: \(names)")
        try Self.finish(repo, tally, "attach")
    }

    @Test("SIGKILL at many points of 'folio approve' leaves the repository consistent")
    func killApprove() throws {
        let repo = try Self.repository()
        var rng = FTSplitMix64(seed: 0xDEAD_0004)
        // A pool of documents in review, one per kill point (and one to time).
        var pool: [String] = []
        for i in 0...Self.points {
            let doc = try repo.newDocument("decision-log", title: "Decisions \(i)")
            let submit = try repo.folio("submit", doc.id)
            guard submit.status == 0 else {
                Issue.record("submit failed:\n\(submit)")
                return
            }
            pool.append(doc.id)
        }
        let t = try Self.timed {
            let r = try Self.run(repo, ["approve", pool.removeLast()], as: .bob, killAt: nil)
            #expect(r.exitCode == 0, "\(r)")
        }
        let tally = Tally()
        for (i, id) in pool.enumerated() {
            let before = try Self.snapshot(repo)
            let point = Self.killPoint(i, of: pool.count, runMicroseconds: t, &rng)
            let result = try Self.run(repo, ["approve", id], as: .bob, killAt: point, folders: [".folio/records"])
            try Self.expectConsistent(repo, before: before, result: result, point: point, tally: tally)
            // The approval is there exactly when its commit is.
            let approvedInHead = try repo.git("show", "HEAD:.folio/records/\(id).jsonl").stdout.contains("\"event\":\"approved\"")
            let state = try repo.folio("status", id, "--format", "json")
            #expect(state.status == 0, "\(state)")
            let approved = (json(state) as? [String: Any])?["state"] as? String == "approved"
            #expect(approved == approvedInHead, "status says approved=\(approved) but the record in HEAD says \(approvedInHead):\n\(state)")
            // A killed approval can be given again.
            if !approved {
                let again = try repo.folio("approve", id, as: .bob)
                #expect(again.status == 0, "approving again after the kill:\n\(again)")
            }
        }
        try Self.finish(repo, tally, "approve")
    }

    // MARK: Two writers at once

    /// Starts two folio commands at the same moment and waits for both.
    static func together(_ repo: TestRepo, _ a: ([String], Person), _ b: ([String], Person)) throws -> (ProcessResult, ProcessResult) {
        let folio = try Tools.requireFolio()
        let first = try FTChild(folio, a.0, in: repo.path, environment: repo.sandbox.environment(as: a.1), scratch: repo.sandbox.root.path)
        let second = try FTChild(folio, b.0, in: repo.path, environment: repo.sandbox.environment(as: b.1), scratch: repo.sandbox.root.path)
        return (first.wait(), second.wait())
    }

    @Test("two 'folio new' at once on one clone: no document lost, no ID twice, nothing corrupt")
    func twoWritersNew() throws {
        let repo = try Self.repository()
        let rounds = max(6, Self.points / 2)
        var created: [String: String] = [:]  // id -> title
        for round in 0..<rounds {
            let titleA = "Alice round \(round)"
            let titleB = "Bob round \(round)"
            let (a, b) = try Self.together(
                repo, (["new", "decision-log", "--title", titleA], .alice), (["new", "decision-log", "--title", titleB], .bob))
            #expect(a.exitCode == 0, "\(a)")
            #expect(b.exitCode == 0, "\(b)")
            let idA = a.stdout.split(separator: "\n").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            let idB = b.stdout.split(separator: "\n").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            #expect(!idA.isEmpty && !idB.isEmpty && idA != idB, "round \(round): IDs \(idA) and \(idB)")
            #expect(created[idA] == nil && created[idB] == nil, "an ID was handed out twice: \(idA) \(idB)")
            created[idA] = titleA
            created[idB] = titleB
            let status = try repo.ftStatusLines()
            #expect(status.isEmpty, "round \(round): git status is not clean after two writers (a lost index or work-tree update?):\n\(status.joined(separator: "\n"))")
            if !status.isEmpty {
                // Go on from a clean state, so later rounds are judged on their own.
                try repo.git("reset", "-q", "--hard")
                try repo.git("clean", "-qfd")
            }
        }
        try expectFsckClean(repo)
        // Every document and record is in HEAD, with its own title.
        for (id, title) in created {
            let text = try repo.gitAllowingFailure(["show", "HEAD:docs/decision-log/\(id).md"])
            #expect(text.status == 0 && text.stdout.contains("title: \(title)"), "\(id) (\(title)) is missing or wrong in HEAD:\n\(text)")
            let record = try repo.gitAllowingFailure(["show", "HEAD:.folio/records/\(id).jsonl"])
            #expect(record.status == 0 && record.stdout.contains("\"created\""), "the record of \(id) is missing:\n\(record)")
        }
        let creates = try repo.git("log", "--format=%s", "--grep=Folio-Action: create").stdout.split(separator: "\n")
        #expect(creates.count == created.count, "one commit per document: \(creates.count) for \(created.count)")
        let verify = try repo.folio("verify")
        #expect(verify.status == 0, "\(verify)")
    }

    @Test("two different writes at once (new and checkin, approve and new): nothing lost")
    func twoWritersMixed() throws {
        let repo = try Self.repository()
        let doc = try repo.newDocument("decision-log", title: "Shared decisions")
        let rounds = max(4, Self.points / 4)
        var expectedCheckins = 0
        for round in 0..<rounds {
            try repo.write(doc.path, try repo.read(doc.path) + "\nParagraph \(round).\n")
            let (a, b) = try Self.together(
                repo, (["checkin", doc.id, "-m", "round \(round)"], .alice), (["new", "decision-log", "--title", "Mixed \(round)"], .bob))
            #expect(a.exitCode == 0, "\(a)")
            #expect(b.exitCode == 0, "\(b)")
            if a.exitCode == 0 { expectedCheckins += 1 }
            // Submit, then approve and create at once.
            let other = try repo.newDocument("decision-log", title: "To approve \(round)")
            let submit = try repo.folio("submit", other.id)
            #expect(submit.status == 0, "\(submit)")
            let (c, d) = try Self.together(
                repo, (["approve", other.id], .bob), (["new", "decision-log", "--title", "Mixed B \(round)"], .carol))
            #expect(c.exitCode == 0, "\(c)")
            #expect(d.exitCode == 0, "\(d)")
            let status = try repo.ftStatusLines()
            #expect(status.isEmpty, "round \(round): git status is not clean after two writers:\n\(status.joined(separator: "\n"))")
            if !status.isEmpty {
                try repo.git("reset", "-q", "--hard")
                try repo.git("clean", "-qfd")
            }
            #expect(try repo.ftState(other.id) == "approved")
        }
        let record = try repo.git("show", "HEAD:.folio/records/\(doc.id).jsonl").stdout
        #expect(record.components(separatedBy: "\"checked-in\"").count - 1 == expectedCheckins, "a check-in was lost:\n\(record)")
        try expectFsckClean(repo)
        let verify = try repo.folio("verify")
        #expect(verify.status == 0, "\(verify)")
    }

    // MARK: Stale locks and durability

    @Test("a lock file left by a killed process: a clear refusal that changes nothing, or success")
    func staleLocks() throws {
        let repo = try Self.repository()
        for lock in [".git/index.lock", ".git/refs/heads/main.lock"] {
            let head = try repo.head()
            try repo.write(lock, "")
            let r = try repo.folio("new", "decision-log", "--title", "Blocked by \(lock)")
            expectNoCrash(r)
            if r.status == 0 {
                // Worked around the lock: then everything it wrote is in place.
                #expect(try repo.head() != head)
            } else {
                // Refused: nothing changed (exit 1 or 2 means nothing was changed), and the message names the lock.
                #expect(try repo.head() == head, "'folio new' failed (\(r.status)) but committed anyway with \(lock) present:\n\(r)")
                #expect(r.stderr.contains(".lock") || r.stderr.lowercased().contains("lock"), "\(r)")
                #expect(r.stderr.contains((lock as NSString).lastPathComponent), "the message should name \(lock):\n\(r)")
            }
            unlink(repo.file(lock))
            try repo.git("reset", "-q", "--hard")
            try repo.git("clean", "-qfd")
        }
    }

    @Test("a temporary file left by a killed write is never taken for an attachment or committed")
    func debrisIsNotAnAttachment() throws {
        let repo = try Self.repository()
        let doc = try repo.newDocument("decision-log", title: "Decisions")
        let folder = String(doc.path.dropLast(3))
        // What a write killed between creating its temporary file and renaming it leaves.
        try repo.write(folder + "/.folio-tmp-4242-123456789", "%PDF-1.4 half an attachment")
        try repo.write(".folio/records/.folio-tmp-4242-987654321", "{\"event\":\"cre")
        try repo.write(doc.path, try repo.read(doc.path) + "\nA paragraph.\n")
        let head = try repo.head()
        let checkin = try repo.folio("checkin", doc.id)
        #expect(checkin.status == 0, "a temporary file in the attachment folder made checkin fail:\n\(checkin)")
        let committed = try repo.git("ls-tree", "-r", "--name-only", "HEAD").stdout.split(separator: "\n").filter { Self.isDebris(String($0)) }
        #expect(committed.isEmpty, "temporary files were committed: \(committed)")
        if checkin.status == 0 { #expect(try repo.head() != head) }
        let check = try repo.folio("check", doc.path)
        expectNoCrash(check)
        #expect(!check.stdout.contains(".folio-tmp"), "check reports a temporary file as an attachment:\n\(check)")
        expectSuccess(try repo.folio("verify"))
    }

    static let strace: String? = ["/usr/bin/strace", "/bin/strace"].first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test("writes are durable: objects, the branch, its log and the work-tree files are fsynced before they count",
          .enabled(if: strace != nil))
    func durability() throws {
        let repo = try Self.repository()
        let trace = repo.sandbox.path("strace.txt")
        let r = try repo.sandbox.run(
            Self.strace!, ["-f", "-o", trace, "-e", "trace=openat,rename,renameat,renameat2,link,linkat,unlink,fsync,fdatasync,close",
                           try Tools.requireFolio(), "new", "decision-log", "--title", "Durable"],
            in: repo.path, as: .alice)
        guard r.status == 0 else {
            Issue.record("folio under strace failed (is ptrace allowed?):\n\(r)")
            return
        }
        let lines = try String(contentsOfFile: trace, encoding: .utf8).split(separator: "\n").map(String.init)
        // Per process: fd -> path opened for writing, and which of them were fsynced before close.
        var open: [String: String] = [:]
        var synced = Set<String>()
        var closedUnsynced: [String] = []
        // Files moved or linked into place (a temporary file only counts once published).
        var published = Set<String>()
        let openRegex = try NSRegularExpression(pattern: #"^(\d+)\s+openat\(AT_FDCWD, "([^"]+)", ([A-Z_|]+)[^)]*\)\s+= (\d+)"#)
        let fdRegex = try NSRegularExpression(pattern: #"^(\d+)\s+(fsync|fdatasync|close)\((\d+)"#)
        let moveRegex = try NSRegularExpression(pattern: #"^\d+\s+(rename|renameat|renameat2|link|linkat)\((?:AT_FDCWD, )?"([^"]+)""#)
        func groups(_ re: NSRegularExpression, _ s: String) -> [String]? {
            guard let m = re.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) else { return nil }
            return (1..<m.numberOfRanges).map { String(s[Range(m.range(at: $0), in: s)!]) }
        }
        for line in lines {
            if let g = groups(openRegex, line), g[2].contains("O_WRONLY") || g[2].contains("O_RDWR") {
                open["\(g[0]):\(g[3])"] = g[1]
            } else if let g = groups(fdRegex, line), let path = open["\(g[0]):\(g[2])"] {
                if g[1] == "close" {
                    if !synced.contains(path) { closedUnsynced.append(path) }
                    open["\(g[0]):\(g[2])"] = nil
                } else {
                    synced.insert(path)
                }
            } else if let g = groups(moveRegex, line) {
                published.insert(g[1])
            }
        }
        let mustSync = closedUnsynced.filter { path in
            let durable = path.contains("/.git/objects/") || path.hasSuffix("/.git/refs/heads/main.lock") || path.contains("/docs/")
                || path.contains("/.folio/records/")
            // Logs are appended in place; everything else counts once moved or linked into place.
            return path.contains("/.git/logs/") || (durable && published.contains(path))
        }
        #expect(mustSync.isEmpty, "written and closed without fsync: \(mustSync)")
        #expect(synced.contains { $0.hasSuffix("/.git/refs/heads/main.lock") }, "the branch update was not fsynced: \(synced.sorted())")
        #expect(synced.contains { $0.contains("/.git/objects/") }, "no object was fsynced: \(synced.sorted())")
        // The index is not fsynced by libgit2 (it offers no option for it); it can be rebuilt from HEAD.
    }
}

extension TestRepo {
    /// The lifecycle state of a document (`folio status ID --format json`).
    func ftState(_ id: String) throws -> String {
        let r = try folio("status", id, "--format", "json")
        return ((try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8))) as? [String: Any])?["state"] as? String ?? "?"
    }
}
