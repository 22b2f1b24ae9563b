import Foundation
@testable import FolioKit
import Testing

/// Found by trying to break the layered build, the caches and the register:
/// each a regression test.
@Suite("Robustness: caches, Unicode paths, commits after long messages", .wide)
struct RobustnessTests {
    @Test("a write after a commit with a long message records the right parent (fsck clean)")
    func longMessageParent() throws {
        let repo = try TestRepo.managed()
        try repo.git("commit", "-q", "--allow-empty", "--no-verify", "-m", String(repeating: "M", count: 5000))
        for _ in 0..<3 {
            let head = try repo.head()
            let doc = try repo.newDocument("issue-log", title: "Issues")
            let parent = try repo.git("rev-parse", "HEAD^").trimmed
            #expect(parent == head, "the new commit's parent is \(parent), not \(head)")
            try expectFsckClean(repo)
            try repo.git("commit", "-q", "--allow-empty", "--no-verify", "-m", String(repeating: "N", count: 9000) + doc.id)
        }
        expectSuccess(try repo.folio("verify"))
    }

    @Test("two folders whose names differ only in Unicode normal form are two folders (register, check, attachments)")
    func normalFormsAreDistinct() throws {
        let repo = try TestRepo.managed()
        let doc = try repo.newDocument("decision-log", title: "Decisions")
        let folder = "docs/decision-log/\(doc.id)"
        let nfd = "Cafe\u{301}", nfc = "Caf\u{E9}"
        try repo.write("\(folder)/\(nfd)/plan.pdf", "ok\n")
        try repo.write("\(folder)/\(nfc)/minutes.pdf", "also\n")
        try repo.git("add", "-A")
        try repo.git("commit", "-q", "--no-verify", "-m", "Two Café folders")
        let listed = try #require(expectSuccess(try repo.folio("ls", "--format", "json")).jsonArray)
        let attachments = try #require(listed.first { $0["id"] as? String == doc.id }?["attachments"] as? [String])
        // Compare bytes: Swift's == would call the two names equal.
        let bytes = Set(attachments.map { Array($0.utf8) })
        #expect(bytes == Set(["\(nfd)/plan.pdf", "\(nfc)/minutes.pdf"].map { Array($0.utf8) }), "\(attachments)")
        // The same again from the register cache.
        let again = try #require(expectSuccess(try repo.folio("ls", "--format", "json")).jsonArray)
        let cached = try #require(again.first { $0["id"] as? String == doc.id }?["attachments"] as? [String])
        #expect(Set(cached.map { Array($0.utf8) }) == bytes)
    }

    @Test("a cache file that is huge, a folder or a FIFO is ignored: same output, no hang, no allocation of its size")
    func damagedCacheFiles() throws {
        let repo = try TestRepo.managed()
        _ = try repo.newDocument("risk-register", title: "Risks")
        let expected = expectSuccess(try repo.folio("ls", "--format", "json")).stdout
        let history = expectSuccess(try repo.folio("report", "history", "--format", "csv")).stdout
        for name in ["register", "history-index"] {
            let path = repo.file(".git/folio/\(name)")
            // A sparse file of 3 GiB: reading it whole would take 3 GiB.
            try? FileManager.default.removeItem(atPath: path)
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle.truncate(atOffset: 3 << 30)
            try handle.close()
            #expect(expectSuccess(try repo.folio("ls", "--format", "json")).stdout == expected, "\(name) huge")
            #expect(expectSuccess(try repo.folio("report", "history", "--format", "csv")).stdout == history, "\(name) huge")
            try FileManager.default.removeItem(atPath: path)
            #expect(mkfifo(path, 0o644) == 0)
            // A FIFO nobody writes to: opening it for reading must not block.
            #expect(expectSuccess(try repo.folio("ls", "--format", "json")).stdout == expected, "\(name) FIFO")
            #expect(expectSuccess(try repo.folio("report", "history", "--format", "csv")).stdout == history, "\(name) FIFO")
            try FileManager.default.removeItem(atPath: path)
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
            #expect(expectSuccess(try repo.folio("ls", "--format", "json")).stdout == expected, "\(name) folder")
            try FileManager.default.removeItem(atPath: path)
        }
    }

    @Test("the template cache keeps a bounded number of files")
    func templateCacheIsBounded() throws {
        let repo = try TestRepo.managed()
        let template = "templates/decision-log.md"
        for i in 0..<24 {
            try repo.write(template, try repo.read(template) + "\n<!-- edit \(i) -->\n")
            expectSuccess(try repo.folio("check"))
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: repo.file(".git/folio/templates"))
        #expect(files.count <= 16, "\(files.count) cache files")
    }
}

extension RobustnessTests {
    @Test("status ID and templates show print titles and names escaped: no ESC, NUL or bidi override reaches the terminal")
    func humanOutputIsEscaped() throws {
        let repo = try TestRepo.managed()
        let doc = try repo.newDocument("decision-log", title: "Decisions")
        try repo.edit(doc.path, replacing: "title: Decisions", with: "title: \"Deci\\u202Esions\\e[31m red\\u2028line\"")
        try repo.git("commit", "-q", "--no-verify", "-am", "Hostile title")
        let template = "templates/decision-log.md"
        try repo.edit(template, replacing: "name: ", with: "name: \"\\e]0;owned\\a\" # ")
        try repo.git("commit", "-q", "--no-verify", "-am", "Hostile template name")
        for args in [["status", doc.id], ["templates", "show", "decision-log"], ["templates"], ["ls"], ["status"]] {
            let r = try repo.folio(args)
            expectNoCrash(r)
            for bad in ["\u{1B}", "\u{202E}", "\u{2028}", "\u{07}"] {
                #expect(!r.stdout.contains(bad), "\(args) printed U+\(String(bad.unicodeScalars.first!.value, radix: 16)):\n\(r)")
            }
        }
    }
}

extension RobustnessTests {
    @Test("a document saved with CRLF line endings: diff, log, show and the change history work; renumber keeps CRLF")
    func crlfDocument() throws {
        let repo = try TestRepo.managed()
        let doc = try repo.newDocument("decision-log", title: "Decisions")
        let lf = try repo.read(doc.path)
        let crlf = lf.replacingOccurrences(of: "\n", with: "\r\n")
        try repo.write(doc.path, crlf + "\r\n## Notes\r\n\r\nSaved on Windows.\r\n")
        expectSuccess(try repo.folio("checkin", doc.id, "-m", "Saved on Windows"))
        for args in [["diff", doc.id], ["diff", doc.id, "--format", "json"], ["log", doc.id], ["show", doc.id],
                     ["report", "history", doc.id], ["report", "history", doc.id, "--format", "json"], ["check", doc.path]] {
            let r = try repo.folio(args)
            expectNoCrash(r)
            #expect(r.status == 0, "\(args):\n\(r)")
        }
        let history = try repo.folio("report", "history", doc.id)
        #expect(history.stdout.contains("Notes added"), "the section added in the CRLF file is seen:\n\(history)")
        // renumber's rewrite of the id line keeps the file's line endings.
        let renumbered = try Renumber.replacingID(Array(crlf.utf8), from: doc.id, to: "ALPHA-DEC-0042")
        let text = String(decoding: renumbered, as: UTF8.self)
        #expect(text.contains("id: ALPHA-DEC-0042\r\n"), "\(text.prefix(200))")
        #expect(!text.contains(doc.id))
        #expect(text.replacingOccurrences(of: "\r\n", with: "").contains("\n") == false, "every line still ends in CRLF")
    }
}

extension RobustnessTests {
    @Test("report -o to a device or a FIFO writes to it and never replaces it with a file")
    func outputToSpecialFiles() throws {
        let repo = try TestRepo.managed()
        _ = try repo.newDocument("risk-register", title: "Risks")
        for report in ["register", "approvals", "history"] {
            expectSuccess(try repo.folio("report", report, "-o", "/dev/null"))
            var st = stat()
            #expect(stat("/dev/null", &st) == 0 && (st.st_mode & S_IFMT) == S_IFCHR, "/dev/null is still a device after report \(report)")
        }
        // A FIFO with a reader: the report arrives through it.
        let fifo = repo.sandbox.path("report.fifo")
        #expect(mkfifo(fifo, 0o644) == 0)
        let reader = try repo.sandbox.start("/bin/cat", [fifo], in: repo.path)
        expectSuccess(try repo.folio("report", "register", "--format", "csv", "-o", fifo))
        let read = try reader.wait()
        #expect(read.stdout.contains("Risks"), "\(read)")
        var st = stat()
        #expect(stat(fifo, &st) == 0 && (st.st_mode & S_IFMT) == S_IFIFO, "the FIFO is still a FIFO")
        // A regular file still appears whole, by rename.
        expectSuccess(try repo.folio("report", "register", "-o", "register.txt"))
        #expect(try repo.read("register.txt").contains("Risks"))
    }
}

extension RobustnessTests {
    @Test("an unresolved merge conflict in a document is an error on its line; a heading underline is not")
    func conflictMarkers() throws {
        let repo = try TestRepo.managed()
        let doc = try repo.newDocument("decision-log", title: "Decisions")
        let text = try repo.read(doc.path)
        let conflicted = text + "\n<<<<<<< HEAD\nOur wording.\n=======\nTheir wording.\n>>>>>>> feature\n"
        try repo.write(doc.path, conflicted)
        let line = conflicted.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix("<<<<<<<") }! + 1
        let r = expectFailure(try repo.folio("check", doc.path), exit: [1], rule: "text.conflict")
        #expect(diagnostics(in: r.stdout + r.stderr).contains { $0.rule == "text.conflict" && $0.line == line }, "\(r)")
        expectFailure(try repo.folio("checkin", doc.id), exit: [1, 2], mentioning: ["conflict"])
        // A setext heading underline alone is Markdown, not a conflict.
        try repo.write(doc.path, text + "\nA heading\n=======\n\nText.\n")
        let ok = try repo.folio("check", doc.path)
        #expect(!ok.output.contains("text.conflict"), "\(ok)")
    }

    @Test("a front matter closing line with trailing blanks gets a precise diagnostic on that line")
    func closingLineWithBlanks() throws {
        let repo = try TestRepo.managed()
        let doc = try repo.newDocument("decision-log", title: "Decisions")
        var lines = try repo.read(doc.path).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let close = try #require(lines.dropFirst().firstIndex(of: "---"))
        lines[close] = "--- \t"
        try repo.write(doc.path, lines.joined(separator: "\n"))
        let r = expectFailure(try repo.folio("check", doc.path), exit: [1])
        let found = diagnostics(in: r.stdout + r.stderr)
        #expect(found.contains { $0.line == close + 1 && $0.message.contains("blanks after '---'") }, "\(r)")
        #expect(!r.output.contains("never closed"), "\(r)")
    }
}
