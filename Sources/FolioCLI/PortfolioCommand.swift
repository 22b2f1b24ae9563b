import ArgumentParser
import FolioGit
import FolioKit
import FolioModel
import Foundation

/// `folio portfolio …`: a PMO's view over many projects' repositories.
struct PortfolioCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "portfolio", abstract: "Keep a portfolio's projects in bare mirrors for reports (--portfolio FILE).",
        subcommands: [PortfolioSyncCommand.self])
}

struct PortfolioSyncCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Fetch every project of a portfolio file that has a url into its bare mirror.",
        discussion: """
            Branches and tags are fetched forced and pruned (a rewritten history replaces the old one). A project \
            that cannot be fetched keeps its mirror as it was and is reported as stale, with its last good commit; \
            the exit status is then 1. Transports: paths, file://, git://, ssh:// (keys from ssh-agent), http(s)://. \
            See docs/formats.md ("Portfolio file").
            """)

    @Option(name: .long, help: "The portfolio file (default: portfolio.yml).")
    var portfolio: String = "portfolio.yml"
    @Option(name: .long, help: "Give up on a server that has not finished after this many seconds (default 300); the project is then stale.")
    var timeout: Int = 300

    func run(_ ctx: FolioContext) throws {
        guard (1...86400).contains(timeout) else { throw FolioError.usage("--timeout must be 1 to 86400 seconds") }
        let file = try Portfolio.load(ctx.absolutePath(portfolio))
        let results = file.sync(now: ctx.now(), timeout: TimeInterval(timeout))
        if results.isEmpty { ctx.print("\(portfolio): no project has a url: nothing to fetch") }
        var stale = 0
        for r in results {
            let at = r.commit.map { String($0.prefix(12)) } ?? "none"
            if let error = r.error {
                stale += 1
                ctx.print("\(r.code): STALE: \(Diagnostic.escaped(error)); last good commit \(at)\(r.lastSuccess.map { " (fetched \($0))" } ?? "")")
            } else if r.previous == r.commit {
                ctx.print("\(r.code): up to date at \(at)")
            } else {
                ctx.print("\(r.code): fetched, now at \(at)\(r.previous.map { " (was \($0.prefix(12)))" } ?? " (new mirror)")")
            }
        }
        if stale > 0 { throw ExitCode(1) }
    }
}
