import FolioGit
import FolioModel
import Foundation

// What the caches under the git directory (`.git/folio/`: the history index,
// the parsed templates, the register) share: their checksum, their field
// encoding and how a file is read and replaced.

/// FNV-1a, 64 bits: a checksum against truncation and stray edits (the cache
/// is not a security boundary; the repository's owner can rewrite it anyway).
struct Checksum {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ bytes: UnsafeRawBufferPointer) {
        var h = value
        for b in bytes {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        value = h
    }

    var hex: String {
        let s = String(value, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}

/// Tab-separated lines of the caches under the git directory (the register
/// cache): a tag byte, then fields, each after a tab, with `\`, tab and
/// newline escaped. Optional values are `?` (absent) or `=value`.
enum CacheFields {
    static func field(_ s: String, into out: inout [UInt8]) {
        out.append(0x09)
        escape(s, into: &out)
    }

    /// `s` as a field holds it: `\\`, tab and newline escaped.
    static func escape(_ s: String, into out: inout [UInt8]) {
        let utf8 = s.utf8
        if !utf8.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A }) {
            out.append(contentsOf: utf8)
            return
        }
        for b in utf8 {
            switch b {
            case 0x5C: out += [0x5C, 0x5C]
            case 0x09: out += [0x5C, 0x74]
            case 0x0A: out += [0x5C, 0x6E]
            default: out.append(b)
            }
        }
    }

    static func line(_ tag: Character, _ fields: [String], optional: [String?] = [], into out: inout [UInt8]) {
        out.append(tag.asciiValue!)
        for f in fields { field(f, into: &out) }
        for f in optional { field(f.map { "=" + $0 } ?? "?", into: &out) }
        out.append(0x0A)
    }

    /// The tag of one line (without its newline), with where each of its
    /// fields lies (still escaped) appended to `fields`; nil when the line
    /// has no tag and tab.
    static func ranges(_ line: ArraySlice<UInt8>, into fields: inout [Range<Int>]) -> UInt8? {
        guard let tag = line.first, line.count >= 2, line[line.startIndex + 1] == 0x09 else { return nil }
        var start = line.startIndex + 2
        var i = start
        while i < line.endIndex {
            let b = line[i]
            if b == 0x09 {
                fields.append(start..<i)
                start = i + 1
            } else if b == 0x5C {
                i += 1  // the escaped byte is never a separator
            }
            i += 1
        }
        fields.append(start..<line.endIndex)
        return tag
    }

    /// The value of a field's bytes (as `ranges` finds them); `escaped` when
    /// they hold a backslash. A field without one (nearly all) is decoded
    /// from its bytes in place.
    static func string<Bytes: Collection<UInt8>>(_ field: Bytes, escaped: Bool = true) -> String where Bytes.Index == Int {
        guard escaped else { return String(decoding: field, as: UTF8.self) }
        var current: [UInt8] = []
        current.reserveCapacity(field.count)
        var k = field.startIndex
        while k < field.endIndex {
            let b = field[k]
            if b == 0x5C, k + 1 < field.endIndex {
                let n = field[k + 1]
                current.append(n == 0x74 ? 0x09 : n == 0x6E ? 0x0A : n)
                k += 2
            } else {
                current.append(b)
                k += 1
            }
        }
        return String(decoding: current, as: UTF8.self)
    }
}

/// A cache file replaced whole: written beside it, then renamed into place.
/// Failures are ignored (a read-only repository just gets no cache).
enum CacheFile {
    /// The bytes of a regular file of at most `limit` bytes; nil for anything
    /// else (missing, a folder, a FIFO, a device, too large, unreadable), so a
    /// damaged cache costs a rebuild, never a hang or an allocation of its size.
    static func read(_ path: String, limit: Int) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_size <= limit else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(st.st_size))
        var done = 0
        while done < bytes.count {
            let n = bytes[done...].withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return nil }
            done += n
        }
        return bytes
    }

    static func replace(_ path: String, with bytes: [UInt8]) {
        let folder = (path as NSString).deletingLastPathComponent
        let temporary = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        guard (try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)) != nil,
            FileManager.default.createFile(atPath: temporary, contents: Data(bytes))
        else { return }
        if rename(temporary, path) != 0 { unlink(temporary) }
    }
}

/// A cache file written in pieces beside its final place, with a running
/// FNV-1a checksum of everything written, put in place by `commit` (rename)
/// and removed when not committed. A failed write (a full disk) makes the
/// commit fail and leaves the old file, never a crash or half a file.
final class CacheFileWriter {
    let finalPath: String
    private let temporaryPath: String
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var checksum = Checksum()
    private var failed = false
    private var committed = false

    /// Nil when the folder or the file cannot be made (a read-only repository: no cache).
    init?(path: String) {
        finalPath = path
        temporaryPath = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let folder = (path as NSString).deletingLastPathComponent
        guard (try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)) != nil,
            FileManager.default.createFile(atPath: temporaryPath, contents: nil),
            let handle = FileHandle(forWritingAtPath: temporaryPath)
        else { return nil }
        self.handle = handle
        buffer.reserveCapacity(1 << 20)
    }

    deinit {
        try? handle.close()
        if !committed { unlink(temporaryPath) }
    }

    /// Appends what `encode` writes into the buffer (flushed by the MiB).
    func append(_ encode: (inout [UInt8]) -> Void) {
        encode(&buffer)
        if buffer.count >= 1 << 20 { flush() }
    }

    /// Appends bytes already in memory elsewhere, without copying them into the buffer.
    func append(raw bytes: UnsafeRawBufferPointer) {
        flush()
        checksum.add(bytes)
        write(bytes)
    }

    private func write(_ bytes: UnsafeRawBufferPointer) {
        guard !failed else { return }
        do { try handle.write(contentsOf: bytes) } catch { failed = true }
    }

    private func flush() {
        buffer.withUnsafeBytes { bytes in
            checksum.add(bytes)
            write(bytes)
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes the end line `end(checksum)` (not itself checksummed) and puts
    /// the file in place. - Returns: false when a write failed (the old file stays).
    @discardableResult
    func commit(end: (_ checksum: String) -> String) -> Bool {
        flush()
        Array(end(checksum.hex).utf8).withUnsafeBytes { write($0) }
        guard !failed, (try? handle.close()) != nil, rename(temporaryPath, finalPath) == 0 else { return false }
        committed = true
        return true
    }
}
