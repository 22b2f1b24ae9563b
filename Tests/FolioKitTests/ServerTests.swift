import Foundation
import Testing

// End-to-end tests of the server's pre-receive hook: a bare central.git with
// the hook installed by `folio hooks install --server`, served by a real
// `git daemon --enable=receive-pack` on 127.0.0.1, and clones pushing to it
// with plain `git push` (after `git commit --no-verify`, so only the server
// stands between a bad commit and the central repository). Each refusal
// checks git's exit status, the rule in brackets on stderr and that the
// server's refs did not move.

// MARK: - Shared steps

/// A decision log created, submitted and pushed by the clone's person.
func SVPublishInReview(_ clone: SVClone, title: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
    let id = try clone.new(title: title, sourceLocation: sourceLocation)
    try clone.ok("submit", id, sourceLocation: sourceLocation)
    try clone.pushOK("origin", "main", sourceLocation: sourceLocation)
    return id
}

/// A decision log taken to issued 1.0 (alice creates, submits and issues,
/// dave approves as pm) and pushed with its issue tag.
func SVPublishIssued(_ clone: SVClone, title: String, signedBy key: String? = nil,
                     sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
    let id = try clone.new(title: title, as: .alice, sourceLocation: sourceLocation)
    try clone.ok("submit", id, as: .alice, sourceLocation: sourceLocation)
    if let key {
        try clone.ok("approve", id, "--sign", "--key", key, as: .dave, sourceLocation: sourceLocation)
    } else {
        try clone.ok("approve", id, as: .dave, sourceLocation: sourceLocation)
    }
    try clone.ok("issue", id, as: .alice, sourceLocation: sourceLocation)
    try clone.pushOK("origin", "main", "refs/tags/folio/\(id)/1.0", sourceLocation: sourceLocation)
    return id
}

@Suite("Server pre-receive hook over git daemon", .wide, .tags(.process))
struct ServerTests {

    // MARK: - What passes

    @Test("the installed hook calls the folio binary; valid folio work, other paths, unmanaged branches and plain tags pass")
    func acceptsValidWorkAndNonFolioRefs() throws {
        let server = try SVServer()
        let hook = try String(contentsOfFile: server.central + "/hooks/pre-receive", encoding: .utf8)
        #expect(hook.contains("hook pre-receive"), "\(hook)")
        let binary = URL(fileURLWithPath: try Tools.requireFolio()).resolvingSymlinksInPath().path
        #expect(hook.contains("\"${FOLIO:-\(binary)}\""), "the hook should call the folio binary (\(binary)) by its absolute path:\n\(hook)")
        let daemon = try server.startDaemon()
        defer { daemon.stop() }
        let alice = try server.clone(daemon.url, "alice", as: .alice)
        let bob = try server.clone(daemon.url, "bob", as: .bob)

        // A whole lifecycle, pushed with its tag.
        let id = try SVPublishIssued(alice, title: "Decisions")
        #expect(try server.ref("refs/tags/folio/\(id)/1.0") == alice.git("rev-parse", "refs/tags/folio/\(id)/1.0").trimmed)
        #expect(try server.main() == alice.head())

        // Files that are no documents, from the other clone, by someone not in folio.yml.
        try bob.git("pull", "-q", "--ff-only")
        try bob.write("notes/meeting.txt", "not a controlled document\n")
        try bob.write("README.md", "# Alpha\n")
        try bob.commit("Notes", as: .mallory)
        try bob.pushOK("origin", "main")
        #expect(try server.main() == bob.head())

        // A branch without folio.yml (an unmanaged history): nothing is checked.
        try bob.git("checkout", "-q", "--orphan", "pages")
        try bob.git("rm", "-rq", "--cached", ".")
        try bob.write("docs/decision-log/ALPHA-DEC-0001.md", "---\nid: nonsense\n---\nno template here\n")
        try bob.git("add", "docs/decision-log/ALPHA-DEC-0001.md")
        try bob.git("commit", "-q", "--no-verify", "-m", "pages")
        try bob.pushOK("origin", "pages")
        #expect(try server.ref("refs/heads/pages") == bob.head())
        try bob.git("checkout", "-q", "-f", "main")

        // A valid commit on a ref outside refs/heads and refs/tags/folio: checked, and accepted.
        try bob.write("notes/parked.txt", "parked\n")
        let parked = try bob.commit("Notes, parked outside the branches")
        try bob.pushOK("origin", "HEAD:refs/meta/parked")
        #expect(try server.ref("refs/meta/parked") == parked)
        try bob.git("reset", "-q", "--hard", "origin/main")

        // Plain tags: created, moved and deleted freely.
        try bob.git("tag", "v1", "HEAD~1")
        try bob.pushOK("origin", "refs/tags/v1")
        try bob.git("tag", "-f", "v1", "HEAD")
        try bob.pushOK("--force", "origin", "refs/tags/v1")
        #expect(try server.ref("refs/tags/v1") == bob.head())
        try bob.pushOK("origin", ":refs/tags/v1")
        #expect(try server.ref("refs/tags/v1") == nil)

        // A second branch with a valid new document, then deleted: fine.
        try bob.git("checkout", "-q", "-b", "topic")
        _ = try bob.new(title: "Topic decisions")
        try bob.pushOK("origin", "topic")
        try bob.pushOK("origin", ":topic")
        #expect(try server.ref("refs/heads/topic") == nil)

        #expect(try server.centralGit("fsck", "--strict").ok)
    }

    // MARK: - Templates

    @Test("a commit that breaks a template is refused [template]")
    func refusesTemplateBreak() throws {
        let server = try SVServer()
        let daemon = try server.startDaemon()
        defer { daemon.stop() }
        let alice = try server.clone(daemon.url, "alice", as: .alice)
        let id = try alice.new(title: "Decisions")
        try alice.pushOK("origin", "main")
        let before = try server.main()

        // A field: the owner is not a person of folio.yml.
        try alice.replaceLine(alice.docPath(id), startingWith: "owner:", with: "owner: nobody@example.com")
        try alice.commit("Owner changed")
        let r1 = try alice.push("origin", "main")
        try SVExpectRefused(r1, rule: "template", server: server, mainBefore: before)
        #expect(r1.stderr.contains(id), "\(r1)")

        // A table row: a date that is no date, and a status not in the list.
        try alice.git("reset", "-q", "--hard", "origin/main")
        try alice.edit(alice.docPath(id), replacing: "| --- | --- | --- | --- | --- | --- | --- | --- |\n",
                       with: "| --- | --- | --- | --- | --- | --- | --- | --- |\n| D-001 | 2026-02-31 | Go | Because |  | alice@example.com |  | Maybe |\n")
        try alice.commit("A bad decision row")
        let r2 = try alice.push("origin", "main")
        try SVExpectRefused(r2, rule: "template", server: server, mainBefore: before)

        // An enum field with a value not in its list.
        try alice.git("reset", "-q", "--hard", "origin/main")
        try alice.replaceLine(alice.docPath(id), startingWith: "decision_forum:", with: "decision_forum: parliament")
        try alice.commit("Another forum")
        let r3 = try alice.push("origin", "main")
        try SVExpectRefused(r3, rule: "template", server: server, mainBefore: before)
    }

    // MARK: - Records

    @Test("editing a committed record line is refused [record.rewritten]")
    func refusesEditedRecordLine() throws {
        let server = try SVServer()
        let daemon = try server.startDaemon()
        defer { daemon.stop() }
        let alice = try server.clone(daemon.url, "alice", as: .alice)
        let id = try SVPublishInReview(alice, title: "Decisions")
        let before = try server.main()

        var lines = try alice.recordLines(id)
        lines[0] = lines[0].replacingOccurrences(of: "\"actor\":\"alice@example.com\"", with: "\"actor\":\"carol@example.com\"")
            .replacingOccurrences(of: "Alice Adams", with: "Carol Chen")
        try alice.writeRecord(id, lines)
        try alice.commit("Who created it, again?")
        let r = try alice.push("origin", "main")
        try SVExpectRefused(r, rule: "record.rewritten", server: server, mainBefore: before)
    }

    @Test("dropping a committed record line is refused [record.rewritten]")
    func refusesDroppedRecordLine() throws {
        let server = try SVServer()
        let daemon = try server.startDaemon()
        defer { daemon.stop() }
        let alice = try server.clone(daemon.url, "alice", as: .alice)
        let id = try SVPublishInReview(alice, title: "Decisions")
        let before = try server.main()

        // The last line (the submission) removed.
        let lines = try alice.recordLines(id)
        try alice.writeRecord(id, Array(lines.dropLast()))
        try alice.commit("Unsubmit")
        try SVExpectRefused(try alice.push("origin", "main"), rule: "record.rewritten", server: server, mainBefore: before)

        // The first line removed.
        try alice.git("reset", "-q", "--hard", "origin/main")
        try alice.writeRecord(id, Array(lines.dropFirst()))
        try alice.commit("Uncreate")
        try SVExpectRefused(try alice.push("origin", "main"), rule: "record.rewritten", server: server, mainBefore: before)

        // The whole record deleted.
        try alice.git("reset", "-q", "--hard", "origin/main")
        try alice.git("rm", "-q", alice.recordPath(id))
        try alice.commit("No record")
        try SVExpectRefused(try alice.push("origin", "main"), rule: "record.deleted", server: server, mainBefore: before)
    }

    @Test("reordering committed record lines is refused [record.rewritten]")
    func refusesReorderedRecordLines() throws {
        let server = try SVServer()
        let daemon = try server.startDaemon()
        defer { daemon.stop() }
        let alice = try server.clone(daemon.url, "alice", as: .alice)
        let id = try SVPublishInReview(alice, title: "Decisions")
        let before = try server.main()

        let lines = try alice.recordLines(id)
        #expect(lines.count == 2)
        try alice.writeRecord(id, Array(lines.reversed()))
        try alice.commit("Reordered")
        try SVExpectRefused(try alice.push("origin", "main"), rule: "record.rewritten", server: server, mainBefore: before)
    }

    @Test("a forced push that rewrites history and loses record lines is refused [record.rewritten]")
    func refusesForcePushDroppingRecordLines() throws {
        let server = try SVServer()
        let daemon = try server.startDaemon()
        defer { daemon.stop() }
        let alice = try server.clone(daemon.url, "alice", as: .alice)
        let bob = try server.clone(daemon.url, "bob", as: .bob)
        let id = try SVPublishInReview(alice, title: "Decisions")
        let before = try server.main()

        // bob rewrites the branch: the submission commit is gone, his notes instead.
        try bob.git("fetch", "-q")
        try bob.git("reset", "-q", "--hard", "origin/main~1")
        try bob.write("notes.txt", "bob's notes\n")
        try bob.commit("Notes")
        let r = try bob.push("--force", "origin", "main")
        try SVExpectRefused(r, rule: "record.rewritten", server: server, mainBefore: before)
        #expect(r.stderr.contains(id), "\(r)")
    }

    // MARK: - Issued content

    @Test("changing issued content in place is refused [issued.changed]")
    func refusesIssuedContentChangedInPlace() throws {
        let server = try SVServer()
        let daemon = try server.startDaemon()
        defer { daemon.stop() }
        let alice = try server.clone(daemon.url, "alice", as: .alice)
        let id = try SVPublishIssued(alice, title: "Decisions")
        let before = try server.main()

        try alice.amendPurpose(id, "Quietly changed after issue.")
        try alice.commit("Typo")
        let r = try alice.push("origin", "main")
        try SVExpectRefused(r, rule: "issued.changed", server: server, mainBefore: before)

        // The proper way, a check-in of the next revision's draft, passes.
        try alice.git("reset", "-q", "--hard", "origin/main")
        try alice.amendPurpose(id, "Changed in the next revision.")
        try alice.ok("checkin", id, "-m", "Next draft")
        try alice.pushOK("origin", "main")
        #expect(try server.main() == alice.head())
    }

    // MARK: - Issue tags and the default branch

    @Test("deleting an issue tag is refused [tag.deleted]")
    func refusesDeletingIssueTag() throws {
        let server = try SVServer()
        let daemon = try server.startDaemon()
        defer { daemon.stop() }
        let alice = try server.clone(daemon.url, "alice", as: .alice)
        let bob = try server.clone(daemon.url, "bob", as: .bob)
        let id = try SVPublishIssued(alice, title: "Decisions")
        let tag = "refs/tags/folio/\(id)/1.0"
        let before = try server.main()
        let tagBefore = try server.ref(tag)
        #expect(tagBefore != nil)

        try bob.git("fetch", "-q", "--tags")
        let r = try bob.push("origin", ":\(tag)")
        try SVExpectRefused(r, rule: "tag.deleted", server: server, mainBefore: before, refs: [tag: tagBefore])
    }

    @Test("moving an issue tag is refused [tag.moved]; a forged one [tag.invalid]")
    func refusesMovingIssueTag() throws {
        let server = try SVServer()
        let daemon = try server.startDaemon()
        defer { daemon.stop() }
        let alice = try server.clone(daemon.url, "alice", as: .alice)
        let bob = try server.clone(daemon.url, "bob", as: .bob)
        let id = try SVPublishIssued(alice, title: "Decisions")
        let tag = "refs/tags/folio/\(id)/1.0"
        let before = try server.main()
        let tagBefore = try server.ref(tag)

        try bob.git("fetch", "-q", "--tags")
        try bob.git("tag", "-f", "folio/\(id)/1.0", "origin/main~1")
        let r = try bob.push("--force", "origin", tag)
        try SVExpectRefused(r, rule: "tag.moved", server: server, mainBefore: before, refs: [tag: tagBefore])

        // A new folio tag on a commit that did not issue that revision.
        let forged = "refs/tags/folio/\(id)/2.0"
        try bob.git("tag", "folio/\(id)/2.0", "origin/main~1")
        let r2 = try bob.push("origin", forged)
        try SVExpectRefused(r2, rule: "tag.invalid", server: server, mainBefore: before, refs: [forged: nil])
    }

    @Test("an issue tag on a commit that only claims to issue (trailers, no issued event) is refused [tag.invalid]")
    func refusesIssueTagOnForgedTrailers() throws {
        let server = try SVServer()
        let daemon = try server.startDaemon()
        defer { daemon.stop() }
        let alice = try server.clone(daemon.url, "alice", as: .alice)
        let bob = try server.clone(daemon.url, "bob", as: .bob)
        let id = try SVPublishInReview(alice, title: "Decisions")

        // bob's commit touches no document but carries issue trailers.
        try bob.git("pull", "-q", "--ff-only")
        try bob.write("notes.txt", "notes\n")
        try bob.git("add", "notes.txt")
        try bob.git("commit", "-q", "--no-verify", "-m", "Notes\n\nFolio-Document: \(id)\nFolio-Action: issue\nFolio-Revision: 1.0\n")
        #expect(try bob.git("log", "-1", "--format=%(trailers:key=Folio-Action,valueonly)").trimmed == "issue")
        _ = try bob.push("origin", "main")  // (whether such a commit may land is not this test's question)
        let before = try server.main()

        // The tag would claim that the draft was issued as 1.0, and block the real 1.0 tag later.
        let tag = "refs/tags/folio/\(id)/1.0"
        try bob.git("tag", "folio/\(id)/1.0", "HEAD")
        let r = try bob.push("origin", tag)
        try SVExpectRefused(r, rule: "tag.invalid", server: server, mainBefore: before, refs: [tag: nil])
    }

    @Test("deleting the default branch is refused [branch.deleted]")
    func refusesDeletingDefaultBranch() throws {
        let server = try SVServer()
        let daemon = try server.startDaemon()
        defer { daemon.stop() }
        let alice = try server.clone(daemon.url, "alice", as: .alice)
        _ = try alice.new(title: "Decisions")
        try alice.pushOK("origin", "main")
        let before = try server.main()
        let r = try alice.push("origin", ":main")
        try SVExpectRefused(r, rule: "branch.deleted", server: server, mainBefore: before)
    }

    // MARK: - Approvals

    @Test("issuing on a stale approval is refused [issue.unapproved]")
    func refusesStaleApproval() throws {
        let server = try SVServer()
        let daemon = try server.startDaemon()
        defer { daemon.stop() }
        let alice = try server.clone(daemon.url, "alice", as: .alice)
        let dave = try server.clone(daemon.url, "dave", as: .dave)
        let id = try SVPublishInReview(alice, title: "Decisions")

        // dave approves from his clone; the approval is fine on the server.
        try dave.git("pull", "-q", "--ff-only")
        try dave.ok("approve", id)
        try dave.pushOK("origin", "main")
        let before = try server.main()

        // alice changes the approved content with plain git, then issues by hand.
        try alice.git("pull", "-q", "--ff-only")
        try alice.amendPurpose(id, "Changed after the approval.")
        try alice.commit("Edit after approval")
        try alice.commitHandMadeEvent("issued", id, revision: "1.0", action: "issue", by: .alice, meaning: "release")
        try alice.git("tag", "folio/\(id)/1.0")
        let tag = "refs/tags/folio/\(id)/1.0"
        let r = try alice.push("origin", "main", tag)
        try SVExpectRefused(r, rule: "issue.unapproved", server: server, mainBefore: before, refs: [tag: nil])
    }

    @Test("an approval by someone without the role is refused [approval.role]")
    func refusesApprovalWithoutRole() throws {
        let server = try SVServer()
        let daemon = try server.startDaemon()
        defer { daemon.stop() }
        let alice = try server.clone(daemon.url, "alice", as: .alice)
        let bob = try server.clone(daemon.url, "bob", as: .bob)
        let id = try SVPublishInReview(alice, title: "Decisions")
        let before = try server.main()

        try bob.git("pull", "-q", "--ff-only")
        try bob.commitHandMadeEvent("approved", id, revision: "0.1", action: "approve", by: .bob, role: "pm", meaning: "approval")
        let r = try bob.push("origin", "main")
        try SVExpectRefused(r, rule: "approval.role", server: server, mainBefore: before)
    }

    @Test("an approval by an author of the revision is refused [approval.author]")
    func refusesApprovalByAuthor() throws {
        let server = try SVServer()
        let daemon = try server.startDaemon()
        defer { daemon.stop() }
        let alice = try server.clone(daemon.url, "alice", as: .alice)
        let id = try SVPublishInReview(alice, title: "Decisions")
        let before = try server.main()

        try alice.commitHandMadeEvent("approved", id, revision: "0.1", action: "approve", by: .alice, role: "pm", meaning: "approval")
        let r = try alice.push("origin", "main")
        try SVExpectRefused(r, rule: "approval.author", server: server, mainBefore: before)
    }

    @Test("an approval copied from another document is refused [approval.copied]")
    func refusesCopiedApproval() throws {
        let server = try SVServer()
        let daemon = try server.startDaemon()
        defer { daemon.stop() }
        let alice = try server.clone(daemon.url, "alice", as: .alice)
        let first = try SVPublishInReview(alice, title: "Decisions")
        let second = try SVPublishInReview(alice, title: "Other decisions")
        try alice.ok("approve", first, as: .dave)
        try alice.pushOK("origin", "main")
        let before = try server.main()

        let approval = try #require(try alice.recordLines(first).last)
        #expect(approval.contains("\"event\":\"approved\""))
        // Verbatim, and with the document renamed: both are caught.
        var lines = try alice.recordLines(second)
        lines.append(approval)
        try alice.writeRecord(second, lines)
        try alice.commit("Borrowed approval", as: .dave)
        let r = try alice.push("origin", "main")
        try SVExpectRefused(r, rule: "approval.copied", server: server, mainBefore: before)

        try alice.git("reset", "-q", "--hard", "origin/main")
        lines = try alice.recordLines(second)
        lines.append(approval.replacingOccurrences(of: first, with: second))
        try alice.writeRecord(second, lines)
        try alice.commit("Borrowed approval, renamed", as: .dave)
        let r2 = try alice.push("origin", "main")
        try SVExpectRefused(r2, rule: "approval.copied", server: server, mainBefore: before)
    }

    @Test("an approval replayed onto changed content is refused [approval.copied]")
    func refusesReplayedApproval() throws {
        let server = try SVServer()
        let daemon = try server.startDaemon()
        defer { daemon.stop() }
        let alice = try server.clone(daemon.url, "alice", as: .alice)
        let id = try SVPublishInReview(alice, title: "Decisions")
        try alice.ok("approve", id, as: .dave)
        try alice.pushOK("origin", "main")
        let approval = try #require(try alice.recordLines(id).last)

        // A new draft 0.2, submitted, then dave's approval of 0.1 appended again.
        try alice.amendPurpose(id, "A second draft.")
        try alice.ok("checkin", id, "-m", "Draft 0.2")
        try alice.ok("submit", id)
        try alice.pushOK("origin", "main")
        let before = try server.main()
        var lines = try alice.recordLines(id)
        lines.append(approval)
        try alice.writeRecord(id, lines)
        try alice.commit("Approval replayed", as: .dave)
        let r = try alice.push("origin", "main")
        try SVExpectRefused(r, rule: "approval.copied", server: server, mainBefore: before)
    }

    @Test("a signed approval that does not verify is refused [signature.invalid]")
    func refusesBadSignature() throws {
        let server = try SVServer(signatures: "required", keys: true)
        let daemon = try server.startDaemon()
        defer { daemon.stop() }
        let alice = try server.clone(daemon.url, "alice", as: .alice)
        let id = try SVPublishInReview(alice, title: "Decisions")
        let before = try server.main()

        // dave signs, then the signed line is edited (its time moved).
        try alice.ok("approve", id, "--sign", "--key", server.key(.dave), as: .dave)
        var lines = try alice.recordLines(id)
        let signed = try #require(lines.last)
        #expect(signed.contains("BEGIN SSH SIGNATURE"), "\(signed)")
        var object = parseJSONLine(signed)
        object["at"] = "2020-01-01T00:00:00Z"
        lines[lines.count - 1] = compactJSON(object)
        try alice.writeRecord(id, lines)
        try alice.git("add", "-A")
        try alice.git("commit", "-q", "--no-verify", "--amend", "--no-edit", as: .dave)
        let r = try alice.push("origin", "main")
        try SVExpectRefused(r, rule: "signature.invalid", server: server, mainBefore: before)

        // Signed by hand with a key that allowed_signers does not hold for dave
        // (folio itself refuses to sign with it).
        try alice.git("reset", "-q", "--hard", "origin/main")
        try alice.ok("approve", id, "--sign", "--key", server.key(.dave), as: .dave)
        lines = try alice.recordLines(id)
        object = parseJSONLine(try #require(lines.last))
        object.removeValue(forKey: "signature")
        let canonical = compactJSON(object) + "\n"
        let forged = try server.mustRun(Tools.sshKeygen, ["-Y", "sign", "-f", server.key(.mallory), "-n", "folio"],
                                        in: server.root.path, stdin: Data(canonical.utf8)).stdout
        #expect(forged.contains("BEGIN SSH SIGNATURE"))
        object["signature"] = forged
        lines[lines.count - 1] = compactJSON(object)
        try alice.writeRecord(id, lines)
        try alice.git("add", "-A")
        try alice.git("commit", "-q", "--no-verify", "--amend", "--no-edit", as: .dave)
        let r2 = try alice.push("origin", "main")
        try SVExpectRefused(r2, rule: "signature.invalid", server: server, mainBefore: before)

        // The same line signed by hand with dave's own key passes (so the refusal
        // above was about the key, not about how the line was signed).
        let genuine = try server.mustRun(Tools.sshKeygen, ["-Y", "sign", "-f", server.key(.dave), "-n", "folio"],
                                         in: server.root.path, stdin: Data(canonical.utf8)).stdout
        object["signature"] = genuine
        lines[lines.count - 1] = compactJSON(object)
        try alice.writeRecord(id, lines)
        try alice.git("add", "-A")
        try alice.git("commit", "-q", "--no-verify", "--amend", "--no-edit", as: .dave)
        try alice.pushOK("origin", "main")
        #expect(try server.main() == alice.head())
    }

    @Test("an unsigned approval where signatures are required is refused [signature.missing]")
    func refusesMissingSignature() throws {
        let server = try SVServer(signatures: "required", keys: true)
        let daemon = try server.startDaemon()
        defer { daemon.stop() }
        let alice = try server.clone(daemon.url, "alice", as: .alice)
        let id = try SVPublishInReview(alice, title: "Decisions")
        let before = try server.main()

        try alice.ok("approve", id, "--sign", "--key", server.key(.dave), as: .dave)
        var lines = try alice.recordLines(id)
        var object = parseJSONLine(try #require(lines.last))
        #expect(object["signature"] != nil)
        object.removeValue(forKey: "signature")
        lines[lines.count - 1] = compactJSON(object)
        try alice.writeRecord(id, lines)
        try alice.git("add", "-A")
        try alice.git("commit", "-q", "--no-verify", "--amend", "--no-edit", as: .dave)
        let r = try alice.push("origin", "main")
        try SVExpectRefused(r, rule: "signature.missing", server: server, mainBefore: before)
    }

    // MARK: - IDs

    @Test("a merge that brings an ID already used on the server is refused [id.reused]; renumber fixes it")
    func refusesReusedIDOnMerge() throws {
        let server = try SVServer()
        let daemon = try server.startDaemon()
        defer { daemon.stop() }
        let alice = try server.clone(daemon.url, "alice", as: .alice)
        let bob = try server.clone(daemon.url, "bob", as: .bob)

        // Both create a document at the same time: the same ID.
        let a = try alice.new(title: "Alice's decisions")
        let b = try bob.new(title: "Bob's decisions")
        #expect(a == b)
        try alice.pushOK("origin", "main")
        let before = try server.main()

        // bob merges (keeping his version of the clashing file) and pushes.
        let mine = try bob.head()
        try bob.git("-c", "pull.rebase=false", "pull", "-q", "--no-edit", "-X", "ours", "origin", "main")
        let r = try bob.push("origin", "main")
        try SVExpectRefused(r, rule: "id.reused", server: server, mainBefore: before)

        // The documented fix: back to his own commit, fetch, renumber, push.
        try bob.git("reset", "-q", "--hard", mine)
        try bob.git("fetch", "-q", "origin")
        let renumbered = try bob.ok("renumber", b).trimmed
        #expect(renumbered != b && !renumbered.isEmpty)
        try bob.pushOK("origin", "main")
        let fresh = try server.clone(daemon.url, "fresh", as: .carol)
        #expect(try fresh.read(fresh.docPath(a)).contains("Alice's decisions"))
        #expect(try fresh.read(fresh.docPath(renumbered)).contains("Bob's decisions"))
        let verify = try fresh.folio(["verify"])
        #expect(verify.ok, "\(verify)")
    }

    @Test("a branch that creates a document under an ID the server's main branch uses is refused [id.reused]")
    func refusesReusedIDOnOtherBranch() throws {
        let server = try SVServer()
        let daemon = try server.startDaemon()
        defer { daemon.stop() }
        let alice = try server.clone(daemon.url, "alice", as: .alice)
        let bob = try server.clone(daemon.url, "bob", as: .bob)
        let a = try alice.new(title: "Alice's decisions")
        let b = try bob.new(title: "Bob's decisions")
        #expect(a == b)
        try alice.pushOK("origin", "main")
        let before = try server.main()

        let r = try bob.push("origin", "main:refs/heads/bob-topic")
        try SVExpectRefused(r, rule: "id.reused", server: server, mainBefore: before, refs: ["refs/heads/bob-topic": nil])
    }

    // MARK: - Configuration

    @Test("folio.yml and allowed_signers changed by a committer without the admin role are refused [config.admin]")
    func refusesConfigChangeByNonAdmin() throws {
        let server = try SVServer(keys: true)
        let daemon = try server.startDaemon()
        defer { daemon.stop() }
        let alice = try server.clone(daemon.url, "alice", as: .alice)
        let bob = try server.clone(daemon.url, "bob", as: .bob)
        let before = try server.main()

        // bob makes himself admin.
        try bob.edit("folio.yml", replacing: "roles: [sponsor]", with: "roles: [sponsor, admin]")
        try bob.commit("Make me admin")
        try SVExpectRefused(try bob.push("origin", "main"), rule: "config.admin", server: server, mainBefore: before)

        // bob adds a key for himself.
        try bob.git("reset", "-q", "--hard", "origin/main")
        let signers = try bob.read(".folio/allowed_signers")
        try bob.write(".folio/allowed_signers", signers + "bob@example.com namespaces=\"folio\" "
                      + (try String(contentsOfFile: server.key(.mallory) + ".pub", encoding: .utf8)))
        try bob.commit("Another key")
        let r = try bob.push("origin", "main")
        try SVExpectRefused(r, rule: "config.admin", server: server, mainBefore: before)
        #expect(r.stderr.contains("allowed_signers"), "\(r)")

        // alice (admin) may change both.
        try alice.edit("folio.yml", replacing: "max_days: 5", with: "max_days: 7")
        try alice.write(".folio/allowed_signers", try alice.read(".folio/allowed_signers") + "# reviewed\n")
        try alice.commit("Review policy")
        // With signatures optional and a git server that names nobody, the
        // committer is taken at its word (docs/server.md, "Who pushed").
        try alice.pushOK("origin", "main")
        #expect(try server.main() == alice.head())
    }

    @Test("deleting folio.yml without the admin role is refused [config.admin]")
    func refusesConfigDeletedByNonAdmin() throws {
        let server = try SVServer()
        let daemon = try server.startDaemon()
        defer { daemon.stop() }
        let alice = try server.clone(daemon.url, "alice", as: .alice)
        let bob = try server.clone(daemon.url, "bob", as: .bob)
        _ = try SVPublishInReview(alice, title: "Decisions")
        try bob.git("pull", "-q", "--ff-only")
        let before = try server.main()

        // Without folio.yml the branch would no longer be managed: every rule off.
        try bob.git("rm", "-q", "folio.yml")
        try bob.commit("No more configuration")
        let r = try bob.push("origin", "main")
        try SVExpectRefused(r, rule: "config.admin", server: server, mainBefore: before)
    }

    @Test("deleting and re-adding folio.yml (with changes) in one push without the admin role is refused [config.admin]")
    func refusesConfigReaddedByNonAdmin() throws {
        let server = try SVServer()
        let daemon = try server.startDaemon()
        defer { daemon.stop() }
        let bob = try server.clone(daemon.url, "bob", as: .bob)
        let before = try server.main()

        let config = try bob.read("folio.yml")
        try bob.git("rm", "-q", "folio.yml")
        try bob.commit("Configuration gone for a moment")
        try bob.write("folio.yml", config.replacingOccurrences(of: "roles: [sponsor]", with: "roles: [sponsor, admin]"))
        try bob.commit("Configuration back, bob is admin now")
        let r = try bob.push("origin", "main")
        try SVExpectRefused(r, rule: "config.admin", server: server, mainBefore: before)
    }

    @Test("an author who drops the template's required approvals and issues their own document is refused")
    func refusesTemplateWeakenedToSelfIssue() throws {
        let server = try SVServer()
        let daemon = try server.startDaemon()
        defer { daemon.stop() }
        // dave holds pm but not admin; decision logs need approval by pm, never by an author.
        let dave = try server.clone(daemon.url, "dave", as: .dave)
        let id = try SVPublishInReview(dave, title: "Dave's decisions")
        let before = try server.main()

        try dave.edit("templates/decision-log.md", replacing: "  approvals: [pm]\n", with: "  approvals: []\n")
        try dave.commit("Decision logs need no approval")
        try dave.ok("issue", id)
        let tag = "refs/tags/folio/\(id)/1.0"
        let r = try dave.push("origin", "main", tag)
        // Either templates are the admin's to change, or the issue is judged by the
        // rules the server had before the push: both refuse this.
        #expect(r.status != 0, "a self-issue without any approval should be refused:\n\(r)")
        #expect(r.stderr.contains("pre-receive hook declined"), "\(r)")
        #expect(try server.main() == before)
        #expect(try server.ref(tag) == nil)
    }

    @Test("the pusher comes from GL_USERNAME, GITEA_PUSHER_EMAIL or GL_USER when the server sets them")
    func pusherFromEnvironmentOnLocalPush() throws {
        let server = try SVServer()
        let daemon = try server.startDaemon()
        defer { daemon.stop() }
        let alice = try server.clone(daemon.url, "alice", as: .alice)
        let before = try server.main()
        // A push to a local path runs the hook with the push command's environment.
        let url = server.central

        // Committed by alice (admin), pushed by bob (not admin): refused.
        try alice.edit("folio.yml", replacing: "max_days: 5", with: "max_days: 9")
        try alice.commit("Review policy")
        let r1 = try alice.push(url, "main", environment: ["GL_USERNAME": "bob"])
        try SVExpectRefused(r1, rule: "config.admin", server: server, mainBefore: before)
        #expect(r1.stderr.contains("bob"), "the refusal should name the pusher:\n\(r1)")
        let r2 = try alice.push(url, "main", environment: ["GITEA_PUSHER_EMAIL": "bob@example.com"])
        try SVExpectRefused(r2, rule: "config.admin", server: server, mainBefore: before)
        let r3 = try alice.push(url, "main", environment: ["GL_USER": "dave"])
        try SVExpectRefused(r3, rule: "config.admin", server: server, mainBefore: before)

        // Committed by bob, pushed by carol (admin): accepted.
        try alice.git("reset", "-q", "--hard", "origin/main")
        try alice.edit("folio.yml", replacing: "max_days: 5", with: "max_days: 10")
        try alice.commit("Review policy", as: .bob)
        try alice.pushOK(url, "main", environment: ["GITEA_PUSHER_EMAIL": "carol@example.com"])
        #expect(try server.main() == alice.head())
        try alice.write("folio.yml", try alice.read("folio.yml") + "# touched\n")
        let head = try alice.commit("Comment", as: .bob)
        try alice.pushOK(url, "main", environment: ["GL_USERNAME": "carol"])
        #expect(try server.main() == head)
    }

    @Test("the pusher comes from the daemon's environment (GITEA_PUSHER_EMAIL)")
    func pusherFromDaemonEnvironment() throws {
        // Signatures required: without a pusher named by the git server, the
        // committer field proves nothing.
        let server = try SVServer(signatures: "required")
        let plain = try server.startDaemon()
        defer { plain.stop() }
        let asBob = try server.startDaemon(environment: ["GITEA_PUSHER_EMAIL": "bob@example.com"])
        defer { asBob.stop() }
        let alice = try server.clone(plain.url, "alice", as: .alice)
        let before = try server.main()

        try alice.edit("folio.yml", replacing: "max_days: 5", with: "max_days: 6")
        let commit = try alice.commit("Review policy")
        let r = try alice.push(asBob.url, "main")
        try SVExpectRefused(r, rule: "config.admin", server: server, mainBefore: before)
        // Through the daemon without a pusher variable, the committer field
        // (alice, admin) proves nothing: refused; named by the server, accepted.
        try SVExpectRefused(try alice.push(plain.url, "main"), rule: "config.admin", server: server, mainBefore: before)
        let asAlice = try server.startDaemon(environment: ["REMOTE_USER": "alice"])
        defer { asAlice.stop() }
        try alice.pushOK(asAlice.url, "main")
        #expect(try server.main() == commit)
    }

    // MARK: - Race

    @Test("two clones create and push documents in parallel: no duplicate ID, no lost document")
    func raceTwoClones() throws {
        let server = try SVServer()
        let daemon = try server.startDaemon()
        defer { daemon.stop() }
        let rounds = 10
        let clones = [try server.clone(daemon.url, "alice", as: .alice), try server.clone(daemon.url, "dave", as: .dave)]
        let outcome = SVRaceOutcome()
        let group = DispatchGroup()
        for clone in clones {
            group.enter()
            let thread = Thread(block: {
                defer { group.leave() }
                SVRaceWorker(clone, rounds: rounds, outcome: outcome)
            })
            thread.start()
        }
        group.wait()
        let (titles, failures, refusals, renumbers) = outcome.snapshot()
        for failure in failures { Issue.record("\(failure)") }
        #expect(titles.count == rounds * clones.count)
        // Informational: how much the clones actually raced.
        print("race: \(refusals) refused pushes, \(renumbers) renumbers")

        // A fresh clone holds every document once, each under its own ID.
        let fresh = try server.clone(daemon.url, "fresh", as: .carol)
        let ls = try fresh.ok("ls", "--format", "json")
        let entries = try #require(ls.jsonArray, "\(ls)")
        let ids = entries.compactMap { $0["id"] as? String }
        #expect(ids.count == titles.count, "\(ls)")
        #expect(Set(ids).count == ids.count, "duplicate IDs on the server: \(ids.sorted())")
        let serverTitles = entries.compactMap { $0["title"] as? String }
        #expect(serverTitles.sorted() == titles.sorted(), "lost or duplicated documents")
        let files = try fresh.git("ls-tree", "--name-only", "HEAD", "docs/decision-log/").stdout
            .split(separator: "\n").map(String.init)
        #expect(files.count == titles.count, "\(files)")
        let records = try fresh.git("ls-tree", "--name-only", "HEAD", ".folio/records/").stdout
            .split(separator: "\n").map(String.init).filter { $0.hasSuffix(".jsonl") }
        #expect(records.count == titles.count, "\(records)")

        let verify = try fresh.folio(["verify", "--format", "json"])
        #expect(verify.ok, "\(verify)")
        #expect(verify.jsonObject?["ok"] as? Bool == true, "\(verify)")
        let fsck = try server.centralGit("fsck", "--strict")
        #expect(fsck.ok, "\(fsck)")
        let fsckClone = try fresh.tryGit(["fsck", "--strict"])
        #expect(fsckClone.ok, "\(fsckClone)")
    }
}

// MARK: - Race helpers

final class SVRaceOutcome: @unchecked Sendable {
    private let lock = NSLock()
    private var titles: [String] = []
    private var failures: [String] = []
    private var refusals = 0
    private var renumbers = 0

    private func locked<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }

    func created(_ title: String) { locked { titles.append(title) } }
    func failed(_ message: String) { locked { failures.append(message) } }
    func refused() { locked { refusals += 1 } }
    func renumbered() { locked { renumbers += 1 } }
    func snapshot() -> ([String], [String], Int, Int) { locked { (titles, failures, refusals, renumbers) } }
}

/// One clone's side of the race: create a document, push; when refused,
/// `git fetch`, then `folio renumber ID` if the server already has that ID,
/// else `git pull --rebase`, and push again.
func SVRaceWorker(_ clone: SVClone, rounds: Int, outcome: SVRaceOutcome) {
    do {
        for round in 1...rounds {
            let title = "\(clone.person.name) decision log \(round)"
            let made = try clone.folio(["new", "decision-log", "--title", title])
            guard made.ok, var id = made.stdout.split(separator: "\n").first.map(String.init) else {
                outcome.failed("folio new failed:\n\(made)")
                return
            }
            outcome.created(title)
            var attempts = 0
            while true {
                let push = try clone.push("origin", "main")
                if push.ok { break }
                outcome.refused()
                attempts += 1
                guard attempts < 40 else {
                    outcome.failed("\(clone.person) could not push \(id) after \(attempts) attempts; last:\n\(push)")
                    return
                }
                let fetch = try clone.tryGit(["fetch", "-q", "origin"])
                guard fetch.ok else {
                    outcome.failed("fetch failed:\n\(fetch)")
                    return
                }
                let clash = try clone.tryGit(["cat-file", "-e", "refs/remotes/origin/main:" + clone.recordPath(id)]).ok
                    || clone.tryGit(["cat-file", "-e", "refs/remotes/origin/main:" + clone.docPath(id)]).ok
                if clash {
                    let r = try clone.folio(["renumber", id])
                    guard r.ok, !r.trimmed.isEmpty else {
                        outcome.failed("folio renumber \(id) failed after a refused push:\n\(push)\n\(r)")
                        return
                    }
                    id = r.trimmed
                    outcome.renumbered()
                } else {
                    let r = try clone.tryGit(["pull", "-q", "--rebase", "origin", "main"])
                    guard r.ok else {
                        outcome.failed("git pull --rebase failed after a refused push:\n\(push)\n\(r)")
                        return
                    }
                }
            }
        }
    } catch {
        outcome.failed("\(clone.person): \(error)")
    }
}
