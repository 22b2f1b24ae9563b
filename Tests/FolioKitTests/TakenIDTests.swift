import Foundation
import Testing

/// Two people create a document of one type at the same time and get the
/// same next ID. git refuses the second push ("fetch first") and suggests
/// `git pull`; whatever state that leaves, `folio status` and the pre-commit
/// hook name `folio renumber ID`, and renumber alone leads out of it.
@Suite("A taken ID after git pull: renumber leads out of any state", .wide)
struct TakenIDTests {
    enum PullState: String, CaseIterable, Sendable {
        /// `git fetch` only (or a `git pull` that refused divergent branches).
        case fetched
        /// `git pull --no-rebase` stopped on the add/add conflict.
        case mergeStopped
        /// The conflict resolved by hand and staged; the commit refused by the pre-commit hook.
        case mergeResolved
        /// `git pull --rebase` stopped on the conflict.
        case rebaseStopped
    }

    /// Alice's document is on the server; Bob's, under the same ID, is not.
    static func clash() throws -> (SVServer, SVClone, id: String, aliceHead: String) {
        let server = try SVServer()
        let alice = try server.clone(server.central, "alice", as: .alice)
        let bob = try server.clone(server.central, "bob", as: .bob)
        try bob.ok("hooks", "install")
        let a = try alice.new(title: "Alice's decisions")
        try alice.pushOK("origin", "main")
        let b = try bob.new(title: "Bob's decisions")
        #expect(a == b)
        #expect(try !bob.push("origin", "main").ok, "git refuses: the server moved on")
        return (server, bob, b, try alice.head())
    }

    @Test("renumber from the state git pull left; git status clean, history linear on the server's, verify clean", arguments: PullState.allCases)
    func renumberAfterPull(_ state: PullState) throws {
        let (server, bob, id, aliceHead) = try Self.clash()
        let doc = bob.docPath(id)
        switch state {
        case .fetched:
            try bob.git("fetch", "-q", "origin")
        case .mergeStopped:
            #expect(try !bob.tryGit(["pull", "-q", "--no-rebase", "origin", "main"]).ok)
        case .mergeResolved:
            #expect(try !bob.tryGit(["pull", "-q", "--no-rebase", "origin", "main"]).ok)
            try bob.git("checkout", "--ours", "--", doc)
            try bob.git("add", "-A")
            let commit = try bob.tryGit(["commit", "-q", "--no-edit"])
            #expect(!commit.ok && commit.stderr.contains("folio renumber \(id)") && commit.stderr.contains("id.taken"), "\(commit)")
        case .rebaseStopped:
            #expect(try !bob.tryGit(["pull", "-q", "--rebase", "origin", "main"]).ok)
        }
        if state != .fetched {
            let status = try bob.ok("status")
            #expect(status.stdout.contains("run 'folio renumber \(id)'"), "\(status)")
            let json = try bob.ok("status", "--format", "json")
            let object = try #require(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            #expect(object["taken_on_both_sides"] as? [String] == [id], "\(json)")
        }
        let renumbered = try bob.ok("renumber", id).trimmed
        #expect(renumbered != id && !renumbered.isEmpty)
        #expect(try bob.git("status", "--porcelain").stdout.isEmpty, "nothing left of the pull")
        for leftover in ["MERGE_HEAD", "rebase-merge", "rebase-apply"] {
            #expect(!FileManager.default.fileExists(atPath: bob.path + "/.git/" + leftover), "\(leftover) removed")
        }
        #expect(try bob.git("symbolic-ref", "HEAD").trimmed == "refs/heads/main")
        #expect(try bob.git("rev-parse", "HEAD^").trimmed == aliceHead, "one commit on top of the server's")
        try bob.git("fsck", "--strict")
        try bob.pushOK("origin", "main")
        let fresh = try server.clone(server.central, "fresh", as: .carol)
        #expect(try fresh.read(fresh.docPath(id)).contains("Alice's decisions"))
        #expect(try fresh.read(fresh.docPath(renumbered)).contains("Bob's decisions"))
        let verify = try fresh.folio(["verify"])
        #expect(verify.ok, "\(verify)")
    }

    @Test("renumber in a stopped merge keeps changes of your own: refused, naming them and git's way out, nothing changed")
    func ownChangesKept() throws {
        let (_, bob, id, _) = try Self.clash()
        // An edit of a tracked file the merge does not touch: git pull allows it.
        try bob.write("folio.yml", try bob.read("folio.yml") + "# my note\n")
        #expect(try !bob.tryGit(["pull", "-q", "--no-rebase", "origin", "main"]).ok)
        let before = try bob.git("status", "--porcelain").stdout
        let r = try bob.folio(["renumber", id])
        #expect(r.status == 1 && r.stderr.contains("folio.yml") && r.stderr.contains("git merge --abort"), "\(r)")
        #expect(try bob.git("status", "--porcelain").stdout == before, "nothing changed")
        #expect(FileManager.default.fileExists(atPath: bob.path + "/.git/MERGE_HEAD"))
        #expect(try bob.read("folio.yml").hasSuffix("# my note\n"))
    }

    @Test("two IDs taken at once, and another document created here: one renumber names both, the other keeps its ID")
    func severalDocuments() throws {
        let server = try SVServer()
        let alice = try server.clone(server.central, "alice", as: .alice)
        let bob = try server.clone(server.central, "bob", as: .bob)
        try bob.ok("hooks", "install")
        let dec = try alice.new(title: "Alice's decisions")
        let min = try alice.new("minutes", title: "Alice's minutes")
        try alice.pushOK("origin", "main")
        #expect(try bob.new(title: "Bob's decisions") == dec)
        #expect(try bob.new("minutes", title: "Bob's minutes") == min)
        let risk = try bob.new("risk-register", title: "Bob's risks")
        #expect(try !bob.tryGit(["pull", "-q", "--no-rebase", "origin", "main"]).ok)
        let status = try bob.ok("status")
        #expect(status.stdout.contains("folio renumber \(dec)") && status.stdout.contains("folio renumber \(min)"), "\(status)")
        let one = try bob.folio(["renumber", dec])
        #expect(one.status == 1 && one.stderr.contains("folio renumber \(dec) \(min)"), "\(one)")
        let free = try bob.folio(["renumber", risk])
        #expect(free.status == 1 && free.stderr.contains("not taken"), "\(free)")
        let r = try bob.ok("renumber", dec, min)
        let fresh = r.stdout.split(separator: "\n").map(String.init)
        #expect(fresh.count == 2 && !fresh.contains(dec) && !fresh.contains(min), "\(r)")
        #expect(r.stderr.contains("rebuilt under their own IDs: \(risk)"), "\(r)")
        #expect(try bob.git("status", "--porcelain").stdout.isEmpty)
        try bob.pushOK("origin", "main")
        let check = try server.clone(server.central, "check", as: .carol)
        #expect(try check.read(check.docPath(fresh[0])).contains("Bob's decisions"))
        #expect(try check.read(check.docPath(fresh[1], type: "minutes")).contains("Bob's minutes"))
        #expect(try check.read(check.docPath(risk, type: "risk-register")).contains("Bob's risks"))
        #expect(try check.read(check.docPath(dec)).contains("Alice's decisions"))
        #expect(try check.folio(["verify"]).ok)
    }

    @Test("nothing of the person's own is lost: an autostash, an edit to a file the merge brought, an untracked file where the document goes")
    func nothingLost() throws {
        // A pull --autostash: the stash comes back only when the rebase ends.
        do {
            let (_, bob, id, _) = try Self.clash()
            try bob.write("folio.yml", try bob.read("folio.yml") + "# mine\n")
            #expect(try !bob.tryGit(["pull", "-q", "--rebase", "--autostash", "origin", "main"]).ok)
            let r = try bob.folio(["renumber", id])
            #expect(r.status == 1 && r.stderr.contains("autostash") && r.stderr.contains("git rebase --abort"), "\(r)")
            #expect(FileManager.default.fileExists(atPath: bob.path + "/.git/rebase-merge"), "nothing changed")
            try bob.git("rebase", "--abort")
            #expect(try bob.read("folio.yml").hasSuffix("# mine\n"))
            // With the rebase undone, renumber keeps the unrelated edit (a safe checkout).
            let fresh = try bob.ok("renumber", id).trimmed
            let config = try bob.read("folio.yml")
            #expect(fresh != id && config.hasSuffix("# mine\n"))
        }
        // An edit to a file the merge brought in.
        do {
            let server = try SVServer()
            let alice = try server.clone(server.central, "alice", as: .alice)
            let bob = try server.clone(server.central, "bob", as: .bob)
            let id = try alice.new(title: "Alice's decisions")
            try alice.write("notes.txt", "from alice\n")
            try alice.commit("Notes")
            try alice.pushOK("origin", "main")
            #expect(try bob.new(title: "Bob's decisions") == id)
            #expect(try !bob.tryGit(["pull", "-q", "--no-rebase", "origin", "main"]).ok)
            try bob.write("notes.txt", "from alice\nand bob\n")
            let r = try bob.folio(["renumber", id])
            #expect(r.status == 1 && r.stderr.contains("notes.txt") && r.stderr.contains("git merge --abort"), "\(r)")
            #expect(try bob.read("notes.txt") == "from alice\nand bob\n")
            #expect(FileManager.default.fileExists(atPath: bob.path + "/.git/MERGE_HEAD"))
        }
        // An untracked file where the renumbered document goes.
        do {
            let (_, bob, id, _) = try Self.clash()
            #expect(try !bob.tryGit(["pull", "-q", "--no-rebase", "origin", "main"]).ok)
            let next = id.replacingOccurrences(of: "0001", with: "0002")
            try bob.write(bob.docPath(next), "my own draft\n")
            let r = try bob.folio(["renumber", id])
            #expect(r.status == 1 && r.stderr.contains(bob.docPath(next)) && r.stderr.contains("not tracked"), "\(r)")
            #expect(try bob.read(bob.docPath(next)) == "my own draft\n")
        }
    }

    @Test("a merge committed without the hooks: renumber rebuilds the work on the upstream and drops the merge")
    func committedMerge() throws {
        let (server, bob, id, aliceHead) = try Self.clash()
        #expect(try !bob.tryGit(["pull", "-q", "--no-rebase", "origin", "main"]).ok)
        try bob.git("checkout", "--ours", "--", bob.docPath(id))
        try bob.git("add", "-A")
        try bob.git("commit", "-q", "--no-verify", "--no-edit")
        #expect(try !bob.push("origin", "main").ok, "the server refuses the joined record")
        let fresh = try bob.ok("renumber", id).trimmed
        #expect(fresh != id)
        #expect(try bob.git("rev-parse", "HEAD^").trimmed == aliceHead)
        #expect(try bob.git("status", "--porcelain").stdout.isEmpty)
        try bob.pushOK("origin", "main")
        let check = try server.clone(server.central, "check", as: .carol)
        #expect(try check.read(check.docPath(fresh)).contains("Bob's decisions"))
        #expect(try check.folio(["verify"]).ok)
    }
}
