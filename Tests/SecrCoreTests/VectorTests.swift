import Foundation
import XCTest
@testable import SecrCore

/// The test vectors of docs/FORMAT.md §9: a fixed random stream and clock produce exact file
/// text. The test fails when the code and the spec disagree; run it with
/// SECR_UPDATE_VECTORS=1 to rewrite the spec's blocks after a deliberate format change.
final class VectorTests: XCTestCase {
    static let specURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/FORMAT.md")

    /// name → exact text, in the order the spec lists them.
    static func generate() throws -> [(String, String)] {
        let random = DeterministicRandom(seed: "secr FORMAT.md vectors v1")
        let time = Timestamp(parsing: "2026-01-01T00:00:00Z") ?? Timestamp(secondsSinceEpoch: 0)
        let alice = try Identity.generate(random: random)
        let bob = try Identity.generate(random: random)
        var roster = try Roster.create(projectName: "example", owner: "alice", identity: alice, time: time, random: random)
        try roster.append(.addEnvironment(name: "development", access: Role.standardAccess[0].access), identity: alice, time: time)
        try roster.append(.addMember(name: "bob", key: bob.publicKey, role: "developer"), identity: alice, time: time)
        var (file, key) = try EnvironmentFile.create(name: "development", file: ".secr/env/development.secr",
                                                     project: roster.state.projectID,
                                                     readers: roster.state.readers(of: "development"),
                                                     identity: alice, time: time, random: random)
        try roster.append(.environmentKey(name: "development", generation: 1, publicKey: key.publicKey,
                                          readers: roster.state.readerSetHash(of: "development")), identity: alice, time: time)
        try file.write(key: "DATABASE_URL", value: SecretBytes(copying: Array("postgres://app:s3cret@db.internal:5432/app".utf8)),
                       identity: bob, time: time, random: random)
        try file.write(key: "API_TOKEN", value: SecretBytes(copying: Array("tok_live_123".utf8)), identity: alice, time: time, random: random)
        try file.write(key: "API_TOKEN", value: nil, identity: alice, time: time, random: random)
        try file.write(key: "GREETING", value: SecretBytes(copying: Array("héllo, wörld\n\"quoted\"".utf8)), identity: alice, time: time, random: random)
        return [
            ("alice-identity", alice.secretKeyText() + "\n" + alice.publicKey.text + "\n"),
            ("bob-identity", bob.secretKeyText() + "\n" + bob.publicKey.text + "\n"),
            ("roster", roster.text),
            ("roster-root", roster.rootHash + "\n"),
            ("development.secr", file.text),
        ]
    }

    static func blocks(in spec: String) -> [String: String] { SpecVectors.blocks(in: spec) }

    func testSpecVectorsMatchTheCode() throws {
        let generated = try VectorTests.generate()
        var spec = try String(contentsOf: VectorTests.specURL, encoding: .utf8)
        if ProcessInfo.processInfo.environment["SECR_UPDATE_VECTORS"] == "1" {
            for (name, text) in generated {
                let old = VectorTests.blocks(in: spec)[name].map { $0 == "\n" ? "```text vector:\(name)\n```" : "```text vector:\(name)\n\($0)```" }
                let new = "```text vector:\(name)\n\(text)```"
                if let old { spec = spec.replacingOccurrences(of: old, with: new) }
            }
            try spec.write(to: VectorTests.specURL, atomically: true, encoding: .utf8)
        }
        let blocks = VectorTests.blocks(in: spec)
        for (name, text) in generated {
            XCTAssertEqual(blocks[name], text, "docs/FORMAT.md vector '\(name)' differs from what the code writes")
        }
    }

    func testSpecVectorsDecryptToTheDocumentedValues() throws {
        let blocks = VectorTests.blocks(in: try String(contentsOf: VectorTests.specURL, encoding: .utf8))
        let roster = try Roster.load(Array(try XCTUnwrap(blocks["roster"]).utf8), file: "roster")
        let file = try EnvironmentFile.parse(Array(try XCTUnwrap(blocks["development.secr"]).utf8), name: "development", file: "development.secr")
        try file.verifyStructure(against: roster.state)
        try file.verifyAllRecords(against: roster.state)
        let bobKey = try XCTUnwrap(blocks["bob-identity"]?.components(separatedBy: "\n").first)
        let bob = try Identity.parse(bobKey, source: "vector")
        let key = try file.unlock(with: bob, roster: roster.state)
        XCTAssertEqual(try file.value(of: "DATABASE_URL", with: key, roster: roster.state).unsafeString(),
                       "postgres://app:s3cret@db.internal:5432/app")
        XCTAssertEqual(try file.value(of: "GREETING", with: key, roster: roster.state).unsafeString(), "héllo, wörld\n\"quoted\"")
        XCTAssertEqual(file.keyNames, ["DATABASE_URL", "GREETING"])
        XCTAssertEqual(try file.record("API_TOKEN")?.isDeleted, true)
    }
}
