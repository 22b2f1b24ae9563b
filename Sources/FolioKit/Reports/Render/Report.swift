import FolioGit
import FolioModel
import Foundation

/// A report as plain values, before it is written in a format: a title, what
/// it covers (projects, commits, period), summary figures, charts and
/// sections, each section one table. Every renderer (`ReportRenderer`) writes
/// the same values, so text, Markdown, CSV, JSON and HTML always agree.
public struct Report: Sendable, Codable {
    /// The report's name: `register`, `status`, `approvals` (the JSON `report` key).
    public let kind: String
    public let title: String
    /// When the report was made (UTC, ISO 8601).
    public private(set) var generated: String
    public let projects: [ReportProject]
    /// The period covered (status), dates `YYYY-MM-DD`, both inclusive.
    public let period: ReportPeriod?
    /// Headline figures (the JSON `summary` object).
    public let figures: [ReportFigure]
    /// Charts (drawn in HTML only; their numbers are also in the sections).
    public let charts: [ReportChart]
    /// Heat maps (drawn in HTML only; their numbers are also in the sections).
    public let heatMaps: [ReportHeatMap]
    /// Line charts (HTML only; their numbers are also in the sections).
    public private(set) var lineCharts: [ReportLineChart] = []
    public private(set) var sections: [ReportSection]
    /// The section CSV writes when none is chosen.
    public let mainSection: String

    public init(
        kind: String, title: String, generated: Date, projects: [ReportProject], period: ReportPeriod? = nil,
        figures: [ReportFigure] = [], charts: [ReportChart] = [], heatMaps: [ReportHeatMap] = [], sections: [ReportSection],
        mainSection: String
    ) {
        self.kind = kind
        self.title = title
        self.generated = Timestamp.string(generated)
        self.projects = projects
        self.period = period
        self.figures = figures
        self.charts = charts
        self.heatMaps = heatMaps
        self.sections = sections
        self.mainSection = mainSection
    }

    public func section(_ key: String) -> ReportSection? { sections.first { $0.key == key } }

    /// The same report, said to be made at `date` (a report read from a cache).
    func regenerated(at date: Date) -> Report {
        var copy = self
        copy.generated = Timestamp.string(date)
        return copy
    }

    /// The report with one more section and line charts.
    public func adding(section: ReportSection? = nil, lineCharts: [ReportLineChart] = []) -> Report {
        var copy = self
        if let section { copy.sections.append(section) }
        copy.lineCharts += lineCharts
        return copy
    }

    /// One line naming the projects, commits and period (for page subtitles).
    public var subtitle: String {
        var parts = projects.map { "\($0.code) \($0.name) at \($0.commit.prefix(10))" }
        if let period { parts.append("period \(period.since) to \(period.until)") }
        parts.append("generated \(generated)")
        return parts.joined(separator: " · ")
    }
}

/// A project a report covers: which repository and at which commit.
public struct ReportProject: Sendable, Equatable {
    public let code: String
    public let name: String
    /// The repository's path (the work tree, or the git directory when bare).
    public let repository: String
    /// The commit the report was made at (full id).
    public let commit: String
    /// That commit's date (committer time, UTC, ISO 8601).
    public let commitDate: String
    /// Why the data may be old: a portfolio mirror whose last sync failed.
    public let stale: String?

    public init(code: String, name: String, repository: String, commit: String, commitDate: String, stale: String? = nil) {
        self.code = code
        self.name = name
        self.repository = repository
        self.commit = commit
        self.commitDate = commitDate
        self.stale = stale
    }
}

extension ReportProject: Codable {
    enum CodingKeys: String, CodingKey {
        case code, name, repository, commit, stale
        case commitDate = "commit_date"
    }
}

/// A period of whole UTC days, both ends inclusive.
public struct ReportPeriod: Sendable, Equatable, Codable {
    public let since: String
    public let until: String
}

/// A headline figure: a stable key, a label for people, a value.
public struct ReportFigure: Sendable, Codable {
    public let key: String
    public let label: String
    public let value: ReportValue
    public init(_ key: String, _ label: String, _ value: ReportValue) {
        self.key = key
        self.label = label
        self.value = value
    }
}

/// One cell of a report table.
public enum ReportValue: Sendable, Equatable, Codable {
    case text(String)
    case int(Int)
    /// A number shown with `decimals` decimals.
    case number(Double, decimals: Int)
    case bool(Bool)
    case list([String])
    case null

    /// How the value reads in text, Markdown, CSV and HTML.
    public var display: String {
        switch self {
        case .text(let s): s
        case .int(let n): String(n)
        case .number(let d, let decimals): String(format: "%.\(decimals)f", ReportValue.round(d, decimals))
        case .bool(let b): b ? "yes" : "no"
        case .list(let items): items.joined(separator: ", ")
        case .null: ""
        }
    }

    /// The value in JSON.
    var json: JSONValue {
        switch self {
        case .text(let s): .string(s)
        case .int(let n): .int(n)
        case .number(let d, let decimals): .number(ReportValue.round(d, decimals))
        case .bool(let b): .bool(b)
        case .list(let items): .array(items.map { .string($0) })
        case .null: .null
        }
    }

    /// Half away from zero, so text and JSON show the same figure. A value
    /// a binary double holds just below a half (113.175 is 113.17499…) is
    /// rounded as the decimal it stands for.
    static func round(_ d: Double, _ decimals: Int) -> Double {
        let scale = pow(10, Double(decimals))
        let x = d * scale
        // A few units in the last place: enough for a decimal half a double
        // holds just below .5, far too little to move any other value.
        let nudge = x.ulp < 1e-3 ? x.ulp * 8 : 0
        return (x + (x >= 0 ? nudge : -nudge)).rounded() / scale
    }

    /// Numbers are right-aligned in text tables.
    var isNumeric: Bool {
        switch self {
        case .int, .number: true
        default: false
        }
    }
}

/// A column: a stable key (JSON, `--section` names stay the same across
/// versions) and a header for people.
public struct ReportColumn: Sendable, Codable {
    public let key: String
    public let header: String
    /// Left off the printed page (kept on screen and in every other format):
    /// a column the others already imply, dropped so the rest fit A4.
    public let screenOnly: Bool
    public init(_ key: String, _ header: String, screenOnly: Bool = false) {
        self.key = key
        self.header = header
        self.screenOnly = screenOnly
    }
}

/// A section: a titled table, with a line to show when it has no rows.
public struct ReportSection: Sendable, Codable {
    /// The JSON key and `--section` name, snake_case.
    public let key: String
    public let title: String
    /// A sentence on what the rows are (shown under the title).
    public let note: String?
    public let columns: [ReportColumn]
    public let rows: [[ReportValue]]
    /// Shown instead of an empty table.
    public let empty: String

    public init(key: String, title: String, note: String? = nil, columns: [ReportColumn], rows: [[ReportValue]], empty: String) {
        self.key = key
        self.title = title
        self.note = note
        self.columns = columns
        self.rows = rows
        self.empty = empty
    }
}

/// A bar chart: one bar a label. Drawn as inline SVG in HTML.
public struct ReportChart: Sendable, Codable {
    public struct Bar: Sendable, Codable {
        public let label: String
        public let value: Double
        /// The tooltip (SVG `<title>`); the label and value when nil.
        public let detail: String?
        public init(_ label: String, _ value: Double, detail: String? = nil) {
            self.label = label
            self.value = value
            self.detail = detail
        }
    }

    public let key: String
    public let title: String
    /// What a bar's value counts, e.g. `events`, `documents`, `approvals`.
    public let unit: String
    public let bars: [Bar]

    public init(key: String, title: String, unit: String, bars: [Bar]) {
        self.key = key
        self.title = title
        self.unit = unit
        self.bars = bars
    }
}

/// A heat map: a value (a percentage) per row and column, some cells
/// flagged. Drawn as inline SVG in HTML, the figure written in every cell.
public struct ReportHeatMap: Sendable, Codable {
    public let key: String
    public let title: String
    public let rows: [String]
    public let columns: [String]
    /// `cells[row][column]`: the value, or nil where there is none.
    public let cells: [[Double?]]
    /// `flagged[row][column]`: drawn bold and framed (e.g. over-allocated).
    public let flagged: [[Bool]]
    /// The same cells at an earlier time, written in brackets after each value (a trend).
    public let before: [[Double?]]?
    /// The value drawn darkest; lighter in proportion below it.
    public let maximum: Double
    /// What a value counts, for the tooltips; nil for a load in %.
    public let unit: String?

    public init(
        key: String, title: String, rows: [String], columns: [String], cells: [[Double?]], flagged: [[Bool]],
        before: [[Double?]]? = nil, maximum: Double = 150, unit: String? = nil
    ) {
        self.key = key
        self.title = title
        self.rows = rows
        self.columns = columns
        self.cells = cells
        self.flagged = flagged
        self.before = before
        self.maximum = maximum
        self.unit = unit
    }
}

/// A line chart: one or more series of values over the same labels (weeks).
/// Drawn as inline SVG in HTML, each series in its own dash pattern and
/// named at its end, so it reads printed in black and white.
public struct ReportLineChart: Sendable {
    public let key: String
    public let title: String
    public let labels: [String]
    /// Per series, a value per label (nil: none there; the line breaks).
    public let series: [(name: String, values: [Double?])]
    /// The values are days (`Day.number`): the axis shows dates and starts at the earliest.
    public let days: Bool

    public init(key: String, title: String, labels: [String], series: [(name: String, values: [Double?])], days: Bool = false) {
        self.key = key
        self.title = title
        self.labels = labels
        self.series = series
        self.days = days
    }
}

extension ReportLineChart: Codable {
    private enum CodingKeys: String, CodingKey { case key, title, labels, names, values, days }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let names = try c.decode([String].self, forKey: .names)
        let values = try c.decode([[Double?]].self, forKey: .values)
        guard names.count == values.count else {
            throw DecodingError.dataCorruptedError(forKey: .values, in: c, debugDescription: "one list of values per series")
        }
        self.init(
            key: try c.decode(String.self, forKey: .key), title: try c.decode(String.self, forKey: .title),
            labels: try c.decode([String].self, forKey: .labels), series: Array(zip(names, values)).map { (name: $0.0, values: $0.1) },
            days: try c.decode(Bool.self, forKey: .days))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(key, forKey: .key)
        try c.encode(title, forKey: .title)
        try c.encode(labels, forKey: .labels)
        try c.encode(series.map(\.name), forKey: .names)
        try c.encode(series.map(\.values), forKey: .values)
        try c.encode(days, forKey: .days)
    }
}
