import FolioGit
import FolioModel
import Foundation

/// `folio report cost`: per budget line, project and portfolio, the budget,
/// what is committed, the actual cost (invoices booked in the cost register
/// plus labour: issued timesheet hours times the rate in force that day),
/// the forecast at completion, the variance and the share spent, never
/// adding two currencies; and what is wrong with the data (docs/reports.md,
/// "cost").
public enum CostReport {
    struct Totals {
        var budget = 0.0, committed = 0.0, invoices = 0.0, labour = 0.0, forecast = 0.0
        mutating func add(_ o: Totals) {
            budget += o.budget; committed += o.committed; invoices += o.invoices; labour += o.labour; forecast += o.forecast
        }
    }

    /// What a cost report holds besides its figures: the S-curve (read from
    /// history, the dear part) and the journal (one row per amount the
    /// figures add up, for `--format ledger` and `--section journal`).
    public struct Parts: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        public static let sCurve = Parts(rawValue: 1)
        public static let journal = Parts(rawValue: 2)
    }

    /// The report as of a day (UTC). Throws what reading the repositories
    /// throws, and `FolioError.usage` for a project given twice.
    /// Converting the portfolio's totals into one currency, with the rates
    /// a portfolio file gives (units of `currency` per unit of each other).
    public struct Conversion: Sendable {
        public let currency: String
        public let rates: [String: Double]
        public init(currency: String, rates: [String: Double]) {
            self.currency = currency
            self.rates = rates
        }
    }

    public static func build(
        _ sources: [ReportSource], asOf: Day, generated: Date, parts: Parts = [.sCurve], conversion: Conversion? = nil
    ) throws -> Report {
        try ReportSource.requireDistinct(sources)
        var report = try figures(sources, try gather(sources), asOf: asOf, generated: generated, journal: parts.contains(.journal), conversion: conversion)
        guard parts.contains(.sCurve) else { return report }
        // The S-curve: each week's project figures as of that week's last commit.
        var rows: [[ReportValue]] = []
        var lines: [ReportLineChart] = []
        for source in sources {
            let curve = try sCurve(source, asOf: asOf)
            guard !curve.isEmpty else { continue }
            rows += curve.map { [.text(source.code), .text($0.week.description), .text($0.commit), .number($0.pv, decimals: 2), .number($0.ev, decimals: 2), .number($0.ac, decimals: 2)] }
            lines.append(ReportLineChart(
                key: "s_curve_\(source.code)", title: "\(source.code): PV, EV and AC by week (S-curve, \(curve[0].currency))",
                labels: curve.map { $0.week.description },
                series: [("PV", curve.map { $0.pv }), ("EV", curve.map { $0.ev }), ("AC", curve.map { $0.ac })]))
        }
        report = report.adding(
            section: ReportSection(
                key: "s_curve", title: "S-curve",
                note: "Per project and ISO week up to \(asOf) (at most the last five years): PV, EV and AC of the whole project as its repository stood at the week's last commit (first-parent history), as of that week's Sunday: what the record said at the time.",
                columns: [
                    ReportColumn("project", "Project"), ReportColumn("week", "Week"), ReportColumn("commit", "Commit"),
                    ReportColumn("pv", "PV"), ReportColumn("ev", "EV"), ReportColumn("ac", "AC"),
                ],
                rows: rows, empty: "No schedule with budgeted work packages in the history."),
            lineCharts: lines)
        return report
    }

    struct CurvePoint {
        let week: ISOWeek
        let commit: String
        let currency: String
        let pv: Double
        let ev: Double
        let ac: Double
    }

    /// The project row of the earned value figures at the last commit of
    /// every week, from the first week whose commit has them to `asOf`.
    static func sCurve(_ source: ReportSource, asOf: Day) throws -> [CurvePoint] {
        let repository = source.repository
        var lastOfWeek: [(ISOWeek, ObjectID)] = []
        for id in try repository.walk(from: [source.commit], reverse: true, firstParentOnly: true) {
            let week = Day(try repository.commit(id).committer.time).isoWeek
            if lastOfWeek.last?.0 == week { lastOfWeek[lastOfWeek.count - 1].1 = id } else { lastOfWeek.append((week, id)) }
        }
        guard let first = lastOfWeek.first?.0 else { return [] }
        var points: [CurvePoint] = []
        // At most the five years up to the as-of day: a week a point.
        var week = max(first, asOf.advanced(by: -(5 * 52 * 7 - 1)).isoWeek)
        var i = 0
        // What is read from a commit (its timesheets above all) is read once,
        // however many weeks it stands for; a commit with no budgeted
        // schedule is skipped before anything else is read.
        var cached: (id: ObjectID, snapshot: ReportSource, inputs: Inputs?)?
        while week <= asOf.isoWeek {
            while i + 1 < lastOfWeek.count && lastOfWeek[i + 1].0 <= week { i += 1 }
            let id = lastOfWeek[i].1
            if cached?.id != id {
                let snapshot = try ReportSource(repository: repository, at: id.description)
                cached = (id, snapshot, try hasBudgetedSchedule(snapshot.project) ? try gather([snapshot]) : nil)
            }
            guard let snapshot = cached?.snapshot, let inputs = cached?.inputs else {
                week = week.sunday.advanced(by: 1).isoWeek
                continue
            }
            let sunday = min(week.sunday, asOf)
            let figures = try Self.figures([snapshot], inputs, asOf: sunday, generated: Date(timeIntervalSince1970: 0))
            if let row = figures.section("earned_value")?.rows.first(where: { $0[1] == .text("(project)") }),
                case .text(let currency) = row[3], case .number(let pv, _) = row[5], case .number(let ev, _) = row[6], case .number(let ac, _) = row[7]
            {
                points.append(CurvePoint(week: week, commit: String(id.description.prefix(10)), currency: currency, pv: pv, ev: ev, ac: ac))
            }
            week = week.sunday.advanced(by: 1).isoWeek
        }
        return points
    }

    /// Whether a snapshot has a schedule in force with a budgeted work package.
    static func hasBudgetedSchedule(_ project: Project) throws -> Bool {
        guard let template = project.template(Schedule.type) else { return false }
        for location in try project.documents(of: template) where try project.inForce(location.id) {
            if let document = try project.read(location).document, Schedule.workPackages(document).contains(where: { $0.budget != nil }) {
                return true
            }
        }
        return false
    }

    /// What the figures need from every repository, whatever the as-of day:
    /// rate cards, people's roles and every issued timesheet entry (a hub
    /// prices and books for its projects).
    struct Inputs {
        var rates: [(code: String, rates: [Rate])] = []
        var hours: [(person: String, entry: TimesheetEntry)] = []
        var roles: [String: [String]] = [:]
    }

    static func gather(_ sources: [ReportSource]) throws -> Inputs {
        var inputs = Inputs()
        for source in sources {
            let project = source.project
            for person in project.config.people where inputs.roles[person.email.lowercased()] == nil {
                inputs.roles[person.email.lowercased()] = person.roles
            }
            var own: [Rate] = []
            if let t = project.template(CostData.rateCardType) {
                for location in try project.documents(of: t) where try project.inForce(location.id) {
                    if let document = try project.read(location).document { own += CostData.rates(document) }
                }
            }
            inputs.rates.append((source.code, own))
            for sheet in try ResourcesReport.sheets(source) where sheet.state == .issued {
                inputs.hours += sheet.entries.map { (sheet.person, $0) }
            }
        }
        return inputs
    }

    /// Every figure of the report but the S-curve, as of a day.
    static func figures(
        _ sources: [ReportSource], _ inputs: Inputs, asOf: Day, generated: Date, journal withJournal: Bool = false, conversion: Conversion? = nil
    ) throws -> Report {
        let rates = inputs.rates
        let roles = inputs.roles
        let hours = inputs.hours.filter { $0.entry.date <= asOf }
        var lineRows: [[ReportValue]] = []
        var projectRows: [[ReportValue]] = []
        var findings: [[ReportValue]] = []
        var portfolio: [String: Totals] = [:]
        var projectActual: [String: [String: Double]] = [:]
        var bars: [ReportChart.Bar] = []
        var overBudget = 0
        // Every amount the figures add up, when asked: (date or nil for a budget, row).
        var journal: [(Day?, [ReportValue])] = []
        func post(_ date: Day?, _ kind: String, _ code: String, _ register: String, _ reference: String, _ payee: String, _ note: String,
                  _ account: String, _ contra: String, _ amount: Double, decimals: Int = 2, _ currency: String) {
            guard withJournal else { return }
            journal.append((date, [
                .text(date?.description ?? ""), .text(kind), .text(code), .text(register), .text(reference), .text(payee), .text(note),
                .text(account), .text(contra), .number(amount, decimals: decimals), .text(currency),
            ]))
        }
        func finding(_ code: String, _ document: String, _ kind: String, _ detail: String) {
            findings.append([.text(code), .text(document), .text(kind), .text(detail)])
        }
        for source in sources {
            let project = source.project
            guard let template = project.template(CostData.costRegisterType) else { continue }
            // The project's rate cards first, then the others in the order given.
            let priced = (rates.filter { $0.code == source.code } + rates.filter { $0.code != source.code }).map(\.rates)
            var byCurrency: [String: Totals] = [:]
            var invoicesSeen: [String: String] = [:]
            var registers: [(location: DocumentLocation, document: Document)] = []
            for location in try project.documents(of: template).sorted(by: { $0.id < $1.id }) where try project.inForce(location.id) {
                if let document = try project.read(location).document { registers.append((location, document)) }
            }
            // Labour goes to the first register with a Labour line (else to the first, as a finding).
            let labourRegister = (registers.first { CostData.budgetLines($0.document).contains { $0.category.lowercased() == "labour" } } ?? registers.first)?.location.id
            for (location, document) in registers {
                let currency = document.field("currency") ?? ""
                let lines = CostData.budgetLines(document)
                let known = Set(lines.map(\.line))
                var invoices: [String: Double] = [:]
                for actual in CostData.actuals(document) {
                    guard let date = actual.date, date <= asOf else { continue }
                    guard let amount = actual.amount else { continue }
                    if amount.currency != currency {
                        finding(source.code, location.id, "currency", "\(actual.id) (line \(actual.row)): \(String(format: "%.2f", amount.amount)) \(amount.currency) in a \(currency) register, left out")
                        continue
                    }
                    if !known.contains(actual.line) {
                        finding(source.code, location.id, "unknown line", "\(actual.id) (line \(actual.row)) is booked to \(actual.line), which is not a budget line: \(String(format: "%.2f", amount.amount)) \(currency) in no line")
                        continue
                    }
                    let reference = actual.invoice.trimmingCharacters(in: .whitespaces)
                    if !reference.isEmpty {
                        let key = "\(actual.supplier.lowercased())\u{0}\(reference.lowercased())"
                        if let first = invoicesSeen[key] {
                            finding(source.code, location.id, "invoice twice", "\(actual.id) books invoice \(reference) of \(actual.supplier) again (first: \(first))")
                        } else {
                            invoicesSeen[key] = "\(location.id) \(actual.id)"
                        }
                    }
                    invoices[actual.line, default: 0] += amount.amount
                    post(date, "invoice", source.code, location.id, actual.id, actual.supplier, reference,
                         LedgerJournal.account("expenses", source.code, location.id, actual.line), LedgerJournal.account("liabilities", "payable", source.code),
                         amount.amount, currency)
                }
                // Labour: the project's issued hours, priced, on the register's first Labour line.
                var labour = 0.0
                let labourLine = lines.first { $0.category.lowercased() == "labour" }?.line
                if location.id == labourRegister {
                    var unpriced: [String: Double] = [:]
                    for (person, entry) in hours where entry.project == source.code {
                        guard let rate = CostData.rate(for: person, roles: roles[person] ?? [], on: entry.date, in: priced) else {
                            unpriced[person, default: 0] += entry.hours
                            continue
                        }
                        guard rate.rate.currency == currency else {
                            finding(source.code, location.id, "currency", "the rate of \(person) on \(entry.date) (\(rate.document)) is in \(rate.rate.currency), not \(currency): \(DecimalText.string(entry.hours, decimals: 2)) h left out")
                            continue
                        }
                        labour += entry.hours * rate.rate.amount
                        if let labourLine {
                            post(entry.date, "labour", source.code, location.id, entry.workPackage, person,
                                 "\(DecimalText.string(entry.hours, decimals: 6)) h at \(DecimalText.string(rate.rate.amount, decimals: 6)) (\(rate.document))",
                                 LedgerJournal.account("expenses", source.code, location.id, labourLine), LedgerJournal.account("liabilities", "labour", source.code),
                                 entry.hours * rate.rate.amount, decimals: 6, currency)
                        }
                    }
                    for (person, h) in unpriced.sorted(by: { $0.key < $1.key }) {
                        finding(source.code, location.id, "no rate", "\(DecimalText.string(h, decimals: 2)) issued hours of \(person) have no rate in force on a rate card")
                    }
                    if labour > 0 && labourLine == nil {
                        finding(source.code, location.id, "no labour line", "\(DecimalText.string(labour, decimals: 2)) \(currency) of labour and no budget line of category Labour")
                    }
                }
                for line in lines {
                    if let budget = line.budget, budget.currency == currency {
                        post(nil, "budget", source.code, location.id, line.line, "Budget", line.description,
                             LedgerJournal.account("budget", source.code, location.id, line.line), LedgerJournal.account("equity", "budget", source.code),
                             budget.amount, currency)
                    }
                    // A figure in another currency is left out, never added (the register's `currency` rule flags it too).
                    func inCurrency(_ money: Money?, _ column: String) -> Double {
                        guard let money else { return 0 }
                        guard money.currency == currency else {
                            finding(source.code, location.id, "currency", "\(line.line) \(column): \(String(format: "%.2f", money.amount)) \(money.currency) in a \(currency) register, left out")
                            return 0
                        }
                        return money.amount
                    }
                    var t = Totals()
                    t.budget = inCurrency(line.budget, "budget")
                    t.committed = inCurrency(line.committed, "committed")
                    t.invoices = invoices[line.line] ?? 0
                    t.labour = line.line == labourLine ? labour : 0
                    let actual = t.invoices + t.labour
                    t.forecast = max(inCurrency(line.forecast, "forecast"), t.committed, actual)
                    let over = t.forecast > t.budget + 0.005 || actual > t.budget + 0.005
                    if over { overBudget += 1 }
                    let spent: Double? = t.budget > 0 ? actual * 100 / t.budget : nil
                    lineRows.append([
                        .text(source.code), .text(location.id), .text(line.line), .text(line.description), .text(line.category),
                        .text(currency), .number(t.budget, decimals: 2), .number(t.committed, decimals: 2), .number(t.invoices, decimals: 2),
                        .number(t.labour, decimals: 2), .number(actual, decimals: 2), .number(t.forecast, decimals: 2),
                        .number(t.budget - t.forecast, decimals: 2), spent.map { .number($0, decimals: 1) } ?? .null, .bool(over),
                    ])
                    if let spent { bars.append(ReportChart.Bar("\(source.code) \(line.line) \(line.description)", spent, detail: "\(line.line): \(DecimalText.string(spent, decimals: 1))% of the budget spent")) }
                    byCurrency[currency, default: Totals()].add(t)
                }
            }
            for (currency, t) in byCurrency.sorted(by: { $0.key < $1.key }) {
                projectActual[source.code, default: [:]][currency] = t.invoices + t.labour
                projectRows.append(totalsRow(source.code, currency, t))
                portfolio[currency, default: Totals()].add(t)
            }
        }
        if sources.count > 1 {
            for (currency, t) in portfolio.sorted(by: { $0.key < $1.key }) { projectRows.append(totalsRow("portfolio", currency, t)) }
        }
        // Converted only with the portfolio file's rates; a currency without one is left out, and said.
        if let conversion, !portfolio.isEmpty {
            var converted = Totals()
            for (currency, t) in portfolio.sorted(by: { $0.key < $1.key }) {
                guard let rate = currency == conversion.currency ? 1 : conversion.rates[currency] else {
                    finding("portfolio", "", "no rate", "the portfolio file gives no rate from \(currency) to \(conversion.currency): \(currency) is left out of the converted total")
                    continue
                }
                converted.budget += t.budget * rate
                converted.committed += t.committed * rate
                converted.invoices += t.invoices * rate
                converted.labour += t.labour * rate
                converted.forecast += t.forecast * rate
            }
            projectRows.append(totalsRow("portfolio in \(conversion.currency)", conversion.currency, converted))
        }
        // Earned value per work package of each project's schedules, and per project.
        var evRows: [[ReportValue]] = []
        for source in sources {
            let project = source.project
            guard let template = project.template(Schedule.type) else { continue }
            var packages: [WorkPackage] = []
            var whereFound: [String: String] = [:]
            for location in try project.documents(of: template).sorted(by: { $0.id < $1.id }) where try project.inForce(location.id) {
                guard let document = try project.read(location).document else { continue }
                for wp in Schedule.workPackages(document) {
                    if let other = whereFound[wp.id] {
                        finding(source.code, location.id, "work package twice", "\(wp.id) is also in \(other): counted once, from \(other)")
                        continue
                    }
                    whereFound[wp.id] = location.id
                    packages.append(wp)
                }
            }
            // The schedule's currency: that of most of its budget (money is never mixed).
            let budgets = Dictionary(grouping: packages.compactMap { $0.budget?.currency }, by: { $0 })
            guard let currency = budgets.max(by: { ($0.value.count, $1.key) < ($1.value.count, $0.key) })?.key else { continue }
            for wp in packages where wp.budget != nil && wp.budget?.currency != currency {
                finding(source.code, whereFound[wp.id] ?? "", "currency", "work package \(wp.id) is budgeted in \(wp.budget!.currency), the schedule in \(currency): left out of earned value")
            }
            let priced = (rates.filter { $0.code == source.code } + rates.filter { $0.code != source.code }).map(\.rates)
            var labour: [String: Double] = [:]
            var otherCurrency: [String: Double] = [:]
            for (person, entry) in hours where entry.project == source.code {
                guard let rate = CostData.rate(for: person, roles: roles[person] ?? [], on: entry.date, in: priced) else { continue }
                guard rate.rate.currency == currency else {
                    otherCurrency[rate.rate.currency, default: 0] += entry.hours
                    continue
                }
                labour[entry.workPackage, default: 0] += entry.hours * rate.rate.amount
            }
            for (code, h) in otherCurrency.sorted(by: { $0.key < $1.key }) {
                finding(source.code, whereFound.values.sorted().first ?? "", "currency", "\(DecimalText.string(h, decimals: 2)) h priced in \(code), the schedule in \(currency): left out of the work packages' AC")
            }
            var total = (bac: 0.0, pv: 0.0, ev: 0.0)
            for wp in packages where wp.budget?.currency == currency {
                let bac = wp.budget!.amount
                let pv = wp.plannedValue(asOf: asOf) ?? 0
                let ev = wp.earnedValue ?? 0
                total.bac += bac
                total.pv += pv
                total.ev += ev
                evRows.append(earnedValueRow(source.code, wp.id, wp.name, currency, bac: bac, pv: pv, ev: ev, ac: labour[wp.id] ?? 0))
            }
            // The project's actual cost: invoices and labour of its cost registers, else the labour on its work packages.
            let ac = projectActual[source.code]?[currency] ?? labour.values.reduce(0, +)
            evRows.append(earnedValueRow(source.code, "(project)", "all work packages", currency, bac: total.bac, pv: total.pv, ev: total.ev, ac: ac))
        }
        var figures = [
            ReportFigure("budget_lines", "Budget lines", .int(lineRows.count)),
            ReportFigure("over_budget", "Lines over budget", .int(overBudget)),
            ReportFigure("findings", "Data-quality findings", .int(findings.count)),
        ]
        if portfolio.count == 1, let (currency, t) = portfolio.first {
            figures.insert(contentsOf: [
                ReportFigure("currency", "Currency", .text(currency)),
                ReportFigure("budget", "Budget", .number(t.budget, decimals: 2)),
                ReportFigure("actual", "Actual (invoices and labour)", .number(t.invoices + t.labour, decimals: 2)),
                ReportFigure("forecast", "Forecast at completion", .number(t.forecast, decimals: 2)),
                ReportFigure("variance", "Variance (budget − forecast)", .number(t.budget - t.forecast, decimals: 2)),
            ], at: 0)
        }
        let title = ReportSource.title("Cost", sources, suffix: ", as of \(asOf)")
        var extra: [ReportSection] = []
        if withJournal {
            // Budgets on the journal's first day; then by date, in the order booked.
            let first = journal.compactMap(\.0).min() ?? asOf
            let rows = journal.enumerated().sorted { a, b in
                ((a.element.0 ?? first), a.element.0 == nil ? 0 : 1, a.offset) < ((b.element.0 ?? first), b.element.0 == nil ? 0 : 1, b.offset)
            }.map { item in
                var row = item.element.1
                if item.element.0 == nil { row[0] = .text(first.description) }
                return row
            }
            extra.append(ReportSection(
                key: LedgerJournal.section, title: "Journal",
                note: "Every amount the figures add up, one balanced transaction each (what --format ledger writes): budgets (dated at the journal's first day), invoices and journals booked to a budget line, priced labour per timesheet entry.",
                columns: LedgerJournal.columns, rows: rows, empty: "Nothing to book."))
        }
        let totalsColumns = [
            ReportColumn("project", "Project"), ReportColumn("currency", "Currency"), ReportColumn("budget", "Budget"),
            ReportColumn("committed", "Committed"), ReportColumn("invoices", "Invoices"), ReportColumn("labour", "Labour"),
            ReportColumn("actual", "Actual"), ReportColumn("forecast", "Forecast"), ReportColumn("variance", "Variance"),
            ReportColumn("spent_pct", "Spent %"),
        ]
        return Report(
            kind: "cost", title: title, generated: generated, projects: sources.map(\.info), figures: figures,
            charts: [ReportChart(key: "spent", title: "Budget spent by line (%)", unit: "%", bars: bars)],
            sections: [
                ReportSection(
                    key: "lines", title: "Budget lines",
                    note: "Per budget line of every cost register in force, as of \(asOf), in the register's currency. Actual: invoices and journals booked to the line up to that day, plus, on the register's first Labour line, labour: issued timesheet hours of the project times the rate in force that day (the person's own rate, else their role's). Forecast at completion: the line's Forecast, but never below what is committed or spent. Variance: budget − forecast. Over budget: the forecast or the actual above the budget.",
                    columns: [
                        ReportColumn("project", "Project"), ReportColumn("register", "Register"), ReportColumn("line", "Line"),
                        ReportColumn("description", "Description"), ReportColumn("category", "Category"), ReportColumn("currency", "Currency"),
                        ReportColumn("budget", "Budget"), ReportColumn("committed", "Committed"), ReportColumn("invoices", "Invoices"),
                        ReportColumn("labour", "Labour"), ReportColumn("actual", "Actual"), ReportColumn("forecast", "Forecast"),
                        ReportColumn("variance", "Variance"), ReportColumn("spent_pct", "Spent %"), ReportColumn("over_budget", "Over budget"),
                    ],
                    rows: lineRows, empty: "No cost register with budget lines."),
                ReportSection(
                    key: "totals", title: "Totals by project and currency",
                    note: "Never added across currencies: one row per project and currency, then the portfolio per currency, then (with a portfolio file's currency and rates) the portfolio converted at those rates.",
                    columns: totalsColumns, rows: projectRows, empty: "No totals."),
                ReportSection(
                    key: "earned_value", title: "Earned value",
                    note: "PMBOK, as of \(asOf), per work package of the schedules in force and per project, in the schedule's currency. BAC: the work package's Budget. PV: BAC × the share of its days (Start to Finish) elapsed. EV: BAC × % complete. AC: per work package, the priced labour booked to it; per project, all its actual cost (invoices and labour). CV = EV − AC; SV = EV − PV; CPI = EV / AC; SPI = EV / PV; EAC = BAC / CPI; ETC = EAC − AC; VAC = BAC − EAC; TCPI = (BAC − EV) / (BAC − AC). A ratio with nothing to divide by is empty.",
                    columns: [
                        ReportColumn("project", "Project"), ReportColumn("work_package", "WP"), ReportColumn("name", "Work package"),
                        ReportColumn("currency", "Currency"), ReportColumn("bac", "BAC"), ReportColumn("pv", "PV"), ReportColumn("ev", "EV"),
                        ReportColumn("ac", "AC"), ReportColumn("cv", "CV"), ReportColumn("sv", "SV"), ReportColumn("cpi", "CPI"),
                        ReportColumn("spi", "SPI"), ReportColumn("eac", "EAC"), ReportColumn("etc", "ETC"), ReportColumn("vac", "VAC"),
                        ReportColumn("tcpi", "TCPI"),
                    ],
                    rows: evRows, empty: "No schedule with budgeted work packages."),
                ReportSection(
                    key: "findings", title: "Data quality",
                    note: "Actuals on lines that do not exist or in another currency (left out of the figures), invoices booked twice (same supplier and reference), issued hours with no rate, labour with no Labour line.",
                    columns: [ReportColumn("project", "Project"), ReportColumn("document", "Document"), ReportColumn("kind", "Kind"), ReportColumn("detail", "Detail")],
                    rows: findings, empty: "No findings."),
            ] + extra,
            mainSection: "lines")
    }

    /// One row of earned value figures (PMBOK Guide, earned value management).
    static func earnedValueRow(_ project: String, _ id: String, _ name: String, _ currency: String, bac: Double, pv: Double, ev: Double, ac: Double) -> [ReportValue] {
        let cpi: Double? = ac > 0 ? ev / ac : nil
        let spi: Double? = pv > 0 ? ev / pv : nil
        let eac: Double? = cpi.flatMap { $0 > 0 ? bac / $0 : nil }
        let tcpi: Double? = bac - ac != 0 ? (bac - ev) / (bac - ac) : nil
        func money(_ d: Double?) -> ReportValue { d.map { .number($0, decimals: 2) } ?? .null }
        func ratio(_ d: Double?) -> ReportValue { d.map { .number($0, decimals: 2) } ?? .null }
        return [
            .text(project), .text(id), .text(name), .text(currency), money(bac), money(pv), money(ev), money(ac),
            money(ev - ac), money(ev - pv), ratio(cpi), ratio(spi), money(eac), money(eac.map { $0 - ac }), money(eac.map { bac - $0 }), ratio(tcpi),
        ]
    }

    static func totalsRow(_ project: String, _ currency: String, _ t: Totals) -> [ReportValue] {
        let actual = t.invoices + t.labour
        return [
            .text(project), .text(currency), .number(t.budget, decimals: 2), .number(t.committed, decimals: 2),
            .number(t.invoices, decimals: 2), .number(t.labour, decimals: 2), .number(actual, decimals: 2), .number(t.forecast, decimals: 2),
            .number(t.budget - t.forecast, decimals: 2), t.budget > 0 ? .number(actual * 100 / t.budget, decimals: 1) : .null,
        ]
    }
}
