import ArgumentParser
import FolioGit
import FolioKit
import FolioModel
import Foundation

struct InitCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the Folio layout (folio.yml, templates, records, hooks) with a first commit.",
        discussion: "Works in a new or an existing git repository; the acting person becomes its first pm and admin.")

    @Option(name: .long, help: "The repository folder (default: the current folder).") var repo: String?
    @Option(name: .long, help: "Project code used in document IDs (default: from the folder name).") var project: String?
    @Option(name: .long, help: "Project name (default: the folder name).") var name: String?

    func run(_ ctx: FolioContext) throws {
        let result = try InitProject.run(
            at: repo.map(ctx.absolutePath) ?? ctx.workingDirectory, code: project, name: name, hookCommand: ctx.executablePath, context: ctx)
        ctx.print("Initialised Folio project \(result.code) in \(result.root) (commit \(result.commit.short))")
        for hook in result.hooks { ctx.print("installed hook \(hook)") }
    }
}
