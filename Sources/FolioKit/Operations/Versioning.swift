import FolioGit
import FolioModel
import Foundation
import Yams

/// The content of one version of a document: its file and its attachments.
struct DocumentContent: Equatable {
    var document: [UInt8]
    /// Attachment path (relative to the attachment folder) → blob.
    var attachments: [String: ObjectID]
    /// An adopted document's metadata file (nil: none, or the type has none).
    var sidecar: [UInt8]? = nil
}

/// Shared steps of every write that records a new content version
/// (`new`, `checkin`, `attach`): validate, fingerprint, append to the record,
/// and plan the commit.
struct VersionWriter {
    let project: Project
    let actor: Actor
    let template: Template
    let location: DocumentLocation
    /// An adopted document recorded at a new path: where its record bound it.
    var movedFrom: String? = nil

    /// The metadata file beside the document, where the type has one.
    var sidecarPath: String? { template.adopt?.metadataPath(for: location.path) }

    /// Validates content as it would stand after the write; throws the
    /// diagnostics when any is an error. Returns the warnings.
    func validate(_ content: DocumentContent) throws -> [Diagnostic] {
        try Self.requireNoFilterDriver(project.repository, location.path)
        let sidecar = sidecarPath.map { Sidecar(path: $0, bytes: content.sidecar) }
        let result = DocumentReader.read(path: location.path, bytes: content.document, template: template, expectedID: location.id, sidecar: sidecar)
        var diagnostics = result.diagnostics
        if let document = result.document {
            let validator = Validator(template: template, context: project.valueContext, complete: false)
            diagnostics += validator.validate(document, attachments: content.attachments.keys.sorted())
            diagnostics += try project.typeRules(document, location)
        }
        if diagnostics.contains(where: { $0.severity == .error }) { throw DiagnosticList(diagnostics) }
        return diagnostics
    }

    /// The fingerprint the content will have once committed.
    func fingerprint(_ content: DocumentContent) throws -> String {
        let repo = project.repository
        let blob = try repo.writeBlob(content.document)
        var folder: (String, ObjectID)?
        if !content.attachments.isEmpty {
            let tree = try repo.updatedTree(base: nil, changes: content.attachments.map { .set($0.key, $0.value) })
            folder = (location.id, tree)
        }
        var siblings: [(name: String, blob: ObjectID)] = []
        if let path = sidecarPath, let bytes = content.sidecar { siblings = [(splitPath(path).name, try repo.writeBlob(bytes))] }
        return try Fingerprint.compute(documentName: splitPath(location.path).name, documentBlob: blob, attachmentsFolder: folder, siblings: siblings)
    }

    /// The plan for committing `content` as a new version, with its record event.
    func plan(
        _ content: DocumentContent, previous: DocumentContent?, event: RecordEvent.Kind, action: String, subject: String,
        comment: String?
    ) throws -> WritePlan {
        let record = try project.record(location.id)
        let status = DocumentStatus.derive(record, scheme: project.config.revisions)
        let revision = status.nextDraftRevision(scheme: project.config.revisions)
        // An adopted document's event binds its ID to its file's path.
        let recordEvent = RecordEvent(
            event: event, document: location.id, revision: revision, fingerprint: try fingerprint(content),
            actor: actor.email, name: actor.name, at: Timestamp.string(actor.time), meaning: "authorship",
            comment: comment, path: template.adopt != nil ? location.path : nil)
        var plan = WritePlan(subject: subject)
        if previous?.document != content.document { plan.changes.append((location.path, .bytes(content.document))) }
        if let path = sidecarPath, let bytes = content.sidecar, previous?.sidecar != bytes {
            plan.changes.append((path, .bytes(bytes)))
        }
        // A move committed with plain git is already gone from HEAD.
        if let old = movedFrom, old != location.path {
            if try project.source.exists(old) { plan.changes.append((old, .remove)) }
            if let oldSidecar = template.adopt?.metadataPath(for: old), oldSidecar != sidecarPath, try project.source.exists(oldSidecar) {
                plan.changes.append((oldSidecar, .remove))
            }
        }
        let folder = template.attachmentFolder(id: location.id)
        for (name, id) in content.attachments.sorted(by: { $0.key < $1.key }) where previous?.attachments[name] != id {
            plan.changes.append(("\(folder)/\(name)", .blob(id)))
        }
        for name in (previous?.attachments.keys.sorted() ?? []) where content.attachments[name] == nil {
            plan.changes.append(("\(folder)/\(name)", .remove))
        }
        plan.changes.append((Record.path(for: location.id), .bytes(record.appending(recordEvent))))
        if let comment, !comment.isEmpty { plan.body = comment }
        plan.trailers = [("Folio-Document", location.id), ("Folio-Action", action), ("Folio-Revision", revision)]
        return plan
    }

    /// Refuses a document path that `.gitattributes` puts under a filter
    /// driver (`filter=lfs`): a controlled document is text that Folio and
    /// git must both read in the repository, never a pointer to elsewhere.
    /// - Throws: `FolioError.refused`, naming the attribute to add.
    static func requireNoFilterDriver(_ repository: Repository, _ path: String) throws {
        do {
            try repository.requireNoFilterDriver(path)
        } catch let e as ExternalFilter {
            throw documentUnderFilter(e)
        }
    }

    /// The refusal for a document under a filter driver (the git layer's
    /// `ExternalFilter` speaks of attachments, which git may stage).
    static func documentUnderFilter(_ e: ExternalFilter) -> FolioError {
        .refused(
            "\(e.path) is under the git filter '\(e.driver)' (.gitattributes): a controlled document is text that folio and git read in the repository, so documents stay out of \(e.driver); add a line '\(e.path) !filter !diff !merge text' after that rule (or one pattern for all documents), or narrow the rule to attachments")
    }

    /// The committed content of the document in the project's source, if any.
    static func committedContent(_ project: Project, _ location: DocumentLocation, _ template: Template) throws -> DocumentContent? {
        guard let tree = project.source as? TreeSource, let doc = try tree.entry(location.path) else { return nil }
        var attachments: [String: ObjectID] = [:]
        if template.adopt == nil {
            let folder = template.attachmentFolder(id: location.id)
            if let entry = try tree.entry(folder), entry.kind == .tree {
                attachments = try AttachmentFile.committed(project.repository, tree: entry.id, folder: folder)
            }
        }
        let sidecar = try project.sidecar(location)?.bytes
        return DocumentContent(document: try project.repository.blobData(doc.id, limit: Limits.documentBytes), attachments: attachments, sidecar: sidecar)
    }
}

/// The local high-water mark of sequence numbers per type code, kept in the
/// git directory so an ID is never handed out twice on this clone, even after
/// the document was deleted and the deletion committed.
enum SequenceMark {
    static func path(_ repository: Repository, code: String) -> String {
        repository.commonDir + "folio/sequence/\(code)"
    }

    static func read(_ repository: Repository, code: String) -> Int {
        guard let data = FileManager.default.contents(atPath: path(repository, code: code)) else { return 0 }
        return Int(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespaces.union(["\n"]))) ?? 0
    }

    static func raise(_ repository: Repository, code: String, to seq: Int) {
        guard seq > read(repository, code: code) else { return }
        try? FileIO.writeAtomically(Array("\(seq)\n".utf8), to: path(repository, code: code))
    }
}
