import FolioGit
import FolioModel
import Foundation

/// One problem `folio verify` found in the history.
public struct Finding: Codable, Sendable, Equatable {
    public let rule: String
    public let message: String
    public let commit: String
    public let document: String
}

/// The audit of a whole history (`folio verify`): every commit is replayed in
/// order and each change to a record or a document is checked against the
/// rules as they stood in that commit (its folio.yml, templates and allowed
/// signers).
public final class Verifier {
    public struct Report: Codable, Sendable {
        public let findings: [Finding]
        public let ok: Bool
        public let commits: Int
        public let events: Int
        public let signatures: Int
    }

    let repository: Repository
    private lazy var rulesCache = RulesCache(repository: repository)
    /// The last parsed version of each record (by path): a record's old blob
    /// is the new blob of an earlier commit, so only appended lines are parsed.
    private var records: [String: (blob: ObjectID, bytes: [UInt8], record: Record)] = [:]
    /// Completeness errors already found for a content fingerprint under one
    /// template and one set of people: a revision is submitted and issued
    /// with the same content, and validating it is most of a lifecycle check.
    private var completeness: [String: [Diagnostic]] = [:]
    private var trees = TreeReuse()
    /// The second thread reading the commits being walked, and the index of the one judged now.
    private var ahead: ReadAhead?
    /// The trees of the commits judged lately, by commit.
    private var treeIDs: [ObjectID: ObjectID] = [:]
    private var position = 0
    /// Off: everything is read on the judge's thread (the tests compare both).
    var readsAhead = true
    /// How many documents the judge took parsed from the second thread.
    private(set) var parsedAheadUsed = 0
    /// Where each ID's document lives, per set of templates (IDs do not move).
    private var locations: [String: DocumentLocation?] = [:]
    private var findings: [Finding] = []
    /// Folder trees shared by the commits walked (most folders are unchanged from one commit to the next).
    private let folderTrees = FolderTrees()
    private var seen = Set<String>()
    private var eventCount = 0
    private var signatureCount = 0

    /// Server mode (pre-receive): also validate changed documents against
    /// their templates and check who may change folio.yml and allowed_signers.
    public var enforceTemplates = false
    /// Who may have pushed a commit, as the server knows for sure (its
    /// pusher variable, a good commit signature under the server's
    /// allowed_signers); for the admin rule. nil: use the committer.
    public var pushers: ((Commit) -> [String])?
    /// The pusher the git server names, if any: unsigned events must be theirs.
    public var serverPusher: String?
    /// The server's rules before the push: who is an admin, and which roles
    /// must approve each type, cannot be changed by the push being judged.
    public var baseline: Project?

    public init(repository: Repository) {
        self.repository = repository
    }

    /// Checks the given commits (oldest first), each against its first
    /// parent: what a push adds to a branch.
    public func check(commits: [ObjectID]) throws -> [Finding] {
        try walk(commits)
        return findings
    }

    /// Judges `commits` in order, reading ahead on a second thread (`ReadAhead`)
    /// when there are enough of them to be worth one.
    private func walk(_ commits: [ObjectID]) throws {
        ahead = readsAhead && commits.count >= 8 ? ReadAhead(repository: repository, commits: commits, allChanged: enforceTemplates) : nil
        defer {
            ahead?.stop()
            ahead = nil
        }
        for (index, id) in commits.enumerated() {
            position = index
            try check(try repository.commit(id))
        }
    }

    /// - Throws: `FolioError.usage` in a shallow clone: an audit of part of
    ///   the history would take the cut commits for the project's first.
    public func run(from revision: String? = nil) throws -> Report {
        if repository.isShallow {
            throw FolioError.usage(
                "this is a shallow clone (its history is cut at \(repository.shallowCommits.count) commit(s)): verify audits the whole history; run 'git fetch --unshallow' first")
        }
        let tip: Commit
        if let revision {
            tip = try repository.commit(revision)
        } else {
            guard let head = try repository.headCommit() else { throw FolioError.usage("the repository has no commits") }
            tip = head
        }
        let commits = try repository.walk(from: [tip.id], reverse: true)
        try walk(commits)
        try checkDuplicateIDs(tip)
        try checkTags()
        return Report(findings: findings, ok: findings.isEmpty, commits: commits.count, events: eventCount, signatures: signatureCount)
    }

    private func add(_ rule: String, _ message: String, _ commit: ObjectID, _ document: String) {
        let key = "\(rule)|\(commit)|\(document)|\(message)"
        guard seen.insert(key).inserted else { return }
        findings.append(Finding(rule: rule, message: message, commit: commit.description, document: document))
    }

    /// The project rules as of a commit, shared by commits with the same
    /// folio.yml and templates.
    private func project(_ tree: Tree) throws -> Project? {
        try rulesCache.project(tree)
    }

    private func allowedSigners(_ tree: Tree) throws -> String {
        try rulesCache.allowedSigners(try tree.entry(at: ".folio/allowed_signers")?.id)
    }

    private func check(_ commit: Commit) throws {
        let tree = try commit.tree()
        // Most parents were judged just before: their trees are known.
        let parentTree = try commit.parentIDs.first.map { try treeIDs[$0] ?? repository.commit($0).treeID }
        if treeIDs.count >= 4096 { treeIDs.removeAll(keepingCapacity: true) }
        treeIDs[commit.id] = commit.treeID
        // Taken for every commit, so the reading thread moves on.
        let readAhead = ahead?.changes(at: position)
        // The folders it compared are this commit's snapshot's: not read twice.
        if case .success(let read) = readAhead { folderTrees.offer(read.trees) }
        /// The commit's changed files against its first parent, with the
        /// entries that are not regular files.
        func changedFiles() throws -> (changes: [FileChange], special: [SpecialEntry]) {
            if let readAhead {
                let read = try readAhead.get()
                return (read.changes, read.special)
            }
            var special: [SpecialEntry] = []
            let changes = try repository.changedFiles(from: parentTree, to: tree.id, reuse: &trees, special: &special)
            return (changes, special)
        }
        guard let rules = try project(tree) else {
            // Records are written only inside a Folio project: lines a
            // commit without folio.yml adds were judged by no rule, so they
            // can never stand as judged (a merge would otherwise inherit them).
            // Only the records folder is compared (none at all before `folio init`).
            let records = try tree.entry(at: RecordFile.folder).flatMap { $0.kind == .tree ? $0.id : nil }
            let recordsBefore = try parentTree.flatMap { try repository.tree($0).entry(at: RecordFile.folder) }.flatMap { $0.kind == .tree ? $0.id : nil }
            if let records, records != recordsBefore {
                for change in try repository.changedFiles(from: recordsBefore, to: records) where change.status != .deleted {
                    guard let id = RecordFile.documentID(fileName: change.path) else { continue }
                    add("record.unmanaged", "\(RecordFile.path(for: id)) is written by a commit without folio.yml: lifecycle records exist only in a Folio project, where every line is judged", commit.id, id)
                }
            }
            if enforceTemplates {
                if let config = try tree.entry(at: ProjectConfig.path) {
                    // folio.yml exists but does not parse: say why.
                    do {
                        _ = try ProjectConfig.parse(try repository.blobData(config.id, limit: Limits.configBytes))
                    } catch {
                        add("config", "folio.yml: \(error)", commit.id, "folio.yml")
                    }
                }
                // A push that removes folio.yml is a configuration change too.
                try checkAdmin(commit, changes: try changedFiles().changes, parentTree: parentTree)
            }
            return
        }
        let (changes, special) = try changedFiles()
        // The cached rules, reading documents and records in this commit's tree.
        let here = Project(repository: repository, source: TreeSource(repository: repository, tree: tree, label: commit.id.short, shared: folderTrees), reusing: rules)
        if let ahead, let config = try tree.entry(at: ProjectConfig.path) {
            let key = RulesCache.key(config: config.id, templates: try tree.entry(at: "templates")?.id)
            here.parsedAhead = { [unowned self] blob, location in
                let parsed = ahead.parsed(blob, location, rules: key)
                if parsed != nil { parsedAheadUsed += 1 }
                return parsed
            }
        }
        if enforceTemplates { try checkServerRules(commit, changes: changes, parentTree: parentTree, here: here) }
        try checkPaths(commit, changes: changes, special: special, parentTree: parentTree, here: here)
        var recordChanges: [(FileChange, String)] = []
        // The documents whose file or attachments changed, by path: another
        // file claiming the same ID cannot stand in for the real one.
        var touched: [String: DocumentLocation] = [:]
        for change in changes {
            if let id = RecordFile.documentID(atPath: change.path) {
                recordChanges.append((change, id))
            } else if let location = here.locate(change.path) ?? here.attachmentOwner(change.path) {
                touched[location.path] = location
            }
        }
        var statuses: [String: DocumentStatus] = [:]
        for (change, id) in recordChanges {
            statuses[id] = try checkRecord(change, id: id, commit: commit, project: here, tree: tree)
        }
        // A merge keeps what each of its other parents has too.
        for parent in commit.parentIDs.dropFirst() {
            try checkMergeParent(commit, parent: parent, tree: tree, here: here, touched: &touched)
        }
        for location in touched.values.sorted(by: { $0.path < $1.path }) {
            try checkContentRecorded(location, commit: commit, here: here, status: statuses[location.id], recordChanged: recordChanges.contains { $0.1 == location.id })
        }
    }

    /// Content changes must be recorded: a controlled document (one with a
    /// record) may only change together with a check-in of that content
    /// (a `created` or `checked-in` event in the same commit); content issued,
    /// superseded or withdrawn is never changed in place.
    private func checkContentRecorded(_ location: DocumentLocation, commit: Commit, here: Project, status known: DocumentStatus?, recordChanged: Bool) throws {
        let id = location.id
        guard try here.source.exists(location.path), DocumentID.problem(id) == nil else { return }
        if enforceTemplates, let problem = try here.adoptionIndex().duplicateProblem(id) {
            add("id.duplicate", "\(location.path): \(problem)", commit.id, id)
            return
        }
        if enforceTemplates, let canonical = try here.find(id), canonical.path != location.path {
            add("id.duplicate", "\(location.path) claims the ID \(id) of \(canonical.path) (an ID names one document)", commit.id, id)
            return
        }
        guard try here.source.exists(Record.path(for: id)) else { return }  // not controlled (yet)
        if known == nil && recordChanged { return }  // the record itself was refused
        guard let status = try? known ?? here.status(location), status.lastEvent != nil, let fingerprint = try here.currentFingerprint(location) else { return }
        let retired: Set<LifecycleState> = [.issued, .superseded, .withdrawn]
        if !recordChanged, retired.contains(status.state), fingerprint != status.issuedFingerprint {
            add("issued.changed", "\(id) \(status.revision) is \(status.state.rawValue) but its content was changed in place (no check-in of a new revision)", commit.id, id)
            return
        }
        // Retired content stays as it was retired, also when a merge joins a
        // check-in from another clone before the retirement.
        if [.superseded, .withdrawn].contains(status.state), let retired = status.retiredFingerprint, fingerprint != retired {
            if findings.contains(where: { $0.commit == commit.id.description && $0.document == id && $0.rule == "retired.changed" }) { return }
            add("retired.changed", "\(id) is \(status.state.rawValue): its content stays as it was \(status.state.rawValue), but this commit holds other content" + (commit.parentIDs.count > 1 ? " (a merge took another clone's check-in: keep the branch's version of \(location.path))" : ""), commit.id, id)
            return
        }
        guard fingerprint != status.contentFingerprint else { return }
        let explained = findings.contains {
            $0.commit == commit.id.description && $0.document == id && ["issued.changed", "event.fingerprint", "approval.copied", "record.invalid", "record.rewritten"].contains($0.rule)
        }
        if !explained {
            // A merge git committed itself after both sides checked the document in.
            let merge = commit.parentIDs.count > 1
                ? "; this merge joined two sides' versions: undo it ('git reset --keep HEAD^'), merge again with 'git merge --no-commit \(commit.parentIDs[1].short)' and run 'folio checkin \(id)', which records the merged content in the merge commit ('folio hooks install' adds the pre-merge-commit hook that stops such merges)"
                : ""
            add("content.unrecorded", "\(location.path) (\(id) \(status.revision), \(status.state.rawValue)) was changed without a check-in: no 'created' or 'checked-in' event for this content in the same commit" + merge, commit.id, id)
        }
    }

    /// What may be where: controlled documents and records are never deleted,
    /// moved or renamed, and documents, attachments, records and the rules
    /// are regular files (mode 100644), never executables, symbolic links,
    /// submodules, or folders where a file belongs.
    private func checkPaths(_ commit: Commit, changes: [FileChange], special: [SpecialEntry], parentTree: ObjectID?, here: Project) throws {
        // Not something git writes, wherever it is: a reader may see one of two entries of a name.
        for entry in special where entry.mode == SpecialEntry.unsortedTree {
            add("tree.malformed", "the tree of \(entry.path) is out of git's order or names an entry twice (git fsck: treeNotSorted, duplicateEntries): git never writes one, and a reader may see one entry of a name and miss the other", commit.id, entry.path)
        }
        for entry in special where entry.mode != SpecialEntry.unsortedTree && controlled(entry.path, here) {
            add("file.irregular", "\(entry.path) is \(entry.description): documents, attachments, records and the rules must be regular files (mode 100644)", commit.id, owner(entry.path, here))
        }
        // A folder where a document or a record belongs.
        var folders = Set<String>()  // folders looked at
        for path in changes.filter({ $0.status != .deleted }).map(\.path) + special.filter({ $0.mode != SpecialEntry.unsortedTree }).map(\.path) {
            var components = path.split(separator: "/", omittingEmptySubsequences: false).dropLast()
            while !components.isEmpty {
                let folder = components.joined(separator: "/")
                components = components.dropLast()
                guard folders.insert(folder).inserted else { break }  // this folder and those above it were looked at
                if RecordFile.documentID(atPath: folder) != nil || here.locate(folder) != nil || folder == ProjectConfig.path || folder == ".folio/allowed_signers" {
                    add("file.irregular", "\(folder) is a folder, where a \(RecordFile.documentID(atPath: folder) != nil ? "record" : "file") belongs", commit.id, owner(folder, here))
                }
            }
        }
        // Deleted, moved or renamed documents (a move is a deletion and an addition).
        try checkDeletedDocuments(commit, changes: changes, parentTree: parentTree, here: here, merged: nil)
    }

    /// Controlled documents of a parent (those with a record there) that the
    /// commit no longer has at their path.
    private func checkDeletedDocuments(_ commit: Commit, changes: [FileChange], parentTree: ObjectID?, here: Project, merged parentID: ObjectID?) throws {
        let deleted = changes.filter { $0.status == .deleted && RecordFile.documentID(atPath: $0.path) == nil }
        guard !deleted.isEmpty, let parentTree else { return }
        let before = try repository.tree(parentTree)
        guard let rules = try project(before) else { return }
        let parent = Project(repository: repository, source: TreeSource(repository: repository, tree: before, label: "parent", shared: folderTrees), reusing: rules)
        for change in deleted {
            guard let location = parent.locate(change.path), location.path == change.path,
                DocumentID.problem(location.id) == nil, try parent.source.exists(Record.path(for: location.id)),
                try !here.source.exists(change.path)
            else { continue }
            // An adopted document whose record now binds it to another file
            // there: a recorded move (the event itself is judged with the record).
            if here.template(location.type)?.adopt != nil, let bound = try here.boundPath(location.id), bound != change.path,
                try here.source.exists(bound)
            {
                continue
            }
            if let parentID {
                add("document.deleted", "the merge drops \(change.path) (\(location.id)), a controlled document its parent \(parentID.short) has", commit.id, location.id)
            } else {
                add("document.deleted", "\(change.path) (\(location.id)) was deleted, moved or renamed: a controlled document stays at its path (retire it with 'folio withdraw' or 'folio supersede')", commit.id, location.id)
            }
        }
    }

    /// A merge against a parent other than its first: every record line and
    /// controlled document that parent has stays (git's union merge of
    /// records keeps the lines of both sides, each side's in its order), and
    /// documents that differ from that parent are checked for unrecorded
    /// content like the others.
    private func checkMergeParent(_ commit: Commit, parent: ObjectID, tree: Tree, here: Project, touched: inout [String: DocumentLocation]) throws {
        let parentTree = try repository.commit(parent).treeID
        let changes = try repository.changedFiles(from: parentTree, to: tree.id)
        for change in changes {
            if let id = RecordFile.documentID(atPath: change.path) {
                if change.status == .deleted {
                    add("record.deleted", "the merge drops the record of \(id) that its parent \(parent.short) has (records are never removed)", commit.id, id)
                } else if let oldID = change.oldID, let newID = change.newID {
                    let old = try repository.blobData(oldID, limit: Limits.recordBytes)
                    let new = try repository.blobData(newID, limit: Limits.recordBytes)
                    if !Self.keepsLines(of: old, in: new) {
                        add("record.rewritten", "the merge loses record lines of \(id) that its parent \(parent.short) has (records are append-only: merge them with git's union merge)", commit.id, id)
                    }
                }
            } else if let location = here.locate(change.path) ?? here.attachmentOwner(change.path) {
                touched[location.path] = location
            }
        }
        try checkDeletedDocuments(commit, changes: changes, parentTree: parentTree, here: here, merged: parent)
    }

    /// Whether every line of `old` is in `new`, in the same order (other lines may come between).
    static func keepsLines(of old: [UInt8], in new: [UInt8]) -> Bool {
        let wanted = old.split(separator: 0x0A, omittingEmptySubsequences: true)
        let have = new.split(separator: 0x0A, omittingEmptySubsequences: true)
        var i = wanted.startIndex
        for line in have where i < wanted.endIndex && line.elementsEqual(wanted[i]) {
            i += 1
        }
        return i == wanted.endIndex
    }

    /// Whether a path holds controlled content: a document, an attachment, a
    /// record, folio.yml, allowed_signers, a template, or a folder above them.
    private func controlled(_ path: String, _ here: Project) -> Bool {
        if path == ProjectConfig.path || path == ".folio" || path.hasPrefix(".folio/") || path == "templates" || path.hasPrefix("templates/") {
            return true
        }
        if here.locate(path) != nil || here.attachmentOwner(path) != nil { return true }
        return here.templates.contains { $0.adopt == nil && ($0.folder == path || $0.folder.hasPrefix(path + "/")) }
    }

    /// The document a path belongs to, for a finding; else the path.
    private func owner(_ path: String, _ here: Project) -> String {
        RecordFile.documentID(atPath: path) ?? (here.locate(path) ?? here.attachmentOwner(path))?.id ?? path
    }

    /// The rules only a server can enforce: templates on every document a
    /// commit changes, and who may change the project's configuration.
    private func checkServerRules(_ commit: Commit, changes: [FileChange], parentTree: ObjectID?, here: Project) throws {
        var checked = Set<String>()
        var conflictsChecked = false
        for change in changes {
            if change.path.hasPrefix("templates/") {
                for d in here.templateDiagnostics where d.path == change.path {
                    add("template.invalid", d.formatted, commit.id, change.path)
                }
                // A new or changed adopt rule may take files another type has.
                if !conflictsChecked {
                    conflictsChecked = true
                    for d in try here.allAdoptionConflicts() { add(d.rule, "\(d.path): \(d.message)", commit.id, d.path) }
                }
                continue
            }
            guard let location = here.locate(change.path) ?? here.attachmentOwner(change.path),
                checked.insert(location.path).inserted, try here.source.exists(location.path)
            else { continue }
            // A draft may lack required values: completeness errors count at submit and issue.
            for d in try validation(location, here) where d.severity == .error && !Validator.completenessRules.contains(d.rule) {
                add("template", d.formatted, commit.id, location.id)
            }
        }
        try checkAdmin(commit, changes: changes, parentTree: parentTree)
    }

    /// folio.yml, allowed_signers and the templates (which say who must
    /// approve) may only be changed by an admin: of the server's
    /// configuration before the push, else of the parent commit's.
    private func checkAdmin(_ commit: Commit, changes: [FileChange], parentTree: ObjectID?) throws {
        let guarded = try guardedChanges(commit, changes: changes)
        guard !guarded.isEmpty else { return }
        var rules = baseline
        if rules == nil, let parentTree {
            let before = try repository.tree(parentTree)
            if try before.entry(at: ProjectConfig.path) != nil { rules = try project(before) }
        }
        guard let config = rules?.config else { return }  // a new project: its first configuration
        let candidates = pushers?(commit) ?? [commit.committer.email]
        if !candidates.contains(where: { config.person(pushedBy: $0)?.roles.contains("admin") ?? false }) {
            let who = candidates.isEmpty
                ? "\(commit.committer.email) (not signed by them with a key of the server's allowed_signers, and the git server names no pusher)"
                : candidates.joined(separator: " / ")
            for change in guarded {
                add("config.admin", "\(change.path) \(change.deleted ? "deleted" : "changed") by \(who), who does not hold the admin role", commit.id, change.path)
            }
        }
    }

    static func isGuarded(_ path: String) -> Bool {
        path == ProjectConfig.path || path == ".folio/allowed_signers" || path.hasPrefix("templates/")
    }

    /// The configuration files (folio.yml, allowed_signers, templates) a
    /// commit changes. A merge changes a file when its version is none of
    /// its parents' changes: taking one side's change as it is does not
    /// count, reverting a side's change to the merge base's version does.
    private func guardedChanges(_ commit: Commit, changes: [FileChange]) throws -> [(path: String, deleted: Bool)] {
        let direct = changes.filter { Self.isGuarded($0.path) }
        guard commit.parentIDs.count > 1 else { return direct.map { ($0.path, $0.status == .deleted) } }
        let parents = try commit.parentIDs.map { try repository.commit($0).treeID }
        var base: ObjectID? = commit.parentIDs[0]
        for other in commit.parentIDs.dropFirst() {
            base = try base.flatMap { try repository.mergeBase($0, other) }
        }
        let baseTree = try base.map { try repository.commit($0).treeID }
        var paths = Set(direct.map(\.path))
        for parent in parents.dropFirst() {
            for change in try repository.changedFiles(from: parent, to: commit.treeID) where Self.isGuarded(change.path) {
                paths.insert(change.path)
            }
        }
        var lookup = PathLookup()
        var result: [(path: String, deleted: Bool)] = []
        for path in paths.sorted() {
            let mine = try lookup.id(of: path, in: commit.treeID, repository)
            let theirs = try parents.map { try lookup.id(of: path, in: $0, repository) }
            let original = try baseTree.flatMap { try lookup.id(of: path, in: $0, repository) }
            if theirs.contains(where: { $0 == mine && $0 != original }) { continue }  // one side's change, taken as it is
            if mine == original && theirs.allSatisfy({ $0 == original }) { continue }
            result.append((path, mine == nil))
        }
        return result
    }

    /// Checks the lines a commit appends to a record; returns the document's
    /// status after them (nil when the record is gone or unreadable).
    @discardableResult
    private func checkRecord(_ change: FileChange, id: String, commit: Commit, project: Project, tree: Tree) throws -> DocumentStatus? {
        if change.status == .deleted {
            add("record.deleted", "the record of \(id) was deleted, moved or renamed (records are never removed)", commit.id, id)
            return nil
        }
        let cached = records[change.path]
        let old = try change.oldID.map { id in
            cached?.blob == id ? cached!.bytes : try repository.blobData(id, limit: Limits.recordBytes)
        } ?? []
        guard let newID = change.newID else { return nil }
        let new = try repository.blobData(newID, limit: Limits.recordBytes)
        guard RecordFile.appended(old: old, new: new) != nil else {
            let revert = RevertedRecord.note(id, revert: RevertedRecord.reverted(by: commit.message)).map { "; " + $0 } ?? ""
            add("record.rewritten", "record lines of \(id) were edited, removed or reordered (records are append-only)" + revert, commit.id, id)
            return nil
        }
        let before: Record
        let after: Record
        do {
            before = try change.oldID.map { id in
                cached?.blob == id ? cached!.record : try Record.empty.appending(parsing: old[...], path: change.path)
            } ?? .empty
            after = try before.appending(parsing: new[old.count...], path: change.path)
            records[change.path] = (newID, new, after)
        } catch let e as FolioError {
            add("record.invalid", e.description, commit.id, id)
            return nil
        }
        var status = DocumentStatus.derive(before, scheme: project.config.revisions)
        let location = try locate(id, project)
        let fingerprint = try location.flatMap { try project.currentFingerprint($0) }
        let appended = after.events.dropFirst(before.events.count)
        let retired: Set<LifecycleState> = [.issued, .superseded, .withdrawn]
        if retired.contains(status.state), let fingerprint, let issued = status.issuedFingerprint, fingerprint != issued,
            !appended.contains(where: { $0.event == .created || $0.event == .checkedIn })
        {
            add("issued.changed", "\(id) \(status.revision) is \(status.state.rawValue) but its content was changed in place (no check-in of a new revision)", commit.id, id)
        }
        let template = location.flatMap { project.template($0.type) }
        // A merge brings lines its other parents have: those were judged there.
        var inherited: [RecordEvent] = []
        for parent in commit.parentIDs.dropFirst() {
            if let entry = try repository.commit(parent).tree().entry(at: change.path),
                let record = try? Record.empty.appending(parsing: repository.blobData(entry.id, limit: Limits.recordBytes)[...], path: change.path)
            {
                inherited += record.events
            }
        }
        // A line the first parent already has, appended again, is new here (a replay), whoever else has it.
        inherited.removeAll { before.events.contains($0) }
        var bound = before.events.last { $0.path != nil }?.path
        for event in appended {
            eventCount += 1
            let who = event.actor.lowercased()
            // Two documents under one ID, whichever side brought the second `created`.
            if event.event == .created && !before.events.isEmpty {
                add("id.reused", "\(id) was created again although its record already existed (IDs are never reused)", commit.id, id)
            }
            if inherited.contains(event) {
                // Judged, with the content and rules it was appended with, in
                // the other parent's commits; here it only moves the state on.
                if event.signature != nil { signatureCount += 1 }
                if let path = event.path { bound = path }
                status.apply(event, scheme: project.config.revisions)
                continue
            }
            try checkLifecycle(event, id: id, status: status, commit: commit, project: project, location: location, roles: template?.approvals ?? [])
            if event.document != id {
                add("event.copied", "an event of \(event.document) was copied into the record of \(id)", commit.id, id)
            }
            if let path = event.path {
                try checkBinding(event, path: path, previous: bound, id: id, commit: commit, project: project, location: location)
                bound = path
            }
            // The content an event saw is that of the commit that appended it.
            if [.created, .checkedIn, .submitted, .approved, .issued, .superseded, .withdrawn].contains(event.event),
                let fingerprint, event.fingerprint != fingerprint
            {
                let what = event.event == .approved ? "approval by \(who) does not match the content it is committed with (copied or forged)" : "\(event.event.rawValue) event does not match the content it is committed with"
                add(event.event == .approved ? "approval.copied" : "event.fingerprint", "\(id) \(event.revision): \(what)", commit.id, id)
            }
            if let signature = event.signature {
                signatureCount += 1
                let signers = try allowedSigners(tree)
                if !SSHSignature.verify(event.canonicalText, signature: signature, identity: event.actor, allowedSigners: signers) {
                    add("signature.invalid", "\(id) \(event.revision): the \(event.event.rawValue) signature of \(who) does not verify against .folio/allowed_signers", commit.id, id)
                }
            } else if event.event == .approved && project.config.signatures == .required {
                add("signature.missing", "\(id) \(event.revision): approval by \(who) is not signed but signatures are required", commit.id, id)
            }
            if event.event == .approved {
                if status.authors.contains(who) {
                    add("approval.author", "\(id) \(event.revision): \(who) approved a revision they authored", commit.id, id)
                }
                if let location, let owner = try project.timesheetPerson(location), owner == who {
                    add("approval.own-timesheet", "\(id) \(event.revision): \(who) approved their own timesheet", commit.id, id)
                }
                if let role = event.role, !(project.config.person(who)?.roles.contains(role) ?? false) {
                    add("approval.role", "\(id) \(event.revision): \(who) approved as '\(role)' without holding that role", commit.id, id)
                }
            }
            if event.event == .issued {
                var required = template?.approvals ?? []
                for role in baseline?.template(location?.type ?? "")?.approvals ?? [] where !required.contains(role) {
                    required.append(role)
                }
                let check = ApprovalCheck(
                    required: required, approvals: status.approvals, authors: status.authors,
                    fingerprint: fingerprint ?? event.fingerprint, document: id, config: project.config)
                if !check.complete {
                    var message = "\(id) \(event.revision) was issued without complete, current approvals (missing: \(check.missingRoles.joined(separator: ", ")))"
                    if !check.invalid.isEmpty { message += "; " + check.invalid.map(\.problem).joined(separator: "; ") }
                    add("issue.unapproved", message, commit.id, id)
                }
            }
            if (event.event == .created || event.event == .checkedIn) && (status.state == .superseded || status.state == .withdrawn) {
                add("retired.changed", "\(id) is \(status.state.rawValue): its content can no longer change, but a \(event.event.rawValue) event records new content", commit.id, id)
            }
            status.apply(event, scheme: project.config.revisions)
        }
        // A record change with content changed under an issued revision.
        if status.state == .issued, let fingerprint, let issued = status.issuedFingerprint, fingerprint != issued {
            add("issued.changed", "\(id) \(status.revision) is issued but its content was changed in place", commit.id, id)
        }
        return status
    }

    /// One lifecycle policy for every appended event, whoever wrote it
    /// (LifecyclePolicy: state table, people, roles, review round, signatures
    /// used once, time order), plus what needs the commit: an unsigned event
    /// is the act of the commit's author (and of the pusher the git server
    /// names), and a submission or issue needs complete content.
    private func checkLifecycle(
        _ event: RecordEvent, id: String, status: DocumentStatus, commit: Commit, project: Project, location: DocumentLocation?, roles: [String]
    ) throws {
        let who = event.actor.lowercased()
        if event.signature == nil {
            let author = commit.author.email.lowercased()
            if who != author {
                add("event.actor", "\(id) \(event.revision): the unsigned \(event.event.rawValue) event names \(who), but the commit is authored by \(author) (an unsigned event is the commit author's own act; anyone else's must carry their signature)", commit.id, id)
            } else if let pusher = serverPusher {
                let person = (baseline?.config ?? project.config).person(pushedBy: pusher) ?? project.config.person(pushedBy: pusher)
                if person?.email.lowercased() != who {
                    add("event.actor", "\(id) \(event.revision): the unsigned \(event.event.rawValue) event names \(who), but the git server says \(pusher) pushed it (an unsigned event is the pusher's own act; anyone else's must carry their signature)", commit.id, id)
                }
            }
        }
        let violations = LifecyclePolicy.judge(
            event, status: status, config: project.config, roles: roles, scheme: project.config.revisions,
            replacement: { [self] other in
                guard let found = try? self.locate(other, project) else { return nil }
                return try? project.status(found)
            })
        for violation in violations {
            add(violation.rule, "\(id) \(event.revision): \(violation.message)", commit.id, id)
        }
        if event.event == .submitted || event.event == .issued, let location, try project.source.exists(location.path) {
            let errors = try validation(location, project).filter { $0.severity == .error }
            if !errors.isEmpty {
                add("lifecycle.complete", "\(id) \(event.revision) was \(event.event.rawValue) but is not complete and valid: \(errors.map(\.message).joined(separator: "; "))", commit.id, id)
            }
        }
    }

    /// The document's diagnostics as a complete revision (`check --complete`),
    /// once per content version and rules: a version is validated at its
    /// check-in, submission and issue alike. As a draft, the same with the
    /// completeness rules' errors as warnings (`Validator.completenessRules`,
    /// the only difference `complete` makes).
    private func validation(_ location: DocumentLocation, _ project: Project) throws -> [Diagnostic] {
        let template = project.template(location.type).map { "\(ObjectIdentifier($0))" } ?? "-"
        let key = try project.currentFingerprint(location).map { "\($0) \(template) \(project.config.emails.sorted().joined(separator: ","))" }
        if let key, let known = completeness[key] { return known }
        let diagnostics = try project.check(location, complete: true)
        if let key { completeness[key] = diagnostics }
        return diagnostics
    }

    /// A record event's `path` binds an adopted document's ID to a file: it
    /// must be that document's file in the commit, of a type that adopts, and
    /// not the file of another controlled document.
    /// The first binding names the ID the file gives itself; a later one
    /// (a move) leaves the file it bound before.
    private func checkBinding(_ event: RecordEvent, path: String, previous: String?, id: String, commit: Commit, project: Project, location: DocumentLocation?) throws {
        guard let location, let template = project.template(location.type), template.adopt != nil else {
            add("event.path", "\(id) \(event.revision): the \(event.event.rawValue) event binds it to \(path), but only adopted documents are bound to files", commit.id, id)
            return
        }
        guard event.event == .created || event.event == .checkedIn else {
            add("event.path", "\(id) \(event.revision): only a created or checked-in event binds a document to a file, not \(event.event.rawValue)", commit.id, id)
            return
        }
        guard location.path == path, Glob.matches(template.adopt!.glob, path), try project.source.exists(path) else {
            add("event.path", "\(id) \(event.revision): the \(event.event.rawValue) event binds it to \(path), which is not its adopted file in this commit", commit.id, id)
            return
        }
        if let previous {
            if previous != path, try project.source.exists(previous) {
                add("adopt.binding", "\(id) \(event.revision): the \(event.event.rawValue) event binds it to \(path), but its file \(previous) is still there (a move leaves its old place)", commit.id, id)
            }
        } else {
            let derived = try project.derivedID(path, template, tree: nil)
            if derived != id {
                add("adopt.binding", "\(id) \(event.revision): the \(event.event.rawValue) event binds it to \(path), a file that gives itself the ID \(derived.isEmpty ? "(none)" : derived) (the first binding names the file's own ID)", commit.id, id)
            }
        }
        guard let parentID = commit.parentIDs.first, let rules = try self.project(try repository.commit(parentID).tree()) else { return }
        let parent = Project(repository: repository, source: TreeSource(repository: repository, tree: try repository.commit(parentID).tree(), label: "parent"), reusing: rules)
        if let previous = parent.locate(path), previous.id != id, !previous.id.isEmpty, DocumentID.problem(previous.id) == nil,
            try parent.source.exists(Record.path(for: previous.id))
        {
            add("adopt.binding", "\(id) \(event.revision): the \(event.event.rawValue) event binds it to \(path), the file of \(previous.id) (a controlled document keeps its file)", commit.id, id)
        }
    }

    private func locate(_ id: String, _ project: Project) throws -> DocumentLocation? {
        if let hit = locations[id], let location = hit, try project.source.exists(location.path) { return location }
        // An ID several adopted files claim is reported (id.duplicate), not resolved here.
        let location = (try? project.find(id)) ?? nil
        if location != nil { locations[id] = location }
        return location
    }

    private func checkDuplicateIDs(_ tip: Commit) throws {
        let project = try Project(repository: repository, source: TreeSource(repository: repository, tree: tip.tree(), label: "HEAD"))
        var paths: [String: String] = [:]
        for location in try project.allDocuments() where !location.id.isEmpty {
            if let other = paths[location.id] {
                add("id.duplicate", "\(location.id) is used by both \(other) and \(location.path)", tip.id, location.id)
            }
            paths[location.id] = location.path
        }
    }

    /// Issue tags must point at the commit that issued that revision, on a
    /// branch holding folio.yml (local or remote-tracking): elsewhere its
    /// content was never checked.
    private func checkTags() throws {
        var branches: [ObjectID] = []
        for prefix in ["refs/heads/", "refs/remotes/"] {
            for (_, target) in try repository.references(prefix: prefix) {
                if let tip = try? repository.commit(target.description), (try? tip.tree().entry(at: ProjectConfig.path)) != nil {
                    branches.append(tip.id)
                }
            }
        }
        for (name, _) in try repository.references(prefix: "refs/tags/folio/") {
            let parts = name.dropFirst("refs/tags/folio/".count).split(separator: "/")
            guard parts.count == 2, let commit = try? repository.commit(name) else { continue }  // peels annotated tags
            if !(try Verifier.issues(commit, id: String(parts[0]), revision: String(parts[1]), repository)) {
                add("tag.moved", "tag \(name) does not point at the commit that issued \(parts[0]) \(parts[1])", commit.id, String(parts[0]))
            }
            if !branches.contains(where: { repository.isDescendant($0, of: commit.id) }) {
                add("tag.unprotected", "tag \(name) points at a commit on no branch holding folio.yml, where its content would have been checked", commit.id, String(parts[0]))
            }
        }
    }

    /// Whether `commit` is the one that issued `revision` of `id`: it appends
    /// an `issued` event with that revision to the document's record.
    public static func issues(_ commit: Commit, id: String, revision: String, _ repository: Repository) throws -> Bool {
        guard DocumentID.problem(id) == nil else { return false }
        let path = Record.path(for: id)
        guard let new = try commit.tree().entry(at: path) else { return false }
        let old = try commit.parentIDs.first.flatMap { try repository.commit($0).tree().entry(at: path) }
        let before = try old.map { try repository.blobData($0.id, limit: Limits.recordBytes) } ?? []
        let after = try repository.blobData(new.id, limit: Limits.recordBytes)
        guard let added = RecordFile.appended(old: before, new: after),
            let appended = try? Record.empty.appending(parsing: added, path: path)
        else { return false }
        return appended.events.contains { $0.event == .issued && $0.revision == revision && $0.document == id }
    }
}
