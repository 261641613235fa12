import XCTest
@testable import SecrCore

final class LineTests: XCTestCase {
    /// One byte with its high bit set, at every place and in every length around the 64-byte
    /// steps, is found.
    func testIsASCIIFindsAHighBitAnywhere() {
        for count in [0, 1, 15, 16, 63, 64, 65, 127, 128, 200] {
            let plain = [UInt8](repeating: 0x7f, count: count)
            plain.withUnsafeBufferPointer { XCTAssertTrue(hasOnlyASCII($0), "\(count)") }
            for at in 0..<count {
                var bytes = plain
                bytes[at] = 0x80
                bytes.withUnsafeBufferPointer { XCTAssertFalse(hasOnlyASCII($0), "\(count) at \(at)") }
            }
        }
    }

    func testLineParserIsStrict() {
        XCTAssertNotNil(Line.parse("secret key=A v=1"))
        XCTAssertNil(Line.parse("secret  key=A"), "double space")
        XCTAssertNil(Line.parse("secret key=A "), "trailing space")
        XCTAssertNil(Line.parse("secret key="), "empty value")
        XCTAssertNil(Line.parse("Secret key=A"), "upper-case kind")
        XCTAssertNil(Line.parse("secret key=A\tv=1"), "tab")
    }
}
