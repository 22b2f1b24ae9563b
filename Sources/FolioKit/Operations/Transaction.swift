import FolioGit
import FolioModel
import Foundation

/// What one folio write puts into a commit.
public struct WritePlan {
    public enum Content {
        case bytes([UInt8])
        /// A blob already in the object database (an attachment streamed in).
        case blob(ObjectID)
        case remove
    }

    public var changes: [(path: String, content: Content)] = []
    /// Paths whose work-tree file is what was committed (a check-in reads
    /// them there): left as they are, never rewritten with the cleaned bytes.
    public var keepWorkTree: Set<String> = []
    /// Of those, paths whose blob is what `git add` staged (a filter driver
    /// such as git-lfs ran): staged as committed, not hashed again.
    public var stagedByGit: [String: ObjectID] = [:]
    public var subject: String
    public var body: String = ""
    /// The tree the changes apply to, when it is not the tip's: the staged
    /// result of a merge in progress.
    public var baseTree: ObjectID?
    /// The commit's parents, when they are not just the tip: a merge's, in
    /// the order it was made (the tip among them).
    public var parents: [ObjectID]?
    public var trailers: [(key: String, value: String)] = []

    public init(subject: String) { self.subject = subject }

    public var message: String {
        var m = subject + "\n"
        if !body.isEmpty { m += "\n" + body + "\n" }
        if !trailers.isEmpty { m += "\n" + trailers.map { "\($0.key): \($0.value)" }.joined(separator: "\n") + "\n" }
        return m
    }
}

/// Turns a plan into exactly one commit on the current branch, safely when
/// other writers are at work: the branch moves only if it still points where
/// the plan was made (compare-and-swap); otherwise the plan is made again on
/// the new tip. Afterwards the work tree and index are updated for the paths
/// written, and nothing else.
public struct Transaction {
    public let repository: Repository
    public let actor: Actor
    public var maxAttempts = 20
    /// Signs commit content (returns the armoured signature); by default
    /// what the user's git config asks for (see `CommitSigning`).
    public var commitSigner: ((String) throws -> String)?
    public var useGitConfigSigning = true

    /// Where warnings go (a commit made while the index stays locked).
    public let context: FolioContext
    /// Set by a check-in that makes the commit of the merge in progress
    /// (its plan names the merge's parents); every other write is refused
    /// while a git operation is in progress.
    public var finishesMerge = false

    public init(repository: Repository, actor: Actor, context: FolioContext) {
        self.repository = repository
        self.actor = actor
        self.context = context
    }

    /// `plan` gets the current tip (nil on an unborn branch) and returns what to write.
    @discardableResult
    public func commit(_ plan: (Commit?) throws -> WritePlan) throws -> (commit: ObjectID, plan: WritePlan) {
        guard !repository.isBare else {
            throw FolioError.usage("this repository is bare: change documents in a clone, and push")
        }
        // A commit made in the middle of a merge or rebase would leave git's
        // operation open on top of it (a later 'git commit' would then make a
        // merge of the wrong content).
        if let operation = repository.operationInProgress, !(operation == .merge && finishesMerge) {
            let way = operation == .merge
                ? "finish it first ('folio checkin ID' records a document changed on both sides and makes the merge commit; otherwise 'git commit'), or '\(operation.abortCommand)'"
                : "finish it first, or '\(operation.abortCommand)'"
            let name = operation.name.hasPrefix("git ") ? operation.name : "git " + operation.name
            throw FolioError.refused("a \(name) is in progress in this work tree: \(way)")
        }
        guard let branch = try repository.headBranch() else {
            throw FolioError.refused("HEAD is detached: check out a branch before changing documents")
        }
        let signer = try commitSigner ?? (useGitConfigSigning ? CommitSigning.signer(repository) : nil)
        // One folio writer at a time on this clone; locks of a killed one are recovered.
        let intent = try WriteIntent(repository: repository)
        defer { intent.clear() }
        intent.declare([repository.gitDir + branch + ".lock", repository.gitDir + "index.lock"])
        var attempt = 0
        while true {
            attempt += 1
            let tip = try repository.headCommit()
            let write = try plan(tip)
            if let root = repository.workdir {
                // Never write through a link in the work tree (it could lead out of it).
                let work = WorkTreeSource(root: root)
                for (path, content) in write.changes {
                    try work.requireNoLinks(path)
                    // A folder where a file is to be written would fail after the commit is made.
                    var folder: ObjCBool = false
                    if case .remove = content {} else if FileManager.default.fileExists(atPath: root + path, isDirectory: &folder), folder.boolValue {
                        throw FolioError.refused("\(path) is a folder in the work tree, where \(write.subject.isEmpty ? "this change" : "'\(write.subject)'") writes a file: move it away first")
                    }
                }
            }
            let id = try writeCommit(write, onto: tip, signer: signer)
            do {
                try repository.updateReference(branch, to: id, expecting: tip?.id, logMessage: "folio: \(write.subject)")
            } catch let e as GitError where (e.isModified || e.isExists || e.isLocked) && attempt < maxAttempts {
                // Another writer moved the branch: plan again on its tip.
                usleep(UInt32.random(in: 1_000...20_000))
                continue
            } catch let e as GitError where e.isLocked {
                throw FolioError.refused(
                    "\(branch) is locked (\(repository.gitDir)\(branch).lock): another git or folio is writing; if none is, a killed one left the lock: remove that file")
            } catch let e as GitError where e.isModified || e.isExists {
                throw FolioError.refused("another writer kept changing \(branch) (\(attempt) attempts); try again")
            }
            try syncWorkTree(write)
            return (id, write)
        }
    }

    /// Writes the plan's blobs, its tree (the base's tree with the plan's
    /// changes) and its commit on top of `base`; moves no reference.
    func writeCommit(_ write: WritePlan, onto base: Commit?, signer: ((String) throws -> String)?) throws -> ObjectID {
        var changes: [PathChange] = []
        for (path, content) in write.changes {
            switch content {
            case .bytes(let data): changes.append(.set(path, try repository.writeBlob(data)))
            case .blob(let id): changes.append(.set(path, id))
            case .remove: changes.append(.remove(path))
            }
        }
        let tree = try repository.updatedTree(base: write.baseTree ?? base?.treeID, changes: changes)
        let parents = write.parents ?? base.map { [$0.id] } ?? []
        guard let signer else {
            return try repository.createCommit(
                tree: tree, parents: parents, author: actor.author, committer: actor.committer, message: write.message)
        }
        let content = try repository.commitContent(
            tree: tree, parents: parents, author: actor.author, committer: actor.committer, message: write.message)
        return try repository.createSignedCommit(content: content, signature: try signer(content))
    }

    /// Writes the committed content of the changed paths into the work tree
    /// and stages exactly those paths.
    private func syncWorkTree(_ write: WritePlan) throws {
        guard let root = repository.workdir else { return }
        let fm = FileManager.default
        for (path, content) in write.changes where !write.keepWorkTree.contains(path) {
            let full = root + path
            switch content {
            case .bytes(let data):
                try FileIO.writeAtomically(data, to: full)
            case .blob(let id):
                // Attachments: copy from the object database only if the file differs.
                if (try? repository.writeBlob(fromFile: full)) != id {
                    try FileIO.writeAtomically(try repository.blobData(id), to: full)
                }
            case .remove:
                if fm.fileExists(atPath: full) { try fm.removeItem(atPath: full) }
                FileIO.removeEmptyParents(of: full, below: root)
            }
        }
        // The index may be locked by a concurrent git or folio for a moment.
        // The commit is made by now: a lock that stays is reported, not fatal.
        var attempt = 0
        while true {
            attempt += 1
            do {
                let index = try repository.index()
                for (path, _) in write.changes {
                    if let staged = write.stagedByGit[path] {
                        try index.stage(staged, at: path)
                    } else {
                        try index.stageFromWorkTree(path)
                    }
                }
                try index.write()
                return
            } catch let e as GitError where e.isLocked && attempt < 50 {
                usleep(20_000)
            } catch let e as GitError where e.isLocked {
                let paths = write.changes.map(\.path).joined(separator: " ")
                context.warn(
                    "committed, but the index is locked (\(repository.gitDir)index.lock), so it still shows the old content; when no git is running, remove the lock and run: git reset -q -- \(paths)")
                return
            }
        }
    }
}

enum FileIO {
    /// Writes via a temporary file, fsync and rename, so a crash leaves the
    /// old file or the new one, never half of one.
    static func writeAtomically(_ data: [UInt8], to path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let temp = folder + "/.folio-tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FolioError.unreadable("cannot write \(path): \(String(cString: strerror(errno)))") }
        var written = 0
        let ok = data.withUnsafeBytes { buf -> Bool in
            while written < buf.count {
                let n = write(fd, buf.baseAddress! + written, buf.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                written += n
            }
            return fsync(fd) == 0
        }
        close(fd)
        guard ok, rename(temp, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temp)
            throw FolioError.unreadable("cannot write \(path): \(reason)")
        }
        let dir = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dir >= 0 {
            _ = fsync(dir)
            close(dir)
        }
    }

    static func removeEmptyParents(of path: String, below root: String) {
        var folder = (path as NSString).deletingLastPathComponent
        while folder.count > root.count, (try? FileManager.default.contentsOfDirectory(atPath: folder))?.isEmpty == true {
            try? FileManager.default.removeItem(atPath: folder)
            folder = (folder as NSString).deletingLastPathComponent
        }
    }
}
