import Foundation
import Testing

/// `folio verify`: a clean history passes; each kind of tampering, committed
/// with plain `git commit --no-verify`, is found with its rule, commit and document.
@Suite("Verify: the history audit catches tampering", .wide)
struct VerifyTests {

    /// verify exits 1, `ok` is false, and one finding has this rule, document and commit.
    @discardableResult
    func expectFinding(_ repo: LCRepo, rule: String, document: String, commit: String,
                       sourceLocation: SourceLocation = #_sourceLocation) throws -> [[String: Any]] {
        let v = try repo.verify(sourceLocation: sourceLocation)
        #expect(v.status == 1, "verify must exit 1 on a finding:\n\(v.result)", sourceLocation: sourceLocation)
        #expect(v.report["ok"] as? Bool == false, "\(v.result)", sourceLocation: sourceLocation)
        let findings = repo.findings(v.report)
        for f in findings {
            for key in ["rule", "message", "commit", "document"] {
                #expect(f[key] is String, "finding lacks \(key): \(f)", sourceLocation: sourceLocation)
            }
        }
        let match = findings.first { f in
            let c = f["commit"] as? String ?? ""
            return f["rule"] as? String == rule && f["document"] as? String == document
                && (c == commit || (c.count >= 7 && commit.hasPrefix(c)))
        }
        #expect(match != nil, "no '\(rule)' finding for \(document) at \(commit):\n\(v.result)", sourceLocation: sourceLocation)
        let message = match?["message"] as? String ?? ""
        #expect(!message.isEmpty, "a finding says what is wrong", sourceLocation: sourceLocation)
        return findings
    }

    static func now() -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: Date())
    }

    /// An approval event for `id` by dave as pm, for the content its last
    /// submission names, as a dictionary (unsigned).
    func forgedApproval(_ repo: LCRepo, _ id: String) throws -> [String: Any] {
        let submitted = try repo.recordEvents(id).last { $0["event"] as? String == "submitted" } ?? [:]
        return [
            "actor": "dave@example.com", "at": Self.now(), "document": id, "event": "approved",
            "fingerprint": submitted["fingerprint"] as? String ?? "", "meaning": "approval", "name": "Dave Diaz",
            "revision": submitted["revision"] as? String ?? "", "role": "pm",
        ]
    }

    // MARK: clean

    @Test("a clean history verifies: ok true, no findings, exit 0")
    func cleanHistory() throws {
        let repo = try LCRepo()
        let charter = try repo.newCharter()
        try repo.ok("submit", charter)
        try repo.ok("approve", charter, "--sign", "--key", repo.key(.bob), as: .bob)
        try repo.ok("approve", charter, "--sign", "--key", repo.key(.carol), as: .carol)
        try repo.ok("issue", charter)
        try repo.edit(repo.docPath(charter, type: "charter"), replacing: "priority: medium", with: "priority: high")
        try repo.ok("checkin", charter)
        let log = try repo.issuedDecisionLog(signed: true)
        let other = try repo.issuedDecisionLog(title: "Other log")
        try repo.ok("supersede", log, "--by", other)
        try repo.ok("withdraw", other, "--reason", "Not needed")
        let rejected = try repo.newDecisionLog(title: "Rejected log")
        try repo.ok("submit", rejected)
        try repo.ok("reject", rejected, "--comment", "Needs decisions", as: .dave)

        let v = try repo.verify()
        #expect(v.status == 0, "\(v.result)")
        #expect(v.report["ok"] as? Bool == true)
        #expect(repo.findings(v.report).isEmpty, "\(v.result)")
        #expect(v.report["findings"] is [Any], "findings is an array even when empty")
        #expect((v.report["signatures"] as? Int ?? 0) >= 3, "the signed approvals were checked:\n\(v.result)")
        // 6 charter events, 5 + 5 for the two logs, 3 for the rejected one.
        #expect(v.report["events"] as? Int == 19, "every record event was replayed:\n\(v.result)")
        let text = try repo.folio("verify")
        #expect(text.status == 0, "\(text)")
        try repo.expectFsck()
    }

    // MARK: tampering

    @Test("a hand-edited record line is found (record.rewritten)")
    func handEditedRecordLine() throws {
        let repo = try LCRepo()
        let id = try repo.issuedDecisionLog()
        try repo.expectVerifies()
        var lines = try repo.recordLines(id)
        let index = try #require(lines.firstIndex { $0.contains("\"event\":\"approved\"") })
        lines[index] = lines[index].replacingOccurrences(of: "\"name\":\"Dave Diaz\"", with: "\"name\":\"Carol Chen\"")
        #expect(lines[index].contains("Carol Chen"))
        try repo.write(repo.recordPath(id), lines.map { $0 + "\n" }.joined())
        let commit = try repo.commitNoVerify("Fix a name")
        try expectFinding(repo, rule: "record.rewritten", document: id, commit: commit)
        try repo.expectFsck()
    }

    @Test("a deleted record line is found (record.rewritten)")
    func deletedRecordLine() throws {
        let repo = try LCRepo()
        let id = try repo.issuedDecisionLog()
        let keep = try repo.issuedDecisionLog(title: "Untouched log")
        try repo.expectVerifies()
        var lines = try repo.recordLines(id)
        let index = try #require(lines.firstIndex { $0.contains("\"event\":\"approved\"") })
        lines.remove(at: index)
        try repo.write(repo.recordPath(id), lines.map { $0 + "\n" }.joined())
        let commit = try repo.commitNoVerify("Tidy the record")
        let findings = try expectFinding(repo, rule: "record.rewritten", document: id, commit: commit)
        #expect(!findings.contains { $0["document"] as? String == keep }, "the untouched document has no finding")
        try repo.expectFsck()
    }

    @Test("an approval line copied from another document's record is found (event.copied), and does not count")
    func copiedApprovalLine() throws {
        let repo = try LCRepo()
        let target = try repo.newDecisionLog(title: "Target")
        let source = try repo.newDecisionLog(title: "Source")
        try repo.ok("submit", target)
        try repo.ok("submit", source)
        try repo.ok("approve", source, as: .dave)
        try repo.expectVerifies()

        let approval = try #require(try repo.recordLines(source).last { $0.contains("\"event\":\"approved\"") })
        try repo.appendRecord(target, [approval])
        let commit = try repo.commitNoVerify("Approval", as: .dave)
        let findings = try expectFinding(repo, rule: "event.copied", document: target, commit: commit)
        #expect(findings.contains { $0["rule"] as? String == "approval.copied" && $0["document"] as? String == target },
                "the fingerprint does not match the target's content either: \(findings)")
        // And folio does not issue on it.
        LCExpectRefused(try repo.folio("issue", target), mentioning: ["pm"])
        try repo.expectFsck()
    }

    @Test("a signature re-used on another event is found (signature.invalid)")
    func reusedSignature() throws {
        let repo = try LCRepo()
        let signedDoc = try repo.newDecisionLog(title: "Signed")
        let victim = try repo.newDecisionLog(title: "Victim")
        try repo.ok("submit", signedDoc)
        try repo.ok("submit", victim)
        try repo.ok("approve", signedDoc, "--sign", "--key", repo.key(.dave), as: .dave)
        try repo.expectVerifies()

        let signature = try #require(try repo.recordEvents(signedDoc).last?["signature"] as? String)
        var forged = try forgedApproval(repo, victim)
        forged["signature"] = signature
        try repo.appendRecord(victim, [compactJSON(forged)])
        let commit = try repo.commitNoVerify("Approve", as: .dave)
        let findings = try expectFinding(repo, rule: "signature.invalid", document: victim, commit: commit)
        #expect(!findings.contains { $0["document"] as? String == signedDoc }, "\(findings)")
        // Listings show the signature as not verified.
        let approval = LCApprovals(try repo.status(victim)).first
        #expect(approval?["signed"] as? Bool == true)
        #expect(approval?["verified"] as? Bool == false)
        try repo.expectFsck()
    }

    @Test("a document edited after issue with a plain git commit is found (issued.changed)")
    func editedAfterIssue() throws {
        let repo = try LCRepo()
        let id = try repo.issuedDecisionLog()
        try repo.expectVerifies()
        try repo.edit(repo.docPath(id, type: "decision-log"), replacing: "decision_forum: project-board",
                      with: "decision_forum: project-team")
        try repo.git("commit", "-q", "--no-verify", "-am", "Quick fix")
        let commit = try repo.head()
        try expectFinding(repo, rule: "issued.changed", document: id, commit: commit)
        try repo.expectFsck()
    }

    @Test("a key not in allowed_signers: refused by approve --sign, and a record line signed with it is found")
    func keyNotInAllowedSigners() throws {
        let repo = try LCRepo()
        try repo.makeKey("rogue")
        let control = try repo.newDecisionLog(title: "Control")
        let forgedDoc = try repo.newDecisionLog(title: "Forged")
        try repo.ok("submit", control)
        try repo.ok("submit", forgedDoc)

        // Refused up front.
        let before = try repo.head()
        LCExpectRefused(try repo.folio(["approve", forgedDoc, "--sign", "--key", repo.key("rogue")], as: .dave),
                        mentioning: ["allowed_signers"])
        #expect(try repo.head() == before)

        // Control: a hand-made line signed with dave's listed key over the
        // documented canonical text verifies cleanly.
        var good = try forgedApproval(repo, control)
        good["signature"] = try repo.sshSign(compactJSON(good) + "\n", key: "dave")
        try repo.appendRecord(control, [compactJSON(good)])
        try repo.commitNoVerify("Approve control", as: .dave)
        try repo.expectVerifies()

        // The same, signed with a key that is not in allowed_signers.
        var bad = try forgedApproval(repo, forgedDoc)
        bad["signature"] = try repo.sshSign(compactJSON(bad) + "\n", key: "rogue")
        try repo.appendRecord(forgedDoc, [compactJSON(bad)])
        let commit = try repo.commitNoVerify("Approve forged", as: .dave)
        let findings = try expectFinding(repo, rule: "signature.invalid", document: forgedDoc, commit: commit)
        #expect(!findings.contains { $0["document"] as? String == control }, "\(findings)")
        try repo.expectFsck()
    }

    @Test("an issued event added by hand without complete approvals is found (issue.unapproved)")
    func issuedWithoutApprovals() throws {
        let repo = try LCRepo()
        let id = try repo.newCharter()
        try repo.ok("submit", id)
        try repo.ok("approve", id, as: .bob)
        try repo.expectVerifies()

        let submitted = try repo.recordEvents(id).last { $0["event"] as? String == "submitted" } ?? [:]
        let issued: [String: Any] = [
            "actor": "alice@example.com", "at": Self.now(), "document": id, "event": "issued",
            "fingerprint": submitted["fingerprint"] as? String ?? "", "meaning": "release", "name": "Alice Adams",
            "revision": "1.0",
        ]
        try repo.appendRecord(id, [compactJSON(issued)])
        let commit = try repo.commitNoVerify("Issue")
        let findings = try expectFinding(repo, rule: "issue.unapproved", document: id, commit: commit)
        let message = findings.first { $0["rule"] as? String == "issue.unapproved" }?["message"] as? String ?? ""
        #expect(message.contains("pmo"), "the finding names the missing role: \(message)")
        try repo.expectFsck()
    }

    @Test("issued content changed in the same commit as a hand-appended event is found (issued.changed)")
    func issuedChangedUnderAnotherEvent() throws {
        let repo = try LCRepo()
        let withdrawn = try repo.issuedDecisionLog(title: "Withdrawn in the same commit")
        let resubmitted = try repo.issuedDecisionLog(title: "Submitted in the same commit")
        try repo.expectVerifies()

        // Withdrawn: the issued text is edited, and a withdrawal is appended in the same commit.
        try repo.edit(repo.docPath(withdrawn, type: "decision-log"), replacing: "decision_forum: project-board",
                      with: "decision_forum: project-team")
        let issuedEvent = try repo.recordEvents(withdrawn).last ?? [:]
        try repo.appendRecord(withdrawn, [compactJSON([
            "actor": "alice@example.com", "at": Self.now(), "comment": "Obsolete", "document": withdrawn, "event": "withdrawn",
            "fingerprint": issuedEvent["fingerprint"] as? String ?? "", "meaning": "withdrawal", "name": "Alice Adams",
            "revision": issuedEvent["revision"] as? String ?? "",
        ])])
        let first = try repo.commitNoVerify("Withdraw")

        // Submitted: the issued text is edited, and a submission of the new text is appended (no check-in).
        try repo.edit(repo.docPath(resubmitted, type: "decision-log"), replacing: "decision_forum: project-board",
                      with: "decision_forum: design-authority")
        try repo.git("add", "-A")
        let staged = try repo.git("write-tree").trimmed
        try repo.appendRecord(resubmitted, [compactJSON([
            "actor": "alice@example.com", "at": Self.now(), "document": resubmitted, "event": "submitted",
            "fingerprint": try repo.fingerprint(resubmitted, type: "decision-log", at: staged), "name": "Alice Adams",
            "revision": "1.0",
        ])])
        let second = try repo.commitNoVerify("Submit")

        let v = try repo.verify()
        #expect(v.status == 1, "\(v.result)")
        let findings = repo.findings(v.report)
        for (id, commit) in [(withdrawn, first), (resubmitted, second)] {
            let hit = findings.first {
                $0["document"] as? String == id && $0["commit"] as? String == commit
                    && ["issued.changed", "event.fingerprint"].contains($0["rule"] as? String ?? "")
            }
            #expect(hit != nil, "the issued content of \(id) was changed in place at \(commit) without a check-in, and verify did not report it:\n\(v.result)")
        }
        try repo.expectFsck()
    }

    @Test("the documented fingerprint recipe (docs/formats.md) reproduces the record's fingerprint")
    func documentedFingerprintRecipe() throws {
        let repo = try LCRepo()
        let id = try repo.issuedDecisionLog()
        let tag = "refs/tags/folio/\(id)/1.0"
        let recorded = try #require(try repo.recordEvents(id).last { $0["event"] as? String == "issued" }?["fingerprint"] as? String)
        // The definition, with git plumbing: matches.
        #expect(try repo.fingerprint(id, type: "decision-log", at: tag) == recorded)
        // The recipe exactly as docs/formats.md prints it.
        let recipe = "git ls-tree \(tag) docs/decision-log/ | sed 's|docs/decision-log/||' "
            + "| grep -E $'\\t\(id)(\\\\.md)?$' | git mktree"
        let r = try repo.run("/bin/bash", ["-c", recipe])
        #expect(r.trimmed == recorded, "the documented recipe gives \(r.trimmed), the record says \(recorded):\n\(recipe)\n\(r)")
        try repo.expectFsck()
    }

    // MARK: paths and unrecorded content

    @Test("a deleted or renamed document, and a moved record, are found (document.deleted, record.deleted)")
    func deletedDocumentsAndRecords() throws {
        let repo = try LCRepo()
        let deleted = try repo.issuedDecisionLog(title: "Deleted")
        let renamed = try repo.newDecisionLog(title: "Renamed")
        let moved = try repo.newDecisionLog(title: "Record moved")
        try repo.expectVerifies()
        try repo.git("rm", "-q", repo.docPath(deleted))
        let first = try repo.commitNoVerify("Remove")
        try repo.git("mv", repo.docPath(renamed), repo.docPath("ALPHA-DEC-0077"))
        let second = try repo.commitNoVerify("Rename")
        try repo.git("mv", repo.recordPath(moved), "notes.jsonl")
        let third = try repo.commitNoVerify("Move a record")
        try expectFinding(repo, rule: "document.deleted", document: deleted, commit: first)
        try expectFinding(repo, rule: "document.deleted", document: renamed, commit: second)
        try expectFinding(repo, rule: "record.deleted", document: moved, commit: third)
        try repo.expectFsck()
    }

    @Test("a symbolic link, an executable or a folder where a document or record belongs is found (file.irregular)")
    func irregularFiles() throws {
        let repo = try LCRepo()
        let id = try repo.issuedDecisionLog()
        let other = try repo.newDecisionLog(title: "Other")
        try repo.expectVerifies()
        let full = repo.path + "/" + repo.docPath(other)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: full)
        let executable = try repo.commitNoVerify("Executable")
        try FileManager.default.createDirectory(atPath: repo.path + "/docs/decision-log/\(id)",
                                                withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: repo.path + "/docs/decision-log/\(id)/key",
                                                   withDestinationPath: "/etc/ssh/ssh_host_ed25519_key")
        let link = try repo.commitNoVerify("Link")
        try repo.write(repo.recordPath("ALPHA-DEC-0088") + "/x.jsonl", "{}\n")
        let folder = try repo.commitNoVerify("Folder")
        try expectFinding(repo, rule: "file.irregular", document: other, commit: executable)
        try expectFinding(repo, rule: "file.irregular", document: id, commit: link)
        try expectFinding(repo, rule: "file.irregular", document: "ALPHA-DEC-0088", commit: folder)
        try repo.expectFsck()
    }

    @Test("a draft changed by a plain commit without a check-in is found (content.unrecorded)")
    func unrecordedDraftChange() throws {
        let repo = try LCRepo()
        let id = try repo.newDecisionLog()
        try repo.ok("submit", id)
        try repo.expectVerifies()
        try repo.edit(repo.docPath(id), replacing: "## Purpose\n", with: "## Purpose\n\nChanged in review.\n")
        let commit = try repo.commitNoVerify("Edit in review")
        let findings = try expectFinding(repo, rule: "content.unrecorded", document: id, commit: commit)
        #expect(findings.count == 1, "\(findings)")
        try repo.expectFsck()
    }

    @Test("a merge that keeps only its own side drops the other side's record lines and documents: found (record.rewritten, document.deleted)")
    func mergeDroppingTheOtherSide() throws {
        let repo = try LCRepo()
        let id = try repo.newDecisionLog()
        try repo.git("checkout", "-q", "-b", "side")
        try repo.ok("submit", id)
        let added = try repo.newDecisionLog(title: "Side log")
        try repo.git("checkout", "-q", "main")
        try repo.git("merge", "-q", "--no-ff", "-s", "ours", "-m", "Merge side, keeping main", "side")
        let merge = try repo.head()
        try expectFinding(repo, rule: "record.rewritten", document: id, commit: merge)
        try expectFinding(repo, rule: "document.deleted", document: added, commit: merge)
        try expectFinding(repo, rule: "record.deleted", document: added, commit: merge)
        try repo.expectFsck()
    }

    @Test("an issue tag on a commit that no branch holds is found (tag.unprotected)")
    func issueTagOffBranches() throws {
        let repo = try LCRepo()
        try repo.git("checkout", "-q", "-b", "side")
        let id = try repo.issuedDecisionLog()
        let tag = "refs/tags/folio/\(id)/1.0"
        let tagged = try repo.git("rev-parse", tag + "^{commit}").trimmed
        try repo.expectVerifies()
        try repo.git("checkout", "-q", "main")
        try repo.git("branch", "-q", "-D", "side")
        try expectFinding(repo, rule: "tag.unprotected", document: id, commit: tagged)
    }

    @Test("new content checked in by hand for a withdrawn document is found (retired.changed)")
    func checkinAfterWithdrawal() throws {
        let repo = try LCRepo()
        let id = try repo.issuedDecisionLog()
        try repo.ok("withdraw", id, "--reason", "Not needed")
        try repo.expectVerifies()
        try repo.edit(repo.docPath(id), replacing: "## Purpose\n", with: "## Purpose\n\nRevived.\n")
        LCExpectRefused(try repo.folio("checkin", id), mentioning: ["withdrawn"])
        try repo.git("add", "-A")
        let staged = try repo.git("write-tree").trimmed
        try repo.appendRecord(id, [compactJSON([
            "actor": "alice@example.com", "at": Self.now(), "document": id, "event": "checked-in",
            "fingerprint": try repo.fingerprint(id, type: "decision-log", at: staged), "name": "Alice Adams",
            "revision": "1.1", "meaning": "authorship",
        ])])
        let commit = try repo.commitNoVerify("Revive")
        let findings = try expectFinding(repo, rule: "retired.changed", document: id, commit: commit)
        #expect(!findings.contains { $0["rule"] as? String == "content.unrecorded" }, "\(findings)")
    }
}
