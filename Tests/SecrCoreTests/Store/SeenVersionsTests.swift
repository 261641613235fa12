import XCTest
@testable import SecrCore

final class SeenVersionsTests: XCTestCase {
    private func seen(_ text: String) -> SeenVersions {
        let magic = "secr-seen v1 added=1\n"
        return SeenVersions(parsing: Array((magic + text).utf8), from: magic.utf8.count)
    }

    private func listed(_ versions: SeenVersions) -> [String] {
        var out: [String] = []
        versions.forEach { key, version in out.append("\(String(decoding: key, as: UTF8.self)) \(version)") }
        return out
    }

    func testASortedListIsSearchedInPlace() {
        let versions = seen("KEY_1 3\nKEY_10 1\nKEY_2 12\n")
        XCTAssertEqual(versions["KEY_1"], 3)
        XCTAssertEqual(versions["KEY_10"], 1)
        XCTAssertEqual(versions["KEY_2"], 12)
        XCTAssertNil(versions["KEY_"], "a prefix of a listed key is not listed")
        XCTAssertNil(versions["KEY_3"])
        XCTAssertNil(versions["A"])
        XCTAssertEqual(listed(versions), ["KEY_1 3", "KEY_10 1", "KEY_2 12"])
    }

    /// A file edited by hand out of order, or listing a key twice, is still searched right, and
    /// the doubled key keeps its higher version (the stricter check).
    func testAnUnsortedListIsSortedAndADoubledKeyKeepsItsHigherVersion() {
        let versions = seen("ZED 1\nALPHA 4\nMID 2\nALPHA 9\nALPHA 3\n")
        XCTAssertEqual(listed(versions), ["ALPHA 9", "MID 2", "ZED 1"])
        XCTAssertEqual(versions["ALPHA"], 9)
        XCTAssertEqual(versions["ZED"], 1)
    }

    func testLinesThatAreNotKeyAndVersionAreSkipped() {
        let versions = seen("GOOD 2\nNOVERSION\nBAD x\n 5\nTRAILING 3 junk\nLAST 7")
        XCTAssertEqual(listed(versions), ["GOOD 2", "LAST 7"])
        XCTAssertEqual(listed(seen("")), [])
        // At most 18 digits (a version fits an Int); no digits, two spaces or an empty line is no entry.
        XCTAssertEqual(listed(seen("\nLONG 1234567890123456789\nMOST 123456789012345678\nNONE \nTWO  4\n\n")), ["MOST 123456789012345678"])
    }

    /// A read or a write raises the seen versions by a sorted merge: every key of either list,
    /// the higher version of each, and nothing to write when no version is higher.
    func testRaisingMergesBothListsAndKeepsTheHigherVersion() {
        let versions = seen("B 3\nD 1\nF 9\n")
        XCTAssertFalse(versions.isRaised(by: []))
        XCTAssertFalse(versions.isRaised(by: [("B", 3), ("D", 1), ("F", 2)]), "nothing higher")
        XCTAssertTrue(versions.isRaised(by: [("D", 2)]))
        XCTAssertTrue(versions.isRaised(by: [("A", 1)]), "a key not seen yet")
        XCTAssertTrue(versions.isRaised(by: [("Z", 1)]), "a key after the last")
        XCTAssertTrue(seen("").isRaised(by: [("A", 1)]))
        let raised = versions.lines(raisedBy: [("A", 1), ("B", 2), ("D", 4), ("E", 1), ("G", 1)])
        XCTAssertEqual(String(decoding: raised, as: UTF8.self), "A 1\nB 3\nD 4\nE 1\nF 9\nG 1\n")
        // Given in String order, taken in byte order (the same for key names).
        XCTAssertEqual(String(decoding: seen("").lines(raisedBy: [("KEY_2", 1), ("KEY_10", 1), ("KEY_1", 1)]), as: UTF8.self),
                       "KEY_1 1\nKEY_10 1\nKEY_2 1\n")
    }

    /// `get` reads a file partially and walks its index beside the seen versions; `pull` reads
    /// it whole and looks each up. Both must find the same rollbacks and deleted lines.
    func testAPartialAndAWholeReadFindTheSameVersionProblems() throws {
        let (owner, _, created, _) = try makeProject()
        var file = created
        for key in ["A", "B", "C", "D"] {
            try file.write(key: key, value: SecretBytes(copying: Array("x".utf8)), identity: owner, time: fixedTime, random: SystemRandom())
        }
        try file.write(key: "C", value: nil, identity: owner, time: fixedTime, random: SystemRandom())
        // A at v1 (fine), B seen at v3 (rolled back to v1), C at v2 (tombstone, fine),
        // GONE seen but without a line, ZZ seen past the last key.
        let versions = seen("A 1\nB 3\nC 2\nGONE 1\nZZ 4\n")
        let whole = try EnvironmentFile.parse(file.bytes, name: "development", file: "development.secr")
        let partial = try EnvironmentFile.parse(file.bytes, name: "development", file: "development.secr", keys: ["D"])
        let problems = whole.versionProblems(seen: versions)
        XCTAssertEqual(problems.count, 3)
        XCTAssertTrue(problems[0].contains("B is v1 here, but this clone has verified v3"), problems[0])
        XCTAssertTrue(problems[1].contains("GONE is missing"), problems[1])
        XCTAssertTrue(problems[2].contains("ZZ is missing"), problems[2])
        XCTAssertEqual(partial.versionProblems(seen: versions), problems)
        XCTAssertEqual(whole.versionProblems(seen: seen("A 1\nB 1\nD 1\n")), [])
        XCTAssertEqual(partial.versionProblems(seen: seen("A 1\nB 1\nD 1\n")), [])
        XCTAssertEqual(partial.keyNames, ["A", "B", "D"])
        XCTAssertEqual(try partial.record("D")?.line.text, try whole.record("D")?.line.text)
        XCTAssertNil(try partial.record("A"), "only the keys asked for are parsed in full")
    }
}
