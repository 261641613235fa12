/// The kinds of change a secr commit records, as its `Secr-Action` trailer spells them.
package enum ChangeAction: String, CaseIterable, Sendable {
    case `init`, set, unset, promote, rotate, `import`, edit, upgrade, policy
    case addMember = "member-add", removeMember = "member-remove", setRole = "member-role", setKey = "member-key"
    case acknowledgeExposure = "exposure-ack"
    case addEnvironment = "env-add", removeEnvironment = "env-remove", addRole = "role-add", removeRole = "role-remove"
}

/// What a mutating command did, in the words its commit message uses (DESIGN.md §5).
package struct ChangeSummary: Sendable {
    package let action: ChangeAction
    package let environment: String?
    package let keys: [String]
    /// For promotions: the source environment (the `Secr-From` trailer).
    package var from: String?
    /// The subject after `secr: `, e.g. `set STRIPE_SECRET_KEY in production`.
    package let subject: String
    /// Things to tell the user about the change (not part of the commit).
    package internal(set) var notes: [String] = []
    /// Absolute paths written or removed.
    package internal(set) var paths: [String]

    /// Names for a subject line: the first eight, then how many more (an import of thousands
    /// keeps a one-line subject; the `Secr-Keys` trailer lists them all).
    static func list(_ names: [String]) -> String {
        guard names.count > 8 else { return names.joined(separator: ", ") }
        return names.prefix(8).joined(separator: ", ") + " and \(names.count - 8) more"
    }

    package var commitMessage: String {
        var trailers = ["Secr-Action: \(action.rawValue)"]
        if let environment { trailers.append("Secr-Environment: \(environment)") }
        if !keys.isEmpty { trailers.append("Secr-Keys: \(keys.joined(separator: ", "))") }
        if let from { trailers.append("Secr-From: \(from)") }
        return "secr: \(subject)\n\n" + trailers.joined(separator: "\n") + "\n"
    }
}

/// A change to an existing store, made under the store's lock: the files are read after the
/// lock is taken, changed in memory, and written atomically by `save()`.
package final class StoreTransaction {
    package let location: StoreLocation
    package let identity: Identity
    package internal(set) var roster: Roster
    private var environments: [String: EnvironmentFile] = [:]
    private var rosterChanged = false
    private var changedEnvironments: Set<String> = []
    private var removedEnvironments: Set<String> = []
    /// The change `save` put in place and has not yet finished or restored.
    private var applied: StoreJournal.Plan?
    let journal: StoreJournal
    /// The verification cache's key of each written environment file whose every record was
    /// verified or signed by this change (`EnvironmentFile.recordsVerified`), to remember once
    /// the change stands: the next read of the file checks no record signature again.
    private var writtenVerified: [[UInt8]] = []
    /// The versions this clone had seen when the change began, per environment.
    private var seen: [String: SeenVersions] = [:]
    private let lock: FileLock
    let clone: CloneState
    let time: Timestamp
    let random: RandomSource
    /// Things to tell the user (from opening the store).
    package let notices: [String]

    /// The roster as format 1 had it, for `secr upgrade` (nil otherwise).
    let version1State: RosterState?

    /// `upgrading` opens a store of secr 0.1 (format 1) for `upgrade()`; no other change may use it.
    /// `recover` settles a change a killed writer left half done (see `StoreJournal.recover`);
    /// it runs under the lock, before anything is read.
    package init(location: StoreLocation, identity: Identity, expected: RosterExpectation = RosterExpectation(),
                upgrading: Bool = false, time: Timestamp = .now(), random: RandomSource = SystemRandom(),
                recover: (StoreJournal) throws -> Void = { _ = try $0.recover(landed: { _ in false }) }) throws {
        guard FileSystem.isDirectory(location.directory) else {
            throw SecrError.failure("no secr store at \(location.display(location.directory)): run `secr init` first")
        }
        self.location = location
        self.identity = identity
        self.time = time
        self.random = random
        let unrooted = CloneState.of(location)
        lock = try FileLock(unrooted.lockPath, what: "the store \(location.display(location.directory))")
        journal = StoreJournal.of(location)
        try recover(journal)
        // Under the lock no other writer is between writing a temporary file and renaming it.
        FileSystem.removeStaleTemporaries(in: location.directory)
        FileSystem.removeStaleTemporaries(in: location.environmentDirectory)
        guard upgrading else {
            let store = try Store(location: location, expected: expected)
            roster = store.roster
            notices = store.notices
            clone = store.clone
            version1State = nil
            try StoreTransaction.checkIncludesDefaultBranch(roster, clone: clone)
            return
        }
        try location.checkContained()
        guard let bytes = try FileSystem.readIfExists(location.rosterPath, followLinks: false) else {
            throw SecrError.failure("no secr store at \(location.display(location.directory)): run `secr init` first")
        }
        let old = try Roster.load(bytes, file: location.display(location.rosterPath), expectedRoot: expected.root, allowVersion1: true)
        clone = unrooted.forRoot(old.rootHash)
        notices = try RosterPin.check(old, location: location, clone: clone, expected: expected)
        version1State = old.formatVersion == 1 ? old.state : nil
        roster = try old.upgradedToVersion2()
        rosterChanged = old.formatVersion == 1
    }

    package var state: RosterState { roster.state }

    /// A write on any branch but the default one (a detached HEAD included) must build on a
    /// roster that holds the default branch's pinned head. Otherwise the branch lacks entries
    /// main has (a removal, a re-key, a lost permission), and what it writes would be sealed to
    /// keys a removed member holds, or signed under permissions main has taken away. (Reading
    /// such a branch is fine: it is history.)
    static func checkIncludesDefaultBranch(_ roster: Roster, clone: CloneState) throws {
        guard clone.branch != clone.defaultBranch, let pin = clone.defaultBranchPin(), pin.root == roster.rootHash, pin.seq >= 0,
              roster.entryHash(at: pin.seq) != pin.head else { return }
        let main = clone.defaultBranch.map { $0.hasPrefix("refs/heads/") ? String($0.dropFirst(11)) : $0 } ?? "main"
        let here = clone.branch == nil ? "this detached checkout" : "this branch"
        throw SecrError.failure("\(here)'s roster does not hold entry \(pin.seq) of \(main)'s, which this clone has seen: whatever \(main) changed since (a removed member, a new key) is missing here, so a value written here could be sealed to a key a removed member holds. Nothing was changed",
                                hint: "merge \(main) into this branch first (`git merge \(main)`), then write again")
    }

    /// The caller as a member, or an access error that says how to join.
    package func actingMember() throws -> Member {
        guard let member = state.member(withKey: identity.publicKey) else {
            throw SecrError.notAMember(identity.publicKey)
        }
        return member
    }

    func environment(_ name: String) throws -> EnvironmentFile {
        if let file = environments[name] { return file }
        // Record lines the verification cache knows verified whole are parsed only when asked
        // for; `verifyAll` still checks every record's signer against this roster.
        var file = try Store.loadEnvironment(name, location: location, state: state, clone: clone, deferringRecords: true)
        // A change is never built on a file with a bad record: a new version would chain onto
        // the forgery (its prev hash) and launder it.
        try file.verifyAll(against: state)
        environments[name] = file
        return file
    }

    /// The environment's file for the caller to change, taken out of the transaction so that
    /// changing it copies nothing (a file of 10,000 records was copied whole by its first
    /// change). The caller gives it back: `replace` when changed, `putBack` when not.
    func takeEnvironment(_ name: String) throws -> EnvironmentFile {
        let file = try environment(name)
        environments[name] = nil
        return file
    }

    func putBack(_ file: EnvironmentFile) { environments[file.name] = file }

    /// `environment(name)` with every record parsed, for a change that reads all of them more
    /// than once: each deferred line is parsed once, not on every read.
    func environmentParsedWhole(_ name: String) throws -> EnvironmentFile {
        var file = try takeEnvironment(name)
        try file.parseDeferredRecords()
        putBack(file)
        return file
    }

    func requirePermission(_ needed: Permission, in environment: String, for action: String) throws -> Member {
        let member = try actingMember()
        _ = try self.environment(environment)
        try state.require(needed, of: member, in: environment, to: action)
        return member
    }

    /// Sets keys to values. A key whose current value the caller can read and that is unchanged
    /// keeps its record, so its bytes stay identical. Returns the keys that changed.
    package func set(_ values: [(key: String, value: SecretBytes)], in environment: String) throws -> ChangeSummary {
        let member = try requirePermission(.write, in: environment, for: "write")
        var file = try takeEnvironment(environment)
        let canRead = state.permission(of: member, in: environment).contains(.read)
        let environmentKey = canRead ? try file.unlock(with: identity, roster: state) : nil
        var changed: [String] = [], notes: [String] = []
        let exposed = Set(state.exposures.filter { $0.exposure.environment == environment }.map(\.exposure.key))
        for (key, value) in values {
            try KeyName.check(Substring(key))
            try state.checkInjectable(key, environment: environment)
            if let environmentKey, let record = try file.record(key), !record.isDeleted,
               try file.decrypt(record, with: environmentKey).isEqual(to: value) {
                if exposed.contains(key) && !isResolvedExposure(key, in: environment, record: record) {
                    notes.append("\(key) in \(environment) is still exposed to a former reader: the same value does not rotate it. Rotate the credential at its provider, then `secr set \(key)` with the new value")
                }
                continue
            }
            try file.write(key: key, value: value, above: seenVersion(of: key, in: environment), identity: identity, time: time,
                           random: random, writerReads: canRead)
            changed.append(key)
        }
        var summary = stage(file, action: .set, keys: changed, verb: "set")
        summary.notes = notes
        return summary
    }

    /// Writes tombstones for keys; each must currently have a value.
    package func unset(_ keys: [String], in environment: String) throws -> ChangeSummary {
        _ = try requirePermission(.write, in: environment, for: "write")
        var file = try takeEnvironment(environment)
        for key in keys {
            try KeyName.check(Substring(key))
            guard let record = try file.record(key), !record.isDeleted else {
                throw SecrError.failure("\(key) is not set in '\(environment)'; nothing was changed")
            }
            try file.write(key: key, value: nil, above: seenVersion(of: key, in: environment), identity: identity, time: time, random: random)
        }
        return stage(file, action: .unset, keys: keys, verb: "unset")
    }

    /// The highest version of `key` this clone has verified, so a new record goes above it.
    /// The clone's file is read once per environment (an import of thousands asks per key).
    func seenVersion(of key: String, in environment: String) -> Int {
        if let versions = seen[environment] { return versions[key] ?? 0 }
        let versions = clone.seenVersions(of: environment, incarnation: state.environmentAdded[environment] ?? 0)
        seen[environment] = versions
        return versions[key] ?? 0
    }

    /// An exposure is resolved once the key has a version above the exposed one.
    private func isResolvedExposure(_ key: String, in environment: String, record: SecretRecord) -> Bool {
        state.exposures.allSatisfy { $0.exposure.environment != environment || $0.exposure.key != key || record.version > $0.exposure.version }
    }

    /// Gives `file` a new key pair sealed to the roster's readers of it now, and records the new
    /// key in the roster (`env-key`), which is what makes every older copy of the file stale.
    func rekey(_ file: EnvironmentFile, from old: EnvironmentKey) throws -> EnvironmentFile {
        let (rotated, key) = try file.rotated(from: old, readers: state.readers(of: file.name), identity: identity, time: time,
                                              random: random, generation: max(state.currentKey(of: file.name)?.generation ?? 0, file.generation) + 1)
        try appendToRoster(.environmentKey(name: file.name, generation: rotated.generation, publicKey: key.publicKey,
                                           readers: state.readerSetHash(of: file.name)))
        replace(rotated)
        return rotated
    }

    /// Takes a changed environment file into the change.
    func replace(_ file: EnvironmentFile) {
        environments[file.name] = file
        changedEnvironments.insert(file.name)
    }

    func markRemoved(_ environment: String) {
        environments[environment] = nil
        changedEnvironments.remove(environment)
        removedEnvironments.insert(environment)
    }

    /// Signs and applies a roster entry (checked against the actor's rights first).
    func appendToRoster(_ change: RosterChange) throws {
        try roster.append(change, identity: identity, time: time)
        rosterChanged = true
    }

    private func stage(_ file: EnvironmentFile, action: ChangeAction, keys: [String], verb: String) -> ChangeSummary {
        if keys.isEmpty { putBack(file) } else { replace(file) }
        return ChangeSummary(action: action, environment: file.name, keys: keys,
                             subject: "\(verb) \(ChangeSummary.list(keys)) in \(file.name)", paths: [])
    }

    /// Adds a member and seals every environment their role reads to them at once.
    package func addMember(name: String, key: PublicKey, role: String) throws -> ChangeSummary {
        let actor = try actingMember()
        var next = state
        try next.apply(.addMember(name: name, key: key, role: role), by: actor, seq: roster.lines.count, time: time)
        let member = try next.members[name].unwrap("member \(name)")
        var sealed: [EnvironmentFile] = []
        for environment in next.environments where next.permission(of: member, in: environment).contains(.read) {
            var file = try self.environment(environment)
            try state.require(.read, of: actor, in: environment, to: "add \(name) as \(role), which needs the key of the environment,")
            let environmentKey = try file.unlock(with: identity, roster: state)
            try file.addReader(member, key: environmentKey, random: random)
            sealed.append(file)
        }
        try appendToRoster(.addMember(name: name, key: key, role: role))
        sealed.forEach(replace)
        return ChangeSummary(action: .addMember, environment: nil, keys: [],
                             subject: "add member \(name) as \(role)", paths: [])
    }

    /// Paths this change will write or remove, for checks made before `save`.
    package var pendingPaths: [String] {
        (rosterChanged ? [location.rosterPath] : []) + changedEnvironments.sorted().map(location.environmentPath)
            + removedEnvironments.sorted().map(location.environmentPath)
    }

    /// Writes every changed file and returns the summary with the paths written: all of them
    /// or (on any failure, a crash included) none, through the store's journal. `finish()`
    /// once the change is recorded in git, `restore()` when that failed.
    package func save(_ summary: ChangeSummary, mode: StoreJournal.Mode, head: String?) throws -> ChangeSummary {
        var summary = summary
        var changes: [(path: String, bytes: [UInt8]?)] = []
        if rosterChanged { changes.append((location.rosterPath, Array(roster.text.utf8))) }
        var verified: [(name: String, bytes: [UInt8])] = []
        for name in changedEnvironments.sorted() {
            guard let file = environments[name] else { continue }
            let bytes = file.bytes
            changes.append((location.environmentPath(name), bytes))
            if file.recordsVerified, VerificationCache.shared.isLoaded { verified.append((name, bytes)) }
        }
        for name in removedEnvironments.sorted() { changes.append((location.environmentPath(name), nil)) }
        summary.paths = changes.map(\.path)
        guard !changes.isEmpty else { return summary }
        // A file larger than readers read would lock everyone out of the environment.
        if let large = changes.first(where: { ($0.bytes?.count ?? 0) > FileSystem.readLimit }) {
            throw SecrError.failure("\(location.display(large.path)) would be \((large.bytes?.count ?? 0) >> 20) MiB, more than the \(FileSystem.readLimit >> 20) MiB secr reads; nothing was changed",
                                    hint: "split the values over more environments, or keep large values in files (secr is for credentials, not data)")
        }
        // The digests the cache will list the written files by (BLAKE2b: about 4 ms for 5 MB)
        // are taken on another core while the journal writes and syncs the same files.
        writtenVerified = []
        let (plan, digests) = try Parallel.both(together: verified.contains { $0.bytes.count >= EnvironmentFile.largeFile }, {
            try journal.prepare(changes, mode: mode, head: head)
        }, { [verified] in
            verified.map { file in file.bytes.withUnsafeBytes { EnvironmentFile.recordsDigest(name: file.name, bytes: $0) } }
        })
        writtenVerified = digests
        try journal.apply(plan)
        applied = plan
        return summary
    }

    /// The change stands (committed or staged): the journal lets go of the old files.
    package func finish() {
        if applied != nil { journal.finish() }
        applied = nil
    }

    /// Records in the clone state what `save` wrote, once it stands (committed or staged): every
    /// file was verified or made by this change, so this clone has seen it.
    package func rememberWritten() {
        for name in changedEnvironments.sorted() {
            if let file = environments[name] { _ = Store.remember(file, keys: nil, state: state, clone: clone) }
        }
        writtenVerified.forEach(VerificationCache.shared.rememberVerifiedRecords)
        if rosterChanged {
            try? clone.savePin(CloneState.Pin(root: roster.rootHash, seq: roster.count - 1, head: roster.headHash))
        }
    }

    /// Puts every file `save` wrote back as it was (when the commit after it failed), so a
    /// refused change leaves nothing behind. The lock is still held.
    package func restore() {
        guard let plan = applied else { return }
        journal.rollBack(plan)
        journal.finish()
        applied = nil
    }

    package func release() { lock.release() }

    /// Hands the files this transaction parsed to `ExitReclaim` (the command ends next).
    func keepFilesUntilExit() {
        ExitReclaim.keep(environments)
        environments = [:]
    }
}
