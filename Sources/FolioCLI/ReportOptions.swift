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
    @Option(name: .long, help: "Report at this revision (a branch, tag or commit; default: HEAD).")
    var at: String?
    @Option(name: .long, help: "text, md, csv, json or html (report cost also: ledger).")
    var format: ReportFormat = .text
    @Option(name: [.customShort("o"), .long], help: "Write the report to FILE instead of standard output.")
    var output: String?

    /// The repositories to report on, in the order given.
    func repositories(_ ctx: FolioContext) throws -> [Repository] {
        try (repos.isEmpty ? [ctx.workingDirectory] : repos).map { try openRepository(ctx.absolutePath($0)) }
    }

    /// Each repository at `--at` (or HEAD).
    func sources(_ ctx: FolioContext) throws -> [ReportSource] {
        try repositories(ctx).map { try ReportSource(repository: $0, at: at) }
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
        return try ReportStream(path: ctx.absolutePath(output))
    }

    /// Renders a report and writes it where `stream()` says.
    func write(_ ctx: FolioContext, _ report: Report, section: String? = nil) throws {
        let out = try stream(ctx)
        out.write(try ReportRenderer.render(report, format: format, section: section))
        try out.finish()
    }
}
