import FolioGit
import FolioModel
import Foundation

/// `folio report schedule`: every milestone of every schedule in force
/// against its baseline (the dates of the schedule's last issued revision),
/// the slip in days and a status computed from the dates; and the milestone
/// trend: each milestone's forecast as the record stood at the end of each
/// week, read from the schedule's history (docs/reports.md, "schedule").
public enum ScheduleReport {
    /// A milestone's status from its dates (docs/reports.md).
    static func status(_ m: Milestone, baseline: Day?, today: Day) -> String {
        if m.actual != nil { return "done" }
        guard let due = m.forecast ?? baseline else { return "no date" }
        if due < today { return "late" }
        if let baseline, due > baseline { return "at risk" }
        return "on track"
    }

    /// The schedule report. Without `trend` (the pack), the trend section
    /// and charts are empty and the history is not walked.
    public static func build(_ sources: [ReportSource], today: Day, generated: Date, trend wantsTrend: Bool = true) throws -> Report {
        try ReportSource.requireDistinct(sources)
        var rows: [[ReportValue]] = []
        var trend: [[ReportValue]] = []
        var bars: [ReportChart.Bar] = []
        var trendCharts: [ReportLineChart] = []
        var counts: [String: Int] = [:]
        var maxSlip: Int?
        for source in sources {
            let project = source.project
            guard let template = project.template(Schedule.type) else { continue }
            for location in try project.documents(of: template).sorted(by: { $0.id < $1.id }) where try project.inForce(location.id) {
                guard let working = try project.read(location).document else { continue }
                // The baseline: the milestones of the last issued revision (its content
                // as committed with the `issued` event), if the schedule was ever issued.
                // Found by bisection (the pack and this report alike); the walk
                // when the bisection cannot decide, and for the trend.
                let fast = try lastIssued(source, location)
                let versions = fast == nil || wantsTrend ? try history(source, location) : []
                let issued = fast ?? versions.last { $0.issued }
                let baseline = Dictionary((issued?.milestones ?? []).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
                for m in Schedule.milestones(working) {
                    let base = issued == nil ? m.baseline : baseline[m.id]?.baseline
                    let computed = status(m, baseline: base, today: today)
                    let slip = base.flatMap { b in m.expected.map { b.distance(to: $0) } }
                    counts[computed, default: 0] += 1
                    if let slip { maxSlip = max(maxSlip ?? slip, slip) }
                    rows.append([
                        .text(source.code), .text(location.id), .text(m.id), .text(m.name),
                        base.map { .text($0.description) } ?? .null, .bool(issued != nil && baseline[m.id] != nil),
                        m.forecast.map { .text($0.description) } ?? .null, m.actual.map { .text($0.description) } ?? .null,
                        slip.map { .int($0) } ?? .null, .text(computed), .text(m.stated),
                    ])
                    if let slip { bars.append(ReportChart.Bar("\(m.id) \(m.name)", Double(slip), detail: "\(source.code) \(m.id) \(m.name): \(slip) days")) }
                }
                // The trend: per week from the first version to today, each
                // milestone's forecast in the last version committed by that week's end.
                guard let first = versions.first else { continue }
                var week = first.day.isoWeek
                let last = min(today, Day(source.commitDate)).isoWeek
                var seen = 0
                var weeks: [String] = []
                var forecasts: [String: [Double?]] = [:]
                var order: [String] = []
                while week <= last {
                    while seen < versions.count && versions[seen].day <= week.sunday { seen += 1 }
                    weeks.append(week.description)
                    for key in order { forecasts[key]?.append(nil) }
                    if seen > 0 {
                        for m in versions[seen - 1].milestones {
                            if forecasts[m.id] == nil {
                                order.append(m.id)
                                forecasts[m.id] = Array(repeating: nil, count: weeks.count)
                            }
                            forecasts[m.id]![weeks.count - 1] = (m.forecast ?? m.baseline).map { Double($0.number) }
                            trend.append([
                                .text(source.code), .text(location.id), .text(m.id), .text(week.description),
                                (m.forecast ?? m.baseline).map { .text($0.description) } ?? .null,
                                m.actual.map { .text($0.description) } ?? .null,
                            ])
                        }
                    }
                    week = week.sunday.advanced(by: 1).isoWeek
                }
                if !weeks.isEmpty {
                    trendCharts.append(ReportLineChart(
                        key: "trend_\(location.id)", title: "\(location.id): milestone trend (forecast by week)", labels: weeks,
                        series: order.map { ($0, forecasts[$0] ?? []) }, days: true))
                }
            }
        }
        let title = ReportSource.title("Schedule", sources)
        return Report(
            kind: "schedule", title: title, generated: generated, projects: sources.map(\.info),
            figures: [
                ReportFigure("milestones", "Milestones", .int(rows.count)),
                ReportFigure("done", "Done", .int(counts["done"] ?? 0)),
                ReportFigure("late", "Late", .int(counts["late"] ?? 0)),
                ReportFigure("at_risk", "At risk", .int(counts["at risk"] ?? 0)),
                ReportFigure("max_slip_days", "Largest slip (days)", maxSlip.map { .int($0) } ?? .null),
            ],
            charts: [ReportChart(key: "slip", title: "Slip against the baseline (days)", unit: "days", bars: bars.filter { $0.value != 0 })],
            sections: [
                ReportSection(
                    key: "milestones", title: "Milestones against the baseline",
                    note: "Baseline: the milestone's date in the schedule's last issued revision (baselined: yes), or, before any issue, the working draft's Baseline column. Slip: days from the baseline to the actual date, else the forecast. Status from the dates on \(today): done (an actual date), late (the forecast, or the baseline, has passed), at risk (forecast after the baseline), on track.",
                    columns: [
                        ReportColumn("project", "Project"), ReportColumn("schedule", "Schedule"), ReportColumn("milestone", "ID"),
                        ReportColumn("name", "Milestone"), ReportColumn("baseline", "Baseline"), ReportColumn("baselined", "Baselined"),
                        ReportColumn("forecast", "Forecast"), ReportColumn("actual", "Actual"), ReportColumn("slip_days", "Slip (days)"),
                        ReportColumn("status", "Status"), ReportColumn("stated_status", "Stated status"),
                    ],
                    rows: rows, empty: "No schedule with milestones."),
                ReportSection(
                    key: "trend", title: "Milestone trend",
                    note: "Each milestone's forecast (else its baseline) as the schedule stood at the end of each week: the last version committed by that Sunday, read from the history, so each line is what the record said at the time.",
                    columns: [
                        ReportColumn("project", "Project"), ReportColumn("schedule", "Schedule"), ReportColumn("milestone", "ID"),
                        ReportColumn("week", "Week"), ReportColumn("forecast", "Forecast"), ReportColumn("actual", "Actual"),
                    ],
                    rows: trend, empty: "No schedule history."),
            ],
            mainSection: "milestones"
        ).adding(lineCharts: trendCharts)
    }

    /// One committed version of a schedule.
    struct Version {
        let day: Day
        let issued: Bool
        let milestones: [Milestone]
    }

    /// The versions of a schedule, oldest first: along the first-parent
    /// history (as the S-curve reads it, so a branch's edit counts when it is
    /// merged), every commit that changed its file or issued it, with its
    /// milestones as committed there.
    static func history(_ source: ReportSource, _ location: DocumentLocation) throws -> [Version] {
        let recordPath = Record.path(for: location.id)
        let repository = source.repository
        var out: [Version] = []
        var lastDocument: ObjectID?
        var lastRecord: ObjectID?
        var issuedEvents = 0
        var milestones: [Milestone] = []
        let tip = try IssuedCounts(source, recordPath)
        // Folders that did not change since the last commit are not read again.
        var lookup = PathLookup()
        for id in try repository.walk(from: [source.commit], reverse: true, firstParentOnly: true) {
            let commit = try repository.commit(id)
            let document = try lookup.id(of: location.path, in: commit.treeID, repository)
            let record = try lookup.id(of: recordPath, in: commit.treeID, repository)
            var issued = false
            if let record, record != lastRecord {
                let count = try tip.count(record, repository) ?? Record.parse(try repository.blobData(record, limit: Limits.recordBytes), path: recordPath)
                    .events.filter { $0.event == .issued }.count
                issued = count > issuedEvents
                issuedEvents = count
                lastRecord = record
            }
            guard let document, document != lastDocument || issued else { continue }
            if document != lastDocument {
                milestones = try Self.milestones(source, location, document)
                lastDocument = document
            }
            out.append(Version(day: Day(commit.committer.time), issued: issued, milestones: milestones))
        }
        return out
    }

    /// The schedule's last issued version (its baseline): the first commit
    /// of the first-parent history whose record holds all the tip's `issued`
    /// events. The record is append-only and never deleted (the server
    /// refuses both, `folio verify` reports either), so the count only grows
    /// along the history and the commit is found by bisection, reading some
    /// thirteen records of a 5,000-commit history instead of every commit's
    /// records folder. `.some(nil)`: never issued; nil: a record probed is not
    /// a prefix of the tip's, the record is missing just before the commit
    /// found, or the document is missing at it, and `history` decides. On a
    /// history whose record was cut back and restored unprobed (a rewrite
    /// the server refuses), the commit found may be the restoring one.
    static func lastIssued(_ source: ReportSource, _ location: DocumentLocation) throws -> Version?? {
        let recordPath = Record.path(for: location.id)
        let repository = source.repository
        let tip = try IssuedCounts(source, recordPath)
        guard tip.prefixUsable else { return nil }
        let wanted = tip.issuedBy.last!
        guard wanted > 0 else { return .some(nil) }
        let commits = try repository.walk(from: [source.commit], reverse: true, firstParentOnly: true)
        /// The count at commit `i`: nil when its record is not a prefix of
        /// the tip's; `.some(nil)` when it has no record.
        func count(_ i: Int) throws -> Int?? {
            var lookup = PathLookup()
            guard let record = try lookup.id(of: recordPath, in: repository.commit(commits[i]).treeID, repository) else { return .some(nil) }
            return try tip.count(record, repository).map { .some($0) }
        }
        // The lowest index whose count is `wanted` (the tip's is); no record counts as none issued.
        var (low, high) = (0, commits.count - 1)
        while low < high {
            let middle = (low + high) / 2
            guard let n = try count(middle) else { return nil }
            if (n ?? 0) >= wanted { high = middle } else { low = middle + 1 }
        }
        // The commit before it must have the record, holding fewer: an issue
        // appended to it. A record missing there (deleted and restored, or
        // created and issued in one commit) is left to the walk.
        if low > 0 { guard let before = try count(low - 1), let n = before, n < wanted else { return nil } }
        let commit = try repository.commit(commits[low])
        var lookup = PathLookup()
        guard let document = try lookup.id(of: location.path, in: commit.treeID, repository) else { return nil }
        return .some(Version(day: Day(commit.committer.time), issued: true, milestones: try milestones(source, location, document)))
    }

    /// The milestones of one committed version of the schedule.
    private static func milestones(_ source: ReportSource, _ location: DocumentLocation, _ blob: ObjectID) throws -> [Milestone] {
        let bytes = try source.repository.blobData(blob, limit: Limits.documentBytes)
        return Self.milestonesSection(bytes).map(Schedule.milestones)
            ?? DocumentReader.read(path: location.path, bytes: bytes, template: source.project.template(location.type), expectedID: location.id)
                .document.map(Schedule.milestones) ?? []
    }

    /// How many `issued` events a version of a record holds, read from its
    /// size alone. The record is append-only: a version's record is a prefix
    /// of the tip's, so its size (read from the object header, not inflated)
    /// says how many of the tip's events it holds. Parsing every version's
    /// record instead made the trend quadratic in the history (2,000
    /// versions: 7.7 s).
    private struct IssuedCounts {
        /// Where each of the tip's event lines ends (bytes).
        let lineEnds: [Int]
        /// `issuedBy[k]`: issued events among the first k lines.
        let issuedBy: [Int]
        /// Every line of the tip's record is an event (else sizes say nothing).
        let prefixUsable: Bool
        let size: Int

        init(_ source: ReportSource, _ recordPath: String) throws {
            let tipBytes = try source.project.source.read(recordPath, limit: Limits.recordBytes) ?? []
            let tipEvents = try Record.parse(tipBytes, path: recordPath).events
            var lineEnds: [Int] = []
            var start = 0
            for (i, byte) in tipBytes.enumerated() where byte == 0x0A {
                if tipBytes[start..<i].contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) { lineEnds.append(i + 1) }
                start = i + 1
            }
            var issuedBy: [Int] = [0]
            for event in tipEvents { issuedBy.append(issuedBy.last! + (event.event == .issued ? 1 : 0)) }
            self.lineEnds = lineEnds
            self.issuedBy = issuedBy
            prefixUsable = lineEnds.count == tipEvents.count
            size = tipBytes.count
        }

        /// The count for the record blob `record`; nil when its size is not
        /// the end of one of the tip's lines (parse it as it is).
        func count(_ record: ObjectID, _ repository: Repository) throws -> Int? {
            let size = try repository.objectSize(record)
            guard prefixUsable, size <= self.size, let k = lineEnds.firstIndex(of: size).map({ $0 + 1 }) ?? (size == 0 ? 0 : nil) else { return nil }
            return issuedBy[k]
        }
    }

    /// The outline of just the `## Milestones` section of a schedule's text,
    /// when it can be cut out by its lines alone (no fenced code, which could
    /// hold a line that looks like a heading): the trend reads every version,
    /// and parsing all of each (front matter and body) was most of a 2,000
    /// version history. Nil: parse the whole document.
    static func milestonesSection(_ bytes: [UInt8]) -> MarkdownOutline? {
        guard let text = String(validating: bytes, as: UTF8.self) else { return nil }
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        var start: Int?
        var end = lines.count
        for (i, raw) in lines.enumerated() {
            let line = raw.drop { $0 == " " }
            if line.hasPrefix("```") || line.hasPrefix("~~~") { return nil }
            guard raw.count - line.count <= 3, line.hasPrefix("#") else { continue }
            let level = line.prefix { $0 == "#" }.count
            let title = line.dropFirst(level).trimmingCharacters(in: .whitespaces)
            guard level <= 2, line.dropFirst(level).first == " " || line.count == level else { continue }
            if start != nil {
                end = i
                break
            }
            if level == 2, title == Schedule.milestonesHeading { start = i }
        }
        guard let start else { return nil }
        return MarkdownOutline(markdown: lines[start..<end].joined(separator: "\n"), firstLine: start + 1)
    }
}
