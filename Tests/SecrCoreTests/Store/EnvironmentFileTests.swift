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
