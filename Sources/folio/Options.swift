import ArgumentParser
import FolioKit
import Foundation

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "The repository (default: the one containing the current folder).")
    var repo: String?

    func repository() throws -> Repository {
        let path = repo ?? FileManager.default.currentDirectoryPath
        do {
            return try Repository.discover(from: path)
        } catch let e as GitError where e.isNotFound {
            throw FolioError.usage("not a git repository: \(path)")
        }
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

    /// RFC 4180 CSV.
    static func csv(_ header: [String], _ rows: [[String]]) {
        func field(_ s: String) -> String {
            s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        for row in [header] + rows { print(row.map(field).joined(separator: ","), terminator: "\r\n") }
    }

    /// A GitHub-flavoured Markdown table.
    static func markdown(_ header: [String], _ rows: [[String]]) {
        func cell(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ") }
        print("| " + header.map(cell).joined(separator: " | ") + " |")
        print("|" + header.map { _ in " --- |" }.joined())
        for row in rows { print("| " + row.map(cell).joined(separator: " | ") + " |") }
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
