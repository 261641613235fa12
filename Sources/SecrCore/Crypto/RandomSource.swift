/// Where keys, nonces and ephemeral keys come from.
///
/// Production code uses `SystemRandom` (libsodium's `randombytes_buf`). Test vectors use
/// `DeterministicRandom`, so the exact bytes of a written file can be specified in FORMAT.md and
/// checked by tests.
package protocol RandomSource: Sendable {
    func fill(_ buffer: UnsafeMutableRawBufferPointer)
}

extension RandomSource {
    func bytes(_ count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        out.withUnsafeMutableBytes { fill($0) }
        return out
    }
}

package struct SystemRandom: RandomSource {
    package init() {}
    package func fill(_ buffer: UnsafeMutableRawBufferPointer) { Sodium.randomFill(buffer) }
}

/// A reproducible stream for test vectors only: request number `n` is
/// `randombytes_buf_deterministic(size, BLAKE2b-256("secr test vector" ‖ seed ‖ n as 8 bytes LE))`.
package final class DeterministicRandom: RandomSource, @unchecked Sendable {
    // @unchecked: used from one thread by the code that generates vectors.
    private let seed: [UInt8]
    private var counter: UInt64 = 0

    package init(seed: String) { self.seed = Array(seed.utf8) }

    package func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        var n = counter.littleEndian
        let counterBytes = withUnsafeBytes(of: &n) { Array($0) }
        counter += 1
        let derived = Sodium.blake2b(Array("secr test vector".utf8) + seed + counterBytes)
        Sodium.deterministicFill(buffer, seed: derived)
    }
}
