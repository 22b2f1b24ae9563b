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
            return "folio: \(ref)\(commit) \(finding.document): \(finding.message) [\(finding.rule)]"
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

    /// Who is pushing, from what common git servers set (GitLab, Gitea,
    /// gitolite); nil when none is set (then each commit's committer counts).
    public static func pusher(environment: [String: String]) -> String? {
        for key in ["GITEA_PUSHER_EMAIL", "GL_USERNAME", "GL_USER"] {
            if let value = environment[key], !value.isEmpty { return value }
        }
        return nil
    }

    public static func check(repository: Repository, updates: [Update], environment: [String: String]) throws -> [Refusal] {
        var refusals: [Refusal] = []
        // What the server already has: its refs before this push.
        let existing = try repository.references(prefix: "refs/").map(\.target)
        let defaultBranch = try? repository.headBranch()
        let envPusher = pusher(environment: environment)
        for update in updates {
            func refuse(_ rule: String, _ message: String, commit: ObjectID? = nil, document: String = "") {
                refusals.append(Refusal(ref: update.ref, finding: Finding(rule: rule, message: message, commit: commit?.description ?? "", document: document)))
            }
            if update.ref.hasPrefix("refs/tags/folio/") || update.ref.hasPrefix("refs/folio/") {
                if update.new == nil {
                    refuse("tag.deleted", "issue tags and folio refs may not be deleted")
                } else if update.old != nil {
                    refuse("tag.moved", "issue tags and folio refs may not be moved")
                } else if let new = update.new, update.ref.hasPrefix("refs/tags/folio/") {
                    let parts = update.ref.dropFirst("refs/tags/folio/".count).split(separator: "/")
                    let commit = try repository.commit(new.description)
                    let ok = try parts.count == 2 && Verifier.issues(commit, id: String(parts[0]), revision: String(parts[1]), repository)
                    if !ok { refuse("tag.invalid", "an issue tag must point at the commit that issued that revision (the one appending its 'issued' event)", commit: new) }
                }
                continue
            }
            guard update.ref.hasPrefix("refs/heads/") else { continue }  // other refs pass untouched
            guard let new = update.new else {
                if update.ref == defaultBranch, let old = update.old, try repository.commit(old).tree().entry(at: ProjectConfig.path) != nil {
                    refuse("branch.deleted", "the branch holding the controlled documents may not be deleted")
                }
                continue
            }
            let newTree = try repository.commit(new).tree()
            let oldTree = try update.old.map { try repository.commit($0).tree() }
            // The server's rules before the push: of this branch, else of the default branch.
            var baseTree = oldTree
            if baseTree == nil, let branch = defaultBranch, let tip = try repository.referenceTarget(branch) {
                baseTree = try repository.commit(tip).tree()
            }
            let baseline = try baseTree.flatMap { tree in
                try tree.entry(at: ProjectConfig.path) != nil
                    ? try? Project(repository: repository, source: TreeSource(repository: repository, tree: tree, label: "server"))
                    : nil
            }
            let managed = try newTree.entry(at: ProjectConfig.path) != nil || oldTree?.entry(at: ProjectConfig.path) != nil
            guard managed else { continue }
            let commits = try repository.walk(from: [new], hiding: existing, reverse: true)
            let verifier = Verifier(repository: repository)
            verifier.enforceTemplates = true
            verifier.baseline = baseline
            let signaturesRequired = (try? Project(repository: repository, source: TreeSource(repository: repository, tree: newTree, label: "push")))?.config.signatures == .required
            verifier.pusher = { commit in
                if signaturesRequired, let signer = signedCommitter(repository, commit) { return signer }
                return envPusher
            }
            for finding in try verifier.check(commits: commits) {
                refusals.append(Refusal(ref: update.ref, finding: finding))
            }
            // A rewritten branch must keep every record line it had.
            if let old = update.old, let oldTree, !repository.isDescendant(new, of: old) {
                try checkRecordsKept(repository, from: oldTree, to: newTree) { id, message in
                    refuse("record.rewritten", message, commit: new, document: id)
                }
            }
            // IDs already used on the server's main branch by another document.
            if let branch = defaultBranch, branch != update.ref, let mainTip = try repository.referenceTarget(branch) {
                let mainTree = try repository.commit(mainTip).tree()
                try checkRecordsKept(repository, from: mainTree, to: newTree, onlyShared: true) { id, _ in
                    refuse("id.reused", "\(id) is already used on the server (\(branch)) by a different document: take a fresh ID with 'folio renumber \(id)'", commit: new, document: id)
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

    /// The committer's email when the commit carries a good SSH signature by
    /// them according to the commit's `allowed_signers`.
    static func signedCommitter(_ repository: Repository, _ commit: Commit) -> String? {
        guard let (signature, content) = try? repository.commitSignature(commit.id),
            let entry = try? commit.tree().entry(at: ".folio/allowed_signers"),
            let signers = try? repository.blobData(entry.id, limit: Limits.configBytes)
        else { return nil }
        let email = commit.committer.email
        return SSHSignature.verify(content, signature: signature, identity: email, allowedSigners: String(decoding: signers, as: UTF8.self), namespace: "git") ? email : nil
    }
}
