import Foundation
import Testing

/// The revision labels a scheme gives through a charter's life.
struct LCScheme: Sendable, CustomStringConvertible {
    let name: String
    let firstDraft: String
    let secondDraft: String
    let inReview: String
    let firstIssue: String
    let nextDraft: String
    let secondIssue: String

    var description: String { name }

    static let all: [LCScheme] = [
        LCScheme(name: "numeric", firstDraft: "0.1", secondDraft: "0.2", inReview: "0.2", firstIssue: "1.0",
                 nextDraft: "1.1", secondIssue: "2.0"),
        LCScheme(name: "letter", firstDraft: "A-draft.1", secondDraft: "A-draft.2", inReview: "A-draft.2",
                 firstIssue: "A", nextDraft: "B-draft.1", secondIssue: "B"),
        LCScheme(name: "iso19650", firstDraft: "P01.01", secondDraft: "P01.02", inReview: "P01", firstIssue: "C01",
                 nextDraft: "P02.01", secondIssue: "C02"),
    ]
}

@Suite("Lifecycle: submit, approve, reject, issue, supersede, withdraw", .wide)
struct LifecycleTests {

    // MARK: the whole lifecycle, three people, each scheme

    @Test("full lifecycle with three people and SSH keys", arguments: LCScheme.all)
    func fullLifecycle(scheme: LCScheme) throws {
        let repo = try LCRepo(revisions: scheme.name)

        // alice registers the charter; dave (another author) checks in a second draft.
        let id = try repo.newCharter(title: "Alpha charter", as: .alice)
        let path = repo.docPath(id, type: "charter")
        #expect(try repo.state(id) == ("draft", scheme.firstDraft))
        try repo.edit(path, replacing: "portfolio:", with: "portfolio: Core systems")
        try repo.ok("checkin", id, "-m", "Portfolio named", as: .dave)
        #expect(try repo.state(id) == ("draft", scheme.secondDraft))

        try repo.ok("submit", id, as: .dave)
        #expect(try repo.state(id) == ("in-review", scheme.inReview))

        // Two approvals by the two required roles, each with its own key.
        let bobApproves = try repo.ok("approve", id, "--sign", "--key", repo.key(.bob), "--comment", "Fine by me", as: .bob)
        #expect(bobApproves.stdout.contains("pmo"), "the approval says which role is still missing:\n\(bobApproves)")
        #expect(try repo.git("log", "-1", "--format=%ae").trimmed == "bob@example.com", "the approval commit is authored by bob")
        #expect(try repo.state(id) == ("in-review", scheme.inReview))
        try repo.ok("approve", id, "--sign", "--key", repo.key(.carol), as: .carol)
        #expect(try repo.state(id) == ("approved", scheme.inReview))

        let review = try repo.status(id)
        let approvals = LCApprovals(review)
        #expect(approvals.count == 2, "\(review)")
        for (person, role) in [("bob@example.com", "sponsor"), ("carol@example.com", "pmo")] {
            let a = approvals.first { $0["person"] as? String == person }
            #expect(a != nil, "no approval by \(person): \(approvals)")
            guard let a else { continue }
            #expect(a["role"] as? String == role)
            #expect(a["meaning"] as? String == "approval")
            #expect((a["at"] as? String).map { $0.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"#, options: .regularExpression) != nil } == true,
                    "at is UTC ISO 8601: \(a)")
            #expect(a["current"] as? Bool == true)
            #expect(a["signed"] as? Bool == true)
            #expect(a["verified"] as? Bool == true)
        }

        // Issue: the first issued revision, tagged on the issuing commit.
        let issued = try repo.ok("issue", id, as: .carol)
        #expect(try repo.state(id) == ("issued", scheme.firstIssue))
        let head = try repo.head()
        let tag = try repo.git("rev-parse", "refs/tags/folio/\(id)/\(scheme.firstIssue)^{commit}").trimmed
        #expect(tag == head, "the issue tag points at the issuing commit:\n\(issued)")
        let trailers = try repo.git("log", "-1", "--format=%(trailers:only=true,unfold=true)").stdout
        #expect(trailers.contains("Folio-Document: \(id)"))
        #expect(trailers.contains("Folio-Action: issue"))
        #expect(trailers.contains("Folio-Revision: \(scheme.firstIssue)"))
        // The issued revision still shows the approvals it was issued with.
        let afterIssue = LCApprovals(try repo.status(id))
        #expect(Set(afterIssue.compactMap { $0["person"] as? String }) == ["bob@example.com", "carol@example.com"])
        #expect(afterIssue.allSatisfy { $0["current"] as? Bool == true && $0["verified"] as? Bool == true })

        // The record holds one event per action, with the scheme's labels.
        let events = try repo.recordEvents(id)
        #expect(events.map { $0["event"] as? String ?? "" } == ["created", "checked-in", "submitted", "approved", "approved", "issued"])
        #expect(events.map { $0["revision"] as? String ?? "" }
                == [scheme.firstDraft, scheme.secondDraft, scheme.inReview, scheme.inReview, scheme.inReview, scheme.firstIssue])
        #expect(events[3]["comment"] as? String == "Fine by me")
        #expect(events.allSatisfy { $0["document"] as? String == id })

        // A check-in after issue starts the next revision's draft.
        try repo.edit(path, replacing: "priority: medium", with: "priority: high")
        try repo.ok("checkin", id, as: .alice)
        #expect(try repo.state(id) == ("draft", scheme.nextDraft))
        #expect(LCApprovals(try repo.status(id)).isEmpty, "the new draft has no approvals yet")
        #expect(try repo.git("rev-parse", "refs/tags/folio/\(id)/\(scheme.firstIssue)^{commit}").trimmed == tag,
                "the issue tag stays where it was")

        // And the next revision goes round again, unsigned this time.
        try repo.ok("submit", id, as: .alice)
        try repo.ok("approve", id, as: .bob)
        try repo.ok("approve", id, as: .carol)
        let unsigned = LCApprovals(try repo.status(id))
        #expect(unsigned.count == 2)
        #expect(unsigned.allSatisfy { $0["signed"] as? Bool == false && $0["verified"] as? Bool == false && $0["current"] as? Bool == true })
        try repo.ok("issue", id, as: .alice)
        #expect(try repo.state(id) == ("issued", scheme.secondIssue))
        #expect(try repo.gitAllowingFailure("rev-parse", "--verify", "-q", "refs/tags/folio/\(id)/\(scheme.secondIssue)").status == 0)

        // Supersede (both issued) and withdraw.
        let old = try repo.issuedDecisionLog(title: "Old decision log")
        let replacement = try repo.issuedDecisionLog(title: "New decision log")
        let draft = try repo.newDecisionLog(title: "Draft decision log")
        LCExpectRefused(try repo.folio("supersede", old, "--by", draft), mentioning: [draft, "draft"])
        #expect(try repo.state(old).state == "issued")
        try repo.ok("supersede", old, "--by", replacement, as: .alice)
        #expect(try repo.state(old).state == "superseded")
        let superseded = try repo.recordEvents(old).last ?? [:]
        #expect(superseded["event"] as? String == "superseded")
        #expect(superseded["by"] as? String == replacement)
        #expect(superseded["meaning"] as? String == "supersession")

        LCExpectRefused(try repo.folio("withdraw", replacement), exit: 2)
        try repo.ok("withdraw", replacement, "--reason", "Merged into the charter", as: .alice)
        #expect(try repo.state(replacement).state == "withdrawn")
        let withdrawn = try repo.recordEvents(replacement).last ?? [:]
        #expect(withdrawn["event"] as? String == "withdrawn")
        #expect(withdrawn["comment"] as? String == "Merged into the charter")
        #expect(withdrawn["meaning"] as? String == "withdrawal")

        // ls: the master register shows every document's state and revision.
        let ls = try repo.ls()
        #expect(ls[id]?["state"] as? String == "issued")
        #expect(ls[id]?["revision"] as? String == scheme.secondIssue)
        #expect(ls[old]?["state"] as? String == "superseded")
        #expect(ls[replacement]?["state"] as? String == "withdrawn")
        #expect(ls[draft]?["state"] as? String == "draft")
        #expect(ls[draft]?["revision"] as? String == scheme.firstDraft)
        for key in ["id", "type", "title", "path", "state", "revision", "approvals"] {
            #expect(ls[id]?[key] != nil, "ls entry lacks \(key)")
        }
        let lsApprovals = LCApprovals(ls[id] ?? [:])
        #expect(lsApprovals.count == 2)
        for a in lsApprovals {
            for key in ["person", "role", "meaning", "at", "current", "signed", "verified"] {
                #expect(a[key] != nil, "approval lacks \(key): \(a)")
            }
        }

        try repo.expectVerifies()
        try repo.expectFsck()
    }

    // MARK: the rules, each refused with exit 1 and a message

    @Test("issue before the approvals are complete is refused and names the missing roles")
    func issueBeforeApprovals() throws {
        let repo = try LCRepo()
        let id = try repo.newCharter()
        try repo.ok("submit", id)
        let before = try repo.head()
        let both = LCExpectRefused(try repo.folio("issue", id), mentioning: ["sponsor", "pmo"])
        #expect(try repo.head() == before, "nothing committed:\n\(both)")

        try repo.ok("approve", id, as: .bob)
        let afterBob = try repo.head()
        let one = LCExpectRefused(try repo.folio("issue", id), mentioning: ["pmo"])
        let missingLine = one.stderr.split(separator: "\n").first { $0.contains("missing") } ?? ""
        #expect(missingLine.contains("pmo") && !missingLine.contains("sponsor"),
                "only pmo is missing once bob approved as sponsor:\n\(one)")
        #expect(try repo.head() == afterBob)
        #expect(try repo.state(id).state == "in-review")
        #expect(try repo.gitAllowingFailure("rev-parse", "--verify", "-q", "refs/tags/folio/\(id)/1.0").status != 0,
                "no tag for a refused issue")

        try repo.ok("approve", id, as: .carol)
        try repo.ok("issue", id)
        #expect(try repo.state(id) == ("issued", "1.0"))
        try repo.expectFsck()
    }

    @Test("approval by someone without the role is refused")
    func approvalWithoutRole() throws {
        let repo = try LCRepo()
        let id = try repo.newCharter()
        try repo.ok("submit", id)
        let before = try repo.head()
        let record = try repo.read(repo.recordPath(id))

        // dave is a pm: charters need sponsor and pmo.
        LCExpectRefused(try repo.folio(["approve", id], as: .dave), mentioning: ["dave@example.com", "sponsor", "pmo"])
        LCExpectRefused(try repo.folio(["approve", id, "--role", "sponsor"], as: .dave), mentioning: ["sponsor"])
        // bob holds sponsor, not pmo.
        LCExpectRefused(try repo.folio(["approve", id, "--role", "pmo"], as: .bob), mentioning: ["pmo"])
        // carol holds admin, but admin does not approve charters.
        LCExpectRefused(try repo.folio(["approve", id, "--role", "admin"], as: .carol), mentioning: ["admin"])

        #expect(try repo.head() == before)
        #expect(try repo.read(repo.recordPath(id)) == record, "the record is unchanged")
        #expect(LCApprovals(try repo.status(id)).isEmpty)
        #expect(try repo.state(id).state == "in-review")
        try repo.expectFsck()
    }

    @Test("an author may not approve their own revision; authorship is per revision")
    func authorMayNotApprove() throws {
        let repo = try LCRepo()
        // alice (pm) creates a decision log: she may not approve it.
        let id = try repo.newDecisionLog()
        let path = repo.docPath(id, type: "decision-log")
        try repo.ok("submit", id)
        let before = try repo.head()
        LCExpectRefused(try repo.folio(["approve", id], as: .alice), mentioning: ["author"])
        #expect(try repo.head() == before)
        try repo.ok("approve", id, as: .dave)
        try repo.ok("issue", id)

        // The next revision is dave's: now he may not approve, and alice may.
        try repo.edit(path, replacing: "decision_forum: project-board", with: "decision_forum: steering-committee")
        try repo.ok("checkin", id, as: .dave)
        try repo.ok("submit", id, as: .dave)
        let mid = try repo.head()
        LCExpectRefused(try repo.folio(["approve", id], as: .dave), mentioning: ["dave@example.com", "author"])
        #expect(try repo.head() == mid)
        try repo.ok("approve", id, as: .alice)
        #expect(try repo.state(id) == ("approved", "1.1"))

        // A co-author through a check-in is an author too.
        let second = try repo.newDecisionLog(title: "Second log", as: .alice)
        try repo.edit(repo.docPath(second, type: "decision-log"), replacing: "review_date:", with: "review_date: 2026-06-30")
        try repo.ok("checkin", second, as: .dave)
        try repo.ok("submit", second, as: .dave)
        LCExpectRefused(try repo.folio(["approve", second], as: .dave), mentioning: ["author"])
        LCExpectRefused(try repo.folio(["approve", second], as: .alice), mentioning: ["author"])
        LCExpectRefused(try repo.folio("issue", second), mentioning: ["pm"])
        try repo.expectVerifies()
        try repo.expectFsck()
    }

    @Test("the same person approving twice counts once")
    func samePersonCountsOnce() throws {
        // bob holds both charter roles here.
        let repo = try LCRepo(bobRoles: "[sponsor, pmo]")
        let id = try repo.newCharter()
        try repo.ok("submit", id)
        try repo.ok("approve", id, as: .bob)
        let before = try repo.head()
        LCExpectRefused(try repo.folio(["approve", id, "--role", "pmo"], as: .bob), mentioning: ["once"])
        LCExpectRefused(try repo.folio(["approve", id], as: .bob), mentioning: ["once"])
        #expect(try repo.head() == before)
        #expect(try repo.recordEvents(id).filter { $0["event"] as? String == "approved" }.count == 1)
        #expect(LCApprovals(try repo.status(id)).count == 1)

        let refused = LCExpectRefused(try repo.folio("issue", id), mentioning: ["pmo"])
        #expect(!refused.stderr.contains("missing from sponsor"), "\(refused)")
        #expect(try repo.state(id).state == "in-review")

        try repo.ok("approve", id, as: .carol)
        try repo.ok("issue", id)
        #expect(try repo.state(id) == ("issued", "1.0"))
        try repo.expectFsck()
    }

    @Test("a check-in after approval returns the document to draft; the stale approval does not count")
    func staleApproval() throws {
        let repo = try LCRepo()
        let id = try repo.newCharter()
        let path = repo.docPath(id, type: "charter")
        try repo.ok("submit", id)
        try repo.ok("approve", id, as: .bob)
        try repo.ok("approve", id, as: .carol)
        #expect(try repo.state(id) == ("approved", "0.1"))

        // New content while approved: back to draft, approvals gone.
        try repo.edit(path, replacing: "budget: 480000.00 EUR", with: "budget: 520000.00 EUR")
        try repo.ok("checkin", id, "-m", "Budget raised", as: .alice)
        #expect(try repo.state(id) == ("draft", "0.2"))
        #expect(LCApprovals(try repo.status(id)).isEmpty)
        LCExpectRefused(try repo.folio("issue", id), mentioning: ["draft"])
        LCExpectRefused(try repo.folio(["approve", id], as: .bob), mentioning: ["submit"])

        // Re-submitted: carol approves the new content, bob's old approval does not count.
        try repo.ok("submit", id)
        try repo.ok("approve", id, as: .carol)
        let refused = LCExpectRefused(try repo.folio("issue", id), mentioning: ["sponsor"])
        let missing = refused.stderr.split(separator: "\n").first { $0.contains("missing") } ?? ""
        #expect(missing.contains("sponsor") && !missing.contains("pmo"), "only sponsor is missing:\n\(refused)")
        #expect(try repo.state(id).state == "in-review")

        // bob approves the new content and it can be issued.
        try repo.ok("approve", id, as: .bob)
        try repo.ok("issue", id)
        #expect(try repo.state(id) == ("issued", "1.0"))
        let approvals = LCApprovals(try repo.status(id))
        #expect(approvals.count == 2 && approvals.allSatisfy { $0["current"] as? Bool == true })

        // Same while only in review: a check-in returns it to draft.
        let other = try repo.newCharter(title: "Second charter")
        try repo.ok("submit", other)
        try repo.ok("approve", other, as: .bob)
        try repo.edit(repo.docPath(other, type: "charter"), replacing: "priority: medium", with: "priority: low")
        try repo.ok("checkin", other)
        #expect(try repo.state(other) == ("draft", "0.2"))
        try repo.ok("submit", other)
        try repo.ok("approve", other, as: .carol)
        LCExpectRefused(try repo.folio("issue", other), mentioning: ["sponsor"])
        try repo.expectVerifies()
        try repo.expectFsck()
    }

    @Test("with signatures required, issue refuses unsigned approvals; approvals are then signed")
    func signaturesRequired() throws {
        let repo = try LCRepo(signatures: "optional")
        let id = try repo.newCharter()
        let path = repo.docPath(id, type: "charter")
        try repo.ok("submit", id)
        try repo.ok("approve", id, as: .bob)
        try repo.ok("approve", id, as: .carol)
        #expect(try repo.state(id).state == "approved")

        // The policy changes to required (carol is an admin).
        try repo.write("folio.yml", projectConfig(signatures: "required"))
        try repo.commitNoVerify("Signatures required", as: .carol)
        let before = try repo.head()
        LCExpectRefused(try repo.folio("issue", id), mentioning: ["signatures are required", "not signed"])
        #expect(try repo.head() == before)
        #expect(try repo.state(id).state == "approved")

        // New content, approvals again: an approval without a key cannot be made...
        try repo.edit(path, replacing: "priority: medium", with: "priority: high")
        try repo.ok("checkin", id)
        try repo.ok("submit", id)
        let noKey = try repo.folio(["approve", id], as: .bob)
        #expect(noKey.status != 0, "an approval must be signed when signatures are required:\n\(noKey)")
        #expect(noKey.output.lowercased().contains("key"), "\(noKey)")
        // ...and with a key every approval is signed, without --sign.
        try repo.ok("approve", id, "--key", repo.key(.bob), as: .bob)
        try repo.ok("approve", id, "--key", repo.key(.carol), as: .carol)
        let approvals = LCApprovals(try repo.status(id))
        #expect(approvals.count == 2)
        #expect(approvals.allSatisfy { $0["signed"] as? Bool == true && $0["verified"] as? Bool == true }, "\(approvals)")
        try repo.ok("issue", id)
        #expect(try repo.state(id) == ("issued", "1.0"))
        try repo.expectVerifies()
        try repo.expectFsck()
    }

    @Test("submitting an incomplete document is refused and names the missing fields")
    func submitIncomplete() throws {
        let repo = try LCRepo()
        let id = try repo.new("charter", title: "Incomplete charter")
        let before = try repo.head()
        let r = LCExpectRefused(try repo.folio("submit", id), mentioning: ["sponsor", "start_date", "end_date", "budget"])
        #expect(r.stderr.contains("error"), "\(r)")
        #expect(try repo.head() == before)
        #expect(try repo.state(id) == ("draft", "0.1"))

        // Completed and checked in, it can be submitted.
        let path = repo.docPath(id, type: "charter")
        try repo.edit(path, replacing: "sponsor:", with: "sponsor: bob@example.com")
        try repo.edit(path, replacing: "start_date:", with: "start_date: 2026-01-05")
        try repo.edit(path, replacing: "end_date:", with: "end_date: 2026-12-18")
        try repo.edit(path, replacing: "budget:", with: "budget: 100.00 EUR")
        try repo.ok("checkin", id)
        try repo.ok("submit", id)
        #expect(try repo.state(id) == ("in-review", "0.2"))
        try repo.expectFsck()
    }

    @Test("reject needs --comment (exit 2) and returns the document to draft")
    func rejectNeedsComment() throws {
        let repo = try LCRepo()
        let id = try repo.newCharter()
        try repo.ok("submit", id)
        let before = try repo.head()
        LCExpectRefused(try repo.folio(["reject", id], as: .bob), exit: 2, mentioning: ["comment"])
        LCExpectRefused(try repo.folio(["reject", id, "--comment", "  "], as: .bob), exit: 2, mentioning: ["comment"])
        LCExpectRefused(try repo.folio(["reject", id, "--comment", "No"], as: .dave), exit: 1, mentioning: ["sponsor"])
        #expect(try repo.head() == before)
        #expect(try repo.state(id).state == "in-review")

        try repo.ok("approve", id, as: .carol)
        try repo.ok("reject", id, "--comment", "Budget too high", as: .bob)
        #expect(try repo.state(id) == ("draft", "0.1"))
        #expect(LCApprovals(try repo.status(id)).isEmpty, "a rejection clears the approvals")
        let event = try repo.recordEvents(id).last ?? [:]
        #expect(event["event"] as? String == "rejected")
        #expect(event["comment"] as? String == "Budget too high")
        #expect(event["actor"] as? String == "bob@example.com")
        #expect(event["role"] as? String == "sponsor")
        LCExpectRefused(try repo.folio("issue", id), mentioning: ["draft"])
        LCExpectRefused(try repo.folio(["approve", id], as: .bob), mentioning: ["submit"])

        // Submitted again, the earlier approval by carol does not carry over.
        try repo.ok("submit", id)
        try repo.ok("approve", id, as: .bob)
        LCExpectRefused(try repo.folio("issue", id), mentioning: ["pmo"])
        try repo.ok("approve", id, as: .carol)
        try repo.ok("issue", id)
        #expect(try repo.state(id) == ("issued", "1.0"))
        try repo.expectVerifies()
        try repo.expectFsck()
    }

    @Test("reject records only a role the rejecting person holds")
    func rejectRoleMustBeHeld() throws {
        let repo = try LCRepo()
        let id = try repo.newCharter()
        try repo.ok("submit", id)
        let before = try repo.head()
        let record = try repo.read(repo.recordPath(id))
        // bob holds sponsor only: a rejection "as pmo" or in a made-up role must not be recorded.
        let asPMO = try repo.folio(["reject", id, "--role", "pmo", "--comment", "Not like this"], as: .bob)
        let last = try repo.recordLines(id).last ?? ""
        try #require(asPMO.status == 1, "bob (sponsor only) rejected 'as pmo' and it was recorded:\n\(last)\n\(asPMO)")
        LCExpectRefused(asPMO, mentioning: ["pmo"])
        LCExpectRefused(try repo.folio(["reject", id, "--role", "nonsense", "--comment", "Not like this"], as: .bob),
                        mentioning: ["nonsense"])
        #expect(try repo.head() == before, "nothing committed")
        #expect(try repo.read(repo.recordPath(id)) == record, "no rejection in a role bob does not hold was recorded")
        #expect(try repo.state(id).state == "in-review")

        try repo.ok("reject", id, "--role", "sponsor", "--comment", "Not like this", as: .bob)
        #expect(try repo.recordEvents(id).last?["role"] as? String == "sponsor")
        try repo.expectFsck()
    }

    @Test("a plain git commit of new content makes approvals stale; check-in records it and returns to draft")
    func plainCommitMakesApprovalStale() throws {
        let repo = try LCRepo()
        let id = try repo.newCharter()
        let path = repo.docPath(id, type: "charter")
        try repo.ok("submit", id)
        try repo.ok("approve", id, as: .bob)
        #expect(LCApprovals(try repo.status(id)).first?["current"] as? Bool == true)

        try repo.edit(path, replacing: "priority: medium", with: "priority: low")
        try repo.git("commit", "-q", "--no-verify", "-am", "Plain edit")
        let plainEdit = try repo.head()
        let approval = LCApprovals(try repo.status(id)).first
        #expect(approval?["person"] as? String == "bob@example.com")
        #expect(approval?["current"] as? Bool == false, "the approval is stale once the content changed: \(String(describing: approval))")

        let before = try repo.head()
        LCExpectRefused(try repo.folio(["approve", id], as: .carol), mentioning: ["checkin"])
        LCExpectRefused(try repo.folio("issue", id), mentioning: ["checkin"])
        #expect(try repo.head() == before)

        // The check-in records the committed version and returns the document to draft.
        try repo.ok("checkin", id)
        #expect(try repo.state(id) == ("draft", "0.2"))
        try repo.ok("submit", id)
        try repo.ok("approve", id, as: .carol)
        LCExpectRefused(try repo.folio("issue", id), mentioning: ["sponsor"])
        // The audit (and a server) still sees the plain commit: content changed
        // without a check-in in the same commit. Nothing else is wrong.
        let v = try repo.verify()
        let findings = repo.findings(v.report)
        #expect(v.status == 1, "\(v.result)")
        #expect(findings.count == 1 && findings.first?["rule"] as? String == "content.unrecorded"
                    && findings.first?["commit"] as? String == plainEdit && findings.first?["document"] as? String == id,
                "\(v.result)")
        try repo.expectFsck()
    }

    @Test("superseded and withdrawn documents refuse further changes")
    func retiredDocuments() throws {
        let repo = try LCRepo()
        let old = try repo.issuedDecisionLog(title: "Old")
        let new = try repo.issuedDecisionLog(title: "New")
        LCExpectRefused(try repo.folio("supersede", old, "--by", old), exit: 2)
        // An unknown ID is a bad invocation (exit 2), as for every command given one.
        expectFailure(try repo.folio("supersede", old, "--by", "ALPHA-DEC-9999"), exit: [2], mentioning: ["no document with ID 'ALPHA-DEC-9999'"])
        try repo.ok("supersede", old, "--by", new)
        try repo.ok("withdraw", new, "--reason", "Project closed")
        let before = try repo.head()

        for id in [old, new] {
            try repo.edit(repo.docPath(id, type: "decision-log"), replacing: "decision_forum: project-board",
                          with: "decision_forum: project-team")
            LCExpectRefused(try repo.folio("checkin", id), exit: 1)
            try repo.git("checkout", "--", repo.docPath(id, type: "decision-log"))
            LCExpectRefused(try repo.folio("submit", id))
            LCExpectRefused(try repo.folio(["approve", id], as: .dave))
            LCExpectRefused(try repo.folio("issue", id))
            LCExpectRefused(try repo.folio("withdraw", id, "--reason", "Again"))
            LCExpectRefused(try repo.folio("supersede", id, "--by", old == id ? new : old))
        }
        #expect(try repo.head() == before, "nothing committed")
        #expect(try repo.state(old).state == "superseded")
        #expect(try repo.state(new).state == "withdrawn")
        try repo.expectVerifies()
        try repo.expectFsck()
    }
}
