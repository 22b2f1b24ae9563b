import FolioGit
import FolioModel
import Foundation

/// The register cache: rows of the master register under the git directory
/// (`folio/register`), each keyed by what it is a function of, so a register
/// after a few changes parses only the documents that changed.
///
/// A row depends on the document's path, the objects its content
/// fingerprint is made of (the document blob, and its attachment folder's
/// tree or an adopted file's metadata blob: `Fingerprint`), its record blob,
/// and the rules: `folio.yml`, the templates and `.folio/allowed_signers`
/// (approval roles, states, signature verification). The file names the
/// rules' key in its header; rows whose key is not found are read again.
///
///     folio-register 4 <rules key>
///     R <path> <document blob>[a<attachment folder>|m<metadata blob>] <record blob or -> <id> <type> <title> <state> <revision> <owner> <last change> <last actor>
///     A <person> <name> <role> <meaning> <at> <current><signed><verified>
///     F <attachment>
///     …
///     end <rows> <FNV-1a 64 of everything above>
///
/// The key is made of object ids, so a warm register compares ids found in
/// the folders it lists, with no fingerprint (SHA-1) computed for a row it
/// keeps. A kept row is never decoded for `ls --format json`: its fields
/// are written as JSON as they lie in the file (`Row.json`).
/// Fields are separated by tabs (`\`, tab and newline escaped as `\\`, `\t`,
/// `\n`); an absent value is `?`, a present one starts with `=`. The file is
/// trusted only when its header, rules key, end line and checksum hold;
/// otherwise it is ignored and rebuilt. Rows are in the register's order and
/// are read, and the next file written, as the register goes, so neither the
/// file nor its rows are ever held whole. It is replaced by rename, so a reader
/// never sees half a file. Like the history index, it is a cache, not a
/// record: deleting it only makes the next register slower.
enum RegisterCache {
    static let header = "folio-register 4"

    /// A row's key as the file holds it: its first three fields, escaped
    /// (`<path>\t<content objects>\t<record>`). Compared by bytes: two
    /// paths that differ only in Unicode normal form are two documents to
    /// git, so two rows here.
    struct Key: Equatable {
        let bytes: [UInt8]
        /// The length of the escaped path at the start.
        let pathLength: Int
        var path: ArraySlice<UInt8> { bytes[..<pathLength] }
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

    /// The key of a document's row in `project`: the ids of the objects its
    /// fingerprint is computed from (`Project.fingerprintObjects`), so a kept
    /// row costs no fingerprint; nil when the document is not in the commit.
    static func key(_ project: Project, _ location: DocumentLocation) throws -> Key? {
        guard let tree = project.source as? TreeSource, let objects = try project.fingerprintObjects(location) else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(location.path.utf8.count + 128)
        CacheFields.escape(location.path, into: &bytes)
        let pathLength = bytes.count
        bytes.append(0x09)
        objects.document.id.appendHex(to: &bytes)
        if let folder = objects.attachments {
            bytes.append(UInt8(ascii: "a"))
            folder.id.appendHex(to: &bytes)
        }
        if let metadata = objects.metadata {
            bytes.append(UInt8(ascii: "m"))
            metadata.id.appendHex(to: &bytes)
        }
        bytes.append(0x09)
        if let record = try tree.entry(Record.path(for: location.id)) {
            record.id.appendHex(to: &bytes)
        } else {
            bytes.append(UInt8(ascii: "-"))
        }
        return Key(bytes: bytes, pathLength: pathLength)
    }

    /// The lines of one row.
    static func encode(_ key: Key, _ e: RegisterEntry, into out: inout [UInt8]) {
        out += [UInt8(ascii: "R"), 0x09]
        out += key.bytes
        for f in [e.id, e.type, e.title, e.state, e.revision] { CacheFields.field(f, into: &out) }
        for f in [e.owner, e.lastChange, e.lastActor, e.inForce] { CacheFields.field(f.map { "=" + $0 } ?? "?", into: &out) }
        out.append(0x0A)
        for a in e.approvals {
            let flags = [a.current, a.signed, a.verified].map { $0 ? "1" : "0" }.joined()
            CacheFields.line("A", [a.person, a.name, a.role, a.meaning, a.at, flags], into: &out)
        }
        for f in e.attachments { CacheFields.line("F", [f], into: &out) }
    }

    /// One row as the file holds it: its lines (copied into the next file
    /// unchanged) and where their fields lie, checked when read. Decoded
    /// only when asked (`entry`); `json` is made from its bytes.
    struct Row {
        let raw: [UInt8]
        /// The 12 fields of the R line, then 6 of each A line, then 1 of each F line.
        let fields: [Range<Int>]
        let approvals: Int
        let attachments: Int

        var key: ArraySlice<UInt8> { raw[fields[0].lowerBound..<fields[2].upperBound] }
        var path: ArraySlice<UInt8> { raw[fields[0]] }

        func string(_ i: Int) -> String { Row.string(raw[fields[i]]) }

        private static func string(_ field: ArraySlice<UInt8>) -> String { CacheFields.string(field, escaped: field.contains(0x5C)) }

        /// An optional field (`?` or `=value`, checked when read). The `=` is
        /// dropped as a byte: dropping a Character would take a combining mark
        /// that follows it too.
        func optional(_ i: Int) -> String? {
            raw[fields[i].lowerBound] == UInt8(ascii: "?") ? nil : Row.string(raw[(fields[i].lowerBound + 1)..<fields[i].upperBound])
        }

        var state: String { string(6) }
        var owner: String? { optional(8) }

        var entry: RegisterEntry {
            let approvalEntries = (0..<approvals).map { k in
                let at = 12 + 6 * k
                let flags = raw[fields[at + 5]]
                return ApprovalEntry(
                    person: string(at), name: string(at + 1), role: string(at + 2), meaning: string(at + 3), at: string(at + 4),
                    current: flags[flags.startIndex] == UInt8(ascii: "1"), signed: flags[flags.startIndex + 1] == UInt8(ascii: "1"),
                    verified: flags[flags.startIndex + 2] == UInt8(ascii: "1"))
            }
            let first = 12 + 6 * approvals
            return RegisterEntry(
                id: string(3), type: string(4), title: string(5), path: string(0), state: string(6), revision: string(7), inForce: optional(11),
                owner: optional(8), lastChange: optional(9), lastActor: optional(10), approvals: approvalEntries,
                attachments: (first..<(first + attachments)).map(string))
        }

        /// `entry.directJSON`, made from the row's bytes without decoding
        /// them (`JSONValue.utf8`): a kept row of `ls --format json` makes no strings.
        var json: JSONValue {
            func value(_ i: Int, dropping: Int = 0) -> JSONValue {
                let field = raw[(fields[i].lowerBound + dropping)..<fields[i].upperBound]
                return field.contains(0x5C) ? .string(CacheFields.string(field)) : .utf8(field)
            }
            func optional(_ i: Int) -> JSONValue? { raw[fields[i].lowerBound] == UInt8(ascii: "?") ? nil : value(i, dropping: 1) }
            let approvalValues = (0..<approvals).map { k in
                let at = 12 + 6 * k
                let flags = raw[fields[at + 5]]
                return ApprovalEntry.json(
                    at: value(at + 4), current: flags[flags.startIndex] == UInt8(ascii: "1"), meaning: value(at + 3), name: value(at + 1),
                    person: value(at), role: value(at + 2), signed: flags[flags.startIndex + 1] == UInt8(ascii: "1"),
                    verified: flags[flags.startIndex + 2] == UInt8(ascii: "1"))
            }
            let first = 12 + 6 * approvals
            return RegisterEntry.json(
                approvals: approvalValues, attachments: (first..<(first + attachments)).map { value($0) }, id: value(3), inForce: optional(11),
                lastActor: optional(10), lastChange: optional(9), owner: optional(8), path: value(0), revision: value(7), state: value(6),
                title: value(5), type: value(4))
        }
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
        /// Its lines are checked here (field counts, optional and flag fields),
        /// so `Row` may take its fields as they are.
        func next() -> Row? {
            guard !damaged, let first = line() else { return nil }
            var raw = first
            raw.append(0x0A)
            var fields: [Range<Int>] = []
            fields.reserveCapacity(16)
            func optional(_ r: Range<Int>) -> Bool {
                r.count == 1 && raw[r.lowerBound] == UInt8(ascii: "?") || r.count >= 1 && raw[r.lowerBound] == UInt8(ascii: "=")
            }
            guard CacheFields.ranges(raw[0..<first.count], into: &fields) == UInt8(ascii: "R"), fields.count == 12,
                fields[8...].allSatisfy(optional)
            else {
                damaged = true
                return nil
            }
            var approvals = 0
            var attachments = 0
            while let next = line() {
                if next.first == UInt8(ascii: "R") {
                    peeked = next
                    break
                }
                let start = raw.count
                raw += next
                raw.append(0x0A)
                let before = fields.count
                let tag = CacheFields.ranges(raw[start..<(start + next.count)], into: &fields)
                switch tag {
                // Approvals come before attachments, as `encode` writes them.
                case UInt8(ascii: "A") where attachments == 0 && fields.count == before + 6:
                    let flags = raw[fields[before + 5]]
                    guard flags.count == 3, flags.allSatisfy({ $0 == UInt8(ascii: "0") || $0 == UInt8(ascii: "1") }) else {
                        damaged = true
                        return nil
                    }
                    approvals += 1
                case UInt8(ascii: "F") where fields.count == before + 1:
                    attachments += 1
                default:
                    damaged = true
                    return nil
                }
            }
            return Row(raw: raw, fields: fields, approvals: approvals, attachments: attachments)
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
        func add(_ row: Row) { addRaw(row.raw) }

        /// A row's lines, as the file holds them.
        func addRaw(_ lines: [UInt8]) {
            file.append { $0 += lines }
            count += 1
        }

        /// Ends the file and puts it in place.
        func commit() {
            file.commit { "end \(count) \($0)\n" }
        }
    }
}
