import ArgumentParser
import FolioGit
import FolioKit
import FolioModel
import Foundation

struct TemplatesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "templates", abstract: "List the document types of the project.",
        subcommands: [List.self, Show.self, Add.self], defaultSubcommand: List.self)

    struct Add: FolioCommand {
        static let configuration = CommandConfiguration(
            commandName: "add", abstract: "Add built-in templates the project lacks (an admin's commit; existing ones are never replaced).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Built-in types, e.g. timesheet schedule rate-card.") var types: [String] = []

        func run(_ ctx: FolioContext) throws {
            let result = try AddTemplates.run(repository: try global.repository(ctx), types: types, context: ctx)
            ctx.print("added \(result.paths.joined(separator: ", ")) (commit \(result.commit.short))")
        }
    }

    struct List: FolioCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the document types.")
        @OptionGroup var global: GlobalOptions
        @Option(name: .long, help: "Revision to read (default: HEAD).") var at: String?
        @OptionGroup var listing: ListingFormat

        func run(_ ctx: FolioContext) throws {
            let repository = try global.repository(ctx)
            let project = try Project.atRevision(repository, at)
            Output.warn(ctx, project.templateDiagnostics + (at == nil ? Project.uncommittedRules(repository) : []))
            if listing.format == .json {
                try Output.json(ctx, project.templates.map { TemplateSummary($0) })
            } else {
                Output.rows(ctx, listing, ["TYPE", "CODE", "APPROVALS", "NAME"], project.templates.map {
                    [$0.type, $0.code, $0.approvals.joined(separator: ","), $0.name]
                })
            }
        }
    }

    struct Show: FolioCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Print a type's rules.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The document type.") var type: String
        @Option(name: .long, help: "Revision to read (default: HEAD).") var at: String?
        @Option(name: .long, help: "text or json.") var format: TextOrJSON = .text

        func run(_ ctx: FolioContext) throws {
            let project = try Project.atRevision(try global.repository(ctx), at)
            guard let t = project.template(type) else {
                if let d = project.templateDiagnostics.first(where: { $0.path == "templates/\(type).md" }) {
                    throw DiagnosticList([d])
                }
                throw FolioError.usage("no type '\(type)'; types: \(project.templates.map(\.type).joined(separator: ", "))")
            }
            if format == .json { return try Output.json(ctx, TemplateDescription(t)) }
            let shown = Diagnostic.escaped
            ctx.print("\(t.type) (\(t.code)): \(shown(t.name))")
            if !t.summary.isEmpty { ctx.print(shown(t.summary)) }
            ctx.print("folder: \(shown(t.folder))")
            if let adopt = t.adopt { ctx.print("adopts: \(shown(adopt.glob))") }
            ctx.print("approvals: \(shown(t.approvals.isEmpty ? "none" : t.approvals.joined(separator: ", ")))")
            if let a = t.attachments {
                ctx.print("attachments: kinds \(a.kinds?.joined(separator: ", ") ?? "any"), min \(a.min ?? 0), max \(a.max.map(String.init) ?? "any")")
            }
            ctx.print("\nfields:")
            Output.table(ctx, ["NAME", "TYPE", "REQUIRED", "RULES"], t.fields.map { [$0.name, RuleText.type($0), $0.required ? "yes" : "", RuleText.constraints($0)] })
            ctx.print("\nsections: \(t.sections.joined(separator: " > "))")
            for table in t.tables {
                ctx.print("\ntable under '\(table.heading)'" + (table.key.map { " (unique \($0))" } ?? "") + ":")
                Output.table(ctx, ["COLUMN", "TYPE", "REQUIRED", "RULES"], table.columns.map { [$0.name, RuleText.type($0), $0.required ? "yes" : "", RuleText.constraints($0)] })
                for assertion in table.assert ?? [] { ctx.print("asserts: '\(assertion.sum)' adds up to '\(assertion.equals)'") }
            }
        }
    }
}

enum RuleText {
    static func type(_ r: ValueRule) -> String { r.list ? "list of \(r.type.rawValue)" : r.type.rawValue }
    static func constraints(_ r: ValueRule) -> String {
        var parts: [String] = []
        if let v = r.values { parts.append("one of " + v.joined(separator: ", ")) }
        if let p = r.pattern { parts.append("pattern " + p) }
        if let m = r.min { parts.append("min " + m) }
        if let m = r.max { parts.append("max " + m) }
        if let d = r.default { parts.append("default " + d) }
        if let ref = r.ref { parts.append("a key of '\(ref)'" + (r.refType.map { " of a \($0) in force" } ?? "")) }
        if let c = r.currency { parts.append("in the currency of '\(c)'") }
        return parts.joined(separator: "; ")
    }
}

struct TemplateSummary: Encodable {
    let type, code, name, description: String
    let approvals: [String]
    init(_ t: Template) {
        type = t.type
        code = t.code
        name = t.name
        description = t.summary
        approvals = t.approvals
    }
}

/// The SPEC's machine shape of `templates show TYPE --format json`.
struct TemplateDescription: Encodable {
    struct Value: Encodable {
        let name, type: String
        let list, required: Bool
        let values: [String]?
        let pattern, min, max, `default`: String?
        init(_ r: ValueRule) {
            name = r.name
            type = r.type.rawValue
            list = r.list
            required = r.required
            values = r.values
            pattern = r.pattern
            min = r.min
            max = r.max
            `default` = r.default
        }
    }
    struct Table: Encodable {
        let heading: String
        let key: String?
        let columns: [Value]
    }
    struct Attachments: Encodable {
        let kinds: [String]?
        let min, max: Int?
    }
    let type, code, name, folder: String
    let fields: [Value]
    let sections: [String]
    let tables: [Table]
    let approvals: [String]
    let attachments: Attachments?
    let adopt: String?

    init(_ t: Template) {
        type = t.type
        code = t.code
        name = t.name
        folder = t.folder
        fields = t.fields.map(Value.init)
        sections = t.sections
        tables = t.tables.map { Table(heading: $0.heading, key: $0.key, columns: $0.columns.map(Value.init)) }
        approvals = t.approvals
        attachments = t.attachments.map { Attachments(kinds: $0.kinds, min: $0.min, max: $0.max) }
        adopt = t.adopt?.glob
    }
}
