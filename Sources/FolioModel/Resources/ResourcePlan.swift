import Foundation

/// One row of a table read by column name: the cells' trimmed text and
/// where the row is (for diagnostics that point at it).
public struct TableRow: Sendable {
    public let line: Int
    public let column: Int
    let cells: [String: String]
    public subscript(_ name: String) -> String { cells[name] ?? "" }

    /// The rows of the table under the level-2 heading `heading`, or none.
    public static func rows(_ document: Document, under heading: String) -> [TableRow] {
        rows(document.outline, under: heading)
    }

    /// The rows of the table under the level-2 heading `heading` of an outline.
    public static func rows(_ outline: MarkdownOutline, under heading: String) -> [TableRow] {
        guard let table = outline.table(under: heading) else { return [] }
        let names = table.header.map(\.text)
        return table.rows.compactMap { row in
            guard let first = row.first else { return nil }
            var cells: [String: String] = [:]
            for (name, cell) in zip(names, row) where cells[name] == nil { cells[name] = cell.text }
            return TableRow(line: first.line, column: first.column, cells: cells)
        }
    }
}

/// A row of a resource plan's `Assignments` table: a person booked for a
/// percentage of their working week on every working day from `from` to
/// `to` (both included).
public struct Assignment: Sendable, Equatable {
    /// Email, lower case.
    public let person: String
    public let role: String
    /// % of the person's working week.
    public let percent: Double
    public let from: Day
    public let to: Day
    /// The plan's ID and the row's line (for diagnostics and reports).
    public let document: String
    public let path: String
    public let line: Int
    public let column: Int
    /// The project (repository code) the plan belongs to.
    public let project: String

    public var days: ClosedRange<Day> { from...to }

    /// `ALPHA-RES-0001 line 14 (80%, 2026-12-01..2027-01-31)`.
    public var label: String { "\(document) line \(line) (\(ResourcePlan.percent(percent))%, \(from)..\(to))" }
}

/// A row of `Resource requests`: a role the project needs and has not filled.
public struct ResourceRequest: Sendable {
    public let id: String
    public let role: String
    public let skills: String
    public let percent: Double
    public let from: Day
    public let to: Day
    public let status: String
    public let document: String
    public let project: String
}

/// The resource plan (`resource-plan`): reading its tables as data.
public enum ResourcePlan {
    public static let type = "resource-plan"
    public static let assignmentsHeading = "Assignments"
    public static let requestsHeading = "Resource requests"

    /// The assignments of a plan. Rows with a missing or invalid person,
    /// percentage or date are left out (validation reports them).
    public static func assignments(_ document: Document, project: String) -> [Assignment] {
        TableRow.rows(document, under: assignmentsHeading).compactMap { row in
            let person = row["Person"].lowercased()
            guard !person.isEmpty, let pct = DecimalText.parse(row["Allocation %"]), pct >= 0, pct <= 1000,
                let from = Day(row["From"]), let to = Day(row["To"]), from <= to
            else { return nil }
            return Assignment(
                person: person, role: row["Role"], percent: pct, from: from, to: to, document: document.id,
                path: document.path, line: row.line, column: row.column, project: project)
        }
    }

    /// The resource requests of a plan (rows with valid dates and percentage).
    public static func requests(_ document: Document, project: String) -> [ResourceRequest] {
        TableRow.rows(document, under: requestsHeading).compactMap { row in
            guard let pct = DecimalText.parse(row["Allocation %"]), pct >= 0, pct <= 1000, let from = Day(row["From"]), let to = Day(row["To"]) else { return nil }
            return ResourceRequest(
                id: row["ID"], role: row["Role"], skills: row["Skills"], percent: pct, from: from, to: to,
                status: row["Status"], document: document.id, project: project)
        }
    }

    /// `date.order`: rows whose `From` is after their `To` (they book nothing,
    /// so they would silently drop out of every load).
    public static func dateOrder(_ document: Document) -> [Diagnostic] {
        dateOrder(document, [(assignmentsHeading, "From", "To"), (requestsHeading, "From", "To")])
    }

    /// `table.dates` for the given tables and their start and end columns.
    public static func dateOrder(_ document: Document, _ tables: [(heading: String, start: String, end: String)]) -> [Diagnostic] {
        tables.flatMap { table in
            TableRow.rows(document, under: table.heading).compactMap { row -> Diagnostic? in
                guard let from = Day(row[table.start]), let to = Day(row[table.end]), from > to else { return nil }
                return Diagnostic(
                    path: document.path, line: row.line, column: row.column, severity: .error,
                    message: "table '\(table.heading)': \(table.start) \(from) is after \(table.end) \(to)", rule: "table.dates")
            }
        }
    }

    /// `80`, `62.5`: a percentage as people write it.
    public static func percent(_ value: Double) -> String {
        DecimalText.string(value, decimals: 1)
    }
}

/// A run of days on which a person's load (the sum of the allocations of
/// the assignments covering the day) is above the threshold.
public struct OverAllocation: Sendable {
    public let person: String
    /// The first and last working day of the run.
    public let from: Day
    public let to: Day
    /// Σ allocation % of `assignments` (each covers every day of the run).
    public let load: Double
    public let assignments: [Assignment]
}

/// Over-allocation: where a person's assignments add up to more than the
/// threshold on their working days (docs/formats.md, "Allocation rule").
public enum Allocation {
    /// Every run of a person's working days over `threshold` (%) within
    /// `window` (all days when nil), from all their assignments. Within a
    /// run the same assignments cover every day; days off and absences
    /// neither count nor break a run. Cost: O(A log A) per person.
    public static func overAllocations(
        _ assignments: [Assignment], capacity: (String) -> Capacity, threshold: Double, window: ClosedRange<Day>? = nil
    ) -> [OverAllocation] {
        var out: [OverAllocation] = []
        for (person, own) in Dictionary(grouping: assignments, by: \.person).sorted(by: { $0.key < $1.key }) {
            let cap = capacity(person)
            // The covering set changes only where an assignment starts or ends.
            let bounds = Set(own.flatMap { [$0.from.number, $0.to.number + 1] }).sorted()
            for (start, end) in zip(bounds, bounds.dropFirst()) {
                var segment = Day(number: start)...Day(number: end - 1)
                if let window {
                    guard segment.overlaps(window) else { continue }
                    segment = segment.clamped(to: window)
                }
                // A 0% row books nobody: it never competes.
                let covering = own.filter { $0.percent > 0 && $0.from <= segment.lowerBound && $0.to >= segment.lowerBound }
                    .sorted { ($0.project, $0.document, $0.line) < ($1.project, $1.document, $1.line) }
                let load = covering.reduce(0) { $0 + $1.percent }
                guard load > threshold, covering.count > 0 else { continue }
                guard let first = segment.first(where: cap.isWorking),
                    let last = segment.reversed().first(where: cap.isWorking)
                else { continue }
                out.append(OverAllocation(person: person, from: first, to: last, load: load, assignments: covering))
            }
        }
        return out
    }

    /// The load (Σ allocation %) of a person's assignments on a day.
    public static func load(_ assignments: [Assignment], on day: Day) -> Double {
        assignments.reduce(0) { $0 + ($1.days.contains(day) ? $1.percent : 0) }
    }
}
