/// How hard Argon2id works to turn a passphrase into the key that opens an identity file. It is
/// paid by every command that loads the identity, so the default is chosen for a tool run many
/// times a day: 3 passes over 64 MiB (about 0.1 s on a laptop core), the same order of work as
/// age's passphrase mode per guess. `--kdf-cost high` is 4 passes over 256 MiB (about 0.7 s).
package struct PassphraseCost: Equatable, Sendable {
    package let operations: UInt64
    /// KiB, as the file records it.
    package let memoryKiB: Int

    package static let standard = PassphraseCost(operations: 3, memoryKiB: 64 * 1024)
    package static let high = PassphraseCost(operations: 4, memoryKiB: 256 * 1024)
    /// For tests only: the smallest cost libsodium accepts.
    package static let minimal = PassphraseCost(operations: 1, memoryKiB: 8)

    /// What a file may ask for: within libsodium's range and at most 4 GiB, so a crafted file
    /// cannot make secr allocate without bound.
    static let operationsRange: ClosedRange<UInt64> = 1...32
    static let memoryRange: ClosedRange<Int> = 8...(4 * 1024 * 1024)
}

/// A passphrase-protected identity file: the same comments as a plain one, and instead of the
/// `SECR-SECRET-KEY-1…` line one line
///
///     secr-encrypted-identity v1 kdf=argon2id13 ops=3 mem=65536 salt=… nonce=… box=…
///
/// where the key is Argon2id(passphrase, salt, ops passes, mem KiB) and box is the 32-byte seed
/// sealed with XSalsa20-Poly1305 (libsodium's secretbox) under that key (salt 16 bytes, nonce
/// 24, base64url). A wrong passphrase and an altered line fail the same way: the box does not
/// open. The public key comment is not trusted: the public key is derived from the seed.
extension Identity {
    static let encryptedTag = "secr-encrypted-identity"

    /// Whether identity text is passphrase-protected (and so needs `unlock`).
    public static func isProtected(_ text: String) -> Bool { encryptedLine(in: text) != nil }

    private static func encryptedLine(in text: String) -> Substring? {
        text.textLines().map { $0.trimmingSpaces() }
            .first { $0.hasPrefix(encryptedTag + " ") }
    }

    /// The text of a protected identity file.
    package func protectedFileText(passphrase: SecretBytes, cost: PassphraseCost, created: Timestamp,
                                   random: RandomSource = SystemRandom()) throws -> String {
        guard passphrase.count > 0 else { throw SecrError.usage("the passphrase is empty") }
        var salt = [UInt8](repeating: 0, count: Sodium.passwordSaltBytes)
        var nonce = [UInt8](repeating: 0, count: Nonce.size)
        salt.withUnsafeMutableBytes { random.fill($0) }
        nonce.withUnsafeMutableBytes { random.fill($0) }
        let key = try Sodium.passwordKey(passphrase, salt: salt, operations: cost.operations, memory: cost.memoryKiB * 1024)
        let box = try Sodium.secretbox(seed, key: key, nonce: Nonce(uncheckedBytes: nonce))
        return """
            # secr identity: a secret key, encrypted with a passphrase (Argon2id, then XSalsa20-Poly1305).
            # Keep it private (mode 0600), back it up, and never commit it.
            # created: \(created.text)
            # public key: \(publicKey.text)
            \(Identity.encryptedTag) v1 kdf=argon2id13 ops=\(cost.operations) mem=\(cost.memoryKiB) salt=\(Sodium.base64URL(salt)) nonce=\(Sodium.base64URL(nonce)) box=\(Sodium.base64URL(box))

            """
    }

    /// Opens a protected identity; a denial naming `source` when the passphrase is wrong.
    public static func unlock(_ text: String, passphrase: SecretBytes, source: String) throws -> Identity {
        guard let line = encryptedLine(in: text) else { return try parse(text, source: source) }
        var fields: [Substring: Substring] = [:]
        let words = line.split(separator: " ")
        for word in words.dropFirst(2) {
            guard let eq = word.firstIndex(of: "=") else { continue }
            fields[word[..<eq]] = word[word.index(after: eq)...]
        }
        guard words.count >= 2, words[1] == "v1", fields["kdf"] == "argon2id13",
              let ops = fields["ops"].flatMap({ UInt64($0) }), PassphraseCost.operationsRange.contains(ops),
              let mem = fields["mem"].flatMap({ Int($0) }), PassphraseCost.memoryRange.contains(mem),
              let salt = fields["salt"].flatMap(Sodium.fromBase64URL), salt.count == Sodium.passwordSaltBytes,
              let nonce = fields["nonce"].flatMap(Sodium.fromBase64URL), nonce.count == Nonce.size,
              let box = fields["box"].flatMap(Sodium.fromBase64URL), box.count == Sodium.signSeedBytes + Sodium.secretboxTagBytes else {
            throw SecrError.denied("\(source) has a malformed \(encryptedTag) line (format v1, Argon2id at most 32 passes and 4 GiB)", hint: "restore it from your backup")
        }
        let key = try Sodium.passwordKey(passphrase, salt: salt, operations: ops, memory: mem * 1024)
        guard let seed = Sodium.secretboxOpen(box, key: key, nonce: Nonce(uncheckedBytes: nonce)) else {
            throw SecrError.denied("wrong passphrase for \(source) (or the file was altered)", hint: "check $SECR_PASSPHRASE / --passphrase-file and try again; a forgotten passphrase cannot be recovered: make a new identity (`secr keygen`) and ask an admin to run `secr member set-key NAME NEWKEY`")
        }
        return try Identity(seed: seed)
    }
}
