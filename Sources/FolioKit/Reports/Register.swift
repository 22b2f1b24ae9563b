import FolioGit
import FolioModel
import Foundation

/// One approval as shown in listings (SPEC: person, role, meaning, at,
/// current, signed, verified).
public struct ApprovalEntry: Codable, Sendable, Equatable {
    public let person: String
    public let name: String
    public let role: String
    public let meaning: String
    public let at: String
    /// Bound to the document's current content (not stale).
    public let current: Bool
    public let signed: Bool
    /// Whether the signature verified; false when unsigned.
    public let verified: Bool
}

/// One row of the master document register.
public struct RegisterEntry: Codable, Sendable {
    public let id: String
    public let type: String
    public let title: String
    public let path: String
    public let state: String
    public let revision: String
    public let owner: String?
    public let lastChange: String?
    public let lastActor: String?
    public let approvals: [ApprovalEntry]
    public let attachments: [String]

    enum CodingKeys: String, CodingKey {
        case id, type, title, path, state, revision, owner, approvals, attachments
        case lastChange = "last_change"
        case lastActor = "last_actor"
    }
}

/// The master document register: every document with its lifecycle state.
public enum Register {
    public struct Filter {
        public var type: String?
        public var state: String?
        public var owner: String?
        public init(type: String? = nil, state: String? = nil, owner: String? = nil) {
            self.type = type
            self.state = state
            self.owner = owner
        }
    }

    public static func entries(_ project: Project, filter: Filter = Filter()) throws -> [RegisterEntry] {
        if let type = filter.type, project.template(type) == nil {
            throw FolioError.usage("no type '\(type)'; types: \(project.templates.map(\.type).joined(separator: ", "))")
        }
        if let state = filter.state, LifecycleState(rawValue: state) == nil {
            throw FolioError.usage("no state '\(state)'; states: \(LifecycleState.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var result: [RegisterEntry] = []
        for location in try project.allDocuments() where filter.type == nil || location.type == filter.type {
            let entry = try self.entry(project, location)
            if let state = filter.state, entry.state != state { continue }
            if let owner = filter.owner, entry.owner?.lowercased() != owner.lowercased() { continue }
            result.append(entry)
        }
        return result
    }

    public static func entry(_ project: Project, _ location: DocumentLocation) throws -> RegisterEntry {
        let read = try project.read(location)
        let record = try project.record(location.id)
        let current = try project.currentFingerprint(location)
        let status = try project.status(location, record: record, fingerprint: current)
        return RegisterEntry(
            id: location.id, type: location.type, title: read.document?.title ?? "", path: location.path,
            state: status.state.rawValue, revision: status.revision, owner: read.document?.field("owner"),
            lastChange: status.lastEvent?.at, lastActor: status.lastEvent?.actor,
            approvals: approvals(record, status: status, currentFingerprint: current, config: project.config, signers: project.allowedSigners),
            attachments: try project.attachments(of: location))
    }

    /// The approvals of the revision in work (since its submission), or of
    /// the issued revision once issued.
    static func approvals(
        _ record: Record, status: DocumentStatus, currentFingerprint: String?, config: ProjectConfig, signers: () -> String
    ) -> [ApprovalEntry] {
        let retired: Set<LifecycleState> = [.issued, .superseded, .withdrawn]
        let since = retired.contains(status.state) && status.approvals.isEmpty ? status.issuedApprovals : status.approvals
        return since.map { e in
            ApprovalEntry(
                person: e.actor, name: e.name, role: e.role ?? "", meaning: e.meaning ?? "approval", at: e.at,
                current: currentFingerprint == nil || e.fingerprint == currentFingerprint, signed: e.signature != nil,
                verified: e.signature.map {
                    SSHSignature.verify(e.canonicalText, signature: $0, identity: e.actor, allowedSigners: signers())
                } ?? false)
        }
    }
}
