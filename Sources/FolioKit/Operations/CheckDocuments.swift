import FolioGit
import FolioModel
import Foundation

/// `folio check`: validation of documents against their templates, in the
/// work tree, the index or a commit.
public enum CheckDocuments {
    public enum Scope {
        case workTree, staged, commit(String?)
    }

    public static func source(_ repository: Repository, scope: Scope, context: FolioContext) throws -> ContentSource {
        switch scope {
        case .staged:
            return IndexSource(repository: repository, index: try repository.index(file: context.indexFile))
        case .workTree:
            if let root = repository.workdir { return WorkTreeSource(root: root) }
            fallthrough
        case .commit:
            var revision: String? = nil
            if case .commit(let r) = scope { revision = r }
            return try Project.atRevision(repository, revision).source
        }
    }

    /// Checks everything: every document and every template. Work-tree
    /// documents are checked on all cores (reading files and the rules are
    /// thread-safe; libgit2 objects are not shared, so commits are checked in turn).
    public static func all(_ project: Project, complete: Bool) throws -> [Diagnostic] {
        var out = project.templateDiagnostics
        let locations = try project.allDocuments()
        // Work-tree files are read without libgit2, so on all cores; a
        // commit's are read through libgit2 objects, which stay on this thread.
        let perDocument = try Parallel.map(locations, threshold: project.source is WorkTreeSource ? 64 : .max) {
            try project.check($0, complete: complete)
        }
        var seen: [String: String] = [:]
        for (i, location) in locations.enumerated() {
            out += perDocument[i]
            if !location.id.isEmpty, let other = seen[location.id], !perDocument[i].contains(where: { $0.rule == "id.duplicate" }) {
                out.append(Diagnostic(path: location.path, line: 1, column: 1, severity: .error, message: "ID '\(location.id)' is also used by \(other)", rule: "id.duplicate"))
            }
            seen[location.id] = location.path
        }
        return out + (try project.missingAdoptedDocuments()) + (try duplicateTimesheets(project))
    }

    /// `timesheet.duplicate`: one timesheet per person and ISO week (those
    /// withdrawn or superseded do not count). Needs every timesheet, so it is
    /// part of `check --all`, imports and the resources report, not the hooks.
    static func duplicateTimesheets(_ project: Project) throws -> [Diagnostic] {
        guard let template = project.template(Timesheet.type) else { return [] }
        var first: [String: DocumentLocation] = [:]
        var out: [Diagnostic] = []
        for location in try project.documents(of: template).sorted(by: { $0.id < $1.id }) {
            guard try project.inForce(location.id), let document = try project.read(location).document else { continue }
            let sheet = Timesheet(document)
            guard let week = sheet.week, !sheet.person.isEmpty else { continue }
            let key = "\(sheet.person) \(week)"
            if let other = first[key] {
                let line = document.frontMatter["week"]?.line ?? 1
                out.append(Diagnostic(
                    path: location.path, line: line, column: 1, severity: .error,
                    message: "\(sheet.person) already has a timesheet for \(week): \(other.id) (one per person and week; withdraw one)", rule: "timesheet.duplicate"))
            } else {
                first[key] = location
            }
        }
        return out
    }

    /// Checks the named paths: documents, attachments (their document),
    /// templates, folders (everything below), `folio.yml`.
    public static func paths(_ project: Project, _ given: [String], complete: Bool, context: FolioContext) throws -> [Diagnostic] {
        var out: [Diagnostic] = []
        var checked = Set<String>()
        for raw in given {
            var path = try RepoPath.normalise(raw, repository: project.repository, workingDirectory: context.workingDirectory)
            // A document ID names its document, as everywhere else (a file or folder of that name wins).
            if !raw.contains("/"), try !project.source.exists(path), try project.source.files(below: path).isEmpty,
                let location = try? project.find(raw)
            {
                path = location.path
            }
            let targets: [String]
            let below = try project.source.files(below: path)
            targets = below.isEmpty ? [path] : below
            for target in targets {
                out += try checkPath(project, target, explicit: below.isEmpty, checked: &checked, complete: complete)
            }
        }
        return out
    }

    /// Checks what one changed path means for the rules.
    static func checkPath(_ project: Project, _ path: String, explicit: Bool, checked: inout Set<String>, complete: Bool) throws -> [Diagnostic] {
        if path == ProjectConfig.path {
            // Parsed when the project was opened; capacity and the
            // allocation threshold live here, so the plans are checked again.
            return try project.allocationDiagnosticsForAllPlans().filter { checked.insert("\($0.path):\($0.line):\($0.message)").inserted }
        }
        if path.hasPrefix("templates/") && path.hasSuffix(".md") {
            // A new or changed adopt rule may take files another type has.
            let conflicts = try project.allAdoptionConflicts().filter { checked.insert("\($0.path):\($0.rule)").inserted }
            return project.templateDiagnostics.filter { $0.path == path } + conflicts
        }
        if let location = project.locate(path) ?? project.attachmentOwner(path) {
            guard checked.insert(location.path).inserted else { return [] }
            guard try project.source.exists(location.path) else {
                if location.path == path { return [] }  // a deleted document
                // A document moved into a subfolder looks like an attachment of a
                // document named after the folder: say what really happened.
                if path.hasSuffix(".md"), let template = project.template(location.type), template.adopt == nil {
                    let name = (splitPath(path).name as NSString).deletingPathExtension
                    if try project.source.exists(Record.path(for: name)) || DocumentID.problem(name) == nil && name.contains("-\(template.code)-") {
                        return [Diagnostic(
                            path: path, line: 1, column: 1, severity: .error,
                            message: "\(name) was moved into the subfolder \(splitPath(path).folder)/: a document stays at \(template.documentPath(id: name)) (subfolders of \(template.folder)/ hold attachments of the document they are named after; move it back with 'git mv \(path) \(template.documentPath(id: name))')",
                            rule: "document.moved")]
                    }
                }
                return [Diagnostic(path: path, line: 1, column: 1, severity: .error, message: "attachment of \(location.id), which does not exist", rule: "attachments.orphan")]
            }
            return try project.check(location, complete: complete)
        }
        if explicit && !path.hasPrefix(".folio/") {
            throw FolioError.usage("\(path) is not a controlled document, attachment or template")
        }
        return []
    }
}
