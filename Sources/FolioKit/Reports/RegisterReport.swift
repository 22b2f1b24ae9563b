import FolioGit
import FolioModel
import Foundation

/// `folio report register`: the master document register of one or more
/// projects (SPEC: Reports).
public enum RegisterReport {
    public static let columns = [
        ReportColumn("project", "Project"), ReportColumn("id", "ID"), ReportColumn("title", "Title"),
        ReportColumn("type", "Type"), ReportColumn("owner", "Owner"), ReportColumn("revision", "Rev"),
        ReportColumn("state", "State"), ReportColumn("in_force", "In force"), ReportColumn("last_change", "Last change"), ReportColumn("last_actor", "By", screenOnly: true),
        ReportColumn("approvals_pending", "Approvals pending"),
        // The path follows from the type and the ID: on paper, room for the rest.
        ReportColumn("path", "Path", screenOnly: true),
    ]

    public static func build(_ sources: [ReportSource], generated: Date) throws -> Report {
        var rows: [[ReportValue]] = []
        var byState: [String: Int] = [:]
        var byType: [String: Int] = [:]
        var pendingCount = 0
        for source in sources {
            let project = source.project
            // Row by row: the register's entries are never all held besides the rows.
            try Register.forEachEntry(project) { entry in
                let location = DocumentLocation(type: entry.type, id: entry.id, path: entry.path)
                let pending = try pendingRoles(project, location, state: entry.state)
                if !pending.isEmpty { pendingCount += 1 }
                byState[entry.state, default: 0] += 1
                byType[entry.type, default: 0] += 1
                rows.append([
                    .text(source.code), .text(entry.id), .text(entry.title), .text(entry.type),
                    entry.owner.map { .text($0) } ?? .null, .text(entry.revision), .text(entry.state),
                    entry.inForce.map { .text($0) } ?? .null, entry.lastChange.map { .text($0) } ?? .null, entry.lastActor.map { .text($0) } ?? .null,
                    .list(pending), .text(entry.path),
                ])
            }
        }
        let section = ReportSection(
            key: "documents", title: "Documents",
            note: "Every controlled document with its working revision and lifecycle state, and the revision in force (the last issued, while a draft of the next is in work). Approvals pending: the roles still without a valid approval of a revision in review.",
            columns: columns, rows: rows, empty: "No documents.")
        let title = ReportSource.title("Document register", sources)
        return Report(
            kind: "register", title: title, generated: generated, projects: sources.map(\.info),
            figures: [
                ReportFigure("documents", "Documents", .int(rows.count)),
                ReportFigure("in_review", "In review", .int(byState[LifecycleState.inReview.rawValue] ?? 0)),
                ReportFigure("awaiting_approval", "Awaiting approvals", .int(pendingCount)),
                ReportFigure("issued", "Issued", .int(byState[LifecycleState.issued.rawValue] ?? 0)),
            ],
            charts: [
                ReportChart(key: "documents_by_state", title: "Documents by state", unit: "documents",
                            bars: LifecycleState.allCases.map { ReportChart.Bar($0.rawValue, Double(byState[$0.rawValue] ?? 0)) }),
                ReportChart(key: "documents_by_type", title: "Documents by type", unit: "documents",
                            bars: byType.sorted { $0.key < $1.key }.map { ReportChart.Bar($0.key, Double($0.value)) }),
            ],
            sections: [section], mainSection: "documents")
    }

    /// The roles still without a valid approval, for a document in review
    /// (nothing is pending for a draft, an approved or a released document).
    static func pendingRoles(_ project: Project, _ location: DocumentLocation, state: String) throws -> [String] {
        guard state == LifecycleState.inReview.rawValue, let template = project.template(location.type) else { return [] }
        let record = try project.record(location.id)
        guard let fingerprint = try project.currentFingerprint(location) else { return template.approvals }
        let status = try project.status(location, record: record, fingerprint: fingerprint)
        return ApprovalCheck(
            required: template.approvals, approvals: status.approvals, authors: status.authors, fingerprint: fingerprint,
            document: location.id, config: project.config
        ).missingRoles
    }
}

/// `folio report approvals`: every approval, rejection and signed event, by
/// document and revision, with each signature verified against
/// `.folio/allowed_signers` as it stands at the report's commit.
public enum ApprovalsReport {
    public static let columns = [
        ReportColumn("project", "Project"), ReportColumn("document", "Document"), ReportColumn("title", "Title"),
        ReportColumn("revision", "Rev"), ReportColumn("event", "Event"), ReportColumn("person", "Person"),
        ReportColumn("name", "Name"), ReportColumn("role", "Role"), ReportColumn("meaning", "Meaning"),
        ReportColumn("at", "At (UTC)"), ReportColumn("signed", "Signed"), ReportColumn("verified", "Verified"),
        ReportColumn("current", "Current"), ReportColumn("issued_as", "Issued as"), ReportColumn("comment", "Comment"),
    ]

    public static func build(_ sources: [ReportSource], generated: Date) throws -> Report {
        var rows: [[ReportValue]] = []
        var approvals = 0, rejections = 0, signed = 0, verified = 0, stale = 0
        for source in sources {
            let project = source.project
            let signers = project.allowedSigners()
            for location in try project.allDocuments() {
                let record = try project.record(location.id)
                guard record.events.contains(where: { $0.event == .approved || $0.event == .rejected || $0.signature != nil })
                else { continue }
                let title = (try? project.read(location))?.document?.title ?? ""
                let current = try project.currentFingerprint(location)
                for (i, event) in record.events.enumerated()
                where event.event == .approved || event.event == .rejected || event.signature != nil {
                    let isCurrent = current == nil || event.fingerprint == current
                    let good = event.signature.map {
                        SSHSignature.verify(event.canonicalText, signature: $0, identity: event.actor, allowedSigners: signers)
                    } ?? false
                    if event.event == .approved { approvals += 1 }
                    if event.event == .rejected { rejections += 1 }
                    if event.signature != nil { signed += 1 }
                    if good { verified += 1 }
                    if event.event == .approved, !isCurrent { stale += 1 }
                    rows.append([
                        .text(source.code), .text(location.id), .text(title), .text(event.revision), .text(event.event.rawValue),
                        .text(event.actor), .text(event.name), event.role.map { .text($0) } ?? .null,
                        event.meaning.map { .text($0) } ?? .null, .text(event.at), .bool(event.signature != nil), .bool(good),
                        .bool(isCurrent), issuedAs(record.events, after: i).map { .text($0) } ?? .null,
                        event.comment.map { .text($0) } ?? .null,
                    ])
                }
            }
        }
        let title = ReportSource.title("Approvals and signatures", sources)
        return Report(
            kind: "approvals", title: title, generated: generated, projects: sources.map(\.info),
            figures: [
                ReportFigure("approvals", "Approvals", .int(approvals)),
                ReportFigure("rejections", "Rejections", .int(rejections)),
                ReportFigure("signed", "Signed events", .int(signed)),
                ReportFigure("verified", "Signatures verified", .int(verified)),
                ReportFigure("unverified", "Signatures NOT verified", .int(signed - verified)),
                ReportFigure("stale_approvals", "Approvals of content since changed", .int(stale)),
            ],
            sections: [
                ReportSection(
                    key: "approvals", title: "Approvals, rejections and signatures",
                    note: "By document and revision, in the order recorded. Verified: the signature checks against .folio/allowed_signers at the report's commit. Current: the event's fingerprint is the document's content at that commit (otherwise the content changed since). Issued as: the revision later issued with exactly that content.",
                    columns: columns, rows: rows, empty: "No approvals, rejections or signed events."),
            ],
            mainSection: "approvals")
    }

    /// The revision issued with the content an event saw, if an `issued`
    /// event with the same fingerprint follows it before any other submission.
    static func issuedAs(_ events: [RecordEvent], after index: Int) -> String? {
        let fingerprint = events[index].fingerprint
        for event in events[(index + 1)...] {
            if event.event == .issued { return event.fingerprint == fingerprint ? event.revision : nil }
            if event.event == .submitted || event.event == .checkedIn || event.event == .rejected { return nil }
        }
        return nil
    }
}
