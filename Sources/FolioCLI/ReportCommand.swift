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
            ReportRegisterCommand.self, ReportStatusCommand.self, ReportHistoryCommand.self, ReportApprovalsCommand.self,
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
    @Option(name: .long, help: "First day of the period (YYYY-MM-DD, UTC, included).")
    var since: String
    @Option(name: .long, help: "Last day of the period (YYYY-MM-DD, UTC, included; default: today, or the day of the --at commit).")
    var until: String?
    @Option(name: .long, help: ArgumentHelp(
        "Only this section; for csv, the table to write (default: events).",
        discussion: "by_kind, documents_by_state, overdue_reviews, turnaround, by_person, open_risks, overdue_actions, activity_by_week, events"))
    var section: String?

    func run(_ ctx: FolioContext) throws {
        // Dates first: a bad date is a bad invocation, whatever the repositories.
        _ = try ReportDate.parse(since, option: "--since")
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
