import FolioGit
import FolioModel
import Foundation

/// `folio report resources`: capacity, planned load and actual hours per
/// person and period across one repository or a portfolio (a PSO hub of
/// people and timesheets included), over-allocations naming the competing
/// projects and documents, open resource requests, and missing or
/// unapproved timesheets (docs/reports.md, "resources").
public enum ResourcesReport {
    public enum Grouping: String, Sendable, CaseIterable { case week, month }

    /// A person across the portfolio.
    struct Person {
        let email: String
        var name: String
        var capacity: Capacity
        var statesCapacity: Bool
    }

    /// A timesheet as the report needs it.
    struct Sheet: Sendable {
        let id: String
        let project: String
        let person: String
        let week: ISOWeek
        let state: LifecycleState
        let entries: [TimesheetEntry]
    }

    /// One repository's resource data: people, assignments, requests, timesheets.
    struct Data {
        var people: [ProjectConfig.Person] = []
        var assignments: [Assignment] = []
        var requests: [ResourceRequest] = []
        var sheets: [Sheet] = []
    }

    /// A period (week or month) clipped to the report's range.
    struct Period {
        let label: String
        let days: ClosedRange<Day>
    }

    /// The default range: the Monday four weeks before `today` to the Sunday eight weeks after.
    public static func defaultRange(today: Day) -> ClosedRange<Day> {
        let monday = today.isoWeek.monday
        return monday.advanced(by: -28)...monday.advanced(by: 8 * 7 + 6)
    }

    /// - Parameters:
    ///   - range: the days reported, both ends included (UTC calendar days).
    ///   - today: closed weeks (whose Sunday is before it) must have issued timesheets.
    public static func build(
        _ sources: [ReportSource], range: ClosedRange<Day>, by grouping: Grouping, today: Day, generated: Date
    ) throws -> Report {
        try ReportSource.requireDistinct(sources)
        // Each repository read on its own thread (it reads only its own objects).
        let data = try Parallel.map(sources, threshold: 2) { try read($0) }
        let threshold = sources.first?.project.config.resources.threshold ?? 100

        // People by email: capacity from the first repository that states it.
        var people: [String: Person] = [:]
        func add(_ email: String, _ name: String, _ capacity: Capacity, _ states: Bool) {
            let key = email.lowercased()
            if var known = people[key] {
                if !known.statesCapacity && states {
                    known.capacity = capacity
                    known.statesCapacity = true
                    people[key] = known
                }
            } else {
                people[key] = Person(email: key, name: name, capacity: capacity, statesCapacity: states)
            }
        }
        for d in data { for p in d.people { add(p.email, p.name, p.capacity, p.statesCapacity) } }
        // Only people some folio.yml lists count (validation keeps others
        // out of plans and timesheets; a hand edit is not a person).
        let emails = people.keys.sorted()
        let assignments = data.flatMap(\.assignments).filter { people[$0.person] != nil }
        let byPerson = Dictionary(grouping: assignments, by: \.person)
        let sheets = data.flatMap(\.sheets).filter { people[$0.person] != nil }

        let periods = makePeriods(range, grouping)
        let dayCount = range.upperBound.number - range.lowerBound.number + 1
        var periodOf = [Int](repeating: 0, count: dayCount)
        for (i, p) in periods.enumerated() {
            for d in p.days { periodOf[d.number - range.lowerBound.number] = i }
        }

        // Actuals by person, period and project: issued, and not yet issued.
        var actual: [String: [[String: Double]]] = [:]
        var draft: [String: [[String: Double]]] = [:]
        for sheet in sheets {
            for e in sheet.entries where range.contains(e.date) {
                let p = periodOf[e.date.number - range.lowerBound.number]
                if sheet.state == .issued {
                    actual[sheet.person, default: Array(repeating: [:], count: periods.count)][p][e.project, default: 0] += e.hours
                } else {
                    draft[sheet.person, default: Array(repeating: [:], count: periods.count)][p][e.project, default: 0] += e.hours
                }
            }
        }

        var peopleRows: [[ReportValue]] = []
        var loadRows: [[ReportValue]] = []
        var heatCells: [[Double?]] = []
        var heatFlags: [[Bool]] = []
        var plannedByWeek: [String: [ISOWeek: Double]] = [:]
        var totals = (capacity: 0.0, planned: 0.0, actual: 0.0, draft: 0.0, overCells: 0)
        for email in emails {
            let person = people[email]!
            let cap = person.capacity
            let perDay = cap.hoursPerWorkingDay
            let own = byPerson[email] ?? []
            var capacity = [Double](repeating: 0, count: periods.count)
            var planned = [[String: Double]](repeating: [:], count: periods.count)
            var peak = [Double](repeating: 0, count: periods.count)
            var weekly: [ISOWeek: Double] = [:]
            for i in 0..<dayCount {
                let day = range.lowerBound.advanced(by: i)
                guard cap.isWorking(day) else { continue }
                let p = periodOf[i]
                capacity[p] += perDay
                var load = 0.0
                for a in own where a.from <= day && day <= a.to {
                    load += a.percent
                    planned[p][a.project, default: 0] += perDay * a.percent / 100
                    weekly[day.isoWeek, default: 0] += perDay * a.percent / 100
                }
                peak[p] = max(peak[p], load)
            }
            plannedByWeek[email] = weekly
            var cells: [Double?] = []
            var flags: [Bool] = []
            for (i, period) in periods.enumerated() {
                let plannedH = planned[i].values.reduce(0, +)
                let actualByProject = actual[email]?[i] ?? [:]
                let draftByProject = draft[email]?[i] ?? [:]
                let actualH = actualByProject.values.reduce(0, +)
                let draftH = draftByProject.values.reduce(0, +)
                let pct: Double? = capacity[i] > 0 ? plannedH * 100 / capacity[i] : nil
                let over = peak[i] > threshold
                let projects = planned[i].filter { $0.value > 0 }.keys.sorted()
                peopleRows.append([
                    .text(email), .text(person.name), .text(period.label), .number(capacity[i], decimals: 2),
                    pct.map { .number($0, decimals: 1) } ?? .null, .number(plannedH, decimals: 2), .number(peak[i], decimals: 1),
                    .number(actualH, decimals: 2), .number(draftH, decimals: 2), .number(actualH + draftH - plannedH, decimals: 2),
                    .bool(over), .list(projects),
                ])
                cells.append(pct)
                flags.append(over)
                totals.capacity += capacity[i]
                totals.planned += plannedH
                totals.actual += actualH
                totals.draft += draftH
                if over { totals.overCells += 1 }
                for project in Set(planned[i].keys).union(actualByProject.keys).union(draftByProject.keys).sorted() {
                    let values = (planned[i][project] ?? 0, actualByProject[project] ?? 0, draftByProject[project] ?? 0)
                    guard values.0 > 0 || values.1 > 0 || values.2 > 0 else { continue }
                    loadRows.append([
                        .text(email), .text(period.label), .text(project), .number(values.0, decimals: 2),
                        .number(values.1, decimals: 2), .number(values.2, decimals: 2),
                    ])
                }
            }
            heatCells.append(cells)
            heatFlags.append(flags)
        }

        // Over-allocations across every project.
        let runs = Allocation.overAllocations(
            assignments, capacity: { people[$0]?.capacity ?? .standard }, threshold: threshold, window: range)
        let overRows: [[ReportValue]] = runs.map { run in
            [
                .text(run.person), .text(run.from.description), .text(run.to.description), .number(run.load, decimals: 1),
                .number(threshold, decimals: 1), .list(Array(Set(run.assignments.map(\.project))).sorted()),
                .list(run.assignments.map { "\($0.project) \($0.label)" }),
            ]
        }

        // Resource requests still open whose dates meet the range.
        let open: Set<String> = ["requested", "approved"]
        let requests = data.flatMap(\.requests)
            .filter { open.contains($0.status.lowercased()) && $0.from <= range.upperBound && $0.to >= range.lowerBound }
            .sorted { ($0.project, $0.document, $0.id) < ($1.project, $1.document, $1.id) }
        let requestRows: [[ReportValue]] = requests.map {
            [
                .text($0.project), .text($0.document), .text($0.id), .text($0.role), .text($0.skills),
                .number($0.percent, decimals: 1), .text($0.from.description), .text($0.to.description), .text($0.status),
            ]
        }

        // Data quality: closed weeks without an issued timesheet, and duplicates.
        let byWeek = Dictionary(grouping: sheets) { "\($0.person) \($0.week)" }
        var problemRows: [[ReportValue]] = []
        var week = range.lowerBound.isoWeek
        while week.monday <= range.upperBound {
            for email in emails {
                let found = (byWeek["\(email) \(week)"] ?? []).sorted { $0.id < $1.id }
                var problems: [String] = []
                if week.sunday < today, (plannedByWeek[email]?[week] ?? 0) > 0, !found.contains(where: { $0.state == .issued }) {
                    problems.append(found.first?.state.rawValue ?? "missing")
                }
                if found.count > 1 { problems.append("duplicate") }
                for problem in problems {
                    problemRows.append([
                        .text(email), .text(people[email]!.name), .text(week.description), .text(problem), .list(found.map(\.id)),
                    ])
                }
            }
            week = week.sunday.advanced(by: 1).isoWeek
        }
        problemRows.sort { ($0[0].display, $0[2].display, $0[3].display) < ($1[0].display, $1[2].display, $1[3].display) }

        let title = ReportSource.title("Resources", sources)
        return Report(
            kind: "resources", title: title, generated: generated, projects: sources.map(\.info),
            period: ReportPeriod(since: range.lowerBound.description, until: range.upperBound.description),
            figures: [
                ReportFigure("people", "People", .int(emails.count)),
                ReportFigure("capacity_h", "Capacity (hours)", .number(totals.capacity, decimals: 2)),
                ReportFigure("planned_h", "Planned (hours)", .number(totals.planned, decimals: 2)),
                ReportFigure("actual_h", "Actual, issued timesheets (hours)", .number(totals.actual, decimals: 2)),
                ReportFigure("draft_h", "Actual, timesheets not issued yet (hours)", .number(totals.draft, decimals: 2)),
                ReportFigure("over_allocated_cells", "Over-allocated person-periods", .int(totals.overCells)),
                ReportFigure("over_allocations", "Over-allocations", .int(overRows.count)),
                ReportFigure("open_requests", "Open resource requests", .int(requestRows.count)),
                ReportFigure("timesheet_problems", "Timesheet problems", .int(problemRows.count)),
            ],
            heatMaps: [
                ReportHeatMap(
                    key: "planned_load", title: "Planned load, % of capacity (over-allocated: bold, framed)",
                    rows: rowLabels(emails.map { (email: $0, name: people[$0]!.name) }),
                    columns: periods.map(\.label), cells: heatCells, flagged: heatFlags),
            ],
            sections: [
                ReportSection(
                    key: "people", title: "Capacity, load and actuals by person",
                    note: "Per person and \(grouping.rawValue): capacity in hours, planned load (all projects) in % of capacity and hours, the highest daily load, actual hours from issued timesheets and from timesheets not issued yet, and the variance (actual + not issued − planned). Over-allocated: a working day above \(ResourcePlan.percent(threshold))%.",
                    columns: [
                        ReportColumn("person", "Person"), ReportColumn("name", "Name"), ReportColumn("period", "Period"),
                        ReportColumn("capacity_h", "Capacity h"), ReportColumn("planned_pct", "Planned %"),
                        ReportColumn("planned_h", "Planned h"), ReportColumn("peak_pct", "Peak %"),
                        ReportColumn("actual_h", "Actual h"), ReportColumn("draft_h", "Not issued h"),
                        ReportColumn("variance_h", "Variance h"), ReportColumn("over_allocated", "Over"),
                        ReportColumn("projects", "Projects"),
                    ],
                    rows: peopleRows, empty: "No people."),
                ReportSection(
                    key: "over_allocations", title: "Over-allocations",
                    note: "Runs of working days on which a person's assignments add up to more than \(ResourcePlan.percent(threshold))% of their week, with every competing assignment (project, plan, line, allocation, dates).",
                    columns: [
                        ReportColumn("person", "Person"), ReportColumn("from", "From"), ReportColumn("to", "To"),
                        ReportColumn("load_pct", "Load %"), ReportColumn("threshold_pct", "Threshold %"),
                        ReportColumn("projects", "Projects"), ReportColumn("assignments", "Assignments"),
                    ],
                    rows: overRows, empty: "Nobody is over-allocated."),
                ReportSection(
                    key: "resource_requests", title: "Open resource requests",
                    note: "Rows of the plans' Resource requests still Requested or Approved whose dates meet the period.",
                    columns: [
                        ReportColumn("project", "Project"), ReportColumn("document", "Document"), ReportColumn("request", "Request"),
                        ReportColumn("role", "Role"), ReportColumn("skills", "Skills"), ReportColumn("allocation_pct", "Allocation %"),
                        ReportColumn("from", "From"), ReportColumn("to", "To"), ReportColumn("status", "Status"),
                    ],
                    rows: requestRows, empty: "No open resource requests."),
                ReportSection(
                    key: "timesheets", title: "Timesheets: missing, not approved, duplicate",
                    note: "For every closed week (its Sunday before \(today)) of the period, each person with planned hours whose week has no issued timesheet (missing, or its state), and any person-week with more than one timesheet.",
                    columns: [
                        ReportColumn("person", "Person"), ReportColumn("name", "Name"), ReportColumn("week", "Week"),
                        ReportColumn("problem", "Problem"), ReportColumn("documents", "Documents"),
                    ],
                    rows: problemRows, empty: "Every closed week has its issued timesheet."),
                ReportSection(
                    key: "load", title: "Planned and actual hours by person, period and project",
                    note: "Long form, one row per person, \(grouping.rawValue) and project with planned or recorded hours (the CSV default).",
                    columns: [
                        ReportColumn("person", "Person"), ReportColumn("period", "Period"), ReportColumn("project", "Project"),
                        ReportColumn("planned_h", "Planned h"), ReportColumn("actual_h", "Actual h"), ReportColumn("draft_h", "Not issued h"),
                    ],
                    rows: loadRows, empty: "No planned or recorded hours."),
            ],
            mainSection: "load")
    }

    /// Heat map rows: the person's name, or their email where there is no
    /// name or two people share one.
    static func rowLabels(_ people: [(email: String, name: String)]) -> [String] {
        let names = Dictionary(grouping: people, by: \.name).mapValues(\.count)
        return people.map { $0.name.isEmpty || $0.name == $0.email || names[$0.name, default: 0] > 1 ? $0.email : $0.name }
    }

    static func makePeriods(_ range: ClosedRange<Day>, _ grouping: Grouping) -> [Period] {
        var out: [Period] = []
        var start = range.lowerBound
        while start <= range.upperBound {
            let next: Day
            let label: String
            switch grouping {
            case .week:
                next = start.isoWeek.sunday.advanced(by: 1)
                label = start.isoWeek.description
            case .month:
                next = start.nextMonthStart
                label = start.monthLabel
            }
            out.append(Period(label: label, days: start...min(range.upperBound, next.advanced(by: -1))))
            start = next
        }
        return out
    }

    /// One repository's people, plans and timesheets in force.
    static func read(_ source: ReportSource) throws -> Data {
        let project = source.project
        let code = source.code
        var data = Data()
        data.people = project.config.people
        for plan in try project.resourcePlans() {
            data.assignments += ResourcePlan.assignments(plan, project: code)
            data.requests += ResourcePlan.requests(plan, project: code)
        }
        data.sheets = try sheets(source)
        return data
    }

    /// The timesheets of a repository in force (not withdrawn or superseded).
    /// Blobs are read on this thread (libgit2 handles are not shared); the
    /// parsing runs on all cores.
    static func sheets(_ source: ReportSource) throws -> [Sheet] {
        let project = source.project
        let code = source.code
        guard let template = project.template(Timesheet.type) else { return [] }
        var raw: [(DocumentLocation, [UInt8], [UInt8]?)] = []
        for location in try project.documents(of: template) {
            guard let bytes = try project.source.read(location.path, limit: Limits.documentBytes) else { continue }
            raw.append((location, bytes, try project.source.read(Record.path(for: location.id), limit: Limits.recordBytes)))
        }
        let scheme = project.config.revisions
        let parsed = try Parallel.map(raw) { location, bytes, recordBytes -> Sheet? in
            let record = try recordBytes.map { try Record.parse($0, path: Record.path(for: location.id)) } ?? .empty
            project.keep(record: record, of: location.id)
            let state = DocumentStatus.derive(record, scheme: scheme).state
            guard state != .withdrawn, state != .superseded else { return nil }
            let read = DocumentReader.read(path: location.path, bytes: bytes, template: template, expectedID: location.id)
            // As `Project.read` parses it (an adopted type's would also read its metadata file).
            if template.adopt == nil { project.keep(read, of: location) }
            guard let document = read.document else { return nil }
            let sheet = Timesheet(document)
            guard let week = sheet.week else { return nil }
            return Sheet(id: location.id, project: code, person: sheet.person, week: week, state: state, entries: sheet.entries)
        }
        return parsed.compactMap { $0 }
    }
}
