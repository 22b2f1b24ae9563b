import Foundation
import Testing

@testable import FolioGit
@testable import FolioKit
@testable import FolioModel

/// Template rules: each rule kind has a passing document and a failing case,
/// checked through FolioKit's Template, DocumentReader and Validator, and a
/// selection end to end through `folio check`.
@Suite("Validation rules", .wide)
struct ValidationTests {

    static let templateText = """
        ---
        template:
          type: sample
          code: SMP
          name: Sample
          fields:
            - { name: note, type: text, min: 2, max: 10 }
            - { name: ref, type: text, pattern: "^REF-[0-9]{3}$" }
            - { name: count, type: integer, min: 1, max: 5 }
            - { name: ratio, type: number, min: 0, max: 1.5 }
            - { name: budget, type: money, min: 0, max: 1000 }
            - { name: due, type: date, min: 2026-01-01, max: 2026-12-31 }
            - { name: at, type: datetime }
            - { name: flag, type: boolean }
            - { name: colour, type: enum, values: [red, green] }
            - { name: owner, type: person, required: true }
            - { name: parent, type: document }
            - { name: link, type: url }
            - { name: tags, type: text, list: true, min: 1, max: 2 }
            - { name: reviewers, type: person, list: true }
            - { name: milestones, type: date, list: true }
          sections: [Intro, Items, End]
          tables:
            - heading: Items
              key: Key
              min_rows: 1
              columns:
                - { name: Key, type: text, required: true, pattern: "^K[0-9]$" }
                - { name: Qty, type: integer, min: 0, max: 9 }
                - { name: Kind, type: enum, values: [a, b] }
                - { name: Who, type: person, required: true }
                - { name: When, type: date }
                - { name: Cost, type: money }
                - { name: Done, type: boolean }
                - { name: Tags, type: text, list: true }
          attachments: { kinds: [pdf, xlsx], min: 1, max: 2 }
          approvals: [pm]
        owner:
        ---
        # {{title}}

        ## Intro

        ## Items

        | Key | Qty | Kind | Who | When | Cost | Done | Tags |
        | --- | --- | --- | --- | --- | --- | --- | --- |

        ## End

        """

    /// Front matter values of the valid document, in order.
    static let validFields: [(String, String)] = [
        ("note", "hello"), ("ref", "REF-001"), ("count", "3"), ("ratio", "0.5"), ("budget", "999.99 EUR"),
        ("due", "2026-06-30"), ("at", "2026-11-27T09:30:00+01:00"), ("flag", "true"), ("colour", "red"),
        ("owner", "alice@example.com"), ("parent", "T-0000"), ("link", "https://example.com/x"),
        ("tags", "[a, b]"), ("reviewers", "[bob@example.com]"), ("milestones", "[2026-01-01, 2026-02-01]"),
    ]

    static let validRow = "| K1 | 2 | a | alice@example.com | 2026-01-02 | 10.00 EUR | yes | x, y |"

    static let header = "| Key | Qty | Kind | Who | When | Cost | Done | Tags |\n| --- | --- | --- | --- | --- | --- | --- | --- |"

    static func document(
        fields: [(String, String)] = validFields, rows: [String] = [validRow], body: String? = nil
    ) -> String {
        let fm = fields.map { "\($0.0): \($0.1)" }.joined(separator: "\n")
        let text = body ?? """
            # A sample

            ## Intro

            Text.

            ## Items

            \(header)
            \(rows.joined(separator: "\n"))

            ## End

            Done.

            """
        return "---\nid: T-0001\ntype: sample\ntitle: A sample\n\(fm)\n---\n\(text)"
    }

    static func with(_ name: String, _ value: String?) -> [(String, String)] {
        validFields.compactMap { $0.0 == name ? value.map { v in (name, v) } : $0 }
    }

    static func template() throws -> Template {
        try Template(path: "templates/sample.md", text: templateText)
    }

    static var context: ValueContext { ValueContext(
        people: ["alice@example.com", "bob@example.com", "carol@example.com", "dave@example.com"],
        documentExists: { $0 == "T-0000" || $0 == "T-0001" }) }

    static func validate(_ text: String, attachments: [String] = ["a.pdf"], complete: Bool = false) throws -> [Diagnostic] {
        let t = try template()
        let read = DocumentReader.read(path: "docs/sample/T-0001.md", bytes: Array(text.utf8), template: t, expectedID: "T-0001")
        guard let document = read.document else { return read.diagnostics }
        return read.diagnostics + Validator(template: t, context: context, complete: complete).validate(document, attachments: attachments)
    }

    // MARK: The valid document

    @Test("the sample template loads, and a document using every field type is valid")
    func validDocument() throws {
        let t = try Self.template()
        #expect(t.fields.count == 15)
        #expect(Set(t.fields.map(\.type)) == Set(ValueType.allCases))
        let draft = try Self.validate(Self.document())
        #expect(draft.isEmpty, "\(draft.map(\.formatted))")
        let complete = try Self.validate(Self.document(), complete: true)
        #expect(complete.isEmpty, "\(complete.map(\.formatted))")
    }

    // MARK: Field rules

    struct FieldCase: CustomTestStringConvertible, Sendable {
        let field: String
        let value: String?
        let rule: String
        var testDescription: String { "\(field): \(value ?? "(absent)") → \(rule)" }
    }

    static let fieldCases: [FieldCase] = [
        .init(field: "note", value: "x", rule: "field.range"),
        .init(field: "note", value: "far too long for ten", rule: "field.range"),
        .init(field: "ref", value: "REF-1", rule: "field.pattern"),
        .init(field: "ref", value: "xREF-001", rule: "field.pattern"),
        .init(field: "ref", value: "REF-0012", rule: "field.pattern"),
        .init(field: "count", value: "4.5", rule: "field.type"),
        .init(field: "count", value: "three", rule: "field.type"),
        .init(field: "count", value: "0", rule: "field.range"),
        .init(field: "count", value: "6", rule: "field.range"),
        .init(field: "ratio", value: "abc", rule: "field.type"),
        .init(field: "ratio", value: "1.6", rule: "field.range"),
        .init(field: "ratio", value: "-0.1", rule: "field.range"),
        .init(field: "ratio", value: "nan", rule: "field.type"),
        .init(field: "budget", value: "12.345 EUR", rule: "field.type"),
        .init(field: "budget", value: "100 XYZ", rule: "field.type"),
        .init(field: "budget", value: "100", rule: "field.type"),
        .init(field: "budget", value: "EUR 100", rule: "field.type"),
        .init(field: "budget", value: "1000.01 EUR", rule: "field.range"),
        .init(field: "budget", value: "-1.00 EUR", rule: "field.range"),
        .init(field: "due", value: "2026-02-30", rule: "field.type"),
        .init(field: "due", value: "27.11.2026", rule: "field.type"),
        .init(field: "due", value: "2025-12-31", rule: "field.range"),
        .init(field: "due", value: "2027-01-01", rule: "field.range"),
        .init(field: "at", value: "2026-11-27T09:30:00", rule: "field.type"),
        .init(field: "at", value: "2026-11-27", rule: "field.type"),
        .init(field: "at", value: "2026-11-27T25:00:00Z", rule: "field.type"),
        .init(field: "flag", value: "maybe", rule: "field.type"),
        .init(field: "colour", value: "blue", rule: "field.enum"),
        .init(field: "colour", value: "Red", rule: "field.enum"),
        .init(field: "owner", value: "mallory@example.com", rule: "field.person"),
        .init(field: "owner", value: "[alice@example.com, bob@example.com]", rule: "field.type"),
        .init(field: "parent", value: "T-9999", rule: "field.document"),
        .init(field: "link", value: "ftp://example.com/file", rule: "field.type"),
        .init(field: "link", value: "not a url", rule: "field.type"),
        .init(field: "link", value: "https://", rule: "field.type"),
        .init(field: "tags", value: "[a, b, c]", rule: "field.range"),
        .init(field: "tags", value: "just-one", rule: "field.type"),
        .init(field: "reviewers", value: "[bob@example.com, mallory@example.com]", rule: "field.person"),
        .init(field: "milestones", value: "[2026-01-01, 2026-13-01]", rule: "field.type"),
    ]

    @Test("an invalid field value is an error naming its rule and line", arguments: fieldCases)
    func fieldRule(_ c: FieldCase) throws {
        let text = Self.document(fields: Self.with(c.field, c.value))
        let found = try Self.validate(text)
        let hits = found.filter { $0.rule == c.rule }
        #expect(!hits.isEmpty, "expected [\(c.rule)], got \(found.map(\.formatted))")
        #expect(hits.allSatisfy { $0.severity == .error }, "\(hits.map(\.formatted))")
        #expect(hits.allSatisfy { $0.message.contains(c.field) }, "\(hits.map(\.formatted))")
        let line = (text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix("\(c.field):") } ?? -2) + 1
        #expect(hits.contains { $0.line == line }, "points at line \(line): \(hits.map(\.formatted))")
        #expect(found.allSatisfy { $0.line >= 1 && $0.column >= 1 }, "\(found.map(\.formatted))")
        // Only the broken field is reported.
        #expect(found.allSatisfy { $0.message.contains(c.field) }, "\(found.map(\.formatted))")
    }

    @Test("a missing required value is a warning in a draft and an error when complete")
    func requiredField() throws {
        for value in [nil, "", "~"] as [String?] {
            let text = Self.document(fields: Self.with("owner", value))
            let draft = try Self.validate(text)
            #expect(draft.map(\.rule) == ["field.required"], "\(draft.map(\.formatted))")
            #expect(draft.first?.severity == .warning)
            let complete = try Self.validate(text, complete: true)
            #expect(complete.map(\.rule) == ["field.required"])
            #expect(complete.first?.severity == .error)
        }
    }

    @Test("min/max of a list field bound the number of values, not each value's length (docs/formats.md)")
    func listMinMaxIsCount() throws {
        let found = try Self.validate(Self.document(fields: Self.with("tags", "[first tag, second tag]")))
        #expect(found.isEmpty, "a list of text with min 1, max 2 holds two long values: \(found.map(\.formatted))")
    }

    @Test("a key the template does not know is reported")
    func unknownField() throws {
        let found = try Self.validate(Self.document(fields: Self.validFields + [("colour_typo", "red")]))
        #expect(found.map(\.rule) == ["field.unknown"], "\(found.map(\.formatted))")
    }

    @Test("id, type and title are required, and the id must match the file name and be safe")
    func reservedFields() throws {
        let t = try Self.template()
        func read(_ text: String) -> [String] {
            DocumentReader.read(path: "docs/sample/T-0001.md", bytes: Array(text.utf8), template: t, expectedID: "T-0001").diagnostics.map(\.rule)
        }
        let valid = Self.document()
        #expect(read(valid).isEmpty)
        #expect(read(valid.replacingOccurrences(of: "id: T-0001\n", with: "")).contains("field.id"))
        #expect(read(valid.replacingOccurrences(of: "title: A sample\n", with: "")).contains("field.title"))
        #expect(read(valid.replacingOccurrences(of: "type: sample\n", with: "")).contains("field.type"))
        #expect(read(valid.replacingOccurrences(of: "id: T-0001", with: "id: T-0002")).contains("id.mismatch"))
        #expect(read(valid.replacingOccurrences(of: "id: T-0001", with: "id: ../T-0001")).contains("id.format"))
        #expect(read(valid.replacingOccurrences(of: "id: T-0001", with: "id: T/0001")).contains("id.format"))
        #expect(read(valid.replacingOccurrences(of: "type: sample", with: "type: other")).contains("type.mismatch"))
        #expect(read(valid.replacingOccurrences(of: "title: A sample", with: "title: [a, b]")).contains("field.title"))
        let empty = try Self.validate(valid.replacingOccurrences(of: "title: A sample", with: "title: \"  \""))
        #expect(empty.contains { $0.rule == "field.title" && $0.severity == .error }, "\(empty.map(\.formatted))")
    }

    // MARK: Sections

    @Test("a required section missing, or out of order, is an error")
    func sections() throws {
        let missing = Self.document(body: "# A sample\n\n## Intro\n\n## Items\n\n\(Self.header)\n\(Self.validRow)\n")
        let m = try Self.validate(missing)
        #expect(m.contains { $0.rule == "section.missing" && $0.message.contains("End") && $0.severity == .error }, "\(m.map(\.formatted))")

        let swapped = Self.document(body: "# A sample\n\n## Items\n\n\(Self.header)\n\(Self.validRow)\n\n## Intro\n\n## End\n")
        let s = try Self.validate(swapped)
        #expect(s.contains { $0.rule == "section.order" && $0.severity == .error }, "\(s.map(\.formatted))")
        let introLine = (swapped.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0 == "## Intro" } ?? -2) + 1
        let itemsLine = (swapped.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0 == "## Items" } ?? -2) + 1
        #expect(s.contains { $0.rule == "section.order" && ($0.line == introLine || $0.line == itemsLine) }, "\(s.map(\.formatted))")

        // A level-3 heading of the same name does not count; other headings between are fine.
        let level3 = Self.document(body: "# A sample\n\n### Intro\n\n## Items\n\n\(Self.header)\n\(Self.validRow)\n\n## End\n")
        #expect(try Self.validate(level3).contains { $0.rule == "section.missing" })
        let extra = Self.document(body: "# A sample\n\n## Intro\n\n## Background\n\n## Items\n\n\(Self.header)\n\(Self.validRow)\n\n### Detail\n\n## End\n")
        #expect(try Self.validate(extra).isEmpty)
    }

    // MARK: Tables

    struct TableCase: CustomTestStringConvertible, Sendable {
        let name: String
        let rows: [String]
        let rule: String
        var testDescription: String { "\(name) → \(rule)" }
    }

    static let tableCases: [TableCase] = [
        .init(name: "key pattern", rows: ["| X1 | 2 | a | alice@example.com | 2026-01-02 | | | |"], rule: "table.pattern"),
        .init(name: "integer", rows: ["| K1 | many | a | alice@example.com | | | | |"], rule: "table.type"),
        .init(name: "integer max", rows: ["| K1 | 10 | a | alice@example.com | | | | |"], rule: "table.range"),
        .init(name: "integer min", rows: ["| K1 | -1 | a | alice@example.com | | | | |"], rule: "table.range"),
        .init(name: "enum", rows: ["| K1 | 1 | c | alice@example.com | | | | |"], rule: "table.enum"),
        .init(name: "person", rows: ["| K1 | 1 | a | mallory@example.com | | | | |"], rule: "table.person"),
        .init(name: "date", rows: ["| K1 | 1 | a | alice@example.com | 2026-02-29 | | | |"], rule: "table.type"),
        .init(name: "money", rows: ["| K1 | 1 | a | alice@example.com | | 10 euro | | |"], rule: "table.type"),
        .init(name: "boolean", rows: ["| K1 | 1 | a | alice@example.com | | | perhaps | |"], rule: "table.type"),
        .init(name: "unique key", rows: [validRow, "| K1 | 3 | b | bob@example.com | | | | |"], rule: "table.key"),
    ]

    @Test("an invalid table cell is an error on its row", arguments: tableCases)
    func tableCell(_ c: TableCase) throws {
        let text = Self.document(rows: c.rows)
        let found = try Self.validate(text)
        let hits = found.filter { $0.rule == c.rule }
        #expect(!hits.isEmpty, "expected [\(c.rule)], got \(found.map(\.formatted))")
        #expect(hits.allSatisfy { $0.severity == .error })
        let lastRow = (text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0 == c.rows.last! } ?? -2) + 1
        #expect(hits.contains { $0.line == lastRow }, "points at line \(lastRow): \(hits.map(\.formatted))")
        #expect(found.allSatisfy { $0.line >= 1 && $0.column >= 1 }, "positions are 1-based: \(found.map(\.formatted))")
    }

    @Test("a required cell left empty is a warning in a draft and an error when complete")
    func requiredCell() throws {
        let text = Self.document(rows: ["| K1 | 1 | a |  | | | | |"])
        let draft = try Self.validate(text)
        #expect(draft.map(\.rule) == ["table.required"], "\(draft.map(\.formatted))")
        #expect(draft.first?.severity == .warning)
        #expect(draft.first?.message.contains("Who") == true)
        let complete = try Self.validate(text, complete: true)
        #expect(complete.map(\.rule) == ["table.required"])
        #expect(complete.first?.severity == .error)
        #expect(complete.allSatisfy { $0.line >= 1 && $0.column >= 1 }, "positions are 1-based: \(complete.map(\.formatted))")
    }

    @Test("a row with fewer cells than the header: the missing required cell is reported at a real position")
    func shortRow() throws {
        let text = Self.document(rows: ["| K1 | 1 | a |"])
        let found = try Self.validate(text)
        #expect(found.map(\.rule) == ["table.required"], "\(found.map(\.formatted))")
        #expect(found.allSatisfy { $0.line >= 1 && $0.column >= 1 }, "positions are 1-based: \(found.map(\.formatted))")
    }

    @Test("a table with other columns, or none at all, or too few rows, is reported")
    func tableShape() throws {
        let wrongColumns = Self.document(body: """
            # A sample

            ## Intro

            ## Items

            | Key | Kind | Qty | Who | When | Cost | Done | Tags |
            | --- | --- | --- | --- | --- | --- | --- | --- |
            | K1 | a | 1 | alice@example.com | | | | |

            ## End

            """)
        let w = try Self.validate(wrongColumns)
        #expect(w.contains { $0.rule == "table.columns" && $0.severity == .error }, "\(w.map(\.formatted))")

        let noTable = Self.document(body: "# A sample\n\n## Intro\n\n## Items\n\nNo table here.\n\n## End\n")
        let n = try Self.validate(noTable)
        #expect(n.contains { $0.rule == "table.missing" && $0.severity == .error }, "\(n.map(\.formatted))")

        // A table under another section does not count for Items.
        let elsewhere = Self.document(body: "# A sample\n\n## Intro\n\n\(Self.header)\n\(Self.validRow)\n\n## Items\n\n## End\n")
        #expect(try Self.validate(elsewhere).contains { $0.rule == "table.missing" })

        let empty = Self.document(rows: [])
        let e = try Self.validate(empty)
        #expect(e.map(\.rule) == ["table.rows"], "\(e.map(\.formatted))")
        #expect(e.first?.severity == .warning)
        #expect(try Self.validate(empty, complete: true).first?.severity == .error)
    }

    // MARK: Attachments

    @Test("attachments: a kind not allowed, too few, too many")
    func attachments() throws {
        let text = Self.document()
        let kind = try Self.validate(text, attachments: ["a.pdf", "tool.exe"])
        #expect(kind.map(\.rule) == ["attachments.kind"], "\(kind.map(\.formatted))")
        #expect(kind.first?.message.contains("tool.exe") == true)
        let noExtension = try Self.validate(text, attachments: ["README"])
        #expect(noExtension.map(\.rule) == ["attachments.kind"])
        let upper = try Self.validate(text, attachments: ["SCAN.PDF"])
        #expect(upper.isEmpty, "kinds compare case-insensitively: \(upper.map(\.formatted))")
        let none = try Self.validate(text, attachments: [])
        #expect(none.map(\.rule) == ["attachments.count"])
        #expect(none.first?.severity == .warning)
        #expect(try Self.validate(text, attachments: [], complete: true).first?.severity == .error)
        let many = try Self.validate(text, attachments: ["a.pdf", "b.pdf", "c.xlsx"])
        #expect(many.map(\.rule) == ["attachments.max"])
        #expect(many.first?.severity == .error)
    }

    // MARK: Templates that are themselves invalid

    struct TemplateCase: CustomTestStringConvertible, Sendable {
        let name: String
        let replace: String
        let with: String
        let message: String
        var testDescription: String { name }
    }

    static let templateCases: [TemplateCase] = [
        .init(name: "type differs from the file name", replace: "type: sample", with: "type: other", message: "file name"),
        .init(name: "type not a name", replace: "type: sample", with: "type: Sample", message: "type"),
        .init(name: "lower-case code", replace: "code: SMP", with: "code: smp", message: "code"),
        .init(name: "code too long", replace: "code: SMP", with: "code: ABCDEFGHI", message: "code"),
        .init(name: "missing code", replace: "  code: SMP\n", with: "", message: "code"),
        .init(name: "unknown field type", replace: "type: boolean", with: "type: colour", message: "colour"),
        .init(name: "enum without values", replace: "type: enum, values: [red, green]", with: "type: enum", message: "without values"),
        .init(name: "values on a non-enum", replace: "type: boolean", with: "type: boolean, values: [x]", message: "not an enum"),
        .init(name: "invalid pattern", replace: "\"^REF-[0-9]{3}$\"", with: "\"([unclosed\"", message: "pattern"),
        .init(name: "min not of the field's type", replace: "min: 2026-01-01", with: "min: soon", message: "min"),
        .init(name: "max not of the field's type", replace: "max: 1.5", with: "max: lots", message: "max"),
        .init(name: "reserved field", replace: "name: note", with: "name: id", message: "reserved"),
        .init(name: "duplicate field", replace: "name: ref", with: "name: note", message: "twice"),
        .init(name: "table not in sections", replace: "sections: [Intro, Items, End]", with: "sections: [Intro, End]", message: "sections"),
        .init(name: "key not a column", replace: "key: Key", with: "key: Nope", message: "key"),
        .init(name: "column with unknown type", replace: "{ name: Done, type: boolean }", with: "{ name: Done, type: yesno }", message: "yesno"),
        .init(name: "column enum without values", replace: "{ name: Kind, type: enum, values: [a, b] }", with: "{ name: Kind, type: enum }", message: "Kind"),
        .init(name: "attachments min above max", replace: "min: 1, max: 2", with: "min: 3, max: 2", message: "min"),
        .init(name: "folder outside the repository", replace: "  name: Sample\n", with: "  name: Sample\n  folder: ../elsewhere\n", message: "folder"),
        .init(name: "folder in .git", replace: "  name: Sample\n", with: "  name: Sample\n  folder: .git/docs\n", message: "folder"),
        .init(name: "adopt glob outside", replace: "  name: Sample\n", with: "  name: Sample\n  adopt: { glob: \"../*.md\" }\n", message: "glob"),
        .init(name: "fields not a list", replace: "  fields:\n", with: "  fields: 5\n  old_fields:\n", message: "fields"),
        .init(name: "alias in the rules", replace: "  name: Sample\n", with: "  name: &n Sample\n  description: *n\n", message: "alias"),
    ]

    @Test("an invalid template is refused with diagnostics on the template file", arguments: templateCases)
    func invalidTemplate(_ c: TemplateCase) throws {
        #expect(Self.templateText.contains(c.replace), "test case does not apply: \(c.replace)")
        let text = Self.templateText.replacingOccurrences(of: c.replace, with: c.with)
        do {
            _ = try Template(path: "templates/sample.md", text: text)
            Issue.record("template accepted: \(c.name)")
        } catch {
            #expect(!error.diagnostics.isEmpty)
            #expect(error.diagnostics.allSatisfy { $0.path == "templates/sample.md" && $0.severity == .error })
            #expect(error.diagnostics.contains { $0.message.lowercased().contains(c.message.lowercased()) },
                    "\(error.diagnostics.map(\.formatted))")
        }
    }

    // MARK: Adoption

    static let adrTemplate = """
        ---
        template:
          type: adr
          code: ADR
          name: Architecture decision record
          adopt: { glob: "decisions/*.md", id: filename, title: heading }
          fields:
            - { name: status, type: enum, values: [proposed, accepted, superseded] }
          sections: [Context and Problem Statement, Decision Outcome]
          approvals: [pm]
        ---
        # {{title}}

        ## Context and Problem Statement

        ## Decision Outcome

        """

    static func madr(_ title: String, frontMatter: String? = nil) -> String {
        (frontMatter.map { "---\n\($0)\n---\n" } ?? "") + """
            # \(title)

            ## Context and Problem Statement

            We need a database.

            ## Decision Outcome

            Chosen option: PostgreSQL.

            """
    }

    @Test("adoption: ID from the file name and title from the first heading, no front matter needed")
    func adoptionUnit() throws {
        let t = try Template(path: "templates/adr.md", text: Self.adrTemplate)
        #expect(t.adopt?.glob == "decisions/*.md")
        let read = DocumentReader.read(
            path: "decisions/0001-use-postgres.md", bytes: Array(Self.madr("Use PostgreSQL").utf8), template: t,
            expectedID: "0001-use-postgres")
        #expect(read.diagnostics.isEmpty, "\(read.diagnostics.map(\.formatted))")
        #expect(read.document?.id == "0001-use-postgres")
        #expect(read.document?.title == "Use PostgreSQL")
        #expect(read.document?.type == "adr")
        let v = Validator(template: t, context: Self.context, complete: true).validate(read.document!, attachments: [])
        #expect(v.isEmpty, "\(v.map(\.formatted))")

        // Front matter, where present, is validated.
        let bad = DocumentReader.read(
            path: "decisions/0002-x.md", bytes: Array(Self.madr("X", frontMatter: "status: rejected").utf8), template: t,
            expectedID: "0002-x")
        let diagnostics = bad.diagnostics + Validator(template: t, context: Self.context, complete: false).validate(bad.document!, attachments: [])
        #expect(diagnostics.contains { $0.rule == "field.enum" }, "\(diagnostics.map(\.formatted))")

        // The required sections apply to adopted files too.
        let noOutcome = DocumentReader.read(
            path: "decisions/0003-y.md", bytes: Array("# Y\n\n## Context and Problem Statement\n".utf8), template: t, expectedID: "0003-y")
        let missing = Validator(template: t, context: Self.context, complete: false).validate(noOutcome.document!, attachments: [])
        #expect(missing.contains { $0.rule == "section.missing" })
    }

    @Test("adoption: ID from the first heading's leading token, title from the file name")
    func adoptionFromHeading() throws {
        let text = Self.adrTemplate.replacingOccurrences(of: "id: filename, title: heading", with: "id: heading, title: filename")
        let t = try Template(path: "templates/adr.md", text: text)
        let read = DocumentReader.read(
            path: "decisions/use-postgres.md", bytes: Array(Self.madr("ADR-0007: Use PostgreSQL").utf8), template: t, expectedID: nil)
        #expect(read.document?.id == "ADR-0007", "\(read.diagnostics.map(\.formatted))")
        #expect(read.document?.title == "use-postgres")
        #expect(read.diagnostics.isEmpty, "\(read.diagnostics.map(\.formatted))")
        // No heading to take the ID from: an error, not an empty ID.
        let headless = DocumentReader.read(
            path: "decisions/notes.md", bytes: Array("Just text, no heading.\n".utf8), template: t, expectedID: nil)
        #expect(headless.diagnostics.contains { $0.severity == .error },
                "an adopted file without a heading has no ID: \(headless.diagnostics.map(\.formatted)), id '\(headless.document?.id ?? "nil")'")
    }

    @Test("glob matching: '*' within one folder, '**' across folders")
    func globs() {
        #expect(Glob.matches("decisions/*.md", "decisions/0001-x.md"))
        #expect(!Glob.matches("decisions/*.md", "decisions/sub/0001-x.md"))
        #expect(!Glob.matches("decisions/*.md", "other/0001-x.md"))
        #expect(!Glob.matches("decisions/*.md", "decisions/0001-x.txt"))
        #expect(Glob.matches("docs/**/*.md", "docs/a/b/c.md"))
        #expect(Glob.matches("docs/**/*.md", "docs/c.md"))
        #expect(!Glob.matches("docs/**/*.md", "other/c.md"))
    }

    // MARK: End to end through folio check

    @Test("adopted files are controlled in place: listed, checked and checked in without moving")
    func adoptionEndToEnd() throws {
        let repo = try TestRepo.managed()
        try repo.write("templates/adr.md", Self.adrTemplate)
        try repo.write("decisions/0001-record-decisions.md", Self.madr("Record architecture decisions"))
        try repo.write("decisions/0002-use-postgres.md", Self.madr("Use PostgreSQL", frontMatter: "status: accepted"))
        try repo.write("decisions/drafts/0003-not-adopted.md", "# Not adopted\n")
        try repo.git("add", ".")
        try repo.git("commit", "-q", "--no-verify", "-m", "Existing decision records")

        expectSuccess(try repo.folio("check"))
        let list = jsonObjects(expectSuccess(try repo.folio("ls", "--type", "adr", "--format", "json")))
        let byID = Dictionary(uniqueKeysWithValues: list.map { ($0["id"] as? String ?? "", $0) })
        #expect(Set(byID.keys) == ["0001-record-decisions", "0002-use-postgres"], "\(list)")
        #expect(byID["0001-record-decisions"]?["title"] as? String == "Record architecture decisions")
        #expect(byID["0002-use-postgres"]?["path"] as? String == "decisions/0002-use-postgres.md")
        expectSuccess(try repo.folio("status", "0002-use-postgres"))

        // Checked in where it is.
        try repo.write("decisions/0002-use-postgres.md", Self.madr("Use PostgreSQL 16", frontMatter: "status: accepted"))
        let head = try repo.head()
        expectSuccess(try repo.folio("checkin", "decisions/0002-use-postgres.md"))
        try expectFolioCommit(repo, after: head, document: "0002-use-postgres", action: nil)
        #expect(repo.exists("decisions/0002-use-postgres.md"))
        #expect(!repo.exists("docs/adr"))

        // A broken adopted file fails the check.
        try repo.write("decisions/0001-record-decisions.md", Self.madr("Record", frontMatter: "status: maybe"))
        expectFailure(try repo.folio("check", "decisions/0001-record-decisions.md"), exit: [1], rule: "field.enum")
        // folio new does not create adopted documents.
        expectFailure(try repo.folio("new", "adr", "--title", "X"), exit: [2], mentioning: ["adopt"])
        // A file name that is not a safe ID is reported.
        try repo.write("decisions/0001-record-decisions.md", Self.madr("Record architecture decisions"))
        try repo.write("decisions/0004 bad name!.md", Self.madr("Bad name"))
        let badName = expectFailure(try repo.folio("check"), exit: [1], rule: "id.format")
        #expect(diagnostics(in: badName.stdout).allSatisfy { $0.path == "decisions/0004 bad name!.md" }, "\(badName)")
    }

    @Test("adoption with '**' and ID from the heading, end to end")
    func adoptionFromHeadingEndToEnd() throws {
        let repo = try TestRepo.managed()
        let text = Self.adrTemplate
            .replacingOccurrences(of: "id: filename, title: heading", with: "id: heading, title: filename")
            .replacingOccurrences(of: "decisions/*.md", with: "architecture/**/*.md")
        try repo.write("templates/adr.md", text)
        try repo.write("architecture/2026/use-postgres.md", Self.madr("ADR-0007: Use PostgreSQL"))
        try repo.git("add", ".")
        try repo.git("commit", "-q", "--no-verify", "-m", "Existing decision records")
        let check = try repo.folio("check")
        expectSuccess(check)
        let list = jsonObjects(expectSuccess(try repo.folio("ls", "--type", "adr", "--format", "json")))
        #expect(list.compactMap { $0["id"] as? String } == ["ADR-0007"], "\(list)")
        #expect(list.first?["title"] as? String == "use-postgres")
        expectSuccess(try repo.folio("status", "ADR-0007"))
    }

    @Test("rule failures end to end: folio check reports each with its rule")
    func endToEndRules() throws {
        let repo = try TestRepo.managed()
        try repo.write("templates/sample.md", Self.templateText)
        try repo.write("docs/sample/ALPHA-SMP-0001.md", Self.document().replacingOccurrences(of: "T-0001", with: "ALPHA-SMP-0001")
            .replacingOccurrences(of: "parent: T-0000", with: "parent: ALPHA-SMP-0001"))
        try repo.write("docs/sample/ALPHA-SMP-0001/scan.pdf", "%PDF")
        try repo.git("add", ".")
        try repo.git("commit", "-q", "-m", "A sample type and document")  // through the hooks: valid
        expectSuccess(try repo.folio("check", "--complete"))

        let path = "docs/sample/ALPHA-SMP-0001.md"
        var text = try repo.read(path)
        text = text.replacingOccurrences(of: "colour: red", with: "colour: blue")
            .replacingOccurrences(of: "due: 2026-06-30", with: "due: 2026-02-30")
            .replacingOccurrences(of: "| K1 | 2 | a |", with: "| K1 | 2 | z |")
            .replacingOccurrences(of: "## End", with: "## Finish")
        try repo.write(path, text)
        try repo.write("docs/sample/ALPHA-SMP-0001/tool.exe", "MZ")
        let r = expectFailure(try repo.folio("check", path), exit: [1])
        let rules = Set(diagnostics(in: r.stdout).map(\.rule))
        for rule in ["field.enum", "field.type", "table.enum", "section.missing", "attachments.kind"] {
            #expect(rules.contains(rule), "missing [\(rule)] in:\n\(r)")
        }
        for d in diagnostics(in: r.stdout) { #expect(d.path == path || d.path.hasPrefix("docs/sample/ALPHA-SMP-0001/")) }
    }
}
