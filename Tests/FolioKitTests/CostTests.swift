import Foundation
import Testing

/// `folio report cost`, its journal (`--format ledger`), `folio import
/// actuals` and the `ref_type` rule, against independent witnesses: the
/// oracle Fixtures/scripts/cost.py (the same figures from the committed
/// tables, in exact fractions), the real `hledger`, and `git`.
@Suite(.tags(.process))
struct CostTests {
    /// A hub and three projects (Fixtures/scripts/make-cost-fixture.sh lists
    /// every case it holds), made with the folio binary under test.
    static func fixture() throws -> (sandbox: Sandbox, root: String) {
        let sandbox = try Sandbox(prefix: "folio-cost")
        let root = sandbox.path("cost")
        let script = Tools.fixtures.appendingPathComponent("scripts/make-cost-fixture.sh").path
        let made = try sandbox.run("/bin/bash", [script, try Tools.requireFolio(), root], in: sandbox.root.path)
        guard made.ok else {
            Issue.record("make-cost-fixture.sh failed:\n\(made)")
            throw SetupError("fixture")
        }
        return (sandbox, root)
    }

    static let repos = ["hub", "alpha", "beta", "gamma"]

    @Test("every figure of the cost report equals cost.py's, at five days, over a hub and three projects, and for one project alone")
    func reportMatchesOracle() throws {
        let (sandbox, root) = try Self.fixture()
        let oracle = Tools.fixtures.appendingPathComponent("scripts/cost.py").path
        let paths = Self.repos.map { "\(root)/\($0)" }
        for (day, repos) in [("2026-03-01", paths), ("2026-03-10", paths), ("2026-03-20", paths), ("2026-03-31", paths),
                             ("2026-06-30", paths), ("2026-03-31", [paths[1]])] {
            let folio = try sandbox.run(try Tools.requireFolio(), ["report", "cost", "--as-of", day, "--format", "json"] + repos.flatMap { ["--repo", $0] }, in: paths[0])
            #expect(folio.ok, "\(folio)")
            let json = sandbox.path("cost-\(day)-\(repos.count).json")
            try folio.stdout.write(toFile: json, atomically: true, encoding: .utf8)
            let compared = try sandbox.run(Tools.python, [oracle, "--as-of", day, "--compare", json] + repos, in: paths[0])
            #expect(compared.ok, "as of \(day), \(repos.count) repositories: folio and cost.py differ:\n\(compared.stdout)\(compared.stderr)")
            // The comparison is not vacuous: the oracle sees the fixture's rows.
            let mine = try sandbox.run(Tools.python, [oracle, "--as-of", day] + repos, in: paths[0])
            #expect((mine.jsonObject?["lines"] as? [Any])?.isEmpty == false, "\(mine)")
        }
        // The cases the issue names, in words.
        let text = try sandbox.run(try Tools.requireFolio(), ["report", "cost", "--as-of", "2026-03-31", "--section", "findings"] + paths.flatMap { ["--repo", $0] }, in: paths[0]).stdout
        for expected in ["B-99, which is not a budget line", "1200.00 USD in a EUR register, left out", "books invoice", "B-02 budget: 500.00 USD in a EUR register", "have no rate in force"] {
            #expect(text.contains(expected), "\(expected) not in:\n\(text)")
        }
    }

    @Test("--format ledger: hledger reads the journal, and its balances equal the report's budget and actual per line and per project")
    func ledgerReadByHledger() throws {
        let hledger = Tools.which("hledger")
        guard FileManager.default.isExecutableFile(atPath: hledger) else {
            Issue.record("hledger is not installed: 'make deps' installs it (Debian package hledger)")
            return
        }
        let (sandbox, root) = try Self.fixture()
        let paths = Self.repos.map { "\(root)/\($0)" }
        let folio = try Tools.requireFolio()
        let repoArgs = paths.flatMap { ["--repo", $0] }
        let journal = sandbox.path("cost.journal")
        let written = try sandbox.run(folio, ["report", "cost", "--as-of", "2026-03-31", "--format", "ledger", "-o", journal] + repoArgs, in: paths[0])
        #expect(written.ok, "\(written)")
        let balance = try sandbox.run(hledger, ["-f", journal, "balance", "--flat", "--no-total", "-O", "csv"], in: paths[0])
        #expect(balance.ok, "hledger could not read the journal:\n\(balance)\n\((try? String(contentsOfFile: journal, encoding: .utf8)) ?? "")")
        // "account","balance" rows; a balance is "1901.65 EUR".
        var balances: [String: String] = [:]
        for line in balance.stdout.split(separator: "\n").dropFirst() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
            guard cells.count >= 2 else { continue }
            balances[cells[0]] = cells[1]
        }
        let report = try sandbox.run(folio, ["report", "cost", "--as-of", "2026-03-31", "--format", "json"] + repoArgs, in: paths[0])
        let lines = report.jsonObject?["lines"] as? [[String: Any]] ?? []
        #expect(lines.count >= 6)
        func cents(_ value: Any?) -> String { String(format: "%.2f", (value as? NSNumber)?.doubleValue ?? .nan) }
        func ledger(_ account: String, _ currency: String) -> String {
            guard let text = balances[account] else { return "0.00" }
            return text.hasSuffix(" \(currency)") ? String(text.dropLast(currency.count + 1)) : "?\(text)"
        }
        var checked = 0
        for row in lines {
            let project = row["project"] as? String ?? "", register = row["register"] as? String ?? "", line = row["line"] as? String ?? ""
            let currency = row["currency"] as? String ?? ""
            #expect(ledger("budget:\(project):\(register):\(line)", currency) == cents(row["budget"]), "budget of \(project) \(register) \(line)")
            #expect(ledger("expenses:\(project):\(register):\(line)", currency) == cents(row["actual"]), "actual of \(project) \(register) \(line)")
            checked += 1
        }
        #expect(checked == lines.count)
        // Per project: what is owed (invoices and labour) is the project's actual.
        for total in (report.jsonObject?["totals"] as? [[String: Any]] ?? []) where (total["project"] as? String) != "portfolio" {
            let project = total["project"] as? String ?? "", currency = total["currency"] as? String ?? ""
            let owed = try sandbox.run(hledger, ["-f", journal, "balance", "--flat", "--no-total", "-O", "csv", "--depth", "2", "^expenses:\(project)$", "^expenses:\(project):"], in: paths[0])
            let value = owed.stdout.split(separator: "\n").dropFirst().first.map { $0.split(separator: ",").last.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) } ?? "" } ?? ""
            #expect(value == "\(cents(total["actual"])) \(currency)", "\(project): hledger \(value), folio \(cents(total["actual"]))\n\(owed)")
        }
        // Every other report refuses a format it cannot honour.
        let refused = try sandbox.run(folio, ["report", "register", "--format", "ledger"], in: paths[1])
        #expect(refused.status == 2 && refused.stderr.contains("only `folio report cost`"), "\(refused)")
        let history = try sandbox.run(folio, ["report", "history", "--format", "ledger"], in: paths[1])
        #expect(history.status == 2, "\(history)")
    }

    @Test("import actuals: a finance export's columns, one commit, idempotent on supplier and reference, all or nothing with FILE:LINE errors")
    func importActuals() throws {
        let (sandbox, root) = try Self.fixture()
        let beta = TestRepo(sandbox: sandbox, path: "\(root)/beta")
        let folio = try Tools.requireFolio()
        let head = try beta.git(["rev-parse", "HEAD"]).trimmed
        // A bad file changes nothing and names every bad line.
        try beta.write("bad.csv", """
            Posting date,Cost element,Vendor,Document no,Amount,Currency
            2026-03-02,B-01,Acme Surveys,INV-100,1200.50,USD
            2026-03-03,B-98,Acme Surveys,INV-101,100,USD
            2026-03-04,B-01,Acme Surveys,INV-102,"1,250.00",USD
            2026-03-05,B-01,Other,INV-103,12.345,USD
            2026-03-05,B-01,Other,INV-104,12,EUR
            2026-02-30,B-01,Other,INV-105,12,USD
            2026-03-06,B-01,Other,,12,USD
            2026-03-07,B-01,Acme Surveys,INV-100,1200.50,USD

            """)
        let bad = try sandbox.run(folio, ["import", "actuals", "bad.csv", "--into", "BETA-CST-0001"], in: beta.path)
        #expect(bad.status == 1, "\(bad)")
        for line in 3...9 { #expect(bad.stderr.contains("bad.csv:\(line): error:"), "line \(line):\n\(bad.stderr)") }
        #expect(!bad.stderr.contains("bad.csv:2:"), "\(bad.stderr)")
        #expect(try beta.git(["rev-parse", "HEAD"]).trimmed == head)
        // A good file: one commit, IDs after the register's own.
        try beta.write("good.csv", """
            date,line,supplier,invoice,amount,approved by
            2026-03-20,B-01,Acme Surveys,INV-200,1500.00,bob@example.com
            2026-03-21,B-02,Build Co,J-77,-80.5 USD,

            """)
        let good = try sandbox.run(folio, ["import", "actuals", "good.csv", "--into", "BETA-CST-0001"], in: beta.path)
        #expect(good.ok && good.stdout.contains("2 added"), "\(good)")
        #expect(try beta.git(["rev-list", "--count", "\(head)..HEAD"]).trimmed == "1")
        let text = try String(contentsOfFile: "\(beta.path)/docs/cost-register/BETA-CST-0001.md", encoding: .utf8)
        #expect(text.contains("| 2026-03-20 | B-01 | Acme Surveys | INV-200 | 1500.00 USD | bob@example.com |"), "\(text)")
        #expect(text.contains("| 2026-03-21 | B-02 | Build Co | J-77 | -80.50 USD |"), "\(text)")
        #expect(try beta.git(["status", "--porcelain"]).stdout.split(separator: "\n").allSatisfy { $0.hasPrefix("??") })
        #expect(try beta.git(["fsck", "--strict"]).ok)
        // The same file again: nothing, no commit.
        let again = try sandbox.run(folio, ["import", "actuals", "good.csv", "--into", "BETA-CST-0001"], in: beta.path)
        #expect(again.ok && again.stdout.contains("nothing to import"), "\(again)")
        #expect(try beta.git(["rev-list", "--count", "\(head)..HEAD"]).trimmed == "1")
        // A booking that differs from the one recorded under its reference is refused.
        try beta.write("changed.csv", "date,line,supplier,invoice,amount\n2026-03-20,B-01,acme surveys,inv-200,1600.00\n")
        let changed = try sandbox.run(folio, ["import", "actuals", "changed.csv", "--into", "BETA-CST-0001"], in: beta.path)
        #expect(changed.status == 1 && changed.stderr.contains("changed.csv:2: error:") && changed.stderr.contains("booked already"), "\(changed)")
        // The report sees the new actuals.
        let cost = try sandbox.run(folio, ["report", "cost", "--as-of", "2026-03-31", "--format", "json"], in: beta.path)
        let b01 = (cost.jsonObject?["lines"] as? [[String: Any]] ?? []).first { ($0["register"] as? String) == "BETA-CST-0001" && ($0["line"] as? String) == "B-01" }
        #expect(((b01?["invoices"] as? NSNumber)?.doubleValue ?? 0) >= 1500, "\(String(describing: b01))")
        // A register that fails its own rules takes nothing (the errors are named).
        try beta.write("eur.csv", "date,line,supplier,invoice,amount\n2026-03-20,B-01,Acme Surveys,INV-300,10.00 EUR\n")
        let broken = try sandbox.run(folio, ["import", "actuals", "\(beta.path)/eur.csv", "--into", "ALPHA-CST-0001"], in: "\(root)/alpha")
        #expect(broken.status == 1 && broken.stderr.contains("[table.ref]"), "\(broken)")
        let withdrawn = try sandbox.run(folio, ["import", "actuals", "\(beta.path)/eur.csv", "--into", "ALPHA-CST-0003"], in: "\(root)/alpha")
        #expect(!withdrawn.ok && withdrawn.stderr.contains("withdrawn"), "\(withdrawn)")
        // Not a cost register; no such document.
        for (into, words) in [("BETA-SCH-0001", "not a cost-register"), ("BETA-CST-0099", "no such document")] {
            let wrong = try sandbox.run(folio, ["import", "actuals", "good.csv", "--into", into], in: beta.path)
            #expect(!wrong.ok && wrong.stderr.contains(words), "\(into): \(wrong)")
        }
    }

    @Test("ref_type: a column whose values must be keys of a table of another document type in force (a work order's package is in the schedule)")
    func crossDocumentReference() throws {
        let (sandbox, root) = try Self.fixture()
        let alpha = TestRepo(sandbox: sandbox, path: "\(root)/alpha")
        let folio = try Tools.requireFolio()
        try alpha.write("templates/work-order.md", """
            ---
            template:
              type: work-order
              code: WO
              name: Work order
              fields:
                - { name: owner, type: person, required: true }
              sections: [Orders]
              tables:
                - heading: Orders
                  key: ID
                  columns:
                    - { name: ID, type: text, required: true }
                    - { name: Work package, type: text, required: true, ref: Work packages, ref_type: schedule }
            owner: "{{author}}"
            ---
            # {{title}}

            ## Orders

            | ID | Work package |
            | --- | --- |

            """)
        #expect(try alpha.git(["add", "templates/work-order.md"]).ok)
        #expect(try alpha.git(["commit", "-q", "-m", "work orders"]).ok)
        let made = try sandbox.run(folio, ["new", "work-order", "--title", "Orders for March"], in: alpha.path)
        #expect(made.ok, "\(made)")
        let path = "\(alpha.path)/docs/work-order/ALPHA-WO-0001.md"
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: "| --- | --- |\n", with: "| --- | --- |\n| O-1 | WP-1 |\n| O-2 | WP-77 |\n")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let check = try sandbox.run(folio, ["check", "ALPHA-WO-0001"], in: alpha.path)
        #expect(check.status == 1, "\(check)")
        let all = check.stdout + check.stderr
        #expect(all.contains("WP-77 is not a Work packages entry of a schedule in force") && all.contains("[table.ref]"), "\(all)")
        #expect(!all.contains("WP-1 is not"), "\(all)")
        let checkin = try sandbox.run(folio, ["checkin", "ALPHA-WO-0001"], in: alpha.path)
        #expect(!checkin.ok, "\(checkin)")
        let shown = try sandbox.run(folio, ["templates", "show", "work-order"], in: alpha.path)
        #expect(shown.ok && shown.stdout.contains("a key of 'Work packages' of a schedule in force"), "\(shown)")
        // A typo in ref_type or ref is a template error, not a free-text column.
        for (from, to) in [("ref_type: schedule", "ref_type: schedul"), ("ref: Work packages", "ref: Work package")] {
            let template = try String(contentsOfFile: "\(alpha.path)/templates/work-order.md", encoding: .utf8)
            try template.replacingOccurrences(of: from, with: to).write(toFile: "\(alpha.path)/templates/work-order.md", atomically: true, encoding: .utf8)
            let typo = try sandbox.run(folio, ["check", "templates/work-order.md"], in: alpha.path)
            #expect(typo.status == 1 && typo.output.contains("[template.ref]"), "\(to): \(typo)")
            try template.write(toFile: "\(alpha.path)/templates/work-order.md", atomically: true, encoding: .utf8)
        }
    }
}
