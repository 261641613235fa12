import Glibc

/// Bech32 (BIP 173) as age uses it: the checksum catches any typo of up to four characters,
/// the alphabet has no look-alikes, and the 90-character limit of BIP 173 does not apply.
///
/// One pass over bytes, no intermediate arrays: every read parses each member's key (a roster
/// of 20 members spent half a million instructions here) and hashes reader sets over the text.
enum Bech32 {
    private static let alphabet: StaticString = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"

    /// One value (5 bits) into the BCH checksum.
    @inline(__always)
    private static func step(_ check: UInt32, _ value: UInt8) -> UInt32 {
        let top = check >> 25
        var next = (check & 0x1ff_ffff) << 5 ^ UInt32(value)
        if top & 1 != 0 { next ^= 0x3b6a_57b2 }
        if top & 2 != 0 { next ^= 0x2650_8e6d }
        if top & 4 != 0 { next ^= 0x1ea1_19fa }
        if top & 8 != 0 { next ^= 0x3d42_33dd }
        if top & 16 != 0 { next ^= 0x2a14_62b3 }
        return next
    }

    /// The checksum after the expanded human-readable part: high bits, a zero, low bits.
    private static func checksum(hrp: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var check: UInt32 = 1
        for c in hrp { check = step(check, c >> 5) }
        check = step(check, 0)
        for c in hrp { check = step(check, c & 31) }
        return check
    }

    /// Lower-case encoding of `data` under the human-readable part `hrp` (itself lower case).
    static func encode(hrp: String, data: [UInt8]) -> String {
        var hrp = hrp
        let letters = alphabet.utf8Start
        var out: [UInt8] = []
        out.reserveCapacity(hrp.utf8.count + 7 + (data.count * 8 + 4) / 5)
        var check = hrp.withUTF8 { name -> UInt32 in
            out.append(contentsOf: name)
            return checksum(hrp: name)
        }
        out.append(0x31)
        // 8-bit groups to 5-bit ones; 12 bits of the accumulator are all a step can need.
        var accumulator = 0, bits = 0
        func emit(_ value: Int) {
            check = step(check, UInt8(value))
            out.append(letters[value])
        }
        for byte in data {
            accumulator = (accumulator << 8 | Int(byte)) & 0xfff
            bits += 8
            while bits >= 5 {
                bits -= 5
                emit((accumulator >> bits) & 31)
            }
        }
        if bits > 0 { emit((accumulator << (5 - bits)) & 31) }
        for _ in 0..<6 { check = step(check, 0) }
        check ^= 1
        for i in 0..<6 { out.append(letters[Int((check >> (5 * (5 - UInt32(i)))) & 31)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes all-lower or all-upper case text; nil when the checksum or the characters are wrong.
    /// Only ASCII is accepted (BIP 173): Unicode case mapping would let the Kelvin sign U+212A
    /// stand for `k`, so one key would have two spellings.
    static func decode(_ text: String) -> (hrp: String, data: [UInt8])? {
        var text = text
        return text.withUTF8(decode(bytes:))
    }

    static func decode(bytes raw: UnsafeBufferPointer<UInt8>) -> (hrp: String, data: [UInt8])? {
        var hasLower = false, hasUpper = false, separator = -1
        for (i, c) in raw.enumerated() {
            guard c >= 33 && c <= 126 else { return nil }
            if c >= 0x61 && c <= 0x7a { hasLower = true } else if c >= 0x41 && c <= 0x5a { hasUpper = true } else if c == 0x31 { separator = i }
        }
        guard !(hasLower && hasUpper), separator > 0, raw.count - separator > 6 else { return nil }
        func lowered(_ c: UInt8) -> UInt8 { c >= 0x41 && c <= 0x5a ? c | 0x20 : c }
        let hrp = raw[..<separator].map(lowered)
        var check = hrp.withUnsafeBufferPointer(checksum(hrp:))
        let letters = UnsafeRawPointer(alphabet.utf8Start)
        let dataEnd = raw.count - 6
        var data: [UInt8] = []
        data.reserveCapacity((dataEnd - separator - 1) * 5 / 8)
        // 5-bit groups to bytes; the last six values are the checksum.
        var accumulator = 0, bits = 0
        for i in (separator + 1)..<raw.count {
            guard let found = memchr(letters, Int32(lowered(raw[i])), 32) else { return nil }
            let value = letters.distance(to: UnsafeRawPointer(found))
            check = step(check, UInt8(value))
            guard i < dataEnd else { continue }
            accumulator = (accumulator << 5 | value) & 0xfff
            bits += 5
            if bits >= 8 {
                bits -= 8
                data.append(UInt8((accumulator >> bits) & 0xff))
            }
        }
        // No padding group, and the bits left over are zero.
        guard check == 1, bits < 5, (accumulator << (8 - bits)) & 0xff == 0 else { return nil }
        return (String(decoding: hrp, as: UTF8.self), data)
    }
}
