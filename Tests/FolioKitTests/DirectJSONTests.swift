import Foundation
import Testing

@testable import FolioKit

/// The register's rows are written by the hundred thousand, so they give
/// their JSON directly (`DirectJSON`) and the register cache decodes its
/// fields in place: both must say exactly what the general paths say.
@Suite("Register rows: direct JSON and cache fields equal the general paths")
struct DirectJSONTests {
    static func entry(
        inForce: String?, owner: String?, last: (String, String)?, approvals: [ApprovalEntry], attachments: [String],
        path: String = "docs/risk-register/ALPHA-RSK-0001.md"
    ) -> RegisterEntry {
        RegisterEntry(
            id: "ALPHA-RSK-0001", type: "risk-register", title: "Risks \"quoted\" \\ and\ttab\u{2028}", path: path,
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

    @Test("a cached row read back gives the entry it was made from, and its JSON written from the file's bytes is the entry's JSON")
    func cachedRowsAgree() throws {
        let approval = ApprovalEntry(person: "bob@example.com", name: "Bob\tBrown \\ \"B\"", role: "pm", meaning: "approval", at: "2026-03-03T10:00:00Z", current: true, signed: false, verified: false)
        let odd = ApprovalEntry(person: "c@example.com", name: "C \u{00e9}\u{2029}", role: "qa", meaning: "re\nview", at: "2026-03-04T10:00:00Z", current: false, signed: true, verified: false)
        var rows: [RegisterEntry] = []
        for inForce in [nil, "1.0", "=x"] as [String?] {
            // An owner that starts with a combining mark: after `=` in the file, the two are one Character.
            for owner in [nil, "alice@example.com", "?", "\u{0301}alice@example.com"] as [String?] {
                for last in [nil, ("2026-03-01T09:00:00Z", "alice\\n@example.com"), ("\u{200D}2026", "\u{FE0F}x")] as [(String, String)?] {
                    for (approvals, attachments) in [([], []), ([odd], []), ([], ["a.pdf"]), ([approval, odd], ["a.pdf", "b\nc\t\\.png"])] {
                        rows.append(Self.entry(
                            inForce: inForce, owner: owner, last: last, approvals: approvals, attachments: attachments,
                            path: "docs/a\tb/\\\(rows.count).md"))
                    }
                }
            }
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("folio-rows-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("register").path
        let writer = try #require(RegisterCache.Writer(path: file, rules: "rules"))
        for row in rows {
            var key: [UInt8] = []
            CacheFields.escape(row.path, into: &key)
            let pathLength = key.count
            key += "\tabc\t-".utf8
            writer.add(RegisterCache.Key(bytes: key, pathLength: pathLength), row)
        }
        writer.commit()
        let reader = try #require(RegisterCache.Reader(path: file, rules: "rules"))
        #expect(reader.count == rows.count)
        for (i, row) in rows.enumerated() {
            let cached = try #require(reader.next(), "row \(i)")
            #expect(String(decoding: cached.path, as: UTF8.self) == "docs/a\\tb/\\\\\(i).md")
            let expected = row.directJSON.text(indent: 1)
            #expect(cached.entry.directJSON.text(indent: 1) == expected, "row \(i) decoded")
            #expect(cached.json.text(indent: 1) == expected, "row \(i) written from bytes")
            #expect(cached.state == row.state && cached.owner == row.owner)
        }
        #expect(reader.next() == nil && !reader.damaged)

        // Bytes that are not UTF-8 (only a hand-made file holds them): written as decoded, U+FFFD.
        let bad = try #require(RegisterCache.Writer(path: file, rules: "rules"))
        bad.addRaw(Array("R\tp\tk\t-\tID-1\trisk-register\tT".utf8) + [0xC0, 0x80, 0x09, 0x80] + Array("\tA\t=".utf8) + [0xFF] + Array("\t?\t?\t?\n".utf8))
        bad.commit()
        let unreadable = try #require(RegisterCache.Reader(path: file, rules: "rules")?.next())
        #expect(unreadable.json.text(indent: 1) == unreadable.entry.directJSON.text(indent: 1))
        #expect(unreadable.entry.title.contains("\u{FFFD}"))
    }

    @Test("a cache row that does not hold together (fields missing, flags not 0 or 1, an approval after an attachment) ends the reading as damaged")
    func damagedRows() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("folio-rows-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("register").path
        let good = "R\tp\tk\t-\tID-1\trisk-register\tTitle\tdraft\tA\t?\t?\t?\t?\n"
        for (label, body) in [
            ("too few fields", "R\tp\tk\t-\tID-1\trisk-register\tTitle\tdraft\tA\t?\t?\t?\n"),
            ("an optional without = or ?", "R\tp\tk\t-\tID-1\trisk-register\tTitle\tdraft\tA\tx\t?\t?\t?\n"),
            ("flags not 0 or 1", good + "A\tp\tn\tr\tm\tat\t1x0\n"),
            ("short flags", good + "A\tp\tn\tr\tm\tat\t10\n"),
            ("an approval after an attachment", good + "F\ta.pdf\nA\tp\tn\tr\tm\tat\t100\n"),
            ("an attachment with two fields", good + "F\ta.pdf\tb\n"),
            ("an unknown tag", good + "Z\tx\n"),
        ] {
            let writer = try #require(RegisterCache.Writer(path: file, rules: "rules"))
            writer.addRaw(Array(body.utf8))
            writer.commit()
            let reader = try #require(RegisterCache.Reader(path: file, rules: "rules"), "\(label): the checksum holds")
            #expect(reader.next() == nil && reader.damaged, "\(label)")
        }
    }

    /// The tag and the unescaped fields of one line, as the register cache's reader finds them.
    static func split(_ line: ArraySlice<UInt8>) -> (UInt8, [String])? {
        var fields: [Range<Int>] = []
        guard let tag = CacheFields.ranges(line, into: &fields) else { return nil }
        return (tag, fields.map { CacheFields.string(line[$0], escaped: line[$0].contains(0x5C)) })
    }

    @Test("cache fields: what `line` writes, `ranges` and `string` read back, for fields with tabs, newlines, backslashes and a trailing backslash")
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
            let parsed = Self.split(out.dropLast()[...])
            #expect(parsed?.0 == UInt8(ascii: "R") && parsed?.1 == fields, "\(fields) read back as \(String(describing: parsed))")
        }
        // A damaged line: a backslash at the very end is kept as it is.
        #expect(Self.split(Array("R\tab\\".utf8)[...])?.1 == ["ab\\"])
        #expect(Self.split(Array("R\ta\\\tb".utf8)[...])?.1 == ["a\tb"])
    }
}
