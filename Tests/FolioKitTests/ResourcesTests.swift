import Foundation
import Testing

/// Capacity, allocations, timesheets, imports and the resources report:
/// every figure against an independent computation (Fixtures/scripts/
/// resources.py) over a generated portfolio of two projects and a hub.
@Suite("Resources: capacity, allocation, timesheets, import, report", .wide)
struct ResourcesTests {
    /// Commits are dated so "today" (the day of the --at commit) is fixed.
    static let today = "2027-01-11"
    static let dated = ["GIT_AUTHOR_DATE": "2027-01-11T09:00:00Z", "GIT_COMMITTER_DATE": "2027-01-11T09:00:00Z"]

    /// folio.yml lines for a project: code, people (with `people` YAML), resources.
    static func config(_ code: String, people: String, resources: String = "") -> String {
        """
        project: { code: \(code), name: Project \(code) }
        numbering: "{project}-{code}-{seq:4}"
        revisions: numeric
        signatures: optional
        people:
        \(people)
        \(resources)

        """
    }

    /// A managed repository `name` in `sandbox` with this folio.yml.
    static func project(_ sandbox: Sandbox, _ name: String, code: String, config text: String) throws -> TestRepo {
        let path = sandbox.path(name)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let repo = TestRepo(sandbox: sandbox, path: path)
        try repo.git("init", "-q", "-b", "main")
        expectSuccess(try repo.folio(["init", "--project", code, "--name", "Project \(code)"], environment: dated))
        try repo.write("folio.yml", text)
        try repo.git("add", "folio.yml")
        try repo.git("commit", "--no-verify", "-q", "-m", "people")
        return repo
    }

    /// A resource plan with these assignment and request rows, checked in.
    @discardableResult
    static func plan(_ repo: TestRepo, _ title: String, assignments: [String], requests: [String] = [],
                     as person: Person = .alice) throws -> (id: String, result: ProcessResult) {
        let created = expectSuccess(try repo.folio(["new", "resource-plan", "--title", title], as: person, environment: dated))
        guard let id = created.stdoutLines.first?.split(separator: " ").first.map(String.init) else { throw SetupError("no ID:\n\(created)") }
        let path = "docs/resource-plan/\(id).md"
        try repo.edit(path, replacing: "| Person | Role | Allocation % | From | To |\n| --- | --- | --- | --- | --- |\n",
                      with: "| Person | Role | Allocation % | From | To |\n| --- | --- | --- | --- | --- |\n" + assignments.map { $0 + "\n" }.joined())
        if !requests.isEmpty {
            try repo.edit(path, replacing: "| --- | --- | --- | --- | --- | --- | --- |\n",
                          with: "| --- | --- | --- | --- | --- | --- | --- |\n" + requests.map { $0 + "\n" }.joined())
        }
        return (id, try repo.folio(["checkin", id, "-m", "assignments"], as: person, environment: dated))
    }

    static let hubPeople = """
          - { email: alice@example.com, name: Alice Adams, roles: [pm, admin] }
          - { email: bob@example.com, name: Bob Brown, roles: [manager] }
          - email: carol@example.com
            name: Carol Chen
            roles: [pmo]
            part_time: 0.8
            absences:
              - { from: 2026-12-24, to: 2027-01-01, reason: holiday }
          - { email: dave@example.com, name: Dave Diaz, roles: [author], hours_per_week: 36, working_days: [mon, tue, wed] }
        """
    static let projectPeople = """
          - { email: alice@example.com, name: Alice Adams, roles: [pm, admin] }
          - { email: bob@example.com, name: Bob Brown, roles: [manager] }
          - { email: carol@example.com, name: Carol Chen, roles: [pmo] }
          - { email: dave@example.com, name: Dave Diaz, roles: [author] }
        """

    /// Two projects competing for Carol (80% + 60% = 140%) and Dave (across
    /// the year boundary), and a hub of people and timesheets: some issued
    /// (locked), some drafts, one in review, one week missing.
    static func portfolio() throws -> (hub: TestRepo, alpha: TestRepo, beta: TestRepo) {
        let sandbox = try Sandbox()
        let hub = try project(sandbox, "hub", code: "HUB", config: config("HUB", people: hubPeople, resources: "resources: { projects: [ALPHA, BETA] }"))
        let alpha = try project(sandbox, "alpha", code: "ALPHA", config: config("ALPHA", people: projectPeople))
        let beta = try project(sandbox, "beta", code: "BETA", config: config("BETA", people: projectPeople))
        expectSuccess(try plan(alpha, "Design team", assignments: [
            "| carol@example.com | Analyst | 80 | 2026-12-01 | 2027-01-31 |",
            "| dave@example.com | Author | 50 | 2026-12-02 | 2027-01-06 |",
        ], requests: ["| RR-001 | Tester | testing | 50 | 2027-01-04 | 2027-02-26 | Requested |"]).result)
        expectSuccess(try plan(beta, "Build team", assignments: [
            "| carol@example.com | Tester | 60 | 2026-12-07 | 2026-12-18 |",
            "| dave@example.com | Author | 60 | 2026-12-28 | 2027-01-15 |",
        ], requests: [
            "| RR-001 | Builder | welding | 100 | 2026-12-01 | 2026-12-31 | Filled |",
            "| RR-002 | Surveyor | surveying | 40 | 2026-11-02 | 2026-11-27 | Approved |",
        ]).result)
        try hub.write("hours.csv", """
            person,date,project,work_package,hours,activity,note
            carol@example.com,2026-11-30,ALPHA,WP-1,6.5,design,kick-off
            carol@example.com,2026-12-01,ALPHA,WP-1,6.4,design,
            carol@example.com,2026-12-02,BETA,,2,meeting,"weekly, with BETA"
            carol@example.com,2026-12-07,ALPHA,WP-2,4,design,
            carol@example.com,2026-12-07,BETA,WP-9,3.25,testing,
            carol@example.com,2026-12-28,ALPHA,WP-2,1,support,during the holiday
            dave@example.com,2026-12-02,ALPHA,WP-1,6,writing,
            dave@example.com,2026-12-29,BETA,WP-3,7.2,writing,
            dave@example.com,2027-01-05,BETA,WP-3,7.2,writing,

            """)
        expectSuccess(try hub.folio(["import", "timesheets", "hours.csv"], environment: dated))
        // Carol's 2026-W49 is locked; Dave's 2026-W49 is in review.
        let sheets = try hub.folio(["ls", "--type", "timesheet", "--format", "json"]).jsonArray ?? []
        func id(_ title: String) -> String { sheets.first { ($0["title"] as? String) == title }?["id"] as? String ?? "?" }
        let carol49 = id("Carol Chen, 2026-W49"), dave49 = id("Dave Diaz, 2026-W49")
        expectSuccess(try hub.folio(["submit", carol49], environment: dated))
        expectSuccess(try hub.folio(["approve", carol49, "--role", "manager"], as: .bob, environment: dated))
        expectSuccess(try hub.folio(["issue", carol49], environment: dated))
        expectSuccess(try hub.folio(["submit", dave49], environment: dated))
        // A project repository may hold timesheets too.
        try alpha.write("alpha.csv", "person,date,project,hours,activity\ndave@example.com,2026-12-14,ALPHA,3,review\n")
        expectSuccess(try alpha.folio(["import", "timesheets", "alpha.csv"], environment: dated))
        return (hub, alpha, beta)
    }

    @Test("the resources report equals the independent computation, by week and by month, over a hub and two projects")
    func reportMatchesOracle() throws {
        let (hub, alpha, beta) = try Self.portfolio()
        let oracle = Tools.fixtures.appendingPathComponent("scripts/resources.py").path
        for (by, from, to) in [("week", "2026-11-23", "2027-01-17"), ("month", "2026-11-01", "2027-02-28")] {
            let folio = expectSuccess(try hub.folio([
                "report", "resources", "--repo", hub.path, "--repo", alpha.path, "--repo", beta.path, "--at", "HEAD",
                "--from", from, "--to", to, "--by", by, "--format", "json",
            ]))
            let python = try hub.sandbox.run(Tools.python, [oracle, "--from", from, "--to", to, "--by", by, "--today", Self.today,
                                                            hub.path, alpha.path, beta.path], in: hub.path)
            #expect(python.ok, "resources.py failed:\n\(python)")
            guard let actual = folio.jsonObject, let expected = python.jsonObject else {
                Issue.record("not JSON:\n\(folio)\n\(python)")
                continue
            }
            for section in ["people", "load", "over_allocations", "resource_requests", "timesheets"] {
                let want = expected[section] as? [[String: Any]] ?? []
                let got = (actual[section] as? [[String: Any]] ?? []).map { row in
                    // The oracle's keys only: Folio adds names and lists for people.
                    row.filter { key, _ in want.first?[key] != nil || want.isEmpty }
                }
                #expect(got.count == want.count, "\(by) \(section): \(got.count) rows, expected \(want.count)")
                for (g, w) in zip(got, want) where !Self.same(g, w) {
                    Issue.record("\(by) \(section): first differing row:\n  folio  \(g)\n  python \(w)")
                    break
                }
            }
        }
        // The example of the issue, in words: Carol at 80% and 60% in the same weeks.
        let text = expectSuccess(try hub.folio([
            "report", "resources", "--repo", hub.path, "--repo", alpha.path, "--repo", beta.path, "--at", "HEAD",
            "--from", "2026-12-07", "--to", "2026-12-13", "--section", "over_allocations",
        ])).stdout
        #expect(text.contains("carol@example.com") && text.contains("140.0") && text.contains("ALPHA, BETA"), "\(text)")
        #expect(text.contains("ALPHA ALPHA-RES-0001 line") && text.contains("BETA BETA-RES-0001 line"), "\(text)")
    }

    /// Equal JSON values, numbers compared to the rounding shown.
    static func same(_ a: [String: Any], _ b: [String: Any]) -> Bool {
        guard Set(a.keys) == Set(b.keys) else { return false }
        for (key, x) in a {
            let y = b[key]!
            if let p = x as? NSNumber, let q = y as? NSNumber {
                if abs(p.doubleValue - q.doubleValue) > 0.0051 { return false }
            } else if "\(x)" != "\(y)" {
                return false
            }
        }
        return true
    }

    @Test("csv, md, html and text of the report agree; the HTML heat map writes every cell's percentage")
    func formats() throws {
        let (hub, alpha, beta) = try Self.portfolio()
        let args = ["report", "resources", "--repo", hub.path, "--repo", alpha.path, "--repo", beta.path, "--at", "HEAD",
                    "--from", "2026-11-30", "--to", "2027-01-10"]
        let csv = expectSuccess(try hub.folio(args + ["--format", "csv"])).stdout
        #expect(csv.hasPrefix("person,period,project,planned_h,actual_h,draft_h\r\n"), "\(csv.prefix(200))")
        #expect(csv.contains("carol@example.com,2026-W50,BETA,19.20,"), "\(csv)")
        let html = expectSuccess(try hub.folio(args + ["--format", "html"])).stdout
        #expect(html.contains("<svg") && html.contains("Planned load"))
        // Carol in 2026-W50: 80% + 60% of her week, over the threshold: framed and bold.
        #expect(html.contains(">140</text>") && html.contains("font-weight=\"bold\">140<"), "the heat map shows Carol's 140%")
        let people = expectSuccess(try hub.folio(args + ["--format", "csv", "--section", "people"])).stdout
        #expect(people.contains("carol@example.com,Carol Chen,2026-W50,32.00,140.0,44.80,140.0,0.00,7.25,-37.55,yes,\"ALPHA, BETA\"\r\n"),
                "negative numbers stay numbers in CSV:\n\(people)")
        let md = expectSuccess(try hub.folio(args + ["--format", "md"])).stdout
        #expect(md.contains("| carol@example.com | Carol Chen | 2026-W50 | 32.00 | 140.0 | 44.80 | 140.0 | 0.00 | 7.25 | -37.55 | yes | ALPHA, BETA |"), "\(md)")
    }

    @Test("allocation: warn names the person, days, load and every competing row; refuse stops check-in and the pre-commit hook")
    func allocationRule() throws {
        let sandbox = try Sandbox()
        let repo = try Self.project(sandbox, "repo", code: "ALPHA", config: Self.config("ALPHA", people: Self.hubPeople))
        let first = try Self.plan(repo, "Design", assignments: ["| carol@example.com | Analyst | 80 | 2026-12-01 | 2027-01-31 |"])
        expectSuccess(first.result)
        let second = try Self.plan(repo, "Build", assignments: ["| carol@example.com | Tester | 60 | 2026-12-07 | 2026-12-18 |"])
        expectSuccess(second.result)
        #expect(second.result.stderr.contains("carol@example.com is allocated 140% on 2026-12-07..2026-12-18 (threshold 100%)"), "\(second.result)")
        let check = expectSuccess(try repo.folio("check", "--all"))
        let lines = check.output.split(separator: "\n").filter { $0.contains("[allocation.over]") }
        #expect(lines.count == 2, "one warning on each competing row:\n\(check)")
        for line in lines {
            #expect(line.contains("warning:") && line.contains("\(first.id) line 25 (80%, 2026-12-01..2027-01-31)")
                    && line.contains("\(second.id) line 25 (60%, 2026-12-07..2026-12-18)"), "\(line)")
        }
        // Under 'refuse' the same change is an error, and a third plan is refused.
        try repo.write("folio.yml", Self.config("ALPHA", people: Self.hubPeople, resources: "resources: { allocation: refuse, threshold: 100 }"))
        try repo.git("commit", "--no-verify", "-qam", "refuse over-allocation")
        expectFailure(try repo.folio("check", "--all"), exit: [1], mentioning: ["140%"], rule: "allocation.over")
        let before = try repo.head()
        let third = try Self.plan(repo, "Support", assignments: ["| dave@example.com | Author | 101 | 2026-12-07 | 2026-12-18 |"])
        expectFailure(third.result, exit: [1], rule: "table.range")
        let fourth = try Self.plan(repo, "Support 2", assignments: [
            "| dave@example.com | Author | 70 | 2026-12-07 | 2026-12-18 |", "| dave@example.com | Lead | 40 | 2026-12-14 | 2026-12-31 |",
        ])
        expectFailure(fourth.result, exit: [1], mentioning: ["dave@example.com is allocated 110% on 2026-12-14..2026-12-16"], rule: "allocation.over")
        let commitsBefore = Int(try repo.git("rev-list", "--count", before).trimmed) ?? -1
        #expect(try repo.commitCount() == commitsBefore + 2, "only the two 'new' commits")
        // A plain git commit of an over-allocating plan is refused by the pre-commit hook.
        try repo.edit("docs/resource-plan/\(first.id).md", replacing: "| 80 |", with: "| 90 |")
        try repo.git("add", "docs/resource-plan/\(first.id).md")
        let hook = try repo.folio(["hook", "pre-commit"])
        expectFailure(hook, exit: [1], mentioning: ["150%"], rule: "allocation.over")
    }

    @Test("folio.yml capacity and resource settings: bad values are one-line errors (exit 2) naming the person")
    func badCapacity() throws {
        let cases: [(String, String)] = [
            ("part_time: 1.5", "part_time must be above 0 and at most 1"),
            ("hours_per_week: -4", "hours_per_week must be above 0"),
            ("working_days: [mon, funday]", "working day 'funday'"),
            ("working_days: [mon, mon]", "listed twice"),
            ("absences: [{ from: 2026-02-30, to: 2026-03-02 }]", "'2026-02-30' is not a date"),
            ("absences: [{ from: 2026-12-10, to: 2026-12-01 }]", "ends before it starts"),
            ("absences: [{ from: 2026-12-01, to: 2026-12-10 }, { from: 2026-12-10, to: 2026-12-12 }]", "overlap"),
        ]
        let repo = try TestRepo.managed()
        for (yaml, message) in cases {
            try repo.write("folio.yml", Self.config("ALPHA", people: """
                  - { email: alice@example.com, name: Alice Adams, roles: [pm, admin] }
                  - { email: carol@example.com, name: Carol Chen, roles: [pmo], \(yaml) }
                """))
            let r = try repo.folio("check", "--all")
            expectFailure(r, exit: [2], mentioning: [message])
            #expect(r.stderrLines.count == 1 && r.stderr.contains("carol@example.com"), "\(yaml):\n\(r)")
        }
        for (yaml, message) in [("resources: { allocation: maybe }", "warn or refuse"), ("resources: { threshold: 0 }", "threshold must be 1 to 1000"),
                                ("resources: { max_week_hours: 200 }", "max_week_hours"), ("resources: { projects: [beta] }", "not a project code")] {
            try repo.write("folio.yml", Self.config("ALPHA", people: "  - { email: alice@example.com, name: Alice Adams, roles: [pm, admin] }", resources: yaml))
            let r = try repo.folio("check", "--all")
            expectFailure(r, exit: [2], mentioning: [message])
            #expect(r.stderrLines.count == 1, "\(yaml):\n\(r)")
        }
    }

    @Test("timesheet rules: dates in the week, 24 hours a day, capacity and the week limit, known projects, real ISO weeks")
    func timesheetRules() throws {
        let sandbox = try Sandbox()
        let repo = try Self.project(sandbox, "repo", code: "HUB", config: Self.config("HUB", people: Self.hubPeople, resources: "resources: { projects: [ALPHA], max_week_hours: 50 }"))
        let created = expectSuccess(try repo.folio(["new", "timesheet", "--title", "Carol, 2026-W53", "--set", "person=carol@example.com", "--set", "week=2026-W53"], environment: Self.dated))
        let id = String(created.stdoutLines[0].split(separator: " ")[0])
        let path = "docs/timesheet/\(id).md"
        let header = "| --- | --- | --- | --- | --- | --- |\n"
        func rows(_ lines: [String]) throws -> ProcessResult {
            let text = try repo.read(path)
            let start = text.range(of: header)!.upperBound
            let end = text.range(of: "\n## Notes")!.lowerBound
            try repo.write(path, String(text[..<start]) + lines.map { $0 + "\n" }.joined() + String(text[end...]))
            return try repo.folio("check", path)
        }
        // 2026-W53 runs from 2026-12-28 to 2027-01-03; Carol is away until 2027-01-01 (capacity 0 h).
        expectSuccess(try rows(["| 2027-01-03 | ALPHA | WP-1 | 2 | design | |"]))
        expectFailure(try rows(["| 2027-01-04 | ALPHA | WP-1 | 2 | design | |"]), exit: [1], mentioning: ["2027-01-04 is not in week 2026-W53 (2026-12-28..2027-01-03)"], rule: "timesheet.date")
        expectFailure(try rows(["| 2026-12-28 | ALPHA | | 20 | design | |", "| 2026-12-28 | HUB | | 5 | admin | |"]), exit: [1], mentioning: ["25 hours on 2026-12-28"], rule: "timesheet.day")
        expectFailure(try rows(["| 2026-12-28 | GAMMA | | 2 | design | |"]), exit: [1], mentioning: ["project 'GAMMA'"], rule: "timesheet.project")
        expectFailure(try rows(["| 2026-12-28 | ALPHA | | -2 | design | |"]), exit: [1], rule: "table.range")
        expectFailure(try rows(["| 2026-12-28 | ALPHA | | lots | design | |"]), exit: [1], rule: "table.type")
        let warn = try rows(["| 2027-01-02 | ALPHA | | 8 | design | |"])
        #expect(warn.status == 0 && warn.output.contains("timesheet.capacity") && warn.output.contains("capacity of 0 hours"), "\(warn)")
        let days = ["28", "29", "30"].map { "| 2026-12-\($0) | ALPHA | | 17 | design | |" }
        expectFailure(try rows(days), exit: [1], mentioning: ["51 hours in week 2026-W53 are more than resources.max_week_hours (50)"], rule: "timesheet.limit")
        // Weeks that do not exist.
        for week in ["2027-W53", "2026-W00", "2026-53", "2026-W5x"] {
            try repo.edit(path, replacing: try repo.read(path).contains("week: 2026-W53") ? "week: 2026-W53" : "week: \(week)", with: "week: \(week)")
            let r = try repo.folio("check", path)
            expectFailure(r, exit: [1])
            #expect(r.output.contains("timesheet.week") || r.output.contains("field.pattern"), "\(week):\n\(r)")
            try repo.edit(path, replacing: "week: \(week)", with: "week: 2026-W53")
        }
    }

    @Test("import: CSV and Timewarrior, idempotent, all or nothing with file:line errors, locked weeks corrected only with a reason")
    func importTimesheets() throws {
        let sandbox = try Sandbox()
        let repo = try Self.project(sandbox, "repo", code: "HUB", config: Self.config("HUB", people: Self.hubPeople, resources: "resources: { projects: [ALPHA] }"))
        try repo.write("week.csv", "date,hours,project,person,note\n2026-12-07,7.5,ALPHA,carol@example.com,\"pipe | and *stars*\"\n2026-12-08,6,HUB,CAROL@example.com,\n")
        let first = expectSuccess(try repo.folio(["import", "timesheets", "week.csv"], environment: Self.dated))
        #expect(first.stdout.contains("1 timesheet created"), "\(first)")
        let head = try repo.head()
        let again = expectSuccess(try repo.folio(["import", "timesheets", "week.csv"], environment: Self.dated))
        let headAfter = try repo.head()
        #expect(again.stdout.contains("nothing to import") && headAfter == head, "a re-import changes nothing:\n\(again)")
        #expect(try repo.git("status", "--porcelain", "--untracked-files=no").trimmed.isEmpty)
        let id = try repo.trailerValues("Folio-Document", head).first ?? "?"
        let show = try repo.read("docs/timesheet/\(id).md")
        #expect(show.contains("pipe \\| and \\*stars\\*"), "cells are escaped:\n\(show)")
        expectSuccess(try repo.folio(["check", "--all"]))

        // One bad line among good ones: nothing is written, each bad line is named.
        try repo.write("bad.csv", """
            person,date,project,hours
            carol@example.com,2026-12-09,ALPHA,3
            carol@example.com,2026-02-30,ALPHA,3
            zed@example.com,2026-12-09,ALPHA,3
            carol@example.com,2026-12-10,ALPHA,-1
            carol@example.com,2026-12-10,ALPHA,1e400
            carol@example.com,2026-12-11,GAMMA,2
            carol@example.com,2026-12-11,ALPHA,20
            carol@example.com,2026-12-11,HUB,5

            """)
        let bad = try repo.folio(["import", "timesheets", "bad.csv"], environment: Self.dated)
        expectFailure(bad, exit: [1])
        #expect(bad.stderrLines == [
            "bad.csv:3: error: '2026-02-30' is not a date (YYYY-MM-DD)",
            "bad.csv:4: error: 'zed@example.com' is not listed in the people of folio.yml",
            "bad.csv:5: error: hours '-1' must be a number from 0 to 24",
            "bad.csv:6: error: hours '1e400' must be a number from 0 to 24",
            "bad.csv:7: error: project 'GAMMA' is not this project (HUB) nor one of resources.projects in folio.yml",
            "bad.csv:9: error: more than 24 hours on 2026-12-11 for carol@example.com",
        ], "\(bad)")
        #expect(try repo.head() == head, "nothing written")
        #expect(try repo.git("status", "--porcelain", "--untracked-files=no").trimmed.isEmpty)
        for (name, text, message) in [
            ("nohead.csv", "", "no header row"), ("cols.csv", "person,when,hours\n", "no date column"),
            ("binary.csv", "person,date,hours\n\u{0}\u{1}\u{2}", "bin"),
        ] {
            try repo.write(name, text)
            let r = try repo.folio(["import", "timesheets", name])
            expectFailure(r, exit: [1, 2])
            #expect(!r.stderr.isEmpty && r.stderrLines.allSatisfy { $0.hasPrefix("\(name):") || $0.hasPrefix("folio: error:") }, "\(name) (\(message)):\n\(r)")
        }

        // Lock the week: submit, approve as manager, issue. A change is refused, then made with a reason.
        expectSuccess(try repo.folio(["submit", id], environment: Self.dated))
        expectSuccess(try repo.folio(["approve", id, "--role", "manager"], as: .bob, environment: Self.dated))
        expectSuccess(try repo.folio(["issue", id], environment: Self.dated))
        let locked = try repo.head()
        try repo.write("fix.csv", "person,date,project,hours\ncarol@example.com,2026-12-08,HUB,4\n")
        let refused = try repo.folio(["import", "timesheets", "fix.csv"], environment: Self.dated)
        expectFailure(refused, exit: [1], mentioning: ["week 2026-W50 of carol@example.com is locked", "--correct"])
        #expect(try repo.head() == locked)
        let corrected = expectSuccess(try repo.folio(["import", "timesheets", "fix.csv", "--correct", "hours booked twice"], environment: Self.dated))
        #expect(corrected.stdout.contains("1 updated"), "\(corrected)")
        let status = try repo.folio(["status", id, "--format", "json"]).jsonObject ?? [:]
        #expect(status["state"] as? String == "draft" && status["revision"] as? String == "1.1", "a new revision: \(status)")
        #expect(try repo.read(".folio/records/\(id).jsonl").split(separator: "\n").last?.contains("correction: hours booked twice") == true)
        #expect(try repo.read("docs/timesheet/\(id).md").contains("| 2026-12-08 | HUB |  | 4 |"))
        expectSuccess(try repo.folio("verify"))
        try expectFsckClean(repo)

        // Timewarrior: intervals summed per date, project, work package and activity; tags mapped.
        try repo.write("map.yml", "default_project: HUB\ntags:\n  alpha: { project: ALPHA }\n  design: { work_package: WP-1, activity: design }\n")
        try repo.write("timew.json", """
            [
            {"id":3,"start":"20261214T080000Z","end":"20261214T103000Z","tags":["alpha","design"],"annotation":"sketches"},
            {"id":2,"start":"20261214T110000Z","end":"20261214T124500Z","tags":["alpha","design"]},
            {"id":1,"start":"20261215T090000Z","end":"20261215T100000Z","tags":["email"]}
            ]

            """)
        let timew = expectSuccess(try repo.folio(["import", "timesheets", "timew.json", "--map", "map.yml", "--person", "dave@example.com"], environment: Self.dated))
        #expect(timew.stdout.contains("1 timesheet created"), "\(timew)")
        let daveID = try repo.trailerValues("Folio-Document").first ?? "?"
        let dave = try repo.read("docs/timesheet/\(daveID).md")
        #expect(dave.contains("| 2026-12-14 | ALPHA | WP-1 | 4.25 | design | sketches |") && dave.contains("| 2026-12-15 | HUB |  | 1 |  |  |"), "\(dave)")
        expectSuccess(try repo.folio(["import", "timesheets", "timew.json", "--map", "map.yml", "--person", "dave@example.com"], environment: Self.dated))
        try repo.write("running.json", "[\n{\"id\":1,\"start\":\"20261216T090000Z\",\"tags\":[\"alpha\"]}\n]\n")
        expectFailure(try repo.folio(["import", "timesheets", "running.json", "--person", "dave@example.com"]), exit: [1], mentioning: ["running.json:2: error: the interval is still running"])
    }

    @Test("folio people: add, set, absence and remove rewrite only the people block, by an admin, checked as folio.yml is")
    func people() throws {
        let repo = try TestRepo.managed()
        let text = try repo.read("folio.yml") + "# a comment after the people\nresources: { allocation: warn }\n"
        try repo.write("folio.yml", text)
        try repo.git("commit", "--no-verify", "-qam", "resources")
        expectSuccess(try repo.folio("people", "add", "erin@example.com", "--name", "Erin O'Brien", "--roles", "author,manager",
                                     "--part-time", "0.5", "--working-days", "mon,tue,wed", "--skills", "surveying, CAD"))
        #expect(try repo.message().hasPrefix("folio.yml: add Erin O'Brien <erin@example.com> (author, manager)"))
        expectSuccess(try repo.folio("people", "absence", "erin@example.com", "--from", "2026-12-21", "--to", "2026-12-23", "--reason", "leave: training"))
        expectSuccess(try repo.folio("people", "set", "dave@example.com", "--hours-per-week", "36", "--roles", "author,pm"))
        let yml = try repo.read("folio.yml")
        #expect(yml.hasPrefix(String(text.prefix(while: { $0 != "\n" }))) && yml.contains("# a comment after the people\nresources: { allocation: warn }\n"), "\(yml)")
        #expect(yml.contains("    name: \"Erin O'Brien\"") && yml.contains("      - { from: 2026-12-21, to: 2026-12-23, reason: \"leave: training\" }"), "\(yml)")
        let list = try repo.folio("people", "--format", "json").jsonArray ?? []
        let erin = list.first { $0["email"] as? String == "erin@example.com" } ?? [:]
        #expect(erin["part_time"] as? Double == 0.5 && erin["working_days"] as? [String] == ["mon", "tue", "wed"] && erin["skills"] as? [String] == ["surveying", "CAD"], "\(erin)")
        let dave = list.first { $0["email"] as? String == "dave@example.com" } ?? [:]
        #expect(dave["hours_per_week"] as? Double == 36 && dave["roles"] as? [String] == ["author", "pm"], "\(dave)")
        // Refusals: not an admin (naming who is), an overlapping absence, a second add, the only admin... and nothing written.
        let head = try repo.head()
        expectFailure(try repo.folio(["people", "remove", "erin@example.com"], as: .bob), exit: [1], mentioning: ["needs the admin role: Alice Adams <alice@example.com>, Carol Chen <carol@example.com>"])
        expectFailure(try repo.folio("people", "absence", "erin@example.com", "--from", "2026-12-22", "--to", "2026-12-30"), exit: [2], mentioning: ["overlap"])
        expectFailure(try repo.folio("people", "add", "ERIN@example.com", "--name", "E"), exit: [1], mentioning: ["already listed"])
        expectFailure(try repo.folio("people", "set", "zed@example.com", "--name", "Z"), exit: [1], mentioning: ["not listed"])
        expectFailure(try repo.folio("people", "add", "x@example.com", "--name", "X", "--part-time", "2"), exit: [2], mentioning: ["part_time"])
        #expect(try repo.head() == head)
        // A local edit of folio.yml is never overwritten.
        try repo.write("folio.yml", yml + "# mine\n")
        expectFailure(try repo.folio("people", "remove", "erin@example.com"), exit: [1], mentioning: ["uncommitted changes"])
        try repo.write("folio.yml", yml)
        expectSuccess(try repo.folio("people", "remove", "erin@example.com"))
        #expect(!(try repo.read("folio.yml")).contains("erin@example.com"))
        expectSuccess(try repo.folio("verify"))
        #expect(try repo.git("status", "--porcelain", "--untracked-files=no").trimmed.isEmpty)
    }

    @Test("import never overwrites an uncommitted edit of a timesheet")
    func importKeepsLocalEdits() throws {
        let sandbox = try Sandbox()
        let repo = try Self.project(sandbox, "repo", code: "HUB", config: Self.config("HUB", people: Self.hubPeople))
        try repo.write("a.csv", "person,date,project,hours\ncarol@example.com,2026-12-07,HUB,3\n")
        expectSuccess(try repo.folio(["import", "timesheets", "a.csv"], environment: Self.dated))
        let id = try repo.trailerValues("Folio-Document").first ?? "?"
        let path = "docs/timesheet/\(id).md"
        try repo.edit(path, replacing: "## Notes\n", with: "## Notes\n\nMy unsaved note.\n")
        try repo.write("b.csv", "person,date,project,hours\ncarol@example.com,2026-12-08,HUB,4\n")
        expectFailure(try repo.folio(["import", "timesheets", "b.csv"], environment: Self.dated), exit: [1], mentioning: ["uncommitted changes", path])
        #expect(try repo.read(path).contains("My unsaved note."))
    }

    @Test("hostile input: absurd numbers, reversed dates, truncated exports, odd CSV, the last days of 9999, one project twice")
    func hostileInput() throws {
        let sandbox = try Sandbox()
        let repo = try Self.project(sandbox, "repo", code: "HUB", config: Self.config("HUB", people: Self.hubPeople, resources: "resources: { allocation: refuse }"))
        // A percentage too large for an Int, a row ending before it starts, a 0% row: errors, no crash.
        let plan = try Self.plan(repo, "Odd", assignments: [
            "| carol@example.com | A | 1e20 | 2026-12-01 | 2026-12-31 |", "| carol@example.com | B | 0x10 | 2026-12-01 | 2026-12-31 |",
            "| carol@example.com | C | 10 | 2026-12-18 | 2026-12-07 |", "| carol@example.com | D | 0 | 2026-12-01 | 2026-12-31 |",
            "| carol@example.com | E | 100 | 2026-12-01 | 2026-12-31 |",
        ])
        expectFailure(plan.result, exit: [1], rule: "table.dates")
        #expect(plan.result.stderr.contains("From 2026-12-18 is after To 2026-12-07") && !plan.result.stderr.contains("allocation.over"),
                "0% and unparsable rows never compete:\n\(plan.result)")
        expectFailure(try repo.folio("check", "--all"), exit: [1], rule: "table.type")
        // Timewarrior: a truncated export or a bare object is not an export.
        for (name, text) in [("cut.json", "[\n{\"start\":\"20261214T080000Z\",\"end\":\"20261214T090000Z\",\"tags\":[]},\n"),
                             ("object.json", "{\"start\":\"20261214T080000Z\",\"end\":\"20261214T090000Z\"}\n"), ("text.json", "hello\n")] {
            try repo.write(name, text)
            expectFailure(try repo.folio(["import", "timesheets", name, "--person", "carol@example.com"]), exit: [1], mentioning: ["\(name):1: error: not a Timewarrior export"])
        }
        // CSV: a column named twice, a row with more fields than the header, a quote never closed.
        try repo.write("twice.csv", "person,date,hours,hours\ncarol@example.com,2026-12-07,1,9\n")
        expectFailure(try repo.folio(["import", "timesheets", "twice.csv"]), exit: [1], mentioning: ["twice.csv:1: error: the header names 'hours' more than once"])
        try repo.write("wide.csv", "person,date,hours\ncarol@example.com,2026-12-07,1,9\ncarol@example.com,2026-12-08,\"2\n")
        let wide = try repo.folio(["import", "timesheets", "wide.csv"])
        #expect(wide.stderrLines == ["wide.csv:2: error: 4 fields, but the header has 3", "wide.csv:3: error: a field holds a line break, which a timesheet cell cannot (or a quote is not closed)"], "\(wide)")
        // A folder where a new timesheet would go: refused before anything is committed.
        let head = try repo.head()
        try FileManager.default.createDirectory(atPath: repo.file("docs/timesheet/HUB-TS-0001.md"), withIntermediateDirectories: true)
        try repo.write("ok.csv", "person,date,hours\ncarol@example.com,2026-12-07,1\n")
        expectFailure(try repo.folio(["import", "timesheets", "ok.csv"]), exit: [1], mentioning: ["is a folder in the work tree"])
        #expect(try repo.head() == head)
        try FileManager.default.removeItem(atPath: repo.file("docs/timesheet/HUB-TS-0001.md"))
        // The report at the end of the calendar, and one project given twice.
        for by in ["week", "month"] {
            expectSuccess(try repo.folio("report", "resources", "--from", "9999-12-01", "--to", "9999-12-31", "--by", by))
        }
        expectFailure(try repo.folio("report", "resources", "--repo", repo.path, "--repo", repo.path), exit: [2], mentioning: ["project HUB is given twice"])
        // CSV output never hands a spreadsheet a formula; negative numbers stay numbers.
        expectSuccess(try repo.folio("people", "set", "carol@example.com", "--name", "=HYPERLINK(\"http://x\")"))
        let names = try repo.folio("report", "resources", "--from", "2026-12-01", "--to", "2026-12-31", "--section", "people", "--format", "csv").stdout
        #expect(names.contains(",\"'=HYPERLINK(\"\"http://x\"\")\",") && !names.contains(",=HYPERLINK"), "\(names.prefix(600))")
        // --raw-csv, for a program that reads the file: the cell as it is; only with csv.
        let raw = try repo.folio("report", "resources", "--from", "2026-12-01", "--to", "2026-12-31", "--section", "people", "--format", "csv", "--raw-csv").stdout
        #expect(raw.contains(",\"=HYPERLINK(\"\"http://x\"\")\",") && !raw.contains("'=HYPERLINK"), "\(raw.prefix(600))")
        expectFailure(try repo.folio("report", "resources", "--raw-csv"), exit: [2], mentioning: ["--raw-csv is for --format csv"])
        expectFailure(try repo.folio("ls", "--raw-csv"), exit: [2], mentioning: ["--raw-csv is for --format csv"])
    }

    @Test("work packages: where the project has a schedule, timesheets book only to its work packages; nobody approves their own timesheet")
    func workPackagesAndOwnApproval() throws {
        let sandbox = try Sandbox()
        let repo = try Self.project(sandbox, "repo", code: "ALPHA", config: Self.config("ALPHA", people: Self.hubPeople))
        try repo.write("a.csv", "person,date,project,work_package,hours\ncarol@example.com,2026-12-07,ALPHA,WP-7,3\n")
        expectSuccess(try repo.folio(["import", "timesheets", "a.csv"], environment: Self.dated))  // no schedule yet: free text
        let sheet = try repo.trailerValues("Folio-Document").first ?? "?"
        let created = expectSuccess(try repo.folio(["new", "schedule", "--title", "Schedule"], environment: Self.dated))
        let schedule = String(created.stdoutLines[0].split(separator: " ")[0])
        let header = "| --- | --- | --- | --- | --- | --- | --- |\n"
        try repo.edit("docs/schedule/\(schedule).md", replacing: header, with: header + "| WP-1 | Design | carol@example.com | 2026-12-01 | 2027-01-31 | 1000.00 EUR | 10 |\n")
        expectSuccess(try repo.folio(["checkin", schedule], environment: Self.dated))
        try repo.write("b.csv", "person,date,project,work_package,hours\ncarol@example.com,2026-12-08,ALPHA,WP-9,3\ncarol@example.com,2026-12-09,ALPHA,WP-1,2\n")
        let bad = try repo.folio(["import", "timesheets", "b.csv"], environment: Self.dated)
        // The week's timesheet already holds a row booked before the schedule: named too.
        #expect(bad.status == 1 && bad.stderrLines == [
            "b.csv:2: error: work package 'WP-9' is not in the schedule of ALPHA",
            "docs/timesheet/\(sheet).md:16:1: error: work package 'WP-7' is not in the schedule of ALPHA (WP-1) [timesheet.work-package]",
        ], "\(bad)")
        // The timesheet imported before the schedule is now refused by check, at its row.
        expectFailure(try repo.folio("check", "docs/timesheet/\(sheet).md"), exit: [1], mentioning: ["work package 'WP-7' is not in the schedule of ALPHA (WP-1)"], rule: "timesheet.work-package")
        try repo.edit("docs/timesheet/\(sheet).md", replacing: "| WP-7 |", with: "| WP-1 |")
        expectSuccess(try repo.folio(["checkin", sheet, "-m", "book to WP-1"], environment: Self.dated))
        expectSuccess(try repo.folio(["submit", sheet], environment: Self.dated))
        // Carol is a manager too: she still may not approve her own week; Bob may.
        try repo.write("folio.yml", Self.config("ALPHA", people: Self.hubPeople.replacingOccurrences(of: "roles: [pmo]", with: "roles: [pmo, manager]")))
        try repo.git("commit", "--no-verify", "-qam", "Carol manages too")
        expectFailure(try repo.folio(["approve", sheet, "--role", "manager"], as: .carol, environment: Self.dated), exit: [1], mentioning: ["may not approve their own timesheet"])
        expectSuccess(try repo.folio(["approve", sheet, "--role", "manager"], as: .bob, environment: Self.dated))
        expectSuccess(try repo.folio("verify"))
        // An approval of one's own timesheet written by hand is a finding of verify.
        let line = try repo.read(".folio/records/\(sheet).jsonl").split(separator: "\n").last.map(String.init) ?? ""
        let forged = line.replacingOccurrences(of: "bob@example.com", with: "carol@example.com").replacingOccurrences(of: "Bob Brown", with: "Carol Chen")
        try repo.write(".folio/records/\(sheet).jsonl", try repo.read(".folio/records/\(sheet).jsonl") + forged + "\n")
        try repo.git("commit", "--no-verify", "-qam", "approve my own week", as: .carol)
        let verify = try repo.folio("verify", "--format", "json")
        #expect(verify.status == 1 && verify.stdout.contains("approval.own-timesheet"), "\(verify)")
    }

    @Test("schedule report: the baseline is the last issued revision, slip and status from the dates, the trend week by week from history")
    func scheduleReport() throws {
        let sandbox = try Sandbox()
        let repo = try Self.project(sandbox, "repo", code: "ALPHA", config: Self.config("ALPHA", people: Self.hubPeople.replacingOccurrences(of: "roles: [manager]", with: "roles: [manager, pm]")))
        func at(_ day: String) -> [String: String] { ["GIT_AUTHOR_DATE": "\(day)T10:00:00Z", "GIT_COMMITTER_DATE": "\(day)T10:00:00Z"] }
        let created = expectSuccess(try repo.folio(["new", "schedule", "--title", "Schedule"], environment: at("2026-03-02")))
        let id = String(created.stdoutLines[0].split(separator: " ")[0])
        let path = "docs/schedule/\(id).md"
        let header = "| ID | Milestone | Baseline | Forecast | Actual | Status |\n| --- | --- | --- | --- | --- | --- |\n"
        func milestones(_ rows: [String], on day: String, _ message: String) throws {
            let text = try repo.read(path)
            let start = text.range(of: header)!.upperBound
            let end = text.range(of: "\n## Work packages")!.lowerBound
            try repo.write(path, String(text[..<start]) + rows.map { $0 + "\n" }.joined() + String(text[end...]))
            expectSuccess(try repo.folio(["checkin", id, "-m", message], environment: at(day)))
        }
        try milestones(["| MS-01 | Start | 2026-03-02 | 2026-03-02 | 2026-03-02 | Done |", "| MS-02 | Design | 2026-03-20 | 2026-03-20 |  | On track |",
                        "| MS-03 | Build | 2026-05-01 |  |  | Planned |"], on: "2026-03-02", "baseline")
        expectSuccess(try repo.folio(["submit", id], environment: at("2026-03-03")))
        expectSuccess(try repo.folio(["approve", id, "--role", "pm"], as: .bob, environment: at("2026-03-03")))
        expectSuccess(try repo.folio(["issue", id], environment: at("2026-03-04")))
        // The draft moves the Baseline column too: the issued baseline still counts.
        try milestones(["| MS-01 | Start | 2026-03-02 | 2026-03-02 | 2026-03-02 | Done |", "| MS-02 | Design | 2026-03-27 | 2026-03-27 |  | At risk |",
                        "| MS-03 | Build | 2026-05-01 |  |  | Planned |"], on: "2026-03-11", "design a week later")
        try milestones(["| MS-01 | Start | 2026-03-02 | 2026-03-02 | 2026-03-02 | Done |", "| MS-02 | Design | 2026-03-27 | 2026-04-03 |  | At risk |",
                        "| MS-03 | Build | 2026-05-01 | 2026-04-28 |  | On track |", "| MS-04 | Handover | 2026-06-30 |  |  | Planned |"], on: "2026-03-25", "design two weeks later")
        let report = expectSuccess(try repo.folio("report", "schedule", "--at", "HEAD", "--format", "json")).jsonObject ?? [:]
        let rows = (report["milestones"] as? [[String: Any]] ?? []).map { row in
            ["milestone", "baseline", "baselined", "forecast", "slip_days", "status"].map { "\(row[$0] ?? "nil")" }.joined(separator: " ")
        }
        #expect(rows == [
            "MS-01 2026-03-02 1 2026-03-02 0 done",
            "MS-02 2026-03-20 1 2026-04-03 14 at risk",
            "MS-03 2026-05-01 1 2026-04-28 -3 on track",
            "MS-04 <null> 0 <null> <null> no date",
        ], "\(rows)")
        let trend = (report["trend"] as? [[String: Any]] ?? []).filter { $0["milestone"] as? String == "MS-02" }
            .map { "\($0["week"] ?? "") \($0["forecast"] ?? "")" }
        #expect(trend == ["2026-W10 2026-03-20", "2026-W11 2026-03-27", "2026-W12 2026-03-27", "2026-W13 2026-04-03"], "\(trend)")
        let summary = report["summary"] as? [String: Any] ?? [:]
        #expect(summary["max_slip_days"] as? Int == 14 && summary["at_risk"] as? Int == 1 && summary["done"] as? Int == 1, "\(summary)")
        // A branch's edit (2026-W14) counts from the week it is merged (2026-W16), as in the S-curve.
        try repo.git("checkout", "-q", "-b", "side")
        try milestones(["| MS-01 | Start | 2026-03-02 | 2026-03-02 | 2026-03-02 | Done |", "| MS-02 | Design | 2026-03-27 | 2026-04-03 |  | At risk |",
                        "| MS-03 | Build | 2026-05-01 | 2026-05-15 |  | At risk |", "| MS-04 | Handover | 2026-06-30 |  |  | Planned |"], on: "2026-04-01", "build later")
        try repo.git("checkout", "-q", "main")
        let merged = try repo.gitAllowingFailure(["merge", "--no-ff", "--no-verify", "-q", "-m", "Merge side", "side"],
                                                 environment: ["GIT_AUTHOR_DATE": "2026-04-15T10:00:00Z", "GIT_COMMITTER_DATE": "2026-04-15T10:00:00Z"])
        #expect(merged.ok, "\(merged)")
        let after = expectSuccess(try repo.folio("report", "schedule", "--at", "HEAD", "--section", "trend", "--format", "json")).jsonObject ?? [:]
        let build = (after["trend"] as? [[String: Any]] ?? []).filter { $0["milestone"] as? String == "MS-03" }.map { "\($0["week"] ?? "") \($0["forecast"] ?? "")" }
        #expect(build.suffix(3) == ["2026-W14 2026-04-28", "2026-W15 2026-04-28", "2026-W16 2026-05-15"], "\(build)")

        // The pack finds each baseline by bisecting the record's history
        // rather than walking it: the same rows as the schedule report's walk,
        // before and after a second issue (whose Baseline column then counts).
        func samePack(_ expected: [String]) throws {
            let keys = ["milestone", "baseline", "forecast", "actual", "slip_days", "status"]
            func rows(_ json: [String: Any]) -> [String] {
                (json["milestones"] as? [[String: Any]] ?? []).map { row in keys.map { "\(row[$0] ?? "nil")" }.joined(separator: " ") }
            }
            let schedule = rows(expectSuccess(try repo.folio("report", "schedule", "--at", "HEAD", "--format", "json")).jsonObject ?? [:])
            let pack = rows(expectSuccess(try repo.folio("report", "pack", "--at", "HEAD", "--no-cache", "--format", "json")).jsonObject ?? [:])
            #expect(pack == schedule, "pack \(pack), schedule \(schedule)")
            #expect(schedule.map { $0.split(separator: " ").prefix(2).joined(separator: " ") } == expected, "\(schedule)")
        }
        try samePack(["MS-01 2026-03-02", "MS-02 2026-03-20", "MS-03 2026-05-01", "MS-04 <null>"])
        expectSuccess(try repo.folio(["submit", id], environment: at("2026-04-16")))
        expectSuccess(try repo.folio(["approve", id, "--role", "pm"], as: .bob, environment: at("2026-04-16")))
        expectSuccess(try repo.folio(["issue", id], environment: at("2026-04-17")))
        try milestones(["| MS-01 | Start | 2026-03-02 | 2026-03-02 | 2026-03-02 | Done |", "| MS-02 | Design | 2026-04-10 | 2026-04-10 |  | Done |",
                        "| MS-03 | Build | 2026-06-01 | 2026-05-20 |  | On track |", "| MS-04 | Handover | 2026-06-30 |  |  | Planned |"], on: "2026-04-20", "rebaselined draft")
        try samePack(["MS-01 2026-03-02", "MS-02 2026-03-27", "MS-03 2026-05-01", "MS-04 2026-06-30"])
        // The record deleted and restored with plain git (the server refuses
        // it, verify reports it): the bisection must not take the restoring
        // commit for the issue, whatever the gap's length.
        let record = ".folio/records/\(id).jsonl"
        let saved = try repo.read(record)
        for gap in [0, 1, 3, 6] {
            try repo.git("rm", "-q", record)
            try repo.git("commit", "-q", "--no-verify", "-m", "record deleted")
            for g in 0..<gap { try repo.git("commit", "-q", "--allow-empty", "--no-verify", "-m", "gap \(g)") }
            try repo.write(record, saved)
            try repo.git("add", record)
            try repo.git("commit", "-q", "--no-verify", "-m", "record restored")
            try samePack(["MS-01 2026-03-02", "MS-02 2026-03-27", "MS-03 2026-05-01", "MS-04 2026-06-30"])
        }
    }

    @Test("people: the last admin stays, a flow-style list is rewritten, nobody named in documents is removed without --force, the README's own example")
    func peopleGuards() throws {
        let repo = try TestRepo.managed()
        try repo.write("folio.yml", """
            project: { code: ALPHA, name: Project Alpha }
            people: [
              {email: alice@example.com, name: Alice Adams, roles: [pm, admin]},
              {email: bob@example.com, name: Bob Brown, roles: [sponsor]}
            ]
            # kept

            """)
        try repo.git("commit", "--no-verify", "-qam", "flow people")
        expectSuccess(try repo.folio("people", "add", "carol@example.com", "--name", "Carol Chen", "--roles", "pmo,manager", "--part-time", "0.8"))
        let yml = try repo.read("folio.yml")
        #expect(yml.hasSuffix("# kept\n") && !yml.contains("]\n]") && yml.contains("carol@example.com"), "\(yml)")
        expectFailure(try repo.folio("people", "set", "alice@example.com", "--roles", "pm"), exit: [1], mentioning: ["the only admin"])
        expectFailure(try repo.folio(["people", "add", "x@example.com", "--name", "X"], as: .mallory), exit: [1], mentioning: ["is not listed", "Alice Adams <alice@example.com>"])
        for bad in ["@example.com", "x@", "a|b@example.com", "x@example"] {
            expectFailure(try repo.folio("people", "add", bad, "--name", "X"), exit: [2], mentioning: ["is not an email address"])
        }
        expectFailure(try repo.folio("people", "add", "x@example.com", "--name", "two\nlines"), exit: [2], mentioning: ["--name must be one line"])
        // Carol's timesheet names her: removing her needs --force.
        try repo.write("c.csv", "person,date,hours\ncarol@example.com,2026-12-07,2\n")
        expectSuccess(try repo.folio("import", "timesheets", "c.csv"))
        let sheet = try repo.trailerValues("Folio-Document").first ?? "?"
        expectFailure(try repo.folio("people", "remove", "carol@example.com"), exit: [1], mentioning: ["still named in \(sheet)", "--force"])
        expectSuccess(try repo.folio("people", "remove", "carol@example.com", "--force"))
        // A schedule's work packages make the work package required.
        let created = expectSuccess(try repo.folio("new", "schedule", "--title", "Schedule"))
        let schedule = String(created.stdoutLines[0].split(separator: " ")[0])
        let header = "| --- | --- | --- | --- | --- | --- | --- |\n"
        try repo.edit("docs/schedule/\(schedule).md", replacing: header, with: header + "| WP-1 | Design | alice@example.com | 2026-12-01 | 2027-01-31 | 1000.00 EUR | 10 |\n")
        expectSuccess(try repo.folio("checkin", schedule))
        try repo.write("a.csv", "person,date,project,hours\nalice@example.com,2026-12-08,ALPHA,3\n")
        let missing = try repo.folio("import", "timesheets", "a.csv")
        #expect(missing.status == 1 && missing.stderrLines == ["a.csv:2: error: a work package is needed: ALPHA has a schedule (WP-1)"], "\(missing)")
    }
}
