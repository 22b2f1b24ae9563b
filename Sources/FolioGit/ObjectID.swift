import CGit2

/// A git object id (SHA-1), value type.
public struct ObjectID: Hashable, Sendable, CustomStringConvertible {
    var raw: git_oid

    init(_ raw: git_oid) { self.raw = raw }

    public init?(hex: String) {
        var oid = git_oid()
        guard hex.utf8.count == 40, git_oid_fromstr(&oid, hex) == 0 else { return nil }
        self.raw = oid
    }

    /// From 40 hex digits in bytes (a cache file), without a String.
    package init?<Bytes: Collection<UInt8>>(hexBytes: Bytes) {
        guard hexBytes.count == 40 else { return nil }
        var oid = git_oid()
        func parse(_ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
            buffer.withMemoryRebound(to: CChar.self) { git_oid_fromstrn(&oid, $0.baseAddress, 40) == 0 }
        }
        guard hexBytes.withContiguousStorageIfAvailable(parse) ?? Array(hexBytes).withUnsafeBufferPointer(parse) else {
            return nil
        }
        self.raw = oid
    }

    public static func == (lhs: ObjectID, rhs: ObjectID) -> Bool {
        withUnsafeBytes(of: lhs.raw.id) { a in
            withUnsafeBytes(of: rhs.raw.id) { b in a.elementsEqual(b) }
        }
    }

    public func hash(into hasher: inout Hasher) {
        withUnsafeBytes(of: raw.id) { hasher.combine(bytes: $0) }
    }

    public var description: String {
        var out = [UInt8]()
        out.reserveCapacity(40)
        appendHex(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the 40 hex digits of `description` as bytes (a cache key, without a String).
    package func appendHex(to out: inout [UInt8]) {
        withUnsafeBytes(of: raw.id) { bytes in
            for b in bytes {
                out.append(ObjectID.digits[Int(b >> 4)])
                out.append(ObjectID.digits[Int(b & 0x0f)])
            }
        }
    }

    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    public var short: String { String(description.prefix(10)) }

    /// The id git gives `data` as an object of `kind`, without writing it.
    static func hash(_ data: [UInt8], kind: git_object_t) throws -> ObjectID {
        var oid = git_oid()
        _ = try data.withUnsafeBytes { buf in
            try gitCheck(git_odb_hash(&oid, buf.baseAddress, buf.count, kind), "hash object")
        }
        return ObjectID(oid)
    }

    /// The id git gives `data` as a tree object (what `git mktree` would
    /// write for the entries encoded in `data`), without writing it.
    package static func treeID(hashing data: [UInt8]) throws -> ObjectID {
        try hash(data, kind: GIT_OBJECT_TREE)
    }

    /// Raw 20 bytes, as stored in tree objects.
    package var bytes: [UInt8] { withUnsafeBytes(of: raw.id) { Array($0) } }
}

extension Repository {
    /// The id `data` would have as a blob, without writing it.
    public func writeBlobID(_ data: [UInt8]) throws -> ObjectID {
        try ObjectID.hash(data, kind: GIT_OBJECT_BLOB)
    }
}
