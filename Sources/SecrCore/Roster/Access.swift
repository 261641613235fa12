/// What a role may do in one environment: none, write-only, read-only or read/write.
public struct Permission: OptionSet, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let read = Permission(rawValue: 1)
    public static let write = Permission(rawValue: 2)
    public static let none: Permission = []
    public static let readWrite: Permission = [.read, .write]

    /// `r`, `w`, `rw` (the roster's spelling); nil for anything else.
    init?(code: Substring) {
        switch code {
        case "r": self = .read
        case "w": self = .write
        case "rw": self = .readWrite
        default: return nil
        }
    }

    var code: String { (contains(.read) ? "r" : "") + (contains(.write) ? "w" : "") }

    public var description: String {
        switch self {
        case .readWrite: "read/write"
        case .read: "read"
        case .write: "write-only"
        default: "none"
        }
    }
}

/// How far a role may change the roster.
public enum ManageLevel: Int, Comparable, Sendable {
    case none = 0
    /// Add, remove and change members whose role is not `owner`.
    case members = 1
    /// Everything, including owners, roles and environments' removal.
    case all = 2

    public static func < (a: ManageLevel, b: ManageLevel) -> Bool { a.rawValue < b.rawValue }
}

public struct Role: Sendable {
    public let name: String
    public let manage: ManageLevel
    /// Environment name → permission; a missing environment means none.
    public internal(set) var permissions: [String: Permission]

    public func permission(in environment: String) -> Permission { permissions[environment] ?? .none }

    /// The built-in roles of DESIGN.md §4. Their per-environment permissions come from the
    /// roster's `env-add` entries, so a new environment needs no code change.
    static let builtIn: [Role] = [
        Role(name: "viewer", manage: .none, permissions: [:]),
        Role(name: "developer", manage: .none, permissions: [:]),
        Role(name: "admin", manage: .members, permissions: [:]),
        Role(name: "owner", manage: .all, permissions: [:]),
    ]

    /// The access table `secr init` writes for the three standard environments.
    static let standardAccess: [(environment: String, access: [String: Permission])] = [
        ("development", ["viewer": .read, "developer": .readWrite, "admin": .readWrite, "owner": .readWrite]),
        ("staging", ["viewer": .read, "developer": .readWrite, "admin": .readWrite, "owner": .readWrite]),
        ("production", ["admin": .readWrite, "owner": .readWrite]),
    ]
}

public struct Member: Sendable {
    public let name: String
    public let key: PublicKey
    public let role: String
}

/// Names of members, roles and environments: lower case, digits, `-` and `_`, starting with a
/// letter or digit, at most 64 characters. Safe as file names and in every output format.
enum Names {
    static func isValid(_ name: String) -> Bool {
        let b = Array(name.utf8)
        guard (1...64).contains(b.count) else { return false }
        func ok(_ c: UInt8) -> Bool { (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) }
        return ok(b[0]) && b.allSatisfy { ok($0) || $0 == 0x2d || $0 == 0x5f }
    }

    static func check(_ name: String, _ what: String) throws {
        guard isValid(name) else {
            throw SecrError.usage("'\(name.prefix(80))' is not a valid \(what) name: use 1 to 64 lower-case letters, digits, '-' or '_', starting with a letter or digit")
        }
    }
}

/// Secret key names: valid environment variable names.
public enum KeyName {
    public static func isValid(_ name: Substring) -> Bool {
        guard let first = name.utf8.first, name.utf8.count <= 256 else { return false }
        func letter(_ c: UInt8) -> Bool { (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c == 0x5f }
        return letter(first) && name.utf8.allSatisfy { letter($0) || ($0 >= 0x30 && $0 <= 0x39) }
    }

    public static func check(_ name: Substring) throws {
        guard isValid(name) else {
            throw SecrError.usage("\(Redaction.quoted(name)) is not a valid key name: key names are environment variable names, a letter or '_' followed by letters, digits or '_' ([A-Za-z_][A-Za-z0-9_]*)")
        }
    }
}

extension RosterState {
    /// A member's permission in each environment, for JSON listings.
    public func accessJSON(of member: Member) -> JSONValue {
        .object(environments.map { ($0, .string(permission(of: member, in: $0).description)) })
    }

    /// `secr member list --json`.
    public var membersJSON: JSONValue {
        .array(members.values.sorted { $0.name < $1.name }.map { member in
            .object([("name", .string(member.name)), ("role", .string(member.role)), ("key", .string(member.key.text)), ("access", accessJSON(of: member))])
        })
    }

    /// `secr role list --json`.
    public var rolesJSON: JSONValue {
        .array(roles.values.sorted { $0.name < $1.name }.map { role in
            .object([("name", .string(role.name)), ("manage", .string(role.manage.name)),
                     ("members", .number(members.values.filter { $0.role == role.name }.count)),
                     ("access", .object(environments.map { ($0, .string(role.permission(in: $0).description)) }))])
        })
    }
}

extension ManageLevel {
    /// `none`, `members` or `all`, as role listings show it.
    public var name: String {
        switch self {
        case .none: "none"
        case .members: "members"
        case .all: "all"
        }
    }
}

extension RosterState {
    /// The one permission check of a member's action in an environment, with the one message:
    /// who may not do what, what their role gives them there, and who can change it.
    public func require(_ needed: Permission, of member: Member, in environment: String, to action: String) throws {
        let has = permission(of: member, in: environment)
        guard !has.isSuperset(of: needed) else { return }
        let who = grantors(of: environment).filter { $0 != member.name }
        throw SecrError.denied("\(member.name) (\(member.role)) may not \(action) in '\(environment)': the role gives \(has.description) access there",
                               hint: who.isEmpty ? "no manager can read '\(environment)'; an owner must change the roles"
                                   : "ask \(who.joined(separator: " or ")) to change your role (`secr member set-role \(member.name) ROLE`)")
    }
}
