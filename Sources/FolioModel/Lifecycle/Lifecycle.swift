import FolioGit
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
    /// Approvals given since the last submission, in order.
    public var approvals: [RecordEvent] = []
    /// The approvals the last issued revision was issued with.
    public var issuedApprovals: [RecordEvent] = []
    /// When the document was last submitted (for review waiting times).
    public var submittedAt: String?
    public var supersededBy: String?

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
            revision = RevisionLabel.draft(scheme: scheme, issued: issuedCount, draft: draftNumber)
        case .submitted:
            state = .inReview
            approvals = []
            submittedAt = event.at
            revision = RevisionLabel.shared(scheme: scheme, issued: issuedCount, draft: draftNumber)
        case .approved:
            approvals.removeAll { $0.actor.lowercased() == event.actor.lowercased() }
            approvals.append(event)
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
        case .superseded:
            state = .superseded
            supersededBy = event.by
        case .withdrawn:
            state = .withdrawn
        }
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
