import XCTest
@testable import SecrCore

final class JSONTests: XCTestCase {
    func testRendersValidJSONWithEscapes() throws {
        let value = JSONValue.object([("a", 1), ("b", .string("x\"y\n\u{1b}\u{9b}\u{202e}")), ("c", .null), ("d", .strings(["p", "q"])),
                                      ("e", .array([.object([("k", true)])]))])
        let text = value.rendered
        XCTAssertFalse(text.contains("\u{1b}") || text.contains("\u{9b}") || text.contains("\u{202e}"), "terminal controls escaped")
        let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        XCTAssertEqual(parsed?["b"] as? String, "x\"y\n\u{1b}\u{9b}\u{202e}", "and decoded back exactly")
        XCTAssertEqual(parsed?["a"] as? Int, 1)
        XCTAssertTrue(parsed?["c"] is NSNull)
        XCTAssertEqual(parsed?["d"] as? [String], ["p", "q"])
        XCTAssertEqual(JSONValue.array([]).rendered, "[]")
    }
}
