import FolioGit
import FolioModel
import Foundation

/// `folio report status --since D [--until D]`: what happened in a period of
/// whole UTC days, from the lifecycle records at the report's commit, and
/// what is open in the registers (SPEC: Reports; definitions in docs/reports.md).
public enum StatusReport {
    /// Statuses of register rows that count as closed or done (compared case-insensitively).
    public static let closedStatuses: Set<String> = ["closed", "resolved", "done", "cancelled", "canceled", "complete", "completed"]
    /// Register tables whose rows are risks, and those whose rows are actions.
    public static let riskTables = ["Risks"]
    /// Tables read row by row for overdue actions; minutes' `Action items`
    /// come from the action log instead (one row per action, not per meeting).
    public static let actionTables = ["Issues"]

    static let kinds = RecordEvent.Kind.allCases
    static func key(_ kind: RecordEvent.Kind) -> String { kind.rawValue.replacingOccurrences(of: "-", with: "_") }

    /// The period: `since` and `until` are `YYYY-MM-DD`, both days included.
    /// Without `until`, the period ends on the day of the latest report
    /// commit when every source was opened at an explicit revision, else today.
    /// The report's period: `since` to `until`, both `YYYY-MM-DD` days (UTC, included).
    /// `until` defaults to today, or the day of the latest `--at` commit; `since` defaults to the
    /// seven days ending at `until` (a weekly report). Throws `FolioError.usage` for a bad day or
    /// `since` after `until`.
    public static func period(since: String?, until: String?, sources: [ReportSource], now: Date) throws -> (ReportPeriod, start: Date, end: Date) {
        let untilText: String
        if let until {
            _ = try ReportDate.parse(until, option: "--until")
            untilText = until
        } else if !sources.isEmpty, sources.allSatisfy({ $0.revision != nil }) {
            untilText = ReportDate.day(sources.map(\.commitDate).max()!)
        } else {
            untilText = ReportDate.day(now)
        }
        let untilStart = try ReportDate.parse(untilText, option: "--until")
        let sinceText = since ?? ReportDate.day(untilStart.addingTimeInterval(-6 * 86400))
        let start = try ReportDate.parse(sinceText, option: "--since")
        guard start <= untilStart else {
            throw FolioError.usage("--since \(sinceText) is after --until \(untilText)")
        }
        return (ReportPeriod(since: sinceText, until: untilText), start, untilStart.addingTimeInterval(86400))
    }

    struct Timed {
        let project: String
        let document: String
        let title: String
        let event: RecordEvent
        let date: Date
    }

    public static func build(_ sources: [ReportSource], since: String?, until: String?, generated: Date) throws -> Report {
        let (period, start, end) = try period(since: since, until: until, sources: sources, now: generated)
        var events: [Timed] = []
        var turnaround: [(Timed, submitted: Date, kind: String)] = []
        var waiting: [[ReportValue]] = []
        var risks: [(score: Int, row: [ReportValue])] = []
        var actions: [[ReportValue]] = []
        var stateRows: [[ReportValue]] = []
        var stateTotals: [String: Int] = [:]
        var reviewsOpen = 0

        for source in sources {
            let project = source.project
            let locations = try project.allDocuments()
            let byID = Dictionary(locations.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            var titles: [String: String] = [:]
            var states: [String: Int] = [:]
            for location in locations {
                let read = try project.read(location)
                titles[location.id] = read.document?.title ?? ""
                let state = try project.status(location).state
                states[state.rawValue, default: 0] += 1
                if state != .superseded, state != .withdrawn, let document = read.document {
                    let rows = registerRows(source.code, location, document, untilDay: period.until, untilStart: end.addingTimeInterval(-86400))
                    risks += rows.risks
                    actions += rows.actions
                }
            }
            // Actions across all minutes, each once (the action log), as they stood at the report's commit.
            let untilDay = Day(period.until) ?? Day(end)
            for action in try ActionLog.build(project, code: source.code) {
                guard action.isOpen, let due = action.due, due < untilDay else { continue }
                actions.append([
                    .text(source.code), .text(action.lastIn), .text(action.id), .text(action.action), .text(action.owner),
                    .text(due.description), .int(due.distance(to: untilDay)), .text(action.status),
                ])
            }
            stateRows.append([.text(source.code)] + LifecycleState.allCases.map { .int(states[$0.rawValue] ?? 0) } + [.int(locations.count)])
            for (k, v) in states { stateTotals[k, default: 0] += v }

            // Records outlive deleted documents: read every record there is.
            let recordIDs = Set(try project.source.list(RecordFile.folder)
                .filter { !$0.isFolder }.compactMap { RecordFile.documentID(fileName: $0.name) })
                .union(locations.map(\.id)).sorted()
            for id in recordIDs {
                let record = try project.record(id)
                var lastSubmitted: Date?
                var untilEnd: [RecordEvent] = []
                for event in record.events {
                    guard let date = Timestamp.date(event.at) else { continue }
                    if date < end { untilEnd.append(event) }
                    let timed = Timed(project: source.code, document: id, title: titles[id] ?? "", event: event, date: date)
                    let inPeriod = date >= start && date < end
                    if inPeriod { events.append(timed) }
                    switch event.event {
                    case .submitted: lastSubmitted = date
                    case .approved:
                        if inPeriod, let s = lastSubmitted { turnaround.append((timed, s, "approval")) }
                    case .issued:
                        if inPeriod, let s = lastSubmitted { turnaround.append((timed, s, "issue")) }
                        lastSubmitted = nil
                    case .rejected, .created, .checkedIn: lastSubmitted = nil
                    default: break
                    }
                }
                guard let review = openReview(project, id, type: byID[id]?.type, events: untilEnd, end: end) else { continue }
                reviewsOpen += 1
                if review.days > project.config.reviewPolicy.maxDays {
                    waiting.append([
                        .text(source.code), .text(id), .text(titles[id] ?? ""), .text(review.revision), .text(review.submitted),
                        .int(review.days), .int(project.config.reviewPolicy.maxDays), .list(review.missingRoles),
                    ])
                }
            }
        }
        events.sort { ($0.date, $0.project, $0.document) < ($1.date, $1.project, $1.document) }
        turnaround.sort { ($0.0.date, $0.0.project, $0.0.document) < ($1.0.date, $1.0.project, $1.0.document) }
        risks.sort { $0.score > $1.score }

        // Activity by kind and by person, per project.
        var byKind: [[ReportValue]] = []
        for source in sources {
            let mine = events.filter { $0.project == source.code }
            byKind.append([.text(source.code)] + kinds.map { k in .int(mine.filter { $0.event.event == k }.count) } + [.int(mine.count)])
        }
        var people: [String: [Timed]] = [:]
        for e in events { people["\(e.project)\u{0}\(e.event.actor.lowercased())", default: []].append(e) }
        let byPerson: [[ReportValue]] = people.keys.sorted().map { key in
            let list = people[key]!
            return [.text(list[0].project), .text(list[0].event.actor), .text(list[0].event.name)]
                + kinds.map { k in .int(list.filter { $0.event.event == k }.count) } + [.int(list.count)]
        }

        // Events per week (weeks start on Monday).
        var weeks: [(String, Int)] = []
        var weekStart = ReportDate.weekStart(start)
        while weekStart < end {
            let next = weekStart.addingTimeInterval(7 * 86400)
            weeks.append((ReportDate.day(weekStart), events.filter { $0.date >= weekStart && $0.date < next }.count))
            weekStart = next
        }

        let hours = turnaround.map { $0.0.date.timeIntervalSince($0.submitted) / 3600 }
        let approvalHours = zip(turnaround, hours).filter { $0.0.kind == "approval" }.map(\.1)
        let issueHours = zip(turnaround, hours).filter { $0.0.kind == "issue" }.map(\.1)

        let kindColumns = kinds.map { ReportColumn(key($0), $0.rawValue) }
        let sections = [
            ReportSection(
                key: "by_kind", title: "Events by kind",
                columns: [ReportColumn("project", "Project")] + kindColumns + [ReportColumn("total", "total")],
                rows: byKind, empty: "No projects."),
            ReportSection(
                key: "documents_by_state", title: "Documents by state",
                note: "At the report's commit.",
                columns: [ReportColumn("project", "Project")] + LifecycleState.allCases.map {
                    ReportColumn($0.rawValue.replacingOccurrences(of: "-", with: "_"), $0.rawValue)
                } + [ReportColumn("total", "total")],
                rows: stateRows, empty: "No projects."),
            ReportSection(
                key: "overdue_reviews", title: "Reviews waiting longer than the policy allows",
                note: "Submitted, still without all required approvals at the end of the period, and waiting more whole days than the project's review_policy max_days.",
                columns: [
                    ReportColumn("project", "Project"), ReportColumn("document", "Document"), ReportColumn("title", "Title"),
                    ReportColumn("revision", "Rev"), ReportColumn("submitted", "Submitted (UTC)"), ReportColumn("days_waiting", "Days waiting"),
                    ReportColumn("max_days", "Policy (days)"), ReportColumn("approvals_pending", "Approvals pending"),
                ],
                rows: waiting, empty: "No review is waiting longer than the policy allows."),
            ReportSection(
                key: "turnaround", title: "Approval turnaround",
                note: "For each approval and each issue in the period: the time since the document's latest submission before it.",
                columns: [
                    ReportColumn("project", "Project"), ReportColumn("document", "Document"), ReportColumn("revision", "Rev"),
                    ReportColumn("step", "Step"), ReportColumn("person", "Person"), ReportColumn("role", "Role"),
                    ReportColumn("submitted", "Submitted (UTC)"), ReportColumn("at", "At (UTC)"), ReportColumn("hours", "Hours"),
                    ReportColumn("days", "Days"),
                ],
                rows: zip(turnaround, hours).map { t, h in
                    [.text(t.0.project), .text(t.0.document), .text(t.0.event.revision), .text(t.kind), .text(t.0.event.actor),
                     t.0.event.role.map { .text($0) } ?? .null, .text(Timestamp.string(t.submitted)), .text(t.0.event.at),
                     .number(h, decimals: 1), .number(h / 24, decimals: 1)]
                }, empty: "No approval or issue in the period."),
            ReportSection(
                key: "by_person", title: "Activity by person",
                columns: [ReportColumn("project", "Project"), ReportColumn("person", "Person"), ReportColumn("name", "Name")]
                    + kindColumns + [ReportColumn("total", "total")],
                rows: byPerson, empty: "Nobody acted in the period."),
            ReportSection(
                key: "open_risks", title: "Open risks",
                note: "Rows of the Risks tables whose Status is not closed, highest score first (registers as they stand at the report's commit).",
                columns: [
                    ReportColumn("project", "Project"), ReportColumn("document", "Document"), ReportColumn("id", "ID"),
                    ReportColumn("risk", "Risk"), ReportColumn("owner", "Owner"), ReportColumn("score", "Score"),
                    ReportColumn("due", "Due"), ReportColumn("status", "Status"),
                ],
                rows: risks.map(\.row), empty: "No open risks."),
            ReportSection(
                key: "overdue_actions", title: "Overdue actions",
                note: "Rows of the issue logs' Issues tables, and actions of the action log across all minutes (each action once, as the latest meeting listing it says, unless a later meeting or the issue log closed it), with a Due date before the end of the period (--until) and a Status that is not done, resolved, closed or cancelled. Document: the issue log, or the latest minutes listing the action.",
                columns: [
                    ReportColumn("project", "Project"), ReportColumn("document", "Document"), ReportColumn("id", "ID"),
                    ReportColumn("action", "Action"), ReportColumn("owner", "Owner"), ReportColumn("due", "Due"),
                    ReportColumn("days_overdue", "Days overdue"), ReportColumn("status", "Status"),
                ],
                rows: actions, empty: "No overdue actions."),
            ReportSection(
                key: "activity_by_week", title: "Events by week",
                note: "Weeks start on Monday; the first and last weeks may be partly outside the period.",
                columns: [ReportColumn("week", "Week of"), ReportColumn("events", "Events")],
                rows: weeks.map { [.text($0.0), .int($0.1)] }, empty: "No weeks."),
            ReportSection(
                key: "events", title: "Events in the period",
                note: "Every lifecycle event recorded in the period: created, checked in (changed), submitted, approved, rejected, issued, superseded, withdrawn.",
                columns: [
                    ReportColumn("project", "Project"), ReportColumn("at", "At (UTC)"), ReportColumn("document", "Document"),
                    ReportColumn("title", "Title"), ReportColumn("event", "Event"), ReportColumn("revision", "Rev"),
                    ReportColumn("person", "Person"), ReportColumn("name", "Name"), ReportColumn("role", "Role"),
                    ReportColumn("comment", "Comment"),
                ],
                rows: events.map { e in
                    [.text(e.project), .text(e.event.at), .text(e.document), .text(e.title), .text(e.event.event.rawValue),
                     .text(e.event.revision), .text(e.event.actor), .text(e.event.name), e.event.role.map { .text($0) } ?? .null,
                     e.event.comment.map { .text($0) } ?? .null]
                }, empty: "Nothing happened in the period."),
        ]

        let weekBars: [ReportChart.Bar]
        if weeks.count <= 26 {
            weekBars = weeks.map { ReportChart.Bar($0.0, Double($0.1), detail: "week of \($0.0): \($0.1) events") }
        } else {
            var months: [(String, Int)] = []
            for e in events {
                let month = String(e.event.at.prefix(7))
                if months.last?.0 == month { months[months.count - 1].1 += 1 } else { months.append((month, 1)) }
            }
            weekBars = months.map { ReportChart.Bar($0.0, Double($0.1), detail: "\($0.0): \($0.1) events") }
        }
        let buckets: [(String, ClosedRange<Double>)] = [
            ("under 1 day", 0...24), ("1-2 days", 24.000001...48), ("2-5 days", 48.000001...120),
            ("5-10 days", 120.000001...240), ("over 10 days", 240.000001...Double.greatestFiniteMagnitude),
        ]
        let charts = [
            ReportChart(key: "activity", title: weeks.count <= 26 ? "Events per week" : "Events per month", unit: "events", bars: weekBars),
            ReportChart(key: "documents_by_state", title: "Documents by state", unit: "documents",
                        bars: LifecycleState.allCases.map { ReportChart.Bar($0.rawValue, Double(stateTotals[$0.rawValue] ?? 0)) }),
            ReportChart(key: "turnaround", title: "Approval turnaround (submission to approval)", unit: "approvals",
                        bars: buckets.map { name, range in ReportChart.Bar(name, Double(approvalHours.filter { range.contains($0) }.count)) }),
        ]
        let figures = [
            ReportFigure("events", "Events", .int(events.count)),
            ReportFigure("created", "Documents created", .int(events.filter { $0.event.event == .created }.count)),
            ReportFigure("issued", "Revisions issued", .int(events.filter { $0.event.event == .issued }.count)),
            ReportFigure("reviews_open", "Reviews open at the end", .int(reviewsOpen)),
            ReportFigure("reviews_overdue", "Reviews overdue", .int(waiting.count)),
            ReportFigure("approval_turnaround_median_hours", "Approval turnaround, median (hours)", median(approvalHours).map { .number($0, decimals: 1) } ?? .null),
            ReportFigure("approval_turnaround_worst_hours", "Approval turnaround, worst (hours)", approvalHours.max().map { .number($0, decimals: 1) } ?? .null),
            ReportFigure("issue_turnaround_median_hours", "Submission to issue, median (hours)", median(issueHours).map { .number($0, decimals: 1) } ?? .null),
            ReportFigure("issue_turnaround_worst_hours", "Submission to issue, worst (hours)", issueHours.max().map { .number($0, decimals: 1) } ?? .null),
            ReportFigure("open_risks", "Open risks", .int(risks.count)),
            ReportFigure("overdue_actions", "Overdue actions", .int(actions.count)),
        ]
        let title = ReportSource.title("Status report", sources, suffix: ", \(period.since) to \(period.until)")
        return Report(
            kind: "status", title: title, generated: generated, projects: sources.map(\.info), period: period,
            figures: figures, charts: charts, sections: sections, mainSection: "events")
    }

    /// A review open at `end`: submitted, still without all the required
    /// approvals (`events`: the record's events before `end`).
    struct OpenReview {
        let revision: String
        let submitted: String
        /// Whole days since the submission.
        let days: Int
        let missingRoles: [String]
    }

    static func openReview(_ project: Project, _ id: String, type: String?, events: [RecordEvent], end: Date) -> OpenReview? {
        let status = DocumentStatus.derive(Record(events: events, lines: []), scheme: project.config.revisions)
        guard status.state == .inReview, let submittedAt = status.submittedAt, let submitted = Timestamp.date(submittedAt) else { return nil }
        let required = type.flatMap { project.template($0)?.approvals } ?? []
        let check = ApprovalCheck(
            required: required, approvals: status.approvals, authors: status.authors,
            fingerprint: status.contentFingerprint ?? "", document: id, config: project.config)
        if check.complete { return nil }  // approved: waiting for release, not for review
        return OpenReview(
            revision: status.revision, submitted: submittedAt, days: Int((end.timeIntervalSince(submitted) / 86400).rounded(.down)),
            missingRoles: check.missingRoles)
    }

    /// Reviews waiting longer than the review policy at `end`, by document,
    /// over the documents in force (what `overdue_reviews` lists, without the
    /// rest of the status report): the pack's part.
    static func overdueReviews(_ project: Project, end: Date) throws -> [(location: DocumentLocation, title: String, review: OpenReview)] {
        var out: [(location: DocumentLocation, title: String, review: OpenReview)] = []
        for location in try project.allDocuments().sorted(by: { $0.id < $1.id }) {
            let events = try project.record(location.id).events.filter { Timestamp.date($0.at).map { $0 < end } ?? false }
            guard let review = openReview(project, location.id, type: location.type, events: events, end: end),
                review.days > project.config.reviewPolicy.maxDays
            else { continue }
            out.append((location, try project.read(location).document?.title ?? "", review))
        }
        return out
    }

    /// The median of some numbers (the mean of the middle two for an even count).
    public static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let s = values.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    /// Open risks and overdue actions of one document's register tables.
    static func registerRows(
        _ project: String, _ location: DocumentLocation, _ document: Document, untilDay: String, untilStart: Date
    ) -> (risks: [(score: Int, row: [ReportValue])], actions: [[ReportValue]]) {
        var risks: [(score: Int, row: [ReportValue])] = []
        var actions: [[ReportValue]] = []
        for (heading, rows) in tables(document) {
            let isRisk = riskTables.contains(heading)
            guard isRisk || actionTables.contains(heading) else { continue }
            for row in rows {
                let status = row["Status"] ?? ""
                if closedStatuses.contains(status.lowercased()) { continue }
                let id = row["ID"] ?? ""
                let owner = row["Owner"] ?? ""
                let due = row["Due"] ?? ""
                if isRisk {
                    let score = Int(row["Score"] ?? "") ?? (Int(row["Probability"] ?? "") ?? 0) * (Int(row["Impact"] ?? "") ?? 0)
                    risks.append((score, [
                        .text(project), .text(location.id), .text(id), .text(row["Risk"] ?? ""), .text(owner),
                        score > 0 ? .int(score) : .null, due.isEmpty ? .null : .text(due), .text(status),
                    ]))
                } else if let dueDate = ReportDate.start(of: due), due < untilDay {
                    let days = Int((untilStart.timeIntervalSince(dueDate) / 86400).rounded())
                    actions.append([
                        .text(project), .text(location.id), .text(id), .text(row["Action"].flatMap { $0.isEmpty ? nil : $0 } ?? row["Issue"] ?? ""),
                        .text(owner), .text(due), .int(days), .text(status),
                    ])
                }
            }
        }
        return (risks, actions)
    }

    /// The GFM tables under level-2 headings: heading → rows as column → cell.
    static func tables(_ document: Document) -> [(String, [[String: String]])] {
        let headings = document.outline.headings
        var result: [(String, [[String: String]])] = []
        for table in document.outline.tables {
            guard let index = table.headingIndex, index < headings.count else { continue }
            // The nearest level-2 heading at or before the table's heading.
            guard let h = headings[...index].lastIndex(where: { $0.level == 2 }) else { continue }
            let header = table.header.map(\.text)
            let rows = table.rows.map { cells in
                Dictionary(zip(header, cells.map(\.text)).map { ($0, $1) }, uniquingKeysWith: { a, _ in a })
            }
            result.append((headings[h].text, rows))
        }
        return result
    }
}
