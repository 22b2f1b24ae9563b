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
        if let currency = raw.currency, raw.rates?[currency] != nil {
            throw FolioError.usage("\(path): rates.\(currency) is the portfolio's own currency (1 \(currency) is 1 \(currency)): leave it out")
        }
        let folder = (path as NSString).deletingLastPathComponent
        func absolute(_ p: String) -> String { p.hasPrefix("/") ? p : (folder.isEmpty ? p : folder + "/" + p) }
        return Portfolio(
            name: raw.portfolio ?? (path as NSString).lastPathComponent, file: path, mirrors: absolute(raw.mirrors ?? ".folio-mirrors"),
            currency: raw.currency, rates: raw.rates ?? [:], tolerances: raw.tolerances,
            projects: raw.projects.map { Member(code: $0.code, path: $0.path.map(absolute), url: $0.url, branch: $0.branch) })
    }

    public func mirror(_ member: Member) -> String { mirrors + "/" + member.code + ".git" }

    /// Where the password of a URL's user information is (`https://user:PASSWORD@host/…`), if any.
    static func password(in url: String) -> Range<String.Index>? {
        guard let scheme = url.range(of: "://"), let at = url[scheme.upperBound...].firstIndex(of: "@"),
            let colon = url[scheme.upperBound..<at].firstIndex(of: ":")
        else { return nil }
        return url.index(after: colon)..<at
    }

    /// A URL as it may be shown or stored: a password in it replaced by `***`.
    public static func redacted(_ url: String) -> String {
        guard let range = password(in: url) else { return url }
        return url.replacingCharacters(in: range, with: "***")
    }

    /// Text from elsewhere (a server's error) made safe to show: one line,
    /// no control characters, no password of the URL.
    static func shown(_ text: String, url: String) -> String {
        guard let range = password(in: url), !range.isEmpty else { return Diagnostic.escaped(text) }
        return Diagnostic.escaped(text.replacingOccurrences(of: String(url[range]), with: "***"))
    }

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
    public func sync(now: Date, timeout: TimeInterval = 300) -> [SyncResult] {
        projects.compactMap { member -> SyncResult? in
            guard let url = member.url else { return nil }
            let path = mirror(member)
            var state = state(member) ?? SyncState(url: Self.redacted(url), lastAttempt: "", lastSuccess: nil, commit: nil, error: nil)
            state.url = Self.redacted(url)
            state.lastAttempt = Timestamp.string(now)
            let previous = state.commit
            do {
                try FileManager.default.createDirectory(atPath: mirrors, withIntermediateDirectories: true)
                let serverHead = try Self.fetch(url, into: path, timeout: timeout)
                let repository = try Repository.open(exactly: path)
                let branches = try repository.references(prefix: "refs/heads/").map(\.name)
                // The project's branch: as the file says, else the one the server's HEAD names.
                let head = member.branch.map { "refs/heads/\($0)" }
                    ?? serverHead.flatMap { branches.contains($0) ? $0 : nil }
                    ?? ["refs/heads/main", "refs/heads/master"].first(where: branches.contains) ?? branches.sorted().first
                guard let head, branches.contains(head) else {
                    throw FolioError.refused(member.branch.map { "the server has no branch \($0)" } ?? "the server's repository has no branches")
                }
                try repository.setHead(head)
                // The mirror must be readable, not just fetched: a damaged one is stale.
                guard let tip = try repository.headCommit() else { throw FolioError.refused("the mirror's \(head) has no commit") }
                _ = try tip.tree()
                state.commit = tip.id.description
                state.lastSuccess = state.lastAttempt
                state.error = nil
            } catch {
                state.error = Self.shown("\(error)", url: url)
            }
            if let data = try? JSONEncoder().encode(state) {
                try? FileManager.default.createDirectory(atPath: path + "/folio", withIntermediateDirectories: true)
                try? FileIO.writeAtomically([UInt8](data), to: Self.statePath(path))
            }
            return SyncResult(code: member.code, url: Self.redacted(url), commit: state.commit, previous: previous, error: state.error, lastSuccess: state.lastSuccess)
        }
    }

    /// A fetch on a thread of its own, given up after `timeout` seconds: a
    /// server that accepts the connection and never answers would otherwise
    /// hold the sync (and every project after it) forever. A fetch given up
    /// leaves the mirror as it was; its thread ends with the process.
    /// Returns the branch the server's HEAD names, if any.
    static func fetch(_ url: String, into path: String, timeout: TimeInterval) throws -> String? {
        final class Outcome: @unchecked Sendable {
            let done = DispatchSemaphore(value: 0)
            var error: Error?
            var head: String?
        }
        let outcome = Outcome()
        let thread = Thread {
            do {
                outcome.head = try Repository.createBare(at: path).fetchMirror(from: url)
            } catch {
                outcome.error = error
            }
            outcome.done.signal()
        }
        thread.start()
        guard outcome.done.wait(timeout: .now() + timeout) == .success else {
            throw FolioError.refused("no answer from the server within \(Int(timeout)) s")
        }
        if let error = outcome.error { throw error }
        return outcome.head
    }

    /// The projects as report sources, in the file's order, at `revision`
    /// (default: each one's HEAD; a mirror's HEAD is the branch synced). A
    /// mirror whose last sync failed is read as it stands and marked stale.
    /// - Throws: `FolioError.usage` for a project not synced yet, or a path
    ///   that is not a repository.
    public func sources(at revision: String?, context: FolioContext) throws -> [ReportSource] {
        // Opened on all cores (each project its own repository); the first
        // failing project in the file's order is the error, as one by one.
        let sources = try Parallel.map(projects, threshold: 2) { member -> ReportSource in
            let source: ReportSource
            do {
                if let path = member.path {
                    source = try ReportSource(repository: try Repository.discover(from: path), at: revision)
                } else {
                    let path = mirror(member)
                    guard FileManager.default.fileExists(atPath: path), state(member)?.commit != nil else {
                        throw FolioError.usage("project \(member.code) has no mirror yet: run 'folio portfolio sync --portfolio \(file)'")
                    }
                    // The mirror itself, never a repository around it.
                    source = try ReportSource(repository: try Repository.open(exactly: path), at: revision)
                }
            } catch let e as FolioError {
                throw FolioError.usage("\(file): \(e.description.hasPrefix("project ") ? "" : "project \(member.code): ")\(e.description)")
            } catch {
                throw FolioError.usage("\(file): project \(member.code): \(member.path ?? mirror(member)) cannot be read (\(Diagnostic.escaped("\(error)"))); for a mirror, run 'folio portfolio sync'")
            }
            guard source.info.code == member.code else {
                throw FolioError.usage("\(file): project \(member.code) is \(source.info.code) in its folio.yml: the codes must agree")
            }
            if member.url != nil, let state = state(member) {
                if let url = member.url, state.url != Self.redacted(url) {
                    source.stale = "stale: its url changed since the last sync (\(state.lastSuccess ?? "never")): run 'folio portfolio sync'"
                } else if let error = state.error {
                    source.stale = "stale: the last sync (\(state.lastAttempt)) failed (\(Diagnostic.escaped(error))); reported as fetched \(state.lastSuccess ?? "never")"
                }
            }
            return source
        }
        try ReportSource.requireDistinct(sources)
        return sources
    }
}
