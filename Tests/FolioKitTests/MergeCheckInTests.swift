import Foundation
import Testing

/// Two people check in the same draft on two clones (issue "The record cannot
/// be bent", class 4, the honest case): git's union merge joins both records,
/// each with its own check-in under the same draft label, and the merged
/// content is neither side's. `folio checkin ID` during the merge records it
/// as the next draft in the merge commit; the hooks stop the merge commits
/// that would not; the server accepts the one and refuses the other. Real
/// clones of a real `git daemon` server, git as the witness.
@Suite("Two clones, one draft: the merged content is checked in as the merge commit", .wide, .tags(.process))
struct MergeCheckInTests {
    /// A decision log both alice and dave checked in since their clones
    /// last agreed: alice's check-in is on the server, dave's is not yet.
    static func twoDrafts() throws -> (SVServer, SVDaemon, alice: SVClone, dave: SVClone, id: String, daveHead: String, aliceHead: String) {
        let (server, daemon, alice, dave) = try Self.aliceAndDave()
        try dave.ok("hooks", "install")
        let id = try alice.new(title: "Vendors")
        try alice.pushOK("origin", "main")
        try dave.git("pull", "-q", "--ff-only")
        try alice.amendPurpose(id, "Alice: choose the vendors by lead time.")
        try alice.ok("checkin", id, "-m", "Lead time")
        try alice.pushOK("origin", "main")
        try dave.amendPurpose(id, "Dave: choose the vendors by cost.")
        try dave.ok("checkin", id, "-m", "Cost")
        return (server, daemon, alice, dave, id, try dave.head(), try alice.head())
    }

    /// A `git daemon` server with alice's and dave's clones.
    static func aliceAndDave() throws -> (SVServer, SVDaemon, alice: SVClone, dave: SVClone) {
        let server = try SVServer()
        let daemon = try server.startDaemon()
        return (server, daemon, try server.clone(daemon.url, "alice", as: .alice), try server.clone(daemon.url, "dave", as: .dave))
    }

    /// Resolves a merge's conflict in `doc` by hand: the merged-in side's
    /// file with `sentence` added to its purpose.
    static func resolve(_ clone: SVClone, _ doc: String, adding sentence: String) throws {
        let theirs = try clone.git("show", "MERGE_HEAD:\(doc)").stdout
        try clone.write(doc, theirs.replacingOccurrences(of: "## Purpose\n", with: "## Purpose\n\n\(sentence)\n"))
    }

    /// The revision labels `folio log` gives, newest first.
    static func labels(_ clone: SVClone, _ id: String) throws -> [String] {
        let json = try clone.ok("log", id, "--format", "json").stdout
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        return entries.compactMap { $0["revision"] as? String }
    }

    @Test("a pull stopped on the conflict: status names it, other writes and 'git commit' are refused, 'folio checkin' makes the merge commit the server accepts")
    func conflictResolvedByCheckIn() throws {
        let (server, daemon, alice, dave, id, daveHead, aliceHead) = try Self.twoDrafts()
        defer { daemon.stop() }
        let doc = dave.docPath(id)
        #expect(try !dave.tryGit(["-c", "pull.rebase=false", "pull", "-q", "--no-edit", "origin", "main"]).ok, "the pull stops on the conflict")
        #expect(try dave.recordLines(id).count == 3, "git's union merge joined both check-ins to the created line")

        // folio status names the document and the way out.
        let status = try dave.ok("status")
        #expect(status.stdout.contains("both sides changed") && status.stdout.contains("folio checkin \(id)"), "\(status)")
        let json = try dave.ok("status", "--format", "json").stdout
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["merge_to_check_in"] as? [String] == [id], "\(json)")

        // Other folio writes would leave the merge open on top of their commit: refused.
        let submit = try dave.folio(["submit", id])
        #expect(!submit.ok && submit.stderr.contains("a git merge is in progress") && submit.stderr.contains("git merge --abort"), "\(submit)")
        // Conflict markers are not content.
        let marked = try dave.folio(["checkin", id])
        #expect(!marked.ok && marked.stderr.contains("[text.conflict]"), "\(marked)")
        #expect(FileManager.default.fileExists(atPath: dave.path + "/.git/MERGE_HEAD"), "nothing changed")

        // Resolved by hand: both sentences.
        try Self.resolve(dave, doc, adding: "Dave: choose the vendors by cost.")
        // 'git commit' of the merge would commit content no record names: the pre-commit hook refuses.
        try dave.git("add", "-A")
        let commit = try dave.tryGit(["commit", "-q", "--no-edit"])
        #expect(!commit.ok && commit.stderr.contains("[merge.unrecorded]") && commit.stderr.contains("folio checkin \(id)"), "\(commit)")

        let checkin = try dave.ok("checkin", id, "-m", "Cost and lead time")
        #expect(checkin.stdout.contains("\(id) 0.4 (merge commit"), "\(checkin)")
        // The merge commit: both parents, the merge's message, nothing left of the merge.
        let parents = try dave.git("rev-list", "--parents", "-n", "1", "HEAD").trimmed.split(separator: " ").map(String.init)
        // git pull merged the upstream: it comes first, so the shared history stays the first-parent line.
        #expect(parents.dropFirst() == [aliceHead, daveHead], "\(parents)")
        let message = try dave.git("log", "-1", "--format=%B").stdout
        #expect(message.contains("Merge branch 'main'") && message.contains("Folio-Revision: 0.4"), "\(message)")
        #expect(!FileManager.default.fileExists(atPath: dave.path + "/.git/MERGE_HEAD"))
        #expect(try dave.git("status", "--porcelain").stdout.isEmpty)
        try dave.git("fsck", "--strict")
        let text = try dave.read(doc)
        #expect(text.contains("Alice: choose") && text.contains("Dave: choose") && !text.contains("<<<<<<<"))

        // No label is given to two versions: the fold counts them in record
        // order, the shared one first; alice's published 0.2 keeps its label.
        let labels = try Self.labels(dave, id)
        #expect(Set(labels) == ["0.1", "0.2", "0.3", "0.4"] && labels.count == 4, "\(labels)")
        let second = try dave.ok("show", id, "--rev", "0.2").stdout
        #expect(second.contains("Alice: choose") && !second.contains("Dave: choose"), "0.2 is alice's version:\n\(second)")
        let third = try dave.ok("show", id, "--rev", "0.3").stdout
        #expect(third.contains("Dave: choose") && !third.contains("Alice: choose"), "0.3 is dave's version:\n\(third)")
        let log = try dave.ok("log", id, "--format", "json").stdout
        #expect(log.contains("\"recorded_as\": \"0.2\""), "dave's line still says 0.2:\n\(log)")

        // The server takes it, and the record verifies, also in a fresh clone; the lifecycle goes on.
        try dave.pushOK("origin", "main")
        #expect(try server.main() == dave.head())
        let fresh = try server.clone(daemon.url, "fresh", as: .carol)
        let verify = try fresh.folio(["verify"])
        #expect(verify.ok, "\(verify)")
        let entry = try fresh.ok("status", id, "--format", "json").stdout
        let revision = try #require(try JSONSerialization.jsonObject(with: Data(entry.utf8)) as? [String: Any])["revision"] as? String
        #expect(revision == "0.4", "\(entry)")
        try alice.git("pull", "-q", "--ff-only")
        try alice.ok("submit", id)
        try alice.pushOK("origin", "main")
    }

    @Test("a merge git would commit itself is stopped by the pre-merge-commit hook; committed without it, the server refuses it naming the way out, which works")
    func cleanMergeStoppedByHook() throws {
        let (server, daemon, alice, dave) = try Self.aliceAndDave()
        defer { daemon.stop() }
        let carol = try server.clone(daemon.url, "carol", as: .carol)
        try dave.ok("hooks", "install")
        let id = try alice.new(title: "Vendors")
        try alice.pushOK("origin", "main")
        for clone in [dave, carol] { try clone.git("pull", "-q", "--ff-only") }
        // alice changes the title, dave and carol the purpose: git merges the lines cleanly.
        try alice.edit(alice.docPath(id), replacing: "title: Vendors", with: "title: Vendors and suppliers")
        try alice.ok("checkin", id, "-m", "Title")
        try alice.pushOK("origin", "main")
        try dave.amendPurpose(id, "Dave: by cost.")
        try dave.ok("checkin", id)
        let before = try dave.head()
        let pull = try dave.tryGit(["-c", "pull.rebase=false", "pull", "-q", "--no-edit", "origin", "main"])
        #expect(!pull.ok && pull.stderr.contains("[merge.unrecorded]") && pull.stderr.contains("folio checkin \(id)"), "\(pull)")
        #expect(try dave.head() == before, "no merge commit was made")
        let checkin = try dave.ok("checkin", id)
        #expect(checkin.stdout.contains("merge commit"), "\(checkin)")
        try dave.pushOK("origin", "main")

        // carol has no hooks: git commits the merge, and the server refuses it.
        try carol.write(carol.docPath(id), try carol.read(carol.docPath(id)) + "\nCarol: by quality.\n")
        try carol.ok("checkin", id)
        try carol.git("-c", "pull.rebase=false", "pull", "-q", "--no-edit", "origin", "main")
        let merged = try carol.head()
        let mainBefore = try server.main()
        let refused = try carol.push("origin", "main")
        try SVExpectRefused(refused, rule: "content.unrecorded", server: server, mainBefore: mainBefore)
        #expect(refused.stderr.contains(String(merged.prefix(10))) && refused.stderr.contains("git merge --no-commit"), "\(refused)")
        // The way out it names.
        let other = try carol.git("rev-parse", "HEAD^2").trimmed
        try carol.git("reset", "-q", "--keep", "HEAD^")
        try carol.git("merge", "-q", "--no-commit", other)
        try carol.ok("checkin", id, "-m", "Quality, cost and the new title")
        try carol.pushOK("origin", "main")
        let verify = try carol.folio(["verify"])
        #expect(verify.ok, "\(verify)")
        let labels = try Self.labels(carol, id)
        #expect(Set(labels).count == labels.count, "every version has its own label: \(labels)")
    }

    @Test("finishing a merge refuses other paths still unmerged, changing nothing; one side's version kept as it is is recorded already")
    func refusals() throws {
        let (_, daemon, alice, dave, id, _, _) = try Self.twoDrafts()
        defer { daemon.stop() }
        // An unrelated file both change, besides the document.
        try alice.write("notes.txt", "alice\n")
        try alice.commit("Notes")
        try alice.pushOK("origin", "main")
        try dave.write("notes.txt", "dave\n")
        try dave.commit("Notes")
        let before = try dave.head()
        #expect(try !dave.tryGit(["-c", "pull.rebase=false", "pull", "-q", "--no-edit", "origin", "main"]).ok)
        let doc = dave.docPath(id)
        try Self.resolve(dave, doc, adding: "Dave: choose the vendors by cost.")

        // notes.txt is still unmerged: named, nothing changed.
        let unmerged = try dave.folio(["checkin", id])
        #expect(!unmerged.ok && unmerged.stderr.contains("still unmerged: notes.txt"), "\(unmerged)")
        #expect(try dave.head() == before && FileManager.default.fileExists(atPath: dave.path + "/.git/MERGE_HEAD"))
        try dave.write("notes.txt", "alice\ndave\n")
        try dave.git("add", "notes.txt")

        // Keeping exactly his own version: it is already recorded (after the
        // upstream's, in the merge's order), so the merge commit holds it as it is.
        try dave.write(doc, try dave.git("show", "HEAD:\(doc)").stdout)
        let kept = try dave.ok("checkin", id)
        #expect(kept.stdout.contains("\(id) 0.3, already recorded (merge commit"), "\(kept)")
        #expect(try dave.git("rev-list", "--parents", "-n", "1", "HEAD").trimmed.split(separator: " ").count == 3)
        #expect(try dave.git("status", "--porcelain").stdout.isEmpty)
        #expect(try dave.recordLines(id).count == 3, "no new line")
        let verify = try dave.folio(["verify"])
        #expect(verify.ok, "keeping one side's recorded version is an honest merge:\n\(verify)")
    }

    @Test("a merge git made that keeps one side's version as it is would relabel the published version: the hook stops it, the server refuses it [revision.relabelled]")
    func publishedLabelsStay() throws {
        let (server, daemon, _, dave, id, _, aliceHead) = try Self.twoDrafts()
        defer { daemon.stop() }
        let doc = dave.docPath(id)
        #expect(try !dave.tryGit(["-c", "pull.rebase=false", "pull", "-q", "--no-edit", "origin", "main"]).ok)
        // dave keeps alice's version as it is: git's union merge put his own check-in first.
        try dave.git("checkout", "--theirs", "--", doc)
        try dave.git("add", "-A")
        let hooked = try dave.tryGit(["commit", "-q", "--no-edit"])
        #expect(!hooked.ok && hooked.stderr.contains("[merge.unrecorded]"), "the pre-commit hook stops it:\n\(hooked)")
        try dave.git("commit", "-q", "--no-edit", "--no-verify")
        let merge = try dave.head()
        let mainBefore = try server.main()
        #expect(mainBefore == aliceHead)
        let refused = try dave.push("origin", "main")
        try RSExpectRefused(refused, commit: merge, document: id, rule: "revision.relabelled", server: server, mainBefore: mainBefore)
        #expect(refused.stderr.contains("its version 0.2") && refused.stderr.contains("the label 0.3"), "\(refused)")
        // The way out it names.
        try dave.git("reset", "-q", "--keep", "HEAD^")
        #expect(try !dave.tryGit(["merge", "-q", "--no-commit", "origin/main"]).ok, "stops on the conflict again")
        try dave.git("checkout", "--theirs", "--", doc)
        let ordered = try dave.ok("checkin", id)
        #expect(ordered.stdout.contains("merge commit"), "\(ordered)")
        try dave.pushOK("origin", "main")
        let second = try dave.ok("show", id, "--rev", "0.2").stdout
        #expect(second.contains("Alice: choose"), "the published 0.2 is still alice's:\n\(second)")
        let verify = try dave.folio(["verify"])
        #expect(verify.ok, "\(verify)")
    }

    /// The conflict of `twoDrafts` resolved with both sentences and checked in by dave.
    static func resolveAndCheckIn(_ dave: SVClone, _ id: String, sentence: String) throws {
        let doc = dave.docPath(id)
        #expect(try !dave.tryGit(["-c", "pull.rebase=false", "pull", "-q", "--no-edit", "origin", "main"]).ok)
        try Self.resolve(dave, doc, adding: "\(sentence)")
        try dave.ok("checkin", id)
    }

    @Test("after a merged check-in is pushed: an honest pull elsewhere is not refused, and a third clone's version gets the next label, never a used one")
    func laterPullsAndThirdClone() throws {
        let (server, daemon, alice, dave, id, _, _) = try Self.twoDrafts()
        defer { daemon.stop() }
        // carol cloned when alice's 0.2 was on the server, before dave's merge.
        let carol = try server.clone(daemon.url, "carol", as: .carol)
        try carol.ok("hooks", "install")
        try alice.ok("hooks", "install")
        try Self.resolveAndCheckIn(dave, id, sentence: "Dave: choose the vendors by cost.")
        try dave.pushOK("origin", "main")

        // alice only adds notes: her pull takes dave's merge as it is.
        try alice.write("notes.txt", "alice\n")
        try alice.commit("Notes")
        let pull = try alice.tryGit(["-c", "pull.rebase=false", "pull", "-q", "--no-edit", "origin", "main"])
        #expect(pull.ok, "an honest pull is not refused:\n\(pull)")
        let status = try alice.ok("status", "--format", "json").stdout
        #expect(status.contains("\"merge_to_check_in\": []") || !status.contains(id + "\"]"), "\(status)")
        try alice.pushOK("origin", "main")

        // carol checks in her own version (her clone calls it 0.3), then merges it in.
        try carol.amendPurpose(id, "Carol: choose the vendors by quality.")
        try carol.ok("checkin", id)
        #expect(try !carol.tryGit(["-c", "pull.rebase=false", "pull", "-q", "--no-edit", "origin", "main"]).ok)
        let doc = carol.docPath(id)
        try Self.resolve(carol, doc, adding: "Carol: choose the vendors by quality.")
        try carol.ok("checkin", id)
        try carol.pushOK("origin", "main")
        let labels = try Self.labels(carol, id)
        #expect(Set(labels).count == labels.count && Set(labels) == ["0.1", "0.2", "0.3", "0.4", "0.5", "0.6"], "\(labels)")
        let fifth = try carol.ok("show", id, "--rev", "0.5").stdout
        #expect(fifth.contains("Carol: choose") && !fifth.contains("Dave: choose"), "0.5 is carol's own version:\n\(fifth)")
        let verify = try carol.folio(["verify"])
        #expect(verify.ok, "\(verify)")
    }

    @Test("records joined by a merge cannot bend the state: a withdrawal stays final, a submission of other content submits nothing")
    func foldOfJoinedRecords() throws {
        let (server, daemon, alice, dave) = try Self.aliceAndDave()
        defer { daemon.stop() }
        let id = try alice.new(title: "Vendors")
        let other = try alice.new(title: "Suppliers")
        try alice.pushOK("origin", "main")
        try dave.git("pull", "-q", "--ff-only")
        // alice withdraws one and submits the other; dave checks in new content of both meanwhile.
        try alice.ok("withdraw", id, "--reason", "Not needed")
        try alice.ok("submit", other)
        try alice.pushOK("origin", "main")
        try dave.amendPurpose(id, "Dave's edit.")
        try dave.ok("checkin", id)
        try dave.write(dave.docPath(other), try dave.read(dave.docPath(other)) + "\nDave's note.\n")
        try dave.ok("checkin", other)
        try dave.git("-c", "pull.rebase=false", "pull", "-q", "--no-edit", "--no-verify", "origin", "main")
        let state = { (doc: String) throws -> String? in
            let json = try dave.ok("status", doc, "--format", "json").stdout
            return try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])["state"] as? String
        }
        #expect(try state(id) == "withdrawn", "a withdrawal is final whatever the order of the joined lines")
        #expect(try state(other) == "draft", "alice submitted 0.1, not dave's 0.2: nothing of 0.2 is in review")
        let mainBefore = try server.main()
        let r = try dave.push("origin", "main")
        #expect(!r.ok && r.stderr.contains(id), "the withdrawn document's new content is refused:\n\(r)")
        #expect(try server.main() == mainBefore)
    }

    @Test("one revision issued on both sides: refused [issue.twice] even in the order a merge check-in gives; a withdrawal on one side: the merge keeps the withdrawn content")
    func issuedTwiceAndWithdrawnOnOneSide() throws {
        let (server, daemon, alice, dave) = try Self.aliceAndDave()
        defer { daemon.stop() }
        let id = try alice.new(title: "Vendors")
        let retired = try alice.new(title: "Suppliers")
        try alice.ok("submit", id)
        try alice.pushOK("origin", "main")
        try dave.git("pull", "-q", "--ff-only")
        try dave.ok("approve", id)
        try dave.pushOK("origin", "main")
        try alice.git("pull", "-q", "--ff-only")
        try dave.git("pull", "-q", "--ff-only")
        // Both issue 1.0 (dave's clone acting for alice, as a second machine of hers would).
        try alice.ok("issue", id)
        try alice.ok("withdraw", retired, "--reason", "Not needed")
        try alice.pushOK("origin", "main", "refs/tags/folio/\(id)/1.0")
        usleep(1_100_000)  // a second machine issues a moment later: another record line
        try dave.ok("issue", id, as: .alice)
        try dave.amendPurpose(retired, "Dave's edit.")
        try dave.ok("checkin", retired)
        #expect(try !dave.tryGit(["-c", "pull.rebase=false", "pull", "-q", "--no-edit", "--no-verify", "origin", "main"]).ok || true)
        if FileManager.default.fileExists(atPath: dave.path + "/.git/MERGE_HEAD") == false {
            try dave.git("reset", "-q", "--keep", "HEAD^")
            #expect(try dave.tryGit(["merge", "-q", "--no-commit", "origin/main"]).ok)
        }
        // The withdrawn document keeps the content it was withdrawn with; checking in other content is refused.
        let other = try dave.folio(["checkin", id, retired])
        #expect(!other.ok && other.stderr.contains("keeps the content it was withdrawn with"), "\(other)")
        try dave.git("checkout", "origin/main", "--", dave.docPath(retired))
        let kept = try dave.ok("checkin", id, retired)
        #expect(kept.stdout.contains("\(retired) 0.1, already recorded"), "\(kept)")
        let mainBefore = try server.main()
        let r = try dave.push("origin", "main")
        try SVExpectRefused(r, rule: "issue.twice", server: server, mainBefore: mainBefore)
        #expect(r.stderr.contains("git tag -d folio/\(id)/1.0"), "\(r)")
        #expect(!r.stderr.contains("[retired.changed]"), "the withdrawn content was kept:\n\(r)")
    }

    @Test("a feature branch that checked in a document main has since submitted is the same document, not an ID reused")
    func featureBranchOfOneDocument() throws {
        let (server, daemon, alice, dave) = try Self.aliceAndDave()
        defer { daemon.stop() }
        let id = try alice.new(title: "Vendors")
        try alice.pushOK("origin", "main")
        try dave.git("pull", "-q", "--ff-only")
        try dave.git("checkout", "-q", "-b", "topic")
        try dave.amendPurpose(id, "Dave's draft on a branch.")
        try dave.ok("checkin", id)
        try alice.ok("submit", id)
        try alice.pushOK("origin", "main")
        // Both appended to the record since the branch began: one document all the same.
        try dave.pushOK("origin", "topic")
        #expect(try server.ref("refs/heads/topic") == dave.head())
        // Another document created under the same ID is still refused.
        try dave.git("checkout", "-q", "-b", "other", "HEAD~1")
        try dave.git("rm", "-q", "-r", "--cached", dave.recordPath(id), dave.docPath(id))
        try FileManager.default.removeItem(atPath: dave.file(dave.recordPath(id)))
        try FileManager.default.removeItem(atPath: dave.file(dave.docPath(id)))
        try dave.git("commit", "-q", "--no-verify", "-m", "Drop")
        let again = try dave.new(title: "Something else")
        #expect(again == id, "the clone hands out the same number again")
        let r = try dave.push("origin", "other")
        #expect(!r.ok && r.stderr.contains("[id.reused]") || r.stderr.contains("[record.deleted]"), "\(r)")
    }
}
