import FolioGit
import Foundation

/// Work that is independent per item (parsing documents), spread over all
/// cores, with results in the items' order: output is identical to a run on
/// one thread. Only code that touches no libgit2 object may run here (each
/// libgit2 object belongs to one thread; see libgit2's docs/threading.md).
package enum Parallel {
    /// `transform` of every item, in order. Below `threshold` items, or on one
    /// core, it runs on this thread. Rethrows the error of the lowest-indexed
    /// item that failed.
    package static func map<T, R>(_ items: [T], threshold: Int = 64, _ transform: (T) throws -> R) throws -> [R] {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        guard items.count >= threshold, cores > 1 else { return try items.map(transform) }
        return try withoutActuallyEscaping(transform) { transform in
            let work = Work(items: items, transform: transform, chunks: min(items.count, cores * 4))
            DispatchQueue.concurrentPerform(iterations: work.chunks) { work.run(chunk: $0) }
            return try work.results()
        }
    }

    private final class Work<T, R>: @unchecked Sendable {
        // @unchecked: each chunk writes only its own indices of `slots` (a
        // buffer allocated once, never resized), and results are read after
        // concurrentPerform returns, which waits for every chunk.
        let items: [T]
        let transform: (T) throws -> R
        let chunks: Int
        private let slots: UnsafeMutableBufferPointer<Result<R, Error>?>

        init(items: [T], transform: @escaping (T) throws -> R, chunks: Int) {
            self.items = items
            self.transform = transform
            self.chunks = chunks
            slots = .allocate(capacity: items.count)
            slots.initialize(repeating: nil)
        }

        deinit {
            slots.deinitialize()
            slots.deallocate()
        }

        func run(chunk: Int) {
            var i = chunk
            while i < items.count {
                slots[i] = Result { try transform(items[i]) }
                i += chunks
            }
        }

        func results() throws -> [R] {
            try slots.map { try $0!.get() }
        }
    }
}
