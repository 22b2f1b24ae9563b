import FolioGit
import FolioModel
import Foundation

/// RFC 4180 CSV: fields with a comma, quote or line break are quoted (quotes
/// doubled); records end with CRLF. The one implementation every listing and
/// report uses.
public enum CSVFormat {
    /// When true, cells are written as they are, formulas included (the
    /// CLI's `--raw-csv`, for programs that read the file). Scoped with
    /// `CSVFormat.$keepsFormulas.withValue(true) { … }`.
    @TaskLocal public static var keepsFormulas = false

    /// One field, quoted where RFC 4180 needs it. A text starting with `=`,
    /// `+`, `-`, `@`, a tab or a carriage return (that is not a number) is
    /// written with a leading `'`, so a spreadsheet shows it as text instead
    /// of running it as a formula (OWASP, "CSV injection"), unless
    /// `keepsFormulas` is set.
    public static func field(_ s: String) -> String {
        // Control characters (ESC and friends) would act on a terminal that
        // shows the file: written as U+FFFD, as in the HTML; tab, CR and LF stay.
        var s = s.unicodeScalars.contains(where: { ($0.value < 0x20 && $0 != "\t" && $0 != "\n" && $0 != "\r") || $0.value == 0x7F })
            ? String(String.UnicodeScalarView(s.unicodeScalars.map { ($0.value < 0x20 && $0 != "\t" && $0 != "\n" && $0 != "\r") || $0.value == 0x7F ? "\u{FFFD}" : $0 }))
            : s
        if !keepsFormulas, let first = s.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first), DecimalText.parse(s) == nil {
            s = "'" + s
        }
        return s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
            ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    /// One record, with its CRLF.
    public static func record(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\r\n"
    }

    /// A header record and the rows.
    public static func table(_ header: [String], _ rows: [[String]]) -> String {
        ([header] + rows).map(record).joined()
    }
}

/// GitHub-flavoured Markdown tables.
public enum MarkdownFormat {
    /// A cell's text: pipes, backslashes and `<` escaped, line breaks as
    /// spaces, so a value can never end its cell or its row, nor become HTML.
    public static func cell(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "|": out += "\\|"
            case "\\": out += "\\\\"
            case "<": out += "\\<"
            case "\n", "\r", "\r\n": out += " "
            default: out.append(c)
            }
        }
        // Other control characters (an escape sequence) are shown, not sent to a terminal.
        return Diagnostic.escaped(out)
    }

    /// A table, each line ending in a newline.
    public static func table(_ header: [String], _ rows: [[String]]) -> String {
        var out = "| " + header.map(cell).joined(separator: " | ") + " |\n"
        out += "|" + header.map { _ in " --- |" }.joined() + "\n"
        for row in rows { out += "| " + row.map(cell).joined(separator: " | ") + " |\n" }
        return out
    }
}

/// Columns aligned for a terminal.
public enum TextTable {
    /// Each line ends in a newline; the last column is not padded.
    /// `rightAligned` marks columns (numbers) padded on the left.
    public static func render(_ header: [String], _ rows: [[String]], rightAligned: Set<Int> = []) -> String {
        // Control characters would break the alignment, fake lines or
        // drive the terminal: line breaks and tabs become spaces, the rest
        // are shown escaped, as in diagnostics.
        func clean(_ s: String) -> String {
            Diagnostic.escaped(String(s.map { $0.isNewline || $0 == "\t" ? " " : $0 }))
        }
        let all = ([header] + rows).map { $0.map(clean) }
        var widths = Array(repeating: 0, count: header.count)
        for row in all { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) } }
        var out = ""
        for row in all {
            let cells = row.enumerated().map { i, cell -> String in
                let pad = String(repeating: " ", count: max(0, (i < widths.count ? widths[i] : 0) - cell.count))
                if rightAligned.contains(i) { return pad + cell }
                return i == row.count - 1 ? cell : cell + pad
            }
            out += cells.joined(separator: "  ") + "\n"
        }
        return out
    }
}

/// Encodable values as JSON for listings (`folio ls --format json`, …):
/// keys sorted, written by the reports' own writer (`JSONValue`).
public enum JSONFormat {
    /// Pretty-printed with two spaces, no final newline.
    /// - Throws: `EncodingError` when a value cannot be encoded (a non-finite number).
    public static func pretty<T: Encodable>(_ value: T) throws -> String {
        try JSONValueEncoder().encode(value).text()
    }

    /// The same text as `pretty(elements)`, handed to `write` in pieces as
    /// each element is encoded: a listing of 100,000 rows never holds the
    /// whole document as one value.
    /// - Throws: `EncodingError` when an element cannot be encoded.
    public static func pretty<T: Encodable>(streaming elements: [T], write: (String) -> Void) throws {
        try withoutActuallyEscaping(write) { write in
            let out = ArrayWriter<T>(write: write)
            for element in elements { try out.add(element) }
            out.finish()
        }
    }

    /// The text of `pretty(streaming:)` for elements that come one at a time
    /// (a register handed row by row): `add` each, then `finish`.
    public final class ArrayWriter<T: Encodable> {
        private let write: ([UInt8]) -> Void
        private let encoder = JSONValueEncoder()
        private var chunk: [UInt8] = []
        private var count = 0

        public init(write: @escaping (String) -> Void) { self.write = { write(String(decoding: $0, as: UTF8.self)) } }

        /// Writes UTF-8 bytes, as they are made.
        package init(bytes write: @escaping ([UInt8]) -> Void) { self.write = write }

        /// - Throws: `EncodingError` when the element cannot be encoded.
        public func add(_ element: T) throws { add(json: try encoder.encode(element)) }

        /// An element already made into a JSON value (a cached register row).
        func add(json value: JSONValue) {
            chunk += (count == 0 ? "[\n  " : ",\n  ").utf8
            value.write(to: &chunk, indent: 1)
            count += 1
            if chunk.count >= 1 << 16 {
                write(chunk)
                chunk.removeAll(keepingCapacity: true)
            }
        }

        /// Ends the array (`[]` when nothing was added).
        public func finish() {
            if count == 0 { return write(Array("[]".utf8)) }
            chunk += "\n]".utf8
            write(chunk)
            chunk = []
        }
    }

    /// On one line, no final newline (one record of a stream).
    /// - Throws: `EncodingError` when a value cannot be encoded.
    public static func compact<T: Encodable>(_ value: T) throws -> String {
        try JSONValueEncoder().encode(value).compactText()
    }
}

/// A JSON value written with its keys in the order given (so report JSON
/// reads in the documented order), pretty-printed with two spaces.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    /// An integer outside `Int` (a `UInt64` above `Int.max`), written exactly.
    case bigInteger(UInt64)
    case number(Double)
    case string(String)
    /// A string given as its UTF-8 bytes (a field as a cache file holds
    /// it), written as `.string` of the same text is.
    case utf8(ArraySlice<UInt8>)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool { a.text() == b.text() }

    /// The JSON text, ending without a newline.
    public func text(indent: Int = 0) -> String {
        var out: [UInt8] = []
        write(to: &out, indent: indent)
        return String(decoding: out, as: UTF8.self)
    }

    /// The JSON text on one line: no spaces, no final newline.
    public func compactText() -> String {
        var out: [UInt8] = []
        writeCompact(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    // Written as UTF-8 bytes: appending to a String piece by piece was a
    // fifth of a register's time.

    func writeCompact(to out: inout [UInt8]) {
        switch self {
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                item.writeCompact(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (i, (key, value)) in members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSONValue.quote(key, into: &out)
                out.append(UInt8(ascii: ":"))
                value.writeCompact(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        default:
            write(to: &out, indent: 0)
        }
    }

    private static func pad(_ out: inout [UInt8], _ level: Int) {
        for _ in 0..<level { out += [0x20, 0x20] }
    }

    func write(to out: inout [UInt8], indent: Int) {
        switch self {
        case .null: out += "null".utf8
        case .bool(let b): out += (b ? "true" : "false").utf8
        case .int(let n): out += String(n).utf8
        case .bigInteger(let n): out += String(n).utf8
        case .number(let d):
            if d.isFinite {
                out += (d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)).utf8
            } else {
                out += "null".utf8
            }
        case .string(let s): JSONValue.quote(s, into: &out)
        case .utf8(let bytes):
            // Printable ASCII with nothing to escape (nearly always) is appended
            // whole; anything else is decoded (bytes that are not UTF-8 become
            // U+FFFD, as a String made of them would) and quoted as a string.
            if bytes.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 >= 0x80 }) {
                JSONValue.quote(String(decoding: bytes, as: UTF8.self), into: &out)
            } else {
                out.append(UInt8(ascii: "\""))
                out += bytes
                out.append(UInt8(ascii: "\""))
            }
        case .array(let items):
            if items.isEmpty { return out += "[]".utf8 }
            out += "[\n".utf8
            for (i, item) in items.enumerated() {
                JSONValue.pad(&out, indent + 1)
                item.write(to: &out, indent: indent + 1)
                if i < items.count - 1 { out.append(UInt8(ascii: ",")) }
                out.append(0x0A)
            }
            JSONValue.pad(&out, indent)
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            if members.isEmpty { return out += "{}".utf8 }
            out += "{\n".utf8
            for (i, (key, value)) in members.enumerated() {
                JSONValue.pad(&out, indent + 1)
                JSONValue.quote(key, into: &out)
                out += ": ".utf8
                value.write(to: &out, indent: indent + 1)
                if i < members.count - 1 { out.append(UInt8(ascii: ",")) }
                out.append(0x0A)
            }
            JSONValue.pad(&out, indent)
            out.append(UInt8(ascii: "}"))
        }
    }

    static func quote(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Most strings hold nothing to escape and are appended whole. 0xE2
        // leads U+2028 and U+2029 (and other scalars: those take the slow path too).
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0xE2 }) {
            out += s.utf8
            out.append(UInt8(ascii: "\""))
            return
        }
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += [0x5C, 0x22]
            case "\\": out += [0x5C, 0x5C]
            case "\n": out += [0x5C, UInt8(ascii: "n")]
            case "\r": out += [0x5C, UInt8(ascii: "r")]
            case "\t": out += [0x5C, UInt8(ascii: "t")]
            case _ where scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029:
                out += String(format: "\\u%04x", scalar.value).utf8
            default: out += String(scalar).utf8
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
