import FolioGit
import FolioModel
import Foundation

/// The pack cache: the last Monday pack made over a set of projects, with
/// everything it is a function of, under the first project's git directory
/// (`folio/pack-<FNV-1a 64 of the projects' repositories>`). The PMO who
/// opens the pack again on Monday (or a second format of it) reads it back
/// instead of parsing every project again.
///
/// A pack is a function of each project's commit (every document, record
/// and `folio.yml` is read at it), where each repository is and whether its
/// mirror is stale, where a shallow clone's history is cut, the period, the
/// judging day, the tolerances given by a
/// portfolio file, the day it is made (the pack's turnaround) and the folio
/// program itself (its size, time and inode: another build may compute
/// otherwise). The file's key line holds all of them and must match exactly:
///
///     folio-pack 1
///     <key: one line, fields separated by tabs>
///     <the report, JSON>
///     end <FNV-1a 64 of everything above>
///
/// A file that does not end in its checksum, or whose report cannot be
/// decoded, is ignored and replaced. Only the time the report says it was
/// made changes on a hit. Like the register cache, deleting it only makes
/// the next pack slower.
enum PackCache {
    static let header = "folio-pack 1"

    /// The cache file of a pack over `sources` (one per set of repositories).
    static func path(_ sources: [ReportSource]) -> String? {
        guard let first = sources.first else { return nil }
        var sum = Checksum()
        for source in sources { Array((source.info.repository + "\n").utf8).withUnsafeBytes { sum.add($0) } }
        return first.repository.commonDir + "folio/pack-" + sum.hex
    }

    /// Everything the pack is a function of, as one line.
    static func key(
        _ sources: [ReportSource], since: Day, until: Day, today: Day, tolerances: [String: Tolerances], generated: Date
    ) -> String {
        var fields = [programIdentity, "\(since)", "\(until)", "\(today)", "\(Day(generated))"]
        for (code, t) in tolerances.sorted(by: { $0.key < $1.key }) { fields.append("tolerances \(code) \(t)") }
        for source in sources {
            fields += [source.code, source.info.repository, source.commit.description, source.stale.map { "stale " + $0 } ?? "current"]
            // A shallow clone deepened keeps its commit but not its history
            // (the risks at the last pack, the first-parent walks).
            let cut = source.repository.shallowCommits.map(\.description).sorted()
            fields.append(cut.isEmpty ? "complete" : "shallow " + cut.joined(separator: " "))
        }
        var line: [UInt8] = []
        for field in fields { CacheFields.field(field, into: &line) }
        return String(decoding: line, as: UTF8.self)
    }

    /// The folio program that computes: a pack cached by another build is not trusted.
    static let programIdentity: String = {
        var st = stat()
        guard stat("/proc/self/exe", &st) == 0 else { return "program unknown \(UUID())" }
        return "program \(st.st_dev):\(st.st_ino):\(st.st_size):\(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)"
    }()

    /// The pack cached for `key`, or nil.
    static func read(_ path: String, key: String) -> Report? {
        // The pack of a portfolio is some kilobytes a project.
        guard let bytes = CacheFile.read(path, limit: 256 << 20),
            bytes.last == 0x0A, let endStart = bytes.dropLast().lastIndex(of: 0x0A).map({ $0 + 1 })
        else { return nil }
        var sum = Checksum()
        bytes[..<endStart].withUnsafeBytes { sum.add($0) }
        guard String(decoding: bytes[endStart...], as: UTF8.self) == "end \(sum.hex)\n" else { return nil }
        let prefix = Array("\(header)\n\(key)\n".utf8)
        guard bytes.starts(with: prefix) else { return nil }
        return try? JSONDecoder().decode(Report.self, from: Data(bytes[prefix.count..<endStart]))
    }

    /// Replaces the file with `report` under `key`; nothing when the report
    /// cannot be encoded or the folder cannot be written (a read-only mirror).
    static func write(_ path: String, key: String, report: Report) {
        guard let json = try? JSONEncoder().encode(report) else { return }
        var out = Array("\(header)\n\(key)\n".utf8)
        out += json
        out.append(0x0A)
        var sum = Checksum()
        out.withUnsafeBytes { sum.add($0) }
        out += Array("end \(sum.hex)\n".utf8)
        CacheFile.replace(path, with: out)
    }
}
