import FolioGit
import Yams

/// A document's YAML front matter: an ordered mapping with the source
/// position of every value, so diagnostics can point at the offending line.
public struct FrontMatter {
    public struct Entry {
        public let key: String
        public let value: Node
        /// 1-based line and column in the whole file.
        public let line: Int
        public let column: Int
    }

    public let entries: [Entry]
    /// The line of the opening `---` (always 1) and the closing one.
    public let endLine: Int

    public subscript(key: String) -> Entry? { entries.first { $0.key == key } }

    /// The value of a key as a plain string (scalars only), nil when absent or empty.
    public func string(_ key: String) -> String? {
        guard let entry = self[key], let s = FrontMatter.scalarText(entry.value) else { return nil }
        return s
    }

    /// A scalar's text; nil for null/empty values, sequences and mappings.
    public static func scalarText(_ node: Node) -> String? {
        guard case .scalar(let scalar) = node else { return nil }
        if scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string) { return nil }
        return scalar.string
    }

    public static func isEmpty(_ node: Node) -> Bool {
        switch node {
        case .scalar: return scalarText(node) == nil
        case .sequence(let s): return s.isEmpty
        case .mapping(let m): return m.isEmpty
        case .alias: return false
        }
    }
}

/// Where a YAML problem is, and what it is.
public struct YAMLProblem: Error, Sendable {
    public let line: Int
    public let column: Int
    public let message: String
}

/// A Markdown file split into front matter and body.
public struct SplitDocument: Sendable {
    /// Raw YAML between the `---` lines, or nil if the file has none.
    public let yaml: String?
    /// The line (1-based) of the first YAML line.
    public let yamlFirstLine: Int
    /// The Markdown after the front matter.
    public let body: String
    /// The line (1-based) of the first body line.
    public let bodyFirstLine: Int

    package init(yaml: String?, yamlFirstLine: Int, body: String, bodyFirstLine: Int) {
        self.yaml = yaml
        self.yamlFirstLine = yamlFirstLine
        self.body = body
        self.bodyFirstLine = bodyFirstLine
    }

    public init(text: String) throws(YAMLProblem) {
        // Works on UTF-8 bytes: splitting a String by Character is slow.
        let bytes = Array(text.utf8)
        func isMarker(_ line: ArraySlice<UInt8>, _ marker: String) -> Bool {
            var l = line
            if l.last == 0x0D { l = l.dropLast() }
            return l.elementsEqual(marker.utf8)
        }
        let lineEnds = bytes.indices.filter { bytes[$0] == 0x0A }
        let firstEnd = lineEnds.first ?? bytes.count
        guard isMarker(bytes[0..<firstEnd], "---") else {
            yaml = nil
            yamlFirstLine = 1
            body = text
            bodyFirstLine = 1
            return
        }
        var start = firstEnd + 1
        var close: (start: Int, end: Int, line: Int)?
        var nearMiss: Int?  // a line of '---' and trailing blanks: a closing line an editor spoilt
        var lineNumber = 2
        var nextEnd = 1  // index into lineEnds of the end of the line at `start`
        while start <= bytes.count {
            let end = nextEnd < lineEnds.count ? lineEnds[nextEnd] : bytes.count
            nextEnd += 1
            if isMarker(bytes[start..<end], "---") || isMarker(bytes[start..<end], "...") {
                close = (start, end, lineNumber)
                break
            }
            if nearMiss == nil, bytes[start..<end].starts(with: Array("---".utf8)),
                bytes[(start + 3)..<end].allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D })
            {
                nearMiss = lineNumber
            }
            if end >= bytes.count { break }
            start = end + 1
            lineNumber += 1
        }
        guard let close else {
            if let nearMiss {
                throw YAMLProblem(
                    line: nearMiss, column: 4,
                    message: "the line closing the front matter has blanks after '---': it must be '---' alone")
            }
            throw YAMLProblem(line: 1, column: 1, message: "front matter opened with '---' is never closed")
        }
        yaml = String(decoding: bytes[min(firstEnd + 1, close.start)..<close.start], as: UTF8.self)
        yamlFirstLine = 2
        body = close.end < bytes.count ? String(decoding: bytes[(close.end + 1)...], as: UTF8.self) : ""
        bodyFirstLine = close.line + 1
    }
}

package enum SafeYAML {
    /// Parses YAML into a node tree with hostile-input limits: size, nesting
    /// depth and node count (a "billion laughs" alias bomb stays small in
    /// memory but explodes when walked, so walking is bounded too).
    package static func compose(_ yaml: String, firstLine: Int, resolver: Resolver = .default) throws(YAMLProblem) -> Node? {
        if yaml.utf8.count > Limits.frontMatterBytes {
            throw YAMLProblem(
                line: firstLine, column: 1,
                message: "front matter is larger than \(Limits.frontMatterBytes / 1024) KiB")
        }
        try lexicalChecks(yaml, firstLine: firstLine)
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml, resolver, .default, .utf8)
        } catch let error as YamlError {
            throw problem(error, firstLine: firstLine)
        } catch {
            throw YAMLProblem(line: firstLine, column: 1, message: "invalid YAML: \(error)")
        }
        if let node {
            var budget = Limits.frontMatterNodes
            try checkSize(node, depth: 0, budget: &budget, firstLine: firstLine)
        }
        return node
    }

    private static func problem(_ error: YamlError, firstLine: Int) -> YAMLProblem {
        func make(_ context: YamlError.Context?, _ problem: String, _ mark: Mark) -> YAMLProblem {
            let what = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
            return YAMLProblem(line: mark.line + firstLine - 1, column: mark.column, message: "invalid YAML: \(what)")
        }
        switch error {
        case .scanner(let context, let p, let mark, _): return make(context, p, mark)
        case .parser(let context, let p, let mark, _): return make(context, p, mark)
        case .composer(let context, let p, let mark, _): return make(context, p, mark)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "'\($0)'" }.sorted().joined(separator: ", ")
            let line = context.mark.line + firstLine - 1
            return YAMLProblem(line: line, column: 1, message: "duplicate key \(keys)")
        default:
            let first = "\(error)".split(separator: "\n").first.map(String.init) ?? "invalid YAML"
            return YAMLProblem(line: firstLine, column: 1, message: "invalid YAML: \(first)")
        }
    }

    /// Checks made on the text before the parser sees it: flow collections
    /// (`[[[[...`) nest without indentation and the parser recurses into them;
    /// aliases (`*name`) let a few bytes stand for an exponential tree, and
    /// Folio's documents have no use for them.
    private static func lexicalChecks(_ yaml: String, firstLine: Int) throws(YAMLProblem) {
        var depth = 0
        var line = firstLine
        var quote: UInt8? = nil
        var comment = false
        var previous: UInt8 = 0x0A
        var anchors = Set<Substring>()
        var aliases: [(name: Substring, line: Int)] = []
        let bytes = Array(yaml.utf8)
        func name(after i: Int) -> Substring {
            var j = i + 1
            while j < bytes.count, !" \t\n\r,[]{}".utf8.contains(bytes[j]) { j += 1 }
            return Substring(decoding: bytes[(i + 1)..<j], as: UTF8.self)
        }
        for (i, b) in bytes.enumerated() {
            defer { previous = b }
            if b == 0x0A {
                line += 1
                quote = nil
                comment = false
                continue
            }
            if comment { continue }
            if let q = quote {
                if b == q { quote = nil }
                continue
            }
            let tokenStart = " \t\n[{,".utf8.contains(previous)
            switch b {
            case UInt8(ascii: "#") where previous == 0x20 || previous == 0x0A || previous == 0x09:
                comment = true
            case UInt8(ascii: "\"") where tokenStart, UInt8(ascii: "'") where tokenStart: quote = b
            case UInt8(ascii: "&") where tokenStart: anchors.insert(name(after: i))
            case UInt8(ascii: "*") where tokenStart: aliases.append((name(after: i), line))
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > Limits.frontMatterDepth {
                    throw YAMLProblem(
                        line: line, column: 1,
                        message: "front matter nests deeper than \(Limits.frontMatterDepth) levels")
                }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth = max(0, depth - 1)
            default: break
            }
        }
        if let alias = aliases.first(where: { !$0.name.isEmpty && anchors.contains($0.name) }) {
            throw YAMLProblem(
                line: alias.line, column: 1,
                message: "YAML aliases ('*\(alias.name)') are not allowed in front matter")
        }
    }

    private static func checkSize(_ node: Node, depth: Int, budget: inout Int, firstLine: Int) throws(YAMLProblem) {
        budget -= 1
        if budget < 0 {
            throw YAMLProblem(
                line: firstLine, column: 1,
                message: "front matter has more than \(Limits.frontMatterNodes) values (YAML aliases are not allowed)")
        }
        if depth > Limits.frontMatterDepth {
            throw YAMLProblem(
                line: (node.mark?.line ?? 1) + firstLine - 1, column: 1,
                message: "front matter nests deeper than \(Limits.frontMatterDepth) levels")
        }
        switch node {
        case .scalar, .alias: return
        case .sequence(let s):
            for child in s { try checkSize(child, depth: depth + 1, budget: &budget, firstLine: firstLine) }
        case .mapping(let m):
            for (k, v) in m {
                try checkSize(k, depth: depth + 1, budget: &budget, firstLine: firstLine)
                try checkSize(v, depth: depth + 1, budget: &budget, firstLine: firstLine)
            }
        }
    }

    /// An ordered front matter from YAML text.
    package static func frontMatter(_ yaml: String, firstLine: Int, resolver: Resolver = .basic) throws(YAMLProblem) -> FrontMatter {
        let endLine = firstLine + yaml.utf8.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        // Documents are read as text values (the rules type-check them), so
        // the cheap basic resolver will do for them.
        guard let node = try compose(yaml, firstLine: firstLine, resolver: resolver) else {
            return FrontMatter(entries: [], endLine: endLine)
        }
        guard case .mapping(let mapping) = node else {
            throw YAMLProblem(
                line: (node.mark?.line ?? 1) + firstLine - 1, column: node.mark?.column ?? 1,
                message: "front matter must be a YAML mapping of keys to values")
        }
        var entries: [FrontMatter.Entry] = []
        for (k, v) in mapping {
            guard case .scalar(let key) = k else {
                throw YAMLProblem(
                    line: (k.mark?.line ?? 1) + firstLine - 1, column: k.mark?.column ?? 1,
                    message: "front matter keys must be plain names")
            }
            let mark = v.mark ?? k.mark
            entries.append(
                FrontMatter.Entry(
                    key: key.string, value: v,
                    line: (mark?.line ?? 1) + firstLine - 1, column: mark?.column ?? 1))
        }
        return FrontMatter(entries: entries, endLine: endLine)
    }
}
