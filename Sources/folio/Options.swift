import ArgumentParser
import FolioKit
import Foundation

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "The repository (default: the one containing the current folder).")
    var repo: String?

    func repository() throws -> Repository {
        try openRepository(repo ?? FileManager.default.currentDirectoryPath)
    }
}

/// The repository containing `path`; a clear usage error when there is none.
func openRepository(_ path: String) throws -> Repository {
    do {
        return try Repository.discover(from: path)
    } catch let e as GitError where e.isNotFound {
        throw FolioError.usage("not a git repository: \(path)")
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, csv, md
}

/// Printing helpers shared by the commands.
enum Output {
    static func line(_ s: String) { print(s) }

    static func warn(_ diagnostics: [Diagnostic]) {
        for d in diagnostics { FileHandle.standardError.write(Data((d.formatted + "\n").utf8)) }
    }

    static func json<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// Columns aligned for a terminal.
    static func table(_ header: [String], _ rows: [[String]]) {
        let all = [header] + rows
        var widths = Array(repeating: 0, count: header.count)
        for row in all { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        for row in all {
            let cells = row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }
            print(cells.joined(separator: "  "))
        }
    }

    /// RFC 4180 CSV (FolioKit's `CSVFormat`, shared with the reports).
    static func csv(_ header: [String], _ rows: [[String]]) {
        print(CSVFormat.table(header, rows), terminator: "")
    }

    /// A GitHub-flavoured Markdown table (FolioKit's `MarkdownFormat`, shared with the reports).
    static func markdown(_ header: [String], _ rows: [[String]]) {
        print(MarkdownFormat.table(header, rows), terminator: "")
    }

    static func rows(_ format: OutputFormat, _ header: [String], _ rows: [[String]]) {
        switch format {
        case .csv: csv(header, rows)
        case .md: markdown(header, rows)
        default: table(header, rows)
        }
    }
}

/// The path of the running folio binary, for hooks to call.
enum Executable {
    static var path: String {
        let arg0 = CommandLine.arguments[0]
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return resolved }
        return arg0
    }
}
