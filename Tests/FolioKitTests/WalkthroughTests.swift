import Foundation
import Testing

/// The README's walkthrough ("A typical session" and "Sharing through a
/// server"), run exactly as written: every `sh` block after a
/// `<!-- walkthrough -->` marker, in order, in one `bash -e` session in an
/// empty folder, with `folio` on the PATH, no git identity but the one the
/// walkthrough sets, and `$EDITOR` a script making the edits its comments
/// describe (Fixtures/scripts/walkthrough-editor.sh).
@Suite("README walkthrough, run as written", .wide)
struct WalkthroughTests {
    /// The walkthrough's blocks, from the README.
    static func blocks() throws -> [String] {
        let readme = try String(contentsOf: Tools.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        var blocks: [String] = []
        var rest = Substring(readme)
        while let marker = rest.range(of: "<!-- walkthrough -->\n```sh\n") {
            rest = rest[marker.upperBound...]
            guard let end = rest.range(of: "\n```") else { break }
            blocks.append(String(rest[..<end.lowerBound]))
            rest = rest[end.upperBound...]
        }
        return blocks
    }

    @Test("the README's walkthrough runs top to bottom as written, and leaves what it says")
    func walkthrough() throws {
        let blocks = try Self.blocks()
        #expect(blocks.count == 2, "two marked blocks in the README")
        let sandbox = try Sandbox(prefix: "folio-walk")
        let bin = sandbox.path("bin")
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: bin + "/folio", withDestinationPath: try Tools.requireFolio())
        let editor = Tools.fixtures.appendingPathComponent("scripts/walkthrough-editor.sh").path
        let script = sandbox.path("walkthrough.sh")
        try Data(blocks.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: script))
        let work = sandbox.path("work")
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        // No identity from the test: the walkthrough's own `git config` and
        // GIT_AUTHOR_* prefixes must be enough.
        let unset = ["GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"].flatMap { ["-u", $0] }
        let path = bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let r = try sandbox.run(
            "/usr/bin/env", unset + ["PATH=" + path, "EDITOR=" + editor, "bash", "-e", "-x", script], in: work)
        #expect(r.status == 0, "the walkthrough stopped:\n\(r)")
        guard r.status == 0 else { return }

        let alpha = work + "/alpha", bob = work + "/bob", central = work + "/alpha.git"
        // The register as the walkthrough says at each step.
        #expect(r.stdout.range(of: #"ALPHA-RSK-0001 +risk-register +1\.1 +draft +1\.0 "#, options: .regularExpression) != nil,
                "folio ls shows the 1.1 draft with 1.0 in force:\n\(r.stdout)")
        #expect(r.stdout.contains("run 'folio renumber ALPHA-DEC-0001'"), "folio status names the way out of the stopped merge:\n\(r.stdout)")
        #expect(r.stdout.contains("Status report: ALPHA"))
        let ls = try sandbox.run(bin + "/folio", ["ls", "--format", "json"], in: alpha)
        let rows = try #require(JSONSerialization.jsonObject(with: Data(ls.stdout.utf8)) as? [[String: Any]])
        let byID = Dictionary(uniqueKeysWithValues: rows.map { ($0["id"] as? String ?? "", $0) })
        #expect(byID["ALPHA-RSK-0001"]?["state"] as? String == "superseded")
        #expect(byID["ALPHA-RSK-0001"]?["in_force"] is NSNull || byID["ALPHA-RSK-0001"]?["in_force"] == nil)
        #expect(byID["ALPHA-RSK-0002"]?["state"] as? String == "issued")
        #expect(byID["ALPHA-RSK-0002"]?["in_force"] as? String == "1.0")
        #expect(byID["ALPHA-MIN-0001"]?["state"] as? String == "withdrawn")
        #expect(byID["ALPHA-DEC-0001"]?["title"] as? String == "Design decisions", "Bob's document keeps the ID")
        #expect(byID["ALPHA-DEC-0002"]?["title"] as? String == "Commercial decisions", "Ann's is renumbered")
        // git as the witness: nothing half-done, nothing corrupt, the server agrees.
        let status = try sandbox.run(Tools.git, ["status", "--porcelain"], in: alpha).stdout
        #expect(status.split(separator: "\n").allSatisfy { $0.hasPrefix("?? ") }, "only the walkthrough's own untracked files:\n\(status)")
        #expect(!FileManager.default.fileExists(atPath: alpha + "/.git/MERGE_HEAD"))
        for repo in [alpha, bob] { try sandbox.git(["fsck", "--strict"], in: repo) }
        try sandbox.git(["--git-dir", central, "fsck", "--strict"], in: work)
        #expect(try sandbox.run(Tools.git, ["rev-parse", "HEAD"], in: alpha).stdout
            == (try sandbox.run(Tools.git, ["--git-dir", central, "rev-parse", "main"], in: work).stdout))
        let verify = try sandbox.run(bin + "/folio", ["--repo", central, "verify"], in: work)
        #expect(verify.status == 0 && verify.stdout.contains("no findings"), "\(verify)")
        #expect(FileManager.default.fileExists(atPath: alpha + "/register.html"))
    }

    @Test("every command's --help fits 80 columns, the usage line too (found by walking SUBCOMMANDS from the top)")
    func helpFitsEightyColumns() throws {
        let repo = try TestRepo.emptyFolder()
        var queue: [[String]] = [[]]
        var seen = 0
        while let command = queue.popLast() {
            let r = try repo.folio(command + ["--help"])
            #expect(r.status == 0, "\(r)")
            seen += 1
            for line in r.stdout.split(separator: "\n") where line.count > 80 {
                Issue.record("folio \(command.joined(separator: " ")) --help: \(line.count) columns: \(line)")
            }
            // Subcommands: "  name   abstract" lines under SUBCOMMANDS:, up to the next blank line.
            guard let start = r.stdout.range(of: "SUBCOMMANDS:\n") else { continue }
            for line in r.stdout[start.upperBound...].split(separator: "\n", omittingEmptySubsequences: false) {
                guard line.hasPrefix("  "), !line.hasPrefix("   ") else { if line.isEmpty { break } else { continue } }
                let name = line.dropFirst(2).prefix { $0 != " " }
                if !name.isEmpty && name != "help" { queue.append(command + [String(name.replacingOccurrences(of: " (default)", with: ""))]) }
            }
        }
        #expect(seen > 30, "walked \(seen) commands")
    }
}
