import FolioGit
import FolioModel
import Foundation

/// What changed between two versions of a document, as a document controller
/// reads it: metadata fields, sections, register rows (by key) and attachments.
public struct DocumentDiff: Codable, Sendable {
    public struct Change: Codable, Sendable, Equatable {
        /// added, removed, changed
        public let change: String
        public let name: String
        public let from: String?
        public let to: String?
    }

    public struct RowChange: Codable, Sendable, Equatable {
        public let table: String
        public let change: String
        public let key: String
        /// For changed rows: column → (from, to).
        public let columns: [Change]
    }

    public let document: String
    public let from: String
    public let to: String
    public let fields: [Change]
    public let sections: [Change]
    public let rows: [RowChange]
    public let attachments: [Change]

    public var isEmpty: Bool { fields.isEmpty && sections.isEmpty && rows.isEmpty && attachments.isEmpty }

    /// What changed, in a few words for a commit subject: `fields owner, due;
    /// Risks +2 ~1 rows; attachments +heat.pdf` (at most `limit` characters).
    public func summary(limit: Int = 100) -> String {
        var parts: [String] = []
        if !fields.isEmpty { parts.append("fields " + fields.map(\.name).joined(separator: ", ")) }
        if !sections.isEmpty { parts.append("sections " + sections.map(\.name).joined(separator: ", ")) }
        var tables: [String] = []
        for row in rows where !tables.contains(row.table) { tables.append(row.table) }
        for table in tables {
            let changes = rows.filter { $0.table == table }
            let counts = [("added", "+"), ("changed", "~"), ("removed", "-")].compactMap { kind, sign -> String? in
                let n = changes.filter { $0.change == kind }.count
                return n == 0 ? nil : "\(sign)\(n)"
            }
            parts.append("\(table) \(counts.joined(separator: " ")) row\(changes.count == 1 ? "" : "s")")
        }
        if !attachments.isEmpty {
            let signs = ["added": "+", "removed": "-", "changed": "~"]
            parts.append("attachments " + attachments.map { (signs[$0.change] ?? "") + $0.name }.joined(separator: ", "))
        }
        let text = Diagnostic.escaped(parts.joined(separator: "; "))
        return text.count > limit ? String(text.prefix(limit - 1)) + "…" : text
    }

    /// One version: the document's bytes and its attachments (name → blob id).
    public struct Version {
        public let label: String
        public let bytes: [UInt8]
        public let attachments: [String: String]
        public init(label: String, bytes: [UInt8], attachments: [String: String]) {
            self.label = label
            self.bytes = bytes
            self.attachments = attachments
        }
    }

    public init(location: DocumentLocation, template: Template?, old: Version, new: Version) {
        document = location.id
        from = old.label
        to = new.label
        let a = DocumentReader.read(path: location.path, bytes: old.bytes, template: template, expectedID: nil).document
        let b = DocumentReader.read(path: location.path, bytes: new.bytes, template: template, expectedID: nil).document
        fields = DocumentDiff.fieldChanges(a, b)
        sections = DocumentDiff.sectionChanges(a, b)
        rows = DocumentDiff.rowChanges(a, b, template: template)
        var attachments: [Change] = []
        for name in Set(old.attachments.keys).union(new.attachments.keys).sorted() {
            switch (old.attachments[name], new.attachments[name]) {
            case (nil, let n?): attachments.append(Change(change: "added", name: name, from: nil, to: String(n.prefix(10))))
            case (let o?, nil): attachments.append(Change(change: "removed", name: name, from: String(o.prefix(10)), to: nil))
            case (let o?, let n?) where o != n: attachments.append(Change(change: "changed", name: name, from: String(o.prefix(10)), to: String(n.prefix(10))))
            default: break
            }
        }
        self.attachments = attachments
    }

    static func compare(_ old: [(String, String)], _ new: [(String, String)]) -> [Change] {
        let o = Dictionary(old, uniquingKeysWith: { a, _ in a })
        let n = Dictionary(new, uniquingKeysWith: { a, _ in a })
        var result: [Change] = []
        var order = old.map(\.0)
        for (k, _) in new where !order.contains(k) { order.append(k) }
        for key in order {
            switch (o[key], n[key]) {
            case (nil, let v?): result.append(Change(change: "added", name: key, from: nil, to: v))
            case (let v?, nil): result.append(Change(change: "removed", name: key, from: v, to: nil))
            case (let x?, let y?) where x != y: result.append(Change(change: "changed", name: key, from: x, to: y))
            default: break
            }
        }
        return result
    }

    static func fieldChanges(_ a: Document?, _ b: Document?) -> [Change] {
        func values(_ d: Document?) -> [(String, String)] {
            d?.frontMatter.entries.map { ($0.key, d?.field($0.key) ?? "") } ?? []
        }
        return compare(values(a), values(b))
    }

    /// Level-2 sections and their text (tables excluded: rows are compared by key).
    static func sections(_ d: Document?) -> [(String, String)] {
        guard let d else { return [] }
        // Any line break ends a line, as for cmark: "\r\n" is one Character in
        // Swift, so splitting on "\n" would see a CRLF file as one line.
        let lines = d.text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        let level2 = d.outline.headings.filter { $0.level <= 2 }
        var result: [(String, String)] = []
        // A file without headings (reStructuredText, plain text) is one text;
        // the text under the title (most of a typical decision record) is
        // compared as "(introduction)".
        if level2.isEmpty && d.frontMatter.entries.isEmpty {
            let body = lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
            return body.isEmpty ? [] : [("(text)", body)]
        }
        for (i, h) in level2.enumerated() {
            let start = h.line  // 1-based line of the heading; content starts after it
            let end = min(i + 1 < level2.count ? level2[i + 1].line - 1 : lines.count, lines.count)
            guard start >= 0, start < end else {
                result.append((h.text, ""))
                continue
            }
            let body = lines[start..<end].filter { !$0.hasPrefix("|") }
                .joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
            if h.level == 1 {
                if !body.isEmpty { result.append(("(introduction)", body)) }
            } else {
                result.append((h.text, body))
            }
        }
        return result
    }

    static func sectionChanges(_ a: Document?, _ b: Document?) -> [Change] {
        compare(sections(a), sections(b)).map {
            Change(change: $0.change, name: $0.name, from: $0.from.map(summary), to: $0.to.map(summary))
        }
    }

    static func summary(_ text: String) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        return flat.count > 120 ? String(flat.prefix(117)) + "..." : flat
    }

    static func rowChanges(_ a: Document?, _ b: Document?, template: Template?) -> [RowChange] {
        var result: [RowChange] = []
        func rows(_ d: Document?, _ heading: String) -> (header: [String], rows: [[String]]) {
            guard let t = d?.outline.table(under: heading) else { return ([], []) }
            return (t.header.map(\.text), t.rows.map { $0.map(\.text) })
        }
        let headings = template?.tables.map { ($0.heading, $0.key) } ?? []
        for (heading, key) in headings {
            let (ha, ra) = rows(a, heading)
            let (hb, rb) = rows(b, heading)
            let header = hb.isEmpty ? ha : hb
            let keyIndex = key.flatMap { header.firstIndex(of: $0) }
            func keyed(_ rows: [[String]]) -> [(String, [String])] {
                rows.map { row in (keyIndex.map { $0 < row.count ? row[$0] : "" } ?? row.joined(separator: " | "), row) }
            }
            let oldRows = Dictionary(keyed(ra), uniquingKeysWith: { a, _ in a })
            let newRows = Dictionary(keyed(rb), uniquingKeysWith: { a, _ in a })
            var order = keyed(ra).map(\.0)
            for (k, _) in keyed(rb) where !order.contains(k) { order.append(k) }
            for k in order {
                switch (oldRows[k], newRows[k]) {
                case (nil, _?): result.append(RowChange(table: heading, change: "added", key: k, columns: []))
                case (_?, nil): result.append(RowChange(table: heading, change: "removed", key: k, columns: []))
                case (let o?, let n?) where o != n:
                    let cols = compare(zip(ha, o).map { ($0, $1) }, zip(hb, n).map { ($0, $1) })
                    result.append(RowChange(table: heading, change: "changed", key: k, columns: cols))
                default: break
                }
            }
        }
        return result
    }

    /// Reads a document's version at a commit.
    /// `path` is where the file was at that commit (default: where it is now).
    public static func version(_ project: Project, _ location: DocumentLocation, commit: ObjectID, label: String, path: String? = nil) throws -> Version {
        let repo = project.repository
        let tree = try repo.commit(commit).tree()
        guard let doc = try tree.entry(at: path ?? location.path) else {
            throw FolioError.usage("\(location.id) does not exist at \(label)")
        }
        var attachments: [String: String] = [:]
        if let folder = project.template(location.type)?.attachmentFolder(id: location.id),
            let entry = try tree.entry(at: folder), entry.kind == .tree
        {
            attachments = try repo.files(inTree: entry.id).mapValues(\.description)
        }
        return Version(label: label, bytes: try repo.blobData(doc.id, limit: Limits.documentBytes), attachments: attachments)
    }
}
