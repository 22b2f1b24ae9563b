import FolioGit
/// Decoding of document bytes into text, with the clear errors hostile or
/// accidental input deserves (binary files, broken encodings).
package enum Text {
    /// A problem with raw bytes, at a 1-based line.
    package struct Problem: Error {
        package let line: Int
        package let message: String
        package let rule: String
    }

    package static func decode(_ bytes: [UInt8]) throws(Problem) -> String {
        var line = 1
        var lineStart = 0
        for (i, b) in bytes.enumerated() {
            if b == 0 {
                throw Problem(line: line, message: "contains a NUL byte: a binary file, not text", rule: "text.binary")
            }
            if b == 0x0A {
                if !isValidUTF8(bytes[lineStart..<i]) {
                    throw Problem(line: line, message: "is not valid UTF-8 text", rule: "text.utf8")
                }
                line += 1
                lineStart = i + 1
            }
        }
        if !isValidUTF8(bytes[lineStart...]) {
            throw Problem(line: line, message: "is not valid UTF-8 text", rule: "text.utf8")
        }
        var text = String(decoding: bytes, as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        return text
    }

    private static func isValidUTF8(_ slice: ArraySlice<UInt8>) -> Bool {
        // Fast path: ASCII.
        if slice.allSatisfy({ $0 < 0x80 }) { return true }
        var iterator = slice.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }
}
