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
