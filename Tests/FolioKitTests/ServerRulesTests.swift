import Foundation
import Testing

// The server's rules on paths, on the refs it trusts and on rewritten
// branches (docs/server.md), end to end over git daemon like ServerTests:
// each class of attack is tried in several forms, and each refusal checks
// the rule in brackets and that the server's refs did not move.

/// Makes `relative` in a clone a symbolic link to `target`.
func SVSymlink(_ clone: SVClone, _ relative: String, to target: String) throws {
    let full = clone.path + "/" + relative
    try? FileManager.default.removeItem(atPath: full)
    try FileManager.default.createSymbolicLink(atPath: full, withDestinationPath: target)
}

extension ServerTests {

    // MARK: - Content and paths

    @Test("deleting, moving or renaming a controlled document or its record is refused [document.deleted] [record.deleted]")
    func refusesDeletedOrMovedDocuments() throws {
        let server = try SVServer()
        let daemon = try server.startDaemon()
        defer { daemon.stop() }
        let alice = try server.clone(daemon.url, "alice", as: .alice)
        let bob = try server.clone(daemon.url, "bob", as: .bob)
        let issued = try SVPublishIssued(alice, title: "Issued decisions")
        let draft = try SVPublishInReview(alice, title: "Decisions in review")
        try bob.git("pull", "-q", "--ff-only")
        let before = try server.main()

        // Deleted: issued, and in review (retired documents are withdrawn, never deleted).
        for id in [issued, draft] {
            try bob.git("reset", "-q", "--hard", "origin/main")
            try bob.git("rm", "-q", bob.docPath(id))
            try bob.commit("Remove \(id)")
            let r = try bob.push("origin", "main")
            try SVExpectRefused(r, rule: "document.deleted", server: server, mainBefore: before)
            #expect(r.stderr.contains(id), "\(r)")
        }
        // Renamed to another ID, moved to another folder, replaced by a copy elsewhere.
        for target in ["docs/decision-log/ALPHA-DEC-0042.md", "archive/\(issued).md", "docs/charter/\(issued).md"] {
            try bob.git("reset", "-q", "--hard", "origin/main")
            try FileManager.default.createDirectory(atPath: bob.path + "/" + (target as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try bob.git("mv", bob.docPath(issued), target)
            try bob.commit("Move \(issued) to \(target)")
            try SVExpectRefused(try bob.push("origin", "main"), rule: "document.deleted", server: server, mainBefore: before)
        }
        // Everything at once, by the admin: still refused.
        try alice.git("pull", "-q", "--ff-only")
        try alice.git("rm", "-rq", "docs/decision-log", ".folio/records")
        try alice.commit("Start over")
        let all = try alice.push("origin", "main")
        try SVExpectRefused(all, rule: "document.deleted", server: server, mainBefore: before)
        #expect(all.stderr.contains("[record.deleted]"), "\(all)")

        // The record renamed (to another ID) or moved away.
        for target in [bob.recordPath("ALPHA-DEC-0042"), "records/\(issued).jsonl"] {
            try bob.git("reset", "-q", "--hard", "origin/main")
            try FileManager.default.createDirectory(atPath: bob.path + "/" + (target as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try bob.git("mv", bob.recordPath(issued), target)
            try bob.commit("Move the record of \(issued)")
            try SVExpectRefused(try bob.push("origin", "main"), rule: "record.deleted", server: server, mainBefore: before)
        }
    }

    @Test("documents, attachments and records must be regular files: symlinks, executables, submodules, folders are refused [file.irregular]")
    func refusesIrregularFiles() throws {
        let server = try SVServer()
        let daemon = try server.startDaemon()
        defer { daemon.stop() }
        let bob = try server.clone(daemon.url, "bob", as: .bob)
        let id = try SVPublishInReview(bob, title: "Decisions")
        let other = try SVPublishInReview(bob, title: "Other decisions")
        let before = try server.main()

        func attempt(_ what: String, _ rule: String = "file.irregular", _ change: () throws -> Void) throws {
            try bob.git("reset", "-q", "--hard", "origin/main")
            try bob.git("clean", "-qfdx")
            try change()
            let r = try bob.push("origin", "main")
            try SVExpectRefused(r, rule: rule, server: server, mainBefore: before)
            #expect(r.stderr.contains("[file.irregular]"), "\(what):\n\(r)")
        }
        // The document replaced by a symbolic link (to the other document).
        try attempt("symlinked document") {
            try SVSymlink(bob, bob.docPath(id), to: "\(other).md")
            try bob.commit("Link")
        }
        // The document made executable, its content unchanged.
        try attempt("executable document") {
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bob.path + "/" + bob.docPath(id))
            try bob.commit("Executable")
        }
        // The record replaced by a symbolic link.
        try attempt("symlinked record", "record.deleted") {
            try SVSymlink(bob, bob.recordPath(id), to: "\(other).jsonl")
            try bob.commit("Link the record")
        }
        // A new record that is a symbolic link.
        try attempt("new symlinked record") {
            try SVSymlink(bob, bob.recordPath("ALPHA-DEC-0099"), to: "\(other).jsonl")
            try bob.commit("Another record")
        }
        // A symbolic link and a submodule in an attachment folder.
        try attempt("symlinked attachment") {
            try FileManager.default.createDirectory(atPath: bob.path + "/docs/decision-log/\(id)", withIntermediateDirectories: true)
            try SVSymlink(bob, "docs/decision-log/\(id)/passwd", to: "/etc/passwd")
            try bob.commit("Attachment")
        }
        try attempt("submodule attachment") {
            let head = try bob.head()
            try bob.git("update-index", "--add", "--cacheinfo", "160000,\(head),docs/decision-log/\(id)/module")
            try bob.git("commit", "-q", "--no-verify", "-m", "Submodule")
        }
        // A folder where the document, and where a record, belongs.
        try attempt("document folder", "document.deleted") {
            try bob.git("rm", "-q", bob.docPath(id))
            try bob.write(bob.docPath(id) + "/inside.md", "# Not a document\n")
            try bob.commit("Folder")
        }
        try attempt("record folder") {
            try bob.write(bob.recordPath("ALPHA-DEC-0098") + "/x.jsonl", "{}\n")
            try bob.commit("Record folder")
        }
        // Plain symbolic links and executables elsewhere are fine.
        try bob.git("reset", "-q", "--hard", "origin/main")
        try FileManager.default.createDirectory(atPath: bob.path + "/scripts", withIntermediateDirectories: true)
        try bob.write("scripts/run.sh", "#!/bin/sh\necho hi\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bob.path + "/scripts/run.sh")
        try SVSymlink(bob, "scripts/link", to: "run.sh")
        try bob.commit("Scripts")
        try bob.pushOK("origin", "main")
    }

    @Test("a decoy with the same ID cannot hide a change to the real document [template] [id.duplicate]")
    func refusesDecoyWithSameID() throws {
        let server = try SVServer()
        let daemon = try server.startDaemon()
        defer { daemon.stop() }
        let alice = try server.clone(daemon.url, "alice", as: .alice)
        let id = try alice.new(title: "Decisions")
        try alice.pushOK("origin", "main")
        let before = try server.main()

        // The real document breaks its template; a decoy attachment folder of
        // the same ID in another type's folder comes first in the tree.
        for decoy in ["docs/charter/\(id)/x.txt", "docs/adr/\(id)/x.txt", "docs/a/\(id)/x.txt"] {
            try alice.git("reset", "-q", "--hard", "origin/main")
            try alice.git("clean", "-qfdx")
            try alice.replaceLine(alice.docPath(id), startingWith: "owner:", with: "owner: nobody@example.com")
            try alice.write(decoy, "decoy\n")
            try alice.commit("Owner changed, with a decoy")
            let r = try alice.push("origin", "main")
            try SVExpectRefused(r, rule: "template", server: server, mainBefore: before)
            #expect(r.stderr.contains(alice.docPath(id)), "\(r)")
        }
        // A second document file claiming the ID.
        try alice.git("reset", "-q", "--hard", "origin/main")
        try alice.git("clean", "-qfdx")
        try alice.write("docs/charter/\(id).md", try alice.read(alice.docPath(id)))
        try alice.commit("A copy under another type")
        try SVExpectRefused(try alice.push("origin", "main"), rule: "id.duplicate", server: server, mainBefore: before)
    }

    @Test("a document's content changed without a check-in in the same commit is refused in every state [content.unrecorded]")
    func refusesUnrecordedContentChange() throws {
        let server = try SVServer()
        let daemon = try server.startDaemon()
        defer { daemon.stop() }
        let alice = try server.clone(daemon.url, "alice", as: .alice)
        let draft = try alice.new(title: "Draft decisions")
        try alice.pushOK("origin", "main")
        let review = try SVPublishInReview(alice, title: "Decisions in review")
        let rejected = try SVPublishInReview(alice, title: "Rejected decisions")
        try alice.ok("reject", rejected, "--comment", "Not yet", as: .dave)
        try alice.pushOK("origin", "main")
        let before = try server.main()

        for id in [draft, review, rejected] {
            // The text.
            try alice.git("reset", "-q", "--hard", "origin/main")
            try alice.amendPurpose(id, "Changed with plain git.")
            try alice.commit("Edit \(id)")
            let r = try alice.push("origin", "main")
            try SVExpectRefused(r, rule: "content.unrecorded", server: server, mainBefore: before)
            #expect(r.stderr.contains(id), "\(r)")
            // An attachment.
            try alice.git("reset", "-q", "--hard", "origin/main")
            try alice.write("docs/decision-log/\(id)/minutes.txt", "minutes\n")
            try alice.commit("Attach to \(id) with plain git")
            try SVExpectRefused(try alice.push("origin", "main"), rule: "content.unrecorded", server: server, mainBefore: before)
        }
        // Changed in one commit and checked in by the next: the first is refused.
        try alice.git("reset", "-q", "--hard", "origin/main")
        try alice.amendPurpose(draft, "Edited first, checked in later.")
        try alice.commit("Edit")
        try alice.ok("checkin", draft, "-m", "Check in")
        try SVExpectRefused(try alice.push("origin", "main"), rule: "content.unrecorded", server: server, mainBefore: before)

        // The proper way: folio checkin and attach record the content in the same commit.
        try alice.git("reset", "-q", "--hard", "origin/main")
        try alice.amendPurpose(draft, "Checked in.")
        try alice.ok("checkin", draft, "-m", "Check in")
        try alice.write("minutes.pdf", "%PDF-1.7 minutes\n")
        try alice.ok("attach", draft, "minutes.pdf")
        try alice.pushOK("origin", "main")
        #expect(try server.main() == alice.head())
    }

    // MARK: - Refs the server trusts

    @Test("commits pushed under any other ref are checked, and trusted only once on a protected branch [config.admin]")
    func checksCommitsUnderEveryRef() throws {
        let server = try SVServer()
        let daemon = try server.startDaemon()
        defer { daemon.stop() }
        let bob = try server.clone(daemon.url, "bob", as: .bob)
        let id = try SVPublishInReview(bob, title: "Decisions")
        let before = try server.main()

        // bob makes himself admin and drops a record.
        try bob.edit("folio.yml", replacing: "roles: [sponsor]", with: "roles: [sponsor, admin]")
        try bob.git("rm", "-q", bob.recordPath(id))
        let bad = try bob.commit("Make me admin")
        for ref in ["refs/tags/staging", "refs/pull/1/head", "refs/meta/parked", "refs/folio/parked", "refs/heads/topic"] {
            let r = try bob.push("origin", "HEAD:\(ref)")
            try SVExpectRefused(r, rule: "config.admin", server: server, mainBefore: before, refs: [ref: nil])
            #expect(r.stderr.contains("[record.deleted]"), "\(r)")
        }
        // An annotated tag on it: the same.
        try bob.git("tag", "-a", "-m", "release", "v1", bad)
        try SVExpectRefused(try bob.push("origin", "refs/tags/v1"), rule: "config.admin", server: server, mainBefore: before,
                            refs: ["refs/tags/v1": nil])

        // Under a branch or tag whose commit no longer holds folio.yml: its commits are checked all the same.
        try bob.git("rm", "-q", "folio.yml")
        try bob.commit("Not a folio branch any more")
        for ref in ["refs/heads/parking", "refs/tags/parking"] {
            try SVExpectRefused(try bob.push("origin", "HEAD:\(ref)"), rule: "config.admin", server: server, mainBefore: before,
                                refs: [ref: nil])
        }
        let r = try bob.push("origin", "\(bad):refs/heads/main")
        try SVExpectRefused(r, rule: "config.admin", server: server, mainBefore: before)
        #expect(r.stderr.contains("[record.deleted]"), "\(r)")
    }

    @Test("an issue tag must point at the issuing commit on a protected branch [tag.unprotected]")
    func refusesIssueTagOffProtectedBranches() throws {
        let server = try SVServer()
        let daemon = try server.startDaemon()
        defer { daemon.stop() }
        let alice = try server.clone(daemon.url, "alice", as: .alice)
        let id = try SVPublishInReview(alice, title: "Decisions")
        try alice.ok("approve", id, as: .dave)
        try alice.ok("issue", id)
        let tag = "refs/tags/folio/\(id)/1.0"
        let before = try server.main()

        // The tag alone: its commit is on no branch of the server.
        let r = try alice.push("origin", tag)
        try SVExpectRefused(r, rule: "tag.unprotected", server: server, mainBefore: before, refs: [tag: nil])
        // The commit under an unmanaged name first, then the tag: still on no protected branch.
        try alice.pushOK("origin", "HEAD:refs/meta/issue")
        try SVExpectRefused(try alice.push("origin", tag), rule: "tag.unprotected", server: server, mainBefore: before,
                            refs: [tag: nil])
        // With the branch, in the same push: accepted.
        try alice.pushOK("origin", "main", tag)
        #expect(try server.ref(tag) == alice.head())
    }

    // MARK: - Rewritten branches

    @Test("a non-fast-forward update of a protected branch is refused unless an admin pushes it [branch.rewritten]")
    func refusesNonFastForwardByNonAdmin() throws {
        let server = try SVServer(keys: true)
        let daemon = try server.startDaemon()
        defer { daemon.stop() }
        let alice = try server.clone(daemon.url, "alice", as: .alice)
        let bob = try server.clone(daemon.url, "bob", as: .bob)
        let carol = try server.clone(daemon.url, "carol", as: .carol)

        // alice (admin) changes the configuration.
        try alice.edit("folio.yml", replacing: "max_days: 5", with: "max_days: 9")
        try alice.commit("Review policy")
        // (a configuration change needs an identity the git server supplies, or a signed commit)
        try alice.pushOK(server.central, "main", environment: ["GL_USERNAME": "alice"])
        let before = try server.main()

        // bob reverts it by rewriting the branch (no record line is lost).
        try bob.git("fetch", "-q")
        try bob.write("notes.txt", "bob's notes\n")
        try bob.commit("Notes")
        let r = try bob.push("--force", "origin", "main")
        try SVExpectRefused(r, rule: "branch.rewritten", server: server, mainBefore: before)
        #expect(r.stderr.contains("bob@example.com"), "the refusal names the pusher:\n\(r)")
        // Pushed by a non-admin the server names: refused too, whoever committed.
        try SVExpectRefused(try bob.push("--force", server.central, "main", environment: ["GL_USERNAME": "dave"]),
                            rule: "branch.rewritten", server: server, mainBefore: before)

        // carol (admin) committing unsigned, with no pusher named by the git
        // server: the committer field proves nothing, refused.
        try carol.git("fetch", "-q")
        try carol.write("notes.txt", "carol's notes\n")
        try carol.commit("Notes")
        try SVExpectRefused(try carol.push("--force", "origin", "main"), rule: "branch.rewritten", server: server, mainBefore: before)
        // Nor does a commit signed by bob claiming to be carol's.
        try carol.git("-c", "gpg.format=ssh", "-c", "user.signingKey=\(server.key(.bob))", "commit", "-q", "--amend", "--no-verify", "-S", "--no-edit")
        try SVExpectRefused(try carol.push("--force", "origin", "main"), rule: "branch.rewritten", server: server, mainBefore: before)
        // carol may rewrite it: her signed commit, or pushed where the git server names her.
        try carol.git("-c", "gpg.format=ssh", "-c", "user.signingKey=\(server.key(.carol))", "commit", "-q", "--amend", "--no-verify", "-S", "--no-edit")
        try carol.pushOK("--force", "origin", "main")
        #expect(try server.main() == carol.head())

        // An admin's rewrite that loses record lines is refused.
        try alice.git("fetch", "-q")
        try alice.git("reset", "-q", "--hard", "origin/main")
        let id = try SVPublishInReview(alice, title: "Decisions")
        let published = try server.main()
        try alice.git("reset", "-q", "--hard", "HEAD~1")
        try alice.write("notes.txt", "alice's notes\n")
        try alice.commit("Notes")
        let lost = try alice.push("--force", server.central, "main", environment: ["GL_USERNAME": "alice"])
        try SVExpectRefused(lost, rule: "record.rewritten", server: server, mainBefore: published)
        #expect(lost.stderr.contains(id), "\(lost)")
        #expect(!lost.stderr.contains("[branch.rewritten]"), "alice is an admin:\n\(lost)")
        // ... or that loses a controlled document.
        try alice.git("reset", "-q", "--hard", "HEAD~2")
        try alice.write("notes.txt", "alice's other notes\n")
        try alice.commit("Other notes")
        let dropped = try alice.push("--force", server.central, "main", environment: ["GL_USERNAME": "alice"])
        try SVExpectRefused(dropped, rule: "document.deleted", server: server, mainBefore: published)
    }

    @Test("a rewrite or a deletion that leaves an issue tag on no protected branch is refused [branch.rewritten] [branch.deleted]")
    func refusesRewriteOrphaningIssueTags() throws {
        let server = try SVServer()
        let daemon = try server.startDaemon()
        defer { daemon.stop() }
        let alice = try server.clone(daemon.url, "alice", as: .alice)
        let id = try SVPublishIssued(alice, title: "Decisions")
        let before = try server.main()

        // The lifecycle squashed into one commit: the same tree, the issuing commit gone.
        try alice.git("reset", "-q", "--soft", "HEAD~4")
        try alice.git("commit", "-q", "--no-verify", "-m", "Decisions, squashed")
        #expect(try alice.git("rev-parse", "HEAD^{tree}").trimmed == (try server.centralGit("rev-parse", "main^{tree}").trimmed))
        let r = try alice.push("--force", server.central, "main", environment: ["GL_USERNAME": "alice"])
        try SVExpectRefused(r, rule: "branch.rewritten", server: server, mainBefore: before)
        #expect(r.stderr.contains("refs/tags/folio/\(id)/1.0"), "\(r)")

        // Nor may a branch be deleted while it alone holds an issued revision.
        try alice.git("reset", "-q", "--hard", "origin/main")
        try alice.git("checkout", "-q", "-b", "topic")
        let topical = try alice.new(title: "Topic decisions")
        try alice.ok("submit", topical)
        try alice.ok("approve", topical, as: .dave)
        try alice.ok("issue", topical)
        let tag = "refs/tags/folio/\(topical)/1.0"
        try alice.pushOK("origin", "topic", tag)
        let topic = try server.ref("refs/heads/topic")
        let deleted = try alice.push("origin", ":topic")
        try SVExpectRefused(deleted, rule: "branch.deleted", server: server, mainBefore: before, refs: ["refs/heads/topic": topic])
        #expect(deleted.stderr.contains(tag), "\(deleted)")
        // Once main holds it, the topic branch may go.
        try alice.pushOK("origin", "topic:main")
        try alice.pushOK("origin", ":topic")
    }

    @Test("a branch made from an old commit cannot bring back an old admin: the server's rules are the default branch's [config.admin]")
    func oldAdminOnNewBranch() throws {
        let server = try SVServer()
        let daemon = try server.startDaemon()
        defer { daemon.stop() }
        let alice = try server.clone(daemon.url, "alice", as: .alice)
        let bob = try server.clone(daemon.url, "bob", as: .bob)

        // bob was an admin for a while.
        try alice.edit("folio.yml", replacing: "roles: [sponsor]", with: "roles: [sponsor, admin]")
        let adminBob = try alice.commit("bob helps with the configuration")
        try alice.edit("folio.yml", replacing: "roles: [sponsor, admin]", with: "roles: [sponsor]")
        try alice.commit("bob is done")
        try alice.pushOK(server.central, "main", environment: ["GL_USERNAME": "alice"])
        let before = try server.main()

        // A branch at the old commit (already checked, so accepted), then a configuration change on it.
        try bob.git("fetch", "-q")
        try bob.git("checkout", "-q", "-b", "old", adminBob)
        try bob.pushOK("origin", "old")
        try bob.edit("folio.yml", replacing: "max_days: 5", with: "max_days: 50")
        try bob.commit("Longer reviews")
        let r = try bob.push("origin", "old")
        try SVExpectRefused(r, rule: "config.admin", server: server, mainBefore: before, refs: ["refs/heads/old": adminBob])
    }

    // MARK: - Merges

    @Test("an honest merge of two clones (union merge of a record) is accepted; a merge that drops the other side's records or documents is refused")
    func mergesKeepBothSides() throws {
        let server = try SVServer()
        let daemon = try server.startDaemon()
        defer { daemon.stop() }
        let alice = try server.clone(daemon.url, "alice", as: .alice)
        let bob = try server.clone(daemon.url, "bob", as: .bob)
        let id = try SVPublishInReview(alice, title: "Decisions")
        try bob.git("pull", "-q", "--ff-only")

        // alice checks in new content and adds a document; meanwhile dave rejects the reviewed content in bob's clone.
        try alice.amendPurpose(id, "Second thoughts.")
        try alice.ok("checkin", id, "-m", "Second thoughts")
        let other = try alice.new(title: "More decisions")
        try alice.pushOK("origin", "main")
        try bob.ok("reject", id, "--comment", "Not yet", as: .dave)
        let rejected = try bob.head()

        // An honest merge: git's union merge keeps both sides' record lines.
        try bob.git("-c", "pull.rebase=false", "pull", "-q", "--no-edit", "origin", "main")
        let merged = try bob.recordLines(id)
        #expect(merged.count == 4, "created, submitted, then both sides' lines: \(merged)")
        try bob.pushOK("origin", "main")
        #expect(try server.main() == bob.head())
        let fresh = try server.clone(daemon.url, "fresh", as: .carol)
        let verify = try fresh.folio(["verify"])
        #expect(verify.ok, "\(verify)")

        // A merge that keeps only one side (-s ours) drops the other side's record lines and documents.
        let before = try server.main()
        try bob.git("checkout", "-q", "-b", "old", rejected)
        try bob.git("merge", "-q", "--no-ff", "-s", "ours", "-m", "Merge, keeping mine", "origin/main")
        let r = try bob.push("origin", "HEAD:main")
        try SVExpectRefused(r, rule: "record.rewritten", server: server, mainBefore: before)
        #expect(r.stderr.contains("[record.deleted]") && r.stderr.contains("[document.deleted]") && r.stderr.contains(other), "\(r)")
    }

    @Test("a merge by a non-admin may take an admin's configuration change, not revert it [config.admin]")
    func mergesAndConfiguration() throws {
        let server = try SVServer()
        let daemon = try server.startDaemon()
        defer { daemon.stop() }
        let alice = try server.clone(daemon.url, "alice", as: .alice)
        let bob = try server.clone(daemon.url, "bob", as: .bob)

        // alice (admin) changes folio.yml; bob works on a document meanwhile.
        try alice.edit("folio.yml", replacing: "max_days: 5", with: "max_days: 8")
        try alice.commit("Review policy")
        try alice.pushOK(server.central, "main", environment: ["GL_USERNAME": "alice"])
        _ = try bob.new(title: "Bob's decisions")
        let mine = try bob.head()

        // Reverting it in a merge that keeps only bob's side: refused.
        try bob.git("fetch", "-q")
        try bob.git("merge", "-q", "--no-ff", "-s", "ours", "-m", "Merge, keeping mine", "origin/main")
        let before = try server.main()
        let r = try bob.push("origin", "main")
        try SVExpectRefused(r, rule: "config.admin", server: server, mainBefore: before)
        #expect(r.stderr.contains("folio.yml"), "\(r)")

        // An honest merge takes it as it is: accepted.
        try bob.git("reset", "-q", "--hard", mine)
        try bob.git("-c", "pull.rebase=false", "pull", "-q", "--no-edit", "origin", "main")
        #expect(try bob.read("folio.yml").contains("max_days: 8"))
        try bob.pushOK("origin", "main")
        #expect(try server.main() == bob.head())
    }
}

extension ServerTests {
    @Test("under 'allocation: refuse' the server refuses a plan that over-allocates someone, however it was committed [allocation.over]")
    func refusesOverAllocation() throws {
        let server = try SVServer()
        let daemon = try server.startDaemon()
        defer { daemon.stop() }
        let alice = try server.clone(daemon.url, "alice", as: .alice)
        try alice.write("folio.yml", try alice.read("folio.yml") + "resources: { allocation: refuse }\n")
        _ = try alice.commit("Refuse over-allocation")
        try alice.pushOK("origin", "main")
        let header = "| Person | Role | Allocation % | From | To |\n| --- | --- | --- | --- | --- |\n"
        var ids: [String] = []
        for (title, row) in [("Design", "| carol@example.com | Analyst | 80 | 2026-12-01 | 2026-12-31 |"),
                             ("Build", "| carol@example.com | Tester | 60 | 2026-12-07 | 2026-12-18 |")] {
            let created = try alice.ok("new", "resource-plan", "--title", title)
            let id = String(created.stdoutLines[0].split(separator: " ")[0])
            ids.append(id)
            try alice.edit("docs/resource-plan/\(id).md", replacing: header, with: header + row + "\n")
        }
        try alice.ok("checkin", ids[0])
        // The second plan is refused by checkin; committed past the hooks, it still needs the server.
        let refused = try alice.folio(["checkin", ids[1]])
        #expect(refused.status == 1 && refused.stderr.contains("[allocation.over]"), "\(refused)")
        try alice.pushOK("origin", "main")
        let before = try server.main()
        try alice.git("add", "docs")
        try alice.git("commit", "-q", "--no-verify", "-m", "Build team")
        let push = try alice.push("origin", "main")
        try SVExpectRefused(push, rule: "template", server: server, mainBefore: before)
        #expect(push.stderr.contains("carol@example.com is allocated 140% on 2026-12-07..2026-12-18") && push.stderr.contains("[allocation.over]"), "\(push)")
    }
}
