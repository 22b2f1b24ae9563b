import FolioGit
import FolioModel
import Foundation

/// `folio renumber ID`: when a document created on this clone was given an
/// ID that the server already uses (two people created documents at the same
/// time), move the unpublished work onto the upstream branch under a fresh ID.
public enum Renumber {
    public struct Result {
        public let oldID: String
        public let newID: String
        public let path: String
        public let commit: ObjectID
        public let onto: String
    }

    /// Renumbers `document` onto `onto` (default: the branch's upstream).
    /// Works whatever state `git pull` left: nothing done, a merge stopped on
    /// the add/add conflict (or resolved but not committed), or a rebase
    /// stopped on it. A stopped merge or rebase is then ended (as `git merge
    /// --abort` would, then the branch moved to the renumbered commit), as
    /// long as it holds no change of the person's own beyond the document's.
    /// Throws `FolioError.usage` without an upstream, `FolioError.refused`
    /// when the document cannot be renumbered or local changes are in the way.
    public static func run(repository: Repository, document: String, onto: String?, context: FolioContext) throws -> Result {
        guard repository.workdir != nil else { throw FolioError.usage("'renumber' needs a work tree") }
        let operation = repository.operationInProgress
        let branch: String
        let head: Commit
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
        let upstreamRef = onto ?? defaultUpstream(repository, branch: branch)
        guard let upstreamRef, let base = try? repository.commit(upstreamRef) else {
            throw FolioError.usage("no upstream to renumber onto: fetch first and name it with --onto (e.g. --onto origin/main)")
        }
        // As git names it in messages: origin/main.
        let upstream = upstreamRef.hasPrefix("refs/remotes/") ? String(upstreamRef.dropFirst(13)) : upstreamRef
        let actor = try Actor.current(repository, context)
        // The branch as this clone had it (in a rebase, HEAD is elsewhere).
        let local = try Project.atRevision(repository, operation == nil ? nil : head.id.description)
        let location = try local.require(document, from: context.workingDirectory)
        guard let template = local.template(location.type), template.adopt == nil else {
            throw FolioError.refused("\(location.id): only numbered documents can be renumbered")
        }
        let status = try local.status(location)
        guard status.issuedCount == 0 else {
            throw FolioError.refused("\(location.id) has been issued: an issued document keeps its ID")
        }
        // The unpublished work must be this document's only.
        let mergeBase = try repository.mergeBase(head.id, base.id)
        let mine = try repository.changedFiles(from: try mergeBase.map { try repository.commit($0).treeID }, to: head.treeID)
        let folder = template.attachmentFolder(id: location.id) + "/"
        let recordPath = Record.path(for: location.id)
        func isDocuments(_ path: String) -> Bool { path == location.path || path.hasPrefix(folder) || path == recordPath }
        let others = mine.filter { !isDocuments($0.path) }
        guard others.isEmpty else {
            throw FolioError.refused(
                "unpublished commits also change \(others.prefix(3).map(\.path).joined(separator: ", "))\(others.count > 3 ? ", …" : ""): rebase them onto \(upstream) first, then renumber")
        }
        guard mine.contains(where: { $0.path == location.path && $0.status == .added }) else {
            throw FolioError.refused("\(location.id) was not created by unpublished commits on this clone: nothing to renumber")
        }
        // A fresh ID on top of the upstream, above anything seen there or here.
        let baseProject = try Project(repository: repository, source: TreeSource(repository: repository, tree: base.tree(), label: upstream))
        guard let baseTemplate = baseProject.template(location.type) else {
            throw FolioError.refused("\(upstream) has no template for '\(location.type)'")
        }
        let seq = max(try NewDocument.nextSequence(baseProject, baseTemplate), try NewDocument.nextSequence(local, template))
        let cfg = baseProject.config
        let newID = cfg.numbering.format(project: cfg.project.code, code: baseTemplate.code, type: baseTemplate.type, seq: seq)
        let newLocation = DocumentLocation(type: location.type, id: newID, path: baseTemplate.documentPath(id: newID))
        guard var content = try VersionWriter.committedContent(local, location, template) else {
            throw FolioError.refused("\(location.id) is not committed")
        }
        content.document = try replacingID(content.document, from: location.id, to: newID)
        let writer = VersionWriter(project: baseProject, actor: actor, template: baseTemplate, location: newLocation)
        _ = try writer.validate(content)
        let plan = try writer.plan(
            content, previous: nil, event: .created, action: "create",
            subject: "\(newID): renumber \(location.id) (its ID was taken on \(upstream))",
            comment: "Renumbered from \(location.id), which was already used on \(upstream).")
        let commit = try Transaction(repository: repository, actor: actor, context: context)
            .writeCommit(plan, onto: base, signer: try CommitSigning.signer(repository))
        let logMessage = "folio: renumber \(location.id) to \(newID)"
        if let operation {
            // Whatever the stopped merge or rebase changed is either the
            // document's (replaced by the renumbered commit) or what the
            // renumbered commit holds anyway; anything else is the person's.
            let current = try repository.headCommit()
            let settled = Set(try repository.changedFiles(from: current?.treeID, to: try repository.commit(commit).treeID).map(\.path))
            let own = try repository.changedPaths().filter { !isDocuments($0) && !settled.contains($0) }
            guard own.isEmpty else {
                throw FolioError.refused(
                    "the stopped \(operation.name) holds changes of your own to \(own.prefix(3).joined(separator: ", "))\(own.count > 3 ? ", …" : ""): commit or stash them, or run '\(operation.abortCommand)', then renumber")
            }
            do {
                try repository.endOperation(on: branch, at: commit, expecting: head.id, logMessage: logMessage)
            } catch let e as GitError where e.isModified {
                throw FolioError.refused("\(branch) moved while renumbering; run it again")
            }
        } else {
            // Work tree first (refused, changing nothing, if local edits would be lost), then the branch.
            try repository.checkoutSafely(commit)
            do {
                try repository.updateReference(branch, to: commit, expecting: head.id, logMessage: logMessage)
            } catch let e as GitError where e.isModified {
                try? repository.checkoutSafely(head.id)
                throw FolioError.refused("\(branch) moved while renumbering; run it again")
            }
        }
        SequenceMark.raise(repository, code: baseTemplate.code, to: seq)
        return Result(oldID: location.id, newID: newID, path: newLocation.path, commit: commit, onto: upstream)
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
