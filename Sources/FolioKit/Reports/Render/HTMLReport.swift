import FolioGit
import FolioModel
import Foundation

/// The pieces of a report page: one self-contained HTML file (inline CSS with
/// print rules, inline SVG charts, no scripts, nothing loaded from anywhere;
/// a Content-Security-Policy says so to the browser). Public so every report,
/// also one written piece by piece (history), uses the same page.
public enum HTMLReport {
    /// Text escaped for HTML content and attribute values.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            // Control characters other than tab and line breaks are not allowed in HTML.
            case _ where (scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r") || scalar.value == 0x7F:
                out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// The start of the page up to and including the report's heading.
    public static func pageStart(title: String, subtitle: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
        <meta name="generator" content="folio">
        <title>\(escape(title))</title>
        <style>
        \(css)
        </style>
        </head>
        <body>
        <header>
        <h1>\(escape(title))</h1>
        <p class="subtitle">\(escape(subtitle))</p>
        </header>
        <main>

        """
    }

    /// The end of the page.
    public static func pageEnd() -> String {
        "</main>\n<footer>Made by folio from the commit history. Times are UTC.</footer>\n</body>\n</html>\n"
    }

    /// A `<table>` with a header row; `numeric` columns are right-aligned,
    /// `screenOnly` columns are left off the printed page.
    public static func table(_ header: [String], _ rows: [[String]], numeric: Set<Int> = [], screenOnly: Set<Int> = []) -> String {
        var out = "<div class=\"table\"><table>\n<thead><tr>"
        for (i, h) in header.enumerated() {
            let classes = (numeric.contains(i) ? ["num"] : []) + (screenOnly.contains(i) ? ["np"] : [])
            out += "<th\(classes.isEmpty ? "" : " class=\"\(classes.joined(separator: " "))\"")>\(escape(h))</th>"
        }
        out += "</tr></thead>\n<tbody>\n"
        for row in rows {
            out += "<tr>"
            for (i, cell) in row.enumerated() {
                // IDs, dates and times stay on one line; prose wraps; emails
                // and paths break only at their joints, so on paper they take
                // two short lines instead of squeezing the title.
                let (html, jointed) = joints(cell)
                // Prose (titles, comments) gets a fair minimum width, never a few letters a line.
                let classes = (numeric.contains(i) ? ["num"] : []) + (!jointed && cell.count <= 24 && !cell.contains(" ") ? ["nw"] : [])
                    + (cell.count > 16 && cell.contains(" ") ? ["prose"] : []) + (screenOnly.contains(i) ? ["np"] : [])
                out += "<td\(classes.isEmpty ? "" : " class=\"\(classes.joined(separator: " "))\"")>\(html)</td>"
            }
            out += "</tr>\n"
        }
        return out + "</tbody>\n</table></div>\n"
    }

    /// A cell's HTML cut at the joints of an email (before `@`), a path
    /// (after each `/`), a UTC time (before `T`: the day above the time) or
    /// a lower-case hyphenated name (`stakeholder-register`, after each
    /// `-`): each part kept whole (`nowrap`), a line break allowed only
    /// between them. Whether it has any. IDs (`ALPHA-RSK-0001`) stay whole.
    static func joints(_ cell: String) -> (String, Bool) {
        guard cell.count > 12, !cell.contains(" ") else { return (escape(cell), false) }
        var parts: [String] = []
        let scalars = Array(cell.unicodeScalars)
        let isDigit = { (i: Int) in i < scalars.count && ("0"..."9").contains(scalars[i]) }
        if cell.count >= 16, scalars.count > 10, scalars[10] == "T", [0, 1, 2, 3, 5, 6, 8, 9].allSatisfy(isDigit), scalars[4] == "-", scalars[7] == "-" {
            let t = cell.index(cell.startIndex, offsetBy: 10)
            parts = [String(cell[..<t]), String(cell[t...])]
        } else if cell.contains("-"), cell.allSatisfy({ $0 == "-" || ($0.isLetter && $0.isLowercase) }) {
            let pieces = cell.split(separator: "-", omittingEmptySubsequences: false)
            parts = pieces.enumerated().map { $0.offset < pieces.count - 1 ? $0.element + "-" : String($0.element) }
        } else if let at = cell.firstIndex(of: "@"), !cell.contains("/") {
            parts = [String(cell[..<at]), String(cell[at...])]
        } else if cell.contains("/") {
            let pieces = cell.split(separator: "/", omittingEmptySubsequences: false)
            parts = pieces.enumerated().map { $0.offset < pieces.count - 1 ? $0.element + "/" : String($0.element) }
        }
        guard parts.count > 1 else { return (escape(cell), false) }
        return (parts.map { "<span class=\"nw\">\(escape($0))</span>" }.joined(separator: "<wbr>"), true)
    }

    /// Headline figures as a row of cards.
    public static func figures(_ items: [(label: String, value: String)]) -> String {
        guard !items.isEmpty else { return "" }
        var out = "<div class=\"figures\">\n"
        for item in items {
            out += "<div class=\"figure\"><span class=\"value\">\(escape(item.value))</span><span class=\"label\">\(escape(item.label))</span></div>\n"
        }
        return out + "</div>\n"
    }

    /// A horizontal bar chart as inline SVG: a label left of each bar, the
    /// value right of it, a `<title>` tooltip on each bar. Drawn in black and
    /// greys with text labels, so it reads the same printed in black and white.
    public static func barChart(_ chart: ReportChart) -> String {
        let rowHeight = 22.0
        let labelWidth = 250.0
        let barArea = 420.0
        let valueWidth = 90.0
        let width = labelWidth + barArea + valueWidth
        let height = max(1, Double(chart.bars.count)) * rowHeight + 8
        let maximum = chart.bars.map(\.value).max() ?? 0
        var out = "<figure class=\"chart\">\n<figcaption>\(escape(chart.title))</figcaption>\n"
        if chart.bars.isEmpty {
            return out + "<p class=\"empty\">Nothing to chart.</p>\n</figure>\n"
        }
        // A quiet period says so instead of drawing empty rows.
        if chart.bars.allSatisfy({ $0.value == 0 }) {
            return out + "<p class=\"empty\">No activity: every value is 0 (\(chart.bars.count) \(chart.bars.count == 1 ? "row" : "rows")).</p>\n</figure>\n"
        }
        out += "<svg role=\"img\" aria-label=\"\(escape(chart.title))\" viewBox=\"0 0 \(f(width)) \(f(height))\" width=\"\(f(width))\" height=\"\(f(height))\" style=\"max-width:100%;height:auto\">\n"
        for (i, bar) in chart.bars.enumerated() {
            let y = 4 + Double(i) * rowHeight
            let length = maximum > 0 ? max(bar.value > 0 ? 1 : 0, bar.value / maximum * (barArea - 10)) : 0
            let value = DecimalText.string(bar.value, decimals: 1)
            let tip = bar.detail ?? "\(bar.label): \(value) \(chart.unit)"
            out += "<g><title>\(escape(tip))</title>"
            out += "<text x=\"\(f(labelWidth - 6))\" y=\"\(f(y + 15))\" text-anchor=\"end\" class=\"label\">\(escape(truncate(bar.label, 36)))</text>"
            out += "<rect x=\"\(f(labelWidth))\" y=\"\(f(y + 3))\" width=\"\(f(length))\" height=\"\(f(rowHeight - 6))\" class=\"bar\"/>"
            out += "<text x=\"\(f(labelWidth + length + 6))\" y=\"\(f(y + 15))\" class=\"value\">\(escape(value))</text></g>\n"
        }
        return out + "</svg>\n</figure>\n"
    }

    /// A heat map as inline SVG: one row per label, one column per period,
    /// the value written in every cell, shaded white to dark grey by value
    /// (so it reads printed in greyscale), flagged cells framed in black
    /// with the value in bold, and a `<title>` tooltip on each cell.
    public static func heatMap(_ map: ReportHeatMap) -> String {
        // Room for the longest row label, at most 170 px (names), at least 30.
        let labelWidth = min(170.0, max(30.0, Double(map.rows.map { min($0.count, 26) }.max() ?? 0) * 7 + 10))
        let cellWidth = 44.0
        let cellHeight = 20.0
        let headerHeight = 30.0
        let width = labelWidth + cellWidth * Double(max(1, map.columns.count)) + 4
        let height = headerHeight + cellHeight * Double(max(1, map.rows.count)) + 4
        var out = "<figure class=\"chart heatmap\">\n<figcaption>\(escape(map.title))</figcaption>\n"
        if map.rows.isEmpty || map.columns.isEmpty {
            return out + "<p class=\"empty\">Nothing to chart.</p>\n</figure>\n"
        }
        out += "<svg role=\"img\" aria-label=\"\(escape(map.title))\" viewBox=\"0 0 \(f(width)) \(f(height))\" width=\"\(f(width))\" height=\"\(f(height))\" style=\"max-width:100%;height:auto\">\n"
        // Column labels in two lines: `2026` over `W49` (or `12`), the upper
        // part only where it changes, so narrow columns stay legible.
        var previous = ""
        for (c, column) in map.columns.enumerated() {
            let x = labelWidth + Double(c) * cellWidth + cellWidth / 2
            let parts = column.split(separator: "-", maxSplits: 1).map(String.init)
            let upper = parts.count == 2 ? parts[0] : ""
            let lower = parts.count == 2 ? parts[1] : column
            if upper != previous {
                out += "<text x=\"\(f(x))\" y=\"11\" text-anchor=\"middle\" class=\"label\" font-size=\"10\">\(escape(upper))</text>"
                previous = upper
            }
            out += "<text x=\"\(f(x))\" y=\"\(f(headerHeight - 6))\" text-anchor=\"middle\" class=\"label\" font-size=\"10\"><title>\(escape(column))</title>\(escape(lower))</text>\n"
        }
        for (r, row) in map.rows.enumerated() {
            let y = headerHeight + Double(r) * cellHeight
            out += "<text x=\"\(f(labelWidth - 6))\" y=\"\(f(y + 14))\" text-anchor=\"end\" class=\"label\" font-size=\"11\">\(escape(truncate(row, 26)))</text>\n"
            for (c, column) in map.columns.enumerated() {
                let x = labelWidth + Double(c) * cellWidth
                let value = r < map.cells.count && c < map.cells[r].count ? map.cells[r][c] : nil
                let flagged = r < map.flagged.count && c < map.flagged[r].count && map.flagged[r][c]
                // Lightness falls from 100% (0) to 25% (the maximum and above): darker is more.
                let lightness = value.map { 100 - min(max($0, 0), map.maximum) / map.maximum * 75 } ?? 100
                let earlier = map.before.flatMap { r < $0.count && c < $0[r].count ? $0[r][c] : nil }
                // Counts (a unit): nothing where there is none now or before; the
                // earlier value in brackets where it differs.
                let text: String
                if map.unit != nil {
                    let now = value ?? 0, then = earlier ?? now
                    text = now == 0 && then == 0 ? "" : DecimalText.string(now, decimals: 0) + (then != now ? " (\(DecimalText.string(then, decimals: 0)))" : "")
                } else {
                    text = value.map { DecimalText.string($0, decimals: 0) } ?? "–"
                }
                let ink = lightness < 55 ? "#fff" : "#000"
                let tip: String
                if let unit = map.unit {
                    tip = "\(row), \(column): \(value.map { DecimalText.string($0, decimals: 1) } ?? "none") \(unit)" + (earlier.map { ", \(DecimalText.string($0, decimals: 1)) before" } ?? "")
                } else {
                    tip = "\(row), \(column): " + (value.map { String(format: "%.1f%%", $0) } ?? "no capacity") + (flagged ? " (over-allocated)" : "")
                }
                out += "<g><title>\(escape(tip))</title>"
                out += "<rect x=\"\(f(x + 1))\" y=\"\(f(y + 1))\" width=\"\(f(cellWidth - 2))\" height=\"\(f(cellHeight - 2))\" fill=\"hsl(0,0%,\(f(lightness))%)\" stroke=\"\(flagged ? "#000" : "#bbb")\" stroke-width=\"\(flagged ? 3 : 0.5)\"/>"
                out += "<text x=\"\(f(x + cellWidth / 2))\" y=\"\(f(y + 14))\" text-anchor=\"middle\" font-size=\"11\" fill=\"\(ink)\"\(flagged ? " font-weight=\"bold\"" : "")>\(escape(text))</text></g>\n"
            }
        }
        return out + "</svg>\n</figure>\n"
    }

    /// A line chart as inline SVG: the first and last labels under the x
    /// axis, the lowest and highest value on the y axis (dates for a chart of
    /// days), one polyline per series with its own dash pattern (solid,
    /// dashed, dotted) and its name and last value at its end, so it reads
    /// printed in black and white.
    public static func lineChart(_ chart: ReportLineChart) -> String {
        let width = 640.0, height = 240.0, left = 80.0, right = 150.0, bottom = 28.0
        var out = "<figure class=\"chart\">\n<figcaption>\(escape(chart.title))</figcaption>\n"
        let values = chart.series.flatMap { $0.values.compactMap { $0 } }
        guard chart.labels.count > 0, let high = values.max(), let low = chart.days ? values.min() : 0, high > low || chart.days else {
            return out + "<p class=\"empty\">Nothing to chart.</p>\n</figure>\n"
        }
        let span = max(high - low, 1)
        let plotW = width - left - right, plotH = height - 12 - bottom
        func x(_ i: Int) -> Double { left + (chart.labels.count == 1 ? plotW / 2 : plotW * Double(i) / Double(chart.labels.count - 1)) }
        func y(_ v: Double) -> Double { 12 + plotH * (1 - (v - low) / span) }
        func text(_ v: Double) -> String { chart.days ? Day(number: Int(v.rounded())).description : DecimalText.string(v, decimals: 0) }
        out += "<svg role=\"img\" aria-label=\"\(escape(chart.title))\" viewBox=\"0 0 \(f(width)) \(f(height))\" width=\"\(f(width))\" height=\"\(f(height))\" style=\"max-width:100%;height:auto\">\n"
        out += "<line x1=\"\(f(left))\" y1=\"\(f(y(low)))\" x2=\"\(f(left + plotW))\" y2=\"\(f(y(low)))\" stroke=\"#000\"/>"
        out += "<line x1=\"\(f(left))\" y1=\"\(f(y(low)))\" x2=\"\(f(left))\" y2=\"\(f(y(low + span)))\" stroke=\"#000\"/>\n"
        out += "<text x=\"\(f(left - 4))\" y=\"\(f(y(low + span) + 4))\" text-anchor=\"end\" class=\"label\" font-size=\"10\">\(escape(text(low + span)))</text>"
        out += "<text x=\"\(f(left - 4))\" y=\"\(f(y(low) + 4))\" text-anchor=\"end\" class=\"label\" font-size=\"10\">\(escape(text(low)))</text>\n"
        out += "<text x=\"\(f(x(0)))\" y=\"\(f(height - 8))\" text-anchor=\"start\" class=\"label\" font-size=\"10\">\(escape(chart.labels[0]))</text>"
        out += "<text x=\"\(f(x(chart.labels.count - 1)))\" y=\"\(f(height - 8))\" text-anchor=\"end\" class=\"label\" font-size=\"10\">\(escape(chart.labels[chart.labels.count - 1]))</text>\n"
        let dashes = ["", "6 3", "2 3", "8 3 2 3"]
        for (s, series) in chart.series.enumerated() {
            let dash = dashes[s % dashes.count]
            out += "<g><title>\(escape(series.name))</title>"
            // One polyline per run of values (a missing value breaks the line).
            var run: [String] = []
            func flush() {
                if run.count == 1 { run.append(run[0]) }
                if !run.isEmpty {
                    out += "<polyline fill=\"none\" stroke=\"#000\" stroke-width=\"2\"\(dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"") points=\"\(run.joined(separator: " "))\"/>"
                }
                run = []
            }
            for (i, value) in series.values.enumerated() {
                guard let value else { flush(); continue }
                run.append("\(f(x(i))),\(f(y(value)))")
            }
            flush()
            if let (i, last) = series.values.enumerated().last(where: { $0.element != nil }).map({ ($0.offset, $0.element!) }) {
                out += "<text x=\"\(f(x(i) + 6))\" y=\"\(f(y(last) + 4 + Double(s % 3) * 11))\" class=\"label\" font-size=\"10\">\(escape(series.name)) \(escape(text(last)))</text>"
            }
            out += "</g>\n"
        }
        return out + "</svg>\n</figure>\n"
    }

    static func truncate(_ s: String, _ n: Int) -> String { s.count > n ? String(s.prefix(n - 1)) + "…" : s }

    static func f(_ d: Double) -> String { DecimalText.string(d, decimals: 1) }

    static let css = """
        :root { color-scheme: light; }
        body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: #111; background: #fff; margin: 0 auto; padding: 24px 32px; max-width: 1200px; }
        header { border-bottom: 2px solid #111; margin-bottom: 16px; }
        h1 { font-size: 22px; margin: 0 0 4px; }
        h2 { font-size: 17px; margin: 28px 0 6px; border-bottom: 1px solid #bbb; padding-bottom: 2px; }
        .subtitle, footer, .note { color: #444; }
        .subtitle { margin: 0 0 10px; }
        footer { margin-top: 32px; border-top: 1px solid #bbb; padding-top: 6px; font-size: 12px; }
        .figures { display: flex; flex-wrap: wrap; gap: 10px; margin: 12px 0; }
        .figure { border: 1px solid #999; border-radius: 4px; padding: 6px 12px; min-width: 110px; }
        .figure .value { display: block; font-size: 20px; font-weight: 600; }
        .figure .label { display: block; font-size: 12px; color: #444; }
        .charts { display: flex; flex-wrap: wrap; gap: 18px; }
        figure.chart { margin: 8px 0; }
        figcaption { font-weight: 600; margin-bottom: 4px; }
        svg text { font: 12px system-ui, sans-serif; fill: #111; }
        svg .bar { fill: #4a5d73; stroke: #111; stroke-width: 0.5; }
        .table { overflow-x: auto; }
        table { border-collapse: collapse; width: 100%; font-size: 13px; }
        th, td { border: 1px solid #bbb; padding: 3px 6px; text-align: left; vertical-align: top; }
        th { background: #eee; }
        /* Words stay whole: 'anywhere' let a title shrink to a few letters a
           line beside columns that do not wrap (ids, emails, dates). Long
           paths still break at '/' and '-'. */
        td { overflow-wrap: break-word; }
        td.nw, span.nw { white-space: nowrap; overflow-wrap: normal; }
        td.prose { min-width: 9em; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        tbody tr:nth-child(even) { background: #f7f7f7; }
        .empty { color: #444; font-style: italic; }
        @media print {
          body { padding: 0; max-width: none; font-size: 10pt; }
          h2 { break-after: avoid; }
          tr, figure.chart, .figure { break-inside: avoid; }
          thead { display: table-header-group; }
          th { background: #ddd !important; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
          svg .bar { fill: #777; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
          .table { overflow: visible; }
          table { font-size: 8pt; }
          th, td { padding: 2px 3px; }
          /* Headers of narrow numeric columns (submitted, superseded) set
             the width on paper: a size smaller than the cells. */
          th { font-size: 7pt; }
          .np { display: none; }
        }
        """
}
