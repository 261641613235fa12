import Foundation
import Testing

/// The read snapshot (docs/FORMAT.md §6, THREAT-MODEL.md): `pull` and `run` deliver the last
/// passing read's answer only while every input is byte for byte what that read checked.
@Suite struct ReadSnapshotTests {
    func snapshotFile(_ box: Sandbox) throws -> URL? {
        let directory = box.path(".git/secr")
        return try FileManager.default.contentsOfDirectory(atPath: directory.path).first { $0.hasPrefix("read-") }
            .map { directory.appendingPathComponent($0) }
    }

    func pulled(_ box: Sandbox, _ who: String = "alice") throws -> Run {
        try box.secr("pull", "--format", "json", identity: who)
    }

    /// A value planted in a snapshot sealed with `sealer`'s key, bound to the inputs as they are.
    func plant(_ box: Sandbox, sealer: String, _ pairs: String...) throws {
        let file = try #require(try snapshotFile(box))
        let reader = try box.secr("whoami", identity: "alice").stdout.split(separator: "\n")[0]
        let version = try box.secr("--version").stdout.split(separator: " ")[1].trimmingCharacters(in: .whitespacesAndNewlines)
        let run = try box.forge(["read-snapshot", file.path, box.identityPath(sealer), String(reader), box.repo.path, "development", version] + pairs)
        #expect(run.status == 0, "\(run.stderr)")
    }

    @Test func aWarmSnapshotStillRefusesATamperedRecordAndARolledBackRoster() throws {
        let box = try Sandbox()
        try box.project(members: ["bob": "developer"])
        #expect(try box.secr("set", "A=1", "B=2", identity: "alice").status == 0)
        let genuine = try pulled(box)
        #expect(genuine.status == 0 && genuine.stdout.contains("\"A\": \"1\""), "\(genuine.stderr)")
        #expect(try pulled(box).stdout == genuine.stdout)
        let file = try #require(try snapshotFile(box))
        let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        // A record whose signed time was changed: the signature no longer covers these bytes.
        try box.editLine(".secr/env/development.secr", containing: " key=A ") { $0.replacingField("time", with: "2020-01-01T00:00:00Z") }
        let tampered = try pulled(box)
        #expect(tampered.status == 4 && tampered.stderr.contains("signature does not verify"), "\(tampered.stderr)")
        let tamperedRun = try box.secr("run", "--", "true", identity: "alice")
        #expect(tamperedRun.status == 4, "\(tamperedRun.stderr)")
        try box.git("checkout", "--", ".secr")
        #expect(try pulled(box).stdout == genuine.stdout, "control: the genuine file reads")
        #expect(try pulled(box).stdout == genuine.stdout)
        // A roster cut back to before Bob was added, after this clone pinned the longer one.
        let older = try box.git("show", "HEAD~2:.secr/roster").stdout
        try box.write(".secr/roster", older)
        let rolledBack = try pulled(box)
        #expect(rolledBack.status == 4, "\(rolledBack.stderr)")
        try box.git("checkout", "--", ".secr")
        #expect(try pulled(box).stdout == genuine.stdout, "control: the real store reads")
    }

    /// An attacker who kept an old environment file and the snapshot made from it brings both
    /// back after a newer value was read: the seen versions moved on, so the old snapshot no
    /// longer matches, and the read in full refuses the rollback.
    @Test func anOldSnapshotBroughtBackWithItsFileIsARollback() throws {
        let box = try Sandbox()
        try box.project()
        #expect(try box.secr("set", "A=1", identity: "alice").status == 0)
        _ = try pulled(box)
        #expect(try pulled(box).stdout.contains("\"A\": \"1\""))
        let file = try #require(try snapshotFile(box))
        let oldSnapshot = try Data(contentsOf: file)
        let oldEnvironment = try box.read(".secr/env/development.secr")
        #expect(try box.secr("set", "A=2", identity: "alice").status == 0)
        #expect(try pulled(box).stdout.contains("\"A\": \"2\""))
        #expect(try pulled(box).stdout.contains("\"A\": \"2\""))
        try box.write(".secr/env/development.secr", oldEnvironment)
        try oldSnapshot.write(to: file)
        let rolledBack = try pulled(box)
        #expect(rolledBack.status == 4 && rolledBack.stderr.contains("rollback"), "\(rolledBack.stderr)")
        #expect(!rolledBack.stdout.contains("\"A\": \"1\""))
        try box.git("checkout", "--", ".secr")
        #expect(try pulled(box).stdout.contains("\"A\": \"2\""), "control: the current file reads")
    }

    @Test func anEditedOrForeignSnapshotIsNotBelieved() throws {
        let box = try Sandbox()
        try box.project()
        _ = try box.keygen("mallory")
        #expect(try box.secr("set", "A=1", identity: "alice").status == 0)
        _ = try pulled(box)
        _ = try pulled(box)
        let file = try #require(try snapshotFile(box))
        // One byte of the ciphertext flipped: the snapshot does not open, the read runs in full
        // and writes a fresh one.
        var bytes = try Data(contentsOf: file)
        bytes[bytes.count - 20] ^= 0x01
        try bytes.write(to: file)
        #expect(try pulled(box).stdout.contains("\"A\": \"1\""))
        #expect(try Data(contentsOf: file) != bytes, "rewritten")
        // Mallory plants A=evil, bound to the right inputs but sealed with her own key.
        try plant(box, sealer: "mallory", "A=evil")
        let planted = try pulled(box)
        #expect(planted.status == 0 && planted.stdout.contains("\"A\": \"1\"") && !planted.stdout.contains("evil"), "\(planted.stdout)")
        let run = try box.secr("run", "--", "sh", "-c", "printf %s \"$A\"", identity: "alice")
        #expect(run.stdout == "1", "\(run.stderr)")
        // Control: the same plant sealed with Alice's own key would be believed, which shows the
        // snapshot's key is what stops it (and only Alice, who can read the values anyway, can make one).
        try plant(box, sealer: "alice", "A=evil")
        #expect(try pulled(box).stdout.contains("\"A\": \"evil\""))
        // Any input that moves afterwards (here a new value) makes even that one a miss.
        #expect(try box.secr("set", "A=3", identity: "alice").status == 0)
        #expect(try pulled(box).stdout.contains("\"A\": \"3\""))
    }

    /// The seen versions and the pin are kept per branch, and so is what a snapshot is bound
    /// to: one made on main is not used on another branch.
    @Test func aSnapshotIsForTheBranchItWasMadeOn() throws {
        let box = try Sandbox()
        try box.project()
        #expect(try box.secr("set", "A=1", identity: "alice").status == 0)
        _ = try pulled(box)
        _ = try pulled(box)
        try plant(box, sealer: "alice", "A=planted-on-main")
        try box.git("checkout", "-q", "-b", "other")
        let other = try pulled(box)
        #expect(other.status == 0 && other.stdout.contains("\"A\": \"1\""), "\(other.stdout) \(other.stderr)")
        // Control: back on main (whose pins file now also holds the other branch's pin, so the
        // plant is made again over it), the same plant is believed.
        try box.git("checkout", "-q", "main")
        try plant(box, sealer: "alice", "A=planted-on-main")
        #expect(try pulled(box).stdout.contains("planted-on-main"), "control: on main it is believed")
    }

    /// A read whose file was replaced while it read it (here touched while `strace` holds its
    /// `open`) delivers but does not raise the seen versions. It must keep no snapshot: later
    /// hits would never raise them, and the older file brought back would then pass.
    @Test func aReadHeldBackFromRaisingTheSeenVersionsKeepsNoSnapshot() throws {
        let box = try Sandbox()
        try box.project(members: ["bob": "developer"])
        #expect(try box.secr("set", "A=1", identity: "alice").status == 0)
        _ = try pulled(box)
        _ = try pulled(box)
        let v1 = try box.read(".secr/env/development.secr")
        // Bob's v2 arrives as a push would bring it: written into the file, correctly signed.
        #expect(try box.forge("record", box.path(".secr").path, "development", box.identityPath("bob"), "A", "2").status == 0)
        let v2 = try box.read(".secr/env/development.secr")
        if let file = try snapshotFile(box) { try FileManager.default.removeItem(at: file) }
        #expect(try racedPull(box, touching: ".secr/env/development.secr").contains("\"A\": \"2\""))
        let held = try seen(box)
        #expect(held.contains("A 1\n"), "the race held the seen versions back: \(held)")
        // The next read reads in full and raises them (a snapshot kept by the raced read would
        // have answered it instead, leaving A at v1).
        #expect(try pulled(box).stdout.contains("\"A\": \"2\""))
        let raised = try seen(box)
        #expect(raised.contains("A 2\n"), "\(raised)")
        try box.write(".secr/env/development.secr", v1)
        let rolledBack = try pulled(box)
        #expect(rolledBack.status == 4 && rolledBack.stderr.contains("rollback"), "\(rolledBack.stdout) \(rolledBack.stderr)")
        try box.write(".secr/env/development.secr", v2)
        #expect(try pulled(box).stdout.contains("\"A\": \"2\""), "control: the current file reads")
    }

    /// The same for the pin: a read held back from moving it past a newly arrived entry keeps
    /// no snapshot, so the next read moves it, and the roster cut back to before that entry is
    /// then refused.
    @Test func aReadHeldBackFromMovingThePinKeepsNoSnapshot() throws {
        let box = try Sandbox()
        try box.project()
        let carol = try box.keygen("carol")
        #expect(try box.secr("set", "A=1", identity: "alice").status == 0)
        _ = try pulled(box)
        _ = try pulled(box)
        let before = try box.read(".secr/roster")
        let pinned = try box.read(".git/secr/pins")
        // Carol's addition arrives as a push would bring it: an entry correctly signed by Alice.
        #expect(try box.forge("roster-append", box.path(".secr").path, box.identityPath("alice"), "member-add",
                              "member=carol", "key=\(carol)", "role=viewer").status == 0)
        let after = try box.read(".secr/roster")
        if let file = try snapshotFile(box) { try FileManager.default.removeItem(at: file) }
        #expect(try racedPull(box, touching: ".secr/roster").contains("\"A\": \"1\""))
        #expect(try box.read(".git/secr/pins") == pinned, "the race held the pin back")
        #expect(try pulled(box).status == 0)
        #expect(try box.read(".git/secr/pins") != pinned, "the next read moved it")
        try box.write(".secr/roster", before)
        let cutBack = try pulled(box)
        #expect(cutBack.status == 4 && cutBack.stderr.contains("cut off"), "\(cutBack.stdout) \(cutBack.stderr)")
        try box.write(".secr/roster", after)
        #expect(try pulled(box).stdout.contains("\"A\": \"1\""), "control: the current roster reads")
    }

    /// Alice's `pull`, with `relative` touched while `strace` holds the read's first `open` of
    /// it for three seconds: the file is replaced (in the eyes of its fingerprint) during the
    /// read, with the same bytes. Returns what the pull wrote.
    func racedPull(_ box: Sandbox, touching relative: String) throws -> String {
        let path = box.path(relative).path, out = box.root.appendingPathComponent("raced.out")
        let raced = try box.exec(URL(fileURLWithPath: "/bin/sh"), ["-c", """
            strace -f -qq -o /dev/null -P '\(path)' -e trace=openat -e inject=openat:delay_enter=3000000:when=1 \
                '\(Sandbox.binary.path)' pull --format json > '\(out.path)' 2>&1 &
            sleep 1.5; touch '\(path)'; wait $!
            """], env: ["SECR_IDENTITY_FILE": box.identityPath("alice")])
        #expect(raced.status == 0, "\(raced.stderr)")
        return try String(contentsOf: out, encoding: .utf8)
    }

    /// The seen versions of the development environment on the checked-out branch.
    func seen(_ box: Sandbox) throws -> String {
        let directory = box.path(".git/secr")
        guard let enumerator = FileManager.default.enumerator(atPath: directory.path) else { return "" }
        for case let path as String in enumerator where path.hasPrefix("seen-") && path.hasSuffix("/development") {
            return try String(contentsOf: directory.appendingPathComponent(path), encoding: .utf8)
        }
        return ""
    }

    /// `--expect-root ""` (an unset variable in CI) fails a read in full; a warm clone's snapshot
    /// must not answer it instead.
    @Test func anEmptyExpectationIsNotTheAbsenceOfOne() throws {
        let box = try Sandbox()
        try box.project()
        #expect(try box.secr("set", "A=1", identity: "alice").status == 0)
        _ = try pulled(box)
        #expect(try pulled(box).stdout.contains("\"A\": \"1\""))
        for flags in [["--expect-root", ""], ["--expect-head", "0:" + String(repeating: "A", count: 43)]] {
            let expected = try box.secr(["pull"] + flags, identity: "alice")
            #expect(expected.status == 4, "\(flags): \(expected.stdout) \(expected.stderr)")
        }
        #expect(try pulled(box).stdout.contains("\"A\": \"1\""), "control: no expectation reads")
    }

    /// A removed member's snapshot stops matching when the roster that removed them arrives:
    /// their read runs in full, and the re-keyed environment no longer opens for them.
    @Test func aRemovedMembersSnapshotDoesNotOutliveTheRemoval() throws {
        let box = try Sandbox()
        try box.project(members: ["bob": "developer"])
        #expect(try box.secr("set", "A=1", identity: "alice").status == 0)
        #expect(try pulled(box, "bob").stdout.contains("\"A\": \"1\""))
        #expect(try pulled(box, "bob").stdout.contains("\"A\": \"1\""))
        #expect(try box.secr("member", "remove", "bob", identity: "alice").status == 0)
        let removed = try pulled(box, "bob")
        #expect(removed.status != 0 && !removed.stdout.contains("\"A\""), "\(removed.stdout)")
        #expect(try pulled(box, "alice").stdout.contains("\"A\": \"1\""), "control: a reader still reads")
    }

    /// What a snapshot answers is what the read in full answers: the same values in every
    /// format, steering names still withheld and said, and `run` the same environment.
    @Test func theSnapshotAnswersAsTheReadInFull() throws {
        let box = try Sandbox()
        try box.project()
        #expect(try box.secr("set", "A=1", "B=two words", "C=", identity: "alice").status == 0)
        #expect(try box.secr("policy", "inject", "allow", "NODE_OPTIONS", identity: "alice").status == 0)
        #expect(try box.secr("set", "NODE_OPTIONS=--max-old-space-size=64", identity: "alice").status == 0)
        #expect(try box.secr("policy", "inject", "revoke", "NODE_OPTIONS", identity: "alice").status == 0)
        let full = try box.secr("pull", identity: "alice")
        #expect(full.status == 0 && full.stderr.contains("left out: NODE_OPTIONS"), "\(full.stderr)")
        for _ in 0..<2 {
            let again = try box.secr("pull", identity: "alice")
            #expect(again.stdout == full.stdout && again.stderr.contains("left out: NODE_OPTIONS"), "\(again.stderr)")
            let run = try box.secr("run", "--", "sh", "-c", "printf '%s|%s|%s|%s' \"$A\" \"$B\" \"${C-unset}\" \"${NODE_OPTIONS-unset}\"", identity: "alice")
            #expect(run.stdout == "1|two words||unset" && run.stderr.contains("not injected: NODE_OPTIONS"), "\(run.stdout) \(run.stderr)")
        }
        #expect(try snapshotFile(box) != nil)
        // `secr pin --reset` forgets what the clone has seen, snapshots included.
        #expect(try box.secr("pin", "--reset", identity: "alice").status == 0)
        #expect(try snapshotFile(box) == nil)
        #expect(try box.secr("pull", identity: "alice").stdout == full.stdout, "control: the store reads")
    }
}
