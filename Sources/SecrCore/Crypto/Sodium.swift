import CSodium

/// The one place secr calls libsodium. Public keys, nonces, signatures and digests arrive as
/// size-checked types (`SizedBytes`), so their lengths are known before any call; secret keys are
/// `SecretBytes`, checked here.
enum Sodium {
    static let signPublicKeyBytes = 32
    static let signSeedBytes = 32
    static let signatureBytes = 64
    static let boxPublicKeyBytes = 32
    static let boxSecretKeyBytes = 32
    static let aeadKeyBytes = 32
    static let aeadNonceBytes = 24
    static let aeadTagBytes = 16
    static var sealOverhead: Int { Int(crypto_box_sealbytes()) }

    /// `sodium_init` is idempotent and thread-safe; a global `let` runs it once per process.
    static let ready: Bool = sodium_init() >= 0

    static func check(_ status: Int32, _ function: String) throws {
        guard ready else { throw SecrError.failure("libsodium could not be initialised") }
        guard status == 0 else { throw SecrError.failure("libsodium \(function) failed") }
    }

    private static func requireLength(_ count: Int, _ expected: Int, _ what: String) throws {
        guard count == expected else {
            throw SecrError.integrity("\(what) has \(count) bytes, expected \(expected)")
        }
    }

    // MARK: Ed25519

    /// Ed25519 key pair from a 32-byte seed: (public key, 64-byte libsodium secret key).
    static func signKeyPair(seed: SecretBytes) throws -> (publicKey: [UInt8], secretKey: SecretBytes) {
        try requireLength(seed.count, signSeedBytes, "identity seed")
        var publicKey = [UInt8](repeating: 0, count: signPublicKeyBytes)
        let secretKey = try SecretBytes(count: Int(crypto_sign_secretkeybytes())) { sk in
            try seed.withPointer { s in
                try check(
                    crypto_sign_seed_keypair(&publicKey, sk,
                                             s),
                    "crypto_sign_seed_keypair")
            }
        }
        return (publicKey, secretKey)
    }

    static func sign(_ message: [UInt8], secretKey: SecretBytes) throws -> Signature {
        var signature = [UInt8](repeating: 0, count: signatureBytes)
        try secretKey.withPointer { sk in
            try check(
                crypto_sign_detached(&signature, nil, message, UInt64(message.count),
                                     sk),
                "crypto_sign_detached")
        }
        return Signature(uncheckedBytes: signature)
    }

    /// `publicKey` is the 32 bytes of a `PublicKey` (checked when it was made).
    static func verify(_ signature: Signature, message: [UInt8], publicKey: [UInt8]) -> Bool {
        guard ready, publicKey.count == signPublicKeyBytes else { return false }
        return crypto_sign_verify_detached(signature.bytes, message, UInt64(message.count), publicKey) == 0
    }

    /// The X25519 public key that belongs to an Ed25519 public key (RFC 7748 birational map).
    static func boxPublicKey(fromSignPublicKey publicKey: [UInt8]) throws -> BoxPublicKey {
        try requireLength(publicKey.count, signPublicKeyBytes, "identity public key")
        var out = [UInt8](repeating: 0, count: boxPublicKeyBytes)
        guard crypto_sign_ed25519_pk_to_curve25519(&out, publicKey) == 0 else {
            throw SecrError.integrity("an identity public key is not a valid Ed25519 point")
        }
        return BoxPublicKey(uncheckedBytes: out)
    }

    static func boxSecretKey(fromSignSecretKey secretKey: SecretBytes) throws -> SecretBytes {
        try SecretBytes(count: boxSecretKeyBytes) { out in
            try secretKey.withPointer { sk in
                try check(
                    crypto_sign_ed25519_sk_to_curve25519(out,
                                                         sk),
                    "crypto_sign_ed25519_sk_to_curve25519")
            }
        }
    }

    // MARK: X25519 and sealed boxes

    /// X25519 key pair from a 32-byte seed.
    static func boxKeyPair(seed: SecretBytes) throws -> (publicKey: BoxPublicKey, secretKey: SecretBytes) {
        var publicKey = [UInt8](repeating: 0, count: boxPublicKeyBytes)
        let secretKey = try SecretBytes(count: boxSecretKeyBytes) { sk in
            try seed.withPointer { s in
                try check(
                    crypto_box_seed_keypair(&publicKey, sk,
                                            s),
                    "crypto_box_seed_keypair")
            }
        }
        return (BoxPublicKey(uncheckedBytes: publicKey), secretKey)
    }

    /// The X25519 public key of a secret key (to check an unsealed environment key).
    static func boxPublicKey(ofSecretKey secretKey: SecretBytes) throws -> BoxPublicKey {
        try requireLength(secretKey.count, boxSecretKeyBytes, "environment secret key")
        var out = [UInt8](repeating: 0, count: boxPublicKeyBytes)
        try secretKey.withPointer { sk in
            try check(crypto_scalarmult_base(&out, sk),
                      "crypto_scalarmult_base")
        }
        return BoxPublicKey(uncheckedBytes: out)
    }

    /// Byte-for-byte what `crypto_box_seal` produces (ephemeral public key ‖ crypto_box of the
    /// message, nonce = BLAKE2b-192(epk ‖ pk)), but with the ephemeral key drawn from `random`,
    /// so test vectors are reproducible. `crypto_box_seal_open` opens it.
    static func seal(_ message: SecretBytes, to publicKey: BoxPublicKey, random: RandomSource) throws -> [UInt8] {
        let ephemeral = try boxKeyPair(seed: SecretBytes(random: 32, from: random))
        let nonce = blake2b(ephemeral.publicKey.bytes + publicKey.bytes, outputLength: Int(crypto_box_noncebytes()))
        var boxed = [UInt8](repeating: 0, count: message.count + Int(crypto_box_macbytes()))
        try message.withPointer { m in
            try ephemeral.secretKey.withPointer { esk in
                try check(
                    crypto_box_easy(&boxed, m, UInt64(message.count),
                                    nonce, publicKey.bytes, esk),
                    "crypto_box_easy")
            }
        }
        return ephemeral.publicKey.bytes + boxed
    }

    /// Opens a sealed box; nil when it was not sealed to this key pair or was altered.
    static func openSealed(_ sealed: [UInt8], publicKey: BoxPublicKey, secretKey: SecretBytes) -> SecretBytes? {
        guard ready, sealed.count >= sealOverhead, secretKey.count == boxSecretKeyBytes else { return nil }
        return try? SecretBytes(count: sealed.count - sealOverhead) { out in
            try secretKey.withPointer { sk in
                try check(
                    crypto_box_seal_open(out, sealed, UInt64(sealed.count),
                                         publicKey.bytes, sk),
                    "crypto_box_seal_open")
            }
        }
    }

    // MARK: XChaCha20-Poly1305-IETF

    static func encrypt(_ plaintext: SecretBytes, key: SecretBytes, nonce: Nonce, additionalData: [UInt8]) throws -> [UInt8] {
        try requireLength(key.count, aeadKeyBytes, "value key")
        var out = [UInt8](repeating: 0, count: plaintext.count + aeadTagBytes)
        var written: UInt64 = 0
        try plaintext.withPointer { p in
            try key.withPointer { k in
                try check(
                    crypto_aead_xchacha20poly1305_ietf_encrypt(
                        &out, &written, p, UInt64(plaintext.count),
                        additionalData, UInt64(additionalData.count), nil, nonce.bytes,
                        k),
                    "crypto_aead_xchacha20poly1305_ietf_encrypt")
            }
        }
        return out
    }

    /// nil when the ciphertext, nonce or additional data was altered.
    static func decrypt(_ ciphertext: [UInt8], key: SecretBytes, nonce: Nonce, additionalData: [UInt8]) -> SecretBytes? {
        guard ready, key.count == aeadKeyBytes, ciphertext.count >= aeadTagBytes else {
            return nil
        }
        return try? SecretBytes(count: ciphertext.count - aeadTagBytes) { out in
            var written: UInt64 = 0
            try key.withPointer { k in
                try check(
                    crypto_aead_xchacha20poly1305_ietf_decrypt(
                        out, &written, nil, ciphertext,
                        UInt64(ciphertext.count), additionalData, UInt64(additionalData.count), nonce.bytes,
                        k),
                    "crypto_aead_xchacha20poly1305_ietf_decrypt")
            }
        }
    }

    // MARK: Argon2id and XSalsa20-Poly1305 (passphrase-protected identities)

    static let passwordSaltBytes = 16
    static let secretboxKeyBytes = 32
    static var secretboxTagBytes: Int { Int(crypto_secretbox_macbytes()) }

    /// A 32-byte key from a passphrase with Argon2id v1.3 (`crypto_pwhash`).
    static func passwordKey(_ passphrase: SecretBytes, salt: [UInt8], operations: UInt64, memory: Int) throws -> SecretBytes {
        try requireLength(salt.count, passwordSaltBytes, "passphrase salt")
        return try SecretBytes(count: secretboxKeyBytes) { out in
            try passphrase.withPointer { p in
                let status = p.withMemoryRebound(to: CChar.self, capacity: max(passphrase.count, 1)) { text in
                    crypto_pwhash(out, UInt64(secretboxKeyBytes), text, UInt64(passphrase.count), salt,
                                  operations, memory, crypto_pwhash_alg_argon2id13())
                }
                guard status == 0 else {
                    throw SecrError.failure("Argon2id could not run with \(memory >> 20) MiB of memory (the system refused the allocation)")
                }
            }
        }
    }

    static func secretbox(_ plaintext: SecretBytes, key: SecretBytes, nonce: Nonce) throws -> [UInt8] {
        try requireLength(key.count, secretboxKeyBytes, "passphrase key")
        var out = [UInt8](repeating: 0, count: plaintext.count + secretboxTagBytes)
        try plaintext.withPointer { p in
            try key.withPointer { k in
                try check(crypto_secretbox_easy(&out, p, UInt64(plaintext.count), nonce.bytes, k), "crypto_secretbox_easy")
            }
        }
        return out
    }

    /// nil when the passphrase is wrong or the box was altered.
    static func secretboxOpen(_ box: [UInt8], key: SecretBytes, nonce: Nonce) -> SecretBytes? {
        guard ready, key.count == secretboxKeyBytes, box.count >= secretboxTagBytes else { return nil }
        return try? SecretBytes(count: box.count - secretboxTagBytes) { out in
            try key.withPointer { k in
                try check(crypto_secretbox_open_easy(out, box, UInt64(box.count), nonce.bytes, k), "crypto_secretbox_open_easy")
            }
        }
    }

    // MARK: BLAKE2b, randomness, encodings

    /// A 32-byte digest.
    static func digest(_ input: [UInt8]) -> Digest { Digest(uncheckedBytes: blake2b(input)) }

    static func blake2b(_ input: [UInt8], outputLength: Int = 32) -> [UInt8] {
        _ = ready
        var out = [UInt8](repeating: 0, count: outputLength)
        crypto_generichash(&out, outputLength, input, UInt64(input.count), nil, 0)
        return out
    }

    /// BLAKE2b of `prefix ‖ secret`, without copying the secret into an array.
    /// `H(lp(a) ‖ lp(b) ‖ …)` without building the concatenation.
    static func blake2b(lengthPrefixed parts: [UInt8]...) -> [UInt8] {
        lengthPrefixedDigest { add in for part in parts { part.withUnsafeBytes(add) } }
    }

    /// The same over raw buffers (a whole file, hashed where it lies).
    static func blake2b(lengthPrefixedBuffers parts: [UnsafeRawBufferPointer]) -> [UInt8] {
        lengthPrefixedDigest { add in parts.forEach(add) }
    }

    /// `feed` hands each part to `add`, which hashes its length (u32 big-endian), then it.
    private static func lengthPrefixedDigest(_ feed: ((UnsafeRawBufferPointer) -> Void) -> Void) -> [UInt8] {
        _ = ready
        let state = UnsafeMutableRawPointer.allocate(byteCount: crypto_generichash_statebytes(), alignment: 64)
        defer { state.deallocate() }
        let handle = OpaquePointer(state)
        var out = [UInt8](repeating: 0, count: 32)
        crypto_generichash_init(handle, nil, 0, 32)
        feed { part in
            let n = UInt32(part.count)
            let length: [UInt8] = [UInt8(n >> 24), UInt8((n >> 16) & 0xff), UInt8((n >> 8) & 0xff), UInt8(n & 0xff)]
            crypto_generichash_update(handle, length, 4)
            crypto_generichash_update(handle, part.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(part.count))
        }
        crypto_generichash_final(handle, &out, 32)
        return out
    }

    static func blake2b(_ secret: SecretBytes, prefix: [UInt8], outputLength: Int = 32) -> [UInt8] {
        _ = ready
        let stateSize = crypto_generichash_statebytes()
        let state = UnsafeMutableRawPointer.allocate(byteCount: stateSize, alignment: 64)
        defer {
            sodium_memzero(state, stateSize)
            state.deallocate()
        }
        let handle = OpaquePointer(state)
        var out = [UInt8](repeating: 0, count: outputLength)
        crypto_generichash_init(handle, nil, 0, outputLength)
        crypto_generichash_update(handle, prefix, UInt64(prefix.count))
        secret.withPointer { s in _ = crypto_generichash_update(handle, s, UInt64(secret.count)) }
        crypto_generichash_final(handle, &out, outputLength)
        return out
    }

    static func randomFill(_ buffer: UnsafeMutableRawBufferPointer) {
        _ = ready
        guard let base = buffer.baseAddress else { return }
        randombytes_buf(base, buffer.count)
    }

    static func deterministicFill(_ buffer: UnsafeMutableRawBufferPointer, seed: [UInt8]) {
        _ = ready
        guard let base = buffer.baseAddress else { return }
        randombytes_buf_deterministic(base, buffer.count, seed)
    }

    /// Unpadded base64url (RFC 4648 §5), the encoding of every binary field in secr files.
    static func base64URL(_ bytes: [UInt8]) -> String {
        _ = ready
        let variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING
        let length = sodium_base64_encoded_len(bytes.count, variant)
        var out = [CChar](repeating: 0, count: length)
        _ = sodium_bin2base64(&out, length, bytes, bytes.count, variant)
        return String(decoding: out.prefix(length - 1).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Strict decoding: no padding, no whitespace, and the text must be the canonical encoding
    /// of what it decodes to, so one value has exactly one spelling.
    /// Canonical unpadded base64url only (FORMAT.md §1): no padding, nothing outside the
    /// alphabet, no length of 1 mod 4, no non-zero unused bits. Everything secr decodes this way
    /// is public (signatures, nonces, ciphertexts, sealed boxes, public keys), so a table decoder
    /// is used rather than libsodium's constant-time one, which costs several times more per
    /// character on files with thousands of records.
    static func fromBase64URL(_ text: Substring) -> [UInt8]? {
        if let result = text.utf8.withContiguousStorageIfAvailable(fromBase64URL(bytes:)) { return result }
        return Array(text.utf8).withUnsafeBufferPointer(fromBase64URL(bytes:))
    }

    private static let base64Table: [UInt8] = {
        var table = [UInt8](repeating: 0xff, count: 256)
        for (value, character) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8.enumerated() {
            table[Int(character)] = UInt8(value)
        }
        return table
    }()

    static func fromBase64URL(bytes input: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        let remainder = input.count % 4
        guard remainder != 1 else { return nil }
        var out = [UInt8](repeating: 0, count: input.count / 4 * 3 + (remainder == 0 ? 0 : remainder - 1))
        return base64Table.withUnsafeBufferPointer { table -> [UInt8]? in
            var i = 0, o = 0
            let whole = input.count - remainder
            var bad: UInt8 = 0
            out.withUnsafeMutableBufferPointer { dest in
                while i < whole {
                    let a = table[Int(input[i])], b = table[Int(input[i + 1])], c = table[Int(input[i + 2])], d = table[Int(input[i + 3])]
                    bad |= a | b | c | d
                    dest[o] = (a << 2) | (b >> 4)
                    dest[o + 1] = (b << 4) | (c >> 2)
                    dest[o + 2] = (c << 6) | d
                    i += 4
                    o += 3
                }
                if remainder >= 2 {
                    let a = table[Int(input[i])], b = table[Int(input[i + 1])]
                    bad |= a | b
                    dest[o] = (a << 2) | (b >> 4)
                    if remainder == 3 {
                        let c = table[Int(input[i + 2])]
                        bad |= c
                        dest[o + 1] = (b << 4) | (c >> 2)
                        if c & 0x03 != 0 { bad = 0xff }  // unused bits
                    } else if b & 0x0f != 0 {
                        bad = 0xff
                    }
                }
            }
            return bad & 0x80 == 0 ? out : nil  // 0xff marks a character outside the alphabet
        }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension Sodium {
    /// Constant-time equality of two digests.
    static func constantTimeEqual(_ a: Digest, _ b: Digest) -> Bool {
        var difference: UInt8 = 0
        for i in 0..<Digest.size { difference |= a.bytes[i] ^ b.bytes[i] }
        return difference == 0
    }
}
