import ArgumentParser
import FolioGit
import FolioKit
import FolioModel
import Foundation

struct CheckinCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkin", abstract: "Validate and commit the work tree's version of a document and its attachments.",
        discussion: "A document file created by hand in a type's folder is registered by its first check-in.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The document's path or ID.") var document: String
    @Option(name: .shortAndLong, help: "What changed (recorded with the version).") var message: String?

    func run(_ ctx: FolioContext) throws {
        let result = try CheckIn.run(repository: try global.repository(ctx), document: document, message: message, context: ctx)
        ctx.print("\(result.id) \(result.revision) (commit \(result.commit.short))")
        Output.warn(ctx, result.warnings)
    }
}

struct AttachCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach", abstract: "Add or replace attachments of a document, as a new version.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The document's ID or path.") var document: String
    @Argument(help: "Files to attach (a file of the same name is replaced).") var files: [String]
    @Option(name: .shortAndLong, help: "What changed.") var message: String?

    func run(_ ctx: FolioContext) throws {
        let result = try CheckIn.attach(repository: try global.repository(ctx), document: document, files: files, message: message, context: ctx)
        ctx.print("\(result.id) \(result.revision) (commit \(result.commit.short))")
        Output.warn(ctx, result.warnings)
    }
}
