import FolioGit
import FolioModel
import Foundation

/// One action log across all the minutes of a project: an action keeps its
/// ID from meeting to meeting (`A-004` in the minutes of 2 March and again in
/// those of 9 March is one action), is counted once, takes its latest status,
/// owner and due date from the latest meeting that lists it, and is closed by
/// a later meeting (Done, Cancelled) or by the issue log (a Resolved or
/// Closed issue whose Action, Issue or Resolution names the action's ID)
/// (docs/reports.md, "pack", "The action log").
public enum ActionLog {
    public struct Action: Sendable, Equatable {
        public let project: String
        public let id: String
        public let action: String
        public let owner: String
        public let due: Day?
        /// The latest status a meeting gave it (Open, In progress, Done, Cancelled).
        public let status: String
        /// The minutes that first and last list it, and their meeting days.
        public let raisedIn: String
        public let raisedOn: Day?
        public let lastIn: String
        public let lastOn: Day?
        /// How many sets of minutes list it.
        public let meetings: Int
        /// What closed it: the minutes, or `ISSUE-LOG-ID I-NNN`; nil while open.
        public let closedBy: String?
        /// Listed as open again after a meeting or the issue log closed it.
        public let reopened: Bool

        public var isOpen: Bool { closedBy == nil }

        /// Whole days past due on `day` (nil when not due yet, or closed).
        public func daysOverdue(on day: Day) -> Int? {
            guard isOpen, let due, due < day else { return nil }
            return due.distance(to: day)
        }
    }

    static let closedStatuses: Set<String> = ["done", "cancelled", "canceled", "closed", "complete", "completed"]

    /// The actions of a project's minutes in force (drafts too: a meeting is
    /// a meeting once minuted), ordered by ID.
    public static func build(_ project: Project, code: String) throws -> [Action] {
        struct Mention {
            let minutes: String
            let meeting: String  // meeting_start as written (UTC ISO 8601 sorts as time)
            let row: TableRow
        }
        var mentions: [String: [Mention]] = [:]
        if let template = project.template("minutes") {
            for location in try project.documents(of: template) where try project.inForce(location.id) {
                guard let document = try project.read(location).document else { continue }
                let meeting = document.field("meeting_start") ?? ""
                for row in TableRow.rows(document, under: "Action items") where !row["ID"].isEmpty {
                    mentions[row["ID"], default: []].append(Mention(minutes: location.id, meeting: meeting, row: row))
                }
            }
        }
        // Issues that close actions: resolved or closed, naming the action's ID.
        var closedByIssue: [String: String] = [:]
        if let template = project.template("issue-log") {
            for location in try project.documents(of: template).sorted(by: { $0.id < $1.id }) where try project.inForce(location.id) {
                guard let document = try project.read(location).document else { continue }
                for row in TableRow.rows(document, under: "Issues") where ["resolved", "closed"].contains(row["Status"].lowercased()) {
                    for id in actionIDs(in: [row["Action"], row["Issue"], row["Resolution"]].joined(separator: " ")) where closedByIssue[id] == nil {
                        closedByIssue[id] = "\(location.id) \(row["ID"])"
                    }
                }
            }
        }
        var out: [Action] = []
        for (id, list) in mentions {
            let ordered = list.sorted { ($0.meeting, $0.minutes) < ($1.meeting, $1.minutes) }
            var closed: String?
            var reopened = false
            for mention in ordered {
                if closedStatuses.contains(mention.row["Status"].lowercased()) {
                    closed = closed ?? mention.minutes
                } else if closed != nil {
                    closed = nil
                    reopened = true
                }
            }
            if closed == nil, let issue = closedByIssue[id] { closed = issue }
            let first = ordered.first!, last = ordered.last!
            out.append(Action(
                project: code, id: id, action: last.row["Action"], owner: last.row["Owner"], due: Day(last.row["Due"]),
                status: last.row["Status"], raisedIn: first.minutes, raisedOn: Day(String(first.meeting.prefix(10))),
                lastIn: last.minutes, lastOn: Day(String(last.meeting.prefix(10))), meetings: Set(ordered.map(\.minutes)).count,
                closedBy: closed, reopened: reopened))
        }
        return out.sorted { $0.id < $1.id }
    }

    /// The action IDs (`A-` and three or more digits) a text names.
    static func actionIDs(in text: String) -> [String] {
        var ids: [String] = []
        let chars = Array(text.unicodeScalars)
        var i = 0
        while i + 4 < chars.count + 1 {
            let boundary = i == 0 || !(CharacterSet.alphanumerics.contains(chars[i - 1]) || chars[i - 1] == "-")
            if boundary, i + 1 < chars.count, chars[i] == "A", chars[i + 1] == "-" {
                var j = i + 2
                while j < chars.count, chars[j].properties.numericType != nil, chars[j].isASCII { j += 1 }
                let endsClean = j == chars.count || !CharacterSet.alphanumerics.contains(chars[j])
                if j - (i + 2) >= 3, endsClean {
                    ids.append(String(String.UnicodeScalarView(chars[i..<j])))
                    i = j
                    continue
                }
            }
            i += 1
        }
        return ids
    }
}
