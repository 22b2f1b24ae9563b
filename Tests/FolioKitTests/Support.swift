import Foundation
import FolioCLI
import FolioKit
import Testing

// Test support: real git repositories in temporary folders and the real `git`
// CLI run as a subprocess. `folio` commands run in-process by default, through
// the same `FolioCLI.run(arguments, context:)` the executable calls, with a
// context of the test's own (folder, identity, environment, captured output);
// `folioProcess` starts the real binary for what only a process shows (exit
// by signal, hooks run by git, terminals). Nothing is mocked and nothing
// changes the test process's current folder, so tests run in parallel.

// MARK: - folio in-process

enum InProcess {
    /// The test process's own HOME and git configuration: an empty folder, so
    /// libgit2 (which reads them from this process) sees no user's settings,
    /// as the sandboxed child processes do not.
    private static let isolated: Bool = {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("folio-tests-home-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        setenv("HOME", home, 1)
        setenv("XDG_CONFIG_HOME", home + "/.config", 1)
        setenv("GIT_CONFIG_NOSYSTEM", "1", 1)
        return true
    }()

    /// Runs `folio ARGS` in-process in `directory` with `environment`; the
    /// result has the exit status and the captured stdout and stderr.
    static func folio(_ arguments: [String], in directory: String, environment: [String: String],
                      stdin: Data? = nil) throws -> ProcessResult {
        _ = isolated
        let out = OutputSink.capture()
        let err = OutputSink.capture()
        let input = Array(stdin ?? Data())
        let context = FolioContext(
            workingDirectory: directory, environment: environment, stdout: out, stderr: err,
            readStandardInput: { input }, stderrIsTerminal: false,
            executablePath: try Tools.requireFolio())
        let status = FolioCLI.run(arguments, context: context)
        let command = (["folio"] + arguments).map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
            + "   (in-process, in \(directory))"
        let stdoutBytes = out.bytes
        return ProcessResult(
            command: command, status: status, signaled: false, stdout: String(decoding: stdoutBytes, as: UTF8.self),
            stderr: err.text, stdoutBytes: stdoutBytes.count)
    }
}

// MARK: - Locating the tools

enum Tools {
    /// The package root: this file is <root>/Tests/FolioKitTests/Support.swift.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let fixtures: URL = packageRoot.appendingPathComponent("Tests/FolioKitTests/Fixtures")

    /// The folio binary built with these tests: next to the test bundle (so
    /// `swift test --scratch-path X` tests X's binary), else
    /// `.build/debug/folio`, or the first `.build/*/debug/folio`.
    static let folio: String? = {
        let fm = FileManager.default
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            let candidate = dir.appendingPathComponent("folio").path
            if fm.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        let build = packageRoot.appendingPathComponent(".build")
        let direct = build.appendingPathComponent("debug/folio").path
        if fm.isExecutableFile(atPath: direct) { return direct }
        for entry in (try? fm.contentsOfDirectory(atPath: build.path))?.sorted() ?? [] {
            let candidate = build.appendingPathComponent(entry).appendingPathComponent("debug/folio").path
            if fm.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }()

    /// The folio binary, or a test failure that says how to get it.
    static func requireFolio(sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        guard let folio else {
            Issue.record(
                "the folio binary was not found next to the tests (\(CommandLine.arguments[0])) nor at \(packageRoot.path)/.build/debug/folio (nor .build/*/debug/folio): run 'swift build' first",
                sourceLocation: sourceLocation)
            throw SetupError("folio binary missing")
        }
        return folio
    }

    /// The first `name` on PATH, else /usr/bin/`name`.
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
    static let python = which("python3")
}

struct SetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

// MARK: - People

/// The people of the test projects: alice, bob, carol and dave are listed in
/// folio.yml (see `projectConfig`); `mallory` is not.
enum Person: String, CaseIterable, Sendable {
    case alice, bob, carol, dave, mallory

    /// The four people folio.yml lists, in its order.
    static let listed: [Person] = [.alice, .bob, .carol, .dave]

    var email: String { "\(rawValue)@example.com" }
    var name: String {
        switch self {
        case .alice: "Alice Adams"
        case .bob: "Bob Brown"
        case .carol: "Carol Chen"
        case .dave: "Dave Diaz"
        case .mallory: "Mallory Moss"
        }
    }
}

/// The folio.yml of a test project: the listed people with their roles
/// (by default alice pm and admin, bob sponsor, carol pmo and admin, dave pm),
/// the revision scheme and signature policy under test, then `extra`.
func projectConfig(revisions: String = "numeric", signatures: String = "optional", roles: [Person: String] = [:],
                   extra: String = "") -> String {
    let defaults: [Person: String] = [.alice: "[pm, admin]", .bob: "[sponsor]", .carol: "[pmo, admin]", .dave: "[pm]"]
    let people = Person.listed.map { person in
        "  - { email: \(person.email), name: \(person.name), roles: \(roles[person] ?? defaults[person]!) }\n"
    }
    return """
        project: { code: ALPHA, name: Project Alpha }
        numbering: "{project}-{code}-{seq:4}"
        revisions: \(revisions)
        signatures: \(signatures)
        review_policy: { max_days: 5 }
        people:

        """ + people.joined() + extra
}

/// The folio.yml the managed test project uses (dave is an author there).
let peopleConfig = "# Folio project configuration (tests).\n" + projectConfig(roles: [.dave: "[author]"])

// MARK: - Running processes

struct ProcessResult: CustomStringConvertible, Sendable {
    let command: String
    /// The exit status; the signal's number when `signaled`; -1 when unknown.
    let status: Int32
    /// Terminated by a signal (a crash, or a kill), not by exit().
    let signaled: Bool
    let stdout: String
    let stderr: String
    let stdoutBytes: Int

    /// How the process ended.
    var ending: String {
        if signaled { return "killed by signal \(status)" }
        if status < 0 { return "unknown exit (reaped elsewhere)" }
        return "exit status \(status)"
    }

    var description: String {
        "$ \(command)\n\(ending)\n--- stdout\n\(stdout.prefix(4000))\n--- stderr\n\(stderr.prefix(4000))"
    }

    /// Exited with status 0.
    var ok: Bool { status == 0 && !signaled }
    /// The exit status; nil when a signal ended the process (or it is unknown).
    var exitCode: Int32? { signaled || status < 0 ? nil : status }
    /// The signal that ended the process.
    var signal: Int32? { signaled ? status : nil }
    var killed: Bool { signal == SIGKILL }

    var output: String { stdout + stderr }
    var trimmed: String { stdout.trimmingCharacters(in: .whitespacesAndNewlines) }

    // Split on any line break ("\r\n" is one Character in Swift).
    var stdoutLines: [String] { stdout.split(whereSeparator: \.isNewline).map(String.init) }
    var stderrLines: [String] { stderr.split(whereSeparator: \.isNewline).map(String.init) }

    /// stdout parsed as a JSON object.
    var jsonObject: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any]
    }

    /// stdout parsed as a JSON array of objects.
    var jsonArray: [[String: Any]]? {
        (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [[String: Any]]
    }

    /// Signs of a crash: a signal, an exit status from a signal, a Swift runtime trap message.
    var crashed: Bool {
        signaled || status >= 128
            || ["Fatal error", "Stack dump", "Segmentation fault", "Illegal instruction", "Current stack trace",
                "💣", "Backtrace", "Thread 0 crashed", "SIGSEGV", "SIGILL", "SIGTRAP"].contains { stderr.contains($0) }
    }
}

/// A record line (one JSON object) parsed; an empty object if it is not one.
func parseJSONLine(_ line: String) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
}

/// Compact JSON with sorted keys, as records are stored.
func compactJSON(_ object: [String: Any]) -> String {
    let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
    return String(decoding: data, as: UTF8.self)
}

/// A temporary folder for one test: the HOME of every process it runs, so
/// the machine's git configuration does not leak in. Removed when released.
final class Sandbox: @unchecked Sendable {
    let root: URL

    init(prefix: String = "folio-tests") throws {
        let base = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(prefix)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        // Resolve /tmp symlinks (macOS) so paths compare equal to what git prints.
        root = base.resolvingSymlinksInPath()
    }

    deinit {
        try? FileManager.default.removeItem(at: root)
    }

    func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// The environment for a process acting as `person`.
    func environment(as person: Person, extra: [String: String] = [:]) -> [String: String] {
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
            "GIT_CEILING_DIRECTORIES": FileManager.default.temporaryDirectory.resolvingSymlinksInPath().path,
            "LANG": "C.UTF-8",
            "TZ": "UTC",
        ]
        if let tmp = inherited["TMPDIR"] { env["TMPDIR"] = tmp }
        for (k, v) in extra { env[k] = v }
        return env
    }

    /// Runs a program to completion; output is collected through files (no
    /// pipe can fill up and block the child).
    func run(
        _ executable: String, _ arguments: [String], in directory: String, as person: Person = .alice,
        environment extra: [String: String] = [:], stdin: Data? = nil
    ) throws -> ProcessResult {
        try start(executable, arguments, in: directory, as: person, environment: extra, stdin: stdin).wait()
    }

    /// A started child process; `wait()` collects its result.
    final class Running: @unchecked Sendable {
        let process: Process
        let command: String
        let paths: [String]
        let handles: [FileHandle]

        init(process: Process, command: String, paths: [String], handles: [FileHandle]) {
            self.process = process
            self.command = command
            self.paths = paths
            self.handles = handles
        }

        func wait() throws -> ProcessResult {
            // A safety net against a hung child (not an assertion on time).
            let watchdog = DispatchWorkItem { [process] in
                if process.isRunning { process.terminate() }
            }
            DispatchQueue.global().asyncAfter(deadline: .now() + 600, execute: watchdog)
            process.waitUntilExit()
            watchdog.cancel()
            for h in handles { try h.close() }
            defer {
                for p in paths { try? FileManager.default.removeItem(atPath: p) }
            }
            let outData = FileManager.default.contents(atPath: paths[0]) ?? Data()
            let errData = FileManager.default.contents(atPath: paths[1]) ?? Data()
            return ProcessResult(
                command: command,
                status: process.terminationStatus,
                signaled: process.terminationReason == .uncaughtSignal,
                stdout: String(decoding: outData, as: UTF8.self),
                stderr: String(decoding: errData, as: UTF8.self),
                stdoutBytes: outData.count)
        }
    }

    /// Starts a program; output goes to files (no pipe can fill up and block the child).
    func start(
        _ executable: String, _ arguments: [String], in directory: String, as person: Person = .alice,
        environment extra: [String: String] = [:], stdin: Data? = nil
    ) throws -> Running {
        let id = UUID().uuidString
        let outPath = path(".out-\(id)")
        let errPath = path(".err-\(id)")
        let inPath = path(".in-\(id)")
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        _ = FileManager.default.createFile(atPath: inPath, contents: stdin ?? Data())
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        let input = try FileHandle(forReadingFrom: URL(fileURLWithPath: inPath))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment(as: person, extra: extra)
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        let name = (executable as NSString).lastPathComponent
        let command = ([name] + arguments).map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
            + "   (in \(directory))"
        return Running(process: process, command: command, paths: [outPath, errPath, inPath], handles: [out, err, input])
    }

    /// Runs git and fails the test (with its output) if it fails.
    @discardableResult
    func git(_ arguments: [String], in directory: String, as person: Person = .alice, stdin: Data? = nil,
             sourceLocation: SourceLocation = #_sourceLocation) throws -> ProcessResult {
        let r = try run(Tools.git, arguments, in: directory, as: person, stdin: stdin)
        guard r.status == 0 else {
            Issue.record("git failed:\n\(r)", sourceLocation: sourceLocation)
            throw SetupError("git \(arguments.joined(separator: " ")) failed")
        }
        return r
    }
}

// MARK: - Work trees

/// A folder of files the tests write and read: a repository's work tree.
protocol WorkTree {
    var path: String { get }
}

extension WorkTree {
    func file(_ relative: String) -> String { path + "/" + relative }

    func write(_ relative: String, _ text: String) throws {
        try write(relative, Data(text.utf8))
    }

    func write(_ relative: String, _ data: Data) throws {
        let url = URL(fileURLWithPath: file(relative))
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }

    func read(_ relative: String) throws -> String {
        try String(contentsOfFile: file(relative), encoding: .utf8)
    }

    func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: file(relative)) }

    /// Replaces the first occurrence of `old` in a file.
    func edit(_ relative: String, replacing old: String, with new: String,
              sourceLocation: SourceLocation = #_sourceLocation) throws {
        let text = try read(relative)
        guard let range = text.range(of: old) else {
            Issue.record("'\(old)' not found in \(relative):\n\(text)", sourceLocation: sourceLocation)
            throw SetupError("edit failed")
        }
        try write(relative, text.replacingCharacters(in: range, with: new))
    }
}

/// A work tree of a project with folio records, where git must succeed.
protocol RecordTree: WorkTree {
    /// git in the work tree; a failure fails the test.
    func mustGit(_ arguments: [String], as person: Person?, stdin: Data?, sourceLocation: SourceLocation) throws -> ProcessResult
}

extension RecordTree {
    func docPath(_ id: String, type: String = "decision-log") -> String { "docs/\(type)/\(id).md" }
    func recordPath(_ id: String) -> String { ".folio/records/\(id).jsonl" }

    /// The record's lines, as they stand in the work tree.
    func recordLines(_ id: String) throws -> [String] {
        try read(recordPath(id)).split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    /// The content fingerprint of a document at a revision, recomputed with git
    /// plumbing as docs/formats.md describes: the tree holding exactly the
    /// document's file and attachment folder, as they stand in the type's folder.
    func fingerprint(_ id: String, type: String = "decision-log", at rev: String = "HEAD",
                     sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let listing = try mustGit(["ls-tree", rev, "docs/\(type)/"], as: nil, stdin: nil, sourceLocation: sourceLocation).stdout
        let entries = listing.split(separator: "\n").compactMap { line -> String? in
            guard let tab = line.firstIndex(of: "\t") else { return nil }
            let name = line[line.index(after: tab)...].replacingOccurrences(of: "docs/\(type)/", with: "")
            guard name == "\(id).md" || name == id else { return nil }
            return String(line[..<tab]) + "\t" + name
        }
        return try mustGit(["mktree"], as: nil, stdin: Data((entries.joined(separator: "\n") + "\n").utf8),
                           sourceLocation: sourceLocation).trimmed
    }
}

// MARK: - Repositories

/// A git repository in a sandbox, and the ways tests act on it.
final class TestRepo: WorkTree, @unchecked Sendable {
    let sandbox: Sandbox
    /// The work tree (or, for bare repositories, the git directory).
    let path: String

    init(sandbox: Sandbox, path: String) {
        self.sandbox = sandbox
        self.path = path
    }

    /// An empty folder in a new sandbox (no git repository).
    static func emptyFolder(_ name: String = "repo") throws -> TestRepo {
        let sandbox = try Sandbox()
        let path = sandbox.path(name)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return TestRepo(sandbox: sandbox, path: path)
    }

    /// `git init` with no commit.
    static func plainGit(_ name: String = "repo") throws -> TestRepo {
        let repo = try emptyFolder(name)
        try repo.git("init", "-q", "-b", "main")
        return repo
    }

    /// A managed repository: `folio init --project ALPHA`, then folio.yml with
    /// alice (pm, admin), bob (sponsor), carol (pmo, admin), dave (author)
    /// and two unrelated tracked files (notes.txt, mixed.txt), committed with git.
    /// Built once per test run and copied for each test (folio init and the
    /// first commits are the same for all of them).
    static func managed(sourceLocation: SourceLocation = #_sourceLocation) throws -> TestRepo {
        let template: TestRepo
        do {
            template = try managedTemplate.get()
        } catch {
            Issue.record("the managed test repository could not be made: \(error)", sourceLocation: sourceLocation)
            throw error
        }
        let sandbox = try Sandbox()
        let path = sandbox.path("repo")
        try FileManager.default.copyItem(atPath: template.path, toPath: path)
        return TestRepo(sandbox: sandbox, path: path)
    }

    private static let managedTemplate = Result { try makeManaged() }

    private static func makeManaged() throws -> TestRepo {
        let repo = try plainGit()
        let r = try repo.folio("init", "--project", "ALPHA", "--name", "Project Alpha")
        guard r.status == 0 else { throw SetupError("folio init failed:\n\(r)") }
        try repo.write("folio.yml", peopleConfig)
        try repo.write("notes.txt", "unrelated notes\n")
        try repo.write("mixed.txt", "mixed, committed\n")
        try repo.git("add", "folio.yml", "notes.txt", "mixed.txt")
        try repo.git("commit", "--no-verify", "-q", "-m", "Project people and notes")
        return repo
    }

    // Running

    func folio(_ arguments: String..., as person: Person = .alice, in subfolder: String? = nil,
               environment: [String: String] = [:]) throws -> ProcessResult {
        try folio(arguments, as: person, in: subfolder, environment: environment)
    }

    /// folio run in-process (`FolioCLI.run`), as `person`, in the work tree or `subfolder`.
    func folio(_ arguments: [String], as person: Person = .alice, in subfolder: String? = nil,
               environment: [String: String] = [:], stdin: Data? = nil) throws -> ProcessResult {
        let dir = subfolder.map { file($0) } ?? path
        return try InProcess.folio(arguments, in: dir, environment: sandbox.environment(as: person, extra: environment),
                                   stdin: stdin)
    }

    /// The real folio binary as a child process: for exit codes and output
    /// as a process shows them (signals, closed pipes, terminals).
    func folioProcess(_ arguments: [String], as person: Person = .alice, in subfolder: String? = nil,
                      environment: [String: String] = [:], stdin: Data? = nil) throws -> ProcessResult {
        let folio = try Tools.requireFolio()
        let dir = subfolder.map { file($0) } ?? path
        return try sandbox.run(folio, arguments, in: dir, as: person, environment: environment, stdin: stdin)
    }

    @discardableResult
    func git(_ arguments: String..., as person: Person = .alice,
             sourceLocation: SourceLocation = #_sourceLocation) throws -> ProcessResult {
        try sandbox.git(arguments, in: path, as: person, sourceLocation: sourceLocation)
    }

    /// git, without failing the test when git fails (for commits hooks may refuse).
    func gitAllowingFailure(_ arguments: [String], as person: Person = .alice,
                            environment: [String: String] = [:]) throws -> ProcessResult {
        try sandbox.run(Tools.git, arguments, in: path, as: person, environment: environment)
    }

    // Git state

    func head() throws -> String {
        try git("rev-parse", "HEAD").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func commitCount() throws -> Int {
        Int(try git("rev-list", "--count", "HEAD").stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    /// The full message of a commit.
    func message(_ rev: String = "HEAD") throws -> String {
        try git("log", "-1", "--format=%B", rev).stdout
    }

    /// The trailers of a commit as git parses them.
    func trailers(_ rev: String = "HEAD") throws -> [(key: String, value: String)] {
        try git("log", "-1", "--format=%(trailers:only=true,unfold=true)", rev).stdout
            .split(separator: "\n").compactMap { line in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            }
    }

    func trailerValues(_ key: String, _ rev: String = "HEAD") throws -> [String] {
        try trailers(rev).filter { $0.key == key }.map(\.value)
    }

    /// The paths a commit changed.
    func changedPaths(_ rev: String = "HEAD") throws -> [String] {
        try git("show", "--name-only", "--format=", rev).stdout.split(separator: "\n").map(String.init)
    }

    func authorEmail(_ rev: String = "HEAD") throws -> String {
        try git("log", "-1", "--format=%ae", rev).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

// MARK: - Expectations

/// Lines a failing folio may print on stderr: its one-line error, diagnostics,
/// the diagnostics summary and the hook's refusal.
private let allowedErrorLines: [NSRegularExpression] = [
    "^folio: error: \\S.*$",
    "^[^\\s:][^:]*:[0-9]+:[0-9]+: (error|warning): .+ \\[[a-z0-9.\\-]+\\]$",
    "^[0-9]+ error\\(s\\), [0-9]+ warning\\(s\\)$",
    "^folio: commit refused: .+$",
    // An import's bad input lines: FILE:LINE: error: message.
    "^[^\\s:][^:]*:[0-9]+: error: .+$",
].map { try! NSRegularExpression(pattern: $0) }

let diagnosticLine = try! NSRegularExpression(
    pattern: "^([^\\s:][^:]*):([0-9]+):([0-9]+): (error|warning): (.+) \\[([a-z0-9.\\-]+)\\]$")

func matches(_ regex: NSRegularExpression, _ s: String) -> Bool {
    regex.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil
}

/// Parsed `path:line:col: severity: message [rule]` lines of some output.
struct ParsedDiagnostic: Equatable, CustomStringConvertible {
    let path: String
    let line: Int
    let column: Int
    let severity: String
    let message: String
    let rule: String
    var description: String { "\(path):\(line):\(column): \(severity): \(message) [\(rule)]" }
}

func diagnostics(in text: String) -> [ParsedDiagnostic] {
    text.split(separator: "\n").compactMap { raw in
        let s = String(raw)
        guard let m = diagnosticLine.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) else { return nil }
        func g(_ i: Int) -> String { String(s[Range(m.range(at: i), in: s)!]) }
        return ParsedDiagnostic(path: g(1), line: Int(g(2))!, column: Int(g(3))!, severity: g(4), message: g(5), rule: g(6))
    }
}

/// No crash: an exit, not a signal; no runtime trap or stack trace.
func expectNoCrash(_ r: ProcessResult, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(!r.crashed, "crashed:\n\(r)", sourceLocation: sourceLocation)
}

/// Exit status 0, no crash.
@discardableResult
func expectSuccess(_ r: ProcessResult, sourceLocation: SourceLocation = #_sourceLocation) -> ProcessResult {
    expectNoCrash(r, sourceLocation: sourceLocation)
    #expect(r.status == 0, "expected success:\n\(r)", sourceLocation: sourceLocation)
    return r
}

/// A clean refusal: exit status in `exit`, no crash, an error stated as
/// `folio: error: …` or as diagnostics, and nothing else on stderr.
/// `mentioning` must appear in the error output (case-insensitive).
@discardableResult
func expectFailure(
    _ r: ProcessResult, exit: Set<Int32> = [1, 2], mentioning: [String] = [], rule: String? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) -> ProcessResult {
    expectNoCrash(r, sourceLocation: sourceLocation)
    #expect(exit.contains(r.status), "expected exit status \(exit.sorted()):\n\(r)", sourceLocation: sourceLocation)
    let errorLines = r.stderrLines.filter { $0.hasPrefix("folio: error: ") || $0.range(of: "^[^\\s:][^:]*:[0-9]+: error: ", options: .regularExpression) != nil }
    let diags = diagnostics(in: r.stdout + "\n" + r.stderr).filter { $0.severity == "error" }
    #expect(!errorLines.isEmpty || !diags.isEmpty, "expected 'folio: error: …' or an error diagnostic:\n\(r)",
            sourceLocation: sourceLocation)
    for line in r.stderrLines where !allowedErrorLines.contains(where: { matches($0, line) }) {
        Issue.record("unexpected stderr line (not a one-line error or diagnostic): \(line)\n\(r)", sourceLocation: sourceLocation)
    }
    let output = (r.stderr + "\n" + r.stdout).lowercased()
    for word in mentioning {
        #expect(output.contains(word.lowercased()), "expected the error to mention '\(word)':\n\(r)", sourceLocation: sourceLocation)
    }
    if let rule {
        #expect(diags.contains { $0.rule == rule }, "expected an error diagnostic [\(rule)]:\n\(r)", sourceLocation: sourceLocation)
    }
    return r
}

/// `git fsck --strict` finds nothing.
func expectFsckClean(_ repo: TestRepo, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let r = try repo.gitAllowingFailure(["fsck", "--strict", "--no-dangling"])
    #expect(r.status == 0, "git fsck --strict failed:\n\(r)", sourceLocation: sourceLocation)
    let problems = (r.stdout + r.stderr).split(separator: "\n").filter {
        $0.hasPrefix("error") || $0.hasPrefix("warning") || $0.hasPrefix("missing") || $0.hasPrefix("broken")
            || $0.contains("badDate") || $0.contains("zeroPaddedFilemode")
    }
    #expect(problems.isEmpty, "git fsck --strict reported:\n\(r)", sourceLocation: sourceLocation)
}

/// The checks every folio write gets: one new commit on the branch, by the
/// acting person, with the Folio trailers; fsck clean; the paths it wrote
/// clean in `git status`.
func expectFolioCommit(
    _ repo: TestRepo, after previousHead: String, document: String?, action: String?, revision: String? = nil,
    by person: Person = .alice, sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let head = try repo.head()
    #expect(head != previousHead, "no new commit", sourceLocation: sourceLocation)
    let parent = try repo.git("rev-parse", "HEAD^").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(parent == previousHead, "expected exactly one new commit on the branch", sourceLocation: sourceLocation)
    #expect(try repo.authorEmail() == person.email, sourceLocation: sourceLocation)
    let message = try repo.message()
    if let document {
        #expect(try repo.trailerValues("Folio-Document") == [document], "trailers of:\n\(message)", sourceLocation: sourceLocation)
        #expect(message.split(separator: "\n").first?.contains(document) == true, "subject names the document:\n\(message)",
                sourceLocation: sourceLocation)
    }
    if let action {
        #expect(try repo.trailerValues("Folio-Action") == [action], "trailers of:\n\(message)", sourceLocation: sourceLocation)
    } else {
        #expect(try repo.trailerValues("Folio-Action").count == 1, "trailers of:\n\(message)", sourceLocation: sourceLocation)
    }
    if let revision {
        #expect(try repo.trailerValues("Folio-Revision") == [revision], "trailers of:\n\(message)", sourceLocation: sourceLocation)
    }
    try expectFsckClean(repo, sourceLocation: sourceLocation)
    let paths = try repo.changedPaths()
    #expect(!paths.isEmpty, sourceLocation: sourceLocation)
    let status = try repo.git(["status", "--porcelain", "--untracked-files=all", "--"] + paths).stdout
    #expect(status.isEmpty, "git status not clean for the paths folio wrote:\n\(status)", sourceLocation: sourceLocation)
}

extension TestRepo {
    @discardableResult
    func git(_ arguments: [String], as person: Person = .alice,
             sourceLocation: SourceLocation = #_sourceLocation) throws -> ProcessResult {
        try sandbox.git(arguments, in: path, as: person, sourceLocation: sourceLocation)
    }
}

/// Unrelated work in progress: an unstaged edit (notes.txt), a staged new
/// file (staged.txt), a file staged and then edited again (mixed.txt), an
/// untracked file, and optionally staged/unstaged edits of other documents.
/// `expectUntouched` checks a folio command left all of it as it was.
struct UnrelatedWork {
    let paths: [String]
    let status: String
    let unstaged: String
    let staged: String
    let contents: [String: Data]

    static func plant(in repo: TestRepo, stagedEdits: [String] = [], unstagedEdits: [String] = []) throws -> UnrelatedWork {
        try repo.write("notes.txt", "unrelated notes\nan unstaged line\n")
        try repo.write("staged.txt", "a new staged file\n")
        try repo.git("add", "staged.txt")
        try repo.write("mixed.txt", "mixed, committed\nstaged line\n")
        try repo.git("add", "mixed.txt")
        try repo.write("mixed.txt", "mixed, committed\nstaged line\nunstaged line\n")
        try repo.write("untracked.txt", "untracked\n")
        for doc in stagedEdits {
            try repo.write(doc, try repo.read(doc) + "\nA staged paragraph.\n")
            try repo.git("add", doc)
        }
        for doc in unstagedEdits {
            try repo.write(doc, try repo.read(doc) + "\nAn unstaged paragraph.\n")
        }
        let paths = ["notes.txt", "staged.txt", "mixed.txt", "untracked.txt"] + stagedEdits + unstagedEdits
        return try snapshot(repo, paths)
    }

    static func snapshot(_ repo: TestRepo, _ paths: [String]) throws -> UnrelatedWork {
        UnrelatedWork(
            paths: paths,
            status: try repo.git(["status", "--porcelain", "--untracked-files=all", "--"] + paths).stdout,
            unstaged: try repo.git(["diff", "--"] + paths).stdout,
            staged: try repo.git(["diff", "--cached", "--"] + paths).stdout,
            contents: Dictionary(uniqueKeysWithValues: paths.map { ($0, FileManager.default.contents(atPath: repo.file($0)) ?? Data()) }))
    }

    func expectUntouched(_ repo: TestRepo, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let now = try UnrelatedWork.snapshot(repo, paths)
        #expect(now.status == status, "git status of unrelated work changed:\nbefore:\n\(status)\nafter:\n\(now.status)",
                sourceLocation: sourceLocation)
        #expect(now.staged == staged, "staged unrelated changes changed:\nbefore:\n\(staged)\nafter:\n\(now.staged)",
                sourceLocation: sourceLocation)
        #expect(now.unstaged == unstaged, "unstaged unrelated changes changed", sourceLocation: sourceLocation)
        #expect(now.contents == contents, "unrelated files' contents changed", sourceLocation: sourceLocation)
        let committed = Set(try repo.changedPaths())
        #expect(committed.isDisjoint(with: paths), "folio committed unrelated paths: \(committed.intersection(paths))",
                sourceLocation: sourceLocation)
    }
}

// MARK: - JSON

func json(_ r: ProcessResult, sourceLocation: SourceLocation = #_sourceLocation) -> Any? {
    guard let value = try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8), options: [.fragmentsAllowed]) else {
        Issue.record("stdout is not JSON:\n\(r)", sourceLocation: sourceLocation)
        return nil
    }
    return value
}

func jsonObjects(_ r: ProcessResult, sourceLocation: SourceLocation = #_sourceLocation) -> [[String: Any]] {
    guard let array = json(r, sourceLocation: sourceLocation) as? [[String: Any]] else {
        Issue.record("expected a JSON array of objects:\n\(r)", sourceLocation: sourceLocation)
        return []
    }
    return array
}

// MARK: - Document text helpers

extension TestRepo {
    /// Creates a document with `folio new` and returns its ID and path.
    func newDocument(
        _ type: String, title: String, set values: [String] = [], as person: Person = .alice,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> (id: String, path: String) {
        let r = try folio(["new", type, "--title", title] + values.flatMap { ["--set", $0] }, as: person)
        guard r.status == 0, let id = r.stdoutLines.first?.trimmingCharacters(in: .whitespaces), !id.isEmpty else {
            Issue.record("folio new failed:\n\(r)", sourceLocation: sourceLocation)
            throw SetupError("folio new failed")
        }
        let folder = try typeFolder(type)
        return (id, "\(folder)/\(id).md")
    }

    func typeFolder(_ type: String) throws -> String { "docs/\(type)" }
}

/// A valid, complete risk register document for `id`, with `rows` risk rows.
func riskRegister(id: String, title: String = "Risk register", extraFrontMatter: String = "",
                  rows: [String] = ["| R-001 | Late delivery | Schedule | 3 | 4 | 12 | Reduce | Early order | alice@example.com | 2026-12-15 | Open |"],
                  body: String = "") -> String {
    """
    ---
    id: \(id)
    type: risk-register
    title: \(title)
    owner: alice@example.com
    review_date: 2026-12-01
    \(extraFrontMatter)---
    # \(title)

    ## Purpose

    The project's risks.

    ## Scoring method

    Probability times impact.

    ## Risks

    | ID | Risk | Category | Probability | Impact | Score | Response | Mitigation | Owner | Due | Status |
    | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
    \(rows.joined(separator: "\n"))

    ## Closed risks

    | ID | Risk | Closed | Outcome |
    | --- | --- | --- | --- |
    \(body)
    """
}

// MARK: - Tiers

extension Tag {
    /// Fault injection and fuzzing: minutes of work; `make test-fast` skips them.
    @Tag static var slow: Self
    /// Tests of what only a process shows: hooks run by git, a server, signals.
    @Tag static var process: Self
}

// MARK: - Parallelism

/// Runs test bodies on threads of their own rather than on Swift's
/// cooperative pool, whose width is the number of cores: most tests wait on
/// `git` child processes, and a waiting test would hold one of only two
/// threads. With eight threads, two cores stay busy.
final class WideTestExecutor: TaskExecutor, @unchecked Sendable {
    // @unchecked: `jobs` is read and written only under `condition`.
    static let shared = WideTestExecutor(threads: 8)

    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []

    init(threads: Int) {
        for i in 0..<threads {
            let thread = Thread { [unowned self] in self.work() }
            thread.name = "folio-tests-\(i)"
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func work() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}

/// `@Suite(..., .wide)`: the suite's tests run on `WideTestExecutor`.
struct WideParallelism: SuiteTrait, TestTrait, TestScoping {
    var isRecursive: Bool { true }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        try await withTaskExecutorPreference(WideTestExecutor.shared) { try await function() }
    }
}

extension Trait where Self == WideParallelism {
    static var wide: Self { WideParallelism() }
}
