import Foundation
import Testing

@Suite("Signatures: SSH-signed events and commits, cross-checked with stock tools", .wide)
struct SignatureTests {

    @Test("ssh-keygen -Y verify accepts every event signature over the documented canonical text")
    func stockSSHKeygenVerifiesEvents() throws {
        let repo = try LCRepo()
        let id = try repo.newCharter()
        try repo.edit(repo.docPath(id, type: "charter"), replacing: "portfolio:", with: "portfolio: Core")
        try repo.ok("checkin", id, as: .dave)
        try repo.ok("submit", id, "--sign", "--key", repo.key(.dave), as: .dave)
        try repo.ok("approve", id, "--sign", "--key", repo.key(.bob), as: .bob)
        try repo.ok("approve", id, "--sign", "--key", repo.key(.carol), as: .carol)
        try repo.ok("issue", id, "--sign", "--key", repo.key(.alice), as: .alice)

        let signed = try repo.recordLines(id).filter { parseJSONLine($0)["signature"] != nil }
        #expect(signed.count == 4, "submit, two approvals and issue are signed:\n\(signed.joined(separator: "\n"))")
        #expect(Set(signed.map { parseJSONLine($0)["actor"] as? String ?? "" })
                == ["dave@example.com", "bob@example.com", "carol@example.com", "alice@example.com"])

        for line in signed {
            let event = parseJSONLine(line)
            let actor = event["actor"] as? String ?? ""
            let signature = event["signature"] as? String ?? ""
            #expect(signature.hasPrefix("-----BEGIN SSH SIGNATURE-----"), "\(line)")
            // The stored line is compact JSON with sorted keys: re-serialising reproduces it.
            #expect(compactJSON(event) == line, "the stored line is not compact sorted JSON:\n\(line)\n\(compactJSON(event))")
            let canonical = LCCanonical(line)
            #expect(!canonical.contains("signature"))
            #expect(canonical.hasSuffix("}\n"))
            let good = try repo.sshVerify(canonical: canonical, signature: signature, identity: actor)
            #expect(good.status == 0, "ssh-keygen rejects the \(event["event"] ?? "") signature of \(actor):\n\(good)\ncanonical: \(canonical)")

            // The same check fails for other text or another identity, so it is a real check.
            var altered = event
            altered.removeValue(forKey: "signature")
            altered["revision"] = "9.9"
            let otherText = try repo.sshVerify(canonical: compactJSON(altered) + "\n", signature: signature, identity: actor)
            #expect(otherText.status != 0, "a signature must not verify over altered text:\n\(otherText)")
            let withSignature = try repo.sshVerify(canonical: line + "\n", signature: signature, identity: actor)
            #expect(withSignature.status != 0, "the signature covers the line without its signature key")
            let otherPerson = actor == "bob@example.com" ? "carol@example.com" : "bob@example.com"
            let wrongIdentity = try repo.sshVerify(canonical: canonical, signature: signature, identity: otherPerson)
            #expect(wrongIdentity.status != 0, "\(actor)'s signature must not verify as \(otherPerson)")
        }
        try repo.expectVerifies()
        try repo.expectFsck()
    }

    @Test("git verify-commit accepts folio's commits when git config asks for SSH-signed commits")
    func gitVerifyCommit() throws {
        let repo = try LCRepo()
        let base = try repo.head()
        try repo.git("config", "commit.gpgsign", "true")
        try repo.git("config", "gpg.format", "ssh")
        try repo.git("config", "gpg.ssh.allowedSignersFile", repo.file(".folio/allowed_signers"))
        func signingAs(_ person: Person) throws { try repo.git("config", "user.signingKey", repo.key(person)) }

        try signingAs(.alice)
        let id = try repo.newCharter()
        try repo.edit(repo.docPath(id, type: "charter"), replacing: "portfolio:", with: "portfolio: Core")
        try signingAs(.dave)
        try repo.ok("checkin", id, as: .dave)
        try repo.ok("submit", id, as: .dave)
        try signingAs(.bob)
        try repo.ok("approve", id, "--sign", as: .bob)  // the event is signed with user.signingKey too
        try signingAs(.carol)
        try repo.ok("approve", id, as: .carol)
        try signingAs(.alice)
        try repo.ok("issue", id, as: .alice)

        let commits = try repo.git("rev-list", "--reverse", "\(base)..HEAD").stdout.split(separator: "\n").map(String.init)
        #expect(commits.count == 6, "new, checkin, submit, approve, approve, issue")
        for commit in commits {
            let author = try repo.git("log", "-1", "--format=%ae", commit).trimmed
            let r = try repo.gitAllowingFailure("verify-commit", "-v", commit)
            #expect(r.status == 0, "git verify-commit rejects \(commit) by \(author):\n\(r)")
            #expect(r.output.contains("Good \"git\" signature for \(author)"), "signed by the acting person's key:\n\(r)")
            #expect(try repo.git("log", "-1", "--format=%G?", commit).trimmed == "G")
        }
        // The unsigned setup commit is not accepted: the check is real.
        #expect(try repo.gitAllowingFailure("verify-commit", base).status != 0)

        let approval = try repo.recordEvents(id).first { $0["actor"] as? String == "bob@example.com" } ?? [:]
        #expect(approval["signature"] != nil, "approve --sign used git's user.signingKey")
        #expect(LCApprovals(try repo.status(id)).first { $0["person"] as? String == "bob@example.com" }?["verified"] as? Bool == true)
        try repo.expectVerifies()
        try repo.expectFsck()
    }

    @Test("approve --sign with a key not in allowed_signers is refused up front")
    func unknownKeyRefused() throws {
        let repo = try LCRepo()
        try repo.makeKey("rogue")
        let id = try repo.newCharter()
        try repo.ok("submit", id)
        let before = try repo.head()
        let record = try repo.read(repo.recordPath(id))

        LCExpectRefused(try repo.folio(["approve", id, "--sign", "--key", repo.key("rogue")], as: .bob),
                        mentioning: ["allowed_signers"])
        // Another person's listed key does not do either.
        LCExpectRefused(try repo.folio(["approve", id, "--sign", "--key", repo.key(.carol)], as: .bob),
                        mentioning: ["allowed_signers"])
        #expect(try repo.head() == before, "nothing committed")
        #expect(try repo.read(repo.recordPath(id)) == record)
        #expect(try repo.gitAllowingFailure("status", "--porcelain").stdout.isEmpty, "the work tree is clean")

        try repo.ok("approve", id, "--sign", "--key", repo.key(.bob), as: .bob)
        let approval = LCApprovals(try repo.status(id)).first
        #expect(approval?["signed"] as? Bool == true && approval?["verified"] as? Bool == true)
        try repo.expectFsck()
    }

    @Test("--sign is refused when signatures are off")
    func signaturesOff() throws {
        let repo = try LCRepo(signatures: "off")
        let id = try repo.newCharter()
        try repo.ok("submit", id)
        let before = try repo.head()
        LCExpectRefused(try repo.folio(["approve", id, "--sign", "--key", repo.key(.bob)], as: .bob), mentioning: ["off"])
        #expect(try repo.head() == before)
        try repo.ok("approve", id, as: .bob)
        #expect(LCApprovals(try repo.status(id)).first?["signed"] as? Bool == false)
        try repo.expectFsck()
    }
}
