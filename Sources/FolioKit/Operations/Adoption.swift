import FolioGit
import FolioModel
import Foundation

/// The adopted documents of one snapshot: every file an adoption rule
/// matches, under the ID its record binds it to, or else the ID its file
/// derives (file name, heading, folder, path pattern or metadata field).
///
/// Built once per snapshot; across the snapshots of a history walk it is
/// updated from the previous one by the files that changed (tree ids
/// compared, derived IDs kept by blob id), so each commit costs what it
/// changed (docs/architecture.md).
struct AdoptionIndex: Sendable {
    /// Every adopted file, by the bytes of its path (git's names are bytes:
    /// `café` in NFC and in NFD are two files, which Swift's String equality
    /// would take for one).
    private(set) var byPath: [[UInt8]: DocumentLocation] = [:]
    /// Every adopted file claiming an ID (more than one: a duplicate).
    private(set) var byID: [String: [DocumentLocation]] = [:]
    /// Records that bind their ID to a path where there is no adopted file
    /// now (renamed or deleted without a recorded move): ID → bound path.
    private(set) var missing: [String: String] = [:]
    /// Files several types' adopt rules match: path bytes → those types.
    private(set) var overlaps: [[UInt8]: [String]] = [:]
    /// Paths by their case-folded form (String keys compare Unicode
    /// canonically): names one file on macOS or Windows.
    private(set) var folded: [String: [String]] = [:]
    /// What the records bind: path bytes → ID.
    private(set) var bound: [[UInt8]: String] = [:]
    /// IDs by their case-folded form.
    private(set) var foldedIDs: [String: Set<String>] = [:]

    static let empty = AdoptionIndex()

    func location(at path: String) -> DocumentLocation? { byPath[Array(path.utf8)] }

    /// Every adopted file, sorted by ID, then path.
    var all: [DocumentLocation] { byPath.values.sorted { ($0.id, $0.path) < ($1.id, $1.path) } }

    /// Other paths whose names equal this one's but for case or normal form.
    func collisions(at path: String) -> [String] {
        (folded[path.lowercased()] ?? []).filter { Array($0.utf8) != Array(path.utf8) }
    }

    /// Other IDs equal to `id` but for case (one record file on macOS and Windows).
    func caseTwins(_ id: String) -> [String] {
        (foldedIDs[id.lowercased()] ?? []).filter { $0 != id }.sorted()
    }

    /// An ID several files claim, as an error naming them (nil when unique).
    func duplicateProblem(_ id: String) -> String? {
        guard let claims = byID[id], claims.count > 1 else { return nil }
        return "the ID \(id) is claimed by \(claims.count) files (\(claims.map(\.path).joined(separator: ", "))): an ID names one document; give one of them another ID (front matter 'id:', or a distinct file name or heading)"
    }

    /// Adds a file of `type` that derives `derivedID` (a record's binding wins).
    mutating func insert(path: String, type: String, derivedID: String) {
        let key = Array(path.utf8)
        if let first = byPath[key] {
            if first.type != type { overlaps[key, default: [first.type]].append(type) }
            return
        }
        let id = bound[key] ?? derivedID
        let location = DocumentLocation(type: type, id: id, path: path)
        byPath[key] = location
        if !id.isEmpty {
            byID[id, default: []].append(location)
            byID[id]!.sort { $0.path < $1.path }
            foldedIDs[id.lowercased(), default: []].insert(id)
        }
        folded[path.lowercased(), default: []].append(path)
        if missing[id] == Optional(path) { missing[id] = nil }
    }

    /// Removes a file (deleted, or to be added again with new content).
    mutating func remove(path: String) {
        let key = Array(path.utf8)
        guard let location = byPath.removeValue(forKey: key) else { return }
        overlaps[key] = nil
        if var claims = byID[location.id] {
            claims.removeAll { Array($0.path.utf8) == key }
            byID[location.id] = claims.isEmpty ? nil : claims
            if claims.isEmpty {
                let fold = location.id.lowercased()
                foldedIDs[fold]?.remove(location.id)
                if foldedIDs[fold]?.isEmpty == true { foldedIDs[fold] = nil }
            }
        }
        let fold = path.lowercased()
        if var paths = folded[fold] {
            paths.removeAll { Array($0.utf8) == key }
            folded[fold] = paths.isEmpty ? nil : paths
        }
        if let id = bound[key] { missing[id] = path }
    }

    /// Sets what records bind, before any file is inserted.
    mutating func bind(_ bindings: [(id: String, path: String)]) {
        for (id, path) in bindings {
            bound[Array(path.utf8)] = id
            missing[id] = path
        }
    }
}

/// What adoption derived, kept across the snapshots that share one set of
/// rules: IDs by file content, record bindings by record blob, and the last
/// index with the trees it was built from.
final class AdoptionMemo: Sendable {
    /// (type, path, document blob, metadata blob) → the derived ID.
    let derived = SharedCache<[UInt8], String>()
    /// Record blob → the path its latest event binds (empty: none).
    let bindings = SharedCache<ObjectID, String>()
    /// The last index built from trees, to update for the next snapshot.
    let last = SharedCache<Int, (trees: [ObjectID?], records: ObjectID?, index: AdoptionIndex)>(capacity: 1)
    /// What the records bind (path bytes → ID), by the records folder's tree id.
    let bound = SharedCache<ObjectID?, [[UInt8]: String]>(capacity: 4)
}

extension Project {
    var adoptingTemplates: [Template] { templates.filter { $0.adopt != nil } }

    /// The adopted documents of this snapshot (empty without adoption rules).
    func adoptionIndex() throws -> AdoptionIndex {
        let adopting = adoptingTemplates
        guard !adopting.isEmpty else { return .empty }
        return try memo.adoption.get {
            guard let tree = source as? TreeSource else { return try buildAdoptionIndex(adopting, tree: nil) }
            let trees = try adopting.map { t -> ObjectID? in
                let prefix = Glob.staticPrefix(t.adopt!.glob)
                return prefix.isEmpty ? tree.tree.id : try tree.entry(prefix).flatMap { $0.kind == .tree ? $0.id : nil }
            }
            let records = try tree.entry(RecordFile.folder)?.id
            // Taken out of the memo, so that updating it does not copy it.
            if var last = adoptionMemo.last.take(0), last.records == records,
                try updateAdoptionIndex(&last.index, adopting, from: last.trees, to: trees, tree: tree)
            {
                adoptionMemo.last.replace(0, (trees, records, last.index))
                return last.index
            }
            let index = try buildAdoptionIndex(adopting, tree: tree)
            adoptionMemo.last.replace(0, (trees, records, index))
            return index
        }
    }

    /// Updates the last snapshot's index by the files that changed under
    /// each rule's folder; false when that cannot be done exactly (a rule
    /// whose folders overlap another's, a metadata file changed: the index
    /// is then built anew).
    private func updateAdoptionIndex(
        _ index: inout AdoptionIndex, _ adopting: [Template], from old: [ObjectID?], to new: [ObjectID?], tree: TreeSource
    ) throws -> Bool {
        if old == new { return true }
        let prefixes = adopting.map { Glob.staticPrefix($0.adopt!.glob) }
        // Rules under one another's folders would need the overlap order kept.
        for (i, a) in prefixes.enumerated() {
            for b in prefixes[(i + 1)...] where a.isEmpty || b.isEmpty || a == b || a.hasPrefix(b + "/") || b.hasPrefix(a + "/") {
                return false
            }
        }
        for (i, t) in adopting.enumerated() where old[i] != new[i] {
            let rule = t.adopt!
            let prefix = prefixes[i]
            for change in try repository.changedFiles(from: old[i], to: new[i]) {
                let path = prefix.isEmpty ? change.path : prefix + "/" + change.path
                if let metadata = rule.metadata, splitPath(path).name == metadata { return false }
                guard Glob.matches(rule.glob, path), !neverAdopted(path) else { continue }
                index.remove(path: path)
                if change.newID != nil { index.insert(path: path, type: t.type, derivedID: try derivedID(path, t, tree: tree)) }
            }
        }
        return true
    }

    /// The location of one adopted file, without building the whole index
    /// (a history walk classifies a commit's few changed files): the ID its
    /// record binds, else the one it derives. The same answer as the index.
    func adoptedLocation(_ path: String, _ template: Template) throws -> DocumentLocation {
        if let index = memo.adoption.peek(), let known = index.location(at: path) { return known }
        let tree = source as? TreeSource
        var bound: [[UInt8]: String]
        if let tree {
            let records = try tree.entry(RecordFile.folder)?.id
            if let known = adoptionMemo.bound.get(records) {
                bound = known
            } else {
                bound = [:]
                for (id, path) in try recordBindings(tree: tree) { bound[Array(path.utf8)] = id }
                adoptionMemo.bound.replace(records, bound)
            }
        } else {
            if let known = try adoptionIndex().location(at: path) { return known }
            return DocumentLocation(type: template.type, id: try derivedID(path, template, tree: nil), path: path)
        }
        let id = try bound[Array(path.utf8)] ?? derivedID(path, template, tree: tree)
        return DocumentLocation(type: template.type, id: id, path: path)
    }

    private func buildAdoptionIndex(_ adopting: [Template], tree: TreeSource?) throws -> AdoptionIndex {
        var index = AdoptionIndex()
        index.bind(try recordBindings(tree: tree))
        for t in adopting {
            let rule = t.adopt!
            for path in try source.files(below: Glob.staticPrefix(rule.glob)) where Glob.matches(rule.glob, path) && !neverAdopted(path) {
                index.insert(path: path, type: t.type, derivedID: try derivedID(path, t, tree: tree))
            }
        }
        return index
    }

    /// Paths no adopt rule takes: the project's own files, and everything in
    /// an ordinary type's folder (its documents and attachments).
    func neverAdopted(_ path: String) -> Bool {
        if path == ProjectConfig.path || path.hasPrefix("templates/") || path.hasPrefix(".folio/") || path.hasPrefix(".git") { return true }
        return templates.contains { $0.adopt == nil && path.hasPrefix($0.folder + "/") }
    }

    /// The ID an adopted file gives itself: front matter or metadata `id`,
    /// else what the type's rule derives. "" when it gives none.
    func derivedID(_ path: String, _ template: Template, tree: TreeSource?) throws -> String {
        let rule = template.adopt!
        let metadataPath = rule.metadataPath(for: path)
        var key: [UInt8] = []
        if let tree, let blob = try tree.entry(path)?.id {
            key = Array(template.type.utf8) + [0] + Array(path.utf8) + [0] + blob.bytes
            if let metadataPath { key += try tree.entry(metadataPath)?.id.bytes ?? [] }
            if let known = adoptionMemo.derived.get(key) { return known }
        }
        let id = derive(path, template, metadataPath: metadataPath)
        if !key.isEmpty { adoptionMemo.derived.set(key, id) }
        return id
    }

    private func derive(_ path: String, _ template: Template, metadataPath: String?) -> String {
        let stem = (splitPath(path).name as NSString).deletingPathExtension
        let fallback = template.adopt!.idSource == .filename ? (template.adopt!.prefix ?? "") + stem : ""
        guard let bytes = try? source.read(path, limit: Limits.documentBytes) else { return fallback }
        // An ID from the path needs no Markdown parsed: only a front matter
        // `id` could override it (most files have none).
        if let fromPath = template.adopt!.idFromPath(path), template.adopt!.metadata == nil {
            guard bytes.starts(with: Array("---".utf8)) || bytes.starts(with: [0xEF, 0xBB, 0xBF]), let text = try? Text.decode(bytes), let split = try? SplitDocument(text: text),
                let yaml = split.yaml, let frontMatter = try? SafeYAML.frontMatter(yaml, firstLine: split.yamlFirstLine)
            else { return fromPath }
            return frontMatter.string("id") ?? fromPath
        }
        let side = (try? self.sidecar(DocumentLocation(type: template.type, id: "", path: path))) ?? nil
        let read = DocumentReader.read(path: path, bytes: bytes, template: template, expectedID: nil, sidecar: side)
        guard let id = read.document?.id, !id.isEmpty else { return fallback }
        return id
    }

    /// The paths records bind their IDs to: the `path` of each record's
    /// latest event that has one. Records without such an event (ordinary
    /// types, or adopted before bindings) bind nothing.
    private func recordBindings(tree: TreeSource?) throws -> [(id: String, path: String)] {
        var out: [(String, String)] = []
        for entry in try source.list(RecordFile.folder) where !entry.isFolder {
            let recordPath = RecordFile.folder + "/" + entry.name
            guard let id = RecordFile.documentID(atPath: recordPath) else { continue }
            let blob = try tree?.entry(recordPath)?.id
            if let blob, let known = adoptionMemo.bindings.get(blob) {
                if !known.isEmpty { out.append((id, known)) }
                continue
            }
            var bound = ""
            if let bytes = try? source.read(recordPath, limit: Limits.recordBytes), Self.mentionsPath(bytes),
                let record = try? Record.parse(bytes, path: recordPath)
            {
                bound = record.events.last { $0.path != nil }?.path ?? ""
            }
            if let blob { adoptionMemo.bindings.set(blob, bound) }
            if !bound.isEmpty { out.append((id, bound)) }
        }
        return out
    }

    /// Whether a record's bytes hold a `"path"` key at all (most do not:
    /// parsing them would be wasted).
    private static func mentionsPath(_ bytes: [UInt8]) -> Bool {
        let needle = Array("\"path\":".utf8)
        guard bytes.count >= needle.count else { return false }
        var i = 0
        while i + needle.count <= bytes.count {
            if bytes[i] == needle[0], bytes[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }

    /// An adopted document's identity problems: an ID another file claims
    /// too, or a file under an ID its record binds to another path (moved
    /// without a record of the move).
    func adoptionDiagnostics(_ location: DocumentLocation) throws -> [Diagnostic] {
        let index = try adoptionIndex()
        var out: [Diagnostic] = []
        if let problem = index.duplicateProblem(location.id) {
            out.append(Diagnostic(path: location.path, line: 1, column: 1, severity: .error, message: problem, rule: "id.duplicate"))
        }
        if let bound = index.missing[location.id], bound != location.path {
            out.append(Diagnostic(
                path: location.path, line: 1, column: 1, severity: .error,
                message: "this file is \(location.id), whose record binds it to \(bound): record the move with 'folio checkin \(location.path)'",
                rule: "adopt.moved"))
        }
        let twins = index.caseTwins(location.id)
        if !twins.isEmpty {
            out.append(Diagnostic(
                path: location.path, line: 1, column: 1, severity: .error,
                message: "the ID \(location.id) differs only in case from \(twins.joined(separator: ", ")): one record file on macOS and Windows",
                rule: "id.case"))
        }
        return out + adoptionConflicts(at: location.path, index)
    }

    /// A file two adopt rules match, or whose name equals another's but for
    /// case or Unicode normal form: errors, never resolved silently.
    func adoptionConflicts(at path: String, _ index: AdoptionIndex) -> [Diagnostic] {
        let key = Array(path.utf8)
        var out: [Diagnostic] = []
        if let types = index.overlaps[key] {
            out.append(Diagnostic(
                path: path, line: 1, column: 1, severity: .error,
                message: "matched by the adopt rules of \(types.count) types (\(types.joined(separator: ", "))): a file is one document of one type; narrow a glob",
                rule: "adopt.overlap"))
        }
        let others = index.collisions(at: path)
        if !others.isEmpty {
            out.append(Diagnostic(
                path: path, line: 1, column: 1, severity: .error,
                message: "its name equals \(others.joined(separator: ", ")) on a file system that ignores case or Unicode normal form (macOS, Windows): rename one",
                rule: "adopt.collision"))
        }
        return out
    }

    /// Every adopted file's conflicts (for a change of the rules).
    func allAdoptionConflicts() throws -> [Diagnostic] {
        let index = try adoptionIndex()
        return index.all.flatMap { adoptionConflicts(at: $0.path, index) }
    }

    /// Records binding a path where no file is now, and no other file claims
    /// their ID: controlled documents gone without a trace in their record.
    func missingAdoptedDocuments() throws -> [Diagnostic] {
        let index = try adoptionIndex()
        return index.missing.sorted { $0.key < $1.key }.compactMap { id, path in
            guard index.byID[id] == nil else { return nil }
            let moved = try? movedCandidates(of: id, boundPath: path, index: index)
            let hint = moved.flatMap(\.first).map { " (renamed to \($0.path)? record the move with 'folio checkin \($0.path)')" } ?? " (restore it, or record its new place with 'folio checkin NEW-PATH --as \(id)')"
            return Diagnostic(
                path: path, line: 1, column: 1, severity: .error,
                message: "\(id): its record binds it to this file, which is gone\(hint)", rule: "adopt.missing")
        }
    }

    /// Adopted files that hold exactly the content `id`'s record last
    /// recorded (its fingerprint, with the file's old name): where a
    /// `git mv` took it.
    func movedCandidates(of id: String, boundPath: String, index: AdoptionIndex) throws -> [DocumentLocation] {
        guard let fingerprint = DocumentStatus.derive(try record(id), scheme: config.revisions).contentFingerprint else { return [] }
        let oldName = splitPath(boundPath).name
        var out: [DocumentLocation] = []
        for location in index.all where location.id != id && (try? record(location.id).events.isEmpty) ?? true {
            guard let bytes = try source.read(location.path, limit: Limits.documentBytes) else { continue }
            let blob = try repository.writeBlobID(bytes)
            var siblings: [(name: String, blob: ObjectID)] = []
            if let side = try sidecar(location), let data = side.bytes { siblings = [(splitPath(side.path).name, try repository.writeBlobID(data))] }
            if try Fingerprint.compute(documentName: oldName, documentBlob: blob, attachmentsFolder: nil, siblings: siblings) == fingerprint {
                out.append(location)
            }
        }
        return out
    }

    /// The path `id`'s record binds it to (its latest event with a path), if any.
    func boundPath(_ id: String) throws -> String? {
        try record(id).events.last { $0.path != nil }?.path
    }

    /// The sibling metadata file of an adopted document, as it stands in this snapshot.
    func sidecar(_ location: DocumentLocation) throws -> Sidecar? {
        guard let rule = template(location.type)?.adopt, let path = rule.metadataPath(for: location.path) else { return nil }
        do {
            return Sidecar(path: path, bytes: try source.read(path, limit: Limits.documentBytes))
        } catch let FolioError.tooLarge(size, limit) {
            return Sidecar(path: path, bytes: nil, problem: "file of \(size) bytes is larger than the limit of \(limit) bytes")
        } catch let error as FolioError {
            return Sidecar(path: path, bytes: nil, problem: error.description)
        }
    }
}
