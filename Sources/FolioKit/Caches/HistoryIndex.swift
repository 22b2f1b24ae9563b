import FolioGit
import FolioModel
import Foundation

/// The history index: a cache, under the git directory, of what each commit
/// did to the documents (`HistoryCommit`), in the order of a history walk
/// from one tip. Entries depend only on their commit, so an entry is never
/// wrong for its commit; the file as a whole is trusted only when its
/// header, its end line and its checksum all hold, and is otherwise ignored
/// and rebuilt. It is replaced by rename, so a reader never sees half a file
/// and two reports at once each leave a whole one.
///
///     folio-history-index 1
///     C <commit> <parents> <time> <offset> <author> <email> <committer> <email> <action> <revision> <subject>
///     F <part> <status> <document> <path> <old blob> <new blob>
///     E <kind> <document> <revision> <actor> <name> <at> <role> <meaning> <comment> <by> <fingerprint> <signed><verified>
///     P <document> <message>
///     …
///     end <tip> <commits> <FNV-1a 64 of everything above>
///
/// Fields are separated by tabs; `\`, tab and newline in a field are written
/// `\\`, `\t` and `\n`.
enum HistoryIndex {
    static let header = Array("folio-history-index 1\n".utf8)

    static func path(_ repository: Repository) -> String {
        repository.commonDir + "folio/history-index"
    }
}

// MARK: Writing

/// Writes a new index to a temporary file beside the old one, then renames
/// it into place.
final class HistoryIndexWriter {
    private let file: CacheFileWriter
    private(set) var count = 0

    init?(_ repository: Repository) {
        let path = HistoryIndex.path(repository)
        // A read-only repository (a server mirror) still gets its report.
        guard let file = CacheFileWriter(path: path) else { return nil }
        self.file = file
        HistoryIndexWriter.removeStale((path as NSString).deletingLastPathComponent)
        file.append { $0 += HistoryIndex.header }
    }

    /// Temporary files of writers that were killed (older than an hour).
    private static func removeStale(_ folder: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names where name.hasPrefix("history-index.tmp-") {
            let path = folder + "/" + name
            if let date = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date,
                date.timeIntervalSinceNow < -3600
            {
                unlink(path)
            }
        }
    }

    func add(_ commit: HistoryCommit) {
        file.append { HistoryIndexCoding.encode(commit, into: &$0) }
        count += 1
    }

    /// Entries copied as they are from an index already checked.
    func addRaw(_ bytes: UnsafeRawBufferPointer, commits: Int) {
        file.append(raw: bytes)
        count += commits
    }

    /// Completes the file and puts it in place; a failure leaves the old one.
    func commit(tip: ObjectID) {
        file.commit { "end\t\(tip)\t\(count)\t\($0)\n" }
    }
}

// MARK: Reading

/// An index file whose header, end line and checksum hold. It is read in
/// chunks, not mapped: a report's resident memory then does not grow with
/// the history (at 100,000 commits the index is some 50 MB).
final class HistoryIndexFile {
    let tip: ObjectID
    let count: Int
    private let descriptor: Int32
    /// Where the entries are: after the header, before the end line.
    let body: Range<Int>
    private static let chunk = 1 << 16

    init?(_ repository: Repository) {
        // Non-blocking: a FIFO in its place must not hang the report.
        let fd = open(HistoryIndex.path(repository), O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        var info = stat()
        let header = HistoryIndex.header
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, Int(info.st_size) > header.count + 1 else {
            close(fd)
            return nil
        }
        descriptor = fd
        let size = Int(info.st_size)
        // The end line: the last line of the file, well under 200 bytes.
        let tail = HistoryIndexFile.read(fd, at: max(0, size - 200), count: min(size, 200))
        guard tail.last == 0x0A, let newline = tail.dropLast().lastIndex(of: 0x0A) else {
            close(fd)
            return nil
        }
        let fields = tail[(newline + 1)..<(tail.count - 1)].split(separator: 0x09)
        let start = size - (tail.count - newline - 1)
        guard fields.count == 4, Array(fields[0]) == Array("end".utf8),
            let tip = ObjectID(hex: String(decoding: fields[1], as: UTF8.self)),
            let count = Int(String(decoding: fields[2], as: UTF8.self)),
            HistoryIndexFile.read(fd, at: 0, count: header.count) == header
        else {
            close(fd)
            return nil
        }
        var checksum = Checksum()
        var offset = 0
        while offset < start {
            let bytes = HistoryIndexFile.read(fd, at: offset, count: min(HistoryIndexFile.chunk, start - offset))
            guard !bytes.isEmpty else { break }
            bytes.withUnsafeBytes { checksum.add($0) }
            offset += bytes.count
        }
        guard offset == start, checksum.hex == String(decoding: fields[3], as: UTF8.self) else {
            close(fd)
            return nil
        }
        self.tip = tip
        self.count = count
        body = header.count..<start
    }

    deinit { close(descriptor) }

    private static func read(_ fd: Int32, at offset: Int, count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(offset + done)) }
            if n <= 0 { break }
            done += n
        }
        return Array(bytes.prefix(done))
    }

    /// The body in chunks that end where an entry does, with each chunk's offset.
    private func chunks(_ use: (_ bytes: [UInt8], _ offset: Int) throws -> Bool) rethrows -> Bool {
        var carry: [UInt8] = []
        var carryOffset = body.lowerBound
        var position = body.lowerBound
        while position < body.upperBound {
            let bytes = HistoryIndexFile.read(descriptor, at: position, count: min(HistoryIndexFile.chunk, body.upperBound - position))
            guard !bytes.isEmpty else { return false }
            position += bytes.count
            carry += bytes
            // Entries start at a line "C\t…"; fields never hold a raw newline.
            var cut = position >= body.upperBound ? carry.count : 0
            if cut == 0, carry.count > 2 {
                var i = carry.count - 3
                while i > 0 && !(carry[i] == 0x0A && carry[i + 1] == UInt8(ascii: "C") && carry[i + 2] == 0x09) { i -= 1 }
                cut = i > 0 ? i + 1 : 0
            }
            if cut == 0 { continue }
            guard try use(Array(carry[..<cut]), carryOffset) else { return false }
            carry.removeFirst(cut)
            carryOffset += cut
        }
        return carry.isEmpty
    }

    /// Every entry, in order. False at the first that does not decode (the
    /// caller then treats the index as absent).
    func forEach(_ each: (HistoryCommit) throws -> Void) throws -> Bool {
        var seen = 0
        let whole = try chunks { bytes, _ in
            try bytes.withUnsafeBytes { all in
                var offset = 0
                while offset < all.count {
                    guard let (commit, next) = HistoryIndexCoding.decode(all, at: offset, end: all.count) else { return false }
                    try each(commit)
                    seen += 1
                    offset = next
                }
                return true
            }
        }
        return whole && seen == count
    }

    /// The entries as they are, for a new index that extends this one.
    func copyBody(to writer: HistoryIndexWriter?) {
        guard let writer else { return }
        _ = chunks { bytes, _ in
            bytes.withUnsafeBytes { writer.addRaw($0, commits: HistoryIndexFile.entryStarts(bytes).count) }
            return true
        }
    }

    /// Where each commit's entry is, for looking entries up out of order.
    func offsets() -> [ObjectID: Range<Int>] {
        var result: [ObjectID: Range<Int>] = [:]
        result.reserveCapacity(count)
        _ = chunks { bytes, base in
            let starts = HistoryIndexFile.entryStarts(bytes)
            bytes.withUnsafeBytes { all in
                for (k, start) in starts.enumerated() where start + 42 <= all.count {
                    guard let id = ObjectID(hexBytes: all[(start + 2)..<(start + 42)]) else { continue }
                    result[id] = (base + start)..<(base + (k + 1 < starts.count ? starts[k + 1] : all.count))
                }
            }
            return true
        }
        return result
    }

    /// Where entries start in a run of whole entries: at lines "C\t…"
    /// (fields never hold a raw newline).
    static func entryStarts(_ bytes: [UInt8]) -> [Int] {
        var starts: [Int] = []
        for i in bytes.indices where bytes[i] == UInt8(ascii: "C") && (i == 0 || bytes[i - 1] == 0x0A) && i + 1 < bytes.count && bytes[i + 1] == 0x09 {
            starts.append(i)
        }
        return starts
    }

    func entry(at range: Range<Int>) -> HistoryCommit? {
        let bytes = HistoryIndexFile.read(descriptor, at: range.lowerBound, count: range.count)
        return bytes.withUnsafeBytes { HistoryIndexCoding.decode($0, at: 0, end: $0.count)?.0 }
    }
}

// MARK: Coding

enum HistoryIndexCoding {
    static func encode(_ c: HistoryCommit, into out: inout [UInt8]) {
        func field(_ s: String) { CacheFields.field(s, into: &out) }
        out.append(UInt8(ascii: "C"))
        field(c.id.description)
        field(String(c.parentCount))
        field(String(c.authorTime))
        field(String(c.authorOffset))
        for s in [c.authorName, c.authorEmail, c.committerName, c.committerEmail, c.action, c.revision, c.subject] { field(s) }
        out.append(0x0A)
        for f in c.changes {
            out.append(UInt8(ascii: "F"))
            for s in [f.part.rawValue, f.status.rawValue, f.document, f.path, f.oldBlob?.description ?? "-", f.newBlob?.description ?? "-"] {
                field(s)
            }
            out.append(0x0A)
        }
        for e in c.events {
            out.append(UInt8(ascii: "E"))
            for s in [e.kind, e.document, e.revision, e.actor, e.name, e.at, e.role, e.meaning, e.comment, e.by, e.fingerprint] {
                field(s)
            }
            field((e.signed ? "1" : "0") + (e.verified ? "1" : "0"))
            out.append(0x0A)
        }
        for p in c.problems {
            out.append(UInt8(ascii: "P"))
            field(p.document)
            field(p.message)
            out.append(0x0A)
        }
    }

    /// The entry starting at `offset` and the offset after it; nil if the
    /// bytes there are not an entry.
    static func decode(_ all: UnsafeRawBufferPointer, at offset: Int, end: Int) -> (HistoryCommit, Int)? {
        var cursor = offset
        var fields: [String] = []
        fields.reserveCapacity(14)
        /// Splits the line at `cursor` into fields; returns its tag.
        func line() -> UInt8? {
            guard cursor < end else { return nil }
            let tag = all[cursor]
            fields.removeAll(keepingCapacity: true)
            var i = cursor + 1
            guard i < end, all[i] == 0x09 else { return nil }
            i += 1
            var start = i
            var escaped = false
            while i < end {
                let b = all[i]
                if b == 0x09 || b == 0x0A {
                    fields.append(text(start, i, escaped))
                    escaped = false
                    start = i + 1
                    if b == 0x0A {
                        cursor = i + 1
                        return tag
                    }
                } else if b == 0x5C {
                    escaped = true
                    i += 1
                }
                i += 1
            }
            return nil
        }
        func text(_ from: Int, _ to: Int, _ escaped: Bool) -> String {
            CacheFields.string(UnsafeRawBufferPointer(rebasing: all[from..<min(to, end)]), escaped: escaped)
        }
        guard line() == UInt8(ascii: "C"), fields.count == 11, let id = ObjectID(hex: fields[0]),
            let parents = Int(fields[1]), let time = Int64(fields[2]), let offsetMinutes = Int(fields[3])
        else { return nil }
        var commit = HistoryCommit(
            id: id, parentCount: parents, authorName: fields[4], authorEmail: fields[5], authorTime: time,
            authorOffset: offsetMinutes, committerName: fields[6], committerEmail: fields[7], subject: fields[10],
            action: fields[8], revision: fields[9], changes: [], events: [], problems: [])
        while cursor < end, all[cursor] != UInt8(ascii: "C") {
            switch line() {
            case UInt8(ascii: "F"):
                guard fields.count == 6, let part = HistoryChange.Part(rawValue: fields[0]),
                    let status = FileChange.Status(rawValue: fields[1])
                else { return nil }
                commit.changes.append(
                    HistoryChange(
                        part: part, status: status, document: fields[2], path: fields[3],
                        oldBlob: fields[4] == "-" ? nil : ObjectID(hex: fields[4]), newBlob: fields[5] == "-" ? nil : ObjectID(hex: fields[5])))
            case UInt8(ascii: "E"):
                guard fields.count == 12 else { return nil }
                let flags = Array(fields[11].utf8)
                guard flags.count == 2 else { return nil }
                commit.events.append(
                    HistoryEvent(
                        kind: fields[0], document: fields[1], revision: fields[2], actor: fields[3], name: fields[4], at: fields[5],
                        role: fields[6], meaning: fields[7], comment: fields[8], by: fields[9], fingerprint: fields[10],
                        signed: flags[0] == UInt8(ascii: "1"), verified: flags[1] == UInt8(ascii: "1")))
            case UInt8(ascii: "P"):
                guard fields.count == 2 else { return nil }
                commit.problems.append(HistoryProblem(document: fields[0], message: fields[1]))
            default:
                return nil
            }
        }
        return (commit, cursor)
    }
}
