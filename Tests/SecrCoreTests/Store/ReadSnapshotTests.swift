import Foundation
import Testing
@testable import SecrCore

/// `ReadSnapshot` binds an answer to the very bytes the read checked, and gives it back only
/// while every input is still those bytes (the end-to-end attacks are in
/// SecrEndToEndTests/ReadSnapshotTests.swift).
@Suite struct ReadSnapshotUnitTests {
    /// A clone (a `.git` directory on branch main, no libgit2 needed) holding a store whose
    /// roster and development file are real, and the bytes a read of them recorded.
    struct Clone {
        let root: String
        let location: StoreLocation
        let identity: Identity
        let roster: Roster
        let answer: ReadSnapshot.Answer

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("secr-snapshot-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: root + "/.git/refs/heads", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: root + "/.secr/env", withIntermediateDirectories: true)
            try Data("ref: refs/heads/main\n".utf8).write(to: URL(fileURLWithPath: root + "/.git/HEAD"))
            let (owner, roster, file, _) = try makeProject()
            identity = owner
            self.roster = roster
            location = StoreLocation(directory: root + "/.secr", repositoryRoot: root)
            try Data(roster.text.utf8).write(to: URL(fileURLWithPath: location.rosterPath))
            try Data(file.bytes).write(to: URL(fileURLWithPath: location.environmentPath("development")))
            answer = ReadSnapshot.Answer(root: roster.rootHash, values: [("A", SecretBytes(copying: Array("1".utf8)))], withheld: ["PATH"])
        }

        var clone: CloneState { CloneState.of(location).forRoot(roster.rootHash) }

        /// What a read in full records as it opens each input.
        func recordRead() throws {
            ReadInputs.enable()
            for path in [location.rosterPath, location.environmentPath("development"), clone.pinsPath, clone.seenPath(of: "development")!] {
                ReadInputs.record(path, try FileSystem.readIfExists(path))
            }
        }

        func save(_ identity: Identity? = nil) {
            ReadSnapshot.save(answer, location: location, environment: "development", identity: identity ?? self.identity, expected: RosterExpectation())
        }

        func find(_ identity: Identity? = nil, expected: RosterExpectation = RosterExpectation()) -> ReadSnapshot.Answer? {
            ReadSnapshot.find(location: location, environment: "development", identity: identity ?? self.identity, expected: expected)
        }

        var snapshotFiles: [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: root + "/.git/secr")) ?? []).filter { $0.hasPrefix("read-") }
        }
    }

    @Test func anAnswerComesBackOnlyForItsInputsAndItsIdentity() throws {
        let clone = try Clone()
        defer { try? FileManager.default.removeItem(atPath: clone.root) }
        try clone.recordRead()
        clone.save()
        let found = try #require(clone.find())
        #expect(found.root == clone.answer.root && found.withheld == ["PATH"])
        #expect(found.values.map(\.key) == ["A"] && found.values[0].value.isEqual(to: SecretBytes(copying: Array("1".utf8))))
        #expect(clone.find(try Identity.generate()) == nil, "another identity opens nothing")
        #expect(clone.find(expected: RosterExpectation(root: "another-root")) == nil, "another expectation is another input")
        // A seen-versions file appears (another read raised them): a different input.
        let seen = clone.clone.seenPath(of: "development")!
        try FileManager.default.createDirectory(atPath: Path.parent(seen), withIntermediateDirectories: true)
        try Data("secr-seen v1 added=1\nA 1\n".utf8).write(to: URL(fileURLWithPath: seen))
        #expect(clone.find() == nil)
        try FileManager.default.removeItem(atPath: seen)
        #expect(clone.find() != nil, "control: the inputs as they were")
        // The roster one byte longer.
        try Data((clone.roster.text + "\n").utf8).write(to: URL(fileURLWithPath: clone.location.rosterPath))
        #expect(clone.find() == nil)
    }

    @Test func anAnswerIsBoundToTheBytesTheReadCheckedNotToWhatIsOnDiskLater() throws {
        let clone = try Clone()
        defer { try? FileManager.default.removeItem(atPath: clone.root) }
        try clone.recordRead()
        // The file is replaced after the read checked it, before the answer is kept: the answer
        // is bound to the bytes checked, so it is a miss for the file now there.
        let path = clone.location.environmentPath("development")
        let checked = try Data(contentsOf: URL(fileURLWithPath: path))
        try Data(checked + Data("# appended\n".utf8)).write(to: URL(fileURLWithPath: path))
        clone.save()
        #expect(clone.snapshotFiles.count == 1)
        #expect(clone.find() == nil)
        try checked.write(to: URL(fileURLWithPath: path))
        #expect(clone.find() != nil, "control: the bytes the read checked")
    }

    /// A read whose file was replaced while it read it (a `touch` is enough) does not move the
    /// seen versions; keeping its answer would keep every later read from moving them too.
    @Test(arguments: [false, true])
    func aReadHeldBackFromMovingTheCloneStateKeepsNoAnswer(touched: Bool) throws {
        let clone = try Clone()
        defer { try? FileManager.default.removeItem(atPath: clone.root) }
        // This clone has pinned the roster as it is: the read moves nothing of its own accord.
        try FileManager.default.createDirectory(atPath: clone.clone.directory, withIntermediateDirectories: true)
        let pin = "pin root=\(clone.roster.rootHash) seq=\(clone.roster.count - 1) head=\(clone.roster.headHash) branch=refs/heads/main store=.secr"
        try Data("secr-pins v2\n\(pin)\n".utf8).write(to: URL(fileURLWithPath: clone.clone.pinsPath))
        ReadInputs.enable()
        let store = try Store(location: clone.location)
        let file = try store.environment("development")
        if touched {
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3600)],
                                                  ofItemAtPath: clone.location.environmentPath("development"))
        }
        store.remember(file, keys: nil)
        clone.save()
        #expect(clone.snapshotFiles.count == (touched ? 0 : 1))
    }

    @Test func nothingIsKeptForAReadThatMovedTheCloneStateOrSawTwoStates() throws {
        let clone = try Clone()
        defer { try? FileManager.default.removeItem(atPath: clone.root) }
        try clone.recordRead()
        // Read twice with different contents: the verdict mixed two states.
        ReadInputs.record(clone.clone.pinsPath, Array("secr-pins v2\n".utf8))
        clone.save()
        #expect(clone.snapshotFiles.isEmpty)
        // A read that moved the pin.
        let other = try Clone()
        defer { try? FileManager.default.removeItem(atPath: other.root) }
        try other.recordRead()
        try other.clone.savePin(CloneState.Pin(root: other.roster.rootHash, seq: 1, head: "h"))
        other.save()
        #expect(other.snapshotFiles.isEmpty)
    }
}
