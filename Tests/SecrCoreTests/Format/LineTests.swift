import XCTest
@testable import SecrCore

final class LineTests: XCTestCase {
    func testLineParserIsStrict() {
        XCTAssertNotNil(Line.parse("secret key=A v=1"))
        XCTAssertNil(Line.parse("secret  key=A"), "double space")
        XCTAssertNil(Line.parse("secret key=A "), "trailing space")
        XCTAssertNil(Line.parse("secret key="), "empty value")
        XCTAssertNil(Line.parse("Secret key=A"), "upper-case kind")
        XCTAssertNil(Line.parse("secret key=A\tv=1"), "tab")
    }
}
