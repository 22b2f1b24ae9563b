import FolioGit
import FolioModel
import Foundation

/// `folio import timesheets`: raw time data into the right person-week
/// timesheets, in one commit, all or nothing (docs/formats.md, "Importing
/// timesheets").
public enum ImportTimesheets {
    public struct Result {
        public let created: [String]
        public let updated: [String]
        public let unchanged: Int
        /// nil when nothing changed (no commit).
        public let commit: ObjectID?
        public let warnings: [Diagnostic]
    }

    /// A timesheet already in the repository.
    struct Existing {
        let location: DocumentLocation
        let document: Document
        let sheet: Timesheet
        let state: LifecycleState
        let revision: String
    }

    /// Imports `input` (already parsed; its problems refuse the import).
    /// `correction` is the reason for changing issued (locked) weeks.
    /// - Throws: `InputProblems`, one `FILE:LINE: error:` line per bad input
    ///   line or timesheet diagnostic (nothing written); `FolioError` when the
    ///   repository cannot take it.
    public static func run(
        repository: Repository, input: TimesheetInput, name: String, correction: String?, context: FolioContext
    ) throws -> Result {
        guard !repository.isBare else { throw FolioError.usage("'import' needs a work tree; this repository is bare") }
        guard !input.rows.isEmpty || !input.problems.isEmpty else { throw FolioError.refused("\(name): no entries to import") }
        let actor = try Actor.current(repository, context)
        var outcome: (created: [String], updated: [String], unchanged: Int, warnings: [Diagnostic], seq: Int, code: String)?
        var nothing = false
        let transaction = Transaction(repository: repository, actor: actor, context: context)
        do {
            try transaction.commit { tip in
                guard let tip else { throw FolioError.usage("the repository has no commits yet (run 'folio init')") }
                let project = try Project(repository: repository, source: TreeSource(repository: repository, tree: tip.tree(), label: "HEAD"))
                guard let template = project.template(Timesheet.type) else {
                    throw FolioError.usage("this project has no 'timesheet' template: an admin adds it with 'folio templates add timesheet'")
                }
                try project.requireUsable(template)
                guard project.config.person(actor.email) != nil else {
                    throw FolioError.refused("\(actor.email) is not listed in the people of folio.yml")
                }
                let plan = try makePlan(project, template, input: input, name: name, correction: correction, actor: actor)
                guard !plan.plan.changes.isEmpty else {
                    nothing = true
                    outcome = ([], [], plan.unchanged, [], 0, template.code)
                    throw Unchanged()
                }
                outcome = (plan.created, plan.updated, plan.unchanged, plan.warnings, plan.highestSeq, template.code)
                return plan.plan
            }
        } catch is Unchanged {}
        guard let outcome else { throw FolioError.unreadable("internal: no import result") }
        if nothing { return Result(created: [], updated: [], unchanged: outcome.unchanged, commit: nil, warnings: []) }
        if outcome.seq > 0 { SequenceMark.raise(repository, code: outcome.code, to: outcome.seq) }
        let head = try repository.headCommit()?.id
        return Result(created: outcome.created, updated: outcome.updated, unchanged: outcome.unchanged, commit: head, warnings: outcome.warnings)
    }

    struct Unchanged: Error {}

    struct Plan {
        var plan: WritePlan
        var created: [String] = []
        var updated: [String] = []
        var unchanged = 0
        var warnings: [Diagnostic] = []
        var highestSeq = 0
        /// Whether a locked (issued) week was changed.
        var corrected = false
    }

    /// The timesheets of a project by person (lower case) and week, in force.
    static func existing(_ project: Project, _ template: Template) throws -> [String: [Existing]] {
        var out: [String: [Existing]] = [:]
        for location in try project.documents(of: template) {
            guard let document = try project.read(location).document else { continue }
            let sheet = Timesheet(document)
            guard let week = sheet.week else { continue }
            let status = DocumentStatus.derive(try project.record(location.id), scheme: project.config.revisions)
            if status.state == .withdrawn || status.state == .superseded { continue }
            out["\(sheet.person) \(week)", default: []].append(
                Existing(location: location, document: document, sheet: sheet, state: status.state, revision: status.revision))
        }
        return out
    }

    static func makePlan(
        _ project: Project, _ template: Template, input: TimesheetInput, name: String, correction: String?, actor: Actor
    ) throws -> Plan {
        let config = project.config
        // Every bad line is reported at once: the parser's, then these.
        var problems: [String] = input.problems
        var groups: [String: [TimesheetInput.Row]] = [:]
        var order: [String] = []
        let known = Set([config.project.code] + config.resources.projects)
        var perDay: [String: Double] = [:]
        let packages = try project.workPackages()
        for row in input.rows {
            guard let person = config.person(row.person) else {
                problems.append("\(name):\(row.line): error: '\(row.person)' is not listed in the people of folio.yml")
                continue
            }
            if !known.contains(row.entry.project) {
                problems.append("\(name):\(row.line): error: project '\(row.entry.project)' is not this project (\(config.project.code)) nor one of resources.projects in folio.yml")
                continue
            }
            if let known = packages[row.entry.project], !known.contains(row.entry.workPackage) {
                problems.append(row.entry.workPackage.isEmpty
                    ? "\(name):\(row.line): error: a work package is needed: \(row.entry.project) has a schedule (\(known.sorted().joined(separator: ", ")))"
                    : "\(name):\(row.line): error: work package '\(row.entry.workPackage)' is not in the schedule of \(row.entry.project)")
                continue
            }
            let dayKey = "\(person.email.lowercased()) \(row.entry.date)"
            perDay[dayKey, default: 0] += row.entry.hours
            if perDay[dayKey]! > 24 {
                problems.append("\(name):\(row.line): error: more than 24 hours on \(row.entry.date) for \(person.email)")
                continue
            }
            let key = "\(person.email.lowercased()) \(row.entry.date.isoWeek)"
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(row)
        }
        let sheets = try existing(project, template)
        var plan = Plan(plan: WritePlan(subject: ""))
        var nextSeq = try NewDocument.nextSequence(project, template)
        for key in order {
            let rows = groups[key]!
            let email = config.person(rows[0].person)!.email
            let week = rows[0].entry.date.isoWeek
            let found = sheets[key] ?? []
            if found.count > 1 {
                problems.append("\(name):\(rows[0].line): error: \(email) has \(found.count) timesheets for \(week) (\(found.map(\.location.id).joined(separator: ", "))): withdraw all but one first [timesheet.duplicate]")
                continue
            }
            let dates = Set(rows.map(\.entry.date))
            let incoming = rows.map(\.entry)
            if let sheet = found.first {
                let kept = sheet.sheet.entries.filter { !dates.contains($0.date) }
                let merged = sorted(kept + incoming)
                if merged.count == sheet.sheet.entries.count, zip(merged, sorted(sheet.sheet.entries)).allSatisfy({ $0.sameWork(as: $1) }) {
                    plan.unchanged += 1
                    continue
                }
                if sheet.state == .issued && correction == nil {
                    problems.append("\(name):\(rows[0].line): error: week \(week) of \(email) is locked (\(sheet.location.id) \(sheet.revision) is issued): to correct it, import again with --correct \"reason\" (a new revision, to be submitted and approved again)")
                    continue
                }
                let text = try replaceEntries(in: sheet.document, with: merged)
                let writer = VersionWriter(project: project, actor: actor, template: template, location: sheet.location)
                let committed = try VersionWriter.committedContent(project, sheet.location, template)
                if let committed {
                    // Someone's unsaved edit of this timesheet would be lost: refuse.
                    try WorkTreeGuard.requireUnchanged(project.repository, [sheet.location.path: committed.document])
                }
                let content = DocumentContent(document: Array(text.utf8), attachments: committed?.attachments ?? [:])
                do {
                    plan.warnings += try writer.validate(content)
                } catch let list as DiagnosticList {
                    problems += list.diagnostics.map(\.formatted)
                    continue
                }
                let comment = sheet.state == .issued ? "correction: \(correction!) (import of \(name))" : "import of \(name)"
                if sheet.state == .issued { plan.corrected = true }
                let part = try writer.plan(content, previous: committed, event: .checkedIn, action: "import", subject: "", comment: comment)
                plan.plan.changes += part.changes
                plan.updated.append(sheet.location.id)
            } else {
                let id = config.numbering.format(project: config.project.code, code: template.code, type: template.type, seq: nextSeq)
                if let problem = DocumentID.problem(id) { throw FolioError.refused(problem) }
                let location = DocumentLocation(type: template.type, id: id, path: template.documentPath(id: id))
                let person = config.person(email)!
                let title = "\(person.name), \(week)"
                let skeleton = try NewDocument.render(template, project: project, id: id, title: title, values: [("person", person.email), ("week", week.description)], actor: actor)
                let read = DocumentReader.read(path: location.path, bytes: Array(skeleton.utf8), template: template, expectedID: id)
                guard let document = read.document else { throw DiagnosticList(read.diagnostics) }
                let text = try replaceEntries(in: document, with: sorted(incoming))
                let writer = VersionWriter(project: project, actor: actor, template: template, location: location)
                let content = DocumentContent(document: Array(text.utf8), attachments: [:])
                do {
                    plan.warnings += try writer.validate(content)
                } catch let list as DiagnosticList {
                    problems += list.diagnostics.map(\.formatted)
                    continue
                }
                let part = try writer.plan(content, previous: nil, event: .created, action: "import", subject: "", comment: "import of \(name)")
                plan.plan.changes += part.changes
                plan.created.append(id)
                plan.highestSeq = nextSeq
                nextSeq += 1
            }
        }
        if !problems.isEmpty { throw InputProblems(byLine(problems, name: name)) }
        let ids = plan.created + plan.updated
        var subject = "import timesheets from \((name as NSString).lastPathComponent): \(plan.created.count) created, \(plan.updated.count) updated"
        if correction != nil, plan.corrected { subject += " (correction)" }
        plan.plan.subject = subject
        var body = "Imported \(input.rows.count) entries from \(name)."
        if let correction, plan.corrected { body += "\nCorrection of locked weeks: \(correction)" }
        plan.plan.body = body
        plan.plan.trailers = ids.map { ("Folio-Document", $0) } + [("Folio-Action", "import")]
        return plan
    }

    /// Problem lines in the order of the file's lines (others last, as found).
    static func byLine(_ problems: [String], name: String) -> [String] {
        func line(_ text: String) -> Int {
            guard text.hasPrefix(name + ":") else { return Int.max }
            return Int(text.dropFirst(name.count + 1).prefix { $0.isNumber }) ?? Int.max
        }
        return problems.enumerated().sorted { (line($0.element), $0.offset) < (line($1.element), $1.offset) }.map(\.element)
    }

    static func sorted(_ entries: [TimesheetEntry]) -> [TimesheetEntry] {
        entries.sorted {
            ($0.date, $0.project, $0.workPackage, $0.activity, $0.note, $0.hours) < ($1.date, $1.project, $1.workPackage, $1.activity, $1.note, $1.hours)
        }
    }

    /// The document's text with the rows of its `Entries` table replaced
    /// (everything else as it was, line endings kept).
    static func replaceEntries(in document: Document, with entries: [TimesheetEntry]) throws -> String {
        try TableText.rewrite(document, under: Timesheet.entriesHeading, rows: entries.map {
            TableText.row([$0.date.description, $0.project, $0.workPackage, Timesheet.format($0.hours), $0.activity, $0.note])
        })
    }
}
