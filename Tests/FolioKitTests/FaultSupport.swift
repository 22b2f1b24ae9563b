import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Support for the fuzz, fault (SIGKILL) and hostile-input tests
// (FuzzTests.swift, FaultTests.swift, HostileInput2Tests.swift). Every name
// here starts with `FT` so it cannot clash with the other support files of
// the target; the repositories themselves come from Support.swift.

// MARK: - A seeded pseudo-random generator

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and the same sequence
/// for the same seed on every platform, so a failing fuzz case can be
/// replayed from its seed and iteration number.
struct FTSplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// 0..<n (n > 0).
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }

    /// true with probability `percent`/100.
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }

    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
}

/// Fuzzing knobs from the environment: `FOLIO_FUZZ_SEED` (a number) changes
/// the inputs, `FOLIO_FUZZ_SCALE` (a number, default 1) multiplies the
/// iterations for a longer hunt, `FOLIO_FUZZ_NESTING` sets the deepest
/// nesting inserted, and `FOLIO_FUZZ_DUMP` (a folder) makes each
/// target write its current input to `<folder>/<target>.last` before parsing
/// it, so after a crash that file holds the input that crashed.
enum FTFuzzConfig {
    static let environment = ProcessInfo.processInfo.environment
    static let seed: UInt64 = environment["FOLIO_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0x0F01_10F0_2026_1127
    static let scale: Double = environment["FOLIO_FUZZ_SCALE"].flatMap { Double($0) } ?? 1
    static let dumpFolder: String? = environment["FOLIO_FUZZ_DUMP"]
    /// The deepest nesting a mutation inserts (`FOLIO_FUZZ_NESTING`; default
    /// 600, which the test threads' stacks survive even with recursive parsers).
    static let nesting: Int = environment["FOLIO_FUZZ_NESTING"].flatMap { Int($0) } ?? 600

    static func iterations(_ base: Int) -> Int { max(1, Int(Double(base) * scale)) }

    /// Writes the input about to be parsed (only with FOLIO_FUZZ_DUMP set).
    static func dump(_ target: String, _ bytes: [UInt8]) {
        guard let folder = dumpFolder else { return }
        let path = folder + "/" + target + ".last"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { return }
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }
}

/// Remembers which findings were reported already.
final class FTSeen: @unchecked Sendable {
    private var keys = Set<String>()
    /// true the first time `key` is seen.
    func first(_ key: String) -> Bool { keys.insert(key).inserted }
}

// MARK: - The seed corpus

/// Files of `Tests/FolioKitTests/Fixtures/corpus/<folder>`.
enum FTCorpus {
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/corpus")

    struct File: Sendable {
        let name: String
        let bytes: [UInt8]
        var text: String { String(decoding: bytes, as: UTF8.self) }
    }

    static func files(_ folder: String, sourceLocation: SourceLocation = #_sourceLocation) -> [File] {
        let dir = root.appendingPathComponent(folder)
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
        let files = names.compactMap { name -> File? in
            guard let data = FileManager.default.contents(atPath: dir.appendingPathComponent(name).path) else { return nil }
            return File(name: name, bytes: [UInt8](data))
        }
        if files.isEmpty { Issue.record("the seed corpus \(dir.path) is empty or missing", sourceLocation: sourceLocation) }
        return files
    }

    /// The lines of `lines/<name>` (one input a line).
    static func lines(_ name: String) -> [String] {
        guard let data = FileManager.default.contents(atPath: root.appendingPathComponent("lines/\(name)").path) else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }
}

// MARK: - Mutations

/// Mutates bytes the way hostile or broken input looks: bit flips, YAML and
/// Markdown syntax tokens in odd places, broken UTF-8, NUL bytes, long lines,
/// deep nesting, truncation and splices of two corpus files.
struct FTMutator {
    let corpus: [[UInt8]]
    /// Inputs never grow beyond this (keeps iterations cheap).
    var maxSize = 48 * 1024
    /// The deepest run of a nesting token inserted.
    var maxNesting = FTFuzzConfig.nesting

    static let tokens: [[UInt8]] = [
        "&a ", "*a", "&a [x, *a]", "*", "[", "]", "{", "}", "[[", "{{", "|", "| --- |", "|---|---|\n", "---\n", "---", "...\n",
        ": ", "- ", "? ", "#", "# ", "## ", "###### ", "!!binary ", "!!str ", "!!map ", "!x ", "%YAML 1.1\n", "%TAG ! tag:x,2000:\n",
        "'", "\"", "\\", "\\u0000", "`", "```\n", "~~~\n", "> ", "*", "_", "**", "__", "<!--", "-->", "<div>", "</div>", "\t", "\r",
        "\r\n", "\n", "\n\n", "  ", ",", "<<: *a\n", "key: value\n", "id: ", "type: ", "title: ", "template:\n", "  fields:\n",
        "{{title}}", "{{id}}", "{seq:4}", "{seq}", "{", "..", "../", "/", "CON", "\u{202E}", "\u{FEFF}", "\u{200B}", "\u{0410}",
        "０", "💥", "e\u{301}", "null", "~", "true", "1e400", "-0", ".nan", "0x1F", "99999999999999999999", "2026-02-30",
        "2026-11-27T09:30:00+01:00", "1250.00 EUR", "@example.com", "\"event\":\"approved\"", "{\"a\":", "\"}", "[1,", "\\ud800",
        "[link](", "![img](x)", "<http://x>", "&amp;", "&#0;", "\\|",
    ].map { Array($0.utf8) } + [[0], [0xC3, 0x28], [0xFF], [0xFE], [0xE2, 0x82], [0xF0, 0x9F, 0x92], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0x80]]

    static let nesting: [([UInt8], [UInt8])] = [
        ("[", "]"), ("{", "}"), ("{a: ", "}"), ("- ", ""), ("  - ", ""), ("> ", ""), ("*", "*"), ("_", "_"), ("**", "**"),
        ("[", "](x)"), ("(", ")"), ("`", "`"), ("<a>", "</a>"), ("? ", ""), ("[\"", "\"]"), ("{\"a\":", "}"), ("\"", ""),
    ].map { (Array($0.0.utf8), Array($0.1.utf8)) }

    func mutate(_ input: [UInt8], _ rng: inout FTSplitMix64) -> [UInt8] {
        var data = input
        let rounds = 1 + rng.below(rng.chance(20) ? 12 : 4)
        for _ in 0..<rounds { mutateOnce(&data, &rng) }
        if data.count > maxSize { data.removeLast(data.count - maxSize) }
        return data
    }

    /// A position: anywhere, or (often) the start of a line, where YAML and
    /// Markdown syntax means most.
    private func position(_ data: [UInt8], _ rng: inout FTSplitMix64) -> Int {
        guard !data.isEmpty else { return 0 }
        var p = rng.below(data.count + 1)
        if rng.chance(50) {
            while p > 0 && data[p - 1] != 0x0A { p -= 1 }
        }
        return p
    }

    private func mutateOnce(_ data: inout [UInt8], _ rng: inout FTSplitMix64) {
        switch rng.below(14) {
        case 0 where !data.isEmpty:  // flip a bit
            let p = rng.below(data.count)
            data[p] ^= UInt8(1 << rng.below(8))
        case 1 where !data.isEmpty:  // any byte
            data[rng.below(data.count)] = UInt8(truncatingIfNeeded: rng.next())
        case 2, 3, 4:  // a syntax token
            data.insert(contentsOf: rng.pick(Self.tokens), at: position(data, &rng))
        case 5 where !data.isEmpty:  // delete a range
            let p = rng.below(data.count)
            let n = min(data.count - p, 1 + rng.below(rng.chance(30) ? 400 : 16))
            data.removeSubrange(p..<(p + n))
        case 6 where !data.isEmpty:  // truncate
            data.removeLast(data.count - rng.below(data.count))
        case 7 where !data.isEmpty:  // duplicate a range
            let p = rng.below(data.count)
            let n = min(data.count - p, 1 + rng.below(200))
            let chunk = Array(data[p..<(p + n)])
            for _ in 0..<(1 + rng.below(rng.chance(10) ? 50 : 3)) { data.insert(contentsOf: chunk, at: position(data, &rng)) }
        case 8 where !corpus.isEmpty:  // splice: our head, another file's tail
            let other = rng.pick(corpus)
            let cut = data.isEmpty ? 0 : rng.below(data.count)
            let from = other.isEmpty ? 0 : rng.below(other.count)
            data = Array(data[..<cut]) + Array(other[from...])
        case 9:  // a very long line
            let filler = rng.pick(Array("x |*-[{:#é".utf8) + [0x20])
            data.insert(contentsOf: [UInt8](repeating: filler, count: 1 + rng.below(8000)), at: position(data, &rng))
        case 10:  // deep nesting
            let (open, close) = rng.pick(Self.nesting)
            let depth = 1 + rng.below(maxNesting)
            var run: [UInt8] = []
            for _ in 0..<depth { run += open }
            run += Array("x".utf8)
            if rng.chance(70) { for _ in 0..<depth { run += close } }
            data.insert(contentsOf: run, at: position(data, &rng))
        case 11:  // swap two lines
            var lines = data.split(separator: 0x0A, omittingEmptySubsequences: false)
            guard lines.count > 2 else { return }
            lines.swapAt(rng.below(lines.count), rng.below(lines.count))
            data = Array(lines.joined(separator: [0x0A]))
        case 12:  // a run of a token
            let token = rng.pick(Self.tokens)
            var run: [UInt8] = []
            for _ in 0..<(1 + rng.below(64)) { run += token }
            data.insert(contentsOf: run, at: position(data, &rng))
        default:  // a single random byte
            data.insert(UInt8(truncatingIfNeeded: rng.next()), at: data.isEmpty ? 0 : rng.below(data.count + 1))
        }
    }

    /// A mutated short string (IDs, numbering patterns).
    func mutateString(_ s: String, _ rng: inout FTSplitMix64) -> String {
        var m = self
        m.maxSize = 512
        m.maxNesting = 40
        return String(decoding: m.mutate(Array(s.utf8), &rng), as: UTF8.self)
    }
}

// MARK: - Child processes that can be killed safely

/// A child process started with posix_spawn and reaped only by this object.
/// It is signalled through a pidfd, so a SIGKILL can never reach another
/// process that happens to reuse the pid after the child is gone.
final class FTChild: @unchecked Sendable {
    let pid: pid_t
    let command: String
    private let pidfd: Int32
    private let outPath: String
    private let errPath: String
    /// The raw wait status once reaped (-1: reaped elsewhere).
    private var finished: Int32?

    private typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    private typealias PidfdOpen = @convention(c) (pid_t, UInt32) -> Int32
    private typealias PidfdSendSignal = @convention(c) (Int32, Int32, UnsafeMutableRawPointer?, UInt32) -> Int32

    private static func symbol<T>(_ name: String, as type: T.Type) -> T? {
        #if os(Linux)
        let handle: UnsafeMutableRawPointer? = nil  // RTLD_DEFAULT on glibc
        #else
        let handle = UnsafeMutableRawPointer(bitPattern: -2)  // RTLD_DEFAULT on Darwin
        #endif
        guard let s = dlsym(handle, name) else { return nil }
        return unsafeBitCast(s, to: type)
    }

    private static let addChdir = symbol("posix_spawn_file_actions_addchdir_np", as: AddChdir.self)
    private static let pidfdOpen = symbol("pidfd_open", as: PidfdOpen.self)
    private static let pidfdSendSignal = symbol("pidfd_send_signal", as: PidfdSendSignal.self)

    /// Starts `executable` in `directory`; stdout and stderr go to files in `scratch`.
    init(_ executable: String, _ arguments: [String], in directory: String, environment: [String: String], scratch: String) throws {
        guard let addChdir = FTChild.addChdir else { throw SetupError("posix_spawn_file_actions_addchdir_np is not available") }
        let id = UUID().uuidString
        outPath = scratch + "/.ft-out-\(id)"
        errPath = scratch + "/.ft-err-\(id)"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        _ = addChdir(&actions, directory)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let args = [executable] + arguments
        let env = environment.map { "\($0.key)=\($0.value)" }
        let argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup($0) } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        var child: pid_t = 0
        let rc = posix_spawn(&child, executable, &actions, nil, argv, envp)
        guard rc == 0 else { throw SetupError("posix_spawn \(executable) failed: \(String(cString: strerror(rc)))") }
        pid = child
        pidfd = FTChild.pidfdOpen?(child, 0) ?? -1
        command = args.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
    }

    deinit {
        if finished == nil { _ = wait() }
        if pidfd >= 0 { close(pidfd) }
        unlink(outPath)
        unlink(errPath)
    }

    /// SIGKILL, if the child still runs. Only through the pidfd: without one
    /// the child is never signalled (the test then sees it complete).
    @discardableResult
    func kill() -> Bool {
        guard finished == nil, pidfd >= 0, let send = FTChild.pidfdSendSignal else { return false }
        return send(pidfd, SIGKILL, nil, 0) == 0
    }

    /// Whether the child has ended (reaps it if so).
    func hasExited() -> Bool {
        if finished != nil { return true }
        var status: Int32 = 0
        let r = waitpid(pid, &status, WNOHANG)
        if r == pid {
            finished = status
            return true
        }
        if r < 0 && errno == ECHILD {
            finished = -1
            return true
        }
        return false
    }

    /// Waits for the child and collects its result.
    func wait() -> ProcessResult {
        while finished == nil {
            var status: Int32 = 0
            let r = waitpid(pid, &status, 0)
            if r == pid {
                finished = status
            } else if r < 0 && errno != EINTR {
                finished = -1
            }
        }
        let raw = finished!
        // The wait status: the low 7 bits are the signal (0: exited, 0x7F: stopped).
        let signal = raw >= 0 && (raw & 0x7F) != 0 && (raw & 0x7F) != 0x7F ? raw & 0x7F : nil
        let code = raw >= 0 && (raw & 0x7F) == 0 ? (raw >> 8) & 0xFF : nil
        let out = FileManager.default.contents(atPath: outPath) ?? Data()
        let err = FileManager.default.contents(atPath: errPath) ?? Data()
        return ProcessResult(
            command: command, status: signal ?? code ?? -1, signaled: signal != nil,
            stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self),
            stdoutBytes: out.count)
    }
}

// MARK: - Repository snapshots for the fault tests

/// Reading a repository with the git CLI (never with FolioKit, so the checks
/// do not share the code under test).
extension TestRepo {
    func ftGit(_ arguments: String...) throws -> ProcessResult {
        try gitAllowingFailure(arguments)
    }

    /// A file's bytes in the work tree; nil if absent.
    func ftWorkFile(_ relative: String) -> Data? {
        var st = stat()
        guard lstat(file(relative), &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        return FileManager.default.contents(atPath: file(relative))
    }

    /// A blob's bytes at a revision (`REV:path`); nil if absent.
    func ftBlob(_ spec: String) throws -> Data? {
        let r = try sandbox.run(Tools.git, ["cat-file", "blob", spec], in: path)
        guard r.status == 0 else { return nil }
        // Blobs of the tests are text; compare as UTF-8 text bytes.
        return Data(r.stdout.utf8)
    }

    /// The index entry (`mode id`) of a path; nil if not staged.
    func ftIndexEntry(_ relative: String) throws -> String? {
        let r = try gitAllowingFailure(["ls-files", "-s", "--", relative])
        let line = r.stdout.split(separator: "\n").first.map(String.init)
        return line?.split(separator: "\t").first.map(String.init)
    }

    /// `git status --porcelain` lines (untracked files included).
    func ftStatusLines() throws -> [String] {
        try git("status", "--porcelain", "--untracked-files=all").stdout.split(separator: "\n").map(String.init)
    }

    /// Lock files git or libgit2 left in the git directory.
    func ftLockFiles() -> [String] {
        let gitDir = file(".git")
        guard let walker = FileManager.default.enumerator(atPath: gitDir) else { return [] }
        var locks: [String] = []
        while let name = walker.nextObject() as? String {
            if name == "objects" { walker.skipDescendants(); continue }
            if name.hasSuffix(".lock") { locks.append(".git/" + name) }
        }
        return locks.sorted()
    }
}
