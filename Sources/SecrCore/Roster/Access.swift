/// What a role may do in one environment: none, write-only, read-only or read/write.
package struct Permission: OptionSet, Hashable, Sendable, CustomStringConvertible {
    package let rawValue: UInt8
    package init(rawValue: UInt8) { self.rawValue = rawValue }

    package static let read = Permission(rawValue: 1)
    package static let write = Permission(rawValue: 2)
    package static let none: Permission = []
    package static let readWrite: Permission = [.read, .write]

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

    package var description: String {
        switch self {
        case .readWrite: "read/write"
        case .read: "read"
        case .write: "write-only"
        default: "none"
        }
    }
}

/// How far a role may change the roster.
package enum ManageLevel: Int, Comparable, Sendable {
    case none = 0
    /// Add, remove and change members whose role is not `owner`.
    case members = 1
    /// Everything, including owners, roles and environments' removal.
    case all = 2

    package static func < (a: ManageLevel, b: ManageLevel) -> Bool { a.rawValue < b.rawValue }
}

package struct Role: Sendable {
    package let name: String
    package let manage: ManageLevel
    /// Environment name → permission; a missing environment means none.
    package internal(set) var permissions: [String: Permission]

    package func permission(in environment: String) -> Permission { permissions[environment] ?? .none }

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

package struct Member: Sendable {
    package let name: String
    package let key: PublicKey
    package let role: String
}

extension RosterState {
    /// A member's permission in each environment, for JSON listings.
    package func accessJSON(of member: Member) -> JSONValue {
        .object(environments.map { ($0, .string(permission(of: member, in: $0).description)) })
    }

    /// `secr member list --json`.
    package var membersJSON: JSONValue {
        .array(members.values.sorted { $0.name < $1.name }.map { member in
            .object([("name", .string(member.name)), ("role", .string(member.role)), ("key", .string(member.key.text)), ("access", accessJSON(of: member))])
        })
    }

    /// `secr role list --json`.
    package var rolesJSON: JSONValue {
        .array(roles.values.sorted { $0.name < $1.name }.map { role in
            .object([("name", .string(role.name)), ("manage", .string(role.manage.name)),
                     ("members", .number(members.values.filter { $0.role == role.name }.count)),
                     ("access", .object(environments.map { ($0, .string(role.permission(in: $0).description)) }))])
        })
    }
}

extension ManageLevel {
    /// `none`, `members` or `all`, as role listings show it.
    package var name: String {
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
    package func require(_ needed: Permission, of member: Member, in environment: String, to action: String) throws {
        let has = permission(of: member, in: environment)
        guard !has.isSuperset(of: needed) else { return }
        let who = grantors(of: environment).filter { $0 != member.name }
        throw SecrError.denied("\(member.name) (\(member.role)) may not \(action) in '\(environment)': the role gives \(has.description) access there",
                               hint: who.isEmpty ? "no manager can read '\(environment)'; an owner must change the roles"
                                   : "ask \(who.joined(separator: " or ")) to change your role (`secr member set-role \(member.name) ROLE`)")
    }
}

extension SecrError {
    /// The caller's identity is not in the roster, with the command that would add it.
    package static func notAMember(_ key: PublicKey) -> SecrError {
        denied("you (\(key.text)) are not a member of this project", hint: "ask an admin to run `secr member add NAME \(key.text) --role ROLE`")
    }
}
