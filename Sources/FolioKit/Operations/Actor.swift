import FolioGit
import FolioModel
import Foundation

/// The person acting: the git identity, as git itself would pick it
/// (`GIT_AUTHOR_NAME`/`GIT_AUTHOR_EMAIL`, else `user.name`/`user.email`), and
/// the time of the act (`GIT_AUTHOR_DATE` when set, so imports and demos can
/// replay history; otherwise now).
public struct Actor: Sendable {
    public let author: Identity
    public let committer: Identity

    public var email: String { author.email }
    public var name: String { author.name }
    public var time: Date { author.time }

    /// - Throws: `FolioError.usage` when no identity is set or a date cannot be read.
    public static func current(_ repository: Repository, _ context: FolioContext) throws -> Actor {
        let env = context.environment
        func nonEmpty(_ s: String?) -> String? { s.flatMap { $0.isEmpty ? nil : $0 } }
        guard let name = nonEmpty(env["GIT_AUTHOR_NAME"]) ?? nonEmpty(repository.configString("user.name")),
            let email = nonEmpty(env["GIT_AUTHOR_EMAIL"]) ?? nonEmpty(repository.configString("user.email"))
        else {
            throw FolioError.usage("no git identity: set it with 'git config user.name \"Your Name\"' and 'git config user.email you@example.com'")
        }
        let (authorTime, authorOffset) = try nonEmpty(env["GIT_AUTHOR_DATE"]).map(GitDate.parse) ?? (context.now(), 0)
        let committerName = nonEmpty(env["GIT_COMMITTER_NAME"]) ?? name
        let committerEmail = nonEmpty(env["GIT_COMMITTER_EMAIL"]) ?? email
        let (committerTime, committerOffset) = try nonEmpty(env["GIT_COMMITTER_DATE"]).map(GitDate.parse) ?? (authorTime, authorOffset)
        return Actor(
            author: Identity(name: name, email: email, time: authorTime, offsetMinutes: authorOffset),
            committer: Identity(name: committerName, email: committerEmail, time: committerTime, offsetMinutes: committerOffset))
    }
}

/// The date formats git accepts in `GIT_AUTHOR_DATE` that Folio supports:
/// `@1700000000 +0100`, `1700000000 +0100`, ISO 8601 (`2026-03-02T10:00:00Z`,
/// `2026-03-02 10:00:00 +01:00`).
enum GitDate {
    static func parse(_ text: String) throws -> (Date, Int) {
        let t = text.trimmingCharacters(in: .whitespaces)
        let parts = t.split(separator: " ")
        if let first = parts.first {
            let digits = first.hasPrefix("@") ? first.dropFirst() : first
            if let seconds = Int(digits), parts.count <= 2 {
                let offset = parts.count == 2 ? zoneMinutes(String(parts[1])) ?? 0 : 0
                return (Date(timeIntervalSince1970: TimeInterval(seconds)), offset)
            }
        }
        var iso = t.replacingOccurrences(of: " ", with: "T")
        // "2026-03-02T10:00:00T+01:00" from "date time zone"
        iso = iso.replacingOccurrences(of: "T+", with: "+").replacingOccurrences(of: "T-", with: "-")
        var offset = 0
        if iso.hasSuffix("Z") {
            offset = 0
        } else if let sign = iso.lastIndex(where: { $0 == "+" || $0 == "-" }), iso.distance(from: iso.startIndex, to: sign) > 10 {
            offset = zoneMinutes(String(iso[sign...])) ?? 0
        } else {
            iso += "Z"
        }
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        if let d = f.date(from: iso) { return (d, offset) }
        if let d = f.date(from: iso.replacingOccurrences(of: "(\\d\\d)(\\d\\d)$", with: "$1:$2", options: .regularExpression)) {
            return (d, offset)
        }
        throw FolioError.usage("cannot read the date '\(text)' (GIT_AUTHOR_DATE / GIT_COMMITTER_DATE)")
    }

    static func zoneMinutes(_ zone: String) -> Int? {
        let sign = zone.hasPrefix("-") ? -1 : 1
        let digits = zone.drop { $0 == "+" || $0 == "-" }.replacingOccurrences(of: ":", with: "")
        guard digits.count == 4, let h = Int(digits.prefix(2)), let m = Int(digits.suffix(2)) else { return nil }
        return sign * (h * 60 + m)
    }
}
