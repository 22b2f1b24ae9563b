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
