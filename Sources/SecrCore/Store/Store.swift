/// A store opened for reading: the verified roster, and environment files on demand.
public final class Store {
    public let location: StoreLocation
    public let roster: Roster

    public var state: RosterState { roster.state }

    /// Loads and verifies the roster, and checks its root against `expectedRoot` or, when that
    /// is nil, against this clone's pin (pinning it on first use).
    public init(location: StoreLocation, expectedRoot: String? = nil) throws {
        self.location = location
        guard let bytes = try FileSystem.readIfExists(location.rosterPath) else {
            throw SecrError.failure("no secr store at \(location.display(location.directory)): run `secr init` in your repository, or point at a store with --store DIR")
        }
        roster = try Roster.load(bytes, file: location.display(location.rosterPath))
        try RootPin.check(roster, location: location, expected: expectedRoot)
    }

    /// The environment's file, parsed and checked against the roster (public data only).
    public func environment(_ name: String) throws -> EnvironmentFile {
        try Store.loadEnvironment(name, location: location, state: state)
    }

    /// Key names with a value, after checking every record's signature. Needs no identity.
    public func keyNames(in environment: String) throws -> [String] {
        let file = try self.environment(environment)
        try file.verifyAllRecords(against: state)
        return file.keyNames
    }

    /// One verified, decrypted value.
    public func value(of key: String, in environment: String, identity: Identity) throws -> SecretBytes {
        let file = try self.environment(environment)
        let environmentKey = try file.unlock(with: identity, roster: state)
        return try file.value(of: key, with: environmentKey, roster: state)
    }

    /// Every live value of the environment, sorted by key, each verified and decrypted.
    public func values(in environment: String, identity: Identity) throws -> [(key: String, value: SecretBytes)] {
        let file = try self.environment(environment)
        try file.verifyAllRecords(against: state)
        let environmentKey = try file.unlock(with: identity, roster: state)
        return try file.keyNames.compactMap { key in
            try file.record(key).map { (key, try file.decrypt($0, with: environmentKey)) }
        }
    }

    public func member(for identity: Identity) -> Member? { state.member(withKey: identity.publicKey) }
}

extension Store {
    /// The version of a key's live value, nil when it has none.
    public func version(of key: String, in environment: String) throws -> Int? {
        try self.environment(environment).record(key).flatMap { $0.isDeleted ? nil : $0.version }
    }
}

extension Store {
    /// Reads and structurally checks an environment file (shared with `StoreTransaction`).
    static func loadEnvironment(_ name: String, location: StoreLocation, state: RosterState) throws -> EnvironmentFile {
        guard state.hasEnvironment(name) else {
            throw SecrError.usage("no environment '\(name)' in this project; environments: \(state.environments.joined(separator: ", "))")
        }
        let path = location.environmentPath(name)
        guard let bytes = try FileSystem.readIfExists(path) else {
            throw SecrError.integrity("\(location.display(path)) is missing although the roster lists environment '\(name)'; restore it with `git checkout -- \(location.display(path))`")
        }
        let file = try EnvironmentFile.parse(bytes, name: name, file: location.display(path))
        try file.verifyStructure(against: state)
        return file
    }
}
