import Foundation
import Testing

@testable import FolioGit
@testable import FolioKit
@testable import FolioModel

/// Property-based fuzzing of the parsers that take untrusted bytes: many
/// thousands of inputs made by mutating the seed corpus in
/// `Fixtures/corpus/` with a seeded generator (the same inputs on every run;
/// `FOLIO_FUZZ_SEED`, `FOLIO_FUZZ_SCALE` and `FOLIO_FUZZ_DUMP` in
/// FaultSupport.swift change the seed, run longer, or keep the current
/// input for a post-mortem).
///
/// The property: a parser never crashes (a crash would end the test
/// process) and always answers with a result or a Folio error or
/// diagnostics, and what it answers is well-formed (diagnostic positions
/// inside the file, one line each, a document only without errors that
/// prevent reading it, …).
///
/// Inputs known to crash the product are kept in `corpus/crashes/` and run
/// through the `folio` binary in a child process (see `knownCrashers`), so a
/// regression there fails one test instead of killing the whole run.
@Suite("Fuzzing the parsers", .wide, .tags(.slow))
struct FuzzTests {
    static let documents = FTCorpus.files("documents")
    static let templates = FTCorpus.files("templates")
    static let records = FTCorpus.files("records")
    static let configs = FTCorpus.files("config")

    /// The built-in and corpus templates that parse, by type.
    static let parsedTemplates: [Template] = templates.compactMap { file in
        try? Template(path: "templates/\(file.name)", text: file.text)
    }

    static var context: ValueContext { ValueContext(
        people: ["alice@example.com", "bob@example.com", "carol@example.com"], documentExists: { !$0.isEmpty && $0.count < 40 }) }

    static func seed(_ target: String) -> UInt64 {
        // A different stream per target, all from the one seed.
        target.utf8.reduce(FTFuzzConfig.seed) { ($0 &* 0x100_0000_01B3) ^ UInt64($1) }
    }

    // MARK: Documents: DocumentReader, SplitDocument, MarkdownOutline, Validator

    /// Checks the diagnostics of one read are well-formed. `seen` keeps one
    /// report per rule and kind of fault, so one finding does not bury the rest.
    static func expectWellFormed(
        _ diagnostics: [Diagnostic], path: String, lineCount: Int, input: [UInt8], seen: FTSeen,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        for d in diagnostics {
            var faults: [String] = []
            if d.path != path { faults.append("path") }
            if d.line < 1 || d.line > lineCount + 1 { faults.append("line \(d.line) outside the file of \(lineCount) lines") }
            if d.column < 1 { faults.append("column") }
            if d.message.isEmpty || d.rule.isEmpty { faults.append("empty message or rule") }
            if d.message.contains("\n") || d.message.contains("\r") { faults.append("a line break in the message") }
            for fault in faults where seen.first("\(d.rule): \(fault.prefix(20))") {
                Issue.record(
                    "malformed diagnostic (\(fault)): \(d.formatted.debugDescription)\ninput: \(FuzzTests.show(input))",
                    sourceLocation: sourceLocation)
            }
        }
    }

    /// A short printable rendering of an input, for failure messages.
    static func show(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes.prefix(600), as: UTF8.self).debugDescription
        return bytes.count > 600 ? "\(text)… (\(bytes.count) bytes)" : text
    }

    static func lineCount(_ bytes: [UInt8]) -> Int {
        // Lines as an editor counts them: LF, and lone CR too (cmark does).
        var n = 1
        for (i, b) in bytes.enumerated() where b == 0x0A || (b == 0x0D && (i + 1 == bytes.count || bytes[i + 1] != 0x0A)) { n += 1 }
        return n
    }

    @Test("DocumentReader.read and the Validator never crash and report well-formed diagnostics")
    func documentReader() throws {
        var rng = FTSplitMix64(seed: Self.seed("documents"))
        let corpus = Self.documents.map(\.bytes) + Self.templates.map(\.bytes)
        let mutator = FTMutator(corpus: corpus)
        var documentsRead = 0
        var refused = 0
        let seen = FTSeen()
        let iterations = FTFuzzConfig.iterations(4000)
        #expect(!Self.parsedTemplates.isEmpty)
        for i in 0..<iterations {
            let seedInput = rng.pick(Self.documents).bytes
            let input = i < Self.documents.count ? Self.documents[i].bytes : mutator.mutate(seedInput, &rng)
            let template: Template? = rng.chance(85) ? rng.pick(Self.parsedTemplates) : nil
            let expected: String? = rng.chance(50) ? "ALPHA-RSK-0001" : nil
            let path = "docs/\(template?.type ?? "none")/ALPHA-RSK-0001.md"
            FTFuzzConfig.dump("document", input)
            let result = DocumentReader.read(path: path, bytes: input, template: template, expectedID: expected)
            Self.expectWellFormed(result.diagnostics, path: path, lineCount: Self.lineCount(input), input: input, seen: seen)
            guard let document = result.document else {
                refused += 1
                if !result.diagnostics.contains(where: { $0.severity == .error }) {
                    Issue.record("no document and no error: \(Self.show(input))")
                }
                continue
            }
            documentsRead += 1
            // What was read is what the file says.
            #expect(document.path == path)
            for h in document.outline.headings where !(1...6).contains(h.level) || h.line < 1 || h.column < 1 {
                Issue.record("heading out of range: \(h) in \(Self.show(input))")
            }
            if let template {
                let validator = Validator(template: template, context: Self.context, complete: rng.chance(50))
                let attachments = rng.chance(20) ? ["a.pdf", "b.DWG", "c", "../d.pdf", ".e.xlsx"] : []
                let diagnostics = validator.validate(document, attachments: attachments)
                Self.expectWellFormed(diagnostics, path: path, lineCount: Self.lineCount(input), input: input, seen: seen)
            }
        }
        // Not an assertion on the product: the corpus must give both outcomes.
        #expect(documentsRead > iterations / 10, "the mutations should leave many documents readable")
        #expect(refused > iterations / 20, "the mutations should make many documents unreadable")
    }

    @Test("SplitDocument never crashes; a split puts every byte in front matter or body")
    func splitDocument() throws {
        var rng = FTSplitMix64(seed: Self.seed("split"))
        let mutator = FTMutator(corpus: Self.documents.map(\.bytes))
        for _ in 0..<FTFuzzConfig.iterations(3000) {
            let input = mutator.mutate(rng.pick(Self.documents).bytes, &rng)
            let text = String(decoding: input, as: UTF8.self)
            FTFuzzConfig.dump("split", input)
            do {
                let split = try SplitDocument(text: text)
                let whole = Array(text.utf8)
                let body = Array(split.body.utf8)
                guard body.count <= whole.count, whole.suffix(body.count).elementsEqual(body) else {
                    Issue.record("the body is not the end of the file: \(Self.show(input))")
                    continue
                }
                if let yaml = split.yaml {
                    #expect(split.yamlFirstLine == 2)
                    #expect(split.bodyFirstLine >= 2)
                    #expect(whole.count >= yaml.utf8.count + body.count + 4, "front matter and body overlap: \(Self.show(input))")
                    #expect(text.hasPrefix("---"), "front matter without an opening '---': \(Self.show(input))")
                } else {
                    #expect(split.body == text)
                    #expect(split.bodyFirstLine == 1)
                }
            } catch {
                #expect(error.line >= 1 && error.column >= 1 && !error.message.isEmpty)
            }
        }
    }

    @Test("MarkdownOutline never crashes; headings and tables have sane positions")
    func markdownOutline() throws {
        var rng = FTSplitMix64(seed: Self.seed("markdown"))
        let corpus = Self.documents.map(\.bytes) + Self.templates.map(\.bytes)
        let mutator = FTMutator(corpus: corpus)
        for _ in 0..<FTFuzzConfig.iterations(5000) {
            let input = mutator.mutate(rng.pick(corpus), &rng)
            let firstLine = 1 + rng.below(rng.chance(50) ? 5 : 100_000)
            FTFuzzConfig.dump("markdown", input)
            let outline = MarkdownOutline(markdown: String(decoding: input, as: UTF8.self), firstLine: firstLine)
            for h in outline.headings where !(1...6).contains(h.level) || h.line < firstLine || h.column < 1 {
                Issue.record("heading out of range (first line \(firstLine)): \(h) in \(Self.show(input))")
            }
            for t in outline.tables {
                if let index = t.headingIndex, !outline.headings.indices.contains(index) {
                    Issue.record("table under a heading that does not exist: \(index) in \(Self.show(input))")
                }
                if t.line < firstLine { Issue.record("table line \(t.line) before the first line \(firstLine)") }
                for cell in t.header + t.rows.flatMap({ $0 }) where cell.line < firstLine || cell.column < 1 {
                    Issue.record("cell out of range: \(cell) in \(Self.show(input))")
                }
            }
        }
    }

    // MARK: Templates

    @Test("Template(path:text:) never crashes; it parses or throws diagnostics on the template")
    func templates() throws {
        var rng = FTSplitMix64(seed: Self.seed("templates"))
        let mutator = FTMutator(corpus: Self.templates.map(\.bytes))
        var parsed = 0
        let seen = FTSeen()
        let iterations = FTFuzzConfig.iterations(2000)
        for i in 0..<iterations {
            let file = i < Self.templates.count ? Self.templates[i] : rng.pick(Self.templates)
            let input = i < Self.templates.count ? file.bytes : mutator.mutate(file.bytes, &rng)
            let path = "templates/\(file.name)"
            FTFuzzConfig.dump("template", input)
            do {
                let template = try Template(path: path, text: String(decoding: input, as: UTF8.self))
                parsed += 1
                #expect((2...8).contains(template.code.count), "code '\(template.code)' accepted: \(Self.show(input))")
                #expect(!template.folder.hasPrefix("/") && !template.folder.split(separator: "/").contains(".."),
                        "folder '\(template.folder)' accepted: \(Self.show(input))")
                #expect(template.type == (file.name as NSString).deletingPathExtension)
                // A parsed template's own skeleton must read without crashing.
                let skeleton = "---\nid: ALPHA-\(template.code)-0001\ntype: \(template.type)\ntitle: T\n---\n" + template.skeletonBody
                let read = DocumentReader.read(
                    path: template.documentPath(id: "ALPHA-\(template.code)-0001"), bytes: Array(skeleton.utf8),
                    template: template, expectedID: nil)
                if let document = read.document {
                    _ = Validator(template: template, context: Self.context, complete: true).validate(document, attachments: ["x.pdf"])
                }
            } catch {
                #expect(!error.diagnostics.isEmpty, "an empty DiagnosticList for \(Self.show(input))")
                Self.expectWellFormed(error.diagnostics, path: path, lineCount: Self.lineCount(input), input: input, seen: seen)
                #expect(error.hasErrors)
            }
        }
        #expect(parsed > Self.templates.count / 2, "the corpus templates should mostly parse")
    }

    // MARK: Records

    @Test("Record.parse never crashes; it parses or throws a Folio error naming the line")
    func records() throws {
        var rng = FTSplitMix64(seed: Self.seed("records"))
        let mutator = FTMutator(corpus: Self.records.map(\.bytes))
        for i in 0..<FTFuzzConfig.iterations(8000) {
            let input = i < Self.records.count ? Self.records[i].bytes : mutator.mutate(rng.pick(Self.records).bytes, &rng)
            let path = ".folio/records/ALPHA-RSK-0001.jsonl"
            FTFuzzConfig.dump("record", input)
            do {
                let record = try Record.parse(input, path: path)
                #expect(record.events.count == record.lines.count)
                for line in record.lines where line.contains("\n") { Issue.record("a record line with a newline: \(line.debugDescription)") }
                // Appending to what parsed gives a record that parses again, one event longer.
                if let first = record.events.first {
                    let grown = record.appending(first)
                    let again = try Record.parse(grown, path: path)
                    #expect(again.events.count == record.events.count + 1, "\(Self.show(input))")
                }
            } catch let error as FolioError {
                #expect(error.description.hasPrefix(path + ":"), "the error names the file: \(error)")
            } catch {
                Issue.record("Record.parse threw a non-Folio error \(type(of: error)): \(error)\ninput: \(Self.show(input))")
            }
        }
    }

    @Test("RecordEvent lines round-trip: a parsed event writes the bytes it was read from")
    func recordRoundTrip() throws {
        var rng = FTSplitMix64(seed: Self.seed("record-lines"))
        let kinds = RecordEvent.Kind.allCases
        let strings = ["", "a", "é", "\"", "\\", "/", "\n", "\u{0}", "\u{1F}", "💥", "\u{2028}", "<script>", "a b", "x\ty", "\u{FEFF}"]
        for _ in 0..<FTFuzzConfig.iterations(3000) {
            func text() -> String { (0..<rng.below(4)).map { _ in rng.pick(strings) }.joined() }
            let event = RecordEvent(
                event: rng.pick(kinds), document: text(), revision: text(), fingerprint: text(), actor: text(), name: text(),
                at: text(), role: rng.chance(50) ? text() : nil, meaning: rng.chance(50) ? text() : nil,
                comment: rng.chance(50) ? text() : nil, by: rng.chance(20) ? text() : nil, signature: rng.chance(20) ? text() : nil)
            let line = event.line
            #expect(!line.contains("\n"), "a record line must be one line: \(line.debugDescription)")
            let record = try Record.parse(Array(line.utf8) + [0x0A], path: "r.jsonl")
            #expect(record.events == [event])
            #expect(record.lines == [line])
        }
    }

    // MARK: folio.yml

    @Test("ProjectConfig.parse never crashes; it parses or throws a Folio error")
    func projectConfig() throws {
        var rng = FTSplitMix64(seed: Self.seed("config"))
        let mutator = FTMutator(corpus: Self.configs.map(\.bytes))
        var parsed = 0
        let iterations = FTFuzzConfig.iterations(4000)
        for i in 0..<iterations {
            let input = i < Self.configs.count ? Self.configs[i].bytes : mutator.mutate(rng.pick(Self.configs).bytes, &rng)
            FTFuzzConfig.dump("config", input)
            do {
                let config = try ProjectConfig.parse(input)
                parsed += 1
                let code = config.project.code
                #expect((2...16).contains(code.count) && code.allSatisfy { $0.isASCII }, "project code '\(code)' accepted")
                #expect(Set(config.people.map { $0.email.lowercased() }).count == config.people.count)
                // Formatting an ID with the parsed pattern never crashes.
                _ = DocumentID.problem(config.numbering.format(project: code, code: "RSK", type: "risk-register", seq: rng.below(100_000)))
            } catch let error as FolioError {
                #expect(!error.description.isEmpty)
                #expect(error.exitCode == 2, "an unreadable folio.yml is exit 2: \(error)")
            } catch {
                Issue.record("ProjectConfig.parse threw a non-Folio error \(type(of: error)): \(error)\ninput: \(Self.show(input))")
            }
        }
        #expect(parsed > 0)
    }

    // MARK: Numbering and IDs

    @Test("NumberingPattern never crashes; IDs it formats parse back to their sequence number")
    func numbering() throws {
        var rng = FTSplitMix64(seed: Self.seed("numbering"))
        let seeds = FTCorpus.lines("numbering-patterns.txt")
        #expect(!seeds.isEmpty)
        let mutator = FTMutator(corpus: seeds.map { Array($0.utf8) })
        for i in 0..<FTFuzzConfig.iterations(20_000) {
            let pattern = i < seeds.count ? seeds[i] : mutator.mutateString(rng.pick(seeds), &rng)
            FTFuzzConfig.dump("numbering", Array(pattern.utf8))
            let numbering: NumberingPattern
            do {
                numbering = try NumberingPattern(pattern)
            } catch let error as FolioError {
                #expect(!error.description.isEmpty)
                continue
            } catch {
                Issue.record("NumberingPattern threw a non-Folio error \(type(of: error)): \(error) for \(pattern.debugDescription)")
                continue
            }
            let seq = rng.below(rng.chance(50) ? 10_000 : Int(Int32.max))
            let id = numbering.format(project: "ALPHA", code: "RSK", type: "risk-register", seq: seq)
            _ = DocumentID.problem(id)
            // A digit right after {seq} makes the number ambiguous; otherwise it must round-trip.
            if let after = numbering.parts.firstIndex(where: { if case .seq = $0 { true } else { false } }).map({ $0 + 1 }),
                after < numbering.parts.count, case .literal(let s) = numbering.parts[after], s.first?.isNumber == true
            {
                continue
            }
            let back = numbering.sequence(of: id, project: "ALPHA", code: "RSK", type: "risk-register")
            #expect(back == seq, "pattern \(pattern.debugDescription): \(id) parses back as \(String(describing: back)), not \(seq)")
        }
    }

    @Test("DocumentID.problem accepts only safe IDs")
    func documentIDs() throws {
        var rng = FTSplitMix64(seed: Self.seed("ids"))
        let seeds = FTCorpus.lines("ids.txt")
        #expect(!seeds.isEmpty)
        let mutator = FTMutator(corpus: seeds.map { Array($0.utf8) })
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-".unicodeScalars)
        let reserved = Set(["CON", "PRN", "AUX", "NUL"] + (1...9).flatMap { ["COM\($0)", "LPT\($0)"] })
        for i in 0..<FTFuzzConfig.iterations(30_000) {
            let id = i < seeds.count ? seeds[i] : mutator.mutateString(rng.pick(seeds), &rng)
            FTFuzzConfig.dump("id", Array(id.utf8))
            guard DocumentID.problem(id) == nil else { continue }
            let stem = id.split(separator: ".").first.map { String($0).uppercased() } ?? ""
            let safe = !id.isEmpty && id.unicodeScalars.count <= 100 && id.unicodeScalars.allSatisfy(allowed.contains)
                && !id.contains("..") && !id.hasPrefix(".") && !id.hasPrefix("-") && !reserved.contains(stem)
            #expect(safe, "DocumentID.problem accepted \(id.debugDescription)")
        }
    }

    // MARK: Known crashers, run in a child process

    /// A managed repository whose risk register holds each crashing input in
    /// turn; `folio check` must answer (exit 0, 1 or 2) instead of crashing.
    @Test("inputs that crashed folio before are checked without a crash", arguments: FTCorpus.files("crashes").map(\.name))
    func knownCrashers(_ name: String) throws {
        guard let input = FTCorpus.files("crashes").first(where: { $0.name == name }) else { return }
        let repo = try TestRepo.managed()
        let doc = try repo.newDocument("risk-register", title: "Register")
        var bytes = input.bytes
        if name.hasPrefix("unclosed-front-matter") {
            // The recorded input is the pattern; the hang it found needs it large
            // (well under the 10 MiB limit): about 1 MiB of lines.
            let tail = bytes.dropFirst(4)
            while bytes.count < 1024 * 1024 { bytes += tail }
        }
        try repo.write(doc.path, Data(bytes))
        // A watchdog, not a timing assertion: a hang is ended so the test can fail.
        let sandboxRoot = repo.sandbox.root.path
        let child = try FTChild(
            try Tools.requireFolio(), ["check", doc.path], in: repo.path, environment: repo.sandbox.environment(as: .alice),
            scratch: sandboxRoot)
        let watchdog = DispatchWorkItem { child.kill() }
        DispatchQueue.global().asyncAfter(deadline: .now() + 120, execute: watchdog)
        let r = child.wait()
        watchdog.cancel()
        #expect(r.signal == nil, "folio check crashed or hung (killed by the 120 s watchdog) on corpus/crashes/\(name):\n\(r)")
        if let code = r.exitCode {
            #expect([0, 1, 2].contains(code), "\(r)")
            #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("Backtrac"), "\(r)")
        }
    }
}
