import FolioGit
import FolioModel
/// The formats every report is written in (SPEC: Commands, Reports).
public enum ReportFormat: String, CaseIterable, Sendable {
    /// Aligned for a terminal.
    case text
    /// GitHub-flavoured Markdown.
    case md
    /// RFC 4180.
    case csv
    /// The documented shape of docs/reports.md.
    case json
    /// One self-contained page with inline SVG charts.
    case html
    /// A plain-text accounting journal that hledger and ledger read (only
    /// reports with a `journal` section: `folio report cost`).
    case ledger
}
