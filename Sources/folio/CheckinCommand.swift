import ArgumentParser
import FolioKit
import Foundation

struct CheckinCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkin", abstract: "Validate and commit the work tree's version of a document and its attachments.",
        discussion: "A document file created by hand in a type's folder is registered by its first check-in.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The document's path or ID.") var document: String
    @Option(name: .shortAndLong, help: "What changed (recorded with the version).") var message: String?

    func run() throws {
        let result = try CheckIn.run(repository: try global.repository(), document: document, message: message)
        print("\(result.id) \(result.revision) (commit \(result.commit.short))")
        Output.warn(result.warnings)
    }
}

struct AttachCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach", abstract: "Add or replace attachments of a document, as a new version.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The document's ID or path.") var document: String
    @Argument(help: "Files to attach (a file of the same name is replaced).") var files: [String]
    @Option(name: .shortAndLong, help: "What changed.") var message: String?

    func run() throws {
        let result = try CheckIn.attach(repository: try global.repository(), document: document, files: files, message: message)
        print("\(result.id) \(result.revision) (commit \(result.commit.short))")
        Output.warn(result.warnings)
    }
}
