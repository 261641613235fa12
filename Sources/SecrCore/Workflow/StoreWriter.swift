/// How a change is recorded in git.
package struct WriteOptions: Sendable {
    /// Commit the change (the default); false writes and stages it only (`--no-commit`).
    package var commit: Bool
    package var expected: RosterExpectation

    package init(commit: Bool = true, expected: RosterExpectation = RosterExpectation()) {
        self.commit = commit
        self.expected = expected
    }
}

/// What a write did.
package struct WriteOutcome: Sendable {
    package let summary: ChangeSummary
    /// The commit made, when one was.
    package let commit: String?
    /// Things to tell the user, in order.
    package let notes: [String]
}

/// The write protocol, in one place for every command that changes a store (`init` included):
/// check git's state, take the store lock, load and verify everything the change builds on
/// (roster chain and pin, headers against the roster, records, versions this clone has seen),
/// refuse a dirty store, write the files all-or-nothing (`StoreJournal`), then commit exactly
/// those paths. A refusal at any step changes nothing; a commit that fails puts the files back
/// as they were, and so does the next command after a writer killed half way.
package enum StoreWriter {
    /// `upgrading` opens a format 1 store for `StoreTransaction.upgrade()` (`secr upgrade`).
    package static func change(_ location: StoreLocation, identity: Identity, options: WriteOptions = WriteOptions(),
                              upgrading: Bool = false, _ body: (StoreTransaction) throws -> ChangeSummary) throws -> WriteOutcome {
        let repository = try location.repositoryRoot.map { try GitRepository(at: $0) }
        // During a merge (rebase, cherry-pick) the change becomes part of it: written and
        // staged, committed by the `git commit` that finishes the merge. That is how a key both
        // sides changed is resolved: `secr set KEY -e ENV`, then `git commit`.
        var options = options
        let intoMerge = options.commit && repository?.isMerging == true
        if intoMerge { options.commit = false }
        if options.commit { try repository?.checkCommittable() }
        let transaction = try StoreTransaction(location: location, identity: identity, expected: options.expected, upgrading: upgrading,
                                               recover: { try StoreRecovery.settle($0, repository: repository) })
        defer { transaction.release() }
        // Computing the change loads and verifies every file it touches, so a tampered store is
        // reported as such (exit 4) before anything else.
        let computed = try body(transaction)
        // Checked under the store lock: a concurrent secr is done writing and committing by now.
        if options.commit, let repository, let root = location.repositoryRoot, let store = Path.relative(location.directory, to: root) {
            let dirty = try repository.uncommittedChanges(under: store)
            guard dirty.isEmpty else {
                throw SecrError.failure("\(dirty.joined(separator: ", ")) \(dirty.count == 1 ? "has" : "have") uncommitted changes that secr's commit would mix with its own", hint: "commit them (`git commit \(store)`) or discard them (`git checkout -- \(store)`), or use --no-commit")
            }
        }
        let headBefore = repository?.headCommit()
        let mode: StoreJournal.Mode = repository == nil ? .files : options.commit ? .commit : .stage
        let saved = try transaction.save(computed, mode: mode, head: headBefore)
        let author = transaction.state.member(withKey: identity.publicKey)?.name ?? "secr"
        let commit: String?
        do {
            commit = try record(saved, in: repository, commit: options.commit, fallbackAuthor: author)
        } catch {
            // Unless the commit itself landed (and only the index update after it failed), the
            // files go back to what HEAD holds.
            if repository?.headCommit() == headBefore { transaction.restore() } else { transaction.finish() }
            throw error
        }
        transaction.finish()
        transaction.rememberWritten()
        transaction.keepFilesUntilExit()
        let described = intoMerge && !saved.paths.isEmpty
            ? ["a merge is in progress, so this change is staged into it, not committed: finish with `git commit` (or `git rebase --continue`)"]
            : describe(saved, commit: commit, inGit: repository != nil, committing: options.commit)
        return WriteOutcome(summary: saved, commit: commit, notes: transaction.notices + saved.notes + described)
    }

    /// `secr init`: the new store, committed (or staged) like any other change.
    package static func initialise(_ location: StoreLocation, owner: String, projectName: String, identity: Identity,
                                  options: WriteOptions = WriteOptions()) throws -> WriteOutcome {
        guard let root = location.repositoryRoot else {
            throw SecrError.failure("\(location.directory) is not inside a git work tree", hint: "run `git init` first (nothing was changed)")
        }
        let repository = try GitRepository(at: root)
        if options.commit { try repository.checkCommittable() }
        let lock = try FileLock(CloneState.of(location).lockPath, what: "the store \(location.display(location.directory))")
        defer { lock.release() }
        let summary = try StoreInitializer.create(location: location, owner: owner, projectName: projectName, identity: identity)
        let commit = try record(summary, in: repository, commit: options.commit, fallbackAuthor: owner)
        return WriteOutcome(summary: summary, commit: commit, notes: describe(summary, commit: commit, inGit: true, committing: options.commit))
    }

    /// Commits or stages the written paths; the commit id when one was made.
    private static func record(_ change: ChangeSummary, in repository: GitRepository?, commit: Bool, fallbackAuthor: String) throws -> String? {
        guard !change.paths.isEmpty, let repository else { return nil }
        guard commit else {
            try repository.stage(change.paths)
            return nil
        }
        return try repository.commit(change.paths, message: change.commitMessage, fallbackAuthor: fallbackAuthor)
    }

    private static func describe(_ change: ChangeSummary, commit: String?, inGit: Bool, committing: Bool) -> [String] {
        guard !change.paths.isEmpty else { return [] }
        guard inGit else { return ["the store is not inside a git work tree: files written, nothing committed"] }
        if let commit { return ["committed \(commit.prefix(10)): secr: \(change.subject)"] }
        return committing ? [] : ["staged, not committed (--no-commit): secr: \(change.subject)"]
    }
}
