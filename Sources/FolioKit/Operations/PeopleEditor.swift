import FolioGit
import FolioModel
import Foundation

/// `folio people`: the people of `folio.yml` changed by command, so nobody
/// edits YAML by hand. Each change is one commit that rewrites only the
/// `people:` block (the rest of the file, comments included, stays as it
/// was), made by an admin (the server's rule for `folio.yml`), and checked
/// as `folio.yml` is before it is written.
public enum PeopleEditor {
    public enum Change {
        case add(ProjectConfig.Person)
        /// Replaces the person with this email by the result of `edit`.
        case update(email: String, edit: (ProjectConfig.Person) throws -> ProjectConfig.Person)
        /// `force`: even while documents still name them.
        case remove(email: String, force: Bool)
    }

    public struct Result {
        public let commit: ObjectID
        public let subject: String
    }

    /// - Throws: `FolioError.refused` when the actor is not an admin, the
    ///   person exists (add) or not (update, remove), or `folio.yml` has
    ///   uncommitted changes; `FolioError.usage`/`.unreadable` when the
    ///   result would not be a valid `folio.yml`.
    public static func run(repository: Repository, change: Change, context: FolioContext) throws -> Result {
        guard !repository.isBare else { throw FolioError.usage("'people' needs a work tree; this repository is bare") }
        let actor = try Actor.current(repository, context)
        var subject = ""
        let (commit, _) = try Transaction(repository: repository, actor: actor, context: context).commit { tip in
            guard let tip else { throw FolioError.usage("the repository has no commits yet (run 'folio init')") }
            let tree = TreeSource(repository: repository, tree: try tip.tree(), label: "HEAD")
            guard let bytes = try tree.read(ProjectConfig.path, limit: Limits.configBytes) else {
                throw FolioError.usage("not a Folio repository: no folio.yml (run 'folio init')")
            }
            try WorkTreeGuard.requireUnchanged(repository, [ProjectConfig.path: bytes])
            let config = try ProjectConfig.parse(bytes)
            let admins = config.people.filter { $0.roles.contains("admin") }
            let who = admins.map { "\($0.name) <\($0.email)>" }.joined(separator: ", ")
            guard let me = config.person(actor.email) else {
                throw FolioError.refused("\(actor.email) is not listed in the people of folio.yml; an admin changes the people: \(who.isEmpty ? "nobody holds the role" : who)")
            }
            guard me.roles.contains("admin") else {
                throw FolioError.refused("changing the people of folio.yml needs the admin role: \(who.isEmpty ? "nobody holds it" : who)")
            }
            var people = config.people
            switch change {
            case .add(let person):
                guard config.person(person.email) == nil else { throw FolioError.refused("\(person.email) is already listed") }
                people.append(person)
                subject = "folio.yml: add \(person.name) <\(person.email)> (\(person.roles.joined(separator: ", ")))"
            case .update(let email, let edit):
                guard let i = people.firstIndex(where: { $0.email.lowercased() == email.lowercased() }) else {
                    throw FolioError.refused("\(email) is not listed in the people of folio.yml")
                }
                let updated = try edit(people[i])
                guard updated != people[i] else { throw FolioError.refused("\(email): nothing to change") }
                if people[i].roles.contains("admin"), !updated.roles.contains("admin"), admins.count == 1 {
                    throw FolioError.refused("\(email) is the only admin: give someone else the admin role first")
                }
                people[i] = updated
                subject = "folio.yml: change \(updated.name) <\(updated.email)>"
            case .remove(let email, let force):
                guard let i = people.firstIndex(where: { $0.email.lowercased() == email.lowercased() }) else {
                    throw FolioError.refused("\(email) is not listed in the people of folio.yml")
                }
                if !force {
                    // Documents naming them would fail their rules, and their hours drop out of reports.
                    let project = try Project(repository: repository, source: tree)
                    var naming: [String] = []
                    for location in try project.allDocuments() {
                        guard let text = try tree.read(location.path, limit: Limits.documentBytes) else { continue }
                        if String(decoding: text, as: UTF8.self).lowercased().contains(email.lowercased()) { naming.append(location.id) }
                    }
                    if !naming.isEmpty {
                        let shown = naming.prefix(5).joined(separator: ", ") + (naming.count > 5 ? " and \(naming.count - 5) more" : "")
                        throw FolioError.refused("\(email) is still named in \(shown): reassign, withdraw or supersede those first, or remove with --force")
                    }
                }
                if people[i].roles.contains("admin") && admins.count == 1 {
                    throw FolioError.refused("\(email) is the only admin: give someone else the admin role first")
                }
                subject = "folio.yml: remove \(people[i].name) <\(people[i].email)>"
                people.remove(at: i)
            }
            let text = try rewrite(String(decoding: bytes, as: UTF8.self), people: people)
            do {
                _ = try ProjectConfig.parse(Array(text.utf8))  // the result must be a valid folio.yml
            } catch let e as FolioError where e.exitCode == 2 && !e.description.contains("person ") {
                throw FolioError.refused("folio.yml could not be rewritten safely (\(e.description)); edit its people: block by hand")
            }
            var plan = WritePlan(subject: subject)
            plan.changes = [(ProjectConfig.path, .bytes(Array(text.utf8)))]
            plan.trailers = [("Folio-Action", "people")]
            return plan
        }
        return Result(commit: commit, subject: subject)
    }

    /// `text` with its top-level `people:` block replaced (or added at the end).
    static func rewrite(_ text: String, people: [ProjectConfig.Person]) throws -> String {
        let crlf = text.contains("\r\n")
        var lines = text.components(separatedBy: crlf ? "\r\n" : "\n")
        let block = ["people:"] + people.flatMap(yaml)
        if let start = lines.firstIndex(where: { $0.hasPrefix("people:") || $0.hasPrefix("people :") }) {
            var end = start + 1
            var j = start + 1
            // A flow sequence ([ … ]) may run over lines, its closing bracket at column 0.
            var depth = flowDepth(lines[start])
            while depth > 0 && j < lines.count {
                depth += flowDepth(lines[j])
                j += 1
                end = j
            }
            while j < lines.count {
                let line = lines[j]
                if line.hasPrefix(" ") || line.hasPrefix("\t") || line.hasPrefix("-") {
                    end = j + 1
                } else if !(line.isEmpty || line.hasPrefix("#")) {
                    break
                }
                j += 1
            }
            lines.replaceSubrange(start..<end, with: block)
        } else {
            if lines.last == "" { lines.removeLast() }
            lines += block + [""]
        }
        return lines.joined(separator: crlf ? "\r\n" : "\n")
    }

    /// Opening minus closing flow brackets on a line, outside quotes and comments.
    static func flowDepth(_ line: String) -> Int {
        var depth = 0
        var quote: Character?
        for c in line {
            if let q = quote {
                if c == q { quote = nil }
                continue
            }
            switch c {
            case "\"", "'": quote = c
            case "#": return depth
            case "[", "{": depth += 1
            case "]", "}": depth -= 1
            default: break
            }
        }
        return depth
    }

    /// One person as YAML lines: a flow mapping when it has no capacity or
    /// skills, a block mapping otherwise.
    static func yaml(_ p: ProjectConfig.Person) -> [String] {
        var head = ["email: \(scalar(p.email))", "name: \(scalar(p.name))", "roles: [\(p.roles.map(scalar).joined(separator: ", "))]"]
        if let user = p.user { head.append("user: \(scalar(user))") }
        let s = p.stated
        if s == ProjectConfig.Person.Stated(), p.skills.isEmpty {
            return ["  - { " + head.joined(separator: ", ") + " }"]
        }
        var out = ["  - " + head[0]] + head.dropFirst().map { "    " + $0 }
        if let h = s.hoursPerWeek { out.append("    hours_per_week: \(number(h))") }
        if let d = s.workingDays { out.append("    working_days: [\(d.map(scalar).joined(separator: ", "))]") }
        if let f = s.partTime { out.append("    part_time: \(number(f))") }
        if !s.absences.isEmpty {
            out.append("    absences:")
            for a in s.absences {
                var item = "from: \(scalar(a.from)), to: \(scalar(a.to))"
                if let reason = a.reason { item += ", reason: \(scalar(reason))" }
                out.append("      - { \(item) }")
            }
        }
        if !p.skills.isEmpty { out.append("    skills: [\(p.skills.map(scalar).joined(separator: ", "))]") }
        return out
    }

    /// A YAML scalar: plain where that reads back as the same string,
    /// otherwise double-quoted (JSON escaping is valid YAML).
    static func scalar(_ s: String) -> String {
        let reserved: Set<String> = ["true", "false", "yes", "no", "on", "off", "null", "~", "y", "n"]
        let plain = !s.isEmpty && s.first!.isASCII && (s.first!.isLetter || s.first!.isNumber)
            && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || " ._@+-".contains($0)) }
            && !s.hasSuffix(" ") && !reserved.contains(s.lowercased()) && Double(s) == nil
        if plain { return s }
        let data = (try? JSONSerialization.data(withJSONObject: [s], options: [.withoutEscapingSlashes])) ?? Data("[\"\"]".utf8)
        return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
    }

    /// `40`, `0.8`: a number as people write it in folio.yml.
    public static func number(_ d: Double) -> String { DecimalText.string(d, decimals: 6) }
}

/// Writes that replace a file in the work tree must not lose a user's
/// uncommitted edits of it.
enum WorkTreeGuard {
    /// - Throws: `FolioError.refused` naming the first path whose work-tree
    ///   file differs from the committed bytes given.
    static func requireUnchanged(_ repository: Repository, _ committed: [String: [UInt8]]) throws {
        guard let root = repository.workdir else { return }
        let work = WorkTreeSource(root: root)
        for (path, bytes) in committed.sorted(by: { $0.key < $1.key }) {
            guard let current = try? work.read(path, limit: max(bytes.count + 1, Limits.documentBytes)) else { continue }
            if current != bytes, !repository.workTreeMatches(current, path: path, blob: try repository.writeBlobID(bytes)) {
                throw FolioError.refused("\(path) has uncommitted changes in the work tree: check them in, commit or discard them first (they would be overwritten)")
            }
        }
    }
}
