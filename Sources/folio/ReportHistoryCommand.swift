import ArgumentParser
import FolioKit
import Foundation

struct ReportHistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "The change history for audits: every change, who, when, what changed, approvals and signatures.",
        discussion: """
            Newest first, one row per document a commit touched (and one for the project's own files). \
            Built from the commit history; a cache under the git directory (the history index) makes \
            a repeated report read only the new commits. See docs/reports.md.
            """)

    @OptionGroup var options: ReportOptions
    @Argument(help: "Only this document.") var id: String?
    @Option(name: .long, help: "Only changes made on or after this date (YYYY-MM-DD, UTC).") var since: String?
    @Option(name: .long, help: "Only changes made before the end of this date (YYYY-MM-DD, UTC).") var until: String?
    @Flag(name: .long, inversion: .prefixedNo, help: "Show the fields, sections and table rows each version changed (default: on for one document).")
    var detail: Bool?
    @Flag(name: .long, help: "Do not read or write the history index.") var noCache = false

    func run() throws {
        if let id, let problem = DocumentID.problem(id) { throw FolioError.usage(problem) }
        let filter = HistoryFilter(
            document: id, since: try since.map { Int64(try ReportDate.parse($0, option: "--since").timeIntervalSince1970) },
            until: try until.map { Int64(try ReportDate.parse($0, option: "--until").timeIntervalSince1970) + 86_400 },
            detail: detail ?? (id != nil))
        let sources = try options.sources()
        let out = try options.stream()
        let writer = HistoryWriter(format: options.format, out: out, title: id.map { "Change history of \($0)" } ?? "Change history")
        try writer.begin(projects: sources.map(\.info))
        let progress = Progress(enabled: isatty(2) == 1)
        var commits = 0
        var read: [HistoryWriter.SourceSummary] = []
        for source in sources {
            let rows = HistoryRows(project: source.project, filter: filter)
            let summary = try HistoryLog.forEach(
                source.repository, from: source.commit, rules: source.project, useIndex: !noCache, progress: progress.update
            ) { commit in
                for row in try rows.rows(commit) { try writer.add(row) }
            }
            commits += summary.commits
            read.append(.init(project: source.info.code, summary: summary))
        }
        progress.finish()
        try writer.end(commits: commits, sources: read)
    }
}

/// "history: 12500/100000 commits" on a terminal's stderr, nothing elsewhere.
final class Progress {
    private let enabled: Bool
    private var shown = false
    init(enabled: Bool) { self.enabled = enabled }

    func update(_ done: Int, _ total: Int) {
        guard enabled else { return }
        shown = true
        FileHandle.standardError.write(Data("\rhistory: \(done)/\(total) commits".utf8))
    }

    func finish() {
        if shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
