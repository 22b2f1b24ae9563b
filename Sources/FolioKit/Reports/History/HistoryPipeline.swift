import FolioGit
import FolioModel
import Foundation

/// Reads a run of commits on two threads: one compares trees (the scanner,
/// on its own repository handle), this one reads the events appended to
/// records and hands the commits over in order. Trees and records are the
/// two halves of a history walk's cost, so the walk takes about as long as
/// the larger half.
enum HistoryPipeline {
    private enum Item: Sendable {
        /// In the history index: the caller has it.
        case known(ObjectID)
        case scanned(ScannedCommit)
        case failed(any Error)
    }

    /// Calls `each` for every id in order, with the commit, or nil for ids
    /// in `known`.
    static func run(
        _ repository: Repository, _ ids: [ObjectID], known: Set<ObjectID>, rules: [String: Project.Rules],
        _ each: (ObjectID, HistoryCommit?) throws -> Void
    ) throws {
        let reader = HistoryEventReader(repository: repository)
        // A second handle for the other thread (libgit2 handles are not shared
        // between threads); without one, both halves run here.
        guard ids.count - known.count > 64, let other = try? Repository.discover(from: repository.gitDir) else {
            let scanner = HistoryScanner(repository: repository, knownRules: rules)
            for id in ids { try each(id, known.contains(id) ? nil : try reader.complete(try scanner.scan(id))) }
            return
        }
        let queue = HandOff<[Item]>(capacity: 8)
        let producer = Producer(repository: other)
        let thread = Thread { [queue, ids, known, producer, rules] in
            let scanner = HistoryScanner(repository: producer.take(), knownRules: rules)
            var batch: [Item] = []
            batch.reserveCapacity(64)
            for id in ids {
                if known.contains(id) {
                    batch.append(.known(id))
                } else {
                    do {
                        batch.append(.scanned(try scanner.scan(id)))
                    } catch {
                        batch.append(.failed(error))
                        _ = queue.put(batch)
                        return
                    }
                }
                if batch.count == 64 {
                    guard queue.put(batch) else { return }
                    batch.removeAll(keepingCapacity: true)
                }
            }
            if !batch.isEmpty { _ = queue.put(batch) }
        }
        thread.stackSize = 8 << 20
        thread.start()
        // Stops the scanner when this side stops early (an error, a closed pipe).
        defer { queue.cancel() }
        var done = 0
        while done < ids.count {
            for item in queue.take() {
                switch item {
                case .known(let id): try each(id, nil)
                case .scanned(let scanned): try each(scanned.commit.id, try reader.complete(scanned))
                case .failed(let error): throw error
                }
                done += 1
            }
        }
    }

    /// Moves the scanner's repository handle to its thread, which alone uses it.
    private final class Producer: @unchecked Sendable {
        private var repository: Repository?
        init(repository: Repository) { self.repository = repository }
        func take() -> Repository {
            defer { repository = nil }
            return repository!
        }
    }
}

/// A bounded queue between two threads.
final class HandOff<Element: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Element] = []
    private let capacity: Int
    private var cancelled = false

    init(capacity: Int) { self.capacity = capacity }

    /// Waits for room; false once the queue is cancelled.
    func put(_ item: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity && !cancelled { condition.wait() }
        if cancelled { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    func take() -> Element {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty { condition.wait() }
        condition.broadcast()
        return items.removeFirst()
    }

    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}
