import FolioGit
import Foundation
/// A document's lifecycle state, derived from its record (never written into
/// the document itself).
public enum LifecycleState: String, Codable, Sendable, CaseIterable {
    case draft, inReview = "in-review", approved, issued, superseded, withdrawn
}

/// Revision labels per scheme (see docs/formats.md, Revisions).
public enum RevisionLabel {
    /// The label of draft number `draft` after `issued` issued revisions.
    public static func draft(scheme: ProjectConfig.RevisionScheme, issued: Int, draft: Int) -> String {
        switch scheme {
        case .numeric: "\(issued).\(draft)"
        case .letter: "\(letter(issued + 1))-draft.\(draft)"
        case .iso19650: "P\(pad(issued + 1)).\(pad(draft))"
        }
    }

    /// The label of the `issued`-th issued revision (1-based).
    public static func issued(scheme: ProjectConfig.RevisionScheme, issued: Int) -> String {
        switch scheme {
        case .numeric: "\(issued).0"
        case .letter: letter(issued)
        case .iso19650: "C\(pad(issued))"
        }
    }

    /// The label while shared for review (iso19650 `P01`; the draft label otherwise).
    public static func shared(scheme: ProjectConfig.RevisionScheme, issued: Int, draft: Int) -> String {
        scheme == .iso19650 ? "P\(pad(issued + 1))" : RevisionLabel.draft(scheme: scheme, issued: issued, draft: draft)
    }

    /// A, B, …, Z, AA, AB, … (I and O are kept, as most registers do).
    package static func letter(_ n: Int) -> String {
        var n = max(1, n)
        var s = ""
        while n > 0 {
            n -= 1
            s = String(UnicodeScalar(UInt8(65 + n % 26))) + s
            n /= 26
        }
        return s
    }

    package static func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}

/// What the record says about a document now.
public struct DocumentStatus: Sendable {
    public var state: LifecycleState = .draft
    /// Issued revisions so far.
    public var issuedCount = 0
    /// Content versions (create, check-in) since the last issue.
    public var draftNumber = 0
    public var revision = ""
    public var lastEvent: RecordEvent?
    public var createdBy: String?
    /// Who put content into the revision being drafted (they may not approve it).
    public var authors: Set<String> = []
    /// The fingerprint of the last recorded content version.
    public var contentFingerprint: String?
    /// The fingerprint of the last issued revision.
    public var issuedFingerprint: String?
    /// The label of the last issued revision (nil before the first issue).
    public var issuedRevision: String?
    /// Approvals given since the last submission, in order.
    public var approvals: [RecordEvent] = []
    /// The approvals the last issued revision was issued with.
    public var issuedApprovals: [RecordEvent] = []
    /// When the document was last submitted (for review waiting times).
    public var submittedAt: String?
    public var supersededBy: String?
    /// The content fingerprint a `superseded` or `withdrawn` event retired:
    /// the content the document keeps from then on.
    public var retiredFingerprint: String?
    /// When the last content version was recorded.
    public var contentAt: String?
    /// Every signature the record has carried: a signature counts once.
    public var signaturesSeen: Set<String> = []

    /// The status before any event (fold events into it with `apply`).
    public init() {}

    /// The label the fold gives each labelled line of a record (`created`,
    /// `checked-in` and `issued`), in record order: versions are counted in
    /// the order the record holds them, whatever label each line carries
    /// (two clones may have written the same; docs/lifecycle.md, "Two
    /// clones, one draft").
    public static func labels(_ record: Record, scheme: ProjectConfig.RevisionScheme) -> [(event: RecordEvent, label: String)] {
        var status = DocumentStatus()
        var labels: [(event: RecordEvent, label: String)] = []
        for event in record.events {
            status.apply(event, scheme: scheme)
            if event.isVersion || event.event == .issued { labels.append((event, status.revision)) }
        }
        return labels
    }

    /// Folds a record's events in order.
    public static func derive(_ record: Record, scheme: ProjectConfig.RevisionScheme) -> DocumentStatus {
        var s = DocumentStatus()
        for event in record.events {
            s.apply(event, scheme: scheme)
        }
        if s.revision.isEmpty { s.revision = RevisionLabel.draft(scheme: scheme, issued: 0, draft: max(1, s.draftNumber)) }
        return s
    }

    public mutating func apply(_ event: RecordEvent, scheme: ProjectConfig.RevisionScheme) {
        defer { if let signature = event.signature { signaturesSeen.insert(signature) } }
        // Records two clones joined (git's union merge) can hold lines that a
        // linear history never would; the fold reads them so that the record
        // cannot be bent by a merge (docs/lifecycle.md, "Two clones, one draft"):
        // retirement is final, and a submission of other content than the
        // last version submits nothing.
        if state == .superseded || state == .withdrawn { return }
        if event.event == .submitted, let current = contentFingerprint, event.fingerprint != current { return }
        lastEvent = event
        switch event.event {
        case .created, .checkedIn:
            if event.event == .created { createdBy = event.actor }
            if state == .issued || draftNumber == 0 { authors = [] }
            authors.insert(event.actor.lowercased())
            draftNumber += 1
            state = .draft
            approvals = []
            contentFingerprint = event.fingerprint
            contentAt = event.at
            revision = RevisionLabel.draft(scheme: scheme, issued: issuedCount, draft: draftNumber)
        case .submitted:
            state = .inReview
            approvals = []
            submittedAt = event.at
            revision = RevisionLabel.shared(scheme: scheme, issued: issuedCount, draft: draftNumber)
        case .approved:
            // An approval counts for the current round only: given while in
            // review, not dated before the submission, and with a signature
            // never seen before (a replayed approval counts for nothing).
            let replayed = event.signature.map { signaturesSeen.contains($0) } ?? false
            let early = submittedAt.map { LifecyclePolicy.before(event.at, $0) } ?? true
            if (state == .inReview || state == .approved) && !replayed && !early {
                approvals.removeAll { $0.actor.lowercased() == event.actor.lowercased() }
                approvals.append(event)
            }
            // Whether the approvals are complete depends on the template; see Project.status.
            state = .inReview
        case .rejected:
            state = .draft
            approvals = []
            revision = RevisionLabel.draft(scheme: scheme, issued: issuedCount, draft: draftNumber)
        case .issued:
            issuedCount += 1
            draftNumber = 0
            state = .issued
            issuedApprovals = approvals
            approvals = []
            issuedFingerprint = event.fingerprint
            revision = RevisionLabel.issued(scheme: scheme, issued: issuedCount)
            issuedRevision = revision
        case .superseded:
            state = .superseded
            supersededBy = event.by
            retiredFingerprint = event.fingerprint
        case .withdrawn:
            state = .withdrawn
            retiredFingerprint = event.fingerprint
        }
    }

    /// The revision in force: the last one issued, while the document is
    /// neither superseded nor withdrawn (ISO 19650's "published" revision,
    /// which stays in use while the next one is drafted). Nil otherwise.
    public var inForceRevision: String? {
        state == .superseded || state == .withdrawn ? nil : issuedRevision
    }

    /// The label a new content version would get.
    public func nextDraftRevision(scheme: ProjectConfig.RevisionScheme) -> String {
        RevisionLabel.draft(scheme: scheme, issued: issuedCount, draft: draftNumber + 1)
    }

    /// The label the next issue would get.
    public func nextIssuedRevision(scheme: ProjectConfig.RevisionScheme) -> String {
        RevisionLabel.issued(scheme: scheme, issued: issuedCount + 1)
    }
}

/// The approval rules of a revision: the type's roles, each approved by a
/// person who holds the role, is not an author, approved the current content,
/// and counts once.
public struct ApprovalCheck: Sendable {
    public struct Finding: Sendable, Equatable {
        public let approver: String
        public let problem: String
    }

    /// Roles still without a valid approval.
    public let missingRoles: [String]
    /// Approvals that do not count, and why.
    public let invalid: [Finding]
    /// Role → the approval that satisfies it.
    public let satisfied: [String: RecordEvent]

    public var complete: Bool { missingRoles.isEmpty }

    public init(required: [String], approvals: [RecordEvent], authors: Set<String>, fingerprint: String, document: String, config: ProjectConfig) {
        var invalid: [Finding] = []
        var satisfied: [String: RecordEvent] = [:]
        var usedPeople = Set<String>()
        for approval in approvals {
            let who = approval.actor.lowercased()
            let role = approval.role ?? ""
            if approval.document != document {
                invalid.append(Finding(approver: who, problem: "approval names document \(approval.document), not \(document)"))
            } else if approval.fingerprint != fingerprint {
                invalid.append(Finding(approver: who, problem: "approval by \(who) is stale: it approved content \(approval.fingerprint.prefix(10)), the content is now \(fingerprint.prefix(10))"))
            } else if authors.contains(who) {
                invalid.append(Finding(approver: who, problem: "\(who) is an author of this revision and may not approve it"))
            } else if !(config.person(who)?.roles.contains(role) ?? false) {
                invalid.append(Finding(approver: who, problem: "\(who) does not hold the role '\(role)'"))
            } else if usedPeople.contains(who) {
                invalid.append(Finding(approver: who, problem: "\(who) already counts for another role"))
            } else if required.contains(role), satisfied[role] == nil {
                satisfied[role] = approval
                usedPeople.insert(who)
            }
        }
        self.invalid = invalid
        self.satisfied = satisfied
        missingRoles = required.filter { satisfied[$0] == nil }
    }
}

/// The lifecycle rules every event must follow, whoever wrote it: the state
/// table, who may act (people, roles, authorship), the review round an
/// approval belongs to, signatures used once, and time order. `folio approve`
/// and friends, the server's pre-receive hook and `folio verify` all judge
/// events with it (completeness is checked by the callers, which read the
/// document).
public enum LifecyclePolicy {
    public struct Violation: Sendable, Equatable {
        public let rule: String
        public let message: String
    }

    /// Whether timestamp `a` is earlier than `b` (ISO 8601; unparsable: false).
    public static func before(_ a: String, _ b: String) -> Bool {
        if a.count == b.count, a.hasSuffix("Z"), b.hasSuffix("Z") { return a < b }
        guard let x = Timestamp.date(a), let y = Timestamp.date(b) else { return false }
        return x < y
    }

    /// The problems of appending `event` to a record whose status is
    /// `status`. `roles`: the roles that approve the document's type;
    /// `replacement`: the status of another document (for `superseded`),
    /// nil when there is no such document.
    public static func judge(
        _ event: RecordEvent, status: DocumentStatus, config: ProjectConfig, roles: [String],
        scheme: ProjectConfig.RevisionScheme, replacement: (String) -> DocumentStatus?
    ) -> [Violation] {
        var problems: [Violation] = []
        func refuse(_ rule: String, _ message: String) { problems.append(Violation(rule: rule, message: message)) }
        let who = event.actor.lowercased()
        let id = event.document
        let state = status.state
        let person = config.person(who)
        if person == nil {
            refuse("lifecycle.person", "\(event.event.rawValue) by \(who), who is not listed in the people of folio.yml")
        }
        if let signature = event.signature, status.signaturesSeen.contains(signature) {
            refuse("signature.reused", "the \(event.event.rawValue) signature of \(who) was already used in the record of \(id) (a signature counts once)")
        }
        func inState(_ states: [LifecycleState], _ what: String) {
            if !states.contains(state) {
                refuse("lifecycle.state", "\(event.event.rawValue) while \(id) is \(state.rawValue): \(what)")
            }
        }
        // Time order: an act is not dated before what it acts on (the
        // content it submits, the submission it answers, the approvals an
        // issue counts). Unrelated lines of concurrent clones may interleave.
        func afterSubmission() {
            if let submitted = status.submittedAt, before(event.at, submitted) {
                refuse("lifecycle.time", "\(event.event.rawValue) by \(who) is dated \(event.at), before the submission it answers (\(submitted))")
            }
        }
        switch event.event {
        case .created, .checkedIn:
            break  // id.reused and retired.changed are checked with the content
        case .submitted:
            inState([.draft], "only a draft can be submitted for review")
            if let content = status.contentAt, before(event.at, content) {
                refuse("lifecycle.time", "submitted by \(who) dated \(event.at), before the content it submits was recorded (\(content))")
            }
        case .approved:
            inState([.inReview, .approved], "only a document in review can be approved")
            afterSubmission()
            let role = event.role ?? ""
            if !roles.contains(role) {
                refuse("approval.role", "\(id) \(event.revision): '\(role)' is not a role that approves this type (\(roles.joined(separator: ", ")))")
            }
            if state == .inReview || state == .approved {
                if event.revision != status.revision || event.fingerprint != status.contentFingerprint {
                    refuse("approval.round", "\(id): approval by \(who) of \(event.revision) \(event.fingerprint.prefix(10)) is not for the revision in review (\(status.revision) \(status.contentFingerprint?.prefix(10) ?? "none"))")
                }
                if status.approvals.contains(where: { $0.actor.lowercased() == who && $0.fingerprint == event.fingerprint }) {
                    refuse("approval.twice", "\(id) \(event.revision): \(who) has already approved this content (a person counts once)")
                }
            }
        case .rejected:
            inState([.inReview, .approved], "only a document in review can be rejected")
            afterSubmission()
            if let person, !roles.contains(where: person.roles.contains) {
                refuse("lifecycle.role", "\(id) \(event.revision): rejected by \(who), who holds none of the roles that review this type (\(roles.joined(separator: ", ")))")
            }
        case .issued:
            inState([.approved, .inReview], "only an approved document can be issued")
            afterSubmission()
            for approval in status.approvals where before(event.at, approval.at) {
                refuse("lifecycle.time", "issued by \(who) dated \(event.at), before the approval by \(approval.actor) it counts (\(approval.at))")
            }
            if event.revision != status.nextIssuedRevision(scheme: scheme) {
                refuse("lifecycle.state", "\(id) issued as \(event.revision), but the next issued revision is \(status.nextIssuedRevision(scheme: scheme))")
            }
        case .superseded:
            if status.issuedCount == 0 || state == .superseded || state == .withdrawn {
                refuse("lifecycle.state", "superseded while \(id) is \(state.rawValue): only a document with an issued revision can be superseded")
            }
            if let by = event.by, by != id {
                if let other = replacement(by) {
                    if other.issuedCount == 0 || other.state == .superseded || other.state == .withdrawn {
                        refuse("lifecycle.supersede", "\(id) superseded by \(by), which is \(other.state.rawValue): a document is superseded by one with an issued revision")
                    }
                } else {
                    refuse("lifecycle.supersede", "\(id) superseded by \(by), which is no document of the project")
                }
            } else {
                refuse("lifecycle.supersede", "\(id) superseded without another document to replace it")
            }
        case .withdrawn:
            inState([.draft, .inReview, .approved, .issued], "it is already retired")
        }
        return problems
    }
}
