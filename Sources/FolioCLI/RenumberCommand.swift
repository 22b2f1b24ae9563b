import ArgumentParser
import FolioGit
import FolioKit
import FolioModel
import Foundation

struct RenumberCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "renumber",
        abstract: "Give a document created on this clone a fresh ID on top of the upstream branch.",
        discussion: """
            For when a push is refused because someone else took the same ID first: run 'git fetch', \
            then 'folio renumber ID'. The unpublished commits that created the document are replaced by \
            one commit on the upstream branch with the document under a new ID; then push again. \
            Only for documents never issued, and only when the unpublished commits change nothing else.

            After a 'git pull' that stopped on the add/add conflict (a merge or a rebase), run it as \
            it is: the stopped merge or rebase is ended and the branch moved to the renumbered commit, \
            unless it holds changes of your own to other files.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The document ID.") var id: String
    @Option(name: .long, help: "The upstream to build on (default: the branch's upstream, else origin/<branch>).") var onto: String?

    func run(_ ctx: FolioContext) throws {
        let result = try Renumber.run(repository: try global.repository(ctx), document: id, onto: onto, context: ctx)
        ctx.print(result.newID)
        ctx.stderr.write("renumbered \(result.oldID) to \(result.newID) on top of \(result.onto) (commit \(result.commit.short)); push again\n")
    }
}
