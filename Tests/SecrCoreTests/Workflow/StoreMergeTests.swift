import XCTest
@testable import SecrCore

/// The merge driver's cases as a table, on library objects: each builds base, ours and theirs
/// (files and rosters) and checks the outcome against what a read would accept.
final class StoreMergeTests: XCTestCase {
    let random = SystemRandom()

    struct World {
        let alice: Identity, bob: Identity
        var roster: Roster
        var file: EnvironmentFile
        var key: EnvironmentKey
    }

    /// alice (owner) and bob (developer); development with SHARED=base and OTHER=base.
    func world() throws -> World {
        let alice = try Identity.generate(), bob = try Identity.generate()
        var roster = try Roster.create(projectName: "m", owner: "alice", identity: alice, time: fixedTime, random: random)
        try roster.append(.addEnvironment(name: "development", access: Role.standardAccess[0].access), identity: alice, time: fixedTime)
        try roster.append(.addMember(name: "bob", key: bob.publicKey, role: "developer"), identity: alice, time: fixedTime)
        var (file, key) = try EnvironmentFile.create(name: "development", file: "development.secr", project: roster.state.projectID,
                                                     readers: roster.state.readers(of: "development"), identity: alice, time: fixedTime, random: random)
        try roster.append(.environmentKey(name: "development", generation: 1, publicKey: key.publicKey,
                                          readers: roster.state.readerSetHash(of: "development")), identity: alice, time: fixedTime)
        for name in ["SHARED", "OTHER"] { try file.write(key: name, value: value("base"), identity: alice, time: fixedTime, random: random) }
        return World(alice: alice, bob: bob, roster: roster, file: file, key: key)
    }

    func value(_ text: String) -> SecretBytes { SecretBytes(copying: Array(text.utf8)) }

    func merge(_ base: World, ours: World, theirs: World, as identity: Identity?) -> MergeOutcome {
        StoreMerge.merge(base: Array(base.file.text.utf8), ours: Array(ours.file.text.utf8), theirs: Array(theirs.file.text.utf8),
                         rosters: (ours.roster, theirs.roster), identity: identity, random: random)
    }

    /// The merged file as a read would take it, against `roster`.
    func read(_ outcome: MergeOutcome, roster: Roster, as identity: Identity) throws -> [String: String] {
        let file = try EnvironmentFile.parse(outcome.bytes, name: "development", file: "development.secr")
        try file.verifyStructure(against: roster.state)
        try file.verifyAllRecords(against: roster.state)
        let key = try file.unlock(with: identity, roster: roster.state)
        var values: [String: String] = [:]
        for name in file.keyNames { values[name] = try file.value(of: name, with: key, roster: roster.state).unsafeString() }
        return values
    }

    func testDifferentKeysMergeAndTheSameKeyConflicts() throws {
        let base = try world()
        var ours = base, theirs = base
        try ours.file.write(key: "OTHER", value: value("ours"), identity: base.alice, time: fixedTime, random: random)
        try theirs.file.write(key: "SHARED", value: value("theirs"), identity: base.bob, time: fixedTime, random: random)
        let clean = merge(base, ours: ours, theirs: theirs, as: base.alice)
        XCTAssertEqual(clean.conflicts, [])
        XCTAssertEqual(try read(clean, roster: base.roster, as: base.alice), ["SHARED": "theirs", "OTHER": "ours"])

        try ours.file.write(key: "SHARED", value: value("ours"), identity: base.alice, time: fixedTime, random: random)
        let conflicted = merge(base, ours: ours, theirs: theirs, as: base.alice)
        XCTAssertTrue(conflicted.conflicts.contains { $0.contains("SHARED") && $0.contains("changed on both sides") })
        XCTAssertEqual(try read(conflicted, roster: base.roster, as: base.alice)["SHARED"], "ours", "ours kept, still readable")
    }

    func testARollbackOrAMissingTombstoneOnTheOtherSideIsAConflict() throws {
        var base = try world()
        let old = try XCTUnwrap(base.file.record("SHARED"))
        try base.file.write(key: "SHARED", value: value("v2"), identity: base.alice, time: fixedTime, random: random)
        var theirs = base
        theirs.file.setRecord(old, for: "SHARED")
        let back = merge(base, ours: base, theirs: theirs, as: base.alice)
        XCTAssertTrue(back.conflicts.contains { $0.contains("went back") }, "\(back.conflicts)")
        XCTAssertEqual(try read(back, roster: base.roster, as: base.alice)["SHARED"], "v2")
        theirs.file.setRecord(nil, for: "SHARED")
        let gone = merge(base, ours: base, theirs: theirs, as: base.alice)
        XCTAssertTrue(gone.conflicts.contains { $0.contains("without a signed tombstone") }, "\(gone.conflicts)")
    }

    func testARecordTheMergedRosterDoesNotLetItsSignerWriteIsAConflict() throws {
        let base = try world()
        var theirs = base
        let stranger = try Identity.generate()
        try theirs.file.write(key: "SHARED", value: value("forged"), identity: stranger, time: fixedTime, random: random)
        let outcome = merge(base, ours: base, theirs: theirs, as: base.alice)
        XCTAssertTrue(outcome.conflicts.contains { $0.contains("SHARED") && $0.contains("not acceptable") }, "\(outcome.conflicts)")
        XCTAssertEqual(try read(outcome, roster: base.roster, as: base.alice)["SHARED"], "base")
    }

    func testAHeaderTheMergedRosterDoesNotNameIsNeverAdopted() throws {
        let base = try world()
        var theirs = base
        // Theirs re-keys without any roster entry (a forgery, or entries this merge leaves out).
        let mallory = try Identity.generate()
        (theirs.file, theirs.key) = try base.file.rotated(from: base.key, readers: base.roster.state.readers(of: "development"),
                                                          identity: mallory, time: fixedTime, random: random, generation: 2)
        let outcome = merge(base, ours: base, theirs: theirs, as: base.alice)
        XCTAssertFalse(outcome.conflicts.isEmpty)
        XCTAssertEqual(outcome.bytes, Array(base.file.text.utf8), "ours kept byte for byte")
    }

    func testARotationRecordedInTheRosterIsAdoptedAndOurChangesAreResealed() throws {
        let base = try world()
        var ours = base, theirs = base
        try ours.file.write(key: "OTHER", value: value("ours, after the fork"), identity: base.alice, time: fixedTime, random: random)
        (theirs.file, theirs.key) = try base.file.rotated(from: base.key, readers: base.roster.state.readers(of: "development"),
                                                          identity: base.alice, time: fixedTime, random: random, generation: 2)
        try theirs.roster.append(.environmentKey(name: "development", generation: 2, publicKey: theirs.key.publicKey,
                                                 readers: theirs.roster.state.readerSetHash(of: "development")), identity: base.alice, time: fixedTime)
        let outcome = merge(base, ours: ours, theirs: theirs, as: base.alice)
        XCTAssertEqual(outcome.conflicts, [])
        let merged = try EnvironmentFile.parse(outcome.bytes, name: "development", file: "development.secr")
        XCTAssertEqual(merged.generation, 2)
        XCTAssertEqual(try read(outcome, roster: theirs.roster, as: base.bob), ["SHARED": "base", "OTHER": "ours, after the fork"])
        // Without a member who can open both keys, the re-sealing is a conflict, not a guess.
        let nobody = merge(base, ours: ours, theirs: theirs, as: nil)
        XCTAssertTrue(nobody.conflicts.contains { $0.contains("OTHER") && $0.contains("re-sealing") }, "\(nobody.conflicts)")
    }

    func testRostersMergeWhenOneExtendsTheOtherAndConflictWhenBothGrew() throws {
        let base = try world()
        var ours = base.roster, theirs = base.roster
        try theirs.append(.addNeverPromote(pattern: "*TOKEN*"), identity: base.alice, time: fixedTime)
        let linear = StoreMerge.merge(base: Array(base.roster.text.utf8), ours: Array(ours.text.utf8), theirs: Array(theirs.text.utf8),
                                      rosters: nil, identity: nil)
        XCTAssertEqual(linear.conflicts, [])
        XCTAssertEqual(linear.bytes, Array(theirs.text.utf8))
        try ours.append(.addRole(name: "ci", manage: .none, access: ["development": .read]), identity: base.alice, time: fixedTime)
        let both = StoreMerge.merge(base: Array(base.roster.text.utf8), ours: Array(ours.text.utf8), theirs: Array(theirs.text.utf8),
                                    rosters: nil, identity: base.alice)
        XCTAssertEqual(both.bytes, Array(ours.text.utf8), "ours kept; nothing re-signed")
        XCTAssertTrue(both.conflicts.first?.contains("secr policy never-promote add *TOKEN*") ?? false, "\(both.conflicts)")
    }
}
