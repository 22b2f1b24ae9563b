import FolioGit
import FolioModel
import Foundation
import Yams

/// `folio new`: a document from its template, with a fresh ID, committed.
public enum NewDocument {
    public struct Result {
        public let id: String
        public let path: String
        public let commit: ObjectID
        public let warnings: [Diagnostic]
    }

    public static func run(
        repository: Repository, type: String, title: String, values: [(String, String)] = [],
        attachmentFiles: [String] = [], message: String? = nil, context: FolioContext
    ) throws -> Result {
        guard !repository.isBare else { throw FolioError.usage("'new' needs a work tree; this repository is bare") }
        let trimmedTitle = title.trimmingCharacters(in: .whitespaces)
        guard !trimmedTitle.isEmpty, !title.contains("\n"), !title.contains("\0") else {
            throw FolioError.usage("--title must be one non-empty line")
        }
        let actor = try Actor.current(repository, context)
        // Attachments are stored once, before the (possibly retried) commit.
        let stored = try AttachmentFile.storeAll(attachmentFiles, repository: repository, context: context)
        var result: (id: String, path: String, warnings: [Diagnostic], seq: Int, code: String)?
        let (commit, _) = try Transaction(repository: repository, actor: actor, context: context).commit { tip in
            guard let tip else { throw FolioError.usage("the repository has no commits yet (run 'folio init')") }
            let project = try Project(repository: repository, source: TreeSource(repository: repository, tree: tip.tree(), label: "HEAD"))
            guard let template = project.template(type) else {
                if let problem = project.templateDiagnostics.first(where: { $0.path == "templates/\(type).md" }) {
                    throw FolioError.refused("the template of '\(type)' is invalid:\n\(problem.formatted)")
                }
                throw FolioError.usage("no template for type '\(type)'; types: \(project.templates.map(\.type).joined(separator: ", "))")
            }
            try project.requireUsable(template)
            if template.adopt != nil {
                throw FolioError.usage("type '\(type)' adopts existing files (\(template.adopt!.glob)): create the file, then 'folio checkin' it")
            }
            guard project.config.person(actor.email) != nil else {
                throw FolioError.refused("\(actor.email) is not listed in the people of folio.yml")
            }
            let seq = try nextSequence(project, template)
            let id = project.config.numbering.format(project: project.config.project.code, code: template.code, type: template.type, seq: seq)
            if let problem = DocumentID.problem(id) { throw FolioError.refused(problem) }
            let location = DocumentLocation(type: type, id: id, path: template.documentPath(id: id))
            let text = try render(template, project: project, id: id, title: trimmedTitle, values: values, actor: actor)
            let writer = VersionWriter(project: project, actor: actor, template: template, location: location)
            var content = DocumentContent(document: Array(text.utf8), attachments: [:])
            try AttachmentFile.place(stored, in: &content, folder: template.attachmentFolder(id: id), repository: repository)
            let warnings = try writer.validate(content)
            result = (id, location.path, warnings, seq, template.code)
            return try writer.plan(
                content, previous: nil, event: .created, action: "create",
                subject: "\(id): create \(template.name) '\(trimmedTitle)'", comment: message)
        }
        guard let result else { throw FolioError.unreadable("internal: no result") }
        SequenceMark.raise(repository, code: result.code, to: result.seq)
        return Result(id: result.id, path: result.path, commit: commit, warnings: result.warnings)
    }

    /// One more than any sequence number seen for the type: in its folder,
    /// in the records (which outlive deleted documents) and on this clone.
    static func nextSequence(_ project: Project, _ template: Template) throws -> Int {
        let cfg = project.config
        func seq(_ id: String) -> Int {
            cfg.numbering.sequence(of: id, project: cfg.project.code, code: template.code, type: template.type) ?? 0
        }
        var highest = SequenceMark.read(project.repository, code: template.code)
        for entry in try project.source.list(template.folder) where entry.name.hasSuffix(".md") {
            highest = max(highest, seq(String(entry.name.dropLast(3))))
        }
        for entry in try project.source.list(RecordFile.folder) where !entry.isFolder {
            if let id = RecordFile.documentID(fileName: entry.name) { highest = max(highest, seq(id)) }
        }
        return highest + 1
    }

    /// The text of a new document: front matter from the template's fields
    /// (`--set` values, defaults, skeleton values), then the skeleton body.
    static func render(
        _ template: Template, project: Project, id: String, title: String, values: [(String, String)], actor: Actor
    ) throws -> String {
        var given: [String: String] = [:]
        for (key, value) in values {
            guard template.fields.contains(where: { $0.name == key }) else {
                throw FolioError.usage("--set \(key): '\(template.type)' has no field '\(key)' (fields: \(template.fields.map(\.name).joined(separator: ", ")))")
            }
            given[key] = value
        }
        let today = String(Timestamp.string(actor.time).prefix(10))
        let placeholders = [
            ("{{id}}", id), ("{{title}}", title), ("{{type}}", template.type), ("{{date}}", today),
            ("{{author}}", actor.email), ("{{project}}", project.config.project.name),
        ]
        func fill(_ text: String) -> String {
            placeholders.reduce(text) { $0.replacingOccurrences(of: $1.0, with: $1.1) }
        }
        func filled(_ node: Node) -> Node {
            switch node {
            case .scalar(var scalar):
                scalar.string = fill(scalar.string)
                return .scalar(scalar)
            case .sequence(let items): return Node(items.map(filled))
            default: return node
            }
        }
        var lines = ["---", try yamlLine("id", .scalar(id)), try yamlLine("type", .scalar(template.type)), try yamlLine("title", .scalar(title))]
        let skeleton = Dictionary(template.skeletonFields.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        for field in template.fields {
            if let value = given[field.name] {
                if field.list {
                    let items = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                    lines.append(try yamlLine(field.name, .list(items)))
                } else {
                    lines.append(try yamlLine(field.name, .scalar(value)))
                }
            } else if let def = field.default {
                lines.append(try yamlLine(field.name, field.list ? .list([fill(def)]) : .scalar(fill(def))))
            } else if let node = skeleton[field.name], !FrontMatter.isEmpty(node) {
                lines.append(try Yams.serialize(node: Node([(Node(field.name), filled(node))])).trimmingCharacters(in: .newlines))
            } else {
                lines.append("\(field.name):")
            }
        }
        for (key, node) in template.skeletonFields where !template.fields.contains(where: { $0.name == key }) {
            lines.append(try Yams.serialize(node: Node([(Node(key), node)])).trimmingCharacters(in: .newlines))
        }
        lines.append("---")
        return lines.joined(separator: "\n") + "\n" + fill(template.skeletonBody)
    }

    enum YAMLValue {
        case scalar(String)
        case list([String])
    }

    static func yamlLine(_ key: String, _ value: YAMLValue) throws -> String {
        let node: Node
        switch value {
        case .scalar(let s): node = Node(s)
        case .list(let items): node = Node(items.map { Node($0) })
        }
        return try Yams.serialize(node: Node([(Node(key), node)])).trimmingCharacters(in: .newlines)
    }
}

/// Files given on the command line to attach.
enum AttachmentFile {
    /// Why a file name cannot be an attachment's name on every platform, or nil.
    static func problem(_ name: String) -> String? {
        if name.isEmpty || name.utf8.count > 200 { return "an attachment name must be 1 to 200 bytes" }
        if name.hasPrefix(".") { return "an attachment name may not start with '.'" }
        if name.hasSuffix(".") || name.hasSuffix(" ") { return "an attachment name may not end with '.' or a space (Windows drops them)" }
        if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || "\\/:*?\"<>|".unicodeScalars.contains($0) }) {
            return "an attachment name may not contain control characters or any of \\ / : * ? \" < > |"
        }
        let stem = name.split(separator: ".").first.map { String($0).uppercased() } ?? ""
        if DocumentID.windowsReserved.contains(stem) { return "'\(name)' is a reserved file name on Windows" }
        return nil
    }

    /// Refuses a name equal to another attachment's on a file system that
    /// ignores case or Unicode normal form (macOS, Windows: `Heat.pdf` and
    /// `heat.pdf`, `café.pdf` in NFC and NFD): one would overwrite the other
    /// there. Exactly the same bytes are the same attachment.
    /// - Throws: `FolioError.usage` naming both.
    static func requireDistinct<S: Sequence>(_ name: String, from others: S) throws where S.Element == String {
        let folded = name.lowercased()
        for other in others where Array(other.utf8) == Array(name.utf8) {
            throw FolioError.refused("attachment '\(Diagnostic.escaped(name))' is named twice: one file would replace the other")
        }
        for other in others where Array(other.utf8) != Array(name.utf8) && other.lowercased() == folded {
            let how = other == name ? "their accents are written differently (Unicode normal forms NFC and NFD)" : "they differ only in case"
            throw FolioError.refused("attachment '\(Diagnostic.escaped(name))' and '\(Diagnostic.escaped(other))' are one file on macOS and Windows (\(how)): rename one")
        }
    }

    /// Stores the files named on the command line (paths as given, relative
    /// to the working directory); two of them under one name on some
    /// platform are refused.
    static func storeAll(_ files: [String], repository: Repository, context: FolioContext) throws -> [(name: String, id: ObjectID)] {
        var stored: [(name: String, id: ObjectID)] = []
        for file in files {
            let (name, id) = try store(context.absolutePath(file), shown: file, repository: repository)
            try requireDistinct(name, from: stored.map(\.name))
            stored.append((name, id))
        }
        return stored
    }

    /// Places stored files in a document's attachment `folder` as `git add`
    /// would store them there: a filter driver at the path (git-lfs) is
    /// refused (`ExternalFilter`), clean filters (autocrlf, eol, ident) are
    /// applied, an attachment of the same name (the same bytes) is replaced,
    /// and a name that is another attachment's on macOS or Windows is refused.
    static func place(_ stored: [(name: String, id: ObjectID)], in content: inout DocumentContent, folder: String, repository: Repository) throws {
        for (name, blob) in stored {
            let target = folder + "/" + name
            try repository.requireNoFilterDriver(target)
            var id = blob
            if try repository.hasCleanFilters(target) {
                id = try repository.writeBlob(try repository.cleanedForCommit(try repository.blobData(blob), path: target))
            }
            let others = content.attachments.keys.filter { Array($0.utf8) != Array(name.utf8) }
            try requireDistinct(name, from: others)
            content.attachments[name] = id
        }
    }

    /// The committed attachments in the folder tree `tree`, by name. Names
    /// that are one file on macOS or Windows (committed with plain git) are
    /// refused: a new version would keep only one of them.
    static func committed(_ repository: Repository, tree: ObjectID, folder: String) throws -> [String: ObjectID] {
        var out: [String: ObjectID] = [:]
        for (name, id) in try repository.fileList(inTree: tree) {
            do {
                try requireDistinct(name, from: out.keys)
            } catch let e as FolioError {
                throw FolioError.refused("\(folder): \(e.description) (committed with plain git; 'git mv' one of them first)")
            }
            out[name] = id
        }
        return out
    }

    /// Stores a file as a blob; returns its attachment name and id.
    /// `path` is absolute; `file` is how the user named it (for messages).
    static func store(_ path: String, shown file: String, repository: Repository) throws -> (String, ObjectID) {
        var st = stat()
        guard lstat(path, &st) == 0 else { throw FolioError.usage("\(file): no such file") }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw FolioError.usage("\(file): not a regular file") }
        let name = (file as NSString).lastPathComponent
        if let problem = problem(name) { throw FolioError.usage("\(file): \(problem)") }
        return (name, try repository.writeBlob(fromFile: path))
    }
}
