/// The state the roster describes after some prefix of its entries.
public struct RosterState: Sendable {
    public let projectID: String
    public let projectName: String
    public internal(set) var members: [String: Member] = [:]
    public internal(set) var roles: [String: Role] = [:]
    public internal(set) var environments: [String] = []

    init(projectID: String, projectName: String) {
        self.projectID = projectID
        self.projectName = projectName
        for role in Role.builtIn { roles[role.name] = role }
    }

    public func member(withKey key: PublicKey) -> Member? { members.values.first { $0.key == key } }

    public func permission(of member: Member, in environment: String) -> Permission {
        roles[member.role]?.permission(in: environment) ?? .none
    }

    public func manageLevel(of member: Member) -> ManageLevel { roles[member.role]?.manage ?? .none }

    /// Members whose role reads `environment`, sorted by name.
    public func readers(of environment: String) -> [Member] {
        members.values.filter { permission(of: $0, in: environment).contains(.read) }.sorted { $0.name < $1.name }
    }

    /// Names of the members who could grant access to `environment`: managers who read it.
    public func grantors(of environment: String) -> [String] {
        readers(of: environment).filter { manageLevel(of: $0) > .none }.map(\.name)
    }

    public func hasEnvironment(_ name: String) -> Bool { environments.contains(name) }
}

/// A change to the roster, before it is signed.
enum RosterChange {
    case genesis(projectID: String, projectName: String, owner: String, key: PublicKey)
    case addEnvironment(name: String, access: [String: Permission])
    case addMember(name: String, key: PublicKey, role: String)

    var kind: String {
        switch self {
        case .genesis: "genesis"
        case .addEnvironment: "env-add"
        case .addMember: "member-add"
        }
    }
}

/// `.secr/roster`: the signed, hash-chained, append-only log of members, roles and environments.
///
/// Each entry names the hash of the one before it and is signed by a member who, in the state
/// before the entry, was allowed to make that change. Verification needs only this file, so a
/// shallow CI clone can check it; the hash of the genesis line identifies the project.
public struct Roster: Sendable {
    static let header = "secr-roster v1"
    static let signatureDomain = "secr-v1 roster entry"
    static let hashDomain = "secr-v1 roster hash"

    public let file: String
    public private(set) var lines: [String]
    public private(set) var state: RosterState
    /// base64url BLAKE2b-256 of the genesis line: what a clone pins.
    public let rootHash: String
    public private(set) var headHash: String

    public var text: String { ([Roster.header] + lines).joined(separator: "\n") + "\n" }

    static func hash(ofLine line: String) -> String {
        var encoder = CanonicalEncoder()
        encoder.append(hashDomain)
        encoder.append(line)
        return Sodium.base64URL(Sodium.blake2b(encoder.bytes))
    }

    /// Parses and verifies the whole chain; any failure is an integrity error naming the line.
    public static func load(_ bytes: [UInt8], file: String) throws -> Roster {
        let all = try splitLines(bytes, file: file)
        guard all.first == Substring(header) else {
            throw SecrError.integrity("\(file) does not start with '\(header)'; it is not a secr roster or was altered")
        }
        guard all.count >= 2 else { throw SecrError.integrity("\(file) has no genesis entry") }
        var roster: Roster?
        for (index, text) in all.dropFirst().enumerated() {
            let number = index + 2
            guard let line = Line.parse(text) else {
                throw SecrError.integrity("\(file):\(number): not a valid roster line; the file was altered or corrupted")
            }
            let reader = FieldReader(line: line, file: file, lineNumber: number)
            if var current = roster {
                try current.apply(line, text: String(text), reader: reader)
                roster = current
            } else {
                roster = try Roster(genesis: line, text: String(text), reader: reader, file: file)
            }
        }
        guard let roster else { throw SecrError.integrity("\(file) has no genesis entry") }
        return roster
    }

    private init(genesis line: Line, text: String, reader: FieldReader, file: String) throws {
        guard line.kind == "genesis" else { throw reader.fail("the first entry must be the genesis") }
        try reader.expectFields([("seq", true), ("project", true), ("name", true), ("member", true), ("key", true),
                                 ("time", true), ("by", true), ("sig", true)])
        guard try reader.number("seq") == 0 else { throw reader.fail("the genesis must have seq=0") }
        let owner = try reader.string("member"), key = try reader.publicKey("key")
        try Names.check(owner, "member")
        guard try reader.publicKey("by") == key else { throw reader.fail("the genesis must be signed by the first owner") }
        _ = try reader.timestamp("time")
        try Roster.checkSignature(line, reader: reader, signer: key)
        self.file = file
        lines = [text]
        var state = RosterState(projectID: try reader.string("project"), projectName: try reader.string("name"))
        state.members[owner] = Member(name: owner, key: key, role: "owner")
        self.state = state
        rootHash = Roster.hash(ofLine: text)
        headHash = rootHash
    }

    private static func checkSignature(_ line: Line, reader: FieldReader, signer: PublicKey) throws {
        let signature = try reader.bytes("sig", count: Sodium.signatureBytes)
        let message = line.signedMessage(domain: signatureDomain, excluding: ["sig"])
        guard signer.verify(signature: signature, message: message) else {
            throw reader.fail("the signature of this \(line.kind) entry does not verify")
        }
    }

    /// Verifies one entry against the current state and applies it.
    private mutating func apply(_ line: Line, text: String, reader: FieldReader) throws {
        let layout: [(String, Bool)]
        switch line.kind {
        case "env-add": layout = [("seq", true), ("env", true), ("access", true)]
        case "member-add": layout = [("seq", true), ("member", true), ("key", true), ("role", true)]
        case "genesis": throw reader.fail("a second genesis entry")
        default: throw reader.fail("unknown roster entry kind '\(line.kind)' (written by a newer secr?)")
        }
        try reader.expectFields(layout + [("prev", true), ("time", true), ("by", true), ("sig", true)])
        guard try reader.number("seq") == lines.count else {
            throw reader.fail("entry has seq=\(try reader.string("seq")) but is entry \(lines.count): entries were removed, reordered or inserted")
        }
        guard try reader.string("prev") == headHash else {
            throw reader.fail("entry does not follow the entry before it (prev hash mismatch): entries were removed, reordered or altered")
        }
        _ = try reader.timestamp("time")
        let signerKey = try reader.publicKey("by")
        guard let signer = state.member(withKey: signerKey) else {
            throw reader.fail("\(line.kind) entry is signed by \(signerKey.text.prefix(16))…, who is not a member at that point")
        }
        try Roster.checkSignature(line, reader: reader, signer: signerKey)
        let change: RosterChange
        switch line.kind {
        case "env-add":
            change = .addEnvironment(name: try reader.string("env"), access: try Roster.parseAccess(try reader.string("access"), reader: reader))
        default:
            change = .addMember(name: try reader.string("member"), key: try reader.publicKey("key"), role: try reader.string("role"))
        }
        do {
            try state.apply(change, by: signer)
        } catch let error as SecrError {
            throw reader.fail("\(line.kind) entry is not permitted: \(error.message)")
        }
        lines.append(text)
        headHash = Roster.hash(ofLine: text)
    }

    static func parseAccess(_ text: String, reader: FieldReader) throws -> [String: Permission] {
        var access: [String: Permission] = [:]
        if text == "-" { return access }
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = item.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, let permission = Permission(code: parts[1]), access[String(parts[0])] == nil else {
                throw reader.fail("access list item '\(item)' is not role:r, role:w or role:rw")
            }
            access[String(parts[0])] = permission
        }
        guard formatAccess(access) == text else { throw reader.fail("access list is not sorted by role name") }
        return access
    }

    static func formatAccess(_ access: [String: Permission]) -> String {
        let items = access.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value.code)" }
        return items.isEmpty ? "-" : items.joined(separator: ",")
    }

    /// A new genesis roster with `owner` as its only member.
    static func create(projectName: String, owner: String, identity: Identity, time: Timestamp, random: RandomSource) throws -> Roster {
        let projectID = Sodium.base64URL(random.bytes(16))
        let line = try signedLine(.genesis(projectID: projectID, projectName: projectName, owner: owner, key: identity.publicKey),
                                  seq: 0, prev: nil, time: time, identity: identity)
        return try load(Array((header + "\n" + line + "\n").utf8), file: ".secr/roster")
    }

    /// Signs `change` as the next entry and applies it; throws when the signer may not make it.
    mutating func append(_ change: RosterChange, identity: Identity, time: Timestamp) throws {
        guard let signer = state.member(withKey: identity.publicKey) else {
            throw SecrError.denied("you are not a member of this project; ask an admin to run `secr member add NAME \(identity.publicKey.text) --role ROLE`")
        }
        var next = state
        try next.apply(change, by: signer)
        let line = try Roster.signedLine(change, seq: lines.count, prev: headHash, time: time, identity: identity)
        lines.append(line)
        headHash = Roster.hash(ofLine: line)
        state = next
    }

    private static func signedLine(_ change: RosterChange, seq: Int, prev: String?, time: Timestamp, identity: Identity) throws -> String {
        var fields: [(String, String)] = [("seq", String(seq))]
        switch change {
        case let .genesis(projectID, projectName, owner, key):
            fields += [("project", projectID), ("name", projectName), ("member", owner), ("key", key.text)]
        case let .addEnvironment(name, access):
            fields += [("env", name), ("access", formatAccess(access))]
        case let .addMember(name, key, role):
            fields += [("member", name), ("key", key.text), ("role", role)]
        }
        if let prev { fields.append(("prev", prev)) }
        fields += [("time", time.text), ("by", identity.publicKey.text)]
        var line = Line(kind: change.kind, fields: fields)
        let signature = try identity.sign(line.signedMessage(domain: signatureDomain, excluding: ["sig"]))
        line.fields.append((name: "sig", value: Sodium.base64URL(signature)))
        return line.text
    }
}

extension RosterState {
    /// Applies a change made by `signer`, or throws why they may not make it.
    mutating func apply(_ change: RosterChange, by signer: Member) throws {
        let level = manageLevel(of: signer)
        switch change {
        case .genesis:
            throw SecrError.integrity("a roster has exactly one genesis")
        case let .addEnvironment(name, access):
            try Names.check(name, "environment")
            guard level >= .members else {
                throw SecrError.denied("\(signer.name) (\(signer.role)) may not add environments; an admin or owner can")
            }
            guard !hasEnvironment(name) else { throw SecrError.usage("environment '\(name)' exists already") }
            for role in access.keys where roles[role] == nil {
                throw SecrError.usage("role '\(role)' does not exist")
            }
            environments.append(name)
            for (role, permission) in access { roles[role]?.permissions[name] = permission }
        case let .addMember(name, key, role):
            try Names.check(name, "member")
            guard level >= .members else {
                throw SecrError.denied("\(signer.name) (\(signer.role)) may not add members; an admin or owner can")
            }
            guard let target = roles[role] else {
                throw SecrError.usage("role '\(role)' does not exist; roles: \(roles.keys.sorted().joined(separator: ", "))")
            }
            guard target.manage < .all || level == .all else {
                throw SecrError.denied("only an owner may add an owner; \(signer.name) is \(signer.role)")
            }
            guard members[name] == nil else { throw SecrError.usage("member '\(name)' exists already") }
            if let existing = member(withKey: key) {
                throw SecrError.usage("that public key belongs to member '\(existing.name)' already")
            }
            members[name] = Member(name: name, key: key, role: role)
        }
    }
}
