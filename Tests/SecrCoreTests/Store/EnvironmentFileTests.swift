import Foundation
import XCTest
@testable import SecrCore

final class EnvironmentFileTests: XCTestCase {

    func testRecordRoundTripsThroughText() throws {
        let (owner, roster, created, _) = try makeProject()
        var file = created
        try file.write(key: "API_KEY", value: SecretBytes(copying: Array("s3cret".utf8)), identity: owner, time: fixedTime, random: SystemRandom())
        let parsed = try EnvironmentFile.parse(Array(file.text.utf8), name: "development", file: "development.secr")
        XCTAssertEqual(parsed.text, file.text)
        try parsed.verifyStructure(against: roster.state)
        let key = try parsed.unlock(with: owner, roster: roster.state)
        XCTAssertEqual(try parsed.value(of: "API_KEY", with: key, roster: roster.state).unsafeString(), "s3cret")
    }

    /// Only a file whose every record this process verified (or signed) may be remembered as
    /// verified whole when written: a record put in from elsewhere (a merge) clears that, and
    /// so does reading only some records.
    func testOnlyVerifiedOrOwnRecordsKeepAFileVerifiedWhole() throws {
        let (owner, roster, created, _) = try makeProject()
        var file = created
        try file.write(key: "A", value: SecretBytes(copying: Array("x".utf8)), identity: owner, time: fixedTime, random: SystemRandom())
        var parsed = try EnvironmentFile.parse(file.bytes, name: "development", file: "development.secr")
        XCTAssertFalse(parsed.recordsVerified, "parsed, not yet verified")
        try parsed.verifyAll(against: roster.state)
        XCTAssertTrue(parsed.recordsVerified)
        try parsed.write(key: "B", value: SecretBytes(copying: Array("y".utf8)), identity: owner, time: fixedTime, random: SystemRandom())
        XCTAssertTrue(parsed.recordsVerified, "a record it signed itself")
        parsed.setRecord(try XCTUnwrap(file.record("A")), for: "A")
        XCTAssertFalse(parsed.recordsVerified, "a record from elsewhere")
        var partial = try EnvironmentFile.parse(file.bytes, name: "development", file: "development.secr", keys: ["A"])
        try partial.verifyAll(against: roster.state)
        XCTAssertFalse(partial.recordsVerified, "a partial read verified some records only")
        XCTAssertEqual(file.bytes, Array(file.text.utf8))
    }

    /// A partial read (`get`) orders record lines by their bytes: it refuses lines out of order
    /// or a repeated key, wherever the key asked for is, as a whole read does.
    func testAPartialReadRefusesRecordsOutOfOrderAsAWholeReadDoes() throws {
        let (owner, _, created, _) = try makeProject()
        var file = created
        for key in ["A", "B", "C"] {
            try file.write(key: key, value: SecretBytes(copying: Array("x".utf8)), identity: owner, time: fixedTime, random: SystemRandom())
        }
        let lines = file.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let records = lines.indices.filter { lines[$0].hasPrefix("secret ") }
        XCTAssertEqual(records.count, 3)
        for asked in ["A", "B", "C"] {
            XCTAssertNoThrow(try EnvironmentFile.parse(file.bytes, name: "development", file: "development.secr", keys: [asked]))
        }
        var swapped = lines
        swapped.swapAt(records[1], records[2])
        var repeated = lines
        repeated[records[2]] = lines[records[1]]
        for bad in [swapped, repeated] {
            let bytes = Array(bad.joined(separator: "\n").utf8)
            XCTAssertThrowsError(try EnvironmentFile.parse(bytes, name: "development", file: "development.secr"))
            for asked in ["A", "B", "C"] {
                XCTAssertThrowsError(try EnvironmentFile.parse(bytes, name: "development", file: "development.secr", keys: [asked])) { error in
                    XCTAssertTrue("\(error)".contains("not sorted by key or repeat key"), "\(error)")
                }
            }
        }
    }

    /// `get` reads the file from disk line by line: it must give what a partial parse of the
    /// bytes gives, and refuse what that refuses (conflict markers anywhere, a CR, bytes that
    /// are not UTF-8, a last line without its newline).
    func testAFileReadLineByLineIsThePartialParseOfItsBytes() throws {
        let (owner, _, created, _) = try makeProject()
        var file = created
        for index in 0..<2_000 {
            try file.write(key: "KEY_\(index)", value: SecretBytes(copying: Array("value \(index)".utf8)), identity: owner, time: fixedTime, random: SystemRandom())
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("secr-envread-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("development.secr").path
        func read(_ bytes: [UInt8], keys: Set<String>) throws -> EnvironmentFile? {
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            return try EnvironmentFile.read(path, name: "development", file: "development.secr", keys: keys)
        }
        let bytes = file.bytes
        XCTAssertGreaterThan(bytes.count, 128 << 10, "more than one buffer")
        for key in ["KEY_0", "KEY_1500", "KEY_999", "NOT_THERE"] {
            let streamed = try XCTUnwrap(read(bytes, keys: [key]))
            let parsed = try EnvironmentFile.parse(bytes, name: "development", file: "development.secr", keys: [key])
            XCTAssertEqual(streamed.keyNames, parsed.keyNames)
            XCTAssertEqual(streamed.keyNames.count, 2_000)
            XCTAssertEqual(try streamed.record(key)?.line.text, try parsed.record(key)?.line.text)
            XCTAssertEqual(streamed.readerNames, parsed.readerNames)
            XCTAssertEqual(streamed.headerText, parsed.headerText)
        }
        XCTAssertNil(try EnvironmentFile.read(path + ".missing", name: "development", file: "development.secr", keys: ["KEY_0"]))
        var lines = file.text.split(separator: "\n").map { Array($0.utf8) }
        let middle = lines.count / 2
        func refused(_ bad: [UInt8], _ expected: String, line: UInt = #line) {
            XCTAssertThrowsError(try read(bad, keys: ["KEY_0"]), line: line) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(error)", line: line)
            }
            XCTAssertThrowsError(try EnvironmentFile.parse(bad, name: "development", file: "development.secr", keys: ["KEY_0"]), line: line)
        }
        var conflicted = lines
        conflicted.insert(Array("<<<<<<< HEAD".utf8), at: middle)
        refused(conflicted.flatMap { $0 + [0x0a] }, "conflict markers")
        var carriageReturn = lines
        carriageReturn[middle] += [0x0d]
        refused(carriageReturn.flatMap { $0 + [0x0a] }, "LF line ends")
        var notUTF8 = lines
        notUTF8[middle].insert(0xff, at: 3)
        refused(notUTF8.flatMap { $0 + [0x0a] }, "not UTF-8")
        refused(Array(lines.flatMap { $0 + [0x0a] }.dropLast()), "must end with a newline")
        lines.swapAt(middle, middle + 1)
        refused(lines.flatMap { $0 + [0x0a] }, "not sorted by key")
    }

    /// The file keeps its keys sorted as records come and go (it writes and lists them in that
    /// order without sorting them again).
    func testRecordsStayInKeyOrderAsTheyAreSetAndRemoved() throws {
        let (owner, _, created, _) = try makeProject()
        var file = created
        for key in ["M", "C", "X", "A", "K", "C"] {
            try file.write(key: key, value: SecretBytes(copying: Array("v".utf8)), identity: owner, time: fixedTime, random: SystemRandom())
        }
        XCTAssertEqual(try file.allRecords.map(\.key), ["A", "C", "K", "M", "X"])
        file.setRecord(nil, for: "K")
        file.setRecord(nil, for: "Q")
        XCTAssertEqual(try file.allRecords.map(\.key), ["A", "C", "M", "X"])
        file.setRecord(try XCTUnwrap(created.record("A") ?? file.record("A")), for: "A")
        XCTAssertEqual(try file.allRecords.map(\.key), ["A", "C", "M", "X"])
        let parsed = try EnvironmentFile.parse(file.bytes, name: "development", file: "development.secr")
        XCTAssertEqual(try parsed.allRecords.map(\.key), ["A", "C", "M", "X"])
        XCTAssertEqual(parsed.bytes, file.bytes)
    }

    func testAdditionalDataBindsKeyEnvironmentAndVersion() throws {
        let (owner, roster, created, envKey) = try makeProject()
        var file = created
        try file.write(key: "A", value: SecretBytes(copying: Array("x".utf8)), identity: owner, time: fixedTime, random: SystemRandom())
        let record = try XCTUnwrap(file.record("A"))
        let project = roster.state.projectID
        XCTAssertNotNil(record.decrypt(with: envKey, project: project, environment: "development"))
        XCTAssertNil(record.decrypt(with: envKey, project: project, environment: "staging"))
        XCTAssertNil(record.decrypt(with: envKey, project: "other-project", environment: "development"))
        XCTAssertFalse(record.signatureIsValid(project: project, environment: "production"))
    }

    /// A file with records of every shape (a long key, a promotion, a tombstone), and a cache
    /// that knows its bytes verified whole.
    private func fileTheCacheKnows() throws -> (Identity, Roster, [UInt8], VerificationCache, URL) {
        let (owner, roster, created, _) = try makeProject()
        var file = created
        for key in ["A", "B", "C", "A_KEY_NAME_LONGER_THAN_FIFTEEN_BYTES"] {
            try file.write(key: key, value: SecretBytes(copying: Array("v-\(key)".utf8)), identity: owner, time: fixedTime, random: SystemRandom())
        }
        try file.write(key: "C", value: SecretBytes(copying: Array("promoted".utf8)), from: "staging@3", identity: owner, time: fixedTime, random: SystemRandom())
        try file.write(key: "B", value: nil, identity: owner, time: fixedTime, random: SystemRandom())
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("secr-deferred-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let cache = VerificationCache()
        cache.load(path: directory.appendingPathComponent("cache").path, identity: owner)
        return (owner, roster, file.bytes, cache, directory)
    }

    private func remember(_ bytes: [UInt8], in cache: VerificationCache) {
        bytes.withUnsafeBytes { cache.rememberVerifiedRecords(EnvironmentFile.recordsDigest(name: "development", bytes: $0)) }
    }

    /// A change defers the record lines of a file the cache knows verified whole; what it reads
    /// of them, and the bytes it writes back, are the whole parse's.
    func testADeferredParseReadsAndWritesAsTheWholeParse() throws {
        let (owner, roster, bytes, cache, directory) = try fileTheCacheKnows()
        defer { try? FileManager.default.removeItem(at: directory) }
        let unknown = try EnvironmentFile.parse(bytes, name: "development", file: "development.secr", deferringRecords: true, cache: cache)
        XCTAssertFalse(unknown.hasDeferredRecords, "bytes the cache does not know are parsed whole")
        remember(bytes, in: cache)
        var deferred = try EnvironmentFile.parse(bytes, name: "development", file: "development.secr", deferringRecords: true, cache: cache)
        XCTAssertTrue(deferred.hasDeferredRecords)
        XCTAssertFalse(try EnvironmentFile.parse(bytes, name: "development", file: "development.secr", cache: cache).hasDeferredRecords,
                       "only a change asks to defer")
        let whole = try EnvironmentFile.parse(bytes, name: "development", file: "development.secr")
        XCTAssertEqual(deferred.bytes, bytes)
        XCTAssertEqual(deferred.keyNames, whole.keyNames)
        XCTAssertEqual(deferred.keyNames, ["A", "A_KEY_NAME_LONGER_THAN_FIFTEEN_BYTES", "C"])
        XCTAssertEqual(deferred.recordVersions.map { "\($0.key)@\($0.version)" }, whole.recordVersions.map { "\($0.key)@\($0.version)" })
        XCTAssertEqual(try deferred.allRecords.map(\.line), try whole.allRecords.map(\.line))
        XCTAssertEqual(try deferred.allRecords.map(\.lineNumber), try whole.allRecords.map(\.lineNumber))
        for key in ["A", "B", "C", "A_KEY_NAME_LONGER_THAN_FIFTEEN_BYTES", "D"] {
            XCTAssertEqual(try deferred.record(key)?.line, try whole.record(key)?.line, key)
        }
        var parsedWhole = deferred
        try parsedWhole.parseDeferredRecords()
        XCTAssertFalse(parsedWhole.hasDeferredRecords)
        XCTAssertEqual(parsedWhole.bytes, bytes)
        XCTAssertNotNil(parsedWhole.recordsDigest)
        XCTAssertEqual(parsedWhole.recordsDigest, deferred.recordsDigest, "the same bytes: still known as they were")
        XCTAssertEqual(try parsedWhole.allRecords.map(\.line), try whole.allRecords.map(\.line))
        // Without the shared cache, verifying parses and checks every record.
        try deferred.verifyAll(against: roster.state)
        XCTAssertTrue(deferred.recordsVerified)
        try deferred.write(key: "A", value: SecretBytes(copying: Array("new".utf8)), identity: owner, time: fixedTime, random: SystemRandom())
        XCTAssertTrue(deferred.recordsVerified, "its own record keeps it verified whole")
        let before = bytes.split(separator: 0x0a, omittingEmptySubsequences: false)
        let after = deferred.bytes.split(separator: 0x0a, omittingEmptySubsequences: false)
        XCTAssertEqual(before.count, after.count)
        XCTAssertEqual(zip(before, after).filter { $0 != $1 }.map { String(decoding: $0.1.prefix(8), as: UTF8.self) }, ["secret k"],
                       "one line changed: A's")
        var reread = try EnvironmentFile.parse(deferred.bytes, name: "development", file: "development.secr")
        try reread.verifyAll(against: roster.state)
        XCTAssertEqual(try reread.record("A")?.version, 2)
    }

    /// A deferred line is parsed when it is asked for, with every check of the whole parse: one
    /// that does not parse (a cache trusted wrongly, or a parser grown stricter) is refused by
    /// its line number, never taken as absent or passed over.
    func testADeferredLineThatDoesNotParseIsRefusedWhenAskedFor() throws {
        let (_, roster, bytes, cache, directory) = try fileTheCacheKnows()
        defer { try? FileManager.default.removeItem(at: directory) }
        var lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let index = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("secret key=C ") })
        lines[index] = lines[index].replacingOccurrences(of: " nonce=", with: " nonce=!")
        let altered = Array(lines.joined(separator: "\n").utf8)
        XCTAssertThrowsError(try EnvironmentFile.parse(altered, name: "development", file: "development.secr"))
        remember(altered, in: cache)
        var deferred = try EnvironmentFile.parse(altered, name: "development", file: "development.secr", deferringRecords: true, cache: cache)
        XCTAssertTrue(deferred.hasDeferredRecords)
        XCTAssertNotNil(try deferred.record("A"), "other lines still read")
        for attempt in [{ _ = try deferred.record("C") }, { _ = try deferred.allRecords }] {
            XCTAssertThrowsError(try attempt()) { error in
                XCTAssertTrue((error as? SecrError)?.message.contains("development.secr:\(index + 1):") ?? false, "\(error)")
            }
        }
        XCTAssertThrowsError(try deferred.verifyAll(against: roster.state))
        var parsedWhole = deferred
        XCTAssertThrowsError(try parsedWhole.parseDeferredRecords())
        XCTAssertFalse(deferred.recordsVerified)
    }

    func testValueKeyMustMatchItsCommitment() throws {
        // A writer who seals a different value key than the one committed to is caught: the
        // reader checks the unsealed key against the signed commitment before decrypting.
        let (owner, roster, created, envKey) = try makeProject()
        var file = created
        try file.write(key: "A", value: SecretBytes(copying: Array("x".utf8)), identity: owner, time: fixedTime, random: SystemRandom())
        let record = try XCTUnwrap(file.record("A"))
        var line = record.line
        let otherKey = SecretBytes(random: 32, from: SystemRandom())
        let resealed = try Sodium.seal(otherKey, to: envKey.publicKey, random: SystemRandom())
        line.fields = line.fields.map { $0.name == "vk" ? (name: "vk", value: Sodium.base64URL(resealed)) : $0 }
        let swapped = try SecretRecord(line: line, reader: FieldReader(line: line, file: "f", lineNumber: 1))
        XCTAssertTrue(swapped.signatureIsValid(project: roster.state.projectID, environment: "development"),
                      "vk is outside the signature")
        XCTAssertNil(swapped.decrypt(with: envKey, project: roster.state.projectID, environment: "development"))
    }

}
