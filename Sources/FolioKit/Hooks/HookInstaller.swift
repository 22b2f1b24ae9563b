import FolioGit
import FolioModel
import Foundation

/// Writes the git hooks that call `folio hook NAME` into a repository.
public enum HookInstaller {
    /// `pre-merge-commit` runs where git commits a merge itself (one
    /// without conflicts); `pre-commit` where a person finishes one.
    public static let clientHooks = ["pre-commit", "pre-merge-commit", "commit-msg"]
    public static let serverHooks = ["pre-receive"]
    static let marker = "# folio-hook"

    /// The script installed as hook `name`; `command` is the folio binary.
    public static func script(_ name: String, command: String) -> String {
        """
        #!/bin/sh
        \(marker): installed by 'folio hooks install'; runs Folio's rules on \(name).
        FOLIO="${FOLIO:-\(command)}"
        command -v "$FOLIO" >/dev/null 2>&1 || FOLIO=folio
        exec "$FOLIO" hook \(name) "$@"

        """
    }

    /// Installs the hooks; returns the paths written. An existing hook that
    /// Folio did not write is left alone (unless `force`).
    public static func install(repository: Repository, server: Bool, command: String, force: Bool) throws -> [String] {
        var folder = repository.configString("core.hooksPath") ?? (repository.commonDir + "hooks")
        if !folder.hasPrefix("/") { folder = (repository.workdir ?? repository.commonDir) + folder }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var written: [String] = []
        for name in server ? serverHooks : clientHooks {
            let path = folder + "/" + name
            if let existing = FileManager.default.contents(atPath: path),
                !String(decoding: existing, as: UTF8.self).contains(marker), !force
            {
                throw FolioError.refused("\(path) exists and was not written by Folio; move it away or use --force")
            }
            try FileIO.writeAtomically(Array(script(name, command: command).utf8), to: path)
            chmod(path, 0o755)
            written.append(path)
        }
        return written
    }
}
