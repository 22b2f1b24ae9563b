import FolioGit
import FolioModel
import Foundation

/// `folio report pack`: the Monday pack, a highlight report in the PRINCE2
/// sense for one project or a portfolio (docs/reports.md, "pack"). Per
/// project: the health of each dimension (schedule, cost, resources, risks,
/// issues) as the project manager stated it in the latest status report and
/// as computed from the registers against the project's tolerances, flagged
/// where they disagree; the status report's words for this period and the
/// next; milestones and slip; cost and earned value; over-allocations; a
/// 5×5 risk matrix with the change since the last pack; decisions and change
/// requests waiting; reviews overdue and review dates passed; one action log
/// across all minutes; and the support office's own measures. A portfolio
/// row per project comes first.
///
/// Every figure is taken from the per-domain reports (schedule, cost,
/// resources, status) built over the same commits, so the pack never says
/// what they do not.
public enum PackReport {
    /// The dimensions rated, in the pack's order, and the status report's
    /// `Health` area each is stated in.
    static let dimensions: [(key: String, label: String, area: String?)] = [
        ("schedule", "Schedule", "Schedule"), ("cost", "Cost", "Cost"), ("resources", "Resources", "Resources"),
        ("risks", "Risks", "Risk"), ("issues", "Issues and actions", nil),
    ]

    /// The pack as `build` makes it, read back from the pack cache when the
    /// same projects at the same commits were packed for the same period,
    /// judging day and tolerances on the same day (`PackCache`); otherwise
    /// built and cached. - Throws: what `build` throws.
    public static func cached(
        _ sources: [ReportSource], since: Day, until: Day, today: Day, tolerances: [String: Tolerances] = [:], generated: Date
    ) throws -> Report {
        try ReportSource.requireDistinct(sources)
        let key = PackCache.key(sources, since: since, until: until, today: today, tolerances: tolerances, generated: generated)
        let path = PackCache.path(sources)
        if let path, let hit = PackCache.read(path, key: key) { return hit.regenerated(at: generated) }
        let report = try build(sources, since: since, until: until, today: today, tolerances: tolerances, generated: generated)
        if let path { PackCache.write(path, key: key, report: report) }
        return report
    }

    /// The pack for the period `since`…`until` (UTC days, both included),
    /// judged on `today`. `tolerances` overrides each project's own (a
    /// portfolio file's). - Throws: what reading the repositories throws;
    /// `FolioError.usage` for a project given twice.
    public static func build(
        _ sources: [ReportSource], since: Day, until: Day, today: Day, tolerances: [String: Tolerances] = [:], generated: Date
    ) throws -> Report {
        try ReportSource.requireDistinct(sources)
        // Every part reads the same documents at the same commit: parse each once.
        for source in sources { source.project.keepsReads = true }
        let lookAhead = since...until.advanced(by: 28)
        let resources = try ResourcesReport.build(sources, range: lookAhead, by: .week, today: today, generated: generated)
        let overAllocations = resources.section("over_allocations")?.rows ?? []
        let missingSheets = resources.section("timesheets")?.rows ?? []

        // Each project's rows are made on their own thread (each project reads
        // only its own repository), then joined in the order given.
        let parts = try Parallel.map(sources, threshold: 2) { source in
            // What the project's parts shared is let go once its rows are made.
            defer { source.project.keepsReads = false }
            return try part(
                source, limits: tolerances[source.code] ?? source.project.config.tolerances, overAllocations: overAllocations,
                missingSheets: missingSheets, since: since, until: until, today: today, generated: generated)
        }
        let portfolioRows = parts.flatMap(\.portfolioRows)
        let healthRows = parts.flatMap(\.healthRows)
        let narrativeRows = parts.flatMap(\.narrativeRows)
        let milestoneRows = parts.flatMap(\.milestoneRows)
        let costRows = parts.flatMap(\.costRows)
        let resourceRows = parts.flatMap(\.resourceRows)
        let matrixRows = parts.flatMap(\.matrixRows)
        let riskRows = parts.flatMap(\.riskRows)
        let waitingRows = parts.flatMap(\.waitingRows)
        let reviewRows = parts.flatMap(\.reviewRows)
        let actionRows = parts.flatMap(\.actionRows)
        let psoRows = parts.flatMap(\.psoRows)
        let matrices = parts.flatMap(\.matrices)
        let disagreements = parts.reduce(0) { $0 + $1.disagreements }

        let red = portfolioRows.filter { $0[3] == .text("red") }.count
        let amber = portfolioRows.filter { $0[3] == .text("amber") }.count
        let figures = [
            ReportFigure("projects", "Projects", .int(sources.count)),
            ReportFigure("red", "Computed red", .int(red)),
            ReportFigure("amber", "Computed amber", .int(amber)),
            ReportFigure("disagreements", "Stated ≠ computed", .int(disagreements)),
            ReportFigure("overdue_actions", "Actions and issues past due", .int(portfolioRows.reduce(0) { sum, row in if case .int(let n) = row[row.count - 1] { sum + n } else { sum } })),
            ReportFigure("reviews_overdue", "Reviews overdue", .int(reviewRows.filter { $0[1] == .text("review overdue") }.count)),
        ]
        let period = ReportPeriod(since: since.description, until: until.description)
        let title = ReportSource.title("Monday pack", sources, suffix: ", \(since) to \(until)")
        let report = Report(
            kind: "pack", title: title, generated: generated, projects: sources.map(\.info), period: period, figures: figures,
            heatMaps: matrices,
            sections: [
                ReportSection(
                    key: "portfolio", title: "Portfolio",
                    note: "One row per project: overall health as stated in the latest status report and as computed from the registers against the project's tolerances (docs/reports.md, \"pack\"), each dimension computed, and the key numbers (money in the project's first currency; variance % is the forecast over budget).",
                    columns: [
                        ReportColumn("project", "Project"), ReportColumn("name", "Name"), ReportColumn("stated", "Stated"),
                        ReportColumn("computed", "Computed"), ReportColumn("agrees", "Agree"),
                    ] + dimensions.map { ReportColumn($0.key, $0.label) } + [
                        ReportColumn("currency", "Currency"), ReportColumn("budget", "Budget"), ReportColumn("forecast", "Forecast"),
                        ReportColumn("variance_pct", "Variance %"), ReportColumn("worst_slip_days", "Worst slip (days)"),
                        ReportColumn("over_allocated", "Over-allocated"), ReportColumn("high_risks", "High risks"),
                        ReportColumn("overdue_actions", "Past due"),
                    ],
                    rows: portfolioRows, empty: "No projects."),
                ReportSection(
                    key: "health", title: "Health: stated and computed",
                    note: "Stated: the latest status report in force up to the period's end (overall_status, and its Health table; Issues has no stated area). Computed: the measure against the tolerances (tolerances: in folio.yml, or the portfolio file); empty where the project has no data for it. Agree is empty where either is.",
                    columns: [
                        ReportColumn("project", "Project"), ReportColumn("dimension", "Dimension"), ReportColumn("stated", "Stated"),
                        ReportColumn("computed", "Computed"), ReportColumn("basis", "Measure"), ReportColumn("tolerance", "Tolerance"),
                        ReportColumn("agrees", "Agree"),
                    ],
                    rows: healthRows, empty: "No projects."),
                ReportSection(
                    key: "narrative", title: "This period and next",
                    note: "From the latest status report: its Progress this period and Planned next period sections.",
                    columns: [
                        ReportColumn("project", "Project"), ReportColumn("status_report", "Status report"), ReportColumn("period", "Period"),
                        ReportColumn("this_period", "This period"), ReportColumn("next_period", "Next period"),
                    ],
                    rows: narrativeRows, empty: "No status report."),
                ReportSection(
                    key: "milestones", title: "Milestones",
                    note: "As `folio report schedule`: the baseline is the last issued schedule; slip is forecast (or actual) minus baseline.",
                    columns: [
                        ReportColumn("project", "Project"), ReportColumn("milestone", "ID"), ReportColumn("name", "Milestone"),
                        ReportColumn("baseline", "Baseline"), ReportColumn("forecast", "Forecast"), ReportColumn("actual", "Actual"),
                        ReportColumn("slip_days", "Slip"), ReportColumn("status", "Status"),
                    ],
                    rows: milestoneRows, empty: "No schedule."),
                ReportSection(
                    key: "cost", title: "Cost and earned value",
                    note: "As `folio report cost` on the judging day: per project and currency; CPI, SPI and EAC of the project's schedule where it is in that currency.",
                    columns: [
                        ReportColumn("project", "Project"), ReportColumn("currency", "Currency"), ReportColumn("budget", "Budget"),
                        ReportColumn("actual", "Actual"), ReportColumn("forecast", "Forecast"), ReportColumn("variance", "Variance"),
                        ReportColumn("variance_pct", "Variance %"), ReportColumn("cpi", "CPI"), ReportColumn("spi", "SPI"),
                        ReportColumn("eac", "EAC"),
                    ],
                    rows: costRows, empty: "No cost register."),
                ReportSection(
                    key: "resources", title: "Over-allocations",
                    note: "As `folio report resources` from the period's first day to four weeks after its last, over every repository given.",
                    columns: [
                        ReportColumn("project", "Project"), ReportColumn("person", "Person"), ReportColumn("from", "From"),
                        ReportColumn("to", "To"), ReportColumn("load_pct", "Load %"), ReportColumn("projects", "Projects"),
                    ],
                    rows: resourceRows, empty: "Nobody is over-allocated."),
                ReportSection(
                    key: "risk_matrix", title: "Risk matrix",
                    note: "Open risks of the risk registers in force, by probability and impact (1 to 5), now and at the last pack (the registers as they stood at the last commit before the period).",
                    columns: [
                        ReportColumn("project", "Project"), ReportColumn("probability", "Probability"), ReportColumn("impact", "Impact"),
                        ReportColumn("open", "Open now"), ReportColumn("at_last_pack", "At the last pack"),
                    ],
                    rows: matrixRows, empty: "No risk register."),
                ReportSection(
                    key: "risks", title: "Risks: change since the last pack",
                    note: "Every open risk now or at the last pack (ID: the register and its row), with its score (probability × impact) then and now: new, up, down, same, closed; unscored where the register's probability or impact is not 1 to 5 (the risk is still open, and said so in the Risks measure).",
                    columns: [
                        ReportColumn("project", "Project"), ReportColumn("id", "ID"), ReportColumn("risk", "Risk"), ReportColumn("owner", "Owner"),
                        ReportColumn("score", "Score"), ReportColumn("score_at_last_pack", "Was"), ReportColumn("change", "Change"),
                    ],
                    rows: riskRows, empty: "No open risks."),
                ReportSection(
                    key: "waiting", title: "Decisions and change requests waiting",
                    note: "Rows of the decision logs' Pending decisions, and change requests in force not yet issued, with the day they are needed by.",
                    columns: [
                        ReportColumn("project", "Project"), ReportColumn("kind", "Kind"), ReportColumn("id", "ID"), ReportColumn("what", "What"),
                        ReportColumn("owner", "Owner"), ReportColumn("needed_by", "Needed by"), ReportColumn("days_overdue", "Days overdue"),
                    ],
                    rows: waitingRows, empty: "Nothing is waiting for a decision."),
                ReportSection(
                    key: "reviews", title: "Reviews overdue and review dates passed",
                    note: "Reviews waiting longer than the review policy at the period's end, and documents in force whose review_date is before the judging day.",
                    columns: [
                        ReportColumn("project", "Project"), ReportColumn("kind", "Kind"), ReportColumn("document", "Document"),
                        ReportColumn("title", "Title"), ReportColumn("since", "Since"), ReportColumn("days", "Days"),
                    ],
                    rows: reviewRows, empty: "No review is overdue."),
                ReportSection(
                    key: "actions", title: "Action log",
                    note: "One row per action across all minutes (an action keeps its ID from meeting to meeting): those open, and those closed from the period's start. Closed by: the minutes that closed it, or the issue log.",
                    columns: [
                        ReportColumn("project", "Project"), ReportColumn("id", "ID"), ReportColumn("action", "Action"), ReportColumn("owner", "Owner"),
                        ReportColumn("due", "Due"), ReportColumn("status", "Status"), ReportColumn("raised_in", "Raised in"),
                        ReportColumn("meetings", "Meetings"), ReportColumn("closed_by", "Closed by"), ReportColumn("days_overdue", "Days overdue"),
                        ReportColumn("reopened", "Reopened"),
                    ],
                    rows: actionRows, empty: "No actions."),
                ReportSection(
                    key: "pso", title: "Support office measures",
                    note: "Status report turnaround (its period's end to its first issue, days), the pack's turnaround (period's end to this pack, days), and data quality: validation errors and warnings of all documents, timesheets missing or not issued for the people of the project, cost data findings, stated health that disagrees with the computed.",
                    columns: [
                        ReportColumn("project", "Project"), ReportColumn("status_report", "Status report"), ReportColumn("period_end", "Period end"),
                        ReportColumn("issued", "Issued"), ReportColumn("status_days", "Status turnaround (days)"),
                        ReportColumn("pack_days", "Pack turnaround (days)"), ReportColumn("errors", "Errors"), ReportColumn("warnings", "Warnings"),
                        ReportColumn("missing_timesheets", "Timesheets missing"), ReportColumn("cost_findings", "Cost findings"),
                        ReportColumn("disagreements", "Stated ≠ computed"),
                    ],
                    rows: psoRows, empty: "No projects."),
            ],
            mainSection: "portfolio")
        return report
    }

    /// One project's rows of every section.
    struct Part {
        var portfolioRows: [[ReportValue]]
        var healthRows: [[ReportValue]]
        var narrativeRows: [[ReportValue]]
        var milestoneRows: [[ReportValue]]
        var costRows: [[ReportValue]]
        var resourceRows: [[ReportValue]]
        var matrixRows: [[ReportValue]]
        var riskRows: [[ReportValue]]
        var waitingRows: [[ReportValue]]
        var reviewRows: [[ReportValue]]
        var actionRows: [[ReportValue]]
        var psoRows: [[ReportValue]]
        var matrices: [ReportHeatMap]
        var disagreements: Int
    }

    /// The rows of one project: what it states and what its registers show,
    /// judged against `limits`; `overAllocations` and `missingSheets` are the
    /// resources report's rows over every project.
    static func part(
        _ source: ReportSource, limits: Tolerances, overAllocations: [[ReportValue]], missingSheets: [[ReportValue]], since: Day,
        until: Day, today: Day, generated: Date
    ) throws -> Part {
        let project = source.project
        let code = source.code
        let lookAhead = since...until.advanced(by: 28)
        var portfolioRows: [[ReportValue]] = []
        var healthRows: [[ReportValue]] = []
        var narrativeRows: [[ReportValue]] = []
        var milestoneRows: [[ReportValue]] = []
        var costRows: [[ReportValue]] = []
        var resourceRows: [[ReportValue]] = []
        var matrixRows: [[ReportValue]] = []
        var riskRows: [[ReportValue]] = []
        var waitingRows: [[ReportValue]] = []
        var reviewRows: [[ReportValue]] = []
        var actionRows: [[ReportValue]] = []
        var psoRows: [[ReportValue]] = []
        var matrices: [ReportHeatMap] = []
        var disagreements = 0

        // Schedule: the worst slip of a milestone not done.
        let schedule = try ScheduleReport.build([source], today: today, generated: generated, trend: false)
        var worstSlip: Int?
        var late = 0
        for row in schedule.section("milestones")?.rows ?? [] {
            let status = text(row, schedule, "milestones", "status")
            let slip = int(row, schedule, "milestones", "slip_days")
            if status != "done", let slip { worstSlip = max(worstSlip ?? slip, slip) }
            if status == "late" { late += 1 }
            milestoneRows.append([
                .text(code), value(row, schedule, "milestones", "milestone"), value(row, schedule, "milestones", "name"),
                value(row, schedule, "milestones", "baseline"), value(row, schedule, "milestones", "forecast"),
                value(row, schedule, "milestones", "actual"), value(row, schedule, "milestones", "slip_days"), .text(status),
            ])
        }

        // Cost: forecast over budget, % of budget, per currency (the worst counts).
        let cost = try CostReport.build([source], asOf: today, generated: generated, parts: [])
        var worstVariance: Double?
        var worstRow: [ReportValue]?
        let ev = cost.section("earned_value")?.rows.first { text($0, cost, "earned_value", "work_package") == "(project)" }
        for row in cost.section("totals")?.rows ?? [] where text(row, cost, "totals", "project") == code {
            let budget = number(row, cost, "totals", "budget") ?? 0
            let forecast = number(row, cost, "totals", "forecast") ?? 0
            let pct: Double? = budget > 0 ? (forecast - budget) * 100 / budget : nil
            let currency = text(row, cost, "totals", "currency")
            let sameCurrency = ev.map { text($0, cost, "earned_value", "currency") == currency } ?? false
            costRows.append([
                .text(code), .text(currency), value(row, cost, "totals", "budget"), value(row, cost, "totals", "actual"),
                value(row, cost, "totals", "forecast"), value(row, cost, "totals", "variance"),
                pct.map { .number($0, decimals: 1) } ?? .null,
                sameCurrency ? value(ev!, cost, "earned_value", "cpi") : .null, sameCurrency ? value(ev!, cost, "earned_value", "spi") : .null,
                sameCurrency ? value(ev!, cost, "earned_value", "eac") : .null,
            ])
            // The portfolio row shows the currency whose variance rates the project.
            if let pct, pct > (worstVariance ?? -.infinity) {
                worstVariance = pct
                worstRow = costRows.last
            }
        }
        let costFindings = cost.section("findings")?.rows.count ?? 0

        // Resources: people over-allocated in the period and the four weeks after, on this project.
        var overPeople = Set<String>()
        for row in overAllocations {
            guard case .list(let projects) = row[5], projects.contains(code), case .text(let person) = row[0] else { continue }
            overPeople.insert(person)
            resourceRows.append([.text(code), row[0], row[1], row[2], row[3], row[5]])
        }

        // Risks: open risks by probability × impact, now and at the last pack.
        let now = try risks(project)
        let before = try snapshot(source, before: since).map { try risks($0.project) } ?? [:]
        let high = now.values.filter { ($0.score ?? 0) >= limits.highRiskScore }.count
        let unscored = now.values.filter { $0.score == nil }.count
        var cellsNow = Array(repeating: Array(repeating: 0, count: 5), count: 5)
        var cellsBefore = cellsNow
        for risk in now.values { if let p = risk.probability, let i = risk.impact { cellsNow[5 - p][i - 1] += 1 } }
        for risk in before.values { if let p = risk.probability, let i = risk.impact { cellsBefore[5 - p][i - 1] += 1 } }
        for p in (1...5).reversed() {
            for i in 1...5 where cellsNow[5 - p][i - 1] > 0 || cellsBefore[5 - p][i - 1] > 0 {
                matrixRows.append([.text(code), .int(p), .int(i), .int(cellsNow[5 - p][i - 1]), .int(cellsBefore[5 - p][i - 1])])
            }
        }
        matrices.append(ReportHeatMap(
            key: "risks_\(code)", title: "Open risks: probability (P) by impact (I); in brackets where it differs, at the last pack (\(since.advanced(by: -1)))",
            rows: (1...5).reversed().map { "P\($0)" }, columns: (1...5).map { "I\($0)" },
            cells: cellsNow.map { $0.map(Double.init) }, flagged: (1...5).reversed().map { p in (1...5).map { p * $0 >= limits.highRiskScore } },
            before: cellsBefore.map { $0.map(Double.init) }, maximum: 4, unit: "open risks"))
        for id in Set(now.keys).union(before.keys).sorted() {
            let n = now[id], b = before[id]
            let change: String
            if let n, n.score == nil {
                change = "unscored"
            } else if let n, let b {
                let (s, t) = (n.score ?? 0, b.score ?? 0)
                change = b.score == nil ? "scored" : s > t ? "up" : s < t ? "down" : "same"
            } else {
                change = n == nil ? "closed" : "new"
            }
            guard let shown = n ?? b else { continue }
            riskRows.append([
                .text(code), .text(id), .text(shown.text), .text(shown.owner), n?.score.map { .int($0) } ?? .null, b?.score.map { .int($0) } ?? .null,
                .text(change),
            ])
        }

        // Actions: one log across all minutes; open issues past due.
        let actions = try ActionLog.build(project, code: code)
        var overdue = 0
        for action in actions {
            let days = action.daysOverdue(on: today)
            if days != nil { overdue += 1 }
            // The log shows what is open and what closed in the period.
            let closedInPeriod = !action.isOpen && (action.lastOn.map { lookAhead.contains($0) || $0 >= since } ?? false)
            guard action.isOpen || closedInPeriod else { continue }
            actionRows.append([
                .text(code), .text(action.id), .text(action.action), .text(action.owner), action.due.map { .text($0.description) } ?? .null,
                .text(action.isOpen ? action.status : "closed"), .text(action.raisedIn), .int(action.meetings),
                action.closedBy.map { .text($0) } ?? .null, days.map { .int($0) } ?? .null, .bool(action.reopened),
            ])
        }
        let overdueIssues = try issuesPastDue(project, today: today)
        overdue += overdueIssues

        // Waiting: pending decisions and change requests not decided.
        waitingRows += try waiting(project, code: code, today: today)

        // Reviews overdue (the status report's policy) and review dates passed.
        let periodEnd = Date(timeIntervalSince1970: Double(until.number + 1) * 86400)
        for (location, title, review) in try StatusReport.overdueReviews(project, end: periodEnd) {
            reviewRows.append([.text(code), .text("review overdue"), .text(location.id), .text(title), .text(review.submitted), .int(review.days)])
        }
        reviewRows += try reviewDatesPassed(project, code: code, today: today)

        // Stated (latest status report) against computed.
        // A dimension with no data (no schedule, no cost register, no
        // resource plan, no risk register, no minutes or issue log) is
        // not rated: "green" would claim what nothing shows.
        let stated = try latestStatusReport(project, until: until)
        let hasMilestones = !(schedule.section("milestones")?.rows.filter { text($0, schedule, "milestones", "project") == code }.isEmpty ?? true)
        let hasPlans = try has(project, "resource-plan"), hasRisks = try has(project, "risk-register")
        let hasActions = try has(project, "minutes") || has(project, "issue-log")
        let measures: [String: (Double?, Tolerances.Limits, String)] = [
            "schedule": (hasMilestones ? Double(worstSlip ?? 0) : nil, limits.milestoneSlipDays,
                         !hasMilestones ? "no schedule with milestones" : worstSlip.map { "worst slip \($0) days (\(late) late)" } ?? "every milestone done"),
            "cost": (worstVariance, limits.costVariancePct, worstVariance.map { "forecast \(signed($0))% of budget" } ?? "no cost register with a budget"),
            "resources": (hasPlans ? Double(overPeople.count) : nil, limits.overAllocatedPeople,
                          hasPlans ? "\(overPeople.count) people over-allocated" : "no resource plan"),
            "risks": (hasRisks ? Double(high) : nil, limits.highRisks,
                      hasRisks ? "\(high) open risks scoring \(limits.highRiskScore) or more" + (unscored > 0 ? "; \(unscored) open without a valid probability and impact (1-5)" : "") : "no risk register"),
            "issues": (hasActions ? Double(overdue) : nil, limits.overdueActions, hasActions ? "\(overdue) actions and issues past due" : "no minutes or issue log"),
        ]
        var computedOverall: Tolerances.Rating?
        var ratings: [String: Tolerances.Rating] = [:]
        var projectDisagrees = 0
        var compared = 0
        for dimension in dimensions {
            let (measure, limit, basis) = measures[dimension.key]!
            let computed = measure.map { limit.rate($0) }
            ratings[dimension.key] = computed
            if let computed { computedOverall = max(computedOverall ?? computed, computed) }
            let said = dimension.area.flatMap { stated?.health[$0] }
            let agrees = said.flatMap { s in computed.map { s == $0 } }
            if agrees == false { projectDisagrees += 1 }
            if agrees != nil { compared += 1 }
            healthRows.append([
                .text(code), .text(dimension.label), said.map { .text($0.rawValue) } ?? .null, computed.map { .text($0.rawValue) } ?? .null, .text(basis),
                .text("amber ≥ \(DecimalText.string(limit.amber, decimals: 1)), red ≥ \(DecimalText.string(limit.red, decimals: 1))"),
                agrees.map { .bool($0) } ?? .null,
            ])
        }
        let overallAgrees = stated?.overall.flatMap { s in computedOverall.map { s == $0 } }
        if overallAgrees == false { projectDisagrees += 1 }
        if overallAgrees != nil { compared += 1 }
        healthRows.insert([
            .text(code), .text("Overall"), stated?.overall.map { .text($0.rawValue) } ?? .null, computedOverall.map { .text($0.rawValue) } ?? .null,
            .text("the worst dimension rated"), .text(""), overallAgrees.map { .bool($0) } ?? .null,
        ], at: healthRows.count - dimensions.count)
        disagreements += projectDisagrees
        if let stated {
            narrativeRows.append([.text(code), .text(stated.id), .text(stated.period), .text(stated.thisPeriod), .text(stated.nextPeriod)])
        }
        let costRow = worstRow ?? costRows.last { $0.first == .text(code) }
        let statedOverall: ReportValue = stated?.overall.map { .text($0.rawValue) } ?? .null
        let computedValue: ReportValue = computedOverall.map { .text($0.rawValue) } ?? .null
        var row: [ReportValue] = [.text(code), .text(source.info.name), statedOverall, computedValue, compared == 0 ? .null : .bool(projectDisagrees == 0)]
        for dimension in dimensions { row.append(ratings[dimension.key].map { .text($0.rawValue) } ?? .null) }
        for i in [1, 2, 4, 6] { row.append(costRow.map { $0[i] } ?? .null) }
        let slip: ReportValue = worstSlip.map { .int($0) } ?? .null
        row += [slip, .int(overPeople.count), .int(high), .int(overdue)]
        portfolioRows.append(row)

        // The support office's measures.
        let diagnostics = try CheckDocuments.all(project, complete: false)
        let missing = missingSheets.filter { row in
            guard case .text(let person) = row[0] else { return false }
            return project.config.person(person) != nil
        }.count
        psoRows.append([
            .text(code), stated.map { .text($0.id) } ?? .null, stated.map { .text($0.periodEnd?.description ?? "") } ?? .null,
            stated?.issuedOn.map { .text($0.description) } ?? .null,
            stated.flatMap { s in s.periodEnd.flatMap { end in s.issuedOn.map { .int(end.distance(to: $0)) } } } ?? .null,
            .int(until.distance(to: Day(generated))),
            .int(diagnostics.filter { $0.severity == .error }.count), .int(diagnostics.filter { $0.severity == .warning }.count),
            .int(missing), .int(costFindings), .int(projectDisagrees),
        ])
        return Part(
            portfolioRows: portfolioRows, healthRows: healthRows, narrativeRows: narrativeRows, milestoneRows: milestoneRows, costRows: costRows, resourceRows: resourceRows, matrixRows: matrixRows, riskRows: riskRows, waitingRows: waitingRows, reviewRows: reviewRows, actionRows: actionRows, psoRows: psoRows, matrices: matrices, disagreements: disagreements)
    }

    // MARK: reading

    struct Risk {
        /// 1 to 5; nil when the register's cell is not (the risk stays open, unscored).
        let probability: Int?
        let impact: Int?
        var score: Int? { probability.flatMap { p in impact.map { p * $0 } } }
        let text: String
        let owner: String
    }

    /// Open risks (Status not Closed) of the risk registers in force, by
    /// `REGISTER-ID ROW-ID` (two registers may both have an R-001).
    static func risks(_ project: Project) throws -> [String: Risk] {
        guard let template = project.template("risk-register") else { return [:] }
        var out: [String: Risk] = [:]
        for location in try project.documents(of: template) where try project.inForce(location.id) {
            guard let document = try project.read(location).document else { continue }
            for row in TableRow.rows(document, under: "Risks") where row["Status"].lowercased() != "closed" && !row["ID"].isEmpty {
                func level(_ text: String) -> Int? { Int(text).flatMap { (1...5).contains($0) ? $0 : nil } }
                out["\(location.id) \(row["ID"])"] = Risk(probability: level(row["Probability"]), impact: level(row["Impact"]), text: row["Risk"], owner: row["Owner"])
            }
        }
        return out
    }

    /// The repository at its last commit (first-parent) before `day`, or nil.
    static func snapshot(_ source: ReportSource, before day: Day) throws -> ReportSource? {
        for id in try source.repository.walk(from: [source.commit], firstParentOnly: true) {
            if Day(try source.repository.commit(id).committer.time) < day {
                return try ReportSource(repository: source.repository, at: id.description)
            }
        }
        return nil
    }

    struct Stated {
        let id: String
        let period: String
        let periodEnd: Day?
        let overall: Tolerances.Rating?
        let health: [String: Tolerances.Rating]
        let thisPeriod: String
        let nextPeriod: String
        let issuedOn: Day?
    }

    /// The status report in force with the latest `period_end` up to `until`.
    static func latestStatusReport(_ project: Project, until: Day) throws -> Stated? {
        guard let template = project.template("status-report") else { return nil }
        var best: (Day, String, Document)?
        for location in try project.documents(of: template) where try project.inForce(location.id) {
            guard let document = try project.read(location).document, let end = Day(document.field("period_end") ?? ""), end <= until else { continue }
            if best.map({ ($0.0, $0.1) < (end, location.id) }) ?? true { best = (end, location.id, document) }
        }
        guard let (end, id, document) = best else { return nil }
        var health: [String: Tolerances.Rating] = [:]
        for row in TableRow.rows(document, under: "Health") {
            if let rating = Tolerances.Rating(text: row["Status"]) { health[row["Area"]] = rating }
        }
        let issued = try project.record(id).events.first { $0.event == .issued }.flatMap { Timestamp.date($0.at) }.map(Day.init)
        return Stated(
            id: id, period: "\(document.field("period_start") ?? "?") to \(end)", periodEnd: end,
            overall: Tolerances.Rating(text: document.field("overall_status") ?? ""), health: health,
            thisPeriod: sectionText(document, "Progress this period"), nextPeriod: sectionText(document, "Planned next period"),
            issuedOn: issued)
    }

    /// The prose of a level-2 section as one paragraph: its lines up to the
    /// next heading of level 1 or 2, Markdown list marks and the template's
    /// italic guidance lines left out, at most 1,200 characters.
    static func sectionText(_ document: Document, _ heading: String) -> String {
        let headings = document.outline.headings
        guard let index = headings.firstIndex(where: { $0.level == 2 && $0.text == heading }) else { return "" }
        let end = headings[(index + 1)...].first { $0.level <= 2 }?.line ?? Int.max
        let lines = document.text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        var parts: [String] = []
        for n in headings[index].line..<min(end - 1, lines.count) {
            var line = lines[n].trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix("|") || (line.hasPrefix("_") && line.hasSuffix("_")) { continue }
            for mark in ["- ", "* ", "+ "] where line.hasPrefix(mark) { line = String(line.dropFirst(2)) }
            parts.append(line)
        }
        let joined = parts.joined(separator: " ")
        return joined.count > 1200 ? String(joined.prefix(1199)) + "…" : joined
    }

    /// Whether the project has a document of a type in force.
    static func has(_ project: Project, _ type: String) throws -> Bool {
        guard let template = project.template(type) else { return false }
        return try project.documents(of: template).contains { try project.inForce($0.id) }
    }

    /// Open issues (not Resolved or Closed) with a Due date before `today`.
    static func issuesPastDue(_ project: Project, today: Day) throws -> Int {
        guard let template = project.template("issue-log") else { return 0 }
        var n = 0
        for location in try project.documents(of: template) where try project.inForce(location.id) {
            guard let document = try project.read(location).document else { continue }
            for row in TableRow.rows(document, under: "Issues") where !["resolved", "closed"].contains(row["Status"].lowercased()) {
                if let due = Day(row["Due"]), due < today { n += 1 }
            }
        }
        return n
    }

    static func waiting(_ project: Project, code: String, today: Day) throws -> [[ReportValue]] {
        var rows: [[ReportValue]] = []
        func overdue(_ day: Day?) -> ReportValue { day.flatMap { $0 < today ? ReportValue.int($0.distance(to: today)) : nil } ?? .null }
        if let template = project.template("decision-log") {
            for location in try project.documents(of: template).sorted(by: { $0.id < $1.id }) where try project.inForce(location.id) {
                guard let document = try project.read(location).document else { continue }
                for row in TableRow.rows(document, under: "Pending decisions") where !row["ID"].isEmpty {
                    let needed = Day(row["Needed By"])
                    rows.append([.text(code), .text("decision"), .text("\(location.id) \(row["ID"])"), .text(row["Question"]), .text(row["Owner"]),
                                 needed.map { .text($0.description) } ?? .null, overdue(needed)])
                }
            }
        }
        if let template = project.template("change-request") {
            for location in try project.documents(of: template).sorted(by: { $0.id < $1.id }) {
                let state = try project.status(location).state
                guard state == .draft || state == .inReview || state == .approved, let document = try project.read(location).document else { continue }
                let due = Day(document.field("decision_due") ?? "")
                rows.append([.text(code), .text("change request (\(state.rawValue))"), .text(location.id), .text(document.title),
                             .text(document.field("owner") ?? ""), due.map { .text($0.description) } ?? .null, overdue(due)])
            }
        }
        return rows
    }

    static func reviewDatesPassed(_ project: Project, code: String, today: Day) throws -> [[ReportValue]] {
        var rows: [[ReportValue]] = []
        for location in try project.allDocuments().sorted(by: { $0.id < $1.id }) where try project.inForce(location.id) {
            guard let document = try project.read(location).document, let date = Day(document.field("review_date") ?? ""), date < today else { continue }
            rows.append([.text(code), .text("review date passed"), .text(location.id), .text(document.title), .text(date.description), .int(date.distance(to: today))])
        }
        return rows
    }

    // MARK: cells of the per-domain reports, by column key

    static func value(_ row: [ReportValue], _ report: Report, _ section: String, _ key: String) -> ReportValue {
        guard let i = report.section(section)?.columns.firstIndex(where: { $0.key == key }), i < row.count else { return .null }
        return row[i]
    }

    static func text(_ row: [ReportValue], _ report: Report, _ section: String, _ key: String) -> String {
        if case .text(let s) = value(row, report, section, key) { return s }
        return ""
    }

    static func int(_ row: [ReportValue], _ report: Report, _ section: String, _ key: String) -> Int? {
        if case .int(let n) = value(row, report, section, key) { return n }
        return nil
    }

    static func number(_ row: [ReportValue], _ report: Report, _ section: String, _ key: String) -> Double? {
        switch value(row, report, section, key) {
        case .number(let d, _): return d
        case .int(let n): return Double(n)
        default: return nil
        }
    }

    static func signed(_ d: Double) -> String { (d > 0 ? "+" : "") + DecimalText.string(d, decimals: 1) }
}
