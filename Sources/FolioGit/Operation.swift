import CGit2
import Foundation

/// A git command stopped half-way in a work tree (git's own "You are in the
/// middle of …" states, from `git_repository_state`).
public enum GitOperation: Sendable, Equatable {
    /// A merge stopped on a conflict, or waiting for its commit (`MERGE_HEAD`).
    case merge
    /// A rebase stopped on a conflict (`rebase-merge/` or `rebase-apply/`).
    case rebase
    case revert
    case cherryPick
    case bisect
    /// `git am` applying mailbox patches.
    case applyMailbox

    /// How a person would end it without keeping anything of it (git's own advice).
    public var abortCommand: String {
        switch self {
        case .merge: return "git merge --abort"
        case .rebase: return "git rebase --abort"
        case .revert: return "git revert --abort"
        case .cherryPick: return "git cherry-pick --abort"
        case .bisect: return "git bisect reset"
        case .applyMailbox: return "git am --abort"
        }
    }

    public var name: String {
        switch self {
        case .merge: return "merge"
        case .rebase: return "rebase"
        case .revert: return "revert"
        case .cherryPick: return "cherry-pick"
        case .bisect: return "bisect"
        case .applyMailbox: return "git am"
        }
    }
}

extension Repository {
    /// The git operation in progress in this work tree, if any.
    public var operationInProgress: GitOperation? {
        switch git_repository_state(pointer) {
        case Int32(GIT_REPOSITORY_STATE_MERGE.rawValue): return .merge
        case Int32(GIT_REPOSITORY_STATE_REVERT.rawValue), Int32(GIT_REPOSITORY_STATE_REVERT_SEQUENCE.rawValue): return .revert
        case Int32(GIT_REPOSITORY_STATE_CHERRYPICK.rawValue), Int32(GIT_REPOSITORY_STATE_CHERRYPICK_SEQUENCE.rawValue): return .cherryPick
        case Int32(GIT_REPOSITORY_STATE_BISECT.rawValue): return .bisect
        case Int32(GIT_REPOSITORY_STATE_REBASE.rawValue), Int32(GIT_REPOSITORY_STATE_REBASE_INTERACTIVE.rawValue),
            Int32(GIT_REPOSITORY_STATE_REBASE_MERGE.rawValue), Int32(GIT_REPOSITORY_STATE_APPLY_MAILBOX_OR_REBASE.rawValue):
            return .rebase
        case Int32(GIT_REPOSITORY_STATE_APPLY_MAILBOX.rawValue): return .applyMailbox
        default: return nil
        }
    }

    /// The commit a stopped merge is merging in (`MERGE_HEAD`; the first, for an octopus).
    public func mergeHead() -> ObjectID? {
        final class First { var id: ObjectID? }
        let first = First()
        _ = withExtendedLifetime(first) {
            git_repository_mergehead_foreach(pointer, { oid, payload in
                guard let oid, let payload else { return 1 }
                Unmanaged<First>.fromOpaque(payload).takeUnretainedValue().id = ObjectID(oid.pointee)
                return 1  // the first is enough: stop
            }, Unmanaged.passUnretained(first).toOpaque())
        }
        return first.id
    }

    /// Every commit a merge in progress is merging in (`MERGE_HEAD`, one
    /// line per head: more than one for an octopus merge), in git's order.
    public func mergeHeads() -> [ObjectID] {
        final class Heads { var ids: [ObjectID] = [] }
        let heads = Heads()
        _ = withExtendedLifetime(heads) {
            git_repository_mergehead_foreach(pointer, { oid, payload in
                guard let oid, let payload else { return 1 }
                Unmanaged<Heads>.fromOpaque(payload).takeUnretainedValue().ids.append(ObjectID(oid.pointee))
                return 0
            }, Unmanaged.passUnretained(heads).toOpaque())
        }
        return heads.ids
    }

    /// The message git prepared for the merge in progress (`MERGE_MSG`,
    /// "Merge branch 'main' of …"), without git's comment lines.
    public func mergeMessage() -> String? {
        guard let text = try? String(contentsOfFile: gitDir + "MERGE_MSG", encoding: .utf8) else { return nil }
        let kept = text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("#") }
        let message = kept.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        return message.isEmpty ? nil : message
    }

    /// Removes the state files of the git operation in progress (`MERGE_HEAD`,
    /// `MERGE_MSG`, …) once its commit is made, as `git commit` does at the
    /// end of a merge (`git_repository_state_cleanup`).
    /// - Throws: `GitError` when they cannot be removed.
    public func clearOperationState() throws {
        try gitCheck(git_repository_state_cleanup(pointer), "end the \(operationInProgress?.name ?? "git operation")")
    }

    /// The commit a stopped revert is reverting (`REVERT_HEAD`; libgit2 has
    /// no call for it, so git's own file is read).
    public func revertHead() -> ObjectID? {
        guard let text = try? String(contentsOfFile: gitDir + "REVERT_HEAD", encoding: .utf8) else { return nil }
        return text.split(whereSeparator: \.isNewline).first.flatMap { ObjectID(hex: String($0)) }
    }

    /// Whether a stopped `git pull --autostash` (a rebase or a merge) holds
    /// local changes it gives back only when it ends (git's
    /// `rebase-merge/autostash`, `rebase-apply/autostash`, `MERGE_AUTOSTASH`).
    public var operationHoldsAutostash: Bool {
        ["rebase-merge/autostash", "rebase-apply/autostash", "MERGE_AUTOSTASH"].contains { FileManager.default.fileExists(atPath: gitDir + $0) }
    }

    /// The branch a stopped rebase is rebasing, and the commit it pointed at
    /// when the rebase began (git's `rebase-merge/head-name` and `orig-head`,
    /// or the same under `rebase-apply/`). Nil when no rebase of a branch is
    /// in progress. Read from git's files: libgit2's `git_rebase_open`
    /// refuses the apply backend and git's interactive (sequencer) state.
    public func rebasedBranch() -> (branch: String, original: ObjectID)? {
        for folder in ["rebase-merge/", "rebase-apply/"] {
            let base = gitDir + folder
            guard let name = try? String(contentsOfFile: base + "head-name", encoding: .utf8),
                let orig = try? String(contentsOfFile: base + "orig-head", encoding: .utf8),
                let id = ObjectID(hex: orig.trimmingCharacters(in: .whitespacesAndNewlines))
            else { continue }
            let branch = name.trimmingCharacters(in: .whitespacesAndNewlines)
            guard branch.hasPrefix("refs/heads/") else { return nil }
            return (branch, id)
        }
        return nil
    }

    /// Paths whose index or work-tree file differs from HEAD's tree, or that
    /// are unmerged (as `git status` lists them, untracked files left out).
    public func changedPaths() throws -> [String] {
        var opts = git_status_options()
        git_status_options_init(&opts, UInt32(GIT_STATUS_OPTIONS_VERSION))
        opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR
        opts.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES.rawValue
        var list: OpaquePointer?
        try gitCheck(git_status_list_new(&list, pointer, &opts), "read the work tree's status")
        defer { git_status_list_free(list) }
        var paths: [String] = []
        for i in 0..<git_status_list_entrycount(list) {
            guard let entry = git_status_byindex(list, i)?.pointee else { continue }
            let delta = entry.head_to_index ?? entry.index_to_workdir
            guard let delta else { continue }
            let file = delta.pointee.new_file.path ?? delta.pointee.old_file.path
            if let file { paths.append(String(cString: file)) }
            if let old = delta.pointee.old_file.path, let new = delta.pointee.new_file.path, strcmp(old, new) != 0 {
                paths.append(String(cString: old))
            }
        }
        return paths
    }

    /// Ends a stopped git operation in favour of `commit` on `branch`: the
    /// branch is set to `commit` (when it still points at `expecting`), HEAD
    /// to the branch, the index and work tree to `commit`'s tree (git's
    /// `reset --hard`), and the operation's state files are removed
    /// (`MERGE_HEAD`, `rebase-merge/`, …). The caller has made sure no
    /// change of the person's own is in the way.
    /// Throws `GitError` when the branch moved or a step fails.
    public func endOperation(on branch: String, at commit: ObjectID, expecting: ObjectID, logMessage: String) throws {
        try updateReference(branch, to: commit, expecting: expecting, logMessage: logMessage)
        try gitCheck(git_repository_set_head(pointer, branch), "point HEAD at \(branch)")
        let target = try self.commit(commit)
        var opts = git_checkout_options()
        git_checkout_options_init(&opts, UInt32(GIT_CHECKOUT_OPTIONS_VERSION))
        opts.checkout_strategy = GIT_CHECKOUT_FORCE.rawValue
        _ = try withExtendedLifetime(target) {
            try gitCheck(git_reset(pointer, target.pointer, GIT_RESET_HARD, &opts), "reset the work tree to \(commit.short)")
        }
        try gitCheck(git_repository_state_cleanup(pointer), "end the stopped git operation")
    }
}
