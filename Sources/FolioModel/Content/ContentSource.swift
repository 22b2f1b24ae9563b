import FolioGit
import Foundation

/// One name in a folder of a content source.
public struct SourceEntry: Sendable, Equatable {
    public let name: String
    public let isFolder: Bool
}

/// A read-only view of the repository's files: a commit's tree, the index
/// (what is staged), or the work tree. Documents, templates and the project
/// configuration are always read from one source, so the rules that apply are
/// the rules in the same snapshot.
public protocol ContentSource: AnyObject {
    /// The file's bytes, nil if there is no file at `path`.
    func read(_ path: String, limit: Int) throws -> [UInt8]?
    /// The immediate children of a folder (`""` for the root); empty if absent.
    func list(_ folder: String) throws -> [SourceEntry]
    /// A short name for messages: "HEAD", "the index", "the work tree".
    var label: String { get }
    /// Whether a file exists at `path`.
    func exists(_ path: String) throws -> Bool
}

extension ContentSource {
    public func exists(_ path: String) throws -> Bool {
        let (folder, name) = splitPath(path)
        return try list(folder).contains { $0.name == name && !$0.isFolder }
    }

    /// All file paths below `folder`, recursively, sorted.
    public func files(below folder: String, maxDepth: Int = 32) throws -> [String] {
        var result: [String] = []
        func visit(_ dir: String, depth: Int) throws {
            guard depth <= maxDepth else { return }
            for entry in try list(dir) {
                let path = dir.isEmpty ? entry.name : dir + "/" + entry.name
                if entry.isFolder {
                    try visit(path, depth: depth + 1)
                } else {
                    result.append(path)
                }
            }
        }
        try visit(folder, depth: 0)
        return result.sorted()
    }
}

package func splitPath(_ path: String) -> (folder: String, name: String) {
    // By bytes: "/" is ASCII, so its index is also a character boundary (and
    // finding it by characters was a tenth of a warm register).
    let utf8 = path.utf8
    guard let slash = utf8.lastIndex(of: UInt8(ascii: "/")) else { return ("", path) }
    return (String(path[..<slash]), String(path[utf8.index(after: slash)...]))
}

/// Folder trees by id, shared by the snapshots of one history walk: a type's
/// folder that a commit did not change is the tree of the commit before, so
/// `verify` and the server's hook read it once, not once per commit (a
/// tenth of `verify`'s time went to reading unchanged folders again). Keeps
/// at most `capacity` trees, forgetting the least recently used half when full.
public final class FolderTrees: @unchecked Sendable {
    // @unchecked: every access to `trees` and `clock` holds `lock`.
    private var trees: [ObjectID: (tree: any FolderListing, used: Int)] = [:]
    /// Trees another thread read for the commit being judged, taken when asked for.
    private var offered: [ObjectID: RawTree] = [:]
    private var clock = 0
    private let lock = NSLock()
    private let capacity: Int

    public init(capacity: Int = 64) { self.capacity = capacity }

    /// Trees read elsewhere (`verify`'s read-ahead thread) for the next
    /// snapshots: a folder asked for is taken from them instead of read
    /// again. Replaces the last offer.
    package func offer(_ raw: [ObjectID: RawTree]) {
        lock.lock()
        offered = raw
        lock.unlock()
    }

    /// The tree `id`, read once. - Throws: `GitError` when it cannot be read.
    func tree(_ id: ObjectID, _ repository: Repository) throws -> any FolderListing {
        lock.lock()
        clock += 1
        if let known = trees[id] {
            trees[id] = (known.tree, clock)
            lock.unlock()
            return known.tree
        }
        let raw = offered[id]
        lock.unlock()
        // A tree libgit2 would refuse is read (and refused) through libgit2.
        let tree: any FolderListing = try raw.flatMap { IndexedRawTree($0) } ?? repository.tree(id)
        lock.lock()
        defer { lock.unlock() }
        if trees.count >= capacity {
            let keep = trees.sorted { $0.value.used > $1.value.used }.prefix(capacity / 2)
            trees = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
        }
        trees[id] = (tree, clock)
        return tree
    }
}

/// The files of one commit (or any tree).
public final class TreeSource: ContentSource {
    package let repository: Repository
    public let tree: Tree
    public let label: String

    /// Folder trees shared with the other snapshots of one walk, if any.
    private let shared: FolderTrees?

    /// - Parameter shared: folder trees shared by the commits of one walk
    ///   (`verify`, the server's hook), so a folder no commit changed is read once.
    public init(repository: Repository, tree: Tree, label: String, shared: FolderTrees? = nil) {
        self.repository = repository
        self.tree = tree
        self.label = label
        self.shared = shared
    }

    /// Folder trees already read, by path ("" is the root). A register reads
    /// thousands of documents from a few large folders (a type's folder, the
    /// records): each folder is read once, not once per document, so walking
    /// every document is linear in the repository, not quadratic.
    /// Keyed by the path's bytes: git names are bytes, and Swift's String
    /// equality would take `Café` in NFC and NFD for one folder.
    private var folders: [PathBytes: (any FolderListing)?] = [:]
    private let lock = NSLock()
    /// Kept at most; when full, the small folders (attachment folders) go.
    private static let folderCapacity = 512

    /// A path compared and hashed by its UTF-8 bytes, in place (a lookup
    /// copies nothing: a register looks up a few folders for every document).
    private struct PathBytes: Hashable {
        let path: String
        static func == (a: PathBytes, b: PathBytes) -> Bool { a.path.utf8.elementsEqual(b.path.utf8) }
        func hash(into hasher: inout Hasher) {
            var path = path
            path.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        }
    }

    /// The tree of `folder`, or nil when it is not a folder here.
    private func folderTree(_ folder: String) throws -> (any FolderListing)? {
        if folder.isEmpty { return tree }
        let key = PathBytes(path: folder)
        lock.lock()
        let known = folders[key]
        lock.unlock()
        if let known { return known }
        let (parent, name) = splitPath(folder)
        var result: (any FolderListing)?
        if let parentTree = try folderTree(parent), let entry = parentTree.entry(named: name), entry.kind == .tree {
            result = try shared?.tree(entry.id, repository) ?? repository.tree(entry.id)
        }
        lock.lock()
        if folders.count >= TreeSource.folderCapacity {
            folders = folders.filter { ($0.value?.count ?? 0) >= 64 }
            if folders.count >= TreeSource.folderCapacity { folders.removeAll() }
        }
        folders[key] = result
        lock.unlock()
        return result
    }

    public func entry(_ path: String) throws -> TreeEntry? {
        let (folder, name) = splitPath(path)
        guard !name.isEmpty else { return nil }
        return try folderTree(folder)?.entry(named: name)
    }

    public func exists(_ path: String) throws -> Bool { try entry(path)?.kind.isFile ?? false }

    public func read(_ path: String, limit: Int) throws -> [UInt8]? {
        guard let entry = try entry(path), entry.kind.isFile else { return nil }
        return try FolioError.limited { try repository.blobData(entry.id, limit: limit) }
    }

    public func list(_ folder: String) throws -> [SourceEntry] {
        guard let subtree = try folderTree(folder) else { return [] }
        return subtree.entries.compactMap { e in
            switch e.kind {
            case .tree: SourceEntry(name: e.name, isFolder: true)
            case .blob, .executable: SourceEntry(name: e.name, isFolder: false)
            case .symlink, .submodule: nil  // never document content
            }
        }
    }
}

/// What is staged: the index git would commit.
public final class IndexSource: ContentSource {
    package let repository: Repository
    public let index: Index
    public var label: String { "the index" }

    public init(repository: Repository, index: Index) {
        self.repository = repository
        self.index = index
    }

    public func exists(_ path: String) throws -> Bool { index.entry(at: path) != nil }

    public func read(_ path: String, limit: Int) throws -> [UInt8]? {
        guard let e = index.entry(at: path) else { return nil }
        if e.kind == .symlink { throw FolioError.unreadable("\(path): is a symbolic link; Folio does not follow links") }
        guard e.kind.isFile else { return nil }
        return try FolioError.limited { try repository.blobData(e.id, limit: limit) }
    }

    public func list(_ folder: String) throws -> [SourceEntry] {
        let prefix = folder.isEmpty ? "" : folder + "/"
        var seen = Set<String>()
        var result: [SourceEntry] = []
        for e in index.entries(prefix: prefix) {
            let rest = e.path.dropFirst(prefix.count)
            if let slash = rest.firstIndex(of: "/") {
                let name = String(rest[..<slash])
                if seen.insert(name).inserted { result.append(SourceEntry(name: name, isFolder: true)) }
            } else if e.kind.isFile {
                result.append(SourceEntry(name: String(rest), isFolder: false))
            }
        }
        return result
    }
}

/// The files on disk in the work tree. Symbolic links are never followed: a
/// link in the tree could point anywhere on the machine.
public final class WorkTreeSource: ContentSource {
    public let root: String
    public var label: String { "the work tree" }

    public init(root: String) {
        self.root = root.hasSuffix("/") ? root : root + "/"
    }

    /// The first component of `path` (from the root) that is a symbolic
    /// link, if any.
    package func linkedComponent(_ path: String) -> String? {
        var current = root
        for part in path.split(separator: "/") {
            current += (current.hasSuffix("/") ? "" : "/") + part
            var st = stat()
            guard lstat(current, &st) == 0 else { return nil }
            if (st.st_mode & S_IFMT) == S_IFLNK { return String(current.dropFirst(root.count)) }
        }
        return nil
    }

    /// Refuses a path that is, or lies under, a symbolic link: a link in the
    /// tree could point anywhere on the machine.
    public func requireNoLinks(_ path: String) throws {
        if let link = linkedComponent(path) {
            throw FolioError.unreadable("\(link): is a symbolic link; Folio does not follow links")
        }
    }

    /// Refuses anything but a regular file reached without symbolic links.
    public func requirePlainFile(_ path: String) throws {
        try requireNoLinks(path)
        var st = stat()
        guard lstat(root + path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            throw FolioError.unreadable("\(path): not a regular file")
        }
    }

    public func read(_ path: String, limit: Int) throws -> [UInt8]? {
        let full = root + path
        try requireNoLinks(path)
        var st = stat()
        guard lstat(full, &st) == 0 else { return nil }
        guard (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        if Int(st.st_size) > limit { throw FolioError.tooLarge(size: Int(st.st_size), limit: limit) }
        guard let data = FileManager.default.contents(atPath: full) else {
            throw FolioError.unreadable("\(path): cannot be read")
        }
        if data.count > limit { throw FolioError.tooLarge(size: data.count, limit: limit) }
        return [UInt8](data)
    }

    public func exists(_ path: String) throws -> Bool {
        // A link is reported as present, so that reading it gives the error.
        if linkedComponent(path) != nil { return true }
        var st = stat()
        return lstat(root + path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
    }

    public func list(_ folder: String) throws -> [SourceEntry] {
        if !folder.isEmpty { try requireNoLinks(folder) }
        let full = folder.isEmpty ? root : root + folder
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: full) else { return [] }
        var result: [SourceEntry] = []
        for name in names where name != ".git" {
            var st = stat()
            guard lstat(full + "/" + name, &st) == 0 else { continue }
            switch st.st_mode & S_IFMT {
            case S_IFDIR: result.append(SourceEntry(name: name, isFolder: true))
            // Links are listed as files: reading one is refused with a clear error.
            case S_IFREG, S_IFLNK: result.append(SourceEntry(name: name, isFolder: false))
            default: continue
            }
        }
        return result.sorted { $0.name < $1.name }
    }
}
