import FolioGit
import FolioModel
import Foundation

/// `folio renumber ID…`: when documents created on this clone were given IDs
/// that the server already uses (two people created documents at the same
/// time), rebuild the unpublished work on the upstream branch: the named
/// documents under fresh IDs, other documents created here under their own.
public enum Renumber {
    public struct Result {
        /// Old ID → new ID, in the order given.
        public let renumbered: [(old: String, new: String)]
        /// Documents created here whose IDs were free upstream: rebuilt under their own.
        public let kept: [String]
        public let commit: ObjectID
        public let onto: String
    }

    /// A document the unpublished commits created, and what it owns.
    struct Created {
        let location: DocumentLocation
        let template: Template
        var folder: String { template.attachmentFolder(id: location.id) + "/" }
        func owns(_ path: String) -> Bool {
            path == location.path || path.hasPrefix(folder) || path == Record.path(for: location.id)
        }
    }

    /// Renumbers `documents` onto `onto` (default: the branch's upstream).
    /// Works whatever state `git pull` left: nothing done, a merge stopped on
    /// the add/add conflict (or resolved but not committed), a merge committed
    /// without the hooks, or a rebase stopped on it. A stopped merge or rebase
    /// is then ended (as `git merge --abort` would, then the branch moved to
    /// the rebuilt commits), as long as nothing of the person's own would be
    /// lost: their edits to other files, a stash `--autostash` made, an
    /// untracked file where a document goes, a document edited since.
    /// Throws `FolioError.usage` without an upstream or for an unknown ID,
    /// `FolioError.refused` when the documents cannot be renumbered or local
    /// work is in the way (nothing is changed then).
    public static func run(repository: Repository, documents: [String], onto: String?, context: FolioContext) throws -> Result {
        guard let workdir = repository.workdir else { throw FolioError.usage("'renumber' needs a work tree") }
        guard !documents.isEmpty else { throw FolioError.usage("name the documents to renumber") }
        let operation = repository.operationInProgress
        let branch: String
        var head: Commit
        switch operation {
        case nil, .merge?:
            guard let b = try repository.headBranch(), let h = try repository.headCommit() else {
                throw FolioError.usage("renumber needs a branch with commits")
            }
            (branch, head) = (b, h)
        case .rebase?:
            guard let (b, original) = repository.rebasedBranch(), try repository.referenceTarget(b) == original else {
                throw FolioError.refused("a rebase is in progress and its branch cannot be found: run 'git rebase --abort', then renumber")
            }
            (branch, head) = (b, try repository.commit(original))
        case let other?:
            throw FolioError.refused("a \(other.name) is in progress: finish it or run '\(other.abortCommand)', then renumber")
        }
        let expected = head.id
        let upstreamRef = onto ?? defaultUpstream(repository, branch: branch)
        guard let upstreamRef, let base = try? repository.commit(upstreamRef) else {
            if let onto { throw FolioError.usage("--onto \(onto): no such branch or commit") }
            throw FolioError.usage("no upstream to renumber onto: fetch first and name it with --onto (e.g. --onto origin/main)")
        }
        // As git names it in messages: origin/main.
        let upstream = upstreamRef.hasPrefix("refs/remotes/") ? String(upstreamRef.dropFirst(13)) : upstreamRef
        // A merge of the upstream committed without the hooks: the work is its first parent's.
        var mergedUpstream = false
        let parents = head.parentIDs
        if operation == nil, parents.count == 2,
            let side = parents.firstIndex(where: { $0 == base.id || repository.isDescendant(base.id, of: $0) })
        {
            head = try repository.commit(parents[1 - side])
            mergedUpstream = true
        }
        let actor = try Actor.current(repository, context)
        // The branch as this clone had it (in a rebase, HEAD is elsewhere).
        let local = try Project.atRevision(repository, head.id.description)

        // What the unpublished commits did: create documents, nothing else.
        let mergeBase = try repository.mergeBase(head.id, base.id)
        let mine = try repository.changedFiles(from: try mergeBase.map { try repository.commit($0).treeID }, to: head.treeID)
        var created: [Created] = []
        for change in mine where change.status == .added {
            guard let location = local.locate(change.path), location.path == change.path,
                let template = local.template(location.type), template.adopt == nil
            else { continue }
            created.append(Created(location: location, template: template))
        }
        created.sort { $0.location.id < $1.location.id }
        var others = mine.filter { change in !created.contains { $0.owns(change.path) } }
        if mergedUpstream {
            // What the merge commit itself holds beyond the upstream (a resolution's edits) counts too.
            let merged = try repository.changedFiles(from: base.treeID, to: try repository.commit(expected).treeID)
            others += merged.filter { change in !created.contains { $0.owns(change.path) } && !others.contains { $0.path == change.path } }
        }
        var named: [Created] = []
        for document in documents {
            if let c = created.first(where: { $0.location.id == document || $0.location.path == document }) {
                if !named.contains(where: { $0.location.id == c.location.id }) { named.append(c) }
                continue
            }
            let location = try local.require(document, from: context.workingDirectory)
            if local.template(location.type)?.adopt != nil { throw FolioError.refused("\(location.id): only numbered documents can be renumbered") }
            if try local.status(location).issuedCount > 0 { throw FolioError.refused("\(location.id) has been issued: an issued document keeps its ID") }
            throw FolioError.refused("\(location.id) was not created by unpublished commits on this clone: nothing to renumber")
        }
        guard others.isEmpty else {
            throw FolioError.refused(
                "unpublished commits also change \(others.prefix(3).map(\.path).joined(separator: ", "))\(others.count > 3 ? ", …" : "") (renumber rebuilds only the documents created on this clone): bring those changes onto \(upstream) separately ('git rebase \(upstream)'), then renumber")
        }
        let baseTree = try base.tree()
        func taken(_ c: Created) throws -> Bool {
            try baseTree.entry(at: c.location.path) != nil || baseTree.entry(at: Record.path(for: c.location.id)) != nil
        }
        for c in named where try !taken(c) {
            throw FolioError.refused("\(c.location.id) is not taken on \(upstream): it keeps its ID (push again; 'git pull' first if the push is refused)")
        }
        let alsoTaken = try created.filter { c in try taken(c) && !named.contains { $0.location.id == c.location.id } }
        guard alsoTaken.isEmpty else {
            let all = (named + alsoTaken).map(\.location.id).sorted()
            throw FolioError.refused("\(alsoTaken.map(\.location.id).joined(separator: ", ")) \(alsoTaken.count == 1 ? "is" : "are") taken on \(upstream) too: run 'folio renumber \(all.joined(separator: " "))'")
        }
        for c in created where try local.status(c.location).issuedCount > 0 {
            throw FolioError.refused("\(c.location.id) has been issued: an issued document keeps its ID")
        }

        // One commit per document, on the upstream: renamed where named, else under its own ID.
        var tip = base
        var renumbered: [(old: String, new: String)] = []
        var kept: [String] = []
        var newPaths: [String] = []
        let signer = try CommitSigning.signer(repository)
        for c in created {
            let tipProject = try Project(repository: repository, source: TreeSource(repository: repository, tree: tip.tree(), label: upstream))
            guard let template = tipProject.template(c.location.type) else {
                throw FolioError.refused("\(upstream) has no template for '\(c.location.type)'")
            }
            let rename = named.contains { $0.location.id == c.location.id }
            var id = c.location.id
            var seq: Int?
            if rename {
                let next = max(try NewDocument.nextSequence(tipProject, template), try NewDocument.nextSequence(local, c.template))
                let cfg = tipProject.config
                id = cfg.numbering.format(project: cfg.project.code, code: template.code, type: template.type, seq: next)
                seq = next
            }
            let location = DocumentLocation(type: c.location.type, id: id, path: template.documentPath(id: id))
            guard var content = try VersionWriter.committedContent(local, c.location, c.template) else {
                throw FolioError.refused("\(c.location.id) is not committed")
            }
            if rename { content.document = try replacingID(content.document, from: c.location.id, to: id) }
            let writer = VersionWriter(project: tipProject, actor: actor, template: template, location: location)
            _ = try writer.validate(content)
            let plan = try writer.plan(
                content, previous: nil, event: .created, action: "create",
                subject: rename
                    ? "\(id): renumber \(c.location.id) (its ID was taken on \(upstream))"
                    : "\(id): create \(template.name) (rebuilt on \(upstream) by folio renumber)",
                comment: rename ? "Renumbered from \(c.location.id), which was already used on \(upstream)." : nil)
            tip = try repository.commit(try Transaction(repository: repository, actor: actor, context: context).writeCommit(plan, onto: tip, signer: signer))
            if rename { renumbered.append((c.location.id, id)) } else { kept.append(id) }
            newPaths += [location.path, template.attachmentFolder(id: id) + "/"]
            if let seq { SequenceMark.raise(repository, code: template.code, to: seq) }
        }
        let commit = tip.id
        let logMessage = "folio: renumber " + renumbered.map { "\($0.old) to \($0.new)" }.joined(separator: ", ")

        // Nothing of the person's own may be lost.
        try requireNothingLost(
            repository, workdir: workdir, operation: operation, ending: operation != nil || mergedUpstream, head: head, base: base, target: tip,
            created: created, newPaths: newPaths)
        if operation != nil || mergedUpstream {
            do {
                try repository.endOperation(on: branch, at: commit, expecting: expected, logMessage: logMessage)
            } catch let e as GitError where e.isModified {
                throw FolioError.refused("\(branch) moved while renumbering; run it again")
            }
        } else {
            // Work tree first (refused, changing nothing, if local edits would be lost), then the branch.
            try repository.checkoutSafely(commit)
            do {
                try repository.updateReference(branch, to: commit, expecting: expected, logMessage: logMessage)
            } catch let e as GitError where e.isModified {
                try? repository.checkoutSafely(expected)
                throw FolioError.refused("\(branch) moved while renumbering; run it again")
            }
        }
        let order = named.compactMap { n in renumbered.first { $0.old == n.location.id } }
        return Result(renumbered: order, kept: kept, commit: commit, onto: upstream)
    }

    /// Refuses, before anything changes, when moving the work tree to
    /// `target` would lose something of the person's: a stash a pull
    /// `--autostash` made, an untracked file where a rebuilt document goes,
    /// an edit to another file (in the index or the work tree) that `target`
    /// does not hold, or a document edited since its last commit (beyond
    /// git's conflict markers).
    static func requireNothingLost(
        _ repository: Repository, workdir: String, operation: GitOperation?, ending: Bool, head: Commit, base: Commit, target: Commit,
        created: [Created], newPaths: [String]
    ) throws {
        let way = operation.map { "run '\($0.abortCommand)' (or save them elsewhere), then renumber" } ?? "commit or stash them, then renumber"
        if repository.operationHoldsAutostash {
            throw FolioError.refused("git pull stashed your local changes (--autostash) and gives them back when the \(operation?.name ?? "pull") ends: run '\(operation?.abortCommand ?? "git stash pop")' to get them back, then renumber")
        }
        let index = try repository.index()
        let (headTree, baseTree, targetTree) = (try head.tree(), try base.tree(), try target.tree())
        // Untracked files where the rebuilt documents go.
        let fm = FileManager.default
        for path in newPaths {
            let full = workdir + path
            if path.hasSuffix("/") {
                for file in (fm.enumerator(atPath: full)?.allObjects as? [String]) ?? [] where !file.hasPrefix(".") {
                    let relative = path + file
                    var isDir: ObjCBool = false
                    if fm.fileExists(atPath: workdir + relative, isDirectory: &isDir), !isDir.boolValue, index.entry(at: relative) == nil {
                        throw FolioError.refused("\(relative) is not tracked by git and lies where the rebuilt document goes: move it away, then renumber")
                    }
                }
            } else if fm.fileExists(atPath: full), index.entry(at: path) == nil, try headTree.entry(at: path) == nil {
                throw FolioError.refused("\(path) is not tracked by git and lies where the rebuilt document goes: move it away, then renumber")
            }
        }
        // Edits of the person's own.
        func matchesTarget(_ path: String) throws -> Bool {
            let want = try targetTree.entry(at: path)?.id
            guard index.entry(at: path)?.id == want else { return false }
            guard let want else { return !fm.fileExists(atPath: workdir + path) }
            guard let bytes = fm.contents(atPath: workdir + path) else { return false }
            return repository.workTreeMatches(Array(bytes), path: path, blob: want)
        }
        var own: [String] = []
        for path in try repository.changedPaths() {
            if let c = created.first(where: { $0.owns(path) }) {
                // The document itself: committed, or as git's conflict left it.
                guard path == c.location.path, let bytes = fm.contents(atPath: workdir + path) else { continue }
                let text = Array(bytes)
                let asCommitted = try [headTree, baseTree].contains { tree in
                    try tree.entry(at: path).map { repository.workTreeMatches(text, path: path, blob: $0.id) } ?? false
                }
                if !asCommitted && ConflictMarkers.firstLine(text) == nil {
                    throw FolioError.refused("\(path) was edited since its last commit: renumber takes the committed version; check your edits in first (or save them elsewhere), then renumber")
                }
                continue
            }
            // A safe checkout keeps edits to files it need not touch; ending
            // a stopped merge resets every file.
            if !ending, try headTree.entry(at: path)?.id == targetTree.entry(at: path)?.id { continue }
            if try !matchesTarget(path) { own.append(path) }
        }
        guard own.isEmpty else {
            throw FolioError.refused("\(own.count == 1 ? "a change" : "changes") of your own to \(own.prefix(3).joined(separator: ", "))\(own.count > 3 ? ", …" : "") would be lost: \(way)")
        }
    }

    /// IDs created on both sides of a stopped merge or rebase: each side's
    /// record of the ID begins with a different `created` event (two people
    /// took the same next ID). Nil when no merge or rebase is stopped.
    public static func takenOnBothSides(_ repository: Repository) throws -> (operation: GitOperation, ids: [String])? {
        let operation = repository.operationInProgress
        let sides: (ObjectID, ObjectID)?
        switch operation {
        case .merge?: sides = try repository.headCommit().flatMap { h in repository.mergeHead().map { (h.id, $0) } }
        case .rebase?: sides = try repository.headCommit().flatMap { h in repository.rebasedBranch().map { ($0.original, h.id) } }
        default: return nil
        }
        guard let operation, let (ours, theirs) = sides else { return nil }
        func records(_ commit: ObjectID) throws -> [String: ObjectID] {
            guard let entry = try repository.commit(commit).tree().entry(at: RecordFile.folder), entry.kind == .tree else { return [:] }
            return Dictionary(try repository.tree(entry.id).entries.map { ($0.name, $0.id) }, uniquingKeysWith: { a, _ in a })
        }
        func firstLine(_ blob: ObjectID) throws -> ArraySlice<UInt8> {
            let bytes = try repository.blobData(blob, limit: Limits.recordBytes)
            return bytes.prefix { $0 != 0x0A }
        }
        let theirRecords = try records(theirs)
        var ids: [String] = []
        for (name, mine) in try records(ours).sorted(by: { $0.key < $1.key }) {
            guard let other = theirRecords[name], other != mine, let id = RecordFile.documentID(fileName: name) else { continue }
            if try firstLine(mine) != firstLine(other) { ids.append(id) }
        }
        return (operation, ids)
    }

    /// The branch's upstream as git configures it, else `origin/<branch>`.
    static func defaultUpstream(_ repository: Repository, branch: String) -> String? {
        let name = branch.hasPrefix("refs/heads/") ? String(branch.dropFirst(11)) : branch
        if let remote = repository.configString("branch.\(name).remote"),
            let merge = repository.configString("branch.\(name).merge"), merge.hasPrefix("refs/heads/")
        {
            return "refs/remotes/\(remote)/\(merge.dropFirst(11))"
        }
        return "refs/remotes/origin/\(name)"
    }

    /// The document text with its front matter `id:` set to the new ID.
    static func replacingID(_ bytes: [UInt8], from old: String, to new: String) throws -> [UInt8] {
        // Lines split on LF bytes keep a CR of a CRLF file, so the file keeps
        // its line endings; comparisons ignore that CR.
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        func content(_ line: String) -> Substring { line.hasSuffix("\r") ? line.dropLast() : Substring(line) }
        guard let first = lines.first, content(first) == "---", let end = lines.dropFirst().firstIndex(where: { content($0) == "---" }) else {
            throw FolioError.refused("\(old) has no front matter to renumber")
        }
        guard let i = lines[1..<end].firstIndex(where: { $0.hasPrefix("id:") }) else {
            throw FolioError.refused("\(old) has no id in its front matter")
        }
        lines[i] = "id: \(new)" + (lines[i].hasSuffix("\r") ? "\r" : "")
        for j in (end + 1)..<lines.count { lines[j] = lines[j].replacingOccurrences(of: old, with: new) }
        return Array(lines.joined(separator: "\n").utf8)
    }
}
