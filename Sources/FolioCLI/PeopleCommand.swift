import ArgumentParser
import FolioGit
import FolioKit
import FolioModel
import Foundation

/// `folio people`: who may act, in which roles, with what capacity.
struct PeopleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "people",
        abstract: "List and change the people of folio.yml: roles, working week, part-time, absences, skills.",
        discussion: "Changes are one commit each, by an admin; only the people: block of folio.yml is rewritten. See docs/formats.md.",
        subcommands: [List.self, Add.self, Set.self, Absence.self, Remove.self], defaultSubcommand: List.self)

    /// Capacity and skills options shared by `add` and `set`.
    struct CapacityOptions: ParsableArguments {
        @Option(name: .long, help: "Hours of a full week of their contract (default 40).") var hoursPerWeek: Double?
        @Option(name: .long, help: "Days they work, e.g. mon,tue,wed,thu (default mon-fri).") var workingDays: String?
        @Option(name: .long, help: "Fraction of the week they work, above 0 and at most 1 (default 1).") var partTime: Double?
        @Option(name: .long, help: "Skills, comma-separated.") var skills: String?

        func apply(_ stated: inout ProjectConfig.Person.Stated) {
            if let hoursPerWeek { stated.hoursPerWeek = hoursPerWeek }
            if let workingDays { stated.workingDays = PeopleCommand.list(workingDays) }
            if let partTime { stated.partTime = partTime }
        }
    }

    /// A printed name: one line, 1 to 200 characters.
    static func checkName(_ name: String) throws {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.count <= 200, !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw FolioError.usage("--name must be one line of 1 to 200 characters")
        }
    }

    static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    static func report(_ ctx: FolioContext, _ result: PeopleEditor.Result) {
        ctx.print("\(result.subject) (commit \(result.commit.short))")
    }

    struct List: FolioCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "The people, their roles and capacity.")
        @OptionGroup var global: GlobalOptions
        @Option(name: .long, help: "Revision to read (default: HEAD).") var at: String?
        @OptionGroup var listing: ListingFormat

        func run(_ ctx: FolioContext) throws {
            let project = try Project.atRevision(try global.repository(ctx), at)
            let people = project.config.people
            if listing.format == .json {
                try Output.json(ctx, people.map(PersonSummary.init))
                return
            }
            Output.rows(ctx, listing, ["EMAIL", "NAME", "ROLES", "HOURS/WEEK", "DAYS", "PART-TIME", "ABSENCES", "SKILLS"], people.map { p in
                let c = p.capacity
                return [
                    p.email, p.name, p.roles.joined(separator: ","), PeopleEditor.number(c.hoursPerWeek),
                    c.workingDays.sorted().map { Capacity.dayNames[$0 - 1] }.joined(separator: ","), PeopleEditor.number(c.partTime),
                    c.absences.map { "\($0.lowerBound)..\($0.upperBound)" }.joined(separator: " "), p.skills.joined(separator: ","),
                ]
            })
        }
    }

    struct Add: FolioCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a person (an admin's change).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Their email (their git identity).") var email: String
        @Option(name: .long, help: "Their printed name.") var name: String
        @Option(name: .long, help: "Roles, comma-separated (e.g. pm,manager).") var roles: String = ""
        @Option(name: .long, help: "Their user name on the git server, if not the email.") var user: String?
        @OptionGroup var capacity: CapacityOptions

        func run(_ ctx: FolioContext) throws {
            let parts = email.split(separator: "@", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
                email.utf8.count <= 254, email.allSatisfy({ $0.isASCII ? ($0.isLetter || $0.isNumber || "._%+-@'".contains($0)) : $0.isLetter })
            else {
                throw FolioError.usage("'\(Diagnostic.escaped(email))' is not an email address (name@example.com)")
            }
            try PeopleCommand.checkName(name)
            var stated = ProjectConfig.Person.Stated()
            capacity.apply(&stated)
            let person = try ProjectConfig.Person(
                email: email, name: name, roles: PeopleCommand.list(roles), user: user,
                skills: capacity.skills.map(PeopleCommand.list) ?? [], stated: stated)
            PeopleCommand.report(ctx, try PeopleEditor.run(repository: try global.repository(ctx), change: .add(person), context: ctx))
        }
    }

    struct Set: FolioCommand {
        static let configuration = CommandConfiguration(commandName: "set", abstract: "Change a person's name, roles, capacity or skills.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Their email.") var email: String
        @Option(name: .long, help: "Their printed name.") var name: String?
        @Option(name: .long, help: "Their roles, comma-separated (replaces the list).") var roles: String?
        @OptionGroup var capacity: CapacityOptions

        func run(_ ctx: FolioContext) throws {
            if let name { try PeopleCommand.checkName(name) }
            let edit: (ProjectConfig.Person) throws -> ProjectConfig.Person = { p in
                var stated = p.stated
                capacity.apply(&stated)
                return try ProjectConfig.Person(
                    email: p.email, name: name ?? p.name, roles: roles.map(PeopleCommand.list) ?? p.roles, user: p.user,
                    skills: capacity.skills.map(PeopleCommand.list) ?? p.skills, stated: stated)
            }
            PeopleCommand.report(ctx, try PeopleEditor.run(repository: try global.repository(ctx), change: .update(email: email, edit: edit), context: ctx))
        }
    }

    struct Absence: FolioCommand {
        static let configuration = CommandConfiguration(commandName: "absence", abstract: "Record an absence (whole days, both included).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Their email.") var email: String
        @Option(name: .long, help: "First day away (YYYY-MM-DD).") var from: String
        @Option(name: .long, help: "Last day away (YYYY-MM-DD).") var to: String
        @Option(name: .long, help: "Why (e.g. leave, training).") var reason: String?

        func run(_ ctx: FolioContext) throws {
            let edit: (ProjectConfig.Person) throws -> ProjectConfig.Person = { p in
                var stated = p.stated
                stated.absences.append(.init(from: from, to: to, reason: reason))
                return try ProjectConfig.Person(email: p.email, name: p.name, roles: p.roles, user: p.user, skills: p.skills, stated: stated)
            }
            PeopleCommand.report(ctx, try PeopleEditor.run(repository: try global.repository(ctx), change: .update(email: email, edit: edit), context: ctx))
        }
    }

    struct Remove: FolioCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a person (their records stay in the history).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Their email.") var email: String
        @Flag(name: .long, help: "Remove them even though documents still name them.") var force = false

        func run(_ ctx: FolioContext) throws {
            PeopleCommand.report(ctx, try PeopleEditor.run(repository: try global.repository(ctx), change: .remove(email: email, force: force), context: ctx))
        }
    }
}

/// A person in `folio people --format json`.
struct PersonSummary: Encodable {
    struct AbsenceSummary: Encodable {
        let from: String
        let to: String
        let reason: String?
    }
    let email: String
    let name: String
    let roles: [String]
    let user: String?
    let hours_per_week: Double
    let working_days: [String]
    let part_time: Double
    let absences: [AbsenceSummary]
    let skills: [String]

    init(_ p: ProjectConfig.Person) {
        email = p.email
        name = p.name
        roles = p.roles
        user = p.user
        hours_per_week = p.capacity.hoursPerWeek
        working_days = p.capacity.workingDays.sorted().map { Capacity.dayNames[$0 - 1] }
        part_time = p.capacity.partTime
        absences = p.stated.absences.map { AbsenceSummary(from: $0.from, to: $0.to, reason: $0.reason) }
        skills = p.skills
    }
}
