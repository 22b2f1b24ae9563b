import Foundation

/// One row of a timesheet's `Entries` table.
public struct TimesheetEntry: Sendable, Equatable {
    public let date: Day
    public let project: String
    public let workPackage: String
    /// Hours worked (≥ 0, at most 24 a day).
    public let hours: Double
    public let activity: String
    public let note: String
    /// The row's line in the file (0 for entries not read from a file).
    public let line: Int

    public init(date: Day, project: String, workPackage: String, hours: Double, activity: String, note: String, line: Int = 0) {
        self.date = date
        self.project = project
        self.workPackage = workPackage
        self.hours = hours
        self.activity = activity
        self.note = note
        self.line = line
    }

    /// The same entry wherever it was read from (for idempotent imports).
    public func sameWork(as other: TimesheetEntry) -> Bool {
        date == other.date && project == other.project && workPackage == other.workPackage && hours == other.hours
            && activity == other.activity && note == other.note
    }
}

/// A timesheet (`timesheet`): one person's hours of one ISO week, by date,
/// project, work package and activity (docs/formats.md, "Timesheets").
public struct Timesheet: Sendable {
    public static let type = "timesheet"
    public static let entriesHeading = "Entries"
    public static let columns = ["Date", "Project", "Work package", "Hours", "Activity", "Note"]

    public let id: String
    /// Email, lower case.
    public let person: String
    public let week: ISOWeek?
    public let entries: [TimesheetEntry]

    /// Reads the person, week and entries (rows that do not parse are left
    /// out: validation reports them).
    public init(_ document: Document) {
        id = document.id
        person = (document.field("person") ?? "").lowercased()
        week = document.field("week").flatMap(ISOWeek.init)
        entries = TableRow.rows(document, under: Timesheet.entriesHeading).compactMap { row in
            guard let date = Day(row["Date"]), let hours = DecimalText.parse(row["Hours"]), hours >= 0, hours <= 24 else { return nil }
            return TimesheetEntry(
                date: date, project: row["Project"], workPackage: row["Work package"], hours: hours,
                activity: row["Activity"], note: row["Note"], line: row.line)
        }
    }

    public var totalHours: Double { entries.reduce(0) { $0 + $1.hours } }

    /// The timesheet rules beyond column types: the week is real, dates in
    /// it, at most 24 hours a day, the week against the person's capacity
    /// (warning) and `resources.max_week_hours` (error), projects known, and
    /// work packages of a project whose schedule is known (`workPackages`:
    /// project code → the IDs of its schedules' work packages).
    public static func check(_ document: Document, config: ProjectConfig, workPackages: [String: Set<String>] = [:]) -> [Diagnostic] {
        var out: [Diagnostic] = []
        func report(_ line: Int, _ column: Int, _ severity: Diagnostic.Severity, _ message: String, _ rule: String) {
            out.append(Diagnostic(path: document.path, line: line, column: column, severity: severity, message: message, rule: rule))
        }
        let sheet = Timesheet(document)
        let weekText = document.field("week") ?? ""
        let weekLine = document.frontMatter["week"]?.line ?? 1
        guard let week = sheet.week else {
            if !weekText.isEmpty {
                report(weekLine, 1, .error, "week '\(weekText)' is not an ISO week (YYYY-Www, e.g. 2026-W49; W53 only in years that have one)", "timesheet.week")
            }
            return out
        }
        var byDay: [Day: Double] = [:]
        let known = Set([config.project.code] + config.resources.projects)
        for entry in sheet.entries {
            if !week.days.contains(entry.date) {
                report(entry.line, 1, .error, "\(entry.date) is not in week \(week) (\(week.monday)..\(week.sunday))", "timesheet.date")
            }
            byDay[entry.date, default: 0] += entry.hours
            if let packages = workPackages[entry.project], !packages.isEmpty, !packages.contains(entry.workPackage) {
                let known = packages.sorted().joined(separator: ", ")
                report(entry.line, 1, .error, entry.workPackage.isEmpty
                    ? "a work package is needed: \(entry.project) has a schedule (\(known))"
                    : "work package '\(entry.workPackage)' is not in the schedule of \(entry.project) (\(known))", "timesheet.work-package")
            }
            if !entry.project.isEmpty, !known.contains(entry.project) {
                report(entry.line, 1, .error, "project '\(entry.project)' is not this project (\(config.project.code)) nor one of resources.projects in folio.yml (\(config.resources.projects.joined(separator: ", ")))", "timesheet.project")
            }
        }
        for (day, hours) in byDay.sorted(by: { $0.key < $1.key }) where hours > 24 {
            let line = sheet.entries.first { $0.date == day }?.line ?? 1
            report(line, 1, .error, "\(format(hours)) hours on \(day): a day has 24", "timesheet.day")
        }
        let total = sheet.totalHours
        let tableLine = document.outline.table(under: entriesHeading)?.line ?? 1
        if total > config.resources.maxWeekHours {
            report(tableLine, 1, .error, "\(format(total)) hours in week \(week) are more than resources.max_week_hours (\(format(config.resources.maxWeekHours)))", "timesheet.limit")
        } else if let person = config.person(sheet.person) {
            let capacity = person.capacity.hours(in: week.days)
            if total > capacity + 1e-9 {
                report(tableLine, 1, .warning, "\(format(total)) hours in week \(week) are above \(person.email)'s capacity of \(format(capacity)) hours that week", "timesheet.capacity")
            }
        }
        return out
    }

    /// Hours as people write them: `6.5`, `40`, `7.25`.
    public static func format(_ hours: Double) -> String {
        DecimalText.string(hours, decimals: 2)
    }
}
