import CGit2
import Foundation

/// A git repository; owns its `git_repository` handle. All git access of Folio
/// goes through this type and its companions in this folder.
public final class Repository {
    let pointer: OpaquePointer

    private init(pointer: OpaquePointer) { self.pointer = pointer }

    /// Takes ownership of an opened `git_repository`.
    convenience init(opened pointer: OpaquePointer) { self.init(pointer: pointer) }

    deinit { git_repository_free(pointer) }

    /// The commits a shallow clone cut the history at (`.git/shallow`, as git
    /// writes it: one commit id a line); empty in a full clone.
    public private(set) lazy var shallowCommits: Set<ObjectID> = {
        guard git_repository_is_shallow(pointer) == 1,
            let text = try? String(contentsOfFile: commonDir + "shallow", encoding: .utf8)
        else { return [] }
        return Set(text.split(whereSeparator: \.isNewline).compactMap { ObjectID(hex: String($0)) })
    }()

    /// Whether this is a shallow clone (`git clone --depth N`).
    public var isShallow: Bool { !shallowCommits.isEmpty }

    /// For a shallow clone's history: where it stops and how to get the
    /// rest (nil in a full clone).
    public var shallowNote: String? {
        guard isShallow else { return nil }
        let cut = shallowCommits.map(\.short).sorted().joined(separator: ", ")
        return "note: this is a shallow clone: the history stops at \(cut) (run 'git fetch --unshallow' for the rest)"
    }

    /// Opens the repository containing `path` (searching parent folders), bare or not.
    /// - Throws: `GitError` (`isNotFound` when there is none, `isNotOwned`
    ///   when it belongs to another user and `safe.directory` does not name it).
    public static func discover(from path: String) throws -> Repository {
        _ = libgit2Initialised
        var out: OpaquePointer?
        try checkOpen(git_repository_open_ext(&out, path, 0, nil), path: path, "open repository at \(path)")
        return Repository(pointer: out!)
    }

    /// Like `gitCheck`, for opening a repository. libgit2 1.5 refuses a
    /// repository owned by another user as git does since 2.35.2, but when
    /// no `safe.directory` is configured at all it reports only "config
    /// value 'safe.directory' was not found" as not-found, which would read as
    /// "not a git repository". Both are turned into one ownership error that
    /// says what git says to do.
    private static func checkOpen(_ code: Int32, path: String, _ operation: @autoclosure () -> String) throws {
        guard code < 0 else { return }
        let error = GitError(code: code, operation: operation())
        guard error.isNotOwned || error.message.contains("safe.directory") else { throw error }
        // libgit2's own message names the folder git wants in safe.directory.
        var folder = path
        let quoted = error.message.split(separator: "'", omittingEmptySubsequences: false)
        if error.isNotOwned, quoted.count >= 3, quoted[1].hasPrefix("/") { folder = String(quoted[1]) }
        if folder.count > 1, folder.hasSuffix("/") { folder.removeLast() }
        throw GitError(
            code: GIT_EOWNER.rawValue, operation: operation(),
            message: "the repository at \(folder) is owned by another user, and git refuses it (\"dubious ownership\"); "
                + "run folio as its owner, or allow it with: git config --global --add safe.directory \(folder)")
    }

    /// Opens the repository git describes in `environment` (`GIT_DIR`,
    /// `GIT_WORK_TREE`, `GIT_OBJECT_DIRECTORY`,
    /// `GIT_ALTERNATE_OBJECT_DIRECTORIES`): what a hook must do to see the
    /// objects a push holds in quarantine. Without `GIT_DIR`, the repository
    /// containing `workingDirectory`. Relative paths are taken from
    /// `workingDirectory`, as git does. The variables come from the caller,
    /// never from this process (see git's `git(1)` ENVIRONMENT).
    /// - Throws: `GitError` when there is no repository there.
    public static func fromEnvironment(_ environment: [String: String], workingDirectory: String) throws -> Repository {
        _ = libgit2Initialised
        func variable(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        func absolute(_ path: String) -> String { path.hasPrefix("/") ? path : workingDirectory + "/" + path }
        guard let gitDir = variable("GIT_DIR") else { return try discover(from: workingDirectory) }
        var out: OpaquePointer?
        try checkOpen(
            git_repository_open_ext(&out, absolute(gitDir), UInt32(GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue), nil),
            path: absolute(gitDir), "open the repository at GIT_DIR \(gitDir)")
        let repository = Repository(pointer: out!)
        if let workTree = variable("GIT_WORK_TREE") {
            try gitCheck(git_repository_set_workdir(out, absolute(workTree), 0), "set the work tree \(workTree)")
        }
        try repository.useObjects(
            variable("GIT_OBJECT_DIRECTORY").map(absolute),
            alternates: variable("GIT_ALTERNATE_OBJECT_DIRECTORIES")?.split(separator: ":").map { absolute(String($0)) } ?? [])
        return repository
    }

    /// Where objects are read from besides the git directory's own (a
    /// hook's quarantine): absolute paths, kept for `reopened`.
    private var objectDirectory: String?
    private var alternates: [String] = []

    private func useObjects(_ objects: String?, alternates: [String]) throws {
        objectDirectory = objects
        self.alternates = alternates
        guard objects != nil || !alternates.isEmpty else { return }
        var odb: OpaquePointer?
        if let objects {
            try gitCheck(git_odb_open(&odb, objects), "open the object directory \(objects)")
            defer { git_odb_free(odb) }
            try gitCheck(git_repository_set_odb(pointer, odb), "use the object directory \(objects)")
        }
        var current: OpaquePointer?
        try gitCheck(git_repository_odb(&current, pointer), "read the object database")
        defer { git_odb_free(current) }
        for alternate in alternates {
            try gitCheck(git_odb_add_disk_alternate(current, alternate), "add the alternate \(alternate)")
        }
    }

    /// A second handle on the same repository, seeing the same objects (a
    /// hook's quarantine too), for another thread: a libgit2 repository and
    /// the objects read through it are used by one thread at a time
    /// (libgit2's THREADING.md), so a thread that reads alongside opens its own.
    /// - Throws: `GitError` when the repository cannot be opened again.
    public func reopened() throws -> Repository {
        var out: OpaquePointer?
        try Repository.checkOpen(
            git_repository_open_ext(&out, gitDir, UInt32(GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue), nil), path: gitDir, "open the repository at \(gitDir)")
        let repository = Repository(pointer: out!)
        try repository.useObjects(objectDirectory, alternates: alternates)
        return repository
    }

    /// Creates a new non-bare repository at `path` (or opens the existing one).
    public static func create(at path: String) throws -> Repository {
        _ = libgit2Initialised
        var out: OpaquePointer?
        if git_repository_open_ext(&out, path, UInt32(GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue), nil) == 0,
            let out
        {
            return Repository(pointer: out)
        }
        try gitCheck(git_repository_init(&out, path, 0), "create repository at \(path)")
        return Repository(pointer: out!)
    }

    public var isBare: Bool { git_repository_is_bare(pointer) == 1 }

    /// The work tree's root, with a trailing slash; nil when bare.
    public var workdir: String? { git_repository_workdir(pointer).map { String(cString: $0) } }

    /// The git directory, with a trailing slash.
    public var gitDir: String { String(cString: git_repository_path(pointer)) }

    /// The directory shared by all worktrees (where hooks and Folio's caches live).
    public var commonDir: String { String(cString: git_repository_commondir(pointer)) }

    // MARK: References

    /// The full name of the branch HEAD points at (also when it has no commit yet).
    public func headBranch() throws -> String? {
        var ref: OpaquePointer?
        try gitCheck(git_reference_lookup(&ref, pointer, "HEAD"), "read HEAD")
        defer { git_reference_free(ref) }
        guard git_reference_type(ref) == GIT_REFERENCE_SYMBOLIC else { return nil }
        return String(cString: git_reference_symbolic_target(ref))
    }

    /// The commit HEAD points at; nil in an empty repository.
    public func headCommit() throws -> Commit? {
        var ref: OpaquePointer?
        let rc = git_repository_head(&ref, pointer)
        if rc == GIT_EUNBORNBRANCH.rawValue || rc == GIT_ENOTFOUND.rawValue { return nil }
        try gitCheck(rc, "read HEAD")
        defer { git_reference_free(ref) }
        var obj: OpaquePointer?
        try gitCheck(git_reference_peel(&obj, ref, GIT_OBJECT_COMMIT), "resolve HEAD")
        return Commit(obj!, repository: self)
    }

    /// The id a reference points at (peeled to a commit), or nil if it does not exist.
    public func referenceTarget(_ name: String) throws -> ObjectID? {
        var oid = git_oid()
        let rc = git_reference_name_to_id(&oid, pointer, name)
        if rc == GIT_ENOTFOUND.rawValue { return nil }
        try gitCheck(rc, "read \(name)")
        return ObjectID(oid)
    }

    /// Resolves any revision expression git understands (`HEAD~2`, a tag, an id) to a commit.
    public func commit(_ revision: String) throws -> Commit {
        var obj: OpaquePointer?
        try gitCheck(git_revparse_single(&obj, pointer, revision), "resolve revision '\(revision)'")
        defer { git_object_free(obj) }
        var peeled: OpaquePointer?
        try gitCheck(git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT), "resolve '\(revision)' to a commit")
        return Commit(peeled!, repository: self)
    }

    public func commit(_ id: ObjectID) throws -> Commit {
        var out: OpaquePointer?
        var oid = id.raw
        try gitCheck(git_commit_lookup(&out, pointer, &oid), "read commit \(id.short)")
        return Commit(out!, repository: self)
    }

    public func tree(_ id: ObjectID) throws -> Tree {
        var out: OpaquePointer?
        var oid = id.raw
        try gitCheck(git_tree_lookup(&out, pointer, &oid), "read tree \(id.short)")
        return Tree(out!, repository: self)
    }

    /// Moves `name` from `expected` to `new` atomically: fails with
    /// `GitError.isModified` (or `isExists` for a new branch) if another writer
    /// moved it first.
    public func updateReference(
        _ name: String, to new: ObjectID, expecting expected: ObjectID?, logMessage: String
    ) throws {
        var ref: OpaquePointer?
        var newID = new.raw
        if var old = expected?.raw {
            try gitCheck(
                git_reference_create_matching(&ref, pointer, name, &newID, 1, &old, logMessage),
                "update \(name)")
        } else {
            try gitCheck(git_reference_create(&ref, pointer, name, &newID, 0, logMessage), "create \(name)")
        }
        git_reference_free(ref)
    }

    /// All references whose names start with `prefix`, with their targets.
    public func references(prefix: String) throws -> [(name: String, target: ObjectID)] {
        var iter: OpaquePointer?
        try gitCheck(git_reference_iterator_glob_new(&iter, pointer, prefix + "*"), "list references")
        defer { git_reference_iterator_free(iter) }
        var result: [(String, ObjectID)] = []
        var ref: OpaquePointer?
        while git_reference_next(&ref, iter) == 0 {
            defer { git_reference_free(ref) }
            if let target = git_reference_target(ref) {
                result.append((String(cString: git_reference_name(ref)), ObjectID(target.pointee)))
            }
        }
        return result
    }

    // MARK: Blobs

    /// The content of a blob, refusing anything larger than `limit` bytes.
    /// - Throws: `BlobTooLarge` over the limit, `GitError` when it cannot be read.
    public func blobData(_ id: ObjectID, limit: Int = .max) throws -> [UInt8] {
        var blob: OpaquePointer?
        var oid = id.raw
        try gitCheck(git_blob_lookup(&blob, pointer, &oid), "read blob \(id.short)")
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        if size > limit { throw BlobTooLarge(size: size, limit: limit) }
        guard size > 0, let raw = git_blob_rawcontent(blob) else { return [] }
        return Array(UnsafeRawBufferPointer(start: raw, count: size))
    }

    public func blobSize(_ id: ObjectID) throws -> Int {
        var blob: OpaquePointer?
        var oid = id.raw
        try gitCheck(git_blob_lookup(&blob, pointer, &oid), "read blob \(id.short)")
        defer { git_blob_free(blob) }
        return Int(git_blob_rawsize(blob))
    }

    /// An object's size from its header, without inflating it (a packed
    /// delta says the size of its result up front).
    public func objectSize(_ id: ObjectID) throws -> Int {
        var odb: OpaquePointer?
        try gitCheck(git_repository_odb(&odb, pointer), "open the object database")
        defer { git_odb_free(odb) }
        var size = 0
        var type = GIT_OBJECT_ANY
        var oid = id.raw
        try gitCheck(git_odb_read_header(&size, &type, odb, &oid), "read object \(id.short)")
        return size
    }

    public func writeBlob(_ data: [UInt8]) throws -> ObjectID {
        var oid = git_oid()
        _ = try data.withUnsafeBytes { buf in
            try gitCheck(
                git_blob_create_from_buffer(&oid, pointer, buf.baseAddress, buf.count), "write blob")
        }
        return ObjectID(oid)
    }

    /// Writes a file's content as a blob, streaming it (attachments can be large).
    public func writeBlob(fromFile path: String) throws -> ObjectID {
        var oid = git_oid()
        try gitCheck(git_blob_create_from_disk(&oid, pointer, path), "store \(path)")
        return ObjectID(oid)
    }

    // MARK: Trees and commits

    /// The id of the empty tree. libgit2 knows it without it being stored, so
    /// nothing is written (and no dangling object is left for fsck to report).
    public func emptyTree() throws -> ObjectID {
        ObjectID(hex: "4b825dc642cb6eb9a060e54bf8d69288fbee4904")!
    }

    /// A new tree: `base` with the given paths set to blobs or removed.
    /// Only the subtrees on those paths are rewritten.
    public func updatedTree(base: ObjectID?, changes: [PathChange]) throws -> ObjectID {
        let baseTree = try tree(base ?? emptyTree())
        if changes.isEmpty { return baseTree.id }
        // Paths must outlive the C call: keep them as C strings in one array.
        let cPaths = changes.map { strdup($0.path)! }
        defer { cPaths.forEach { free($0) } }
        var updates: [git_tree_update] = []
        for (i, change) in changes.enumerated() {
            var u = git_tree_update()
            u.path = UnsafePointer(cPaths[i])
            switch change.action {
            case .remove:
                u.action = GIT_TREE_UPDATE_REMOVE
            case .set(let id, let kind):
                u.action = GIT_TREE_UPDATE_UPSERT
                u.id = id.raw
                u.filemode = kind.mode
            }
            updates.append(u)
        }
        var oid = git_oid()
        _ = try withExtendedLifetime(baseTree) {
            try gitCheck(
                git_tree_create_updated(&oid, pointer, baseTree.pointer, updates.count, &updates),
                "build tree")
        }
        return ObjectID(oid)
    }

    /// Writes a commit object (without moving any reference).
    public func createCommit(
        tree: ObjectID, parents: [ObjectID], author: Identity, committer: Identity, message: String
    ) throws -> ObjectID {
        let treeObj = try self.tree(tree)
        let parentCommits = try parents.map { try commit($0) }
        var parentPointers: [OpaquePointer?] = parentCommits.map { $0.pointer }
        var oid = git_oid()
        // The tree and parent objects must outlive the call that reads their
        // pointers: Swift may otherwise free them after their last use above
        // (a commit with a garbage parent id was written in release builds).
        try withExtendedLifetime((treeObj, parentCommits)) {
        _ = try author.withSignature { a in
            try committer.withSignature { c in
                try gitCheck(
                    git_commit_create(
                        &oid, pointer, nil, a, c, nil, message, treeObj.pointer,
                        parentPointers.count, &parentPointers),
                    "write commit")
            }
        }
        }
        return ObjectID(oid)
    }

    /// The bytes of the commit object `createCommit` would write, for signing.
    public func commitContent(
        tree: ObjectID, parents: [ObjectID], author: Identity, committer: Identity, message: String
    ) throws -> String {
        let treeObj = try self.tree(tree)
        let parentCommits = try parents.map { try commit($0) }
        var parentPointers: [OpaquePointer?] = parentCommits.map { $0.pointer }
        var buf = git_buf()
        defer { git_buf_dispose(&buf) }
        try withExtendedLifetime((treeObj, parentCommits)) {
        _ = try author.withSignature { a in
            try committer.withSignature { c in
                try gitCheck(
                    git_commit_create_buffer(
                        &buf, pointer, a, c, nil, message, treeObj.pointer,
                        parentPointers.count, &parentPointers),
                    "format commit")
            }
        }
        }
        return String(cString: buf.ptr)
    }

    /// Writes a commit from its content and a signature (`gpgsig` header).
    public func createSignedCommit(content: String, signature: String) throws -> ObjectID {
        var oid = git_oid()
        try gitCheck(
            git_commit_create_with_signature(&oid, pointer, content, signature, "gpgsig"),
            "write signed commit")
        return ObjectID(oid)
    }

    /// The signature header and signed content of a commit, if it is signed.
    public func commitSignature(_ id: ObjectID) throws -> (signature: String, content: String)? {
        var sig = git_buf()
        var data = git_buf()
        defer {
            git_buf_dispose(&sig)
            git_buf_dispose(&data)
        }
        var oid = id.raw
        let rc = git_commit_extract_signature(&sig, &data, pointer, &oid, nil)
        if rc == GIT_ENOTFOUND.rawValue { return nil }
        try gitCheck(rc, "read signature of \(id.short)")
        return (String(cString: sig.ptr), String(cString: data.ptr))
    }

    // MARK: Configuration

    /// A string from the repository's git configuration (all levels), or nil.
    public func configString(_ key: String) -> String? {
        var config: OpaquePointer?
        guard git_repository_config_snapshot(&config, pointer) == 0 else { return nil }
        defer { git_config_free(config) }
        var buf = git_buf()
        defer { git_buf_dispose(&buf) }
        guard git_config_get_string_buf(&buf, config, key) == 0, let p = buf.ptr else { return nil }
        return String(cString: p)
    }

    public func configBool(_ key: String) -> Bool {
        var config: OpaquePointer?
        guard git_repository_config_snapshot(&config, pointer) == 0 else { return false }
        defer { git_config_free(config) }
        var value: Int32 = 0
        guard git_config_get_bool(&value, config, key) == 0 else { return false }
        return value != 0
    }

    public func setConfig(_ key: String, _ value: String) throws {
        var config: OpaquePointer?
        try gitCheck(git_repository_config(&config, pointer), "open config")
        defer { git_config_free(config) }
        try gitCheck(git_config_set_string(config, key, value), "set \(key)")
    }
}

/// One path to change when building a tree.
public struct PathChange: Sendable {
    public enum Action: Sendable {
        case set(ObjectID, EntryKind)
        case remove
    }
    public let path: String
    public let action: Action

    public static func set(_ path: String, _ id: ObjectID, kind: EntryKind = .blob) -> PathChange {
        PathChange(path: path, action: .set(id, kind))
    }
    public static func remove(_ path: String) -> PathChange { PathChange(path: path, action: .remove) }
}
