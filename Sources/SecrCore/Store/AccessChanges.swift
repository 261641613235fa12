/// What a member could decrypt before losing read access: the keys to rotate at their provider.
package struct ExposureReport: Sendable {
    package let member: String
    package let exposures: [Exposure]
    package let rotatedEnvironments: [String]
    /// Exposed keys whose values look like configuration (`LikelyPublic`), with why.
    package var likelyPublic: [Exposure: String] = [:]

    package var isEmpty: Bool { exposures.isEmpty }
}

extension StoreTransaction {
    /// Removes a member: rotates every environment they could read (in this same change), keeps
    /// their existing records valid, and records what they could decrypt.
    package func removeMember(_ name: String) throws -> (ChangeSummary, ExposureReport) {
        try changeMembership(of: name, toRole: nil)
    }

    /// Changes a member's role; environments they can no longer read are rotated, environments
    /// they can now read are sealed to them.
    package func setRole(of name: String, to role: String) throws -> (ChangeSummary, ExposureReport) {
        try changeMembership(of: name, toRole: role)
    }

    private func changeMembership(of name: String, toRole newRole: String?) throws -> (ChangeSummary, ExposureReport) {
        let actor = try actingMember()
        let before = state
        guard let target = before.members[name] else {
            throw SecrError.usage("no member '\(name.prefix(64))'; members: \(before.members.keys.sorted().joined(separator: ", "))")
                .unknown(name, among: before.members.keys.sorted())
        }
        // Apply the change with empty lists first: it checks the actor's rights and tells which
        // permissions the target keeps.
        let probeChange: RosterChange = newRole.map { .setRole(name: name, role: $0, keep: [], exposed: []) }
            ?? .removeMember(name: name, keep: [], exposed: [])
        var probe = before
        try probe.apply(probeChange, by: actor, seq: roster.lines.count, time: time)
        let after = probe.members[name]

        var lostRead: [String] = [], gainedRead: [String] = [], lostWrite: [String] = []
        for environment in before.environments {
            let was = before.permission(of: target, in: environment)
            let now = after.map { probe.permission(of: $0, in: environment) } ?? .none
            if was.contains(.read) && !now.contains(.read) { lostRead.append(environment) }
            if !was.contains(.read) && now.contains(.read) { gainedRead.append(environment) }
            if was.contains(.write) && !now.contains(.write) { lostWrite.append(environment) }
        }
        if actor.name == name && !lostRead.isEmpty {
            throw SecrError.failure("you would lose read access to \(lostRead.joined(separator: ", ")), which must be rotated by someone who keeps it", hint: "ask another admin or owner to make this change")
        }
        let affected = lostRead + gainedRead
        try requireReader(of: affected, actor: actor, notCounting: name, in: before, change: "this change must re-key")

        // Load every file before the roster changes: they verify against the old state.
        var files: [String: EnvironmentFile] = [:]
        for environment in Set(affected + lostWrite) { files[environment] = try environmentParsedWhole(environment) }
        let keep = try lostWrite.flatMap { environment -> [RecordID] in
            let file = try files[environment].unwrap(environment)
            return try file.allRecords.filter { $0.signer == target.key }.map { $0.id(project: before.projectID, environment: environment) }
        }
        let exposed = try lostRead.flatMap { environment -> [Exposure] in
            try files[environment].unwrap(environment).allRecords.filter { !$0.isDeleted }
                .map { Exposure(environment: environment, key: $0.key, version: $0.version) }
        }
        let keys = try Dictionary(uniqueKeysWithValues: affected.map { ($0, try files[$0].unwrap($0).unlock(with: identity, roster: before)) })
        let likelyPublic = try triage(exposed, files: files, keys: keys)

        let change: RosterChange = newRole.map { .setRole(name: name, role: $0, keep: keep, exposed: exposed) }
            ?? .removeMember(name: name, keep: keep, exposed: exposed)
        try appendToRoster(change)
        for environment in lostRead {
            _ = try rekey(try files[environment].unwrap(environment), from: try keys[environment].unwrap(environment))
        }
        if let member = state.members[name] {
            for environment in gainedRead {
                var file = try files[environment].unwrap(environment)
                try file.addReader(member, key: try keys[environment].unwrap(environment), random: random)
                replace(file)
            }
        }
        let subject = newRole.map { "change role of \(name) from \(target.role) to \($0)" } ?? "remove member \(name)"
        let rotation = lostRead.isEmpty ? "" : " (rotated \(lostRead.joined(separator: ", ")))"
        let summary = ChangeSummary(action: newRole == nil ? .removeMember : .setRole, environment: nil, keys: [],
                                    subject: subject + rotation, paths: [])
        return (summary, ExposureReport(member: name, exposures: exposed, rotatedEnvironments: lostRead, likelyPublic: likelyPublic))
    }

    /// A change that re-keys `environments` needs an actor who reads them all; otherwise it names
    /// the managers (other than the member concerned) who could make it.
    private func requireReader(of environments: [String], actor: Member, notCounting name: String, in before: RosterState,
                               change: String) throws {
        let cannotRead = environments.filter { !before.permission(of: actor, in: $0).contains(.read) }
        guard !cannotRead.isEmpty else { return }
        let able = before.members.values.filter { member in
            member.name != name && before.manageLevel(of: member) > .none
                && environments.allSatisfy { before.permission(of: member, in: $0).contains(.read) }
        }.map(\.name).sorted()
        throw SecrError.denied("\(change) \(environments.joined(separator: ", ")), and \(actor.name) cannot read \(cannotRead.joined(separator: ", ")); nothing was changed. \(able.isEmpty ? "No manager can read all of them." : "Ask \(able.joined(separator: " or ")).")")
    }

    /// Which exposed values look like configuration rather than credentials.
    private func triage(_ exposed: [Exposure], files: [String: EnvironmentFile], keys: [String: EnvironmentKey]) throws -> [Exposure: String] {
        var result: [Exposure: String] = [:]
        for exposure in exposed {
            guard let file = files[exposure.environment], let key = keys[exposure.environment],
                  let record = try file.record(exposure.key), !record.isDeleted else { continue }
            if let reason = LikelyPublic.reason(key: exposure.key, value: try file.decrypt(record, with: key)) { result[exposure] = reason }
        }
        return result
    }

    /// Replaces a member's key (a lost or compromised laptop): one signed roster entry, and in the
    /// same change every environment they read re-keyed to the new key, their records signed with
    /// the old key kept valid, and everything the old key could decrypt reported as exposed.
    package func setKey(of name: String, to key: PublicKey) throws -> (ChangeSummary, ExposureReport) {
        let actor = try actingMember()
        let before = state
        guard let target = before.members[name] else {
            throw SecrError.usage("no member '\(name.prefix(64))'; members: \(before.members.keys.sorted().joined(separator: ", "))")
                .unknown(name, among: before.members.keys.sorted())
        }
        var probe = before
        try probe.apply(.setKey(name: name, key: key, keep: [], exposed: []), by: actor, seq: roster.lines.count, time: time)
        let readable = before.environments.filter { before.permission(of: target, in: $0).contains(.read) }
        try requireReader(of: readable, actor: actor, notCounting: name, in: before, change: "replacing \(name)'s key re-keys")
        var files: [String: EnvironmentFile] = [:]
        for environment in before.environments { files[environment] = try environmentParsedWhole(environment) }
        // Records signed with the old key in environments NAME may write stay valid; elsewhere
        // they were kept already, under the old key, by the entry that took the write away.
        let keep = try before.environments.filter { before.permission(of: target, in: $0).contains(.write) }.flatMap { environment in
            (try files[environment]?.allRecords ?? []).filter { $0.signer == target.key }.map { $0.id(project: before.projectID, environment: environment) }
        }
        let exposed = try readable.flatMap { environment -> [Exposure] in
            try files[environment].unwrap(environment).allRecords.filter { !$0.isDeleted }
                .map { Exposure(environment: environment, key: $0.key, version: $0.version) }
        }
        let keys = try Dictionary(uniqueKeysWithValues: readable.map { ($0, try files[$0].unwrap($0).unlock(with: identity, roster: before)) })
        let likelyPublic = try triage(exposed, files: files, keys: keys)
        try appendToRoster(.setKey(name: name, key: key, keep: keep, exposed: exposed))
        for environment in readable {
            _ = try rekey(try files[environment].unwrap(environment), from: try keys[environment].unwrap(environment))
        }
        let rotation = readable.isEmpty ? "" : " (rotated \(readable.joined(separator: ", ")))"
        let summary = ChangeSummary(action: .setKey, environment: nil, keys: [], subject: "replace the key of \(name)" + rotation, paths: [])
        return (summary, ExposureReport(member: name, exposures: exposed, rotatedEnvironments: readable, likelyPublic: likelyPublic))
    }

    /// Clears a listed exposure without a new value: the key is not secret, or its credential was
    /// rotated at the provider and the old value is dead. A signed roster entry with the reason.
    package func acknowledgeExposure(of key: String, in environment: String, reason: String) throws -> ChangeSummary {
        _ = try actingMember()
        try appendToRoster(.acknowledgeExposure(environment: environment, key: key, reason: reason))
        return ChangeSummary(action: .acknowledgeExposure, environment: environment, keys: [key],
                             subject: "acknowledge the exposure of \(key) in \(environment)", paths: [])
    }

    /// A new key pair for the environment, readers as the roster says now. Needs read access.
    package func rotate(_ environment: String) throws -> ChangeSummary {
        let actor = try actingMember()
        let file = try self.environment(environment)
        try state.require(.read, of: actor, in: environment, to: "re-key (only readers can)")
        let rotated = try rekey(file, from: try file.unlock(with: identity, roster: state))
        return ChangeSummary(action: .rotate, environment: environment, keys: [],
                             subject: "rotate the key of \(environment) (generation \(rotated.generation))", paths: [])
    }

    /// Adds an environment: the built-in roles' permissions copied from `like`, or read/write for
    /// admin and owner. A custom role (a CI identity's) gets access only when named in
    /// `customRoles`: what a machine may read is decided per environment, never inherited.
    package func addEnvironment(_ name: String, like: String?, customRoles: [String] = []) throws -> ChangeSummary {
        let actor = try actingMember()
        var access: [String: Permission] = ["admin": .readWrite, "owner": .readWrite]
        var notes: [String] = []
        let builtIn = Set(Role.builtIn.map(\.name))
        for role in customRoles {
            guard let found = state.roles[role], !builtIn.contains(role) else {
                throw SecrError.usage("'\(role.prefix(64))' is not a custom role; custom roles: \(state.roles.keys.filter { !builtIn.contains($0) }.sorted().joined(separator: ", "))")
            }
            guard let like, !found.permission(in: like).isEmpty else {
                throw SecrError.usage("--with-roles copies a custom role's permission from the --like environment, and \(role) has none\(like.map { " in \($0)" } ?? " (no --like given)")")
            }
        }
        if let like {
            guard state.hasEnvironment(like) else {
                throw SecrError.usage("no environment '\(like)' to copy permissions from; environments: \(state.environments.joined(separator: ", "))")
            }
            access = Dictionary(uniqueKeysWithValues: state.roles.values
                .filter { builtIn.contains($0.name) || customRoles.contains($0.name) }
                .map { ($0.name, $0.permission(in: like)) }.filter { !$0.1.isEmpty })
            let left = state.roles.values.filter { !builtIn.contains($0.name) && !customRoles.contains($0.name) && !$0.permission(in: like).isEmpty }
                .map(\.name).sorted()
            if !left.isEmpty {
                notes.append("custom role\(left.count == 1 ? "" : "s") \(left.joined(separator: ", ")) \(left.count == 1 ? "has" : "have") access to \(like) but not to \(name): custom roles are not copied. To copy them: secr env add \(name) --like \(like) --with-roles \(left.joined(separator: ","))")
            }
        }
        try appendToRoster(.addEnvironment(name: name, access: access))
        guard state.permission(of: actor, in: name).contains(.read) else {
            throw SecrError.denied("\(actor.name) (\(actor.role)) would not be able to read '\(name)' and so cannot create its key; nothing was changed")
        }
        let (file, key) = try EnvironmentFile.create(name: name, file: location.display(location.environmentPath(name)),
                                                     project: state.projectID, readers: state.readers(of: name),
                                                     identity: identity, time: time, random: random)
        try appendToRoster(.environmentKey(name: name, generation: 1, publicKey: key.publicKey, readers: state.readerSetHash(of: name)))
        replace(file)
        var summary = ChangeSummary(action: .addEnvironment, environment: name, keys: [], subject: "add environment \(name)", paths: [])
        summary.notes = notes
        return summary
    }

    /// Removes an environment and its file (owners only). Git history keeps the old ciphertexts.
    package func removeEnvironment(_ name: String) throws -> ChangeSummary {
        _ = try self.environment(name)
        try appendToRoster(.removeEnvironment(name: name))
        markRemoved(name)
        return ChangeSummary(action: .removeEnvironment, environment: name, keys: [], subject: "remove environment \(name)", paths: [])
    }

    /// Defines a role. An environment in both lists is read/write; in `write` alone, write-only.
    package func addRole(_ name: String, read: [String], write: [String], manage: Bool) throws -> ChangeSummary {
        var access: [String: Permission] = [:]
        for environment in read { access[environment, default: []].insert(.read) }
        for environment in write { access[environment, default: []].insert(.write) }
        try appendToRoster(.addRole(name: name, manage: manage ? .members : .none, access: access))
        return ChangeSummary(action: .addRole, environment: nil, keys: [], subject: "add role \(name)", paths: [])
    }

    package func removeRole(_ name: String) throws -> ChangeSummary {
        try appendToRoster(.removeRole(name: name))
        return ChangeSummary(action: .removeRole, environment: nil, keys: [], subject: "remove role \(name)", paths: [])
    }
}

extension Optional {
    /// For values the code just put into a dictionary: a miss is a bug, reported, not a crash.
    func unwrap(_ what: String) throws -> Wrapped {
        guard let self else { throw SecrError.failure("internal error: \(what) was not loaded") }
        return self
    }
}

extension ExposureReport {
    /// `member remove --json`, `member set-role --json` and `member set-key --json`; `likely_public`
    /// is the reason a value looks like configuration, or null.
    package var json: JSONValue {
        .object([("member", .string(member)), ("rotated", .strings(rotatedEnvironments)),
                 ("exposed", .array(exposures.map {
                     .object([("environment", .string($0.environment)), ("key", .string($0.key)), ("version", .number($0.version)),
                              ("likely_public", .optional(likelyPublic[$0]))])
                 }))])
    }
}
