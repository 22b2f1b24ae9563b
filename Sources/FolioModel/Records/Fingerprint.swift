import FolioGit


/// The content fingerprint of a document: the git tree id of a tree holding
/// exactly the document file and its attachment folder, as they stand in the
/// document's type folder. An auditor can recompute it with stock git:
/// `git ls-tree REV docs/<type>/ | grep -F '<ID>' | git mktree`.
public enum Fingerprint {
    /// - Parameter siblings: files beside the document that belong to it (an
    ///   adopted document's metadata file), by name.
    public static func compute(
        documentName: String, documentBlob: ObjectID, attachmentsFolder: (name: String, tree: ObjectID)?,
        siblings: [(name: String, blob: ObjectID)] = []
    ) throws -> String {
        var entries: [(name: String, mode: String, id: ObjectID, isTree: Bool)] = [
            (documentName, "100644", documentBlob, false)
        ]
        for sibling in siblings where sibling.name != documentName {
            entries.append((sibling.name, "100644", sibling.blob, false))
        }
        if let folder = attachmentsFolder {
            entries.append((folder.name, "40000", folder.tree, true))
        }
        // git orders tree entries by name, comparing a folder as "name/".
        entries.sort { a, b in
            Array((a.name + (a.isTree ? "/" : "")).utf8).lexicographicallyPrecedes(Array((b.name + (b.isTree ? "/" : "")).utf8))
        }
        var bytes: [UInt8] = []
        for e in entries {
            bytes += Array("\(e.mode) \(e.name)".utf8) + [0] + e.id.bytes
        }
        return try ObjectID.treeID(hashing: bytes).description
    }
}
