import CGit2
import Foundation

/// The kind of an entry in a tree.
public enum EntryKind: Sendable, Equatable {
    case blob, executable, symlink, tree, submodule

    init(mode: git_filemode_t) {
        switch mode {
        case GIT_FILEMODE_TREE: self = .tree
        case GIT_FILEMODE_BLOB_EXECUTABLE: self = .executable
        case GIT_FILEMODE_LINK: self = .symlink
        case GIT_FILEMODE_COMMIT: self = .submodule
        default: self = .blob
        }
    }

    var mode: git_filemode_t {
        switch self {
        case .tree: GIT_FILEMODE_TREE
        case .executable: GIT_FILEMODE_BLOB_EXECUTABLE
        case .symlink: GIT_FILEMODE_LINK
        case .submodule: GIT_FILEMODE_COMMIT
        case .blob: GIT_FILEMODE_BLOB
        }
    }

    package var octal: String {
        switch self {
        case .tree: "40000"
        case .executable: "100755"
        case .symlink: "120000"
        case .submodule: "160000"
        case .blob: "100644"
        }
    }

    public var isFile: Bool { self == .blob || self == .executable }
}

/// One entry of a tree: name, id and kind.
public struct TreeEntry: Sendable, Equatable {
    public let name: String
    public let id: ObjectID
    public let kind: EntryKind
}

/// A tree object; owns its `git_tree` handle.
public final class Tree {
    let pointer: OpaquePointer
    package let repository: Repository

    init(_ pointer: OpaquePointer, repository: Repository) {
        self.pointer = pointer
        self.repository = repository
    }

    deinit { git_tree_free(pointer) }

    public var id: ObjectID { ObjectID(git_tree_id(pointer).pointee) }

    public var entries: [TreeEntry] {
        let count = git_tree_entrycount(pointer)
        var result: [TreeEntry] = []
        result.reserveCapacity(count)
        for i in 0..<count {
            guard let e = git_tree_entry_byindex(pointer, i) else { continue }
            result.append(
                TreeEntry(
                    name: String(cString: git_tree_entry_name(e)),
                    id: ObjectID(git_tree_entry_id(e).pointee),
                    kind: EntryKind(mode: git_tree_entry_filemode(e))))
        }
        return result
    }

    /// The entry named `name` directly in this tree (a binary search of the
    /// sorted entries), or nil.
    public func entry(named name: String) -> TreeEntry? {
        guard let e = git_tree_entry_byname(pointer, name) else { return nil }  // owned by the tree
        return TreeEntry(
            name: String(cString: git_tree_entry_name(e)),
            id: ObjectID(git_tree_entry_id(e).pointee),
            kind: EntryKind(mode: git_tree_entry_filemode(e)))
    }

    /// The number of entries directly in this tree.
    public var count: Int { git_tree_entrycount(pointer) }

    /// The entry at a slash-separated path below this tree, or nil.
    public func entry(at path: String) throws -> TreeEntry? {
        var out: OpaquePointer?
        let rc = git_tree_entry_bypath(&out, pointer, path)
        if rc == GIT_ENOTFOUND.rawValue { return nil }
        try gitCheck(rc, "look up \(path)")
        guard let e = out else { return nil }
        defer { git_tree_entry_free(e) }
        return TreeEntry(
            name: String(cString: git_tree_entry_name(e)),
            id: ObjectID(git_tree_entry_id(e).pointee),
            kind: EntryKind(mode: git_tree_entry_filemode(e)))
    }
}

/// A commit object; owns its `git_commit` handle.
public final class Commit {
    let pointer: OpaquePointer
    package let repository: Repository

    init(_ pointer: OpaquePointer, repository: Repository) {
        self.pointer = pointer
        self.repository = repository
    }

    deinit { git_commit_free(pointer) }

    public var id: ObjectID { ObjectID(git_commit_id(pointer).pointee) }
    public var message: String { String(cString: git_commit_message(pointer)) }
    public var summary: String { git_commit_summary(pointer).map { String(cString: $0) } ?? "" }
    public var treeID: ObjectID { ObjectID(git_commit_tree_id(pointer).pointee) }
    /// A commit where a shallow clone cut the history has no parents here,
    /// as git shows it (the parents are not in this clone).
    public var parentCount: Int { isShallowBoundary ? 0 : Int(git_commit_parentcount(pointer)) }

    public var parentIDs: [ObjectID] {
        if isShallowBoundary { return [] }
        return (0..<git_commit_parentcount(pointer)).compactMap { i in
            git_commit_parent_id(pointer, i).map { ObjectID($0.pointee) }
        }
    }

    /// Whether a shallow clone's history stops at this commit.
    public var isShallowBoundary: Bool { repository.isShallow && repository.shallowCommits.contains(id) }

    public var author: Identity { Identity(git_commit_author(pointer).pointee) }
    public var committer: Identity { Identity(git_commit_committer(pointer).pointee) }

    public func tree() throws -> Tree {
        var out: OpaquePointer?
        try gitCheck(git_commit_tree(&out, pointer), "read tree of commit \(id.short)")
        return Tree(out!, repository: repository)
    }

    /// The commit message's trailers (`Key: value` lines in the last paragraph).
    public var trailers: [(key: String, value: String)] {
        Commit.trailers(of: message)
    }

    public static func trailers(of message: String) -> [(key: String, value: String)] {
        var array = git_message_trailer_array()
        guard git_message_trailers(&array, message) == 0 else { return [] }
        defer { git_message_trailer_array_free(&array) }
        var result: [(String, String)] = []
        for i in 0..<array.count {
            let t = array.trailers[i]
            result.append((String(cString: t.key), String(cString: t.value)))
        }
        return result
    }
}

/// A person and a moment, as git records authors and committers.
public struct Identity: Sendable, Equatable {
    public var name: String
    public var email: String
    public var time: Date
    public var offsetMinutes: Int

    public init(name: String, email: String, time: Date = Date(), offsetMinutes: Int = 0) {
        self.name = name
        self.email = email
        self.time = time
        self.offsetMinutes = offsetMinutes
    }

    init(_ sig: git_signature) {
        name = String(cString: sig.name)
        email = String(cString: sig.email)
        time = Date(timeIntervalSince1970: TimeInterval(sig.when.time))
        offsetMinutes = Int(sig.when.offset)
    }

    /// A libgit2 signature for this identity, freed after `body`.
    func withSignature<T>(_ body: (UnsafePointer<git_signature>) throws -> T) throws -> T {
        var sig: UnsafeMutablePointer<git_signature>?
        try gitCheck(
            git_signature_new(
                &sig, name, email, git_time_t(time.timeIntervalSince1970.rounded(.down)),
                Int32(offsetMinutes)),
            "make signature for \(email)")
        defer { git_signature_free(sig) }
        return try body(sig!)
    }
}

extension Repository {
    /// Every file below a tree, by path relative to it (`a/b.pdf` → blob id).
    /// Swift compares strings by Unicode canonical equivalence: two names
    /// that differ only in normal form (NFC, NFD) are one key here; see
    /// `fileList(inTree:)` for every entry.
    public func files(inTree id: ObjectID) throws -> [String: ObjectID] {
        Dictionary(try fileList(inTree: id).map { ($0.path, $0.id) }, uniquingKeysWith: { a, _ in a })
    }

    /// Every file below a tree, in tree order, each as git stores its name.
    public func fileList(inTree id: ObjectID) throws -> [(path: String, id: ObjectID)] {
        var files: [(path: String, id: ObjectID)] = []
        func visit(_ treeID: ObjectID, _ prefix: String) throws {
            for e in try tree(treeID).entries {
                if e.kind == .tree { try visit(e.id, prefix + e.name + "/") } else if e.kind.isFile { files.append((prefix + e.name, e.id)) }
            }
        }
        try visit(id, "")
        return files
    }
}

/// A path whose `.gitattributes` name a filter driver (`filter=lfs`) that
/// libgit2 cannot run: its content must not be stored raw in its place.
public struct ExternalFilter: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let driver: String
    public var description: String {
        "\(path) is under the git filter '\(driver)' (.gitattributes), which folio cannot run: "
            + "put the file at \(path) and stage it with 'git add \(path)' (git runs the \(driver) filter), then 'folio checkin' records what git staged"
    }
}

extension Repository {
    /// What `git add` would store for `data` at `path`: the clean (to-ODB)
    /// filters that `.gitattributes` and `core.autocrlf` ask for (`text`,
    /// `eol`, `ident`), as libgit2 applies them. See gitattributes(5).
    /// - Throws: `ExternalFilter` when the path names a filter driver
    ///   (`filter=lfs`); `GitError` from libgit2.
    public func cleanedForCommit(_ data: [UInt8], path: String) throws -> [UInt8] {
        try requireNoFilterDriver(path)
        if data.isEmpty { return data }
        var filters: OpaquePointer?
        try gitCheck(git_filter_list_load(&filters, pointer, nil, path, GIT_FILTER_TO_ODB, GIT_FILTER_DEFAULT.rawValue), "load filters of \(path)")
        guard let filters else { return data }
        defer { git_filter_list_free(filters) }
        var out = git_buf()
        defer { git_buf_dispose(&out) }
        _ = try data.withUnsafeBufferPointer { buffer in
            try buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: max(data.count, 1)) {
                try gitCheck(git_filter_list_apply_to_buffer(&out, filters, $0, data.count), "filter \(path)")
            }
        }
        guard let bytes = out.ptr else { return [] }
        return bytes.withMemoryRebound(to: UInt8.self, capacity: out.size) { Array(UnsafeBufferPointer(start: $0, count: out.size)) }
    }

    /// Whether a work-tree file's bytes are what a blob holds, as `git status`
    /// judges it: after the clean filters (a CRLF checkout under
    /// `core.autocrlf` is unchanged). Under a filter driver, by raw bytes.
    public func workTreeMatches(_ bytes: [UInt8], path: String, blob: ObjectID) -> Bool {
        // Most files are stored as they are: hash once; filters only for the rest.
        if (try? writeBlobID(bytes)) == blob { return true }
        guard let cleaned = try? cleanedForCommit(bytes, path: path), cleaned != bytes else { return false }
        return (try? writeBlobID(cleaned)) == blob
    }

    /// Whether any clean filter applies at `path` (core.autocrlf, text, eol, ident).
    public func hasCleanFilters(_ path: String) throws -> Bool {
        var filters: OpaquePointer?
        try gitCheck(git_filter_list_load(&filters, pointer, nil, path, GIT_FILTER_TO_ODB, GIT_FILTER_DEFAULT.rawValue), "load filters of \(path)")
        guard let filters else { return false }
        git_filter_list_free(filters)
        return true
    }

    /// Refuses a path whose attributes name a filter driver (`filter=lfs`).
    /// - Throws: `ExternalFilter`.
    public func requireNoFilterDriver(_ path: String) throws {
        var driver: UnsafePointer<CChar>?
        try gitCheck(git_attr_get(&driver, pointer, 0, path, "filter"), "read attributes of \(path)")
        if git_attr_value(driver) == GIT_ATTR_VALUE_STRING, let driver {
            throw ExternalFilter(path: path, driver: String(cString: driver))
        }
    }

    /// Stores a work-tree file (`path` relative to the work tree) as `git add`
    /// would: through its clean filters (streamed by libgit2).
    /// - Throws: `ExternalFilter` for a filter driver; `GitError`.
    public func writeBlob(fromWorkTree path: String) throws -> ObjectID {
        try requireNoFilterDriver(path)
        var oid = git_oid()
        try gitCheck(git_blob_create_from_workdir(&oid, pointer, path), "store \(path)")
        return ObjectID(oid)
    }
}
