import FolioGit
import FolioModel
import Foundation

/// The change history of a repository, newest first, as `HistoryCommit`s:
/// read from the history index where it holds, worked out from the commits
/// where it does not, and handed over one commit at a time so that a report
/// of any length runs in bounded memory.
public enum HistoryLog {
    /// How a run used the index.
    public enum IndexUse: String, Sendable {
        /// Not asked to (`--no-cache`).
        case off
        /// There was none, or it did not hold: every commit was read.
        case built
        /// The tip had moved on: only the new commits were read.
        case extended
        /// It was for this very tip.
        case current
        /// History was rewritten or another tip was asked for: entries were
        /// taken by commit id, the rest read.
        case reused
    }

    /// How often `progress` is called, in commits.
    public static let progressEvery = 250

    public struct Summary: Sendable {
        public let commits: Int
        /// Commits read from git (the rest came from the index).
        public let scanned: Int
        public let index: IndexUse
    }

    /// Calls `each` with every commit reachable from `tip`, newest first
    /// (topological, then by time: the order of a walk from `tip`).
    /// `progress` gets (done, total) every so often.
    @discardableResult
    public static func forEach(
        _ repository: Repository, from tip: ObjectID, rules project: Project? = nil, useIndex: Bool = true,
        progress: ((Int, Int) -> Void)? = nil, _ each: (HistoryCommit) throws -> Void
    ) throws -> Summary {
        repository.boundMemoryForHistory()
        // The caller's rules at the tip, so that the walk need not parse them again.
        var rules: [String: Project.Rules] = [:]
        if let project, let tree = try? repository.commit(tip).tree(), let config = try tree.entry(at: ProjectConfig.path) {
            rules[RulesCache.key(config: config.id, templates: try tree.entry(at: "templates")?.id)] = project.rules
        }
        // A shallow clone's cut commits look like roots here: nothing of it
        // is kept in the index, nor read from one.
        let useIndex = useIndex && !repository.isShallow
        let cached = useIndex ? HistoryIndexFile(repository) : nil
        var done = 0
        func tick(_ total: Int) {
            done += 1
            if done % HistoryLog.progressEvery == 0 { progress?(done, total) }
        }
        if let cached, cached.tip == tip {
            if try cached.forEach({ try each($0); tick(cached.count) }) {
                return Summary(commits: cached.count, scanned: 0, index: .current)
            }
            // Unreadable past its checksum (a coding change): start over.
            if done > 0 { throw FolioError.unreadable("the history index changed while it was read; run the report again") }
            return try full(repository, tip, cached: nil, rules: rules, useIndex: useIndex, progress: progress, each)
        }
        if let cached, let fresh = try linearExtension(repository, to: tip, from: cached.tip) {
            let writer = HistoryIndexWriter(repository)
            let total = fresh.count + cached.count
            try HistoryPipeline.run(repository, fresh, known: [], rules: rules) { _, commit in
                guard let commit else { return }
                writer?.add(commit)
                try each(commit)
                tick(total)
            }
            if try cached.forEach({ try each($0); tick(total) }) {
                cached.copyBody(to: writer)
                writer?.commit(tip: tip)
                return Summary(commits: total, scanned: fresh.count, index: .extended)
            }
            throw FolioError.unreadable("the history index changed while it was read; run the report again")
        }
        return try full(repository, tip, cached: cached, rules: rules, useIndex: useIndex, progress: progress, each)
    }

    /// A walk of the whole history, taking what entries the index has by
    /// commit id.
    private static func full(
        _ repository: Repository, _ tip: ObjectID, cached: HistoryIndexFile?, rules: [String: Project.Rules], useIndex: Bool,
        progress: ((Int, Int) -> Void)?, _ each: (HistoryCommit) throws -> Void
    ) throws -> Summary {
        let ids = try repository.walk(from: [tip])
        let offsets = cached?.offsets() ?? [:]
        let writer = useIndex ? HistoryIndexWriter(repository) : nil
        var scanned = 0
        var n = 0
        // Entries of the index are taken by commit id; the rest are read.
        let known = Set(offsets.keys)
        try HistoryPipeline.run(repository, ids, known: known, rules: rules) { id, fresh in
            let commit: HistoryCommit
            if let fresh {
                commit = fresh
                scanned += 1
            } else if let offset = offsets[id], let entry = cached?.entry(at: offset), entry.id == id {
                commit = entry
            } else {
                throw FolioError.unreadable("the history index has a damaged entry for \(id.short); delete \(HistoryIndex.path(repository)) and run the report again")
            }
            writer?.add(commit)
            try each(commit)
            n += 1
            if n % HistoryLog.progressEvery == 0 { progress?(n, ids.count) }
        }
        // A report at an older revision, answered from the index of a newer
        // one, leaves that index as it was.
        if scanned > 0 || cached == nil || !repository.isDescendant(cached!.tip, of: tip) { writer?.commit(tip: tip) }
        let use: IndexUse = !useIndex ? .off : cached == nil ? .built : .reused
        return Summary(commits: ids.count, scanned: scanned, index: use)
    }

    /// The commits from `old` to `tip` when the walk from `tip` is exactly
    /// those commits followed by the walk from `old`: every new commit is
    /// newer than `old` and its parents are new commits or `old` itself.
    /// Nil otherwise (a rewrite, a merge of older work, another branch).
    private static func linearExtension(_ repository: Repository, to tip: ObjectID, from old: ObjectID) throws -> [ObjectID]? {
        guard let base = try? repository.commit(old) else { return nil }
        let oldTime = base.committer.time
        guard let fresh = try? repository.walk(from: [tip], hiding: [old]), !fresh.isEmpty else { return nil }
        let members = Set(fresh)
        var reachesOld = false
        for id in fresh {
            let commit = try repository.commit(id)
            // Newer than `old`, and not a new root: each reaches `old`.
            guard commit.committer.time > oldTime, commit.parentCount > 0 else { return nil }
            for parent in commit.parentIDs {
                if parent == old {
                    reachesOld = true
                } else if !members.contains(parent) {
                    return nil
                }
            }
        }
        return reachesOld ? fresh : nil
    }
}
