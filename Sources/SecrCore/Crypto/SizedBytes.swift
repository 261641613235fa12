/// Public bytes whose length was checked once, when they were made (parsed from a file or
/// returned by libsodium), so a wrong-length key, nonce, signature or digest never reaches
/// libsodium and is never checked again.
package protocol SizedBytes: Hashable, Sendable {
    static var size: Int { get }
    var bytes: [UInt8] { get }
    /// Only for bytes of the right length (the failable `init(_:)` checks).
    init(uncheckedBytes: [UInt8])
}

extension SizedBytes {
    package init?(_ bytes: [UInt8]) {
        guard bytes.count == Self.size else { return nil }
        self.init(uncheckedBytes: bytes)
    }

    /// Unpadded base64url, as secr files write binary fields.
    package var base64URL: String { Sodium.base64URL(bytes) }
}

/// An Ed25519 signature (64 bytes).
package struct Signature: SizedBytes {
    package static let size = 64
    package let bytes: [UInt8]
    package init(uncheckedBytes: [UInt8]) { bytes = uncheckedBytes }
}

/// An XChaCha20-Poly1305 nonce (24 bytes).
package struct Nonce: SizedBytes {
    package static let size = 24
    package let bytes: [UInt8]
    package init(uncheckedBytes: [UInt8]) { bytes = uncheckedBytes }
}

/// An X25519 public key (32 bytes): an environment's, or a member's for sealed boxes.
package struct BoxPublicKey: SizedBytes {
    package static let size = 32
    package let bytes: [UInt8]
    package init(uncheckedBytes: [UInt8]) { bytes = uncheckedBytes }
}

/// A 32-byte BLAKE2b digest: a value key commitment, a record or reader-set hash.
package struct Digest: SizedBytes {
    package static let size = 32
    package let bytes: [UInt8]
    package init(uncheckedBytes: [UInt8]) { bytes = uncheckedBytes }
}

/// A 32-byte secret sealed to a public key (`crypto_box_seal`: 32 + 48 bytes): an environment
/// key in a reader line, a value key in a record.
package struct SealedKey: SizedBytes {
    package static let size = 80
    package let bytes: [UInt8]
    package init(uncheckedBytes: [UInt8]) { bytes = uncheckedBytes }
}
