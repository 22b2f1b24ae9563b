import FolioGit
/// The errors Folio reports to its user. Each maps to the SPEC's exit status:
/// 1 when a rule refused the command, 2 for bad invocation or unreadable input.
public enum FolioError: Error, CustomStringConvertible, Equatable {
    /// The command line is wrong (exit 2).
    case usage(String)
    /// Input could not be read or understood (exit 2).
    case unreadable(String)
    /// A rule refused the command; nothing was changed (exit 1).
    case refused(String)
    /// A file over a size limit (exit 2).
    case tooLarge(size: Int, limit: Int)

    public var description: String {
        switch self {
        case .usage(let m), .unreadable(let m), .refused(let m): m
        case .tooLarge(let size, let limit):
            "file of \(size) bytes is larger than the limit of \(limit) bytes"
        }
    }

    public var exitCode: Int32 {
        switch self {
        case .refused: 1
        case .usage, .unreadable, .tooLarge: 2
        }
    }
}

extension FolioError {
    /// Runs a read of the git layer, turning its size refusal into `tooLarge`.
    package static func limited<T>(_ read: () throws -> T) throws -> T {
        do { return try read() } catch let e as BlobTooLarge { throw FolioError.tooLarge(size: e.size, limit: e.limit) }
    }
}

/// Limits that keep hostile input from exhausting memory or the stack.
public enum Limits {
    /// A document or template (Markdown text) at most this many bytes.
    public static let documentBytes = 10 * 1024 * 1024
    /// Front matter at most this many bytes.
    public static let frontMatterBytes = 256 * 1024
    /// Front matter nesting at most this deep.
    public static let frontMatterDepth = 64
    /// Front matter at most this many YAML nodes (stops alias bombs).
    public static let frontMatterNodes = 50_000
    /// `folio.yml` at most this many bytes.
    public static let configBytes = 1024 * 1024
    /// A record file at most this many bytes.
    public static let recordBytes = 64 * 1024 * 1024
}
