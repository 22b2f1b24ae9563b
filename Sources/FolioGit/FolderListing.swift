import CGit2
import Foundation

/// A folder's entries, found by name: a tree read through libgit2 (`Tree`),
/// or one another thread already read raw (`IndexedRawTree`).
public protocol FolderListing: AnyObject {
    /// The entry named `name` directly in this folder, or nil.
    func entry(named name: String) -> TreeEntry?
    /// Every entry, in git's order.
    var entries: [TreeEntry] { get }
    /// The number of entries.
    var count: Int { get }
}

extension Tree: FolderListing {}

/// A raw tree object (`RawTree`) with the offsets of its entries, so an
/// entry is found by binary search as in a libgit2 tree. `verify` and the
/// server's hook take the folders their read-ahead thread compared
/// (`ReadAhead`) instead of reading the same objects again; the bytes are
/// never changed once read, so the object can move between threads.
package final class IndexedRawTree: FolderListing, @unchecked Sendable {
    // @unchecked: immutable after init (`RawTree` is).
    private let raw: RawTree
    private let starts: [Int]

    package init(_ raw: RawTree) {
        self.raw = raw
        var starts: [Int] = []
        var cursor = raw.entry(at: 0)
        while let (e, next) = cursor {
            starts.append(e.start)
            cursor = raw.entry(at: next)
        }
        self.starts = starts
    }

    package var count: Int { starts.count }

    package var entries: [TreeEntry] { starts.compactMap { raw.entry(at: $0).map { entry($0.0) } } }

    package func entry(named name: String) -> TreeEntry? {
        let wanted = Array(name.utf8)
        guard !wanted.isEmpty else { return nil }
        // git orders a folder as "name/": a file of that name is found first,
        // else a folder (there cannot be both).
        return (find(wanted, folder: false) ?? find(wanted, folder: true)).map(entry)
    }

    private func entry(_ e: RawTree.Entry) -> TreeEntry {
        TreeEntry(name: raw.name(e), id: raw.id(e), kind: EntryKind(mode: git_filemode_t(rawValue: UInt32(e.mode))))
    }

    private func find(_ wanted: [UInt8], folder: Bool) -> RawTree.Entry? {
        var low = 0
        var high = starts.count
        while low < high {
            let mid = (low + high) / 2
            guard let (e, _) = raw.entry(at: starts[mid]) else { return nil }
            let order = compare(e, wanted, folder: folder)
            if order < 0 {
                low = mid + 1
            } else if order > 0 {
                high = mid
            } else {
                return e
            }
        }
        return nil
    }

    /// git's order of tree entries (`RawTree.compare`), against a name that is a folder or not.
    private func compare(_ e: RawTree.Entry, _ wanted: [UInt8], folder: Bool) -> Int {
        let length = e.nameEnd - e.nameStart
        let n = min(length, wanted.count)
        let c = wanted.withUnsafeBytes { memcmp(raw.bytes.baseAddress! + e.nameStart, $0.baseAddress!, n) }
        if c != 0 { return Int(c) }
        let a: UInt8 = length > n ? raw.bytes[e.nameStart + n] : (e.isTree ? 0x2F : 0)
        let b: UInt8 = wanted.count > n ? wanted[n] : (folder ? 0x2F : 0)
        return Int(a) - Int(b)
    }
}
