import CSodium

/// Secret material: key bytes or a decrypted value.
///
/// The bytes live in their own allocation that is wiped with `sodium_memzero` when the last
/// reference goes away, and the type prints as `SecretBytes(<n> bytes)` so a stray
/// interpolation can never leak it. Equality runs in constant time.
public final class SecretBytes: CustomStringConvertible, CustomDebugStringConvertible, @unchecked Sendable {
    // @unchecked: the bytes are written only during initialisation and wiped in deinit.
    private let base: UnsafeMutablePointer<UInt8>
    /// The number of secret bytes.
    public let count: Int

    /// A zero-filled secret of `count` bytes that `fill` writes through a pointer (never null,
    /// even for an empty secret, so it can go straight to C).
    init(count: Int, filling fill: (UnsafeMutablePointer<UInt8>) throws -> Void) rethrows {
        let base = UnsafeMutablePointer<UInt8>.allocate(capacity: max(count, 1))
        base.initialize(repeating: 0, count: max(count, 1))
        do {
            try fill(base)
        } catch {
            sodium_memzero(base, max(count, 1))
            base.deallocate()
            throw error
        }
        self.base = base
        self.count = count
    }

    /// A secret holding a copy of `bytes` (wipe the source yourself).
    public convenience init<C: Collection>(copying bytes: C) where C.Element == UInt8 {
        self.init(count: bytes.count) { out in
            _ = UnsafeMutableBufferPointer(start: out, count: bytes.count).initialize(from: bytes)
        }
    }

    /// A fresh random secret from the given source.
    convenience init(random count: Int, from source: RandomSource) {
        self.init(count: count) { out in source.fill(UnsafeMutableRawBufferPointer(start: out, count: count)) }
    }

    deinit {
        sodium_memzero(base, max(count, 1))
        base.deallocate()
    }

    /// Byte pointer for C calls.
    func withPointer<R>(_ body: (UnsafePointer<UInt8>) throws -> R) rethrows -> R {
        try body(UnsafePointer(base))
    }

    /// The bytes, for the duration of `body` only.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }

    /// Constant-time comparison.
    public func isEqual(to other: SecretBytes) -> Bool {
        guard count == other.count else { return false }
        return sodium_memcmp(base, other.base, count) == 0
    }

    /// The bytes as UTF-8 text. The caller owns the copy and should keep it short-lived.
    public func unsafeString() -> String {
        withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
    }

    /// `SecretBytes(n bytes)`: never the content.
    public var description: String { "SecretBytes(\(count) bytes)" }
    /// The same as `description`.
    public var debugDescription: String { description }
}

/// Overwrites a buffer that held plaintext.
package func wipe(_ bytes: inout [UInt8]) {
    bytes.withUnsafeMutableBytes { sodium_memzero($0.baseAddress, $0.count) }
    bytes.removeAll()
}
