import Foundation
import Testing

@testable import FolioGit
@testable import FolioKit

/// `verify` and the server's hook read each commit's changes, and parse the
/// documents they will validate, on a second thread (`ReadAhead`). What they
/// find must not depend on it: the same findings, in the same order, with
/// and without, and the documents parsed there are the ones the judge uses.
@Suite("Read-ahead: verify and the hook judge the same with a second thread", .wide)
struct ReadAheadTests {
    /// A history of a dozen commits with a finding of each kind the parsed
    /// documents decide: an incomplete charter submitted by a hand-written
    /// line (lifecycle.complete) and a charter whose date is not a date
    /// (template, for the hook), among complete ones submitted and issued.
    func history() throws -> LCRepo {
        let repo = try LCRepo()
        for n in 1...3 {
            let id = try repo.issuedDecisionLog(title: "Decision log \(n)")
            #expect(try repo.state(id).state == "issued")
        }
        // Created with no values: incomplete, so `folio submit` would refuse it.
        let draft = try repo.new("charter", title: "Unfinished charter")
        let created = try repo.recordEvents(draft).last ?? [:]
        let line: [String: Any] = [
            "actor": Person.alice.email, "at": VerifyTests.now(), "document": draft, "event": "submitted",
            "fingerprint": created["fingerprint"] as? String ?? "", "name": Person.alice.name, "revision": created["revision"] as? String ?? "",
        ]
        let json = try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys])
        try repo.appendRecord(draft, [String(decoding: json, as: UTF8.self)])
        try repo.commitNoVerify("Submitted by hand")
        // A plain edit that breaks a value's rule (no check-in either).
        let charter = try repo.newCharter(title: "Second charter")
        let path = try #require(try repo.status(charter)["path"] as? String)
        let text = try String(contentsOfFile: repo.path + "/" + path, encoding: .utf8)
        #expect(text.contains("2026-01-05"))
        try repo.write(path, text.replacingOccurrences(of: "2026-01-05", with: "soon"))
        try repo.commitNoVerify("Start date by hand")
        return repo
    }

    @Test("verify: the same report with and without the second thread, and the parsed documents are used")
    func verifyReadsAhead() throws {
        let repo = try history()
        let commits = Int(try repo.git("rev-list", "--count", "HEAD").trimmed) ?? 0
        #expect(commits >= 12)
        let alone = Verifier(repository: try Repository.discover(from: repo.path))
        alone.readsAhead = false
        let one = try alone.run()
        let both = Verifier(repository: try Repository.discover(from: repo.path))
        let two = try both.run()
        #expect(one.findings == two.findings)
        #expect(one.findings.contains { $0.rule == "lifecycle.complete" }, "\(one.findings)")
        #expect(one.findings.contains { $0.rule == "content.unrecorded" }, "\(one.findings)")
        #expect(alone.parsedAheadUsed == 0)
        // The three logs' submissions (each issue is of the same content,
        // validated once); the hand-written one says no Folio-Action, so the
        // judge parses it itself.
        #expect(both.parsedAheadUsed >= 3, "documents parsed ahead and taken: \(both.parsedAheadUsed)")
    }

    @Test("the hook: the same findings with and without the second thread, every changed document parsed there")
    func hookReadsAhead() throws {
        let repo = try history()
        let repository = try Repository.discover(from: repo.path)
        let commits = try repository.walk(from: [try #require(try repository.headCommit()).id], reverse: true)
        func judge(_ ahead: Bool) throws -> (findings: [Finding], used: Int) {
            let verifier = Verifier(repository: try Repository.discover(from: repo.path))
            verifier.enforceTemplates = true
            verifier.readsAhead = ahead
            let findings = try verifier.check(commits: commits)
            return (findings, verifier.parsedAheadUsed)
        }
        let one = try judge(false)
        let two = try judge(true)
        #expect(one.findings == two.findings)
        #expect(one.findings.contains { $0.rule == "template" && $0.message.contains("start_date") }, "\(one.findings)")
        #expect(one.used == 0)
        #expect(two.used > 4, "documents parsed ahead and taken: \(two.used)")
    }
}

/// The folder trees the read-ahead thread hands to the judge answer as
/// libgit2 would for the same object: a crafted push can hold unsorted
/// entries, a file and a folder of one name, and modes git never writes.
@Suite("IndexedRawTree answers as a libgit2 tree of the same object")
struct IndexedRawTreeTests {
    /// A tree object of these entries, in this order, written with `git hash-object --literally`.
    func tree(_ sandbox: Sandbox, _ repo: String, _ entries: [(mode: String, name: String)], blob: String) throws -> ObjectID {
        var bytes: [UInt8] = []
        let hex = Array(blob.utf8)
        let id = stride(from: 0, to: 40, by: 2).map { UInt8(String(decoding: hex[$0..<($0 + 2)], as: UTF8.self), radix: 16) ?? 0 }
        for e in entries { bytes += Array("\(e.mode) \(e.name)".utf8) + [0] + id }
        let r = try sandbox.run(Tools.git, ["hash-object", "-w", "-t", "tree", "--literally", "--stdin"], in: repo, stdin: Data(bytes))
        #expect(r.status == 0, "\(r)")
        return try #require(ObjectID(hex: r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    /// A sandbox with an empty repository made by `git init`, and its path.
    func emptyRepository() throws -> (Sandbox, String) {
        let sandbox = try Sandbox(prefix: "folio-rawtree")
        let repo = sandbox.path("repo")
        try FileManager.default.createDirectory(atPath: repo, withIntermediateDirectories: true)
        #expect(try sandbox.run(Tools.git, ["init", "-q", repo], in: sandbox.root.path).status == 0)
        return (sandbox, repo)
    }

    @Test("every name, present or not, in sorted, unsorted and odd-mode trees: the same entry, kind and order")
    func sameAsLibgit2() throws {
        let (sandbox, repo) = try emptyRepository()
        let blob = try sandbox.run(Tools.git, ["hash-object", "-w", "--stdin"], in: repo, stdin: Data("x\n".utf8)).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let shapes: [[(mode: String, name: String)]] = [
            // As git writes them: a folder sorts as "name/".
            [("100644", "A-1.md"), ("40000", "A-1"), ("100644", "A-2.md"), ("100755", "run"), ("120000", "z-link")],
            // A folder named like a document, placed where a folder sorts (after "A-1.md").
            [("100644", "A-1.md"), ("100644", "A-1"), ("100644", "A-2.md")],
            [("100644", "A-1.md"), ("40755", "A-1"), ("100644", "A-2.md")],
            // Unsorted, duplicated, and modes git never writes.
            [("100644", "b.md"), ("100644", "a.md"), ("100644", "c.md"), ("100644", "a.md")],
            [("120001", "A-1.md"), ("160001", "A-2.md"), ("100600", "A-3.md"), ("100775", "A-4.md"), ("100664", "A-5.md"), ("40000", "A-6.md")],
            (0..<300).map { ("100644", String(format: "DOC-%04d.md", ($0 * 7919) % 300)) },
            [],
        ]
        let repository = try Repository.discover(from: repo)
        for shape in shapes {
            let id = try tree(sandbox, repo, shape, blob: blob)
            let libgit2 = try repository.tree(id)
            let raw = try #require(IndexedRawTree(try RawTree(repository, id)))
            #expect(raw.count == libgit2.count)
            #expect(raw.entries == libgit2.entries, "\(shape)")
            var names = Set(shape.map(\.name))
            for name in shape.map(\.name) {
                names.formUnion([name + "x", String(name.dropLast()), name + "/", "0" + name, name.uppercased()])
            }
            names.formUnion(["A", "A-", "A-1", "A-1.m", "zzz", "DOC-0150.md", "DOC-9999.md", "\u{0}", "é"])
            for name in names where !name.isEmpty {
                #expect(raw.entry(named: name) == libgit2.entry(named: name), "\(name) in \(shape)")
            }
        }
    }

    @Test("a tree libgit2 refuses to parse is not taken raw")
    func malformed() throws {
        let (sandbox, repo) = try emptyRepository()
        let repository = try Repository.discover(from: repo)
        let good = Array("100644 a.md".utf8) + [0] + [UInt8](repeating: 7, count: 20)
        let bad: [[UInt8]] = [
            Array("100844 a.md".utf8) + [0] + [UInt8](repeating: 7, count: 20),  // not octal
            Array("100644 a.md".utf8) + [0] + [UInt8](repeating: 7, count: 12),  // id cut short
            Array("100644 a.md".utf8),  // no NUL
            Array("100644 ".utf8) + [0] + [UInt8](repeating: 7, count: 20),  // empty name
            Array("1777777 a.md".utf8) + [0] + [UInt8](repeating: 7, count: 20),  // mode over 16 bits
            good + Array("100644".utf8),  // trailing garbage
        ]
        for bytes in bad {
            let r = try sandbox.run(Tools.git, ["hash-object", "-w", "-t", "tree", "--literally", "--stdin"], in: repo, stdin: Data(bytes))
            let id = try #require(ObjectID(hex: r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), "\(r)")
            #expect(IndexedRawTree(try RawTree(repository, id)) == nil, "\(bytes)")
            #expect(throws: (any Error).self) { _ = try repository.tree(id) }
        }
        let r = try sandbox.run(Tools.git, ["hash-object", "-w", "-t", "tree", "--literally", "--stdin"], in: repo, stdin: Data(good))
        let id = try #require(ObjectID(hex: r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(IndexedRawTree(try RawTree(repository, id)) != nil)
    }
}

/// A tree git would never write (entries out of order, a name twice) can
/// show one reader the real document and another a tampered copy: refused
/// wherever it is, as `git fsck` would (treeNotSorted, duplicateEntries).
@Suite("Unsorted trees are refused", .wide)
struct UnsortedTreeTests {
    @Test("an issued document shadowed by a tampered copy placed first in an unsorted folder tree is found (tree.malformed)")
    func shadowedDocument() throws {
        let repo = try LCRepo()
        let id = try repo.issuedDecisionLog()
        let path = try #require(try repo.status(id)["path"] as? String)
        let folder = String(path[..<path.lastIndex(of: "/")!])
        let name = String(path[path.index(after: path.lastIndex(of: "/")!)...])
        let tampered = try repo.git("hash-object", "-w", "--stdin", stdin: Data("---\ntitle: Changed\n---\n".utf8)).trimmed
        // The folder's entries as git wrote them, with the tampered copy put first.
        var bytes: [UInt8] = []
        func add(_ mode: String, _ entry: String, _ hex: String) {
            let h = Array(hex.utf8)
            bytes += Array("\(mode) \(entry)".utf8) + [0]
            bytes += stride(from: 0, to: 40, by: 2).map { UInt8(String(decoding: h[$0..<($0 + 2)], as: UTF8.self), radix: 16) ?? 0 }
        }
        add("100644", name, tampered)
        for line in try repo.git("ls-tree", "HEAD:\(folder)").stdout.split(separator: "\n") {
            let fields = line.split(separator: "\t", maxSplits: 1)
            let meta = fields[0].split(separator: " ")
            add(String(meta[0]).replacingOccurrences(of: "040000", with: "40000"), String(fields[1]), String(meta[2]))
        }
        let crafted = try repo.git("hash-object", "-w", "-t", "tree", "--literally", "--stdin", stdin: Data(bytes)).trimmed
        // The same root, with that folder (one level below the root, as the decision logs are).
        let parts = folder.split(separator: "/").map(String.init)
        var child = crafted
        for depth in stride(from: parts.count - 1, through: 0, by: -1) {
            let parent = depth == 0 ? "HEAD" : "HEAD:" + parts[0..<depth].joined(separator: "/")
            let listing = try repo.git("ls-tree", parent).stdout.split(separator: "\n").map { line -> String in
                let fields = line.split(separator: "\t", maxSplits: 1)
                return fields[1] == parts[depth] ? "040000 tree \(child)\t\(fields[1])" : String(line)
            }.joined(separator: "\n") + "\n"
            child = try repo.git("mktree", stdin: Data(listing.utf8)).trimmed
        }
        let commit = try repo.git("commit-tree", child, "-p", "HEAD", "-m", "tidy").trimmed
        try repo.git("update-ref", "refs/heads/main", commit)
        let v = try repo.verify()
        let rules = repo.findings(v.report).compactMap { $0["rule"] as? String }
        #expect(rules.contains("tree.malformed"), "\(v.result)")
    }
}
