import Foundation
import Testing

// Helpers for the lifecycle, signature, verify and diff tests, built on
// Support.swift (its sandbox, runner, result and people). Every name here
// starts with `LC` so it cannot clash with the other helpers of the target.
//
// Each test gets its own temporary folder (the HOME of every process it
// starts), a real git repository in it, SSH keys made with ssh-keygen, and
// runs the real `folio` binary and the real `git` and `ssh-keygen` CLIs as
// subprocesses. Nothing changes the test process's current folder.

/// A managed test repository in its own temporary folder.
final class LCRepo: RecordTree, @unchecked Sendable {
    /// The test's temporary folder (HOME of every process), removed with the repo.
    let sandbox: Sandbox
    var root: URL { sandbox.root }
    let path: String
    let folioPath: String

    /// `git init`, `folio init --project ALPHA`, SSH keys for everyone, then
    /// folio.yml and .folio/allowed_signers committed with `git commit --no-verify`.
    init(revisions: String = "numeric", signatures: String = "optional", bobRoles: String = "[sponsor]",
         sourceLocation: SourceLocation = #_sourceLocation) throws {
        folioPath = try Tools.requireFolio(sourceLocation: sourceLocation)
        sandbox = try Sandbox(prefix: "folio-lc")
        path = sandbox.path("repo")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root.appendingPathComponent("keys").path, withIntermediateDirectories: true)

        try git("init", "-q", "-b", "main", sourceLocation: sourceLocation)
        let r = try folio("init", "--project", "ALPHA", "--name", "Project Alpha")
        guard r.status == 0 else {
            Issue.record("folio init failed:\n\(r)", sourceLocation: sourceLocation)
            throw SetupError("folio init failed")
        }
        var signers = ""
        for person in Person.listed {
            signers += "\(person.email) namespaces=\"folio,git\" \(try makeKey(person.rawValue, sourceLocation: sourceLocation))\n"
        }
        try write(".folio/allowed_signers", signers)
        try write("folio.yml", projectConfig(revisions: revisions, signatures: signatures, roles: [.bob: bobRoles]))
        try git("add", "-A", sourceLocation: sourceLocation)
        try git("commit", "-q", "--no-verify", "-am", "Project people and keys", sourceLocation: sourceLocation)
    }

    // MARK: keys

    /// The private key file of a key made by `makeKey`.
    func key(_ name: String) -> String { root.appendingPathComponent("keys/\(name)").path }
    func key(_ person: Person) -> String { key(person.rawValue) }

    /// Makes an ed25519 key with `ssh-keygen -t ed25519 -N ""`; returns the public key line.
    @discardableResult
    func makeKey(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let r = try run(Tools.sshKeygen, ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", key(name)], in: root.path)
        guard r.status == 0 else {
            Issue.record("ssh-keygen failed:\n\(r)", sourceLocation: sourceLocation)
            throw SetupError("ssh-keygen failed")
        }
        return try String(contentsOfFile: key(name) + ".pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    // MARK: running

    /// Runs a program to completion (in the work tree unless told otherwise).
    func run(_ executable: String, _ arguments: [String], in directory: String? = nil, as person: Person = .alice,
             stdin: Data? = nil) throws -> ProcessResult {
        try sandbox.run(executable, arguments, in: directory ?? path, as: person, stdin: stdin)
    }

    func folio(_ arguments: String..., as person: Person = .alice) throws -> ProcessResult {
        try run(folioPath, arguments, as: person)
    }

    func folio(_ arguments: [String], as person: Person = .alice) throws -> ProcessResult {
        try run(folioPath, arguments, as: person)
    }

    /// A folio command that must succeed (the test fails with its output otherwise).
    @discardableResult
    func ok(_ arguments: String..., as person: Person = .alice,
            sourceLocation: SourceLocation = #_sourceLocation) throws -> ProcessResult {
        let r = try run(folioPath, arguments, as: person)
        if r.status != 0 || r.signaled {
            Issue.record("folio failed:\n\(r)", sourceLocation: sourceLocation)
            throw SetupError("folio \(arguments.joined(separator: " ")) failed")
        }
        return r
    }

    /// git, which must succeed.
    @discardableResult
    func git(_ arguments: String..., as person: Person = .alice, stdin: Data? = nil,
             sourceLocation: SourceLocation = #_sourceLocation) throws -> ProcessResult {
        try mustGit(arguments, as: person, stdin: stdin, sourceLocation: sourceLocation)
    }

    func mustGit(_ arguments: [String], as person: Person?, stdin: Data?, sourceLocation: SourceLocation) throws -> ProcessResult {
        try sandbox.git(arguments, in: path, as: person ?? .alice, stdin: stdin, sourceLocation: sourceLocation)
    }

    func gitAllowingFailure(_ arguments: String..., as person: Person = .alice) throws -> ProcessResult {
        try run(Tools.git, arguments, as: person)
    }

    func head() throws -> String { try git("rev-parse", "HEAD").trimmed }

    /// Commits everything with plain git, bypassing the hooks.
    @discardableResult
    func commitNoVerify(_ message: String, as person: Person = .alice,
                        sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        try git("add", "-A", as: person, sourceLocation: sourceLocation)
        try git("commit", "-q", "--no-verify", "-m", message, as: person, sourceLocation: sourceLocation)
        return try head()
    }

    // MARK: documents

    /// `folio new` and the ID it printed.
    func new(_ type: String, title: String, _ values: [String] = [], as person: Person = .alice,
             sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let r = try folio(["new", type, "--title", title] + values.flatMap { ["--set", $0] }, as: person)
        guard r.status == 0, let id = r.stdout.split(separator: "\n").first.map({ $0.trimmingCharacters(in: .whitespaces) }),
            !id.isEmpty
        else {
            Issue.record("folio new failed:\n\(r)", sourceLocation: sourceLocation)
            throw SetupError("folio new failed")
        }
        return id
    }

    /// A complete charter (sponsor bob), created by `person`.
    func newCharter(title: String = "Project charter", as person: Person = .alice,
                    sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        try new("charter", title: title, [
            "sponsor=bob@example.com", "start_date=2026-01-05", "end_date=2026-12-18", "budget=480000.00 EUR",
        ], as: person, sourceLocation: sourceLocation)
    }

    /// A complete decision log (approved by pm), created by `person`.
    func newDecisionLog(title: String = "Decision log", as person: Person = .alice,
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
            throw SetupError("bad status JSON")
        }
        return object
    }

    /// `folio ls --format json`, by ID.
    func ls(sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: [String: Any]] {
        let r = try ok("ls", "--format", "json", sourceLocation: sourceLocation)
        guard let array = r.jsonArray else {
            Issue.record("ls is not a JSON array:\n\(r)", sourceLocation: sourceLocation)
            throw SetupError("bad ls JSON")
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

    func recordEvents(_ id: String) throws -> [[String: Any]] {
        try recordLines(id).map { parseJSONLine($0) }
    }

    /// Appends raw lines to a record file (no commit).
    func appendRecord(_ id: String, _ lines: [String]) throws {
        let text = try read(recordPath(id))
        try write(recordPath(id), text + lines.map { $0 + "\n" }.joined())
    }

    // MARK: verify

    /// `folio verify --format json`: exit status and the parsed report.
    func verify(sourceLocation: SourceLocation = #_sourceLocation) throws -> (status: Int32, report: [String: Any], result: ProcessResult) {
        let r = try folio("verify", "--format", "json")
        guard let report = r.jsonObject else {
            Issue.record("verify did not print a JSON object:\n\(r)", sourceLocation: sourceLocation)
            throw SetupError("bad verify JSON")
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

    // MARK: signing by hand

    /// `ssh-keygen -Y sign -n folio` of `text` with a key made by `makeKey`.
    func sshSign(_ text: String, key name: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let r = try run(Tools.sshKeygen, ["-Y", "sign", "-f", key(name), "-n", "folio"], in: root.path, stdin: Data(text.utf8))
        guard r.status == 0, r.stdout.contains("BEGIN SSH SIGNATURE") else {
            Issue.record("ssh-keygen sign failed:\n\(r)", sourceLocation: sourceLocation)
            throw SetupError("sign failed")
        }
        return r.stdout
    }

    /// `ssh-keygen -Y verify -f .folio/allowed_signers -I email -n folio -s sigfile < canonical`.
    func sshVerify(canonical: String, signature: String, identity: String) throws -> ProcessResult {
        let sig = root.appendingPathComponent("sig-\(UUID().uuidString)").path
        try Data(signature.utf8).write(to: URL(fileURLWithPath: sig))
        defer { try? FileManager.default.removeItem(atPath: sig) }
        return try run(Tools.sshKeygen, ["-Y", "verify", "-f", file(".folio/allowed_signers"), "-I", identity, "-n", "folio", "-s", sig],
                       stdin: Data(canonical.utf8))
    }
}

// MARK: - JSON lines

/// The documented canonical text of a record line: the line without its
/// `signature` key (compact, keys sorted) plus one newline.
func LCCanonical(_ line: String) -> String {
    var object = parseJSONLine(line)
    object.removeValue(forKey: "signature")
    return compactJSON(object) + "\n"
}

// MARK: - Expectations

/// A refusal: the given exit status, nothing on stdout claims success, and
/// every fragment appears in the output (case-insensitive).
@discardableResult
func LCExpectRefused(_ r: ProcessResult, exit: Int32 = 1, mentioning fragments: [String] = [],
                     sourceLocation: SourceLocation = #_sourceLocation) -> ProcessResult {
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
