import CGit2

/// A file a commit (or the index) adds, changes or renames.
package struct ChangedFile: Sendable {
    package let path: String
    /// For renames and copies: where it came from.
    package let oldPath: String?
    package let blob: String
    package let oldBlob: String?
    package let isRename: Bool
}

extension GitHistory {
    /// What the next commit would add: the index (`$GIT_INDEX_FILE` when git sets it, as for
    /// `git commit -a` and `git commit PATH`) against HEAD, renames detected. On an unborn branch
    /// everything in the index is added.
    package func stagedChanges() throws -> [ChangedFile] {
        var index: OpaquePointer?
        if let indexFile = Environment.nonEmpty("GIT_INDEX_FILE") {
            let path = Path.absolute(indexFile, from: (try? FileSystem.currentDirectory()) ?? "/")
            try gitCheck(git_index_open(&index, path), "git_index_open(\(path))")
        } else {
            try gitCheck(git_repository_index(&index, handle), "git_repository_index")
        }
        defer { git_index_free(index) }
        let head = try head().map { try treeID(ofCommit: $0) }
        return try diff(fromTree: head, toTree: nil, index: index)
    }

    /// What a commit added relative to its first parent (everything, for a root commit).
    package func changes(in commitID: String) throws -> [ChangedFile] {
        guard let commit = try self.commit(commitID) else { return [] }
        let parentTree = try commit.parents.first.flatMap { try self.commit($0) }.map { try treeID(ofCommit: $0.id) }
        return try diff(fromTree: parentTree, toTree: try treeID(ofCommit: commitID), index: nil)
    }

    func treeID(ofCommit id: String) throws -> String {
        var oid = try GitHistory.oid(id)
        var commit: OpaquePointer?
        try gitCheck(git_commit_lookup(&commit, handle, &oid), "git_commit_lookup")
        defer { git_commit_free(commit) }
        guard let tree = git_commit_tree_id(commit) else { throw SecrError.failure("git: commit \(id) has no tree") }
        return GitHistory.hex(tree)
    }

    private func lookupTree(_ id: String?) throws -> OpaquePointer? {
        guard let id else { return nil }
        var oid = try GitHistory.oid(id)
        var tree: OpaquePointer?
        try gitCheck(git_tree_lookup(&tree, handle, &oid), "git_tree_lookup")
        return tree
    }

    private func diff(fromTree old: String?, toTree new: String?, index: OpaquePointer?) throws -> [ChangedFile] {
        let oldTree = try lookupTree(old), newTree = try lookupTree(new)
        defer {
            git_tree_free(oldTree)
            git_tree_free(newTree)
        }
        var options = git_diff_options()
        try gitCheck(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), "git_diff_options_init")
        var diff: OpaquePointer?
        if let index {
            try gitCheck(git_diff_tree_to_index(&diff, handle, oldTree, index, &options), "git_diff_tree_to_index")
        } else {
            try gitCheck(git_diff_tree_to_tree(&diff, handle, oldTree, newTree, &options), "git_diff_tree_to_tree")
        }
        defer { git_diff_free(diff) }
        var find = git_diff_find_options()
        try gitCheck(git_diff_find_options_init(&find, UInt32(GIT_DIFF_FIND_OPTIONS_VERSION)), "git_diff_find_options_init")
        find.flags = GIT_DIFF_FIND_RENAMES.rawValue | GIT_DIFF_FIND_COPIES.rawValue
        try gitCheck(git_diff_find_similar(diff, &find), "git_diff_find_similar")
        var files: [ChangedFile] = []
        for position in 0..<git_diff_num_deltas(diff) {
            guard let delta = git_diff_get_delta(diff, position)?.pointee else { continue }
            let status = delta.status
            guard status == GIT_DELTA_ADDED || status == GIT_DELTA_MODIFIED || status == GIT_DELTA_RENAMED
                    || status == GIT_DELTA_COPIED || status == GIT_DELTA_TYPECHANGE else { continue }
            guard let path = delta.new_file.path else { continue }
            // A gitlink (a submodule's commit, mode 160000) names a commit of another
            // repository: there is no blob here to read, and its content is scanned there.
            guard delta.new_file.mode != UInt16(GIT_FILEMODE_COMMIT.rawValue) else { continue }
            var newID = delta.new_file.id, oldID = delta.old_file.id
            let renamed = status == GIT_DELTA_RENAMED || status == GIT_DELTA_COPIED
            let hadBlob = status != GIT_DELTA_ADDED && delta.old_file.mode != UInt16(GIT_FILEMODE_COMMIT.rawValue)
            files.append(ChangedFile(path: String(cString: path), oldPath: renamed ? delta.old_file.path.map { String(cString: $0) } : nil,
                                     blob: GitHistory.hex(&newID),
                                     oldBlob: hadBlob ? GitHistory.hex(&oldID) : nil, isRename: renamed))
        }
        return files
    }

    /// Every commit reachable from `end` and not from `start` (all of history when nil), newest first.
    package func commits(from start: String?, to end: String) throws -> [String] {
        var excluded = Set<String>()
        if let start {
            var pending = [start]
            while let id = pending.popLast() {
                guard excluded.insert(id).inserted, let commit = try commit(id) else { continue }
                pending += commit.parents
            }
        }
        var result: [String] = [], seen = Set<String>(), pending = [end]
        while let id = pending.popLast() {
            guard !excluded.contains(id), seen.insert(id).inserted, let commit = try commit(id) else { continue }
            result.append(id)
            pending += commit.parents
        }
        return result
    }
}
