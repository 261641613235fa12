import CSodium
import XCTest
@testable import SecrCore

final class CryptoTests: XCTestCase {
    func testBech32RoundTripAndChecksum() throws {
        let data = (0..<32).map { UInt8($0 * 7 & 0xff) }
        let text = Bech32.encode(hrp: "secr", data: data)
        XCTAssertTrue(text.hasPrefix("secr1"))
        XCTAssertEqual(Bech32.decode(text)?.data, data)
        XCTAssertEqual(Bech32.decode(text.uppercased())?.data, data, "upper case decodes too")
        // Every single-character substitution is caught by the checksum.
        let alphabet = Array("qpzry9x8gf2tvdw0s3jn54khce6mua7l")
        var chars = Array(text)
        for index in 5..<chars.count {
            let original = chars[index]
            chars[index] = alphabet.first { $0 != original } ?? "q"
            XCTAssertNil(Bech32.decode(String(chars)), "substitution at \(index) not caught")
            chars[index] = original
        }
        XCTAssertNil(Bech32.decode("Secr1" + text.dropFirst(5)), "mixed case is rejected")
    }

    /// The one-pass encoder and decoder agree with the straightforward reference on random
    /// data of every length, on every single-character change and case change of the text,
    /// and on random strings over the alphabet with and without a valid checksum.
    func testBech32AgreesWithTheReferenceImplementation() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("qpzry9x8gf2tvdw0s3jn54khce6mua7l1QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7Lb-io ".utf8)
        var compared = 0, decoded = 0
        func agree(_ text: String, _ note: String) {
            let mine = Bech32.decode(text), theirs = ReferenceBech32.decode(text)
            XCTAssertEqual(mine?.hrp, theirs?.hrp, "\(note): \(text)")
            XCTAssertEqual(mine?.data, theirs?.data, "\(note): \(text)")
            compared += 1
            if mine != nil { decoded += 1 }
        }
        for length in 0...70 {
            let data = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            for hrp in ["secr", "age", "secr-secret-key-", "a"] {
                let text = Bech32.encode(hrp: hrp, data: data)
                XCTAssertEqual(text, ReferenceBech32.encode(hrp: hrp, data: data))
                agree(text, "encoded")
                agree(text.uppercased(), "upper case")
                var bytes = Array(text.utf8)
                for _ in 0..<8 {
                    let at = Int.random(in: 0..<bytes.count, using: &generator), was = bytes[at]
                    bytes[at] = alphabet.randomElement(using: &generator)!
                    agree(String(decoding: bytes, as: UTF8.self), "changed at \(at)")
                    bytes[at] = was
                }
                agree(String(text.dropLast()), "shortened")
            }
        }
        // Valid checksums over any 5-bit values: padding of 5 bits or more, or nonzero, is refused.
        for count in 0...24 {
            for _ in 0..<12 {
                let values = (0..<count).map { _ in UInt8.random(in: 0...31, using: &generator) }
                agree(ReferenceBech32.encode(hrp: "secr", values: values), "checksummed values")
            }
        }
        for _ in 0..<2000 {
            let count = Int.random(in: 0...40, using: &generator)
            agree(String(decoding: (0..<count).map { _ in alphabet.randomElement(using: &generator)! }, as: UTF8.self), "random")
        }
        XCTAssertGreaterThanOrEqual(decoded, 71 * 4 * 2, "control: every encoded text decodes, in either case")
        XCTAssertGreaterThan(compared, decoded, "control: some texts are refused")
    }

    /// BIP 173 is ASCII only. Unicode lower-casing maps the Kelvin sign U+212A to `k`, so a
    /// decoder that lower-cases first would give one key a second spelling.
    func testBech32RefusesNonASCIIThatLowerCasesToTheAlphabet() throws {
        let text = Bech32.encode(hrp: "secr", data: Array(repeating: 0x5a, count: 32))
        let withK = text.firstIndex(of: "k").map { text.replacingCharacters(in: $0...$0, with: "\u{212A}") }
        let spoofed = try XCTUnwrap(withK ?? Optional(text.uppercased().replacingOccurrences(of: "K", with: "\u{212A}")))
        XCTAssertEqual(Character("\u{212A}").lowercased(), "k", "the premise: Unicode lower-cases the Kelvin sign to k")
        XCTAssertNotEqual(spoofed, text)
        XCTAssertNil(Bech32.decode(spoofed))
        XCTAssertNil(Bech32.decode(text.uppercased().replacingOccurrences(of: "K", with: "\u{212A}")))
        XCTAssertNil(Bech32.decode(text + " "), "a space is not part of bech32")
        XCTAssertNotNil(Bech32.decode(text), "control: the ASCII spelling decodes")
        XCTAssertNotNil(Bech32.decode(text.uppercased()), "control: upper case decodes")
    }

    /// Identity files edited on Windows have CRLF line ends; `"\r\n"` is one Swift Character.
    func testIdentityFilesWithCRLFLineEndsParse() throws {
        let identity = try Identity.generate()
        let crlf = identity.fileText(created: .now()).replacingOccurrences(of: "\n", with: "\r\n")
        XCTAssertTrue(crlf.contains("\r\n"))
        XCTAssertEqual(try Identity.parse(crlf, source: "test").publicKey, identity.publicKey)
        let protected = try identity.protectedFileText(passphrase: SecretBytes(copying: Array("correct horse".utf8)),
                                                       cost: .minimal, created: .now())
        let protectedCRLF = protected.replacingOccurrences(of: "\n", with: "\r\n")
        XCTAssertTrue(Identity.isProtected(protectedCRLF))
        let unlocked = try Identity.unlock(protectedCRLF, passphrase: SecretBytes(copying: Array("correct horse".utf8)), source: "test")
        XCTAssertEqual(unlocked.publicKey, identity.publicKey)
        XCTAssertThrowsError(try Identity.unlock(protectedCRLF, passphrase: SecretBytes(copying: Array("wrong".utf8)), source: "test"),
                             "a wrong passphrase is still refused")
        // Two keys in one file are still refused, whatever the line ends.
        let two = crlf + (try Identity.generate()).fileText(created: .now()).replacingOccurrences(of: "\n", with: "\r\n")
        XCTAssertThrowsError(try Identity.parse(two, source: "test"))
    }

    func testTextLinesSplitsLFCRLFAndCR() {
        XCTAssertEqual("a\nb\r\nc\rd\n".textLines(), ["a", "b", "c", "d"])
        XCTAssertEqual("a\r\n\r\nb".textLines(), ["a", "", "b"])
        XCTAssertEqual("".textLines(), [""])
        XCTAssertEqual("x".textLines(), ["x"])
        // Bytes, not Characters: a combining mark after a line end starts the next line, a lone
        // CR ends one, and a substring splits the same as its string.
        XCTAssertEqual("a\n\u{301}b\rc\r".textLines(), ["a", "\u{301}b", "c"])
        XCTAssertEqual("é\r\n\r\n".textLines(), ["é", ""])
        XCTAssertEqual("xx\ny\nz".dropFirst(1).textLines(), ["x", "y", "z"])
    }

    func testIdentityTextRoundTrips() throws {
        let identity = try Identity.generate()
        let parsed = try Identity.parse(identity.fileText(created: .now()), source: "test")
        XCTAssertEqual(parsed.publicKey, identity.publicKey)
        XCTAssertEqual(try PublicKey(parsing: identity.publicKey.text), identity.publicKey)
        XCTAssertTrue(identity.secretKeyText().hasPrefix("SECR-SECRET-KEY-1"))
        XCTAssertThrowsError(try PublicKey(parsing: identity.secretKeyText()))
        XCTAssertThrowsError(try Identity.parse(identity.publicKey.text, source: "test"))
    }

    func testOurSealIsOpenedByLibsodiumsSealOpenAndViceVersa() throws {
        let recipient = try EnvironmentKey.generate(random: SystemRandom())
        let message = SecretBytes(copying: Array("value key bytes, 32 of them.....".utf8))
        let sealed = try Sodium.seal(message, to: recipient.publicKey, random: SystemRandom())
        var opened = [UInt8](repeating: 0, count: message.count)
        let status = recipient.secretKey.withPointer {
            crypto_box_seal_open(&opened, sealed, UInt64(sealed.count), recipient.publicKey.bytes, $0)
        }
        XCTAssertEqual(status, 0)
        XCTAssertTrue(message.isEqual(to: SecretBytes(copying: opened)))
        // And libsodium's own crypto_box_seal output opens with our open.
        var theirs = [UInt8](repeating: 0, count: message.count + Sodium.sealOverhead)
        _ = message.withPointer { crypto_box_seal(&theirs, $0, UInt64(message.count), recipient.publicKey.bytes) }
        XCTAssertTrue(Sodium.openSealed(theirs, publicKey: recipient.publicKey, secretKey: recipient.secretKey)?.isEqual(to: message) ?? false)
    }

    /// An identity's X25519 public key is made from its secret key; it must be the key others
    /// get by converting its Ed25519 public key (what they seal reader lines to).
    func testTheBoxPublicKeyFromTheSecretKeyIsTheConvertedPublicKey() throws {
        for _ in 0..<20 {
            let identity = try Identity.generate()
            XCTAssertEqual(try identity.boxPublicKey, try identity.publicKey.boxPublicKey())
        }
    }

    func testEd25519KeyConvertsToTheX25519KeyUsedForSealing() throws {
        let identity = try Identity.generate()
        XCTAssertEqual(try Sodium.boxPublicKey(ofSecretKey: identity.boxSecretKey), try identity.publicKey.boxPublicKey())
    }

    func testSecretBytesNeverPrintsItsContents() {
        let secret = SecretBytes(copying: Array("hunter2-hunter2".utf8))
        XCTAssertEqual("\(secret)", "SecretBytes(15 bytes)")
        XCTAssertFalse(String(reflecting: secret).contains("hunter2"))
    }

    func testBase64URLIsStrictAndCanonical() {
        let bytes: [UInt8] = [0xff, 0xee, 0x01]
        XCTAssertEqual(Sodium.base64URL(bytes), "_-4B")
        XCTAssertEqual(Sodium.fromBase64URL("_-4B"), bytes)
        XCTAssertNil(Sodium.fromBase64URL("_-4B="), "padding is rejected")
        XCTAssertNil(Sodium.fromBase64URL("/+4B"), "the standard alphabet is rejected")
        XCTAssertEqual(Sodium.base64URL([0xff]), "_w")
        XCTAssertNil(Sodium.fromBase64URL("_x"), "non-canonical trailing bits are rejected")
    }

    func testTimestampsRoundTripAndRejectOtherForms() {
        let t = Timestamp(secondsSinceEpoch: 1_796_000_000)
        XCTAssertEqual(Timestamp(parsing: Substring(t.text)), t)
        XCTAssertEqual(Timestamp(secondsSinceEpoch: 0).text, "1970-01-01T00:00:00Z")
        XCTAssertNil(Timestamp(parsing: "2026-02-30T00:00:00Z"))
        XCTAssertNil(Timestamp(parsing: "2026-11-29 02:03:43Z"))
    }

    /// The table decoder agrees with libsodium's on canonical and non-canonical input alike.
    func testBase64URLDecoderAgreesWithLibsodium() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        let others = Array("=+/ .\n*".utf8)
        for round in 0..<5000 {
            let length = Int.random(in: 0...40, using: &generator)
            var bytes = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
            if round % 5 == 0, !bytes.isEmpty { bytes[Int.random(in: 0..<bytes.count, using: &generator)] = others.randomElement(using: &generator)! }
            var out = [UInt8](repeating: 0, count: length + 1)
            var written = 0
            let status = bytes.withUnsafeBufferPointer { p in
                p.withMemoryRebound(to: CChar.self) { c in
                    sodium_base642bin(&out, out.count, c.baseAddress, bytes.count, nil, &written, nil, sodium_base64_VARIANT_URLSAFE_NO_PADDING)
                }
            }
            let expected: [UInt8]? = status == 0 ? Array(out.prefix(written)) : nil
            XCTAssertEqual(Sodium.fromBase64URL(Substring(String(decoding: bytes, as: UTF8.self))), expected, String(decoding: bytes, as: UTF8.self))
        }
    }
}

/// Bech32 (BIP 173) as age uses it: the checksum catches any typo of up to four characters,
/// the alphabet has no look-alikes, and the 90-character limit of BIP 173 does not apply.
/// The straightforward BIP 173 code secr used before its one-pass rewrite: the reference the
/// rewrite is held to.
private enum ReferenceBech32 {
    private static let alphabet = Array("qpzry9x8gf2tvdw0s3jn54khce6mua7l".utf8)
    private static let generator: [UInt32] = [0x3b6a_57b2, 0x2650_8e6d, 0x1ea1_19fa, 0x3d42_33dd, 0x2a14_62b3]

    private static func polymod(_ values: [UInt8]) -> UInt32 {
        var check: UInt32 = 1
        for value in values {
            let top = check >> 25
            check = (check & 0x1ff_ffff) << 5 ^ UInt32(value)
            for i in 0..<5 where (top >> UInt32(i)) & 1 == 1 { check ^= generator[i] }
        }
        return check
    }

    private static func expand(_ hrp: [UInt8]) -> [UInt8] {
        hrp.map { $0 >> 5 } + [0] + hrp.map { $0 & 31 }
    }

    private static func convert(_ data: [UInt8], from: Int, to: Int, pad: Bool) -> [UInt8]? {
        var accumulator = 0, bits = 0
        var out: [UInt8] = []
        let maxValue = (1 << to) - 1
        for value in data {
            guard Int(value) >> from == 0 else { return nil }
            accumulator = (accumulator << from) | Int(value)
            bits += from
            while bits >= to {
                bits -= to
                out.append(UInt8((accumulator >> bits) & maxValue))
            }
        }
        if pad {
            if bits > 0 { out.append(UInt8((accumulator << (to - bits)) & maxValue)) }
        } else if bits >= from || ((accumulator << (to - bits)) & maxValue) != 0 {
            return nil
        }
        return out
    }

    /// Lower-case encoding of `data` under the human-readable part `hrp` (itself lower case).
    static func encode(hrp: String, data: [UInt8]) -> String {
        let hrpBytes = Array(hrp.utf8)
        let values = convert(data, from: 8, to: 5, pad: true) ?? []
        let mod = polymod(expand(hrpBytes) + values + [0, 0, 0, 0, 0, 0]) ^ 1
        let checksum = (0..<6).map { UInt8((mod >> (5 * (5 - UInt32($0)))) & 31) }
        return hrp + "1" + String(decoding: (values + checksum).map { alphabet[Int($0)] }, as: UTF8.self)
    }

    /// A valid checksum over 5-bit `values` as they are, padding or not.
    static func encode(hrp: String, values: [UInt8]) -> String {
        let mod = polymod(expand(Array(hrp.utf8)) + values + [0, 0, 0, 0, 0, 0]) ^ 1
        let checksum = (0..<6).map { UInt8((mod >> (5 * (5 - UInt32($0)))) & 31) }
        return hrp + "1" + String(decoding: (values + checksum).map { alphabet[Int($0)] }, as: UTF8.self)
    }

    /// Decodes all-lower or all-upper case text; nil when the checksum or the characters are wrong.
    /// Only ASCII is accepted (BIP 173): Unicode case mapping would let the Kelvin sign U+212A
    /// stand for `k`, so one key would have two spellings.
    static func decode(_ text: String) -> (hrp: String, data: [UInt8])? {
        let raw = Array(text.utf8)
        guard raw.allSatisfy({ $0 >= 33 && $0 <= 126 }) else { return nil }
        let hasLower = raw.contains { $0 >= 0x61 && $0 <= 0x7a }
        let hasUpper = raw.contains { $0 >= 0x41 && $0 <= 0x5a }
        guard !(hasLower && hasUpper) else { return nil }
        let bytes = raw.map { $0 >= 0x41 && $0 <= 0x5a ? $0 | 0x20 : $0 }
        guard let separator = bytes.lastIndex(of: UInt8(ascii: "1")), separator > 0,
              bytes.count - separator > 6 else { return nil }
        let hrp = Array(bytes[..<separator])
        var values: [UInt8] = []
        for c in bytes[(separator + 1)...] {
            guard let index = alphabet.firstIndex(of: c) else { return nil }
            values.append(UInt8(index))
        }
        guard polymod(expand(hrp) + values) == 1 else { return nil }
        guard let data = convert(Array(values.dropLast(6)), from: 5, to: 8, pad: false) else { return nil }
        return (String(decoding: hrp, as: UTF8.self), data)
    }
}
