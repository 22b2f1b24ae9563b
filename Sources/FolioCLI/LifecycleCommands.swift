import ArgumentParser
import FolioGit
import FolioKit
import FolioModel
import Foundation

/// Prints the outcome of a lifecycle action.
private func report(_ result: Lifecycle.Result, _ ctx: FolioContext) {
    // "approved, now in-review" says something; "issued, now issued" would not.
    let state = result.state.rawValue == result.event.event.rawValue ? "" : ", now \(result.state.rawValue)"
    var line = "\(result.id) \(result.event.revision): \(result.event.event.rawValue)\(state) (commit \(result.commit.short))"
    if result.event.signature != nil { line += ", signed" }
    ctx.print(line)
    if !result.missingRoles.isEmpty { ctx.print("still needs approval by: \(result.missingRoles.joined(separator: ", "))") }
    if let tag = result.tag { ctx.print("tagged \(tag)") }
}

/// Options of the actions that can carry an SSH signature.
struct SigningOptions: ParsableArguments {
    @Flag(name: .long, help: "Sign the event with your SSH key (ssh-keygen -Y sign, namespace folio).") var sign = false
    @Option(name: .long, help: "SSH key to sign with (default: git config user.signingKey).") var key: String?

    /// Lifecycle options with these and a comment filled in.
    func options(comment: String?, role: String? = nil) -> Lifecycle.Options {
        var o = Lifecycle.Options()
        o.comment = comment
        o.role = role
        o.sign = sign
        o.keyPath = key
        return o
    }
}

struct SubmitCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit", abstract: "Submit a complete draft for review and approval.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The document ID.") var id: String
    @Option(name: .long, help: "A note to the reviewers.") var comment: String?
    @OptionGroup var signing: SigningOptions

    func run(_ ctx: FolioContext) throws {
        report(try Lifecycle.run(repository: try global.repository(ctx), action: .submit, document: id, options: signing.options(comment: comment), context: ctx), ctx)
    }
}

struct ApproveCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve",
        abstract: "Approve the content of a document in review, in one of your roles.",
        discussion: "The approval is bound to the exact content (fingerprint) and becomes stale if it changes.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The document ID.") var id: String
    @Option(name: .long, help: "The role you approve in (default: the first required role you hold).") var role: String?
    @Option(name: .long, help: "A comment for the record.") var comment: String?
    @OptionGroup var signing: SigningOptions

    func run(_ ctx: FolioContext) throws {
        report(try Lifecycle.run(repository: try global.repository(ctx), action: .approve, document: id, options: signing.options(comment: comment, role: role), context: ctx), ctx)
    }
}

struct RejectCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "reject", abstract: "Reject a document in review; it returns to draft.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The document ID.") var id: String
    @Option(name: .long, help: "What must change (required).") var comment: String
    @Option(name: .long, help: "The role you review in.") var role: String?
    @OptionGroup var signing: SigningOptions

    func run(_ ctx: FolioContext) throws {
        report(try Lifecycle.run(repository: try global.repository(ctx), action: .reject, document: id, options: signing.options(comment: comment, role: role), context: ctx), ctx)
    }
}

struct IssueCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "issue", abstract: "Issue an approved document as its next revision, and tag it folio/ID/REV.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The document ID.") var id: String
    @Option(name: .long, help: "A note for the record.") var comment: String?
    @OptionGroup var signing: SigningOptions

    func run(_ ctx: FolioContext) throws {
        report(try Lifecycle.run(repository: try global.repository(ctx), action: .issue, document: id, options: signing.options(comment: comment), context: ctx), ctx)
    }
}

struct SupersedeCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "supersede", abstract: "Mark an issued document as superseded by another issued document.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The document that is replaced.") var id: String
    @Option(name: .long, help: "The document that replaces it.") var by: String
    @Option(name: .long, help: "A note for the record.") var comment: String?

    func run(_ ctx: FolioContext) throws {
        var o = Lifecycle.Options()
        o.supersededBy = by
        o.comment = comment
        report(try Lifecycle.run(repository: try global.repository(ctx), action: .supersede, document: id, options: o, context: ctx), ctx)
    }
}

struct WithdrawCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "withdraw", abstract: "Withdraw a document from use (it stays in the history).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The document ID.") var id: String
    @Option(name: .long, help: "Why (required).") var reason: String

    func run(_ ctx: FolioContext) throws {
        var o = Lifecycle.Options()
        o.comment = reason
        report(try Lifecycle.run(repository: try global.repository(ctx), action: .withdraw, document: id, options: o, context: ctx), ctx)
    }
}
