import FolioGit
/// The document numbering pattern from `folio.yml`, e.g.
/// `{project}-{code}-{seq:4}` giving `ALPHA-RSK-0007`.
public struct NumberingPattern: Sendable, CustomStringConvertible {
    package enum Part: Sendable, Equatable {
        case literal(String), project, code, type, seq(width: Int)
    }

    public static let defaultPattern = "{project}-{code}-{seq:4}"

    package let parts: [Part]
    public let description: String

    public init(_ pattern: String) throws {
        var parts: [Part] = []
        var rest = Substring(pattern)
        while !rest.isEmpty {
            if rest.first == "{" {
                guard let close = rest.firstIndex(of: "}") else {
                    throw FolioError.unreadable("numbering '\(pattern)': '{' without '}'")
                }
                let token = rest[rest.index(after: rest.startIndex)..<close]
                switch token {
                case "project": parts.append(.project)
                case "code": parts.append(.code)
                case "type": parts.append(.type)
                case "seq": parts.append(.seq(width: 1))
                default:
                    if token.hasPrefix("seq:"), let w = Int(token.dropFirst(4)), (1...9).contains(w) {
                        parts.append(.seq(width: w))
                    } else {
                        throw FolioError.unreadable("numbering '\(pattern)': unknown placeholder {\(token)}")
                    }
                }
                rest = rest[rest.index(after: close)...]
            } else {
                let literal = rest.prefix { $0 != "{" }
                guard literal.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }) else {
                    throw FolioError.unreadable("numbering '\(pattern)': only letters, digits, '.', '_' and '-' may stand between placeholders")
                }
                parts.append(.literal(String(literal)))
                rest = rest[literal.endIndex...]
            }
        }
        guard parts.filter({ if case .seq = $0 { true } else { false } }).count == 1 else {
            throw FolioError.unreadable("numbering '\(pattern)' needs exactly one {seq} or {seq:N}")
        }
        self.parts = parts
        description = pattern
    }

    /// The ID for sequence number `seq`.
    public func format(project: String, code: String, type: String, seq: Int) -> String {
        parts.map { part in
            switch part {
            case .literal(let s): s
            case .project: project
            case .code: code
            case .type: type
            case .seq(let width):
                String(repeating: "0", count: max(0, width - String(seq).count)) + String(seq)
            }
        }.joined()
    }

    /// The sequence number of `id` if it is an ID of this pattern for the type.
    public func sequence(of id: String, project: String, code: String, type: String) -> Int? {
        var rest = Substring(id)
        var seq: Int?
        for part in parts {
            let fixed: String?
            switch part {
            case .literal(let s): fixed = s
            case .project: fixed = project
            case .code: fixed = code
            case .type: fixed = type
            case .seq(let width):
                fixed = nil
                let digits = rest.prefix { $0.isASCII && $0.isNumber }
                guard digits.count >= width, digits.count <= 12, let n = Int(digits) else { return nil }
                seq = n
                rest = rest.dropFirst(digits.count)
            }
            if let fixed {
                guard rest.hasPrefix(fixed) else { return nil }
                rest = rest.dropFirst(fixed.count)
            }
        }
        return rest.isEmpty ? seq : nil
    }
}

/// Checks an ID (from a pattern, a file name or the command line) is safe to
/// use as a file name on every platform and inside the repository.
public enum DocumentID {
    package static let windowsReserved: Set<String> = [
        "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
        "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    ]

    /// nil when `id` is acceptable, else why not.
    public static func problem(_ id: String) -> String? {
        if id.isEmpty { return "an ID cannot be empty" }
        if id.count > 100 { return "ID '\(id.prefix(40))…' is longer than 100 characters" }
        if !id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }) {
            return "ID '\(id)' may only contain letters A-Z, digits, '.', '_' and '-'"
        }
        if id.contains("..") || id.hasPrefix(".") || id.hasPrefix("-") || id.hasSuffix(".") {
            return "ID '\(id)' may not start with '.' or '-', end with '.', or contain '..'"
        }
        let stem = id.split(separator: ".").first.map { String($0).uppercased() } ?? ""
        if windowsReserved.contains(stem) { return "ID '\(id)' is a reserved file name on Windows" }
        return nil
    }
}
