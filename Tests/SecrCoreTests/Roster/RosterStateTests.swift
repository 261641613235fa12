import XCTest
@testable import SecrCore

/// `RosterState.apply`, the one statement of every roster rule, as a table: each rule with a
/// change that is permitted and one that is refused, and why.
final class RosterStateTests: XCTestCase {
    struct Party {
        let identity: Identity
        var key: PublicKey { identity.publicKey }
    }

    /// owner alice, admin ada, developer dev, viewer vic; development, staging, production.
    func standard() throws -> (RosterState, [String: Member]) {
        let alice = try Identity.generate()
        var roster = try Roster.create(projectName: "t", owner: "alice", identity: alice, time: fixedTime, random: SystemRandom())
        for (environment, access) in Role.standardAccess {
            try roster.append(.addEnvironment(name: environment, access: access), identity: alice, time: fixedTime)
        }
        for (name, role) in [("ada", "admin"), ("dev", "developer"), ("vic", "viewer")] {
            try roster.append(.addMember(name: name, key: try Identity.generate().publicKey, role: role), identity: alice, time: fixedTime)
        }
        let state = roster.state
        return (state, state.members)
    }

    enum Outcome: Equatable {
        case permitted
        case refused(SecrError.Kind, String)
    }

    func check(_ change: RosterChange, by signer: String, expect outcome: Outcome, file: StaticString = #filePath, line: UInt = #line) throws {
        var (state, members) = try standard()
        let member = try XCTUnwrap(members[signer], file: file, line: line)
        do {
            try state.apply(change, by: member, seq: 99, time: fixedTime)
            XCTAssertEqual(outcome, .permitted, "\(change.kind) by \(signer) was permitted", file: file, line: line)
        } catch let error as SecrError {
            guard case let .refused(kind, fragment) = outcome else {
                return XCTFail("\(change.kind) by \(signer) refused: \(error.message)", file: file, line: line)
            }
            XCTAssertEqual(error.kind, kind, error.message, file: file, line: line)
            XCTAssertTrue(error.message.contains(fragment), "\(error.message) lacks '\(fragment)'", file: file, line: line)
        }
    }

    func testMemberRules() throws {
        let fresh = try Identity.generate().publicKey
        try check(.addMember(name: "new", key: fresh, role: "developer"), by: "ada", expect: .permitted)
        try check(.addMember(name: "new", key: fresh, role: "developer"), by: "dev", expect: .refused(.accessDenied, "may not add members"))
        try check(.addMember(name: "new", key: fresh, role: "owner"), by: "ada", expect: .refused(.accessDenied, "add an owner"))
        try check(.addMember(name: "new", key: fresh, role: "owner"), by: "alice", expect: .permitted)
        try check(.addMember(name: "dev", key: fresh, role: "viewer"), by: "alice", expect: .refused(.failure, "exists already"))
        try check(.addMember(name: "new", key: fresh, role: "nosuch"), by: "alice", expect: .refused(.usage, "does not exist"))
        try check(.addMember(name: "Bad Name", key: fresh, role: "viewer"), by: "alice", expect: .refused(.usage, "not a valid member name"))
        try check(.removeMember(name: "dev", keep: [], exposed: []), by: "ada", expect: .permitted)
        try check(.removeMember(name: "alice", keep: [], exposed: []), by: "ada", expect: .refused(.accessDenied, "remove an owner"))
        try check(.removeMember(name: "alice", keep: [], exposed: []), by: "alice", expect: .refused(.failure, "last owner"))
        try check(.removeMember(name: "ghost", keep: [], exposed: []), by: "alice", expect: .refused(.usage, "no member"))
        try check(.setRole(name: "dev", role: "viewer", keep: [], exposed: []), by: "ada", expect: .permitted)
        try check(.setRole(name: "dev", role: "owner", keep: [], exposed: []), by: "ada", expect: .refused(.accessDenied, "owner role"))
        try check(.setRole(name: "alice", role: "admin", keep: [], exposed: []), by: "alice", expect: .refused(.failure, "last owner"))
        try check(.setRole(name: "dev", role: "developer", keep: [], exposed: []), by: "alice", expect: .refused(.failure, "already"))
    }

    func testEnvironmentRules() throws {
        try check(.addEnvironment(name: "qa", access: ["developer": .readWrite]), by: "ada", expect: .permitted)
        try check(.addEnvironment(name: "qa", access: [:]), by: "dev", expect: .refused(.accessDenied, "may not add environments"))
        try check(.addEnvironment(name: "staging", access: [:]), by: "alice", expect: .refused(.failure, "exists already"))
        try check(.addEnvironment(name: "qa", access: ["nosuch": .read]), by: "alice", expect: .refused(.usage, "does not exist"))
        try check(.removeEnvironment(name: "staging"), by: "alice", expect: .permitted)
        try check(.removeEnvironment(name: "staging"), by: "ada", expect: .refused(.accessDenied, "an owner can"))
        try check(.removeEnvironment(name: "qa"), by: "alice", expect: .refused(.usage, "no environment"))
    }

    func testEnvironmentKeyRules() throws {
        var (state, members) = try standard()
        let alice = try XCTUnwrap(members["alice"]), dev = try XCTUnwrap(members["dev"]), vic = try XCTUnwrap(members["vic"])
        let pk = BoxPublicKey(uncheckedBytes: [UInt8](repeating: 7, count: 32))
        let readers = state.readerSetHash(of: "staging")
        // A reader records the first key, with any generation.
        try state.apply(.environmentKey(name: "staging", generation: 4, publicKey: pk, readers: readers), by: vic, seq: 10, time: fixedTime)
        XCTAssertEqual(state.currentKey(of: "staging")?.generation, 4)
        // Then generations count up by one.
        XCTAssertThrowsError(try state.apply(.environmentKey(name: "staging", generation: 6, publicKey: pk, readers: readers), by: dev, seq: 11, time: fixedTime))
        XCTAssertNoThrow(try state.apply(.environmentKey(name: "staging", generation: 5, publicKey: pk, readers: readers), by: dev, seq: 11, time: fixedTime))
        // Only readers, and only sealed to exactly the roster's readers.
        XCTAssertThrowsError(try state.apply(.environmentKey(name: "production", generation: 1, publicKey: pk, readers: state.readerSetHash(of: "production")),
                                             by: dev, seq: 12, time: fixedTime)) { XCTAssertEqual(($0 as? SecrError)?.kind, .accessDenied) }
        XCTAssertThrowsError(try state.apply(.environmentKey(name: "production", generation: 1, publicKey: pk, readers: readers),
                                             by: alice, seq: 12, time: fixedTime)) { XCTAssertEqual(($0 as? SecrError)?.kind, .integrity) }
        // Removing the environment forgets its keys; adding it again starts a new incarnation.
        try state.apply(.removeEnvironment(name: "staging"), by: alice, seq: 13, time: fixedTime)
        XCTAssertNil(state.currentKey(of: "staging"))
        try state.apply(.addEnvironment(name: "staging", access: ["owner": .readWrite]), by: alice, seq: 14, time: fixedTime)
        XCTAssertEqual(state.environmentAdded["staging"], 14)
    }

    func testRoleAndPolicyRules() throws {
        try check(.addRole(name: "ci", manage: .none, access: ["staging": .read]), by: "alice", expect: .permitted)
        try check(.addRole(name: "ci", manage: .none, access: [:]), by: "ada", expect: .refused(.accessDenied, "define roles"))
        try check(.addRole(name: "admin", manage: .none, access: [:]), by: "alice", expect: .refused(.failure, "exists already"))
        try check(.addRole(name: "ci", manage: .all, access: [:]), by: "alice", expect: .refused(.failure, "at most"))
        try check(.addRole(name: "ci", manage: .none, access: ["qa": .read]), by: "alice", expect: .refused(.usage, "no environment"))
        try check(.removeRole(name: "viewer"), by: "alice", expect: .refused(.failure, "built-in"))
        try check(.removeRole(name: "nosuch"), by: "alice", expect: .refused(.usage, "does not exist"))
        try check(.addNeverPromote(pattern: "*TOKEN*"), by: "ada", expect: .permitted)
        try check(.addNeverPromote(pattern: "*TOKEN*"), by: "dev", expect: .refused(.accessDenied, "never-promote"))
        try check(.addNeverPromote(pattern: "*DATABASE_URL*"), by: "alice", expect: .refused(.failure, "already"))
        try check(.addNeverPromote(pattern: "bad pattern!"), by: "alice", expect: .refused(.usage, "not a key pattern"))
        try check(.removeNeverPromote(pattern: "*JWT_SECRET*"), by: "ada", expect: .permitted)
        try check(.removeNeverPromote(pattern: "NOPE"), by: "ada", expect: .refused(.usage, "not in the never-promote list"))
    }

    func testInjectionPolicyRules() throws {
        try check(.allowInjection(name: "NODE_OPTIONS"), by: "alice", expect: .permitted)
        try check(.allowInjection(name: "NODE_OPTIONS"), by: "ada", expect: .refused(.accessDenied, "an owner can"))
        try check(.allowInjection(name: "SECR_IDENTITY"), by: "alice", expect: .refused(.usage, "cannot be allowed"))
        try check(.allowInjection(name: "DATABASE_URL"), by: "alice", expect: .refused(.usage, "not a steering name"))
        try check(.revokeInjection(name: "PATH"), by: "alice", expect: .refused(.usage, "is not allowed"))
    }

    func testKeptRecordsAndExposuresAreRecorded() throws {
        var (state, members) = try standard()
        let alice = try XCTUnwrap(members["alice"]), dev = try XCTUnwrap(members["dev"])
        let hash = Sodium.base64URL([UInt8](repeating: 1, count: 32))
        let kept = RecordID(environment: "development", key: "A", version: 1, hash: hash)
        try state.apply(.removeMember(name: "dev", keep: [kept], exposed: [Exposure(environment: "development", key: "A", version: 1)]),
                        by: alice, seq: 20, time: fixedTime)
        XCTAssertTrue(state.accepts(recordBy: dev.key, in: "development", id: kept), "a kept record stays valid")
        XCTAssertFalse(state.accepts(recordBy: dev.key, in: "development", id: RecordID(environment: "development", key: "A", version: 2, hash: hash)))
        XCTAssertEqual(state.exposures.map(\.exposure.text), ["development/A@1"])
        XCTAssertNil(state.member(withKey: dev.key), "the key index follows removals")
    }
}
