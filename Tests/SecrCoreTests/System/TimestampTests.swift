import XCTest
@testable import SecrCore

final class TimestampTests: XCTestCase {
    /// Parsing is arithmetic now; it must agree with gmtime's formatting everywhere.
    func testRoundTripsWhatTextWrites() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20000 {
            let seconds = Int64.random(in: 0...253_402_300_799, using: &generator)  // up to 9999-12-31
            let stamp = Timestamp(secondsSinceEpoch: seconds)
            XCTAssertEqual(Timestamp(parsing: Substring(stamp.text))?.secondsSinceEpoch, seconds, stamp.text)
        }
    }

    func testRefusesWhatTextNeverWrites() {
        for text in ["2026-02-29T00:00:00Z", "2025-13-01T00:00:00Z", "2025-00-10T00:00:00Z", "2025-04-31T00:00:00Z",
                     "2025-01-01T24:00:00Z", "2025-01-01T00:60:00Z", "2025-01-01T00:00:60Z", "2025-01-01T00:00:00",
                     "2025-01-01 00:00:00Z", "2025-1-01T00:00:00Z", "+025-01-01T00:00:00Z", "2025-01-01T00:00:00z"] {
            XCTAssertNil(Timestamp(parsing: Substring(text)), text)
        }
        XCTAssertNotNil(Timestamp(parsing: "2024-02-29T23:59:59Z"))
        XCTAssertNotNil(Timestamp(parsing: "2000-02-29T00:00:00Z"))
        XCTAssertNil(Timestamp(parsing: "1900-02-29T00:00:00Z"))
    }
}
