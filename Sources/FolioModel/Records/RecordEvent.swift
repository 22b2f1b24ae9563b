import FolioGit
import Foundation

/// One line of a document's lifecycle record, `.folio/records/<ID>.jsonl`.
/// Records are append-only: a line, once committed, is never changed.
public struct RecordEvent: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case created, checkedIn = "checked-in", submitted, approved, rejected, issued, superseded, withdrawn
    }

    public var event: Kind
    /// Whether the event records a content version (`created`, `checked-in`):
    /// the events the fold gives draft labels, in record order.
    public var isVersion: Bool { event == .created || event == .checkedIn }
    /// The document's ID.
    public var document: String
    /// The revision label the event applies to (e.g. `0.2`, `1.0`, `B-draft.3`).
    public var revision: String
    /// The content fingerprint (document and attachments) at the event.
    public var fingerprint: String
    /// The acting person's email and printed name.
    public var actor: String
    public var name: String
    /// UTC, ISO 8601, seconds.
    public var at: String
    public var role: String?
    /// What the act means (21 CFR 11.50): review, approval, authorship.
    public var meaning: String?
    public var comment: String?
    /// For `superseded`: the ID of the document that replaces this one.
    public var by: String?
    /// For `created` and `checked-in` of an adopted document: the file's path,
    /// which binds the ID to the file (a rename or a new heading keeps the ID).
    public var path: String?
    /// An SSH signature (armoured) over `canonicalText`.
    public var signature: String?

    public init(
        event: Kind, document: String, revision: String, fingerprint: String, actor: String, name: String,
        at: String, role: String? = nil, meaning: String? = nil, comment: String? = nil, by: String? = nil,
        path: String? = nil, signature: String? = nil
    ) {
        self.event = event
        self.document = document
        self.revision = revision
        self.fingerprint = fingerprint
        self.actor = actor
        self.name = name
        self.at = at
        self.role = role
        self.meaning = meaning
        self.comment = comment
        self.by = by
        self.path = path
        self.signature = signature
    }

    /// The line as stored: compact JSON, keys sorted, so the same event is
    /// always the same bytes.
    public var line: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(self)) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}

/// A parsed record file.
public struct Record: Sendable {
    public let events: [RecordEvent]
    /// The raw lines, in order (for append-only checks).
    public let lines: [String]

    package init(events: [RecordEvent], lines: [String]) {
        self.events = events
        self.lines = lines
    }

    public static func path(for id: String) -> String { RecordFile.path(for: id) }

    public static let empty = Record(events: [], lines: [])

    /// Parses a record; a line that is not a valid event is an error naming its line.
    public static func parse(_ bytes: [UInt8], path: String) throws -> Record {
        try Record.empty.appending(parsing: bytes[...], path: path)
    }

    /// This record followed by the events in `bytes` (the lines appended to
    /// it): an append-only log is parsed once, however often it grows.
    public func appending(parsing bytes: ArraySlice<UInt8>, path: String) throws -> Record {
        var events = self.events
        var lines = self.lines
        let decoder = JSONDecoder()
        var lineNumber = lines.count
        for raw in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNumber += 1
            if raw.isEmpty { continue }
            guard !raw.contains(0), let line = String(validating: raw, as: UTF8.self) else {
                throw FolioError.unreadable("\(path):\(lineNumber): record line is not UTF-8 text")
            }
            do {
                events.append(try RecordLine.parse(raw) ?? decoder.decode(RecordEvent.self, from: Data(raw)))
                lines.append(line)
            } catch {
                throw FolioError.unreadable("\(path):\(lineNumber): not a valid record event")
            }
        }
        return Record(events: events, lines: lines)
    }

    /// The bytes of this record with `event` appended.
    public func appending(_ event: RecordEvent) -> [UInt8] {
        Array((lines + [event.line]).joined(separator: "\n").utf8) + [0x0A]
    }
}

/// Timestamps in records: UTC, ISO 8601, whole seconds.
public enum Timestamp {
    public static func string(_ date: Date) -> String {
        string(seconds: Int64(date.timeIntervalSince1970.rounded(.down)))
    }

    /// Without a formatter per call: a history report formats one a commit.
    public static func string(seconds: Int64) -> String {
        var t = time_t(seconds)
        var parts = tm()
        gmtime_r(&t, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let year = Int(parts.tm_year) + 1900
        let yyyy = year >= 0 && year < 1000 ? String(repeating: "0", count: 4 - String(year).count) + String(year) : String(year)
        return "\(yyyy)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }

    /// Parses RFC 3339 (`2026-03-02T10:00:00Z`, `…+01:00`) by hand: a
    /// formatter a call was a third of a pack over a long history. Days are
    /// proleptic Gregorian, as `string` writes them (Foundation switches to
    /// the Julian calendar before 1583), and an impossible day (30 February)
    /// is nil (Foundation rolls it over into March). Other forms (fractions
    /// of a second) go to `ISO8601DateFormatter`.
    public static func date(_ text: String) -> Date? {
        let b = Array(text.utf8)
        func digits(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= b.count else { return nil }
            var n = 0
            for i in from..<(from + count) {
                guard b[i] >= 0x30, b[i] <= 0x39 else { return nil }
                n = n * 10 + Int(b[i] - 0x30)
            }
            return n
        }
        guard b.count == 20 || b.count == 25, b[10] == 0x54, b[13] == 0x3A, b[16] == 0x3A,
            let hour = digits(11, 2), let minute = digits(14, 2), let second = digits(17, 2), hour < 24, minute < 60, second < 60
        else { return slowDate(text) }
        // The day is `Day`'s (an impossible one is nil).
        guard let day = Day(String(decoding: b[0..<10], as: UTF8.self)) else { return b[4] == 0x2D && b[7] == 0x2D && digits(0, 4) != nil ? nil : slowDate(text) }
        var offset = 0
        if b.count == 20 {
            guard b[19] == 0x5A else { return slowDate(text) }
        } else {
            guard b[19] == 0x2B || b[19] == 0x2D, b[22] == 0x3A, let oh = digits(20, 2), let om = digits(23, 2), oh < 24, om < 60 else { return slowDate(text) }
            offset = (oh * 3600 + om * 60) * (b[19] == 0x2B ? 1 : -1)
        }
        return Date(timeIntervalSince1970: TimeInterval(day.number * 86400 + hour * 3600 + minute * 60 + second - offset))
    }

    static func slowDate(_ text: String) -> Date? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.date(from: text)
    }
}
