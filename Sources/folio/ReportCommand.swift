import ArgumentParser
import FolioKit
import Foundation

/// `folio report …`: reports built from the commit history and the records.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Reports for project managers, the PMO and auditors (text, md, csv, json, html).",
        subcommands: [ReportHistoryCommand.self])
}
