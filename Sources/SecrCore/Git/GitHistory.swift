import CGit2

/// A commit as `secr log` and `secr review` need it.
package struct GitCommit: Sendable {
    package let id: String
    package let parents: [String]
    /// Commit time, seconds since the epoch (git's own, unverified).
    package let time: Int64
    package let authorName: String
    package let authorEmail: String
    package let message: String
    /// The object id of the commit's `.secr/`-equivalent subtree, nil when absent.
    package let storeTree: String?
}

/// Read access to history: commits, trees and blobs. Like `GitRepository`, the only code that
/// calls libgit2 for it; used by commands that read history (log, review, verify --history).
package final class GitHistory {
    private let repository: GitHandle
    var handle: OpaquePointer { repository.pointer }
    /// The store directory relative to the work tree (`.secr`).
    let storePath: String

    package init(repositoryRoot: String, storePath: String) throws {
        _ = GitRepository.initialised
        _ = secr_git_disable_strict_hash_verification()
        var handle: OpaquePointer?
        try gitCheck(git_repository_open(&handle, repositoryRoot), "git_repository_open(\(repositoryRoot))")
        guard let handle else { throw SecrError.failure("git: cannot open \(repositoryRoot)") }
        repository = GitHandle(handle, free: git_repository_free)
        self.storePath = storePath
    }

    static func hex(_ oid: UnsafePointer<git_oid>) -> String {
        var buffer = [CChar](repeating: 0, count: 41)
        git_oid_tostr(&buffer, buffer.count, oid)
        return String(decoding: buffer.prefix(40).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func oid(_ hex: String) throws -> git_oid {
        var oid = git_oid()
        try gitCheck(git_oid_fromstr(&oid, hex), "git_oid_fromstr")
        return oid
    }

    /// Resolves a revision (`HEAD`, `main`, `abc123`, `HEAD~3`) to a commit id.
    package func resolve(_ revision: String) throws -> String {
        var object: OpaquePointer?
        guard git_revparse_single(&object, repository.pointer, revision) == 0, let object else {
            throw SecrError.usage("'\(revision)' is not a revision in this repository", hint: "give a branch, tag or commit id (see `git log --oneline`)")
        }
        defer { git_object_free(object) }
        var commit: OpaquePointer?
        try gitCheck(git_object_peel(&commit, object, GIT_OBJECT_COMMIT), "git_object_peel(\(revision))")
        defer { git_object_free(commit) }
        guard let id = git_object_id(commit) else { throw SecrError.failure("git: \(revision) has no id") }
        return GitHistory.hex(id)
    }

    /// nil on an unborn branch.
    package func head() -> String? { try? resolve("HEAD") }

    package func mergeBase(_ a: String, _ b: String) throws -> String? {
        var first = try GitHistory.oid(a), second = try GitHistory.oid(b), base = git_oid()
        let status = git_merge_base(&base, repository.pointer, &first, &second)
        if status == GIT_ENOTFOUND.rawValue { return nil }
        try gitCheck(status, "git_merge_base")
        return GitHistory.hex(&base)
    }

    /// The commit, or nil when it is not in the repository (beyond a shallow boundary).
    package func commit(_ id: String) throws -> GitCommit? {
        var oid = try GitHistory.oid(id)
        var commit: OpaquePointer?
        let status = git_commit_lookup(&commit, repository.pointer, &oid)
        if status == GIT_ENOTFOUND.rawValue { return nil }
        try gitCheck(status, "git_commit_lookup")
        guard let commit else { return nil }
        defer { git_commit_free(commit) }
        var parents: [String] = []
        for index in 0..<git_commit_parentcount(commit) {
            if let parent = git_commit_parent_id(commit, index) { parents.append(GitHistory.hex(parent)) }
        }
        let author = git_commit_author(commit)
        func text(_ pointer: UnsafePointer<CChar>?) -> String {
            guard let pointer else { return "" }
            return String(cString: pointer)
        }
        var storeTree: String?
        if let tree = git_commit_tree_id(commit) {
            storeTree = try entryID(inTree: tree, path: storePath)
        }
        return GitCommit(id: id, parents: parents, time: Int64(git_commit_time(commit)),
                         authorName: text(author?.pointee.name), authorEmail: text(author?.pointee.email),
                         message: text(git_commit_message(commit)), storeTree: storeTree)
    }

    /// The id of the entry at `path` below a tree, nil when absent.
    private func entryID(inTree treeID: UnsafePointer<git_oid>, path: String) throws -> String? {
        var tree: OpaquePointer?
        try gitCheck(git_tree_lookup(&tree, repository.pointer, treeID), "git_tree_lookup")
        defer { git_tree_free(tree) }
        var entry: OpaquePointer?
        let status = git_tree_entry_bypath(&entry, tree, path)
        if status == GIT_ENOTFOUND.rawValue { return nil }
        try gitCheck(status, "git_tree_entry_bypath(\(path))")
        defer { git_tree_entry_free(entry) }
        guard let id = git_tree_entry_id(entry) else { return nil }
        return GitHistory.hex(id)
    }

    /// Names and object ids of the blobs directly in a tree (`env/` or the store itself).
    package func entries(ofTree id: String) throws -> [String: String] {
        var oid = try GitHistory.oid(id)
        var tree: OpaquePointer?
        try gitCheck(git_tree_lookup(&tree, repository.pointer, &oid), "git_tree_lookup")
        defer { git_tree_free(tree) }
        var result: [String: String] = [:]
        for index in 0..<git_tree_entrycount(tree) {
            guard let entry = git_tree_entry_byindex(tree, index), let name = git_tree_entry_name(entry),
                  let entryID = git_tree_entry_id(entry) else { continue }
            result[String(cString: name)] = GitHistory.hex(entryID)
        }
        return result
    }

    package func blob(_ id: String) throws -> [UInt8] {
        var oid = try GitHistory.oid(id)
        var blob: OpaquePointer?
        try gitCheck(git_blob_lookup(&blob, repository.pointer, &oid), "git_blob_lookup")
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        guard size > 0, let content = git_blob_rawcontent(blob) else { return [] }
        return Array(UnsafeRawBufferPointer(start: content, count: size))
    }

    /// The default branch: what `origin/HEAD` points at, else `main`, else `master`.
    package func defaultBranch() -> String? {
        var reference: OpaquePointer?
        if git_reference_lookup(&reference, repository.pointer, "refs/remotes/origin/HEAD") == 0, let reference {
            defer { git_reference_free(reference) }
            if let target = git_reference_symbolic_target(reference) { return String(cString: target) }
        }
        for name in ["main", "master", "origin/main", "origin/master"] where (try? resolve(name)) != nil { return name }
        return nil
    }
}

extension GitHistory {
    /// Whether this clone is shallow (history stops at a boundary, as in CI's default checkout).
    package var isShallow: Bool { git_repository_is_shallow(handle) == 1 }

    /// Every commit reachable from `tip`, parents before children (all parents, not the first
    /// only), with commits beyond a shallow boundary left out. (libgit2 1.5's revwalk fails on
    /// a shallow boundary, so the walk is ours: an iterative depth-first post-order.)
    func topologicalCommits(from tip: String) throws -> [GitCommit] {
        var ordered: [GitCommit] = []
        var state: [String: Bool] = [:]  // false: on the stack, true: done
        var stack: [(commit: GitCommit, next: Int)] = []
        if let first = try commit(tip) { stack.append((first, 0)); state[tip] = false }
        while let top = stack.last {
            if top.next < top.commit.parents.count {
                stack[stack.count - 1].next += 1
                let parent = top.commit.parents[top.next]
                guard state[parent] == nil else { continue }
                if let found = try commit(parent) {
                    state[parent] = false
                    stack.append((found, 0))
                } else {
                    state[parent] = true  // beyond a shallow boundary
                }
            } else {
                stack.removeLast()
                state[top.commit.id] = true
                ordered.append(top.commit)
            }
        }
        return ordered
    }
}
