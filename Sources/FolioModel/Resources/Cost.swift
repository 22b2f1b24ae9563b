import Foundation

/// An amount of money in one currency (ISO 4217 code): never added to
/// another currency's.
public struct Money: Sendable, Equatable {
    public let amount: Double
    public let currency: String

    public init(_ amount: Double, _ currency: String) {
        self.amount = amount
        self.currency = currency
    }

    /// Parses `1250.00 EUR`.
    public init?(_ text: String) {
        guard let (amount, code) = ValueChecker.money(text) else { return nil }
        self.init(amount, code)
    }
}

/// A rate of a rate card (`rate-card`): per hour, for a person (email) or a
/// role, from a day to a day (open-ended when `to` is nil).
public struct Rate: Sendable {
    public let who: String
    public let rate: Money
    public let from: Day
    public let to: Day?
    public let document: String

    public var isPerson: Bool { who.contains("@") }

    public func applies(on day: Day) -> Bool { from <= day && (to.map { day <= $0 } ?? true) }
}

/// A budget line of a cost register.
public struct BudgetLine: Sendable {
    public let line: String
    public let description: String
    public let category: String
    public let budget: Money?
    public let committed: Money?
    public let forecast: Money?
}

/// An actual cost of a cost register: an invoice or journal booked to a line.
public struct ActualCost: Sendable {
    public let id: String
    public let date: Day?
    public let line: String
    public let supplier: String
    public let invoice: String
    public let amount: Money?
    /// The row's line in the file.
    public let row: Int
}

/// Reading cost registers and rate cards as data.
public enum CostData {
    public static let costRegisterType = "cost-register"
    public static let rateCardType = "rate-card"

    public static func rates(_ document: Document) -> [Rate] {
        TableRow.rows(document, under: "Rates").compactMap { row in
            guard !row["Person or role"].isEmpty, let rate = Money(row["Rate"]), let from = Day(row["From"]) else { return nil }
            let to = row["To"].isEmpty ? nil : Day(row["To"])
            if !row["To"].isEmpty && to == nil { return nil }
            return Rate(who: row["Person or role"].lowercased(), rate: rate, from: from, to: to, document: document.id)
        }
    }

    public static func budgetLines(_ document: Document) -> [BudgetLine] {
        TableRow.rows(document, under: "Budget lines").compactMap { row in
            guard !row["Line"].isEmpty else { return nil }
            return BudgetLine(
                line: row["Line"], description: row["Description"], category: row["Category"], budget: Money(row["Budget"]),
                committed: Money(row["Committed"]), forecast: Money(row["Forecast"]))
        }
    }

    public static func actuals(_ document: Document) -> [ActualCost] {
        TableRow.rows(document, under: "Actuals").map { row in
            ActualCost(
                id: row["ID"], date: Day(row["Date"]), line: row["Line"], supplier: row["Supplier"], invoice: row["Invoice"],
                amount: Money(row["Amount"]), row: row.line)
        }
    }

    /// The rate in force for a person on a day: their own rate first, then
    /// that of the first of their roles that has one; for each, the cards
    /// of `groups` in order (a project's own cards before a hub's), and of
    /// several rows in force in one group, the one that started last. Nil
    /// when none applies.
    public static func rate(for person: String, roles: [String], on day: Day, in groups: [[Rate]]) -> Rate? {
        for who in [person.lowercased()] + roles.map({ $0.lowercased() }) {
            for rates in groups {
                if let r = rates.filter({ $0.who == who && $0.applies(on: day) }).max(by: { $0.from < $1.from }) { return r }
            }
        }
        return nil
    }
}
