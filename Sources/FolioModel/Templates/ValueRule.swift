import FolioGit
import Foundation

/// The types a field or a table column can have (see docs/formats.md).
public enum ValueType: String, Codable, Sendable, CaseIterable {
    case text, integer, number, money, date, datetime, boolean
    case `enum`, person, document, url
}

/// The rules for one field of the front matter or one column of a register
/// table: the same keys apply to both.
public struct ValueRule: Sendable, Codable {
    public let name: String
    public let type: ValueType
    public let list: Bool
    public let required: Bool
    public let pattern: String?
    public let min: String?
    public let max: String?
    public let values: [String]?
    public let `default`: String?
    public let description: String?
    /// A column whose values must be keys of another table of the same
    /// document: the heading of that table (which has a `key`).
    public let ref: String?
    /// With `ref`: the type of the other documents whose table `ref` the
    /// values must be keys of (any of them in force, in the same
    /// repository); without it, `ref` is a table of the same document.
    public let refType: String?
    /// For money: the front matter field holding the currency every amount
    /// must be in (the register's currency).
    public let currency: String?

    package enum CodingKeys: String, CodingKey {
        case name, type, list, required, pattern, min, max, values, `default`, description, ref, currency
        case refType = "ref_type"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        let typeName = try c.decode(String.self, forKey: .type)
        guard let t = ValueType(rawValue: typeName) else {
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: c,
                debugDescription:
                    "'\(name)' has unknown type '\(typeName)' (one of \(ValueType.allCases.map(\.rawValue).joined(separator: ", ")))"
            )
        }
        type = t
        list = try c.decodeIfPresent(Bool.self, forKey: .list) ?? false
        required = try c.decodeIfPresent(Bool.self, forKey: .required) ?? false
        pattern = try c.decodeIfPresent(String.self, forKey: .pattern)
        min = try c.decodeIfPresent(String.self, forKey: .min)
        max = try c.decodeIfPresent(String.self, forKey: .max)
        values = try c.decodeIfPresent([String].self, forKey: .values)
        `default` = try c.decodeIfPresent(String.self, forKey: .default)
        description = try c.decodeIfPresent(String.self, forKey: .description)
        ref = try c.decodeIfPresent(String.self, forKey: .ref)
        refType = try c.decodeIfPresent(String.self, forKey: .refType)
        currency = try c.decodeIfPresent(String.self, forKey: .currency)
    }
}

/// What a value is checked against beyond its own rule: the project's people
/// and the documents that exist.
public struct ValueContext {
    public let people: Set<String>
    public let documentExists: (String) -> Bool
    /// The keys of the table under a heading (second argument) in every
    /// document of a type (first) in force; nil when no such document is in
    /// force, so a `ref_type` column is free text until one is.
    public let foreignKeys: (String, String) -> Set<String>?

    public init(
        people: Set<String>, documentExists: @escaping (String) -> Bool,
        foreignKeys: @escaping (String, String) -> Set<String>? = { _, _ in nil }
    ) {
        self.people = people
        self.documentExists = documentExists
        self.foreignKeys = foreignKeys
    }
}

/// One problem with a value: a message and the rule it broke.
public struct ValueProblem: Error, Equatable, Sendable {
    public let message: String
    public let rule: String
}

/// Compiled checks for one `ValueRule` (its pattern is compiled once).
public final class ValueChecker: @unchecked Sendable {
    // @unchecked: NSRegularExpression is immutable after creation and documented thread-safe.
    public let rule: ValueRule
    private let regex: NSRegularExpression?

    public init(_ rule: ValueRule) throws {
        self.rule = rule
        if let pattern = rule.pattern {
            do {
                regex = try NSRegularExpression(pattern: pattern)
            } catch {
                throw ValueProblem(message: "'\(rule.name)' has an invalid pattern '\(pattern)'", rule: "template.pattern")
            }
        } else {
            regex = nil
        }
    }

    /// Checks one textual value (a scalar or one list item; for list items
    /// min/max bound the count, checked by `checkCount`, not the value).
    public func check(_ text: String, in context: ValueContext, listItem: Bool = false) -> ValueProblem? {
        let name = rule.name
        func fail(_ what: String, _ kind: String = "type") -> ValueProblem {
            ValueProblem(message: "'\(name)': \(what)", rule: kind)
        }
        var numeric: Double?
        switch rule.type {
        case .text:
            break
        case .integer:
            guard let i = Int(text) else { return fail("'\(text)' is not a whole number") }
            numeric = Double(i)
        case .number:
            guard let d = ValueChecker.number(text) else { return fail("'\(text)' is not a number") }
            numeric = d
        case .money:
            guard let (amount, currency) = ValueChecker.money(text) else {
                return fail("'\(text)' is not an amount of money like '1250.00 EUR'")
            }
            guard Currency.codes.contains(currency) else {
                return fail("'\(currency)' is not an ISO 4217 currency code")
            }
            numeric = amount
        case .date:
            guard CalendarDate(text) != nil else { return fail("'\(text)' is not a date (YYYY-MM-DD)") }
        case .datetime:
            guard ValueChecker.isDateTime(text) else {
                return fail("'\(text)' is not an ISO 8601 date and time with a zone (2026-11-27T09:30:00Z)")
            }
        case .boolean:
            guard ["true", "false", "yes", "no"].contains(text.lowercased()) else {
                return fail("'\(text)' is not true or false")
            }
        case .enum:
            let values = rule.values ?? []
            guard values.contains(text) else {
                return fail("'\(text)' is not one of \(values.joined(separator: ", "))", "enum")
            }
        case .person:
            guard context.people.contains(text.lowercased()) else {
                return fail("'\(text)' is not a person listed in folio.yml", "person")
            }
        case .document:
            guard context.documentExists(text) else {
                return fail("'\(text)' is not an existing document", "document")
            }
        case .url:
            guard ValueChecker.isURL(text) else { return fail("'\(text)' is not an http(s) or mailto URL") }
        }
        if let regex {
            let range = NSRange(text.startIndex..., in: text)
            let match = regex.firstMatch(in: text, options: [.anchored], range: range)
            if match?.range != range {
                return fail("'\(text)' does not match the pattern \(rule.pattern!)", "pattern")
            }
        }
        return listItem ? nil : checkRange(text, numeric: numeric)
    }

    /// Checks the count of a list against min/max.
    public func checkCount(_ count: Int) -> ValueProblem? {
        if let min = rule.min.flatMap(Int.init), count < min {
            return ValueProblem(message: "'\(rule.name)': needs at least \(min) values, has \(count)", rule: "range")
        }
        if let max = rule.max.flatMap(Int.init), count > max {
            return ValueProblem(message: "'\(rule.name)': allows at most \(max) values, has \(count)", rule: "range")
        }
        return nil
    }

    private func checkRange(_ text: String, numeric: Double?) -> ValueProblem? {
        func fail(_ what: String) -> ValueProblem { ValueProblem(message: "'\(rule.name)': \(what)", rule: "range") }
        switch rule.type {
        case .integer, .number, .money:
            guard let value = numeric else { return nil }
            if let min = rule.min.flatMap(ValueChecker.number), value < min { return fail("\(text) is below the minimum \(rule.min!)") }
            if let max = rule.max.flatMap(ValueChecker.number), value > max { return fail("\(text) is above the maximum \(rule.max!)") }
        case .date:
            if let min = rule.min, let lo = CalendarDate(min), let d = CalendarDate(text), d < lo { return fail("\(text) is before \(min)") }
            if let max = rule.max, let hi = CalendarDate(max), let d = CalendarDate(text), d > hi { return fail("\(text) is after \(max)") }
        case .text, .url:
            let length = text.count
            if let min = rule.min.flatMap(Int.init), length < min { return fail("is shorter than \(min) characters") }
            if let max = rule.max.flatMap(Int.init), length > max { return fail("is longer than \(max) characters") }
        default:
            break
        }
        return nil
    }

    /// Checks the rule itself (used when a template is loaded).
    package func ruleProblems() -> [String] {
        var problems: [String] = []
        let name = rule.name
        if rule.type == .enum && (rule.values ?? []).isEmpty { problems.append("'\(name)' is an enum without values") }
        if rule.type != .enum && rule.values != nil { problems.append("'\(name)' has values but is not an enum") }
        for (key, bound) in [("min", rule.min), ("max", rule.max)] {
            guard let bound else { continue }
            let ok: Bool =
                switch rule.type {
                case .integer, .number, .money: ValueChecker.number(bound) != nil
                case .date: CalendarDate(bound) != nil
                case .text, .url: Int(bound) != nil
                default: rule.list && Int(bound) != nil
                }
            if !ok { problems.append("'\(name)' has a \(key) '\(bound)' that does not fit its type \(rule.type.rawValue)") }
        }
        return problems
    }

    package static func number(_ text: String) -> Double? {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }),
            let d = Double(text), d.isFinite
        else { return nil }
        return d
    }

    package static func money(_ text: String) -> (Double, String)? {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2 else { return nil }
        let amount = parts[0]
        let currency = String(parts[1])
        guard currency.count == 3, currency.allSatisfy({ $0.isASCII && $0.isUppercase }) else { return nil }
        var digits = amount
        if digits.hasPrefix("-") { digits.removeFirst() }
        let pieces = digits.split(separator: ".", omittingEmptySubsequences: false)
        guard pieces.count <= 2, let whole = pieces.first, !whole.isEmpty,
            whole.allSatisfy({ $0.isASCII && $0.isNumber }),
            pieces.count == 1 || (1...2).contains(pieces[1].count) && pieces[1].allSatisfy({ $0.isASCII && $0.isNumber }),
            let value = Double(amount)
        else { return nil }
        return (value, currency)
    }

    package static func isDateTime(_ text: String) -> Bool {
        let chars = Array(text)
        guard chars.count >= 17, let tIndex = chars.firstIndex(where: { $0 == "T" || $0 == "t" }), tIndex == 10,
            CalendarDate(String(chars[0..<10])) != nil
        else { return false }
        var rest = String(chars[11...])
        // Zone: Z or ±hh:mm / ±hhmm
        var zoneOK = false
        if rest.hasSuffix("Z") || rest.hasSuffix("z") {
            rest.removeLast()
            zoneOK = true
        } else if let sign = rest.lastIndex(where: { $0 == "+" || $0 == "-" }) {
            let zone = rest[rest.index(after: sign)...].replacingOccurrences(of: ":", with: "")
            if zone.count == 4, let h = Int(zone.prefix(2)), let m = Int(zone.suffix(2)), h < 24, m < 60 {
                zoneOK = true
                rest = String(rest[..<sign])
            }
        }
        guard zoneOK else { return false }
        let timeParts = rest.split(separator: ":", omittingEmptySubsequences: false)
        guard timeParts.count == 2 || timeParts.count == 3,
            let h = Int(timeParts[0]), timeParts[0].count == 2, h < 24,
            let m = Int(timeParts[1]), timeParts[1].count == 2, m < 60
        else { return false }
        if timeParts.count == 3 {
            let sec = timeParts[2]
            let whole = sec.split(separator: ".", maxSplits: 1)
            guard let s = whole.first, s.count == 2, let sv = Int(s), sv <= 60 else { return false }
            if whole.count == 2 && !(whole[1].allSatisfy { $0.isASCII && $0.isNumber } && !whole[1].isEmpty) { return false }
        }
        return true
    }

    package static func isURL(_ text: String) -> Bool {
        guard !text.contains(" "), let url = URL(string: text), let scheme = url.scheme?.lowercased() else { return false }
        switch scheme {
        case "http", "https": return !(url.host ?? "").isEmpty
        case "mailto": return text.count > 7 && text.contains("@")
        default: return false
        }
    }
}

/// A calendar date `YYYY-MM-DD`, validated (no 2026-02-30).
public struct CalendarDate: Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), (1...12).contains(m)
        else { return nil }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
        guard (1...days).contains(d) else { return nil }
        year = y
        month = m
        day = d
    }

    public static func < (a: CalendarDate, b: CalendarDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    public var description: String {
        String(format: "%04d-%02d-%02d", year, month, day)
    }
}

package enum Currency {
    /// ISO 4217 active codes.
    package static let codes: Set<String> = Set(
        """
        AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN BZD
        CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP
        GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW
        KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN
        NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL
        SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES
        VND VUV WST XAF XAG XAU XBA XBB XBC XBD XCD XCG XDR XOF XPD XPF XPT XSU XUA YER ZAR ZMW ZWG ZWL
        """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))
}

/// Numbers as people write them: `40`, `0.8`, `62.5`, never `40.0` or an
/// exponent, and safe for any finite value (no conversion to Int).
public enum DecimalText {
    /// `value` with at most `decimals` decimals, trailing zeros dropped.
    public static func string(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
        var s = String(format: "%.\(decimals)f", value)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s == "-0" ? "0" : s
    }

    /// A decimal number as written in a table cell or CSV field: digits, an
    /// optional sign, point and exponent (no hex, no `nan`, no `inf`).
    public static func parse(_ text: String) -> Double? { ValueChecker.number(text) }
}
