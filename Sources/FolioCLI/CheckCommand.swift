import ArgumentParser
import FolioGit
import FolioKit
import FolioModel
import Foundation

struct CheckCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Validate documents against their templates.",
        discussion: """
            Without PATH, checks every document and template (as --all). Reads the work tree, or with \
            --staged what is staged, or with --at a commit. Prints path:line:column: severity: message [rule]; \
            exits 1 if any error.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Documents, attachments, templates or folders to check.") var paths: [String] = []
    @Flag(name: .long, help: "Check what is staged (the documents changed in the index).") var staged = false
    @Flag(name: .long, help: "Check every document and template.") var all = false
    @Flag(name: .long, help: "Treat missing required values as errors (as submit and issue do).") var complete = false
    @Option(name: .long, help: "Check a commit instead of the work tree.") var at: String?
    @Option(name: .long, help: "text or json.") var format: TextOrJSON = .text

    func run(_ ctx: FolioContext) throws {
        let repository = try global.repository(ctx)
        let diagnostics: [Diagnostic]
        if staged {
            guard paths.isEmpty, !all, at == nil else { throw FolioError.usage("--staged takes no paths, --all or --at") }
            diagnostics = try ClientHooks.preCommit(repository: repository, context: ctx)
        } else {
            let scope: CheckDocuments.Scope = at.map { .commit($0) } ?? .workTree
            let project = try Project(repository: repository, source: try CheckDocuments.source(repository, scope: scope, context: ctx))
            diagnostics =
                paths.isEmpty || all
                ? try CheckDocuments.all(project, complete: complete)
                : try CheckDocuments.paths(project, paths, complete: complete, context: ctx)
        }
        if format == .json {
            try Output.json(ctx, diagnostics)
        } else {
            for d in diagnostics { ctx.print(d.formatted) }
            let errors = diagnostics.filter { $0.severity == .error }.count
            ctx.stderr.write("\(errors) error(s), \(diagnostics.count - errors) warning(s)\n")
        }
        if diagnostics.contains(where: { $0.severity == .error }) { throw ExitCode(1) }
    }
}
