import FolioGit
import FolioModel
import Foundation

/// Two people check in the same document on two clones. When one pulls the
/// other's work, git merges the content (stopping on a conflict) and joins
/// the two records with its union merge: both check-ins stay, each under
/// the draft number its clone gave it. The merged content is neither
/// side's recorded version, so it is recorded as a new one, in the merge
/// commit itself: `folio checkin ID…` while the merge is in progress. The
/// fold then reads the record in order: the second side's check-in is the
/// next draft after the first's, and the merge's check-in the draft after
/// both (docs/lifecycle.md, "Two clones, one draft").
extension CheckIn {
    /// Records the work tree's content of `documents` as new versions and
    /// makes the commit of the merge in progress, whose other staged
    /// changes it keeps; git's merge state is then cleared, as `git commit`
    /// would. The documents' own conflicts are resolved by taking the work
    /// tree's files (which must hold no conflict markers).
    /// A document whose merged content is already its last recorded version
    /// (in the merge's order) gets no new one; the merge commit is made all
    /// the same (`newVersion` false).
    /// - Throws: `FolioError.refused` when other paths are still unmerged,
    ///   a document holds conflict markers or breaks its template, or
    ///   another document the merge changes is not a recorded version;
    ///   `FolioError.usage` for an unknown document.
    public static func finishMerge(repository: Repository, documents: [String], message: String?, context: FolioContext) throws -> [Result] {
        guard repository.operationInProgress == .merge else {
            throw FolioError.usage("no git merge is in progress")
        }
        let heads = repository.mergeHeads()
        guard !heads.isEmpty else { throw FolioError.refused("a merge is in progress but git names no MERGE_HEAD: finish it with 'git commit' or 'git merge --abort'") }
        let actor = try Actor.current(repository, context)
        var transaction = Transaction(repository: repository, actor: actor, context: context)
        transaction.finishesMerge = true
        var results: [(id: String, path: String, revision: String, warnings: [Diagnostic], new: Bool)] = []
        var resolved: [String] = []
        let paths = WorkTreePaths()
        let content = workTreeContent(repository, paths)
        let (commit, _) = try transaction.commit { tip in
            results = []
            // The documents, as HEAD's rules find them.
            let head = try Project.atRevision(repository, nil)
            var named: [(DocumentLocation, Template)] = []
            for document in documents {
                let location = try head.require(document, from: context.workingDirectory)
                guard let template = head.template(location.type) else {
                    throw FolioError.refused("type '\(location.type)' has no valid template")
                }
                if !named.contains(where: { $0.0.id == location.id }) { named.append((location, template)) }
            }
            // Their files are taken from the work tree, which resolves their
            // conflicts; any other unmerged path is the person's to resolve.
            let index = try repository.index()
            func owned(_ path: String) -> Bool {
                named.contains { location, template in
                    path == location.path || (template.adopt == nil && path.hasPrefix(template.attachmentFolder(id: location.id) + "/"))
                }
            }
            resolved = index.conflictedPaths().filter(owned)
            // An attachment's sides cannot be merged line by line, nor told apart in the work tree.
            let attachments = resolved.filter { path in !named.contains { $0.0.path == path } }
            if !attachments.isEmpty {
                throw FolioError.refused(
                    "both sides changed \(attachments.joined(separator: ", ")): choose one side of each ('git checkout --ours PATH' or 'git checkout --theirs PATH', then 'git add PATH'), then run this again")
            }
            for path in resolved { try index.stageFromWorkTree(path) }
            let unmerged = index.conflictedPaths()
            guard unmerged.isEmpty else {
                throw FolioError.refused(
                    "still unmerged: \(unmerged.joined(separator: ", ")): resolve \(unmerged.count == 1 ? "it" : "them") and 'git add' \(unmerged.count == 1 ? "it" : "them") (or name \(unmerged.count == 1 ? "its document" : "their documents") here too), then run this again")
            }
            guard let tip else { throw FolioError.refused("the branch has no commit to merge into") }
            let parents = try mergeParents(repository, tip: tip.id, heads: heads)
            let (merged, reordered) = try recordsInOrder(repository, index.writeTree(), parents: parents)
            let project = try Project(repository: repository, source: TreeSource(repository: repository, tree: repository.tree(merged), label: "the merge"))
            guard project.config.person(actor.email) != nil else {
                throw FolioError.refused("\(actor.email) is not listed in the people of folio.yml")
            }
            var plan = WritePlan(subject: "")
            var titles: [String] = []
            for (found, _) in named {
                guard let location = project.locate(found.path), location.id == found.id, let template = project.template(location.type) else {
                    throw FolioError.refused("\(found.id) is not in the merge's result at \(found.path)")
                }
                let (committed, new, _, status) = try versionInputs(project, location, template, content)
                let writer = VersionWriter(project: project, actor: actor, template: template, location: location)
                if status.state == .superseded || status.state == .withdrawn {
                    // One side retired it: the merge keeps the content it was retired with.
                    guard try status.retiredFingerprint == writer.fingerprint(new) else {
                        throw FolioError.refused(
                            "\(location.id) is \(status.state.rawValue) (on one side of this merge): it keeps the content it was \(status.state.rawValue) with; take that side's \(location.path) ('git checkout --theirs' or '--ours', or 'git checkout COMMIT -- PATH'), then run this again")
                    }
                    results.append((location.id, location.path, status.revision, [], false))
                    continue
                }
                if try status.contentFingerprint == writer.fingerprint(new) {
                    // Already the last recorded version (in the merge's order): the merge commit holds it as it is.
                    results.append((location.id, location.path, status.revision, [], false))
                    continue
                }
                let warnings = try writer.validate(new)
                let title = titleOf(new, location, template)
                let one = try writer.plan(
                    new, previous: committed, event: .checkedIn, action: "checkin",
                    subject: "", comment: message)
                plan.changes += one.changes
                plan.trailers += one.trailers
                titles.append("\(location.id) '\(title)'")
                results.append((location.id, location.path, one.trailers.first { $0.key == "Folio-Revision" }?.value ?? "", warnings, true))
            }
            // Every other document the merge changes must already be a recorded version.
            let others = try unrecorded(project, from: tip.treeID).filter { other in !named.contains { $0.0.id == other.id } }
            if !others.isEmpty {
                let all = named.map(\.0.id) + others.map(\.id)
                throw FolioError.refused(
                    "the merge also changes \(others.map(\.id).joined(separator: ", ")) to content \(others.count == 1 ? "its record does" : "their records do") not name: check them in together: folio checkin \(all.joined(separator: " "))")
            }
            let checkedIn = results.filter(\.new)
            plan.subject = checkedIn.isEmpty
                ? "Merge, with the records of \(results.map(\.id).joined(separator: ", ")) in order"
                : checkedIn.count == 1
                    ? "\(checkedIn[0].id): check in the merged \(titles[0].dropFirst(checkedIn[0].id.count + 1))"
                    : "check in the merged \(titles.joined(separator: ", "))"
            // Records the merge puts in order, as the work tree and index will show them.
            for (path, bytes) in reordered where !plan.changes.contains(where: { $0.path == path }) {
                plan.changes.append((path, .bytes(bytes)))
            }
            plan.body = ([repository.mergeMessage() ?? "Merge"] + (message.map { [$0] } ?? [])).joined(separator: "\n\n")
            plan.baseTree = merged
            plan.parents = parents
            plan.keepWorkTree = paths.read
            plan.stagedByGit = paths.stagedByGit
            return plan
        }
        // git's merge ends with its commit; the documents' conflicts are resolved in the index.
        try repository.clearOperationState()
        if !resolved.isEmpty {
            let index = try repository.index()
            for path in resolved { try index.stageFromWorkTree(path) }
            try index.write()
        }
        return results.map { Result(id: $0.id, path: $0.path, revision: $0.revision, commit: commit, warnings: $0.warnings, newVersion: $0.new) }
    }

    /// The documents whose content in `project` (read from a tree: a merge's
    /// result) is not the last version their record there names, among the
    /// controlled documents that differ from `base`'s tree. A merge must
    /// record such content as a new version (`finishMerge`).
    public static func unrecorded(_ project: Project, from base: ObjectID?) throws -> [DocumentLocation] {
        guard let tree = project.source as? TreeSource else { return [] }
        var seen = Set<String>()
        var found: [DocumentLocation] = []
        for change in try project.repository.changedFiles(from: base, to: tree.tree.id) {
            guard RecordFile.documentID(atPath: change.path) == nil,
                let location = project.locate(change.path) ?? project.attachmentOwner(change.path),
                DocumentID.problem(location.id) == nil, seen.insert(location.id).inserted
            else { continue }
            let record = try project.record(location.id)
            guard !record.events.isEmpty, let current = try project.currentFingerprint(location) else { continue }
            let status = DocumentStatus.derive(record, scheme: project.config.revisions)
            // Retired content stays what it was retired with.
            let expected = [.superseded, .withdrawn].contains(status.state) ? status.retiredFingerprint ?? status.contentFingerprint : status.contentFingerprint
            if expected != current { found.append(location) }
        }
        return found
    }

    /// For a merge in progress or being committed: the documents whose merged
    /// content must be checked in to finish it. The index is read as the
    /// merge's result, with conflicted files taken from the work tree (as
    /// `finishMerge` takes them); a document with a conflict is always listed.
    /// Empty outside a Folio project.
    public static func toRecordInMerge(_ repository: Repository, index: Index) throws -> [String] {
        guard let head = try repository.headCommit() else { return [] }
        let conflicted = index.conflictedPaths()
        for path in conflicted { try index.stageFromWorkTree(path) }
        let tree = try index.writeTree()
        let source = TreeSource(repository: repository, tree: try repository.tree(tree), label: "the merge")
        guard try source.read(ProjectConfig.path, limit: Limits.configBytes) != nil,
            let project = try? Project(repository: repository, source: source)
        else { return [] }
        var ids: [String] = []
        for path in conflicted where RecordFile.documentID(atPath: path) == nil {
            if let id = (project.locate(path) ?? project.attachmentOwner(path))?.id, DocumentID.problem(id) == nil, !ids.contains(id) {
                ids.append(id)
            }
        }
        for location in try unrecorded(project, from: head.treeID) where !ids.contains(location.id) { ids.append(location.id) }
        // Both sides checked the document in since they parted: git's union
        // merge would put this side's versions first and give the other
        // side's (published) ones new labels; a check-in of the merge orders
        // them. Known only where git names the other side (MERGE_HEAD: not
        // yet written while pre-merge-commit runs, but such a merge changes
        // the content, which the check above finds).
        let heads = repository.operationInProgress == .merge ? repository.mergeHeads() : []
        if !heads.isEmpty {
            let headTree = try head.tree()
            let others = try heads.map { try repository.commit($0).tree() }
            func versions(_ tree: Tree, _ path: String) throws -> [RecordEvent] {
                guard let entry = try tree.entry(at: path) else { return [] }
                // Versions and issues: the lines the fold labels.
                return try Record.parse(try repository.blobData(entry.id, limit: Limits.recordBytes), path: path).events
                    .filter { $0.isVersion || $0.event == .issued }
            }
            for change in try repository.changedFiles(from: head.treeID, to: tree) {
                guard let id = RecordFile.documentID(atPath: change.path), !ids.contains(id) else { continue }
                let mine = try versions(headTree, change.path)
                let theirs = try others.flatMap { try versions($0, change.path) }
                let mineNew = mine.filter { !theirs.contains($0) }
                let theirsNew = theirs.filter { !mine.contains($0) }
                if !mineNew.isEmpty && !theirsNew.isEmpty { ids.append(id) }
            }
        }
        return ids
    }

    /// The parents of the merge commit. The side that is already shared
    /// comes first, so that its records keep their order and its versions
    /// their labels, and the branch's first-parent history stays the shared
    /// one (the cure for git's "foxtrot" merges): `git pull`, or `git merge
    /// origin/main` on a feature branch, merges a commit a remote-tracking
    /// branch holds into work no such branch holds yet; then the merged-in
    /// commit is the first parent. Otherwise (a local branch merged into
    /// yours) your branch stays first, as git does.
    static func mergeParents(_ repository: Repository, tip: ObjectID, heads: [ObjectID]) throws -> [ObjectID] {
        guard heads.count == 1, !repository.isDescendant(tip, of: heads[0]) else { return [tip] + heads }
        let remotes = try repository.references(prefix: "refs/remotes/").map(\.target)
        let shared = { (commit: ObjectID) in remotes.contains { repository.isDescendant($0, of: commit) } }
        guard shared(heads[0]), !shared(tip) else { return [tip] + heads }
        return [heads[0], tip]
    }

    /// The merged tree with every record both sides changed in the order of
    /// `parents`: the first parent's lines as they stand, then each other
    /// parent's lines it lacks, in that parent's order. (git's union merge
    /// puts the work tree's side first, which for a merge with the upstream
    /// first would reorder the shared lines.)
    static func recordsInOrder(_ repository: Repository, _ merged: ObjectID, parents: [ObjectID]) throws -> (ObjectID, [(String, [UInt8])]) {
        guard parents.count > 1 else { return (merged, []) }
        var written: [(String, [UInt8])] = []
        let trees = try parents.map { try repository.commit($0).tree() }
        var changes: [PathChange] = []
        var seen = Set<String>()
        for other in trees.dropFirst() {
            for change in try repository.changedFiles(from: trees[0].id, to: other.id) {
                guard RecordFile.documentID(atPath: change.path) != nil, seen.insert(change.path).inserted else { continue }
                var lines: [ArraySlice<UInt8>] = []
                for tree in trees {
                    guard let entry = try tree.entry(at: change.path) else { continue }
                    let bytes = try repository.blobData(entry.id, limit: Limits.recordBytes)
                    var unmatched = lines
                    for line in bytes.split(separator: 0x0A) {
                        if let at = unmatched.firstIndex(of: line) { unmatched.remove(at: at) } else { lines.append(line) }
                    }
                }
                var text: [UInt8] = []
                for line in lines { text += line + [0x0A] }
                changes.append(.set(change.path, try repository.writeBlob(text)))
                written.append((change.path, text))
            }
        }
        return (changes.isEmpty ? merged : try repository.updatedTree(base: merged, changes: changes), written)
    }
}
