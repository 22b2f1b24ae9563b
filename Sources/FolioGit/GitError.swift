import CGit2

/// Every libgit2 failure surfaces as this one error, carrying libgit2's own
/// message (`git_error_last()`) and the operation Folio was attempting.
public struct GitError: Error, CustomStringConvertible, Sendable {
    public let code: Int32
    public let operation: String
    public let message: String

    package init(code: Int32, operation: String, message: String) {
        self.code = code
        self.operation = operation
        self.message = message
    }

    package init(code: Int32, operation: String) {
        self.code = code
        self.operation = operation
        if let last = git_error_last(), let text = last.pointee.message {
            self.message = String(cString: text)
        } else {
            self.message = "libgit2 error \(code)"
        }
    }

    public var description: String { "\(operation): \(message)" }

    public var isNotFound: Bool { code == GIT_ENOTFOUND.rawValue }
    /// The repository is owned by another user, which git and libgit2
    /// refuse ("dubious ownership", CVE-2022-24765) unless
    /// `safe.directory` names it in the global or system git config.
    public var isNotOwned: Bool { code == GIT_EOWNER.rawValue }
    public var isModified: Bool { code == GIT_EMODIFIED.rawValue }
    public var isLocked: Bool { code == GIT_ELOCKED.rawValue }
    public var isExists: Bool { code == GIT_EEXISTS.rawValue }
}

/// A blob larger than the limit its reader set (bytes): hostile input is
/// refused before it is read into memory.
public struct BlobTooLarge: Error, CustomStringConvertible, Sendable {
    public let size: Int
    public let limit: Int

    public var description: String { "file of \(size) bytes is larger than the limit of \(limit) bytes" }
}

/// Turns a libgit2 return code into a thrown `GitError`.
@discardableResult
package func gitCheck(_ code: Int32, _ operation: @autoclosure () -> String) throws -> Int32 {
    if code < 0 { throw GitError(code: code, operation: operation()) }
    return code
}

/// libgit2 must be initialised once per process before any other call.
package let libgit2Initialised: Bool = {
    git_libgit2_init()
    // Durability: ask libgit2 to fsync the objects and references it writes.
    _ = folio_git_enable_fsync(1)
    _ = folio_git_cache_trees(256 << 10, 64 << 20)
    _ = folio_git_strict_hash_verification(0)
    // Packs are mapped in windows of 8 MiB, at most 16 MiB at once (git's
    // defaults are 1 GiB and 8 GiB): a walk over a large history, or a
    // register reading blobs from all over a pack, then stays within a
    // bounded resident size. 16 rather than 32 MiB took 19 MiB off a cold
    // register of 100,000 documents and 17 MiB off verify, in the same
    // time (docs/benchmarks.md).
    _ = folio_git_limit_pack_windows(8 << 20, 16 << 20)
    return true
}()
