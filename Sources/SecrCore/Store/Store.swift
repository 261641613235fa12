/// A store opened for reading: the verified roster, and environment files on demand.
///
/// Every file is checked against the roster and against what this clone has seen before
/// (`CloneState`): the roster must extend the pinned head, an environment's header must be the
/// key the roster names, and no key may go back to a version below one verified before.
public final class Store {

    /// Where the store is.
    public let location: StoreLocation
    package let roster: Roster
    let clone: CloneState
    /// Things to tell the user (a first pin, a clone state that cannot be written).
    public private(set) var notices: [String] = []

    package var state: RosterState { roster.state }

    /// Loads and verifies the roster, checks it against `expected` and this clone's pin, and
    /// moves the pin forward.
    public init(location: StoreLocation, expected: RosterExpectation = RosterExpectation()) throws {
        self.location = location
        try location.checkContained()
        StoreReads.willRead(location.rosterPath, of: location)
        guard let bytes = try FileSystem.readIfExists(location.rosterPath, followLinks: false) else {
            throw SecrError.failure("no secr store at \(location.display(location.directory))", hint: "run `secr init` in your repository, or point at a store with --store DIR")
        }
        ReadInputs.record(location.rosterPath, bytes)
        if hasConflictMarkers(bytes) { throw SecrError.conflicted(location.display(location.rosterPath)) }
        roster = try Roster.load(bytes, file: location.display(location.rosterPath), expectedRoot: expected.root)
        clone = CloneState.of(location).forRoot(roster.rootHash)
        notices = try RosterPin.check(roster, location: location, clone: clone, expected: expected,
                                      mayAdvance: Store.mayAdvance(on: location.rosterPath, of: location))
    }

    /// The environment's file, parsed and checked against the roster (public data only) and
    /// against the versions this clone has seen.
    package func environment(_ name: String) throws -> EnvironmentFile {
        try Store.loadEnvironment(name, location: location, state: state, clone: clone)
    }

    /// Key names with a value, after checking every record's signature. Needs no identity.
    public func keyNames(in environment: String) throws -> [String] {
        let file = try self.environment(environment)
        try file.verifyAllRecords(against: state)
        remember(file, keys: nil)
        return file.keyNames
    }

    /// One verified, decrypted value.
    public func value(of key: String, in environment: String, identity: Identity) throws -> SecretBytes {
        // Only this key's record is parsed in full: `get` of one key stays fast in a file of
        // thousands, while every line is still checked for its key, order and version.
        let file = try Store.loadEnvironment(environment, location: location, state: state, clone: clone, keys: [key])
        let environmentKey = try file.unlock(with: identity, roster: state)
        let value = try file.value(of: key, with: environmentKey, roster: state)
        remember(file, keys: [key])
        return value
    }

    /// Every live value of the environment, sorted by key, each verified and decrypted.
    public func values(in environment: String, identity: Identity) throws -> [(key: String, value: SecretBytes)] {
        try values(in: environment, identity: identity, checkingSizes: nil)
    }

    /// `checkingSizes` sees each live value's size in bytes (known from its ciphertext) before
    /// anything is decrypted, and may refuse them all.
    func values(in environment: String, identity: Identity, checkingSizes: (([(key: String, size: Int)]) throws -> Void)?) throws
        -> [(key: String, value: SecretBytes)] {
        let file = try self.environment(environment)
        let records = try file.allRecords
        // Sizes first: a store too large for the caller fails at once, not after every
        // signature is checked (nothing is delivered either way).
        if let checkingSizes {
            try checkingSizes(records.compactMap { record in
                record.value.map { (key: record.key, size: $0.ciphertext.count - Sodium.aeadTagBytes) }
            })
        }
        // The key first, so that the value keys open on every core in the same pass as the
        // signature checks; a record that fails its check is still said before a key that
        // does not open, and no value is decrypted before every record has passed.
        let unlocked = Result { try file.unlock(with: identity, roster: state) }
        try file.verifyAllRecords(against: state, openingAhead: (try? unlocked.get()).map { key in
            VerificationCache.Boxes(sealed: records.compactMap { $0.value?.sealedKey.bytes }, publicKey: key.publicKey, secretKey: key.secretKey)
        })
        let environmentKey = try unlocked.get()
        // Every signature held: the versions are recorded now, so that a read's deferred sync
        // of them (`DeferredSync`) runs while the values are decrypted and delivered.
        remember(file, keys: nil)
        let values = try file.keyNames.compactMap { key in
            try file.record(key).map { (key: key, value: try file.decrypt($0, with: environmentKey)) }
        }
        ExitReclaim.keep(file)
        return values
    }

    /// The values a process may be given (`run`, `pull`): every live value except those under
    /// names that steer processes (`SteeringNames`) and that no owner allowed; those are named
    /// in `withheld` so the caller can say so.
    /// `checkingSizes` sees the sizes of the values to deliver before any is decrypted (`run`
    /// checks them against the kernel's limits on a process environment).
    public func deliverableValues(in environment: String, identity: Identity,
                                  checkingSizes: (([(key: String, size: Int)]) throws -> Void)? = nil) throws
        -> (values: [(key: String, value: SecretBytes)], withheld: [String]) {
        let all = try values(in: environment, identity: identity, checkingSizes: checkingSizes.map { check in
            { sizes in try check(sizes.filter { self.state.mayInject($0.key) }) }
        })
        var values: [(key: String, value: SecretBytes)] = [], withheld: [String] = []
        for item in all {
            if state.mayInject(item.key) { values.append(item) } else { withheld.append(item.key) }
        }
        return (values, withheld)
    }

    package func member(for identity: Identity) -> Member? { state.member(withKey: identity.publicKey) }

    /// Raises the seen versions to those of `keys` (all records when nil), whose signatures
    /// the caller has verified. A clone state that cannot be written weakens rollback
    /// protection but does not stop a read; it is said once.
    func remember(_ file: EnvironmentFile, keys: [String]?) {
        guard Store.mayAdvance(on: location.environmentPath(file.name), of: location) else {
            if let seen = clone.seenPath(of: file.name) { ReadInputs.willMove(seen) }
            return
        }
        if let problem = Store.remember(file, keys: keys, state: state, clone: clone), !notices.contains(problem) {
            notices.append(problem)
        }
    }
}

extension Store {
    /// The version of a key's live value, nil when it has none.
    package func version(of key: String, in environment: String) throws -> Int? {
        try self.environment(environment).record(key).flatMap { $0.isDeleted ? nil : $0.version }
    }

    /// The highest version of `key` this clone has verified in `environment` (0 when none).
    func seenVersion(of key: String, in environment: String) -> Int {
        clone.seenVersions(of: environment, incarnation: state.environmentAdded[environment] ?? 0)[key] ?? 0
    }
}

extension Store {
    /// Whether what was read of `path` may move this clone's pin or seen versions forward: not
    /// while a change is in flight (or was cut off by a crash), nor when the file read is no
    /// longer in place — a commit that failed, or a recovery, may have taken it back.
    static func mayAdvance(on path: String, of location: StoreLocation) -> Bool {
        !StoreJournal.of(location).isPending && StoreReads.isUnchanged(path)
    }

    /// Reads and checks an environment file (shared with `StoreTransaction`): structure and
    /// header against the roster, then every key against the versions this clone has seen.
    /// `deferringRecords`: see `EnvironmentFile.parse` (a change, which runs `verifyAll` next).
    static func loadEnvironment(_ name: String, location: StoreLocation, state: RosterState, clone: CloneState,
                                keys: Set<String>? = nil, deferringRecords: Bool = false) throws -> EnvironmentFile {
        let path = location.environmentPath(name)
        guard state.hasEnvironment(name) else {
            if FileSystem.exists(path) {
                throw SecrError.integrity("\(location.display(path)) exists, but the roster does not list environment '\(name)': the roster was cut back to before its env-add, or the file was added without `secr env add`")
            }
            throw SecrError.usage("no environment '\(name.prefix(64))' in this project; environments: \(state.environments.joined(separator: ", "))")
                .unknown(name, among: state.environments)
        }
        StoreReads.willRead(path, of: location)
        func missing() -> SecrError {
            SecrError.integrity("\(location.display(path)) is missing although the roster lists environment '\(name)'", hint: "restore it with `git checkout -- \(location.display(path))`")
        }
        var file: EnvironmentFile
        if let keys {
            guard let read = try EnvironmentFile.read(path, name: name, file: location.display(path), keys: keys) else { throw missing() }
            file = read
        } else {
            guard let bytes = try FileSystem.readIfExists(path, followLinks: false) else { throw missing() }
            ReadInputs.record(path, bytes)
            if hasConflictMarkers(bytes) { throw SecrError.conflicted(location.display(path)) }
            file = try EnvironmentFile.parse(bytes, name: name, file: location.display(path), deferringRecords: deferringRecords)
        }
        try file.verifyStructure(against: state)
        let seen = clone.seenVersions(of: name, incarnation: state.environmentAdded[name] ?? 0)
        if let problem = file.versionProblems(seen: seen).first {
            throw SecrError.integrity(problem)
        }
        file.seenAtLoad = seen
        return file
    }

    /// Raises the clone's seen versions for `file`; returns a problem to report when the
    /// clone state cannot be written.
    static func remember(_ file: EnvironmentFile, keys: [String]?, state: RosterState, clone: CloneState) -> String? {
        let versions = keys.map { $0.compactMap { key in file.versions[key].map { (key: key, version: $0) } } } ?? file.recordVersions
        do {
            try clone.raiseSeen(versions, of: file.name, incarnation: state.environmentAdded[file.name] ?? 0, known: file.seenAtLoad)
            return nil
        } catch {
            return CloneState.notRecorded(.seenVersions, in: clone.directory, (error as? SecrError)?.message ?? "\(error)")
        }
    }
}

extension EnvironmentFile {
    /// Keys that are below a version this clone verified before, or gone without a tombstone,
    /// in key order (the seen versions are listed in it).
    func versionProblems(seen: SeenVersions) -> [String] {
        var problems: [String] = []
        forEachVersion(seen: seen) { key, version, highest in
            guard version.map({ $0 < highest }) ?? true else { return }
            problems.append(problem(String(decoding: key, as: UTF8.self), version, highest))
        }
        return problems
    }

    private func problem(_ key: String, _ version: Int?, _ highest: Int) -> String {
        guard let version else {
            return "\(file): \(key) is missing, but this clone has verified it at v\(highest) on this branch: its record line was deleted (unset leaves a signed tombstone instead). Restore the file with `git checkout -- \(file)`; if the branch was rewritten on purpose, `secr pin --reset` forgets what this clone has seen"
        }
        return "\(file): \(key) is v\(version) here, but this clone has verified v\(highest) on this branch: an older record was brought back (a rollback). Restore the newer one (`git log -p -- \(file)`); if the branch was rewritten on purpose, `secr pin --reset` forgets what this clone has seen"
    }
}
