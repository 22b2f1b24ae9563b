import FolioGit
import FolioModel
import Foundation

/// What `verify` and the server's hook read from the object database,
/// read on a second thread ahead of the commit being judged: each commit's
/// changed files (a comparison of its tree with its first parent's), the
/// folder trees that comparison read (handed to the judge's `FolderTrees`,
/// so they are not read twice), and the documents the judge will validate,
/// parsed (`DocumentReader.read`) on a third thread. Judging a commit needs
/// the lifecycle state left by the commits before it, so it stays on one
/// thread; reading and parsing do not, and were half of the work.
///
/// The thread has its own repository handle (`Repository.reopened`: a
/// libgit2 repository is used by one thread at a time) and its own rules
/// (`RulesCache`). Which documents to parse is a guess: those whose record
/// changes in a commit that says `Folio-Action: submit` or `issue` (validated
/// as complete), and for the hook every document a commit adds or changes.
/// A parsed document is keyed by its blob, path, ID and the rules' ids
/// (`RulesCache.key`), so the judge takes one only where it would have parsed
/// the same bytes with the same template; anything else (a guess missed, an
/// adopted document, a blob too large, a document forgotten) the judge reads
/// and parses as before, so a guess costs time, never a verdict. The thread
/// stays at most `window` commits ahead, and forgets documents parsed more
/// than `memory` commits back, so a long history is never held whole.
final class ReadAhead: @unchecked Sendable {
    // @unchecked: every access to the state below holds `condition`.

    /// A commit's changes against its first parent, the folder trees
    /// compared to find them (`FolderTrees.offer`), or what reading them threw.
    typealias Changes = Result<(changes: [FileChange], special: [SpecialEntry], trees: [ObjectID: RawTree]), any Error>

    private let condition = NSCondition()
    private var changes: [Int: Changes] = [:]
    private var parsed: [String: (result: DocumentReader.Result, commit: Int)] = [:]
    /// Documents handed to `parsing` and not parsed yet.
    private var pending = Set<String>()
    /// The bytes of the folder trees in `changes` (counted once per commit).
    private var waitingTreeBytes = 0
    private static let treeBytes = 64 << 20

    private static func treeBytes(_ changes: Changes) -> Int {
        (try? changes.get().trees.values.reduce(0) { $0 + $1.size }) ?? 0
    }
    private let parsing = DispatchQueue(label: "folio.read-ahead.parse")
    /// The judge's position: the index of the commit it asked for last.
    private var position = -1
    private var stopped = false
    private let window: Int
    private let memory: Int

    /// Starts reading `commits` (oldest first) on a thread of its own;
    /// `allChanged`: parse every document a commit adds or changes (the
    /// server's hook validates them all), not only those submitted or issued.
    /// Nil when the repository cannot be opened a second time (the judge then reads everything itself).
    init?(repository: Repository, commits: [ObjectID], allChanged: Bool, window: Int = 32, memory: Int = 512) {
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
        let result = changes.removeValue(forKey: index)!
        waitingTreeBytes -= ReadAhead.treeBytes(result)
        return result
    }

    /// The document at `location` with blob `blob` under the rules `rules`, as
    /// `DocumentReader.read` gives it, if the thread parsed it.
    func parsed(_ blob: ObjectID, _ location: DocumentLocation, rules: String) -> DocumentReader.Result? {
        let key = ReadAhead.key(blob, location, rules)
        condition.lock()
        defer { condition.unlock() }
        // Being parsed now: waiting costs less than parsing it twice.
        while pending.contains(key) { condition.wait() }
        return parsed[key]?.result
    }

    /// The type is part of the key: the judge may take a document for another
    /// type than its folder says (an ID it located under older rules).
    private static func key(_ blob: ObjectID, _ location: DocumentLocation, _ rules: String) -> String {
        "\(blob) \(rules) \(location.type) \(location.id) \(location.path)"
    }

    /// Called by the thread: waits until commit `index` is within the window; false when stopped.
    fileprivate func mayRead(_ index: Int) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        // Also never more than `treeBytes` of folder trees waiting (a folder of
        // 100,000 entries is some 5 MiB), unless the judge waits for this one.
        while !stopped && (index > position + window || (waitingTreeBytes > ReadAhead.treeBytes && index > position + 1)) {
            condition.wait()
        }
        return !stopped
    }

    /// Called by the thread: commit `index`'s changes, and the documents to
    /// parse for it, which are parsed on a third thread (`parsing`) while the
    /// judge goes on with the commit (a document it asks for in the meantime
    /// is waited for).
    fileprivate func publish(_ index: Int, _ result: Changes, documents: [Parse]) {
        condition.lock()
        for document in documents { pending.insert(document.key) }
        // Forget what is far behind the judge, now and then.
        if index % 64 == 0 {
            let horizon = position - memory
            parsed = parsed.filter { $0.value.commit >= horizon }
        }
        changes[index] = result
        waitingTreeBytes += ReadAhead.treeBytes(result)
        condition.broadcast()
        condition.unlock()
        for document in documents {
            parsing.async { [self] in
                let result = DocumentReader.read(
                    path: document.path, bytes: document.bytes, template: document.template, expectedID: document.id, sidecar: nil)
                condition.lock()
                parsed[document.key] = (result, index)
                pending.remove(document.key)
                condition.broadcast()
                condition.unlock()
            }
        }
    }

    /// A document to parse: its bytes, where it is, its template, and its key.
    fileprivate struct Parse: Sendable {
        let key: String
        let path: String
        let id: String
        let bytes: [UInt8]
        let template: Template
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
        /// The trees of the commits read lately, by commit.
        var treeIDs: [ObjectID: ObjectID] = [:]
        /// The documents parsed lately (key: the commit that parsed them).
        var parsed: [String: Int] = [:]

        let memory: Int

        init(repository: Repository, commits: [ObjectID], allChanged: Bool, memory: Int) {
            self.repository = repository
            self.memory = memory
            self.commits = commits
            self.allChanged = allChanged
        }

        /// Whether a commit may submit or issue: its message names the action
        /// as Folio writes it (`Folio-Action: submit`). Only a guess of what
        /// to parse ahead, never a verdict: a commit that submits without
        /// saying so has its document parsed by the judge instead.
        private static func submits(_ commit: Commit) -> Bool {
            let message = commit.message
            return message.contains("Folio-Action: submit") || message.contains("Folio-Action: issue")
        }

        func run(into ahead: ReadAhead) {
            for (index, id) in commits.enumerated() {
                guard ahead.mayRead(index) else { return }
                var documents: [Parse] = []
                let result: Changes = Result {
                    let commit = try repository.commit(id)
                    // Most parents were read just before: their trees are known.
                    let parentTree = try commit.parentIDs.first.map { try treeIDs[$0] ?? repository.commit($0).treeID }
                    if treeIDs.count >= 4096 { treeIDs.removeAll(keepingCapacity: true) }
                    treeIDs[id] = commit.treeID
                    var special: [SpecialEntry] = []
                    let changes = try repository.changedFiles(from: parentTree, to: commit.treeID, reuse: &trees, special: &special)
                    documents = parse(changes, in: try commit.tree(), at: index, submits: Reader.submits(commit))
                    return (changes, special, trees.next)
                }
                ahead.publish(index, result, documents: documents)
            }
        }

        /// The documents the judge will validate in this commit, parsed as it
        /// would: those whose record gains a submission or an issue (validated
        /// as complete) and, for the server's hook, every document the commit
        /// adds or changes (validated against its template).
        private func parse(_ changes: [FileChange], in tree: Tree, at index: Int, submits: Bool) -> [Parse] {
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
                    guard submits, DocumentID.problem(id) == nil else { continue }
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
            var out: [Parse] = []
            for w in wanted {
                let key = ReadAhead.key(w.blob, DocumentLocation(type: w.template.type, id: w.id, path: w.path), key)
                // Content submitted and later issued unchanged is validated
                // once by the judge (`Verifier.validation`): parsed once here.
                guard parsed[key] == nil, let bytes = try? repository.blobData(w.blob, limit: Limits.documentBytes) else { continue }
                parsed[key] = index
                out.append(Parse(key: key, path: w.path, id: w.id, bytes: bytes, template: w.template))
            }
            // What the judge has forgotten (`publish`) is parsed again if wanted again.
            if index % 64 == 0 { parsed = parsed.filter { $0.value > index - memory } }
            return out
        }
    }
}
