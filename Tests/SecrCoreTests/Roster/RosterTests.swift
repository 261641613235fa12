import XCTest
@testable import SecrCore

final class RosterTests: XCTestCase {
    func testRosterRejectsReorderedAndForgedEntries() throws {
        let (owner, roster, _, _) = try makeProject()
        var lines = roster.text.split(separator: "\n").map(String.init)
        XCTAssertNoThrow(try Roster.load(Array(roster.text.utf8), file: "roster"))
        lines.swapAt(2, 3)
        XCTAssertThrowsError(try Roster.load(Array((lines.joined(separator: "\n") + "\n").utf8), file: "roster"))
        // An outsider's correctly chained, correctly signed entry is still refused.
        var forged = roster
        let outsider = try Identity.generate()
        XCTAssertThrowsError(try forged.append(.addMember(name: "eve", key: outsider.publicKey, role: "owner"), identity: outsider, time: fixedTime))
        XCTAssertEqual(forged.lines.count, roster.lines.count)
        _ = owner
    }
}
