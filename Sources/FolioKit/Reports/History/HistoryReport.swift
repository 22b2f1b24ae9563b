import FolioGit
import FolioModel
import Foundation

/// One row of the change history (`folio report history`): what one commit
/// did to one document (or to the project's own files), who and when, with
/// the lifecycle events it recorded and their signatures' verification.
public struct HistoryRow: Encodable, Sendable {
    public struct Event: Encodable, Sendable {
        public let event: String
        public let revision: String
        public let person: String
        public let name: String
        public let at: String
        public let role: String?
        public let meaning: String?
        public let comment: String?
        public let by: String?
        public let signed: Bool
        public let verified: Bool
    }

    public let project: String
    public let commit: String
    /// The author's time, UTC, ISO 8601.
    public let date: String
    public let author: String
    public let email: String
    /// Set when someone else made the commit (a rebase, an import).
    public let committer: String?
    public let subject: String
    /// The commit's Folio-Action trailer, "" for a plain git commit.
    public let action: String
    /// The document's ID, "" for the project's own files.
    public let document: String
    public let revision: String
    /// "document modified", "attachment drawing.pdf added", "folio.yml modified", …
    public let changes: [String]
    public let events: [Event]
    /// Record lines that could not be read as events.
    public let problems: [String]
    /// Fields, sections and table rows that changed (with `--detail`).
    public let detail: DocumentDiff?

    /// What the row says in one line, for text, Markdown and CSV.
    public var what: String {
        var parts = changes.filter { $0 != "record modified" && $0 != "record added" }
        for e in events {
            var s = "\(e.event) \(e.revision)"
            if let role = e.role { s += " as \(role)" }
            if e.event != "created" && e.event != "checked-in" { s += " by \(e.name.isEmpty ? e.person : e.name)" }
            if let by = e.by { s += " by \(by)" }
            if e.signed { s += e.verified ? " (signed, verified)" : " (signed, NOT VERIFIED)" }
            if let comment = e.comment, !comment.isEmpty { s += ": \"\(comment)\"" }
            parts.append(s)
        }
        parts += problems
        if let d = detail {
            if !d.fields.isEmpty { parts.append("fields: " + d.fields.map { "\($0.name) \($0.change)" }.joined(separator: ", ")) }
            if !d.sections.isEmpty { parts.append("sections: " + d.sections.map { "\($0.name) \($0.change)" }.joined(separator: ", ")) }
            if !d.rows.isEmpty { parts.append("rows: " + d.rows.map { "\($0.table) \($0.key) \($0.change)" }.joined(separator: ", ")) }
        }
        return parts.joined(separator: "; ")
    }
}

/// Which rows a history report shows.
public struct HistoryFilter: Sendable {
    /// Only this document's rows.
    public var document: String?
    /// Author time at or after / before (seconds since 1970).
    public var since: Int64?
    public var until: Int64?
    /// Work out field, section and row changes of each document version.
    public var detail = false
    /// With `document`: the file it was, by commit id, where the commit does
    /// not name the document (its history as a plain file, before control,
    /// followed through renames: `DocumentHistory.entries`).
    public var follow: [String: String] = [:]

    public init(document: String? = nil, since: Int64? = nil, until: Int64? = nil, detail: Bool = false) {
        self.document = document
        self.since = since
        self.until = until
        self.detail = detail
    }
}

/// Turns history commits into rows.
public struct HistoryRows {
    let project: Project
    let filter: HistoryFilter

    public init(project: Project, filter: HistoryFilter) {
        self.project = project
        self.filter = filter
    }

    public func rows(_ c: HistoryCommit) throws -> [HistoryRow] {
        if let since = filter.since, c.authorTime < since { return [] }
        if let until = filter.until, c.authorTime >= until { return [] }
        if c.action == HistoryCommit.shallowCut {
            // Where this clone's history stops: one row, for the document asked about or the project.
            return [try row(c, document: filter.document ?? "", revision: "", changes: [], events: [], problems: [])]
        }
        var ids = c.documents
        if let only = filter.document { ids = ids.filter { $0 == only } }
        var result: [HistoryRow] = []
        for id in ids {
            let changes = c.changes.filter { $0.document == id }
            let events = c.events.filter { $0.document == id }
            let revision = events.last?.revision ?? (c.revision.isEmpty ? "" : c.revision)
            result.append(try row(c, document: id, revision: revision, changes: changes, events: events, problems: c.problems.filter { $0.document == id }))
        }
        if let only = filter.document, ids.isEmpty, let path = filter.follow[c.id.description] {
            var changes = c.changes.filter { $0.path == path }
            for i in changes.indices { changes[i].part = .document }
            if !changes.isEmpty { result.append(try row(c, document: only, revision: "", changes: changes, events: [], problems: [])) }
        }
        if filter.document == nil {
            let own = c.changes.filter { $0.document.isEmpty }
            if !own.isEmpty || ids.isEmpty {
                result.append(try row(c, document: "", revision: "", changes: own, events: [], problems: []))
            }
        }
        return result
    }

    private func row(
        _ c: HistoryCommit, document: String, revision: String, changes: [HistoryChange], events: [HistoryEvent], problems: [HistoryProblem]
    ) throws -> HistoryRow {
        var what = try changes.map { change -> String in
            let verb = change.status == .added ? "added" : change.status == .deleted ? "deleted" : "modified"
            // A change of the project's rules, in words: who gained or lost which role, what setting changed.
            if change.path == ProjectConfig.path, let old = change.oldBlob, let new = change.newBlob {
                let repo = project.repository
                if let words = ConfigChange.describe(
                    old: try repo.blobData(old, limit: Limits.configBytes), new: try repo.blobData(new, limit: Limits.configBytes)),
                    !words.isEmpty
                {
                    return "folio.yml: " + words.joined(separator: "; ")
                }
            }
            switch change.part {
            case .document: return "document \(verb)"
            case .attachment: return "attachment \(splitPath(change.path).name) \(verb)"
            case .record: return "record \(verb)"
            default: return "\(change.path) \(verb)"
            }
        }
        if c.action == HistoryCommit.shallowCut {
            what = ["this shallow clone's history stops here: earlier commits are not in it ('git fetch --unshallow' for them)"]
        } else if what.isEmpty && document.isEmpty {
            what = [c.parentCount > 1 ? "merge" : "no changes"]
        }
        var detail: DocumentDiff?
        if filter.detail, let doc = changes.first(where: { $0.part == .document && $0.newBlob != nil }),
            let location = project.locate(doc.path)
        {
            let repo = project.repository
            let old = try doc.oldBlob.map { try repo.blobData($0, limit: Limits.documentBytes) } ?? []
            let new = try repo.blobData(doc.newBlob!, limit: Limits.documentBytes)
            detail = DocumentDiff(
                location: location, template: project.template(location.type),
                old: .init(label: doc.oldBlob?.short ?? "", bytes: old, attachments: [:]),
                new: .init(label: doc.newBlob!.short, bytes: new, attachments: [:]))
        }
        let committer = c.committerEmail.lowercased() == c.authorEmail.lowercased() ? nil : "\(c.committerName) <\(c.committerEmail)>"
        return HistoryRow(
            project: project.config.project.code, commit: c.id.description, date: Timestamp.string(seconds: c.authorTime),
            author: c.authorName, email: c.authorEmail, committer: committer, subject: c.subject, action: c.action,
            document: document, revision: revision, changes: what,
            events: events.map {
                HistoryRow.Event(
                    event: $0.kind, revision: $0.revision, person: $0.actor, name: $0.name, at: $0.at,
                    role: $0.role.isEmpty ? nil : $0.role, meaning: $0.meaning.isEmpty ? nil : $0.meaning,
                    comment: $0.comment.isEmpty ? nil : $0.comment, by: $0.by.isEmpty ? nil : $0.by,
                    signed: $0.signed, verified: $0.verified)
            },
            problems: problems.map(\.message), detail: detail)
    }
}
