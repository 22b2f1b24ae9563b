import Foundation
import Testing

@testable import FolioKit

/// The register's rows are written by the hundred thousand, so they give
/// their JSON directly (`DirectJSON`) and the register cache decodes its
/// fields in place: both must say exactly what the general paths say.
@Suite("Register rows: direct JSON and cache fields equal the general paths")
struct DirectJSONTests {
    static func entry(inForce: String?, owner: String?, last: (String, String)?, approvals: [ApprovalEntry], attachments: [String]) -> RegisterEntry {
        RegisterEntry(
            id: "ALPHA-RSK-0001", type: "risk-register", title: "Risks \"quoted\" \\ and\ttab\u{2028}", path: "docs/risk-register/ALPHA-RSK-0001.md",
            state: "draft", revision: "A", inForce: inForce, owner: owner, lastChange: last?.0, lastActor: last?.1, approvals: approvals,
            attachments: attachments)
    }

    @Test("a row's direct JSON is byte for byte what the Encodable conformance gives, with and without every optional")
    func rowsAgree() throws {
        let approval = ApprovalEntry(person: "bob@example.com", name: "Bob Brown", role: "pm", meaning: "approval", at: "2026-03-03T10:00:00Z", current: true, signed: false, verified: false)
        let stale = ApprovalEntry(person: "c@example.com", name: "C \u{00e9}", role: "qa", meaning: "review", at: "2026-03-04T10:00:00Z", current: false, signed: true, verified: true)
        var rows: [RegisterEntry] = []
        for inForce in [nil, "1.0"] as [String?] {
            for owner in [nil, "alice@example.com"] as [String?] {
                for last in [nil, ("2026-03-01T09:00:00Z", "alice@example.com")] as [(String, String)?] {
                    rows.append(Self.entry(inForce: inForce, owner: owner, last: last, approvals: [], attachments: []))
                    rows.append(Self.entry(inForce: inForce, owner: owner, last: last, approvals: [approval, stale], attachments: ["a.pdf", "b\nc.png"]))
                }
            }
        }
        let encoder = JSONValueEncoder()
        for row in rows {
            let direct = try encoder.encode(row).text(indent: 1)
            let general = try encoder.encodeThroughEncoder(row).text(indent: 1)
            #expect(direct == general, "direct:\n\(direct)\ngeneral:\n\(general)")
        }
        // And a listing of them, as `ls --format json` streams it.
        var streamed = ""
        try JSONFormat.pretty(streaming: rows) { streamed += $0 }
        #expect(streamed == JSONValue.array(try rows.map { try encoder.encodeThroughEncoder($0) }).text())
    }

    @Test("cache fields: what `line` writes, `split` reads back, for fields with tabs, newlines, backslashes and a trailing backslash")
    func cacheFieldsRoundTrip() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [Character] = ["a", "é", "\t", "\n", "\\", "t", "n", " ", "=", "?", "\u{2028}"]
        for _ in 0..<500 {
            let fields = (0..<Int.random(in: 1...6, using: &generator)).map { _ in
                String((0..<Int.random(in: 0...8, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            }
            var out: [UInt8] = []
            CacheFields.line("R", fields, into: &out)
            #expect(out.last == 0x0A)
            let parsed = CacheFields.split(out.dropLast()[...])
            #expect(parsed?.0 == UInt8(ascii: "R") && parsed?.1 == fields, "\(fields) read back as \(String(describing: parsed))")
        }
        // A damaged line: a backslash at the very end is kept as it is.
        #expect(CacheFields.split(Array("R\tab\\".utf8)[...])?.1 == ["ab\\"])
        #expect(CacheFields.split(Array("R\ta\\\tb".utf8)[...])?.1 == ["a\tb"])
    }
}
