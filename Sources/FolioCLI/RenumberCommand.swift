import ArgumentParser
import FolioGit
import FolioKit
import FolioModel
import Foundation

struct RenumberCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "renumber",
        abstract: "Give documents created on this clone fresh IDs on top of the upstream branch.",
        discussion: """
            For when a push is refused because someone else took the same ID first: run 'git fetch', \
            then 'folio renumber ID' (several IDs at once if several were taken). The unpublished \
            commits are rebuilt on the upstream branch, one commit per document: those named under new \
            IDs, other documents created on this clone under their own; then push again. Only for \
            documents never issued, and only when the unpublished commits create documents and change \
            nothing else.

            After a 'git pull' that stopped on the add/add conflict (a merge or a rebase), or a merge \
            committed without the hooks, run it as it is: the stopped merge or rebase is ended and the \
            branch moved to the rebuilt commits. It refuses, changing nothing, when something of your \
            own would be lost (edits to other files, an autostash, an untracked file in the way).
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The document IDs taken upstream (folio status lists them after a git pull).") var ids: [String]
    @Option(name: .long, help: "The upstream to build on (default: the branch's upstream, else origin/<branch>).") var onto: String?

    func run(_ ctx: FolioContext) throws {
        let result = try Renumber.run(repository: try global.repository(ctx), documents: ids, onto: onto, context: ctx)
        for (_, new) in result.renumbered { ctx.print(new) }
        let renamed = result.renumbered.map { "\($0.old) to \($0.new)" }.joined(separator: ", ")
        let kept = result.kept.isEmpty ? "" : "; rebuilt under their own IDs: " + result.kept.joined(separator: ", ")
        ctx.stderr.write("renumbered \(renamed) on top of \(result.onto)\(kept) (commit \(result.commit.short)); push again\n")
    }
}
