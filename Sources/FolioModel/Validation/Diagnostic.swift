import FolioGit
/// One problem found in a file: `path:line:column: severity: message [rule]`.
public struct Diagnostic: Sendable, Equatable, Codable {
    public enum Severity: String, Sendable, Codable { case error, warning }

    public let path: String
    public let line: Int
    public let column: Int
    public let severity: Severity
    public let message: String
    public let rule: String

    public init(path: String, line: Int, column: Int, severity: Severity, message: String, rule: String) {
        // Messages quote document values: never let one span lines.
        self.path = Diagnostic.escaped(path)
        self.line = line
        self.column = column
        self.severity = severity
        self.message = Diagnostic.escaped(message)
        self.rule = rule
    }

    /// One line, always: control characters in the path or message (which
    /// quote document values) are escaped, so a value cannot forge a line.
    public var formatted: String {
        "\(Diagnostic.escaped(path)):\(line):\(column): \(severity.rawValue): \(Diagnostic.escaped(message)) [\(rule)]"
    }

    /// Whether `text` has a control character (Cc: U+0000–001F, U+007F–009F)
    /// or a line or paragraph separator, judged on its UTF-8 bytes: reports
    /// pass every field through here.
    package static func mayNeedEscaping(_ text: String) -> Bool {
        var previous: UInt8 = 0
        var beforePrevious: UInt8 = 0
        for b in text.utf8 {
            if b < 0x20 || b == 0x7F { return true }
            if previous == 0xC2 && b >= 0x80 && b <= 0x9F { return true }
            if beforePrevious == 0xE2 && previous == 0x80 && (b == 0xA8 || b == 0xA9) { return true }
            // Bidirectional overrides and isolates (U+202A–202E, U+2066–2069)
            // reorder what a terminal shows ("Trojan Source").
            if beforePrevious == 0xE2 && previous == 0x80 && (0xAA...0xAE).contains(b) { return true }
            if beforePrevious == 0xE2 && previous == 0x81 && (0xA6...0xA9).contains(b) { return true }
            beforePrevious = previous
            previous = b
        }
        return false
    }

    /// The text with control characters, line separators and bidirectional
    /// overrides escaped (`\n`, `\u{1b}`, `\u{202e}`): one line, shown as written.
    public static func escaped(_ text: String) -> String {
        guard mayNeedEscaping(text) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.properties.generalCategory == .control || scalar == "\u{2028}" || scalar == "\u{2029}"
                    || (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
                {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}

/// Diagnostics thrown as one error (an invalid template, a refused check-in).
public struct DiagnosticList: Error, Sendable, CustomStringConvertible {
    public let diagnostics: [Diagnostic]
    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
    public var description: String { diagnostics.map(\.formatted).joined(separator: "\n") }
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}

/// Problems of an input file (an import), one `FILE:LINE: error: message`
/// line each; nothing was written.
public struct InputProblems: Error, Sendable, CustomStringConvertible {
    public let lines: [String]
    public init(_ lines: [String]) { self.lines = lines }
    public var description: String { lines.joined(separator: "\n") }
}
