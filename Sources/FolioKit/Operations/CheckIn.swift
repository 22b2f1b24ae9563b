import FolioGit
import FolioModel
import Foundation

/// `folio checkin` and `folio attach`: commit a new version of a document.
public enum CheckIn {
    public struct Result {
        public let id: String
        public let path: String
        public let revision: String
        public let commit: ObjectID
        public let warnings: [Diagnostic]
        /// False when a merge's content was already this recorded version.
        public var newVersion = true
    }

    /// Commits the work tree's version of a document and its attachment folder.
    /// - Parameter recordAs: for an adopted file that was renamed and edited:
    ///   the ID whose record binds its old path (`folio checkin NEW --as ID`).
    /// Which committed paths a check-in read from the work tree (left as
    /// they are there), and which it took as `git add` staged them.
    final class WorkTreePaths {
        var read: Set<String> = []
        var stagedByGit: [String: ObjectID] = [:]
    }

    public static func run(repository: Repository, document: String, message: String?, recordAs: String? = nil, context: FolioContext) throws -> Result {
        let paths = WorkTreePaths()
        return try write(repository: repository, document: document, message: message, action: "checkin", recordAs: recordAs, workTree: paths,
                         context: context, content: workTreeContent(repository, paths))
    }

    /// The content of a document as it stands in the work tree (what `git
    /// add` would stage), noting in `paths` the files it read.
    static func workTreeContent(_ repository: Repository, _ paths: WorkTreePaths)
        -> (Project, DocumentLocation, Template, DocumentContent?) throws -> DocumentContent
    {
        return { project, location, template, committed in
            guard let root = repository.workdir else { throw FolioError.usage("'checkin' needs a work tree") }
            let work = WorkTreeSource(root: root)
            // A sparse checkout leaves files out of the work tree on purpose:
            // they are kept as committed, never taken for deleted.
            let index = try repository.index()
            let sparse = index.entries(prefix: "").filter(\.skipWorktree)
            if sparse.contains(where: { $0.path == location.path }) {
                throw FolioError.refused("\(location.path) is outside this sparse checkout: add it to the checkout first ('git sparse-checkout add \(splitPath(location.path).folder)' in cone mode; in non-cone mode, a pattern that includes it)")
            }
            guard let raw = try work.read(location.path, limit: Limits.documentBytes) else {
                throw FolioError.usage("\(location.path): no such file in the work tree")
            }
            // What `git add` would store (core.autocrlf, eol, ident): the
            // version validated, fingerprinted and committed is git's.
            let bytes: [UInt8]
            do {
                bytes = try repository.cleanedForCommit(raw, path: location.path)
            } catch let e as ExternalFilter {
                throw VersionWriter.documentUnderFilter(e)
            }
            paths.read.insert(location.path)
            var attachments: [String: ObjectID] = [:]
            if template.adopt == nil {
                let folder = template.attachmentFolder(id: location.id)
                for entry in sparse where entry.path.hasPrefix(folder + "/") {
                    attachments[String(entry.path.dropFirst(folder.count + 1))] = entry.id
                }
                for file in try work.files(below: folder) {
                    let name = String(file.dropFirst(folder.count + 1))
                    if name.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }  // not attachments
                    try work.requirePlainFile(file)
                    try AttachmentFile.requireDistinct(name, from: attachments.keys)
                    if let problem = AttachmentFile.problem(name.split(separator: "/").last.map(String.init) ?? name) {
                        throw FolioError.refused("\(file): \(problem)")
                    }
                    paths.read.insert(file)
                    do {
                        attachments[name] = try repository.writeBlob(fromWorkTree: file)
                    } catch let e as ExternalFilter {
                        // A filter folio cannot run (git-lfs): what `git add`
                        // staged, if the file has not changed since.
                        guard let staged = index.entry(at: file) else { throw e }
                        guard index.workTreeFileIsStaged(file) else {
                            throw FolioError.refused("\(file) changed since 'git add' staged it (its \(e.driver) filter is git's to run): 'git add \(file)' again, then check in")
                        }
                        attachments[name] = staged.id
                        paths.stagedByGit[file] = staged.id
                    }
                }
            }
            let sidecar = try template.adopt?.metadataPath(for: location.path).flatMap { path in
                try work.read(path, limit: Limits.documentBytes).map {
                    paths.read.insert(path)
                    return try repository.cleanedForCommit($0, path: path)
                }
            }
            return DocumentContent(document: bytes, attachments: attachments, sidecar: sidecar)
        }
    }

    /// Adds or replaces attachments of a document (its text stays as committed).
    public static func attach(repository: Repository, document: String, files: [String], message: String?, context: FolioContext) throws -> Result {
        guard !files.isEmpty else { throw FolioError.usage("name at least one file to attach") }
        let stored = try AttachmentFile.storeAll(files, repository: repository, context: context)
        return try write(repository: repository, document: document, message: message, action: "attach", context: context) { _, location, template, committed in
            guard var content = committed else {
                throw FolioError.usage("\(location.id) is not committed yet: check it in before attaching files")
            }
            try AttachmentFile.place(stored, in: &content, folder: template.attachmentFolder(id: location.id), repository: repository)
            return content
        }
    }

    private static func write(
        repository: Repository, document: String, message: String?, action: String, recordAs: String? = nil,
        workTree: WorkTreePaths? = nil, context: FolioContext,
        content: (Project, DocumentLocation, Template, DocumentContent?) throws -> DocumentContent
    ) throws -> Result {
        guard !repository.isBare else { throw FolioError.usage("'\(action)' needs a work tree; this repository is bare") }
        let actor = try Actor.current(repository, context)
        var result: (DocumentLocation, String, [Diagnostic])?
        let (commit, _) = try Transaction(repository: repository, actor: actor, context: context).commit { tip in
            let project = try Project.atRevision(repository, nil)
            guard project.config.person(actor.email) != nil else {
                throw FolioError.refused("\(actor.email) is not listed in the people of folio.yml")
            }
            let (location, movedFrom) = try resolve(project, document, action: action, recordAs: recordAs, context: context)
            guard let template = project.template(location.type) else {
                throw FolioError.refused("type '\(location.type)' has no valid template")
            }
            let (committed, new, record, status) = try versionInputs(project, location, template, content)
            var writer = VersionWriter(project: project, actor: actor, template: template, location: location)
            writer.movedFrom = movedFrom
            // Unchanged content is refused, unless a plain git commit changed it
            // since the last recorded version: then this records that version.
            if let committed, committed == new, try status.contentFingerprint == writer.fingerprint(new) {
                throw FolioError.refused("\(location.id): no changes to check in")
            }
            if committed == nil && !record.events.isEmpty && template.adopt == nil {
                throw FolioError.refused("\(location.id) was used before (its record exists): IDs are never reused")
            }
            if status.state == .superseded || status.state == .withdrawn {
                throw FolioError.refused("\(location.id) is \(status.state.rawValue): it can no longer change")
            }
            let warnings = try writer.validate(new)
            let isNew = committed == nil && record.events.isEmpty
            // What changed, so that `git log --oneline` reads as a change history.
            var what = ""
            if let committed, action == "checkin" {
                func version(_ c: DocumentContent) -> DocumentDiff.Version {
                    DocumentDiff.Version(label: "", bytes: c.document, attachments: c.attachments.mapValues(\.description))
                }
                what = DocumentDiff(location: location, template: template, old: version(committed), new: version(new)).summary()
            }
            let plan = try writer.plan(
                new, previous: committed, event: isNew ? .created : .checkedIn, action: isNew ? "create" : action,
                subject: "\(location.id): \(isNew ? "register" : action == "attach" ? "attach files to" : "check in") '\(titleOf(new, location, template))'"
                    + (movedFrom.map { " (moved from \($0))" } ?? "") + (what.isEmpty ? "" : ": " + what),
                comment: message)
            result = (location, plan.trailers.first { $0.key == "Folio-Revision" }?.value ?? "", warnings)
            var written = plan
            if let workTree {
                written.keepWorkTree = workTree.read
                written.stagedByGit = workTree.stagedByGit
            }
            return written
        }
        guard let (location, revision, warnings) = result else { throw FolioError.unreadable("internal: no result") }
        return Result(id: location.id, path: location.path, revision: revision, commit: commit, warnings: warnings)
    }

    /// What a new version is made from: the document's content as committed
    /// in `project` and as `content` gives it, its record and status.
    /// - Throws: `FolioError.refused` when the template is unusable.
    static func versionInputs(
        _ project: Project, _ location: DocumentLocation, _ template: Template,
        _ content: (Project, DocumentLocation, Template, DocumentContent?) throws -> DocumentContent
    ) throws -> (committed: DocumentContent?, new: DocumentContent, record: Record, status: DocumentStatus) {
        try project.requireUsable(template)
        let committed = try VersionWriter.committedContent(project, location, template)
        let new = try content(project, location, template, committed)
        let record = try project.record(location.id)
        return (committed, new, record, DocumentStatus.derive(record, scheme: project.config.revisions))
    }

    /// The document a check-in names. An adopted file is found in the work
    /// tree (a new file has no ID in HEAD yet), under the ID its record
    /// binds; a file `git mv` moved is recognised as its document (same
    /// derived ID, or exactly the content last recorded) and recorded at
    /// its new path. Returns the location and the path the record bound.
    static func resolve(_ project: Project, _ document: String, action: String, recordAs: String?, context: FolioContext) throws -> (DocumentLocation, String?) {
        guard action == "checkin", !project.adoptingTemplates.isEmpty, let root = project.repository.workdir else {
            if recordAs != nil { throw FolioError.usage("--as is for an adopted file that was renamed") }
            return (try project.require(document, from: context.workingDirectory), nil)
        }
        let work = Project(repository: project.repository, source: WorkTreeSource(root: root), rules: project.rules)
        let found = try work.require(document, from: context.workingDirectory)
        guard work.template(found.type)?.adopt != nil else {
            if recordAs != nil { throw FolioError.usage("--as is for an adopted file that was renamed; \(found.id) is not adopted") }
            return (try project.require(document, from: context.workingDirectory), nil)
        }
        let index = try work.adoptionIndex()
        // A move keeps the type: another type's rules would judge the record.
        func moved(_ location: DocumentLocation, from bound: String) throws -> (DocumentLocation, String?) {
            if let before = project.locate(bound), before.type != location.type {
                throw FolioError.refused("\(location.id) is a \(before.type); \(location.path) is where type \(location.type) adopts files: a move may not change a document's type")
            }
            return (location, bound)
        }
        if let id = recordAs {
            guard let bound = index.missing[id] else {
                throw FolioError.usage("--as \(id): no record binds \(id) to a file that is gone (--as records a renamed file under the ID it had)")
            }
            guard try found.id == id || project.record(found.id).events.isEmpty else {
                throw FolioError.refused("\(found.path) is \(found.id), a controlled document: it cannot become \(id)")
            }
            return try moved(DocumentLocation(type: found.type, id: id, path: found.path), from: bound)
        }
        if let bound = index.missing[found.id], bound != found.path { return try moved(found, from: bound) }
        guard try project.record(found.id).events.isEmpty else { return (found, nil) }
        for (id, bound) in index.missing.sorted(by: { $0.key < $1.key }) where index.byID[id] == nil {
            if try work.movedCandidates(of: id, boundPath: bound, index: index).contains(where: { $0.path == found.path }) {
                return try moved(DocumentLocation(type: found.type, id: id, path: found.path), from: bound)
            }
        }
        return (found, nil)
    }

    static func titleOf(_ content: DocumentContent, _ location: DocumentLocation, _ template: Template) -> String {
        let sidecar = template.adopt?.metadataPath(for: location.path).map { Sidecar(path: $0, bytes: content.sidecar) }
        return DocumentReader.read(path: location.path, bytes: content.document, template: template, expectedID: location.id, sidecar: sidecar)
            .document?.title ?? location.id
    }
}

