import FolioGit
import FolioModel
import Foundation

/// Writes a `Report` in one of the report formats (docs/reports.md).
public enum ReportRenderer {
    /// The report as text. `section` limits the output to one section (CSV
    /// always writes one table: `section`, or the report's main section).
    public static func render(_ report: Report, format: ReportFormat, section: String? = nil) throws -> String {
        if let section, report.section(section) == nil {
            throw FolioError.usage(
                "no section '\(section)' in the \(report.kind) report; sections: \(report.sections.map(\.key).joined(separator: ", "))")
        }
        let sections = section.map { name in report.sections.filter { $0.key == name } } ?? report.sections
        switch format {
        case .text: return text(report, sections)
        case .md: return markdown(report, sections)
        case .csv: return csv(report, report.section(section ?? report.mainSection) ?? sections[0])
        case .json:
            var out = ""
            writeJSON(report, sections) { out += $0 }
            return out
        case .html: return html(report, sections)
        case .ledger:
            guard let journal = report.section(LedgerJournal.section) else {
                throw FolioError.usage("--format ledger: only `folio report cost` writes an accounting journal")
            }
            return LedgerJournal.render(report, journal)
        }
    }

    /// The same text as `render`, handed to `write` in pieces: JSON is
    /// written a section's rows at a time, so a register of 100,000 rows is
    /// never held as one JSON value and one text. - Throws: as `render`.
    public static func render(_ report: Report, format: ReportFormat, section: String? = nil, write: (String) -> Void) throws {
        guard format == .json, section.map({ report.section($0) != nil }) ?? true else {
            return write(try render(report, format: format, section: section))
        }
        writeJSON(report, section.map { name in report.sections.filter { $0.key == name } } ?? report.sections, write)
    }

    /// The JSON text of `json(report, sections)` and a newline, a section's rows at a time.
    private static func writeJSON(_ report: Report, _ sections: [ReportSection], _ write: (String) -> Void) {
        guard case .object(let head) = json(report, []) else { return write(json(report, sections).text() + "\n") }
        // As `JSONValue.write` lays out `json(report, sections)`.
        var chunk: [UInt8] = Array("{\n".utf8)
        func flush() {
            write(String(decoding: chunk, as: UTF8.self))
            chunk.removeAll(keepingCapacity: true)
        }
        let count = head.count + sections.count
        for i in 0..<count {
            let key = i < head.count ? head[i].0 : sections[i - head.count].key
            chunk += "  ".utf8
            JSONValue.quote(key, into: &chunk)
            chunk += ": ".utf8
            if i < head.count {
                head[i].1.write(to: &chunk, indent: 1)
            } else {
                let section = sections[i - head.count]
                if section.rows.isEmpty {
                    chunk += "[]".utf8
                } else {
                    chunk += "[\n".utf8
                    for (r, row) in section.rows.enumerated() {
                        chunk += "    ".utf8
                        JSONValue.object(zip(section.columns, row).map { ($0.key, $1.json) }).write(to: &chunk, indent: 2)
                        chunk += (r == section.rows.count - 1 ? "\n" : ",\n").utf8
                        if chunk.count >= 1 << 16 { flush() }
                    }
                    chunk += "  ]".utf8
                }
            }
            chunk += (i == count - 1 ? "\n" : ",\n").utf8
        }
        chunk += "}\n".utf8
        flush()
    }

    // MARK: text

    static func text(_ report: Report, _ sections: [ReportSection]) -> String {
        var out = report.title + "\n"
        for line in metadataLines(report) { out += line + "\n" }
        if !report.figures.isEmpty {
            out += "\n"
            let width = report.figures.map(\.label.count).max() ?? 0
            for figure in report.figures {
                out += figure.label + ":" + String(repeating: " ", count: width - figure.label.count + 1) + figureText(figure) + "\n"
            }
        }
        for section in sections {
            out += "\n" + section.title + "\n" + String(repeating: "-", count: section.title.count) + "\n"
            if section.rows.isEmpty {
                out += section.empty + "\n"
                continue
            }
            out += TextTable.render(section.columns.map(\.header), strings(section), rightAligned: numericColumns(section))
        }
        return out
    }

    static func metadataLines(_ report: Report) -> [String] {
        var lines: [String] = []
        for p in report.projects {
            lines.append("Project \(p.code) (\(p.name)): \(p.repository) at \(p.commit.prefix(12)) (\(p.commitDate))" + (p.stale.map { ", \($0)" } ?? ""))
        }
        if let period = report.period { lines.append("Period: \(period.since) to \(period.until) (UTC, inclusive)") }
        lines.append("Generated: \(report.generated)")
        return lines
    }

    // MARK: Markdown

    static func markdown(_ report: Report, _ sections: [ReportSection]) -> String {
        var out = "# \(MarkdownFormat.cell(report.title))\n\n"
        for line in metadataLines(report) { out += "- \(MarkdownFormat.cell(line))\n" }
        if !report.figures.isEmpty {
            out += "\n" + MarkdownFormat.table(["Figure", "Value"], report.figures.map { [$0.label, figureText($0)] })
        }
        for section in sections {
            out += "\n## \(MarkdownFormat.cell(section.title))\n\n"
            if let note = section.note { out += MarkdownFormat.cell(note) + "\n\n" }
            if section.rows.isEmpty {
                out += "_\(MarkdownFormat.cell(section.empty))_\n"
                continue
            }
            out += MarkdownFormat.table(section.columns.map(\.header), strings(section))
        }
        return out
    }

    // MARK: CSV

    /// One table: a header of the columns' keys (stable, like the JSON keys),
    /// then the rows. CSV has no room for the report's notes, so when a
    /// portfolio project is stale (its mirror could not be fetched) a last
    /// column `project_stale` says so on each of that project's rows.
    static func csv(_ report: Report, _ section: ReportSection) -> String {
        let header = section.columns.map(\.key)
        let stale = Dictionary(report.projects.compactMap { p in p.stale.map { (p.code, $0) } }, uniquingKeysWith: { a, _ in a })
        guard !stale.isEmpty, let project = header.firstIndex(of: "project") else {
            return CSVFormat.table(header, strings(section))
        }
        return CSVFormat.table(header + ["project_stale"], strings(section).map { $0 + [stale[$0[project]] ?? ""] })
    }

    // MARK: JSON

    static func json(_ report: Report, _ sections: [ReportSection]) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("report", .string(report.kind)),
            ("title", .string(report.title)),
            ("generated", .string(report.generated)),
            ("projects", .array(report.projects.map {
                .object([
                    ("code", .string($0.code)), ("name", .string($0.name)), ("repository", .string($0.repository)),
                    ("commit", .string($0.commit)), ("commit_date", .string($0.commitDate)),
                ] + ($0.stale.map { [("stale", JSONValue.string($0))] } ?? []))
            })),
        ]
        if let period = report.period {
            members.append(("period", .object([("since", .string(period.since)), ("until", .string(period.until))])))
        }
        if !report.figures.isEmpty {
            members.append(("summary", .object(report.figures.map { ($0.key, $0.value.json) })))
        }
        for section in sections {
            members.append((section.key, .array(section.rows.map { row in
                .object(zip(section.columns, row).map { ($0.key, $1.json) })
            })))
        }
        return .object(members)
    }

    // MARK: HTML

    static func html(_ report: Report, _ sections: [ReportSection]) -> String {
        // The pack has a page layout of its own (A4, a page per project).
        if report.kind == "pack", sections.count == report.sections.count { return PackHTML.render(report) }
        var out = HTMLReport.pageStart(title: report.title, subtitle: report.subtitle)
        out += HTMLReport.table(
            ["Project", "Name", "Repository", "Commit", "Commit date"],
            report.projects.map { [$0.code + ($0.stale != nil ? " (STALE)" : ""), $0.name, $0.repository, String($0.commit.prefix(12)), $0.commitDate] })
        for p in report.projects { if let stale = p.stale { out += "<p class=\"note\"><b>\(HTMLReport.escape(p.code)) is \(HTMLReport.escape(stale))</b></p>\n" } }
        if let period = report.period {
            out += "<p class=\"note\">Period: \(HTMLReport.escape(period.since)) to \(HTMLReport.escape(period.until)) (UTC, both days included).</p>\n"
        }
        out += HTMLReport.figures(report.figures.map { ($0.label, figureText($0)) })
        // Charts go with the whole report, so only when all of it is shown.
        if !(report.charts.isEmpty && report.heatMaps.isEmpty && report.lineCharts.isEmpty), sections.count == report.sections.count {
            out += "<section class=\"charts\">\n"
            for map in report.heatMaps { out += HTMLReport.heatMap(map) }
            for chart in report.lineCharts { out += HTMLReport.lineChart(chart) }
            for chart in report.charts { out += HTMLReport.barChart(chart) }
            out += "</section>\n"
        }
        for section in sections {
            out += "<section id=\"\(HTMLReport.escape(section.key))\">\n<h2>\(HTMLReport.escape(section.title))</h2>\n"
            if let note = section.note { out += "<p class=\"note\">\(HTMLReport.escape(note))</p>\n" }
            if section.rows.isEmpty {
                out += "<p class=\"empty\">\(HTMLReport.escape(section.empty))</p>\n"
            } else {
                out += HTMLReport.table(
                    section.columns.map(\.header), strings(section), numeric: numericColumns(section),
                    // One project: its code on every row says nothing on paper.
                    screenOnly: Set(section.columns.indices.filter {
                        section.columns[$0].screenOnly || (section.columns[$0].key == "project" && report.projects.count == 1)
                    }))
            }
            out += "</section>\n"
        }
        return out + HTMLReport.pageEnd()
    }

    // MARK: helpers

    /// A figure for people: "none" where there is no value (e.g. no approvals to time).
    static func figureText(_ figure: ReportFigure) -> String {
        figure.value == .null ? "none" : figure.value.display
    }

    static func strings(_ section: ReportSection) -> [[String]] {
        section.rows.map { $0.map(\.display) }
    }

    /// Columns whose every value is a number.
    static func numericColumns(_ section: ReportSection) -> Set<Int> {
        Set(section.columns.indices.filter { i in
            section.rows.allSatisfy { i < $0.count && ($0[i].isNumeric || $0[i] == .null) }
                && section.rows.contains { i < $0.count && $0[i].isNumeric }
        })
    }
}
