import FolioGit
import FolioModel
import Foundation

/// What `verify` and the server's hook read from the object database,
/// read on a second thread ahead of the commit being judged: each commit's
/// changed files (a comparison of its tree with its first parent's), and the
/// documents it changed, parsed (`DocumentReader.read`). Judging a commit
/// needs the lifecycle state left by the commits before it, so it stays on
/// one thread; reading and parsing do not, and were half of the work.
///
/// The thread has its own repository handle (`Repository.reopened`: a
/// libgit2 repository is used by one thread at a time) and its own rules
/// (`RulesCache`). A parsed document is keyed by its blob, its path and the
/// rules' ids (`RulesCache.key`), so the judge takes it only where it would
/// have parsed the same bytes with the same template; anything not found
/// (an adopted document, a blob too large to read, a document the thread has
/// forgotten) is read and parsed by the judge as before. The thread stays at
/// most `window` commits ahead, and forgets documents parsed more than
/// `memory` commits back, so a long history is never held whole.
final class ReadAhead: @unchecked Sendable {
    // @unchecked: every access to the state below holds `condition`.

    /// A commit's changes against its first parent, or what reading them threw.
    typealias Changes = Result<(changes: [FileChange], special: [SpecialEntry]), any Error>

    private let condition = NSCondition()
    private var changes: [Int: Changes] = [:]
    private var parsed: [String: (result: DocumentReader.Result, commit: Int)] = [:]
    /// The judge's position: the index of the commit it asked for last.
    private var position = -1
    private var stopped = false
    private let window: Int
    private let memory: Int

    /// Starts reading `commits` (oldest first) on a thread of its own;
    /// `allChanged`: parse every document a commit adds or changes (the
    /// server's hook validates them all), not only those submitted or issued.
    /// Nil when the repository cannot be opened a second time (the judge then reads everything itself).
    init?(repository: Repository, commits: [ObjectID], allChanged: Bool, window: Int = 128, memory: Int = 512) {
        guard let own = try? repository.reopened() else { return nil }
        self.window = window
        self.memory = memory
        let reader = Reader(repository: own, commits: commits, allChanged: allChanged, memory: memory)
        let thread = Thread { [self] in reader.run(into: self) }
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Lets the thread end (at its next commit); the judge calls it when done, or on an error.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    /// The changes of the commit at `index`, waiting for the thread to read them.
    func changes(at index: Int) -> Changes {
        condition.lock()
        defer { condition.unlock() }
        position = index
        condition.broadcast()
        while changes[index] == nil { condition.wait() }
        return changes.removeValue(forKey: index)!
    }

    /// The document at `location` with blob `blob` under the rules `rules`, as
    /// `DocumentReader.read` gives it, if the thread parsed it.
    func parsed(_ blob: ObjectID, _ location: DocumentLocation, rules: String) -> DocumentReader.Result? {
        condition.lock()
        defer { condition.unlock() }
        return parsed[ReadAhead.key(blob, location.path, location.id, rules)]?.result
    }

    private static func contains(_ bytes: ArraySlice<UInt8>, _ word: String) -> Bool {
        let needle = Array(word.utf8)
        guard bytes.count >= needle.count else { return false }
        var i = bytes.startIndex
        while i <= bytes.endIndex - needle.count {
            if bytes[i] == needle[0], bytes[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }

    private static func key(_ blob: ObjectID, _ path: String, _ id: String, _ rules: String) -> String { "\(blob) \(rules) \(id) \(path)" }

    /// Called by the thread: waits until commit `index` is within the window; false when stopped.
    fileprivate func mayRead(_ index: Int) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while !stopped && index > position + window { condition.wait() }
        return !stopped
    }

    fileprivate func publish(_ index: Int, _ result: Changes, documents: [(String, DocumentReader.Result)]) {
        condition.lock()
        defer { condition.unlock() }
        for (key, document) in documents { parsed[key] = (document, index) }
        // Forget what is far behind the judge, now and then.
        if index % 64 == 0 {
            let horizon = position - memory
            parsed = parsed.filter { $0.value.commit >= horizon }
        }
        changes[index] = result
        condition.broadcast()
    }

    /// The thread's side: its repository, rules and trees, used by it alone.
    private final class Reader: @unchecked Sendable {
        // @unchecked: created on the judge's thread, then used only by the reading thread.
        let repository: Repository
        let commits: [ObjectID]
        let allChanged: Bool
        lazy var rules = RulesCache(repository: repository)
        var trees = TreeReuse()
        let folders = FolderTrees()
        /// The documents parsed lately (key: the commit that parsed them).
        var parsed: [String: Int] = [:]

        let memory: Int

        init(repository: Repository, commits: [ObjectID], allChanged: Bool, memory: Int) {
            self.repository = repository
            self.memory = memory
            self.commits = commits
            self.allChanged = allChanged
        }

        /// Whether a record's change appends a submission or an issue (the
        /// bytes after its old length name one): a guess that costs one
        /// parse when wrong, never a wrong verdict.
        private func submits(_ change: FileChange) -> Bool {
            guard let new = change.newID, let bytes = try? repository.blobData(new, limit: Limits.recordBytes) else { return false }
            let old = change.oldID.flatMap { try? repository.objectSize($0) } ?? 0
            let tail = bytes[min(old, bytes.count)...]
            return ReadAhead.contains(tail, "\"submitted\"") || ReadAhead.contains(tail, "\"issued\"")
        }

        func run(into ahead: ReadAhead) {
            for (index, id) in commits.enumerated() {
                guard ahead.mayRead(index) else { return }
                var documents: [(String, DocumentReader.Result)] = []
                let result: Changes = Result {
                    let commit = try repository.commit(id)
                    let parentTree = try commit.parentIDs.first.map { try repository.commit($0).treeID }
                    var special: [SpecialEntry] = []
                    let changes = try repository.changedFiles(from: parentTree, to: commit.treeID, reuse: &trees, special: &special)
                    documents = parse(changes, in: try commit.tree(), at: index)
                    return (changes, special)
                }
                ahead.publish(index, result, documents: documents)
            }
        }

        /// The documents the judge will validate in this commit, parsed as it
        /// would: those whose record gains a submission or an issue (validated
        /// as complete) and, for the server's hook, every document the commit
        /// adds or changes (validated against its template).
        private func parse(_ changes: [FileChange], in tree: Tree, at index: Int) -> [(String, DocumentReader.Result)] {
            guard let config = try? tree.entry(at: ProjectConfig.path), let project = try? rules.project(tree) else { return [] }
            let key = RulesCache.key(config: config.id, templates: try? tree.entry(at: "templates")?.id)
            // Documents in a type's folder (`Project.locate`, `Project.find`);
            // an adopted one is read with its metadata file: left to the judge.
            var wanted: [(path: String, id: String, blob: ObjectID, template: Template)] = []
            // Type folders are large and mostly unchanged from one commit to the next: read once (FolderTrees).
            let source = TreeSource(repository: repository, tree: tree, label: "read-ahead", shared: folders)
            for change in changes where change.status != .deleted {
                guard let blob = change.newID else { continue }
                if let id = RecordFile.documentID(atPath: change.path) {
                    guard submits(change), DocumentID.problem(id) == nil else { continue }
                    for t in project.templates where t.adopt == nil && (id.contains("-\(t.code)-")
                        || project.config.numbering.sequence(of: id, project: project.config.project.code, code: t.code, type: t.type) != nil)
                    {
                        let path = t.documentPath(id: id)
                        if let entry = try? source.entry(path), entry.kind == .blob {
                            wanted.append((path, id, entry.id, t))
                            break
                        }
                    }
                } else if allChanged {
                    let (folder, name) = splitPath(change.path)
                    guard name.hasSuffix(".md"), let t = project.templates.first(where: { $0.adopt == nil && $0.folder == folder }) else { continue }
                    wanted.append((change.path, String(name.dropLast(3)), blob, t))
                }
            }
            var out: [(String, DocumentReader.Result)] = []
            for w in wanted {
                let key = ReadAhead.key(w.blob, w.path, w.id, key)
                // Content submitted and later issued unchanged is validated
                // once by the judge (`Verifier.validation`): parsed once here.
                guard parsed[key] == nil, let bytes = try? repository.blobData(w.blob, limit: Limits.documentBytes) else { continue }
                parsed[key] = index
                out.append((key, DocumentReader.read(path: w.path, bytes: bytes, template: w.template, expectedID: w.id, sidecar: nil)))
            }
            // What the judge has forgotten (`publish`) is parsed again if wanted again.
            if index % 64 == 0 { parsed = parsed.filter { $0.value > index - memory } }
            return out
        }
    }
}
