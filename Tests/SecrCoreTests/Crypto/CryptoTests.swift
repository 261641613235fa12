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
            XCTAssertEqual(identity.boxPublicKey, try identity.publicKey.boxPublicKey())
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
