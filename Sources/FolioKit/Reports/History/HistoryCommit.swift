import FolioGit
import FolioModel
import Foundation

/// What one commit did to the project's documents: the unit of the change
/// history (`folio report history`) and of the history index that caches it.
/// Everything here follows from the commit alone (its tree, its parents'
/// trees and its own rules), so a cached entry stays true for as long as the
/// commit exists, whatever happens to branches.
public struct HistoryCommit: Sendable, Equatable {
    public var id: ObjectID
    public var parentCount: Int
    public var authorName: String
    public var authorEmail: String
    /// Seconds since 1970 and the author's UTC offset in minutes.
    public var authorTime: Int64
    public var authorOffset: Int
    public var committerName: String
    public var committerEmail: String
    public var subject: String
    /// The `Folio-Action` and `Folio-Revision` trailers ("" when absent).
    public var action: String
    public var revision: String
    public var changes: [HistoryChange]
    /// Lifecycle events this commit appended to records.
    public var events: [HistoryEvent]
    /// What could not be read as Folio data (a record that is not
    /// append-only or not valid): `folio verify` tells the rest.
    public var problems: [HistoryProblem]

    /// The `action` of a shallow clone's cut commit: its parents are not in
    /// the clone, so it is shown as where the history stops, never credited
    /// with every file and event before it.
    public static let shallowCut = "shallow-cut"

    /// The documents this commit touched, in order of first mention.
    public var documents: [String] {
        var seen = Set<String>()
        var result: [String] = []
        for id in changes.map(\.document) + events.map(\.document) + problems.map(\.document)
        where !id.isEmpty && seen.insert(id).inserted {
            result.append(id)
        }
        return result
    }
}

/// One changed file, said in document-control terms.
public struct HistoryChange: Sendable, Equatable {
    public enum Part: String, Sendable, CaseIterable {
        /// The controlled document itself.
        case document
        /// A file in the document's attachment folder.
        case attachment
        /// The document's lifecycle record.
        case record
        /// folio.yml or .folio/allowed_signers.
        case config
        /// A template.
        case template
        /// Anything else in the repository.
        case other
    }

    public var part: Part
    public var status: FileChange.Status
    /// The document's ID; "" for project files.
    public var document: String
    public var path: String
    public var oldBlob: ObjectID?
    public var newBlob: ObjectID?
}

/// A lifecycle event as the history shows it, with its signature checked
/// against the commit's own `.folio/allowed_signers`.
public struct HistoryEvent: Sendable, Equatable {
    public var kind: String
    public var document: String
    public var revision: String
    public var actor: String
    public var name: String
    public var at: String
    public var role: String
    public var meaning: String
    public var comment: String
    public var by: String
    public var fingerprint: String
    public var signed: Bool
    public var verified: Bool
}

extension HistoryEvent {
    init(_ e: RecordEvent, verified: Bool) {
        kind = e.event.rawValue
        document = e.document
        revision = e.revision
        actor = e.actor
        name = e.name
        at = e.at
        role = e.role ?? ""
        meaning = e.meaning ?? ""
        comment = e.comment ?? ""
        by = e.by ?? ""
        fingerprint = e.fingerprint
        signed = e.signature != nil
        self.verified = verified
    }
}

public struct HistoryProblem: Sendable, Equatable {
    public var document: String
    public var message: String
}
