import Foundation
import Testing

/// `folio report pack` over a portfolio with known answers
/// (Fixtures/scripts/make-pack-fixture.sh says what each project holds),
/// its figures against the per-domain reports built over the same commits,
/// and the printed page in a real browser (headless Chromium, pdftotext).
@Suite(.tags(.process))
struct PackTests {
    static let period = ["--since", "2026-03-09", "--until", "2026-03-15", "--as-of", "2026-03-16"]

    static func fixture() throws -> (sandbox: Sandbox, alpha: String, beta: String) {
        let sandbox = try Sandbox(prefix: "folio-pack")
        let root = sandbox.path("pack")
        let script = Tools.fixtures.appendingPathComponent("scripts/make-pack-fixture.sh").path
        let made = try sandbox.run("/bin/bash", [script, try Tools.requireFolio(), root], in: sandbox.root.path)
        guard made.ok else {
            Issue.record("make-pack-fixture.sh failed:\n\(made)")
            throw SetupError("fixture")
        }
        return (sandbox, "\(root)/alpha", "\(root)/beta")
    }

    static func rows(_ json: [String: Any]?, _ section: String) -> [[String: Any]] { json?[section] as? [[String: Any]] ?? [] }

    /// Sorted-keys JSON text of parsed JSON, for comparing two packs' sections.
    static func canonical(_ value: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]), as: UTF8.self)
    }

    @Test("the pack: stated green and computed red is flagged, each dimension against its tolerance, one action log across three meetings")
    func packOfTwoProjects() throws {
        let (sandbox, alpha, beta) = try Self.fixture()
        let folio = try Tools.requireFolio()
        let pack = try sandbox.run(folio, ["report", "pack", "--repo", alpha, "--repo", beta, "--format", "json"] + Self.period, in: alpha)
        #expect(pack.ok, "\(pack)")
        let json = pack.jsonObject
        let portfolio = Self.rows(json, "portfolio")
        #expect(portfolio.count == 2)
        let a = portfolio.first { $0["project"] as? String == "ALPHA" } ?? [:]
        #expect(a["stated"] as? String == "green" && a["computed"] as? String == "red" && a["agrees"] as? Bool == false, "\(a)")
        #expect(a["schedule"] as? String == "red" && a["risks"] as? String == "red" && a["issues"] as? String == "amber", "\(a)")
        #expect(a["cost"] is NSNull && a["resources"] is NSNull, "no cost register, no resource plan: not rated, \(a)")
        #expect(a["worst_slip_days"] as? Int == 30 && a["high_risks"] as? Int == 3 && a["overdue_actions"] as? Int == 2, "\(a)")
        let b = portfolio.first { $0["project"] as? String == "BETA" } ?? [:]
        #expect(b["stated"] as? String == "amber" && b["computed"] is NSNull && b["agrees"] is NSNull, "BETA has no data to judge: \(b)")
        // Health rows: the stated Health table against the computed rating.
        let health = Self.rows(json, "health").filter { $0["project"] as? String == "ALPHA" }
        func rating(_ dimension: String) -> (String?, String?, Bool?) {
            let row = health.first { $0["dimension"] as? String == dimension } ?? [:]
            return (row["stated"] as? String, row["computed"] as? String, row["agrees"] as? Bool)
        }
        #expect(rating("Overall") == ("green", "red", false))
        #expect(rating("Schedule") == ("green", "red", false))
        #expect(rating("Risks") == ("green", "red", false))
        #expect(rating("Issues and actions") == (nil, "amber", nil))
        #expect(json.flatMap { ($0["summary"] as? [String: Any])?["disagreements"] as? Int } == 3)
        // The action log: one row per action, across the three meetings.
        let actions = Self.rows(json, "actions")
        #expect(actions.map { $0["id"] as? String ?? "" } == ["A-001", "A-002", "A-003", "A-004", "A-005"], "\(actions)")
        func action(_ id: String) -> [String: Any] { actions.first { $0["id"] as? String == id } ?? [:] }
        #expect(action("A-001")["reopened"] as? Bool == true && action("A-001")["meetings"] as? Int == 3 && action("A-001")["days_overdue"] as? Int == 11)
        #expect(action("A-002")["closed_by"] as? String == "ALPHA-ISS-0001 I-001" && action("A-002")["status"] as? String == "closed")
        #expect(action("A-003")["meetings"] as? Int == 2 && action("A-003")["due"] as? String == "2026-03-06" && action("A-003")["days_overdue"] as? Int == 10)
        #expect(action("A-004")["closed_by"] as? String == "ALPHA-MIN-0002")
        #expect(action("A-005")["days_overdue"] is NSNull)
        // The risk matrix and its change since the last pack (the registers at the last commit before the period).
        let matrix = Self.rows(json, "risk_matrix").map { "\($0["probability"]!)x\($0["impact"]!)=\($0["open"]!)/\($0["at_last_pack"]!)" }
        #expect(Set(matrix) == ["5x5=1/1", "4x4=1/0", "4x5=1/0", "3x4=0/1", "2x2=0/1"], "\(matrix)")
        let changes = Dictionary(uniqueKeysWithValues: Self.rows(json, "risks").map { ($0["id"] as? String ?? "", $0["change"] as? String ?? "") })
        #expect(changes == ["ALPHA-RSK-0001 R-001": "same", "ALPHA-RSK-0001 R-002": "up", "ALPHA-RSK-0001 R-003": "closed", "ALPHA-RSK-0001 R-004": "new"])
        // Waiting and reviews.
        let waiting = Self.rows(json, "waiting")
        #expect(waiting.contains { $0["id"] as? String == "ALPHA-DEC-0001 PD-001" && $0["days_overdue"] as? Int == 6 })
        #expect(waiting.contains { $0["id"] as? String == "ALPHA-CR-0001" })
        #expect(Self.rows(json, "reviews").contains { $0["document"] as? String == "ALPHA-RSK-0001" && $0["days"] as? Int == 11 })
        let narrative = Self.rows(json, "narrative").first { $0["project"] as? String == "ALPHA" } ?? [:]
        #expect(narrative["this_period"] as? String == "Design workshops held; supplier shortlist agreed.")
        #expect(narrative["next_period"] as? String == "Sign off the design; choose the supplier.")

        // Each figure against the per-domain report over the same commits.
        let schedule = try sandbox.run(folio, ["report", "schedule", "--repo", alpha, "--format", "json", "--section", "milestones"], in: alpha).jsonObject
        let slips = Self.rows(schedule, "milestones").filter { $0["status"] as? String != "done" }.compactMap { $0["slip_days"] as? Int }
        #expect(slips.max() == a["worst_slip_days"] as? Int)
        #expect(Self.rows(json, "milestones").count == Self.rows(schedule, "milestones").count)
        let status = try sandbox.run(folio, ["report", "status", "--repo", alpha, "--since", "2026-03-09", "--until", "2026-03-15", "--format", "json"], in: alpha).jsonObject
        let overdue = Self.rows(status, "overdue_actions").map { $0["id"] as? String ?? "" }
        // The status report counts each action once too: A-001 (reopened) and A-003 (carried over), and no issue (I-001 is resolved).
        #expect(overdue.sorted() == ["A-001", "A-003"], "\(overdue)")
        #expect(Self.rows(status, "overdue_reviews").count == Self.rows(json, "reviews").filter { $0["kind"] as? String == "review overdue" }.count)
        // An independent count of the high risks from the committed register.
        let register = try sandbox.git(["show", "HEAD:docs/risk-register/ALPHA-RSK-0001.md"], in: alpha).stdout
        let high = register.split(separator: "\n").filter { line in
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count > 11, cells[1].hasPrefix("R-"), let p = Int(cells[4]), let i = Int(cells[5]) else { return false }
            return cells[11] != "Closed" && p * i >= 15
        }.count
        #expect(high == a["high_risks"] as? Int)

        // Tolerances from folio.yml change the computed rating.
        try String(contentsOfFile: "\(alpha)/folio.yml", encoding: .utf8).appending("tolerances: { milestone_slip_days: [40, 60], high_risks: [5, 9] }\n")
            .write(toFile: "\(alpha)/folio.yml", atomically: true, encoding: .utf8)
        #expect(try sandbox.git(["commit", "-q", "--no-verify", "-am", "wider tolerances"], in: alpha).ok)
        let wider = try sandbox.run(folio, ["report", "pack", "--format", "json"] + Self.period, in: alpha).jsonObject
        let w = Self.rows(wider, "portfolio").first ?? [:]
        #expect(w["schedule"] as? String == "green" && w["risks"] as? String == "green" && w["computed"] as? String == "amber", "\(w)")
        // A bad tolerance is one clear line (exit 2).
        try String(contentsOfFile: "\(alpha)/folio.yml", encoding: .utf8).replacingOccurrences(of: "[40, 60]", with: "[60, 40]")
            .write(toFile: "\(alpha)/folio.yml", atomically: true, encoding: .utf8)
        let bad = try sandbox.run(folio, ["check", "folio.yml"], in: alpha)
        #expect(bad.status == 2 && bad.stderr.contains("tolerances.milestone_slip_days must be [amber, red]"), "\(bad)")
    }

    @Test("the pack cache: a repeated pack is read back (a cache edited under a valid checksum shows through), a damaged one is rebuilt, a new commit or another judging day builds afresh, --no-cache never reads it")
    func packCache() throws {
        let (sandbox, alpha, _) = try Self.fixture()
        let folio = try Tools.requireFolio()
        func pack(_ extra: [String] = [], period: [String] = Self.period) throws -> [String: Any] {
            let result = try sandbox.run(folio, ["report", "pack", "--format", "json"] + period + extra, in: alpha)
            #expect(result.ok, "\(result)")
            return result.jsonObject ?? [:]
        }
        func withoutTime(_ json: [String: Any]) -> NSDictionary {
            var json = json
            json["generated"] = nil
            return json as NSDictionary
        }
        func thisPeriod(_ json: [String: Any]) -> String { Self.rows(json, "narrative").first?["this_period"] as? String ?? "" }
        let first = try pack()
        #expect(thisPeriod(first) == "Design workshops held; supplier shortlist agreed.")
        let folder = "\(alpha)/.git/folio"
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix("pack-") }
        #expect(files.count == 1, "one cache file for this set of projects: \(files)")
        let cache = "\(folder)/\(files.first ?? "pack-")"
        Thread.sleep(forTimeInterval: 1.1)
        let second = try pack()
        #expect(withoutTime(second) == withoutTime(first))
        #expect(second["generated"] as? String != first["generated"] as? String, "a pack read back says when it was made")

        // An edit under a valid checksum shows through: the second pack was read from the file.
        let marker = "(from the cache)"
        func edit() throws {
            let text = try String(contentsOfFile: cache, encoding: .utf8)
            guard let end = text.range(of: "\nend ", options: .backwards) else {
                Issue.record("no end line in \(text.suffix(200))")
                return
            }
            let body = String(text[..<end.lowerBound]).replacingOccurrences(of: "Design workshops held", with: "Design workshops held \(marker)") + "\n"
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in body.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            let hex = String(hash, radix: 16)
            try (body + "end " + String(repeating: "0", count: 16 - hex.count) + hex + "\n").write(toFile: cache, atomically: true, encoding: .utf8)
        }
        try edit()
        #expect(thisPeriod(try pack()).contains(marker), "the repeated pack is the cached one")
        #expect(!thisPeriod(try pack(["--no-cache"])).contains(marker), "--no-cache builds from the repositories")
        #expect(thisPeriod(try pack(period: ["--since", "2026-03-09", "--until", "2026-03-15", "--as-of", "2026-03-17"])) == thisPeriod(first),
                "another judging day is another pack")

        // Damaged: cut short, or only a header. Ignored, and written whole again.
        for damage in [{ (text: String) in String(text.dropLast(7)) }, { _ in "folio-pack 1\n" }, { text in text.replacingOccurrences(of: "\"title\"", with: "\"titel\"") }] {
            try edit()
            try damage(try String(contentsOfFile: cache, encoding: .utf8)).write(toFile: cache, atomically: true, encoding: .utf8)
            #expect(withoutTime(try pack()) == withoutTime(first))
            let rebuilt = try String(contentsOfFile: cache, encoding: .utf8)
            #expect(rebuilt.hasPrefix("folio-pack 1\n") && !rebuilt.contains(marker) && rebuilt.range(of: "\nend [0-9a-f]{16}\n$", options: .regularExpression) != nil)
        }

        // A shallow clone deepened keeps its commit but not its history (the
        // risks at the last pack are read from the commit before the period).
        let shallow = sandbox.path("shallow")
        #expect(try sandbox.git(["clone", "-q", "--depth", "2", "file://\(alpha)", shallow], in: sandbox.root.path).ok)
        func risks(_ extra: [String]) throws -> String {
            let result = try sandbox.run(folio, ["report", "pack", "--format", "json", "--section", "risks"] + Self.period + extra, in: shallow)
            #expect(result.ok, "\(result)")
            return (try? Self.canonical(Self.rows(result.jsonObject, "risks"))) ?? ""
        }
        let cut = try risks([])
        #expect(try sandbox.git(["fetch", "-q", "--unshallow"], in: shallow).ok)
        let whole = try risks(["--no-cache"])
        #expect(whole != cut, "the deepened history changes the risks at the last pack")
        #expect(try risks([]) == whole, "a pack of the deepened clone is not the shallow one read back")

        // A new commit is a new pack.
        try edit()
        #expect(try sandbox.git(["commit", "-q", "--no-verify", "--allow-empty", "-m", "later"], in: alpha).ok)
        let later = try pack()
        #expect(!thisPeriod(later).contains(marker))
        let head = try sandbox.git(["rev-parse", "HEAD"], in: alpha).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect((later["projects"] as? [[String: Any]])?.first?["commit"] as? String == head)
    }

    @Test("the S-curve: each week's PV, EV and AC equal cost.py's over the repository at that week's last commit (git ls-tree of that commit)")
    func sCurveFromHistory() throws {
        let (sandbox, alpha, _) = try Self.fixture()
        let folio = try Tools.requireFolio()
        let asOf = "2026-03-31"
        let curve = try sandbox.run(folio, ["report", "cost", "--as-of", asOf, "--format", "json", "--section", "s_curve"], in: alpha)
        let rows = Self.rows(curve.jsonObject, "s_curve")
        #expect(rows.count >= 4, "a point a week from the first budgeted schedule: \(curve)")
        let oracle = Tools.fixtures.appendingPathComponent("scripts/cost.py").path
        var commits = Set<String>()
        for row in rows {
            guard let week = row["week"] as? String, let short = row["commit"] as? String else { continue }
            // The week's Sunday (or the as-of day): ISO week YYYY-Www.
            let parts = week.split(separator: "-W")
            guard parts.count == 2, let year = Int(parts[0]), let w = Int(parts[1]) else { continue }
            var calendar = Calendar(identifier: .iso8601)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let monday = calendar.date(from: DateComponents(weekday: 2, weekOfYear: w, yearForWeekOfYear: year))!
            let sunday = ISO8601DateFormatter().string(from: monday.addingTimeInterval(6 * 86400)).prefix(10)
            let day = min(String(sunday), asOf)
            let commit = try sandbox.git(["rev-parse", short], in: alpha).trimmed
            commits.insert(commit)
            let expected = try sandbox.run(Tools.python, [oracle, "--as-of", day, "--at", commit, alpha], in: alpha)
            let project = Self.rows(expected.jsonObject, "earned_value").first { $0["work_package"] as? String == "(project)" } ?? [:]
            for key in ["pv", "ev", "ac"] {
                let want = (project[key] as? NSNumber)?.doubleValue ?? .nan
                let got = (row[key] as? NSNumber)?.doubleValue ?? .nan
                #expect(abs(want - got) < 0.005, "\(week) (\(day), \(short)) \(key): folio \(got), cost.py \(want)")
            }
        }
        // The curve reads more than one commit: the history, not just HEAD.
        #expect(commits.count >= 2, "\(commits)")
    }

    /// An HTML report printed on A4 by headless Chromium: its pages as
    /// pdftotext reads them (form feeds between pages), and the widest
    /// overflow of a table or chart past A4's printable width (210 mm − 22 mm
    /// of margins at 96 px per inch = 710 px), measured by the browser: the
    /// page with its print rules applied to the screen and a script that
    /// writes the overflow into the title, read back with --dump-dom.
    /// Nil (with a recorded issue) when Chromium or pdftotext is missing.
    static func printA4(_ html: String, _ sandbox: Sandbox) throws -> (pages: [String], overflow: String)? {
        let chromium = ["chromium", "chromium-browser", "google-chrome"].map(Tools.which).first { FileManager.default.isExecutableFile(atPath: $0) }
        let pdftotext = Tools.which("pdftotext")
        guard let chromium, FileManager.default.isExecutableFile(atPath: pdftotext) else {
            Issue.record("headless Chromium and pdftotext are needed: 'make deps' installs them (Debian packages chromium, poppler-utils)")
            return nil
        }
        let pdf = html + ".pdf"
        let browser = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(sandbox.path("chromium"))"]
        let printed = try sandbox.run(chromium, browser + ["--no-pdf-header-footer", "--print-to-pdf=\(pdf)", "file://\(html)"], in: sandbox.root.path)
        #expect(FileManager.default.fileExists(atPath: pdf), "Chromium printed nothing:\n\(printed)")
        let text = try sandbox.run(pdftotext, ["-layout", pdf, "-"], in: sandbox.root.path).stdout
        let pages = text.components(separatedBy: "\u{0C}").filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        let page = try String(contentsOfFile: html, encoding: .utf8)
            .replacingOccurrences(of: "@media print {", with: "@media all {")
            .replacingOccurrences(of: "default-src 'none'; style-src 'unsafe-inline'", with: "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'")
            .replacingOccurrences(of: "</body>", with: """
                <script>
                let worst = 0, what = "";
                for (const t of document.querySelectorAll("table, svg")) {
                  const over = t.getBoundingClientRect().right - document.documentElement.clientWidth;
                  if (over > worst) { worst = over; what = Array.from(t.querySelectorAll("th")).map(h => h.textContent).join("|") || t.tagName; }
                }
                document.title = "overflow " + Math.round(worst) + " " + what;
                </script>
                </body>
                """)
        let measured = html + ".measure.html"
        try page.write(toFile: measured, atomically: true, encoding: .utf8)
        let dom = try sandbox.run(chromium, browser + ["--window-size=710,1000", "--virtual-time-budget=3000", "--dump-dom", "file://\(measured)"], in: sandbox.root.path)
        let title = dom.stdout.range(of: "<title>overflow ").map { String(dom.stdout[$0.upperBound...].prefix { $0 != "<" }) }
        return (pages, title ?? "not measured: \(dom)")
    }

    @Test("the pack printed on A4 by headless Chromium: a portfolio page and a page per project, the figures on their pages, no table wider than the page")
    func printedPack() throws {
        let (sandbox, alpha, beta) = try Self.fixture()
        let folio = try Tools.requireFolio()
        let html = sandbox.path("pack.html")
        let made = try sandbox.run(folio, ["report", "pack", "--repo", alpha, "--repo", beta, "--format", "html", "-o", html] + Self.period, in: alpha)
        #expect(made.ok, "\(made)")
        guard let (pages, overflow) = try Self.printA4(html, sandbox) else { return }
        #expect((3...5).contains(pages.count), "a portfolio page and about one page per project: \(pages.count) pages")
        #expect(pages.first?.contains("Portfolio") == true && pages.first?.contains("Support office measures") == true)
        #expect(pages.first.map { $0.contains("ALPHA") && $0.contains("BETA") && $0.contains("30 d") } == true, "\(pages.first ?? "")")
        // A project's page starts with its title and ratings (the portfolio page's subtitle names them too).
        let alphaPage = pages.indices.dropFirst().first { pages[$0].contains("ALPHA Project ALPHA") && pages[$0].contains("computed") } ?? -1
        let betaPage = pages.indices.dropFirst().first { pages[$0].contains("BETA Project BETA") && pages[$0].contains("computed") } ?? -1
        #expect(alphaPage >= 1 && betaPage > alphaPage, "each project starts its own page")
        if alphaPage >= 1 {
            let page = pages[alphaPage]
            for expected in ["Circulate the charter again", "reopened", "Design signed off", "Which supplier?", "RED", "GREEN"] {
                #expect(page.contains(expected), "'\(expected)' not on ALPHA's page:\n\(page)")
            }
        }
        #expect(overflow.hasPrefix("0 "), "a table or chart is wider than A4's printable width: overflow \(overflow)")
    }

    @Test("register, status and approvals printed on A4 by headless Chromium: every row there, no table wider than the page, a sensible page count", arguments: ["register", "status", "approvals"])
    func printedReports(_ kind: String) throws {
        let (sandbox, alpha, beta) = try Self.fixture()
        let folio = try Tools.requireFolio()
        let html = sandbox.path("\(kind).html")
        let period = kind == "status" ? ["--since", "2026-03-01", "--until", "2026-03-15"] : []
        let made = try sandbox.run(folio, ["report", kind, "--repo", alpha, "--repo", beta, "--format", "html", "-o", html] + period, in: alpha)
        #expect(made.ok, "\(made)")
        let json = try sandbox.run(folio, ["report", kind, "--repo", alpha, "--repo", beta, "--format", "json"] + period, in: alpha).jsonObject
        guard let (pages, overflow) = try Self.printA4(html, sandbox) else { return }
        let all = pages.joined(separator: "\n")
        #expect(overflow.hasPrefix("0 "), "\(kind): a table or chart is wider than A4's printable width: overflow \(overflow)")
        // Every document of the main table is on paper (by its ID, never cut off).
        let main = (json?[kind == "register" ? "documents" : kind == "status" ? "events" : "approvals"] as? [[String: Any]]) ?? []
        #expect(kind == "approvals" || !main.isEmpty, "\(kind) has rows to print")
        for row in main { if let id = row["id"] as? String ?? row["document"] as? String { #expect(all.contains(id), "\(kind): \(id) not printed") } }
        // About a page per 25 rows of the main table, plus the figures and
        // charts (the status report has nine sections: two pages more).
        #expect(pages.count <= 2 + main.count / 25 + (kind == "status" ? 2 : 0), "\(kind): \(pages.count) pages for \(main.count) rows")
    }
}
