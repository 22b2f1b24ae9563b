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
            LogCommand.self, DiffCommand.self, ReportCommand.self, VerifyCommand.self, RenumberCommand.self, HooksCommand.self,
            HookCommand.self,
        ])
}

@main
enum Main {
    static func main() {
        var command: ParsableCommand
        do {
            command = try Folio.parseAsRoot(arguments(Array(CommandLine.arguments.dropFirst())))
        } catch {
            // --help and --version exit 0; a bad command line exits 2 with one line, as the SPEC says.
            if Folio.exitCode(for: error) == .success { Folio.exit(withError: error) }
            var message = Folio.message(for: error).split(separator: "\n").first.map(String.init) ?? "bad command line"
            if message.hasPrefix("Error: ") { message.removeFirst(7) }
            FileHandle.standardError.write(Data("folio: error: \(message) (see 'folio --help')\n".utf8))
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

/// `folio --repo PATH COMMAND …` (the SPEC's form): the option is moved
/// behind the command, where each command declares it.
func arguments(_ given: [String]) -> [String] {
    var args = given
    var moved: [String] = []
    while let first = args.first, first == "--repo" || first.hasPrefix("--repo=") {
        if first == "--repo" {
            guard args.count >= 2 else { break }
            moved += Array(args[0...1])
            args.removeFirst(2)
        } else {
            moved.append(first)
            args.removeFirst()
        }
    }
    guard !moved.isEmpty else { return given }
    if let dashes = args.firstIndex(of: "--") {
        args.insert(contentsOf: moved, at: dashes)
    } else {
        args += moved
    }
    return args
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
        FileHandle.standardError.write(Data("folio: error: \(Diagnostic.escaped(message))\n".utf8))
    }
}
