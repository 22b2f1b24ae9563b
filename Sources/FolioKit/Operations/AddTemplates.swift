import FolioGit
import FolioModel
import Foundation

/// `folio templates add TYPE…`: a built-in template this version of Folio
/// has and the project does not (a project made by an older Folio lacks
/// `timesheet`, `schedule`, `rate-card`), committed as an admin's change.
/// A template the project already has is never replaced.
public enum AddTemplates {
    /// - Throws: `FolioError.usage` for a type that is not built in;
    ///   `FolioError.refused` when the actor is not an admin, the project
    ///   has the template already, or a file stands at its path.
    public static func run(repository: Repository, types: [String], context: FolioContext) throws -> (commit: ObjectID, paths: [String]) {
        guard !repository.isBare else { throw FolioError.usage("'templates add' needs a work tree; this repository is bare") }
        guard !types.isEmpty else { throw FolioError.usage("name at least one type; built in: \(BuiltinTemplates.all.map(\.type).joined(separator: ", "))") }
        var texts: [(String, String)] = []
        for type in types {
            guard let builtin = BuiltinTemplates.all.first(where: { $0.type == type }) else {
                throw FolioError.usage("'\(type)' is not a built-in type; built in: \(BuiltinTemplates.all.map(\.type).joined(separator: ", "))")
            }
            if !texts.contains(where: { $0.0 == type }) { texts.append((type, builtin.text)) }
        }
        let actor = try Actor.current(repository, context)
        var paths: [String] = []
        let (commit, _) = try Transaction(repository: repository, actor: actor, context: context).commit { tip in
            guard let tip else { throw FolioError.usage("the repository has no commits yet (run 'folio init')") }
            let project = try Project(repository: repository, source: TreeSource(repository: repository, tree: tip.tree(), label: "HEAD"))
            let admins = project.config.people.filter { $0.roles.contains("admin") }
            guard project.config.person(actor.email)?.roles.contains("admin") == true else {
                throw FolioError.refused("templates are an admin's change: \(admins.map { "\($0.name) <\($0.email)>" }.joined(separator: ", "))")
            }
            var plan = WritePlan(subject: "templates: add the built-in \(texts.map(\.0).joined(separator: ", ")) template\(texts.count == 1 ? "" : "s")")
            paths = []
            for (type, text) in texts {
                let path = "templates/\(type).md"
                if try project.source.exists(path) {
                    throw FolioError.refused("\(path) exists already: a project's template is never replaced (compare it with 'folio templates show \(type)')")
                }
                if let root = repository.workdir, FileManager.default.fileExists(atPath: root + path) {
                    throw FolioError.refused("\(path) is in the work tree but not committed: commit or remove it first")
                }
                plan.changes.append((path, .bytes(Array(text.utf8))))
                paths.append(path)
            }
            plan.trailers = [("Folio-Action", "templates")]
            return plan
        }
        return (commit, paths)
    }
}
