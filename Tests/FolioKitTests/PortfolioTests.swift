import Foundation
import Testing

/// A portfolio file and `folio portfolio sync`: projects fetched with
/// libgit2 into bare mirrors over file://, git:// (`git daemon`) and smart
/// HTTP (`git http-backend`) on loopback, new commits and rewritten
/// histories followed, an unreachable server marked stale, never dropped.
@Suite(.tags(.process))
struct PortfolioTests {
    /// The pack's two projects (Fixtures/scripts/make-pack-fixture.sh), here the servers.
    static func fixture() throws -> (sandbox: Sandbox, alpha: String, beta: String) { try PackTests.fixture() }

    static func writePortfolio(_ sandbox: Sandbox, alphaURL: String, beta: String) throws -> String {
        let file = sandbox.path("pmo/portfolio.yml")
        try FileManager.default.createDirectory(atPath: sandbox.path("pmo"), withIntermediateDirectories: true)
        try """
            portfolio: Test portfolio
            mirrors: mirrors
            tolerances: { milestone_slip_days: [10, 40] }
            projects:
              - { code: ALPHA, url: "\(alphaURL)" }
              - { code: BETA, path: \(beta) }

            """.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test("sync over file://: a new commit shows in the next pack, a rewritten history replaces the old, an unreachable server leaves the project stale with its last good commit")
    func syncFollowsTheServer() throws {
        let (sandbox, alpha, beta) = try Self.fixture()
        let folio = try Tools.requireFolio()
        let pmo = sandbox.path("pmo")
        // Before any sync, reports say what to run.
        var file = try Self.writePortfolio(sandbox, alphaURL: "file://\(alpha)", beta: beta)
        let early = try sandbox.run(folio, ["report", "register", "--portfolio", file], in: pmo)
        #expect(early.status == 2 && early.stderr.contains("no mirror yet: run 'folio portfolio sync"), "\(early)")

        let first = try sandbox.run(folio, ["portfolio", "sync", "--portfolio", file], in: pmo)
        #expect(first.ok && first.stdout.contains("ALPHA: fetched"), "\(first)")
        let head1 = try sandbox.git(["rev-parse", "HEAD"], in: alpha).trimmed
        func packProjects() throws -> [[String: Any]] {
            let pack = try sandbox.run(folio, ["report", "pack", "--portfolio", file, "--format", "json", "--since", "2026-03-09", "--until", "2026-03-15", "--as-of", "2026-03-16"], in: pmo)
            #expect(pack.ok, "\(pack)")
            return pack.jsonObject?["projects"] as? [[String: Any]] ?? []
        }
        var projects = try packProjects()
        #expect(projects.map { $0["code"] as? String ?? "" } == ["ALPHA", "BETA"])
        #expect(projects.first?["commit"] as? String == head1 && projects.first?["stale"] == nil, "\(projects)")
        #expect((projects.first?["repository"] as? String)?.hasSuffix("mirrors/ALPHA.git") == true)
        // The mirror is a bare repository git itself reads.
        #expect(try sandbox.git(["fsck", "--strict"], in: "\(pmo)/mirrors/ALPHA.git").ok)
        // The portfolio's tolerances apply: a 30-day slip is amber under [10, 40].
        let portfolioRows = try sandbox.run(folio, ["report", "pack", "--portfolio", file, "--format", "json", "--section", "portfolio", "--since", "2026-03-09", "--until", "2026-03-15", "--as-of", "2026-03-16"], in: pmo).jsonObject?["portfolio"] as? [[String: Any]]
        #expect(portfolioRows?.first?["schedule"] as? String == "amber", "\(String(describing: portfolioRows))")

        // A new commit on the server shows after the next sync.
        #expect(try sandbox.git(["commit", "-q", "--allow-empty", "--no-verify", "-m", "new work"], in: alpha).ok)
        let head2 = try sandbox.git(["rev-parse", "HEAD"], in: alpha).trimmed
        let second = try sandbox.run(folio, ["portfolio", "sync", "--portfolio", file], in: pmo)
        #expect(second.ok && second.stdout.contains(String(head2.prefix(12))), "\(second)")
        projects = try packProjects()
        #expect(projects.first?["commit"] as? String == head2)
        let again = try sandbox.run(folio, ["portfolio", "sync", "--portfolio", file], in: pmo)
        #expect(again.ok && again.stdout.contains("ALPHA: up to date"), "\(again)")

        // A rewritten history (amend, force-pushed) replaces the old one.
        #expect(try sandbox.git(["commit", "-q", "--amend", "--allow-empty", "--no-verify", "-m", "new work, reworded"], in: alpha).ok)
        let head3 = try sandbox.git(["rev-parse", "HEAD"], in: alpha).trimmed
        #expect(try sandbox.run(folio, ["portfolio", "sync", "--portfolio", file], in: pmo).ok)
        #expect(try sandbox.git(["rev-parse", "refs/heads/main"], in: "\(pmo)/mirrors/ALPHA.git").trimmed == head3)
        let ancestor = try sandbox.run(Tools.git, ["merge-base", "--is-ancestor", head2, "main"], in: "\(pmo)/mirrors/ALPHA.git")
        #expect(ancestor.status == 1, "the replaced commit is no longer on main")

        // The server goes away: sync says stale (exit 1), the reports still show the project, marked, at its last good commit.
        file = try Self.writePortfolio(sandbox, alphaURL: "file://\(sandbox.path("gone"))", beta: beta)
        let stale = try sandbox.run(folio, ["portfolio", "sync", "--portfolio", file], in: pmo)
        #expect(stale.status == 1 && stale.stdout.contains("ALPHA: STALE") && stale.stdout.contains(String(head3.prefix(12))), "\(stale)")
        projects = try packProjects()
        #expect(projects.count == 2 && projects.first?["commit"] as? String == head3, "never dropped: \(projects)")
        #expect((projects.first?["stale"] as? String)?.contains("stale") == true, "\(projects)")
        let html = try sandbox.run(folio, ["report", "pack", "--portfolio", file, "--format", "html", "--since", "2026-03-09", "--until", "2026-03-15"], in: pmo)
        #expect(html.stdout.contains("STALE"))
        // CSV holds one table: a stale project is marked in a column of its own, on each of its rows.
        let csv = try sandbox.run(folio, ["report", "register", "--portfolio", file, "--format", "csv"], in: pmo).stdout
        let header = csv.split(separator: "\r\n").first.map(String.init) ?? ""
        #expect(header.hasSuffix(",project_stale"), "\(header)")
        let alphaRows = csv.split(separator: "\r\n").dropFirst().filter { $0.hasPrefix("ALPHA,") }
        #expect(!alphaRows.isEmpty && alphaRows.allSatisfy { $0.contains("stale") }, "\(csv.prefix(800))")
        let text = try sandbox.run(folio, ["report", "register", "--portfolio", file], in: pmo)
        #expect(text.ok && text.stdout.contains("ALPHA") && text.stdout.contains("stale:"), "\(text)")

        // A damaged mirror is never read as the repository around it (the PMO's own clone).
        try sandbox.git(["init", "-q"], in: pmo)
        try FileManager.default.removeItem(atPath: "\(pmo)/mirrors/ALPHA.git/objects")
        let damaged = try sandbox.run(folio, ["report", "register", "--portfolio", file], in: pmo)
        #expect(damaged.status == 2 && damaged.stderr.contains("project ALPHA"), "\(damaged)")
        // A server that never answers is given up after --timeout; a password in a url is never shown or stored.
        let listener = try Socket.listening()
        defer { listener.close() }
        try """
            projects:
              - { code: ALPHA, url: "git://127.0.0.1:\(listener.port)/alpha" }
              - { code: BETA, url: "http://pmo:s3cretPW@127.0.0.1:1/beta" }

            """.write(toFile: sandbox.path("pmo/slow.yml"), atomically: true, encoding: .utf8)
        let slow = try sandbox.run(folio, ["portfolio", "sync", "--portfolio", sandbox.path("pmo/slow.yml"), "--timeout", "2"], in: pmo)
        #expect(slow.status == 1 && slow.stdout.contains("ALPHA: STALE: no answer from the server within 2 s"), "\(slow)")
        #expect(slow.stdout.contains("BETA: STALE") && !slow.output.contains("s3cretPW") && slow.stdout.contains("pmo:***@"), "\(slow)")
        let stored = try String(contentsOfFile: sandbox.path("pmo/.folio-mirrors/BETA.git/folio/sync.json"), encoding: .utf8)
        #expect(!stored.contains("s3cretPW"), "\(stored)")

        // A bad portfolio file is one clear line.
        try "projects:\n  - { code: ALPHA, path: x, url: y }\n".write(toFile: sandbox.path("pmo/bad.yml"), atomically: true, encoding: .utf8)
        let bad = try sandbox.run(folio, ["report", "register", "--portfolio", sandbox.path("pmo/bad.yml")], in: pmo)
        #expect(bad.status == 2 && bad.stderr.contains("exactly one of path"), "\(bad)")
        try "currency: EUR\nrates: { EUR: 2 }\nprojects:\n  - { code: BETA, path: \(beta) }\n".write(toFile: sandbox.path("pmo/self.yml"), atomically: true, encoding: .utf8)
        let selfRate = try sandbox.run(folio, ["report", "cost", "--portfolio", sandbox.path("pmo/self.yml")], in: pmo)
        #expect(selfRate.status == 2 && selfRate.stderr.contains("rates.EUR is the portfolio's own currency"), "\(selfRate)")
        let both = try sandbox.run(folio, ["report", "register", "--portfolio", file, "--repo", beta], in: pmo)
        #expect(both.status == 2, "\(both)")
    }

    @Test("sync follows the branch the server's HEAD names, as git clone does, not main by name")
    func syncFollowsServerHead() throws {
        let (sandbox, alpha, beta) = try Self.fixture()
        let folio = try Tools.requireFolio()
        let pmo = sandbox.path("pmo")
        try sandbox.git(["checkout", "-q", "-b", "trunk"], in: alpha)
        #expect(try sandbox.git(["commit", "-q", "--allow-empty", "--no-verify", "-m", "on trunk"], in: alpha).ok)
        let trunk = try sandbox.git(["rev-parse", "HEAD"], in: alpha).trimmed
        let file = try Self.writePortfolio(sandbox, alphaURL: "file://\(alpha)", beta: beta)
        let sync = try sandbox.run(folio, ["portfolio", "sync", "--portfolio", file], in: pmo)
        #expect(sync.ok, "\(sync)")
        let mirror = "\(pmo)/mirrors/ALPHA.git"
        #expect(try sandbox.git(["symbolic-ref", "HEAD"], in: mirror).trimmed == "refs/heads/trunk")
        let branches = try sandbox.git(["branch", "-a"], in: mirror).stdout
        #expect(try sandbox.git(["rev-parse", "HEAD"], in: mirror).trimmed == trunk, "main is still there, behind: \(branches)")
    }

    @Test("sync over git:// (git daemon) and smart HTTP (git http-backend) on loopback")
    func syncOverNetworkProtocols() throws {
        let (sandbox, alpha, beta) = try Self.fixture()
        let folio = try Tools.requireFolio()
        let servers = (alpha as NSString).deletingLastPathComponent
        let head = try sandbox.git(["rev-parse", "HEAD"], in: alpha).trimmed

        /// A server in the background, stopped (and reaped, at most 5 s) at the end.
        func start(_ executable: String, _ arguments: [String]) throws -> Process {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process
        }
        func stop(_ process: Process) {
            process.terminate()
            for _ in 0..<50 where process.isRunning { Thread.sleep(forTimeInterval: 0.1) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        // git daemon (git-daemon itself, so stopping it stops the server), on a free port.
        let execPath = try sandbox.run(Tools.git, ["--exec-path"], in: sandbox.root.path).trimmed
        let daemonPort = Int.random(in: 30000...45000)
        let daemon = try start("\(execPath)/git-daemon", ["--reuseaddr", "--export-all", "--base-path=\(servers)", "--listen=127.0.0.1", "--port=\(daemonPort)", servers])
        defer { stop(daemon) }
        // Smart HTTP: git http-backend behind a small server (Fixtures/scripts/git-http-server.py).
        let httpPort = Int.random(in: 45001...60000)
        let server = Tools.fixtures.appendingPathComponent("scripts/git-http-server.py").path
        let http = try start(Tools.python, [server, servers, "\(httpPort)"])
        defer { stop(http) }

        for (name, url) in [("git daemon", "git://127.0.0.1:\(daemonPort)/alpha"), ("smart HTTP", "http://127.0.0.1:\(httpPort)/alpha")] {
            // Wait until the server answers git itself.
            var ready = false
            // A bound on waiting, not a timed assertion: on a loaded machine
            // (the real-server suites start sshd and Apache meanwhile) a
            // daemon can take seconds to answer.
            for _ in 0..<600 where !ready {
                ready = try sandbox.run(Tools.git, ["ls-remote", url], in: sandbox.root.path).ok
                if !ready { Thread.sleep(forTimeInterval: 0.1) }
            }
            #expect(ready, "\(name) did not start at \(url)")
            let file = try Self.writePortfolio(sandbox, alphaURL: url, beta: beta)
            try? FileManager.default.removeItem(atPath: sandbox.path("pmo/mirrors"))
            let synced = try sandbox.run(folio, ["portfolio", "sync", "--portfolio", file], in: sandbox.path("pmo"))
            #expect(synced.ok && synced.stdout.contains("ALPHA: fetched"), "\(name): \(synced)")
            #expect(try sandbox.git(["rev-parse", "refs/heads/main"], in: sandbox.path("pmo/mirrors/ALPHA.git")).trimmed == head, "\(name)")
            let tags = try sandbox.git(["tag", "--list"], in: alpha).trimmed
            #expect(try sandbox.git(["tag", "--list"], in: sandbox.path("pmo/mirrors/ALPHA.git")).trimmed == tags, "\(name): tags fetched too")
            let register = try sandbox.run(folio, ["report", "register", "--portfolio", file, "--format", "json"], in: sandbox.path("pmo"))
            #expect(register.ok && (register.jsonObject?["projects"] as? [[String: Any]])?.count == 2, "\(name): \(register)")
        }
    }
}

/// A TCP socket on loopback that accepts connections and never answers (a hung server).
final class Socket {
    let fd: Int32
    let port: Int

    private init(fd: Int32, port: Int) {
        self.fd = fd
        self.port = port
    }

    static func listening() throws -> Socket {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SetupError("socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0, listen(fd, 16) == 0 else { throw SetupError("bind/listen") }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Socket(fd: fd, port: Int(UInt16(bigEndian: actual.sin_port)))
    }

    func close() { _ = Glibc.close(fd) }
}
