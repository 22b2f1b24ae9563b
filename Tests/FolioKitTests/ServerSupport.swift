import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// Helpers for the server tests (ServerTests.swift), built on Support.swift
// (its sandbox, runner, result and people). Every name here starts with `SV`
// so nothing clashes with the other helpers of this test target.
//
// Each test builds its own world in a temporary folder: a seed repository
// made with `folio init`, a bare `central.git` cloned from it with Folio's
// pre-receive hook installed (`folio hooks install --server`), a real
// `git daemon --enable=receive-pack` serving it on 127.0.0.1 at a free port,
// and clones that push to it with plain `git push`. The real `folio`, `git`
// and `ssh-keygen` binaries run as subprocesses with HOME set to the test's
// folder; nothing changes the test process's current folder.

// MARK: - Sockets

/// A TCP port on 127.0.0.1 that was free a moment ago: bind to port 0 and read
/// the port the kernel chose.
func SVFreePort() throws -> UInt16 {
    #if os(Linux)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    guard fd >= 0 else { throw SetupError("socket() failed") }
    defer { close(fd) }
    var address = SVLoopback(port: 0)
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { throw SetupError("bind() to port 0 failed") }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let named = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    guard named == 0 else { throw SetupError("getsockname() failed") }
    return UInt16(bigEndian: address.sin_port)
}

/// Whether something accepts TCP connections on 127.0.0.1:port.
func SVAccepts(port: UInt16) -> Bool {
    #if os(Linux)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = SVLoopback(port: port)
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    return connected == 0
}

func SVLoopback(port: UInt16) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return address
}

// MARK: - The server world

/// Starts a program with a clean signal mask and default signal actions
/// (Foundation's Process passes on the mask of the calling thread, and the
/// test runner's threads block SIGTERM and SIGCHLD: a daemon started that
/// way could never be terminated). Output goes to `log`; returns the pid.
func SVSpawn(_ executable: String, _ arguments: [String], environment: [String: String], log: String) throws -> pid_t {
    #if os(Linux)
        var attributes = posix_spawnattr_t()
        var actions = posix_spawn_file_actions_t()
    #else
        var attributes: posix_spawnattr_t = nil
        var actions: posix_spawn_file_actions_t = nil
    #endif
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var mask = sigset_t()
    sigemptyset(&mask)
    posix_spawnattr_setsigmask(&attributes, &mask)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGTERM, SIGINT, SIGHUP, SIGCHLD, SIGPIPE] { sigaddset(&defaults, signal) }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    // A process group of its own: Apache's prefork, run in the foreground,
    // ends by signalling its whole process group, which would otherwise be
    // the test runner's.
    posix_spawnattr_setpgroup(&attributes, 0)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
    let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { for p in argv + envp { free(p) } }
    var pid = pid_t()
    let rc = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
    guard rc == 0 else { throw SetupError("posix_spawn \(executable) failed: \(rc)") }
    return pid
}

/// A server process of the world (`git daemon`, sshd, Apache httpd): its
/// pid, port and log, stopped when released.
final class SVDaemon: @unchecked Sendable {
    let pid: pid_t
    let port: UInt16
    let log: String
    /// `git://127.0.0.1:PORT/central.git`
    let url: String
    private let lock = NSLock()
    private var exited = false

    init(pid: pid_t, port: UInt16, log: String, url: String? = nil) {
        self.pid = pid
        self.port = port
        self.log = log
        self.url = url ?? "git://127.0.0.1:\(port)/central.git"
    }

    /// Whether the daemon still runs (reaps it when it has exited).
    var isRunning: Bool {
        lock.lock()
        defer { lock.unlock() }
        if exited { return false }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { exited = true }
        return !exited
    }

    /// Terminates the daemon (SIGTERM; SIGKILL if it has not gone after a
    /// while) and reaps it. Connections it is serving finish on their own.
    func stop() {
        guard isRunning else { return }
        kill(pid, SIGTERM)
        for _ in 0..<500 {
            if !isRunning { return }
            usleep(10_000)
        }
        kill(pid, SIGKILL)
        lock.lock()
        defer { lock.unlock() }
        var status: Int32 = 0
        if !exited { _ = waitpid(pid, &status, 0) }
        exited = true
    }

    deinit { stop() }
}

/// One test's world: the seed repository, `central.git` with the server hook,
/// SSH keys, and the clones made from it. Removed when released.
final class SVServer: @unchecked Sendable {
    /// The world's temporary folder (HOME of every process), removed with the server.
    let sandbox: Sandbox
    var root: URL { sandbox.root }
    let folio: String
    /// The bare repository the daemon serves.
    let central: String
    /// A ref only this world's central.git has, to tell our daemon from another test's.
    let marker: String
    let signatures: String

    /// Seeds `central.git`: `folio init --project ALPHA`, folio.yml (and,
    /// with `keys`, an ed25519 key for everyone, alice to dave listed in
    /// `.folio/allowed_signers`), committed by alice; then a bare clone with
    /// the server hook installed by `folio hooks install --server`.
    /// `central` is where the bare repository goes, relative to the world's
    /// folder (a real git server keeps its repositories in its own place).
    init(signatures: String = "optional", keys: Bool = false, central centralPath: String = "central.git",
         sourceLocation: SourceLocation = #_sourceLocation) throws {
        folio = try Tools.requireFolio(sourceLocation: sourceLocation)
        self.signatures = signatures
        sandbox = try Sandbox(prefix: "folio-sv")
        central = sandbox.path(centralPath)
        marker = "refs/sv/\(UUID().uuidString.lowercased())"
        try FileManager.default.createDirectory(atPath: root.appendingPathComponent("keys").path, withIntermediateDirectories: true)

        let seed = path("seed")
        try FileManager.default.createDirectory(atPath: seed, withIntermediateDirectories: true)
        try mustRun(Tools.git, ["init", "-q", "-b", "main"], in: seed, sourceLocation: sourceLocation)
        try mustRun(folio, ["init", "--project", "ALPHA", "--name", "Project Alpha"], in: seed, sourceLocation: sourceLocation)
        try Data(projectConfig(signatures: signatures).utf8).write(to: URL(fileURLWithPath: seed + "/folio.yml"))
        if keys {
            var signers = ""
            for person in Person.allCases {
                let pub = try makeKey(person, sourceLocation: sourceLocation)
                if person != .mallory { signers += "\(person.email) namespaces=\"folio,git\" \(pub)\n" }
            }
            try FileManager.default.createDirectory(atPath: seed + "/.folio", withIntermediateDirectories: true)
            try Data(signers.utf8).write(to: URL(fileURLWithPath: seed + "/.folio/allowed_signers"))
        }
        try mustRun(Tools.git, ["add", "-A"], in: seed, sourceLocation: sourceLocation)
        try mustRun(Tools.git, ["commit", "-q", "--no-verify", "-m", "Project people"], in: seed, sourceLocation: sourceLocation)
        try mustRun(Tools.git, ["clone", "-q", "--bare", seed, central], in: root.path, sourceLocation: sourceLocation)
        try mustRun(Tools.git, ["--git-dir", central, "update-ref", marker, "refs/heads/main"], in: root.path,
                    sourceLocation: sourceLocation)
        let installed = try mustRun(folio, ["hooks", "install", "--server", "--repo", centralPath], in: root.path,
                                    sourceLocation: sourceLocation)
        #expect(installed.output.contains("pre-receive"), "\(installed)", sourceLocation: sourceLocation)
    }

    func path(_ relative: String) -> String { sandbox.path(relative) }

    func key(_ person: Person) -> String { path("keys/\(person.rawValue)") }

    /// Makes an ed25519 key with ssh-keygen; returns the public key.
    private func makeKey(_ person: Person, sourceLocation: SourceLocation) throws -> String {
        try mustRun(Tools.sshKeygen, ["-q", "-t", "ed25519", "-N", "", "-C", person.rawValue, "-f", key(person)],
                    in: root.path, sourceLocation: sourceLocation)
        return try String(contentsOfFile: key(person) + ".pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    // MARK: running

    /// The environment of a process acting as `person` (a clean one: nothing
    /// of the test process's git identity or pusher variables leaks in; git
    /// never prompts).
    func environment(as person: Person, extra: [String: String] = [:]) -> [String: String] {
        sandbox.environment(as: person, extra: ["GIT_TERMINAL_PROMPT": "0"].merging(extra) { $1 })
    }

    func run(_ executable: String, _ arguments: [String], in directory: String, as person: Person = .alice,
             environment extra: [String: String] = [:], stdin: Data? = nil) throws -> ProcessResult {
        try sandbox.run(executable, arguments, in: directory, as: person,
                        environment: ["GIT_TERMINAL_PROMPT": "0"].merging(extra) { $1 }, stdin: stdin)
    }

    @discardableResult
    func mustRun(_ executable: String, _ arguments: [String], in directory: String, as person: Person = .alice,
                 environment extra: [String: String] = [:], stdin: Data? = nil,
                 sourceLocation: SourceLocation = #_sourceLocation) throws -> ProcessResult {
        let r = try run(executable, arguments, in: directory, as: person, environment: extra, stdin: stdin)
        guard r.ok else {
            Issue.record("command failed:\n\(r)", sourceLocation: sourceLocation)
            throw SetupError("\((executable as NSString).lastPathComponent) \(arguments.joined(separator: " ")) failed")
        }
        return r
    }

    /// git on central.git.
    func centralGit(_ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> ProcessResult {
        try run(Tools.git, ["--git-dir", central] + arguments, in: root.path)
    }

    /// Where a ref of central.git points, or nil when it does not exist.
    func ref(_ name: String) throws -> String? {
        let r = try run(Tools.git, ["--git-dir", central, "rev-parse", "-q", "--verify", name + "^{}"], in: root.path)
        return r.ok ? r.trimmed : nil
    }

    /// The server's `refs/heads/main`.
    func main() throws -> String? { try ref("refs/heads/main") }

    // MARK: the daemon

    /// Starts `git daemon --enable=receive-pack` on a free port of 127.0.0.1,
    /// serving this world's folder, and waits until it answers for this
    /// world's central.git. `extra` goes into the daemon's environment (and so
    /// into the hooks it runs).
    func startDaemon(environment extra: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation) throws -> SVDaemon {
        var problems: [String] = []
        // The daemon itself rather than the `git` wrapper that would run it.
        let execPath = try run(Tools.git, ["--exec-path"], in: root.path).trimmed
        let direct = execPath + "/git-daemon"
        let useDirect = FileManager.default.isExecutableFile(atPath: direct)
        for attempt in 1...8 {
            let port = try SVFreePort()
            let log = path("daemon-\(port)-\(attempt).log")
            let arguments = [
                "--reuseaddr", "--base-path=\(root.path)", "--export-all", "--enable=receive-pack",
                "--informative-errors", "--listen=127.0.0.1", "--port=\(port)", root.path,
            ]
            let pid = try SVSpawn(useDirect ? direct : Tools.git, useDirect ? arguments : ["daemon"] + arguments,
                                  environment: environment(as: .alice, extra: extra), log: log)
            let daemon = SVDaemon(pid: pid, port: port, log: log)
            // Wait until it accepts connections (a bound on waiting, not a timed assertion).
            var ready = false
            for _ in 0..<1500 where daemon.isRunning {
                if SVAccepts(port: port) {
                    // Someone else's daemon may hold the port: ours serves our marker.
                    let r = try run(Tools.git, ["ls-remote", daemon.url], in: root.path)
                    if r.ok && r.stdout.contains(marker) && daemon.isRunning {
                        ready = true
                        break
                    }
                }
                usleep(20_000)
            }
            if ready { return daemon }
            daemon.stop()
            problems.append("port \(port): " + ((try? String(contentsOfFile: log, encoding: .utf8)) ?? ""))
        }
        Issue.record("git daemon did not start:\n\(problems.joined(separator: "\n"))", sourceLocation: sourceLocation)
        throw SetupError("git daemon did not start")
    }

    /// `git clone URL NAME` acting as `person`.
    /// `options` go before `clone` (`-c core.sshCommand=…` is kept in the clone's config).
    func clone(_ url: String, _ name: String, as person: Person, options: [String] = [],
               sourceLocation: SourceLocation = #_sourceLocation) throws -> SVClone {
        try mustRun(Tools.git, ["clone", "-q"] + options + [url, name], in: root.path, as: person, sourceLocation: sourceLocation)
        return SVClone(server: self, path: path(name), person: person)
    }
}

// MARK: - A clone

final class SVClone: RecordTree, @unchecked Sendable {
    let server: SVServer
    let path: String
    /// Who acts in this clone unless a call names someone else.
    let person: Person

    init(server: SVServer, path: String, person: Person) {
        self.server = server
        self.path = path
        self.person = person
    }

    // MARK: running

    func tryGit(_ arguments: [String], as who: Person? = nil, environment: [String: String] = [:]) throws -> ProcessResult {
        try server.run(Tools.git, arguments, in: path, as: who ?? person, environment: environment)
    }

    @discardableResult
    func git(_ arguments: String..., as who: Person? = nil, stdin: Data? = nil,
             sourceLocation: SourceLocation = #_sourceLocation) throws -> ProcessResult {
        try mustGit(arguments, as: who, stdin: stdin, sourceLocation: sourceLocation)
    }

    func mustGit(_ arguments: [String], as who: Person?, stdin: Data?, sourceLocation: SourceLocation) throws -> ProcessResult {
        try server.mustRun(Tools.git, arguments, in: path, as: who ?? person, stdin: stdin, sourceLocation: sourceLocation)
    }

    func folio(_ arguments: [String], as who: Person? = nil) throws -> ProcessResult {
        try server.run(server.folio, arguments, in: path, as: who ?? person)
    }

    /// A folio command that must succeed.
    @discardableResult
    func ok(_ arguments: String..., as who: Person? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws -> ProcessResult {
        try server.mustRun(server.folio, arguments, in: path, as: who ?? person, sourceLocation: sourceLocation)
    }

    /// `git push ARGS` (which may be refused).
    func push(_ arguments: String..., as who: Person? = nil, environment: [String: String] = [:]) throws -> ProcessResult {
        try tryGit(["push"] + arguments, as: who, environment: environment)
    }

    /// A push that must be accepted.
    func pushOK(_ arguments: String..., as who: Person? = nil, environment: [String: String] = [:],
                sourceLocation: SourceLocation = #_sourceLocation) throws {
        let r = try tryGit(["push"] + arguments, as: who, environment: environment)
        guard r.ok else {
            Issue.record("push should be accepted:\n\(r)", sourceLocation: sourceLocation)
            throw SetupError("push refused")
        }
    }

    func head() throws -> String { try git("rev-parse", "HEAD").trimmed }

    /// Stages everything and commits with plain git, hooks bypassed.
    @discardableResult
    func commit(_ message: String, as who: Person? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        try git("add", "-A", as: who, sourceLocation: sourceLocation)
        try git("commit", "-q", "--no-verify", "-m", message, as: who, sourceLocation: sourceLocation)
        return try head()
    }

    // MARK: files

    /// Replaces the first line that starts with `prefix`.
    func replaceLine(_ relative: String, startingWith prefix: String, with line: String,
                     sourceLocation: SourceLocation = #_sourceLocation) throws {
        var lines = try read(relative).components(separatedBy: "\n")
        guard let i = lines.firstIndex(where: { $0.hasPrefix(prefix) }) else {
            Issue.record("no line starting with '\(prefix)' in \(relative)", sourceLocation: sourceLocation)
            throw SetupError("edit failed")
        }
        lines[i] = line
        try write(relative, lines.joined(separator: "\n"))
    }

    // MARK: documents

    /// `folio new TYPE --title T`; the ID it printed.
    func new(_ type: String = "decision-log", title: String, as who: Person? = nil,
             sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let r = try server.mustRun(server.folio, ["new", type, "--title", title], in: path, as: who ?? person,
                                   sourceLocation: sourceLocation)
        guard let id = r.stdout.split(separator: "\n").first.map({ $0.trimmingCharacters(in: .whitespaces) }), !id.isEmpty else {
            Issue.record("folio new printed no ID:\n\(r)", sourceLocation: sourceLocation)
            throw SetupError("folio new printed no ID")
        }
        return id
    }

    /// Adds a sentence to a decision log's Purpose section (a content change).
    func amendPurpose(_ id: String, _ sentence: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try edit(docPath(id), replacing: "## Purpose\n", with: "## Purpose\n\n\(sentence)\n", sourceLocation: sourceLocation)
    }

    func writeRecord(_ id: String, _ lines: [String]) throws {
        try write(recordPath(id), lines.map { $0 + "\n" }.joined())
    }

    /// A lifecycle step made by hand, past folio's own checks: `event` by
    /// `person` for the content as it stands, appended to the record and
    /// committed with folio's trailers (`git commit --no-verify`).
    func commitHandMadeEvent(
        _ event: String, _ id: String, revision: String, action: String, by person: Person, role: String? = nil, meaning: String
    ) throws {
        try commitRecordLine(
            id, SVEvent(event, document: id, revision: revision, fingerprint: try fingerprint(id), by: person, role: role, meaning: meaning),
            action: action, revision: revision)
    }

    /// Appends one hand-written line to a record and commits it with the
    /// hooks bypassed, as the clone's person or `committer`.
    func commitRecordLine(_ id: String, _ line: String, action: String, revision: String, as committer: Person? = nil) throws {
        var lines = try recordLines(id)
        lines.append(line)
        try writeRecord(id, lines)
        try git("add", "-A")
        try git("commit", "-q", "--no-verify", "-m", SVMessage(id, action, revision), as: committer)
    }
}

// MARK: - Record lines

/// A record line written by hand.
func SVEvent(_ event: String, document: String, revision: String, fingerprint: String, by person: Person,
             role: String? = nil, meaning: String? = nil, at: String = "2026-03-02T10:00:00Z") -> String {
    var object: [String: Any] = [
        "event": event, "document": document, "revision": revision, "fingerprint": fingerprint,
        "actor": person.email, "name": person.name, "at": at,
    ]
    if let role { object["role"] = role }
    if let meaning { object["meaning"] = meaning }
    return compactJSON(object)
}

/// A commit message with folio's trailers.
func SVMessage(_ id: String, _ action: String, _ revision: String) -> String {
    "\(id): \(action) \(revision)\n\nFolio-Document: \(id)\nFolio-Action: \(action)\nFolio-Revision: \(revision)\n"
}

// MARK: - Expectations

/// The push was refused by the server's pre-receive hook with `rule`, and the
/// server's refs did not move.
func SVExpectRefused(_ push: ProcessResult, rule: String, server: SVServer, mainBefore: String?,
                     refs: [String: String?] = [:], sourceLocation: SourceLocation = #_sourceLocation) throws {
    #expect(push.status != 0, "the push should be refused:\n\(push)", sourceLocation: sourceLocation)
    #expect(push.stderr.contains("pre-receive hook declined"), "the server's hook should refuse it:\n\(push)",
            sourceLocation: sourceLocation)
    #expect(push.stderr.contains("[\(rule)]"), "the refusal should name [\(rule)]:\n\(push)", sourceLocation: sourceLocation)
    #expect(!push.stderr.contains("Fatal error") && !push.stderr.contains("Stack dump"), "the hook crashed:\n\(push)",
            sourceLocation: sourceLocation)
    let main = try server.main()
    #expect(main == mainBefore, "refs/heads/main moved on the server: \(mainBefore ?? "nil") → \(main ?? "nil")",
            sourceLocation: sourceLocation)
    for (name, before) in refs {
        let now = try server.ref(name)
        #expect(now == before, "\(name) moved on the server: \(before ?? "nil") → \(now ?? "nil")", sourceLocation: sourceLocation)
    }
}
