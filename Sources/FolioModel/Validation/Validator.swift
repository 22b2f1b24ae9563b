import FolioGit
import Yams

/// Checks a document against its template's rules.
public struct Validator {
    public let template: Template
    public let context: ValueContext
    /// Treat missing required values as errors (submit, issue, `check --complete`).
    public let complete: Bool

    public init(template: Template, context: ValueContext, complete: Bool) {
        self.template = template
        self.context = context
        self.complete = complete
    }

    /// Rules whose findings mean "not filled in yet": warnings on a draft.
    package static let completenessRules: Set<String> = ["field.required", "table.required", "table.rows", "attachments.count", "table.sum"]

    public func validate(_ document: Document, attachments: [String]) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let path = document.path
        func report(_ line: Int, _ column: Int, _ message: String, _ rule: String) {
            let severity: Diagnostic.Severity =
                Validator.completenessRules.contains(rule) && !complete ? .warning : .error
            out.append(Diagnostic(path: path, line: line, column: column, severity: severity, message: message, rule: rule))
        }
        // Front matter problems point into the file it came from (an adopted
        // document's metadata file, or the document).
        func reportField(_ line: Int, _ column: Int, _ message: String, _ rule: String) {
            let severity: Diagnostic.Severity =
                Validator.completenessRules.contains(rule) && !complete ? .warning : .error
            out.append(Diagnostic(path: document.frontMatterPath, line: line, column: column, severity: severity, message: message, rule: rule))
        }
        if document.title.trimmingCharacters(in: .whitespaces).isEmpty, document.frontMatter["title"] != nil {
            reportField(document.frontMatter["title"]!.line, 1, "'title' must not be empty", "field.title")
        }
        checkFields(document, report: reportField)
        checkSections(document, report: report)
        checkTables(document, report: report)
        checkAttachments(attachments, path: path, report: report)
        return out
    }

    private func checkFields(_ document: Document, report: (Int, Int, String, String) -> Void) {
        let fm = document.frontMatter
        for rule in template.fields {
            guard let checker = template.fieldCheckers[rule.name] else { continue }
            guard let entry = fm[rule.name], !FrontMatter.isEmpty(entry.value) else {
                if rule.required {
                    report(fm[rule.name]?.line ?? 1, 1, "'\(rule.name)' is required", "field.required")
                }
                continue
            }
            func checkItem(_ node: Node, line: Int, column: Int, listItem: Bool = false) {
                guard let text = FrontMatter.scalarText(node) else {
                    if !FrontMatter.isEmpty(node) {
                        report(line, column, "'\(rule.name)' must be a single \(rule.type.rawValue) value", "field.type")
                    }
                    return
                }
                if let p = checker.check(text, in: context, listItem: listItem) {
                    report(line, column, p.message, "field.\(p.rule)")
                } else if let p = currencyProblem(rule, text, document) {
                    report(line, column, p, "field.currency")
                }
            }
            if rule.list {
                guard case .sequence(let items) = entry.value else {
                    report(entry.line, entry.column, "'\(rule.name)' must be a list of \(rule.type.rawValue) values", "field.type")
                    continue
                }
                for item in items {
                    checkItem(
                        item, line: (item.mark?.line).map { $0 + entry.line - (entry.value.mark?.line ?? 1) } ?? entry.line,
                        column: item.mark?.column ?? entry.column, listItem: true)
                }
                if let p = checker.checkCount(items.count) { report(entry.line, entry.column, p.message, "field.\(p.rule)") }
            } else {
                checkItem(entry.value, line: entry.line, column: entry.column)
            }
        }
        let known = Set(template.fields.map(\.name) + Template.reservedFields + [template.adopt?.idSource == .metadata ? template.adopt?.field : nil].compactMap { $0 })
        // An adopted collection's own keys (a site generator's `nav_order`)
        // are allowed where the type says so.
        for entry in fm.entries where !known.contains(entry.key) && template.adopt?.allowsExtraKeys != true {
            out(entry, report)
        }
        func out(_ entry: FrontMatter.Entry, _ report: (Int, Int, String, String) -> Void) {
            // Unknown keys are allowed but flagged: usually a typo of a field name.
            report(entry.line, 1, "'\(entry.key)' is not a field of \(template.type)", "field.unknown")
        }
    }

    /// `1250.5 EUR` as (125050, "EUR"): whole cents, exactly.
    static func cents(_ text: String) -> (Int, String)? {
        guard ValueChecker.money(text) != nil else { return nil }
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        var amount = String(parts[0])
        let negative = amount.hasPrefix("-")
        if negative { amount.removeFirst() }
        let pieces = amount.split(separator: ".", omittingEmptySubsequences: false)
        let fraction = pieces.count > 1 ? String(pieces[1]).padding(toLength: 2, withPad: "0", startingAt: 0) : "00"
        guard let whole = Int(pieces[0]), let cents = Int(fraction) else { return nil }
        let (value, overflow) = whole.multipliedReportingOverflow(by: 100)
        guard !overflow else { return nil }
        return ((value + cents) * (negative ? -1 : 1), String(parts[1]))
    }

    static func centsText(_ cents: Int) -> String {
        let sign = cents < 0 ? "-" : ""
        let m = cents.magnitude
        return "\(sign)\(m / 100).\(String(format: "%02d", Int(m % 100)))"
    }

    /// A money value in another currency than the document's `currency`
    /// field names (money is never silently mixed).
    private func currencyProblem(_ rule: ValueRule, _ text: String, _ document: Document) -> String? {
        guard let field = rule.currency, let wanted = document.field(field), let (_, code) = ValueChecker.money(text), code != wanted else { return nil }
        return "'\(rule.name)': \(text) is not in \(wanted), the currency of this document ('\(field)')"
    }

    private func sectionIndex(_ document: Document, _ heading: String) -> Int? {
        document.outline.headings.firstIndex { $0.level == 2 && $0.text == heading }
    }

    private func checkSections(_ document: Document, report: (Int, Int, String, String) -> Void) {
        var previous: (index: Int, name: String)?
        let endLine = max(1, document.text.utf8.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) })
        for section in template.sections {
            guard let index = sectionIndex(document, section) else {
                report(endLine, 1, "missing section '## \(section)'", "section.missing")
                continue
            }
            if let previous, index < previous.index {
                let h = document.outline.headings[index]
                report(h.line, h.column, "section '\(section)' must come after '\(previous.name)'", "section.order")
            }
            previous = (index, section)
        }
    }

    private func checkTables(_ document: Document, report: (Int, Int, String, String) -> Void) {
        let headings = document.outline.headings
        // The keys of every keyed table, for columns that refer to them.
        var keysOf: [String: Set<String>] = [:]
        for rule in template.tables {
            guard let key = rule.key, let table = sectionIndex(document, rule.heading).flatMap(document.outline.table(inSectionAt:)),
                let k = table.header.firstIndex(where: { $0.text == key })
            else { continue }
            keysOf[rule.heading] = Set(table.rows.compactMap { k < $0.count ? $0[k].text : nil }.filter { !$0.isEmpty })
        }
        for (t, rule) in template.tables.enumerated() {
            guard let hIndex = sectionIndex(document, rule.heading) else { continue }  // reported as a missing section
            guard let table = document.outline.table(inSectionAt: hIndex) else {
                let h = headings[hIndex]
                report(h.line, h.column, "section '\(rule.heading)' needs a table with columns \(rule.columns.map(\.name).joined(separator: " | "))", "table.missing")
                continue
            }
            let names = table.header.map(\.text)
            let expected = rule.columns.map(\.name)
            guard names == expected else {
                report(table.line, table.column, "table '\(rule.heading)' must have the columns \(expected.joined(separator: " | ")), has \(names.joined(separator: " | "))", "table.columns")
                continue
            }
            let checkers = template.columnCheckers[t]
            var keys: [String: Int] = [:]
            for row in table.rows {
                for (c, checker) in checkers.enumerated() {
                    guard c < row.count else { continue }
                    let cell = row[c]
                    let column = checker.rule
                    if cell.text.isEmpty {
                        if column.required {
                            report(cell.line, cell.column, "table '\(rule.heading)': '\(column.name)' is required", "table.required")
                        }
                        continue
                    }
                    let values = column.list ? cell.text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } : [cell.text]
                    for value in values {
                        if let p = checker.check(value, in: context) {
                            report(cell.line, cell.column, "table '\(rule.heading)': \(p.message)", "table.\(p.rule)")
                        } else if let p = currencyProblem(column, value, document) {
                            report(cell.line, cell.column, "table '\(rule.heading)': \(p)", "table.currency")
                        } else if let ref = column.ref, let type = column.refType {
                            if let keys = context.foreignKeys(type, ref), !keys.contains(value) {
                                let known = keys.sorted()
                                let shown = known.prefix(20).joined(separator: ", ") + (known.count > 20 ? ", …" : "")
                                report(cell.line, cell.column, "table '\(rule.heading)': '\(column.name)' \(value) is not a \(ref) entry of a \(type) in force (\(shown))", "table.ref")
                            }
                        } else if let ref = column.ref, let keys = keysOf[ref], !keys.contains(value) {
                            report(cell.line, cell.column, "table '\(rule.heading)': '\(column.name)' \(value) is not a \(ref) entry (\(keys.sorted().joined(separator: ", ")))", "table.ref")
                        }
                    }
                    if column.name == rule.key {
                        if let first = keys[cell.text] {
                            report(cell.line, cell.column, "table '\(rule.heading)': '\(cell.text)' is already used on line \(first) (\(column.name) must be unique)", "table.key")
                        } else {
                            keys[cell.text] = cell.line
                        }
                    }
                }
            }
            for assertion in rule.assert ?? [] {
                guard let c = table.header.firstIndex(where: { $0.text == assertion.sum }),
                    let target = document.field(assertion.equals), !target.isEmpty
                else { continue }
                let cells = table.rows.compactMap { c < $0.count && !$0[c].text.isEmpty ? $0[c].text : nil }
                let money = checkers[c].rule.type == .money
                if money {
                    // Money adds up in whole cents, exactly, whatever the size.
                    let parsed = cells.map(Validator.cents)
                    guard parsed.allSatisfy({ $0 != nil }), let expected = Validator.cents(target) else { continue }  // reported as bad values
                    let codes = Set(parsed.map { $0!.1 } + [expected.1])
                    let (total, overflow) = parsed.reduce((0, false)) { acc, p in
                        let (sum, o) = acc.0.addingReportingOverflow(p!.0)
                        return (sum, acc.1 || o)
                    }
                    if codes.count > 1 {
                        report(table.line, table.column, "table '\(rule.heading)': '\(assertion.sum)' mixes currencies (\(codes.sorted().joined(separator: ", "))): it cannot be checked against '\(assertion.equals)'", "table.sum")
                    } else if overflow || total != expected.0 {
                        let shown = overflow ? "more than can be counted" : "\(Validator.centsText(total)) \(expected.1)"
                        report(table.line, table.column, "table '\(rule.heading)': '\(assertion.sum)' adds up to \(shown), but '\(assertion.equals)' is \(target)", "table.sum")
                    }
                    continue
                }
                let parsed = cells.map { ValueChecker.number($0).map { ($0, "") } }
                guard parsed.allSatisfy({ $0 != nil }), let expected = ValueChecker.number(target).map({ ($0, "") }) else { continue }
                let total = parsed.reduce(0) { $0 + $1!.0 }
                let shown = DecimalText.string(total, decimals: 4)
                if abs(total - expected.0) > 0.005 {
                    report(table.line, table.column, "table '\(rule.heading)': '\(assertion.sum)' adds up to \(shown), but '\(assertion.equals)' is \(target)", "table.sum")
                }
            }
            if let min = rule.minRows, table.rows.count < min {
                report(table.line, table.column, "table '\(rule.heading)' needs at least \(min) rows, has \(table.rows.count)", "table.rows")
            }
        }
    }

    private func checkAttachments(_ names: [String], path: String, report: (Int, Int, String, String) -> Void) {
        guard let rule = template.attachments else {
            return
        }
        if let kinds = rule.kinds {
            for name in names {
                let ext = name.split(separator: ".").count > 1 ? String(name.split(separator: ".").last!).lowercased() : ""
                if !kinds.contains(ext) {
                    report(1, 1, "attachment '\(name)' is not one of the allowed kinds (\(kinds.joined(separator: ", ")))", "attachments.kind")
                }
            }
        }
        if let min = rule.min, names.count < min {
            report(1, 1, "needs at least \(min) attachment\(min == 1 ? "" : "s"), has \(names.count)", "attachments.count")
        }
        if let max = rule.max, names.count > max {
            report(1, 1, "allows at most \(max) attachment\(max == 1 ? "" : "s"), has \(names.count)", "attachments.max")
        }
    }
}
