import FolioGit
import Foundation
import Yams

/// A controlled document as parsed from its file: identity, front matter and
/// the outline of its body.
public struct Document {
    public let path: String
    public let id: String
    public let type: String
    public let title: String
    public let frontMatter: FrontMatter
    /// The file the front matter was read from: the document itself, or an
    /// adopted document's metadata file (where its diagnostics point).
    public let frontMatterPath: String
    public let outline: MarkdownOutline
    public let text: String

    /// The front matter value of a field as text (lists joined with ", ").
    public func field(_ name: String) -> String? {
        guard let entry = frontMatter[name] else { return nil }
        switch entry.value {
        case .sequence(let items): 
            let values = items.compactMap(FrontMatter.scalarText)
            return values.isEmpty ? nil : values.joined(separator: ", ")
        default: return FrontMatter.scalarText(entry.value)
        }
    }
}

/// The metadata file beside an adopted document (`kep.yaml`), as read:
/// nil bytes when there is no such file.
public struct Sidecar: Sendable {
    public let path: String
    public let bytes: [UInt8]?
    /// Why it could not be read (too large, a symbolic link), if so.
    public let problem: String?
    public init(path: String, bytes: [UInt8]?, problem: String? = nil) {
        self.path = path
        self.bytes = bytes
        self.problem = problem
    }
}

/// Reads documents from bytes, reporting every problem as a diagnostic.
public enum DocumentReader {
    /// The result of reading: the document when it could be parsed at all.
    public struct Result {
        public let document: Document?
        public let diagnostics: [Diagnostic]
    }

    /// Parses a document of `template` at `path`. `expectedID` is the ID its
    /// place in the repository gives it.
    public static func read(
        path: String, bytes: [UInt8], template: Template?, expectedID: String?, adopt: Template.AdoptRule? = nil,
        sidecar: Sidecar? = nil
    ) -> Result {
        func failure(_ line: Int, _ column: Int, _ message: String, _ rule: String) -> Result {
            Result(
                document: nil,
                diagnostics: [Diagnostic(path: path, line: line, column: column, severity: .error, message: message, rule: rule)])
        }
        if bytes.count > Limits.documentBytes {
            return failure(1, 1, "file of \(bytes.count) bytes is larger than the limit of \(Limits.documentBytes) bytes", "text.size")
        }
        let text: String
        do {
            text = try Text.decode(bytes)
        } catch {
            return failure(error.line, 1, "file \(error.message)", error.rule)
        }
        if let line = ConflictMarkers.firstLine(bytes) {
            return failure(
                line, 1, "unresolved merge conflict (git's '<<<<<<<', '=======', '>>>>>>>' lines): keep one side and remove the markers",
                "text.conflict")
        }
        let adopted = template?.adopt ?? adopt
        let format = adopted?.textFormat ?? .markdown
        var split = SplitDocument(yaml: nil, yamlFirstLine: 1, body: text, bodyFirstLine: 1)
        var frontMatter = FrontMatter(entries: [], endLine: 0)
        var frontMatterPath = path
        var diagnostics: [Diagnostic] = []
        if format == .markdown {
            do {
                split = try SplitDocument(text: text)
                if let yaml = split.yaml {
                    frontMatter = try SafeYAML.frontMatter(yaml, firstLine: split.yamlFirstLine)
                }
            } catch {
                return failure(error.line, error.column, error.message, "front-matter")
            }
            if adopted != nil, !Self.markdownExtensions.contains((path as NSString).pathExtension.lowercased()) {
                diagnostics.append(
                    Diagnostic(
                        path: path, line: 1, column: 1, severity: .error,
                        message: "not a Markdown file, but the type's format is markdown: declare 'format: restructuredtext' or 'format: text' in its adopt rule, or narrow the glob",
                        rule: "adopt.format"))
            }
        }
        if let adopted, let metadataName = adopted.metadata {
            let metadataPath = sidecar?.path ?? adopted.metadataPath(for: path) ?? metadataName
            if split.yaml != nil {
                diagnostics.append(
                    Diagnostic(
                        path: path, line: 1, column: 1, severity: .error,
                        message: "this type's metadata is in \(metadataName) beside the document, not in front matter", rule: "adopt.metadata"))
            }
            if let problem = sidecar?.problem {
                diagnostics.append(Diagnostic(path: metadataPath, line: 1, column: 1, severity: .error, message: problem, rule: "adopt.metadata"))
            } else if let bytes = sidecar?.bytes {
                do {
                    let yaml = try Text.decode(bytes)
                    frontMatter = try SafeYAML.frontMatter(yaml, firstLine: 1)
                    frontMatterPath = metadataPath
                } catch let p as Text.Problem {
                    return Result(document: nil, diagnostics: [Diagnostic(path: metadataPath, line: p.line, column: 1, severity: .error, message: "file \(p.message)", rule: p.rule)])
                } catch let p as YAMLProblem {
                    return Result(document: nil, diagnostics: [Diagnostic(path: metadataPath, line: p.line, column: p.column, severity: .error, message: p.message, rule: "adopt.metadata")])
                } catch {
                    return Result(document: nil, diagnostics: [Diagnostic(path: metadataPath, line: 1, column: 1, severity: .error, message: "\(error)", rule: "adopt.metadata")])
                }
            } else {
                diagnostics.append(
                    Diagnostic(
                        path: path, line: 1, column: 1, severity: .error,
                        message: "no metadata file \(metadataPath) beside the document (the type reads its metadata from \(metadataName))", rule: "adopt.metadata"))
            }
        }
        let outline = format == .markdown ? MarkdownOutline(markdown: split.body, firstLine: split.bodyFirstLine) : MarkdownOutline(markdown: "", firstLine: 1)
        if split.yaml == nil && adopted == nil {
            diagnostics.append(
                Diagnostic(
                    path: path, line: 1, column: 1, severity: .error,
                    message: "a document starts with YAML front matter between '---' lines (id, type, title)",
                    rule: "front-matter"))
        }
        func reserved(_ key: String, derived: String?, derivedWins: Bool = false) -> String {
            if derivedWins, let derived, !derived.isEmpty { return derived }
            if let entry = frontMatter[key] {
                guard let value = FrontMatter.scalarText(entry.value) else {
                    diagnostics.append(
                        Diagnostic(
                            path: frontMatterPath, line: entry.line, column: entry.column, severity: .error,
                            message: "'\(key)' must be a non-empty text value", rule: "field.\(key)"))
                    return derived ?? ""
                }
                return value
            }
            if let derived, !derived.isEmpty { return derived }
            if split.yaml != nil || adopted != nil {
                diagnostics.append(
                    Diagnostic(
                        path: path, line: 1, column: 1, severity: .error,
                        message: adopted == nil
                            ? "missing '\(key)' in front matter"
                            : "cannot take '\(key)' from the file: \(Self.source(of: key, adopted!))",
                        rule: "field.\(key)"))
            }
            return ""
        }
        let fileStem = (splitPath(path).name as NSString).deletingPathExtension
        var derivedID: String?
        var derivedTitle: String?
        if let adopted {
            let headingTitle: String? =
                switch format {
                case .markdown: outline.headings.first { $0.level == 1 }?.text
                case .restructuredtext: Self.restructuredTextTitle(text)
                case .text: text.split(whereSeparator: \.isNewline).lazy.map { $0.trimmingCharacters(in: .whitespaces) }.first { !$0.isEmpty }
                }
            let fromContent: String? =
                switch adopted.idSource {
                case .heading: headingTitle.flatMap { $0.split(separator: " ").first.map { String($0).trimmingCharacters(in: [":", "."]) } }
                case .metadata: frontMatter.string(adopted.field ?? "id")
                default: nil
                }
            derivedID = adopted.idFromPath(path) ?? fromContent.flatMap { $0.isEmpty ? nil : (adopted.prefix ?? "") + $0 }
            derivedTitle =
                switch adopted.titleSource {
                case .filename: fileStem
                case .metadata: nil  // the metadata's `title`
                default: headingTitle ?? fileStem
                }
        }
        // A bound adopted document keeps the ID its record gives it, whatever
        // its file name or heading now say.
        let id = reserved("id", derived: adopted != nil ? (expectedID ?? derivedID) : derivedID, derivedWins: adopted != nil && (expectedID != nil || adopted!.idSource == .metadata))
        let type = reserved("type", derived: adopted != nil ? template?.type : nil)
        let title = reserved("title", derived: derivedTitle)
        let idLine = frontMatter["id"]?.line ?? 1
        if !id.isEmpty {
            if let problem = DocumentID.problem(id) {
                diagnostics.append(
                    Diagnostic(path: path, line: idLine, column: 1, severity: .error, message: problem, rule: "id.format"))
            } else if let expectedID, expectedID != id {
                diagnostics.append(
                    Diagnostic(
                        path: path, line: idLine, column: 1, severity: .error,
                        message: "id '\(id)' differs from the file name '\(expectedID)'", rule: "id.mismatch"))
            }
        }
        if let template, !type.isEmpty, type != template.type {
            diagnostics.append(
                Diagnostic(
                    path: path, line: frontMatter["type"]?.line ?? 1, column: 1, severity: .error,
                    message: "type '\(type)' does not belong in \(template.folder)/ (the folder of type '\(template.type)')",
                    rule: "type.mismatch"))
        }
        let document = Document(
            path: path, id: id, type: type, title: title, frontMatter: frontMatter, frontMatterPath: frontMatterPath, outline: outline, text: text)
        return Result(document: document, diagnostics: diagnostics)
    }

    static let markdownExtensions: Set<String> = ["md", "markdown", "mdown", "mkd", "mkdn"]

    /// Where an adopted document's ID or title is taken from, for messages.
    static func source(of key: String, _ rule: Template.AdoptRule) -> String {
        let source = key == "id" ? rule.idSource : rule.titleSource
        let where_ = rule.metadata ?? "front matter"
        switch source {
        case .heading: return "it needs a level-1 heading or '\(key)' in \(where_)"
        case .filename: return "its file name gives none; set '\(key)' in \(where_)"
        case .folder: return "its folder gives none; set '\(key)' in \(where_)"
        case .path: return "its path does not match the pattern '\(rule.pattern ?? "")'; set '\(key)' in \(where_)"
        case .metadata: return "it needs '\(key == "id" ? rule.field ?? "id" : "title")' in \(where_)"
        }
    }

    /// The title of a reStructuredText file: its first section title, a line
    /// underlined (and perhaps overlined) with one punctuation character
    /// repeated at least as long as the title.
    static func restructuredTextTitle(_ text: String) -> String? {
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        func isAdornment(_ line: String) -> Bool {
            guard let c = line.first, line.count >= 2, c.isPunctuation || c.isSymbol else { return false }
            return line.allSatisfy { $0 == c }
        }
        for i in lines.indices.dropLast() where !lines[i].isEmpty && !isAdornment(lines[i]) {
            let under = lines[i + 1]
            // docutils accepts (with a warning) an underline shorter than the title.
            if isAdornment(under), under.count >= min(lines[i].count, 3) { return lines[i] }
        }
        return nil
    }
}

/// git's conflict markers left in a file by a merge that was not resolved.
public enum ConflictMarkers {
    /// The line of the first `<<<<<<<` that a later `>>>>>>>` closes, or nil.
    /// A lone `=======` is a Markdown heading underline, so it is not judged alone.
    public static func firstLine(_ bytes: [UInt8]) -> Int? {
        var open: Int?
        var line = 1
        var atLineStart = true
        for (i, b) in bytes.enumerated() {
            if atLineStart {
                if open == nil, marker(bytes, i, UInt8(ascii: "<")) { open = line }
                if let open, marker(bytes, i, UInt8(ascii: ">")) { return open }
            }
            atLineStart = b == 0x0A
            if b == 0x0A { line += 1 }
        }
        return nil
    }

    /// Seven `c` at `i`, then a space or the end of the line.
    private static func marker(_ bytes: [UInt8], _ i: Int, _ c: UInt8) -> Bool {
        guard i + 7 <= bytes.count, bytes[i..<(i + 7)].allSatisfy({ $0 == c }) else { return false }
        return i + 7 == bytes.count || [0x20, 0x0A, 0x0D].contains(bytes[i + 7])
    }
}
