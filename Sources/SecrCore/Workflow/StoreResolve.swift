/// What `secr resolve` did with one conflicted file.
package struct ResolvedFile: Sendable {
    package let path: String
    /// Empty when the file was merged and staged.
    package let conflicts: [String]
    package let notes: [String]
}

/// `secr resolve`: merges the store files a text merge left in conflict (a clone without
/// `secr setup` when the merge ran, or a merge made by another tool), record by record, with
/// the merge driver itself: the same checks, the same result. A file that merges is written and
/// staged; one that does not keeps its reasons.
package enum StoreResolve {
    package static func resolve(_ location: StoreLocation, paths: [String], identity: Identity?) throws -> [ResolvedFile] {
        guard let root = location.repositoryRoot, let storePath = Path.relative(location.directory, to: root) else {
            throw SecrError.failure("the store is not inside a git work tree, so there is nothing to resolve")
        }
        let repository = try GitRepository(at: root)
        guard repository.isMerging else {
            throw SecrError.failure("no merge is in progress", hint: "`secr resolve` finishes a merge that stopped on .secr files; see `git status`")
        }
        let wanted = Set(paths.map { Path.relative(Path.absolute($0, from: (try? FileSystem.currentDirectory()) ?? root), to: root) ?? $0 })
        let conflicted = try repository.conflicts().filter { $0.path.hasPrefix(storePath + "/") && (wanted.isEmpty || wanted.contains($0.path)) }
        guard !conflicted.isEmpty else {
            throw SecrError.failure("no store file is in conflict\(wanted.isEmpty ? "" : " among the paths given")", hint: "see `git status`")
        }
        let blobs = try MergeSides.rosters(repositoryRoot: root, storePath: storePath)
        let ours = try Roster.load(blobs.ours, file: "\(storePath)/roster (ours)")
        let theirs = try blobs.theirs.map { try Roster.load($0, file: "\(storePath)/roster (theirs)") }
        var results: [ResolvedFile] = []
        var staged: [String] = []
        // The roster first: the environment files are judged against the roster the merge makes.
        for file in conflicted.sorted(by: { ($0.path.hasSuffix("/roster") ? 0 : 1, $0.path) < ($1.path.hasSuffix("/roster") ? 0 : 1, $1.path) }) {
            let base = try file.base.map(repository.blob) ?? [], mine = try file.ours.map(repository.blob) ?? [], yours = try file.theirs.map(repository.blob) ?? []
            guard !mine.isEmpty, !yours.isEmpty else {
                results.append(ResolvedFile(path: file.path, conflicts: ["one side deleted it; decide with `git rm` or `git checkout --ours/--theirs`"], notes: []))
                continue
            }
            let outcome = StoreMerge.merge(base: base, ours: mine, theirs: yours, rosters: (ours, theirs), identity: identity)
            let absolute = Path.join(root, file.path)
            try FileSystem.writeAtomically(absolute, outcome.bytes)
            if outcome.conflicts.isEmpty { staged.append(absolute) }
            results.append(ResolvedFile(path: file.path, conflicts: outcome.conflicts, notes: outcome.notes))
        }
        if !staged.isEmpty { try repository.stage(staged) }
        return results
    }
}
