import FolioGit
import CCmarkGFM

/// The structure of a Markdown body that the rules look at: headings and
/// GFM tables, each with its position. Parsed by cmark-gfm with the table
/// extension, so a table is exactly what GitHub would render as one.
public struct MarkdownOutline: Sendable {
    public struct Heading: Sendable, Equatable {
        public let level: Int
        public let text: String
        public let line: Int
        public let column: Int
    }

    public struct Cell: Sendable, Equatable {
        public let text: String
        public let line: Int
        public let column: Int
    }

    public struct Table: Sendable {
        /// The index in `headings` of the heading this table stands under, if any.
        public let headingIndex: Int?
        public let line: Int
        public let column: Int
        public let header: [Cell]
        public let rows: [[Cell]]
    }

    public let headings: [Heading]
    public let tables: [Table]

    /// The first table in the section heading `index` opens: the section runs
    /// to the next heading of level 1 or 2 (docs/formats.md, "Tables"). The
    /// one definition of "the table under heading H" that validation, diffs
    /// and reports share.
    public func table(inSectionAt index: Int) -> Table? {
        guard index >= 0, index < headings.count else { return nil }
        let end = headings[(index + 1)...].firstIndex { $0.level <= 2 } ?? headings.count
        return tables.first { ($0.headingIndex ?? -1) >= index && ($0.headingIndex ?? -1) < end }
    }

    /// The table under the first level-2 heading named `heading`.
    public func table(under heading: String) -> Table? {
        headings.firstIndex { $0.level == 2 && $0.text == heading }.flatMap(table(inSectionAt:))
    }

    /// Parses `markdown` whose first line is line `firstLine` of the file.
    public init(markdown: String, firstLine: Int) {
        MarkdownOutline.registerExtensions
        guard let parser = cmark_parser_new(CMARK_OPT_DEFAULT) else {
            headings = []
            tables = []
            return
        }
        defer { cmark_parser_free(parser) }
        if let table = cmark_find_syntax_extension("table") {
            cmark_parser_attach_syntax_extension(parser, table)
        }
        var utf8 = Array(markdown.utf8)
        utf8.withUnsafeMutableBufferPointer { buf in
            buf.withMemoryRebound(to: CChar.self) { chars in
                cmark_parser_feed(parser, chars.baseAddress, chars.count)
            }
        }
        guard let root = cmark_parser_finish(parser) else {
            headings = []
            tables = []
            return
        }
        defer { cmark_node_free(root) }
        let offset = firstLine - 1
        var headings: [Heading] = []
        var tables: [Table] = []
        var node = cmark_node_first_child(root)
        while let n = node {
            let kind = String(cString: cmark_node_get_type_string(n))
            let line = Int(cmark_node_get_start_line(n)) + offset
            let column = Int(cmark_node_get_start_column(n))
            if kind == "heading" {
                headings.append(
                    Heading(
                        level: Int(cmark_node_get_heading_level(n)), text: MarkdownOutline.plainText(n),
                        line: line, column: column))
            } else if kind == "table" {
                var header: [Cell] = []
                var rows: [[Cell]] = []
                var row = cmark_node_first_child(n)
                while let r = row {
                    var cells: [Cell] = []
                    var cell = cmark_node_first_child(r)
                    while let c = cell {
                        cells.append(
                            Cell(
                                text: MarkdownOutline.plainText(c),
                                line: Int(cmark_node_get_start_line(c)) + offset,
                                // cmark-gfm gives padded (missing) cells column 0.
                                column: max(1, Int(cmark_node_get_start_column(c)))))
                        cell = cmark_node_next(c)
                    }
                    if String(cString: cmark_node_get_type_string(r)) == "table_header" {
                        header = cells
                    } else {
                        rows.append(cells)
                    }
                    row = cmark_node_next(r)
                }
                tables.append(
                    Table(
                        headingIndex: headings.isEmpty ? nil : headings.count - 1, line: line, column: column,
                        header: header, rows: rows))
            }
            node = cmark_node_next(n)
        }
        self.headings = headings
        self.tables = tables
    }

    private static let registerExtensions: Void = cmark_gfm_core_extensions_ensure_registered()

    /// The text of a node's inline content, without Markdown markup. Walks
    /// with its own stack: inline content can nest tens of thousands deep
    /// (`*****…`), which would overflow the call stack.
    static func plainText(_ node: OpaquePointer) -> String {
        var out = ""
        var stack: [OpaquePointer] = []
        var child = cmark_node_last_child(node)
        while let c = child {
            stack.append(c)
            child = cmark_node_previous(c)
        }
        while let n = stack.popLast() {
            let kind = String(cString: cmark_node_get_type_string(n))
            switch kind {
            case "text", "code", "html_inline":
                if let literal = cmark_node_get_literal(n) { out += String(cString: literal) }
            case "softbreak", "linebreak":
                out += " "
            default:
                var c = cmark_node_last_child(n)
                while let x = c {
                    stack.append(x)
                    c = cmark_node_previous(x)
                }
            }
        }
        return out.trimmingCharacters(in: .whitespaces)
    }
}

extension String {
    package func trimmingCharacters(in set: Set<Character>) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}

extension Set where Element == Character {
    package static let whitespaces: Set<Character> = [" ", "\t"]
}
