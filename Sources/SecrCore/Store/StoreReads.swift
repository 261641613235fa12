import Synchronization

/// The store files this process has read, each with the fingerprint it had just before it was
/// read. Readers take no lock, so a read can meet a change in flight — a new roster beside an
/// environment file not yet re-keyed — and fail its checks. Before such a failure is reported
/// as tampering, the command asks `changedDuringRead()`: when a file it read has been replaced
/// since, it reads again (after the writer, see `StoreRecovery`), so a reader sees the store
/// before a change or after it, never half of it. A store that fails twice on unchanged files
/// is reported as it is.
///
/// The same fingerprints keep a reader from moving this clone's pin or seen versions forward on
/// a file that is no longer in place (one a failed commit took back).
package enum StoreReads {
    private struct State {
        var fingerprints: [String: FileSystem.Fingerprint?] = [:]
        var locations: [String: StoreLocation] = [:]
    }

    private static let state = Mutex(State())

    /// Takes `path`'s fingerprint before it is read.
    static func willRead(_ path: String, of location: StoreLocation) {
        let fingerprint = FileSystem.fingerprint(path)
        state.withLock {
            if $0.fingerprints[path] == nil { $0.fingerprints[path] = .some(fingerprint) }
            $0.locations[location.directory] = location
        }
    }

    /// `path` is still the file that was read (or was never read here).
    static func isUnchanged(_ path: String) -> Bool {
        guard let recorded = state.withLock({ $0.fingerprints[path] }) else { return true }
        return recorded == FileSystem.fingerprint(path)
    }

    /// The stores read so far.
    package static var locations: [StoreLocation] { state.withLock { Array($0.locations.values) } }

    /// Some file read has been replaced since.
    package static func changedDuringRead() -> Bool {
        let recorded = state.withLock { $0.fingerprints }
        return recorded.contains { path, fingerprint in fingerprint != FileSystem.fingerprint(path) }
    }

    /// Forgets what was read, before a command reads again.
    package static func reset() {
        ReadInputs.reset()
        state.withLock { $0 = State() }
    }
}
