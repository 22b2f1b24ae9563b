import ArgumentParser
import FolioKit
import Foundation

extension ReportFormat: ExpressibleByArgument {}

/// Options every `folio report …` takes: one or more repositories (a
/// portfolio), the revision to report at, the format and the output file.
struct ReportOptions: ParsableArguments {
    @Option(name: .customLong("repo"), help: "A project repository; repeat for a portfolio view (default: the current one).")
    var repos: [String] = []
    @Option(name: .long, help: "Report at this revision (a branch, tag or commit; default: HEAD).")
    var at: String?
    @Option(name: .long, help: "text, md, csv, json or html.")
    var format: ReportFormat = .text
    @Option(name: [.customShort("o"), .long], help: "Write the report to FILE instead of standard output.")
    var output: String?

    /// The repositories to report on, in the order given.
    func repositories() throws -> [Repository] {
        let paths = repos.isEmpty ? [FileManager.default.currentDirectoryPath] : repos
        return try paths.map { path in
            do {
                return try Repository.discover(from: path)
            } catch let e as GitError where e.isNotFound {
                throw FolioError.usage("not a git repository: \(path)")
            }
        }
    }
}
