import FolioGit
import FolioModel
import Foundation

/// Works out what each commit did to the documents (a `HistoryCommit`),
/// commit after commit of one walk: trees are compared in place and only
/// where their ids differ, the trees of the previous commit are reused, and
/// of each record only the appended lines are parsed.
final class HistoryScanner {
    let repository: Repository
    private var trees = TreeReuse()
    private var lookup = PathLookup()
    private let rules: RulesCache

    init(repository: Repository, knownRules: [String: Project.Rules] = [:]) {
        self.repository = repository
        rules = RulesCache(repository: repository, known: knownRules)
    }

    /// Commits read as parents, kept for when the walk reaches them (most
    /// often next): libgit2's object cache is off for history walks.
    private var commits: [ObjectID: Commit] = [:]

    private func commit(_ id: ObjectID) throws -> Commit {
        if let hit = commits[id] { return hit }
        if commits.count > 256 { commits.removeAll(keepingCapacity: true) }
        let commit = try repository.commit(id)
        commits[id] = commit
        return commit
    }

    /// What the commit changed, with its record changes still to be read
    /// (`HistoryEventReader`, which may run on another thread).
    func scan(_ id: ObjectID) throws -> ScannedCommit {
        let commit = try self.commit(id)
        commits[id] = nil
        let author = commit.author
        let committer = commit.committer
        var action = ""
        var revision = ""
        for t in commit.trailers {
            if t.key == "Folio-Action" { action = t.value } else if t.key == "Folio-Revision" { revision = t.value }
        }
        var result = HistoryCommit(
            id: id, parentCount: commit.parentCount, authorName: author.name, authorEmail: author.email,
            authorTime: Int64(author.time.timeIntervalSince1970), authorOffset: author.offsetMinutes,
            committerName: committer.name, committerEmail: committer.email, subject: commit.summary,
            action: action, revision: revision, changes: [], events: [], problems: [])
        if commit.isShallowBoundary {
            // Compared with nothing, the cut would be credited with every
            // file and record line before it: it is where the history stops.
            result.action = HistoryCommit.shallowCut
            result.revision = ""
            return ScannedCommit(commit: result, tree: commit.treeID, otherParentTrees: [])
        }
        let parents = commit.parentIDs
        let treeID = commit.treeID
        let parentTrees = try parents.map { try self.commit($0).treeID }
        var files = try repository.changedFiles(from: parentTrees.first, to: treeID, reuse: &trees)
        if parentTrees.count > 1 {
            // A merge shows only what differs from every parent (git's combined
            // diff): what a side brought in is shown in that side's commits.
            files = try files.filter { change in
                try parentTrees.dropFirst().allSatisfy { try lookup.id(of: change.path, in: $0, repository) != change.newID }
            }
        }
        let scanned = { ScannedCommit(commit: result, tree: treeID, otherParentTrees: Array(parentTrees.dropFirst())) }
        if files.isEmpty { return scanned() }
        let project = try self.project(commit, root: treeID)
        for file in files { result.changes.append(classify(file, project)) }
        return scanned()
    }

    /// What a changed path is to Folio.
    private func classify(_ file: FileChange, _ project: Project?) -> HistoryChange {
        let path = file.path
        var part = HistoryChange.Part.other
        var document = ""
        if let id = RecordFile.documentID(atPath: path) {
            part = .record
            document = id
        } else if path == ProjectConfig.path || path == ".folio/allowed_signers" {
            part = .config
        } else if path.hasPrefix("templates/") {
            part = .template
        } else if let project {
            if let location = project.locate(path) {
                part = .document
                document = location.id
            } else if let owner = project.attachmentOwner(path) {
                part = .attachment
                document = owner.id
            }
        }
        return HistoryChange(part: part, status: file.status, document: document, path: path, oldBlob: file.oldID, newBlob: file.newID)
    }

    /// The commit's rules, by the ids of its folio.yml and templates folder
    /// read from the root tree the comparison just read. Rules that adopt
    /// files by glob read each file's ID, so they get the commit's own tree.
    private func project(_ commit: Commit, root: ObjectID) throws -> Project? {
        let rawRoot = try trees.tree(root) ?? RawTree(repository, root)
        guard let config = rawRoot.id(named: ProjectConfig.path),
            let known = try rules.project(config: config, templates: rawRoot.id(named: "templates"), tree: { try commit.tree() })
        else { return nil }
        guard known.templates.contains(where: { $0.adopt != nil }) else { return known }
        return Project(repository: repository, source: TreeSource(repository: repository, tree: try commit.tree(), label: "commit"), reusing: known)
    }
}

/// A commit as the scanner left it: its changes, and where to read the
/// events its record changes appended.
struct ScannedCommit: Sendable {
    var commit: HistoryCommit
    let tree: ObjectID
    /// The trees of a merge's other parents.
    let otherParentTrees: [ObjectID]
}

/// Reads the lifecycle events a scanned commit appended to records, and
/// checks their signatures against the commit's own allowed signers.
final class HistoryEventReader {
    let repository: Repository
    private var lookup = PathLookup()
    private let configuration: RulesCache

    init(repository: Repository) {
        self.repository = repository
        configuration = RulesCache(repository: repository)
    }

    func complete(_ scanned: ScannedCommit) throws -> HistoryCommit {
        var result = scanned.commit
        for change in scanned.commit.changes where change.part == .record {
            try readEvents(change, merge: scanned.otherParentTrees, tree: scanned.tree, into: &result)
        }
        return result
    }

    /// The events a record change appended. Records are append-only, so the
    /// appended lines are those past the old version's length; a merge's new
    /// lines are those in no parent.
    private func readEvents(_ change: HistoryChange, merge others: [ObjectID], tree: ObjectID, into result: inout HistoryCommit) throws {
        guard let newBlob = change.newBlob else {
            result.problems.append(HistoryProblem(document: change.document, message: "record deleted"))
            return
        }
        let new = try repository.blobData(newBlob, limit: Limits.recordBytes)
        var appended: ArraySlice<UInt8>
        if others.isEmpty {
            let oldSize = try change.oldBlob.map { try repository.objectSize($0) } ?? 0
            guard oldSize <= new.count, oldSize == 0 || new[oldSize - 1] == 0x0A else {
                result.problems.append(HistoryProblem(document: change.document, message: "record not append-only (see folio verify)"))
                return
            }
            appended = new[oldSize...]
        } else {
            var known = Set<ArraySlice<UInt8>>()
            for blob in [change.oldBlob] + (try others.map { try lookup.id(of: change.path, in: $0, repository) }) {
                guard let blob else { continue }
                for line in try repository.blobData(blob, limit: Limits.recordBytes).split(separator: 0x0A) { known.insert(line) }
            }
            var fresh: [UInt8] = []
            for line in new.split(separator: 0x0A) where !known.contains(line) {
                fresh += line
                fresh.append(0x0A)
            }
            appended = fresh[...]
        }
        let events: [RecordEvent]
        do {
            events = try Record.empty.appending(parsing: appended, path: change.path).events
        } catch let e as FolioError {
            result.problems.append(HistoryProblem(document: change.document, message: e.description))
            return
        }
        for event in events {
            var verified = false
            if let signature = event.signature {
                verified = SSHSignature.verify(event.canonicalText, signature: signature, identity: event.actor, allowedSigners: try allowedSigners(tree))
            }
            result.events.append(HistoryEvent(event, verified: verified))
        }
    }

    private func allowedSigners(_ tree: ObjectID) throws -> String {
        try configuration.allowedSigners(try lookup.id(of: ".folio/allowed_signers", in: tree, repository))
    }
}
