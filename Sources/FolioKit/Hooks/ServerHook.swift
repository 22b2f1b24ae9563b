import FolioGit
import FolioModel
import Foundation

/// The server's `pre-receive` hook: every pushed ref is checked before git
/// updates it, and the whole push is refused on any finding.
public enum ServerHook {
    public struct Update: Sendable, Equatable {
        public let old: ObjectID?
        public let new: ObjectID?
        public let ref: String
    }

    /// A refusal: the ref, and what was found.
    public struct Refusal: Sendable {
        public let ref: String
        public let finding: Finding

        public var line: String {
            let commit = finding.commit.isEmpty ? "" : " \(finding.commit.prefix(10))"
            return "folio: \(Diagnostic.escaped(ref))\(commit) \(Diagnostic.escaped(finding.document)): \(Diagnostic.escaped(finding.message)) [\(finding.rule)]"
        }
    }

    /// Parses git's pre-receive input: `<old> <new> <ref>` a line.
    public static func parse(_ input: String) throws -> [Update] {
        try input.split(separator: "\n").map { line in
            let parts = line.split(separator: " ")
            guard parts.count == 3 else { throw FolioError.usage("pre-receive: unexpected input line '\(line)'") }
            func id(_ s: Substring) throws -> ObjectID? {
                if s.allSatisfy({ $0 == "0" }) { return nil }
                guard let oid = ObjectID(hex: String(s)) else { throw FolioError.usage("pre-receive: bad object id '\(s)'") }
                return oid
            }
            return Update(old: try id(parts[0]), new: try id(parts[1]), ref: String(parts[2]))
        }
    }

    /// The variables git servers set for the authenticated pusher, in order:
    /// Gitea, GitLab, gitolite, smart HTTP behind a web server.
    public static let pusherVariables = ["GITEA_PUSHER_EMAIL", "GITEA_PUSHER_NAME", "GL_USERNAME", "GL_USER", "REMOTE_USER"]

    /// Who is pushing, from what the git server sets; nil when it names no
    /// one (then only a commit's good signature under the server's
    /// allowed_signers identifies anyone). A server user name may be mapped
    /// to a person with `git config folio.user.<name> <email>` in the server
    /// repository (or a `user:` key in folio.yml).
    public static func pusher(environment: [String: String], repository: Repository? = nil) -> String? {
        for key in pusherVariables {
            if let value = environment[key]?.trimmingCharacters(in: .whitespaces), !value.isEmpty {
                if let mapped = repository?.configString("folio.user.\(value)"), !mapped.isEmpty { return mapped }
                return value
            }
        }
        return nil
    }

    /// Whether a commit's tree holds folio.yml (nil: no commit).
    static func holdsConfig(_ repository: Repository, _ id: ObjectID?) -> Bool {
        guard let id, let commit = try? repository.commit(id.description), let tree = try? commit.tree() else { return false }
        return (try? tree.entry(at: ProjectConfig.path)) != nil
    }

    public static func check(repository: Repository, updates: [Update], environment: [String: String]) throws -> [Refusal] {
        var refusals: [Refusal] = []
        let defaultBranch = try? repository.headBranch()
        let envPusher = pusher(environment: environment, repository: repository)
        // The protected branches: every branch whose tip holds folio.yml. Only
        // commits reachable from them were checked, so only those are trusted
        // (not what other refs, which anyone may push, point at).
        var protectedBefore: [String: ObjectID] = [:]
        for (name, target) in try repository.references(prefix: "refs/heads/") where holdsConfig(repository, target) {
            protectedBefore[name] = target
        }
        let trusted = protectedBefore.keys.sorted().map { protectedBefore[$0]! }
        // ... and as they will be if the push is accepted.
        var protectedAfter = protectedBefore
        for update in updates where update.ref.hasPrefix("refs/heads/") {
            protectedAfter[update.ref] = holdsConfig(repository, update.new) ? update.new : nil
        }
        let managedServer = !protectedBefore.isEmpty || !protectedAfter.isEmpty
        // Issue tags held by `tip` that no protected branch will hold after the push.
        func orphanedTags(_ tip: ObjectID) throws -> [(String, ObjectID)] {
            try repository.references(prefix: "refs/tags/folio/").compactMap { tag, target in
                guard let tagged = try? repository.commit(target.description), repository.isDescendant(tip, of: tagged.id),
                    !protectedAfter.values.contains(where: { repository.isDescendant($0, of: tagged.id) })
                else { return nil }
                return (tag, tagged.id)
            }
        }
        func issueTagDocument(_ tag: String) -> String {
            tag.dropFirst("refs/tags/folio/".count).split(separator: "/").first.map(String.init) ?? tag
        }
        for update in updates {
            func refuse(_ rule: String, _ message: String, commit: ObjectID? = nil, document: String = "") {
                refusals.append(Refusal(ref: update.ref, finding: Finding(rule: rule, message: message, commit: commit?.description ?? "", document: document)))
            }
            let isBranch = update.ref.hasPrefix("refs/heads/")
            if update.ref.hasPrefix("refs/tags/folio/") || update.ref.hasPrefix("refs/folio/") {
                let parts = update.ref.hasPrefix("refs/tags/folio/") ? update.ref.dropFirst("refs/tags/folio/".count).split(separator: "/") : []
                let document = parts.first.map(String.init) ?? update.ref
                if update.new == nil {
                    refuse("tag.deleted", "issue tags and folio refs may not be deleted", commit: update.old, document: document)
                    continue
                } else if update.old != nil {
                    refuse("tag.moved", "issue tags and folio refs may not be moved", commit: update.new, document: document)
                    continue
                } else if let new = update.new, update.ref.hasPrefix("refs/tags/folio/") {
                    guard let commit = try? repository.commit(new.description) else {
                        refuse("tag.invalid", "an issue tag must point at a commit", commit: new, document: document)
                        continue
                    }
                    let ok = try parts.count == 2 && Verifier.issues(commit, id: String(parts[0]), revision: String(parts[1]), repository)
                    if !ok {
                        refuse("tag.invalid", "an issue tag must point at the commit that issued that revision (the one appending its 'issued' event)", commit: commit.id, document: document)
                    }
                    // Checked content only: the commit must be on a protected branch.
                    let onProtected = protectedAfter.values.contains { repository.isDescendant($0, of: commit.id) }
                    if !onProtected {
                        refuse("tag.unprotected", "an issue tag must point at a commit on a branch holding folio.yml (pushed there before or with the tag), where it was checked", commit: commit.id, document: document)
                    }
                    continue
                }
                // A new refs/folio/* ref: checked like any other ref below.
            }
            guard let new = update.new else {
                if isBranch, update.ref == defaultBranch, holdsConfig(repository, update.old) {
                    refuse("branch.deleted", "the branch holding the controlled documents may not be deleted", commit: update.old, document: ProjectConfig.path)
                } else if isBranch, let old = protectedBefore[update.ref] {
                    for (tag, tagged) in try orphanedTags(old) {
                        refuse("branch.deleted", "deleting the branch leaves \(tag) on no protected branch (issued revisions stay in the history)", commit: tagged, document: issueTagDocument(tag))
                    }
                }
                continue  // other refs may be deleted: they are not trusted
            }
            // What the ref points at, as a commit (annotated tags peeled).
            guard let newCommit = try? repository.commit(new.description) else {
                if managedServer { refuse("ref.invalid", "refs of a managed repository must point at commits", commit: new, document: update.ref) }
                continue
            }
            let newTree = try newCommit.tree()
            let oldCommit = update.old.flatMap { try? repository.commit($0.description) }
            let oldTree = try oldCommit?.tree()
            // The server's rules before the push: of the default branch (so a
            // branch made from an old commit cannot bring back old admins),
            // else of this branch.
            var baseTree: Tree?
            if let branch = defaultBranch, let tip = protectedBefore[branch] {
                baseTree = try repository.commit(tip).tree()
            } else if isBranch {
                baseTree = oldTree
            }
            let baseline = try baseTree.flatMap { tree in
                try tree.entry(at: ProjectConfig.path) != nil
                    ? try? Project(repository: repository, source: TreeSource(repository: repository, tree: tree, label: "server"))
                    : nil
            }
            // In a managed repository every commit not reachable from a
            // protected branch is checked, whatever ref it arrives under and
            // whether or not that ref's commit still holds folio.yml (commits
            // without folio.yml are only checked for removing it).
            let managed = try newTree.entry(at: ProjectConfig.path) != nil || oldTree?.entry(at: ProjectConfig.path) != nil
            guard managed || managedServer else { continue }
            let commits = try repository.walk(from: [newCommit.id], hiding: trusted, reverse: true)
            let verifier = Verifier(repository: repository)
            verifier.enforceTemplates = true
            verifier.baseline = baseline
            // Who pushed, known for sure: the git server's variable, and the
            // committer of a commit with a good SSH signature by a key of the
            // server's allowed_signers (of its tip before the push). The
            // committer field alone proves nothing: it counts only where the
            // git server names nobody (plain git daemon, file://, ssh without
            // gitolite) and the project has chosen `signatures: optional` or
            // `off`, where identities are taken at their word, as git does
            // (docs/server.md, "Who pushed").
            let takeCommitterAtWord = envPusher == nil && (baseline?.config.signatures ?? .optional) != .required
            verifier.pushers = { commit in
                [envPusher, signedCommitter(repository, commit, signersFrom: baseTree),
                 takeCommitterAtWord ? commit.committer.email : nil].compactMap { $0 }
            }
            verifier.serverPusher = envPusher
            for finding in try verifier.check(commits: commits) {
                refusals.append(Refusal(ref: update.ref, finding: finding))
            }
            // Published versions keep their labels: the fold labels versions
            // in record order, so the branch's versions stay first.
            if isBranch, protectedBefore[update.ref] != nil, let oldTree {
                try checkVersionOrder(repository, from: oldTree, to: newTree, scheme: baseline?.config.revisions ?? .numeric) { rule, id, message in
                    refuse(rule, message, commit: newCommit.id, document: id)
                }
            }
            if isBranch, let old = update.old, let oldTree, !repository.isDescendant(newCommit.id, of: oldCommit?.id ?? old) {
                // A protected branch is rewritten only by an admin (of its
                // folio.yml at the server's tip), known for sure: the git
                // server's pusher variable, else a good signature of the new
                // tip by its committer under the server's allowed_signers (a
                // committer field alone can be written by anyone) ...
                if protectedBefore[update.ref] != nil {
                    let config = try? Project(repository: repository, source: TreeSource(repository: repository, tree: oldTree, label: "server")).config
                    let who = envPusher ?? signedCommitter(repository, newCommit, signersFrom: oldTree)
                    let admin = who.flatMap { config?.person(pushedBy: $0)?.roles.contains("admin") } ?? false
                    if !admin {
                        let by = who ?? "\(newCommit.committer.email) (not signed by them with a key of the server's allowed_signers, and the git server names no pusher)"
                        refuse("branch.rewritten", "a non-fast-forward update of a protected branch by \(by): only someone with the admin role in the server's folio.yml may rewrite it", commit: newCommit.id, document: ProjectConfig.path)
                    }
                }
                // ... and must keep every record line and controlled document it had.
                try checkRecordsKept(repository, from: oldTree, to: newTree) { id, message in
                    refuse("record.rewritten", message, commit: newCommit.id, document: id)
                }
                try checkDocumentsKept(repository, from: oldTree, to: newTree) { id, path in
                    refuse("document.deleted", "the push drops \(path), a controlled document the branch had", commit: newCommit.id, document: id)
                }
                // ... and every issued revision it held stays on a protected branch.
                if protectedBefore[update.ref] != nil, let oldCommit {
                    for (tag, tagged) in try orphanedTags(oldCommit.id) {
                        refuse("branch.rewritten", "the rewrite leaves \(tag) on no protected branch (issued revisions stay in the history)", commit: tagged, document: issueTagDocument(tag))
                    }
                }
            }
            // IDs already used on the server's main branch by another document.
            if let branch = defaultBranch, branch != update.ref, let mainTip = try repository.referenceTarget(branch),
                let mainCommit = try? repository.commit(mainTip)
            {
                let mainTree = try mainCommit.tree()
                try checkRecordsKept(repository, from: mainTree, to: newTree, onlyShared: true) { id, _ in
                    refuse("id.reused", "\(id) is already used on the server (\(branch)) by a different document: run 'git fetch', then 'folio renumber \(id)' (also after a 'git pull' that stopped on it), then push again", commit: newCommit.id, document: id)
                }
            }
        }
        return refusals
    }

    /// Calls `report` for each record of `from` that `to` drops or does not
    /// extend (with `onlyShared`, only records present in both).
    static func checkRecordsKept(
        _ repository: Repository, from: Tree, to: Tree, onlyShared: Bool = false, report: (String, String) throws -> Void
    ) throws {
        let a = try from.entry(at: RecordFile.folder)?.id
        let b = try to.entry(at: RecordFile.folder)?.id
        for change in try repository.changedFiles(from: a, to: b) {
            guard let id = RecordFile.documentID(fileName: change.path) else { continue }
            switch change.status {
            case .deleted where !onlyShared:
                try report(id, "the push drops the record of \(id)")
            case .modified:
                let old = try repository.blobData(change.oldID!, limit: Limits.recordBytes)
                let new = try repository.blobData(change.newID!, limit: Limits.recordBytes)
                if onlyShared {
                    if !RecordFile.related(old, new) { try report(id, "") }
                } else if RecordFile.appended(old: old, new: new) == nil {
                    try report(id, "the push rewrites committed lines of the record of \(id)")
                }
            default:
                break
            }
        }
    }

    /// Calls `report(rule, id, message)` for each record of `from` whose
    /// versions (`created`, `checked-in`) and issues are not the first of its
    /// record in `to` (`revision.relabelled`), or that `to` gives a second
    /// issue of an issued revision (`issue.twice`):
    /// a merge that put other versions before them would give a published
    /// version another label (docs/lifecycle.md, "Two clones, one draft").
    static func checkVersionOrder(
        _ repository: Repository, from: Tree, to: Tree, scheme: ProjectConfig.RevisionScheme, report: (String, String, String) throws -> Void
    ) throws {
        let a = try from.entry(at: RecordFile.folder)?.id
        let b = try to.entry(at: RecordFile.folder)?.id
        for change in try repository.changedFiles(from: a, to: b) where change.status == .modified {
            guard let id = RecordFile.documentID(fileName: change.path) else { continue }
            let path = Record.path(for: id)
            let oldBytes = try repository.blobData(change.oldID!, limit: Limits.recordBytes)
            let newBytes = try repository.blobData(change.newID!, limit: Limits.recordBytes)
            // Appended lines (the usual push) keep every version where it was;
            // only an appended issue needs a look (one issued on both sides).
            let appended = newBytes.starts(with: oldBytes)
            if appended, try !Record.parse(Array(newBytes[oldBytes.count...]), path: path).events.contains(where: { $0.event == .issued }) {
                continue
            }
            let old = try Record.parse(oldBytes, path: path)
            let new = try Record.parse(newBytes, path: path)
            // One revision issued on both sides of a merge: the branch's issue stands.
            let issuedBefore = Set(old.events.filter { $0.event == .issued }.map(\.revision))
            var issuedNow: [String: Int] = [:]
            for event in new.events where event.event == .issued { issuedNow[event.revision, default: 0] += 1 }
            if let twice = issuedNow.first(where: { $0.value > 1 && issuedBefore.contains($0.key) })?.key {
                try report("issue.twice", id, "\(id) \(twice) was issued on both sides of a merge: the branch's issue stands; drop yours: undo the merge ('git reset --keep HEAD^' when it is your last commit), remove your issue commit ('git reset --keep COMMIT^', or 'git rebase -i') and your tag ('git tag -d folio/\(id)/\(twice)'), then pull again")
                continue
            }
            if appended { continue }
            // Versions and issues: the lines the fold counts for labels.
            let labelled = { (e: RecordEvent) in e.isVersion || e.event == .issued }
            let before = old.events.filter(labelled), after = new.events.filter(labelled)
            guard after.count >= before.count, Array(after.prefix(before.count)) != before else { continue }
            guard let moved = before.indices.first(where: { after[$0] != before[$0] }) else { continue }
            // The labels the fold gives that version before and after.
            func label(_ record: Record, _ version: RecordEvent) -> String {
                DocumentStatus.labels(record, scheme: scheme).first { $0.event == version }?.label ?? version.revision
            }
            let version = before[moved]
            let was = label(old, version)
            let now = new.events.contains(version) ? "the label " + label(new, version) : "no label"
            let what = version.event == .issued ? "issued revision" : "version"
            try report("revision.relabelled", id, "the push puts other versions or issues of \(id) before the branch's: its \(what) \(was) (by \(version.actor), \(version.at)) would get \(now); a merge of the branch must keep the branch's lines first: undo the merge ('git reset --keep HEAD^' when it is your last commit), merge again with 'git merge --no-commit' and run 'folio checkin \(id)', which orders them (if both sides issued the same revision, drop yours: the branch's issue stands)")
        }
    }

    /// Calls `report` for each controlled document of `from` (one with a
    /// record) that `to` no longer has at its path.
    static func checkDocumentsKept(_ repository: Repository, from: Tree, to: Tree, report: (String, String) throws -> Void) throws {
        guard try from.entry(at: ProjectConfig.path) != nil,
            let rules = try? Project(repository: repository, source: TreeSource(repository: repository, tree: from, label: "server"))
        else { return }
        for change in try repository.changedFiles(from: from.id, to: to.id) where change.status == .deleted {
            guard let location = rules.locate(change.path), location.path == change.path, DocumentID.problem(location.id) == nil,
                try rules.source.exists(Record.path(for: location.id))
            else { continue }
            try report(location.id, change.path)
        }
    }

    /// The committer's email when the commit carries a good SSH signature by
    /// them according to the commit's `allowed_signers`.
    /// `signersFrom`: read allowed_signers from this tree rather than the commit's.
    static func signedCommitter(_ repository: Repository, _ commit: Commit, signersFrom tree: Tree? = nil) -> String? {
        guard let (signature, content) = try? repository.commitSignature(commit.id),
            let entry = try? (tree ?? commit.tree()).entry(at: ".folio/allowed_signers"),
            let signers = try? repository.blobData(entry.id, limit: Limits.configBytes)
        else { return nil }
        let email = commit.committer.email
        return SSHSignature.verify(content, signature: signature, identity: email, allowedSigners: String(decoding: signers, as: UTF8.self), namespace: "git") ? email : nil
    }
}
