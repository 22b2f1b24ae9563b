import Foundation

/// The schedule (`schedule`): milestones and work packages. Timesheets book
/// hours against its work packages.
public enum Schedule {
    public static let type = "schedule"
    public static let workPackagesHeading = "Work packages"

    /// The IDs of the schedule's work packages (`WP-1.2`).
    public static func workPackageIDs(_ document: Document) -> Set<String> {
        Set(TableRow.rows(document, under: workPackagesHeading).map { $0["ID"] }.filter { !$0.isEmpty })
    }
}

/// A row of a schedule's `Milestones` table.
public struct Milestone: Sendable, Equatable {
    public let id: String
    public let name: String
    public let baseline: Day?
    public let forecast: Day?
    public let actual: Day?
    /// The status the schedule states (Planned, On track, At risk, Late, Done).
    public let stated: String

    /// The date the milestone is expected: actual, else forecast, else baseline.
    public var expected: Day? { actual ?? forecast ?? baseline }
}

extension Schedule {
    public static let milestonesHeading = "Milestones"

    /// The milestones of a schedule (rows without an ID are left out).
    public static func milestones(_ document: Document) -> [Milestone] {
        milestones(document.outline)
    }

    /// The milestones of an outline (a whole schedule's, or its Milestones section's).
    public static func milestones(_ outline: MarkdownOutline) -> [Milestone] {
        TableRow.rows(outline, under: milestonesHeading).compactMap { row in
            guard !row["ID"].isEmpty else { return nil }
            return Milestone(
                id: row["ID"], name: row["Milestone"], baseline: Day(row["Baseline"]), forecast: Day(row["Forecast"]),
                actual: Day(row["Actual"]), stated: row["Status"])
        }
    }
}

/// A row of a schedule's `Work packages` table.
public struct WorkPackage: Sendable {
    public let id: String
    public let name: String
    public let start: Day?
    public let finish: Day?
    /// The budget at completion (BAC) of the work package.
    public let budget: Money?
    /// % complete, 0–100 (nil when not stated).
    public let complete: Double?

    /// Planned value at the end of `day` (PMBOK): the budget times the share
    /// of the work package's days (start to finish, both included) elapsed;
    /// 0 before the start, the whole budget from the finish on.
    public func plannedValue(asOf day: Day) -> Double? {
        guard let budget, let start, let finish, start <= finish else { return nil }
        if day < start { return 0 }
        if day >= finish { return budget.amount }
        let total = Double(start.distance(to: finish) + 1)
        return budget.amount * Double(start.distance(to: day) + 1) / total
    }

    /// Earned value (PMBOK): the budget times the % complete.
    public var earnedValue: Double? {
        guard let budget, let complete else { return nil }
        return budget.amount * complete / 100
    }
}

extension Schedule {
    public static func workPackages(_ document: Document) -> [WorkPackage] {
        TableRow.rows(document, under: workPackagesHeading).compactMap { row in
            guard !row["ID"].isEmpty else { return nil }
            return WorkPackage(
                id: row["ID"], name: row["Work package"], start: Day(row["Start"]), finish: Day(row["Finish"]),
                budget: Money(row["Budget"]), complete: DecimalText.parse(row["% complete"]))
        }
    }
}
