import FolioModel
import Foundation

/// Writes a report's `journal` section as a plain-text accounting journal
/// in the format hledger and ledger read (hledger manual, "Journal format";
/// ledger manual, "Journal Format"), so finance people can run their own
/// tools over Folio's figures (docs/reports.md, "cost --format ledger").
///
/// Each journal row is one balanced transaction of two postings: the row's
/// account takes the amount, its contra account the opposite (left for the
/// tool to infer). Budgets are dated at the journal's first day, so every
/// period of a balance report sees them.
public enum LedgerJournal {
    /// The section a report carries when it can be written as a journal.
    public static let section = "journal"

    /// The columns of a `journal` section, in order.
    public static let columns = [
        ReportColumn("date", "Date"), ReportColumn("kind", "Kind"), ReportColumn("project", "Project"),
        ReportColumn("register", "Register"), ReportColumn("reference", "Reference"), ReportColumn("payee", "Payee"),
        ReportColumn("note", "Note"), ReportColumn("account", "Account"), ReportColumn("contra", "Contra account"),
        ReportColumn("amount", "Amount"), ReportColumn("currency", "Currency"),
    ]

    /// A journal account name from its parts (`expenses`, project code,
    /// register, budget line): `:` separates levels, so it, and everything
    /// a journal parser reads as syntax (`;`, brackets, spaces, tabs,
    /// control characters), is written `%XX` (its UTF-8 bytes in hex, `%`
    /// itself as `%25`) inside a part: two different lines never share an
    /// account.
    public static func account(_ parts: String...) -> String {
        parts.map { part in
            var out = ""
            for scalar in part.unicodeScalars {
                let allowed = (scalar.isASCII && CharacterSet.alphanumerics.contains(scalar)) || "-_./&+#'".unicodeScalars.contains(scalar)
                    || (!scalar.isASCII && CharacterSet.alphanumerics.contains(scalar))
                if allowed {
                    out.unicodeScalars.append(scalar)
                } else {
                    for byte in String(scalar).utf8 { out += String(format: "%%%02X", byte) }
                }
            }
            return out.isEmpty ? "%" : out
        }.joined(separator: ":")
    }

    /// Free text on a transaction's first line: one line, no comment or
    /// payee-note separators, no code brackets (each becomes a space).
    static func text(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            let drop = scalar.properties.generalCategory == .control || ";|()\t".unicodeScalars.contains(scalar)
            out.unicodeScalars.append(drop ? " " : scalar)
        }
        return out.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }

    public static func render(_ report: Report, _ journal: ReportSection) -> String {
        let index = Dictionary(uniqueKeysWithValues: journal.columns.enumerated().map { ($1.key, $0) })
        func cell(_ row: [ReportValue], _ key: String) -> ReportValue { index[key].map { row[$0] } ?? .null }
        func string(_ row: [ReportValue], _ key: String) -> String {
            if case .text(let s) = cell(row, key) { return s }
            return ""
        }
        var out = "; \(text(report.title))\n; written by folio from \(report.projects.map { "\($0.code) at \($0.commit.prefix(12))" }.joined(separator: ", "))\n"
        out += "; budgets are dated at the journal's first day; amounts are exact, shown to the cent\n\n"
        let currencies = Set(journal.rows.map { string($0, "currency") }).sorted()
        for currency in currencies where !currency.isEmpty {
            out += "commodity \(currency)\n    format 1000.00 \(currency)\n"
        }
        if !currencies.isEmpty { out += "\n" }
        for row in journal.rows {
            guard case .number(let amount, let decimals) = cell(row, "amount") else { continue }
            let reference = text(string(row, "reference"))
            let payee = text(string(row, "payee"))
            let note = text(string(row, "note"))
            out += "\(string(row, "date")) *\(reference.isEmpty ? "" : " (\(reference))") \(payee.isEmpty ? "-" : payee)\(note.isEmpty ? "" : " | \(note)")\n"
            out += "    ; kind:\(text(string(row, "kind"))), project:\(text(string(row, "project"))), register:\(text(string(row, "register")))\n"
            out += "    \(string(row, "account"))  \(DecimalText.string(amount, decimals: decimals)) \(string(row, "currency"))\n"
            out += "    \(string(row, "contra"))\n\n"
        }
        return out
    }
}
