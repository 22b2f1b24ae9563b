import Foundation

/// A person's capacity (`folio.yml`, people): the hours of their week, the
/// days they work, the fraction they work part-time and their absences.
/// Every figure of the resources rules and report is in hours derived from
/// it (docs/formats.md, "People's capacity").
public struct Capacity: Sendable, Equatable {
    /// A full week of the person's contract, hours (default 40).
    public var hoursPerWeek: Double
    /// ISO weekdays worked: 1 Monday … 7 Sunday (default Monday to Friday).
    public var workingDays: Set<Int>
    /// The fraction of `hoursPerWeek` worked, 0 < f ≤ 1 (default 1).
    public var partTime: Double
    /// Whole days away, both ends included, sorted, never overlapping.
    public var absences: [ClosedRange<Day>]

    public static let standard = Capacity(hoursPerWeek: 40, workingDays: Set(1...5), partTime: 1, absences: [])

    public init(hoursPerWeek: Double, workingDays: Set<Int>, partTime: Double, absences: [ClosedRange<Day>]) {
        self.hoursPerWeek = hoursPerWeek
        self.workingDays = workingDays
        self.partTime = partTime
        self.absences = absences.sorted { $0.lowerBound < $1.lowerBound }
    }

    /// Hours on each working day: `hoursPerWeek × partTime / working days`.
    public var hoursPerWorkingDay: Double {
        workingDays.isEmpty ? 0 : hoursPerWeek * partTime / Double(workingDays.count)
    }

    /// A working day: one of `workingDays`, not inside an absence.
    public func isWorking(_ day: Day) -> Bool {
        guard workingDays.contains(day.weekday) else { return false }
        return !isAbsent(day)
    }

    public func isAbsent(_ day: Day) -> Bool {
        // Few absences per person: a linear scan is the simplest correct thing.
        absences.contains { $0.contains(day) }
    }

    /// Hours available on a day (0 on days off and absences).
    public func hours(on day: Day) -> Double { isWorking(day) ? hoursPerWorkingDay : 0 }

    /// Hours available over the days of a range.
    public func hours(in days: ClosedRange<Day>) -> Double {
        var total = 0.0
        for d in days where isWorking(d) { total += hoursPerWorkingDay }
        return total
    }

    public static let dayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    /// Builds and checks a capacity from `folio.yml` values; throws a
    /// message naming what is wrong (the caller adds the person).
    static func parse(hoursPerWeek: Double?, workingDays: [String]?, partTime: Double?, absences: [(from: String, to: String)]) throws(CapacityProblem) -> Capacity {
        let hours = hoursPerWeek ?? 40
        guard hours.isFinite, hours > 0, hours <= 168 else { throw CapacityProblem("hours_per_week must be above 0 and at most 168, not \(hours)") }
        let fraction = partTime ?? 1
        guard fraction.isFinite, fraction > 0, fraction <= 1 else { throw CapacityProblem("part_time must be above 0 and at most 1, not \(fraction)") }
        var days = Set<Int>()
        if let workingDays {
            guard !workingDays.isEmpty else { throw CapacityProblem("working_days may not be empty") }
            for name in workingDays {
                guard let i = dayNames.firstIndex(of: name.lowercased()) else {
                    throw CapacityProblem("working day '\(name)' is not one of \(dayNames.joined(separator: ", "))")
                }
                guard days.insert(i + 1).inserted else { throw CapacityProblem("working day '\(name)' is listed twice") }
            }
        } else {
            days = Set(1...5)
        }
        var ranges: [ClosedRange<Day>] = []
        for a in absences {
            guard let from = Day(a.from) else { throw CapacityProblem("absence from '\(a.from)' is not a date (YYYY-MM-DD)") }
            guard let to = Day(a.to) else { throw CapacityProblem("absence to '\(a.to)' is not a date (YYYY-MM-DD)") }
            guard from <= to else { throw CapacityProblem("absence \(from)..\(to) ends before it starts") }
            ranges.append(from...to)
        }
        ranges.sort { $0.lowerBound < $1.lowerBound }
        for (a, b) in zip(ranges, ranges.dropFirst()) where b.lowerBound <= a.upperBound {
            throw CapacityProblem("absences \(a.lowerBound)..\(a.upperBound) and \(b.lowerBound)..\(b.upperBound) overlap")
        }
        return Capacity(hoursPerWeek: hours, workingDays: days, partTime: fraction, absences: ranges)
    }
}

struct CapacityProblem: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// The resource rules of `folio.yml` (`resources:`): what over-allocation
/// does, where it starts, the longest timesheet week and the other projects
/// timesheets may book to.
public struct ResourcePolicy: Sendable, Decodable, Equatable {
    public enum Allocation: String, Sendable, Decodable { case warn, refuse }
    /// What an over-allocation is in `check` and the hooks: a warning or an error.
    public let allocation: Allocation
    /// % of a person's working week above which they are over-allocated (default 100).
    public let threshold: Double
    /// A timesheet week above this many hours is refused (default 60).
    public let maxWeekHours: Double
    /// Project codes other than this repository's that timesheets may book to.
    public let projects: [String]

    public static let standard = ResourcePolicy(allocation: .warn, threshold: 100, maxWeekHours: 60, projects: [])

    init(allocation: Allocation, threshold: Double, maxWeekHours: Double, projects: [String]) {
        self.allocation = allocation
        self.threshold = threshold
        self.maxWeekHours = maxWeekHours
        self.projects = projects
    }

    enum CodingKeys: String, CodingKey {
        case allocation, threshold, projects
        case maxWeekHours = "max_week_hours"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let policy = try c.decodeIfPresent(String.self, forKey: .allocation) ?? "warn"
        guard let a = Allocation(rawValue: policy) else {
            throw DecodingError.dataCorruptedError(forKey: .allocation, in: c, debugDescription: "resources.allocation must be warn or refuse, not '\(policy)'")
        }
        allocation = a
        threshold = try c.decodeIfPresent(Double.self, forKey: .threshold) ?? 100
        guard threshold.isFinite, (1...1000).contains(threshold) else {
            throw DecodingError.dataCorruptedError(forKey: .threshold, in: c, debugDescription: "resources.threshold must be 1 to 1000 (%), not \(threshold)")
        }
        maxWeekHours = try c.decodeIfPresent(Double.self, forKey: .maxWeekHours) ?? 60
        guard maxWeekHours.isFinite, (1...168).contains(maxWeekHours) else {
            throw DecodingError.dataCorruptedError(forKey: .maxWeekHours, in: c, debugDescription: "resources.max_week_hours must be 1 to 168, not \(maxWeekHours)")
        }
        projects = try c.decodeIfPresent([String].self, forKey: .projects) ?? []
        for code in projects where !ProjectConfig.isProjectCode(code) {
            throw DecodingError.dataCorruptedError(forKey: .projects, in: c, debugDescription: "resources.projects: '\(code)' is not a project code (2-16 characters A-Z, 0-9, '-', starting with a letter)")
        }
    }
}
