import Foundation
import Testing

/// The attacks of issue 3, each made the way someone with push access would: by editing the
/// committed files, with correctly signed forgeries from Tests/reference/forge.py where a
/// signature is needed. Every one must end in exit 4 with nothing decrypted and nothing written.
@Suite struct AttackTests {
    func seeded() throws -> Sandbox {
        let box = try Sandbox()
        try box.project(members: ["bob": "developer", "vera": "viewer"])
        #expect(try box.secr("set", "API_KEY=dev-secret-value", identity: "alice").status == 0)
        #expect(try box.secr("set", "API_KEY=staging-secret-value", "-e", "staging", identity: "alice").status == 0)
        #expect(try box.secr("set", "PROD_KEY=prod-secret-value", "-e", "production", identity: "alice").status == 0)
        return box
    }

    /// Exit 4, no value on stdout or stderr, and a write attempt changes nothing.
    func expectRefused(_ box: Sandbox, env: String = "development", key: String = "API_KEY", identity: String = "alice",
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        let read = try box.secr("pull", "-e", env, identity: identity)
        #expect(read.status == 4, "pull: \(read.stderr)", sourceLocation: sourceLocation)
        #expect(read.stdout.isEmpty, sourceLocation: sourceLocation)
        #expect(!read.stderr.contains("secret-value"), sourceLocation: sourceLocation)
        let before = try box.git("status", "--porcelain").stdout
        let head = try box.git("rev-parse", "HEAD").stdout
        let write = try box.secr("set", "\(key)=overwritten", "-e", env, identity: identity)
        #expect(write.status == 4, "set: \(write.stderr)", sourceLocation: sourceLocation)
        #expect(try box.git("status", "--porcelain").stdout == before, sourceLocation: sourceLocation)
        #expect(try box.git("rev-parse", "HEAD").stdout == head, sourceLocation: sourceLocation)
        #expect(try box.secr("verify").status == 4, sourceLocation: sourceLocation)
    }

    @Test func nonMemberAppendsThemselvesToTheRoster() throws {
        let box = try seeded()
        let mallory = try box.keygen("mallory")
        let forged = try box.forge("roster-append", box.path(".secr").path, box.identityPath("mallory"), "member-add",
                                   "member=mallory", "key=\(mallory)", "role=owner")
        #expect(forged.status == 0, "\(forged.stderr)")
        try expectRefused(box)
        let run = try box.secr("get", "PROD_KEY", "-e", "production", identity: "mallory")
        #expect(run.status == 4)
        #expect(run.stderr.contains("not a member"))
    }

    @Test func developerPromotesThemselvesInTheRoster() throws {
        let box = try seeded()
        let forged = try box.forge("roster-append", box.path(".secr").path, box.identityPath("bob"), "member-role",
                                   "member=bob", "role=owner", "keep=-", "exposed=-")
        #expect(forged.status == 0, "\(forged.stderr)")
        try expectRefused(box, env: "production", key: "PROD_KEY")
        #expect(try box.secr("get", "PROD_KEY", "-e", "production", identity: "bob").status == 4)
    }

    @Test func developersSignedRecordAppearsInProduction() throws {
        let box = try seeded()
        let forged = try box.forge("record", box.path(".secr").path, "production", box.identityPath("bob"), "PROD_KEY", "attacker-controlled")
        #expect(forged.status == 0, "\(forged.stderr)")
        try expectRefused(box, env: "production", key: "PROD_KEY")
        #expect(try box.secr("get", "PROD_KEY", "-e", "production", identity: "alice").stderr.contains("bob"))
    }

    @Test func viewersSignedRecordAppearsInStaging() throws {
        let box = try seeded()
        let forged = try box.forge("record", box.path(".secr").path, "staging", box.identityPath("vera"), "API_KEY", "attacker-controlled")
        #expect(forged.status == 0, "\(forged.stderr)")
        try expectRefused(box, env: "staging")
        #expect(try box.secr("get", "API_KEY", "-e", "staging", identity: "bob").stderr.contains("vera"))
    }

    @Test func recordCopiedToAnotherKeyOrEnvironment() throws {
        let box = try seeded()
        #expect(try box.secr("set", "OTHER=x-secret-value", identity: "alice").status == 0)
        let line = try #require(try box.recordLine("development", "API_KEY"))
        try box.editLine(".secr/env/development.secr", containing: " key=OTHER ") { _ in line.replacingField("key", with: "OTHER") }
        try expectRefused(box)

        let other = try seeded()
        let devLine = try #require(try other.recordLine("development", "API_KEY"))
        try other.editLine(".secr/env/staging.secr", containing: " key=API_KEY ") { _ in devLine }
        try expectRefused(other, env: "staging")
    }

    @Test func readerLineForAnOutsiderWithoutRosterChange() throws {
        let box = try seeded()
        let outsider = try box.keygen("mallory")
        let vera = try #require(try box.read(".secr/env/staging.secr").components(separatedBy: "\n").first { $0.hasPrefix("reader name=vera ") })
        // A line in mallory's name (the box is vera's, but the key and name are mallory's).
        try box.editLine(".secr/env/staging.secr", containing: "reader name=vera ") {
            $0 + "\n" + vera.replacingField("name", with: "zed").replacingField("key", with: outsider)
        }
        try expectRefused(box, env: "staging")
        #expect(try box.secr("verify").stdout.contains("surplus reader line 'zed'"))
    }

    @Test func rosterEntryRemovedFromTheMiddle() throws {
        let box = try seeded()
        var lines = try box.read(".secr/roster").components(separatedBy: "\n")
        lines.remove(at: 3)
        try box.write(".secr/roster", lines.joined(separator: "\n"))
        try expectRefused(box)
    }

    @Test func rosterEntriesSwapped() throws {
        let box = try seeded()
        var lines = try box.read(".secr/roster").components(separatedBy: "\n")
        lines.swapAt(5, 6)
        try box.write(".secr/roster", lines.joined(separator: "\n"))
        try expectRefused(box)
    }

    @Test func wholeStoreReplacedByOneWithANewGenesis() throws {
        let box = try seeded()
        // The attacker builds their own store elsewhere (alice's public key as a member, so it
        // looks plausible) and replaces .secr wholesale.
        let evil = try Sandbox()
        try evil.project(owner: "mallory")
        let alicePublic = try box.secr("whoami", identity: "alice").stdout.components(separatedBy: "\n")[0]
        #expect(try evil.secr("member", "add", "alice", alicePublic, "--role", "owner", identity: "mallory").status == 0)
        #expect(try evil.secr("set", "API_KEY=attacker-chosen", identity: "mallory").status == 0)
        try FileManager.default.removeItem(at: box.path(".secr"))
        try FileManager.default.copyItem(at: evil.path(".secr"), to: box.path(".secr"))
        let run = try box.secr("get", "API_KEY", identity: "alice")
        #expect(run.status == 4)
        #expect(!run.stdout.contains("attacker-chosen"))
        #expect(run.stderr.contains("pin --reset"), "explains how to re-pin deliberately")
        #expect(try box.secr("set", "API_KEY=x", identity: "alice").status == 4)
        #expect(try box.secr("verify").status == 4)
        // An explicit root (as CI would pass it) is checked too.
        let root = try box.secr("pin").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try box.secr("verify", "--expect-root", root).status == 0, "the replaced store is self-consistent")
        #expect(try box.secr("verify", "--expect-root", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").status == 4)
        #expect(try box.secr("pull", identity: "alice", env: ["SECR_ROSTER_ROOT": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"]).status == 4)
        // Re-pinning is deliberate.
        #expect(try box.secr("pin", "--reset").status == 0)
        #expect(try box.secr("get", "API_KEY", identity: "alice").stdout == "attacker-chosen\n")
    }

    @Test func removedMembersNewRecordAfterRemoval() throws {
        let box = try seeded()
        #expect(try box.secr("set", "BOB_KEY=bobs-genuine-value", identity: "bob").status == 0)
        #expect(try box.secr("member", "remove", "bob", identity: "alice").status == 0)
        #expect(try box.secr("get", "BOB_KEY", identity: "alice").stdout == "bobs-genuine-value\n", "kept records stay valid")
        // Bob still has push access and his key; he seals a new value to the (public) new key.
        let forged = try box.forge("record", box.path(".secr").path, "development", box.identityPath("bob"), "API_KEY", "attacker-controlled")
        #expect(forged.status == 0, "\(forged.stderr)")
        try expectRefused(box)
        #expect(try box.secr("get", "API_KEY", identity: "alice").stderr.contains("not a member"))
    }

    @Test func writerWhoLostWriteAccessForgesAnUpdateToTheirOwnKey() throws {
        let box = try seeded()
        #expect(try box.secr("set", "BOB_KEY=v1", identity: "bob").status == 0)
        #expect(try box.secr("member", "set-role", "bob", "viewer", identity: "alice").status == 0)
        let forged = try box.forge("record", box.path(".secr").path, "development", box.identityPath("bob"), "BOB_KEY", "attacker-controlled")
        #expect(forged.status == 0)
        try expectRefused(box, key: "BOB_KEY")
    }

    @Test func forgeryControlIsAcceptedWhenPermitted() throws {
        // The control for the forgery tests: the same tool, used by someone allowed to write,
        // produces a record secr accepts. So the refusals above come from the permission rules.
        let box = try seeded()
        let forged = try box.forge("record", box.path(".secr").path, "development", box.identityPath("bob"), "API_KEY", "legit-by-bob")
        #expect(forged.status == 0, "\(forged.stderr)")
        #expect(try box.secr("get", "API_KEY", identity: "alice").stdout == "legit-by-bob\n")
        #expect(try box.secr("verify").status == 0)
        let key = try box.keygen("newbie")
        let entry = try box.forge("roster-append", box.path(".secr").path, box.identityPath("alice"), "member-add",
                                  "member=newbie", "key=\(key)", "role=viewer")
        #expect(entry.status == 0)
        #expect(try box.secr("member", "list", identity: "alice").stdout.contains("newbie"))
    }
}
