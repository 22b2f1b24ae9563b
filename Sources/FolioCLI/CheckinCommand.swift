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
            (found by its ID or its unchanged content); one renamed and edited takes --as ID. \
            During a git merge, the documents changed on both sides are checked in together as the merge commit: \
            resolve their content, then 'folio checkin ID...' (see 'folio status').
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The documents' paths or IDs (one commit each; during a merge, one merge commit for all).") var documents: [String]
    @Option(name: .shortAndLong, help: "What changed (recorded with the version).") var message: String?
    @Option(name: .customLong("as"), help: "For an adopted file renamed and edited: the ID it had (its record binds the old path).")
    var recordAs: String?

    func validate() throws {
        if documents.isEmpty { throw ValidationError("name the document to check in") }
        if recordAs != nil && documents.count > 1 { throw ValidationError("--as names the ID of one renamed file: check in one document") }
    }

    func run(_ ctx: FolioContext) throws {
        let repository = try global.repository(ctx)
        // In a merge, the merged content of documents changed on both sides
        // is recorded in the merge commit itself.
        if repository.operationInProgress == .merge && recordAs == nil {
            for result in try CheckIn.finishMerge(repository: repository, documents: documents, message: message, context: ctx) {
                ctx.print("\(result.id) \(result.revision)\(result.newVersion ? "" : ", already recorded") (merge commit \(result.commit.short))")
                Output.warn(ctx, result.warnings)
            }
            return
        }
        for document in documents {
            let result = try CheckIn.run(repository: repository, document: document, message: message, recordAs: recordAs, context: ctx)
            ctx.print("\(result.id) \(result.revision) (commit \(result.commit.short))")
            Output.warn(ctx, result.warnings)
        }
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
