import ArgumentParser
import FolioGit
import FolioKit
import FolioModel
import Foundation

struct CheckinCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkin", abstract: "Validate and commit the work tree's version of a document and its attachments.",
        discussion: """
            A document file created by hand in a type's folder, or an existing file an adopt rule matches, is registered \
            by its first check-in. An adopted file moved with 'git mv' is recorded at its new path under the ID it had \
            (found by its ID or its unchanged content); one renamed and edited takes --as ID.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The document's path or ID.") var document: String
    @Option(name: .shortAndLong, help: "What changed (recorded with the version).") var message: String?
    @Option(name: .customLong("as"), help: "For an adopted file renamed and edited: the ID it had (its record binds the old path).")
    var recordAs: String?

    func run(_ ctx: FolioContext) throws {
        let result = try CheckIn.run(repository: try global.repository(ctx), document: document, message: message, recordAs: recordAs, context: ctx)
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
