import FolioGit
import FolioModel
import Foundation

/// `git revert` of a Folio commit, or an older file checked out and
/// committed, takes record lines away; records only grow (21 CFR 11.10 (e):
/// the audit trail is never obscured). Git runs no pre-commit hook for a
/// revert, so the way out is named wherever the damage is seen: `folio
/// status`, the pre-commit hook (a revert finished by hand), `verify` and
/// the server's refusal.
public enum RevertedRecord {
    /// The commit a `git revert` commit reverts (git writes "This reverts
    /// commit <id>." in its message); nil for any other commit.
    public static func reverted(by message: String) -> String? {
        guard let range = message.range(of: "This reverts commit ") else { return nil }
        let hex = message[range.upperBound...].prefix { $0.isHexDigit }
        return hex.count >= 7 ? String(hex) : nil
    }

    /// The way out, for a message: records only grow, so the commit goes,
    /// and earlier content comes back as a new version.
    public static func wayOut(_ id: String) -> String {
        "drop that commit (git reset --keep HEAD^ when it is the last and not pushed); to return to earlier content, check it in as a new version (folio show \(id) --rev REV > FILE, then folio checkin \(id))"
    }

    /// "it is a 'git revert' of <commit>: <the way out>", for a commit that reverts another; nil otherwise.
    public static func note(_ id: String, revert: String?) -> String? {
        revert.map { "it is a 'git revert' of \($0.prefix(10)): \(wayOut(id))" }
    }

    /// Records HEAD takes lines out of, compared with its first parent: one
    /// warning per document (`record.rewritten`; verify and the server
    /// refuse it). Empty when HEAD has no parent.
    public static func atHead(_ repository: Repository) throws -> [Diagnostic] {
        guard let head = try repository.headCommit(), let parent = head.parentIDs.first else { return [] }
        let before = try repository.commit(parent)
        let changes = try repository.changedFiles(from: before.treeID, to: head.treeID)
        var out: [Diagnostic] = []
        for change in changes {
            guard let id = RecordFile.documentID(atPath: change.path), let oldID = change.oldID else { continue }
            let old = try repository.blobData(oldID, limit: Limits.recordBytes)
            let new = try change.newID.map { try repository.blobData($0, limit: Limits.recordBytes) } ?? []
            if RecordFile.appended(old: old, new: new) == nil {
                out.append(Diagnostic(
                    path: change.path, line: 1, column: 1, severity: .warning,
                    message: "HEAD (\(head.id.short)) takes events out of the record of \(id) (records only grow); " + (note(id, revert: reverted(by: head.message)) ?? wayOut(id)),
                    rule: "record.rewritten"))
            }
        }
        return out
    }
}
