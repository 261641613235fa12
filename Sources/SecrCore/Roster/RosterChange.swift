/// A record that stays valid after its writer lost write permission: `ENV/KEY@VERSION:HASH`,
/// where HASH is the record hash (docs/FORMAT.md §4). Listed in the roster entry that took the
/// permission away, so the writer's genuine records keep verifying while anything they sign
/// afterwards does not.
public struct RecordID: Hashable, Sendable {
    public let environment: String
    public let key: String
    public let version: Int
    public let hash: String

    public var text: String { "\(environment)/\(key)@\(version):\(hash)" }

    init(environment: String, key: String, version: Int, hash: String) {
        self.environment = environment
        self.key = key
        self.version = version
        self.hash = hash
    }

    init?(parsing text: Substring) {
        guard let slash = text.firstIndex(of: "/"), let at = text.lastIndex(of: "@"), let colon = text.lastIndex(of: ":"),
              slash < at, at < colon else { return nil }
        let env = String(text[..<slash]), key = text[text.index(after: slash)..<at]
        let versionText = text[text.index(after: at)..<colon], hash = text[text.index(after: colon)...]
        guard Names.isValid(env), KeyName.isValid(key), let version = Int(versionText), String(version) == versionText,
              version >= 1, Sodium.fromBase64URL(hash)?.count == 32 else { return nil }
        self.init(environment: env, key: String(key), version: version, hash: String(hash))
    }
}

/// A value a member could decrypt before losing read access: `ENV/KEY@VERSION`. It stays
/// "exposed, not yet rotated" until the key has a newer version.
public struct Exposure: Hashable, Sendable {
    public let environment: String
    public let key: String
    public let version: Int

    public var text: String { "\(environment)/\(key)@\(version)" }

    init(environment: String, key: String, version: Int) {
        self.environment = environment
        self.key = key
        self.version = version
    }

    init?(parsing text: Substring) {
        guard let slash = text.firstIndex(of: "/"), let at = text.lastIndex(of: "@"), slash < at else { return nil }
        let env = String(text[..<slash]), key = text[text.index(after: slash)..<at], versionText = text[text.index(after: at)...]
        guard Names.isValid(env), KeyName.isValid(key), let version = Int(versionText), String(version) == versionText,
              version >= 1 else { return nil }
        self.init(environment: env, key: String(key), version: version)
    }
}

/// A change to the roster, before it is signed: one case per entry kind.
enum RosterChange {
    case genesis(projectID: String, projectName: String, owner: String, key: PublicKey)
    case addEnvironment(name: String, access: [String: Permission])
    case removeEnvironment(name: String)
    case addMember(name: String, key: PublicKey, role: String)
    case removeMember(name: String, keep: [RecordID], exposed: [Exposure])
    case setRole(name: String, role: String, keep: [RecordID], exposed: [Exposure])
    case addRole(name: String, manage: ManageLevel, access: [String: Permission])
    case removeRole(name: String)
    case addNeverPromote(pattern: String)
    case removeNeverPromote(pattern: String)

    var kind: String {
        switch self {
        case .genesis: "genesis"
        case .addEnvironment: "env-add"
        case .removeEnvironment: "env-remove"
        case .addMember: "member-add"
        case .removeMember: "member-remove"
        case .setRole: "member-role"
        case .addRole: "role-add"
        case .removeRole: "role-remove"
        case .addNeverPromote: "policy-add"
        case .removeNeverPromote: "policy-remove"
        }
    }

    /// The kind-specific fields of each entry kind, in order (after `seq`, before `prev`).
    static let layouts: [String: [String]] = [
        "genesis": ["project", "name", "member", "key"],
        "env-add": ["env", "access"],
        "env-remove": ["env"],
        "member-add": ["member", "key", "role"],
        "member-remove": ["member", "keep", "exposed"],
        "member-role": ["member", "role", "keep", "exposed"],
        "role-add": ["role", "manage", "access"],
        "role-remove": ["role"],
        "policy-add": ["never-promote"],
        "policy-remove": ["never-promote"],
    ]

    var fields: [(String, String)] {
        switch self {
        case let .genesis(projectID, projectName, owner, key):
            [("project", projectID), ("name", projectName), ("member", owner), ("key", key.text)]
        case let .addEnvironment(name, access):
            [("env", name), ("access", RosterChange.formatAccess(access))]
        case let .removeEnvironment(name):
            [("env", name)]
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
        }
    }

    /// Decodes the kind-specific fields of a parsed line (layout already checked).
    init(kind: String, reader: FieldReader) throws {
        switch kind {
        case "env-add":
            self = .addEnvironment(name: try reader.string("env"), access: try RosterChange.parseAccess(try reader.string("access"), reader: reader))
        case "env-remove":
            self = .removeEnvironment(name: try reader.string("env"))
        case "member-add":
            self = .addMember(name: try reader.string("member"), key: try reader.publicKey("key"), role: try reader.string("role"))
        case "member-remove":
            self = .removeMember(name: try reader.string("member"), keep: try RosterChange.parseKeep(reader),
                                 exposed: try RosterChange.parseExposed(reader))
        case "member-role":
            self = .setRole(name: try reader.string("member"), role: try reader.string("role"),
                            keep: try RosterChange.parseKeep(reader), exposed: try RosterChange.parseExposed(reader))
        case "role-add":
            let manage: ManageLevel
            switch try reader.string("manage") {
            case "none": manage = .none
            case "members": manage = .members
            default: throw reader.fail("manage must be none or members")
            }
            self = .addRole(name: try reader.string("role"), manage: manage,
                            access: try RosterChange.parseAccess(try reader.string("access"), reader: reader))
        case "role-remove":
            self = .removeRole(name: try reader.string("role"))
        case "policy-add":
            self = .addNeverPromote(pattern: try reader.string("never-promote"))
        case "policy-remove":
            self = .removeNeverPromote(pattern: try reader.string("never-promote"))
        default:
            throw reader.fail("unknown roster entry kind '\(kind)' (written by a newer secr?)")
        }
    }

    // MARK: Field encodings

    static func list(_ items: [String]) -> String { items.isEmpty ? "-" : items.sorted().joined(separator: ",") }

    private static func items(_ text: String) -> [Substring] {
        text == "-" ? [] : text.split(separator: ",", omittingEmptySubsequences: false)
    }

    static func parseKeep(_ reader: FieldReader) throws -> [RecordID] {
        try parseList("keep", reader: reader, form: "ENV/KEY@VERSION:HASH", parse: RecordID.init(parsing:), text: \.text)
    }

    static func parseExposed(_ reader: FieldReader) throws -> [Exposure] {
        try parseList("exposed", reader: reader, form: "ENV/KEY@VERSION", parse: Exposure.init(parsing:), text: \.text)
    }

    /// A sorted, comma-separated field whose items each parse as `T`.
    private static func parseList<T>(_ field: String, reader: FieldReader, form: String, parse: (Substring) -> T?,
                                     text: (T) -> String) throws -> [T] {
        let value = try reader.string(field)
        let parsed = try items(value).map { item in
            guard let element = parse(item) else { throw reader.fail("\(field) item '\(item.prefix(80))' is not \(form)") }
            return element
        }
        guard list(parsed.map(text)) == value else { throw reader.fail("\(field) list is not sorted") }
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
