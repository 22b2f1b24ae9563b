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
/// otherwise it is ignored and rebuilt. It is replaced by rename, so a reader
/// never sees half a file. Like the history index, it is a cache, not a
/// record: deleting it only makes the next register slower.
struct RegisterCache {
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

    let path: String
    let rules: String
    private(set) var rows: [Key: RegisterEntry] = [:]

    static func path(_ repository: Repository) -> String { repository.commonDir + "folio/register" }

    /// The cache of a project read from a commit; nil for the work tree or
    /// the index (their rows are not keyed by object ids).
    init?(_ project: Project) {
        guard let tree = project.source as? TreeSource,
            let config = try? tree.entry(ProjectConfig.path),
            let templates = try? tree.entry("templates"), templates.kind == .tree
        else { return nil }
        let signers = (try? tree.entry(".folio/allowed_signers"))?.id.description ?? "-"
        rules = "\(config.id)+\(templates.id)+\(signers)"
        path = RegisterCache.path(project.repository)
        rows = RegisterCache.read(path, rules: rules) ?? [:]
    }

    /// The key of a document's row in `project`; nil when it has no fingerprint.
    static func key(_ project: Project, _ location: DocumentLocation) throws -> Key? {
        guard let tree = project.source as? TreeSource, let fingerprint = try project.currentFingerprint(location) else { return nil }
        let record = try tree.entry(Record.path(for: location.id))
        return Key(path: location.path, fingerprint: fingerprint, record: record?.id.description ?? "-")
    }

    subscript(key: Key) -> RegisterEntry? { rows[key] }

    /// How many rows the file held.
    var count: Int { rows.count }

    /// Replaces the file with exactly `rows` (the rows of this register).
    func save(_ rows: [(Key, RegisterEntry)]) {
        var out = Array("\(RegisterCache.header) \(rules)\n".utf8)
        for (key, e) in rows {
            CacheFields.line("R", [key.path, key.fingerprint, key.record, e.id, e.type, e.title, e.state, e.revision],
                             optional: [e.owner, e.lastChange, e.lastActor, e.inForce], into: &out)
            for a in e.approvals {
                let flags = [a.current, a.signed, a.verified].map { $0 ? "1" : "0" }.joined()
                CacheFields.line("A", [a.person, a.name, a.role, a.meaning, a.at, flags], into: &out)
            }
            for f in e.attachments { CacheFields.line("F", [f], into: &out) }
        }
        var sum = Checksum()
        out.withUnsafeBytes { sum.add($0) }
        out += Array("end \(rows.count) \(sum.hex)\n".utf8)
        CacheFile.replace(path, with: out)
    }

    private static func read(_ path: String, rules: String) -> [Key: RegisterEntry]? {
        // A row is some 250 bytes: 1 GiB is four million documents.
        guard let bytes = CacheFile.read(path, limit: 1 << 30) else { return nil }
        // Header and end line first, then the checksum of everything above the end line.
        guard let first = bytes.firstIndex(of: 0x0A),
            String(decoding: bytes[..<first], as: UTF8.self) == "\(header) \(rules)",
            bytes.last == 0x0A, let endStart = bytes.dropLast().lastIndex(of: 0x0A).map({ $0 + 1 })
        else { return nil }
        let end = String(decoding: bytes[endStart..<(bytes.count - 1)], as: UTF8.self).split(separator: " ")
        var sum = Checksum()
        bytes[..<endStart].withUnsafeBytes { sum.add($0) }
        guard end.count == 3, end[0] == "end", let count = Int(end[1]), end[2] == sum.hex else { return nil }
        var rows: [Key: RegisterEntry] = [:]
        rows.reserveCapacity(count)
        var pending: (Key, [String], [String?])?
        var approvals: [ApprovalEntry] = []
        var attachments: [String] = []
        func finish() {
            guard let (key, f, o) = pending else { return }
            rows[key] = RegisterEntry(
                id: f[3], type: f[4], title: f[5], path: key.path, state: f[6], revision: f[7], inForce: o[3], owner: o[0],
                lastChange: o[1], lastActor: o[2], approvals: approvals, attachments: attachments)
            pending = nil
            approvals = []
            attachments = []
        }
        var start = first + 1
        while start < endStart {
            guard let newline = bytes[start..<endStart].firstIndex(of: 0x0A) else { return nil }
            guard let (tag, fields) = CacheFields.split(bytes[start..<newline]) else { return nil }
            start = newline + 1
            switch tag {
            case UInt8(ascii: "R"):
                finish()
                guard fields.count == 12 else { return nil }
                let optional = fields[8...].map(CacheFields.optional)
                guard optional.allSatisfy({ $0 != nil }) else { return nil }
                pending = (Key(path: fields[0], fingerprint: fields[1], record: fields[2]), fields, optional.map { $0! })
            case UInt8(ascii: "A"):
                let flags = fields.last.map { Array($0.utf8) } ?? []
                guard pending != nil, fields.count == 6, flags.count == 3 else { return nil }
                approvals.append(ApprovalEntry(
                    person: fields[0], name: fields[1], role: fields[2], meaning: fields[3], at: fields[4],
                    current: flags[0] == UInt8(ascii: "1"), signed: flags[1] == UInt8(ascii: "1"), verified: flags[2] == UInt8(ascii: "1")))
            case UInt8(ascii: "F"):
                guard pending != nil, fields.count == 1 else { return nil }
                attachments.append(fields[0])
            default:
                return nil
            }
        }
        finish()
        return rows.count == count ? rows : nil
    }
}
