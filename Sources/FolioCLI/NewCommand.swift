import ArgumentParser
import FolioGit
import FolioKit
import FolioModel
import Foundation

struct NewCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "new", abstract: "Create a document from its template, give it the next ID, and commit it.",
        discussion: "Prints the new ID on the first line. Required fields may stay empty in a draft (warnings).")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The document type (see 'folio templates').") var type: String
    @Option(name: .long, help: "The document's title.") var title: String
    @Option(name: .customLong("set"), help: ArgumentHelp("A field value; lists take comma-separated values.", valueName: "FIELD=VALUE"))
    var values: [String] = []
    @Option(name: .customLong("attach"), help: ArgumentHelp("A file to attach.", valueName: "FILE")) var attachments: [String] = []
    @Option(name: .shortAndLong, help: "A comment for the record and the commit message.") var message: String?

    func run(_ ctx: FolioContext) throws {
        let pairs = try values.map { v -> (String, String) in
            guard let eq = v.firstIndex(of: "="), eq != v.startIndex else {
                throw FolioError.usage("--set takes FIELD=VALUE, not '\(v)'")
            }
            return (String(v[..<eq]), String(v[v.index(after: eq)...]))
        }
        let result = try NewDocument.run(
            repository: try global.repository(ctx), type: type, title: title, values: pairs, attachmentFiles: attachments,
            message: message, context: ctx)
        ctx.print(result.id)
        ctx.stderr.write("created \(result.path) (commit \(result.commit.short))\n")
        Output.warn(ctx, result.warnings)
    }
}
