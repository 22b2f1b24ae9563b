import FolioModel
import Foundation
import Yams

/// What a change of `folio.yml` did, in words, for the change history and
/// the auditor: people added or removed, roles gained or lost, and every
/// other setting added, removed or changed, by its key (`signatures`,
/// `review_policy.max_days`). 21 CFR 11.10 (e): the audit trail says what
/// changed, not only that a file did.
public enum ConfigChange {
    /// The phrases, in a stable order (people by email, then keys sorted);
    /// nil when either version is not a YAML mapping (the caller then says
    /// only that the file changed).
    public static func describe(old: [UInt8], new: [UInt8]) -> [String]? {
        guard let before = mapping(old), let after = mapping(new) else { return nil }
        var out: [String] = []
        out += people(before["people"], after["people"])
        let keys = flatten(before.filter { $0.key != "people" })
        let now = flatten(after.filter { $0.key != "people" })
        for key in Set(keys.keys).union(now.keys).sorted() {
            switch (keys[key], now[key]) {
            case (nil, let value?): out.append("\(key) set to \(value)")
            case (_?, nil): out.append("\(key) removed")
            case (let a?, let b?) where a != b: out.append("\(key) \(a) → \(b)")
            default: break
            }
        }
        return out
    }

    private static func mapping(_ bytes: [UInt8]) -> [String: Any]? {
        guard let text = String(validating: bytes, as: UTF8.self), let any = try? Yams.load(yaml: text) else { return nil }
        return any as? [String: Any]
    }

    /// Nested mappings as dotted keys; lists and scalars as text.
    private static func flatten(_ map: [String: Any], prefix: String = "") -> [String: String] {
        var out: [String: String] = [:]
        for (key, value) in map {
            if let inner = value as? [String: Any], !inner.isEmpty {
                out.merge(flatten(inner, prefix: prefix + key + "."), uniquingKeysWith: { a, _ in a })
            } else {
                out[prefix + key] = text(value)
            }
        }
        return out
    }

    private static func text(_ value: Any) -> String {
        switch value {
        case let list as [Any]: return "[" + list.map(text).joined(separator: ", ") + "]"
        case let map as [String: Any]: return "{" + map.keys.sorted().map { "\($0): \(text(map[$0]!))" }.joined(separator: ", ") + "}"
        case is NSNull: return "null"
        default: return "\(value)"
        }
    }

    /// People by email (case-insensitive): added, removed, roles and other fields changed.
    private static func people(_ old: Any?, _ new: Any?) -> [String] {
        func index(_ any: Any?) -> [String: [String: Any]] {
            var out: [String: [String: Any]] = [:]
            for case let person as [String: Any] in (any as? [Any]) ?? [] {
                if let email = person["email"].map(text) { out[email.lowercased()] = person }
            }
            return out
        }
        func roles(_ p: [String: Any]) -> [String] { ((p["roles"] as? [Any]) ?? []).map(text) }
        func who(_ p: [String: Any]) -> String {
            let email = p["email"].map(text) ?? "?"
            return p["name"].map { "\(text($0)) <\(email)>" } ?? email
        }
        let before = index(old), after = index(new)
        var out: [String] = []
        for email in Set(before.keys).union(after.keys).sorted() {
            switch (before[email], after[email]) {
            case (nil, let p?):
                out.append("\(who(p)) added" + (roles(p).isEmpty ? "" : " as " + roles(p).joined(separator: ", ")))
            case (let p?, nil):
                out.append("\(who(p)) removed" + (roles(p).isEmpty ? "" : " (was " + roles(p).joined(separator: ", ") + ")"))
            case (let a?, let b?):
                var parts: [String] = []
                let gained = roles(b).filter { !roles(a).contains($0) }, lost = roles(a).filter { !roles(b).contains($0) }
                if !gained.isEmpty { parts.append("gains " + gained.joined(separator: ", ")) }
                if !lost.isEmpty { parts.append("loses " + lost.joined(separator: ", ")) }
                let fa = flatten(a.filter { $0.key != "roles" }), fb = flatten(b.filter { $0.key != "roles" })
                for key in Set(fa.keys).union(fb.keys).sorted() where fa[key] != fb[key] {
                    parts.append("\(key) \(fa[key] ?? "none") → \(fb[key] ?? "none")")
                }
                if !parts.isEmpty { out.append("\(who(b)): " + parts.joined(separator: "; ")) }
            default: break
            }
        }
        return out
    }
}
