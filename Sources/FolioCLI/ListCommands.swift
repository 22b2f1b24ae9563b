import ArgumentParser
import FolioGit
import FolioKit
import FolioModel
import Foundation

struct LsCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls", abstract: "The master document register: every document with its revision and state.")

    @OptionGroup var global: GlobalOptions
    @Option(name: .long, help: "Only this type.") var type: String?
    @Option(name: .long, help: "Only this state (draft, in-review, approved, issued, superseded, withdrawn).") var state: String?
    @Option(name: .long, help: "Only documents owned by this email.") var owner: String?
    @Option(name: .long, help: "Revision to read (default: HEAD).") var at: String?
    @OptionGroup var listing: ListingFormat

    func run(_ ctx: FolioContext) throws {
        let repository = try global.repository(ctx)
        let project = try Project.atRevision(repository, at)
        if at == nil { Output.warn(ctx, Project.uncommittedRules(repository)) }
        let filter = Register.Filter(type: type, state: state, owner: owner)
        if listing.format == .json {
            // Written row by row as the register is made: never all rows at once.
            try Register.writeJSON(project, filter: filter, to: ctx.stdout.write)
            return ctx.print()
        }
        let entries = try Register.entries(project, filter: filter)
        Output.rows(ctx, listing, ["ID", "TYPE", "REV", "STATE", "IN FORCE", "OWNER", "LAST CHANGE", "TITLE"], entries.map {
            [$0.id, $0.type, $0.revision, $0.state, $0.inForce ?? "", $0.owner ?? "", $0.lastChange ?? "", $0.title]
        })
    }
}

struct StatusCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Lifecycle state of one document, or of all with the work tree's uncommitted document changes.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "A document ID (default: all).") var id: String?
    @Option(name: .long, help: "Revision to read (default: HEAD).") var at: String?
    @Option(name: .long, help: "text or json.") var format: TextOrJSON = .text

    func run(_ ctx: FolioContext) throws {
        let repository = try global.repository(ctx)
        let project = try Project.atRevision(repository, at)
        // A `git revert` of a Folio commit ran no hook: say it here.
        if at == nil { Output.warn(ctx, try RevertedRecord.atHead(repository)) }
        if let id {
            let entry = try Register.entry(project, try project.require(id, from: ctx.workingDirectory))
            if format == .json { return try Output.json(ctx, entry) }
            // Values come from documents and records: shown, never obeyed by the terminal.
            let shown = Diagnostic.escaped
            ctx.print("\(shown(entry.id))  \(shown(entry.title))")
            ctx.print("type:      \(entry.type)")
            ctx.print("path:      \(shown(entry.path))")
            ctx.print("state:     \(entry.state)")
            ctx.print("revision:  \(shown(entry.revision))")
            if let inForce = entry.inForce, inForce != entry.revision { ctx.print("in force:  \(shown(inForce))") }
            if let owner = entry.owner { ctx.print("owner:     \(shown(owner))") }
            if let at = entry.lastChange { ctx.print("changed:   \(shown(at)) by \(shown(entry.lastActor ?? ""))") }
            if !entry.attachments.isEmpty { ctx.print("attached:  \(shown(entry.attachments.joined(separator: ", ")))") }
            let roles = project.template(entry.type)?.approvals ?? []
            ctx.print("approvals: \(roles.isEmpty ? "none required" : "required from " + roles.joined(separator: ", "))")
            for a in entry.approvals {
                ctx.print("  \(shown(a.name)) <\(shown(a.person))>  \(shown(a.role))  \(shown(a.meaning))  \(shown(a.at))\(a.current ? "" : "  (stale)")\(a.signed ? (a.verified ? "  signed, verified" : "  signed, NOT verified") : "")")
            }
            return
        }
        if at == nil { Output.warn(ctx, Project.uncommittedRules(repository)) }
        let entries = try Register.entries(project)
        let pending = try WorkTreeChanges.documents(repository, project)
        // A `git pull` stopped on documents both sides created under one ID.
        let taken = at == nil ? try Renumber.takenOnBothSides(repository) : nil
        // A merge stopped with documents both sides changed: their merged content is checked in as the merge commit.
        let toCheckIn = at == nil && repository.operationInProgress == .merge
            ? try CheckIn.toRecordInMerge(repository, index: try repository.index()).filter { !(taken?.ids.contains($0) ?? false) } : []
        if format == .json {
            struct Status: Encodable {
                let documents: [RegisterEntry]
                let uncommitted: [WorkTreeChanges.Change]
                let takenOnBothSides: [String]
                let mergeToCheckIn: [String]
                enum CodingKeys: String, CodingKey {
                    case documents, uncommitted
                    case takenOnBothSides = "taken_on_both_sides"
                    case mergeToCheckIn = "merge_to_check_in"
                }
            }
            return try Output.json(
                ctx, Status(documents: entries, uncommitted: pending, takenOnBothSides: taken?.ids ?? [], mergeToCheckIn: toCheckIn))
        }
        var counts: [String: Int] = [:]
        for e in entries { counts[e.state, default: 0] += 1 }
        ctx.print("\(project.config.project.code) \(project.config.project.name): \(entries.count) documents" +
            (counts.isEmpty ? "" : " (" + counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ") + ")"))
        if !entries.isEmpty {
            ctx.print("")
            Output.table(ctx, ["ID", "REV", "STATE", "TITLE"], entries.map { [$0.id, $0.revision, $0.state, $0.title] })
        }
        if !pending.isEmpty {
            ctx.print("\nChanged in the work tree, not checked in (folio checkin ID):")
            for c in pending { ctx.print("  \(Diagnostic.escaped(c.id))  \(Diagnostic.escaped(c.path))  \(Diagnostic.escaped(c.change))") }
        }
        if !toCheckIn.isEmpty {
            let ids = toCheckIn.map(Diagnostic.escaped).joined(separator: " ")
            ctx.print("\nA git merge is in progress, and both sides changed \(toCheckIn.count == 1 ? "this document" : "these documents"): \(ids)")
            ctx.print("  resolve the content (no conflict markers left), then run 'folio checkin \(ids)': the merged content is recorded as a new revision in the merge commit")
        }
        if let taken, !taken.ids.isEmpty {
            ctx.print("\nA git \(taken.operation.name) is stopped on documents created on both sides under one ID (the ID was taken upstream):")
            for id in taken.ids {
                ctx.print("  \(Diagnostic.escaped(id))  run 'folio renumber \(Diagnostic.escaped(id))': yours gets a fresh ID on top of the upstream, and the \(taken.operation.name) is ended")
            }
        }
    }
}

struct ShowCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Print a document's content as committed, or at any issued revision or draft.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The document ID.") var id: String
    @Option(name: .long, help: "A revision label (1.0, 0.3, B, P01.02) or a git revision.") var rev: String?
    @Option(name: .long, help: "Revision of the repository to read (default: HEAD).") var at: String?

    func run(_ ctx: FolioContext) throws {
        let repository = try global.repository(ctx)
        let project = try Project.atRevision(repository, at)
        let location = try project.require(id, from: ctx.workingDirectory)
        if let rev {
            // Any commit, also one from before the project existed (no folio.yml there).
            let tip = try at.map { try repository.commit($0).id } ?? repository.headCommit()!.id
            let found = try DocumentHistory.commit(for: rev, project, location, from: tip)
            let source = TreeSource(repository: repository, tree: try repository.commit(found.commit).tree(), label: found.commit.short)
            guard let bytes = try source.read(found.path, limit: Limits.documentBytes) else {
                throw FolioError.usage("\(Diagnostic.escaped(found.path)): not in \(source.label)")
            }
            return ctx.stdout.write(bytes)
        }
        guard let bytes = try project.source.read(location.path, limit: Limits.documentBytes) else {
            throw FolioError.usage("\(Diagnostic.escaped(location.path)): not in \(project.source.label)")
        }
        ctx.stdout.write(bytes)
    }
}

struct LogCommand: FolioCommand {
    static let configuration = CommandConfiguration(
        commandName: "log", abstract: "The history of one document: every commit that changed it, its attachments or its record.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The document ID.") var id: String
    @Option(name: .long, help: "Revision to start from (default: HEAD).") var at: String?
    @OptionGroup var listing: ListingFormat

    func run(_ ctx: FolioContext) throws {
        let repository = try global.repository(ctx)
        let project = try Project.atRevision(repository, at)
        let location = try project.require(id, from: ctx.workingDirectory)
        let tip = try at.map { try repository.commit($0).id } ?? repository.headCommit()!.id
        let entries = try DocumentHistory.entries(project, location, from: tip)
        if let note = repository.shallowNote { ctx.stderr.write(note + "\n") }
        if listing.format == .json { return try Output.json(ctx, entries) }
        // Commits before the document came under control are its history as
        // a plain file (followed through renames): marked, with the path it had.
        Output.rows(ctx, listing, ["DATE", "COMMIT", "WHO", "ACTION", "REV", "SUBJECT"], entries.map {
            [$0.date, String($0.commit.prefix(10)), $0.email, $0.controlled || $0.action == "adopted" ? $0.action : "before control", $0.revision ?? "",
             $0.subject + ($0.path == location.path ? "" : " [\($0.path)]")]
        })
    }
}
