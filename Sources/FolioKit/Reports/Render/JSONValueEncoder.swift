import FolioGit
import FolioModel
import Foundation

/// Encodes any `Encodable` value as a `JSONValue`, so that every listing and
/// report is written by the one JSON writer (`JSONValue.text` and
/// `JSONValue.compactText`). Object keys are sorted (as the listings'
/// documented JSON has always had them); `nil` optionals are left out, as
/// Foundation's `JSONEncoder` does.
/// - Throws: `EncodingError.invalidValue` for a value no JSON can hold (an
///   infinite or NaN number).
struct JSONValueEncoder {
    func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        if let direct = value as? DirectJSON { return direct.directJSON }
        return try encodeThroughEncoder(value)
    }

    /// Through the value's `Encodable` conformance, even when it gives its JSON itself.
    func encodeThroughEncoder<T: Encodable>(_ value: T) throws -> JSONValue {
        let root = Node()
        try value.encode(to: Writer(node: root, codingPath: []))
        return root.value
    }

    /// A value being built: containers are filled in place as the value's
    /// `encode(to:)` runs, so nested containers are references.
    private final class Node {
        var scalar: JSONValue?
        /// In the order encoded; sorted (the last of a repeated key kept) when written.
        var members: [(key: String, node: Node)]?
        var items: [Node]?

        var value: JSONValue {
            if let members {
                // Sorted by key, stably; of a key encoded twice the last wins.
                let sorted = members.enumerated().sorted { ($0.element.key, $0.offset) < ($1.element.key, $1.offset) }.map(\.element)
                var result: [(String, JSONValue)] = []
                result.reserveCapacity(sorted.count)
                for (i, m) in sorted.enumerated() where i + 1 == sorted.count || sorted[i + 1].key != m.key {
                    result.append((m.key, m.node.value))
                }
                return .object(result)
            }
            if let items { return .array(items.map(\.value)) }
            return scalar ?? .object([])
        }

        func member(_ key: String) -> Node {
            let node = Node()
            if members == nil { members = [] }
            members!.append((key, node))
            return node
        }

        func makeObject() { if members == nil { members = [] } }

        func append() -> Node {
            let node = Node()
            if items == nil { items = [] }
            items!.append(node)
            return node
        }

        func makeArray() { if items == nil { items = [] } }

        var count: Int { items?.count ?? 0 }
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int?
        init(stringValue: String) { self.stringValue = stringValue }
        init(intValue: Int) {
            stringValue = String(intValue)
            self.intValue = intValue
        }
    }

    private struct Writer: Encoder {
        let node: Node
        let codingPath: [CodingKey]
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<K: CodingKey>(keyedBy type: K.Type) -> KeyedEncodingContainer<K> {
            node.makeObject()
            return KeyedEncodingContainer(Keyed<K>(node: node, codingPath: codingPath))
        }

        func unkeyedContainer() -> UnkeyedEncodingContainer {
            node.makeArray()
            return Unkeyed(node: node, codingPath: codingPath)
        }

        func singleValueContainer() -> SingleValueEncodingContainer { Single(node: node, codingPath: codingPath) }
    }

    private static func number(_ d: Double, _ path: [CodingKey]) throws -> JSONValue {
        guard d.isFinite else {
            throw EncodingError.invalidValue(d, .init(codingPath: path, debugDescription: "\(d) is not a JSON number"))
        }
        return .number(d)
    }

    private static func encodeValue<T: Encodable>(_ value: T, into node: Node, _ path: [CodingKey]) throws {
        switch value {
        case let s as String: node.scalar = (.string(s))
        case let b as Bool: node.scalar = (.bool(b))
        case let i as Int: node.scalar = (.int(i))
        case let i as any BinaryInteger:
            // Every integer type fits Int but for UInt64 (and UInt) above Int.max.
            node.scalar = Int(exactly: i).map { .int($0) } ?? UInt64(exactly: i).map { .bigInteger($0) } ?? .number(Double(i))
        case let d as Double: node.scalar = (try number(d, path))
        case let f as Float: node.scalar = (try number(Double(f), path))
        case let date as Date: node.scalar = (.number(date.timeIntervalSinceReferenceDate))
        case let url as URL: node.scalar = (.string(url.absoluteString))
        default: try value.encode(to: Writer(node: node, codingPath: path))
        }
    }

    private struct Keyed<K: CodingKey>: KeyedEncodingContainerProtocol {
        let node: Node
        let codingPath: [CodingKey]

        mutating func encodeNil(forKey key: K) throws { node.member(key.stringValue).scalar = (.null) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: K) throws {
            try JSONValueEncoder.encodeValue(value, into: node.member(key.stringValue), codingPath + [key])
        }
        mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: K) throws {
            guard let value else { return }
            try encode(value, forKey: key)
        }
        mutating func nestedContainer<N: CodingKey>(keyedBy type: N.Type, forKey key: K) -> KeyedEncodingContainer<N> {
            let child = node.member(key.stringValue)
            child.makeObject()
            return KeyedEncodingContainer(Keyed<N>(node: child, codingPath: codingPath + [key]))
        }
        mutating func nestedUnkeyedContainer(forKey key: K) -> UnkeyedEncodingContainer {
            let child = node.member(key.stringValue)
            child.makeArray()
            return Unkeyed(node: child, codingPath: codingPath + [key])
        }
        mutating func superEncoder() -> Encoder { Writer(node: node.member("super"), codingPath: codingPath) }
        mutating func superEncoder(forKey key: K) -> Encoder { Writer(node: node.member(key.stringValue), codingPath: codingPath + [key]) }
    }

    private struct Unkeyed: UnkeyedEncodingContainer {
        let node: Node
        let codingPath: [CodingKey]
        var count: Int { node.count }

        mutating func encodeNil() throws { node.append().scalar = (.null) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            try JSONValueEncoder.encodeValue(value, into: node.append(), codingPath + [Key(intValue: count)])
        }
        mutating func nestedContainer<N: CodingKey>(keyedBy type: N.Type) -> KeyedEncodingContainer<N> {
            let child = node.append()
            child.makeObject()
            return KeyedEncodingContainer(Keyed<N>(node: child, codingPath: codingPath))
        }
        mutating func nestedUnkeyedContainer() -> UnkeyedEncodingContainer {
            let child = node.append()
            child.makeArray()
            return Unkeyed(node: child, codingPath: codingPath)
        }
        mutating func superEncoder() -> Encoder { Writer(node: node.append(), codingPath: codingPath) }
    }

    private struct Single: SingleValueEncodingContainer {
        let node: Node
        let codingPath: [CodingKey]

        mutating func encodeNil() throws { node.scalar = (.null) }
        mutating func encode<T: Encodable>(_ value: T) throws { try JSONValueEncoder.encodeValue(value, into: node, codingPath) }
        mutating func encode(_ value: String) throws { node.scalar = (.string(value)) }
        mutating func encode(_ value: Bool) throws { node.scalar = (.bool(value)) }
        mutating func encode(_ value: Int) throws { node.scalar = (.int(value)) }
        mutating func encode(_ value: Double) throws { node.scalar = (try JSONValueEncoder.number(value, codingPath)) }
    }
}

/// A value that gives its JSON itself: exactly what `JSONValueEncoder` makes
/// of its `Encodable` conformance (keys sorted, nil optionals left out), for
/// rows written by the hundred thousand (the register), where building the
/// value through the `Encoder` protocol cost more than writing it.
/// RegisterCacheTests compare the two.
protocol DirectJSON {
    var directJSON: JSONValue { get }
}
