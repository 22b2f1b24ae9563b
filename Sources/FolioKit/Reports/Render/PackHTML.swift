import FolioModel
import Foundation

/// The Monday pack as a page an executive reads (docs/reports.md, "pack"):
/// laid out for A4 portrait, a portfolio page first, then one page per
/// project; ratings written as words in chips that read in greyscale; tables
/// that wrap prose and abbreviate emails rather than crush a column; every
/// empty part says so. Self-contained like every report page.
enum PackHTML {
    static func render(_ report: Report) -> String {
        var out = HTMLReport.pageStart(title: report.title, subtitle: report.subtitle).replacingOccurrences(
            of: "</style>", with: css + "\n</style>")
        let rows = { (key: String) -> (ReportSection, [[String: ReportValue]]) in
            let section = report.section(key)!
            return (section, section.rows.map { row in Dictionary(zip(section.columns.map(\.key), row).map { ($0, $1) }, uniquingKeysWith: { a, _ in a }) })
        }
        let (_, portfolio) = rows("portfolio")
        let (_, health) = rows("health")
        let (_, narrative) = rows("narrative")
        let (_, milestones) = rows("milestones")
        let (_, cost) = rows("cost")
        let (_, resources) = rows("resources")
        let (_, risks) = rows("risks")
        let (_, waiting) = rows("waiting")
        let (_, reviews) = rows("reviews")
        let (_, actions) = rows("actions")
        let (psoSection, pso) = rows("pso")

        // The portfolio page.
        out += "<section class=\"portfolio-page\">\n"
        out += HTMLReport.figures(report.figures.map { ($0.label, ReportRenderer.figureText($0)) })
        for p in report.projects { if let stale = p.stale { out += "<p class=\"stale\"><b>\(HTMLReport.escape(p.code)) is \(HTMLReport.escape(stale))</b></p>\n" } }
        out += "<h2>Portfolio</h2>\n"
        out += table(
            ["Project", "Stated", "Computed", "Sch.", "Cost", "Res.", "Risk", "Iss.", "Var. %", "Slip", "Late"],
            portfolio.map { r in
                ["<a href=\"#p-\(esc(r["project"]))\"><b>\(esc(r["project"]))</b></a>" + (report.projects.first { .text($0.code) == r["project"] }?.stale != nil ? " <span class=\"flag\">STALE</span>" : "") + "<br><span class=\"small\">\(esc(r["name"]))</span>",
                 chip(r["stated"]), chip(r["computed"], none: "no data") + (r["agrees"] == .bool(false) ? "<br><span class=\"flag\" title=\"stated and computed health disagree\">≠ stated</span>" : ""),
                 letter(r["schedule"]), letter(r["cost"]), letter(r["resources"]), letter(r["risks"]), letter(r["issues"]),
                 esc(r["variance_pct"]), esc(r["worst_slip_days"]).isEmpty ? "–" : "\(esc(r["worst_slip_days"])) d", esc(r["overdue_actions"])]
            }, numeric: [8, 9, 10], empty: "No projects.")
        out += "<p class=\"note\">Stated: the project manager's latest status report. Computed: the registers against the project's tolerances (amber and red limits in folio.yml); Sch., Cost, Res., Risk, Iss.: schedule, cost, resources, risks, issues and actions computed, R, A, G for red, amber, green, – for no data. Var. %: forecast over budget. Slip: the worst slip of a milestone not done. Late: actions and issues past due. ≠ stated: stated and computed disagree on at least one dimension.</p>\n"
        out += "<h2>Support office measures</h2>\n"
        out += table(
            ["Project", "Status report", "Status turnaround", "Pack turnaround", "Errors", "Warnings", "Timesheets missing", "Cost findings", "Stated ≠ computed"],
            pso.map { r in
                [esc(r["project"]), esc(r["status_report"]), days(r["status_days"]), days(r["pack_days"]), esc(r["errors"]), esc(r["warnings"]),
                 esc(r["missing_timesheets"]), esc(r["cost_findings"]), esc(r["disagreements"])]
            }, numeric: [2, 3, 4, 5, 6, 7, 8], empty: psoSection.empty)
        out += "<p class=\"note\">Turnaround: days from a period's end to its status report's first issue, and to this pack. Data quality: validation findings of all documents, timesheets missing or not issued, cost data findings.</p>\n"
        out += "</section>\n"

        // A page per project.
        for p in portfolio {
            guard case .text(let code) = p["project"] else { continue }
            func mine(_ list: [[String: ReportValue]]) -> [[String: ReportValue]] { list.filter { $0["project"] == .text(code) } }
            out += "<section class=\"project\" id=\"p-\(esc(p["project"]))\">\n"
            out += "<h2 class=\"project-title\">\(esc(p["project"])) \(esc(p["name"])) <span class=\"overall\">computed \(chip(p["computed"], none: "no data")) · stated \(chip(p["stated"]))</span></h2>\n"
            out += table(
                ["Dimension", "Stated", "Computed", "Measure", "Tolerance"],
                mine(health).map { r in
                    [esc(r["dimension"]), chip(r["stated"]), chip(r["computed"], none: "no data") + (r["agrees"] == .bool(false) ? " <span class=\"flag\">≠</span>" : ""),
                     esc(r["basis"]), "<span class=\"small\">\(esc(r["tolerance"]))</span>"]
                }, empty: "No ratings.", classes: "health")
            if let n = mine(narrative).first {
                out += "<div class=\"narrative\"><div><h3>This period</h3><p>\(esc(n["this_period"]).isEmpty ? "<span class=\"empty\">Nothing written.</span>" : esc(n["this_period"]))</p></div>"
                out += "<div><h3>Next period</h3><p>\(esc(n["next_period"]).isEmpty ? "<span class=\"empty\">Nothing written.</span>" : esc(n["next_period"]))</p></div></div>\n"
                out += "<p class=\"note\">From \(esc(n["status_report"])), \(esc(n["period"])).</p>\n"
            } else {
                out += "<p class=\"empty\">No status report up to the period's end: nothing stated.</p>\n"
            }
            out += "<div class=\"grid\">\n<div>\n<h3>Milestones</h3>\n"
            out += table(
                ["ID", "Milestone", "Baseline", "Forecast", "Slip", "Status"],
                mine(milestones).map { r in
                    [esc(r["milestone"]), esc(r["name"]), esc(r["baseline"]), esc(r["actual"]).isEmpty ? esc(r["forecast"]) : "\(esc(r["actual"])) ✓",
                     esc(r["slip_days"]), esc(r["status"])]
                }, numeric: [4], empty: "No schedule.")
            out += "</div>\n<div>\n<h3>Cost and earned value</h3>\n"
            out += table(
                ["", "Budget", "Actual", "Forecast", "Var. %", "CPI", "SPI"],
                mine(cost).map { r in
                    [esc(r["currency"]), money(r["budget"]), money(r["actual"]), money(r["forecast"]), esc(r["variance_pct"]), esc(r["cpi"]), esc(r["spi"])]
                }, numeric: [1, 2, 3, 4, 5, 6], empty: "No cost register.")
            out += "<h3>Over-allocated people</h3>\n"
            out += table(
                ["Person", "From", "To", "Load %"],
                mine(resources).map { r in [person(r["person"]), esc(r["from"]), esc(r["to"]), esc(r["load_pct"])] },
                numeric: [3], empty: "Nobody is over-allocated in the period or the four weeks after.")
            out += "</div>\n</div>\n"
            out += "<div class=\"grid\">\n<div>\n"
            if let map = report.heatMaps.first(where: { $0.key == "risks_\(code)" }), map.cells.joined().contains(where: { ($0 ?? 0) > 0 }) || (map.before?.joined().contains(where: { ($0 ?? 0) > 0 }) ?? false) {
                out += HTMLReport.heatMap(map)
            } else {
                out += "<h3>Risks</h3><p class=\"empty\">No open risks, now or at the last pack.</p>\n"
            }
            out += "</div>\n<div>\n<h3>Risks that changed</h3>\n"
            let changed = mine(risks).filter { $0["change"] != .text("same") }
            out += table(
                ["ID", "Risk", "Score", "Was", "Change"],
                changed.map { r in [esc(r["id"]), esc(r["risk"]), esc(r["score"]), esc(r["score_at_last_pack"]), esc(r["change"])] },
                numeric: [2, 3], empty: "No risk changed since the last pack.")
            out += "</div>\n</div>\n"
            out += "<h3>Action log</h3>\n"
            let open = mine(actions).sorted { a, b in intValue(a["days_overdue"]) > intValue(b["days_overdue"]) }
            out += table(
                ["ID", "Action", "Owner", "Due", "Status", "Overdue", "Meetings"],
                open.map { r in
                    [esc(r["id"]), esc(r["action"]) + (r["reopened"] == .bool(true) ? " <span class=\"flag\">reopened</span>" : ""), person(r["owner"]), esc(r["due"]),
                     esc(r["status"]) + (esc(r["closed_by"]).isEmpty ? "" : "<br><span class=\"small\">by \(esc(r["closed_by"]))</span>"),
                     days(r["days_overdue"]), esc(r["meetings"])]
                }, numeric: [5, 6], empty: "No open actions, and none closed in the period.", classes: "actions")
            let waits = mine(waiting), revs = mine(reviews)
            out += "<div class=\"grid\">\n<div>\n<h3>Waiting for a decision</h3>\n"
            out += table(
                ["What", "Owner", "Needed by", "Overdue"],
                waits.map { r in ["<span class=\"small\">\(esc(r["kind"])) \(esc(r["id"]))</span><br>\(esc(r["what"]))", person(r["owner"]), esc(r["needed_by"]), days(r["days_overdue"])] },
                numeric: [3], empty: "Nothing is waiting.")
            out += "</div>\n<div>\n<h3>Reviews</h3>\n"
            out += table(
                ["Document", "Kind", "Days"],
                revs.map { r in ["\(esc(r["document"]))<br><span class=\"small\">\(esc(r["title"]))</span>", esc(r["kind"]), esc(r["days"])] },
                numeric: [2], empty: "No review overdue, no review date passed.")
            out += "</div>\n</div>\n"
            out += "</section>\n"
        }
        return out + HTMLReport.pageEnd()
    }

    static func esc(_ v: ReportValue?) -> String { HTMLReport.escape(v?.display ?? "") }

    static func intValue(_ v: ReportValue?) -> Int { if case .int(let n) = v { n } else { -1 } }

    /// A rating as a word in a chip: black, grey or outlined, so it reads printed in greyscale.
    static func chip(_ v: ReportValue?, none: String = "not stated") -> String {
        guard case .text(let rating) = v, !rating.isEmpty else { return "<span class=\"rag none\">\(none)</span>" }
        return "<span class=\"rag \(HTMLReport.escape(rating))\">\(HTMLReport.escape(rating.uppercased()))</span>"
    }

    /// A rating abbreviated to its letter (R, A, G) for the dense portfolio
    /// table, the word in the tooltip; a dash where there is no data.
    static func letter(_ v: ReportValue?) -> String {
        guard case .text(let rating) = v, let first = rating.first else { return "<span class=\"rag none short\" title=\"no data\">–</span>" }
        return "<span class=\"rag short \(HTMLReport.escape(rating))\" title=\"\(HTMLReport.escape(rating))\">\(first.uppercased())</span>"
    }

    static func days(_ v: ReportValue?) -> String {
        guard case .int(let n) = v else { return "–" }
        return "\(n) d"
    }

    static func money(_ v: ReportValue?) -> String {
        guard case .number(let d, _) = v else { return esc(v) }
        // Thousands, to keep the column narrow on paper: 255.5k.
        return abs(d) >= 10_000 ? DecimalText.string(d / 1000, decimals: 1) + "k" : DecimalText.string(d, decimals: 0)
    }

    /// An email shortened to its local part, the whole address in the tooltip.
    static func person(_ v: ReportValue?) -> String {
        let s = v?.display ?? ""
        guard let at = s.firstIndex(of: "@") else { return HTMLReport.escape(s) }
        return "<span title=\"\(HTMLReport.escape(s))\">\(HTMLReport.escape(String(s[..<at])))</span>"
    }

    /// A table of cells already written as HTML.
    static func table(_ header: [String], _ rows: [[String]], numeric: Set<Int> = [], empty: String, classes: String = "") -> String {
        guard !rows.isEmpty else { return "<p class=\"empty\">\(HTMLReport.escape(empty))</p>\n" }
        var out = "<div class=\"table\"><table class=\"pack \(classes)\">\n<thead><tr>"
        for (i, h) in header.enumerated() { out += "<th\(numeric.contains(i) ? " class=\"num\"" : "")>\(HTMLReport.escape(h))</th>" }
        out += "</tr></thead>\n<tbody>\n"
        for row in rows {
            out += "<tr>"
            for (i, cell) in row.enumerated() {
                // IDs, dates and short words stay on one line; prose wraps.
                let classes = (numeric.contains(i) ? ["num"] : []) + (cell.count <= 24 && !cell.contains(" ") && !cell.contains("<") ? ["nw"] : [])
                out += "<td\(classes.isEmpty ? "" : " class=\"\(classes.joined(separator: " "))\"")>\(cell)</td>"
            }
            out += "</tr>\n"
        }
        return out + "</tbody>\n</table></div>\n"
    }

    static let css = """
        .rag { display: inline-block; min-width: 4.2em; text-align: center; font-size: 11px; font-weight: 700; letter-spacing: .04em; padding: 1px 5px; border: 1.5px solid #000; border-radius: 3px; }
        .rag.red { background: #000; color: #fff; }
        .rag.amber { background: #bbb; color: #000; border-style: dashed; }
        .rag.green { background: #fff; color: #000; }
        .rag.none { border-color: #999; color: #555; font-weight: 400; }
        .rag.short { min-width: 1.6em; padding: 1px 2px; }
        .flag { font-weight: 700; font-size: 11px; border-bottom: 2px solid #000; }
        .small { font-size: 11px; color: #444; }
        .stale { border: 2px solid #000; padding: 4px 8px; }
        h3 { font-size: 14px; margin: 14px 0 4px; }
        .project-title .overall { font-size: 13px; font-weight: 400; margin-left: 8px; }
        .narrative { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
        .narrative p { margin: 2px 0; }
        .grid { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; align-items: start; }
        .grid > div { min-width: 0; }
        table.pack td { white-space: normal; overflow-wrap: break-word; }
        table.pack td.nw { white-space: nowrap; overflow-wrap: normal; }
        table.pack td.num { white-space: nowrap; }
        table.actions td:nth-child(2) { min-width: 14em; }
        @page { size: A4 portrait; margin: 12mm 11mm 14mm; }
        @media print {
          body { font-size: 9pt; }
          .project { break-before: page; }
          h2 { margin-top: 4px; }
          h3 { font-size: 10pt; margin: 8px 0 3px; break-after: avoid; }
          table.pack { font-size: 7.5pt; }
          .rag { font-size: 7pt; min-width: 3.8em; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
          .rag.short { min-width: 1.6em; }
          .figures .figure { padding: 3px 8px; }
          .figure .value { font-size: 14pt; }
          .table { break-inside: auto; }
          a { color: inherit; text-decoration: none; }
          /* A full last project page would push the one-line footer onto a
             page of its own; the header already says what was read and when. */
          footer { display: none; }
        }
        """
}
