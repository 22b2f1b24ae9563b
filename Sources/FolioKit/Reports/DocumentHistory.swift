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
    /// What the commit touched: document, attachments, record; `template`
    /// for the commit that brought an existing file under its type's rules
    /// (action `adopted`).
    public let changed: [String]
    /// The document's path in this commit (an adopted file may have moved).
    public let path: String
    /// False for commits before the document's first record event: its
    /// history as a plain file, before it came under control.
    public let controlled: Bool
    /// The label the record line itself carries, where the fold gives the
    /// version another (two clones gave one label to two versions); nil
    /// otherwise.
    public var recordedAs: String? = nil

    enum CodingKeys: String, CodingKey {
        case commit, author, email, date, action, revision, subject, changed, path, controlled
        case recordedAs = "recorded_as"
    }
}

/// The history of one document: the commits of the change history
/// (`HistoryLog`, with its index) that touched it, and before it came under
/// control, the commits that touched its file, followed back through
/// renames as `git log --follow` does.
public enum DocumentHistory {
    public static func entries(_ project: Project, _ location: DocumentLocation, from tip: ObjectID) throws -> [HistoryEntry] {
        var result: [HistoryEntry] = []
        let rule = project.template(location.type)?.adopt
        let templatePath = rule == nil ? nil : project.template(location.type)?.path
        // The file's path at the commit being looked at, walking back in time.
        var path = location.path
        try HistoryLog.forEach(project.repository, from: tip, rules: project) { commit in
            if commit.action == HistoryCommit.shallowCut {
                // A shallow clone's cut: the document as it stood there, and no further back.
                if let entry = try cutEntry(project, location, commit, path: path) { result.append(entry) }
                return
            }
            var parts = Set(commit.changes.filter { $0.document == location.id }.map(\.part))
            let sidecar = rule?.metadataPath(for: path)
            if commit.changes.contains(where: { $0.path == path || $0.path == sidecar }) { parts.insert(.document) }
            let changed = [(HistoryChange.Part.document, "document"), (.attachment, "attachments"), (.record, "record")]
                .filter { parts.contains($0.0) }.map(\.1)
            if !changed.isEmpty {
                result.append(
                    HistoryEntry(
                        commit: commit.id.description, author: commit.authorName, email: commit.authorEmail,
                        date: Timestamp.string(seconds: commit.authorTime), action: commit.action.isEmpty ? "git-commit" : commit.action,
                        revision: commit.revision.isEmpty ? nil : commit.revision, subject: commit.subject, changed: changed,
                        path: path, controlled: true))
            } else if let templatePath, commit.changes.contains(where: { $0.path == templatePath && $0.status == .added }),
                (try? project.repository.commit(commit.id).tree().entry(at: path)) != nil
            {
                // The commit that adopted the file as it stood.
                result.append(
                    HistoryEntry(
                        commit: commit.id.description, author: commit.authorName, email: commit.authorEmail,
                        date: Timestamp.string(seconds: commit.authorTime), action: "adopted", revision: nil, subject: commit.subject,
                        changed: ["template"], path: path, controlled: true))
            }
            // Where the file was before the commit that added it here.
            if let added = commit.changes.first(where: { $0.path == path && $0.status == .added }),
                let from = try renameSource(added, commit, project.repository)
            {
                path = from
            }
        }
        // Before the first commit that wrote its record, the document was a plain file.
        // (A shallow clone's cut, with a record there, stands for the recorded history before it.)
        let recorded = { (e: HistoryEntry) in e.changed.contains("record") || (e.action == HistoryCommit.shallowCut && e.controlled) }
        guard let firstRecorded = result.lastIndex(where: recorded) else {
            return result.map { $0.uncontrolled() }
        }
        return try foldLabels(
            project, location, tip: tip,
            result.enumerated().map { $0.offset > firstRecorded ? $0.element.uncontrolled() : $0.element })
    }

    /// Two clones that each checked in the same document gave their versions
    /// the same draft label; once git's union merge joins the two records,
    /// the fold counts the versions in record order, so each has a label of
    /// its own (docs/lifecycle.md, "Two clones, one draft"). The history, and
    /// so `show --rev` and `diff`, use the fold's label; `recordedAs` keeps
    /// the one the clone wrote. Costs nothing unless a version's line label
    /// differs from the fold's.
    static func foldLabels(_ project: Project, _ location: DocumentLocation, tip: ObjectID, _ entries: [HistoryEntry]) throws -> [HistoryEntry] {
        let repository = project.repository
        let path = Record.path(for: location.id)
        func record(at commit: ObjectID) throws -> Record? {
            guard let entry = try repository.commit(commit).tree().entry(at: path) else { return nil }
            return try Record.parse(try repository.blobData(entry.id, limit: Limits.recordBytes), path: path)
        }
        guard let final = try record(at: tip) else { return entries }
        func key(_ e: RecordEvent) -> String { "\(e.fingerprint) \(e.actor) \(e.at) \(e.revision)" }
        var label: [String: String] = [:]
        // Line labels of versions the fold labels otherwise.
        var moved = Set<String>()
        for (event, folded) in DocumentStatus.labels(final, scheme: project.config.revisions) where event.isVersion {
            label[key(event)] = folded
            if folded != event.revision { moved.insert(event.revision) }
        }
        guard !moved.isEmpty else { return entries }
        return try entries.map { entry in
            guard entry.controlled, let revision = entry.revision, moved.contains(revision), let id = ObjectID(hex: entry.commit),
                let here = try record(at: id)
            else { return entry }
            // The version line this commit appended (records only grow).
            let before = try repository.commit(id).parentIDs.first.flatMap { try record(at: $0) }?.events.count ?? 0
            guard let line = here.events.dropFirst(before).last(where: { $0.isVersion && $0.revision == revision }),
                let folded = label[key(line)], folded != revision
            else { return entry }
            return entry.relabelled(folded)
        }
    }

    /// The document at a shallow clone's cut commit, if it was there: the
    /// revision its record gave it then (the content at the cut is that
    /// revision's), marked as where this clone's history stops.
    static func cutEntry(_ project: Project, _ location: DocumentLocation, _ commit: HistoryCommit, path: String) throws -> HistoryEntry? {
        let tree = try project.repository.commit(commit.id).tree()
        guard try tree.entry(at: path) != nil else { return nil }
        let record = try tree.entry(at: Record.path(for: location.id)).map {
            try Record.parse(try project.repository.blobData($0.id, limit: Limits.recordBytes), path: Record.path(for: location.id))
        }
        let revision = record.map { DocumentStatus.derive($0, scheme: project.config.revisions).revision }
        return HistoryEntry(
            commit: commit.id.description, author: commit.authorName, email: commit.authorEmail,
            date: Timestamp.string(seconds: commit.authorTime), action: HistoryCommit.shallowCut, revision: revision,
            subject: "this shallow clone's history stops here ('git fetch --unshallow' for the rest)", changed: [],
            path: path, controlled: record != nil)
    }

    /// The path a commit renamed to `added`: a file it deleted with the same
    /// content, or else the most similar one at least half alike (git's
    /// default rename threshold, by lines here).
    static func renameSource(_ added: HistoryChange, _ commit: HistoryCommit, _ repository: Repository) throws -> String? {
        let deleted = commit.changes.filter { $0.status == .deleted && $0.oldBlob != nil }
        guard !deleted.isEmpty, let newBlob = added.newBlob else { return nil }
        if let exact = deleted.first(where: { $0.oldBlob == newBlob }) { return exact.path }
        let ext = (added.path as NSString).pathExtension
        let new = lineCounts(try repository.blobData(newBlob, limit: Limits.documentBytes))
        var best: (path: String, score: Double)?
        for candidate in deleted.prefix(64) where (candidate.path as NSString).pathExtension == ext {
            let old = lineCounts(try repository.blobData(candidate.oldBlob!, limit: Limits.documentBytes))
            let common = old.reduce(0) { $0 + min($1.value, new[$1.key] ?? 0) }
            let total = old.values.reduce(0, +) + new.values.reduce(0, +)
            let score = total == 0 ? 0 : 2 * Double(common) / Double(total)
            if score >= 0.5, score > (best?.score ?? 0) { best = (candidate.path, score) }
        }
        return best?.path
    }

    private static func lineCounts(_ bytes: [UInt8]) -> [ArraySlice<UInt8>: Int] {
        var counts: [ArraySlice<UInt8>: Int] = [:]
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) { counts[line, default: 0] += 1 }
        return counts
    }
}

extension HistoryEntry {
    func uncontrolled() -> HistoryEntry {
        HistoryEntry(
            commit: commit, author: author, email: email, date: date, action: action, revision: revision, subject: subject,
            changed: changed, path: path, controlled: false, recordedAs: recordedAs)
    }

    /// The entry under the fold's label, keeping the label the record line has.
    func relabelled(_ label: String) -> HistoryEntry {
        HistoryEntry(
            commit: commit, author: author, email: email, date: date, action: action, revision: label, subject: subject,
            changed: changed, path: path, controlled: controlled, recordedAs: revision)
    }
}

extension DocumentHistory {
    /// The commit holding a document's content at a revision label (`0.2`,
    /// `1.0`, `B`, `P01.02`, …): the last commit that recorded that revision.
    /// Falls back to any git revision expression (a commit id, a tag).
    /// Returns the commit and the document's path there (an adopted file
    /// may have been elsewhere, before or after it came under control).
    public static func commit(for revision: String, _ project: Project, _ location: DocumentLocation, from tip: ObjectID) throws -> (commit: ObjectID, path: String) {
        let history = try entries(project, location, from: tip)
        for entry in history where entry.revision == revision && entry.controlled {
            if let id = ObjectID(hex: entry.commit) { return (id, entry.path) }
        }
        // A document with no record yet is its first draft as committed.
        if try project.record(location.id).events.isEmpty,
            revision == DocumentStatus.derive(.empty, scheme: project.config.revisions).revision
        {
            return (tip, location.path)
        }
        let repo = project.repository
        if let commit = try? repo.commit(revision) {
            // The path the file had there: that of the newest change at or before it.
            let path = history.first { $0.commit == commit.id.description }?.path
                ?? history.first { ObjectID(hex: $0.commit).map { repo.isDescendant(commit.id, of: $0) } ?? false }?.path
            return (commit.id, path ?? location.path)
        }
        let known = history.compactMap(\.revision)
        var labels: [String] = []
        for label in known.reversed() where !labels.contains(label) { labels.append(label) }
        let shallow = repo.isShallow ? "; this shallow clone's history is cut short: 'git fetch --unshallow' for the rest" : ""
        throw FolioError.usage("\(location.id) has no revision '\(revision)' (\(labels.isEmpty ? "it has no recorded revisions yet" : "revisions: " + labels.joined(separator: ", "))\(shallow))")
    }
}
