import XCTest
@testable import SecrCore

final class FormatTests: XCTestCase {
    let time = Timestamp(secondsSinceEpoch: 1_796_000_000)

    /// A roster with an owner and the standard environments, and the development file.
    func makeProject() throws -> (Identity, Roster, EnvironmentFile, EnvironmentKey) {
        let owner = try Identity.generate()
        var roster = try Roster.create(projectName: "demo", owner: "alice", identity: owner, time: time, random: SystemRandom())
        for (environment, access) in Role.standardAccess {
            try roster.append(.addEnvironment(name: environment, access: access), identity: owner, time: time)
        }
        let (file, key) = try EnvironmentFile.create(name: "development", file: "development.secr", project: roster.state.projectID,
                                                     readers: roster.state.readers(of: "development"), identity: owner,
                                                     time: time, random: SystemRandom())
        try roster.append(.environmentKey(name: "development", generation: 1, publicKey: key.publicKey,
                                          readers: roster.state.readerSetHash(of: "development")), identity: owner, time: time)
        return (owner, roster, file, key)
    }

    func testRecordRoundTripsThroughText() throws {
        let (owner, roster, created, _) = try makeProject()
        var file = created
        try file.write(key: "API_KEY", value: SecretBytes(copying: Array("s3cret".utf8)), identity: owner, time: time, random: SystemRandom())
        let parsed = try EnvironmentFile.parse(Array(file.text.utf8), name: "development", file: "development.secr")
        XCTAssertEqual(parsed.text, file.text)
        try parsed.verifyStructure(against: roster.state)
        let key = try parsed.unlock(with: owner, roster: roster.state)
        XCTAssertEqual(try parsed.value(of: "API_KEY", with: key, roster: roster.state).unsafeString(), "s3cret")
    }

    func testAdditionalDataBindsKeyEnvironmentAndVersion() throws {
        let (owner, roster, created, envKey) = try makeProject()
        var file = created
        try file.write(key: "A", value: SecretBytes(copying: Array("x".utf8)), identity: owner, time: time, random: SystemRandom())
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
        try file.write(key: "A", value: SecretBytes(copying: Array("x".utf8)), identity: owner, time: time, random: SystemRandom())
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

    func testRosterRejectsReorderedAndForgedEntries() throws {
        let (owner, roster, _, _) = try makeProject()
        var lines = roster.text.split(separator: "\n").map(String.init)
        XCTAssertNoThrow(try Roster.load(Array(roster.text.utf8), file: "roster"))
        lines.swapAt(2, 3)
        XCTAssertThrowsError(try Roster.load(Array((lines.joined(separator: "\n") + "\n").utf8), file: "roster"))
        // An outsider's correctly chained, correctly signed entry is still refused.
        var forged = roster
        let outsider = try Identity.generate()
        XCTAssertThrowsError(try forged.append(.addMember(name: "eve", key: outsider.publicKey, role: "owner"), identity: outsider, time: time))
        XCTAssertEqual(forged.lines.count, roster.lines.count)
        _ = owner
    }

    func testLineParserIsStrict() {
        XCTAssertNotNil(Line.parse("secret key=A v=1"))
        XCTAssertNil(Line.parse("secret  key=A"), "double space")
        XCTAssertNil(Line.parse("secret key=A "), "trailing space")
        XCTAssertNil(Line.parse("secret key="), "empty value")
        XCTAssertNil(Line.parse("Secret key=A"), "upper-case kind")
        XCTAssertNil(Line.parse("secret key=A\tv=1"), "tab")
    }

    func testDotenvQuotingChoosesTheSimplestSafeForm() {
        func render(_ value: String) -> String {
            String(decoding: SecretFormat.dotenv.render([("K", SecretBytes(copying: Array(value.utf8)))]), as: UTF8.self)
        }
        XCTAssertEqual(render("plain-value_1.2:3@x/y=z"), "K=plain-value_1.2:3@x/y=z\n")
        XCTAssertEqual(render(""), "K=\n")
        XCTAssertEqual(render("a b #c \"d\""), "K='a b #c \"d\"'\n")
        XCTAssertEqual(render("it's"), "K=\"it's\"\n")
        XCTAssertEqual(render("a\\b\nc"), "K='a\\b\nc'\n", "a lone backslash and a line break fit single quotes")
        // Nothing in the default output may run or expand when a shell sources it.
        XCTAssertEqual(render("$(touch x) `id` ${HOME}"), "K='$(touch x) `id` ${HOME}'\n")
        XCTAssertEqual(render("it's $(id)"), "K=\"it's \\$(id)\"\n")
        XCTAssertEqual(render("a\\\\b `x`"), "K=\"a\\\\\\\\b \\`x\\`\"\n", "python-dotenv would unescape \\\\ in single quotes")
        XCTAssertEqual(render("ends\\"), "K=\"ends\\\\\"\n")
    }
}
