import FolioGit
import Foundation

/// SSH signatures made and checked with OpenSSH's `ssh-keygen -Y`, as git
/// itself does for SSH-signed commits. Lifecycle events use the namespace
/// `folio`; commits use `git`.
public enum SSHSignature {
    public static let namespace = "folio"

    /// Signs `message` with the key at `keyPath` (a private key, or a public
    /// key whose private half is in ssh-agent). Returns the armoured signature.
    public static func sign(_ message: String, keyPath: String, namespace: String = SSHSignature.namespace) throws -> String {
        var key = keyPath
        var cleanup: String?
        if keyPath.hasPrefix("key::") {
            // git's literal-key form of user.signingKey.
            let temp = FileManager.default.temporaryDirectory.appendingPathComponent("folio-key-\(UUID().uuidString).pub").path
            _ = FileManager.default.createFile(atPath: temp, contents: Data((String(keyPath.dropFirst(5)) + "\n").utf8), attributes: [.posixPermissions: 0o600])
            key = temp
            cleanup = temp
        } else if keyPath.hasPrefix("~/") {
            key = FileManager.default.homeDirectoryForCurrentUser.path + String(keyPath.dropFirst(1))
        }
        defer { if let cleanup { try? FileManager.default.removeItem(atPath: cleanup) } }
        guard FileManager.default.fileExists(atPath: key) else {
            throw FolioError.usage("signing key \(keyPath): no such file")
        }
        let result = try run(["-Y", "sign", "-f", key, "-n", namespace], input: Data(message.utf8))
        guard result.status == 0, result.stdout.contains("BEGIN SSH SIGNATURE") else {
            throw FolioError.refused("ssh-keygen could not sign with \(keyPath): \(result.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return result.stdout
    }

    /// Whether `signature` is a good signature of `message` by `identity`
    /// according to an allowed-signers file's content.
    public static func verify(_ message: String, signature: String, identity: String, allowedSigners: String, namespace: String = SSHSignature.namespace) -> Bool {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("folio-verify-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let signers = folder.appendingPathComponent("allowed_signers").path
            let sig = folder.appendingPathComponent("signature").path
            try Data(allowedSigners.utf8).write(to: URL(fileURLWithPath: signers))
            try Data(signature.utf8).write(to: URL(fileURLWithPath: sig))
            let result = try run(
                ["-Y", "verify", "-f", signers, "-I", identity, "-n", namespace, "-s", sig], input: Data(message.utf8))
            return result.status == 0
        } catch {
            return false
        }
    }

    package struct Output {
        package let status: Int32
        package let stdout: String
        package let stderr: String
    }

    package static func run(_ arguments: [String], input: Data) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ssh-keygen")
        if !FileManager.default.isExecutableFile(atPath: "/usr/bin/ssh-keygen") {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["ssh-keygen"] + arguments
        } else {
            process.arguments = arguments
        }
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        do {
            try process.run()
        } catch {
            throw FolioError.unreadable("cannot run ssh-keygen (install openssh-client): \(error.localizedDescription)")
        }
        stdin.fileHandleForWriting.write(input)
        try? stdin.fileHandleForWriting.close()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
    }
}

extension RecordEvent {
    /// The exact text a signature covers: the event's stored line without its
    /// `signature` key (compact JSON, keys sorted), followed by one newline.
    /// It names the document, revision, content fingerprint, person, role,
    /// meaning and time, so a signature cannot be moved to another record.
    public var canonicalText: String {
        var unsigned = self
        unsigned.signature = nil
        return unsigned.line + "\n"
    }
}
