import FolioGit
import FolioModel
import Foundation

/// The client hooks: `pre-commit` validates what is staged; `commit-msg`
/// adds the Folio trailers to plain git commits of documents.
public enum ClientHooks {
    /// Diagnostics for the staged changes. Reads only the changed paths and
    /// the rules, so its cost does not grow with the repository.
    /// `merging`: git is about to commit a merge (`pre-merge-commit`; for
    /// `pre-commit`, a merge in progress says so).
    public static func preCommit(repository: Repository, merging: Bool = false, context: FolioContext) throws -> [Diagnostic] {
        let index = try repository.index(file: context.indexFile)
        let source = IndexSource(repository: repository, index: index)
        guard try source.read(ProjectConfig.path, limit: Limits.configBytes) != nil else {
            return []  // not (or no longer) a Folio repository: nothing to enforce
        }
        let project: Project
        do {
            project = try Project(repository: repository, source: source)
        } catch let e as FolioError {
            return [Diagnostic(path: ProjectConfig.path, line: 1, column: 1, severity: .error, message: e.description, rule: "config")]
        }
        let head = try repository.headCommit()
        let changes = try repository.stagedChanges(from: head?.treeID, index: index)
        var out: [Diagnostic] = []
        // A merge that would join two documents created under one ID.
        if let taken = try Renumber.takenOnBothSides(repository) {
            for id in taken.ids {
                out.append(Diagnostic(
                    path: Record.path(for: id), line: 1, column: 1, severity: .error,
                    message: "\(id) was created on both sides of this \(taken.operation.name) (someone else took the ID first): run 'folio renumber \(id)' to give yours a fresh ID on top of the upstream; it ends the \(taken.operation.name)",
                    rule: "id.taken"))
            }
        }
        // A merge that would commit content no record names: two sides changed
        // a document, and the merged version must be checked in as a new one.
        if merging || repository.operationInProgress == .merge {
            let ids = try CheckIn.toRecordInMerge(repository, index: try repository.index(file: context.indexFile))
            for id in ids {
                let path = (try? project.find(id))??.path ?? Record.path(for: id)
                out.append(Diagnostic(
                    path: path, line: 1, column: 1, severity: .error,
                    message: "\(id) was changed on both sides of this merge, and the merged content is not a version its record names (or both sides added versions or issues): run 'folio checkin \(ids.joined(separator: " "))' to record it; that makes the merge commit (a document one side withdrew or superseded keeps the content it was retired with: take that side's file first)",
                    rule: "merge.unrecorded"))
            }
        }
        var checked = Set<String>()
        for change in changes {
            if RecordFile.documentID(atPath: change.path) != nil {
                out += try recordChange(repository, change)
                continue
            }
            if change.status == .deleted, let location = project.locate(change.path) {
                // An adopted document moved without a record of the move.
                out += try project.missingAdoptedDocuments().filter { $0.path == change.path }
                // `git rm` or `git mv` of a controlled document: say what to do instead.
                if location.path == change.path, project.template(location.type)?.adopt == nil, DocumentID.problem(location.id) == nil,
                    try project.source.exists(Record.path(for: location.id))
                {
                    // Moved rather than removed: the way back is the reverse move.
                    let name = splitPath(change.path).name
                    let undo = changes.first { $0.status != .deleted && splitPath($0.path).name == name && $0.path != change.path }
                        .map { "git mv \($0.path) \(change.path)" } ?? "git restore --staged --worktree \(change.path)"
                    out.append(Diagnostic(
                        path: change.path, line: 1, column: 1, severity: .error,
                        message: "\(location.id) is a controlled document: it stays at its path and is never deleted (retire it with 'folio withdraw \(location.id) --reason ...' or 'folio supersede \(location.id) --by OTHER-ID'; undo with '\(undo)')",
                        rule: "document.deleted"))
                }
                continue
            }
            out += try CheckDocuments.checkPath(project, change.path, explicit: false, checked: &checked, complete: false)
        }
        return out
    }

    /// A record may only grow: every committed line stays, in order.
    static func recordChange(_ repository: Repository, _ change: FileChange) throws -> [Diagnostic] {
        func fail(_ message: String) -> [Diagnostic] {
            // A revert finished by hand (git runs no hook for one that applies cleanly).
            let revert = repository.operationInProgress == .revert
                ? RecordFile.documentID(atPath: change.path).map { id in
                    "; this is a 'git revert'\(repository.revertHead().map { " of \($0.short)" } ?? ""): run 'git revert --abort', and to return to earlier content, check it in as a new version (folio show \(id) --rev REV > FILE, then folio checkin \(id))"
                } ?? ""
                : ""
            return [Diagnostic(path: change.path, line: 1, column: 1, severity: .error, message: message + revert, rule: "record.append-only")]
        }
        switch change.status {
        case .added: return []
        case .deleted: return fail("a lifecycle record may not be deleted")
        default: break
        }
        guard let oldID = change.oldID, let newID = change.newID else { return [] }
        let old = try repository.blobData(oldID, limit: Limits.recordBytes)
        let new = try repository.blobData(newID, limit: Limits.recordBytes)
        guard RecordFile.appended(old: old, new: new) != nil else {
            return fail("a lifecycle record is append-only: committed lines may not be edited, removed or reordered")
        }
        do {
            _ = try Record.parse(new, path: change.path)
        } catch let e as FolioError {
            return fail(e.description)
        }
        return []
    }

    /// Adds `Folio-Document:` and `Folio-Action:` trailers to the message of a
    /// commit that changes documents, unless it has them. Returns the new
    /// message, or nil when nothing needs adding.
    public static func commitMessage(repository: Repository, message: String, context: FolioContext) throws -> String? {
        let index = try repository.index(file: context.indexFile)
        let source = IndexSource(repository: repository, index: index)
        guard try source.read(ProjectConfig.path, limit: Limits.configBytes) != nil,
            let project = try? Project(repository: repository, source: source)
        else { return nil }
        let changes = try repository.stagedChanges(from: try repository.headCommit()?.treeID, index: index)
        var ids: [String] = []
        for change in changes {
            let id: String?
            if let record = RecordFile.documentID(atPath: change.path) {
                id = record
            } else {
                id = (project.locate(change.path) ?? project.attachmentOwner(change.path))?.id
            }
            if let id, !ids.contains(id) { ids.append(id) }
        }
        guard !ids.isEmpty else { return nil }
        // Comment lines are dropped by git after this hook; trailers go before them.
        let lines = message.split(separator: "\n", omittingEmptySubsequences: false)
        let content = lines.filter { !$0.hasPrefix("#") }.joined(separator: "\n").trimmingCharacters(in: .newlines)
        let existing = Commit.trailers(of: content + "\n")
        if existing.contains(where: { $0.key == "Folio-Document" }) { return nil }
        guard !content.isEmpty else { return nil }  // git aborts an empty message itself
        var trailerLines = ids.map { "Folio-Document: \($0)" }
        if !existing.contains(where: { $0.key == "Folio-Action" }) { trailerLines.append("Folio-Action: edit") }
        let separator = existing.isEmpty ? "\n\n" : "\n"
        let comments = lines.filter { $0.hasPrefix("#") }.joined(separator: "\n")
        return content + separator + trailerLines.joined(separator: "\n") + "\n" + (comments.isEmpty ? "" : "\n" + comments + "\n")
    }
}
