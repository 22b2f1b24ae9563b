import FolioGit
import FolioModel
import Foundation
import Yams

/// A PMO's portfolio file (docs/formats.md, "Portfolio file"): the projects
/// to report on, each a local repository (`path`) or a server's repository
/// (`url`) that `folio portfolio sync` keeps in a bare mirror, with the
/// portfolio's tolerances and currency rates.
///
///     portfolio: Digital workplace
///     mirrors: mirrors              # default: .folio-mirrors, beside the file
///     currency: EUR                 # converted totals in the cost report
///     rates: { USD: 0.92 }          # 1 USD = 0.92 EUR
///     tolerances: { milestone_slip_days: [5, 15] }
///     projects:
///       - { code: ALPHA, path: ../alpha }
///       - { code: BETA, url: https://git.example.com/pmo/beta.git, branch: main }
public struct Portfolio: Sendable {
    public struct Member: Sendable, Decodable {
        public let code: String
        public let path: String?
        public let url: String?
        public let branch: String?
    }

    public let name: String
    /// The file's absolute path.
    public let file: String
    /// The folder of the bare mirrors (absolute).
    public let mirrors: String
    public let currency: String?
    /// Units of `currency` per unit of each other currency.
    public let rates: [String: Double]
    public let tolerances: Tolerances?
    public let projects: [Member]

    struct Raw: Decodable {
        let portfolio: String?
        let mirrors: String?
        let currency: String?
        let rates: [String: Double]?
        let tolerances: Tolerances?
        let projects: [Member]
    }

    /// Reads a portfolio file. - Throws: `FolioError.usage` naming the file
    /// and what is wrong (not YAML, an unknown key, a project with both or
    /// neither of `path` and `url`, a code twice, a bad rate).
    public static func load(_ path: String) throws -> Portfolio {
        guard let data = FileManager.default.contents(atPath: path), data.count <= 1 << 20 else {
            throw FolioError.usage("\(path): no such portfolio file (or larger than 1 MiB)")
        }
        let raw: Raw
        do {
            let text = try Text.decode([UInt8](data))
            guard let node = try SafeYAML.compose(text, firstLine: 1), case .mapping(let mapping) = node else {
                throw FolioError.usage("\(path): a portfolio file is a YAML mapping with 'projects:' (docs/formats.md, \"Portfolio file\")")
            }
            let known: Set<String> = ["portfolio", "mirrors", "currency", "rates", "tolerances", "projects"]
            for key in mapping.keys.compactMap(\.string) where !known.contains(key) {
                throw FolioError.usage("\(path): unknown key '\(key)' (keys: \(known.sorted().joined(separator: ", ")))")
            }
            raw = try YAMLDecoder().decode(Raw.self, from: node)
        } catch let e as FolioError {
            throw e
        } catch let p as Text.Problem {
            throw FolioError.usage("\(path):\(p.line): \(p.message)")
        } catch let p as YAMLProblem {
            throw FolioError.usage("\(path):\(p.line): \(p.message)")
        } catch let e as DecodingError {
            throw FolioError.usage("\(path): \(Template.describe(e))")
        }
        var seen = Set<String>()
        for member in raw.projects {
            guard ProjectConfig.isProjectCode(member.code) else {
                throw FolioError.usage("\(path): project code '\(Diagnostic.escaped(member.code))' must be 2-16 characters A-Z, 0-9, '-'")
            }
            guard seen.insert(member.code).inserted else { throw FolioError.usage("\(path): project \(member.code) is listed twice") }
            guard (member.path == nil) != (member.url == nil) else {
                throw FolioError.usage("\(path): project \(member.code) needs exactly one of path (a repository here) and url (fetched by 'folio portfolio sync')")
            }
            if let branch = member.branch, branch.isEmpty || branch.contains("..") || branch.hasPrefix("-") || branch.contains(where: { $0.isWhitespace || $0 == ":" }) {
                throw FolioError.usage("\(path): project \(member.code): '\(Diagnostic.escaped(branch))' is not a branch name")
            }
        }
        guard !raw.projects.isEmpty else { throw FolioError.usage("\(path): no projects") }
        for (code, rate) in raw.rates ?? [:] where !(rate.isFinite && rate > 0 && rate < 1e9) || code.count != 3 || !code.allSatisfy({ $0.isASCII && $0.isUppercase }) {
            throw FolioError.usage("\(path): rates.\(code) must be a positive number per ISO 4217 code (1 \(code) = RATE \(raw.currency ?? "of the portfolio's currency"))")
        }
        if raw.rates?.isEmpty == false && raw.currency == nil { throw FolioError.usage("\(path): rates need a currency to convert into") }
        let folder = (path as NSString).deletingLastPathComponent
        func absolute(_ p: String) -> String { p.hasPrefix("/") ? p : (folder.isEmpty ? p : folder + "/" + p) }
        return Portfolio(
            name: raw.portfolio ?? (path as NSString).lastPathComponent, file: path, mirrors: absolute(raw.mirrors ?? ".folio-mirrors"),
            currency: raw.currency, rates: raw.rates ?? [:], tolerances: raw.tolerances,
            projects: raw.projects.map { Member(code: $0.code, path: $0.path.map(absolute), url: $0.url, branch: $0.branch) })
    }

    public func mirror(_ member: Member) -> String { mirrors + "/" + member.code + ".git" }

    /// What the last `sync` of a mirror said, kept in the mirror's git
    /// directory (`folio/sync.json`).
    public struct SyncState: Codable, Sendable {
        public var url: String
        public var lastAttempt: String
        public var lastSuccess: String?
        public var commit: String?
        public var error: String?
    }

    static func statePath(_ mirror: String) -> String { mirror + "/folio/sync.json" }

    public func state(_ member: Member) -> SyncState? {
        guard let data = FileManager.default.contents(atPath: Self.statePath(mirror(member))) else { return nil }
        return try? JSONDecoder().decode(SyncState.self, from: data)
    }

    /// The outcome of syncing one project.
    public struct SyncResult: Sendable {
        public let code: String
        public let url: String
        public let commit: String?
        public let previous: String?
        /// nil: fetched; else why not (the project is then stale).
        public let error: String?
        public let lastSuccess: String?
    }

    /// Fetches every `url` project into its bare mirror (`path` projects
    /// are read where they are). A project that cannot be fetched keeps its
    /// mirror as it was: stale, with its last good commit.
    public func sync(now: Date) -> [SyncResult] {
        projects.compactMap { member -> SyncResult? in
            guard let url = member.url else { return nil }
            let path = mirror(member)
            var state = state(member) ?? SyncState(url: url, lastAttempt: "", lastSuccess: nil, commit: nil, error: nil)
            state.url = url
            state.lastAttempt = Timestamp.string(now)
            let previous = state.commit
            do {
                try FileManager.default.createDirectory(atPath: mirrors, withIntermediateDirectories: true)
                let repository = try Repository.createBare(at: path)
                try repository.fetchMirror(from: url)
                let branches = try repository.references(prefix: "refs/heads/").map(\.name)
                let head = member.branch.map { "refs/heads/\($0)" }
                    ?? ["refs/heads/main", "refs/heads/master"].first(where: branches.contains) ?? branches.sorted().first
                guard let head, branches.contains(head) else {
                    throw FolioError.refused(member.branch.map { "the server has no branch \($0)" } ?? "the server's repository has no branches")
                }
                try repository.setHead(head)
                state.commit = try repository.referenceTarget(head)?.description
                state.lastSuccess = state.lastAttempt
                state.error = nil
            } catch {
                state.error = "\(error)"
            }
            if let data = try? JSONEncoder().encode(state) {
                try? FileManager.default.createDirectory(atPath: path + "/folio", withIntermediateDirectories: true)
                try? FileIO.writeAtomically([UInt8](data), to: Self.statePath(path))
            }
            return SyncResult(code: member.code, url: url, commit: state.commit, previous: previous, error: state.error, lastSuccess: state.lastSuccess)
        }
    }

    /// The projects as report sources, in the file's order, at `revision`
    /// (default: each one's HEAD; a mirror's HEAD is the branch synced). A
    /// mirror whose last sync failed is read as it stands and marked stale.
    /// - Throws: `FolioError.usage` for a project not synced yet, or a path
    ///   that is not a repository.
    public func sources(at revision: String?, context: FolioContext) throws -> [ReportSource] {
        try projects.map { member in
            if let path = member.path {
                let repository: Repository
                do {
                    repository = try Repository.discover(from: path)
                } catch {
                    throw FolioError.usage("\(file): project \(member.code): \(path) is not a git repository")
                }
                return try ReportSource(repository: repository, at: revision)
            }
            let path = mirror(member)
            let state = state(member)
            guard FileManager.default.fileExists(atPath: path), state?.commit != nil else {
                throw FolioError.usage("\(file): project \(member.code) has no mirror yet: run 'folio portfolio sync --portfolio \(file)'")
            }
            let source = try ReportSource(repository: try Repository.discover(from: path), at: revision)
            if let state, let error = state.error {
                source.stale = "stale: the last sync (\(state.lastAttempt)) failed (\(error)); reported as fetched \(state.lastSuccess ?? "never")"
            }
            return source
        }
    }
}
