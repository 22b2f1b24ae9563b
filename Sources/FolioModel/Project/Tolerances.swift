import Foundation

/// A project's tolerances (PRINCE2: the permitted deviation before a
/// project is escalated), from `tolerances:` in `folio.yml` or a portfolio
/// file: against them `folio report pack` computes each health dimension as
/// green, amber or red (docs/reports.md, "pack").
public struct Tolerances: Sendable, Equatable, Decodable {
    /// A measure's limits: amber at or above `amber`, red at or above `red`.
    public struct Limits: Sendable, Equatable {
        public let amber: Double
        public let red: Double

        public init(amber: Double, red: Double) {
            self.amber = amber
            self.red = red
        }

        /// The rating of a measured value: `nil` (no measure) is green.
        public func rate(_ value: Double?) -> Rating {
            guard let value else { return .green }
            return value >= red ? .red : value >= amber ? .amber : .green
        }
    }

    /// Red, amber, green: the health of a project or one of its dimensions.
    public enum Rating: String, Sendable, Comparable, CaseIterable {
        case green, amber, red
        public static func < (a: Rating, b: Rating) -> Bool { a.order < b.order }
        var order: Int { self == .green ? 0 : self == .amber ? 1 : 2 }

        /// Reads `Green`, `amber`, `RED`, `G`/`A`/`R`.
        public init?(text: String) {
            switch text.trimmingCharacters(in: .whitespaces).lowercased() {
            case "green", "g": self = .green
            case "amber", "a", "yellow": self = .amber
            case "red", "r": self = .red
            default: return nil
            }
        }
    }

    /// Forecast at completion above budget, % of the budget.
    public let costVariancePct: Limits
    /// The worst slip (days) of a milestone not done against its baseline.
    public let milestoneSlipDays: Limits
    /// People above their allocation threshold in the pack's period and the four weeks after.
    public let overAllocatedPeople: Limits
    /// Open actions (across all minutes) and open issues past their due date.
    public let overdueActions: Limits
    /// Open risks scoring `highRiskScore` or more (probability × impact, 1–25).
    public let highRisks: Limits
    public let highRiskScore: Int

    public static let standard = Tolerances(
        costVariancePct: Limits(amber: 5, red: 10), milestoneSlipDays: Limits(amber: 5, red: 20),
        overAllocatedPeople: Limits(amber: 1, red: 3), overdueActions: Limits(amber: 1, red: 5),
        highRisks: Limits(amber: 1, red: 3), highRiskScore: 15)

    init(costVariancePct: Limits, milestoneSlipDays: Limits, overAllocatedPeople: Limits, overdueActions: Limits, highRisks: Limits, highRiskScore: Int) {
        self.costVariancePct = costVariancePct
        self.milestoneSlipDays = milestoneSlipDays
        self.overAllocatedPeople = overAllocatedPeople
        self.overdueActions = overdueActions
        self.highRisks = highRisks
        self.highRiskScore = highRiskScore
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case costVariancePct = "cost_variance_pct"
        case milestoneSlipDays = "milestone_slip_days"
        case overAllocatedPeople = "over_allocated_people"
        case overdueActions = "overdue_actions"
        case highRisks = "high_risks"
        case highRiskScore = "high_risk_score"
    }

    /// Each measure is `[amber, red]` (0 ≤ amber ≤ red); a measure left out
    /// keeps its standard limits. - Throws: `DecodingError` naming the key.
    struct AnyKey: CodingKey {
        let stringValue: String
        init?(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: Decoder) throws {
        let all = try decoder.container(keyedBy: AnyKey.self)
        let known = Set(CodingKeys.allCases.map(\.rawValue))
        for key in all.allKeys where !known.contains(key.stringValue) {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: all, debugDescription: "tolerances: unknown key '\(key.stringValue)' (keys: \(known.sorted().joined(separator: ", ")))")
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let s = Tolerances.standard
        func limits(_ key: CodingKeys, _ standard: Limits) throws -> Limits {
            guard let pair = try c.decodeIfPresent([Double].self, forKey: key) else { return standard }
            guard pair.count == 2, pair.allSatisfy({ $0.isFinite && $0 >= 0 && $0 < 1e9 }), pair[0] <= pair[1] else {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: c, debugDescription: "tolerances.\(key.rawValue) must be [amber, red]: two numbers, 0 ≤ amber ≤ red")
            }
            return Limits(amber: pair[0], red: pair[1])
        }
        costVariancePct = try limits(.costVariancePct, s.costVariancePct)
        milestoneSlipDays = try limits(.milestoneSlipDays, s.milestoneSlipDays)
        overAllocatedPeople = try limits(.overAllocatedPeople, s.overAllocatedPeople)
        overdueActions = try limits(.overdueActions, s.overdueActions)
        highRisks = try limits(.highRisks, s.highRisks)
        highRiskScore = try c.decodeIfPresent(Int.self, forKey: .highRiskScore) ?? s.highRiskScore
        guard (1...25).contains(highRiskScore) else {
            throw DecodingError.dataCorruptedError(forKey: .highRiskScore, in: c, debugDescription: "tolerances.high_risk_score must be 1 to 25")
        }
    }
}
