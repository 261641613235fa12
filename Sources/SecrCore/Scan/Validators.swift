/// Byte classes the scanner tests one byte at a time (it never builds a String per line).
enum Charset {
    static func alnum(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) }
    static func digit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    static func upper(_ b: UInt8) -> Bool { b >= 0x41 && b <= 0x5a }
    static func lower(_ b: UInt8) -> Bool { b >= 0x61 && b <= 0x7a }
    static func letter(_ b: UInt8) -> Bool { upper(b) || lower(b) }
    static func upperAlnum(_ b: UInt8) -> Bool { digit(b) || upper(b) }
    static func lowerAlnum(_ b: UInt8) -> Bool { digit(b) || lower(b) }
    static func word(_ b: UInt8) -> Bool { alnum(b) || b == 0x5f }
    static func wordDash(_ b: UInt8) -> Bool { word(b) || b == 0x2d }
    static func hex(_ b: UInt8) -> Bool { digit(b) || (b >= 0x61 && b <= 0x66) || (b >= 0x41 && b <= 0x46) }
    static func lowerHex(_ b: UInt8) -> Bool { digit(b) || (b >= 0x61 && b <= 0x66) }
    static func base64(_ b: UInt8) -> Bool { alnum(b) || b == 0x2b || b == 0x2f || b == 0x3d }
    static func base64URL(_ b: UInt8) -> Bool { alnum(b) || b == 0x2d || b == 0x5f }
    /// RFC 4648 base32 (AWS key ids after their prefix).
    static func base32(_ b: UInt8) -> Bool { upper(b) || (b >= 0x32 && b <= 0x37) }
    static func bech32Upper(_ b: UInt8) -> Bool { upperAlnum(b) && b != 0x31 && b != 0x42 && b != 0x49 && b != 0x4f }
    /// What a URL or a bare token may contain up to the next quote, bracket or space.
    static func token(_ b: UInt8) -> Bool { b > 0x20 && b < 0x7f && b != 0x22 && b != 0x27 && b != 0x60 && b != 0x3c && b != 0x3e }
    static func space(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
    static func quote(_ b: UInt8) -> Bool { b == 0x22 || b == 0x27 || b == 0x60 }

    static func lowercased(_ b: UInt8) -> UInt8 { upper(b) ? b + 32 : b }
}

enum Validators {
    static let base62Digits = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    static func crc32(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xffff_ffff
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc >> 1) ^ (0xedb8_8320 & (0 &- (crc & 1))) }
        }
        return crc ^ 0xffff_ffff
    }

    /// GitHub and npm tokens end in six base62 digits of the CRC32 of the random part between
    /// the prefix and the checksum (github.blog, 2021-04-05 and 2021-09-23).
    static func base62CRC32(prefixLength: Int) -> @Sendable ([UInt8]) -> Bool {
        { token in
            guard token.count > prefixLength + 6 else { return false }
            var value = crc32(token[prefixLength..<(token.count - 6)])
            var encoded = [UInt8](repeating: base62Digits[0], count: 6)
            for index in stride(from: 5, through: 0, by: -1) {
                encoded[index] = base62Digits[Int(value % 62)]
                value /= 62
            }
            return token.suffix(6).elementsEqual(encoded)
        }
    }

    static func hasDigitAndLetter(_ token: some Collection<UInt8>) -> Bool {
        token.contains(where: Charset.digit) && token.contains(where: Charset.letter)
    }

    static func bech32(_ hrp: String) -> @Sendable ([UInt8]) -> Bool {
        { Bech32.decode(String(decoding: $0, as: UTF8.self))?.hrp == hrp }
    }

    /// `-`-separated groups whose lengths fall in the given ranges (Slack's numeric groups).
    static func groups(_ lengths: [ClosedRange<Int>], separator: UInt8 = 0x2d, digitsOnly: Int = 0) -> @Sendable ([UInt8]) -> Bool {
        { token in
            let parts = token.split(separator: separator, omittingEmptySubsequences: false)
            guard parts.count >= lengths.count else { return false }
            for (index, range) in lengths.enumerated() where !range.contains(parts[index].count) { return false }
            return parts.dropFirst().prefix(digitsOnly).allSatisfy { $0.allSatisfy(Charset.digit) }
        }
    }

    /// Slack's token families: bot and user tokens (numeric team and user ids, then a secret
    /// part), legacy workspace tokens (xoxa/xoxr/xoxs/xoxo), and configuration tokens (a version
    /// digit and a long body).
    static func slackToken(_ token: [UInt8]) -> Bool {
        var parts = token.split(separator: 0x2d, omittingEmptySubsequences: false).dropFirst()
        if let version = parts.first, version.count == 1, version.allSatisfy(Charset.digit) { parts = parts.dropFirst() }
        guard let tail = parts.last, tail.allSatisfy(Charset.alnum) else { return false }
        let numeric = parts.dropLast().prefix { $0.allSatisfy(Charset.digit) }
        if numeric.count == parts.count - 1, !numeric.isEmpty, numeric.allSatisfy({ $0.count >= 6 }) {
            return tail.count >= (numeric.count >= 3 ? 10 : 16)
        }
        return parts.count == 1 && (tail.count >= 100 || (token.starts(with: Array("xoxa".utf8)) || token.starts(with: Array("xoxr".utf8))) && tail.count >= 8)
    }

    /// A JWT: three base64url segments whose header decodes to JSON naming an algorithm.
    static func jwt(_ token: [UInt8]) -> Bool {
        let parts = token.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3, parts[1].count >= 4, parts[2].count >= 16,
              let header = Base64Text.decode(parts[0], url: true), Base64Text.decode(parts[1], url: true) != nil else { return false }
        let text = String(decoding: header, as: UTF8.self)
        return text.hasPrefix("{") && text.contains("\"alg\"")
    }

    /// The decoded claims of a JWT, as text (for the public-by-design and documented-example checks).
    static func jwtClaims(_ token: [UInt8]) -> String {
        let parts = token.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3, let claims = Base64Text.decode(parts[1], url: true) else { return "" }
        return String(decoding: claims, as: UTF8.self)
    }
}

/// Base64 decoding that accepts any trailing bits and missing padding: for recognising tokens
/// (a Basic credential, a base64 PEM block, a JWT part), never for secr's own fields.
enum Base64Text {
    static func decode(_ text: some Collection<UInt8>, url: Bool? = nil) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(text.count * 3 / 4)
        var accumulator: UInt32 = 0, bits = 0, count = 0
        for c in text {
            let value: UInt32
            switch c {
            case 0x41...0x5a: value = UInt32(c - 0x41)
            case 0x61...0x7a: value = UInt32(c - 0x61 + 26)
            case 0x30...0x39: value = UInt32(c - 0x30 + 52)
            case 0x2b where url != true, 0x2d where url != false: value = 62
            case 0x2f where url != true, 0x5f where url != false: value = 63
            case 0x3d: continue
            default: return nil
            }
            count += 1
            accumulator = (accumulator << 6) | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((accumulator >> UInt32(bits)) & 0xff))
            }
        }
        return count % 4 == 1 ? nil : out
    }

    /// Printable ASCII (what a decoded `user:password` or PEM header is).
    static func isPrintable(_ bytes: [UInt8]) -> Bool {
        !bytes.isEmpty && bytes.allSatisfy { ($0 >= 0x20 && $0 < 0x7f) || $0 == 0x0a || $0 == 0x0d || $0 == 0x09 }
    }
}
