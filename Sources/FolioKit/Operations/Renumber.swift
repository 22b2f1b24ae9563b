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

    public static func run(repository: Repository, document: String, onto: String?, context: FolioContext) throws -> Result {
        guard let workdir = repository.workdir else { throw FolioError.usage("'renumber' needs a work tree") }
        _ = workdir
        guard let branch = try repository.headBranch(), let head = try repository.headCommit() else {
            throw FolioError.usage("renumber needs a branch with commits")
        }
        let upstream = onto ?? defaultUpstream(repository, branch: branch)
        guard let upstream, let base = try? repository.commit(upstream) else {
            throw FolioError.usage("no upstream to renumber onto: fetch first and name it with --onto (e.g. --onto origin/main)")
        }
        let actor = try Actor.current(repository, context)
        let local = try Project.atRevision(repository, nil)
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
        let others = mine.filter { $0.path != location.path && !$0.path.hasPrefix(folder) && $0.path != recordPath }
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
        // Work tree first (refused, changing nothing, if local edits would be lost), then the branch.
        try repository.checkoutSafely(commit)
        do {
            try repository.updateReference(branch, to: commit, expecting: head.id, logMessage: "folio: renumber \(location.id) to \(newID)")
        } catch let e as GitError where e.isModified {
            try? repository.checkoutSafely(head.id)
            throw FolioError.refused("\(branch) moved while renumbering; run it again")
        }
        SequenceMark.raise(repository, code: baseTemplate.code, to: seq)
        return Result(oldID: location.id, newID: newID, path: newLocation.path, commit: commit, onto: upstream)
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
