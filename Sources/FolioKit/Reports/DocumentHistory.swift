import FolioGit
import FolioModel
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

/// The history of one document: the commits of the change history
/// (`HistoryLog`, with its index) that touched it.
public enum DocumentHistory {
    public static func entries(_ project: Project, _ location: DocumentLocation, from tip: ObjectID) throws -> [HistoryEntry] {
        var result: [HistoryEntry] = []
        try HistoryLog.forEach(project.repository, from: tip, rules: project) { commit in
            let parts = Set(commit.changes.filter { $0.document == location.id }.map(\.part))
            let changed = [(HistoryChange.Part.document, "document"), (.attachment, "attachments"), (.record, "record")]
                .filter { parts.contains($0.0) }.map(\.1)
            if changed.isEmpty { return }
            result.append(
                HistoryEntry(
                    commit: commit.id.description, author: commit.authorName, email: commit.authorEmail,
                    date: Timestamp.string(seconds: commit.authorTime), action: commit.action.isEmpty ? "git-commit" : commit.action,
                    revision: commit.revision.isEmpty ? nil : commit.revision, subject: commit.subject, changed: changed))
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
