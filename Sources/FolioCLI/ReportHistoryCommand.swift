import ArgumentParser
import FolioGit
import FolioKit
import FolioModel
import Foundation

struct ReportHistoryCommand: FolioCommand {
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

    func run(_ ctx: FolioContext) throws {
        try CSVFormat.$keepsFormulas.withValue(options.rawCsv) { try write(ctx) }
    }

    private func write(_ ctx: FolioContext) throws {
        if let id, let problem = DocumentID.problem(id) { throw FolioError.usage(problem) }
        let filter = HistoryFilter(
            document: id, since: try since.map { Int64(try ReportDate.parse($0, option: "--since").timeIntervalSince1970) },
            until: try until.map { Int64(try ReportDate.parse($0, option: "--until").timeIntervalSince1970) + 86_400 },
            detail: detail ?? (id != nil))
        let sources = try options.sources(ctx)
        for source in sources { if let note = source.repository.shallowNote { ctx.stderr.write(note + "\n") } }
        let out = try options.stream(ctx)
        let writer = try HistoryWriter(format: options.format, out: out, title: id.map { "Change history of \($0)" } ?? "Change history")
        try writer.begin(projects: sources.map(\.info))
        let progress = Progress(ctx)
        var commits = 0
        var read: [HistoryWriter.SourceSummary] = []
        for source in sources {
            var filter = filter
            // One document: also its history as a plain file, through renames.
            if let id, let location = try source.project.find(id) {
                for entry in try DocumentHistory.entries(source.project, location, from: source.commit) { filter.follow[entry.commit] = entry.path }
            }
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
    private let sink: OutputSink?
    private var shown = false
    init(_ ctx: FolioContext) { sink = ctx.stderrIsTerminal ? ctx.stderr : nil }

    func update(_ done: Int, _ total: Int) {
        guard let sink else { return }
        shown = true
        sink.write("\rhistory: \(done)/\(total) commits")
    }

    func finish() {
        if shown { sink?.write("\r\u{1B}[K") }
    }
}
