import Foundation

/// A calendar day (proleptic Gregorian, no time zone: the days people write
/// in registers and timesheets), counted as days since 1970-01-01 so ranges
/// and weeks are integer arithmetic. Civil-from-days conversions after
/// H. Hinnant, "chrono-compatible low-level date algorithms".
public struct Day: Sendable, Hashable, Comparable, CustomStringConvertible, Strideable {
    /// Days since 1970-01-01 (negative before).
    public let number: Int

    public init(number: Int) { self.number = number }

    /// The day of a year, month (1–12) and day of month, or nil when there is
    /// no such day (2026-02-30) or the year is outside 1–9999.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), (1...31).contains(day) else { return nil }
        self.number = Day.number(year: year, month: month, day: day)
        guard self.components == (year, month, day) else { return nil }
    }

    /// Days since 1970-01-01 of a civil date, unchecked: also for the days
    /// just past 9999-12-31 that week and month arithmetic reaches.
    static func number(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// Parses `YYYY-MM-DD` exactly (ASCII digits, a real day), or nil.
    public init?(_ text: String) {
        let u = Array(text.utf8)
        guard u.count == 10, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-") else { return nil }
        func number(_ r: Range<Int>) -> Int? {
            var n = 0
            for i in r {
                guard (48...57).contains(u[i]) else { return nil }
                n = n * 10 + Int(u[i] - 48)
            }
            return n
        }
        guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// The UTC day of a moment.
    public init(_ date: Date) {
        number = Int((date.timeIntervalSince1970 / 86400).rounded(.down))
    }

    /// (year, month, day).
    public var components: (year: Int, month: Int, day: Int) {
        let z = number + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// ISO 8601 day of the week: 1 Monday … 7 Sunday.
    public var weekday: Int { ((number % 7 + 7) % 7 + 3) % 7 + 1 }

    /// The ISO 8601 week holding this day.
    public var isoWeek: ISOWeek {
        let thursday = Day(number: number - (weekday - 1) + 3)
        let year = thursday.components.year
        return ISOWeek(year: year, week: (thursday.number - Day.number(year: year, month: 1, day: 1)) / 7 + 1)
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        let c = components
        return String(format: "%04d-%02d-%02d", c.year, c.month, c.day)
    }

    /// `YYYY-MM`, the month's label.
    public var monthLabel: String {
        let c = components
        return String(format: "%04d-%02d", c.year, c.month)
    }

    /// The first day of the month holding this day.
    public var monthStart: Day { let c = components; return Day(number: Day.number(year: c.year, month: c.month, day: 1)) }

    /// The first day of the next month.
    public var nextMonthStart: Day {
        let c = components
        return Day(number: c.month == 12 ? Day.number(year: c.year + 1, month: 1, day: 1) : Day.number(year: c.year, month: c.month + 1, day: 1))
    }

    public static func < (a: Day, b: Day) -> Bool { a.number < b.number }
    public func distance(to other: Day) -> Int { other.number - number }
    public func advanced(by n: Int) -> Day { Day(number: number + n) }
}

/// An ISO 8601 week (`2026-W49`): Monday to Sunday; week 1 holds the
/// year's first Thursday, so 2026-12-28 … 2027-01-03 is `2026-W53`.
public struct ISOWeek: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let week: Int

    init(year: Int, week: Int) {
        self.year = year
        self.week = week
    }

    /// Parses `YYYY-Www`; nil unless it is a real week (W53 only in years that have it).
    public init?(_ text: String) {
        let u = Array(text.utf8)
        guard u.count == 8, u[4] == UInt8(ascii: "-"), u[5] == UInt8(ascii: "W"),
            u.enumerated().allSatisfy({ [4, 5].contains($0.offset) || (48...57).contains($0.element) }),
            let y = Int(String(decoding: u[0..<4], as: UTF8.self)), let w = Int(String(decoding: u[6..<8], as: UTF8.self)),
            (1...9999).contains(y), w >= 1
        else { return nil }
        self.init(year: y, week: w)
        guard monday.isoWeek == self else { return nil }
    }

    /// The week's Monday.
    public var monday: Day {
        let jan4 = Day(number: Day.number(year: year, month: 1, day: 4))
        return Day(number: jan4.number - (jan4.weekday - 1) + 7 * (week - 1))
    }

    public var sunday: Day { monday.advanced(by: 6) }
    public var days: ClosedRange<Day> { monday...sunday }

    public var description: String { String(format: "%04d-W%02d", year, week) }

    public static func < (a: ISOWeek, b: ISOWeek) -> Bool { (a.year, a.week) < (b.year, b.week) }
}
