import FolioModel
import Foundation
import Yams

/// Raw time data to import: rows of person, date, project, work package,
/// hours, activity and note, each with the line of the file it came from
/// (docs/formats.md, "Importing timesheets").
public struct TimesheetInput {
    public enum Format: String, Sendable, CaseIterable { case csv, timew }

    public struct Row: Sendable {
        /// Email as written (matched case-insensitively).
        public let person: String
        public let entry: TimesheetEntry
        /// The line of the input file (1-based).
        public let line: Int
    }

    /// How Timewarrior tags become project, work package and activity.
    public struct TagMap: Sendable, Decodable {
        public struct Target: Sendable, Decodable {
            let project: String?
            let workPackage: String?
            let activity: String?
            enum CodingKeys: String, CodingKey {
                case project, activity
                case workPackage = "work_package"
            }
        }
        let defaultProject: String?
        let tags: [String: Target]
        enum CodingKeys: String, CodingKey {
            case tags
            case defaultProject = "default_project"
        }
        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            defaultProject = try c.decodeIfPresent(String.self, forKey: .defaultProject)
            tags = try c.decodeIfPresent([String: Target].self, forKey: .tags) ?? [:]
        }
        init() {
            defaultProject = nil
            tags = [:]
        }

        /// Parses a map file (YAML). - Throws: `FolioError.unreadable` naming the file.
        public static func parse(_ bytes: [UInt8], name: String) throws -> TagMap {
            do {
                let text = try Text.decode(bytes)
                guard let node = try SafeYAML.compose(text, firstLine: 1) else { return TagMap() }
                return try YAMLDecoder().decode(TagMap.self, from: node)
            } catch let p as Text.Problem {
                throw FolioError.unreadable("\(name):\(p.line): \(p.message)")
            } catch let p as YAMLProblem {
                throw FolioError.unreadable("\(name):\(p.line): \(p.message)")
            } catch let e as DecodingError {
                throw FolioError.unreadable("\(name): \(Template.describe(e))")
            } catch {
                throw FolioError.unreadable("\(name): \(error)")
            }
        }
    }

    public let rows: [Row]
    /// `FILE:LINE: error: message`, one per bad input line.
    public let problems: [String]

    /// Reads a file's bytes in a format. `person` fills rows without one;
    /// `defaultProject` rows without a project.
    public static func parse(
        _ bytes: [UInt8], name: String, format: Format, person: String?, defaultProject: String, map: TagMap?
    ) -> TimesheetInput {
        let text: String
        do {
            text = try Text.decode(bytes)
        } catch {
            return TimesheetInput(rows: [], problems: ["\(name):\(error.line): error: \(error.message)"])
        }
        switch format {
        case .csv: return csv(text, name: name, person: person, defaultProject: defaultProject)
        case .timew: return timew(text, name: name, person: person, defaultProject: map?.defaultProject ?? defaultProject, map: map ?? TagMap())
        }
    }

    /// One row's values checked; the problem when one is wrong.
    static func row(
        person: String, date: String, project: String, workPackage: String, hours: String, activity: String, note: String, line: Int
    ) -> Result<Row, RowProblem> {
        for (name, value) in [("person", person), ("project", project), ("work_package", workPackage), ("activity", activity), ("note", note)]
        where value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return .failure(RowProblem("\(name) holds a control character or line break"))
        }
        guard !person.isEmpty else { return .failure(RowProblem("no person (give a person column or --person)")) }
        guard let day = Day(date) else { return .failure(RowProblem("'\(date)' is not a date (YYYY-MM-DD)")) }
        guard let h = DecimalText.parse(hours), h >= 0, h <= 24 else {
            return .failure(RowProblem("hours '\(hours)' must be a number from 0 to 24"))
        }
        guard ProjectConfig.isProjectCode(project) else { return .failure(RowProblem("project '\(project)' is not a project code")) }
        let rounded = (h * 100).rounded() / 100
        return .success(Row(
            person: person, entry: TimesheetEntry(date: day, project: project, workPackage: workPackage, hours: rounded, activity: activity, note: note),
            line: line))
    }

    struct RowProblem: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    /// RFC 4180 with a header row (`CSVRecords`); columns by name (case and spaces ignored).
    static func csv(_ text: String, name: String, person: String?, defaultProject: String) -> TimesheetInput {
        let csv = CSVRecords.read(text, name: name, cell: "a timesheet cell")
        if csv.header.isEmpty && !csv.problems.isEmpty { return TimesheetInput(rows: [], problems: csv.problems) }
        let header = csv.header.map { $0.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: " ", with: "_") }
        var missing = ["date", "hours"].filter { !header.contains($0) }
        if person == nil && !header.contains("person") { missing.append("person") }
        if !missing.isEmpty {
            let hint = missing.contains("person") ? "; or give --person EMAIL for a file of one person's hours" : ""
            return TimesheetInput(rows: [], problems: ["\(name):1: error: the header has no \(missing.joined(separator: ", ")) column (columns: person,date,project,work_package,hours,activity,note)\(hint)"])
        }
        for key in Set(header) where !key.isEmpty && header.filter({ $0 == key }).count > 1 {
            return TimesheetInput(rows: [], problems: ["\(name):1: error: the header names '\(key)' more than once"])
        }
        func index(_ key: String) -> Int? { header.firstIndex(of: key) }
        var rows: [Row] = []
        var problems = csv.problems
        for (here, fields) in csv.records {
            func value(_ key: String) -> String {
                guard let i = index(key), i < fields.count else { return "" }
                return fields[i].trimmingCharacters(in: .whitespaces)
            }
            let who = value("person").isEmpty ? (person ?? "") : value("person")
            let project = value("project").isEmpty ? defaultProject : value("project")
            switch row(person: who, date: value("date"), project: project, workPackage: value("work_package"), hours: value("hours"), activity: value("activity"), note: value("note"), line: here) {
            case .success(let r): rows.append(r)
            case .failure(let p): problems.append("\(name):\(here): error: \(p.message)")
            }
        }
        return TimesheetInput(rows: rows, problems: ImportTimesheets.byLine(problems, name: name))
    }

    /// `timew export`: a JSON array of intervals, in Timewarrior's layout of
    /// one interval a line (so problems name the line), or any JSON layout.
    static func timew(_ text: String, name: String, person: String?, defaultProject: String, map: TagMap) -> TimesheetInput {
        guard let person, !person.isEmpty else { return TimesheetInput(rows: [], problems: ["\(name):1: error: no person: give --person"]) }
        // The whole file must be one JSON array: a truncated export would
        // otherwise replace a day's entries with part of them.
        guard let array = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [Any] else {
            return TimesheetInput(rows: [], problems: ["\(name):1: error: not a Timewarrior export (a whole JSON array of intervals, as 'timew export' writes)"])
        }
        var objects: [(line: Int, object: Any?)] = []
        var lineMode = true
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var s = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if s.hasPrefix("[") { s.removeFirst() }
            if s.hasSuffix("]") { s.removeLast() }
            if s.hasSuffix(",") { s.removeLast() }
            s = s.trimmingCharacters(in: .whitespaces)
            if s.isEmpty { continue }
            guard s.hasPrefix("{"), s.hasSuffix("}") else {
                lineMode = false
                break
            }
            objects.append((i + 1, try? JSONSerialization.jsonObject(with: Data(s.utf8))))
        }
        if !lineMode || objects.count != array.count {
            lineMode = false
            objects = array.map { (1, $0) }
        }
        var sums: [String: (row: Row, annotations: [String])] = [:]
        var order: [String] = []
        var problems: [String] = []
        for (n, (line, object)) in objects.enumerated() {
            // Problems name the line (one interval a line) or the interval's number.
            let at = lineMode ? "\(name):\(line)" : "\(name):1"
            let which = lineMode ? "" : "interval \(n + 1): "
            guard let interval = object as? [String: Any] else {
                problems.append("\(at): error: \(which)not a JSON object")
                continue
            }
            guard let startText = interval["start"] as? String, let start = timewTime(startText) else {
                problems.append("\(at): error: \(which)no valid start (YYYYMMDDTHHMMSSZ)")
                continue
            }
            guard let endText = interval["end"] as? String else {
                problems.append("\(at): error: \(which)the interval is still running (no end): stop it with 'timew stop' and export again")
                continue
            }
            guard let end = timewTime(endText), end > start else {
                problems.append("\(at): error: \(which)end '\(endText)' is not a time after the start")
                continue
            }
            let tags = (interval["tags"] as? [Any])?.compactMap { $0 as? String } ?? []
            var project: String?
            var workPackage = ""
            var activity = ""
            for tag in tags {
                guard let target = map.tags[tag] else { continue }
                if let p = target.project { project = p }
                if let w = target.workPackage { workPackage = w }
                if let a = target.activity { activity = a }
            }
            let hours = String(format: "%.2f", end.timeIntervalSince(start) / 3600)
            let day = Day(start).description
            switch row(person: person, date: day, project: project ?? defaultProject, workPackage: workPackage, hours: hours, activity: activity, note: "", line: line) {
            case .failure(let p): problems.append("\(at): error: \(which)\(p.message)")
            case .success(let r):
                let key = "\(day)\u{0}\(r.entry.project)\u{0}\(workPackage)\u{0}\(activity)"
                let annotation = (interval["annotation"] as? String)?.trimmingCharacters(in: .whitespaces) ?? ""
                if let (prev, notes) = sums[key] {
                    let total = prev.entry.hours + r.entry.hours
                    guard total <= 24 else {
                        problems.append("\(at): error: \(which)more than 24 hours on \(day)")
                        continue
                    }
                    sums[key] = (Row(person: person, entry: TimesheetEntry(date: prev.entry.date, project: prev.entry.project, workPackage: workPackage, hours: (total * 100).rounded() / 100, activity: activity, note: ""), line: prev.line), notes + [annotation])
                } else {
                    sums[key] = (r, [annotation])
                    order.append(key)
                }
            }
        }
        let rows = order.compactMap { key -> Row? in
            guard let (r, notes) = sums[key] else { return nil }
            var seen = Set<String>()
            let note = notes.filter { !$0.isEmpty && seen.insert($0).inserted }.joined(separator: "; ")
            if note.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                problems.append("\(name):\(r.line): error: annotation holds a control character or line break")
                return nil
            }
            let e = r.entry
            return Row(person: r.person, entry: TimesheetEntry(date: e.date, project: e.project, workPackage: e.workPackage, hours: e.hours, activity: e.activity, note: note), line: r.line)
        }
        return TimesheetInput(rows: rows, problems: problems)
    }

    /// `20261130T080000Z` (Timewarrior's UTC time).
    static func timewTime(_ s: String) -> Date? {
        let u = Array(s.utf8)
        guard u.count == 16, u[8] == UInt8(ascii: "T"), u[15] == UInt8(ascii: "Z") else { return nil }
        let digits = String(decoding: u[0..<8] + u[9..<15], as: UTF8.self)
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }), let day = Day(String(digits.prefix(8)).inserting()) else { return nil }
        let t = Array(digits.dropFirst(8)).map { Int(String($0))! }
        let h = t[0] * 10 + t[1], m = t[2] * 10 + t[3], sec = t[4] * 10 + t[5]
        guard h < 24, m < 60, sec < 60 else { return nil }
        return Date(timeIntervalSince1970: Double(day.number * 86400 + h * 3600 + m * 60 + sec))
    }
}

extension String {
    /// `20261130` → `2026-11-30`.
    fileprivate func inserting() -> String {
        let a = Array(self)
        return String(a[0..<4]) + "-" + String(a[4..<6]) + "-" + String(a[6..<8])
    }
}
