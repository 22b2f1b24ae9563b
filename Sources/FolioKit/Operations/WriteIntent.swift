import FolioGit
import FolioModel
import Foundation

/// Folio's own write lock on a clone, `<git dir>/folio/writer`, held with
/// flock(2) for the whole of a write, so the kernel releases it when the
/// process dies, even by SIGKILL. While holding it, a writer records which git
/// lock files it is about to create (the branch's, the index's). The next
/// writer that finds such a record left behind knows its writer died, and
/// removes those lock files if they are still there: a killed folio does not
/// block every later write until someone deletes them by hand.
final class WriteIntent {
    private let fd: Int32
    private let path: String

    init(repository: Repository) throws {
        let folder = repository.commonDir + "folio"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        path = folder + "/writer"
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FolioError.unreadable("cannot open \(path): \(String(cString: strerror(errno)))") }
        while flock(fd, LOCK_EX) != 0 {
            if errno != EINTR {
                close(fd)
                throw FolioError.unreadable("cannot lock \(path): \(String(cString: strerror(errno)))")
            }
        }
        recoverAbandonedLocks()
    }

    deinit { close(fd) }  // releases the flock

    /// Lock files a previous writer declared and never cleared: it died.
    private func recoverAbandonedLocks() {
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_size > 0, st.st_size < 64 * 1024 else { return }
        let declaredAt = TimeInterval(st.st_mtim.tv_sec)
        var buffer = [UInt8](repeating: 0, count: Int(st.st_size))
        guard pread(fd, &buffer, buffer.count, 0) == buffer.count else { return }
        for line in String(decoding: buffer, as: UTF8.self).split(separator: "\n") {
            let lock = String(line)
            guard lock.hasSuffix(".lock"), stat(lock, &st) == 0 else { continue }
            // Only a lock made while that writer ran (not one a later git made).
            if TimeInterval(st.st_mtim.tv_sec) >= declaredAt - 1 && TimeInterval(st.st_mtim.tv_sec) <= declaredAt + 60 {
                unlink(lock)
            }
        }
        clear()
    }

    /// Records the git lock files this write may create.
    func declare(_ lockFiles: [String]) {
        let text = lockFiles.joined(separator: "\n") + "\n"
        _ = ftruncate(fd, 0)
        _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
        _ = fsync(fd)
    }

    /// The write finished: nothing of this writer's is left to recover.
    func clear() {
        _ = ftruncate(fd, 0)
    }
}
