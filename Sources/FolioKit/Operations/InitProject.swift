import FolioGit
import FolioModel
import Foundation
import Yams

/// `folio init`: the managed layout, the built-in templates and the client
/// hooks, in a new or an existing repository, as one commit.
public enum InitProject {
    public struct Result {
        public let root: String
        public let commit: ObjectID
        public let code: String
        public let hooks: [String]
    }

    public static func run(at path: String, code: String?, name: String?, hookCommand: String, context: FolioContext) throws -> Result {
        var isDir: ObjCBool = false
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isDir) {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } else if !isDir.boolValue {
            throw FolioError.usage("\(path): not a folder")
        }
        let repository: Repository
        if (try? Repository.discover(from: path)) != nil {
            repository = try Repository.discover(from: path)
        } else {
            repository = try Repository.create(at: path)
        }
        guard let root = repository.workdir else {
            throw FolioError.usage("'init' needs a work tree; on a server use 'folio hooks install --server'")
        }
        if let head = try repository.headCommit(), try head.tree().entry(at: ProjectConfig.path) != nil {
            throw FolioError.refused("\(root) is already a Folio repository (folio.yml exists)")
        }
        let folderName = URL(fileURLWithPath: String(root.dropLast())).lastPathComponent
        let projectCode = code ?? defaultCode(folderName)
        let projectName = name ?? folderName
        let actor = try Actor.current(repository, context)
        let config = try configText(code: projectCode, name: projectName, actor: actor)
        _ = try ProjectConfig.parse(Array(config.utf8))  // refuse a bad --project early, with its message

        let (commit, _) = try Transaction(repository: repository, actor: actor, context: context).commit { tip in
            var plan = WritePlan(subject: "\(projectCode): initialise Folio project '\(projectName)'")
            plan.changes.append((ProjectConfig.path, .bytes(Array(config.utf8))))
            for (type, text) in BuiltinTemplates.all {
                plan.changes.append(("templates/\(type).md", .bytes(Array(text.utf8))))
            }
            plan.changes.append((".folio/allowed_signers", .bytes(Array(allowedSignersHeader.utf8))))
            plan.changes.append((".folio/records/README.md", .bytes(Array(recordsReadme.utf8))))
            var attributes = ""
            if let tip, let entry = try tip.tree().entry(at: ".gitattributes") {
                attributes = String(decoding: try repository.blobData(entry.id), as: UTF8.self)
                if !attributes.isEmpty && !attributes.hasSuffix("\n") { attributes += "\n" }
            }
            if !attributes.contains(recordsAttribute) { attributes += recordsAttribute + "\n" }
            plan.changes.append((".gitattributes", .bytes(Array(attributes.utf8))))
            plan.trailers = [("Folio-Action", "init")]
            return plan
        }
        let hooks = try HookInstaller.install(repository: repository, server: false, command: hookCommand, force: false)
        return Result(root: root, commit: commit, code: projectCode, hooks: hooks)
    }

    /// Records are append-only logs: concurrent appends on two branches merge
    /// by keeping both sides' lines.
    static let recordsAttribute = ".folio/records/*.jsonl merge=union"

    static let allowedSignersHeader = """
        # People's SSH public keys, in git's allowed-signers format:
        #   alice@example.com namespaces="folio,git" ssh-ed25519 AAAA...
        # Folio checks lifecycle signatures against this file (namespace folio).

        """

    static let recordsReadme = """
        # Lifecycle records

        One file per document, `<ID>.jsonl`: an append-only log of its lifecycle
        events (created, checked-in, submitted, approved, rejected, issued,
        superseded, withdrawn), one JSON object a line. Written by `folio`;
        never edit or remove a line. See docs/formats.md of Folio.

        """

    static func defaultCode(_ folder: String) -> String {
        let letters = folder.uppercased().filter { $0.isASCII && ($0.isLetter || $0.isNumber) }
        let code = String(letters.drop { !$0.isLetter }.prefix(8))
        return code.count >= 2 ? code : "PROJ"
    }

    static func configText(code: String, name: String, actor: Actor) throws -> String {
        func q(_ s: String) throws -> String {
            try Yams.serialize(node: Node(s)).trimmingCharacters(in: .newlines)
        }
        return """
            # Folio project configuration. See docs/formats.md.
            project: { code: \(try q(code)), name: \(try q(name)) }
            numbering: "{project}-{code}-{seq:4}"
            revisions: numeric            # numeric | letter | iso19650
            signatures: optional          # off | optional | required
            review_policy: { max_days: 5 }
            people:
              - { email: \(try q(actor.email)), name: \(try q(actor.name)), roles: [pm, admin] }

            """
    }
}
