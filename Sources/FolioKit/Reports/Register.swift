import FolioGit
import FolioModel
import Foundation

/// One approval as shown in listings (SPEC: person, role, meaning, at,
/// current, signed, verified).
public struct ApprovalEntry: Codable, Sendable, Equatable {
    public let person: String
    public let name: String
    public let role: String
    public let meaning: String
    public let at: String
    /// Bound to the document's current content (not stale).
    public let current: Bool
    public let signed: Bool
    /// Whether the signature verified; false when unsigned.
    public let verified: Bool
}

/// One row of the master document register.
public struct RegisterEntry: Codable, Sendable {
    public let id: String
    public let type: String
    public let title: String
    public let path: String
    public let state: String
    /// The working revision: the draft in work, or the one issued when no draft follows it.
    public let revision: String
    /// The revision in force (the last issued, unless superseded or withdrawn); equal to
    /// `revision` when no draft follows it, nil when none is in force.
    public let inForce: String?
    public let owner: String?
    public let lastChange: String?
    public let lastActor: String?
    public let approvals: [ApprovalEntry]
    public let attachments: [String]

    enum CodingKeys: String, CodingKey {
        case id, type, title, path, state, revision, owner, approvals, attachments
        case lastChange = "last_change"
        case lastActor = "last_actor"
        case inForce = "in_force"
    }
}

extension ApprovalEntry: DirectJSON {
    var directJSON: JSONValue {
        ApprovalEntry.json(
            at: .string(at), current: current, meaning: .string(meaning), name: .string(name), person: .string(person), role: .string(role),
            signed: signed, verified: verified)
    }

    /// An approval's JSON from its values: one layout for approvals made now
    /// and those kept in the register cache (`RegisterCache.Row.json`).
    static func json(
        at: JSONValue, current: Bool, meaning: JSONValue, name: JSONValue, person: JSONValue, role: JSONValue, signed: Bool, verified: Bool
    ) -> JSONValue {
        .object([
            ("at", at), ("current", .bool(current)), ("meaning", meaning), ("name", name),
            ("person", person), ("role", role), ("signed", .bool(signed)), ("verified", .bool(verified)),
        ])
    }
}

extension RegisterEntry: DirectJSON {
    var directJSON: JSONValue {
        RegisterEntry.json(
            approvals: approvals.map(\.directJSON), attachments: attachments.map { .string($0) }, id: .string(id),
            inForce: inForce.map { .string($0) }, lastActor: lastActor.map { .string($0) }, lastChange: lastChange.map { .string($0) },
            owner: owner.map { .string($0) }, path: .string(path), revision: .string(revision), state: .string(state), title: .string(title),
            type: .string(type))
    }

    /// A row's JSON from its values, keys in `CodingKeys`' JSON names, sorted,
    /// absent optionals left out: one layout for rows made now and rows kept
    /// in the register cache (`RegisterCache.Row.json`).
    static func json(
        approvals: [JSONValue], attachments: [JSONValue], id: JSONValue, inForce: JSONValue?, lastActor: JSONValue?, lastChange: JSONValue?,
        owner: JSONValue?, path: JSONValue, revision: JSONValue, state: JSONValue, title: JSONValue, type: JSONValue
    ) -> JSONValue {
        var members: [(String, JSONValue)] = [("approvals", .array(approvals)), ("attachments", .array(attachments)), ("id", id)]
        if let inForce { members.append(("in_force", inForce)) }
        if let lastActor { members.append(("last_actor", lastActor)) }
        if let lastChange { members.append(("last_change", lastChange)) }
        if let owner { members.append(("owner", owner)) }
        members += [("path", path), ("revision", revision), ("state", state), ("title", title), ("type", type)]
        return .object(members)
    }
}

/// The master document register: every document with its lifecycle state.
public enum Register {
    public struct Filter {
        public var type: String?
        public var state: String?
        public var owner: String?
        public init(type: String? = nil, state: String? = nil, owner: String? = nil) {
            self.type = type
            self.state = state
            self.owner = owner
        }
    }

    /// Every row of the register that `filter` keeps, in the register's order.
    /// - Throws: `FolioError.usage` for an unknown type or state; what reading the repository throws.
    public static func entries(_ project: Project, filter: Filter = Filter()) throws -> [RegisterEntry] {
        var result: [RegisterEntry] = []
        try forEachEntry(project, filter: filter) { result.append($0) }
        return result
    }

    /// Hands each row of the register that `filter` keeps to `body`, in the
    /// register's order, as it is made: a listing of 100,000 documents never
    /// holds every row. - Throws: as `entries`, and what `body` throws.
    public static func forEachEntry(_ project: Project, filter: Filter = Filter(), _ body: (RegisterEntry) throws -> Void) throws {
        try forEachRow(project, filter: filter) { try body($0.entry) }
    }

    /// The register as `ls --format json` prints it (the text of
    /// `JSONFormat.pretty(entries)`), handed to `write` in pieces as rows are
    /// made; rows kept in the register cache are written from its bytes.
    /// - Throws: as `entries`.
    public static func writeJSON(_ project: Project, filter: Filter = Filter(), to write: @escaping ([UInt8]) -> Void) throws {
        let out = JSONFormat.ArrayWriter<RegisterEntry>(bytes: write)
        try forEachRow(project, filter: filter) { out.add(json: $0.json) }
        out.finish()
    }

    /// One row as the register hands it out: made now, or kept in the
    /// register cache (decoded only when its entry is asked for).
    enum Row {
        case made(RegisterEntry)
        case cached(RegisterCache.Row)

        var entry: RegisterEntry {
            switch self {
            case .made(let entry): entry
            case .cached(let row): row.entry
            }
        }

        var json: JSONValue {
            switch self {
            case .made(let entry): entry.directJSON
            case .cached(let row): row.json
            }
        }
    }

    /// Rows whose document, attachments, record and rules are unchanged come
    /// from the register cache, read alongside (its rows are in the same
    /// order); the others are read and parsed in batches on all cores.
    static func forEachRow(_ project: Project, filter: Filter, _ body: (Row) throws -> Void) throws {
        if let type = filter.type, project.template(type) == nil {
            throw FolioError.usage("no type '\(type)'; types: \(project.templates.map(\.type).joined(separator: ", "))")
        }
        if let state = filter.state, LifecycleState(rawValue: state) == nil {
            throw FolioError.usage("no state '\(state)'; states: \(LifecycleState.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let locations = try project.allDocuments().filter { filter.type == nil || $0.type == filter.type }
        let rules = RegisterCache.rules(project)
        let file = RegisterCache.path(project.repository)
        let cache = CacheMerge(reader: rules.flatMap { RegisterCache.Reader(path: file, rules: $0) })
        // The next file, written as rows are made; put in place only when it differs.
        let writer = filter.type == nil ? rules.flatMap { RegisterCache.Writer(path: file, rules: $0) } : nil
        var changed = false
        let signers = project.allowedSigners()
        // In batches, so only one batch of rows and documents is in memory at a time.
        for start in stride(from: 0, to: locations.count, by: batchSize) {
            let batch = start..<min(start + batchSize, locations.count)
            var keys: [RegisterCache.Key?] = []
            var rows: [Row?] = []
            var misses: [Int] = []
            for i in batch {
                let key = rules == nil ? nil : try RegisterCache.key(project, locations[i])
                let hit = key.flatMap { cache.row($0) }
                keys.append(key)
                rows.append(hit.map { .cached($0) })
                if hit == nil { misses.append(i - start) }
            }
            // What libgit2 reads, on this thread, in one ordered pass over the
            // folders (each folder tree read once: TreeSource); then the parsing,
            // independent per document, on all cores; rows in the same order.
            let inputs = try misses.map { try Input(project, locations[start + $0]) }
            let parsed = try Parallel.map(inputs) { try entry(project, $0, signers: signers) }
            for (k, i) in misses.enumerated() { rows[i] = .made(parsed[k]) }
            for (k, row) in rows.enumerated() {
                let row = row!
                switch row {
                case .cached(let cached):
                    writer?.add(cached)
                    if let state = filter.state, cached.state != state { continue }
                    if let owner = filter.owner, cached.owner?.lowercased() != owner.lowercased() { continue }
                case .made(let entry):
                    // Rows with a signature are not kept: whether it verifies depends
                    // on the time (a key's valid-before) and on ssh-keygen running,
                    // not only on the ids the row is keyed by.
                    if let writer, let key = keys[k], !entry.approvals.contains(where: \.signed) {
                        writer.add(key, entry)
                        changed = true
                    }
                    if let state = filter.state, entry.state != state { continue }
                    if let owner = filter.owner, entry.owner?.lowercased() != owner.lowercased() { continue }
                }
                try body(row)
            }
        }
        if let writer, changed || writer.count != cache.count { writer.commit() }
    }

    /// Rows made at a time: enough to keep both cores busy parsing, few
    /// enough that their documents' bytes stay a few MiB.
    static let batchSize = 1024

    /// The register cache's rows met in the register's order: a row is taken
    /// when its document comes; rows of documents that come later (or never)
    /// wait, by path, until then. Both are in the register's order, so only
    /// rows of documents added or removed since wait.
    private final class CacheMerge {
        private let reader: RegisterCache.Reader?
        private var waiting: [[UInt8]: RegisterCache.Row] = [:]
        /// How many rows the file held (0 without a valid file).
        let count: Int

        init(reader: RegisterCache.Reader?) {
            self.reader = reader
            count = reader?.count ?? 0
        }

        /// The row for `key`, if the file holds one made from the same ids.
        func row(_ key: RegisterCache.Key) -> RegisterCache.Row? {
            if !waiting.isEmpty, let row = waiting.removeValue(forKey: Array(key.path)) {
                return row.key.elementsEqual(key.bytes) ? row : nil
            }
            while let row = reader?.next() {
                if row.path.elementsEqual(key.path) { return row.key.elementsEqual(key.bytes) ? row : nil }
                waiting[Array(row.path)] = row
            }
            return nil
        }
    }

    public static func entry(_ project: Project, _ location: DocumentLocation) throws -> RegisterEntry {
        try entry(project, Input(project, location), signers: project.allowedSigners())
    }

    /// What one row needs from the repository: read with libgit2, so on the
    /// thread that owns the repository.
    struct Input {
        let location: DocumentLocation
        let document: [UInt8]
        let record: [UInt8]?
        let fingerprint: String?
        let attachments: [String]
        /// An adopted document's metadata file.
        let sidecar: Sidecar?

        init(_ project: Project, _ location: DocumentLocation) throws {
            self.location = location
            guard let bytes = try project.source.read(location.path, limit: Limits.documentBytes) else {
                throw FolioError.usage("\(location.path): no such file in \(project.source.label)")
            }
            document = bytes
            record = try project.source.read(Record.path(for: location.id), limit: Limits.recordBytes)
            fingerprint = try project.currentFingerprint(location)
            attachments = try project.attachments(of: location)
            sidecar = try project.sidecar(location)
        }
    }

    /// A row from what was read: parsing only (thread-safe).
    static func entry(_ project: Project, _ input: Input, signers: String) throws -> RegisterEntry {
        let location = input.location
        let read = DocumentReader.read(
            path: location.path, bytes: input.document, template: project.template(location.type), expectedID: location.id,
            sidecar: input.sidecar)
        let record = try input.record.map { try Record.parse($0, path: Record.path(for: location.id)) } ?? .empty
        let status = try project.status(location, record: record, fingerprint: input.fingerprint)
        return RegisterEntry(
            id: location.id, type: location.type, title: read.document?.title ?? "", path: location.path,
            state: status.state.rawValue, revision: status.revision, inForce: status.inForceRevision, owner: read.document?.field("owner"),
            lastChange: status.lastEvent?.at, lastActor: status.lastEvent?.actor,
            approvals: approvals(record, status: status, currentFingerprint: input.fingerprint, config: project.config, signers: { signers }),
            attachments: input.attachments)
    }

    /// The approvals of the revision in work (since its submission), or of
    /// the issued revision once issued.
    static func approvals(
        _ record: Record, status: DocumentStatus, currentFingerprint: String?, config: ProjectConfig, signers: () -> String
    ) -> [ApprovalEntry] {
        let retired: Set<LifecycleState> = [.issued, .superseded, .withdrawn]
        let since = retired.contains(status.state) && status.approvals.isEmpty ? status.issuedApprovals : status.approvals
        return since.map { e in
            ApprovalEntry(
                person: e.actor, name: e.name, role: e.role ?? "", meaning: e.meaning ?? "approval", at: e.at,
                current: currentFingerprint == nil || e.fingerprint == currentFingerprint, signed: e.signature != nil,
                verified: e.signature.map {
                    SSHSignature.verify(e.canonicalText, signature: $0, identity: e.actor, allowedSigners: signers())
                } ?? false)
        }
    }
}
