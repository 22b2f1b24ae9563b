import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// End-to-end tests on two real git servers from Debian's packages, started
// by the tests on 127.0.0.1 (`make test` installs them):
//
// - gitolite3 behind OpenSSH's sshd: each person pushes with their own SSH
//   key, gitolite names them in `GL_USER`;
// - Apache httpd running `git http-backend` (smart HTTP) behind basic
//   authentication: Apache names the person in `REMOTE_USER`.
//
// On each, a team of four works through a whole lifecycle from their own
// clones, with merges, and is never refused; then each class of attack of
// docs/server.md is tried by a person with push access and refused with a
// line naming the commit, the document and the rule. Helpers start with `RS`.

/// How a real server is reached: a clone URL and `git clone` options per person.
protocol RSTransport {
    /// The server's name in messages.
    var name: String { get }
    func url(for person: Person) -> String
    func cloneOptions(for person: Person) -> [String]
}

/// The name of the user this test process runs as (the ssh login).
func RSUserName() -> String {
    guard let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name else { return "root" }
    return String(cString: name)
}

/// Waits (a bound on waiting, not a timed assertion) until `port` accepts
/// connections and `ready()` holds, while the server runs.
func RSWait(for server: SVDaemon, _ ready: () throws -> Bool) rethrows -> Bool {
    for _ in 0..<1500 where server.isRunning {
        if SVAccepts(port: server.port), try ready() { return true }
        usleep(20_000)
    }
    return false
}

/// Starts a server on a free port of 127.0.0.1: `launch(port, attempt)`
/// writes its configuration and returns the executable, its arguments and
/// the log to read on failure; `ready(port)` says when it answers as this
/// world's server (another test's may hold the port). Tries 8 ports.
func RSStart(_ name: String, launch: (UInt16, Int) throws -> (executable: String, arguments: [String], log: String),
             ready: (UInt16) throws -> Bool, sourceLocation: SourceLocation = #_sourceLocation) throws -> SVDaemon {
    var problems: [String] = []
    for attempt in 1...8 {
        let port = try SVFreePort()
        let (executable, arguments, log) = try launch(port, attempt)
        let pid = try SVSpawn(executable, arguments, environment: ["PATH": "/usr/bin:/bin:/usr/sbin:/sbin", "LANG": "C"], log: log)
        let daemon = SVDaemon(pid: pid, port: port, log: log)
        if try RSWait(for: daemon, { try ready(port) }) { return daemon }
        daemon.stop()
        problems.append("port \(port): " + ((try? String(contentsOfFile: log, encoding: .utf8)) ?? ""))
    }
    Issue.record("\(name) did not start:\n\(problems.joined(separator: "\n"))", sourceLocation: sourceLocation)
    throw SetupError("\(name) did not start")
}

// MARK: - gitolite over OpenSSH

/// gitolite3 with its home in the world's `gl` folder, behind an sshd on a
/// free port of 127.0.0.1 that runs as this test's user and lets in exactly
/// gitolite's keys. Repository `alpha` is `gl/repositories/alpha.git`, the
/// world's central repository, with Folio's pre-receive hook beside
/// gitolite's own update hook.
final class RSGitolite: RSTransport, @unchecked Sendable {
    let name = "gitolite3 over OpenSSH"
    static let central = "gl/repositories/alpha.git"
    let server: SVServer
    let sshd: SVDaemon
    let login = RSUserName()

    var home: String { server.path("gl") }
    func sshKey(_ who: String) -> String { server.path("ssh/\(who)") }

    /// ssh's options for a person's key: no agent, no prompt, no known hosts.
    static func sshOptions(key: String, port: UInt16) -> [String] {
        ["-i", key, "-p", "\(port)", "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
         "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR"]
    }

    func sshCommand(_ who: String) -> String {
        (["ssh"] + Self.sshOptions(key: sshKey(who), port: sshd.port)).joined(separator: " ")
    }

    func url(for person: Person) -> String { "ssh://\(login)@127.0.0.1:\(sshd.port)/alpha" }
    func cloneOptions(for person: Person) -> [String] { ["-c", "core.sshCommand=\(sshCommand(person.rawValue))"] }

    init(_ server: SVServer, sourceLocation: SourceLocation = #_sourceLocation) throws {
        self.server = server
        let fm = FileManager.default
        try fm.createDirectory(atPath: server.path("ssh"), withIntermediateDirectories: true)
        // An SSH key per person (and gitolite's admin), and the host's key.
        for who in ["host", "admin"] + Person.allCases.map(\.rawValue) {
            try server.mustRun(Tools.sshKeygen, ["-q", "-t", "ed25519", "-N", "", "-C", who, "-f", "ssh/\(who)"],
                               in: server.root.path, sourceLocation: sourceLocation)
        }
        let gitolite = Tools.which("gitolite")
        let asGitolite = ["HOME": server.path("gl")]
        try fm.createDirectory(atPath: server.path("gl"), withIntermediateDirectories: true)
        try fm.copyItem(atPath: server.path("ssh/admin.pub"), toPath: server.path("admin.pub"))
        try server.mustRun(gitolite, ["setup", "-pk", server.path("admin.pub")], in: server.root.path,
                           environment: asGitolite, sourceLocation: sourceLocation)
        // Everyone may push (mallory too, who is in no folio.yml): Folio's
        // rules, not gitolite's, are under test.
        for person in Person.allCases {
            try fm.copyItem(atPath: server.path("ssh/\(person.rawValue).pub"),
                            toPath: server.path("gl/.gitolite/keydir/\(person.rawValue).pub"))
        }
        let conf = "repo gitolite-admin\n    RW+ = admin\nrepo alpha\n    RW+ = "
            + Person.allCases.map(\.rawValue).joined(separator: " ") + "\n"
        try Data(conf.utf8).write(to: URL(fileURLWithPath: server.path("gl/.gitolite/conf/gitolite.conf")))
        // Compiles the configuration, takes in the existing alpha.git (its
        // update hook) and writes the authorized keys.
        try server.mustRun(gitolite, ["setup"], in: server.root.path, environment: asGitolite, sourceLocation: sourceLocation)

        if geteuid() == 0 { try fm.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true) }
        sshd = try RSStart("sshd with gitolite", launch: { port, attempt in
            let config = server.path("sshd-\(port).conf")
            // SetEnv HOME: gitolite-shell finds its configuration in $HOME,
            // and sshd would give it this user's own home.
            let text = """
                Port \(port)
                ListenAddress 127.0.0.1
                HostKey \(server.path("ssh/host"))
                PidFile \(server.path("sshd-\(port).pid"))
                AuthorizedKeysFile \(server.path("gl/.ssh/authorized_keys"))
                StrictModes no
                PasswordAuthentication no
                KbdInteractiveAuthentication no
                PermitRootLogin prohibit-password
                UsePAM no
                SetEnv HOME=\(server.path("gl"))

                """
            try Data(text.utf8).write(to: URL(fileURLWithPath: config))
            return ("/usr/sbin/sshd", ["-D", "-e", "-f", config], server.path("sshd-\(port)-\(attempt).log"))
        }, ready: { port in
            // gitolite's `info` lists alpha for alice: our sshd, our gitolite.
            let r = try server.run("/usr/bin/ssh", Self.sshOptions(key: server.path("ssh/alice"), port: port)
                                   + ["\(RSUserName())@127.0.0.1", "info"], in: server.root.path)
            return r.ok && r.stdout.contains("alpha")
        }, sourceLocation: sourceLocation)
    }

    deinit { sshd.stop() }
}

// MARK: - Apache httpd with git http-backend

/// Apache httpd on a free port of 127.0.0.1 serving the world's folder with
/// `git http-backend` under /git/, behind basic authentication with a
/// password per person. Run as root (as on a real server), Apache serves as
/// www-data, who then owns central.git; the hook calls a copy of folio in
/// the world's folder that www-data can run.
final class RSApache: RSTransport, @unchecked Sendable {
    let name = "Apache httpd with git http-backend"
    let server: SVServer
    let httpd: SVDaemon

    static func password(_ person: Person) -> String { "secret-\(person.rawValue)-7" }
    func password(_ person: Person) -> String { Self.password(person) }
    func url(for person: Person) -> String {
        "http://\(person.rawValue):\(password(person))@127.0.0.1:\(httpd.port)/git/central.git"
    }
    func cloneOptions(for person: Person) -> [String] { [] }

    init(_ server: SVServer, sourceLocation: SourceLocation = #_sourceLocation) throws {
        self.server = server
        let fm = FileManager.default
        let root = server.root.path
        let asRoot = geteuid() == 0
        // The hook, with a folio www-data can run.
        try fm.createDirectory(atPath: server.path("bin"), withIntermediateDirectories: true)
        // Copied by cp, not by this process: a file this process holds open
        // for writing is inherited by whatever child another test spawns at
        // that moment, and running it then fails with ETXTBSY.
        try server.mustRun("/bin/cp", [server.folio, server.path("bin/folio")], in: root, sourceLocation: sourceLocation)
        try server.mustRun(server.path("bin/folio"), ["hooks", "install", "--server", "--force", "--repo", "central.git"],
                           in: root, sourceLocation: sourceLocation)
        for person in Person.allCases {
            try server.mustRun(Tools.which("htpasswd"),
                               ["-b", "-B"] + (person == .alice ? ["-c"] : []) + [server.path("htpasswd"), person.rawValue, Self.password(person)],
                               in: root, sourceLocation: sourceLocation)
        }
        try fm.createDirectory(atPath: server.path("httpd"), withIntermediateDirectories: true)
        if asRoot {
            try server.mustRun("/bin/chown", ["-R", "www-data:www-data", server.central], in: root, sourceLocation: sourceLocation)
            try server.mustRun("/bin/chmod", ["755", root, server.path("bin")], in: root, sourceLocation: sourceLocation)
        }
        let modules = "/usr/lib/apache2/modules"
        httpd = try RSStart("Apache httpd", launch: { port, attempt in
            let config = server.path("httpd/httpd-\(port).conf")
            let text = """
                ServerRoot \(server.path("httpd"))
                Listen 127.0.0.1:\(port)
                ServerName 127.0.0.1
                PidFile \(server.path("httpd/httpd-\(port).pid"))
                DefaultRuntimeDir \(server.path("httpd"))
                Mutex file:\(server.path("httpd"))
                ErrorLog \(server.path("httpd/error-\(port).log"))
                LogLevel warn
                LoadModule mpm_prefork_module \(modules)/mod_mpm_prefork.so
                LoadModule authn_core_module \(modules)/mod_authn_core.so
                LoadModule authn_file_module \(modules)/mod_authn_file.so
                LoadModule authz_core_module \(modules)/mod_authz_core.so
                LoadModule authz_user_module \(modules)/mod_authz_user.so
                LoadModule auth_basic_module \(modules)/mod_auth_basic.so
                LoadModule alias_module \(modules)/mod_alias.so
                LoadModule cgi_module \(modules)/mod_cgi.so
                LoadModule env_module \(modules)/mod_env.so
                \(asRoot ? "User www-data\nGroup www-data" : "")
                SetEnv GIT_PROJECT_ROOT \(root)
                SetEnv GIT_HTTP_EXPORT_ALL 1
                ScriptAlias /git/ /usr/lib/git-core/git-http-backend/
                <Location /git/>
                    AuthType Basic
                    AuthName "Folio test"
                    AuthUserFile \(server.path("htpasswd"))
                    Require valid-user
                </Location>

                """
            try Data(text.utf8).write(to: URL(fileURLWithPath: config))
            return ("/usr/sbin/apache2", ["-DFOREGROUND", "-f", config], server.path("httpd/error-\(port).log"))
        }, ready: { port in
            let probe = "http://alice:\(Self.password(.alice))@127.0.0.1:\(port)/git/central.git"
            let r = try server.run(Tools.git, ["ls-remote", probe], in: root)
            return r.ok && r.stdout.contains(server.marker)
        }, sourceLocation: sourceLocation)
    }

    deinit { httpd.stop() }
}

// MARK: - The scenario

/// The push was refused by Folio's hook with one line naming `commit`,
/// `document` (an ID or a path) and `rule`, and the server did not move.
func RSExpectRefused(_ push: ProcessResult, commit: String, document: String, rule: String, server: SVServer,
                     mainBefore: String?, refs: [String: String?] = [:], sourceLocation: SourceLocation = #_sourceLocation) throws {
    try SVExpectRefused(push, rule: rule, server: server, mainBefore: mainBefore, refs: refs, sourceLocation: sourceLocation)
    let lines = push.stderr.split(separator: "\n").filter { $0.contains("[\(rule)]") }
    let short = String(commit.prefix(10))
    #expect(lines.contains { $0.contains(short) && $0.contains(document) }, "a line should name commit \(short), \(document) and [\(rule)]:\n\(push)",
            sourceLocation: sourceLocation)
}

/// The revision named by the last line of a document's record.
func RSRevision(_ clone: SVClone, _ id: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
    let last = try #require(try clone.recordLines(id).last, sourceLocation: sourceLocation)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any], sourceLocation: sourceLocation)
    return try #require(object["revision"] as? String, sourceLocation: sourceLocation)
}

/// The team's work and the attacks, on one real server.
func RSTeamAndAttacks(_ transport: RSTransport, _ server: SVServer, sourceLocation: SourceLocation = #_sourceLocation) throws {
    func clone(_ person: Person) throws -> SVClone {
        try server.clone(transport.url(for: person), person.rawValue, as: person, options: transport.cloneOptions(for: person),
                         sourceLocation: sourceLocation)
    }
    let alice = try clone(.alice)
    let bob = try clone(.bob)
    let carol = try clone(.carol)
    let dave = try clone(.dave)
    func pull(_ clone: SVClone) throws { try clone.git("-c", "pull.rebase=false", "pull", "-q", "--no-edit", "origin", "main") }

    // MARK: the honest team: never refused

    // alice writes a decision log and submits it; dave approves it in his clone.
    let supplier = try alice.new(title: "Supplier choice")
    try alice.amendPurpose(supplier, "Choose the cable supplier for phase 2.")
    try alice.ok("checkin", supplier, "-m", "Purpose")
    try alice.ok("submit", supplier)
    try alice.pushOK("origin", "main")
    try pull(dave)
    try dave.ok("approve", supplier, "--comment", "Agreed")
    try dave.pushOK("origin", "main")

    // bob, from a clone made before all that, takes the same ID: git refuses
    // his push, the pull stops on the add/add conflict, renumber leads out.
    let bobs = try bob.new(title: "Sponsor's decisions")
    #expect(bobs == supplier, "bob's clone knew no decision log yet")
    let stale = try bob.push("origin", "main")
    #expect(!stale.ok && !stale.stderr.contains("pre-receive hook declined"), "git itself refuses a stale push:\n\(stale)")
    #expect(try !bob.tryGit(["-c", "pull.rebase=false", "pull", "-q", "--no-edit", "origin", "main"]).ok)
    let renumbered = try bob.ok("renumber", bobs).trimmed
    #expect(renumbered != supplier && !renumbered.isEmpty)
    try bob.pushOK("origin", "main")

    // alice issues 1.0 with its tag, after merging bob's work into hers.
    try pull(alice)
    try alice.ok("issue", supplier)
    try alice.pushOK("origin", "main", "refs/tags/folio/\(supplier)/1.0")

    // carol, an admin, changes the review policy with plain git: the server names her.
    try pull(carol)
    try carol.edit("folio.yml", replacing: "max_days: 5", with: "max_days: 7")
    try carol.commit("Review policy: seven days")
    try carol.pushOK("origin", "main")

    // Two clones act on one record: alice checks in new content while dave,
    // not yet aware, rejects what was submitted; git's union merge joins the records.
    try pull(alice)
    let scope = try alice.new(title: "Scope of phase 2")
    try alice.ok("submit", scope)
    try alice.pushOK("origin", "main")
    try pull(dave)
    try alice.amendPurpose(scope, "Phase 2 covers the north site only.")
    try alice.ok("checkin", scope, "-m", "North site only")
    try alice.pushOK("origin", "main")
    try dave.ok("reject", scope, "--comment", "Say which sites")
    #expect(try !dave.push("origin", "main").ok, "git refuses dave's stale push")
    try pull(dave)
    let joined = try dave.recordLines(scope)
    #expect(joined.count == 4, "both sides' record lines: \(joined)")
    try dave.pushOK("origin", "main")
    // alice resubmits; dave approves the content as it now stands.
    try pull(alice)
    try alice.ok("submit", scope)
    try alice.pushOK("origin", "main")
    try pull(dave)
    try dave.ok("approve", scope)
    try dave.pushOK("origin", "main")
    let approval = try #require(try dave.recordLines(scope).last)
    // alice changes it once more and resubmits (dave's approval is now stale).
    try pull(alice)
    try alice.amendPurpose(scope, "The south site follows in phase 3.")
    try alice.ok("checkin", scope, "-m", "South site later")
    try alice.ok("submit", scope)
    try alice.pushOK("origin", "main")

    // Everyone's view agrees; the record verifies.
    let check = try server.clone(transport.url(for: .carol), "fresh", as: .carol, options: transport.cloneOptions(for: .carol))
    let verify = try check.folio(["verify"])
    #expect(verify.ok, "\(transport.name): the honest history verifies:\n\(verify)")
    let register = try check.ok("ls", "--format", "json").stdout
    #expect(register.contains(supplier) && register.contains(renumbered) && register.contains(scope))
    #expect(try server.centralGit("fsck", "--strict").ok)
    #expect(try server.main() == alice.head())

    // MARK: each class of attack, by someone with push access

    for clone in [alice, bob, carol, dave] { try pull(clone) }
    var before = try server.main()

    // 1. An event that breaks the lifecycle: bob, a sponsor, approves as pm.
    let revision = try RSRevision(bob, scope)
    try bob.commitHandMadeEvent("approved", scope, revision: revision, action: "approve", by: .bob, role: "pm", meaning: "approved")
    var r = try bob.push("origin", "main")
    try RSExpectRefused(r, commit: try bob.head(), document: scope, rule: "approval.role", server: server, mainBefore: before)
    try bob.git("reset", "-q", "--hard", "origin/main")

    // 6. Who pushed: bob writes dave's approval and commits it as dave; the server names bob.
    try bob.commitHandMadeEvent("approved", scope, revision: revision, action: "approve", by: .dave, role: "pm", meaning: "approved")
    try bob.git("commit", "-q", "--amend", "--no-edit", "--reset-author", "--no-verify", as: .dave)
    r = try bob.push("origin", "main")
    try RSExpectRefused(r, commit: try bob.head(), document: scope, rule: "event.actor", server: server, mainBefore: before)
    #expect(r.stderr.contains("bob"), "the refusal names the pusher:\n\(r)")
    try bob.git("reset", "-q", "--hard", "origin/main")
    //    ... and an admin's name on a configuration change pushed by dave.
    try dave.edit("folio.yml", replacing: "max_days: 7", with: "max_days: 30")
    let claimed = try dave.commit("Review policy", as: .alice)
    r = try dave.push("origin", "main")
    try RSExpectRefused(r, commit: claimed, document: "folio.yml", rule: "config.admin", server: server, mainBefore: before)
    #expect(r.stderr.contains("dave"), "the refusal names the pusher:\n\(r)")
    try dave.git("reset", "-q", "--hard", "origin/main")

    // 2. An approval counts once, for one round: dave's approval of 0.2 replayed after the resubmission.
    var lines = try dave.recordLines(scope)
    lines.append(approval)
    try dave.writeRecord(scope, lines)
    let replay = try dave.commit("Approval")
    r = try dave.push("origin", "main")
    try RSExpectRefused(r, commit: replay, document: scope, rule: "approval.copied", server: server, mainBefore: before)
    try dave.git("reset", "-q", "--hard", "origin/main")

    // 3. What the server trusts: bob makes himself admin in a commit parked under a tag.
    try bob.edit("folio.yml", replacing: "roles: [sponsor]", with: "roles: [sponsor, admin]")
    let parked = try bob.commit("Make me admin")
    r = try bob.push("origin", "HEAD:refs/tags/staging")
    try RSExpectRefused(r, commit: parked, document: "folio.yml", rule: "config.admin", server: server, mainBefore: before,
                        refs: ["refs/tags/staging": nil])
    try bob.git("reset", "-q", "--hard", "origin/main")

    // 4. A merge that keeps only one side drops the other side's record lines.
    let old = try dave.git("rev-parse", "HEAD~3").trimmed
    try dave.git("checkout", "-q", "-b", "old", old)
    try dave.git("merge", "-q", "--no-ff", "-s", "ours", "-m", "Merge, keeping mine", "origin/main")
    let ours = try dave.head()
    r = try dave.push("origin", "HEAD:main")
    try RSExpectRefused(r, commit: ours, document: scope, rule: "record.rewritten", server: server, mainBefore: before)
    try dave.git("checkout", "-q", "main")

    // 5. A rewrite: dave (no admin) replaces the branch with his own history.
    try dave.git("reset", "-q", "--hard", "HEAD~1")
    try dave.write("notes/dave.txt", "dave's notes\n")
    let rewritten = try dave.commit("Notes")
    r = try dave.push("--force", "origin", "main")
    try RSExpectRefused(r, commit: rewritten, document: "refs/heads/main", rule: "branch.rewritten", server: server, mainBefore: before)
    try dave.git("reset", "-q", "--hard", "origin/main")

    // 7. Content: issued 1.0 changed in place; a document made a symbolic link.
    try alice.amendPurpose(supplier, "Quietly changed after issue.")
    let quiet = try alice.commit("Typo")
    r = try alice.push("origin", "main")
    try RSExpectRefused(r, commit: quiet, document: supplier, rule: "issued.changed", server: server, mainBefore: before)
    // 8. Verify is the same judge: the commit the server refused is reported in the clone that holds it.
    let judged = try alice.folio(["verify"])
    let findings = judged.stdout + judged.stderr
    #expect(!judged.ok && findings.contains("[issued.changed]") && findings.contains(supplier),
            "verify reports what the server refused:\n\(judged)")
    try alice.git("reset", "-q", "--hard", "origin/main")
    try FileManager.default.removeItem(atPath: alice.file(alice.docPath(renumbered)))
    try FileManager.default.createSymbolicLink(atPath: alice.file(alice.docPath(renumbered)), withDestinationPath: "/etc/passwd")
    let linked = try alice.commit("Link")
    r = try alice.push("origin", "main")
    try RSExpectRefused(r, commit: linked, document: renumbered, rule: "file.irregular", server: server, mainBefore: before)
    try alice.git("reset", "-q", "--hard", "origin/main")

    // After all that, the honest team goes on.
    before = try server.main()
    try dave.ok("approve", scope)
    try dave.pushOK("origin", "main")
    #expect(try server.main() != before)
    try check.git("pull", "-q", "--ff-only")
    let again = try check.folio(["verify"])
    #expect(again.ok, "\(transport.name): verify after the attacks:\n\(again)")
}

@Suite("Real git servers: gitolite3 over OpenSSH, Apache httpd smart HTTP", .wide, .tags(.process))
struct RealServerTests {
    @Test("gitolite3 over OpenSSH names the pusher in GL_USER: a team of four is never refused; every attack class is refused")
    func gitolite() throws {
        let server = try SVServer(central: RSGitolite.central)
        let gitolite = try RSGitolite(server)
        defer { gitolite.sshd.stop() }
        let hook = try String(contentsOfFile: server.central + "/hooks/pre-receive", encoding: .utf8)
        #expect(hook.contains("hook pre-receive"), "gitolite's setup keeps Folio's hook:\n\(hook)")
        try RSTeamAndAttacks(gitolite, server)
    }

    @Test("Apache httpd with git http-backend names the pusher in REMOTE_USER: a team of four is never refused; every attack class is refused")
    func apache() throws {
        let server = try SVServer()
        let apache = try RSApache(server)
        defer { apache.httpd.stop() }
        // Without a password, nobody pushes at all.
        let anonymous = try server.run(Tools.git, ["ls-remote", "http://127.0.0.1:\(apache.httpd.port)/git/central.git"],
                                       in: server.root.path)
        #expect(!anonymous.ok)
        try RSTeamAndAttacks(apache, server)
    }
}
