import CGit2
import Foundation

/// A folder's entries, found by name: a tree read through libgit2 (`Tree`),
/// or one another thread already read raw (`IndexedRawTree`).
public protocol FolderListing: AnyObject {
    /// The entry named `name` directly in this folder, or nil.
    func entry(named name: String) -> TreeEntry?
    /// Every entry, in the tree object's order.
    var entries: [TreeEntry] { get }
    /// The number of entries.
    var count: Int { get }
}

extension Tree: FolderListing {}

/// A raw tree object (`RawTree`) with the offsets of its entries, answering
/// as a libgit2 `Tree` of the same object would. `verify` and the server's
/// hook take the folders their read-ahead thread compared (`ReadAhead`)
/// instead of reading the same objects again; the bytes never change once
/// read, so the object can move between threads.
///
/// A tree is hostile input (a crafted push may hold unsorted entries, odd
/// modes, a folder and a file of one name), so this follows libgit2 1.5
/// exactly rather than git's sorting rules: the same parse (`init` gives nil
/// where `git_tree__parse_raw` fails, and the caller reads the tree through
/// libgit2, which reports it), the same modes (`normalize_filemode`), and the
/// same name lookup (`tree_key_search`: a binary search on the common prefix,
/// then a scan both ways). Tests compare it with libgit2 on crafted trees.
package final class IndexedRawTree: FolderListing, @unchecked Sendable {
    // @unchecked: immutable after init (`RawTree` is).
    private let raw: RawTree
    private let starts: [Int]

    /// Nil when libgit2 would refuse to parse the tree.
    package init?(_ raw: RawTree) {
        self.raw = raw
        var starts: [Int] = []
        var offset = 0
        let bytes = raw.bytes
        while offset < bytes.count {
            // "<octal mode> <name>\0<20-byte id>", as git_tree__parse_raw reads it.
            var mode = 0
            var i = offset
            while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x37 {
                mode = mode * 8 + Int(bytes[i] - 0x30)
                guard mode <= 0xFFFF else { return nil }
                i += 1
            }
            guard i > offset, i < bytes.count, bytes[i] == 0x20 else { return nil }
            let nameStart = i + 1
            guard nameStart < bytes.count, let nul = memchr(bytes.baseAddress! + nameStart, 0, bytes.count - nameStart) else { return nil }
            let nameEnd = UnsafeRawPointer(nul) - bytes.baseAddress!
            guard nameEnd > nameStart, nameEnd - nameStart <= 0xFFFF, bytes.count - (nameEnd + 1) >= 20 else { return nil }
            starts.append(offset)
            offset = nameEnd + 21
        }
        self.starts = starts
    }

    package var count: Int { starts.count }

    package var entries: [TreeEntry] { starts.map { entry(raw.entry(at: $0)!.0) } }

    package func entry(named name: String) -> TreeEntry? {
        let wanted = Array(name.utf8)
        guard !wanted.isEmpty, wanted.count <= 0xFFFF else { return nil }
        // tree_key_search: home in on an entry sharing the name's prefix...
        var low = 0
        var limit = starts.count
        var order = -1
        while limit != 0 {
            let part = low + (limit >> 1)
            order = homing(wanted, at: part)
            if order == 0 {
                low = part
                break
            }
            if order > 0 {
                low = part + 1
                limit -= 1
            }
            limit >>= 1
        }
        guard order == 0 else { return nil }
        // ...then look forward, and back, among the entries sharing it.
        var i = low
        while i < starts.count, homing(wanted, at: i) >= 0 {
            if let e = named(wanted, at: i) { return entry(e) }
            i += 1
        }
        i = low - 1
        while i >= 0, homing(wanted, at: i) <= 0 {
            if let e = named(wanted, at: i) { return entry(e) }
            i -= 1
        }
        return nil
    }

    /// libgit2's `homing_search_cmp`: the name against an entry's, over the shorter length.
    private func homing(_ wanted: [UInt8], at index: Int) -> Int {
        let e = raw.entry(at: starts[index])!.0
        let n = min(wanted.count, e.nameEnd - e.nameStart)
        return Int(wanted.withUnsafeBytes { memcmp($0.baseAddress!, raw.bytes.baseAddress! + e.nameStart, n) })
    }

    private func named(_ wanted: [UInt8], at index: Int) -> RawTree.Entry? {
        let e = raw.entry(at: starts[index])!.0
        guard e.nameEnd - e.nameStart == wanted.count,
            wanted.withUnsafeBytes({ memcmp($0.baseAddress!, raw.bytes.baseAddress! + e.nameStart, wanted.count) }) == 0
        else { return nil }
        return e
    }

    private func entry(_ e: RawTree.Entry) -> TreeEntry {
        TreeEntry(name: raw.name(e), id: raw.id(e), kind: EntryKind(mode: IndexedRawTree.normalized(e.mode)))
    }

    /// libgit2's `normalize_filemode`, as `git_tree_entry_filemode` reports a mode.
    static func normalized(_ mode: Int) -> git_filemode_t {
        let type = mode & 0o170000
        if type == 0o040000 { return GIT_FILEMODE_TREE }
        if mode & 0o100 != 0 { return GIT_FILEMODE_BLOB_EXECUTABLE }  // GIT_PERMS_IS_EXEC: the owner's bit
        if type == 0o160000 { return GIT_FILEMODE_COMMIT }
        if type == 0o120000 { return GIT_FILEMODE_LINK }
        return GIT_FILEMODE_BLOB
    }
}
