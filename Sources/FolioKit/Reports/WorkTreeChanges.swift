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
        for location in try work.allDocuments() {
            seen.insert(location.path)
            guard let bytes = try? work.source.read(location.path, limit: Limits.documentBytes) else { continue }
            if let committed = try tree.entry(location.path) {
                if try repository.writeBlobID(bytes) != committed.id {
                    result.append(Change(id: location.id, path: location.path, change: "modified"))
                }
            } else {
                result.append(Change(id: location.id, path: location.path, change: "new, not registered"))
            }
        }
        for location in try project.allDocuments() where !seen.contains(location.path) {
            result.append(Change(id: location.id, path: location.path, change: "deleted"))
        }
        return result
    }
}
