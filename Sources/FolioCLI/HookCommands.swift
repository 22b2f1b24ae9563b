import ArgumentParser
import FolioGit
import FolioKit
import FolioModel
import Foundation

struct HooksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hooks", abstract: "Install Folio's git hooks.", subcommands: [Install.self])

    struct Install: FolioCommand {
        static let configuration = CommandConfiguration(
            commandName: "install",
            abstract: "Write the pre-commit, pre-merge-commit and commit-msg hooks, or with --server the pre-receive hook of a central repository.")
        @OptionGroup var global: GlobalOptions
        @Flag(name: .long, help: "Install the server's pre-receive hook (in a bare repository).") var server = false
        @Flag(name: .long, help: "Replace hooks that Folio did not write.") var force = false

        func run(_ ctx: FolioContext) throws {
            let written = try HookInstaller.install(
                repository: try global.repository(ctx), server: server, command: ctx.executablePath, force: force)
            for path in written { ctx.print("installed \(path)") }
        }
    }
}

struct HookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hook", abstract: "Entry points the git hooks call.",
        subcommands: [PreCommit.self, PreMergeCommit.self, CommitMsg.self, PreReceive.self])

    struct PreReceive: FolioCommand {
        static let configuration = CommandConfiguration(
            commandName: "pre-receive",
            abstract: "Check a push (ref updates on standard input) on the server; refuse it on any problem.")
        @OptionGroup var global: GlobalOptions

        func run(_ ctx: FolioContext) throws {
            let input = String(decoding: ctx.readStandardInput(), as: UTF8.self)
            let repository = try global.hookRepository(ctx)
            let refusals = try ServerHook.check(
                repository: repository, updates: try ServerHook.parse(input), environment: ctx.environment)
            guard !refusals.isEmpty else { return }
            for r in refusals { ctx.stderr.write((r.line + "\n")) }
            ctx.stderr.write("folio: push refused: \(refusals.count) problem(s); nothing was changed on the server\n")
            throw ExitCode(1)
        }
    }

    struct PreCommit: FolioCommand {
        static let configuration = CommandConfiguration(
            commandName: "pre-commit", abstract: "Validate what is staged; refuse the commit on any error.")
        @OptionGroup var global: GlobalOptions

        func run(_ ctx: FolioContext) throws {
            try HookCommand.refuseOnErrors(ctx, try ClientHooks.preCommit(repository: try global.hookRepository(ctx), context: ctx))
        }
    }

    struct PreMergeCommit: FolioCommand {
        static let configuration = CommandConfiguration(
            commandName: "pre-merge-commit",
            abstract: "Validate the result of a merge git is about to commit; refuse it on any error.")
        @OptionGroup var global: GlobalOptions

        func run(_ ctx: FolioContext) throws {
            try HookCommand.refuseOnErrors(
                ctx, try ClientHooks.preCommit(repository: try global.hookRepository(ctx), merging: true, context: ctx))
        }
    }

    /// Prints the diagnostics; exits 1 (git then refuses the commit) on any error.
    static func refuseOnErrors(_ ctx: FolioContext, _ diagnostics: [Diagnostic]) throws {
        Output.warn(ctx, diagnostics)
        if diagnostics.contains(where: { $0.severity == .error }) {
            ctx.stderr.write("folio: commit refused: fix the errors above (or run 'folio check --staged')\n")
            throw ExitCode(1)
        }
    }

    struct CommitMsg: FolioCommand {
        static let configuration = CommandConfiguration(
            commandName: "commit-msg", abstract: "Add Folio-Document and Folio-Action trailers to a commit of documents.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The file holding the commit message (git passes it).") var file: String

        func run(_ ctx: FolioContext) throws {
            guard let data = FileManager.default.contents(atPath: ctx.absolutePath(file)) else {
                throw FolioError.unreadable("\(file): cannot read the commit message")
            }
            let message = String(decoding: data, as: UTF8.self)
            if let updated = try ClientHooks.commitMessage(repository: try global.repository(ctx), message: message, context: ctx) {
                guard FileManager.default.createFile(atPath: ctx.absolutePath(file), contents: Data(updated.utf8)) else {
                    throw FolioError.unreadable("\(file): cannot write the commit message")
                }
            }
        }
    }
}
