import Foundation
import Testing

/// The record cannot be bent, as a property (issue "The record cannot be
/// bent"): random sequences of legitimate actions by several people on two
/// clones, joined by git's merges and pushed to a server with the hook, are
/// always accepted and verify clean; and a random single mutation of a
/// record line, a tree entry or a tag of that history is always refused by
/// the server and reported by `folio verify`. Seeded, so a failure repeats.
@Suite("Properties: honest work is accepted, one mutation is refused", .wide)
struct PropertyTests {
    /// One clone and the documents it looks after (each written by one pm, approved by the other).
    final class Desk {
        let clone: SVClone
        var documents: [(id: String, author: Person)] = []
        init(_ clone: SVClone) { self.clone = clone }
    }

    static let pms: [Person] = [.alice, .dave]

    /// Honest work: `steps` random actions on two clones. Returns the server and a clone of its final state.
    static func honestHistory(seed: UInt64, steps: Int, sourceLocation: SourceLocation = #_sourceLocation) throws -> (SVServer, [String]) {
        var g = FTSplitMix64(seed: seed)
        let server = try SVServer()
        let desks = [Desk(try server.clone(server.central, "a", as: .alice)), Desk(try server.clone(server.central, "b", as: .dave))]
        var log: [String] = []
        func sync(_ desk: Desk) throws {
            try desk.clone.git("pull", "-q", "--no-rebase", "--no-edit", "origin", "main", sourceLocation: sourceLocation)
            let push = try desk.clone.push("origin", "main")
            #expect(push.ok, "seed \(seed): an honest push was refused after \(log):\n\(push)", sourceLocation: sourceLocation)
            if !push.ok { throw SetupError("refused") }
        }
        for _ in 0..<steps {
            let desk = g.pick(desks)
            let c = desk.clone
            // New documents are pushed at once: two clones never take one ID.
            if desk.documents.isEmpty || g.below(5) == 0 {
                try sync(desk)
                let author = g.pick(pms)
                let id = try c.new(title: "Decisions \(log.count)", as: author, sourceLocation: sourceLocation)
                desk.documents.append((id, author))
                log.append("\(c.person.rawValue): new \(id) by \(author.rawValue)")
                try sync(desk)
                continue
            }
            if g.below(6) == 0 {
                try sync(desk)
                log.append("\(c.person.rawValue): sync")
                continue
            }
            let (id, author) = g.pick(desk.documents)
            let reviewer = pms.first { $0 != author }!
            let state = (try c.ok("status", id, "--format", "json", sourceLocation: sourceLocation)).jsonObject?["state"] as? String ?? ""
            let action: [String]
            var who = author
            switch state {
            case "draft", "issued":
                if g.below(3) == 0, state == "draft" {
                    action = ["submit", id]
                } else {
                    try c.replaceLine(c.docPath(id), startingWith: "title:", with: "title: Decisions \(id) v\(log.count)", sourceLocation: sourceLocation)
                    action = ["checkin", id, "-m", "step \(log.count)"]
                }
            case "in-review":
                who = reviewer
                action = g.below(4) == 0 ? ["reject", id, "--comment", "Again, please"] : ["approve", id, "--role", "pm"]
            case "approved":
                action = ["issue", id]
            default:
                continue
            }
            try server.mustRun(server.folio, action, in: c.path, as: who, sourceLocation: sourceLocation)
            log.append("\(c.person.rawValue): \(action.joined(separator: " ")) as \(who.rawValue)")
        }
        for desk in desks { try sync(desk) }
        try sync(desks[0])
        return (server, log)
    }

    @Test("random honest work on two clones with merges: every push accepted, verify clean", arguments: [1, 2, 3] as [UInt64])
    func honestWorkIsAccepted(_ seed: UInt64) throws {
        let (server, log) = try Self.honestHistory(seed: seed, steps: 30)
        let check = try server.clone(server.central, "check", as: .carol)
        let verify = try check.folio(["verify"])
        #expect(verify.ok && verify.stdout.contains("no findings"), "seed \(seed) after \(log):\n\(verify)")
        try check.git("fsck", "--strict")
    }

    enum Mutation: String, CaseIterable, Sendable {
        case editActor, editTime, editRevision, editEvent, editFingerprint, deleteLine, swapLines
        case executableDocument, symlinkDocument, deleteDocument, renameRecord, moveIssueTag
        /// A forged `issued` line brought by a merge from a root commit that holds only the record (no folio.yml).
        case orphanMerge
        /// An approval line the record has, appended again by a merge with an older commit that has it.
        case replayMerge
    }

    @Test("one random mutation of an honest history: refused by the server, reported by verify", arguments: Mutation.allCases)
    func mutationIsRefused(_ mutation: Mutation) throws {
        let seed = UInt64(Mutation.allCases.firstIndex(of: mutation)! + 11)
        var g = FTSplitMix64(seed: seed)
        let (server, log) = try Self.honestHistory(seed: seed, steps: 14)
        let m = try server.clone(server.central, "m", as: .alice)
        if mutation == .moveIssueTag || mutation == .replayMerge, try m.git("tag", "--list", "folio/*").stdout.isEmpty {
            // An issued revision, honestly, for the tag to be moved.
            let id = try m.new(title: "Issued decisions")
            try m.ok("submit", id)
            try m.ok("approve", id, "--role", "pm", as: .dave)
            try m.ok("issue", id)
            try m.pushOK("origin", "main", "--follow-tags")
        }
        let before = try server.main()
        let records = try FileManager.default.contentsOfDirectory(atPath: m.file(".folio/records")).filter { $0.hasSuffix(".jsonl") }.sorted()
        // For the tag: a document whose issue tag is on the server (folio/ID/REV).
        let tagged = mutation == .moveIssueTag || mutation == .replayMerge
            ? try m.git("tag", "--list", "folio/*").stdout.split(separator: "\n").compactMap { $0.split(separator: "/").dropFirst().first.map { "\($0).jsonl" } }
            : []
        let record = tagged.isEmpty ? g.pick(records) : g.pick(tagged)
        let id = String(record.dropLast(6))
        var lines = try m.recordLines(id)
        func editField(_ key: String, _ value: (String) -> String) {
            let i = g.below(lines.count)
            var object = parseJSONLine(lines[i])
            object[key] = value(object[key] as? String ?? "")
            lines[i] = compactJSON(object)
        }
        var refs: [String: String?] = [:]
        switch mutation {
        case .editActor: editField("actor") { $0 == Person.bob.email ? Person.carol.email : Person.bob.email }
        case .editTime: editField("at") { $0 == "2020-01-01T00:00:00Z" ? "2020-01-02T00:00:00Z" : "2020-01-01T00:00:00Z" }
        case .editRevision: editField("revision") { $0 == "9.9" ? "9.8" : "9.9" }
        case .editEvent: editField("event") { $0 == "approved" ? "rejected" : "approved" }
        case .editFingerprint: editField("fingerprint") { _ in "sha256:" + String(repeating: "0", count: 64) }
        case .deleteLine: lines.remove(at: g.below(lines.count))
        case .swapLines:
            if lines.count < 2 { lines.append(lines[0]) } else { let i = g.below(lines.count - 1); lines.swapAt(i, i + 1) }
        case .orphanMerge:
            var forged = parseJSONLine(lines[lines.count - 1])
            forged["event"] = "issued"
            forged["revision"] = "1.0"
            forged["at"] = "2027-01-01T00:00:00Z"
            lines.append(compactJSON(forged))
        case .replayMerge:
            let approval = try #require(lines.first { $0.contains("\"approved\"") }, "an approval to replay, after \(log)")
            lines.append(approval)
        case .executableDocument, .symlinkDocument, .deleteDocument, .renameRecord, .moveIssueTag: break
        }
        let doc = m.docPath(id)
        switch mutation {
        case .executableDocument: try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: m.file(doc))
        case .symlinkDocument:
            try FileManager.default.removeItem(atPath: m.file(doc))
            try FileManager.default.createSymbolicLink(atPath: m.file(doc), withDestinationPath: "../../folio.yml")
        case .deleteDocument: try FileManager.default.removeItem(atPath: m.file(doc))
        case .renameRecord: try m.git("mv", ".folio/records/\(record)", ".folio/records/\(id)-old.jsonl")
        case .moveIssueTag: break
        default: try m.writeRecord(id, lines)
        }
        let push: ProcessResult
        if mutation == .moveIssueTag {
            let tags = try m.git("tag", "--list", "folio/\(id)/*").stdout.split(separator: "\n").map(String.init)
            let tag = try #require(tags.first, "seed \(seed): no issued revision to move the tag of, after \(log)")
            refs["refs/tags/\(tag)"] = try server.ref("refs/tags/\(tag)")
            try m.git("tag", "-f", tag, "HEAD~1")
            push = try m.push("-f", "origin", "refs/tags/\(tag)")
        } else if mutation == .orphanMerge || mutation == .replayMerge {
            // The merge's other parent: a root commit holding only the forged record,
            // or (replay) the commit before a filler commit, which has the line already.
            let other: String
            if mutation == .orphanMerge {
                let blob = try m.git("hash-object", "-w", "--stdin", stdin: Data((lines.joined(separator: "\n") + "\n").utf8)).trimmed
                let records = try m.git("mktree", stdin: Data("100644 blob \(blob)\t\(record)\n".utf8)).trimmed
                let folio = try m.git("mktree", stdin: Data("040000 tree \(records)\trecords\n".utf8)).trimmed
                let root = try m.git("mktree", stdin: Data("040000 tree \(folio)\t.folio\n".utf8)).trimmed
                other = try m.git("commit-tree", root, "-m", "Notes").trimmed
            } else {
                try m.git("commit", "-q", "--allow-empty", "--no-verify", "-m", "Filler")
                other = try m.git("rev-parse", "HEAD~1").trimmed
            }
            try m.git("add", "-A")
            let tree = try m.git("write-tree").trimmed
            let merge = try m.git("commit-tree", tree, "-p", "HEAD", "-p", other, "-m", "Merge").trimmed
            try m.git("reset", "-q", "--hard", merge)
            push = try m.push("origin", "main")
        } else {
            try m.git("add", "-A")
            try m.git("commit", "-q", "--no-verify", "-m", "A small change")
            push = try m.push("origin", "main")
        }
        #expect(!push.ok && push.stderr.contains("pre-receive hook declined"), "\(mutation) (seed \(seed)) was accepted after \(log):\n\(push)")
        #expect(try server.main() == before, "main moved")
        for (name, value) in refs { #expect(try server.ref(name) == value, "\(name) moved") }
        if mutation != .moveIssueTag {
            let verify = try m.folio(["verify"])
            #expect(verify.status == 1, "\(mutation): verify should report it (seed \(seed)):\n\(verify)")
        }
    }
}
