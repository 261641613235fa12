import Foundation
import Testing

/// Any modified byte gives exit 4 naming the file, and never a wrong value. Each attack edits
/// the committed text directly, as someone with push access would.
@Suite struct TamperTests {
    let devFile = ".secr/env/development.secr"

    func seeded() throws -> Sandbox {
        let box = try Sandbox()
        try box.project(members: ["dave": "developer"])
        #expect(try box.secr("set", "DATABASE_URL=postgres://app:pw@db/app", "API_KEY=key-1234567890", identity: "alice").status == 0)
        return box
    }

    func expectIntegrityFailure(_ box: Sandbox, key: String = "API_KEY", identity: String = "alice",
                                sourceLocation: SourceLocation = #_sourceLocation) throws {
        let run = try box.secr("get", key, identity: identity)
        #expect(run.status == 4, "stderr: \(run.stderr)", sourceLocation: sourceLocation)
        #expect(run.stdout.isEmpty, sourceLocation: sourceLocation)
        #expect(run.stderr.contains(".secr/"), "the message names the file", sourceLocation: sourceLocation)
        #expect(!run.stderr.contains("key-1234567890"), sourceLocation: sourceLocation)
    }

    @Test(arguments: ["ct", "nonce", "kc", "sig", "time", "prev", "vk"])
    func flippedFieldOfRecordIsRejected(field: String) throws {
        let box = try seeded()
        try box.editLine(devFile, containing: "key=API_KEY ") { line in
            if field == "time" { return line.replacingField("time", with: "2020-01-01T00:00:00Z") }
            if field == "prev" { return line.replacingField("prev", with: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA") }
            return line.replacingField(field, with: flipped(line.field(field) ?? ""))
        }
        try expectIntegrityFailure(box)
        let pull = try box.secr("pull", identity: "alice")
        #expect(pull.status == 4)
        #expect(pull.stderr.contains("API_KEY"), "the message names the key")
    }

    @Test func bumpedVersionIsRejected() throws {
        let box = try seeded()
        try box.editLine(devFile, containing: "key=API_KEY ") { $0.replacingField("v", with: "7") }
        try expectIntegrityFailure(box)
    }

    @Test func flippedHeaderKeyIsRejected() throws {
        let box = try seeded()
        try box.editLine(devFile, containing: "header ") { $0.replacingField("pk", with: flipped($0.field("pk") ?? "")) }
        try expectIntegrityFailure(box)
        // Even listing key names (no identity) checks the header.
        #expect(try box.secr("pull", "--format", "keys").status == 4)
    }

    @Test func flippedOwnReaderLineIsRejected() throws {
        let box = try seeded()
        try box.editLine(devFile, containing: "reader name=alice ") { $0.replacingField("box", with: flipped($0.field("box") ?? "", at: 40)) }
        try expectIntegrityFailure(box)
    }

    @Test func readerLineForOutsiderIsRejected() throws {
        let box = try seeded()
        let outsider = try box.keygen("mallory")
        try box.editLine(devFile, containing: "reader name=dave ") { line in
            line + "\n" + line.replacingField("name", with: "mallory").replacingField("key", with: outsider)
        }
        // Every reader, including the outsider, is refused the file.
        try expectIntegrityFailure(box)
        try expectIntegrityFailure(box, identity: "mallory")
    }

    @Test func recordCopiedToAnotherKeyIsRejected() throws {
        let box = try seeded()
        let text = try box.read(devFile)
        let apiLine = try #require(text.components(separatedBy: "\n").first { $0.contains("key=API_KEY ") })
        // Replace DATABASE_URL's record with API_KEY's, renamed: a valid signature for another key.
        try box.editLine(devFile, containing: "key=DATABASE_URL ") { _ in apiLine.replacingField("key", with: "DATABASE_URL") }
        try expectIntegrityFailure(box, key: "DATABASE_URL")
    }

    @Test func recordCopiedToAnotherEnvironmentIsRejected() throws {
        let box = try seeded()
        #expect(try box.secr("set", "OTHER=staging-value", "-e", "staging", identity: "alice").status == 0)
        let apiLine = try #require(try box.read(devFile).components(separatedBy: "\n").first { $0.contains("key=API_KEY ") })
        try box.editLine(".secr/env/staging.secr", containing: "key=OTHER ") { _ in apiLine }
        let run = try box.secr("get", "API_KEY", "-e", "staging", identity: "alice")
        #expect(run.status == 4)
        #expect(!run.stdout.contains("key-1234567890"))
    }

    @Test func truncatedFileIsRejected() throws {
        let box = try seeded()
        let text = try box.read(devFile)
        try box.write(devFile, String(text.dropLast(30)))
        try expectIntegrityFailure(box)
    }

    @Test func fileCopiedOverAnotherEnvironmentIsRejected() throws {
        let box = try seeded()
        try box.write(".secr/env/staging.secr", try box.read(devFile))
        let run = try box.secr("pull", "-e", "staging", identity: "alice")
        #expect(run.status == 4)
        #expect(run.stderr.contains("staging"))
    }

    @Test func developerRecordInProductionIsRejected() throws {
        // dave may write development; a record he signs there, moved into production, must not
        // be accepted even though its signature is his.
        let box = try seeded()
        #expect(try box.secr("set", "PAYMENT_KEY=from-dave", identity: "dave").status == 0)
        #expect(try box.secr("set", "PAYMENT_KEY=real", "-e", "production", identity: "alice").status == 0)
        let daveLine = try #require(try box.read(devFile).components(separatedBy: "\n").first { $0.contains("key=PAYMENT_KEY ") })
        try box.editLine(".secr/env/production.secr", containing: "key=PAYMENT_KEY ") { _ in daveLine }
        let run = try box.secr("get", "PAYMENT_KEY", "-e", "production", identity: "alice")
        #expect(run.status == 4)
        #expect(!run.stdout.contains("from-dave"))
    }

    @Test func rosterEditIsRejected() throws {
        let box = try seeded()
        try box.editLine(".secr/roster", containing: "member=dave") { $0.replacingField("role", with: "owner") }
        let run = try box.secr("get", "API_KEY", identity: "dave")
        #expect(run.status == 4)
        #expect(run.stderr.contains(".secr/roster"))
    }
}
