import ArgumentParser
import FolioGit
import FolioKit
import FolioModel
import Foundation

/// `folio import …`: raw data collected by the PSO into controlled documents.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import collected data into controlled documents (one commit, all or nothing).",
        subcommands: [ImportTimesheetsCommand.self, ImportActualsCommand.self])
}

extension TimesheetInput.Format: ExpressibleByArgument {}

struct ImportTimesheetsCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "timesheets",
        abstract: "Import hours from a CSV file or a Timewarrior export into the person-week timesheets.",
        discussion: """
            CSV columns (by name, header row): person,date,project,work_package,hours,activity,note. \
            Timewarrior: the JSON of 'timew export', tags mapped by --map. The file is the truth for the dates \
            it holds; importing it again changes nothing. Every bad line is reported as FILE:LINE: error: … \
            and nothing is written. See docs/formats.md.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The file to import (CSV, or Timewarrior JSON).") var file: String
    @Option(name: .long, help: "csv or timew (default: timew for a .json file, else csv).") var format: TimesheetInput.Format?
    @Option(name: .long, help: "Whose hours they are, where the file does not say (default for timew: you).") var person: String?
    @Option(name: .long, help: "A YAML file mapping Timewarrior tags to project, work_package and activity.") var map: String?
    @Option(name: .long, help: "Change locked (issued) weeks too, as new revisions, for this reason.") var correct: String?

    func run(_ ctx: FolioContext) throws {
        let repository = try global.repository(ctx)
        for name in [file] + (map.map { [$0] } ?? []) where name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw FolioError.usage("the file name '\(Diagnostic.escaped(name))' holds control characters: rename the file")
        }
        let kind = format ?? (file.lowercased().hasSuffix(".json") ? .timew : .csv)
        let bytes = try readInput(ctx, file)
        let tagMap = try map.map { try TimesheetInput.TagMap.parse(readInput(ctx, $0), name: $0) }
        if let correct, correct.trimmingCharacters(in: .whitespaces).isEmpty || correct.contains("\n") {
            throw FolioError.usage("--correct needs a one-line reason")
        }
        let project = try Project.atRevision(repository, nil)
        var who = person
        if who == nil, kind == .timew { who = try Actor.current(repository, ctx).email }
        let input = TimesheetInput.parse(
            bytes, name: file, format: kind, person: who, defaultProject: project.config.project.code, map: tagMap)
        let result = try ImportTimesheets.run(repository: repository, input: input, name: file, correction: correct, context: ctx)
        guard let commit = result.commit else {
            ctx.print("nothing to import: \(file) matches the timesheets already recorded (\(result.unchanged) unchanged)")
            return
        }
        func count(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        ctx.print("imported \(file): \(count(result.created.count, "timesheet")) created, \(result.updated.count) updated, \(result.unchanged) unchanged (commit \(commit.short))")
        for id in result.created { ctx.print("  created \(id)") }
        for id in result.updated { ctx.print("  updated \(id)") }
        Output.warn(ctx, result.warnings)
    }

}

struct ImportActualsCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "actuals",
        abstract: "Import invoices and journals from a finance system's CSV export into a cost register's Actuals.",
        discussion: """
            CSV columns (by name, header row): date,line,supplier,invoice,amount and optionally currency,approved_by,paid \
            (also read: posting date, budget line, cost element, vendor, reference, document no, journal). A booking is \
            known by its supplier and reference: importing the file again adds nothing. Every bad line is reported as \
            FILE:LINE: error: … and nothing is written. See docs/formats.md.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The CSV file to import.") var file: String
    @Option(name: .long, help: "The cost register to book into (its ID).") var into: String

    func run(_ ctx: FolioContext) throws {
        let repository = try global.repository(ctx)
        if file.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw FolioError.usage("the file name '\(Diagnostic.escaped(file))' holds control characters: rename the file")
        }
        let bytes = try readInput(ctx, file)
        let result = try ImportActuals.run(repository: repository, bytes: bytes, name: file, into: into, context: ctx)
        guard let commit = result.commit, let first = result.added.first, let last = result.added.last else {
            ctx.print("nothing to import: every booking of \(file) is in \(into) already (\(result.unchanged) unchanged)")
            return
        }
        ctx.print("imported \(file) into \(into): \(result.added.count) added (\(first)..\(last)), \(result.unchanged) already booked (commit \(commit.short))")
        Output.warn(ctx, result.warnings)
    }
}

extension FolioCommand {
    /// The bytes of an input file (at most 64 MiB: an import is not a database dump).
    func readInput(_ ctx: FolioContext, _ path: String) throws -> [UInt8] {
        let full = ctx.absolutePath(path)
        var st = stat()
        guard stat(full, &st) == 0 else { throw FolioError.usage("\(path): no such file") }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw FolioError.usage("\(path): not a regular file") }
        guard st.st_size <= 64 << 20 else { throw FolioError.usage("\(path): \(st.st_size) bytes is more than an import takes (64 MiB)") }
        guard let data = FileManager.default.contents(atPath: full) else { throw FolioError.usage("\(path): cannot be read") }
        return [UInt8](data)
    }
}
