import XCTest
@testable import SecrCore

final class RevisionRangeTests: XCTestCase {
    func testTheGrammarIsGits() throws {
        let table: [(String, String, String)] = [
            ("main", "main", "HEAD"), ("main..feature", "main", "feature"), ("main..", "main", "HEAD"), ("..feature", "HEAD", "feature"),
            ("HEAD~3..HEAD", "HEAD~3", "HEAD"),
        ]
        for (text, start, end) in table {
            XCTAssertEqual(try RevisionRange.parse(text), RevisionRange(start: start, end: end), text)
        }
        XCTAssertThrowsError(try RevisionRange.parse("main...feature"))
        XCTAssertThrowsError(try RevisionRange.parse(".."))
    }
}
