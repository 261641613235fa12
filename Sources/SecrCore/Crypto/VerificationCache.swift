import Synchronization

/// Work this identity's earlier runs already did, so an unchanged store costs no public-key
/// cryptography on the next read (docs/THREAT-MODEL.md, "The verification cache"). Two kinds of
/// facts, each keyed by a BLAKE2b digest of exactly the bytes it is about:
///
/// - an Ed25519 signature verified: `H(lp("secr-v2 verified signature") ‖ lp(public key) ‖
///   lp(signature) ‖ lp(message))`. A hit skips the curve arithmetic and nothing else: every
///   roster rule, permission, freshness and version check still runs on every read, so a hit
///   means only that these very bytes were verified before. A changed byte is a miss.
/// - a value key unsealed: `H(lp("secr-v2 sealed value key") ‖ lp(environment public key) ‖
///   lp(sealed box))` → the 32-byte key the box opened to. The key commitment and the AEAD still
///   check it on every use.
///
/// The file lives in the clone state directory, mode 0600, encrypted and authenticated with
/// XChaCha20-Poly1305 under a key derived from the identity's secret seed: only that identity
/// can make or read it. An edited, truncated or foreign file does not open and is ignored (the
/// read verifies everything, then writes a fresh cache). Every fact in it is one the identity
/// can re-derive from the repository, so an old copy brought back holds only true facts.
package final class VerificationCache: Sendable {
    /// The process's cache: empty, and not written anywhere, until `load` names a file.
    package static let shared = VerificationCache()

    /// At most this many facts are kept; past it, the file keeps only what this run used.
    static let capacity = 400_000
    static let magic = Array("secr-cache v1\n".utf8)
    static let keyDomain = "secr-v2 cache key"
    static let fileDomain = "secr-v2 cache"
    static let signatureDomain = Array("secr-v2 verified signature".utf8)
    static let valueKeyDomain = Array("secr-v2 sealed value key".utf8)

    struct DigestKey: Hashable, Sendable {
        let a: UInt64, b: UInt64, c: UInt64, d: UInt64

        init(_ bytes: [UInt8]) {
            func word(_ offset: Int) -> UInt64 {
                var value: UInt64 = 0
                for i in 0..<8 { value |= UInt64(bytes[offset + i]) << (8 * i) }
                return value
            }
            (a, b, c, d) = (word(0), word(8), word(16), word(24))
        }

        func append(to out: inout [UInt8]) {
            for value in [a, b, c, d] { for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: value >> (8 * i))) } }
        }
    }

    private struct Contents: ~Copyable {
        var path: String?
        var key: SecretBytes?
        var context: [UInt8] = []
        var signatures: Set<DigestKey> = []
        var valueKeys: [DigestKey: SecretBytes] = [:]
        var used: Set<DigestKey> = []
        var dirty = false
    }

    private let contents = Mutex(Contents())

    private init() {}

    /// Opens the cache file of `identity` at `path` (a missing, altered or foreign file gives an
    /// empty cache). From now on verifications are looked up and recorded, and `save` writes.
    package func load(path: String, identity: Identity) {
        var derived = Sodium.blake2b(identity.seed, prefix: VerificationCache.lengthPrefixed(Array(VerificationCache.keyDomain.utf8)))
        let key = SecretBytes(copying: derived)
        wipe(&derived)
        let context = Array(VerificationCache.fileDomain.utf8) + identity.publicKey.bytes
        var signatures: Set<DigestKey> = [], valueKeys: [DigestKey: SecretBytes] = [:]
        if let bytes = try? FileSystem.readIfExists(path, followLinks: false),
           bytes.count > VerificationCache.magic.count + Nonce.size, bytes.starts(with: VerificationCache.magic) {
            let nonce = Nonce(uncheckedBytes: Array(bytes[VerificationCache.magic.count..<(VerificationCache.magic.count + Nonce.size)]))
            let sealed = Array(bytes[(VerificationCache.magic.count + Nonce.size)...])
            if let plain = Sodium.decrypt(sealed, key: key, nonce: nonce, additionalData: context) {
                plain.withUnsafeBytes { raw in VerificationCache.decode(raw, signatures: &signatures, valueKeys: &valueKeys) }
            }
        }
        contents.withLock {
            $0.path = path
            $0.key = key
            $0.context = context
            $0.signatures = signatures
            $0.valueKeys = valueKeys
        }
    }

    /// Writes the cache when this run learned something; failures are ignored (the cache is an
    /// optimisation: the next run verifies again).
    package func save(random: RandomSource = SystemRandom()) {
        let snapshot: (path: String, key: SecretBytes, context: [UInt8], plain: SecretBytes)? = contents.withLock { state in
            guard state.dirty, let path = state.path, let key = state.key else { return nil }
            state.dirty = false
            let total = state.signatures.count + state.valueKeys.count
            let keep: (DigestKey) -> Bool = total > VerificationCache.capacity ? { [used = state.used] in used.contains($0) } : { _ in true }
            let signatures = state.signatures.filter(keep), valueKeys = state.valueKeys.filter { keep($0.key) }
            var out: [UInt8] = []
            out.reserveCapacity(8 + signatures.count * 32 + valueKeys.count * 64)
            VerificationCache.appendCount(signatures.count, to: &out)
            for digest in signatures { digest.append(to: &out) }
            VerificationCache.appendCount(valueKeys.count, to: &out)
            for (digest, valueKey) in valueKeys {
                digest.append(to: &out)
                valueKey.withUnsafeBytes { out.append(contentsOf: $0) }
            }
            defer { wipe(&out) }
            return (path, key, state.context, SecretBytes(copying: out))
        }
        guard let snapshot else { return }
        var nonce = [UInt8](repeating: 0, count: Nonce.size)
        nonce.withUnsafeMutableBytes { random.fill($0) }
        guard let sealed = try? Sodium.encrypt(snapshot.plain, key: snapshot.key, nonce: Nonce(uncheckedBytes: nonce), additionalData: snapshot.context) else { return }
        try? FileSystem.makeDirectories(Path.parent(snapshot.path), mode: 0o700)
        try? FileSystem.writeAtomically(snapshot.path, VerificationCache.magic + nonce + sealed, mode: 0o600)
    }

    /// Ed25519 verification, answered from the cache when these exact bytes verified before.
    func verify(_ signature: Signature, message: [UInt8], publicKey: [UInt8]) -> Bool {
        guard contents.withLock({ $0.key != nil }) else { return Sodium.verify(signature, message: message, publicKey: publicKey) }
        let digest = DigestKey(Sodium.blake2b(VerificationCache.lengthPrefixed(VerificationCache.signatureDomain)
            + VerificationCache.lengthPrefixed(publicKey) + VerificationCache.lengthPrefixed(signature.bytes) + VerificationCache.lengthPrefixed(message)))
        if contents.withLock({ state in
            guard state.signatures.contains(digest) else { return false }
            state.used.insert(digest)
            return true
        }) { return true }
        guard Sodium.verify(signature, message: message, publicKey: publicKey) else { return false }
        contents.withLock { state in
            state.signatures.insert(digest)
            state.used.insert(digest)
            state.dirty = true
        }
        return true
    }

    /// Opens a record's sealed value key, answered from the cache when this box opened before.
    func openValueKey(_ sealed: [UInt8], publicKey: BoxPublicKey, secretKey: SecretBytes) -> SecretBytes? {
        guard contents.withLock({ $0.key != nil }) else { return Sodium.openSealed(sealed, publicKey: publicKey, secretKey: secretKey) }
        let digest = DigestKey(Sodium.blake2b(VerificationCache.lengthPrefixed(VerificationCache.valueKeyDomain)
            + VerificationCache.lengthPrefixed(publicKey.bytes) + VerificationCache.lengthPrefixed(sealed)))
        if let known = contents.withLock({ state -> SecretBytes? in
            guard let key = state.valueKeys[digest] else { return nil }
            state.used.insert(digest)
            return key
        }) { return known }
        guard let opened = Sodium.openSealed(sealed, publicKey: publicKey, secretKey: secretKey) else { return nil }
        contents.withLock { state in
            state.valueKeys[digest] = opened
            state.used.insert(digest)
            state.dirty = true
        }
        return opened
    }

    // MARK: Encoding

    static func lengthPrefixed(_ bytes: [UInt8]) -> [UInt8] {
        let n = UInt32(bytes.count)
        return [UInt8(n >> 24), UInt8((n >> 16) & 0xff), UInt8((n >> 8) & 0xff), UInt8(n & 0xff)] + bytes
    }

    static func appendCount(_ count: Int, to out: inout [UInt8]) {
        let n = UInt32(count)
        out += [UInt8(n >> 24), UInt8((n >> 16) & 0xff), UInt8((n >> 8) & 0xff), UInt8(n & 0xff)]
    }

    /// Reads what `save` wrote; anything malformed leaves what was read so far (the file was
    /// authenticated, so malformed means a bug, not an attack).
    static func decode(_ raw: UnsafeRawBufferPointer, signatures: inout Set<DigestKey>, valueKeys: inout [DigestKey: SecretBytes]) {
        var offset = 0
        func count() -> Int? {
            guard offset + 4 <= raw.count else { return nil }
            defer { offset += 4 }
            return Int(raw[offset]) << 24 | Int(raw[offset + 1]) << 16 | Int(raw[offset + 2]) << 8 | Int(raw[offset + 3])
        }
        func digest() -> DigestKey? {
            guard offset + 32 <= raw.count else { return nil }
            defer { offset += 32 }
            return DigestKey(Array(raw[offset..<(offset + 32)]))
        }
        guard let signatureCount = count(), signatureCount <= capacity else { return }
        signatures.reserveCapacity(signatureCount)
        for _ in 0..<signatureCount {
            guard let d = digest() else { return }
            signatures.insert(d)
        }
        guard let keyCount = count(), keyCount <= capacity else { return }
        for _ in 0..<keyCount {
            guard let d = digest(), offset + 32 <= raw.count else { return }
            valueKeys[d] = SecretBytes(copying: raw[offset..<(offset + 32)])
            offset += 32
        }
    }
}
