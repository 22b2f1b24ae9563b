import CGit2
import Foundation

/// A tree object read straight from the object database and walked in
/// place, without building an entry array: for comparing the trees of many
/// commits in a row, where git's own diff-tree does the same.
package final class RawTree: @unchecked Sendable {
    // @unchecked: immutable once read. The libgit2 object it holds is
    // reference counted atomically (git_odb_object_free), so it can be freed
    // on another thread than the one that read it (`IndexedRawTree`).
    private let object: OpaquePointer
    let bytes: UnsafeRawBufferPointer
    /// The size of the tree object in bytes.
    package var size: Int { bytes.count }

    package init(_ repository: Repository, _ id: ObjectID) throws {
        var odb: OpaquePointer?
        try gitCheck(git_repository_odb(&odb, repository.pointer), "open the object database")
        defer { git_odb_free(odb) }
        var out: OpaquePointer?
        var oid = id.raw
        try gitCheck(git_odb_read(&out, odb, &oid), "read tree \(id.short)")
        object = out!
        guard git_odb_object_type(object) == GIT_OBJECT_TREE else {
            git_odb_object_free(object)
            throw GitError(code: -1, operation: "read tree \(id.short): not a tree")
        }
        bytes = UnsafeRawBufferPointer(start: git_odb_object_data(object), count: git_odb_object_size(object))
    }

    deinit { git_odb_object_free(object) }

    /// One entry: where its name is in `bytes`, whether it is a tree, a
    /// blob-like file, and where its 20-byte id starts.
    package struct Entry {
        package let start: Int
        package let nameStart: Int
        package let nameEnd: Int
        package let isTree: Bool
        package let isFile: Bool
        package let idStart: Int
        /// The entry's mode (0o100644 for a regular file, 0o40000 for a folder).
        package let mode: Int
    }

    /// The entry starting at `offset`, and the offset of the next one.
    package func entry(at offset: Int) -> (Entry, next: Int)? {
        guard offset < bytes.count, let base = bytes.baseAddress else { return nil }
        let start = base + offset
        let remaining = bytes.count - offset
        guard let space = memchr(start, 0x20, remaining) else { return nil }
        let modeLength = UnsafeRawPointer(space) - start
        var mode = 0
        for k in 0..<modeLength { mode = mode * 8 + Int(start.load(fromByteOffset: k, as: UInt8.self)) - 48 }
        let nameStart = offset + modeLength + 1
        guard let nul = memchr(base + nameStart, 0, bytes.count - nameStart) else { return nil }
        let nameEnd = UnsafeRawPointer(nul) - base
        guard nameEnd + 21 <= bytes.count else { return nil }
        let isTree = mode == 0o40000
        let isFile = mode == 0o100644 || mode == 0o100755 || mode == 0o100664
        return (Entry(start: offset, nameStart: nameStart, nameEnd: nameEnd, isTree: isTree, isFile: isFile, idStart: nameEnd + 1, mode: mode), nameEnd + 21)
    }

    /// The id of the entry called `name`, if there is one.
    package func id(named name: String) -> ObjectID? {
        entry(named: name).map { id($0) }
    }

    /// How many first bytes this tree shares with `other`.
    package func commonPrefix(_ other: RawTree) -> Int {
        let n = min(bytes.count, other.bytes.count)
        guard let x = bytes.baseAddress, let y = other.bytes.baseAddress else { return 0 }
        var i = 0
        let chunk = 256
        while i + chunk <= n, memcmp(x + i, y + i, chunk) == 0 { i += chunk }
        while i < n, x.load(fromByteOffset: i, as: UInt8.self) == y.load(fromByteOffset: i, as: UInt8.self) { i += 1 }
        return i
    }

    /// How many last bytes this tree shares with `other`, counting no
    /// further back than offset `start` of either.
    package func commonSuffix(_ other: RawTree, notBefore start: Int) -> Int {
        let n = min(bytes.count, other.bytes.count) - start
        guard n > 0, let x = bytes.baseAddress, let y = other.bytes.baseAddress else { return 0 }
        let xe = x + bytes.count
        let ye = y + other.bytes.count
        var i = 0
        let chunk = 256
        while i + chunk <= n, memcmp(xe - i - chunk, ye - i - chunk, chunk) == 0 { i += chunk }
        while i < n, (xe - i - 1).load(as: UInt8.self) == (ye - i - 1).load(as: UInt8.self) { i += 1 }
        return i
    }

    /// The start of the entry that holds byte `limit` (or of the first entry
    /// past it): entries before it lie wholly in the first `limit` bytes.
    package func entryBoundary(before limit: Int) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        var offset = 0
        while offset < limit {
            guard let nul = memchr(base + offset, 0, bytes.count - offset) else { return offset }
            let next = (UnsafeRawPointer(nul) - base) + 21
            if next > limit { return offset }
            offset = next
        }
        return offset
    }

    package func name(_ e: Entry) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[e.nameStart..<e.nameEnd]), as: UTF8.self)
    }

    package func id(_ e: Entry) -> ObjectID {
        var oid = git_oid()
        withUnsafeMutableBytes(of: &oid.id) { dst in
            dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[e.idStart..<(e.idStart + 20)]))
        }
        return ObjectID(oid)
    }

    package func sameID(_ e: Entry, _ other: RawTree, _ f: Entry) -> Bool {
        memcmp(bytes.baseAddress! + e.idStart, other.bytes.baseAddress! + f.idStart, 20) == 0
    }

    /// git's order of tree entries: by name, a folder compared as "name/".
    /// Whether the entries are in git's order, each name once (what `git
    /// fsck` checks as treeNotSorted and duplicateEntries).
    package var isSorted: Bool {
        guard var previous = entry(at: 0) else { return true }
        while let next = entry(at: previous.next) {
            // A file and a folder of one name compare apart (as "a" and "a/"), yet repeat the name.
            guard compare(previous.0, self, next.0) < 0,
                next.0.nameEnd - next.0.nameStart != previous.0.nameEnd - previous.0.nameStart
                    || memcmp(bytes.baseAddress! + previous.0.nameStart, bytes.baseAddress! + next.0.nameStart, next.0.nameEnd - next.0.nameStart) != 0
            else { return false }
            previous = next
        }
        return true
    }

    package func compare(_ e: Entry, _ other: RawTree, _ f: Entry) -> Int {
        let la = e.nameEnd - e.nameStart
        let lb = f.nameEnd - f.nameStart
        let n = min(la, lb)
        let c = memcmp(bytes.baseAddress! + e.nameStart, other.bytes.baseAddress! + f.nameStart, n)
        if c != 0 { return Int(c) }
        let ca: UInt8 = la > n ? bytes[e.nameStart + n] : (e.isTree ? 0x2F : 0)
        let cb: UInt8 = lb > n ? other.bytes[f.nameStart + n] : (f.isTree ? 0x2F : 0)
        return Int(ca) - Int(cb)
    }
}

extension Repository {
    /// Files that differ between two trees, reading tree objects in place and
    /// descending only into subtrees whose ids differ (as `git diff-tree -r`).
    /// `reuse` keeps the trees of the previous call, which one side of the
    /// next commit in a history walk shares.
    public func changedFiles(from old: ObjectID?, to new: ObjectID?, reuse: inout TreeReuse) throws -> [FileChange] {
        var special: [SpecialEntry] = []
        return try changedFiles(from: old, to: new, reuse: &reuse, special: &special)
    }

    /// The same, and in `special` the entries of `new` on the changed paths
    /// that are neither regular files (mode 100644) nor folders: executables,
    /// symbolic links, submodules (which `FileChange`s leave out, but for
    /// executables), and files whose mode alone changed.
    public func changedFiles(
        from old: ObjectID?, to new: ObjectID?, reuse: inout TreeReuse, special: inout [SpecialEntry]
    ) throws -> [FileChange] {
        var result: [FileChange] = []
        reuse.next = [:]
        try compareRaw(old, new, prefix: "", into: &result, special: &special, reuse: &reuse)
        reuse.previous = reuse.next
        return result
    }

    private func compareRaw(
        _ old: ObjectID?, _ new: ObjectID?, prefix: String, into result: inout [FileChange], special: inout [SpecialEntry],
        reuse: inout TreeReuse
    ) throws {
        if old == new { return }
        let a = try old.map { try reuse.previous[$0] ?? reuse.next[$0] ?? RawTree(self, $0) }
        let known = new.flatMap { reuse.next[$0] ?? reuse.previous[$0] }
        let b = try known ?? new.map { try RawTree(self, $0) }
        // git writes every tree sorted, each name once; a tree that is not
        // (made with `hash-object --literally`) can show a reader one entry
        // and hide another of the same name: `git fsck`'s treeNotSorted and
        // duplicateEntries. Checked once, when the tree is first met.
        if known == nil, let b, !b.isSorted {
            special.append(SpecialEntry(path: prefix.isEmpty ? "." : String(prefix.dropLast()), mode: SpecialEntry.unsortedTree))
        }
        // Keep both sides: a walk oldest-first meets this commit's new trees
        // again as the next one's old side, a walk newest-first its old ones.
        if let b, let new { reuse.next[new] = b }
        if let a, let old { reuse.next[old] = a }
        func noteSpecial(_ t: RawTree, _ e: RawTree.Entry) {
            guard !e.isTree, e.mode != 0o100644 else { return }
            special.append(SpecialEntry(path: prefix + t.name(e), mode: e.mode))
        }
        func emit(_ t: RawTree, _ e: RawTree.Entry, old isOld: Bool) throws {
            let path = prefix + t.name(e)
            let id = t.id(e)
            if !isOld { noteSpecial(t, e) }
            if e.isTree {
                try compareRaw(isOld ? id : nil, isOld ? nil : id, prefix: path + "/", into: &result, special: &special, reuse: &reuse)
            } else if e.isFile {
                result.append(FileChange(status: isOld ? .deleted : .added, path: path, oldID: isOld ? id : nil, newID: isOld ? nil : id))
            }
        }
        // Two versions of a large folder usually differ in one entry: skip
        // the entries of their common first bytes, stop at their common end.
        var start = 0
        var identicalTail = 0
        if let a, let b {
            let prefix = a.commonPrefix(b)
            start = a.entryBoundary(before: prefix)
            identicalTail = a.commonSuffix(b, notBefore: start)
        }
        var ea = a.flatMap { $0.entry(at: start) }
        var eb = b.flatMap { $0.entry(at: start) }
        while ea != nil || eb != nil {
            if let (x, _) = ea, let (y, _) = eb {
                let rest = a!.bytes.count - x.start
                if rest == b!.bytes.count - y.start && rest <= identicalTail { break }
            }
            guard let (x, nx) = ea else {
                try emit(b!, eb!.0, old: false)
                eb = b!.entry(at: eb!.next)
                continue
            }
            guard let (y, ny) = eb else {
                try emit(a!, x, old: true)
                ea = a!.entry(at: nx)
                continue
            }
            let order = a!.compare(x, b!, y)
            if order < 0 {
                try emit(a!, x, old: true)
                ea = a!.entry(at: nx)
            } else if order > 0 {
                try emit(b!, y, old: false)
                eb = b!.entry(at: ny)
            } else {
                ea = a!.entry(at: nx)
                eb = b!.entry(at: ny)
                if x.isTree == y.isTree && x.isFile == y.isFile && a!.sameID(x, b!, y) {
                    if x.mode != y.mode { noteSpecial(b!, y) }
                    continue
                }
                if x.isTree && y.isTree {
                    try compareRaw(a!.id(x), b!.id(y), prefix: prefix + a!.name(x) + "/", into: &result, special: &special, reuse: &reuse)
                } else if x.isFile && y.isFile {
                    noteSpecial(b!, y)
                    result.append(FileChange(status: .modified, path: prefix + a!.name(x), oldID: a!.id(x), newID: b!.id(y)))
                } else {
                    try emit(a!, x, old: true)
                    try emit(b!, y, old: false)
                }
            }
        }
    }
}

/// A tree entry that is neither a regular file (mode 100644) nor a folder.
public struct SpecialEntry: Sendable, Equatable {
    public let path: String
    /// The raw mode: 100755 an executable, 120000 a symbolic link, 160000 a
    /// submodule; `unsortedTree` for a folder whose entries are out of order.
    public let mode: Int

    /// The mode given to a folder whose tree is not sorted or repeats a name.
    public static let unsortedTree = -1

    public var kind: EntryKind {
        switch mode {
        case 0o100755: .executable
        case 0o120000: .symlink
        case 0o160000: .submodule
        case 0o40000: .tree
        default: .blob
        }
    }

    /// What the entry is, in words.
    public var description: String {
        switch kind {
        case .executable: "an executable file (mode 100755)"
        case .symlink: "a symbolic link"
        case .submodule: "a submodule"
        default: mode == SpecialEntry.unsortedTree ? "a folder whose tree is out of git's order" : "a file of mode \(String(mode, radix: 8))"
        }
    }
}

/// Looks up paths in many related trees (the commits of one history),
/// remembering each (tree, name) answer: consecutive commits share most
/// subtrees, so most lookups are answered without reading a tree.
public struct PathLookup {
    private var memo: [ObjectID: [String: ObjectID?]] = [:]
    private var lastRead: (id: ObjectID, tree: RawTree)?
    public init() {}

    public mutating func id(of path: String, in root: ObjectID, _ repository: Repository) throws -> ObjectID? {
        var current = root
        for component in path.split(separator: "/") {
            let name = String(component)
            if let known = memo[current]?[name] {
                guard let next = known else { return nil }
                current = next
                continue
            }
            // The same folder is often asked again at once for another path.
            let tree = try lastRead.flatMap { $0.id == current ? $0.tree : nil } ?? RawTree(repository, current)
            lastRead = (current, tree)
            let found = tree.entry(named: name).map { tree.id($0) }
            if memo.count > 200_000 { memo.removeAll(keepingCapacity: true) }
            memo[current, default: [:]][name] = .some(found)
            guard let found else { return nil }
            current = found
        }
        return current
    }
}

extension Repository {
    /// For walks over a whole history, which read each commit and tree once
    /// (keeping what the next commit shares themselves): libgit2's object
    /// cache would only grow to its limit and then spend its time evicting.
    public func boundMemoryForHistory() {
        _ = folio_git_enable_caching(0)
    }
}

extension RawTree {
    /// The entry called `name`, if there is one.
    package func entry(named name: String) -> Entry? {
        var cursor = entry(at: 0)
        let wanted = Array(name.utf8)
        while let (e, next) = cursor {
            if e.nameEnd - e.nameStart == wanted.count,
                wanted.withUnsafeBytes({ memcmp(bytes.baseAddress! + e.nameStart, $0.baseAddress!, wanted.count) }) == 0
            {
                return e
            }
            cursor = entry(at: next)
        }
        return nil
    }
}
