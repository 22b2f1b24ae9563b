import Foundation
import Testing

// Helpers for the lifecycle, signature, verify and diff tests. Every name
// starts with `LC` so it cannot clash with the shared Support.swift.
//
// Each test gets its own temporary folder (the HOME of every process it
// starts), a real git repository in it, SSH keys made with ssh-keygen, and
// runs the real `folio` binary and the real `git` and `ssh-keygen` CLIs as
// subprocesses. Nothing changes the test process's current folder.

struct LCSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

enum LCTools {
    /// <root>/Tests/FolioKitTests/LifecycleSupport.swift → <root>
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let folio: String? = {
        let fm = FileManager.default
        let build = packageRoot.appendingPathComponent(".build")
        let direct = build.appendingPathComponent("debug/folio").path
        if fm.isExecutableFile(atPath: direct) { return direct }
        for entry in (try? fm.contentsOfDirectory(atPath: build.path))?.sorted() ?? [] {
            let candidate = build.appendingPathComponent(entry).appendingPathComponent("debug/folio").path
            if fm.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }()

    static func which(_ name: String) -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return "/usr/bin/\(name)"
    }

    static let git = which("git")
    static let sshKeygen = which("ssh-keygen")
}

/// The people of the test project.
enum LCPerson: String, CaseIterable, Sendable {
    case alice, bob, carol, dave

    var email: String { "\(rawValue)@example.com" }
    var name: String {
        switch self {
        case .alice: "Alice Adams"
        case .bob: "Bob Brown"
        case .carol: "Carol Chen"
        case .dave: "Dave Diaz"
        }
    }
}

struct LCResult: CustomStringConvertible, Sendable {
    let command: String
    let status: Int32
    let signaled: Bool
    let stdout: String
    let stderr: String

    var description: String {
        "$ \(command)\nexit status \(status)\(signaled ? " (signal)" : "")\n--- stdout\n\(stdout.prefix(4000))\n--- stderr\n\(stderr.prefix(4000))"
    }

    var output: String { stdout + stderr }
    var trimmed: String { stdout.trimmingCharacters(in: .whitespacesAndNewlines) }

    /// stdout parsed as a JSON object.
    var jsonObject: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any]
    }

    var jsonArray: [[String: Any]]? {
        (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [[String: Any]]
    }
}

/// The folio.yml of a test project: the four people and the scheme and
/// signature policy under test.
func LCConfig(revisions: String = "numeric", signatures: String = "optional", bobRoles: String = "[sponsor]") -> String {
    """
    project: { code: ALPHA, name: Project Alpha }
    numbering: "{project}-{code}-{seq:4}"
    revisions: \(revisions)
    signatures: \(signatures)
    review_policy: { max_days: 5 }
    people:
      - { email: alice@example.com, name: Alice Adams, roles: [pm, admin] }
      - { email: bob@example.com, name: Bob Brown, roles: \(bobRoles) }
      - { email: carol@example.com, name: Carol Chen, roles: [pmo, admin] }
      - { email: dave@example.com, name: Dave Diaz, roles: [pm] }

    """
}

/// A managed test repository in its own temporary folder.
final class LCRepo: @unchecked Sendable {
    let root: URL
    let path: String
    let folioPath: String

    /// `git init`, `folio init --project ALPHA`, SSH keys for everyone, then
    /// folio.yml and .folio/allowed_signers committed with `git commit --no-verify`.
    init(revisions: String = "numeric", signatures: String = "optional", bobRoles: String = "[sponsor]",
         sourceLocation: SourceLocation = #_sourceLocation) throws {
        guard let binary = LCTools.folio else {
            Issue.record("the folio binary was not found under \(LCTools.packageRoot.path)/.build: run 'swift build' first",
                         sourceLocation: sourceLocation)
            throw LCSetupError("folio binary missing")
        }
        folioPath = binary
        let base = FileManager.default.temporaryDirectory
            .appendingPathComponent("folio-lc-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        root = base.resolvingSymlinksInPath()
        path = root.appendingPathComponent("repo").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root.appendingPathComponent("keys").path, withIntermediateDirectories: true)

        try git("init", "-q", "-b", "main", sourceLocation: sourceLocation)
        let r = try folio("init", "--project", "ALPHA", "--name", "Project Alpha")
        guard r.status == 0 else {
            Issue.record("folio init failed:\n\(r)", sourceLocation: sourceLocation)
            throw LCSetupError("folio init failed")
        }
        var signers = ""
        for person in LCPerson.allCases {
            signers += "\(person.email) namespaces=\"folio,git\" \(try makeKey(person.rawValue, sourceLocation: sourceLocation))\n"
        }
        try write(".folio/allowed_signers", signers)
        try write("folio.yml", LCConfig(revisions: revisions, signatures: signatures, bobRoles: bobRoles))
        try git("add", "-A", sourceLocation: sourceLocation)
        try git("commit", "-q", "--no-verify", "-am", "Project people and keys", sourceLocation: sourceLocation)
    }

    deinit {
        try? FileManager.default.removeItem(at: root)
    }

    // MARK: keys

    /// The private key file of a key made by `makeKey`.
    func key(_ name: String) -> String { root.appendingPathComponent("keys/\(name)").path }
    func key(_ person: LCPerson) -> String { key(person.rawValue) }

    /// Makes an ed25519 key with `ssh-keygen -t ed25519 -N ""`; returns the public key line.
    @discardableResult
    func makeKey(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let r = try run(LCTools.sshKeygen, ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", key(name)], in: root.path)
        guard r.status == 0 else {
            Issue.record("ssh-keygen failed:\n\(r)", sourceLocation: sourceLocation)
            throw LCSetupError("ssh-keygen failed")
        }
        return try String(contentsOfFile: key(name) + ".pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    // MARK: running

    func environment(as person: LCPerson) -> [String: String] {
        let inherited = ProcessInfo.processInfo.environment
        var env: [String: String] = [
            "PATH": inherited["PATH"] ?? "/usr/local/bin:/usr/bin:/bin",
            "HOME": root.path,
            "XDG_CONFIG_HOME": root.appendingPathComponent(".config").path,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": person.name,
            "GIT_AUTHOR_EMAIL": person.email,
            "GIT_COMMITTER_NAME": person.name,
            "GIT_COMMITTER_EMAIL": person.email,
            "LANG": "C.UTF-8",
            "TZ": "UTC",
        ]
        if let tmp = inherited["TMPDIR"] { env["TMPDIR"] = tmp }
        return env
    }

    /// Runs a program to completion, output collected through files.
    func run(_ executable: String, _ arguments: [String], in directory: String? = nil, as person: LCPerson = .alice,
             stdin: Data? = nil) throws -> LCResult {
        let id = UUID().uuidString
        let outPath = root.appendingPathComponent(".out-\(id)").path
        let errPath = root.appendingPathComponent(".err-\(id)").path
        let inPath = root.appendingPathComponent(".in-\(id)").path
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        _ = FileManager.default.createFile(atPath: inPath, contents: stdin ?? Data())
        defer { for p in [outPath, errPath, inPath] { try? FileManager.default.removeItem(atPath: p) } }
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        let input = try FileHandle(forReadingFrom: URL(fileURLWithPath: inPath))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment(as: person)
        process.currentDirectoryURL = URL(fileURLWithPath: directory ?? path)
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        try input.close()
        let name = (executable as NSString).lastPathComponent
        return LCResult(
            command: ([name] + arguments).map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " "),
            status: process.terminationStatus,
            signaled: process.terminationReason == .uncaughtSignal,
            stdout: String(decoding: FileManager.default.contents(atPath: outPath) ?? Data(), as: UTF8.self),
            stderr: String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self))
    }

    func folio(_ arguments: String..., as person: LCPerson = .alice) throws -> LCResult {
        try run(folioPath, arguments, as: person)
    }

    func folio(_ arguments: [String], as person: LCPerson = .alice) throws -> LCResult {
        try run(folioPath, arguments, as: person)
    }

    /// A folio command that must succeed (the test fails with its output otherwise).
    @discardableResult
    func ok(_ arguments: String..., as person: LCPerson = .alice,
            sourceLocation: SourceLocation = #_sourceLocation) throws -> LCResult {
        let r = try run(folioPath, arguments, as: person)
        if r.status != 0 || r.signaled {
            Issue.record("folio failed:\n\(r)", sourceLocation: sourceLocation)
            throw LCSetupError("folio \(arguments.joined(separator: " ")) failed")
        }
        return r
    }

    /// git, which must succeed.
    @discardableResult
    func git(_ arguments: String..., as person: LCPerson = .alice, stdin: Data? = nil,
             sourceLocation: SourceLocation = #_sourceLocation) throws -> LCResult {
        let r = try run(LCTools.git, arguments, as: person, stdin: stdin)
        guard r.status == 0 else {
            Issue.record("git failed:\n\(r)", sourceLocation: sourceLocation)
            throw LCSetupError("git \(arguments.joined(separator: " ")) failed")
        }
        return r
    }

    func gitAllowingFailure(_ arguments: String..., as person: LCPerson = .alice) throws -> LCResult {
        try run(LCTools.git, arguments, as: person)
    }

    // MARK: files

    func file(_ relative: String) -> String { path + "/" + relative }

    func write(_ relative: String, _ text: String) throws {
        let url = URL(fileURLWithPath: file(relative))
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    func read(_ relative: String) throws -> String {
        try String(contentsOfFile: file(relative), encoding: .utf8)
    }

    /// Replaces the first occurrence of `old` in a file.
    func edit(_ relative: String, replacing old: String, with new: String,
              sourceLocation: SourceLocation = #_sourceLocation) throws {
        let text = try read(relative)
        guard let range = text.range(of: old) else {
            Issue.record("'\(old)' not found in \(relative):\n\(text)", sourceLocation: sourceLocation)
            throw LCSetupError("edit failed")
        }
        try write(relative, text.replacingCharacters(in: range, with: new))
    }

    func head() throws -> String { try git("rev-parse", "HEAD").trimmed }

    /// Commits everything with plain git, bypassing the hooks.
    @discardableResult
    func commitNoVerify(_ message: String, as person: LCPerson = .alice,
                        sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        try git("add", "-A", as: person, sourceLocation: sourceLocation)
        try git("commit", "-q", "--no-verify", "-m", message, as: person, sourceLocation: sourceLocation)
        return try head()
    }

    // MARK: documents

    func docPath(_ id: String, type: String) -> String { "docs/\(type)/\(id).md" }

    /// `folio new` and the ID it printed.
    func new(_ type: String, title: String, _ values: [String] = [], as person: LCPerson = .alice,
             sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let r = try folio(["new", type, "--title", title] + values.flatMap { ["--set", $0] }, as: person)
        guard r.status == 0, let id = r.stdout.split(separator: "\n").first.map({ $0.trimmingCharacters(in: .whitespaces) }),
            !id.isEmpty
        else {
            Issue.record("folio new failed:\n\(r)", sourceLocation: sourceLocation)
            throw LCSetupError("folio new failed")
        }
        return id
    }

    /// A complete charter (sponsor bob), created by `person`.
    func newCharter(title: String = "Project charter", as person: LCPerson = .alice,
                    sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        try new("charter", title: title, [
            "sponsor=bob@example.com", "start_date=2026-01-05", "end_date=2026-12-18", "budget=480000.00 EUR",
        ], as: person, sourceLocation: sourceLocation)
    }

    /// A complete decision log (approved by pm), created by `person`.
    func newDecisionLog(title: String = "Decision log", as person: LCPerson = .alice,
                        sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        try new("decision-log", title: title, as: person, sourceLocation: sourceLocation)
    }

    /// A decision log taken to issued 1.0 (or the scheme's first issue): alice
    /// creates and submits, dave (pm) approves, alice issues.
    func issuedDecisionLog(title: String = "Decision log", signed: Bool = false,
                           sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let id = try newDecisionLog(title: title, sourceLocation: sourceLocation)
        try ok("submit", id, sourceLocation: sourceLocation)
        if signed {
            try ok("approve", id, "--sign", "--key", key(.dave), as: .dave, sourceLocation: sourceLocation)
        } else {
            try ok("approve", id, as: .dave, sourceLocation: sourceLocation)
        }
        try ok("issue", id, sourceLocation: sourceLocation)
        return id
    }

    /// `folio status ID --format json`.
    func status(_ id: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        let r = try ok("status", id, "--format", "json", sourceLocation: sourceLocation)
        guard let object = r.jsonObject else {
            Issue.record("status is not a JSON object:\n\(r)", sourceLocation: sourceLocation)
            throw LCSetupError("bad status JSON")
        }
        return object
    }

    /// `folio ls --format json`, by ID.
    func ls(sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: [String: Any]] {
        let r = try ok("ls", "--format", "json", sourceLocation: sourceLocation)
        guard let array = r.jsonArray else {
            Issue.record("ls is not a JSON array:\n\(r)", sourceLocation: sourceLocation)
            throw LCSetupError("bad ls JSON")
        }
        var byID: [String: [String: Any]] = [:]
        for entry in array { if let id = entry["id"] as? String { byID[id] = entry } }
        return byID
    }

    func state(_ id: String) throws -> (state: String, revision: String) {
        let s = try status(id)
        return (s["state"] as? String ?? "?", s["revision"] as? String ?? "?")
    }

    // MARK: records

    func recordPath(_ id: String) -> String { ".folio/records/\(id).jsonl" }

    /// The record's lines, as committed in the work tree.
    func recordLines(_ id: String) throws -> [String] {
        try read(recordPath(id)).split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    func recordEvents(_ id: String) throws -> [[String: Any]] {
        try recordLines(id).map { LCParse($0) }
    }

    /// Appends raw lines to a record file (no commit).
    func appendRecord(_ id: String, _ lines: [String]) throws {
        let text = try read(recordPath(id))
        try write(recordPath(id), text + lines.map { $0 + "\n" }.joined())
    }

    // MARK: verify

    /// `folio verify --format json`: exit status and the parsed report.
    func verify(sourceLocation: SourceLocation = #_sourceLocation) throws -> (status: Int32, report: [String: Any], result: LCResult) {
        let r = try folio("verify", "--format", "json")
        guard let report = r.jsonObject else {
            Issue.record("verify did not print a JSON object:\n\(r)", sourceLocation: sourceLocation)
            throw LCSetupError("bad verify JSON")
        }
        return (r.status, report, r)
    }

    func findings(_ report: [String: Any]) -> [[String: Any]] { report["findings"] as? [[String: Any]] ?? [] }

    /// `git fsck --strict` exits 0.
    func expectFsck(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let r = try gitAllowingFailure("fsck", "--strict")
        #expect(r.status == 0, "git fsck --strict failed:\n\(r)", sourceLocation: sourceLocation)
    }

    /// A clean history: verify exits 0 with ok true and no findings.
    func expectVerifies(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let v = try verify(sourceLocation: sourceLocation)
        #expect(v.status == 0, "verify should pass:\n\(v.result)", sourceLocation: sourceLocation)
        #expect(v.report["ok"] as? Bool == true, "\(v.result)", sourceLocation: sourceLocation)
        #expect(findings(v.report).isEmpty, "\(v.result)", sourceLocation: sourceLocation)
    }

    /// The content fingerprint of a document at a revision, recomputed with git
    /// plumbing: the tree holding exactly the document's file and attachment
    /// folder, as they stand in the type's folder.
    func fingerprint(_ id: String, type: String, at rev: String = "HEAD",
                     sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let listing = try git("ls-tree", rev, "docs/\(type)/", sourceLocation: sourceLocation).stdout
        let entries = listing.split(separator: "\n").compactMap { line -> String? in
            guard let tab = line.firstIndex(of: "\t") else { return nil }
            let name = line[line.index(after: tab)...].replacingOccurrences(of: "docs/\(type)/", with: "")
            guard name == "\(id).md" || name == id else { return nil }
            return String(line[..<tab]) + "\t" + name
        }
        return try git("mktree", stdin: Data((entries.joined(separator: "\n") + "\n").utf8), sourceLocation: sourceLocation).trimmed
    }

    // MARK: signing by hand

    /// `ssh-keygen -Y sign -n folio` of `text` with a key made by `makeKey`.
    func sshSign(_ text: String, key name: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let r = try run(LCTools.sshKeygen, ["-Y", "sign", "-f", key(name), "-n", "folio"], in: root.path, stdin: Data(text.utf8))
        guard r.status == 0, r.stdout.contains("BEGIN SSH SIGNATURE") else {
            Issue.record("ssh-keygen sign failed:\n\(r)", sourceLocation: sourceLocation)
            throw LCSetupError("sign failed")
        }
        return r.stdout
    }

    /// `ssh-keygen -Y verify -f .folio/allowed_signers -I email -n folio -s sigfile < canonical`.
    func sshVerify(canonical: String, signature: String, identity: String) throws -> LCResult {
        let sig = root.appendingPathComponent("sig-\(UUID().uuidString)").path
        try Data(signature.utf8).write(to: URL(fileURLWithPath: sig))
        defer { try? FileManager.default.removeItem(atPath: sig) }
        return try run(LCTools.sshKeygen, ["-Y", "verify", "-f", file(".folio/allowed_signers"), "-I", identity, "-n", "folio", "-s", sig],
                       stdin: Data(canonical.utf8))
    }
}

// MARK: - JSON lines

func LCParse(_ line: String) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
}

/// Compact JSON with sorted keys, as records are stored.
func LCCompact(_ object: [String: Any]) -> String {
    let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
    return String(decoding: data, as: UTF8.self)
}

/// The documented canonical text of a record line: the line without its
/// `signature` key (compact, keys sorted) plus one newline.
func LCCanonical(_ line: String) -> String {
    var object = LCParse(line)
    object.removeValue(forKey: "signature")
    return LCCompact(object) + "\n"
}

// MARK: - Expectations

/// A refusal: the given exit status, nothing on stdout claims success, and
/// every fragment appears in the output (case-insensitive).
@discardableResult
func LCExpectRefused(_ r: LCResult, exit: Int32 = 1, mentioning fragments: [String] = [],
                     sourceLocation: SourceLocation = #_sourceLocation) -> LCResult {
    #expect(r.status == exit, "expected exit \(exit):\n\(r)", sourceLocation: sourceLocation)
    #expect(!r.signaled, "crashed:\n\(r)", sourceLocation: sourceLocation)
    #expect(!r.stderr.isEmpty, "a refusal must say why:\n\(r)", sourceLocation: sourceLocation)
    for fragment in fragments {
        #expect(r.output.lowercased().contains(fragment.lowercased()), "output should mention '\(fragment)':\n\(r)",
                sourceLocation: sourceLocation)
    }
    return r
}

/// The approvals of a status/ls entry.
func LCApprovals(_ entry: [String: Any]) -> [[String: Any]] { entry["approvals"] as? [[String: Any]] ?? [] }
