import ArgumentParser
import FolioGit
import FolioKit
import FolioModel
import Foundation

struct VerifyCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Audit the whole history: approvals, append-only records, issued content, signatures, IDs.",
        discussion: "Exits 1 when anything is found; each finding names its rule, commit and document.")

    @OptionGroup var global: GlobalOptions
    @Option(name: .long, help: "Audit the history up to this revision (default: HEAD).") var at: String?
    @Option(name: .long, help: "text or json.") var format: TextOrJSON = .text

    func run(_ ctx: FolioContext) throws {
        let report = try Verifier(repository: try global.repository(ctx)).run(from: at)
        if format == .json {
            try Output.json(ctx, report)
        } else {
            for f in report.findings {
                // Paths and IDs come from the repository: shown, never obeyed by the terminal.
                ctx.print("\(String(f.commit.prefix(10))) \(Diagnostic.escaped(f.document)): \(Diagnostic.escaped(f.message)) [\(f.rule)]")
            }
            ctx.print("verified \(report.commits) commits, \(report.events) record events, \(report.signatures) signatures: " +
                (report.ok ? "no findings" : "\(report.findings.count) finding(s)"))
        }
        if !report.ok { throw ExitCode(1) }
    }
}

struct DiffCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "What changed in a document: fields, sections, register rows and attachments.",
        discussion: """
            Without REV: from the last issued revision (or the first draft) to the current version. \
            With one REV: from REV to the current version. REV is a revision label (0.2, 1.0, B, P01.02) \
            or a git revision.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The document ID.") var id: String
    @Argument(help: "From and to revisions.") var revisions: [String] = []
    @Option(name: .long, help: "text or json.") var format: TextOrJSON = .text

    func run(_ ctx: FolioContext) throws {
        guard revisions.count <= 2 else { throw FolioError.usage("diff takes at most two revisions") }
        let repository = try global.repository(ctx)
        let project = try Project.atRevision(repository, nil)
        let location = try project.require(id, from: ctx.workingDirectory)
        guard let head = try repository.headCommit() else { throw FolioError.usage("no commits") }
        let status = try project.status(location)
        let current = status.revision
        let history = try DocumentHistory.entries(project, location, from: head.id)
        if let note = repository.shallowNote { ctx.stderr.write(note + "\n") }
        let fromLabel: String
        if let first = revisions.first {
            fromLabel = first
        } else {
            let issued = history.first { $0.action == "issue" }?.revision
            if issued == nil, repository.isShallow, let last = status.issuedRevision {
                // The baseline is before the cut: comparing with the cut would hide the changes.
                throw FolioError.usage("\(location.id): its last issued revision \(last) is before this shallow clone's cut: run 'git fetch --unshallow' for it, or give the revisions to compare")
            }
            fromLabel = issued ?? history.last?.revision ?? current
        }
        let toLabel = revisions.count == 2 ? revisions[1] : current
        let from = try DocumentHistory.commit(for: fromLabel, project, location, from: head.id)
        let to = revisions.count == 2 ? try DocumentHistory.commit(for: toLabel, project, location, from: head.id) : (commit: head.id, path: location.path)
        let diff = DocumentDiff(
            location: location, template: project.template(location.type),
            old: try DocumentDiff.version(project, location, commit: from.commit, label: fromLabel, path: from.path),
            new: try DocumentDiff.version(project, location, commit: to.commit, label: toLabel, path: to.path))
        if format == .json { return try Output.json(ctx, diff) }
        ctx.print("\(diff.document): \(diff.from) -> \(diff.to)")
        if diff.isEmpty { ctx.print("no changes") }
        func show(_ title: String, _ changes: [DocumentDiff.Change]) {
            guard !changes.isEmpty else { return }
            ctx.print("\n\(title):")
            for c in changes {
                switch c.change {
                case "added": ctx.print("  + \(c.name): \(c.to ?? "")")
                case "removed": ctx.print("  - \(c.name): \(c.from ?? "")")
                default: ctx.print("  ~ \(c.name): \(c.from ?? "") -> \(c.to ?? "")")
                }
            }
        }
        show("fields", diff.fields)
        show("sections", diff.sections)
        if !diff.rows.isEmpty {
            ctx.print("\nregister rows:")
            for r in diff.rows {
                let mark = r.change == "added" ? "+" : r.change == "removed" ? "-" : "~"
                ctx.print("  \(mark) \(r.table) \(r.key)" + (r.columns.isEmpty ? "" : ": " + r.columns.map { "\($0.name) \($0.from ?? "") -> \($0.to ?? "")" }.joined(separator: "; ")))
            }
        }
        show("attachments", diff.attachments)
    }
}
