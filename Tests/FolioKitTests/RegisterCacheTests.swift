import Foundation
import Testing

/// The master register of a generated repository against the same register
/// computed without Folio (Fixtures/scripts/register.py: documents parsed by
/// Python, states from the records), cold, warm, after changes, after the
/// register cache is truncated, corrupted or deleted, and after a history
/// rewrite.
@Suite("Register: linear, cached, equal to an independent computation", .wide)
struct RegisterCacheTests {
    /// A repository of `count` generated documents of all the built-in types.
    static func generated(_ count: Int) throws -> TestRepo {
        let sandbox = try Sandbox()
        let path = sandbox.path("repo")
        let r = try sandbox.run(Tools.python, [Tools.packageRoot.appendingPathComponent("scripts/generate-repo.py").path,
                                               path, String(count), "--seed", "7"], in: sandbox.root.path)
        guard r.ok else { throw SetupError("generate-repo.py failed:\n\(r)") }
        return TestRepo(sandbox: sandbox, path: path)
    }

    /// Sorted-keys JSON text of a parsed JSON value, for comparing two registers.
    static func canonical(_ value: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .prettyPrinted]), as: UTF8.self)
    }

    /// `folio ls --format json` equals register.py's register at HEAD.
    static func expectRegisterMatches(_ repo: TestRepo, _ label: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let script = Tools.fixtures.appendingPathComponent("scripts/register.py").path
        let python = try repo.sandbox.run(Tools.python, [script, repo.path], in: repo.path)
        #expect(python.ok, "register.py failed:\n\(python)", sourceLocation: sourceLocation)
        let folio = expectSuccess(try repo.folio("ls", "--format", "json"), sourceLocation: sourceLocation)
        guard let expected = python.jsonArray, let actual = folio.jsonArray else {
            Issue.record("not JSON arrays:\n\(python)\n\(folio)", sourceLocation: sourceLocation)
            return
        }
        #expect(actual.count == expected.count, "\(label): \(actual.count) rows, expected \(expected.count)", sourceLocation: sourceLocation)
        let a = try canonical(actual), e = try canonical(expected)
        if a != e {
            let first = zip(actual, expected).first { (try? canonical($0.0)) != (try? canonical($0.1)) }
            Issue.record("\(label): the register differs from the independent one; first differing row:\n\(first.map { "\($0.0)\nexpected \($0.1)" } ?? "(a row is missing)")",
                         sourceLocation: sourceLocation)
        }
    }

    static func cacheFile(_ repo: TestRepo) -> String { repo.file(".git/folio/register") }

    @Test("cold, warm, after changes, a damaged cache and a rewritten history: always the independent register")
    func registerMatchesIndependentComputation() throws {
        let repo = try Self.generated(240)
        let cache = Self.cacheFile(repo)
        #expect(!FileManager.default.fileExists(atPath: cache))
        try Self.expectRegisterMatches(repo, "cold")
        #expect(FileManager.default.fileExists(atPath: cache), "the cold register writes the cache")

        // Warm: every row from the cache, so the file is not written again.
        let before = try FileManager.default.attributesOfItem(atPath: cache)
        let bytes = FileManager.default.contents(atPath: cache)
        try Self.expectRegisterMatches(repo, "warm")
        #expect(FileManager.default.contents(atPath: cache) == bytes)
        #expect((try FileManager.default.attributesOfItem(atPath: cache))[.modificationDate] as? Date == before[.modificationDate] as? Date,
                "a warm register with nothing changed rewrites the cache")

        // Filtered listings read the cache alongside too (rows of other types wait
        // by path): the same rows as the full register filtered, the file untouched.
        let all = try #require(try repo.folio("ls", "--format", "json").jsonArray)
        for (option, value, key) in [("--type", "decision-log", "type"), ("--state", "draft", "state"), ("--type", "risk-register", "type")] {
            let filtered = try #require(try repo.folio("ls", option, value, "--format", "json").jsonArray)
            let expected = all.filter { $0[key] as? String == value }
            let (got, want) = (try Self.canonical(filtered), try Self.canonical(expected))
            #expect(!expected.isEmpty && got == want, "ls \(option) \(value)")
        }
        #expect(FileManager.default.contents(atPath: cache) == bytes, "a filtered listing leaves the cache as it was")

        // Changes: a new document, a title edited and checked in, a submission.
        let new = try repo.newDocument("decision-log", title: "Decisions after the cache")
        let docs = try repo.git("ls-files", "docs/risk-register").stdoutLines.filter { $0.hasSuffix(".md") }
        let edited = try #require(docs.first)
        let text = try repo.read(edited)
        let title = try #require(text.split(separator: "\n").first { $0.hasPrefix("title: ") })
        try repo.edit(edited, replacing: String(title), with: "title: Risks, retitled")
        expectSuccess(try repo.folio("checkin", edited, "-m", "Retitled"))
        let submitted = try #require(docs.dropFirst().first)
        expectSuccess(try repo.folio("submit", submitted))
        try Self.expectRegisterMatches(repo, "after changes")
        let rows = try #require(try repo.folio("ls", "--format", "json").jsonArray)
        #expect(rows.contains { $0["id"] as? String == new.id })
        #expect(rows.contains { $0["path"] as? String == edited && $0["title"] as? String == "Risks, retitled" })
        #expect(rows.contains { $0["path"] as? String == submitted && $0["state"] as? String == "in-review" })

        // An attachment added with plain git, the document untouched: its row is made again.
        let attached = try #require(docs.dropFirst(2).first)
        let folder = String(attached.dropLast(3))
        try repo.write(folder + "/site photo.png", "not really a png")
        try repo.git("add", folder)
        try repo.git("commit", "-q", "--no-verify", "-m", "An attachment")
        let withAttachment = try #require(try repo.folio("ls", "--format", "json").jsonArray)
        #expect(withAttachment.contains { $0["path"] as? String == attached && (($0["attachments"] as? [String]) ?? []).contains("site photo.png") })
        // Warm and cold give the same bytes (kept rows are written from the cache's).
        let warmText = expectSuccess(try repo.folio("ls", "--format", "json")).stdout
        try FileManager.default.removeItem(atPath: cache)
        #expect(expectSuccess(try repo.folio("ls", "--format", "json")).stdout == warmText)

        // A damaged cache is ignored and rebuilt.
        let good = try #require(FileManager.default.contents(atPath: cache))
        try good.prefix(good.count / 2).write(to: URL(fileURLWithPath: cache))
        try Self.expectRegisterMatches(repo, "truncated cache")
        var flipped = [UInt8](try #require(FileManager.default.contents(atPath: cache)))
        flipped[flipped.count / 2] ^= 0x20
        try Data(flipped).write(to: URL(fileURLWithPath: cache))
        try Self.expectRegisterMatches(repo, "corrupted cache")
        try FileManager.default.removeItem(atPath: cache)
        try Self.expectRegisterMatches(repo, "deleted cache")
        try Data("garbage\n".utf8).write(to: URL(fileURLWithPath: cache))
        try Self.expectRegisterMatches(repo, "garbage cache")

        // A rewritten history: the cache holds rows of commits no longer there.
        try repo.git("reset", "-q", "--hard", "HEAD~2")
        try Self.expectRegisterMatches(repo, "after reset --hard HEAD~2")
        try repo.git("commit", "-q", "--no-verify", "--amend", "-m", "Amended")
        try Self.expectRegisterMatches(repo, "after an amend")

        // Other rules (folio.yml changed): rows are computed again.
        try repo.write("folio.yml", try repo.read("folio.yml") + "  - { email: erin@example.com, name: Erin Ek, roles: [pm] }\n")
        try repo.git("commit", "-q", "--no-verify", "-am", "Erin joins")
        try Self.expectRegisterMatches(repo, "after a folio.yml change")
    }

    @Test("report register and ls agree row for row, cold and warm")
    func reportRegisterAgrees() throws {
        let repo = try Self.generated(120)
        for pass in ["cold", "warm"] {
            let ls = try #require(expectSuccess(try repo.folio("ls", "--format", "json")).jsonArray)
            let report = try #require(expectSuccess(try repo.folio("report", "register", "--format", "json")).jsonObject)
            let rows = try #require(report["documents"] as? [[String: Any]])
            #expect(rows.map { $0["id"] as? String } == ls.map { $0["id"] as? String }, "\(pass)")
            #expect(rows.map { $0["state"] as? String } == ls.map { $0["state"] as? String }, "\(pass)")
            #expect(rows.map { $0["title"] as? String } == ls.map { $0["title"] as? String }, "\(pass)")
        }
    }
}
