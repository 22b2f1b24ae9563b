import Foundation
import Testing

/// Registers as data (docs/formats.md, "Tables"): a column that refers to
/// another table's key, money bound to the document's currency, and sums
/// asserted against a field, on the built-in cost register.
@Suite("Register rules: references, currency, sum assertions", .wide)
struct RegisterRulesTests {
    /// The cost register example, in a repository holding the documents it refers to.
    static let path = "docs/cost-register/ALPHA-CST-0001.md"

    @Test("an actual on a line that does not exist, USD in an EUR register, lines that do not add up: each named at its cell")
    func costRegisterRules() throws {
        let repo = try TemplateExamplesTests.repoWithExamples()
        let path = Self.path
        expectSuccess(try repo.folio("check", path))
        let original = try repo.read(path)
        // An actual booked to a budget line that does not exist.
        try repo.write(path, original.replacingOccurrences(of: "| AC-003 | 2026-04-30 | B-02 |", with: "| AC-003 | 2026-04-30 | B-09 |"))
        let ref = expectFailure(try repo.folio("check", path), exit: [1], mentioning: ["'Line' B-09 is not a Budget lines entry (B-01, B-02, B-03, B-04, B-05)"], rule: "table.ref")
        #expect(ref.stdout.contains("\(path):"), "\(ref)")
        // USD in an EUR register: in a cell and in a field.
        try repo.write(path, original.replacingOccurrences(of: "| B-04 | WMS subscription, first year | Licences | 120000.00 EUR |", with: "| B-04 | WMS subscription, first year | Licences | 120000.00 USD |"))
        expectFailure(try repo.folio("check", path), exit: [1], mentioning: ["120000.00 USD is not in EUR, the currency of this document ('currency')"], rule: "table.currency")
        try repo.write(path, original.replacingOccurrences(of: "contingency: 185000.00 EUR", with: "contingency: 185000.00 USD"))
        expectFailure(try repo.folio("check", path), exit: [1], rule: "field.currency")
        // Budget lines that do not add up to budget_total: a warning on a draft, an error when complete.
        try repo.write(path, original.replacingOccurrences(of: "budget_total: 1850000.00 EUR", with: "budget_total: 1900000.00 EUR"))
        let draft = expectSuccess(try repo.folio("check", path))
        #expect(draft.output.contains("warning: table 'Budget lines': 'Budget' adds up to 1850000.00 EUR, but 'budget_total' is 1900000.00 EUR [table.sum]"), "\(draft)")
        expectFailure(try repo.folio("check", "--complete", path), exit: [1], rule: "table.sum")
    }

    @Test("the template rules themselves are checked: a ref to no keyed table, a currency that is no field, an assertion on text")
    func invalidRules() throws {
        let repo = try TestRepo.managed()
        let base = try repo.read("templates/cost-register.md")
        for (old, new, message) in [
            ("ref: Budget lines }", "ref: Nothing }", "refers to 'Nothing', which is not a table with a key"),
            ("assert: [{ sum: Budget, equals: budget_total }]", "assert: [{ sum: Description, equals: budget_total }]", "assert sum 'Description' is not a money or number column"),
            ("assert: [{ sum: Budget, equals: budget_total }]", "assert: [{ sum: Budget, equals: as_of }]", "assert equals 'as_of' is not a field of the column's type"),
            ("- { name: Committed, type: money, min: 0, currency: currency }", "- { name: Committed, type: money, min: 0, currency: nowhere }", "takes its currency from 'nowhere', which is not a field"),
        ] {
            #expect(base.contains(old), "the built-in template no longer holds: \(old)")
            try repo.write("templates/cost-register.md", base.replacingOccurrences(of: old, with: new))
            let r = try repo.folio("check", "templates/cost-register.md")
            expectFailure(r, exit: [1], mentioning: [message], rule: "template")
        }
    }
}

extension RegisterRulesTests {
    @Test("cost report: invoices and priced labour per line, forecast never below committed, over budget, an invoice booked twice, hours with no rate")
    func costReport() throws {
        let repo = try TemplateExamplesTests.repoWithExamples()
        expectSuccess(try repo.folio("people", "set", "bob@example.com", "--roles", "sponsor,manager"))
        // AC-006 books the invoice AC-003 booked already.
        try repo.edit(Self.path, replacing: "| Van Dijk Bouw BV | VDB-2026-1022 |", with: "| Van Dijk Bouw BV | VDB-2026-0417 |")
        expectSuccess(try repo.folio("checkin", "ALPHA-CST-0001", "-m", "AC-006"))
        // Issued hours: Dave 16 h at his own 78.50 EUR, Alice 4 h at the pm rate of 95.00 EUR, Carol 2 h with no rate.
        try repo.write("h.csv", """
            person,date,project,work_package,hours
            dave@example.com,2026-03-02,ALPHA,WP-1.2,10
            dave@example.com,2026-03-03,ALPHA,WP-1.2,6
            alice@example.com,2026-02-23,ALPHA,WP-1.4,4
            carol@example.com,2026-02-24,ALPHA,WP-1.4,2
            dave@example.com,2027-01-04,ALPHA,WP-1.2,8

            """)
        let imported = expectSuccess(try repo.folio("import", "timesheets", "h.csv", as: .carol))
        for line in imported.stdoutLines where line.hasPrefix("  created ") || line.hasPrefix("  updated ") {
            let id = String(line.split(separator: " ")[1])
            expectSuccess(try repo.folio("submit", id, as: .carol))
            expectSuccess(try repo.folio(["approve", id, "--role", "manager"], as: .bob))
            expectSuccess(try repo.folio("issue", id, as: .carol))
        }
        let report = expectSuccess(try repo.folio("report", "cost", "--as-of", "2026-12-31", "--format", "json")).jsonObject ?? [:]
        let lines = report["lines"] as? [[String: Any]] ?? []
        let b01 = lines.first { $0["line"] as? String == "B-01" } ?? [:]
        // 34800 invoiced; labour: Dave's week 2026-W10 (the example's 15.25 h on the days the file
        // leaves alone, and its 16 h) at 78.50 EUR, Alice's 4 h at 95.00 EUR: 2833.125, half up to 2833.13.
        // The 2027 hours are after --as-of.
        #expect(b01["invoices"] as? Double == 34800 && b01["labour"] as? Double == 2833.13 && b01["actual"] as? Double == 37633.13, "\(b01)")
        #expect(b01["forecast"] as? Double == 428000 && b01["variance"] as? Double == -8000 && b01["over_budget"] as? Bool == true, "\(b01)")
        let b02 = lines.first { $0["line"] as? String == "B-02" } ?? [:]
        #expect(b02["invoices"] as? Double == 368300 && b02["forecast"] as? Double == 772500 && b02["over_budget"] as? Bool == false, "\(b02)")
        let totals = report["totals"] as? [[String: Any]] ?? []
        #expect(totals.count == 1 && totals.first?["budget"] as? Double == 1850000 && totals.first?["currency"] as? String == "EUR", "\(totals)")
        let findings = (report["findings"] as? [[String: Any]] ?? []).map { "\($0["kind"] ?? "") \($0["detail"] ?? "")" }
        #expect(findings.contains { $0.hasPrefix("invoice twice AC-006 books invoice VDB-2026-0417") }, "\(findings)")
        #expect(findings.contains("no rate 2 issued hours of carol@example.com have no rate in force on a rate card"), "\(findings)")
        #expect(findings.count == 2, "\(findings)")
        // Earned value (PMBOK) on the example schedule, every work package finished by the as-of day.
        let ev = report["earned_value"] as? [[String: Any]] ?? []
        let wp12 = ev.first { $0["work_package"] as? String == "WP-1.2" } ?? [:]
        // BAC 42000, 70% complete; AC: Dave's 16 h on WP-1.2 at 78.50 = 1256.
        #expect(wp12["bac"] as? Double == 42000 && wp12["pv"] as? Double == 42000 && wp12["ev"] as? Double == 29400 && wp12["ac"] as? Double == 1256, "\(wp12)")
        #expect(wp12["cv"] as? Double == 28144 && wp12["sv"] as? Double == -12600 && wp12["cpi"] as? Double == 23.41 && wp12["spi"] as? Double == 0.7, "\(wp12)")
        let whole = ev.first { $0["work_package"] as? String == "(project)" } ?? [:]
        // BAC 42000 + 8000 + 12500; EV 29400 + 2000 + 1250; AC: every invoice (673850) and the labour (2833.125).
        #expect(whole["bac"] as? Double == 62500 && whole["ev"] as? Double == 32650 && whole["ac"] as? Double == 676683.13, "\(whole)")
        // The S-curve ends with the same project figures, read from the last commit.
        let curve = report["s_curve"] as? [[String: Any]] ?? []
        #expect(curve.last?["week"] as? String == "2026-W53" && curve.last?["ev"] as? Double == 32650 && curve.last?["ac"] as? Double == 676683.13, "\(curve.suffix(2))")
        let head = try repo.head()
        #expect(curve.last.flatMap { $0["commit"] as? String }.map { head.hasPrefix($0) } == true, "\(curve.suffix(1))")
        let midway = expectSuccess(try repo.folio("report", "cost", "--as-of", "2026-03-01", "--section", "earned_value", "--format", "json")).jsonObject ?? [:]
        let early12 = (midway["earned_value"] as? [[String: Any]] ?? []).first { $0["work_package"] as? String == "WP-1.2" } ?? [:]
        // 2026-02-02..2026-03-20 is 47 days; by 2026-03-01, 28 of them: PV = 42000 × 28 / 47.
        #expect(early12["pv"] as? Double == 25021.28, "\(early12)")
        // Before the labour was worked, there is none.
        let early = expectSuccess(try repo.folio("report", "cost", "--as-of", "2026-02-01", "--format", "json")).jsonObject ?? [:]
        let earlyB01 = (early["lines"] as? [[String: Any]] ?? []).first { $0["line"] as? String == "B-01" } ?? [:]
        #expect(earlyB01["labour"] as? Double == 0 && earlyB01["invoices"] as? Double == 0, "\(earlyB01)")
    }
}

extension RegisterRulesTests {
    @Test("money stays exact at scale, mixed schedule currencies are findings, reversed dates are errors, one project counts once")
    func costEdges() throws {
        let repo = try TestRepo.managed()
        let created = expectSuccess(try repo.folio("new", "cost-register", "--title", "Big", "--set", "budget_total=90071992547409.91 EUR"))
        let costs = String(created.stdoutLines[0].split(separator: " ")[0])
        let head = "| Line | Description | Category | Budget | Committed | Forecast | Owner |\n| --- | --- | --- | --- | --- | --- | --- |\n"
        try repo.edit("docs/cost-register/\(costs).md", replacing: head, with: head
            + "| B-01 | Almost all | Other | 90071992547409.90 EUR |  |  |  |\n| B-02 | A cent | Other | 0.01 EUR |  |  |  |\n")
        let check = expectSuccess(try repo.folio("checkin", costs))
        #expect(!check.output.contains("table.sum"), "the lines add up exactly:\n\(check)")
        // Reports compute in binary doubles: exact to the cent up to about 10^13.
        try repo.write("docs/cost-register/\(costs).md", try repo.read("docs/cost-register/\(costs).md")
            .replacingOccurrences(of: "90071992547409.91 EUR", with: "6000000000.01 EUR").replacingOccurrences(of: "90071992547409.90 EUR", with: "6000000000.00 EUR"))
        expectSuccess(try repo.folio("checkin", costs))
        let report = expectSuccess(try repo.folio("report", "cost", "--as-of", "2026-12-31", "--section", "lines", "--format", "csv")).stdout
        #expect(report.contains(",6000000000.00,") && report.contains(",0.01,"), "\(report)")
        // A schedule with a work package in another currency, and one ending before it starts.
        let made = expectSuccess(try repo.folio("new", "schedule", "--title", "S"))
        let schedule = String(made.stdoutLines[0].split(separator: " ")[0])
        let wp = "| --- | --- | --- | --- | --- | --- | --- |\n"
        try repo.edit("docs/schedule/\(schedule).md", replacing: wp, with: wp
            + "| WP-1 | A | alice@example.com | 2026-01-01 | 2026-01-31 | 1000.00 EUR | 50 |\n| WP-2 | B | alice@example.com | 2026-01-01 | 2026-01-31 | 500.00 EUR | 10 |\n| WP-3 | C | alice@example.com | 2026-01-01 | 2026-01-31 | 10.00 USD | 0 |\n")
        expectSuccess(try repo.folio("checkin", schedule))
        let ev = expectSuccess(try repo.folio("report", "cost", "--as-of", "2026-12-31", "--format", "json")).jsonObject ?? [:]
        let project = (ev["earned_value"] as? [[String: Any]] ?? []).first { $0["work_package"] as? String == "(project)" } ?? [:]
        #expect(project["bac"] as? Double == 1500 && project["currency"] as? String == "EUR", "\(project)")
        let findings = (ev["findings"] as? [[String: Any]] ?? []).compactMap { $0["detail"] as? String }
        #expect(findings.contains("work package WP-3 is budgeted in USD, the schedule in EUR: left out of earned value"), "\(findings)")
        try repo.edit("docs/schedule/\(schedule).md", replacing: "| WP-2 | B | alice@example.com | 2026-01-01 | 2026-01-31 |", with: "| WP-2 | B | alice@example.com | 2026-03-01 | 2026-01-31 |")
        expectFailure(try repo.folio("checkin", schedule), exit: [1], mentioning: ["Start 2026-03-01 is after Finish 2026-01-31"], rule: "table.dates")
        // The same project twice would count everything twice.
        expectFailure(try repo.folio("report", "cost", "--repo", repo.path, "--repo", repo.path + "/"), exit: [2], mentioning: ["is given twice"])
    }
}

extension RegisterRulesTests {
    @Test("rate cards: a rate for nobody and overlapping rates are warnings at their rows; a rate ending before it starts is an error")
    func rateCardRules() throws {
        let repo = try TestRepo.managed()
        let created = expectSuccess(try repo.folio("new", "rate-card", "--title", "Rates"))
        let id = String(created.stdoutLines[0].split(separator: " ")[0])
        let path = "docs/rate-card/\(id).md"
        let head = "| --- | --- | --- | --- |\n"
        try repo.edit(path, replacing: head, with: head + "| pm | 95.00 EUR | 2026-01-01 | 2026-12-31 |\n| zed@example.com | 80.00 EUR | 2026-01-01 |  |\n"
            + "| pm | 99.00 EUR | 2026-06-01 |  |\n| wizard | 10.00 EUR | 2026-01-01 |  |\n| pm | 50.00 EUR | 2028-01-01 | 2027-01-01 |\n")
        let r = try repo.folio("check", path)
        expectFailure(r, exit: [1], mentioning: ["From 2028-01-01 is after To 2027-01-01"], rule: "table.dates")
        let warnings = diagnostics(in: r.stdout).filter { $0.severity == "warning" }.map { "\($0.line) \($0.rule)" }
        #expect(warnings == ["18 rate.who", "19 rate.overlap", "20 rate.who"], "\(r)")
    }
}

extension RegisterRulesTests {
    @Test("templates add: a built-in template a project lacks, by an admin, never replacing the project's own")
    func addTemplates() throws {
        let repo = try TestRepo.managed()
        try repo.git("rm", "-q", "templates/rate-card.md", "templates/schedule.md")
        try repo.git("commit", "-q", "--no-verify", "-m", "an older project")
        expectFailure(try repo.folio(["templates", "add", "rate-card"], as: .bob), exit: [1], mentioning: ["an admin's change", "Alice Adams <alice@example.com>"])
        expectFailure(try repo.folio("templates", "add", "nope"), exit: [2], mentioning: ["not a built-in type"])
        let added = expectSuccess(try repo.folio("templates", "add", "rate-card", "schedule"))
        #expect(added.stdout.hasPrefix("added templates/rate-card.md, templates/schedule.md"), "\(added)")
        #expect(try repo.read("templates/rate-card.md") == (try String(contentsOf: Tools.packageRoot.appendingPathComponent("templates/rate-card.md"), encoding: .utf8)))
        #expect(try repo.git("status", "--porcelain", "--untracked-files=no").trimmed.isEmpty)
        expectFailure(try repo.folio("templates", "add", "rate-card"), exit: [1], mentioning: ["exists already"])
        expectSuccess(try repo.folio("new", "rate-card", "--title", "Rates"))
        expectSuccess(try repo.folio("verify"))
    }
}
