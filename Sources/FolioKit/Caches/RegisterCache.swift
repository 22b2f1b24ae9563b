import FolioGit
import FolioModel
import Foundation

/// The register cache: rows of the master register under the git directory
/// (`folio/register`), each keyed by what it is a function of, so a register
/// after a few changes parses only the documents that changed.
///
/// A row depends on the document's path, its content fingerprint (the
/// document blob and its attachment folder, `Fingerprint`), its record blob,
/// and the rules: `folio.yml`, the templates and `.folio/allowed_signers`
/// (approval roles, states, signature verification). The file names the
/// rules' key in its header; rows whose key is not found are read again.
///
///     folio-register 2 <rules key>
///     R <path> <fingerprint> <record blob or -> <id> <type> <title> <state> <revision> <owner> <last change> <last actor>
///     A <person> <name> <role> <meaning> <at> <current><signed><verified>
///     F <attachment>
///     …
///     end <rows> <FNV-1a 64 of everything above>
///
/// Fields are separated by tabs (`\`, tab and newline escaped as `\\`, `\t`,
/// `\n`); an absent value is `?`, a present one starts with `=`. The file is
/// trusted only when its header, rules key, end line and checksum hold;
/// otherwise it is ignored and rebuilt. Rows are in the register's order and
/// are read, and the next file written, as the register goes, so neither the
/// file nor its rows are ever held whole. It is replaced by rename, so a reader
/// never sees half a file. Like the history index, it is a cache, not a
/// record: deleting it only makes the next register slower.
enum RegisterCache {
    static let header = "folio-register 3"

    /// Compared and hashed by bytes: two paths that differ only in Unicode
    /// normal form are two documents to git, so two rows here.
    struct Key: Hashable {
        let path: String
        let fingerprint: String
        let record: String

        static func == (a: Key, b: Key) -> Bool {
            a.path.utf8.elementsEqual(b.path.utf8) && a.fingerprint == b.fingerprint && a.record == b.record
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(fingerprint)
            hasher.combine(record)
            // The path's bytes in one call (native strings are contiguous UTF-8).
            var path = path
            path.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        }
    }

    static func path(_ repository: Repository) -> String { repository.commonDir + "folio/register" }

    /// The rules' key of a project read from a commit (the ids of
    /// `folio.yml`, `templates/` and `allowed_signers`); nil for the work
    /// tree or the index (their rows are not keyed by object ids).
    static func rules(_ project: Project) -> String? {
        guard let tree = project.source as? TreeSource,
            let config = try? tree.entry(ProjectConfig.path),
            let templates = try? tree.entry("templates"), templates.kind == .tree
        else { return nil }
        let signers = (try? tree.entry(".folio/allowed_signers"))?.id.description ?? "-"
        return "\(config.id)+\(templates.id)+\(signers)"
    }

    /// The key of a document's row in `project`; nil when it has no fingerprint.
    static func key(_ project: Project, _ location: DocumentLocation) throws -> Key? {
        guard let tree = project.source as? TreeSource, let fingerprint = try project.currentFingerprint(location) else { return nil }
        let record = try tree.entry(Record.path(for: location.id))
        return Key(path: location.path, fingerprint: fingerprint, record: record?.id.description ?? "-")
    }

    /// One row as the file holds it: its key, the entry, and its lines (to
    /// copy into the next file unchanged).
    struct Row {
        let key: Key
        let entry: RegisterEntry
        let raw: [UInt8]
    }

    /// The lines of one row.
    static func encode(_ key: Key, _ e: RegisterEntry, into out: inout [UInt8]) {
        CacheFields.line("R", [key.path, key.fingerprint, key.record, e.id, e.type, e.title, e.state, e.revision],
                         optional: [e.owner, e.lastChange, e.lastActor, e.inForce], into: &out)
        for a in e.approvals {
            let flags = [a.current, a.signed, a.verified].map { $0 ? "1" : "0" }.joined()
            CacheFields.line("A", [a.person, a.name, a.role, a.meaning, a.at, flags], into: &out)
        }
        for f in e.attachments { CacheFields.line("F", [f], into: &out) }
    }

    /// The rows of a cache file in the file's order, read in chunks (a
    /// register of 100,000 documents never holds the file or all its rows),
    /// after the whole file was checked: header and rules key, end line and
    /// checksum. Nil when any of them is wrong (then the register is read
    /// from the repository and the file rewritten).
    final class Reader {
        private let fd: Int32
        /// Where the end line starts: rows are read up to it.
        private let end: Int
        /// How many rows the end line says the file holds.
        let count: Int
        private var buffer: [UInt8] = []
        private var cursor = 0
        private var offset: Int
        private var peeked: [UInt8]?
        /// Set when a row did not parse: the rest is not trusted.
        private(set) var damaged = false

        init?(path: String, rules: String) {
            fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
            guard fd >= 0 else { return nil }
            var st = stat()
            // A row is some 250 bytes: 1 GiB is four million documents.
            guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_size <= 1 << 30, st.st_size > 0,
                let (end, count, headerLength) = Reader.check(fd, size: Int(st.st_size), header: Array("\(RegisterCache.header) \(rules)\n".utf8))
            else {
                close(fd)
                return nil
            }
            self.end = end
            self.count = count
            offset = headerLength
        }

        deinit { close(fd) }

        private static func pread(_ fd: Int32, _ count: Int, at offset: Int) -> [UInt8]? {
            var bytes = [UInt8](repeating: 0, count: count)
            var done = 0
            while done < count {
                let n = bytes[done...].withUnsafeMutableBytes { Foundation.pread(fd, $0.baseAddress, $0.count, off_t(offset + done)) }
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return nil }
                done += n
            }
            return bytes
        }

        /// The header, the end line and the checksum of everything above
        /// it, read in chunks: where the end line starts, the rows it
        /// promises and the header's length.
        private static func check(_ fd: Int32, size: Int, header: [UInt8]) -> (Int, Int, Int)? {
            guard size > header.count, let first = pread(fd, header.count, at: 0), first == header else { return nil }
            let tailLength = min(size, 256)
            guard let tail = pread(fd, tailLength, at: size - tailLength), tail.last == 0x0A,
                let lastBreak = tail.dropLast().lastIndex(of: 0x0A)
            else { return nil }
            let endStart = size - tailLength + lastBreak + 1
            let fields = String(decoding: tail[(lastBreak + 1)..<(tail.count - 1)], as: UTF8.self).split(separator: " ")
            guard endStart >= header.count, fields.count == 3, fields[0] == "end", let count = Int(fields[1]) else { return nil }
            var sum = Checksum()
            var at = 0
            while at < endStart {
                guard let chunk = pread(fd, min(1 << 20, endStart - at), at: at) else { return nil }
                chunk.withUnsafeBytes { sum.add($0) }
                at += chunk.count
            }
            guard fields[2] == sum.hex else { return nil }
            return (endStart, count, header.count)
        }

        /// The next line (without its newline), or nil at the end line.
        private func line() -> [UInt8]? {
            if let peeked {
                self.peeked = nil
                return peeked
            }
            while true {
                if let newline = buffer[cursor...].firstIndex(of: 0x0A) {
                    let line = Array(buffer[cursor..<newline])
                    cursor = newline + 1
                    return line
                }
                guard offset < end, let chunk = Reader.pread(fd, min(1 << 20, end - offset), at: offset) else { return nil }
                offset += chunk.count
                buffer.removeFirst(cursor)
                cursor = 0
                buffer += chunk
            }
        }

        /// The next row, or nil after the last (or at a line that does not parse: `damaged`).
        func next() -> Row? {
            guard !damaged, let first = line() else { return nil }
            guard let (tag, f) = CacheFields.split(first[...]), tag == UInt8(ascii: "R"), f.count == 12 else {
                damaged = true
                return nil
            }
            let optional = f[8...].map(CacheFields.optional)
            guard optional.allSatisfy({ $0 != nil }) else {
                damaged = true
                return nil
            }
            let o = optional.map { $0! }
            var raw = first
            raw.append(0x0A)
            var approvals: [ApprovalEntry] = []
            var attachments: [String] = []
            while let next = line() {
                guard let (tag, fields) = CacheFields.split(next[...]) else {
                    damaged = true
                    return nil
                }
                if tag == UInt8(ascii: "R") {
                    peeked = next
                    break
                }
                switch tag {
                case UInt8(ascii: "A"):
                    let flags = fields.last.map { Array($0.utf8) } ?? []
                    guard fields.count == 6, flags.count == 3 else {
                        damaged = true
                        return nil
                    }
                    approvals.append(ApprovalEntry(
                        person: fields[0], name: fields[1], role: fields[2], meaning: fields[3], at: fields[4],
                        current: flags[0] == UInt8(ascii: "1"), signed: flags[1] == UInt8(ascii: "1"), verified: flags[2] == UInt8(ascii: "1")))
                case UInt8(ascii: "F"):
                    guard fields.count == 1 else {
                        damaged = true
                        return nil
                    }
                    attachments.append(fields[0])
                default:
                    damaged = true
                    return nil
                }
                raw += next
                raw.append(0x0A)
            }
            let key = Key(path: f[0], fingerprint: f[1], record: f[2])
            let entry = RegisterEntry(
                id: f[3], type: f[4], title: f[5], path: key.path, state: f[6], revision: f[7], inForce: o[3], owner: o[0],
                lastChange: o[1], lastActor: o[2], approvals: approvals, attachments: attachments)
            return Row(key: key, entry: entry, raw: raw)
        }
    }

    /// A new cache file written as the register goes (beside the old one),
    /// renamed into place by `commit`; dropped when not committed.
    final class Writer {
        private let file: CacheFileWriter
        private(set) var count = 0

        init?(path: String, rules: String) {
            // A read-only repository (a server mirror) still gets its register.
            guard let file = CacheFileWriter(path: path) else { return nil }
            self.file = file
            file.append { $0 += "\(RegisterCache.header) \(rules)\n".utf8 }
        }

        func add(_ key: Key, _ entry: RegisterEntry) {
            file.append { RegisterCache.encode(key, entry, into: &$0) }
            count += 1
        }

        /// A row copied from the old file as it was.
        func add(_ row: Row) {
            file.append { $0 += row.raw }
            count += 1
        }

        /// Ends the file and puts it in place.
        func commit() {
            file.commit { "end \(count) \($0)\n" }
        }
    }
}
