import Foundation
import Testing

// The lifecycle policy judges every appended event, whoever wrote it, on the
// server (pre-receive) and in `folio verify`; approvals count once, for one
// review round; the pusher is who the git server says, or a good signature.

@Suite("Lifecycle policy: hand-written events, review rounds, pusher identity")
struct LifecyclePolicyTests {
    /// Appends a hand-written line to a record and commits it with plain git as `who`.
    func commitLine(_ clone: SVClone, _ id: String, _ object: [String: Any], as who: Person, action: String) throws {
        try clone.commitRecordLine(id, compactJSON(object), action: action, revision: "0.1", as: who)
    }

    func event(_ kind: String, _ id: String, revision: String, fingerprint: String, by person: Person, at: String? = nil) -> [String: Any] {
        ["event": kind, "document": id, "revision": revision, "fingerprint": fingerprint, "actor": person.email,
         "name": person.name, "at": at ?? nowStamp()]
    }

    @Test("an unsigned event naming someone other than the commit's author is refused, and found by verify [event.actor]")
    func forgedAuthor() throws {
        let server = try SVServer()
        let daemon = try server.startDaemon()
        defer { daemon.stop() }
        let bob = try server.clone(daemon.url, "bob", as: .bob)
        let before = try server.main()
        // bob writes a document whose 'created' line names dave, so that bob could approve it later.
        let id = try bob.new(title: "Not mine", as: .dave)
        try bob.git("commit", "-q", "--amend", "--no-verify", "--reset-author", "--no-edit", as: .bob)
        let r = try bob.push("origin", "main")
        try SVExpectRefused(r, rule: "event.actor", server: server, mainBefore: before)
        #expect(r.stderr.contains(id), "\(r)")
        let verify = try bob.folio(["verify"])
        #expect(!verify.ok && verify.stdout.contains("event.actor"), "\(verify)")
    }

    @Test("lifecycle rules bind hand-written lines: people, state table, supersession, time order")
    func handWrittenTransitions() throws {
        let server = try SVServer()
        let daemon = try server.startDaemon()
        defer { daemon.stop() }
        let alice = try server.clone(daemon.url, "alice", as: .alice)
        let id = try SVPublishInReview(alice, title: "Decisions")
        let before = try server.main()
        let fp = try alice.fingerprint(id)

        // A withdrawal by someone not in folio.yml (committed as them).
        try commitLine(alice, id, event("withdrawn", id, revision: "0.1", fingerprint: fp, by: .mallory), as: .mallory, action: "withdraw")
        try SVExpectRefused(try alice.push("origin", "main"), rule: "lifecycle.person", server: server, mainBefore: before)

        // An approval dated before the submission it answers.
        try alice.git("reset", "-q", "--hard", "origin/main")
        var approval = event("approved", id, revision: "0.1", fingerprint: fp, by: .dave, at: "2000-01-01T00:00:00Z")
        approval["role"] = "pm"
        try commitLine(alice, id, approval, as: .dave, action: "approve")
        try SVExpectRefused(try alice.push("origin", "main"), rule: "lifecycle.time", server: server, mainBefore: before)

        // An incomplete-or-not draft issued without a submission.
        try alice.git("reset", "-q", "--hard", "origin/main")
        let draft = try alice.new(title: "Draft")
        try commitLine(alice, draft, event("issued", draft, revision: "1.0", fingerprint: try alice.fingerprint(draft), by: .alice), as: .alice, action: "issue")
        try SVExpectRefused(try alice.push("origin", "main"), rule: "lifecycle.state", server: server, mainBefore: before)

        // Superseded by a document that does not exist (of an issued document).
        try alice.git("reset", "-q", "--hard", "origin/main")
        let issued = try SVPublishIssued(alice, title: "Issued")
        let mainIssued = try server.main()
        var superseded = event("superseded", issued, revision: "1.0", fingerprint: try alice.fingerprint(issued), by: .alice)
        superseded["by"] = "ALPHA-DEC-9999"
        try commitLine(alice, issued, superseded, as: .alice, action: "supersede")
        try SVExpectRefused(try alice.push("origin", "main"), rule: "lifecycle.supersede", server: server, mainBefore: mainIssued)
        let verify = try alice.folio(["verify"])
        #expect(!verify.ok && verify.stdout.contains("lifecycle.supersede"), "\(verify)")
    }

    @Test("a signed approval from before a rejection, appended again after resubmission, does not count and is refused [signature.reused]")
    func replayedApproval() throws {
        let server = try SVServer(keys: true)
        let daemon = try server.startDaemon()
        defer { daemon.stop() }
        let alice = try server.clone(daemon.url, "alice", as: .alice)
        let id = try alice.new(title: "Decisions")
        try alice.ok("submit", id)
        try alice.ok("approve", id, "--sign", "--key", server.key(.dave), as: .dave)
        let signed = try alice.recordLines(id).last!
        try alice.ok("reject", id, "--comment", "again", as: .dave)
        try alice.ok("submit", id)
        try alice.pushOK("origin", "main")
        let before = try server.main()

        var lines = try alice.recordLines(id)
        lines.append(signed)
        try alice.writeRecord(id, lines)
        try alice.commit(SVMessage(id, "approve", "0.1"))
        // It does not count: folio refuses to issue on it.
        let issue = try alice.folio(["issue", id])
        #expect(!issue.ok, "\(issue)")
        try SVExpectRefused(try alice.push("origin", "main"), rule: "signature.reused", server: server, mainBefore: before)
        let verify = try alice.folio(["verify"])
        #expect(!verify.ok && verify.stdout.contains("signature.reused"), "\(verify)")
    }

    @Test("config changes: the committer field proves nothing; REMOTE_USER, a folio.user mapping or an admin's signed commit do")
    func pusherIdentity() throws {
        // Signatures required: the committer field is never taken at its word.
        let server = try SVServer(signatures: "required", keys: true)
        let daemon = try server.startDaemon()
        defer { daemon.stop() }
        let bob = try server.clone(daemon.url, "bob", as: .bob)
        let before = try server.main()

        // bob forges an admin committer: refused.
        try bob.edit("folio.yml", replacing: "roles: [sponsor]", with: "roles: [sponsor, admin]")
        try bob.git("add", "-A")
        let forged = try bob.tryGit(["commit", "-q", "--no-verify", "-m", "roles"],
                                    environment: ["GIT_COMMITTER_EMAIL": Person.carol.email, "GIT_COMMITTER_NAME": Person.carol.name])
        #expect(forged.ok, "\(forged)")
        try SVExpectRefused(try bob.push("origin", "main"), rule: "config.admin", server: server, mainBefore: before)
        // Named by the git server as bob (REMOTE_USER): refused too.
        try SVExpectRefused(try bob.push(server.central, "main", environment: ["REMOTE_USER": "bob"]), rule: "config.admin",
                            server: server, mainBefore: before)

        // A server user name mapped to an admin in the hook's git config: accepted.
        try bob.git("reset", "-q", "--hard", "origin/main")
        try bob.edit("folio.yml", replacing: "max_days: 5", with: "max_days: 6")
        try bob.commit("Review policy")
        _ = try server.centralGit("config", "folio.user.ops7", Person.carol.email)
        try bob.pushOK(server.central, "main", environment: ["REMOTE_USER": "ops7"])
        #expect(try server.main() == bob.head())

        // No pusher named: an admin's commit signed with a key of the server's allowed_signers is accepted.
        let alice = try server.clone(daemon.url, "alice", as: .alice)
        try alice.edit("folio.yml", replacing: "max_days: 6", with: "max_days: 7")
        try alice.git("add", "-A")
        try alice.git("-c", "gpg.format=ssh", "-c", "user.signingKey=\(server.key(.alice))", "commit", "-q", "--no-verify", "-S", "-m", "Review policy")
        try alice.pushOK("origin", "main")
        #expect(try server.main() == alice.head())
    }
}

/// The current time as record lines write it.
func nowStamp() -> String {
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withInternetDateTime]
    return f.string(from: Date())
}
