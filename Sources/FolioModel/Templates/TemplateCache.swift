import FolioGit
import Foundation

/// Parsed templates kept for the life of the process, keyed by the template's
/// path and exact text: parsing is deterministic, so the same text always
/// gives the same template (or the same diagnostics). A long-running process
/// (the test suite, a server checking many pushes) then parses each template
/// once, not once per command; about 50 ms of a small command in a debug build.
final class TemplateCache: @unchecked Sendable {
    // @unchecked: every access to `entries` holds `lock`.
    static let shared = TemplateCache()

    /// By bytes: texts that differ only in Unicode normal form are different files.
    private struct Key: Hashable {
        let path: [UInt8]
        let text: [UInt8]
    }

    private let lock = NSLock()
    private var entries: [Key: Result<Template, DiagnosticList>] = [:]
    /// Bounded: a process that sees ever new templates starts again.
    private let capacity = 512

    /// The template of `text` at `path`, parsed once.
    /// - Throws: the template's diagnostics, as `Template(path:text:)` does.
    func template(path: String, text: String) throws(DiagnosticList) -> Template {
        let key = Key(path: Array(path.utf8), text: Array(text.utf8))
        lock.lock()
        let hit = entries[key]
        lock.unlock()
        let result = hit ?? Result { () throws(DiagnosticList) -> Template in try Template(path: path, text: text) }
        if hit == nil {
            lock.lock()
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = result
            lock.unlock()
        }
        return try result.get()
    }
}

extension Template {
    /// A template parsed once per process for each distinct text (`TemplateCache`).
    /// - Throws: `DiagnosticList` on the template's own file when it is invalid.
    public static func cached(path: String, text: String) throws(DiagnosticList) -> Template {
        try TemplateCache.shared.template(path: path, text: text)
    }
}
