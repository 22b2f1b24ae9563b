import ArgumentParser
import FolioGit
import FolioKit
import FolioModel
import Foundation

extension ReportFormat: ExpressibleByArgument {}

/// Options every `folio report …` takes: one or more repositories (a
/// portfolio), the revision to report at, the format and the output file.
struct ReportOptions: ParsableArguments {
    @Option(name: .customLong("repo"), help: "A project repository; repeat for a portfolio view (default: the current one).")
    var repos: [String] = []
    @Option(name: .long, help: "A portfolio file: its projects, local or mirrored by 'folio portfolio sync' (instead of --repo).")
    var portfolio: String?
    @Option(name: .long, help: "Report at this revision (a branch, tag or commit; default: HEAD).")
    var at: String?
    @Option(name: .long, help: "text, md, csv, json or html (report cost also: ledger).")
    var format: ReportFormat = .text
    @Option(name: [.customShort("o"), .long], help: "Write the report to FILE instead of standard output.")
    var output: String?
    @Flag(name: .long, help: "With csv: cells as they are. By default a cell starting with =, +, -, @, a tab or CR gets a leading ' so a spreadsheet shows it rather than running it as a formula.")
    var rawCsv = false

    func validate() throws {
        if rawCsv && format != .csv { throw ValidationError("--raw-csv is for --format csv") }
    }

    /// The repositories to report on, in the order given.
    func repositories(_ ctx: FolioContext) throws -> [Repository] {
        try (repos.isEmpty ? [ctx.workingDirectory] : repos).map { try openRepository(ctx.absolutePath($0)) }
    }

    /// Each repository at `--at` (or HEAD): the `--repo`s, or the portfolio's projects.
    func sources(_ ctx: FolioContext) throws -> [ReportSource] {
        if let file = try loadPortfolio(ctx) { return try file.sources(at: at, context: ctx) }
        return try repositories(ctx).map { try ReportSource(repository: $0, at: at) }
    }

    /// The `--portfolio` file, if given. - Throws: `FolioError.usage` with `--repo` too, or for a bad file.
    func loadPortfolio(_ ctx: FolioContext) throws -> Portfolio? {
        guard let portfolio else { return nil }
        guard repos.isEmpty else { throw FolioError.usage("give --portfolio or --repo, not both") }
        return try Portfolio.load(ctx.absolutePath(portfolio))
    }

    /// "Today" for reports that judge dates: the clock's UTC day, or the day
    /// of the commit reported at (`--at`), so a report of the past reads as it would have then.
    func today(_ ctx: FolioContext, _ sources: [ReportSource]) -> Day {
        at != nil ? Day(sources[0].commitDate) : Day(ctx.now())
    }

    /// Standard output, or the `-o` file, which appears whole when the
    /// report is done (never half-written).
    func stream(_ ctx: FolioContext) throws -> ReportStream {
        guard let output else { return ReportStream(sink: ctx.stdout) }
        let path = ctx.absolutePath(output)
        try Self.refuseRecordOutput(path)
        return try ReportStream(path: path)
    }

    /// A report never replaces git's own files or a file git tracks (a
    /// controlled document, folio.yml): `-o .git/HEAD` would break the
    /// repository, `-o docs/…md` bypass the record. - Throws: `FolioError.usage`.
    static func refuseRecordOutput(_ path: String) throws {
        let parts = path.split(separator: "/")
        if parts.contains(".git") { throw FolioError.usage("-o \(path): reports are not written into a .git folder") }
        let folder = (path as NSString).deletingLastPathComponent
        guard let repository = try? Repository.discover(from: folder), let root = repository.workdir, path.hasPrefix(root) else { return }
        if repository.gitDir.count > 1, path.hasPrefix(repository.gitDir) { throw FolioError.usage("-o \(path): reports are not written into the git directory") }
        let relative = String(path.dropFirst(root.count))
        if let index = try? repository.index(), index.entry(at: relative) != nil {
            throw FolioError.usage("-o \(output(relative)): git tracks this file; write the report somewhere else")
        }
    }

    private static func output(_ s: String) -> String { Diagnostic.escaped(s) }

    /// Renders a report and writes it where `stream()` says.
    func write(_ ctx: FolioContext, _ report: Report, section: String? = nil) throws {
        let out = try stream(ctx)
        try CSVFormat.$keepsFormulas.withValue(rawCsv) { try ReportRenderer.render(report, format: format, section: section, write: out.write) }
        try out.finish()
    }
}
