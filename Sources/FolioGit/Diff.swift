import CGit2
import Foundation

/// One changed file between two trees (or a tree and the index).
public struct FileChange: Sendable, Equatable {
    public enum Status: String, Sendable {
        case added, deleted, modified, typeChanged = "type-changed", other
    }
    public let status: Status
    public let path: String
    public let oldID: ObjectID?
    public let newID: ObjectID?
}

extension Repository {
    /// Files staged in `index` that differ from `tree`.
    public func stagedChanges(from tree: ObjectID?, index: Index) throws -> [FileChange] {
        let oldTree = try tree.map { try self.tree($0) }
        var diff: OpaquePointer?
        // The tree and index must outlive the C call that reads their pointers.
        try withExtendedLifetime((oldTree, index)) {
            try withDiffOptions(paths: []) { opts in
                try gitCheck(
                    git_diff_tree_to_index(&diff, pointer, oldTree?.pointer, index.pointer, opts),
                    "compare index")
            }
        }
        defer { git_diff_free(diff) }
        return fileChanges(diff!)
    }

    private func withDiffOptions(paths: [String], _ body: (UnsafePointer<git_diff_options>) throws -> Void) throws {
        var opts = git_diff_options()
        git_diff_options_init(&opts, UInt32(GIT_DIFF_OPTIONS_VERSION))
        let cPaths = paths.map { strdup($0) }
        defer { cPaths.forEach { free($0) } }
        var array = cPaths
        try array.withUnsafeMutableBufferPointer { buf in
            if !paths.isEmpty {
                opts.pathspec.strings = buf.baseAddress
                opts.pathspec.count = buf.count
                opts.flags |= GIT_DIFF_DISABLE_PATHSPEC_MATCH.rawValue
            }
            try body(&opts)
        }
    }

    private func fileChanges(_ diff: OpaquePointer) -> [FileChange] {
        var result: [FileChange] = []
        let count = git_diff_num_deltas(diff)
        result.reserveCapacity(count)
        for i in 0..<count {
            guard let d = git_diff_get_delta(diff, i)?.pointee else { continue }
            let status: FileChange.Status =
                switch d.status {
                case GIT_DELTA_ADDED: .added
                case GIT_DELTA_DELETED: .deleted
                case GIT_DELTA_MODIFIED: .modified
                case GIT_DELTA_TYPECHANGE: .typeChanged
                default: .other
                }
            let path = String(cString: (d.new_file.path ?? d.old_file.path)!)
            let zero = git_oid_is_zero
            var oldOid = d.old_file.id
            var newOid = d.new_file.id
            result.append(
                FileChange(
                    status: status, path: path,
                    oldID: zero(&oldOid) == 1 ? nil : ObjectID(oldOid),
                    newID: zero(&newOid) == 1 ? nil : ObjectID(newOid)))
        }
        return result
    }
}

extension Repository {
    /// Paths of files that differ between two trees, found by walking both
    /// trees in step and descending only into subtrees whose ids differ: the
    /// cost follows the size of the change, not of the repository.
    public func changedFiles(from old: ObjectID?, to new: ObjectID?) throws -> [FileChange] {
        var reuse = TreeReuse()
        return try changedFiles(from: old, to: new, reuse: &reuse)
    }
}

/// Trees kept alive between two tree comparisons of consecutive commits.
public struct TreeReuse {
    package var previous: [ObjectID: RawTree] = [:]
    package var next: [ObjectID: RawTree] = [:]
    public init() {}

    /// A tree the last comparison read, if it did.
    package func tree(_ id: ObjectID) -> RawTree? { next[id] ?? previous[id] }
}
