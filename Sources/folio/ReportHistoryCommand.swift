import ArgumentParser
import FolioKit
import Foundation

struct ReportHistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "The change history for audits: every change, who, when, what changed, approvals and signatures.",
        discussion: """
            Newest first, one row per document a commit touched (and one for the project's own files).
            Built from the commit history; a cache under the git directory (the history index) makes
            a repeated report read only the new commits.
            """)

    @OptionGroup var options: ReportOptions
    @Argument(help: "Only this document.") var id: String?
    @Option(name: .long, help: "Only changes made on or after this date (YYYY-MM-DD, UTC).") var since: String?
    @Option(name: .long, help: "Only changes made before the end of this date (YYYY-MM-DD, UTC).") var until: String?
    @Flag(name: .long, inversion: .prefixedNo, help: "Show the fields, sections and table rows each version changed (default: on for one document).")
    var detail: Bool?
    @Flag(name: .long, help: "Do not read or write the history index.") var noCache = false

    func run() throws {
        let repositories = try options.repositories()
        let filter = HistoryFilter(
            document: id, since: try since.map { try ReportDay.start(of: $0) }, until: try until.map { try ReportDay.start(of: $0) + 86_400 },
            detail: detail ?? (id != nil))
        var targets: [(Repository, Project, ObjectID)] = []
        for repository in repositories {
            let project = try Project.atRevision(repository, options.at)
            let tip = try repository.commit(options.at ?? "HEAD").id
            if let id { _ = try DocumentID.problem(id).map { throw FolioError.usage($0) } }
            targets.append((repository, project, tip))
        }
        let out = try options.stream()
        let title = id.map { "Change history of \($0)" } ?? "Change history"
        let writer = HistoryWriter(format: options.format, out: out, title: title)
        try writer.begin(projects: targets.map {
            .init(code: $0.1.config.project.code, name: $0.1.config.project.name, repository: $0.0.workdir ?? $0.0.gitDir, commit: $0.2.description)
        })
        let progress = Progress(enabled: isatty(2) == 1)
        var commits = 0
        var sources: [HistoryWriter.SourceSummary] = []
        for (repository, project, tip) in targets {
            let rows = HistoryRows(project: project, filter: filter)
            let summary = try HistoryLog.forEach(repository, from: tip, rules: project, useIndex: !noCache, progress: progress.update) { commit in
                for row in try rows.rows(commit) { try writer.add(row) }
            }
            commits += summary.commits
            sources.append(.init(project: project.config.project.code, summary: summary))
        }
        progress.finish()
        try writer.end(commits: commits, sources: sources)
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

/// Report dates: a day, UTC.
enum ReportDay {
    static func start(of text: String) throws -> Int64 {
        let parts = text.split(separator: "-")
        guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), parts[0].count == 4,
            (1...12).contains(m), (1...31).contains(d)
        else { throw FolioError.usage("not a date: '\(text)' (use YYYY-MM-DD)") }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let date = calendar.date(from: DateComponents(year: y, month: m, day: d)),
            calendar.component(.day, from: date) == d
        else { throw FolioError.usage("not a date: '\(text)'") }
        return Int64(date.timeIntervalSince1970)
    }
}

extension ReportOptions {
    /// Standard output, or the `-o` file (which appears whole when the report is done).
    func stream() throws -> ReportStream {
        guard let output else { return ReportStream(handle: FileHandle.standardOutput) }
        return try ReportStream(path: output)
    }
}
