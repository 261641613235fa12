/// Settles what a killed writer left (`StoreJournal`), with git's help: whether its commit
/// landed, and an index that matches the files afterwards. Writers call it under the store
/// lock before reading anything; readers call it when they find a change pending and no
/// writer alive, and before they retry a read that met a change in flight (`StoreReads`).
package enum StoreRecovery {
    /// Settles a pending change under the lock the caller holds.
    static func settle(_ journal: StoreJournal, repository: GitRepository?) throws {
        guard journal.isPending, let begun = FileSystem.fingerprint(journal.path)?.modified else { return }
        // A writer killed inside its commit leaves git's lock files (the index's, the branch's)
        // behind; one made after its change began is its own. Git's own locks last
        // milliseconds, and no other secr writes while this one holds the store lock.
        if let repository { repository.removeLocks(madeSince: begun) }
        let settled = try journal.recover { plan in
            guard let repository, let head = repository.headCommit(), head != plan.head else { return false }
            // Landed when HEAD holds exactly the new files (and none of the removed ones).
            return plan.entries.allSatisfy { repository.headHoldsFile(at: $0.target) }
        }
        // The commit updates the index after it lands, and a staged change stages: either may
        // have been cut off, so the index is set to the files as they now are.
        if let settled, settled.mode != .files, let repository {
            try repository.stage(settled.entries.map(\.target))
        }
    }

    /// For readers: when a change is pending, waits for its writer (bounded by the lock's
    /// timeout), and settles it if its writer is gone. Returns notes for the user.
    package static func settleIfInterrupted(_ location: StoreLocation) -> [String] {
        let journal = StoreJournal.of(location)
        guard journal.isPending else { return [] }
        do {
            let lock = try FileLock(CloneState.of(location).lockPath, what: "the store \(location.display(location.directory))")
            defer { lock.release() }
            guard journal.isPending else { return [] }
            let repository = try location.repositoryRoot.map { try GitRepository(at: $0) }
            try settle(journal, repository: repository)
            FileSystem.removeStaleTemporaries(in: location.directory)
            FileSystem.removeStaleTemporaries(in: location.environmentDirectory)
            return ["an interrupted secr change to \(location.display(location.directory)) was put right: its writer was killed before it finished, so its files were set back to the last committed state or, where the commit had landed, kept"]
        } catch {
            return ["an interrupted secr change to \(location.display(location.directory)) could not be settled (\((error as? SecrError)?.message ?? "\(error)")); reads may fail until a secr command that may write the store runs"]
        }
    }
}

extension StoreRecovery {
    /// Runs `read` (which takes no lock) so that it sees the store before a change or after it:
    /// when it fails a check — throws an integrity error, or returns what `failed` calls a
    /// failure — and a file it read was replaced meanwhile (or a killed writer's change was
    /// pending), it waits for the writer and reads again, up to three times. A store that fails
    /// on files nobody changed is reported as it is. `note` receives what to tell the user.
    package static func consistentRead<T>(_ read: () throws -> T, failed: (T) -> Bool = { _ in false },
                                          note: (String) -> Void = { _ in }) throws -> T {
        var attempts = 0
        while true {
            let result: T
            do {
                result = try read()
            } catch let error as SecrError where error.kind == .integrity && attempts < 3 {
                guard readAgain(note: note) else { throw error }
                attempts += 1
                continue
            }
            guard failed(result), attempts < 3, readAgain(note: note) else { return result }
            attempts += 1
        }
    }

    /// Whether a failed read met a change: settles what is pending (waiting for a live writer),
    /// then compares the files read with what is there now; forgets them for the next attempt.
    private static func readAgain(note: (String) -> Void) -> Bool {
        let settled = StoreReads.locations.flatMap(settleIfInterrupted)
        guard StoreReads.changedDuringRead() || !settled.isEmpty else { return false }
        settled.forEach(note)
        StoreReads.reset()
        return true
    }
}
