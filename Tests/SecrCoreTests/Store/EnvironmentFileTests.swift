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
