import FolioGit
import FolioModel
import Foundation

/// The lifecycle commands: submit, approve, reject, issue, supersede,
/// withdraw. Each appends one event to the document's record in one commit,
/// after checking the rules (see docs/lifecycle.md).
public enum Lifecycle {
    /// Who may act in `roles` (not the revision's authors), for a refusal:
    /// "who may: Bob Brown <bob@example.com> (sponsor)", or that nobody may.
    static func whoMay(_ roles: [String], config: ProjectConfig, authors: Set<String>) -> String {
        var names: [String] = []
        for role in roles {
            for person in config.people where person.roles.contains(role) && !authors.contains(person.email.lowercased()) {
                names.append("\(person.name) <\(person.email)> (\(role))")
            }
        }
        return names.isEmpty
            ? "nobody in folio.yml may (add someone with 'folio people add EMAIL --roles \(roles.first ?? "ROLE")')"
            : "who may: " + names.joined(separator: ", ")
    }

    /// `--role R` must be a role the person holds and one that acts on the type.
    static func requireRole(_ role: String, person: ProjectConfig.Person, actor: String, roles: [String], verb: String, type: String, who: @autoclosure () -> String = "") throws {
        guard person.roles.contains(role) else {
            let hint = who()
            throw FolioError.refused("\(actor) does not hold the role '\(role)'" + (hint.isEmpty ? "" : "; \(hint)"))
        }
        guard roles.contains(role) else {
            throw FolioError.refused("'\(role)' is not a role that \(verb) \(type) (\(roles.joined(separator: ", ")))")
        }
    }

    public struct Options {
        public var role: String?
        public var comment: String?
        public var sign = false
        public var keyPath: String?
        public var supersededBy: String?
        public init() {}
    }

    public struct Result {
        public let id: String
        public let event: RecordEvent
        public let state: LifecycleState
        public let commit: ObjectID
        /// For approve: roles still missing.
        public let missingRoles: [String]
        public let tag: String?
    }

    public enum Action: String, Sendable {
        case submit, approve, reject, issue, supersede, withdraw
    }

    public static func run(repository: Repository, action: Action, document: String, options: Options = Options(), context: FolioContext) throws -> Result {
        let actor = try Actor.current(repository, context)
        let transaction = Transaction(repository: repository, actor: actor, context: context)
        var outcome: (RecordEvent, LifecycleState, [String], String?)?
        var tagTarget: (String, String)?
        let (commit, _) = try transaction.commit { tip in
            let project = try Project.atRevision(repository, nil)
            guard let person = project.config.person(actor.email) else {
                throw FolioError.refused("\(actor.email) is not listed in the people of folio.yml")
            }
            let location = try project.require(document, from: context.workingDirectory)
            guard let template = project.template(location.type) else {
                throw FolioError.refused("type '\(location.type)' has no valid template")
            }
            let record = try project.record(location.id)
            guard !record.events.isEmpty else {
                throw FolioError.refused("\(location.id) has no record: check it in first ('folio checkin \(location.path)')")
            }
            let scheme = project.config.revisions
            let status = try project.status(location)
            guard let fingerprint = try project.currentFingerprint(location) else {
                throw FolioError.refused("\(location.id) is not committed")
            }
            if status.contentFingerprint != fingerprint && [.submit, .approve, .issue].contains(action) {
                throw FolioError.refused("\(location.id) was changed outside folio since its last check-in: run 'folio checkin \(location.id)' first")
            }
            func require(_ states: [LifecycleState], _ what: String) throws {
                guard states.contains(status.state) else {
                    throw FolioError.refused("\(location.id) is \(status.state.rawValue): \(what)")
                }
            }
            let roles = template.approvals
            var event = RecordEvent(
                event: .submitted, document: location.id, revision: status.revision, fingerprint: fingerprint,
                actor: actor.email, name: person.name, at: Timestamp.string(actor.time), comment: options.comment)
            var extra: [(String, WritePlan.Content)] = []
            var resultingState: LifecycleState
            var missing: [String] = []
            switch action {
            case .submit:
                try require([.draft], "only a draft can be submitted for review")
                try requireComplete(project, location, "submitted")
                event.event = .submitted
                event.revision = RevisionLabel.shared(scheme: scheme, issued: status.issuedCount, draft: status.draftNumber)
                resultingState = .inReview
            case .approve:
                try require([.inReview, .approved], "only a document in review can be approved (submit it first)")
                if status.authors.contains(actor.email.lowercased()) {
                    throw FolioError.refused("\(actor.email) is an author of \(location.id) \(status.revision) and may not approve it; \(Lifecycle.whoMay(roles, config: project.config, authors: status.authors))")
                }
                if let owner = try project.timesheetPerson(location), owner == actor.email.lowercased() {
                    throw FolioError.refused("\(actor.email) may not approve their own timesheet \(location.id): a manager approves it")
                }
                let role: String
                if let r = options.role {
                    try Lifecycle.requireRole(
                        r, person: person, actor: actor.email, roles: roles, verb: "approves", type: template.type,
                        who: Lifecycle.whoMay([r], config: project.config, authors: status.authors))
                    role = r
                } else {
                    let already = ApprovalCheck(required: roles, approvals: status.approvals, authors: status.authors, fingerprint: fingerprint, document: location.id, config: project.config)
                    guard let r = roles.first(where: { person.roles.contains($0) && already.satisfied[$0] == nil }) ?? roles.first(where: { person.roles.contains($0) }) else {
                        throw FolioError.refused("\(actor.email) holds none of the roles that approve \(template.type) (\(roles.joined(separator: ", "))); \(Lifecycle.whoMay(roles, config: project.config, authors: status.authors))")
                    }
                    role = r
                }
                if status.approvals.contains(where: { $0.actor.lowercased() == actor.email.lowercased() && $0.fingerprint == fingerprint }) {
                    throw FolioError.refused("\(actor.email) has already approved this content of \(location.id); a person counts once")
                }
                event.event = .approved
                event.role = role
                event.meaning = "approval"
                let check = ApprovalCheck(required: roles, approvals: status.approvals + [event], authors: status.authors, fingerprint: fingerprint, document: location.id, config: project.config)
                missing = check.missingRoles
                resultingState = check.complete ? .approved : .inReview
            case .reject:
                try require([.inReview, .approved], "only a document in review can be rejected")
                guard let comment = options.comment, !comment.trimmingCharacters(in: .whitespaces).isEmpty else {
                    throw FolioError.usage("a rejection needs --comment saying what must change")
                }
                guard roles.contains(where: person.roles.contains) else {
                    throw FolioError.refused("\(actor.email) holds none of the roles that review \(template.type) (\(roles.joined(separator: ", ")))")
                }
                if let r = options.role {
                    try Lifecycle.requireRole(r, person: person, actor: actor.email, roles: roles, verb: "reviews", type: template.type)
                }
                event.event = .rejected
                event.role = options.role ?? roles.first(where: person.roles.contains)
                event.meaning = "review"
                resultingState = .draft
            case .issue:
                try require([.approved, .inReview], "only an approved document can be issued")
                try requireComplete(project, location, "issued")
                let check = ApprovalCheck(required: roles, approvals: status.approvals, authors: status.authors, fingerprint: fingerprint, document: location.id, config: project.config)
                if !check.complete {
                    var why = "\(location.id) cannot be issued: approvals missing from \(check.missingRoles.joined(separator: ", ")) (\(Lifecycle.whoMay(check.missingRoles, config: project.config, authors: status.authors)))"
                    for f in check.invalid { why += "\n  \(f.problem)" }
                    throw FolioError.refused(why)
                }
                if project.config.signatures == .required {
                    for (role, approval) in check.satisfied where approval.signature == nil {
                        throw FolioError.refused("\(location.id) cannot be issued: signatures are required and the \(role) approval by \(approval.actor) is not signed")
                    }
                }
                event.event = .issued
                event.revision = status.nextIssuedRevision(scheme: scheme)
                event.meaning = "release"
                resultingState = .issued
                tagTarget = (location.id, event.revision)
            case .supersede:
                guard status.issuedCount > 0, status.state != .superseded, status.state != .withdrawn else {
                    throw FolioError.refused("\(location.id) is \(status.state.rawValue): only a document with an issued revision can be superseded")
                }
                guard let by = options.supersededBy else { throw FolioError.usage("supersede needs --by ID") }
                guard by != location.id else { throw FolioError.usage("a document cannot supersede itself") }
                guard let replacement = try project.find(by) else { throw FolioError.usage("no document with ID '\(by)'") }
                let replacementStatus = try project.status(replacement)
                guard replacementStatus.issuedCount > 0, replacementStatus.state != .superseded, replacementStatus.state != .withdrawn else {
                    throw FolioError.refused("\(by) is \(replacementStatus.state.rawValue): a document is superseded by one with an issued revision")
                }
                event.event = .superseded
                event.by = by
                event.meaning = "supersession"
                resultingState = .superseded
            case .withdraw:
                try require([.draft, .inReview, .approved, .issued], "it is already retired")
                guard let reason = options.comment, !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
                    throw FolioError.usage("withdraw needs --reason")
                }
                event.event = .withdrawn
                event.meaning = "withdrawal"
                resultingState = .withdrawn
            }
            // The same policy the server and `folio verify` judge every event with.
            let violations = LifecyclePolicy.judge(
                event, status: status, config: project.config, roles: roles, scheme: scheme,
                replacement: { other in
                    guard let found = try? project.find(other) else { return nil }
                    return try? project.status(found)
                })
            if let violation = violations.first {
                throw FolioError.refused("\(location.id): \(violation.message) [\(violation.rule)]")
            }
            if options.sign || (project.config.signatures == .required && action == .approve) {
                guard project.config.signatures != .off else {
                    throw FolioError.refused("signatures are off in folio.yml")
                }
                event.signature = try signEvent(event, project: project, repository: repository, keyPath: options.keyPath)
            }
            outcome = (event, resultingState, missing, tagTarget.map { "refs/tags/folio/\($0.0)/\($0.1)" })
            var plan = WritePlan(subject: "\(location.id): \(summary(action, event, options))")
            plan.changes.append((Record.path(for: location.id), .bytes(record.appending(event))))
            plan.changes += extra
            extra = []
            if let comment = options.comment, !comment.isEmpty { plan.body = comment }
            plan.trailers = [("Folio-Document", location.id), ("Folio-Action", action.rawValue), ("Folio-Revision", event.revision)]
            if let by = event.by { plan.trailers.append(("Folio-Superseded-By", by)) }
            return plan
        }
        guard let (event, state, missing, tag) = outcome else { throw FolioError.unreadable("internal: no result") }
        if let tag {
            try repository.updateReference(tag, to: commit, expecting: nil, logMessage: "folio: issue \(event.document) \(event.revision)")
        }
        return Result(id: event.document, event: event, state: state, commit: commit, missingRoles: missing, tag: tag)
    }

    static func summary(_ action: Action, _ event: RecordEvent, _ options: Options) -> String {
        switch action {
        case .submit: "submit \(event.revision) for review"
        case .approve: "approve \(event.revision) as \(event.role ?? "")" + (event.signature != nil ? " (signed)" : "")
        case .reject: "reject \(event.revision)"
        case .issue: "issue revision \(event.revision)"
        case .supersede: "superseded by \(event.by ?? "")"
        case .withdraw: "withdraw"
        }
    }

    static func requireComplete(_ project: Project, _ location: DocumentLocation, _ what: String) throws {
        let diagnostics = try project.check(location, complete: true)
        if diagnostics.contains(where: { $0.severity == .error }) {
            throw DiagnosticList(diagnostics.filter { $0.severity == .error } + [
                Diagnostic(path: location.path, line: 1, column: 1, severity: .error, message: "\(location.id) must be complete and valid to be \(what)", rule: "lifecycle.complete")
            ])
        }
    }

    /// Signs the event and checks the signature against the project's
    /// allowed signers before anything is committed.
    static func signEvent(_ event: RecordEvent, project: Project, repository: Repository, keyPath: String?) throws -> String {
        guard let key = keyPath ?? repository.configString("user.signingKey") else {
            throw FolioError.usage("no signing key: pass --key PATH or set git config user.signingKey")
        }
        let signature = try SSHSignature.sign(event.canonicalText, keyPath: key)
        let signers = String(decoding: try project.source.read(".folio/allowed_signers", limit: Limits.configBytes) ?? [], as: UTF8.self)
        guard SSHSignature.verify(event.canonicalText, signature: signature, identity: event.actor, allowedSigners: signers) else {
            throw FolioError.refused("the signature of \(event.actor) does not verify against .folio/allowed_signers: add the public key of \(key) for \(event.actor) there first")
        }
        return signature
    }
}

/// Signing of folio's own commits when the user's git config asks for it
/// (`commit.gpgsign` with `gpg.format ssh`), so `git verify-commit` accepts them.
public enum CommitSigning {
    public static func signer(_ repository: Repository) throws -> ((String) throws -> String)? {
        guard repository.configBool("commit.gpgsign") else { return nil }
        guard repository.configString("gpg.format") == "ssh" else {
            throw FolioError.refused("commit.gpgsign is set but gpg.format is not ssh: folio signs commits with SSH keys only")
        }
        guard let key = repository.configString("user.signingKey") else {
            throw FolioError.usage("commit.gpgsign is set but user.signingKey is not")
        }
        return { content in try SSHSignature.sign(content, keyPath: key, namespace: "git") }
    }
}
