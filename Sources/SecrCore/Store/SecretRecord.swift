/// One key's latest version in an environment file: a value (`secret`) or a tombstone (`deleted`).
///
/// The writer signs every field except the sealed value key (`vk`), and instead signs a
/// commitment to the value key (`kc`). Rotation can then re-seal `vk` to a new environment key
/// without re-signing, and a reader that unseals `vk` checks it against `kc`, which makes the
/// AEAD key-committing (docs/FORMAT.md §4).
struct SecretRecord {
    enum Kind: String { case secret, deleted }

    static let signatureDomain = VerificationCache.recordSignatureDomain
    static let hashDomain = "secr-v1 record hash"
    static let commitmentDomain = "secr-v1 value key commitment"
    static let additionalDataDomain = "secr-v1 value"
    static let secretLayout: [(name: String, required: Bool)] = [
        ("key", true), ("v", true), ("prev", true), ("from", false), ("time", true), ("by", true),
        ("kc", true), ("nonce", true), ("ct", true), ("vk", true), ("sig", true),
    ]
    static let deletedLayout: [(name: String, required: Bool)] = [
        ("key", true), ("v", true), ("prev", true), ("time", true), ("by", true), ("sig", true),
    ]

    let line: Line
    let kind: Kind
    let key: String
    let version: Int
    let time: Timestamp
    let signer: PublicKey
    let signature: Signature
    /// The encrypted value of a `secret` record (nil for a tombstone), decoded once.
    let value: EncryptedValue?
    let lineNumber: Int

    /// What a `secret` record holds besides its metadata.
    struct EncryptedValue {
        /// `kc`: the commitment to the value key, inside the signature.
        let commitment: Digest
        let nonce: Nonce
        let ciphertext: [UInt8]
        /// `vk`: the value key sealed to the environment key, outside the signature.
        let sealedKey: SealedKey
    }

    var isDeleted: Bool { kind == .deleted }

    init(line: Line, reader: FieldReader) throws {
        guard let kind = Kind(rawValue: line.kind) else { throw reader.fail("unknown line kind '\(line.kind)'") }
        try reader.expectFields(kind == .secret ? SecretRecord.secretLayout : SecretRecord.deletedLayout)
        self.line = line
        self.kind = kind
        key = try reader.string("key")
        guard KeyName.isValid(Substring(key)) else { throw reader.fail("'\(key.prefix(80))' is not a valid key name") }
        version = try reader.number("v")
        guard version >= 1 else { throw reader.fail("\(key) has version 0; versions start at 1") }
        let prev = try reader.string("prev")
        if version == 1 {
            guard prev == "-" else { throw reader.fail("\(key) v1 must have prev=-") }
        } else {
            _ = try reader.bytes("prev", count: 32)
        }
        if let from = line.value("from") {
            guard let at = from.lastIndex(of: "@"), Names.isValid(String(from[..<at])),
                  let fromVersion = Int(from[from.index(after: at)...]), fromVersion >= 1 else {
                throw reader.fail("\(key): from=\(from.prefix(80)) is not ENV@VERSION")
            }
        }
        time = try reader.timestamp("time")
        signer = try reader.publicKey("by")
        signature = try reader.sized("sig", as: Signature.self)
        if kind == .secret {
            let ciphertext = try reader.bytes("ct")
            guard ciphertext.count >= Sodium.aeadTagBytes else { throw reader.fail("\(key) ciphertext is too short") }
            value = EncryptedValue(commitment: try reader.sized("kc", as: Digest.self), nonce: try reader.sized("nonce", as: Nonce.self),
                                   ciphertext: ciphertext, sealedKey: try reader.sized("vk", as: SealedKey.self))
        } else {
            value = nil
        }
        lineNumber = reader.lineNumber
    }

    /// A record from one line of a committed file (history), or nil when it is not one.
    init?(lineBytes: ArraySlice<UInt8>) {
        guard let line = Line.parse(Substring(String(decoding: lineBytes, as: UTF8.self))),
              let record = try? SecretRecord(line: line, reader: FieldReader(line: line, file: "", lineNumber: 0)) else { return nil }
        self = record
    }

    var prevHash: String { line.value("prev") ?? "-" }

    static func signedMessage(_ line: Line, project: String, environment: String) -> [UInt8] {
        line.signedMessage(domain: signatureDomain, context: [("project", project), ("env", environment)],
                           excluding: ["vk", "sig"])
    }

    /// What the next version of this key names as `prev`.
    func hash(project: String, environment: String) -> String {
        var encoder = CanonicalEncoder()
        encoder.append(SecretRecord.hashDomain)
        encoder.append(SecretRecord.signedMessage(line, project: project, environment: environment))
        return Sodium.base64URL(Sodium.blake2b(encoder.bytes))
    }

    /// How keep lists in the roster name this record.
    func id(project: String, environment: String) -> RecordID {
        RecordID(environment: environment, key: key, version: version, hash: hash(project: project, environment: environment))
    }

    /// The same record with its value key re-sealed to a new environment key: the signature and
    /// the commitment stay as they are, so the writer stays the signer (docs/FORMAT.md §5).
    func resealed(from old: EnvironmentKey, to newPublicKey: BoxPublicKey, random: RandomSource) throws -> Line? {
        guard let value else { return nil }
        guard let valueKey = Sodium.openSealed(value.sealedKey.bytes, publicKey: old.publicKey, secretKey: old.secretKey),
              Sodium.constantTimeEqual(SecretRecord.commitment(to: valueKey), value.commitment) else { return nil }
        let sealed = Sodium.base64URL(try Sodium.seal(valueKey, to: newPublicKey, random: random))
        var copy = line
        copy.fields = line.fields.map { $0.name == "vk" ? (name: "vk", value: sealed) : $0 }
        return copy
    }

    func signatureIsValid(project: String, environment: String) -> Bool {
        signer.verify(signature, message: SecretRecord.signedMessage(line, project: project, environment: environment))
    }

    static func additionalData(project: String, environment: String, key: String, version: Int) -> [UInt8] {
        var encoder = CanonicalEncoder()
        for part in [additionalDataDomain, project, environment, key, String(version)] { encoder.append(part) }
        return encoder.bytes
    }

    static func commitment(to valueKey: SecretBytes) -> Digest {
        var prefix = CanonicalEncoder()
        prefix.append(commitmentDomain)
        return Digest(uncheckedBytes: Sodium.blake2b(valueKey, prefix: prefix.bytes))
    }

    /// Unseals the value key with the environment key, checks it against the signed commitment,
    /// and decrypts. nil means the record was altered (the signature was checked before).
    func decrypt(with environmentKey: EnvironmentKey, project: String, environment: String) -> SecretBytes? {
        guard let value,
              let valueKey = VerificationCache.shared.openSealed(value.sealedKey.bytes, publicKey: environmentKey.publicKey, secretKey: environmentKey.secretKey, ofRecord: true),
              valueKey.count == Sodium.aeadKeyBytes,
              Sodium.constantTimeEqual(SecretRecord.commitment(to: valueKey), value.commitment) else { return nil }
        let ad = SecretRecord.additionalData(project: project, environment: environment, key: key, version: version)
        return Sodium.decrypt(value.ciphertext, key: valueKey, nonce: value.nonce, additionalData: ad)
    }

    /// A new signed record. `value` nil writes a tombstone. `writerReads`: the writer may read
    /// the environment, so the verification cache may keep the value key it sealed (a
    /// write-only writer's cache must not hold keys to values it cannot read).
    static func make(key: String, value: SecretBytes?, version: Int, prev: String, from: String? = nil, project: String,
                     environment: String, environmentPublicKey: BoxPublicKey, identity: Identity, time: Timestamp,
                     random: RandomSource, writerReads: Bool = false) throws -> Line {
        var fields: [(String, String)] = [("key", key), ("v", String(version)), ("prev", prev)]
        if let from { fields.append(("from", from)) }
        fields += [("time", time.text), ("by", identity.publicKey.text)]
        let kind: Kind
        if let value {
            kind = .secret
            let valueKey = SecretBytes(random: Sodium.aeadKeyBytes, from: random)
            let nonce = Nonce(uncheckedBytes: random.bytes(Nonce.size))
            let ad = additionalData(project: project, environment: environment, key: key, version: version)
            let ciphertext = try Sodium.encrypt(value, key: valueKey, nonce: nonce, additionalData: ad)
            let sealed = try Sodium.seal(valueKey, to: environmentPublicKey, random: random)
            if writerReads { VerificationCache.shared.rememberSealed(sealed, publicKey: environmentPublicKey, opensTo: valueKey) }
            fields += [("kc", commitment(to: valueKey).base64URL), ("nonce", nonce.base64URL),
                       ("ct", Sodium.base64URL(ciphertext)), ("vk", Sodium.base64URL(sealed))]
        } else {
            kind = .deleted
        }
        var line = Line(kind: kind.rawValue, fields: fields)
        let signature = try identity.sign(signedMessage(line, project: project, environment: environment))
        line.fields.append((name: "sig", value: signature.base64URL))
        return line
    }
}
