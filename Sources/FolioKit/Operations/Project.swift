import FolioGit
import FolioModel
import Foundation

/// Where a document lives: its type and ID and the path of its file.
public struct DocumentLocation: Sendable, Equatable {
    public let type: String
    public let id: String
    public let path: String
}

/// A managed repository seen through one content source: its configuration,
/// its templates and its documents, all from the same snapshot.
public final class Project {
    public let repository: Repository
    public let source: ContentSource
    public let config: ProjectConfig
    public let templates: [Template]
    /// Problems with templates themselves (an invalid template is not obeyed).
    public let templateDiagnostics: [Diagnostic]
    /// What the type rules read across documents (resource plans, work
    /// packages), read once per snapshot: checking N plans reads N plans,
    /// not N², and an import of many weeks reads the schedules once.
    let memo = SnapshotMemo()
    /// What adoption derived, shared by the snapshots of the same rules.
    let adoptionMemo: AdoptionMemo

    public init(repository: Repository, source: ContentSource) throws {
        self.repository = repository
        self.source = source
        adoptionMemo = AdoptionMemo()
        let configBytes: [UInt8]?
        do {
            configBytes = try source.read(ProjectConfig.path, limit: Limits.configBytes)
        } catch FolioError.tooLarge(let size, let limit) {
            throw FolioError.unreadable("\(ProjectConfig.path): file of \(size) bytes is larger than the limit of \(limit) bytes")
        }
        guard let bytes = configBytes else {
            throw FolioError.usage("not a Folio repository: no folio.yml in \(source.label) (run 'folio init')")
        }
        config = try ProjectConfig.parse(bytes)
        var templates: [Template] = []
        var problems: [Diagnostic] = []
        var files: [(path: String, text: String)] = []
        for entry in try source.list("templates") where !entry.isFolder && entry.name.hasSuffix(".md") {
            let path = "templates/\(entry.name)"
            do {
                guard let data = try source.read(path, limit: Limits.documentBytes) else { continue }
                files.append((path, try Text.decode(data)))
            } catch let p as Text.Problem {
                problems.append(Diagnostic(path: path, line: p.line, column: 1, severity: .error, message: "template \(p.message)", rule: p.rule))
            } catch {
                problems.append(Diagnostic(path: path, line: 1, column: 1, severity: .error, message: "\(error)", rule: "template"))
            }
        }
        for result in TemplateStore.load(files, repository: repository) {
            switch result {
            case .success(let template): templates.append(template)
            case .failure(let list): problems += list.diagnostics
            }
        }
        // A code or folder used by two types would mix their documents and
        // IDs: both templates are reported (and refused by new and checkin).
        for (i, t) in templates.enumerated() {
            for other in templates[..<i] {
                if other.code == t.code {
                    for (a, b) in [(t, other), (other, t)] {
                        problems.append(Diagnostic(path: a.path, line: 1, column: 1, severity: .error, message: "code '\(a.code)' is also used by type '\(b.type)'", rule: "template.code"))
                    }
                }
                if t.adopt == nil, other.adopt == nil, other.folder == t.folder {
                    for (a, b) in [(t, other), (other, t)] {
                        problems.append(Diagnostic(path: a.path, line: 1, column: 1, severity: .error, message: "folder '\(a.folder)' is also used by type '\(b.type)'", rule: "template.folder"))
                    }
                }
            }
        }
        // A `ref_type` must name a type of this project with a keyed table
        // of that heading: a typo would silently make the column free text.
        for t in templates {
            for table in t.tables {
                for column in table.columns {
                    guard let type = column.refType, let ref = column.ref else { continue }
                    let message: String?
                    if let other = templates.first(where: { $0.type == type }) {
                        message = other.tables.contains { $0.heading == ref && $0.key != nil }
                            ? nil : "table '\(table.heading)': '\(column.name)' refers to '\(ref)' of type '\(type)', which has no such table with a key"
                    } else {
                        message = "table '\(table.heading)': '\(column.name)' refers to type '\(type)', which this project has no template for (types: \(templates.map(\.type).sorted().joined(separator: ", ")))"
                    }
                    if let message { problems.append(Diagnostic(path: t.path, line: 1, column: 1, severity: .error, message: message, rule: "template.ref")) }
                }
            }
        }
        self.templates = templates.sorted { $0.type < $1.type }
        templateDiagnostics = problems
    }

    /// The same rules (configuration, templates) over another source: for
    /// walking many commits that share them without parsing them again.
    public convenience init(repository: Repository, source: ContentSource, reusing rules: Project) {
        self.init(repository: repository, source: source, rules: rules.rules)
    }

    /// The parsed configuration and templates, which another thread (with
    /// its own repository handle) can use.
    public struct Rules: Sendable {
        let config: ProjectConfig
        let templates: [Template]
        let templateDiagnostics: [Diagnostic]
        let adoption: AdoptionMemo
    }

    public var rules: Rules { Rules(config: config, templates: templates, templateDiagnostics: templateDiagnostics, adoption: adoptionMemo) }

    public init(repository: Repository, source: ContentSource, rules: Rules) {
        self.repository = repository
        self.source = source
        config = rules.config
        templates = rules.templates
        templateDiagnostics = rules.templateDiagnostics
        adoptionMemo = rules.adoption
    }

    /// Opens the project at HEAD, or at any revision.
    public static func atRevision(_ repository: Repository, _ revision: String?) throws -> Project {
        let commit = try tip(repository, revision)
        return try Project(repository: repository, source: TreeSource(repository: repository, tree: commit.tree(), label: revision ?? "HEAD"))
    }

    /// The commit a revision names, or HEAD's (a clear error in a repository
    /// without commits).
    public static func tip(_ repository: Repository, _ revision: String?) throws -> Commit {
        if let revision { return try repository.commit(revision) }
        guard let head = try repository.headCommit() else {
            throw FolioError.usage("the repository has no commits yet (run 'folio init')")
        }
        return head
    }

    public func template(_ type: String) -> Template? { templates.first { $0.type == type } }

    /// Refuses to write documents of a type whose template has problems
    /// (e.g. a code another type uses): they would not be checked as meant.
    func requireUsable(_ template: Template) throws {
        if let problem = templateDiagnostics.first(where: { $0.path == template.path }) {
            throw FolioError.refused("the template of '\(template.type)' is invalid:\n\(problem.formatted)")
        }
    }

    /// The content of `.folio/allowed_signers` in this snapshot.
    public func allowedSigners() -> String {
        let bytes = (try? source.read(".folio/allowed_signers", limit: Limits.configBytes)) ?? nil
        return String(decoding: bytes ?? [], as: UTF8.self)
    }

    public var valueContext: ValueContext {
        ValueContext(
            people: config.emails,
            documentExists: { [weak self] id in (try? self?.find(id)) != nil },
            foreignKeys: { [weak self] type, heading in self?.foreignKeys(type: type, heading: heading) })
    }

    // MARK: Finding documents

    /// The document a path is, if it is one: in a type's folder (not in an
    /// attachment folder) or matching an adoption glob.
    public func locate(_ path: String) -> DocumentLocation? {
        let (folder, name) = splitPath(path)
        if name.hasSuffix(".md") {
            let stem = String(name.dropLast(3))
            if let t = templates.first(where: { $0.adopt == nil && $0.folder == folder }) {
                return DocumentLocation(type: t.type, id: stem, path: path)
            }
        }
        for t in templates {
            if let adopt = t.adopt, Glob.matches(adopt.glob, path) {
                if neverAdopted(path) { continue }
                // Also a file not in this snapshot (a new file, or one deleted here).
                return (try? adoptedLocation(path, t)) ?? DocumentLocation(type: t.type, id: "", path: path)
            }
        }
        return nil
    }

    /// The document whose attachment folder holds `path`, or whose
    /// metadata file (an adopted type's `metadata:`) `path` is.
    public func attachmentOwner(_ path: String) -> DocumentLocation? {
        let (folder, name) = splitPath(path)
        for t in templates {
            guard let rule = t.adopt, rule.metadata == name else { continue }
            let index = (try? adoptionIndex()) ?? .empty
            if let owner = index.all.first(where: { $0.type == t.type && splitPath($0.path).folder == folder }) { return owner }
        }
        for t in templates where t.adopt == nil && path.hasPrefix(t.folder + "/") {
            let rest = path.dropFirst(t.folder.count + 1)
            guard let slash = rest.firstIndex(of: "/") else { continue }
            let id = String(rest[..<slash])
            return DocumentLocation(type: t.type, id: id, path: t.documentPath(id: id))
        }
        return nil
    }

    /// Finds a document by ID. Throws for an ID that is not safe as a path.
    public func find(_ id: String) throws -> DocumentLocation? {
        if let problem = DocumentID.problem(id) { throw FolioError.usage(problem) }
        for t in templates where t.adopt == nil {
            if config.numbering.sequence(of: id, project: config.project.code, code: t.code, type: t.type) != nil
                || id.contains("-\(t.code)-")
            {
                let path = t.documentPath(id: id)
                if try source.exists(path) { return DocumentLocation(type: t.type, id: id, path: path) }
            }
        }
        let adopted = try adoptionIndex()
        if let problem = adopted.duplicateProblem(id) { throw FolioError.usage(problem) }
        if let hit = adopted.byID[id]?.first { return hit }
        if let bound = adopted.missing[id] {
            throw FolioError.usage("\(id): its record binds it to \(bound), which is not in \(source.label) (moved or deleted without a record of it: see 'folio check --all'; a renamed file is recorded with 'folio checkin NEW-PATH --as \(id)')")
        }
        // IDs that do not follow the current pattern (adopted, or older numbering).
        for t in templates where t.adopt == nil {
            let path = t.documentPath(id: id)
            if try source.exists(path) { return DocumentLocation(type: t.type, id: id, path: path) }
        }
        return nil
    }

    /// The fingerprint of the content as it stands in the project's source
    /// (nil when the source is not a commit).
    public func currentFingerprint(_ location: DocumentLocation) throws -> String? {
        guard let objects = try fingerprintObjects(location) else { return nil }
        return try Fingerprint.compute(
            documentName: splitPath(location.path).name, documentBlob: objects.document.id,
            attachmentsFolder: objects.attachments.map { ($0.name, $0.id) }, siblings: objects.metadata.map { [($0.name, $0.id)] } ?? [])
    }

    /// The tree entries a document's content fingerprint is computed from
    /// (`currentFingerprint`): also what the register cache keys a row by.
    struct FingerprintObjects {
        let document: TreeEntry
        /// The document's attachment folder, when it is a folder.
        let attachments: TreeEntry?
        /// An adopted file's metadata file (it has no attachment folder).
        let metadata: TreeEntry?
    }

    /// Nil when the project is not read from a commit, or the document is not in it.
    func fingerprintObjects(_ location: DocumentLocation) throws -> FingerprintObjects? {
        guard let tree = source as? TreeSource, let doc = try tree.entry(location.path) else { return nil }
        if let rule = template(location.type)?.adopt {
            let metadata = try rule.metadataPath(for: location.path).flatMap { try tree.entry($0) }
            return FingerprintObjects(document: doc, attachments: nil, metadata: metadata)
        }
        let folder = try template(location.type).flatMap { try tree.entry($0.attachmentFolder(id: location.id)) }
        return FingerprintObjects(document: doc, attachments: folder?.kind == .tree ? folder : nil, metadata: nil)
    }

    /// Finds a document by ID or path, or fails with a clear message.
    /// A path is taken relative to `workingDirectory` (the user's folder).
    /// - Throws: `FolioError.usage` when there is no such document.
    public func require(_ idOrPath: String, from workingDirectory: String) throws -> DocumentLocation {
        if idOrPath.contains("/") || idOrPath.hasSuffix(".md") {
            let path = try RepoPath.normalise(idOrPath, repository: repository, workingDirectory: workingDirectory)
            guard let loc = locate(path) else {
                throw FolioError.usage("\(path) is not a controlled document (not in a type's folder)")
            }
            return loc
        }
        guard let loc = try find(idOrPath) else { throw FolioError.usage("no document with ID '\(idOrPath)'") }
        return loc
    }

    public func documents(of template: Template) throws -> [DocumentLocation] {
        if template.adopt != nil {
            return try adoptionIndex().all.filter { $0.type == template.type }
        }
        return try source.list(template.folder).filter { !$0.isFolder && $0.name.hasSuffix(".md") }.map {
            let id = String($0.name.dropLast(3))
            return DocumentLocation(type: template.type, id: id, path: template.documentPath(id: id))
        }
    }

    /// Every document of every type, sorted by ID.
    public func allDocuments() throws -> [DocumentLocation] {
        try templates.flatMap { try documents(of: $0) }.sorted { $0.id < $1.id }
    }

    /// The attachments of a document: paths relative to its attachment folder.
    public func attachments(of location: DocumentLocation) throws -> [String] {
        guard let t = template(location.type), t.adopt == nil else { return [] }
        let folder = t.attachmentFolder(id: location.id)
        // Dot-files (editor backups, interrupted writes) are not attachments.
        return try source.files(below: folder).map { String($0.dropFirst(folder.count + 1)) }
            .filter { !$0.split(separator: "/").contains { $0.hasPrefix(".") } }
    }

    // MARK: Reading and checking

    /// Reads a document, with the diagnostics of reading it (no rule checks).
    public func read(_ location: DocumentLocation) throws -> DocumentReader.Result {
        if keepsReads, let kept = memo.reads.get(location.path) { return kept }
        guard let bytes = try source.read(location.path, limit: Limits.documentBytes) else {
            throw FolioError.usage("\(location.path): no such file in \(source.label)")
        }
        let result = DocumentReader.read(
            path: location.path, bytes: bytes, template: template(location.type), expectedID: location.id, sidecar: try sidecar(location))
        if keepsReads { memo.reads.set(location.path, result) }
        return result
    }

    /// Keeps a document parsed elsewhere (as `read` would have parsed it),
    /// while `keepsReads` is on; safe from several threads.
    func keep(_ result: DocumentReader.Result, of location: DocumentLocation) {
        if keepsReads { memo.reads.set(location.path, result) }
    }

    /// Keeps a record parsed elsewhere, while `keepsReads` is on; safe from several threads.
    func keep(record: Record, of id: String) {
        if keepsReads { memo.records.set(Record.path(for: id), record) }
    }

    /// Whether `read` keeps what it parsed for the life of this snapshot:
    /// for a report built from several others over the same commit (the
    /// pack), which would otherwise parse each document once per part. Off
    /// by default: a register of 100,000 documents must not hold them all.
    public var keepsReads: Bool {
        get { memo.keepsReads.value }
        set {
            memo.keepsReads.value = newValue
            // Turned off, what was kept is let go.
            if !newValue {
                memo.reads.removeAll()
                memo.records.removeAll()
            }
        }
    }

    /// Documents another thread already parsed from this snapshot's blobs
    /// (`verify`'s read-ahead), by blob id: `check` takes one instead of
    /// parsing the same bytes with the same template again.
    var parsedAhead: ((ObjectID, DocumentLocation) -> DocumentReader.Result?)?

    /// Validates one document against its template.
    public func check(_ location: DocumentLocation, complete: Bool) throws -> [Diagnostic] {
        let noTemplate = [Diagnostic(path: location.path, line: 1, column: 1, severity: .error, message: "type '\(location.type)' has no valid template", rule: "template.missing")]
        let t: Template
        let result: DocumentReader.Result
        if keepsReads, let kept = memo.reads.get(location.path) {
            guard let template = template(location.type) else { return noTemplate }
            (t, result) = (template, kept)
        } else if let parsedAhead, let tree = source as? TreeSource, let template = template(location.type), template.adopt == nil,
            let entry = try tree.entry(location.path), entry.kind == .blob, let parsed = parsedAhead(entry.id, location)
        {
            (t, result) = (template, parsed)
        } else {
            let bytes: [UInt8]
            do {
                guard let b = try source.read(location.path, limit: Limits.documentBytes) else {
                    throw FolioError.usage("\(location.path): no such file in \(source.label)")
                }
                bytes = b
            } catch FolioError.tooLarge(let size, let limit) {
                return [Diagnostic(path: location.path, line: 1, column: 1, severity: .error, message: "file of \(size) bytes is larger than the limit of \(limit) bytes", rule: "text.size")]
            } catch let FolioError.unreadable(message) {
                return [Diagnostic(path: location.path, line: 1, column: 1, severity: .error, message: message, rule: "text.unreadable")]
            }
            guard let template = template(location.type) else { return noTemplate }
            t = template
            result = DocumentReader.read(path: location.path, bytes: bytes, template: t, expectedID: location.id, sidecar: try sidecar(location))
            if keepsReads { memo.reads.set(location.path, result) }
        }
        let identity = t.adopt == nil ? [] : try adoptionDiagnostics(location)
        guard let document = result.document else { return identity + result.diagnostics }
        let validator = Validator(template: t, context: valueContext, complete: complete)
        let names = try attachments(of: location)
        var linked: [Diagnostic] = []
        if let work = source as? WorkTreeSource, t.adopt == nil {
            for name in names {
                do {
                    try work.requirePlainFile(t.attachmentFolder(id: location.id) + "/" + name)
                } catch {
                    linked.append(Diagnostic(path: location.path, line: 1, column: 1, severity: .error, message: "attachment '\(name)': \(error)", rule: "attachments.file"))
                }
            }
        }
        return identity + result.diagnostics + linked + validator.validate(document, attachments: names) + (try typeRules(document, location))
    }

    /// The document's lifecycle record.
    public func record(_ id: String) throws -> Record {
        let path = Record.path(for: id)
        if keepsReads, let kept = memo.records.get(path) { return kept }
        guard let bytes = try source.read(path, limit: Limits.recordBytes) else { return .empty }
        let record = try Record.parse(bytes, path: path)
        if keepsReads { memo.records.set(path, record) }
        return record
    }

    /// The document's lifecycle status: from its record, and `approved` once
    /// the type's roles have valid approvals of the current content.
    public func status(_ location: DocumentLocation) throws -> DocumentStatus {
        try status(location, record: record(location.id), fingerprint: self.currentFingerprint(location))
    }

    /// The same, from a record and a current fingerprint the caller already has.
    func status(_ location: DocumentLocation, record: Record, fingerprint: String?) throws -> DocumentStatus {
        var status = DocumentStatus.derive(record, scheme: config.revisions)
        if status.state == .inReview, !status.approvals.isEmpty, let t = template(location.type), let fingerprint {
            let check = ApprovalCheck(
                required: t.approvals, approvals: status.approvals, authors: status.authors, fingerprint: fingerprint,
                document: location.id, config: config)
            if check.complete { status.state = .approved }
        }
        return status
    }
}

/// Glob matching for adoption rules: `*` within a folder, `**` across folders.
enum Glob {
    static func matches(_ pattern: String, _ path: String) -> Bool {
        match(pattern.split(separator: "/").map(String.init)[...], path.split(separator: "/").map(String.init)[...])
    }

    private static func match(_ p: ArraySlice<String>, _ s: ArraySlice<String>) -> Bool {
        guard let head = p.first else { return s.isEmpty }
        if head == "**" {
            for i in s.startIndex...s.endIndex where match(p.dropFirst(), s[i...]) { return true }
            return false
        }
        guard let first = s.first, fnmatch(head, first, 0) == 0 else { return false }
        return match(p.dropFirst(), s.dropFirst())
    }

    /// The folders before the first wildcard: where to start looking.
    static func staticPrefix(_ pattern: String) -> String {
        var parts: [Substring] = []
        for part in pattern.split(separator: "/").dropLast() {
            if part.contains(where: { "*?[".contains($0) }) { break }
            parts.append(part)
        }
        return parts.joined(separator: "/")
    }
}

/// Paths given on the command line, turned into repository paths safely.
public enum RepoPath {
    /// A repository-relative path for a user-given path (relative to the
    /// current folder or absolute); refuses anything outside the work tree.
    public static func normalise(_ given: String, repository: Repository, workingDirectory: String) throws -> String {
        if given.contains("\0") { throw FolioError.usage("a path may not contain a NUL byte") }
        guard let root = repository.workdir else {
            // Bare: paths are repository paths already.
            return try checkRelative(given)
        }
        let cwd = workingDirectory
        let absolute = given.hasPrefix("/") ? given : cwd + "/" + given
        var parts: [Substring] = []
        for part in absolute.split(separator: "/") {
            if part == "." { continue }
            if part == ".." {
                if parts.isEmpty { throw FolioError.usage("\(given): outside the repository") }
                parts.removeLast()
                continue
            }
            parts.append(part)
        }
        let normal = "/" + parts.joined(separator: "/")
        let rootPath = String(root.dropLast())
        // Resolve symlinks of the root (e.g. /tmp -> /private/tmp) for the comparison.
        let realRoot = URL(fileURLWithPath: rootPath).resolvingSymlinksInPath().path
        for candidate in [rootPath, realRoot] where normal.hasPrefix(candidate + "/") {
            return try checkRelative(String(normal.dropFirst(candidate.count + 1)))
        }
        let realNormal = URL(fileURLWithPath: normal).resolvingSymlinksInPath().path
        if realNormal.hasPrefix(realRoot + "/") { return try checkRelative(String(realNormal.dropFirst(realRoot.count + 1))) }
        throw FolioError.usage("\(given): outside the repository")
    }

    static func checkRelative(_ path: String) throws -> String {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        if path.isEmpty || path.hasPrefix("/") || parts.contains(where: { $0 == ".." || $0 == "." || $0.isEmpty }) {
            throw FolioError.usage("\(path): not a plain path inside the repository")
        }
        if parts.first == ".git" { throw FolioError.usage("\(path): inside .git") }
        return path
    }
}

extension Project {
    /// Rule files (`folio.yml`, `templates/*.md`) that differ between the
    /// work tree and HEAD, as warnings: commands that read HEAD (ls, status,
    /// templates, reports) do not see them yet, while `check` of the work
    /// tree does. One sentence tells the user which view they are in.
    public static func uncommittedRules(_ repository: Repository) -> [Diagnostic] {
        guard let root = repository.workdir, let head = try? repository.headCommit(), let tree = try? head.tree() else { return [] }
        let work = WorkTreeSource(root: root)
        let committed = TreeSource(repository: repository, tree: tree, label: "HEAD")
        var paths = Set([ProjectConfig.path])
        for source in [work, committed] as [ContentSource] {
            for entry in (try? source.list("templates")) ?? [] where !entry.isFolder && entry.name.hasSuffix(".md") {
                paths.insert("templates/" + entry.name)
            }
        }
        return paths.sorted().compactMap { path in
            let here = (try? work.read(path, limit: Limits.documentBytes)) ?? nil
            let there = (try? committed.entry(path)?.id) ?? nil
            switch (here, there) {
            case (nil, nil): return nil
            case (let bytes?, let blob?) where repository.workTreeMatches(bytes, path: path, blob: blob): return nil
            default: break
            }
            let what = here == nil ? "deleted in the work tree" : there == nil ? "not committed yet" : "changed in the work tree"
            return Diagnostic(
                path: path, line: 1, column: 1, severity: .warning,
                message: "\(what): ls, status, templates and reports read the committed rules; check reads the work tree's (commit it to apply it)",
                rule: "rules.uncommitted")
        }
    }
}
