import FolioGit
import FolioModel
import Foundation

/// The parsed templates of a project, cached under the git directory so a
/// small command does not parse the fifteen templates' YAML again (about 70%
/// of `folio status ID` before; docs/benchmarks.md).
///
/// The key is the git blob hash of the list of template paths and blob ids
/// (for a commit, what its `templates/` tree holds; the same for the index or
/// the work tree when they hold the same texts). A cache file is
///
///     folio-templates 2 <key> <FNV-1a 64 of the JSON>
///     <JSON: the templates' Template.Compiled, in order>
///
/// and is trusted only when its header, key and checksum hold; otherwise it
/// is ignored and written again. Templates from a cache are judged by the
/// same checks as parsed ones (`Template(compiled:)`). Only a set of valid
/// templates is stored. Files are replaced by rename; a repository that
/// cannot be written (a server mirror) just parses. Within one process,
/// `Template.cached` keeps what was parsed.
enum TemplateStore {
    static let header = "folio-templates 2"

    /// Valid template sets by key, within this process (at most 32 sets).
    final class Memory: @unchecked Sendable {
        private let lock = NSLock()
        private var sets: [String: [Template]] = [:]
        func get(_ key: String) -> [Template]? {
            lock.lock()
            defer { lock.unlock() }
            return sets[key]
        }
        func set(_ key: String, _ templates: [Template]) {
            lock.lock()
            defer { lock.unlock() }
            if sets.count >= 32 { sets.removeAll() }
            sets[key] = templates
        }
    }
    static let memory = Memory()

    /// The templates of `files` (path, text): from the cache, else parsed
    /// (and stored when all are valid). Each result is a template or its
    /// diagnostics, in the order given.
    static func load(_ files: [(path: String, text: String)], repository: Repository) -> [Result<Template, DiagnosticList>] {
        guard !files.isEmpty, let key = try? key(files, repository) else { return parse(files) }
        // A report that reads many commits (the S-curve, the trend) meets the
        // same templates at each: decoded once per process.
        if let known = memory.get(key) { return known.map { .success($0) } }
        let path = repository.commonDir + "folio/templates/" + key
        if let cached = read(path, key: key, files: files) {
            memory.set(key, cached)
            return cached.map { .success($0) }
        }
        let parsed = parse(files)
        let valid = parsed.compactMap { try? $0.get() }
        if valid.count == files.count {
            write(valid.map(\.compiled), key: key, to: path)
            memory.set(key, valid)
        }
        return parsed
    }

    private static func parse(_ files: [(path: String, text: String)]) -> [Result<Template, DiagnosticList>] {
        files.map { file in Result { () throws(DiagnosticList) -> Template in try Template.cached(path: file.path, text: file.text) } }
    }

    private static func key(_ files: [(path: String, text: String)], _ repository: Repository) throws -> String {
        var list = header + "\n"
        for file in files { list += "\(file.path)\u{0}\(try repository.writeBlobID(Array(file.text.utf8)))\n" }
        return try repository.writeBlobID(Array(list.utf8)).description
    }

    private static func read(_ path: String, key: String, files: [(path: String, text: String)]) -> [Template]? {
        guard let bytes = CacheFile.read(path, limit: 64 << 20), let newline = bytes.firstIndex(of: 0x0A) else { return nil }
        let head = String(decoding: bytes[..<newline], as: UTF8.self).split(separator: " ").map(String.init)
        let json = Data(bytes[(newline + 1)...])
        guard head.count == 4, "\(head[0]) \(head[1])" == header, head[2] == key else { return nil }
        var sum = Checksum()
        json.withUnsafeBytes { sum.add($0) }
        guard sum.hex == head[3], let compiled = try? JSONDecoder().decode([Template.Compiled].self, from: json),
            compiled.map(\.path) == files.map(\.path)
        else { return nil }
        return try? compiled.map { (c) throws(DiagnosticList) -> Template in try Template(compiled: c) }
    }

    private static func write(_ compiled: [Template.Compiled], key: String, to path: String) {
        guard let json = try? JSONEncoder().encode(compiled) else { return }
        var sum = Checksum()
        json.withUnsafeBytes { sum.add($0) }
        CacheFile.replace(path, with: Array("\(header) \(key) \(sum.hex)\n".utf8) + Array(json))
        prune((path as NSString).deletingLastPathComponent, keeping: 16)
    }

    /// Keeps the `count` most recently written cache files of the folder:
    /// each set of templates ever seen (a work-tree edit, a pushed version)
    /// adds one file.
    private static func prune(_ folder: String, keeping count: Int) {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: folder), names.count > count else { return }
        let dated = names.compactMap { name -> (String, Date)? in
            let path = folder + "/" + name
            guard let date = (try? fm.attributesOfItem(atPath: path))?[.modificationDate] as? Date else { return nil }
            return (path, date)
        }
        for (path, _) in dated.sorted(by: { $0.1 > $1.1 }).dropFirst(count) { unlink(path) }
    }
}
