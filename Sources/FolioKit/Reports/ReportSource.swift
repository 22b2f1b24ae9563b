import FolioGit
import FolioModel
import Foundation

/// One project a report reads: a repository (with a work tree or bare) at
/// one commit. A portfolio report reads several and names each row's project.
public final class ReportSource {
    public let repository: Repository
    public let project: Project
    public let commit: ObjectID
    /// The commit's committer time.
    public let commitDate: Date
    public private(set) var info: ReportProject
    /// Why this project's data may be old (a portfolio mirror whose last
    /// sync failed); shown with the project in every report.
    public var stale: String? {
        get { info.stale }
        set { info = ReportProject(code: info.code, name: info.name, repository: info.repository, commit: info.commit, commitDate: info.commitDate, stale: newValue) }
    }
    /// The revision asked for (nil: HEAD).
    public let revision: String?

    /// The project at `revision` (default: HEAD).
    public init(repository: Repository, at revision: String?) throws {
        let commit = try Project.tip(repository, revision)
        self.repository = repository
        self.revision = revision
        self.commit = commit.id
        commitDate = commit.committer.time
        project = try Project(repository: repository, source: TreeSource(repository: repository, tree: commit.tree(), label: revision ?? "HEAD"))
        var path = repository.workdir ?? repository.gitDir
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        info = ReportProject(
            code: project.config.project.code, name: project.config.project.name, repository: path,
            commit: commit.id.description, commitDate: Timestamp.string(commitDate))
    }

    var code: String { info.code }

    /// A report's title: `Kind: ALPHA Project Alpha` for one project,
    /// `Kind: portfolio of N projects` for several, then `suffix`.
    public static func title(_ kind: String, _ sources: [ReportSource], suffix: String = "") -> String {
        let what = sources.count == 1 ? "\(sources[0].info.code) \(sources[0].info.name)" : "portfolio of \(sources.count) projects"
        return "\(kind): \(what)\(suffix)"
    }

    /// The same project twice (a repository and its clone, or two with one
    /// code) would count every hour and every invoice twice.
    /// - Throws: `FolioError.usage` naming both repositories.
    public static func requireDistinct(_ sources: [ReportSource]) throws {
        var seen: [String: String] = [:]
        for source in sources {
            if let other = seen[source.code] {
                throw FolioError.usage("project \(source.code) is given twice (\(other) and \(source.info.repository)): each project once")
            }
            seen[source.code] = source.info.repository
        }
    }
}

/// Calendar days given as `YYYY-MM-DD`, in UTC.
public enum ReportDate {
    static let calendar: Calendar = {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(identifier: "UTC")!
        return c
    }()

    /// The Monday (00:00:00 UTC) of the week holding `date`: reports count activity by such weeks.
    public static func weekStart(_ date: Date) -> Date {
        let weekday = calendar.component(.weekday, from: date)  // 1 = Sunday
        let back = (weekday + 5) % 7
        return calendar.startOfDay(for: date).addingTimeInterval(-Double(back) * 86400)
    }

    /// The start (00:00:00 UTC) of a day given as `YYYY-MM-DD`, or nil when it is not a real date.
    public static func start(of text: String) -> Date? {
        Day(text).map { Date(timeIntervalSince1970: Double($0.number) * 86400) }
    }

    /// `YYYY-MM-DD` of a moment, in UTC.
    public static func day(_ date: Date) -> String {
        String(Timestamp.string(date).prefix(10))
    }

    /// Parses a day given on the command line, or fails with a usage error naming the option.
    public static func parse(_ text: String, option: String) throws -> Date {
        Date(timeIntervalSince1970: Double(try parseDay(text, option: option).number) * 86400)
    }

    /// The same, as a calendar day.
    public static func parseDay(_ text: String, option: String) throws -> Day {
        guard let day = Day(text) else { throw FolioError.usage("\(option): '\(text)' is not a date (YYYY-MM-DD)") }
        return day
    }
}
