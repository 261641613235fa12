/// A record that stays valid after its writer lost write permission: `ENV/KEY@VERSION:HASH`,
/// where HASH is the record hash (docs/FORMAT.md §4). Listed in the roster entry that took the
/// permission away, so the writer's genuine records keep verifying while anything they sign
/// afterwards does not.
package struct RecordID: Hashable, Sendable {
    package let environment: String
    package let key: String
    package let version: Int
    package let hash: String

    package var text: String { "\(environment)/\(key)@\(version):\(hash)" }

    init(environment: String, key: String, version: Int, hash: String) {
        self.environment = environment
        self.key = key
        self.version = version
        self.hash = hash
    }

    /// Each field is taken as written, so the item is its own `text` when it parses.
    init?(parsing text: Substring) {
        let bytes = text.utf8
        guard let slash = bytes.firstIndex(of: UInt8(ascii: "/")), let at = bytes.lastIndex(of: UInt8(ascii: "@")),
              let colon = bytes.lastIndex(of: UInt8(ascii: ":")), slash < at, at < colon else { return nil }
        let env = text[..<slash], key = text[bytes.index(after: slash)..<at]
        let hash = text[bytes.index(after: colon)...]
        guard Names.isValid(env), KeyName.isValid(key), let version = RosterChange.canonicalVersion(text[bytes.index(after: at)..<colon]),
              Sodium.fromBase64URL(hash)?.count == 32 else { return nil }
        self.init(environment: String(env), key: String(key), version: version, hash: String(hash))
    }
}

/// A value a member could decrypt before losing read access: `ENV/KEY@VERSION`. It stays
/// "exposed, not yet rotated" until the key has a newer version.
package struct Exposure: Hashable, Sendable {
    package let environment: String
    package let key: String
    package let version: Int

    package var text: String { "\(environment)/\(key)@\(version)" }

    init(environment: String, key: String, version: Int) {
        self.environment = environment
        self.key = key
        self.version = version
    }

    /// Each field is taken as written, so the item is its own `text` when it parses.
    init?(parsing text: Substring) {
        let bytes = text.utf8
        guard let slash = bytes.firstIndex(of: UInt8(ascii: "/")), let at = bytes.lastIndex(of: UInt8(ascii: "@")), slash < at else { return nil }
        let env = text[..<slash], key = text[bytes.index(after: slash)..<at]
        guard Names.isValid(env), KeyName.isValid(key), let version = RosterChange.canonicalVersion(text[bytes.index(after: at)...]) else { return nil }
        self.init(environment: String(env), key: String(key), version: version)
    }
}

/// The kinds of roster entries, as spelled in the file (docs/FORMAT.md §3). One list, so the
/// parser, the rules, the audit log and the merge driver cannot disagree about what exists.
package enum RosterEntryKind: String, CaseIterable, Sendable {
    case genesis
    case addEnvironment = "env-add"
    case removeEnvironment = "env-remove"
    case environmentKey = "env-key"
    case addMember = "member-add"
    case removeMember = "member-remove"
    case setRole = "member-role"
    case addRole = "role-add"
    case removeRole = "role-remove"
    case addNeverPromote = "policy-add"
    case removeNeverPromote = "policy-remove"
    case allowInjection = "inject-allow"
    case revokeInjection = "inject-revoke"
    case setKey = "member-key"
    case acknowledgeExposure = "exposure-ack"

    /// The kind-specific fields, in order (after `seq`, before `prev`).
    var fields: [String] {
        switch self {
        case .genesis: ["project", "name", "member", "key"]
        case .addEnvironment: ["env", "access"]
        case .removeEnvironment: ["env"]
        case .environmentKey: ["env", "gen", "pk", "readers"]
        case .addMember: ["member", "key", "role"]
        case .removeMember: ["member", "keep", "exposed"]
        case .setRole: ["member", "role", "keep", "exposed"]
        case .addRole: ["role", "manage", "access"]
        case .removeRole: ["role"]
        case .addNeverPromote, .removeNeverPromote: ["never-promote"]
        case .allowInjection, .revokeInjection: ["name"]
        case .setKey: ["member", "key", "keep", "exposed"]
        case .acknowledgeExposure: ["env", "key", "reason"]
        }
    }

    /// Kinds that format version 1 rosters may hold.
    var existsInVersion1: Bool { ![.environmentKey, .allowInjection, .revokeInjection, .setKey, .acknowledgeExposure].contains(self) }
}

/// An environment key as the roster records it: the `env-key` entry of each creation and
/// rotation, so that an environment file is fresh only if its header is the latest one.
package struct EnvironmentKeyEntry: Hashable, Sendable {
    package let generation: Int
    package let publicKey: BoxPublicKey
    /// `reader_set_hash` of the members the key was sealed to.
    package let readers: String
    /// The roster entry that recorded it.
    package let seq: Int
}

/// A change to the roster, before it is signed: one case per entry kind.
enum RosterChange {
    case genesis(projectID: String, projectName: String, owner: String, key: PublicKey)
    case addEnvironment(name: String, access: [String: Permission])
    case removeEnvironment(name: String)
    case environmentKey(name: String, generation: Int, publicKey: BoxPublicKey, readers: String)
    case addMember(name: String, key: PublicKey, role: String)
    case removeMember(name: String, keep: [RecordID], exposed: [Exposure])
    case setRole(name: String, role: String, keep: [RecordID], exposed: [Exposure])
    case addRole(name: String, manage: ManageLevel, access: [String: Permission])
    case removeRole(name: String)
    case addNeverPromote(pattern: String)
    case removeNeverPromote(pattern: String)
    case allowInjection(name: String)
    case revokeInjection(name: String)
    /// A member's key replaced (a lost laptop): the old key's records kept, what it read exposed.
    case setKey(name: String, key: PublicKey, keep: [RecordID], exposed: [Exposure])
    /// A listed exposure cleared without a new value: not secret, or rotated elsewhere.
    case acknowledgeExposure(environment: String, key: String, reason: String)

    var kind: RosterEntryKind {
        switch self {
        case .genesis: .genesis
        case .addEnvironment: .addEnvironment
        case .removeEnvironment: .removeEnvironment
        case .environmentKey: .environmentKey
        case .addMember: .addMember
        case .removeMember: .removeMember
        case .setRole: .setRole
        case .addRole: .addRole
        case .removeRole: .removeRole
        case .addNeverPromote: .addNeverPromote
        case .removeNeverPromote: .removeNeverPromote
        case .allowInjection: .allowInjection
        case .revokeInjection: .revokeInjection
        case .setKey: .setKey
        case .acknowledgeExposure: .acknowledgeExposure
        }
    }

    var fields: [(String, String)] {
        switch self {
        case let .genesis(projectID, projectName, owner, key):
            [("project", projectID), ("name", projectName), ("member", owner), ("key", key.text)]
        case let .addEnvironment(name, access):
            [("env", name), ("access", RosterChange.formatAccess(access))]
        case let .removeEnvironment(name):
            [("env", name)]
        case let .environmentKey(name, generation, publicKey, readers):
            [("env", name), ("gen", String(generation)), ("pk", publicKey.base64URL), ("readers", readers)]
        case let .addMember(name, key, role):
            [("member", name), ("key", key.text), ("role", role)]
        case let .removeMember(name, keep, exposed):
            [("member", name), ("keep", RosterChange.list(keep.map(\.text))), ("exposed", RosterChange.list(exposed.map(\.text)))]
        case let .setRole(name, role, keep, exposed):
            [("member", name), ("role", role), ("keep", RosterChange.list(keep.map(\.text))),
             ("exposed", RosterChange.list(exposed.map(\.text)))]
        case let .addRole(name, manage, access):
            [("role", name), ("manage", manage == .members ? "members" : "none"), ("access", RosterChange.formatAccess(access))]
        case let .removeRole(name):
            [("role", name)]
        case let .addNeverPromote(pattern), let .removeNeverPromote(pattern):
            [("never-promote", pattern)]
        case let .allowInjection(name), let .revokeInjection(name):
            [("name", name)]
        case let .setKey(name, key, keep, exposed):
            [("member", name), ("key", key.text), ("keep", RosterChange.list(keep.map(\.text))), ("exposed", RosterChange.list(exposed.map(\.text)))]
        case let .acknowledgeExposure(environment, key, reason):
            [("env", environment), ("key", key), ("reason", Sodium.base64URL(Array(reason.utf8)))]
        }
    }

    /// Decodes the kind-specific fields of a parsed line (layout already checked).
    init(kind: RosterEntryKind, reader: FieldReader) throws {
        switch kind {
        case .genesis:
            throw reader.fail("a second genesis entry")
        case .addEnvironment:
            self = .addEnvironment(name: try reader.string("env"), access: try RosterChange.parseAccess(try reader.string("access"), reader: reader))
        case .removeEnvironment:
            self = .removeEnvironment(name: try reader.string("env"))
        case .environmentKey:
            let generation = try reader.number("gen")
            guard generation >= 1 else { throw reader.fail("gen must be 1 or more") }
            _ = try reader.bytes("readers", count: 32)
            self = .environmentKey(name: try reader.string("env"), generation: generation,
                                   publicKey: try reader.sized("pk", as: BoxPublicKey.self), readers: try reader.string("readers"))
        case .addMember:
            self = .addMember(name: try reader.string("member"), key: try reader.publicKey("key"), role: try reader.string("role"))
        case .removeMember:
            self = .removeMember(name: try reader.string("member"), keep: try RosterChange.parseKeep(reader),
                                 exposed: try RosterChange.parseExposed(reader))
        case .setRole:
            self = .setRole(name: try reader.string("member"), role: try reader.string("role"),
                            keep: try RosterChange.parseKeep(reader), exposed: try RosterChange.parseExposed(reader))
        case .addRole:
            let manage: ManageLevel
            switch try reader.string("manage") {
            case "none": manage = .none
            case "members": manage = .members
            default: throw reader.fail("manage must be none or members")
            }
            self = .addRole(name: try reader.string("role"), manage: manage,
                            access: try RosterChange.parseAccess(try reader.string("access"), reader: reader))
        case .removeRole:
            self = .removeRole(name: try reader.string("role"))
        case .addNeverPromote:
            self = .addNeverPromote(pattern: try reader.string("never-promote"))
        case .removeNeverPromote:
            self = .removeNeverPromote(pattern: try reader.string("never-promote"))
        case .allowInjection:
            self = .allowInjection(name: try reader.string("name"))
        case .revokeInjection:
            self = .revokeInjection(name: try reader.string("name"))
        case .setKey:
            self = .setKey(name: try reader.string("member"), key: try reader.publicKey("key"),
                           keep: try RosterChange.parseKeep(reader), exposed: try RosterChange.parseExposed(reader))
        case .acknowledgeExposure:
            let bytes = try reader.bytes("reason")
            guard let reason = String(validating: bytes, as: UTF8.self), RosterChange.isValidReason(reason) else {
                throw reader.fail("reason must be 1 to \(RosterChange.maximumReasonBytes) bytes of UTF-8 text without control characters")
            }
            self = .acknowledgeExposure(environment: try reader.string("env"), key: try reader.string("key"), reason: reason)
        }
    }

    // MARK: Field encodings

    static let maximumReasonBytes = 500

    /// An acknowledgement's reason: said back in `secr verify` and `secr log`, so plain text.
    static func isValidReason(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= maximumReasonBytes && !text.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    static func list(_ items: [String]) -> String { items.isEmpty ? "-" : items.sorted().joined(separator: ",") }

    /// The items of a list field, split at its commas' bytes (a removal's list of exposed
    /// values names every key of every environment the member read: 30,000 items at 10,000
    /// secrets, which every read parses).
    private static func items(_ text: String) -> [Substring] {
        guard text != "-" else { return [] }
        var items: [Substring] = []
        let bytes = text.utf8
        var start = bytes.startIndex
        while let comma = bytes[start...].firstIndex(of: UInt8(ascii: ",")) {
            items.append(text[start..<comma])
            start = bytes.index(after: comma)
        }
        items.append(text[start...])
        return items
    }

    /// A version as written by secr: decimal digits without a leading zero, at least 1.
    static func canonicalVersion(_ text: Substring) -> Int? {
        guard let first = text.utf8.first, first != UInt8(ascii: "0"),
              text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        return Int(text)
    }

    static func parseKeep(_ reader: FieldReader) throws -> [RecordID] {
        try parseList("keep", reader: reader, form: "ENV/KEY@VERSION:HASH", parse: RecordID.init(parsing:))
    }

    static func parseExposed(_ reader: FieldReader) throws -> [Exposure] {
        try parseList("exposed", reader: reader, form: "ENV/KEY@VERSION", parse: Exposure.init(parsing:))
    }

    /// A sorted, comma-separated field whose items each parse as `T`: the field is `list` of
    /// the items' texts, as a writer makes it. `parse` takes every field of an item as written,
    /// so an item that parses is its own text, and the list is `list`'s exactly when the items
    /// are in its order (each at most the next, as `sorted()` leaves them).
    private static func parseList<T>(_ field: String, reader: FieldReader, form: String, parse: (Substring) -> T?) throws -> [T] {
        let value = try reader.string(field)
        let items = items(value)
        var parsed: [T] = []
        parsed.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            guard let element = parse(item) else { throw reader.fail("\(field) item '\(item.prefix(80))' is not \(form)") }
            guard index == 0 || items[index - 1] <= item else { throw reader.fail("\(field) list is not sorted") }
            parsed.append(element)
        }
        return parsed
    }

    static func parseAccess(_ text: String, reader: FieldReader) throws -> [String: Permission] {
        var access: [String: Permission] = [:]
        for item in items(text) {
            let parts = item.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, let permission = Permission(code: parts[1]), access[String(parts[0])] == nil else {
                throw reader.fail("access list item '\(item)' is not NAME:r, NAME:w or NAME:rw")
            }
            access[String(parts[0])] = permission
        }
        guard formatAccess(access) == text else { throw reader.fail("access list is not sorted") }
        return access
    }

    static func formatAccess(_ access: [String: Permission]) -> String {
        list(access.filter { !$0.value.isEmpty }.map { "\($0.key):\($0.value.code)" })
    }
}
