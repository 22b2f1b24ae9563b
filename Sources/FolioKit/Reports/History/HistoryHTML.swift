import FolioGit
import FolioModel
import Foundation

/// The change history as one self-contained page (the shared report page of
/// `HTMLReport`): figures, changes by week, then every row.
enum HistoryHTML {
    static func page(title: String, projects: [ReportProject], rows: [HistoryRow], commits: Int) -> String {
        let subtitle = projects.map { "\($0.code) \($0.name) at \($0.commit.prefix(10))" }.joined(separator: " · ")
        var body = HTMLReport.pageStart(title: title, subtitle: subtitle)
        let people = Set(rows.map { $0.email.lowercased() }).count
        let documents = Set(rows.map(\.document).filter { !$0.isEmpty }).count
        let events = rows.reduce(0) { $0 + $1.events.count }
        body += HTMLReport.figures([
            ("commits", String(commits)), ("changes", String(rows.count)), ("documents", String(documents)),
            ("lifecycle events", String(events)), ("people", String(people)),
        ])
        body += HTMLReport.barChart(ReportChart(key: "activity", title: "Changes by week", unit: "changes", bars: weeks(rows)))
        body += "<h2>Changes</h2>\n"
        body += HTMLReport.table(
            ["Date", "Commit", "Author", "Project", "Document", "Rev", "Action", "What changed"],
            rows.map {
                [String($0.date.prefix(16)).replacingOccurrences(of: "T", with: " "), String($0.commit.prefix(10)), $0.author, $0.project,
                 $0.document, $0.revision, $0.action, $0.what]
            })
        return body + HTMLReport.pageEnd()
    }

    /// Changes per week (weeks start on Monday, as in the status report;
    /// the last 52 weeks with changes).
    static func weeks(_ rows: [HistoryRow]) -> [ReportChart.Bar] {
        var counts: [String: Int] = [:]
        for r in rows {
            guard let date = Timestamp.date(r.date) else { continue }
            counts[ReportDate.day(ReportDate.weekStart(date)), default: 0] += 1
        }
        return counts.keys.sorted().suffix(52).map { ReportChart.Bar($0, Double(counts[$0]!)) }
    }
}
