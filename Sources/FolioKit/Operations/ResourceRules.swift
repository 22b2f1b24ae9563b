import FolioGit
import FolioModel
import Foundation

/// The rules of the resource types beyond their templates: a timesheet's
/// week, days and hours; a resource plan's allocations against every other
/// plan of the repository (docs/formats.md, "Allocation rule").
extension Project {
    /// Diagnostics of the type's own rules for a document as it would stand
    /// (read from the source, staged, or about to be committed).
    public func typeRules(_ document: Document, _ location: DocumentLocation) throws -> [Diagnostic] {
        switch location.type {
        case Timesheet.type: return Timesheet.check(document, config: config, workPackages: try workPackages())
        case ResourcePlan.type: return ResourcePlan.dateOrder(document) + (try allocationDiagnostics(document, location))
        case Schedule.type: return ResourcePlan.dateOrder(document, [(Schedule.workPackagesHeading, "Start", "Finish")])
        case CostData.rateCardType: return ResourcePlan.dateOrder(document, [("Rates", "From", "To")]) + rateWarnings(document)
        default: return []
        }
    }

    /// A rate card's rows that price nobody (an email not in `folio.yml`, a
    /// role nobody holds) or that overlap another row of the same person or
    /// role (the later start wins, silently): warnings.
    func rateWarnings(_ document: Document) -> [Diagnostic] {
        let rows = TableRow.rows(document, under: "Rates")
        let roles = Set(config.people.flatMap { $0.roles.map { $0.lowercased() } })
        var out: [Diagnostic] = []
        var seen: [(who: String, from: Day, to: Day?, line: Int)] = []
        for row in rows {
            let who = row["Person or role"].lowercased()
            guard !who.isEmpty else { continue }
            if who.contains("@") ? config.person(who) == nil : !roles.contains(who) {
                out.append(Diagnostic(path: document.path, line: row.line, column: row.column, severity: .warning,
                    message: "'\(row["Person or role"])' is \(who.contains("@") ? "not listed in the people" : "a role nobody holds") in folio.yml: this rate prices nobody", rule: "rate.who"))
            }
            let to = Day(row["To"])
            // A row ending before it starts is a table.dates error already.
            guard let from = Day(row["From"]), to.map({ from <= $0 }) ?? true else { continue }
            if let other = seen.first(where: { $0.who == who && $0.from <= (to ?? Day(number: Int.max / 2)) && from <= ($0.to ?? Day(number: Int.max / 2)) }) {
                out.append(Diagnostic(path: document.path, line: row.line, column: row.column, severity: .warning,
                    message: "the rate of '\(row["Person or role"])' overlaps the one on line \(other.line): on shared days the later start wins", rule: "rate.overlap"))
            }
            seen.append((who, from, to, row.line))
        }
        return out
    }

    /// This project's work packages, from its schedules in force (empty when
    /// it has none: work packages are then free text).
    public func workPackages() throws -> [String: Set<String>] {
        try memo.workPackages.get {
            guard let template = template(Schedule.type) else { return [:] }
            var ids = Set<String>()
            for location in try documents(of: template) where try inForce(location.id) {
                if let document = try read(location).document { ids.formUnion(Schedule.workPackageIDs(document)) }
            }
            return ids.isEmpty ? [:] : [config.project.code: ids]
        }
    }

    /// The keys of the table under `heading` (its template's `key` column)
    /// in every document of `type` in force: what a `ref_type` column's
    /// values must be (docs/formats.md, "Table rules"). Nil when no
    /// document of the type is in force, or its template has no such keyed
    /// table: the column is then free text. Unreadable documents add nothing.
    func foreignKeys(type: String, heading: String) -> Set<String>? {
        if let known = memo.foreignKeys.get([type, heading]) { return known }
        let keys = readForeignKeys(type: type, heading: heading)
        memo.foreignKeys.set([type, heading], keys)
        return keys
    }

    private func readForeignKeys(type: String, heading: String) -> Set<String>? {
        guard let template = template(type), let key = template.tables.first(where: { $0.heading == heading })?.key,
            let locations = try? documents(of: template)
        else { return nil }
        var keys = Set<String>()
        var any = false
        for location in locations where (try? inForce(location.id)) == true {
            any = true
            guard let document = try? read(location).document, let table = document.outline.table(under: heading),
                let k = table.header.firstIndex(where: { $0.text == key })
            else { continue }
            for row in table.rows where k < row.count && !row[k].text.isEmpty { keys.insert(row[k].text) }
        }
        return any ? keys : nil
    }

    /// The person a timesheet belongs to (lower case), or nil for other types.
    public func timesheetPerson(_ location: DocumentLocation) throws -> String? {
        guard location.type == Timesheet.type, let document = try? read(location).document else { return nil }
        let person = Timesheet(document).person
        return person.isEmpty ? nil : person
    }

    /// Whether a document counts: not withdrawn or superseded.
    func inForce(_ id: String) throws -> Bool {
        let state = DocumentStatus.derive(try record(id), scheme: config.revisions).state
        return state != .withdrawn && state != .superseded
    }

    /// Every resource plan in force in this snapshot, read (with
    /// `replacing` standing in for the plan of the same ID).
    public func resourcePlans(replacing replacement: Document? = nil) throws -> [Document] {
        let all = try memo.plans.get {
            guard let template = template(ResourcePlan.type) else { return [] }
            var plans: [Document] = []
            for location in try documents(of: template) {
                guard try inForce(location.id), let document = try read(location).document else { continue }
                plans.append(document)
            }
            return plans
        }
        var plans = all.filter { $0.id != replacement?.id }
        if let replacement, try inForce(replacement.id) { plans.append(replacement) }
        return plans
    }

    /// Each plan in force and its assignments, in the order of `resourcePlans()`,
    /// read once per snapshot: `check --all` asks once per plan, and reading
    /// every plan's table each time was quadratic.
    private func planAssignments() throws -> [(id: String, assignments: [Assignment])] {
        try memo.planAssignments.get {
            try resourcePlans().map { (id: $0.id, assignments: ResourcePlan.assignments($0, project: config.project.code)) }
        }
    }

    /// The assignments of every resource plan in force.
    public func assignments(replacing replacement: Document? = nil) throws -> [Assignment] {
        var out = try planAssignments().filter { $0.id != replacement?.id }.flatMap(\.assignments)
        if let replacement, try inForce(replacement.id) { out += ResourcePlan.assignments(replacement, project: config.project.code) }
        return out
    }

    /// The capacity of a person of this project (the standard week when not listed).
    public func capacity(_ email: String) -> Capacity {
        config.person(email)?.capacity ?? .standard
    }

    /// `allocation.over` on each of this plan's rows that takes part in an
    /// over-allocation: a warning or an error as `resources.allocation` says.
    func allocationDiagnostics(_ document: Document, _ location: DocumentLocation) throws -> [Diagnostic] {
        let policy = config.resources
        let inForce = try self.inForce(document.id)
        // The snapshot's own plan as it stands (`check --all`): the same
        // assignments as every other plan's check sees, so their runs are
        // computed once per set of people (they do not depend on order),
        // and the whole list is not copied once per plan.
        let stated = ResourcePlan.assignments(document, project: config.project.code)
        let base = try planAssignments()
        let runs: [OverAllocation]
        if inForce, let own = base.first(where: { $0.id == document.id })?.assignments, own == stated {
            guard !own.isEmpty else { return [] }
            let people = Set(own.map(\.person))
            let key = people.sorted()
            if let known = memo.overAllocations.get(key) {
                runs = known
            } else {
                runs = Allocation.overAllocations(
                    base.flatMap(\.assignments).filter { people.contains($0.person) }, capacity: capacity, threshold: policy.threshold)
                memo.overAllocations.set(key, runs)
            }
        } else {
            let all = try assignments(replacing: document)
            let mine = all.filter { $0.document == document.id }
            guard !mine.isEmpty else { return [] }
            let people = Set(mine.map(\.person))
            runs = Allocation.overAllocations(all.filter { people.contains($0.person) }, capacity: capacity, threshold: policy.threshold)
        }
        var out: [Diagnostic] = []
        for run in runs {
            let message = Project.overAllocationMessage(run, threshold: policy.threshold)
            for a in run.assignments where a.document == document.id {
                out.append(Diagnostic(
                    path: location.path, line: a.line, column: a.column, severity: policy.allocation == .refuse ? .error : .warning,
                    message: message, rule: "allocation.over"))
            }
        }
        return out
    }

    /// `carol@example.com is allocated 140% on 2026-12-07..2026-12-18 (threshold 100%): A line 14 (80%, …), B line 9 (60%, …)`.
    /// At most `shownAssignments` are named, then how many more: a run over
    /// thousands of rows would otherwise repeat them all on each of its rows.
    static func overAllocationMessage(_ run: OverAllocation, threshold: Double) -> String {
        let days = run.from == run.to ? "\(run.from)" : "\(run.from)..\(run.to)"
        let more = run.assignments.count - shownAssignments
        return "\(run.person) is allocated \(ResourcePlan.percent(run.load))% on \(days) (threshold \(ResourcePlan.percent(threshold))%): "
            + run.assignments.prefix(shownAssignments).map(\.label).joined(separator: ", ") + (more > 0 ? " and \(more) more" : "")
    }

    static let shownAssignments = 8

    /// The allocation rule over every plan (when `folio.yml` changes: capacity
    /// or the threshold may have moved).
    public func allocationDiagnosticsForAllPlans() throws -> [Diagnostic] {
        guard let template = template(ResourcePlan.type) else { return [] }
        var out: [Diagnostic] = []
        for location in try documents(of: template) {
            guard try inForce(location.id), let document = try read(location).document else { continue }
            out += try allocationDiagnostics(document, location)
        }
        return out
    }
}

/// A value computed once and then shared; safe from several threads (the
/// checks of `check --all` run on all cores over one `Project`).
final class Memo<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value?

    /// The value if it was computed, without computing it.
    func peek() -> Value? {
        lock.lock()
        defer { lock.unlock() }
        return value
    }

    func get(_ make: () throws -> Value) rethrows -> Value {
        lock.lock()
        defer { lock.unlock() }
        if let value { return value }
        let made = try make()
        value = made
        return made
    }
}

/// A cache whose values are computed outside its lock (two threads may
/// compute the same value once each; with `set` the first stored wins).
/// With a capacity, it forgets everything when full (for values wanted for
/// the next step or two of a walk, not for the whole walk).
final class SharedCache<Key: Hashable, Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Key: Value] = [:]
    private let capacity: Int
    init(capacity: Int = .max) { self.capacity = capacity }
    func get(_ key: Key) -> Value? {
        lock.lock()
        defer { lock.unlock() }
        return values[key]
    }
    func set(_ key: Key, _ value: Value) {
        store(key, value, replacing: false)
    }
    /// Stores `value`, replacing any value stored for `key`.
    func replace(_ key: Key, _ value: Value) {
        store(key, value, replacing: true)
    }
    /// Forgets every value.
    func removeAll() {
        lock.lock()
        defer { lock.unlock() }
        values.removeAll()
    }
    /// Removes and returns a value (so that it can be changed in place).
    func take(_ key: Key) -> Value? {
        lock.lock()
        defer { lock.unlock() }
        return values.removeValue(forKey: key)
    }
    private func store(_ key: Key, _ value: Value, replacing: Bool) {
        lock.lock()
        defer { lock.unlock() }
        if values[key] != nil && !replacing { return }
        if values.count >= capacity && values[key] == nil { values.removeAll() }
        values[key] = value
    }
}

/// A flag several threads read.
final class SharedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    var value: Bool {
        get { lock.lock(); defer { lock.unlock() }; return flag }
        set { lock.lock(); flag = newValue; lock.unlock() }
    }
}

/// The cross-document reads of one project snapshot.
final class SnapshotMemo: Sendable {
    /// Parsed documents by path, while `Project.keepsReads` is on.
    let reads = SharedCache<String, DocumentReader.Result>()
    /// Parsed records by path, while `Project.keepsReads` is on.
    let records = SharedCache<String, Record>()
    let keepsReads = SharedFlag()
    let plans = Memo<[Document]>()
    /// Each plan in force and its assignments, in the order of `plans`.
    let planAssignments = Memo<[(id: String, assignments: [Assignment])]>()
    /// Over-allocation runs over the snapshot's own plans, by the people they concern (sorted).
    let overAllocations = SharedCache<[String], [OverAllocation]>()
    let workPackages = Memo<[String: Set<String>]>()
    /// `ref_type` columns: type and heading → the keys (nil: no document in force).
    let foreignKeys = SharedCache<[String], Set<String>?>()
    /// The adopted documents of the snapshot.
    let adoption = Memo<AdoptionIndex>()
}
