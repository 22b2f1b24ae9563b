import ArgumentParser
import FolioGit
import FolioKit
import FolioModel
import Foundation

struct Folio: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "folio",
        abstract: "Document control in a git repository: templates, numbering, check-in, lifecycle records.",
        discussion: """
            Documents are Markdown with YAML front matter under docs/<type>/; their rules are the \
            templates in templates/; each change is one git commit with Folio trailers.

            Exit status: 0 done, 1 refused by a rule or problems found, 2 bad invocation or unreadable input.
            """,
        version: "0.1.0",
        subcommands: [
            InitCommand.self, TemplatesCommand.self, PeopleCommand.self, NewCommand.self, CheckCommand.self, CheckinCommand.self,
            AttachCommand.self, SubmitCommand.self, ApproveCommand.self, RejectCommand.self, IssueCommand.self,
            SupersedeCommand.self, WithdrawCommand.self, LsCommand.self, StatusCommand.self, ShowCommand.self,
            LogCommand.self, DiffCommand.self, ImportCommand.self, ReportCommand.self, PortfolioCommand.self, VerifyCommand.self, RenumberCommand.self, HooksCommand.self,
            HookCommand.self,
        ])
}

/// The command line tool as a library: `folio ARGS` is `FolioCLI.run(ARGS,
/// context: .process())`, and tests make the same call with a context of
/// their own (folder, identity, captured output) instead of starting a process.
public enum FolioCLI {
    /// Parses `arguments` (without the program name), runs the command and
    /// returns the exit status (SPEC: 0 done, 1 refused or problems found,
    /// 2 bad invocation or unreadable input). Everything printed goes to the
    /// context's sinks.
    public static func run(_ arguments: [String], context ctx: FolioContext) -> Int32 {
        var command: ParsableCommand
        do {
            command = try Folio.parseAsRoot(reordered(arguments))
        } catch {
            // --help and --version exit 0; a bad command line exits 2 with one line, as the SPEC says.
            if Folio.exitCode(for: error) == .success { return help(error, ctx) }
            var message = Folio.message(for: error).split(separator: "\n").first.map(String.init) ?? "bad command line"
            if message.hasPrefix("Error: ") { message.removeFirst(7) }
            ctx.stderr.write("folio: error: \(message) (see 'folio --help')\n")
            return 2
        }
        do {
            if let folio = command as? any FolioCommand {
                try folio.run(ctx)
            } else {
                try command.run()  // a group without a subcommand: ArgumentParser asks for help
            }
            return 0
        } catch let code as ExitCode {
            return code.rawValue
        } catch {
            // Help requested through a subcommand arrives here as the parser's error.
            if !(error is FolioError || error is DiagnosticList || error is InputProblems || error is GitError || error is BlobTooLarge || error is ExternalFilter),
                Folio.exitCode(for: error) == .success
            {
                return help(error, ctx)
            }
            return Failure.report(error, ctx)
        }
    }

    /// The process entry point of the `folio` executable.
    public static func main() -> Never {
        let ctx = FolioContext.process()
        let status = run(Array(CommandLine.arguments.dropFirst()), context: ctx)
        exit(status)
    }

    /// Help or version text on standard output, exit status 0.
    private static func help(_ error: Error, _ ctx: FolioContext) -> Int32 {
        let text = wrappedUsage(Folio.fullMessage(for: error))
        if !text.isEmpty { ctx.stdout.write(text.hasSuffix("\n") ? text : text + "\n") }
        return Folio.exitCode(for: error).rawValue
    }
}

/// Help text with its USAGE line wrapped at `width` columns: ArgumentParser
/// wraps everything else at 80, but prints the usage as one line. Breaks
/// fall between option groups (never inside `[--repo <repo>]`), with the
/// parser's own hanging indent of seven columns.
func wrappedUsage(_ text: String, width: Int = 80) -> String {
    let prefix = "USAGE: "
    return text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
        guard line.count > width, line.hasPrefix(prefix) else { return String(line) }
        var groups: [String] = []
        var group = ""
        var depth = 0
        for c in line.dropFirst(prefix.count) {
            if c == "[" || c == "<" { depth += 1 }
            if c == "]" || c == ">" { depth -= 1 }
            if c == " " && depth == 0 {
                if !group.isEmpty { groups.append(group) }
                group = ""
            } else {
                group.append(c)
            }
        }
        if !group.isEmpty { groups.append(group) }
        var lines: [String] = []
        var current = String(prefix.dropLast())
        var empty = true
        for g in groups {
            if !empty && current.count + 1 + g.count > width {
                lines.append(current)
                current = String(repeating: " ", count: prefix.count - 1)
            }
            current += " " + g
            empty = false
        }
        lines.append(current)
        return lines.joined(separator: "\n")
    }.joined(separator: "\n")
}

/// `folio --repo PATH COMMAND …` (the SPEC's form): the option is moved
/// behind the command, where each command declares it.
func reordered(_ given: [String]) -> [String] {
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
    static func report(_ error: Error, _ ctx: FolioContext) -> Int32 {
        func printError(_ message: String) {
            ctx.stderr.write("folio: error: \(Diagnostic.escaped(message))\n")
        }
        switch error {
        case let e as FolioError:
            printError(e.description)
            return e.exitCode
        case let list as DiagnosticList:
            for d in list.diagnostics { ctx.stderr.write(d.formatted + "\n") }
            return 1
        case let problems as InputProblems:
            for line in problems.lines { ctx.stderr.write(Diagnostic.escaped(line) + "\n") }
            return 1
        case let e as GitError:
            printError(e.description)
            return 2
        case let e as BlobTooLarge:
            printError(e.description)
            return 2
        case let e as ExternalFilter:
            printError(e.description)
            return 1
        case let e as CocoaError:
            printError(e.localizedDescription)
            return 2
        default:
            printError("\(error)")
            return 2
        }
    }
}
