import FolioGit
import FolioModel
import Foundation

/// Documents whose work-tree files differ from the commit: what a document
/// controller has edited but not checked in.
public enum WorkTreeChanges {
    public struct Change: Codable, Sendable {
        public let id: String
        public let path: String
        public let change: String
    }

    public static func documents(_ repository: Repository, _ project: Project) throws -> [Change] {
        guard let root = repository.workdir, let tree = project.source as? TreeSource else { return [] }
        let work = try Project(repository: repository, source: WorkTreeSource(root: root))
        var result: [Change] = []
        var seen = Set<String>()
        // Adopted files `git mv` moved: the new path, under the ID its record keeps.
        let index = try work.adoptionIndex()
        var moves: [String: (id: String, from: String)] = [:]
        for (id, bound) in index.missing where index.byID[id] == nil {
            for candidate in try work.movedCandidates(of: id, boundPath: bound, index: index) { moves[candidate.path] = (id, bound) }
        }
        for (id, bound) in index.missing {
            for claimant in index.byID[id] ?? [] where claimant.path != bound { moves[claimant.path] = (id, bound) }
        }
        for location in try work.allDocuments() {
            seen.insert(location.path)
            guard let bytes = try? work.source.read(location.path, limit: Limits.documentBytes) else { continue }
            if let move = moves[location.path] {
                seen.insert(move.from)
                result.append(Change(id: move.id, path: location.path, change: "moved from \(move.from), not recorded"))
            } else if let committed = try tree.entry(location.path) {
                if !repository.workTreeMatches(bytes, path: location.path, blob: committed.id) {
                    result.append(Change(id: location.id, path: location.path, change: "modified"))
                }
            } else {
                result.append(Change(id: location.id, path: location.path, change: "new, not registered"))
            }
        }
        // Outside a sparse checkout is not deleted: git keeps it, and so does folio.
        let sparse = Set(try repository.index().entries(prefix: "").filter(\.skipWorktree).map { Array($0.path.utf8) })
        for location in try project.allDocuments() where !seen.contains(location.path) && !sparse.contains(Array(location.path.utf8)) {
            result.append(Change(id: location.id, path: location.path, change: "deleted"))
        }
        return result
    }
}
