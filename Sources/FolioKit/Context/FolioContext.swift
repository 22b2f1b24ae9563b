import FolioGit
import FolioModel
import Foundation

/// Everything an operation may know about the world it runs in: who acts
/// (through the environment git itself reads), the folder it was started in,
/// the clock, and where output, warnings and progress go.
///
/// The library never reads process globals (`ProcessInfo`, the current
/// folder, standard input or output) itself: the CLI builds one context from
/// the process (`FolioContext.process()`), tests build one per call with their
/// own folder, identity and captured output, and both run the same code.
public struct FolioContext: Sendable {
    /// The folder relative paths are taken from (the process's current folder).
    public var workingDirectory: String
    /// The environment variables git reads (`GIT_AUTHOR_NAME`, `GIT_DIR`,
    /// `GIT_INDEX_FILE`, …) and the server's pusher variables.
    public var environment: [String: String]
    /// The current time (UTC); `GIT_AUTHOR_DATE` overrides it for acts.
    public var now: @Sendable () -> Date
    /// Standard output: what a command prints as its result.
    public var stdout: OutputSink
    /// Standard error: warnings, diagnostics, progress.
    public var stderr: OutputSink
    /// Standard input, read whole (the pre-receive hook's ref updates).
    public var readStandardInput: @Sendable () -> [UInt8]
    /// Whether standard error is a terminal (progress is shown only there).
    public var stderrIsTerminal: Bool
    /// The folio binary the installed hooks call.
    public var executablePath: String

    public init(
        workingDirectory: String, environment: [String: String], now: @escaping @Sendable () -> Date = { Date() },
        stdout: OutputSink, stderr: OutputSink, readStandardInput: @escaping @Sendable () -> [UInt8] = { [] },
        stderrIsTerminal: Bool = false, executablePath: String
    ) {
        self.workingDirectory = workingDirectory
        self.environment = environment
        self.now = now
        self.stdout = stdout
        self.stderr = stderr
        self.readStandardInput = readStandardInput
        self.stderrIsTerminal = stderrIsTerminal
        self.executablePath = executablePath
    }

    /// The context of this process: its folder, environment, clock and
    /// standard streams. Only the executable calls this.
    public static func process() -> FolioContext {
        FolioContext(
            workingDirectory: FileManager.default.currentDirectoryPath,
            environment: ProcessInfo.processInfo.environment,
            stdout: .fileDescriptor(1), stderr: .fileDescriptor(2),
            readStandardInput: { Array(FileHandle.standardInput.readDataToEndOfFile()) },
            stderrIsTerminal: isatty(2) == 1,
            executablePath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
                ?? CommandLine.arguments[0])
    }

    /// A warning on standard error: `folio: warning: MESSAGE`.
    public func warn(_ message: String) {
        stderr.write("folio: warning: \(Diagnostic.escaped(message))\n")
    }

    /// `path` (absolute, or relative to the working folder) as an absolute path.
    public func absolutePath(_ path: String) -> String {
        path.hasPrefix("/") ? path : workingDirectory + "/" + path
    }

    /// The index file git named for a hook (`GIT_INDEX_FILE`, absolute), or nil for the repository's own.
    public var indexFile: String? { variable("GIT_INDEX_FILE").map(absolutePath) }

    /// A non-empty environment variable.
    public func variable(_ name: String) -> String? {
        environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }
}

/// A destination for bytes: a file descriptor (the process's streams) or a
/// buffer (tests). Writes of one sink are serialised.
public final class OutputSink: @unchecked Sendable {
    private let lock = NSLock()
    private let descriptor: Int32?
    private var buffer: [UInt8] = []
    /// Set when a write to the descriptor failed (a closed pipe: `| head`).
    public private(set) var failed = false

    private init(descriptor: Int32?) { self.descriptor = descriptor }

    /// Writes go straight to `fd`.
    public static func fileDescriptor(_ fd: Int32) -> OutputSink { OutputSink(descriptor: fd) }

    /// Writes are kept; `bytes` and `text` read them back.
    public static func capture() -> OutputSink { OutputSink(descriptor: nil) }

    public func write(_ text: String) { write(Array(text.utf8)) }

    public func write(_ bytes: [UInt8]) {
        lock.lock()
        defer { lock.unlock() }
        guard let descriptor else {
            buffer.append(contentsOf: bytes)
            return
        }
        guard !failed else { return }
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                failed = true
                return
            }
            offset += n
        }
    }

    /// What was written to a captured sink.
    public var bytes: [UInt8] {
        lock.lock()
        defer { lock.unlock() }
        return buffer
    }

    public var text: String { String(decoding: bytes, as: UTF8.self) }
}
