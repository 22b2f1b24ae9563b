import Foundation

/// One commit that changed a document, its attachments or its record.
public struct HistoryEntry: Codable, Sendable {
    public let commit: String
    public let author: String
    public let email: String
    public let date: String
    public let action: String
    public let revision: String?
    public let subject: String
    /// What the commit touched: document, attachments, record.
    public let changed: [String]
}

/// The history of one document, from the commit graph.
public enum DocumentHistory {
    public static func entries(_ project: Project, _ location: DocumentLocation, from tip: ObjectID) throws -> [HistoryEntry] {
        let repo = project.repository
        let folder = project.template(location.type)?.attachmentFolder(id: location.id)
        let watched: [(String, String)] = [
            ("document", location.path), ("attachments", folder ?? ""), ("record", Record.path(for: location.id)),
        ].filter { !$0.1.isEmpty }
        var result: [HistoryEntry] = []
        var cache: [ObjectID: [ObjectID?]] = [:]
        var lookup = PathLookup()
        func ids(_ commitID: ObjectID) throws -> [ObjectID?] {
            if let hit = cache[commitID] { return hit }
            let root = try repo.commit(commitID).treeID
            let found = try watched.map { try lookup.id(of: $0.1, in: root, repo) }
            cache[commitID] = found
            return found
        }
        for id in try repo.walk(from: [tip]) {
            let commit = try repo.commit(id)
            let mine = try ids(id)
            let parent = try commit.parentIDs.first.map(ids) ?? Array(repeating: nil, count: watched.count)
            let changed = zip(watched, zip(mine, parent)).filter { $0.1.0 != $0.1.1 }.map { $0.0.0 }
            if changed.isEmpty { continue }
            // A merge that only brings a side's changes is shown on that side.
            if commit.parentCount > 1, try commit.parentIDs.dropFirst().contains(where: { try ids($0) == mine }) { continue }
            let trailers = commit.trailers
            let author = commit.author
            result.append(
                HistoryEntry(
                    commit: id.description, author: author.name, email: author.email,
                    date: Timestamp.string(author.time),
                    action: trailers.first { $0.key == "Folio-Action" }?.value ?? "git-commit",
                    revision: trailers.first { $0.key == "Folio-Revision" }?.value, subject: commit.summary,
                    changed: changed))
        }
        return result
    }
}

extension DocumentHistory {
    /// The commit holding a document's content at a revision label (`0.2`,
    /// `1.0`, `B`, `P01.02`, …): the last commit that recorded that revision.
    /// Falls back to any git revision expression (a commit id, a tag).
    public static func commit(for revision: String, _ project: Project, _ location: DocumentLocation, from tip: ObjectID) throws -> ObjectID {
        for entry in try entries(project, location, from: tip) where entry.revision == revision {
            if let id = ObjectID(hex: entry.commit) { return id }
        }
        let repo = project.repository
        if let commit = try? repo.commit(revision) { return commit.id }
        let known = try entries(project, location, from: tip).compactMap(\.revision)
        var labels: [String] = []
        for label in known.reversed() where !labels.contains(label) { labels.append(label) }
        throw FolioError.usage("\(location.id) has no revision '\(revision)' (revisions: \(labels.joined(separator: ", ")))")
    }
}
