import CGit2
import Foundation

extension Repository {
    /// Opens the bare repository at `path`, or creates it (and its folders).
    /// - Throws: `GitError` when `path` holds something else or cannot be written.
    public static func createBare(at path: String) throws -> Repository {
        _ = libgit2Initialised
        var out: OpaquePointer?
        if FileManager.default.fileExists(atPath: path) {
            try gitCheck(git_repository_open_ext(&out, path, UInt32(GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue), nil), "open the mirror \(path)")
            let repository = Repository(opened: out!)
            guard repository.isBare else { throw GitError(code: -1, operation: "use \(path) as a mirror: it is not a bare repository") }
            return repository
        }
        try gitCheck(git_repository_init(&out, path, 1), "create the mirror \(path)")
        return Repository(opened: out!)
    }

    /// Fetches every branch and tag of `url` into the same names here,
    /// forced (a rewritten history replaces the old one, as `git fetch
    /// '+refs/heads/*:refs/heads/*' '+refs/tags/*:refs/tags/*'` does), not
    /// pruned (a branch deleted there keeps its last commit here). Transports:
    /// local paths and `file://`, `git://`, `ssh://` (keys from the
    /// ssh-agent) and `http(s)://` (public, or credentials in the URL), as
    /// libgit2 supports them.
    /// Returns the branch the server's HEAD names (`refs/heads/main`), if it
    /// names one.
    /// - Throws: `GitError` with libgit2's message (unreachable host, no such
    ///   repository, authentication refused).
    @discardableResult
    public func fetchMirror(from url: String) throws -> String? {
        var remote: OpaquePointer?
        try gitCheck(git_remote_create_anonymous(&remote, pointer, url), "use the remote \(url)")
        defer { git_remote_free(remote) }
        var options = git_fetch_options()
        try gitCheck(git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION)), "prepare the fetch")
        // Not pruned: a branch deleted on the server stays here at its last
        // good commit (a stale project is reported from it, never dropped).
        options.prune = GIT_FETCH_NO_PRUNE
        options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE
        // ssh: one try with the agent's keys, then give up (libgit2 would ask again forever).
        let attempts = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        attempts.initialize(to: 0)
        defer { attempts.deallocate() }
        options.callbacks.payload = UnsafeMutableRawPointer(attempts)
        options.callbacks.credentials = { out, _, username, allowed, payload in
            guard let payload else { return Int32(GIT_PASSTHROUGH.rawValue) }
            let count = payload.assumingMemoryBound(to: Int.self)
            count.pointee += 1
            guard count.pointee == 1 else { return Int32(GIT_EAUTH.rawValue) }
            if allowed & GIT_CREDENTIAL_SSH_KEY.rawValue != 0 {
                if let username { return git_credential_ssh_key_from_agent(out, username) }
                return "git".withCString { git_credential_ssh_key_from_agent(out, $0) }
            }
            return Int32(GIT_PASSTHROUGH.rawValue)
        }
        let specs = ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"]
        var cStrings = specs.map { strdup($0) }
        defer { cStrings.forEach { free($0) } }
        try cStrings.withUnsafeMutableBufferPointer { buffer in
            var array = git_strarray(strings: buffer.baseAddress, count: buffer.count)
            try gitCheck(git_remote_fetch(remote, &array, &options, "folio portfolio sync"), "fetch \(url)")
        }
        // The server's default branch, as advertised when the fetch connected.
        var buffer = git_buf()
        defer { git_buf_dispose(&buffer) }
        guard git_remote_default_branch(&buffer, remote) == 0, let name = buffer.ptr else { return nil }
        return String(cString: name)
    }

    /// Opens the repository at exactly `path` (never a parent folder's).
    /// - Throws: `GitError` when there is none there.
    public static func open(exactly path: String) throws -> Repository {
        _ = libgit2Initialised
        var out: OpaquePointer?
        try gitCheck(git_repository_open_ext(&out, path, UInt32(GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue), nil), "open \(path)")
        return Repository(opened: out!)
    }

    /// Points HEAD at `reference` (a branch that may not exist yet).
    public func setHead(_ reference: String) throws {
        try gitCheck(git_repository_set_head(pointer, reference), "set HEAD to \(reference)")
    }
}
