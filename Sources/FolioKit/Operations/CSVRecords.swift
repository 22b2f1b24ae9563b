import CSV
import FolioModel
import Foundation

/// The records of an imported CSV file (RFC 4180, UTF-8, a header row), each
/// with the line of the file it starts on: what `import timesheets` and
/// `import actuals` share. Blank records are skipped; a record with more
/// fields than the header, or with a line break in a field (a cell cannot
/// hold one; often a quote not closed), is a problem on its line.
struct CSVRecords {
    /// The header's cells as written (a byte-order mark removed).
    let header: [String]
    let records: [(line: Int, fields: [String])]
    /// `FILE:LINE: error: message`.
    let problems: [String]

    /// - Parameter cell: what a field becomes, for the line-break message ("a timesheet cell").
    static func read(_ text: String, name: String, cell: String) -> CSVRecords {
        let reader: CSVReader
        do {
            reader = try CSVReader(string: text, hasHeaderRow: true)
        } catch {
            return CSVRecords(header: [], records: [], problems: ["\(name):1: error: no header row"])
        }
        let header = (reader.headerRow ?? []).map { $0.replacingOccurrences(of: "\u{FEFF}", with: "") }
        var records: [(line: Int, fields: [String])] = []
        var problems: [String] = []
        var line = 2 + header.reduce(0) { $0 + $1.filter { $0 == "\n" }.count }
        while let fields = reader.next() {
            let here = line
            line += 1 + fields.reduce(0) { $0 + $1.filter { $0 == "\n" || $0 == "\r\n" }.count }
            if fields.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
            if fields.count > header.count {
                problems.append("\(name):\(here): error: \(fields.count) fields, but the header has \(header.count)")
            } else if fields.contains(where: { $0.contains("\n") || $0.contains("\r") }) {
                problems.append("\(name):\(here): error: a field holds a line break, which \(cell) cannot (or a quote is not closed)")
            } else {
                records.append((here, fields))
            }
        }
        if let error = reader.error {
            problems.append("\(name):\(line): error: the CSV cannot be read here (\(error))")
        }
        return CSVRecords(header: header, records: records, problems: problems)
    }
}
