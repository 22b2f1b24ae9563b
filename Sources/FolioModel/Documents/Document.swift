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
        path: String, bytes: [UInt8], template: Template?, expectedID: String?, adopt: Template.AdoptRule? = nil
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
        let split: SplitDocument
        let frontMatter: FrontMatter
        do {
            split = try SplitDocument(text: text)
            if let yaml = split.yaml {
                frontMatter = try SafeYAML.frontMatter(yaml, firstLine: split.yamlFirstLine)
            } else {
                frontMatter = FrontMatter(entries: [], endLine: 0)
            }
        } catch {
            return failure(error.line, error.column, error.message, "front-matter")
        }
        var diagnostics: [Diagnostic] = []
        let outline = MarkdownOutline(markdown: split.body, firstLine: split.bodyFirstLine)
        let adopted = template?.adopt ?? adopt
        if split.yaml == nil && adopted == nil {
            diagnostics.append(
                Diagnostic(
                    path: path, line: 1, column: 1, severity: .error,
                    message: "a document starts with YAML front matter between '---' lines (id, type, title)",
                    rule: "front-matter"))
        }
        func reserved(_ key: String, derived: String?) -> String {
            if let entry = frontMatter[key] {
                guard let value = FrontMatter.scalarText(entry.value) else {
                    diagnostics.append(
                        Diagnostic(
                            path: path, line: entry.line, column: entry.column, severity: .error,
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
                        message: split.yaml == nil
                            ? "cannot take '\(key)' from the file: it needs a level-1 heading or '\(key)' in front matter"
                            : "missing '\(key)' in front matter",
                        rule: "field.\(key)"))
            }
            return ""
        }
        let headingTitle = outline.headings.first { $0.level == 1 }?.text
        let fileStem = (splitPath(path).name as NSString).deletingPathExtension
        var derivedID: String?
        var derivedTitle: String?
        if let adopted {
            derivedID =
                adopted.id == .heading
                ? headingTitle.flatMap { $0.split(separator: " ").first.map { String($0).trimmingCharacters(in: [":", "."]) } }
                : fileStem
            derivedTitle = adopted.title == .filename ? fileStem : (headingTitle ?? fileStem)
        }
        let id = reserved("id", derived: derivedID)
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
            path: path, id: id, type: type, title: title, frontMatter: frontMatter, outline: outline, text: text)
        return Result(document: document, diagnostics: diagnostics)
    }
}

/// git's conflict markers left in a file by a merge that was not resolved.
enum ConflictMarkers {
    /// The line of the first `<<<<<<<` that a later `>>>>>>>` closes, or nil.
    /// A lone `=======` is a Markdown heading underline, so it is not judged alone.
    static func firstLine(_ bytes: [UInt8]) -> Int? {
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
