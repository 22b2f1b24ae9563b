import CGit2
import Foundation

/// The staging area; owns its `git_index` handle.
public final class Index {
    let pointer: OpaquePointer
    package let repository: Repository

    init(_ pointer: OpaquePointer, repository: Repository) {
        self.pointer = pointer
        self.repository = repository
    }

    deinit { git_index_free(pointer) }

    /// One staged file.
    public struct Entry: Sendable {
        public let path: String
        public let id: ObjectID
        public let kind: EntryKind
        /// Outside a sparse checkout (git's skip-worktree bit): in the index
        /// and the commit, deliberately not in the work tree.
        public var skipWorktree = false
    }

    public func entry(at path: String) -> Entry? {
        guard let e = git_index_get_bypath(pointer, path, 0) else { return nil }
        return Entry(
            path: path, id: ObjectID(e.pointee.id), kind: EntryKind(mode: git_filemode_t(e.pointee.mode)),
            skipWorktree: Int32(e.pointee.flags_extended) & Int32(GIT_INDEX_ENTRY_SKIP_WORKTREE.rawValue) != 0)
    }

    /// Staged files whose path starts with `prefix` (a folder path ending in `/`).
    public func entries(prefix: String) -> [Entry] {
        var result: [Entry] = []
        var pos = 0
        if !prefix.isEmpty {
            guard git_index_find_prefix(&pos, pointer, prefix) == 0 else { return [] }
        }
        let count = git_index_entrycount(pointer)
        while pos < count, let e = git_index_get_byindex(pointer, pos) {
            let path = String(cString: e.pointee.path)
            guard path.hasPrefix(prefix) else { break }
            if git_index_entry_stage(e) == 0 {
                result.append(
                    Entry(
                        path: path, id: ObjectID(e.pointee.id),
                        kind: EntryKind(mode: git_filemode_t(e.pointee.mode)),
                        skipWorktree: Int32(e.pointee.flags_extended) & Int32(GIT_INDEX_ENTRY_SKIP_WORKTREE.rawValue) != 0))
            }
            pos += 1
        }
        return result
    }

    /// Paths with unmerged entries (conflict stages 1 to 3), each once, in index order.
    public func conflictedPaths() -> [String] {
        var paths: [String] = []
        let count = git_index_entrycount(pointer)
        for pos in 0..<count {
            guard let e = git_index_get_byindex(pointer, pos), git_index_entry_stage(e) != 0 else { continue }
            let path = String(cString: e.pointee.path)
            if paths.last != path { paths.append(path) }
        }
        return paths
    }

    /// Writes the staged files as a tree into the object database (the
    /// index file itself is not written).
    /// - Throws: `GitError` when entries are unmerged or a write fails.
    public func writeTree() throws -> ObjectID {
        var oid = git_oid()
        try gitCheck(git_index_write_tree_to(&oid, pointer, repository.pointer), "write the staged tree")
        return ObjectID(oid)
    }

    /// Stages the work-tree file at `path` (hashing it as git would), or
    /// removes the entry when the file is gone.
    public func stageFromWorkTree(_ path: String) throws {
        guard let root = repository.workdir else { return }
        if FileManager.default.fileExists(atPath: root + path) {
            try gitCheck(git_index_add_bypath(pointer, path), "stage \(path)")
        } else {
            let rc = git_index_remove_bypath(pointer, path)
            if rc != GIT_ENOTFOUND.rawValue { try gitCheck(rc, "unstage \(path)") }
        }
    }

    /// Stages `id` at `path` as it is (no filter run): for a file whose
    /// filter git runs and libgit2 cannot (git-lfs), staged by `git add`.
    /// The stat fields stay empty, so git looks at the file again.
    public func stage(_ id: ObjectID, at path: String) throws {
        var entry = git_index_entry()
        entry.mode = UInt32(GIT_FILEMODE_BLOB.rawValue)
        entry.id = id.raw
        try path.withCString { cPath in
            entry.path = cPath
            try gitCheck(git_index_add(pointer, &entry), "stage \(path)")
        }
    }

    /// Whether the work-tree file at `path` is the one git staged: its size
    /// and modification time are those the index recorded (git's own quick
    /// test, without reading the file). False when it is not staged.
    public func workTreeFileIsStaged(_ path: String) -> Bool {
        guard let root = repository.workdir, let e = git_index_get_bypath(pointer, path, 0) else { return false }
        var st = stat()
        return lstat(root + path, &st) == 0 && UInt32(truncatingIfNeeded: st.st_size) == e.pointee.file_size
            && Int32(truncatingIfNeeded: st.st_mtim.tv_sec) == e.pointee.mtime.seconds
            && UInt32(truncatingIfNeeded: st.st_mtim.tv_nsec) == e.pointee.mtime.nanoseconds
    }

    public func write() throws {
        try gitCheck(git_index_write(pointer), "write index")
    }
}

extension Repository {
    /// The index git uses now: `file` (the absolute path of `GIT_INDEX_FILE`,
    /// set when a hook runs under `git commit -a` or `git commit PATH`), else
    /// the repository's own.
    /// - Throws: `GitError` when it cannot be read.
    public func index(file: String? = nil) throws -> Index {
        var out: OpaquePointer?
        if let file {
            try gitCheck(git_index_open(&out, file), "open index \(file)")
            // Read only: an index opened by path has no repository to stage from.
            return Index(out!, repository: self)
        }
        try gitCheck(git_repository_index(&out, pointer), "open index")
        try gitCheck(git_index_read(out, 0), "read index")
        return Index(out!, repository: self)
    }
}
