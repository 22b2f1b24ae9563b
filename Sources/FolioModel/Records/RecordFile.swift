import FolioGit
import Foundation

/// Where lifecycle records live and how they may change: the one definition
/// every writer and judge uses (lifecycle actions, the client and server
/// hooks, `folio verify`, the change history).
///
/// A document's record is `.folio/records/<ID>.jsonl`, directly in that
/// folder; any other file there (the folder's README.md) is not a record.
/// A record is append-only: a new version keeps every byte of the old one
/// and adds whole lines (docs/lifecycle.md, 21 CFR 11.10(e)).
public enum RecordFile {
    /// The records folder, from the repository root.
    public static let folder = ".folio/records"
    private static let suffix = ".jsonl"

    /// The record path of document `id`.
    public static func path(for id: String) -> String { "\(folder)/\(id)\(suffix)" }

    /// The document ID of a repository path, when the path is a record
    /// (`.folio/records/<ID>.jsonl`); nil for anything else.
    public static func documentID(atPath path: String) -> String? {
        guard path.hasPrefix(folder + "/") else { return nil }
        return documentID(fileName: String(path.dropFirst(folder.count + 1)))
    }

    /// The document ID of a file name inside the records folder, when it is
    /// a record (`<ID>.jsonl`, no subfolder); nil for anything else.
    public static func documentID(fileName name: String) -> String? {
        guard name.hasSuffix(suffix), name.count > suffix.count, !name.contains("/") else { return nil }
        return String(name.dropLast(suffix.count))
    }

    /// The bytes `new` appends to `old`, when `new` keeps all of `old` and
    /// `old` ends with a whole line (or is empty); nil when `new` rewrites,
    /// removes or reorders anything, or extends `old`'s last line.
    public static func appended(old: [UInt8], new: [UInt8]) -> ArraySlice<UInt8>? {
        guard new.count >= old.count, old.isEmpty || old.last == 0x0A, new.starts(with: old) else { return nil }
        return new[old.count...]
    }

    /// Whether two records are the log of one document: they begin with the
    /// same line (its `created` event; an empty record is anyone's). Two
    /// branches that each appended to it since they parted are still one
    /// document's, as git's union merge will join them.
    public static func related(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        func first(_ bytes: [UInt8]) -> ArraySlice<UInt8> { bytes.split(separator: 0x0A, maxSplits: 1).first ?? [] }
        return a.isEmpty || b.isEmpty || first(a) == first(b)
    }
}
