import Foundation

/// The change history as one self-contained page: a chart of activity by
/// week, then every row.
enum HistoryHTML {
    static func page(title: String, projects: [HistoryWriter.ProjectInfo], rows: [HistoryRow], commits: Int) -> String {
        let h = ReportText.html
        var body = "<h1>\(h(title))</h1>\n<p class=\"meta\">"
        body += projects.map { "\(h($0.code)) \(h($0.name)) at <code>\(h(String($0.commit.prefix(10))))</code>" }.joined(separator: " · ")
        body += " · \(commits) commits, \(rows.count) changes</p>\n"
        body += "<h2>Activity by week</h2>\n" + weeklyChart(rows) + "\n"
        body += "<h2>Changes</h2>\n<table>\n<thead><tr><th>Date</th><th>Commit</th><th>Author</th><th>Project</th><th>Document</th><th>Rev</th><th>Action</th><th>What changed</th></tr></thead>\n<tbody>\n"
        for r in rows {
            body += "<tr><td class=\"nowrap\">\(h(String(r.date.prefix(16)).replacingOccurrences(of: "T", with: " ")))</td>"
            body += "<td><code>\(h(String(r.commit.prefix(10))))</code></td><td>\(h(r.author))</td><td>\(h(r.project))</td>"
            body += "<td>\(h(r.document))</td><td>\(h(r.revision))</td><td>\(h(r.action))</td><td>\(h(r.what))</td></tr>\n"
        }
        body += "</tbody>\n</table>\n"
        return ReportPage.html(title: title, body: body)
    }

    /// Changes per ISO week, as bars.
    static func weeklyChart(_ rows: [HistoryRow]) -> String {
        var weeks: [String: Int] = [:]
        for r in rows {
            guard let date = Timestamp.date(r.date) else { continue }
            var calendar = Calendar(identifier: .iso8601)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let c = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: date)
            let key = String(format: "%04d-W%02d", c.yearForWeekOfYear ?? 0, c.weekOfYear ?? 0)
            weeks[key, default: 0] += 1
        }
        let bars = weeks.keys.sorted().suffix(52).map { ($0, weeks[$0]!) }
        return SVGChart.columns(bars, label: "changes")
    }
}

/// Small inline SVG charts: no script, no external reference, printable.
enum SVGChart {
    static func columns(_ bars: [(String, Int)], label: String) -> String {
        guard !bars.isEmpty else { return "<p>No activity.</p>" }
        let h = ReportText.html
        let width = max(320, bars.count * 22 + 40)
        let top = max(1, bars.map(\.1).max() ?? 1)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"\(width)\" height=\"180\" viewBox=\"0 0 \(width) 180\">"
        svg += "<text x=\"4\" y=\"12\" class=\"axis\">\(top) \(h(label))</text>"
        for (i, (name, value)) in bars.enumerated() {
            let barHeight = Int((Double(value) / Double(top)) * 130)
            let x = 30 + i * 22
            svg += "<g><title>\(h(name)): \(value) \(h(label))</title>"
            svg += "<rect x=\"\(x)\" y=\"\(150 - barHeight)\" width=\"16\" height=\"\(barHeight)\" class=\"bar\"/>"
            if i % max(1, bars.count / 8) == 0 { svg += "<text x=\"\(x)\" y=\"166\" class=\"axis\">\(h(String(name.suffix(3))))</text>" }
            svg += "</g>"
        }
        return svg + "</svg>"
    }
}

/// The frame of every HTML report: inline styles, print rules, nothing
/// fetched from anywhere.
enum ReportPage {
    static func html(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(ReportText.html(title))</title>
        <style>
        body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #1b1f24; }
        h1 { font-size: 1.5em; margin-bottom: .2em; } h2 { font-size: 1.15em; margin-top: 1.6em; }
        .meta { color: #57606a; } code { font-size: .92em; }
        table { border-collapse: collapse; width: 100%; } th, td { border-bottom: 1px solid #d0d7de; padding: 3px 6px; text-align: left; vertical-align: top; }
        th { background: #f6f8fa; } .nowrap { white-space: nowrap; }
        svg .bar { fill: #0969da; } svg .axis { font-size: 10px; fill: #57606a; }
        @media print { body { margin: 0; font-size: 10pt; } h2 { break-after: avoid; } tr { break-inside: avoid; } thead { display: table-header-group; } }
        </style>
        </head>
        <body>
        \(body)
        </body>
        </html>

        """
    }
}
