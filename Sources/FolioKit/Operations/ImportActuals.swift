import FolioGit
import FolioModel
import Foundation

/// `folio import actuals FILE --into ID`: a finance system's CSV export of
/// invoices and journals added to a cost register's `Actuals` table, in one
/// commit, all or nothing, idempotent on the supplier and the invoice or
/// journal reference (docs/formats.md, "Importing actuals").
public enum ImportActuals {
    /// One booking read from the file.
    public struct Row: Sendable, Equatable {
        public let date: Day
        public let line: String
        public let supplier: String
        public let reference: String
        public let amount: Money
        public let approvedBy: String
        public let paid: String
        /// The line of the input file (1-based).
        public let fileLine: Int
    }

    public struct Result {
        /// The IDs given to the new actuals, in the file's order.
        public let added: [String]
        /// Rows already booked with the same date, line and amount.
        public let unchanged: Int
        /// nil when nothing changed (no commit).
        public let commit: ObjectID?
        public let warnings: [Diagnostic]
    }

    /// The columns read (header names, case, spaces and `_` ignored), and
    /// the names finance exports commonly give them.
    static let aliases: [(field: String, names: [String])] = [
        ("date", ["date", "postingdate", "documentdate", "invoicedate", "bookingdate"]),
        ("line", ["line", "budgetline", "costelement", "wbs", "wbselement"]),
        ("supplier", ["supplier", "vendor", "vendorname", "payee", "creditor"]),
        ("reference", ["invoice", "reference", "invoiceno", "invoicenumber", "documentno", "documentnumber", "journal", "journalref"]),
        ("amount", ["amount", "netamount", "amountnet"]),
        ("currency", ["currency", "ccy", "currencycode"]),
        ("approved_by", ["approvedby", "approver"]),
        ("paid", ["paid", "paymentstatus"]),
    ]

    /// Reads a CSV export. Amounts are plain decimals (`1250.00`, `-80.5`)
    /// or money (`1250.00 EUR`); without a currency they are in `currency`,
    /// the register's. Returns the rows and one `FILE:LINE: error:` line per
    /// bad line.
    public static func parse(_ bytes: [UInt8], name: String, currency: String) -> (rows: [Row], problems: [String]) {
        let text: String
        do {
            text = try Text.decode(bytes)
        } catch {
            return ([], ["\(name):\(error.line): error: \(error.message)"])
        }
        let csv = CSVRecords.read(text, name: name, cell: "a register cell")
        if csv.header.isEmpty && !csv.problems.isEmpty { return ([], csv.problems) }
        let header = csv.header.map { $0.lowercased().filter { $0.isLetter || $0.isNumber } }
        var index: [String: Int] = [:]
        for (field, names) in aliases {
            let found = header.indices.filter { names.contains(header[$0]) }
            if found.count > 1 { return ([], ["\(name):1: error: the header has more than one column for \(field)"]) }
            if let i = found.first { index[field] = i }
        }
        let missing = ["date", "line", "supplier", "reference", "amount"].filter { index[$0] == nil }
        if !missing.isEmpty {
            return ([], ["\(name):1: error: the header has no \(missing.joined(separator: ", ")) column (columns: date,line,supplier,invoice,amount[,currency,approved_by,paid]; also read: posting date, budget line, vendor, reference, journal)"])
        }
        var rows: [Row] = []
        var problems = csv.problems
        for (here, fields) in csv.records {
            func fail(_ message: String) { problems.append("\(name):\(here): error: \(message)") }
            if fields.contains(where: { $0.unicodeScalars.contains { $0.properties.generalCategory == .control } }) {
                fail("a field holds a control character, which a register cell cannot")
                continue
            }
            func value(_ field: String) -> String {
                guard let i = index[field], i < fields.count else { return "" }
                return fields[i].trimmingCharacters(in: .whitespaces)
            }
            guard let date = Day(value("date")) else {
                fail("'\(Diagnostic.escaped(value("date")))' is not a date (YYYY-MM-DD)")
                continue
            }
            // Accounting tools take years 1400 to 9999 (ledger); a booking far outside is a typo.
            guard let year = Int(date.description.prefix(4)), (1900...2999).contains(year) else {
                fail("\(date) is not a plausible booking date (years 1900 to 2999)")
                continue
            }
            guard !value("line").isEmpty else {
                fail("no budget line")
                continue
            }
            guard !value("supplier").isEmpty else {
                fail("no supplier")
                continue
            }
            guard !value("reference").isEmpty else {
                fail("no invoice or journal reference: the import recognises a booking by it, so importing again adds nothing twice")
                continue
            }
            guard let amount = money(value("amount"), currency: value("currency"), register: currency, fail: fail) else { continue }
            rows.append(Row(
                date: date, line: value("line"), supplier: value("supplier"), reference: value("reference"), amount: amount,
                approvedBy: value("approved_by"), paid: value("paid"), fileLine: here))
        }
        return (rows, ImportTimesheets.byLine(problems, name: name))
    }

    /// An amount cell with an optional currency column, in cents.
    static func money(_ text: String, currency column: String, register: String, fail: (String) -> Void) -> Money? {
        var number = text
        var code = column.uppercased()
        if let parsed = Money(text) {
            if !code.isEmpty && code != parsed.currency {
                fail("the amount '\(Diagnostic.escaped(text))' is in \(parsed.currency), the currency column says \(Diagnostic.escaped(code))")
                return nil
            }
            number = DecimalText.string(parsed.amount, decimals: 12)
            code = parsed.currency
        }
        if code.isEmpty { code = register }
        guard code == register else {
            let shown = Money(text) != nil ? text : "\(text) \(code)"
            fail("\(Diagnostic.escaped(shown)) is not in the register's currency (\(register)): convert it in the finance system, Folio never mixes currencies")
            return nil
        }
        if number.contains(",") {
            fail("the amount '\(Diagnostic.escaped(text))' has a comma: write it as 1250.00 (a point, no thousands separators)")
            return nil
        }
        guard let value = DecimalText.parse(number), value.isFinite, abs(value) < 1e13 else {
            fail("the amount '\(Diagnostic.escaped(text))' is not a number")
            return nil
        }
        guard abs(value * 100 - (value * 100).rounded()) < 1e-6 else {
            fail("the amount '\(Diagnostic.escaped(text))' has more than two decimals")
            return nil
        }
        return Money((value * 100).rounded() / 100, code)
    }

    /// Adds the rows to the `Actuals` of cost register `id`.
    /// - Throws: `InputProblems` (one `FILE:LINE: error:` line per bad
    ///   line; nothing written); `FolioError` when the repository or the
    ///   register cannot take it (not a cost register, withdrawn, bare).
    public static func run(repository: Repository, bytes: [UInt8], name: String, into id: String, context: FolioContext) throws -> Result {
        guard !repository.isBare else { throw FolioError.usage("'import' needs a work tree; this repository is bare") }
        let actor = try Actor.current(repository, context)
        var outcome: (added: [String], unchanged: Int, warnings: [Diagnostic])?
        let transaction = Transaction(repository: repository, actor: actor, context: context)
        do {
            try transaction.commit { tip in
                guard let tip else { throw FolioError.usage("the repository has no commits yet (run 'folio init')") }
                let project = try Project(repository: repository, source: TreeSource(repository: repository, tree: tip.tree(), label: "HEAD"))
                guard let location = try project.find(id) else { throw FolioError.usage("\(id): no such document") }
                guard location.type == CostData.costRegisterType, let template = project.template(location.type) else {
                    throw FolioError.usage("\(id) is a \(location.type), not a \(CostData.costRegisterType): actuals go into a cost register")
                }
                try project.requireUsable(template)
                let status = DocumentStatus.derive(try project.record(location.id), scheme: project.config.revisions)
                if status.state == .superseded || status.state == .withdrawn {
                    throw FolioError.refused("\(location.id) is \(status.state.rawValue): it can no longer change")
                }
                guard let committed = try VersionWriter.committedContent(project, location, template),
                    let document = try project.read(location).document
                else { throw FolioError.refused("\(location.id) cannot be read: run 'folio check \(location.id)'") }
                try WorkTreeGuard.requireUnchanged(repository, [location.path: committed.document])
                let currency = document.field("currency") ?? ""
                guard !currency.isEmpty else { throw FolioError.refused("\(location.id) has no currency in its front matter") }
                let plan = try makePlan(project, template, location, document, committed, bytes: bytes, name: name, currency: currency, actor: actor)
                outcome = (plan.added, plan.unchanged, plan.warnings)
                guard let write = plan.write else { throw Unchanged() }
                return write
            }
        } catch is Unchanged {}
        guard let outcome else { throw FolioError.unreadable("internal: no import result") }
        let head = outcome.added.isEmpty ? nil : try repository.headCommit()?.id
        return Result(added: outcome.added, unchanged: outcome.unchanged, commit: head, warnings: outcome.warnings)
    }

    struct Unchanged: Error {}

    static func makePlan(
        _ project: Project, _ template: Template, _ location: DocumentLocation, _ document: Document, _ committed: DocumentContent,
        bytes: [UInt8], name: String, currency: String, actor: Actor
    ) throws -> (write: WritePlan?, added: [String], unchanged: Int, warnings: [Diagnostic]) {
        let (rows, parseProblems) = parse(bytes, name: name, currency: currency)
        var problems = parseProblems
        if rows.isEmpty && problems.isEmpty { throw FolioError.refused("\(name): no actuals to import") }
        let lines = Set(CostData.budgetLines(document).map(\.line))
        var booked: [String: ActualCost] = [:]
        let existing = CostData.actuals(document)
        for actual in existing where !actual.invoice.isEmpty {
            booked[key(actual.supplier, actual.invoice)] = booked[key(actual.supplier, actual.invoice)] ?? actual
        }
        var inFile: [String: Int] = [:]
        var fresh: [Row] = []
        var unchanged = 0
        for row in rows {
            func fail(_ message: String) { problems.append("\(name):\(row.fileLine): error: \(message)") }
            guard lines.contains(row.line) else {
                fail("'\(Diagnostic.escaped(row.line))' is not a budget line of \(location.id) (lines: \(lines.sorted().joined(separator: ", ")))")
                continue
            }
            let k = key(row.supplier, row.reference)
            if let first = inFile[k] {
                fail("\(Diagnostic.escaped(row.reference)) of \(Diagnostic.escaped(row.supplier)) is in the file twice (first on line \(first))")
                continue
            }
            inFile[k] = row.fileLine
            if let actual = booked[k] {
                if actual.date == row.date, actual.line == row.line, actual.amount == row.amount {
                    unchanged += 1
                } else {
                    let was = actual.amount.map { "\(DecimalText.string($0.amount, decimals: 2)) \($0.currency)" } ?? "no amount"
                    fail("\(Diagnostic.escaped(row.reference)) of \(Diagnostic.escaped(row.supplier)) is booked already as \(actual.id) (\(actual.date?.description ?? "no date"), \(actual.line), \(was)) and differs here: a correction is a new booking (a credit note or a reversing journal)")
                }
                continue
            }
            fresh.append(row)
        }
        if !problems.isEmpty { throw InputProblems(ImportTimesheets.byLine(problems, name: name)) }
        guard !fresh.isEmpty else { return (nil, [], unchanged, []) }
        // New IDs continue the register's own numbering (AC-006 → AC-007).
        let ids = nextIDs(existing.map(\.id), count: fresh.count)
        guard let table = document.outline.table(under: "Actuals") else {
            throw FolioError.refused("\(location.path): no 'Actuals' table to import into")
        }
        let columns = table.header.map { $0.text.lowercased().filter { $0.isLetter || $0.isNumber } }
        let newRows = zip(ids, fresh).map { id, row -> String in
            let values: [String: String] = [
                "id": id, "date": row.date.description, "line": row.line, "supplier": row.supplier, "invoice": row.reference,
                "amount": "\(String(format: "%.2f", row.amount.amount)) \(row.amount.currency)", "approvedby": row.approvedBy, "paid": row.paid,
            ]
            return TableText.row(columns.map { values[$0] ?? "" })
        }
        let text = try TableText.rewrite(document, under: "Actuals", rows: newRows, keepExisting: true)
        let content = DocumentContent(document: Array(text.utf8), attachments: committed.attachments)
        let writer = VersionWriter(project: project, actor: actor, template: template, location: location)
        let warnings: [Diagnostic]
        do {
            warnings = try writer.validate(content)
        } catch let list as DiagnosticList {
            throw InputProblems(list.diagnostics.map(\.formatted))
        }
        let base = (name as NSString).lastPathComponent
        var plan = try writer.plan(
            content, previous: committed, event: .checkedIn, action: "import",
            subject: "\(location.id): import \(fresh.count) actual\(fresh.count == 1 ? "" : "s") from \(base)",
            comment: "import of \(base): \(ids.first!)..\(ids.last!)")
        plan.body = "Imported \(fresh.count) actuals from \(name) (\(unchanged) already booked)."
        return (plan, ids, unchanged, warnings)
    }

    static func key(_ supplier: String, _ reference: String) -> String {
        "\(supplier.trimmingCharacters(in: .whitespaces).lowercased())\u{0}\(reference.trimmingCharacters(in: .whitespaces).lowercased())"
    }

    /// `count` IDs after the highest of `existing` with the most common
    /// prefix and width (`AC-006` → `AC-007`, …); `AC-001`… for none.
    static func nextIDs(_ existing: [String], count: Int) -> [String] {
        var parts: [(prefix: String, number: Int, width: Int)] = []
        for id in existing {
            let digits = id.reversed().prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, digits.count <= 9, let n = Int(String(digits.reversed())) else { continue }
            parts.append((String(id.dropLast(digits.count)), n, digits.count))
        }
        let byPrefix = Dictionary(grouping: parts, by: \.prefix)
        guard let (prefix, group) = byPrefix.max(by: { ($0.value.count, $1.key) < ($1.value.count, $0.key) }) else {
            return (1...count).map { String(format: "AC-%03d", $0) }
        }
        let width = group.map(\.width).max() ?? 3
        let taken = Set(existing)
        var next = (group.map(\.number).max() ?? 0) + 1
        var out: [String] = []
        while out.count < count {
            let digits = String(next)
            let id = prefix + String(repeating: "0", count: max(0, width - digits.count)) + digits
            if !taken.contains(id) { out.append(id) }
            next += 1
        }
        return out
    }
}
