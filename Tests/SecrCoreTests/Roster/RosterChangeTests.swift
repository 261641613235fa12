import Foundation
import Testing
@testable import SecrCore

/// The list fields of roster entries (`keep`, `exposed`): a removal at scale lists every value the
/// member could read, and every read parses that list, so it is parsed on bytes. These pin down
/// that it accepts and refuses exactly what the writer's `RosterChange.list` form allows.
@Suite struct RosterChangeTests {
    func reader(_ fields: String) throws -> FieldReader {
        let text = Array("member-remove member=bob \(fields)".utf8)
        let line = try #require(text.withUnsafeBufferPointer { Line.parse(bytes: $0) })
        return FieldReader(line: line, file: "roster", lineNumber: 3)
    }

    func exposed(_ value: String) throws -> [Exposure] {
        try RosterChange.parseExposed(try reader("keep=- exposed=\(value)"))
    }

    @Test func anExposedListAsAWriterMakesItParses() throws {
        let items = ["development/A@1", "development/B@12", "production/Z_9@3", "staging/A@1"]
        #expect(try exposed(RosterChange.list(items)).map(\.text) == items.sorted())
        #expect(try exposed("-").isEmpty)
        #expect(try exposed("staging/A@1,staging/A@1").count == 2, "repeats, as sorted() keeps them")
        // 30,000 items, as a removal at 10,000 secrets in three environments writes.
        let many = (0..<30_000).map { "development/KEY_\($0)@\($0 % 7 + 1)" }
        #expect(try exposed(RosterChange.list(many)).count == 30_000)
    }

    @Test(arguments: ["development/B@1,development/A@1", "staging/A@1,development/A@1", "development/A@2,development/A@10"])
    func anExposedListOutOfOrderIsRefused(_ value: String) throws {
        #expect { try exposed(value) } throws: { "\($0)".contains("exposed list is not sorted") }
    }

    @Test(arguments: ["development/A@01", "development/A@+1", "development/A@0", "development/A@-1",
                      "development/A", "Development/A@1", "development/1A@1", "development/A-B@1", "development/A@1,",
                      ",development/A@1", "developmentA@1", "development/A@99999999999999999999", "development/A@1x"])
    func anItemNotInTheWritersFormIsRefused(_ value: String) throws {
        #expect { try exposed(value) } throws: { "\($0)".contains("is not ENV/KEY@VERSION") }
    }

    @Test func aKeptRecordListParsesAndIsCheckedTheSameWay() throws {
        let hash = Sodium.base64URL([UInt8](repeating: 7, count: 32))
        let items = ["development/A@2:\(hash)", "staging/B@1:\(hash)"]
        let kept = try RosterChange.parseKeep(try reader("keep=\(RosterChange.list(items)) exposed=-"))
        #expect(kept.map(\.text) == items)
        #expect { try RosterChange.parseKeep(try reader("keep=\(items.reversed().joined(separator: ",")) exposed=-")) } throws: {
            "\($0)".contains("keep list is not sorted")
        }
        #expect { try RosterChange.parseKeep(try reader("keep=development/A@02:\(hash) exposed=-")) } throws: {
            "\($0)".contains("is not ENV/KEY@VERSION:HASH")
        }
    }
}
