import FolioGit
import Foundation
import Yams

/// `folio.yml`: the project's code and name, numbering, revision scheme,
/// signature policy and the people who may act, with their roles.
public struct ProjectConfig: Sendable, Decodable {
    public struct ProjectInfo: Sendable, Decodable {
        public let code: String
        public let name: String
    }

    public struct Person: Sendable, Decodable, Equatable {
        public let email: String
        public let name: String
        public let roles: [String]
        /// The person's user name on the git server, if it is not their email
        /// (matched against GL_USERNAME, GL_USER, GITEA_PUSHER_NAME or REMOTE_USER in the pre-receive hook).
        public let user: String?
        /// Their working week, part-time fraction and absences (docs/formats.md).
        public let capacity: Capacity
        /// Whether `folio.yml` gives any capacity key for them (a portfolio
        /// takes a person's capacity from the first repository that does).
        public let statesCapacity: Bool
        public let skills: [String]

        package enum CodingKeys: String, CodingKey {
            case email, name, roles, user, skills, absences
            case hoursPerWeek = "hours_per_week", workingDays = "working_days", partTime = "part_time"
        }

        /// An absence as written: whole days, both included, and why.
        public struct Absence: Sendable, Decodable, Equatable {
            public let from: String
            public let to: String
            public let reason: String?
            public init(from: String, to: String, reason: String?) {
                self.from = from
                self.to = to
                self.reason = reason
            }
        }

        /// The capacity keys as written (nil: not given, the default applies),
        /// so `folio people` writes back exactly what was stated.
        public struct Stated: Sendable, Equatable {
            public var hoursPerWeek: Double?
            public var workingDays: [String]?
            public var partTime: Double?
            public var absences: [Absence]
            public init(hoursPerWeek: Double? = nil, workingDays: [String]? = nil, partTime: Double? = nil, absences: [Absence] = []) {
                self.hoursPerWeek = hoursPerWeek
                self.workingDays = workingDays
                self.partTime = partTime
                self.absences = absences
            }
        }
        public let stated: Stated

        public init(email: String, name: String, roles: [String], user: String? = nil, capacity: Capacity = .standard, skills: [String] = []) {
            self.email = email
            self.name = name
            self.roles = roles
            self.user = user
            self.capacity = capacity
            self.statesCapacity = capacity != .standard
            self.skills = skills
            self.stated = Stated()
        }

        /// A person as `folio people` edits them; the capacity is checked as
        /// `folio.yml` would be. - Throws: `FolioError.usage` naming the problem.
        public init(email: String, name: String, roles: [String], user: String?, skills: [String], stated: Stated) throws {
            self.email = email
            self.name = name
            self.roles = roles
            self.user = user
            self.skills = skills
            self.stated = stated
            statesCapacity = stated != Stated()
            do {
                capacity = try Capacity.parse(
                    hoursPerWeek: stated.hoursPerWeek, workingDays: stated.workingDays, partTime: stated.partTime,
                    absences: stated.absences.map { ($0.from, $0.to) })
            } catch {
                throw FolioError.usage("person \(email): \(error.message)")
            }
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            email = try c.decode(String.self, forKey: .email)
            name = try c.decodeIfPresent(String.self, forKey: .name) ?? email
            roles = try c.decodeIfPresent([String].self, forKey: .roles) ?? []
            user = try c.decodeIfPresent(String.self, forKey: .user)
            skills = try c.decodeIfPresent([String].self, forKey: .skills) ?? []
            let hours = try c.decodeIfPresent(Double.self, forKey: .hoursPerWeek)
            let days = try c.decodeIfPresent([String].self, forKey: .workingDays)
            let fraction = try c.decodeIfPresent(Double.self, forKey: .partTime)
            let absences = try c.decodeIfPresent([Absence].self, forKey: .absences) ?? []
            statesCapacity = hours != nil || days != nil || fraction != nil || !absences.isEmpty
            stated = Stated(hoursPerWeek: hours, workingDays: days, partTime: fraction, absences: absences)
            do {
                capacity = try Capacity.parse(hoursPerWeek: hours, workingDays: days, partTime: fraction, absences: absences.map { ($0.from, $0.to) })
            } catch {
                throw DecodingError.dataCorruptedError(forKey: .email, in: c, debugDescription: "person \(email): \(error.message)")
            }
        }
    }

    public enum RevisionScheme: String, Sendable, Decodable, CaseIterable { case numeric, letter, iso19650 }
    public enum SignaturePolicy: String, Sendable, Decodable, CaseIterable { case off, optional, required }

    public struct ReviewPolicy: Sendable, Decodable {
        public let maxDays: Int
        package enum CodingKeys: String, CodingKey { case maxDays = "max_days" }
    }

    public let project: ProjectInfo
    public let numbering: NumberingPattern
    public let revisions: RevisionScheme
    public let signatures: SignaturePolicy
    public let reviewPolicy: ReviewPolicy
    public let people: [Person]
    /// The resource rules (`resources:`; defaults when absent).
    public let resources: ResourcePolicy
    /// The pack's tolerances (`tolerances:`; standard limits when absent).
    public let tolerances: Tolerances

    package enum CodingKeys: String, CodingKey {
        case project, numbering, revisions, signatures, people, resources, tolerances
        case reviewPolicy = "review_policy"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        project = try c.decode(ProjectInfo.self, forKey: .project)
        let pattern = try c.decodeIfPresent(String.self, forKey: .numbering) ?? NumberingPattern.defaultPattern
        do {
            numbering = try NumberingPattern(pattern)
        } catch let e as FolioError {
            throw DecodingError.dataCorruptedError(forKey: .numbering, in: c, debugDescription: e.description)
        }
        let scheme = try c.decodeIfPresent(String.self, forKey: .revisions) ?? "numeric"
        guard let r = RevisionScheme(rawValue: scheme) else {
            throw DecodingError.dataCorruptedError(
                forKey: .revisions, in: c, debugDescription: "revisions must be numeric, letter or iso19650, not '\(scheme)'")
        }
        revisions = r
        let policy = try c.decodeIfPresent(String.self, forKey: .signatures) ?? "optional"
        guard let s = SignaturePolicy(rawValue: policy) else {
            throw DecodingError.dataCorruptedError(
                forKey: .signatures, in: c, debugDescription: "signatures must be off, optional or required, not '\(policy)'")
        }
        signatures = s
        reviewPolicy = try c.decodeIfPresent(ReviewPolicy.self, forKey: .reviewPolicy) ?? ReviewPolicy(maxDays: 5)
        people = try c.decodeIfPresent([Person].self, forKey: .people) ?? []
        resources = try c.decodeIfPresent(ResourcePolicy.self, forKey: .resources) ?? .standard
        tolerances = try c.decodeIfPresent(Tolerances.self, forKey: .tolerances) ?? .standard
    }

    /// A project code: 2–16 characters `A-Z`, `0-9`, `-`, starting with a letter.
    public static func isProjectCode(_ code: String) -> Bool {
        (2...16).contains(code.count) && code.first!.isASCII && code.first!.isLetter
            && code.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber || $0 == "-") })
    }

    public static let path = "folio.yml"

    /// Parses `folio.yml`, with the same hostile-input limits as front matter.
    public static func parse(_ bytes: [UInt8]) throws -> ProjectConfig {
        let text: String
        do {
            text = try Text.decode(bytes)
        } catch {
            throw FolioError.unreadable("\(path):\(error.line): \(error.message)")
        }
        let node: Node?
        do {
            node = try SafeYAML.compose(text, firstLine: 1)
        } catch {
            throw FolioError.unreadable("\(path):\(error.line):\(error.column): \(error.message)")
        }
        guard let node, case .mapping = node else {
            throw FolioError.unreadable("\(path): must be a YAML mapping (see docs/formats.md)")
        }
        let config: ProjectConfig
        do {
            config = try YAMLDecoder().decode(ProjectConfig.self, from: node)
        } catch let error as DecodingError {
            throw FolioError.unreadable("\(path): \(namingPeople(Template.describe(error), node))")
        }
        let code = config.project.code
        guard isProjectCode(code) else {
            throw FolioError.unreadable("\(path): project code '\(code)' must be 2-16 characters A-Z, 0-9, '-', starting with a letter")
        }
        var seen = Set<String>()
        for person in config.people where !seen.insert(person.email.lowercased()).inserted {
            throw FolioError.unreadable("\(path): person \(person.email) is listed twice")
        }
        return config
    }

    /// A decoding message about `people.[N]…` names that person by email
    /// (people are found by email, not by their place in the list).
    static func namingPeople(_ message: String, _ node: Node) -> String {
        guard message.hasPrefix("people.["), let close = message.firstIndex(of: "]"),
            let index = Int(message[message.index(message.startIndex, offsetBy: 8)..<close])
        else { return message }
        let rest = message[message.index(after: close)...].drop { $0 == "." }
        let email = node["people"]?[index]?["email"]?.string
        return "person \(email ?? "number \(index + 1)")" + (rest.isEmpty ? "" : ": " + rest)
    }

    /// The person with this email (case-insensitive), if listed.
    public func person(_ email: String) -> Person? {
        people.first { $0.email.lowercased() == email.lowercased() }
    }

    /// The person a server names as the pusher: by email, by the `user`
    /// name of a git host (Gitea, GitLab), or by the local part of the email.
    public func person(pushedBy who: String) -> Person? {
        let name = who.lowercased()
        return people.first { person in
            person.email.lowercased() == name || person.user?.lowercased() == name
                || person.email.lowercased().split(separator: "@").first.map(String.init) == name
        }
    }

    public var emails: Set<String> { Set(people.map { $0.email.lowercased() }) }
}
