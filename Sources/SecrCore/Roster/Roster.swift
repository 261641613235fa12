/// `.secr/roster`: the signed, hash-chained, append-only log of members, roles and environments.
///
/// Each entry names the hash of the one before it and is signed by a member who, in the state
/// before the entry, was allowed to make that change. Verification needs only this file, so a
/// shallow CI clone can check it; the hash of the genesis line (the root) identifies the project.
package struct Roster: Sendable {
    static let header = "secr-roster v2"
    /// Rosters written by secr 0.1: read in history and by `secr upgrade`, never used for a read.
    static let version1Header = "secr-roster v1"
    static let signatureDomain = "secr-v1 roster entry"
    static let hashDomain = "secr-v1 roster hash"

    package let file: String
    package private(set) var lines: [String]
    package private(set) var state: RosterState
    /// base64url BLAKE2b-256 of the genesis line: what a clone pins.
    package let rootHash: String
    package private(set) var headHash: String

    /// 2, or 1 for a roster loaded with `allowVersion1` from before `secr upgrade`.
    package var formatVersion: Int { state.formatVersion }

    package var text: String {
        ([formatVersion == 1 ? Roster.version1Header : Roster.header] + lines).joined(separator: "\n") + "\n"
    }

    /// The number of entries; the last one has seq `count - 1`.
    package var count: Int { lines.count }

    static func hash(ofLine line: String) -> String {
        var encoder = CanonicalEncoder()
        encoder.append(hashDomain)
        encoder.append(line)
        return Sodium.base64URL(Sodium.blake2b(encoder.bytes))
    }

    /// The hash of entry `seq` (what a pinned head names).
    package func entryHash(at seq: Int) -> String? { lines.indices.contains(seq) ? Roster.hash(ofLine: lines[seq]) : nil }

    /// Parses and verifies the whole chain; any failure is an integrity error naming the line.
    /// `expectedRoot` is compared before anything else is verified, so a hostile roster of
    /// another project costs one hash, not a chain walk. Version 1 rosters are refused unless
    /// `allowVersion1` (history, `secr upgrade`). Verification is linear in the roster's length.
    package static func load(_ bytes: [UInt8], file: String, expectedRoot: String? = nil, allowVersion1: Bool = false) throws -> Roster {
        let all = try splitLines(bytes, file: file)
        let version: Int
        switch all.first {
        case Substring(header): version = 2
        case Substring(version1Header):
            guard allowVersion1 else {
                throw SecrError.failure("\(file) is in the format of secr 0.1 (secr-roster v1); an owner upgrades it once with `secr upgrade`, then commits")
            }
            version = 1
        default:
            throw SecrError.integrity("\(file) does not start with '\(header)'; it is not a secr roster or was altered")
        }
        guard all.count >= 2 else { throw SecrError.integrity("\(file) has no genesis entry") }
        if let expectedRoot, hash(ofLine: String(all[1])) != expectedRoot {
            throw SecrError.integrity("the roster \(file) has root \(hash(ofLine: String(all[1]))), but \(expectedRoot) was expected (--expect-root or $SECR_ROSTER_ROOT): this is not the store you pinned, or it was replaced. Nothing was read.")
        }
        var roster = try Roster(genesis: all[1], file: file, version: version)
        let entries = Array(all.dropFirst(2))
        let parsed = entries.map { Line.parse($0) }
        let verdicts = verifyAhead(parsed)
        for (offset, text) in entries.enumerated() {
            try roster.apply(text, lineNumber: offset + 3, parsed: parsed[offset], verdict: verdicts[offset])
        }
        return roster
    }

    /// Every entry's signature checked against the key its `by` names, before the chain is
    /// walked: the curve arithmetic is independent from entry to entry, so a first read runs it
    /// on every core (the verification cache answers the rest). The walk still checks, entry by
    /// entry and in order, that this key belonged to a member allowed to make that change; a
    /// verdict only replaces the one `verify` call the walk would have made for the same bytes.
    /// nil for an entry too malformed to check here: the walk reports it.
    private static func verifyAhead(_ lines: [Line?]) -> [Bool?] {
        var items: [(signature: Signature, message: [UInt8], publicKey: [UInt8])] = []
        var slots = [Int?](repeating: nil, count: lines.count)
        for (index, line) in lines.enumerated() {
            guard let line else { continue }
            let reader = FieldReader(line: line, file: "", lineNumber: 0)
            guard let signature = try? reader.sized("sig", as: Signature.self), let key = try? reader.publicKey("by") else { continue }
            slots[index] = items.count
            items.append((signature, line.signedMessage(domain: signatureDomain, excluding: ["sig"]), key.bytes))
        }
        guard !items.isEmpty else { return slots.map { _ in nil } }
        let verdicts = VerificationCache.shared.verifyEach(items)
        return slots.map { $0.map { verdicts[$0] } }
    }

    /// The roster as of `bytes`. When they only append entries to this roster, just the new
    /// entries are verified (history walks extend the roster commit by commit).
    func extended(to bytes: [UInt8], file: String) throws -> Roster {
        let current = Array(text.utf8)
        guard bytes.count > current.count, bytes.starts(with: current) else {
            return bytes == current ? self : try Roster.load(bytes, file: file, allowVersion1: true)
        }
        var roster = self
        let all = try splitLines(bytes, file: file)
        for (index, text) in all.enumerated().dropFirst(lines.count + 1) {
            try roster.apply(text, lineNumber: index + 1)
        }
        return roster
    }

    private init(genesis text: Substring, file: String, version: Int) throws {
        guard let line = Line.parse(text) else {
            throw SecrError.integrity("\(file):2: not a valid roster line; the file was altered or corrupted")
        }
        let reader = FieldReader(line: line, file: file, lineNumber: 2)
        guard line.kind == RosterEntryKind.genesis.rawValue else { throw reader.fail("the first entry must be the genesis") }
        try reader.expectFields(Roster.layout(of: .genesis))
        guard try reader.number("seq") == 0 else { throw reader.fail("the genesis must have seq=0") }
        let owner = try reader.string("member"), key = try reader.publicKey("key")
        guard Names.isValid(owner) else { throw reader.fail("'\(owner.prefix(80))' is not a valid member name") }
        guard try reader.publicKey("by") == key else { throw reader.fail("the genesis must be signed by the first owner") }
        _ = try reader.timestamp("time")
        try Roster.checkSignature(line, reader: reader, signer: key)
        self.file = file
        lines = [String(text)]
        var state = RosterState(projectID: try reader.string("project"), projectName: try reader.string("name"), formatVersion: version)
        state.setMember(Member(name: owner, key: key, role: "owner"))
        self.state = state
        rootHash = Roster.hash(ofLine: String(text))
        headHash = rootHash
    }

    /// All fields of an entry kind, in order.
    static func layout(of kind: RosterEntryKind) -> [(name: String, required: Bool)] {
        let chain = kind == .genesis ? [] : ["prev"]
        return (["seq"] + kind.fields + chain + ["time", "by", "sig"]).map { ($0, true) }
    }

    private static func checkSignature(_ line: Line, reader: FieldReader, signer: PublicKey, verdict: Bool? = nil) throws {
        let signature = try reader.sized("sig", as: Signature.self)
        let verified = verdict ?? signer.verify(signature, message: line.signedMessage(domain: signatureDomain, excluding: ["sig"]))
        guard verified else {
            throw reader.fail("the signature of this \(line.kind) entry does not verify")
        }
    }

    /// Verifies one entry against the current state and applies it.
    /// `parsed` and `verdict` are `Line.parse(text)` and `verifyAhead`'s answer when the caller
    /// has them already.
    private mutating func apply(_ text: Substring, lineNumber: Int, parsed: Line?? = nil, verdict: Bool? = nil) throws {
        guard let line = parsed ?? Line.parse(text) else {
            throw SecrError.integrity("\(file):\(lineNumber): not a valid roster line; the file was altered or corrupted")
        }
        let reader = FieldReader(line: line, file: file, lineNumber: lineNumber)
        guard let kind = RosterEntryKind(rawValue: line.kind), formatVersion >= 2 || kind.existsInVersion1 else {
            throw reader.fail("unknown roster entry kind '\(line.kind)' (written by a newer secr? upgrade secr)")
        }
        try reader.expectFields(Roster.layout(of: kind))
        guard try reader.number("seq") == lines.count else {
            throw reader.fail("entry has seq=\(try reader.string("seq")) but is entry \(lines.count): entries were removed, reordered or inserted")
        }
        guard try reader.string("prev") == headHash else {
            throw reader.fail("entry does not follow the entry before it (prev hash mismatch): entries were removed, reordered or altered")
        }
        let time = try reader.timestamp("time")
        let signerKey = try reader.publicKey("by")
        guard let signer = state.member(withKey: signerKey) else {
            throw reader.fail("\(line.kind) entry is signed by \(signerKey.text.prefix(16))…, who is not a member at that point")
        }
        try Roster.checkSignature(line, reader: reader, signer: signerKey, verdict: verdict)
        let change = try RosterChange(kind: kind, reader: reader)
        do {
            try state.apply(change, by: signer, seq: lines.count, time: time)
        } catch let error as SecrError {
            throw reader.fail("\(line.kind) entry by \(signer.name) is not permitted: \(error.message)")
        }
        let entry = String(text)
        lines.append(entry)
        headHash = Roster.hash(ofLine: entry)
    }

    /// The same entries as a format 2 roster (`secr upgrade`): every signature and the root
    /// stay as they are, since entries are signed the same way in both versions.
    func upgradedToVersion2() throws -> Roster {
        guard formatVersion == 1 else { return self }
        return try Roster.load(Array(([Roster.header] + lines).joined(separator: "\n").utf8) + [0x0a], file: file)
    }

    /// Verifies and applies one more entry line (history judgements replay a branch's entries).
    mutating func appendVerified(_ text: String) throws {
        try apply(Substring(text), lineNumber: lines.count + 2)
    }

    /// The roster made of the first `count` entries (at least the genesis).
    func prefix(_ count: Int) throws -> Roster {
        try Roster.load(Array(([formatVersion == 1 ? Roster.version1Header : Roster.header] + lines.prefix(max(count, 1)))
            .joined(separator: "\n").utf8) + [0x0a], file: file, allowVersion1: true)
    }

    /// A new genesis roster with `owner` as its only member.
    static func create(projectName: String, owner: String, identity: Identity, time: Timestamp, random: RandomSource) throws -> Roster {
        let projectID = Sodium.base64URL(random.bytes(16))
        let line = try signedLine(.genesis(projectID: projectID, projectName: projectName, owner: owner, key: identity.publicKey),
                                  seq: 0, prev: nil, time: time, identity: identity)
        return try Roster(genesis: Substring(line), file: ".secr/roster", version: 2)
    }

    /// Signs `change` as the next entry and applies it; throws when the signer may not make it.
    mutating func append(_ change: RosterChange, identity: Identity, time: Timestamp) throws {
        guard let signer = state.member(withKey: identity.publicKey) else {
            throw SecrError.notAMember(identity.publicKey)
        }
        var next = state
        try next.apply(change, by: signer, seq: lines.count, time: time)
        let line = try Roster.signedLine(change, seq: lines.count, prev: headHash, time: time, identity: identity)
        lines.append(line)
        headHash = Roster.hash(ofLine: line)
        state = next
    }

    private static func signedLine(_ change: RosterChange, seq: Int, prev: String?, time: Timestamp, identity: Identity) throws -> String {
        var fields: [(String, String)] = [("seq", String(seq))] + change.fields
        if let prev { fields.append(("prev", prev)) }
        fields += [("time", time.text), ("by", identity.publicKey.text)]
        var line = Line(kind: change.kind.rawValue, fields: fields)
        let signature = try identity.sign(line.signedMessage(domain: signatureDomain, excluding: ["sig"]))
        line.fields.append((name: "sig", value: signature.base64URL))
        return line.text
    }
}
