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

    /// How a type takes existing files in place (docs/formats.md, "Adoption").
    public struct AdoptRule: Sendable, Codable {
        /// Where an adopted document's ID or title comes from.
        public enum Source: String, Sendable, Codable, CaseIterable {
            /// The file name without its extension.
            case filename
            /// The first level-1 heading (for an ID, its leading token).
            case heading
            /// The name of the folder holding the file.
            case folder
            /// The first capture group of `pattern` over the repository path.
            case path
            /// A field of the metadata file, or of the front matter without one
            /// (`field`, default `id`; `title` for a title).
            case metadata
        }

        /// What kind of text the files are, and so what is checked.
        public enum Format: String, Sendable, Codable, CaseIterable {
            /// Front matter, title, sections, tables: everything a template says.
            case markdown
            /// reStructuredText: title (the first underlined heading) and metadata.
            case restructuredtext
            /// Plain text: title (the first non-empty line) and metadata.
            case text
        }

        public let glob: String
        public let id: Source?
        public let title: Source?
        /// With `id: metadata`: the metadata field that holds the ID.
        public let field: String?
        /// With `id: path`: a regular expression over the path; its first group is the ID.
        public let pattern: String?
        /// Put before every derived ID (`KEP-` gives `KEP-1234`).
        public let prefix: String?
        /// A file beside each document (`kep.yaml`, `metadata.json`) read as its front matter.
        public let metadata: String?
        /// Front matter keys the template does not declare: `allow`, or `refuse` (the default).
        public let extraKeys: String?
        public let format: Format?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case glob, id, title, field, pattern, prefix, metadata, format
            case extraKeys = "extra_keys"
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            func choice<T: RawRepresentable & CaseIterable>(_ key: CodingKeys, _: T.Type) throws -> T? where T.RawValue == String {
                guard let raw = try c.decodeIfPresent(String.self, forKey: key) else { return nil }
                guard let value = T(rawValue: raw) else {
                    throw DecodingError.dataCorruptedError(
                        forKey: key, in: c,
                        debugDescription: "adopt \(key.rawValue) '\(raw)' is not one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return value
            }
            glob = try c.decode(String.self, forKey: .glob)
            id = try choice(.id, Source.self)
            title = try choice(.title, Source.self)
            field = try c.decodeIfPresent(String.self, forKey: .field)
            pattern = try c.decodeIfPresent(String.self, forKey: .pattern)
            prefix = try c.decodeIfPresent(String.self, forKey: .prefix)
            metadata = try c.decodeIfPresent(String.self, forKey: .metadata)
            extraKeys = try c.decodeIfPresent(String.self, forKey: .extraKeys)
            format = try choice(.format, Format.self)
        }

        public var idSource: Source { id ?? .filename }
        public var titleSource: Source { title ?? (metadata != nil ? .metadata : .heading) }
        public var textFormat: Format { format ?? .markdown }
        public var allowsExtraKeys: Bool { extraKeys == "allow" }

        /// The ID the path alone gives (file name, folder or pattern, with
        /// the prefix); nil for IDs from the heading or metadata, or when
        /// the pattern does not match.
        public func idFromPath(_ path: String) -> String? {
            let derived: String?
            switch idSource {
            case .filename: derived = (splitPath(path).name as NSString).deletingPathExtension
            case .folder: derived = splitPath(splitPath(path).folder).name
            case .path: derived = pattern.flatMap { AdoptRule.firstGroup($0, path) }
            case .heading, .metadata: return nil
            }
            return derived.flatMap { $0.isEmpty ? nil : (prefix ?? "") + $0 }
        }

        /// The first capture group of `pattern` in `path`, if it matches.
        static func firstGroup(_ pattern: String, _ path: String) -> String? {
            guard let regex = try? NSRegularExpression(pattern: pattern),
                let match = regex.firstMatch(in: path, range: NSRange(path.startIndex..., in: path)), match.numberOfRanges > 1,
                let range = Range(match.range(at: 1), in: path)
            else { return nil }
            return String(path[range])
        }

        /// The sibling metadata file of a document at `path`, if the rule has one.
        public func metadataPath(for path: String) -> String? {
            guard let metadata else { return nil }
            let folder = splitPath(path).folder
            return folder.isEmpty ? metadata : folder + "/" + metadata
        }

        /// Problems with the rule itself (reported on the template).
        func problems() -> [String] {
            var out: [String] = []
            if !Template.isSafeFolder(glob.replacingOccurrences(of: "*", with: "x").replacingOccurrences(of: "?", with: "x")) {
                out.append("adopt glob '\(glob)' must be a relative path inside the repository")
            }
            switch idSource {
            case .path:
                guard let pattern else { out.append("adopt id: path needs a 'pattern' whose first group is the ID"); break }
                if let regex = try? NSRegularExpression(pattern: pattern) {
                    if regex.numberOfCaptureGroups < 1 { out.append("adopt pattern '\(pattern)' has no capture group (the ID)") }
                    // A repeated group that itself repeats ((a+)+) can take exponential time on every path.
                    if pattern.range(of: #"\([^()]*[+*][^()]*\)[+*{]"#, options: .regularExpression) != nil {
                        out.append("adopt pattern '\(pattern)' repeats a group that repeats (like (a+)+): it can take exponential time; write it without nested repetition")
                    }
                } else {
                    out.append("adopt pattern '\(pattern)' is not a valid regular expression")
                }
            default:
                if pattern != nil { out.append("adopt pattern is used only with id: path") }
            }
            if field != nil && idSource != .metadata { out.append("adopt field is used only with id: metadata") }
            if [.folder, .path].contains(titleSource) { out.append("adopt title must be heading, filename or metadata") }
            if let metadata, metadata.contains("/") || metadata.contains("*") || metadata.hasPrefix(".") || metadata.isEmpty {
                out.append("adopt metadata '\(metadata)' must be a plain file name beside each document")
            }
            if let metadata, !([".yaml", ".yml", ".json"].contains { metadata.lowercased().hasSuffix($0) }) {
                out.append("adopt metadata '\(metadata)' must be a .yaml, .yml or .json file")
            }
            if let extraKeys, !["allow", "refuse"].contains(extraKeys) { out.append("adopt extra_keys '\(extraKeys)' is not one of allow, refuse") }
            if let prefix, DocumentID.problem(prefix + "1") != nil { out.append("adopt prefix '\(prefix)' would make IDs that are not safe") }
            return out
        }
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
        // A misspelled key (`adpot:`) would otherwise be ignored without a word.
        let unknown = Template.unknownKeys(block.value)
        if !unknown.isEmpty {
            throw DiagnosticList(unknown.map { key, mark, known in
                Diagnostic(
                    path: path, line: (mark ?? 1) + split.yamlFirstLine - 1, column: 1, severity: .error,
                    message: "unknown key '\(key)' in the template rules (known here: \(known.sorted().joined(separator: ", ")))",
                    rule: "template.key")
            })
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
        if let adopt = rules.adopt {
            problems += adopt.problems()
            if adopt.textFormat != .markdown, !sections.isEmpty || !(rules.tables ?? []).isEmpty {
                problems.append("format \(adopt.textFormat.rawValue): sections and tables are checked only in Markdown (only the title and metadata are checked)")
            }
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

    /// The keys each mapping of the rules may hold, by where it is.
    private static let knownKeys: [String: Set<String>] = [
        "": ["type", "code", "name", "description", "folder", "fields", "sections", "tables", "attachments", "approvals", "adopt"],
        "adopt": Set(AdoptRule.CodingKeys.allCases.map(\.rawValue)),
        "attachments": ["kinds", "min", "max"],
        "fields": ["name", "type", "list", "required", "pattern", "min", "max", "values", "default", "description", "ref", "currency", "ref_type"],
        "tables": ["heading", "key", "columns", "assert", "min_rows"],
        "tables.assert": ["sum", "equals"],
    ]

    /// Keys of the rules that no rule reads: (key, line of the key in the
    /// YAML text, the keys known there).
    static func unknownKeys(_ rules: Node) -> [(String, Int?, Set<String>)] {
        var out: [(String, Int?, Set<String>)] = []
        func visit(_ node: Node, _ place: String) {
            guard case .mapping(let mapping) = node, let known = knownKeys[place] else { return }
            for (k, v) in mapping {
                guard case .scalar(let key) = k else { continue }
                if !known.contains(key.string) { out.append((key.string, k.mark?.line, known)); continue }
                let inner = place.isEmpty ? key.string : place + "." + key.string
                switch (inner, v) {
                case ("fields", .sequence(let items)), ("tables.assert", .sequence(let items)):
                    items.forEach { visit($0, inner) }
                case ("tables", .sequence(let items)):
                    items.forEach { visit($0, "tables") }
                case ("tables.columns", .sequence(let items)):
                    items.forEach { visit($0, "fields") }
                case ("adopt", _), ("attachments", _):
                    visit(v, inner)
                default: break
                }
            }
        }
        visit(rules, "")
        return out
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
