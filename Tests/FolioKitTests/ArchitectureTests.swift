import Foundation
import FolioKit
import Testing

/// The layers the compiler enforces (Package.swift) and the rules it cannot
/// see: only the git layer touches libgit2, and no public API hands out a
/// pointer. Also the bugs that came from one idea living in two places.
@Suite("Architecture: layers, one context, one of each idea", .wide)
struct ArchitectureTests {
    /// Swift source files under `Sources/<target>`, with their text.
    static func sources(_ target: String) throws -> [(path: String, text: String)] {
        let root = Tools.packageRoot.appendingPathComponent("Sources/\(target)").path
        let files = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []
        return try files.filter { $0.hasSuffix(".swift") }.sorted().map {
            ("Sources/\(target)/\($0)", try String(contentsOfFile: root + "/" + $0, encoding: .utf8))
        }
    }

    static let targets = ["FolioGit", "FolioModel", "FolioKit", "FolioCLI", "folio"]

    @Test("only FolioGit imports CGit2; each target imports only the layers under it")
    func imports() throws {
        let allowed: [String: Set<String>] = [
            "FolioGit": ["CGit2"],
            "FolioModel": ["FolioGit", "CCmarkGFM", "Yams"],
            "FolioKit": ["FolioGit", "FolioModel", "Yams", "CSV"],
            "FolioCLI": ["FolioGit", "FolioModel", "FolioKit", "ArgumentParser"],
            "folio": ["FolioCLI"],
        ]
        let system: Set<String> = ["Foundation", "Glibc", "Darwin", "Dispatch", "Synchronization"]
        var seen = 0
        for target in Self.targets {
            for (path, text) in try Self.sources(target) {
                for line in text.split(separator: "\n") where line.hasPrefix("import ") || line.hasPrefix("@_exported import ") {
                    let module = String(line.split(separator: " ").last ?? "")
                    seen += 1
                    #expect(system.contains(module) || allowed[target]!.contains(module),
                            "\(path) imports \(module), which is not under \(target)")
                }
            }
        }
        #expect(seen > 50, "the import scan found too few imports (\(seen)): are the sources where it looks?")
    }

    @Test("no public or package declaration of FolioGit or FolioKit exposes a pointer")
    func noPointersInAPI() throws {
        let pointer = try NSRegularExpression(pattern: "\\b(OpaquePointer|Unsafe(Mutable)?(Raw)?(Buffer)?Pointer|git_[a-z_]+)\\b")
        var declarations = 0
        for target in ["FolioGit", "FolioModel", "FolioKit"] {
            for (path, text) in try Self.sources(target) {
                for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                    let line = raw.trimmingCharacters(in: .whitespaces)
                    guard line.hasPrefix("public ") || line.hasPrefix("package ") || line.hasPrefix("open ") else { continue }
                    declarations += 1
                    // The declaration itself (its type), not its body or initial value.
                    let head = String(line.prefix { $0 != "{" }).components(separatedBy: " = ")[0]
                    let found = pointer.firstMatch(in: head, range: NSRange(head.startIndex..., in: head)) != nil
                    #expect(!found, "\(path):\(n + 1) exposes a pointer: \(line)")
                }
            }
        }
        #expect(declarations > 200, "too few public declarations seen (\(declarations))")
    }

    @Test("the library reads no process globals: folder, environment and streams come from the context")
    func noProcessGlobals() throws {
        let globals = ["ProcessInfo.processInfo.environment", "currentDirectoryPath", "FileHandle.standardOutput",
                       "FileHandle.standardError", "FileHandle.standardInput", "CommandLine.arguments"]
        for target in ["FolioGit", "FolioModel", "FolioKit", "FolioCLI"] {
            for (path, text) in try Self.sources(target) where !path.hasSuffix("Context/FolioContext.swift") {
                for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                    if line.trimmingCharacters(in: .whitespaces).hasPrefix("//") { continue }
                    for g in globals where line.contains(g) {
                        // The executable's entry point builds the process context; nothing else may.
                        if path == "Sources/FolioCLI/Folio.swift" && g == "CommandLine.arguments" { continue }
                        Issue.record("\(path):\(n + 1) reads \(g)")
                    }
                    let printsDirectly = line.contains(" print(") && !line.contains("func print(")
                    #expect(!printsDirectly, "\(path):\(n + 1) prints to the process's stdout: \(line)")
                }
            }
        }
    }

    @Test("in-process and process runs of a command agree (status, stdout, stderr)")
    func inProcessMatchesProcess() throws {
        let repo = try TestRepo.managed()
        _ = try repo.newDocument("risk-register", title: "Register")
        for args in [["ls"], ["ls", "--format", "json"], ["status", "ALPHA-RSK-0001"], ["show", "NOPE-1"], ["--version"],
                     ["frobnicate"], ["check"], ["templates"]] {
            let a = try repo.folio(args)
            let b = try repo.folioProcess(args)
            #expect(a.status == b.status, "\(args): \(a) vs \(b)")
            #expect(a.stdout == b.stdout, "\(args): \(a) vs \(b)")
            #expect(a.stderr == b.stderr, "\(args): \(a) vs \(b)")
        }
    }

    @Test("regression: a line added to .folio/records/README.md is not a record change (pre-commit accepts it)")
    func recordsReadmeIsNotARecord() throws {
        let repo = try TestRepo.managed()
        let readme = ".folio/records/README.md"
        #expect(repo.exists(readme))
        try repo.write(readme, try repo.read(readme) + "\nA note from the document controller.\n")
        try repo.git("add", readme)
        let head = try repo.head()
        // The hook git runs is the real folio binary.
        let r = try repo.gitAllowingFailure(["commit", "-q", "-m", "Note in the records README"])
        #expect(r.status == 0, "the pre-commit hook refused an innocent commit:\n\(r)")
        #expect(try repo.head() != head)
        // A real record rewritten by hand is still refused.
        let doc = try repo.newDocument("decision-log", title: "Decisions")
        let record = ".folio/records/\(doc.id).jsonl"
        try repo.write(record, "{\"forged\":true}\n")
        try repo.git("add", record)
        let refused = try repo.gitAllowingFailure(["commit", "-q", "-m", "Rewrite the record"])
        #expect(refused.status != 0, "a rewritten record was accepted:\n\(refused)")
        #expect(refused.stderr.contains("record.append-only"), "\(refused)")
    }

    @Test("regression: a title with a line break or escape sequence cannot forge rows in folio ls or status")
    func titlesCannotForgeRows() throws {
        let repo = try TestRepo.managed()
        let doc = try repo.newDocument("decision-log", title: "Decisions")
        let forged = "Decisions\\nALPHA-DEC-9999  decision-log  1.0  issued  mallory@example.com  2026-01-01  Forged\\u001b[31m"
        try repo.edit(doc.path, replacing: "title: Decisions", with: "title: \"\(forged)\"")
        try repo.git("commit", "-q", "--no-verify", "-am", "Hand-edited title")
        for args in [["ls"], ["status"], ["ls", "--format", "md"]] {
            let r = expectSuccess(try repo.folio(args))
            let lines = r.stdoutLines
            #expect(!lines.contains { $0.hasPrefix("ALPHA-DEC-9999") || $0.hasPrefix("| ALPHA-DEC-9999") }, "\(args) forged a row:\n\(r)")
            #expect(!r.stdout.contains("\u{1B}"), "\(args) printed a raw escape sequence:\n\(r)")
            #expect(lines.filter { $0.contains(doc.id) }.count == 1, "\(args):\n\(r)")
        }
        let csv = expectSuccess(try repo.folio("ls", "--format", "csv"))
        #expect(csv.stdout.split(separator: "\r\n").count == 2, "CSV keeps the title in one quoted field:\n\(csv)")
    }
}

/// The one JSON writer: `JSONFormat` (listings) writes through `JSONValue`
/// (reports), and must mean what Foundation's `JSONEncoder` means.
@Suite("One JSON writer", .wide)
struct JSONWriterTests {
    struct Inner: Codable, Equatable { let name: String; let tags: [String]; let big: UInt64; let small: Int8 }
    struct Sample: Codable, Equatable {
        let title: String
        let count: Int
        let ratio: Double
        let single: Float
        let wide: Int64
        let flag: Bool
        let missing: String?
        let present: String?
        let items: [Inner]
        let nested: [[Int]]
        let table: [String: Int]
        let empty: [String]
        let path: String
    }

    static let samples = [
        Sample(title: "Line\nbreak \"quoted\" \\ tab\t \u{1B}[31m é 漢字 \u{2028}", count: -3, ratio: 0.25, single: 1.5,
               wide: 9_007_199_254_740_993, flag: true, missing: nil, present: "here", items: [
                   Inner(name: "a", tags: [], big: UInt64.max, small: -128), Inner(name: "", tags: ["x", "y"], big: 0, small: 127),
               ], nested: [[1, 2], [], [3]], table: ["z": 1, "a": 2, "m": 3], empty: [], path: "docs/a/b.md"),
        Sample(title: "", count: 0, ratio: 1e-9, single: 0, wide: -1, flag: false, missing: nil, present: nil, items: [],
               nested: [], table: [:], empty: [], path: "/"),
    ]

    @Test("pretty and compact output parse to what JSONEncoder's does, keys sorted", arguments: samples.indices)
    func sameMeaning(index: Int) throws {
        let sample = Self.samples[index]
        let foundation = try JSONEncoder().encode(sample)
        let expected = try JSONSerialization.jsonObject(with: foundation) as? NSDictionary
        for text in [try JSONFormat.pretty(sample), try JSONFormat.compact(sample)] {
            if (try? JSONSerialization.jsonObject(with: Data(text.utf8))) == nil { Issue.record("not JSON: \(text)") }
            let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? NSDictionary
            #expect(parsed == expected, "\(text)")
            // Decodes back to the same value.
            #expect(try JSONDecoder().decode(Sample.self, from: Data(text.utf8)) == sample)
        }
        let pretty = try JSONFormat.pretty(sample)
        let keys = pretty.split(separator: "\n").filter { $0.hasPrefix("  \"") }.map { $0.split(separator: "\"")[1] }
        #expect(keys == keys.sorted(), "top-level keys in order: \(keys)")
        #expect(!pretty.contains("\"missing\""), "nil optionals are left out")
        #expect(!pretty.contains("\u{1B}") && !pretty.contains("\u{2028}"), "control characters are escaped")
        #expect(!(try JSONFormat.compact(sample)).contains("\n"))
    }

    @Test("a number JSON cannot hold is an error, not output")
    func nonFinite() {
        struct Bad: Encodable { let x = Double.nan }
        #expect(throws: EncodingError.self) { try JSONFormat.pretty(Bad()) }
    }
}

extension JSONWriterTests {
    @Test("a streamed listing is the same text as the listing written whole", arguments: [0, 1, 2, 3000])
    func streamingIsTheSame(count: Int) throws {
        let rows = (0..<count).map { i in Self.samples[i % Self.samples.count] }
        var streamed = ""
        var pieces = 0
        try JSONFormat.pretty(streaming: rows) { streamed += $0; pieces += 1 }
        #expect(streamed == (try JSONFormat.pretty(rows)))
        if count == 3000 { #expect(pieces > 1, "a large listing is written in pieces") }
    }
}
