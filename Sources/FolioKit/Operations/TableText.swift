import FolioModel
import Foundation

/// Rewriting the rows of one Markdown table of a document's text, the rest
/// of the text (and its line endings) left as it was: what the imports
/// write (docs/formats.md, "Importing timesheets", "Importing actuals").
enum TableText {
    /// The text with the rows of the table under `heading` replaced by
    /// `rows` (`keepExisting`: the rows are added after the existing ones).
    /// - Throws: `FolioError.refused` when the document has no such table.
    static func rewrite(_ document: Document, under heading: String, rows: [String], keepExisting: Bool = false) throws -> String {
        guard let table = document.outline.table(under: heading) else {
            throw FolioError.refused("\(document.path): no '\(heading)' table to import into")
        }
        let crlf = document.text.contains("\r\n")
        var lines = document.text.components(separatedBy: crlf ? "\r\n" : "\n")
        // `table.line` is the header's 1-based line, so the 0-based index of
        // the first row is `table.line + 1`, and the last row's 1-based line
        // is the 0-based index just after it.
        let first = table.line + 1
        let end = max(first, table.rows.last?.first?.line ?? first)
        lines.replaceSubrange((keepExisting ? end : first)..<end, with: rows)
        return lines.joined(separator: crlf ? "\r\n" : "\n")
    }

    /// One table row of cells, each escaped so it reads back exactly.
    static func row(_ cells: [String]) -> String {
        "| " + cells.map(escapeCell).joined(separator: " | ") + " |"
    }

    /// Backslash before the ASCII punctuation Markdown gives a meaning inline.
    static func escapeCell(_ s: String) -> String {
        var out = ""
        for c in s {
            if "\\`*_[]<>!&|~".contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }
}
