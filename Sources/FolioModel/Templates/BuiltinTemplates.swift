import FolioGit
/// The fifteen built-in templates (the files of the top-level `templates/`
/// folder, embedded at build time), which `folio init` copies into a project.
public enum BuiltinTemplates {
    public static let all: [(type: String, text: String)] = [
        ("artifact", PackageResources.artifact_md),
        ("change-request", PackageResources.change_request_md),
        ("charter", PackageResources.charter_md),
        ("cost-register", PackageResources.cost_register_md),
        ("decision-log", PackageResources.decision_log_md),
        ("issue-log", PackageResources.issue_log_md),
        ("lessons-learned", PackageResources.lessons_learned_md),
        ("minutes", PackageResources.minutes_md),
        ("rate-card", PackageResources.rate_card_md),
        ("resource-plan", PackageResources.resource_plan_md),
        ("risk-register", PackageResources.risk_register_md),
        ("schedule", PackageResources.schedule_md),
        ("stakeholder-register", PackageResources.stakeholder_register_md),
        ("status-report", PackageResources.status_report_md),
        ("timesheet", PackageResources.timesheet_md),
    ].map { ($0.0, String(decoding: $0.1, as: UTF8.self)) }
}
