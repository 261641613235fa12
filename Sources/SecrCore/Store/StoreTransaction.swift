/// What a mutating command did, in the words its commit message uses (DESIGN.md §5).
public struct ChangeSummary: Sendable {
    public let action: String
    public let environment: String?
    public let keys: [String]
    /// For promotions: the source environment (the `Secr-From` trailer).
    public var from: String?
    /// The subject after `secr: `, e.g. `set STRIPE_SECRET_KEY in production`.
    public let subject: String
    /// Absolute paths written or removed.
    public internal(set) var paths: [String]

    public var commitMessage: String {
        var trailers = ["Secr-Action: \(action)"]
        if let environment { trailers.append("Secr-Environment: \(environment)") }
        if !keys.isEmpty { trailers.append("Secr-Keys: \(keys.joined(separator: ", "))") }
        if let from { trailers.append("Secr-From: \(from)") }
        return "secr: \(subject)\n\n" + trailers.joined(separator: "\n") + "\n"
    }
}

/// A change to an existing store, made under the store's lock: the files are read after the
/// lock is taken, changed in memory, and written atomically by `save()`.
public final class StoreTransaction {
    public let location: StoreLocation
    public let identity: Identity
    public internal(set) var roster: Roster
    private var environments: [String: EnvironmentFile] = [:]
    private var rosterChanged = false
    private var changedEnvironments: Set<String> = []
    private var removedEnvironments: Set<String> = []
    private let lock: DirectoryLock
    let time: Timestamp
    let random: RandomSource

    public init(location: StoreLocation, identity: Identity, expectedRoot: String? = nil, time: Timestamp = .now(),
                random: RandomSource = SystemRandom()) throws {
        guard FileSystem.isDirectory(location.directory) else {
            throw SecrError.failure("no secr store at \(location.display(location.directory)): run `secr init` first")
        }
        self.location = location
        self.identity = identity
        self.time = time
        self.random = random
        lock = try DirectoryLock(location.directory)
        roster = try Store(location: location, expectedRoot: expectedRoot).roster
    }

    public var state: RosterState { roster.state }

    /// The caller as a member, or an access error that says how to join.
    public func actingMember() throws -> Member {
        guard let member = state.member(withKey: identity.publicKey) else {
            throw SecrError.notAMember(identity.publicKey)
        }
        return member
    }

    func environment(_ name: String) throws -> EnvironmentFile {
        if let file = environments[name] { return file }
        let file = try Store.loadEnvironment(name, location: location, state: state)
        // A change is never built on a file with a bad record: a new version would chain onto
        // the forgery (its prev hash) and launder it.
        try file.verifyAllRecords(against: state)
        environments[name] = file
        return file
    }

    func requirePermission(_ needed: Permission, in environment: String, for action: String) throws -> Member {
        let member = try actingMember()
        _ = try self.environment(environment)
        guard state.permission(of: member, in: environment).isSuperset(of: needed) else {
            let managers = state.members.values.filter { state.manageLevel(of: $0) > .none }.map(\.name).sorted()
            throw SecrError.denied("\(member.name) (\(member.role)) may not \(action) in '\(environment)'; ask \(managers.joined(separator: " or ")) to change your role")
        }
        return member
    }

    /// Sets keys to values. A key whose current value the caller can read and that is unchanged
    /// keeps its record, so its bytes stay identical. Returns the keys that changed.
    public func set(_ values: [(key: String, value: SecretBytes)], in environment: String) throws -> ChangeSummary {
        let member = try requirePermission(.write, in: environment, for: "write")
        var file = try self.environment(environment)
        let canRead = state.permission(of: member, in: environment).contains(.read)
        let environmentKey = canRead ? try file.unlock(with: identity, roster: state) : nil
        var changed: [String] = []
        for (key, value) in values {
            try KeyName.check(Substring(key))
            if let environmentKey, let record = file.record(key), !record.isDeleted,
               try file.decrypt(record, with: environmentKey).isEqual(to: value) {
                continue
            }
            try file.write(key: key, value: value, identity: identity, time: time, random: random)
            changed.append(key)
        }
        return stage(file, action: "set", keys: changed, verb: "set")
    }

    /// Writes tombstones for keys; each must currently have a value.
    public func unset(_ keys: [String], in environment: String) throws -> ChangeSummary {
        _ = try requirePermission(.write, in: environment, for: "write")
        var file = try self.environment(environment)
        for key in keys {
            try KeyName.check(Substring(key))
            guard let record = file.record(key), !record.isDeleted else {
                throw SecrError.failure("\(key) is not set in '\(environment)'; nothing was changed")
            }
            try file.write(key: key, value: nil, identity: identity, time: time, random: random)
        }
        return stage(file, action: "unset", keys: keys, verb: "unset")
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

    private func stage(_ file: EnvironmentFile, action: String, keys: [String], verb: String) -> ChangeSummary {
        if !keys.isEmpty { replace(file) }
        return ChangeSummary(action: action, environment: file.name, keys: keys,
                             subject: "\(verb) \(keys.joined(separator: ", ")) in \(file.name)", paths: [])
    }

    /// Adds a member and seals every environment their role reads to them at once.
    public func addMember(name: String, key: PublicKey, role: String) throws -> ChangeSummary {
        let actor = try actingMember()
        var next = state
        try next.apply(.addMember(name: name, key: key, role: role), by: actor, seq: roster.lines.count, time: time)
        let member = try next.members[name].unwrap("member \(name)")
        var sealed: [EnvironmentFile] = []
        for environment in next.environments where next.permission(of: member, in: environment).contains(.read) {
            var file = try self.environment(environment)
            guard state.permission(of: actor, in: environment).contains(.read) else {
                let who = state.grantors(of: environment)
                throw SecrError.denied("adding \(name) as \(role) needs the key of '\(environment)', which \(actor.name) (\(actor.role)) cannot read; \(who.joined(separator: " or ")) can add them")
            }
            let environmentKey = try file.unlock(with: identity, roster: state)
            try file.addReader(member, key: environmentKey, random: random)
            sealed.append(file)
        }
        try appendToRoster(.addMember(name: name, key: key, role: role))
        sealed.forEach(replace)
        return ChangeSummary(action: "member-add", environment: nil, keys: [],
                             subject: "add member \(name) as \(role)", paths: [])
    }

    /// Writes every changed file atomically and returns the summary with the paths written.
    public func save(_ summary: ChangeSummary) throws -> ChangeSummary {
        var summary = summary
        var paths: [String] = []
        if rosterChanged {
            try FileSystem.writeAtomically(location.rosterPath, Array(roster.text.utf8))
            paths.append(location.rosterPath)
        }
        for name in changedEnvironments.sorted() {
            guard let file = environments[name] else { continue }
            let path = location.environmentPath(name)
            try FileSystem.makeDirectories(location.environmentDirectory)
            try FileSystem.writeAtomically(path, Array(file.text.utf8))
            paths.append(path)
        }
        for name in removedEnvironments.sorted() {
            let path = location.environmentPath(name)
            try FileSystem.remove(path)
            paths.append(path)
        }
        summary.paths = paths
        return summary
    }

    public func release() { lock.release() }
}
