/// A value that a former reader could decrypt, from the roster entry that took their access away.
package struct ExposureEvent: Sendable {
    package let member: String
    package let exposure: Exposure
    /// The roster entry that recorded it.
    package let seq: Int
    package let time: Timestamp
}

/// An `exposure-ack` entry: who said a listed key needs no new value, and why.
package struct ExposureAcknowledgement: Sendable {
    package let environment: String
    package let key: String
    package let reason: String
    package let by: String
    /// The exposure events it cleared.
    package let cleared: [ExposureEvent]
    package let seq: Int
    package let time: Timestamp
}

/// The state the roster describes after some prefix of its entries, and the rules for changing it.
package struct RosterState: Sendable {
    package let projectID: String
    package let projectName: String
    /// The roster's format version (1 for stores written by secr 0.1, read only in history).
    package let formatVersion: Int
    package private(set) var members: [String: Member] = [:]
    /// Member name by key: signers are looked up once per entry and record, so this stays O(1).
    private var memberNames: [PublicKey: String] = [:]
    /// Every key a member has ever held, with that member's name: a key never moves to another
    /// name, so a signer's name is the same whichever roster state names it.
    private var keyOwners: [PublicKey: String] = [:]
    package internal(set) var roles: [String: Role] = [:]
    package internal(set) var environments: [String] = []
    /// Records that stay valid although their signer may no longer write (by signer key).
    package internal(set) var keptRecords: [PublicKey: Set<RecordID>] = [:]
    package internal(set) var exposures: [ExposureEvent] = []
    /// Exposures cleared by `exposure-ack` entries, oldest first.
    package private(set) var acknowledgements: [ExposureAcknowledgement] = []
    /// Key name patterns whose values must never be promoted between environments.
    package internal(set) var neverPromote: [String] = NeverPromote.defaults
    /// Every key of each environment, oldest first: the `env-key` entries since its `env-add`.
    package private(set) var environmentKeys: [String: [EnvironmentKeyEntry]] = [:]
    /// The seq of each environment's `env-add` entry: which incarnation of a name this is.
    package private(set) var environmentAdded: [String: Int] = [:]
    /// Steering names (`SteeringNames`) an owner allowed to be stored and injected.
    package private(set) var allowedInjections: Set<String> = []
    /// Per environment, the sum of the reader digests of the members who read it (see
    /// `readerSetHash(sum:)`).
    private var readerSums: [String: [UInt8]] = [:]

    init(projectID: String, projectName: String, formatVersion: Int) {
        self.projectID = projectID
        self.projectName = projectName
        self.formatVersion = formatVersion
        for role in Role.builtIn { roles[role.name] = role }
    }

    package func member(withKey key: PublicKey) -> Member? { memberNames[key].flatMap { members[$0] } }

    /// The key the roster says an environment has now (nil before its first `env-key`).
    package func currentKey(of environment: String) -> EnvironmentKeyEntry? { environmentKeys[environment]?.last }

    /// Puts a member in place (by name), keeping the key index and the reader sets in step.
    mutating func setMember(_ member: Member) {
        let old = members[member.name]
        if let old { memberNames[old.key] = nil }
        members[member.name] = member
        memberNames[member.key] = member.name
        keyOwners[member.key] = member.name
        updateReaderSets(removing: old, adding: member)
    }

    mutating func removeMember(named name: String) {
        guard let old = members.removeValue(forKey: name) else { return }
        memberNames[old.key] = nil
        updateReaderSets(removing: old, adding: nil)
    }

    static let readerDomain = "secr-v2 reader"
    static let readerSetDomain = "secr-v2 reader set"
    /// A project has at most this many environments, which keeps every roster rule linear.
    static let maximumEnvironments = 256

    /// One member's share of a reader set: `H(lp("secr-v2 reader") ‖ lp(name) ‖ lp(key))`.
    static func readerDigest(_ member: Member) -> [UInt8] {
        var encoder = CanonicalEncoder()
        encoder.append(readerDomain)
        encoder.append(member.name)
        encoder.append(member.key.text)
        return Sodium.blake2b(encoder.bytes)
    }

    /// `reader_set_hash` (docs/FORMAT.md §3) of a set of readers: the hash of the sum, modulo
    /// 2^256, of their digests. A sum needs no sorting and changes by one digest when one member
    /// comes or goes, so keeping it for every environment costs one step per change, and roster
    /// verification stays linear however many members and key entries a hostile roster holds.
    static func readerSetHash(sum: [UInt8]) -> String {
        var encoder = CanonicalEncoder()
        encoder.append(readerSetDomain)
        encoder.append(sum)
        return Sodium.base64URL(Sodium.blake2b(encoder.bytes))
    }

    /// The reader set hash of the members whose role reads `environment` now.
    func readerSetHash(of environment: String) -> String {
        RosterState.readerSetHash(sum: readerSums[environment] ?? [UInt8](repeating: 0, count: 32))
    }

    /// The reader set hash of any set of members (to check one computed incrementally).
    static func readerSetHash(of readers: [Member]) -> String {
        var sum = [UInt8](repeating: 0, count: 32)
        for member in readers { add(readerDigest(member), to: &sum) }
        return readerSetHash(sum: sum)
    }

    private mutating func updateReaderSets(removing old: Member?, adding new: Member?) {
        // Each digest once, not once per environment (it hashes the key's bech32 text).
        var oldDigest: [UInt8]?, newDigest: [UInt8]?
        for environment in environments {
            var sum = readerSums[environment] ?? [UInt8](repeating: 0, count: 32)
            if let old, permission(of: old, in: environment).contains(.read) {
                let digest = oldDigest ?? RosterState.readerDigest(old)
                oldDigest = digest
                RosterState.subtract(digest, from: &sum)
            }
            if let new, permission(of: new, in: environment).contains(.read) {
                let digest = newDigest ?? RosterState.readerDigest(new)
                newDigest = digest
                RosterState.add(digest, to: &sum)
            }
            readerSums[environment] = sum
        }
    }

    /// Little-endian addition and subtraction modulo 2^256.
    static func add(_ digest: [UInt8], to sum: inout [UInt8]) {
        var carry = 0
        for i in 0..<32 {
            let total = Int(sum[i]) + Int(digest[i]) + carry
            sum[i] = UInt8(total & 0xff)
            carry = total >> 8
        }
    }

    static func subtract(_ digest: [UInt8], from sum: inout [UInt8]) {
        var borrow = 0
        for i in 0..<32 {
            var difference = Int(sum[i]) - Int(digest[i]) - borrow
            borrow = difference < 0 ? 1 : 0
            if difference < 0 { difference += 256 }
            sum[i] = UInt8(difference)
        }
    }


    /// How a signer is shown: their member name, else the start of their key.
    package func displayName(of key: PublicKey) -> String { member(withKey: key)?.name ?? "\(key.text.prefix(16))…" }

    package func permission(of member: Member, in environment: String) -> Permission {
        roles[member.role]?.permission(in: environment) ?? .none
    }

    package func manageLevel(of member: Member) -> ManageLevel { roles[member.role]?.manage ?? .none }

    /// Members whose role reads `environment`, sorted by name.
    package func readers(of environment: String) -> [Member] {
        members.values.filter { permission(of: $0, in: environment).contains(.read) }.sorted { $0.name < $1.name }
    }

    /// Names of the members who could grant access to `environment`: managers who read it.
    package func grantors(of environment: String) -> [String] {
        readers(of: environment).filter { manageLevel(of: $0) > .none }.map(\.name)
    }

    package func hasEnvironment(_ name: String) -> Bool { environments.contains(name) }

    package var owners: [Member] { members.values.filter { manageLevel(of: $0) == .all }.sorted { $0.name < $1.name } }

    /// Whether the member with key `signer` may write `environment` now: what `accepts` asks
    /// first, and all it asks of a current writer's record.
    func mayWrite(signer: PublicKey, in environment: String) -> Bool {
        member(withKey: signer).map { permission(of: $0, in: environment).contains(.write) } ?? false
    }

    /// Whether a record signed by `signer` is acceptable: they may write the environment now, or
    /// the record was kept valid when they lost write access.
    /// `id` is computed only when the signer may not write (it hashes the record).
    func accepts(recordBy signer: PublicKey, in environment: String, id: @autoclosure () -> RecordID) -> Bool {
        if mayWrite(signer: signer, in: environment) { return true }
        guard let kept = keptRecords[signer] else { return false }
        return kept.contains(id())
    }

    /// Applies a change made by `signer`, or throws why they may not make it.
    mutating func apply(_ change: RosterChange, by signer: Member, seq: Int, time: Timestamp) throws {
        let level = manageLevel(of: signer)
        func requireLevel(_ needed: ManageLevel, _ what: String) throws {
            guard level >= needed else {
                let who = needed == .all ? "an owner" : "an admin or owner"
                throw SecrError.denied("\(signer.name) (\(signer.role)) may not \(what); \(who) can", hint: "ask \(who) to do it, or to change your role")
            }
        }
        func requireRole(_ role: String) throws -> Role {
            guard let found = roles[role] else {
                throw SecrError.usage("role '\(role.prefix(64))' does not exist; roles: \(roles.keys.sorted().joined(separator: ", "))")
                    .unknown(role, among: roles.keys.sorted())
            }
            return found
        }
        func requireMember(_ name: String) throws -> Member {
            guard let found = members[name] else {
                throw SecrError.usage("no member '\(name.prefix(64))'; members: \(members.keys.sorted().joined(separator: ", "))")
                    .unknown(name, among: members.keys.sorted())
            }
            return found
        }
        func requireEnvironments(_ access: [String: Permission]) throws {
            for environment in access.keys where !hasEnvironment(environment) {
                throw SecrError.usage("no environment '\(environment.prefix(64))'; environments: \(environments.joined(separator: ", "))")
                    .unknown(environment, among: environments)
            }
        }

        switch change {
        case .genesis:
            throw SecrError.integrity("a roster has exactly one genesis")

        case let .addEnvironment(name, access):
            try requireLevel(.members, "add environments")
            try Names.check(name, "environment")
            guard !hasEnvironment(name) else { throw SecrError.failure("environment '\(name)' exists already", hint: "see `secr env list`") }
            for role in access.keys { _ = try requireRole(role) }
            guard environments.count < RosterState.maximumEnvironments else {
                throw SecrError.failure("a project has at most \(RosterState.maximumEnvironments) environments", hint: "remove one first (`secr env remove NAME --yes`)")
            }
            environments.append(name)
            environmentAdded[name] = seq
            for (role, permission) in access { roles[role]?.permissions[name] = permission }
            var sum = [UInt8](repeating: 0, count: 32)
            for member in members.values where permission(of: member, in: name).contains(.read) {
                RosterState.add(RosterState.readerDigest(member), to: &sum)
            }
            readerSums[name] = sum

        case let .removeEnvironment(name):
            try requireLevel(.all, "remove environments")
            guard hasEnvironment(name) else { throw SecrError.usage("no environment '\(name)'; environments: \(environments.joined(separator: ", "))") }
            environments.removeAll { $0 == name }
            environmentKeys[name] = nil
            readerSums[name] = nil
            environmentAdded[name] = nil
            for role in roles.keys { roles[role]?.permissions[name] = nil }
            exposures.removeAll { $0.exposure.environment == name }

        case let .environmentKey(name, generation, publicKey, readers):
            guard hasEnvironment(name) else { throw SecrError.usage("no environment '\(name)'; environments: \(environments.joined(separator: ", "))") }
            guard permission(of: signer, in: name).contains(.read) else {
                throw SecrError.denied("\(signer.name) (\(signer.role)) may not re-key '\(name)': only its readers can")
            }
            // The first key entry of an environment may carry any generation: a store upgraded
            // from format 1 records the generation its file had reached.
            if let latest = currentKey(of: name), generation != latest.generation + 1 {
                throw SecrError.integrity("the key of '\(name)' must have generation \(latest.generation + 1) next, not \(generation)")
            }
            guard readers == readerSetHash(of: name) else {
                throw SecrError.integrity("the key of '\(name)' is not sealed to exactly the members whose role reads it")
            }
            environmentKeys[name, default: []].append(EnvironmentKeyEntry(generation: generation, publicKey: publicKey, readers: readers, seq: seq))

        case let .addMember(name, key, role):
            try requireLevel(.members, "add members")
            try Names.check(name, "member")
            let target = try requireRole(role)
            if target.manage == .all { try requireLevel(.all, "add an owner") }
            guard members[name] == nil else { throw SecrError.failure("member '\(name)' exists already", hint: "pick another name (see `secr member list`)") }
            if let existing = member(withKey: key) {
                throw SecrError.failure("that public key belongs to member '\(existing.name)' already", hint: "each member has their own identity; `secr keygen` makes one")
            }
            if formatVersion >= 2, let owner = keyOwners[key], owner != name {
                throw SecrError.failure("that public key was member '\(owner)'s; a key never moves to another name", hint: "each member has their own identity; `secr keygen` makes one")
            }
            setMember(Member(name: name, key: key, role: role))

        case let .removeMember(name, keep, exposed):
            try requireLevel(.members, "remove members")
            let target = try requireMember(name)
            if manageLevel(of: target) == .all {
                try requireLevel(.all, "remove an owner")
                guard owners.count > 1 else { throw SecrError.failure("\(name) is the last owner and cannot be removed", hint: "make someone else owner first (`secr member set-role NAME owner`)") }
            }
            try checkLists(keep: keep, exposed: exposed, of: target)
            removeMember(named: name)
            record(keep: keep, exposed: exposed, for: target, seq: seq, time: time)

        case let .setRole(name, role, keep, exposed):
            try requireLevel(.members, "change roles")
            let target = try requireMember(name)
            let newRole = try requireRole(role)
            guard target.role != role else { throw SecrError.failure("\(name) is \(role) already; nothing to change") }
            if manageLevel(of: target) == .all || newRole.manage == .all {
                try requireLevel(.all, "grant or take away the owner role")
            }
            if manageLevel(of: target) == .all && newRole.manage != .all && owners.count <= 1 {
                throw SecrError.failure("\(name) is the last owner and cannot be demoted", hint: "make someone else owner first (`secr member set-role NAME owner`)")
            }
            try checkLists(keep: keep, exposed: exposed, of: target)
            setMember(Member(name: name, key: target.key, role: role))
            record(keep: keep, exposed: exposed, for: target, seq: seq, time: time)

        case let .addRole(name, manage, access):
            try requireLevel(.all, "define roles")
            try Names.check(name, "role")
            guard roles[name] == nil else { throw SecrError.failure("role '\(name)' exists already", hint: "see `secr role list`") }
            guard manage < .all else { throw SecrError.failure("a custom role may manage members at most (--manage); managing everything is the owner role's") }
            try requireEnvironments(access)
            roles[name] = Role(name: name, manage: manage, permissions: access.filter { !$0.value.isEmpty })

        case let .addNeverPromote(pattern):
            try requireLevel(.members, "change the never-promote policy")
            try NeverPromote.check(pattern)
            guard !neverPromote.contains(pattern) else { throw SecrError.failure("'\(pattern)' is in the never-promote list already; nothing to change") }
            neverPromote.append(pattern)

        case let .removeNeverPromote(pattern):
            try requireLevel(.members, "change the never-promote policy")
            guard neverPromote.contains(pattern) else {
                throw SecrError.usage("'\(pattern.prefix(80))' is not in the never-promote list: \(neverPromote.joined(separator: " "))")
                    .unknown(pattern, among: neverPromote)
            }
            neverPromote.removeAll { $0 == pattern }

        case let .allowInjection(name):
            try requireLevel(.all, "allow a steering name")
            guard KeyName.isValid(Substring(name)), SteeringNames.reason(for: name) != nil else {
                throw SecrError.usage("'\(name.prefix(80))' is not a steering name; only names such as PATH or NODE_OPTIONS need allowing")
            }
            guard !SteeringNames.isNeverAllowed(name) else { throw SecrError.usage("SECR_* names steer secr itself and cannot be allowed") }
            guard !allowedInjections.contains(name) else { throw SecrError.failure("\(name) is allowed already; nothing to change") }
            allowedInjections.insert(name)

        case let .revokeInjection(name):
            try requireLevel(.all, "revoke a steering name")
            guard allowedInjections.contains(name) else {
                throw SecrError.usage("\(name.prefix(80)) is not allowed; allowed: \(allowedInjections.isEmpty ? "none" : allowedInjections.sorted().joined(separator: " "))")
                    .unknown(name, among: allowedInjections.sorted())
            }
            allowedInjections.remove(name)

        case let .setKey(name, key, keep, exposed):
            let target = try requireMember(name)
            // Never one's own: the entry is signed with the key it retires, and every re-key
            // after it must be signed by someone who still reads.
            guard signer.name != name else {
                throw SecrError.denied("\(name) may not replace their own key", hint: "ask an admin or owner (another owner, for an owner's key) to run `secr member set-key \(name) NEWKEY`")
            }
            try requireLevel(.members, "replace another member's key")
            if manageLevel(of: target) == .all { try requireLevel(.all, "replace an owner's key") }
            if let existing = member(withKey: key) {
                throw SecrError.failure(existing.name == name ? "\(name) has that key already; nothing to change"
                                        : "that public key belongs to member '\(existing.name)' already", hint: "each member has their own identity; `secr keygen` makes one")
            }
            if let owner = keyOwners[key] {
                throw SecrError.failure("that public key was \(owner == name ? "\(name)'s before" : "member '\(owner)'s"); a replacement key must be new", hint: "make one with `secr keygen`")
            }
            try checkLists(keep: keep, exposed: exposed, of: target)
            setMember(Member(name: name, key: key, role: target.role))
            record(keep: keep, exposed: exposed, for: target, seq: seq, time: time)

        case let .acknowledgeExposure(environment, key, reason):
            try requireLevel(.members, "acknowledge exposures")
            guard hasEnvironment(environment) else {
                throw SecrError.usage("no environment '\(environment.prefix(64))'; environments: \(environments.joined(separator: ", "))")
                    .unknown(environment, among: environments)
            }
            guard permission(of: signer, in: environment).contains(.write) else {
                throw SecrError.denied("\(signer.name) (\(signer.role)) may not write '\(environment)', so may not acknowledge its exposures")
            }
            guard RosterChange.isValidReason(reason) else {
                throw SecrError.usage("the reason must be 1 to \(RosterChange.maximumReasonBytes) bytes of text without control characters")
            }
            let cleared = exposures.filter { $0.exposure.environment == environment && $0.exposure.key == key }
            guard !cleared.isEmpty else {
                let listed = Set(exposures.filter { $0.exposure.environment == environment }.map(\.exposure.key)).sorted()
                throw SecrError.failure("\(key.prefix(80)) in \(environment) is not listed as exposed\(listed.isEmpty ? "" : "; listed: \(listed.joined(separator: ", "))")")
            }
            exposures.removeAll { $0.exposure.environment == environment && $0.exposure.key == key }
            acknowledgements.append(ExposureAcknowledgement(environment: environment, key: key, reason: reason,
                                                            by: signer.name, cleared: cleared, seq: seq, time: time))

        case let .removeRole(name):
            try requireLevel(.all, "remove roles")
            _ = try requireRole(name)
            guard !Role.builtIn.contains(where: { $0.name == name }) else {
                throw SecrError.failure("\(name) is a built-in role and cannot be removed", hint: "define the role you need with `secr role add`")
            }
            let holders = members.values.filter { $0.role == name }.map(\.name).sorted()
            guard holders.isEmpty else {
                throw SecrError.failure("role '\(name)' is held by \(holders.joined(separator: ", "))", hint: "give them another role first (`secr member set-role NAME ROLE`)")
            }
            roles[name] = nil
        }
    }

    /// At most this many items in one entry's `keep` or `exposed` list: a legitimate list names
    /// one member's records or the values they could read, and an append-only roster must not
    /// be made unusable by one huge entry.
    static let maximumListItems = 100_000

    /// What a membership entry may list: records the member signed in environments they could
    /// write, values of environments they could read, both in the state before the entry.
    /// Otherwise one's own `keep` list could make a forged production record valid.
    private func checkLists(keep: [RecordID], exposed: [Exposure], of target: Member) throws {
        guard keep.count <= RosterState.maximumListItems, exposed.count <= RosterState.maximumListItems else {
            throw SecrError.integrity("a keep or exposed list has more than \(RosterState.maximumListItems) items")
        }
        for item in keep where !permission(of: target, in: item.environment).contains(.write) {
            throw SecrError.integrity("keep lists \(item.text.prefix(120)), but \(target.name) could not write '\(item.environment.prefix(64))'; only their own writable records can be kept")
        }
        for item in exposed where !permission(of: target, in: item.environment).contains(.read) {
            throw SecrError.integrity("exposed lists \(item.text.prefix(120)), but \(target.name) could not read '\(item.environment.prefix(64))'")
        }
    }

    private mutating func record(keep: [RecordID], exposed: [Exposure], for member: Member, seq: Int, time: Timestamp) {
        if !keep.isEmpty { keptRecords[member.key, default: []].formUnion(keep) }
        exposures += exposed.map { ExposureEvent(member: member.name, exposure: $0, seq: seq, time: time) }
    }
}
