import ArgumentParser
import FolioGit
import FolioKit
import FolioModel
import Foundation

/// `folio report …`: reports built from the commit history and the records.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Reports for project managers, the PMO and auditors (text, md, csv, json, html).",
        discussion: """
            Each report reads one or more repositories (--repo A --repo B: a portfolio, every row naming its \
            project) at HEAD or --at REV, also bare ones, and writes text, md, csv, json or html (one \
            self-contained page) to standard output or -o FILE. See docs/reports.md.
            """,
        subcommands: [
            ReportRegisterCommand.self, ReportStatusCommand.self, ReportHistoryCommand.self, ReportApprovalsCommand.self, ReportResourcesCommand.self,
            ReportScheduleCommand.self, ReportCostCommand.self, ReportPackCommand.self,
        ])
}

struct ReportRegisterCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "register",
        abstract: "The master document register: ID, title, type, owner, revision, state, last change, approvals pending.")

    @OptionGroup var options: ReportOptions

    func run(_ ctx: FolioContext) throws {
        try options.write(ctx, RegisterReport.build(options.sources(ctx), generated: ctx.now()))
    }
}

struct ReportStatusCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "A period's events, overdue reviews, approval turnaround, activity by person, open risks and overdue actions.")

    @OptionGroup var options: ReportOptions
    @Option(name: .long, help: "First day of the period (YYYY-MM-DD, UTC, included; default: six days before --until, a week).")
    var since: String?
    @Option(name: .long, help: "Last day of the period (YYYY-MM-DD, UTC, included; default: today, or the day of the --at commit).")
    var until: String?
    @Option(name: .long, help: ArgumentHelp(
        "Only this section; for csv, the table to write (default: events).",
        discussion: "by_kind, documents_by_state, overdue_reviews, turnaround, by_person, open_risks, overdue_actions, activity_by_week, events"))
    var section: String?

    func run(_ ctx: FolioContext) throws {
        // Dates first: a bad date is a bad invocation, whatever the repositories.
        if let since { _ = try ReportDate.parse(since, option: "--since") }
        if let until { _ = try ReportDate.parse(until, option: "--until") }
        try options.write(ctx, StatusReport.build(options.sources(ctx), since: since, until: until, generated: ctx.now()), section: section)
    }
}

struct ReportApprovalsCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "approvals",
        abstract: "Every approval, rejection and signed event by document and revision, with signature verification.")

    @OptionGroup var options: ReportOptions

    func run(_ ctx: FolioContext) throws {
        try options.write(ctx, ApprovalsReport.build(options.sources(ctx), generated: ctx.now()))
    }
}

extension ResourcesReport.Grouping: ExpressibleByArgument {}

struct ReportResourcesCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "resources",
        abstract: "Capacity, planned load and actual hours per person and period; over-allocations; open requests; missing timesheets.",
        discussion: """
            Across every --repo given (project repositories, and a hub of people and timesheets). Default \
            period: the Monday four weeks ago to the Sunday eight weeks ahead; with only --from or --to, the \
            thirteen weeks from or up to that day; at most 20 years. See docs/reports.md.
            """)

    @OptionGroup var options: ReportOptions
    @Option(name: .long, help: "First day (YYYY-MM-DD, included; default: the Monday four weeks before today).")
    var from: String?
    @Option(name: .long, help: "Last day (YYYY-MM-DD, included; default: the Sunday eight weeks after this week).")
    var to: String?
    @Option(name: .long, help: "week (ISO weeks) or month.")
    var by: ResourcesReport.Grouping = .week
    @Option(name: .long, help: ArgumentHelp(
        "Only this section; for csv, the table to write (default: load).",
        discussion: "people, over_allocations, resource_requests, timesheets, load"))
    var section: String?

    func run(_ ctx: FolioContext) throws {
        let fromDay = try from.map { try ReportDate.parseDay($0, option: "--from") }
        let toDay = try to.map { try ReportDate.parseDay($0, option: "--to") }
        let sources = try options.sources(ctx)
        let today = options.today(ctx, sources)
        // One bound given: the thirteen weeks from it, or up to it.
        let standard = ResourcesReport.defaultRange(today: today)
        let start = fromDay ?? toDay.map { $0.advanced(by: -(13 * 7 - 1)) } ?? standard.lowerBound
        let end = toDay ?? fromDay.map { $0.advanced(by: 13 * 7 - 1) } ?? standard.upperBound
        guard start <= end else { throw FolioError.usage("--from \(start) is after --to \(end)") }
        guard end.number - start.number < 366 * 20 else { throw FolioError.usage("--from to --to spans more than 20 years") }
        let report = try ResourcesReport.build(sources, range: start...end, by: by, today: today, generated: ctx.now())
        try options.write(ctx, report, section: section)
    }

}

struct ReportScheduleCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "Milestones against the baseline (the last issued schedule): slip in days, status, and the weekly milestone trend.",
        discussion: "Across every --repo given. See docs/reports.md.")

    @OptionGroup var options: ReportOptions
    @Option(name: .long, help: ArgumentHelp("Only this section; for csv, the table to write (default: milestones).", discussion: "milestones, trend"))
    var section: String?

    func run(_ ctx: FolioContext) throws {
        let sources = try options.sources(ctx)
        let today = options.today(ctx, sources)
        try options.write(ctx, try ScheduleReport.build(sources, today: today, generated: ctx.now()), section: section)
    }
}

struct ReportCostCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "cost",
        abstract: "Budget, committed, actual (invoices and labour), forecast and variance per budget line, project and currency.",
        discussion: "Across every --repo given; labour is issued timesheet hours times the rate card. --format ledger writes budgets and actuals as a journal hledger and ledger read. See docs/reports.md.")

    @OptionGroup var options: ReportOptions
    @Option(name: .customLong("as-of"), help: "The day the figures are for (YYYY-MM-DD; default: today, or the day of the --at commit).")
    var asOf: String?
    @Option(name: .long, help: ArgumentHelp("Only this section; for csv, the table to write (default: lines).", discussion: "lines, totals, earned_value, findings, s_curve, journal (the journal only when asked for, or with --format ledger)"))
    var section: String?

    func run(_ ctx: FolioContext) throws {
        let day = try asOf.map { try ReportDate.parseDay($0, option: "--as-of") }
        let sources = try options.sources(ctx)
        let today = options.today(ctx, sources)
        let parts: CostReport.Parts =
            options.format == .ledger || section == LedgerJournal.section ? [.journal] : section == nil || section == "s_curve" ? [.sCurve] : []
        let conversion = try options.loadPortfolio(ctx).flatMap { p in p.currency.map { CostReport.Conversion(currency: $0, rates: p.rates) } }
        let report = try CostReport.build(sources, asOf: day ?? today, generated: ctx.now(), parts: parts, conversion: conversion)
        try options.write(ctx, report, section: options.format == .ledger ? nil : section)
    }
}
