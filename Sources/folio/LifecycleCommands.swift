import ArgumentParser
import FolioKit
import Foundation

/// Prints the outcome of a lifecycle action.
private func report(_ result: Lifecycle.Result) {
    var line = "\(result.id) \(result.event.revision): \(result.event.event.rawValue), now \(result.state.rawValue) (commit \(result.commit.short))"
    if result.event.signature != nil { line += ", signed" }
    print(line)
    if !result.missingRoles.isEmpty { print("still needs approval by: \(result.missingRoles.joined(separator: ", "))") }
    if let tag = result.tag { print("tagged \(tag)") }
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

struct SubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit", abstract: "Submit a complete draft for review and approval.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The document ID.") var id: String
    @Option(name: .long, help: "A note to the reviewers.") var comment: String?
    @OptionGroup var signing: SigningOptions

    func run() throws {
        report(try Lifecycle.run(repository: try global.repository(), action: .submit, document: id, options: signing.options(comment: comment)))
    }
}

struct ApproveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve",
        abstract: "Approve the content of a document in review, in one of your roles.",
        discussion: "The approval is bound to the exact content (fingerprint) and becomes stale if it changes.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The document ID.") var id: String
    @Option(name: .long, help: "The role you approve in (default: the first required role you hold).") var role: String?
    @Option(name: .long, help: "A comment for the record.") var comment: String?
    @OptionGroup var signing: SigningOptions

    func run() throws {
        report(try Lifecycle.run(repository: try global.repository(), action: .approve, document: id, options: signing.options(comment: comment, role: role)))
    }
}

struct RejectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reject", abstract: "Reject a document in review; it returns to draft.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The document ID.") var id: String
    @Option(name: .long, help: "What must change (required).") var comment: String
    @Option(name: .long, help: "The role you review in.") var role: String?
    @OptionGroup var signing: SigningOptions

    func run() throws {
        report(try Lifecycle.run(repository: try global.repository(), action: .reject, document: id, options: signing.options(comment: comment, role: role)))
    }
}

struct IssueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "issue", abstract: "Issue an approved document as its next revision, and tag it folio/ID/REV.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The document ID.") var id: String
    @Option(name: .long, help: "A note for the record.") var comment: String?
    @OptionGroup var signing: SigningOptions

    func run() throws {
        report(try Lifecycle.run(repository: try global.repository(), action: .issue, document: id, options: signing.options(comment: comment)))
    }
}

struct SupersedeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "supersede", abstract: "Mark an issued document as superseded by another issued document.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The document that is replaced.") var id: String
    @Option(name: .long, help: "The document that replaces it.") var by: String
    @Option(name: .long, help: "A note for the record.") var comment: String?

    func run() throws {
        var o = Lifecycle.Options()
        o.supersededBy = by
        o.comment = comment
        report(try Lifecycle.run(repository: try global.repository(), action: .supersede, document: id, options: o))
    }
}

struct WithdrawCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "withdraw", abstract: "Withdraw a document from use (it stays in the history).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The document ID.") var id: String
    @Option(name: .long, help: "Why (required).") var reason: String

    func run() throws {
        var o = Lifecycle.Options()
        o.comment = reason
        report(try Lifecycle.run(repository: try global.repository(), action: .withdraw, document: id, options: o))
    }
}
