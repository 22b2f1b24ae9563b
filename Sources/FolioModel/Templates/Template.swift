import FolioGit
import Foundation
import Yams

/// A document type: the rules its documents follow and the skeleton
/// `folio new` fills. Loaded from `templates/<type>.md`.
public final class Template: @unchecked Sendable {
    // @unchecked: immutable after init; ValueChecker is thread-safe.

    public struct TableRule: Sendable, Codable {
        public let heading: String
        public let key: String?
        public let columns: [ValueRule]
        public let minRows: Int?
        /// Assertions over the table, in the spirit of beancount's balance
        /// assertions: the column `sum` adds up to the front matter field `equals`.
        public let assert: [Assertion]?

        public struct Assertion: Sendable, Codable {
            public let sum: String
            public let equals: String
        }

        package enum CodingKeys: String, CodingKey {
            case heading, key, columns, assert
            case minRows = "min_rows"
        }
    }

    public struct AttachmentRule: Sendable, Codable {
        public let kinds: [String]?
        public let min: Int?
        public let max: Int?
    }

    public struct AdoptRule: Sendable, Codable {
        public enum Source: String, Sendable, Codable { case filename, heading }
        public let glob: String
        public let id: Source?
        public let title: Source?
    }

    package struct Rules: Codable, Sendable {
        package let type: String
        package let code: String
        package let name: String?
        package let description: String?
        package let folder: String?
        package let fields: [ValueRule]?
        package let sections: [String]?
        package let tables: [TableRule]?
        package let attachments: AttachmentRule?
        package let approvals: [String]?
        package let adopt: AdoptRule?
    }

    public let path: String
    public let type: String
    public let code: String
    public let name: String
    public let summary: String
    public let folder: String
    public let fields: [ValueRule]
    public let sections: [String]
    public let tables: [TableRule]
    public let attachments: AttachmentRule?
    public let approvals: [String]
    public let adopt: AdoptRule?
    /// Front matter keys of the skeleton other than the rules, in order
    /// (parsed from the skeleton's front matter when asked: only `new` needs them).
    public var skeletonFields: [(key: String, value: Node)] {
        let parsed = try? SafeYAML.frontMatter(compiled.frontMatter, firstLine: compiled.frontMatterFirstLine, resolver: .default)
        return (parsed?.entries ?? []).filter { $0.key != "template" && !Template.reservedFields.contains($0.key) }
            .map { ($0.key, $0.value) }
    }
    /// The skeleton body (with `{{…}}` placeholders).
    public var skeletonBody: String { compiled.skeletonBody }

    /// What the template was made from, without its YAML: enough to make it
    /// again (with every check) from a cache, which skips YAML parsing.
    package struct Compiled: Codable, Sendable {
        package let path: String
        package let rules: Rules
        /// The line of the `template:` block (where rule problems are reported).
        package let rulesLine: Int
        /// The skeleton's front matter, as written.
        package let frontMatter: String
        package let frontMatterFirstLine: Int
        package let skeletonBody: String
    }

    package let compiled: Compiled

    package let fieldCheckers: [String: ValueChecker]
    package let columnCheckers: [[ValueChecker]]

    /// Names every document has, whatever its template.
    public static let reservedFields = ["id", "type", "title"]

    /// Parses and checks a template; every problem is a diagnostic on the
    /// template's own file, so an invalid template is reported, not obeyed.
    public convenience init(path: String, text: String) throws(DiagnosticList) {
        func fail(_ message: String, line: Int = 1, rule: String = "template") -> DiagnosticList {
            DiagnosticList([Diagnostic(path: path, line: line, column: 1, severity: .error, message: message, rule: rule)])
        }
        let split: SplitDocument
        let frontMatter: FrontMatter
        do {
            split = try SplitDocument(text: text)
            guard let yaml = split.yaml else { throw fail("a template needs front matter with a 'template:' block") }
            frontMatter = try SafeYAML.frontMatter(yaml, firstLine: split.yamlFirstLine, resolver: .default)
        } catch let problem as YAMLProblem {
            throw fail(problem.message, line: problem.line, rule: "template.yaml")
        } catch let list as DiagnosticList {
            throw list
        } catch {
            throw fail("\(error)")
        }
        guard let block = frontMatter["template"] else {
            throw fail("a template needs a 'template:' block in its front matter")
        }
        let rules: Rules
        do {
            rules = try YAMLDecoder().decode(Rules.self, from: block.value)
        } catch let error as DecodingError {
            throw fail("invalid 'template:' block: \(Template.describe(error))", line: block.line)
        } catch {
            throw fail("invalid 'template:' block: \(error)", line: block.line)
        }
        try self.init(compiled: Compiled(
            path: path, rules: rules, rulesLine: block.line, frontMatter: split.yaml ?? "",
            frontMatterFirstLine: split.yamlFirstLine, skeletonBody: split.body))
    }

    /// The template of parsed rules: every check of the rules themselves
    /// runs here, so a template from a cache is judged as one parsed anew.
    /// - Throws: `DiagnosticList` on the template's file when a rule is invalid.
    package init(compiled: Compiled) throws(DiagnosticList) {
        self.compiled = compiled
        let path = compiled.path
        let rules = compiled.rules
        self.path = path
        var problems: [String] = []
        let fileType = (splitPath(path).name as NSString).deletingPathExtension
        if rules.type != fileType { problems.append("type '\(rules.type)' differs from the file name '\(fileType)'") }
        if !Template.isName(rules.type) { problems.append("type '\(rules.type)' must be lower-case letters, digits and '-'") }
        if !(2...8).contains(rules.code.count) || !rules.code.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber) }) {
            problems.append("code '\(rules.code)' must be 2-8 characters A-Z, 0-9")
        }
        let folder = rules.folder ?? "docs/\(rules.type)"
        if !Template.isSafeFolder(folder) { problems.append("folder '\(folder)' must be a relative path inside the repository") }
        var checkers: [String: ValueChecker] = [:]
        var seen = Set<String>()
        for field in rules.fields ?? [] {
            if Template.reservedFields.contains(field.name) { problems.append("field '\(field.name)' is reserved") }
            if !seen.insert(field.name).inserted { problems.append("field '\(field.name)' is defined twice") }
            do {
                let checker = try ValueChecker(field)
                problems += checker.ruleProblems()
                checkers[field.name] = checker
            } catch let p as ValueProblem {
                problems.append(p.message)
            } catch {
                problems.append("\(error)")
            }
        }
        let sections = rules.sections ?? []
        var columnCheckers: [[ValueChecker]] = []
        for table in rules.tables ?? [] {
            if !sections.contains(table.heading) {
                problems.append("table '\(table.heading)' must also be listed in sections")
            }
            if table.columns.isEmpty { problems.append("table '\(table.heading)' has no columns") }
            if let key = table.key, !table.columns.contains(where: { $0.name == key }) {
                problems.append("table '\(table.heading)' has key '\(key)' that is not one of its columns")
            }
            var row: [ValueChecker] = []
            for column in table.columns {
                do {
                    let checker = try ValueChecker(column)
                    problems += checker.ruleProblems().map { "table '\(table.heading)': \($0)" }
                    row.append(checker)
                } catch let p as ValueProblem {
                    problems.append("table '\(table.heading)': \(p.message)")
                } catch {
                    problems.append("\(error)")
                }
            }
            columnCheckers.append(row)
        }
        let fieldNames = Set((rules.fields ?? []).map(\.name))
        for table in rules.tables ?? [] {
            for column in table.columns {
                if column.refType != nil && column.ref == nil {
                    problems.append("table '\(table.heading)': '\(column.name)' has ref_type but no ref (the heading of the other type's table)")
                }
                if let ref = column.ref, column.refType == nil {
                    if ref == table.heading { problems.append("table '\(table.heading)': '\(column.name)' refers to its own table") }
                    if !(rules.tables ?? []).contains(where: { $0.heading == ref && $0.key != nil }) {
                        problems.append("table '\(table.heading)': '\(column.name)' refers to '\(ref)', which is not a table with a key")
                    }
                }
                if let field = column.currency {
                    if column.type != .money { problems.append("table '\(table.heading)': '\(column.name)' has a currency but is not money") }
                    if !fieldNames.contains(field) { problems.append("table '\(table.heading)': '\(column.name)' takes its currency from '\(field)', which is not a field") }
                }
            }
            for assertion in table.assert ?? [] {
                guard let column = table.columns.first(where: { $0.name == assertion.sum }), [.money, .number, .integer].contains(column.type) else {
                    problems.append("table '\(table.heading)': assert sum '\(assertion.sum)' is not a money or number column")
                    continue
                }
                guard let field = (rules.fields ?? []).first(where: { $0.name == assertion.equals }), field.type == column.type || [field.type, column.type].allSatisfy({ [.number, .integer].contains($0) }) else {
                    problems.append("table '\(table.heading)': assert equals '\(assertion.equals)' is not a field of the column's type")
                    continue
                }
            }
        }
        for field in rules.fields ?? [] where field.ref != nil || field.refType != nil || (field.currency != nil && field.type != .money) {
            problems.append("field '\(field.name)': ref is for table columns, currency for money")
        }
        for field in rules.fields ?? [] {
            if let other = field.currency, !fieldNames.contains(other) { problems.append("field '\(field.name)' takes its currency from '\(other)', which is not a field") }
        }
        if let a = rules.attachments, let min = a.min, let max = a.max, min > max {
            problems.append("attachments: min \(min) is above max \(max)")
        }
        if let adopt = rules.adopt, !Template.isSafeFolder(adopt.glob.replacingOccurrences(of: "*", with: "x")) {
            problems.append("adopt glob '\(adopt.glob)' must be a relative path inside the repository")
        }
        if !problems.isEmpty {
            throw DiagnosticList(
                problems.map {
                    Diagnostic(path: path, line: compiled.rulesLine, column: 1, severity: .error, message: $0, rule: "template")
                })
        }
        type = rules.type
        code = rules.code
        name = rules.name ?? rules.type
        summary = rules.description ?? ""
        self.folder = folder
        fields = rules.fields ?? []
        self.sections = sections
        tables = rules.tables ?? []
        attachments = rules.attachments
        approvals = rules.approvals ?? []
        adopt = rules.adopt
        fieldCheckers = checkers
        self.columnCheckers = columnCheckers
    }

    /// Where a document of this type with `id` lives.
    public func documentPath(id: String) -> String { "\(folder)/\(id).md" }
    /// The folder of a document's attachments.
    public func attachmentFolder(id: String) -> String { "\(folder)/\(id)" }

    package static func isName(_ s: String) -> Bool {
        !s.isEmpty && s.count <= 64 && s.first!.isLetter
            && s.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
    }

    package static func isSafeFolder(_ s: String) -> Bool {
        !s.isEmpty && !s.hasPrefix("/") && !s.hasSuffix("/")
            && s.split(separator: "/", omittingEmptySubsequences: false).allSatisfy {
                !$0.isEmpty && $0 != "." && $0 != ".." && $0 != ".git" && $0 != ".folio"
            }
    }

    package static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let ctx):
            let at = path(ctx.codingPath)
            return "missing '\(key.stringValue)'" + (at.isEmpty ? "" : " in \(at)")
        case .typeMismatch(let type, let ctx):
            // Yams says "Expected to decode Double but found Scalar": say what is needed.
            let wanted: String
            switch type {
            case is Double.Type: wanted = "must be a number"
            case is Int.Type: wanted = "must be a whole number"
            case is Bool.Type: wanted = "must be true or false"
            case is String.Type: wanted = "must be text"
            default:
                let said = "\(type) \(ctx.debugDescription)"
                wanted = said.hasPrefix("Array") || said.contains("decode Sequence") ? "must be a list ([a, b])"
                    : said.hasPrefix("Dictionary") || said.contains("decode Mapping") ? "must be a mapping (key: value)" : ctx.debugDescription
            }
            return "\(path(ctx.codingPath)): \(wanted)"
        case .valueNotFound(_, let ctx):
            return "\(path(ctx.codingPath)): \(ctx.debugDescription)"
        case .dataCorrupted(let ctx):
            return ctx.debugDescription
        @unknown default:
            return "\(error)"
        }
    }
}
