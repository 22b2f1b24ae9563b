import FolioGit
import Foundation

/// A fast reader of record lines: flat JSON objects of strings, which is
/// all folio writes. Anything else (numbers, nesting, an unknown escape)
/// returns nil and the line goes to `JSONDecoder`, which has the last word
/// on validity and the error message. History walks parse every event of
/// every record, so this is most of their parsing time.
package enum RecordLine {
    package static func parse(_ line: ArraySlice<UInt8>) -> RecordEvent? {
        line.withUnsafeBytes { parse($0) }
    }

    private static func parse(_ p: UnsafeRawBufferPointer) -> RecordEvent? {
        var i = 0
        let n = p.count
        func skipSpace() { while i < n, p[i] == 0x20 || p[i] == 0x09 || p[i] == 0x0D { i += 1 } }
        func string() -> String? {
            guard i < n, p[i] == 0x22 else { return nil }
            i += 1
            let start = i
            while i < n, p[i] != 0x22, p[i] != 0x5C, p[i] >= 0x20 { i += 1 }
            guard i < n else { return nil }
            if p[i] == 0x22 {
                defer { i += 1 }
                return String(validating: UnsafeRawBufferPointer(rebasing: p[start..<i]), as: UTF8.self)
            }
            // Escapes: build the bytes.
            var bytes = Array(UnsafeRawBufferPointer(rebasing: p[start..<i]))
            while i < n {
                let b = p[i]
                if b == 0x22 {
                    i += 1
                    return String(validating: bytes, as: UTF8.self)
                }
                if b < 0x20 { return nil }
                if b != 0x5C {
                    bytes.append(b)
                    i += 1
                    continue
                }
                guard i + 1 < n else { return nil }
                let e = p[i + 1]
                i += 2
                switch e {
                case 0x22, 0x5C, 0x2F: bytes.append(e)
                case UInt8(ascii: "n"): bytes.append(0x0A)
                case UInt8(ascii: "t"): bytes.append(0x09)
                case UInt8(ascii: "r"): bytes.append(0x0D)
                case UInt8(ascii: "b"): bytes.append(0x08)
                case UInt8(ascii: "f"): bytes.append(0x0C)
                default: return nil  // \u and the rest: the full decoder
                }
            }
            return nil
        }
        skipSpace()
        guard i < n, p[i] == 0x7B else { return nil }
        i += 1
        var fields: [String: String] = [:]
        skipSpace()
        if i < n, p[i] == 0x7D { return nil }
        while true {
            skipSpace()
            guard let key = string() else { return nil }
            skipSpace()
            guard i < n, p[i] == 0x3A else { return nil }
            i += 1
            skipSpace()
            guard let value = string(), fields.updateValue(value, forKey: key) == nil else { return nil }
            skipSpace()
            guard i < n else { return nil }
            if p[i] == 0x2C {
                i += 1
                continue
            }
            guard p[i] == 0x7D else { return nil }
            i += 1
            break
        }
        skipSpace()
        guard i == n, let kind = fields["event"].flatMap(RecordEvent.Kind.init(rawValue:)), let document = fields["document"],
            let revision = fields["revision"], let fingerprint = fields["fingerprint"], let actor = fields["actor"],
            let name = fields["name"], let at = fields["at"]
        else { return nil }
        return RecordEvent(
            event: kind, document: document, revision: revision, fingerprint: fingerprint, actor: actor, name: name, at: at,
            role: fields["role"], meaning: fields["meaning"], comment: fields["comment"], by: fields["by"], path: fields["path"], signature: fields["signature"])
    }
}
