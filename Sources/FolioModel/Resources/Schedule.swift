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
        TableRow.rows(document, under: milestonesHeading).compactMap { row in
            guard !row["ID"].isEmpty else { return nil }
            return Milestone(
                id: row["ID"], name: row["Milestone"], baseline: Day(row["Baseline"]), forecast: Day(row["Forecast"]),
                actual: Day(row["Actual"]), stated: row["Status"])
        }
    }
}
