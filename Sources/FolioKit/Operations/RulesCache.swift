import FolioGit
import FolioModel
import Foundation

/// The rules (folio.yml, templates, allowed signers) of the commits of one history,
/// parsed once per pair of ids of a commit's `folio.yml` and `templates/`:
/// they rarely change, and parsing the templates would otherwise be most of
/// a commit's cost. Used by `folio verify` and the change history.
final class RulesCache {
    private let repository: Repository
    private var projects: [String: Project] = [:]
    /// Rules parsed elsewhere (a report's own, at its tip).
    private let known: [String: Project.Rules]

    init(repository: Repository, known: [String: Project.Rules] = [:]) {
        self.repository = repository
        self.known = known
    }

    private var signers: [ObjectID: String] = [:]

    /// The text of an `.folio/allowed_signers` blob (nil: none), read once.
    func allowedSigners(_ blob: ObjectID?) throws -> String {
        guard let blob else { return "" }
        if let hit = signers[blob] { return hit }
        let text = String(decoding: try repository.blobData(blob, limit: Limits.configBytes), as: UTF8.self)
        signers[blob] = text
        return text
    }

    static func key(config: ObjectID, templates: ObjectID?) -> String {
        config.description + (templates?.description ?? "-")
    }

    /// The rules for these ids, as a project over the tree of the first
    /// commit that had them (give documents another source with
    /// `Project(repository:source:reusing:)`); nil when folio.yml does not parse.
    func project(config: ObjectID, templates: ObjectID?, tree: () throws -> Tree) throws -> Project? {
        let key = RulesCache.key(config: config, templates: templates)
        if let hit = projects[key] { return hit }
        let source = TreeSource(repository: repository, tree: try tree(), label: "commit")
        let project: Project
        if let rules = known[key] {
            project = Project(repository: repository, source: source, rules: rules)
        } else {
            guard let parsed = try? Project(repository: repository, source: source) else { return nil }
            project = parsed
        }
        projects[key] = project
        return project
    }

    /// The same, reading the ids from the commit's root tree.
    func project(_ tree: Tree) throws -> Project? {
        guard let config = try tree.entry(at: ProjectConfig.path) else { return nil }
        return try project(config: config.id, templates: try tree.entry(at: "templates")?.id, tree: { tree })
    }
}
