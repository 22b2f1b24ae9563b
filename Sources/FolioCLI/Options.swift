import ArgumentParser
import FolioGit
import FolioKit
import FolioModel
import Foundation

/// A folio subcommand: parsed by ArgumentParser, run with a context (the
/// process's, or a test's), so the same code runs in both.
protocol FolioCommand: ParsableCommand {
    func run(_ ctx: FolioContext) throws
}

extension FolioCommand {
    /// ArgumentParser's entry point, for a command run outside `FolioCLI.run`.
    func run() throws { try run(FolioContext.process()) }
}

extension FolioContext {
    /// One line (or `terminator`-ended text) on standard output.
    func print(_ text: String = "", terminator: String = "\n") {
        stdout.write(text + terminator)
    }
}

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "The repository (default: the one containing the current folder).")
    var repo: String?

    func repository(_ ctx: FolioContext) throws -> Repository {
        try openRepository(ctx.absolutePath(repo ?? ctx.workingDirectory))
    }

    /// The repository of a running hook: the one git names in the
    /// environment (`GIT_DIR`, quarantined objects), else `--repo` or the
    /// current folder's.
    func hookRepository(_ ctx: FolioContext) throws -> Repository {
        try Repository.fromEnvironment(ctx.environment, workingDirectory: repo.map(ctx.absolutePath) ?? ctx.workingDirectory)
    }
}

/// The repository containing `path`; a clear usage error when there is none.
func openRepository(_ path: String) throws -> Repository {
    do {
        return try Repository.discover(from: path)
    } catch let e as GitError where e.isNotFound {
        throw FolioError.usage("not a git repository: \(path)")
    } catch let e as GitError where e.isNotOwned {
        throw FolioError.usage(e.message)
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, csv, md
}

/// `--format` and `--raw-csv` of the commands that list rows (`ls`, `log`).
struct ListingFormat: ParsableArguments {
    @Option(name: .long, help: "text, json, csv or md.") var format: OutputFormat = .text
    @Flag(name: .long, help: "With csv: cells as they are (by default a leading ' stops a spreadsheet running =, +, -, @ as a formula).") var rawCsv = false

    func validate() throws {
        if rawCsv && format != .csv { throw ValidationError("--raw-csv is for --format csv") }
    }
}

/// For commands that write only text or JSON: any other `--format` is
/// refused by the parser, never silently printed as text.
enum TextOrJSON: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// Printing helpers shared by the commands: every listing is written by the
/// reports' own writers (`TextTable`, `CSVFormat`, `MarkdownFormat`, `JSONFormat`).
enum Output {
    static func warn(_ ctx: FolioContext, _ diagnostics: [Diagnostic]) {
        for d in diagnostics { ctx.stderr.write(d.formatted + "\n") }
    }

    static func json<T: Encodable>(_ ctx: FolioContext, _ value: T) throws {
        ctx.print(try JSONFormat.pretty(value))
    }

    /// A listing of rows, written as it is encoded (the same text).
    static func json<T: Encodable>(_ ctx: FolioContext, _ rows: [T]) throws {
        try JSONFormat.pretty(streaming: rows) { ctx.stdout.write($0) }
        ctx.print()
    }

    /// Columns aligned for a terminal, control characters escaped.
    static func table(_ ctx: FolioContext, _ header: [String], _ rows: [[String]]) {
        ctx.print(TextTable.render(header, rows), terminator: "")
    }

    /// Rows as a table, CSV (`--raw-csv`: formulas kept) or Markdown.
    static func rows(_ ctx: FolioContext, _ listing: ListingFormat, _ header: [String], _ rows: [[String]]) {
        switch listing.format {
        case .csv: ctx.print(CSVFormat.$keepsFormulas.withValue(listing.rawCsv) { CSVFormat.table(header, rows) }, terminator: "")
        case .md: ctx.print(MarkdownFormat.table(header, rows), terminator: "")
        default: table(ctx, header, rows)
        }
    }
}
