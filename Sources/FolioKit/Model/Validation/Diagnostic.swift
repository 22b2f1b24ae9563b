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
        self.path = path
        self.line = line
        self.column = column
        self.severity = severity
        self.message = message
        self.rule = rule
    }

    public var formatted: String {
        "\(path):\(line):\(column): \(severity.rawValue): \(message) [\(rule)]"
    }
}

/// Diagnostics thrown as one error (an invalid template, a refused check-in).
public struct DiagnosticList: Error, Sendable, CustomStringConvertible {
    public let diagnostics: [Diagnostic]
    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
    public var description: String { diagnostics.map(\.formatted).joined(separator: "\n") }
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}
