import ArgumentParser
import FolioKit
import Foundation

struct Folio: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "folio",
        abstract: "Document control in a git repository: templates, numbering, check-in, lifecycle records.",
        discussion: """
            Documents are Markdown with YAML front matter under docs/<type>/; their rules are the
            templates in templates/; each change is one git commit with Folio trailers.
            Exit status: 0 done, 1 refused by a rule or problems found, 2 bad invocation or unreadable input.
            """,
        version: "0.1.0",
        subcommands: [
            InitCommand.self, TemplatesCommand.self, NewCommand.self, CheckCommand.self, CheckinCommand.self,
            AttachCommand.self, SubmitCommand.self, ApproveCommand.self, RejectCommand.self, IssueCommand.self,
            SupersedeCommand.self, WithdrawCommand.self, LsCommand.self, StatusCommand.self, ShowCommand.self,
            LogCommand.self, DiffCommand.self, VerifyCommand.self, HooksCommand.self, HookCommand.self,
        ])
}

@main
enum Main {
    static func main() {
        var command: ParsableCommand
        do {
            command = try Folio.parseAsRoot()
        } catch {
            // --help and --version exit 0; a bad command line exits 2, as the SPEC says.
            if Folio.exitCode(for: error) == .success { Folio.exit(withError: error) }
            FileHandle.standardError.write(Data((Folio.fullMessage(for: error) + "\n").utf8))
            exit(2)
        }
        do {
            try command.run()
        } catch let code as ExitCode {
            exit(code.rawValue)
        } catch {
            // Help requested through a subcommand arrives here as the parser's error.
            if !(error is FolioError || error is DiagnosticList || error is GitError),
                Folio.exitCode(for: error) == .success
            {
                Folio.exit(withError: error)
            }
            exit(Failure.report(error))
        }
    }
}

/// Prints an error the way Folio reports it and gives the exit status.
enum Failure {
    static func report(_ error: Error) -> Int32 {
        switch error {
        case let e as FolioError:
            printError(e.description)
            return e.exitCode
        case let list as DiagnosticList:
            for d in list.diagnostics { FileHandle.standardError.write(Data((d.formatted + "\n").utf8)) }
            return 1
        case let e as GitError:
            printError(e.description)
            return 2
        case let e as CocoaError:
            printError(e.localizedDescription)
            return 2
        default:
            printError("\(error)")
            return 2
        }
    }

    static func printError(_ message: String) {
        FileHandle.standardError.write(Data("folio: error: \(message)\n".utf8))
    }
}
