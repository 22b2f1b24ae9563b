import FolioGit
import FolioModel
import Foundation

/// Writes the change history as it is read, row by row, so that a history
/// of any length is reported in bounded memory (HTML, a page for people to
/// read, is the exception: its chart comes before its rows).
public final class HistoryWriter {
    private let format: ReportFormat
    private let out: ReportStream
    private var rows = 0
    private var held: [HistoryRow] = []
    private var projects: [ReportProject] = []
    private let title: String

    /// Throws `FolioError.usage` for `ledger` (a history is no journal).
    public init(format: ReportFormat, out: ReportStream, title: String) throws {
        guard format != .ledger else { throw FolioError.usage("--format ledger: only `folio report cost` writes an accounting journal") }
        self.format = format
        self.out = out
        self.title = title
    }

    static let columns = ["project", "date", "commit", "author", "email", "document", "revision", "action", "what", "subject"]

    public func begin(projects: [ReportProject]) throws {
        self.projects = projects
        switch format {
        case .text:
            out.write("DATE (UTC)        COMMIT      AUTHOR            DOCUMENT         REV    WHAT CHANGED\n")
        case .md:
            out.write("# \(title)\n\n")
            for p in projects { out.write("- \(MarkdownFormat.cell(p.code)) \(MarkdownFormat.cell(p.name)) at `\(p.commit.prefix(10))`\n") }
            out.write("\n| date | commit | author | document | rev | action | what |\n| --- | --- | --- | --- | --- | --- | --- |\n")
        case .csv:
            out.write(CSVFormat.record(HistoryWriter.columns))
        case .json:
            let head = try JSONFormat.compact(projects)
            out.write("{\"report\":\"history\",\"projects\":\(head),\"rows\":[")
        case .html, .ledger:
            break
        }
    }

    public func add(_ row: HistoryRow) throws {
        defer { rows += 1 }
        switch format {
        case .text:
            let who = ReportText.pad(row.author, 16)
            let doc = ReportText.pad(row.document.isEmpty ? "-" : row.document, 15)
            out.write("\(row.date.prefix(10)) \(row.date.dropFirst(11).prefix(5))  \(row.commit.prefix(10))  \(who)  \(doc)  \(ReportText.pad(row.revision, 5))  \(ReportText.oneLine(row.what))\n")
        case .md:
            let cells = [String(row.date.prefix(16)).replacingOccurrences(of: "T", with: " "), "`\(row.commit.prefix(10))`", row.author, row.document, row.revision, row.action, row.what]
            out.write("| " + cells.map(MarkdownFormat.cell).joined(separator: " | ") + " |\n")
        case .csv:
            let cells = [row.project, row.date, row.commit, row.author, row.email, row.document, row.revision, row.action, row.what, row.subject]
            out.write(CSVFormat.record(cells))
        case .json:
            out.write(try (rows == 0 ? "\n" : ",\n") + JSONFormat.compact(row))
        case .html, .ledger:
            held.append(row)
        }
    }

    /// How one repository's history was read (the JSON report's `sources`).
    public struct SourceSummary: Encodable, Sendable {
        public let project: String
        public let commits: Int
        /// Commits read from git; the others came from the history index.
        public let scanned: Int
        /// off, built, extended, current or reused (docs/reports.md).
        public let index: String
        public init(project: String, summary: HistoryLog.Summary) {
            self.project = project
            commits = summary.commits
            scanned = summary.scanned
            index = summary.index.rawValue
        }
    }

    public func end(commits: Int, sources: [SourceSummary]) throws {
        switch format {
        case .text:
            if rows == 0 { out.write("(no changes)\n") }
        case .md, .csv:
            break
        case .json:
            let read = try JSONFormat.compact(sources)
            out.write("\n],\"commits\":\(commits),\"rows_count\":\(rows),\"sources\":\(read)}\n")
        case .html, .ledger:
            out.write(HistoryHTML.page(title: title, projects: projects, rows: held, commits: commits))
        }
        try out.finish()
    }
}

/// A buffered byte stream to standard output, or to a file that appears
/// whole or not at all (written beside it, renamed into place by `finish`).
public final class ReportStream {
    private let handle: FileHandle?
    private let sink: OutputSink?
    private var buffer: [UInt8] = []
    private let file: (temporary: String, final: String)?
    private var failed = false

    /// A stream to a sink (standard output, or a test's capture).
    public init(sink: OutputSink) {
        self.sink = sink
        handle = nil
        file = nil
        buffer.reserveCapacity(1 << 16)
    }

    /// A stream into `path`; throws when the folder cannot be written. A
    /// regular file (or a new one) appears whole, by rename; anything else
    /// that exists there (`/dev/null`, a FIFO, a terminal) is written
    /// directly, never replaced by a file.
    public init(path: String) throws {
        var st = stat()
        if stat(path, &st) == 0, (st.st_mode & S_IFMT) != S_IFREG {
            guard (st.st_mode & S_IFMT) != S_IFDIR, let handle = FileHandle(forWritingAtPath: path) else {
                throw FolioError.usage("cannot write \(path)")
            }
            self.handle = handle
            sink = nil
            file = nil
            buffer.reserveCapacity(1 << 16)
            return
        }
        let temporary = path + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: nil), let handle = FileHandle(forWritingAtPath: temporary) else {
            throw FolioError.usage("cannot write \(path)")
        }
        self.handle = handle
        sink = nil
        file = (temporary, path)
        buffer.reserveCapacity(1 << 16)
    }

    public func write(_ s: String) {
        buffer.append(contentsOf: s.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    public func flush() {
        guard !buffer.isEmpty else { return }
        // A closed pipe (`| head`) ends the report quietly; a full disk is
        // reported by `finish`.
        if let sink {
            sink.write(buffer)
        } else if let handle {
            do { try handle.write(contentsOf: buffer) } catch { failed = true }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Everything written: the file takes its place.
    public func finish() throws {
        flush()
        guard let file else { return }
        try? handle?.close()
        if failed || rename(file.temporary, file.final) != 0 {
            unlink(file.temporary)
            throw FolioError.usage("cannot write \(file.final)")
        }
    }

    deinit {
        if let file {
            try? handle?.close()
            unlink(file.temporary)
        }
    }
}

/// Padding for the text format.
public enum ReportText {
    /// Line breaks and control characters shown, never acted on by a terminal.
    public static func oneLine(_ s: String) -> String {
        Diagnostic.escaped(s)
    }

    public static func pad(_ s: String, _ width: Int) -> String {
        let clean = oneLine(s)
        return clean.count >= width ? clean : clean + String(repeating: " ", count: width - clean.count)
    }
}
