import ArgumentParser
import FolioGit
import FolioKit
import FolioModel
import Foundation

/// `folio report pack`: the Monday pack for one project or a portfolio.
struct ReportPackCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "pack",
        abstract: "The Monday pack: each project's health stated and computed, milestones, cost, resources, risks, actions.",
        discussion: """
            A portfolio page (one row per --repo), then a page per project: health by dimension as stated in the \
            latest status report and as computed against the tolerances in folio.yml, this period and next, \
            milestones and slip, cost and earned value, over-allocations, the risk matrix and its change since the \
            last pack, decisions and change requests waiting, reviews overdue, one action log across all minutes, \
            and the support office's measures. The HTML is laid out for A4 portrait. See docs/reports.md.
            """)

    @OptionGroup var options: ReportOptions
    @Option(name: .long, help: "First day of the period (YYYY-MM-DD, UTC; default: Monday of last week).")
    var since: String?
    @Option(name: .long, help: "Last day of the period (YYYY-MM-DD, UTC; default: the Sunday after --since).")
    var until: String?
    @Option(name: .customLong("as-of"), help: "The day the pack judges by: what is overdue, late, due (YYYY-MM-DD; default: today, or the day of the --at commit; never before --until).")
    var asOf: String?
    @Option(name: .long, help: ArgumentHelp(
        "Only this section; for csv, the table to write (default: portfolio).",
        discussion: "portfolio, health, narrative, milestones, cost, resources, risk_matrix, risks, waiting, reviews, actions, pso"))
    var section: String?
    @Flag(name: .customLong("no-cache"), help: "Do not read or write the pack cache (build it from the repositories).")
    var noCache = false

    func run(_ ctx: FolioContext) throws {
        let sinceDay = try since.map { try ReportDate.parseDay($0, option: "--since") }
        let untilDay = try until.map { try ReportDate.parseDay($0, option: "--until") }
        let judged = try asOf.map { try ReportDate.parseDay($0, option: "--as-of") }
        let sources = try options.sources(ctx)
        let today = judged ?? options.today(ctx, sources)
        let lastWeek = today.advanced(by: -7).isoWeek
        let start = sinceDay ?? untilDay.map { $0.advanced(by: -6) } ?? lastWeek.monday
        let end = untilDay ?? (sinceDay.map { $0.isoWeek.sunday } ?? lastWeek.sunday)
        guard start <= end else { throw FolioError.usage("--since \(start) is after --until \(end)") }
        // The period and its look-ahead (four weeks) stay within the years 1 to 9999.
        guard start.description.count == 10, !start.description.hasPrefix("0000"), end.advanced(by: 28).description.count == 10 else {
            throw FolioError.usage("the period \(start) to \(end) (with the four weeks after it) must fall in the years 0001 to 9999")
        }
        guard end.number - start.number < 366 else { throw FolioError.usage("--since to --until spans more than a year: a pack covers a period, not a history") }
        let tolerances = try options.loadPortfolio(ctx)?.tolerances.map { t in Dictionary(uniqueKeysWithValues: sources.map { ($0.info.code, t) }) } ?? [:]
        let (judging, now) = (max(today, end), ctx.now())
        let report = try noCache
            ? PackReport.build(sources, since: start, until: end, today: judging, tolerances: tolerances, generated: now)
            : PackReport.cached(sources, since: start, until: end, today: judging, tolerances: tolerances, generated: now)
        try options.write(ctx, report, section: section)
    }
}
