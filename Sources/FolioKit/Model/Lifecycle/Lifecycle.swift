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
    static func letter(_ n: Int) -> String {
        var n = max(1, n)
        var s = ""
        while n > 0 {
            n -= 1
            s = String(UnicodeScalar(UInt8(65 + n % 26))) + s
            n /= 26
        }
        return s
    }

    static func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
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

    /// Folds a record's events in order.
    public static func derive(_ record: Record, scheme: ProjectConfig.RevisionScheme) -> DocumentStatus {
        var s = DocumentStatus()
        for event in record.events {
            s.apply(event, scheme: scheme)
        }
        if s.revision.isEmpty { s.revision = RevisionLabel.draft(scheme: scheme, issued: 0, draft: max(1, s.draftNumber)) }
        return s
    }

    mutating func apply(_ event: RecordEvent, scheme: ProjectConfig.RevisionScheme) {
        lastEvent = event
        switch event.event {
        case .created, .checkedIn:
            if event.event == .created { createdBy = event.actor }
            draftNumber += 1
            state = .draft
            revision = RevisionLabel.draft(scheme: scheme, issued: issuedCount, draft: draftNumber)
        case .submitted:
            state = .inReview
        case .approved:
            state = .approved
        case .rejected:
            state = .draft
        case .issued:
            issuedCount += 1
            draftNumber = 0
            state = .issued
            revision = RevisionLabel.issued(scheme: scheme, issued: issuedCount)
        case .superseded:
            state = .superseded
        case .withdrawn:
            state = .withdrawn
        }
    }

    /// The label a new content version would get.
    public func nextDraftRevision(scheme: ProjectConfig.RevisionScheme) -> String {
        RevisionLabel.draft(scheme: scheme, issued: issuedCount, draft: draftNumber + 1)
    }
}
