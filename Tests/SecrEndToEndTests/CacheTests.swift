import Foundation
import Testing

/// The verification cache (docs/FORMAT.md §6, THREAT-MODEL.md): a warm cache changes how much
/// cryptography a read does, never what it accepts.
@Suite struct VerificationCacheTests {
    func cacheFile(_ box: Sandbox) throws -> URL? {
        let directory = box.path(".git/secr")
        return try FileManager.default.contentsOfDirectory(atPath: directory.path).first { $0.hasPrefix("cache-") }
            .map { directory.appendingPathComponent($0) }
    }

    func warm(_ box: Sandbox) throws {
        #expect(try box.secr("get", "A", identity: "alice").stdout == "1\n")
        #expect(try box.secr("get", "A", identity: "alice").stdout == "1\n")
    }

    @Test func aWarmCacheStillRefusesATamperedRecordAndARolledBackRoster() throws {
        let box = try Sandbox()
        try box.project(members: ["bob": "developer"])
        #expect(try box.secr("set", "A=1", "B=2", identity: "alice").status == 0)
        try warm(box)
        let file = try #require(try cacheFile(box))
        let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        // A record whose signed time was changed: the signature no longer covers these bytes.
        try box.editLine(".secr/env/development.secr", containing: " key=A ") { $0.replacingField("time", with: "2020-01-01T00:00:00Z") }
        let tampered = try box.secr("get", "A", identity: "alice")
        #expect(tampered.status == 4 && tampered.stderr.contains("signature does not verify"))
        try box.git("checkout", "--", ".secr")
        try warm(box)
        // A roster cut back to before Bob was added, after the cache knew the longer one.
        let older = try box.git("show", "HEAD~2:.secr/roster").stdout
        try box.write(".secr/roster", older)
        let rolledBack = try box.secr("get", "A", identity: "alice")
        #expect(rolledBack.status == 4, "\(rolledBack.stderr)")
        try box.git("checkout", "--", ".secr")
        #expect(try box.secr("get", "A", identity: "alice").status == 0, "control: the real store reads")
    }

    @Test func anEditedOrPlantedCacheCannotMakeAnAlteredRecordPass() throws {
        let box = try Sandbox()
        try box.project()
        _ = try box.keygen("mallory")
        #expect(try box.secr("set", "A=1", identity: "alice").status == 0)
        try warm(box)
        let file = try #require(try cacheFile(box))
        // An edited cache is ignored: reads verify everything and write a fresh one. One byte
        // of every segment is flipped (the table after the magic gives their lengths).
        var bytes = try Data(contentsOf: file)
        let magic = Array("secr-cache v2\n".utf8), segments = 64
        #expect(bytes.prefix(magic.count).elementsEqual(magic))
        var at = magic.count + 4 * segments, edited = 0
        for index in 0..<segments {
            let offset = magic.count + 4 * index
            let length = bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
            if length > 0 {
                bytes[at + length - 5] ^= 0x01
                edited += 1
            }
            at += length
        }
        #expect(at == bytes.count && edited > 0)
        try bytes.write(to: file)
        #expect(try box.secr("get", "A", identity: "alice").stdout == "1\n")
        #expect(try Data(contentsOf: file) != bytes, "rewritten")
        // Alter A's record, then plant a cache that lists its (now invalid) signature as verified,
        // sealed with a key that is not Alice's.
        try box.editLine(".secr/env/development.secr", containing: " key=A ") { $0.replacingField("time", with: "2020-01-01T00:00:00Z") }
        let planted = try box.forge("cache", file.path, box.identityPath("mallory"), box.path(".secr").path, "development", "A")
        #expect(planted.status == 0, "\(planted.stderr)")
        let refused = try box.secr("get", "A", identity: "alice")
        #expect(refused.status == 4 && refused.stderr.contains("signature does not verify"))
        // Control: the same plant sealed with Alice's own key would be believed, which shows the
        // cache's key is what stops it (and that only Alice, who can sign anyway, can make one).
        #expect(try box.forge("cache", file.path, box.identityPath("alice"), box.path(".secr").path, "development", "A").status == 0)
        #expect(try box.secr("get", "A", identity: "alice").status == 0)
    }

    /// A roster long enough that its signatures are checked on every core before the chain is
    /// walked: an entry whose bytes were altered, or one signed by a key that is not a member's,
    /// is refused with a warm cache as without one.
    @Test func aLongRosterCheckedInParallelStillRefusesAlteredAndForeignEntries() throws {
        let box = try Sandbox()
        try box.project()
        _ = try box.keygen("mallory")
        #expect(try box.secr("set", "A=1", identity: "alice").status == 0)
        let store = box.path(".secr").path
        try warm(box)
        // Forty genuine entries, not read yet; then one of them altered.
        #expect(try box.forge("bulk-roster", store, box.identityPath("alice"), "development", "40", "0").status == 0)
        let genuine = try box.read(".secr/roster")
        #expect(genuine.split(separator: "\n").count > 40)
        try box.editLine(".secr/roster", containing: "member=m000005 ") { $0.replacingField("role", with: "admin") }
        let altered = try box.secr("get", "A", identity: "alice")
        #expect(altered.status == 4 && altered.stderr.contains("signature of this member-add entry does not verify"), "\(altered.stderr)")
        // Without an identity (no cache) the same.
        let unchecked = try box.secr("verify")
        #expect(unchecked.status == 4 && (unchecked.stdout + unchecked.stderr).contains("does not verify"), "\(unchecked.stdout)")
        try box.write(".secr/roster", genuine)
        let control = try box.secr("get", "A", identity: "alice")
        #expect(control.stdout == "1\n", "control: the genuine roster reads: \(control.stderr)")
        // An entry correctly signed by Mallory, who is no member.
        #expect(try box.forge("roster-append", store, box.identityPath("mallory"), "member-add",
                              "member=mallory", "key=\(try box.secr("whoami", identity: "mallory").stdout.trimmingCharacters(in: .whitespacesAndNewlines))", "role=owner").status == 0)
        let foreign = try box.secr("get", "A", identity: "alice")
        #expect(foreign.status == 4 && foreign.stderr.contains("who is not a member at that point"), "\(foreign.stderr)")
        try box.write(".secr/roster", genuine)
        #expect(try box.secr("get", "A", identity: "alice").stdout == "1\n", "control: the genuine roster reads again")
    }

    /// `secr log` reads with the cache too: a committed record altered after the cache knew
    /// the genuine one is still shown as unverified.
    @Test func theLogWithAWarmCacheStillFlagsAnAlteredCommittedRecord() throws {
        let box = try Sandbox()
        try box.project()
        #expect(try box.secr("set", "A=1", identity: "alice").status == 0)
        #expect(try box.secr("set", "A=2", identity: "alice").status == 0)
        let genuine = try box.secr("log", identity: "alice").stdout
        #expect(try box.secr("log", identity: "alice").stdout == genuine, "warm: the same log")
        #expect(try cacheFile(box) != nil, "the log wrote the cache")
        #expect(!genuine.contains("UNVERIFIED"))
        try box.editLine(".secr/env/development.secr", containing: " key=A ") { $0.replacingField("time", with: "2020-01-01T00:00:00Z") }
        try box.git("commit", "-qam", "altered by hand", "--no-verify")
        let altered = try box.secr("log", identity: "alice").stdout
        let newest = try #require(altered.split(separator: "\n").first)
        #expect(newest.contains("UNVERIFIED"), "\(altered)")
        #expect(altered.split(separator: "\n").dropFirst().joined(separator: "\n") + "\n" == genuine, "control: the genuine events as before")
    }

    /// `pull` remembers a whole file whose records all verified; the fact is keyed by the
    /// file's exact bytes, so an altered record, or a genuine signature by someone the roster
    /// does not let write, is still refused on the next pull.
    @Test func aWholeFileFactStillRefusesAnAlteredRecordAndAForbiddenSigner() throws {
        let box = try Sandbox()
        try box.project(members: ["vera": "viewer"])
        #expect(try box.secr("set", "A=1", "B=2", identity: "alice").status == 0)
        for _ in 0..<2 { #expect(try box.secr("pull", identity: "alice").stdout.contains("A=1")) }
        let genuine = try box.read(".secr/env/development.secr")
        try box.editLine(".secr/env/development.secr", containing: " key=B ") { $0.replacingField("time", with: "2020-01-01T00:00:00Z") }
        let altered = try box.secr("pull", identity: "alice")
        #expect(altered.status == 4 && altered.stderr.contains("signature does not verify"), "\(altered.stderr)")
        try box.write(".secr/env/development.secr", genuine)
        #expect(try box.secr("pull", identity: "alice").stdout.contains("B=2"), "control: the genuine file pulls")
        // A record correctly signed by Vera, a viewer, who may not write development.
        let forged = try box.forge("record", box.path(".secr").path, "development", box.identityPath("vera"), "B", "attacker-controlled")
        #expect(forged.status == 0, "\(forged.stderr)")
        let refused = try box.secr("pull", identity: "alice")
        #expect(refused.status == 4 && refused.stderr.contains("may not write"), "\(refused.stderr)")
        #expect(!refused.stdout.contains("attacker-controlled"))
        try box.write(".secr/env/development.secr", genuine)
        #expect(try box.secr("pull", identity: "alice").status == 0)
    }

    /// A write remembers the file it wrote as verified whole (each record in it was verified or
    /// signed by that write), under the file's exact bytes: the next read checks no record
    /// signature, and an altered or forged copy is still refused.
    @Test func aFileAWriteRememberedIsTrustedOnlyByItsExactBytes() throws {
        let box = try Sandbox()
        try box.project(members: ["vera": "viewer"])
        #expect(try box.secr("set", "A=1", "B=2", identity: "alice").status == 0)
        #expect(try box.secr("set", "A=3", identity: "alice").status == 0, "this write remembers the file it wrote")
        let written = try box.read(".secr/env/development.secr")
        // The write left the cache knowing what it signed and sealed: reading A needs no curve
        // operation, so the cache is not written again.
        func cache() throws -> [Data] {
            let dir = box.path(".git/secr")
            return try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("cache-") }.sorted()
                .map { try Data(contentsOf: dir.appendingPathComponent($0)) }
        }
        let before = try cache()
        #expect(try box.secr("get", "A", identity: "alice").stdout == "3\n")
        #expect(try cache() == before, "nothing new to remember after the write")
        let pulled = try box.secr("pull", identity: "alice")
        #expect(pulled.status == 0 && pulled.stdout.contains("A=3") && pulled.stdout.contains("B=2"), "control: the written file reads")
        try box.editLine(".secr/env/development.secr", containing: " key=B ") { $0.replacingField("time", with: "2020-01-01T00:00:00Z") }
        let altered = try box.secr("pull", identity: "alice")
        #expect(altered.status == 4 && altered.stderr.contains("signature does not verify"), "\(altered.stderr)")
        try box.write(".secr/env/development.secr", written)
        let forged = try box.forge("record", box.path(".secr").path, "development", box.identityPath("vera"), "B", "attacker-controlled")
        #expect(forged.status == 0, "\(forged.stderr)")
        let refused = try box.secr("get", "B", identity: "alice")
        #expect(refused.status == 4 && refused.stderr.contains("may not write"), "\(refused.stderr)")
        #expect(!refused.stdout.contains("attacker-controlled"))
        try box.write(".secr/env/development.secr", written)
        #expect(try box.secr("get", "B", identity: "alice").stdout == "2\n", "control: the genuine file again")
    }

    /// A change over a file the cache knows verified whole parses only the records it rewrites
    /// (`EnvironmentFile.parse`, deferring). It still checks every record's signer against the
    /// roster as it is now, and a file whose bytes differ is verified record by record. A large
    /// file (1,500 more records, over 256 KB) is parsed that way while its digest is taken on
    /// another core, and parsed again in full when the digest is not one the cache knows.
    @Test(arguments: [0, 1_500])
    func aChangeOverAFileTheCacheKnowsStillChecksEverySignerAndEveryByte(padding: Int) throws {
        let box = try Sandbox()
        try box.project(members: ["bob": "developer"])
        if padding > 0 {
            let pads = (1...padding).map { "PAD_\($0)=\(String(repeating: "p", count: 150))" }
            #expect(try box.secr(["set"] + pads, identity: "alice").status == 0)
        }
        #expect(try box.secr("set", "B=bobs", identity: "bob").status == 0)
        #expect(try box.secr("set", "A=1", identity: "alice").status == 0, "this write remembers the file it wrote")
        #expect((try box.read(".secr/env/development.secr").utf8.count > 300_000) == (padding > 0))
        let head = try box.git("rev-parse", "HEAD").stdout
        func unchanged() throws {
            #expect(try box.git("rev-parse", "HEAD").stdout == head, "nothing was committed")
            #expect(try box.git("status", "--porcelain").stdout.isEmpty, "nothing was left behind")
        }
        // A pusher commits a record whose signed time was changed.
        try box.editLine(".secr/env/development.secr", containing: " key=B ") { $0.replacingField("time", with: "2020-01-01T00:00:00Z") }
        try box.git("commit", "-qam", "tamper")
        let tampered = try box.secr("set", "C=3", identity: "alice")
        #expect(tampered.status == 4 && tampered.stderr.contains("signature does not verify"), "\(tampered.stderr)")
        try box.git("reset", "-q", "--hard", head.trimmingCharacters(in: .whitespacesAndNewlines))
        // An owner-signed roster entry that takes Bob's write access away and keeps none of his
        // records (a hostile branch can carry one, or an owner can err): the file's bytes are
        // the ones the cache knows, but Bob's record no longer stands.
        let entry = try box.forge("roster-append", box.path(".secr").path, box.identityPath("alice"), "member-role",
                                  "member=bob", "role=viewer", "keep=-", "exposed=-")
        #expect(entry.status == 0, "\(entry.stderr)")
        try box.git("commit", "-qam", "demote bob, keep nothing")
        let demotedHead = try box.git("rev-parse", "HEAD").stdout
        let refused = try box.secr("set", "C=3", identity: "alice")
        #expect(refused.status == 4 && refused.stderr.contains("bob") && refused.stderr.contains("may not write"), "\(refused.stderr)")
        #expect(try box.git("rev-parse", "HEAD").stdout == demotedHead, "nothing was committed")
        #expect(try box.git("status", "--porcelain").stdout.isEmpty, "nothing was left behind")
        // Control: the same demotion through secr keeps Bob's record, and the same change is
        // accepted over the same bytes. (The clone saw the hostile entry: going back to before
        // it is a rewrite this clone must be told of.)
        try box.git("reset", "-q", "--hard", head.trimmingCharacters(in: .whitespacesAndNewlines))
        try unchanged()
        #expect(try box.secr("pin", "--reset", identity: "alice").status == 0)
        #expect(try box.secr("member", "set-role", "bob", "viewer", identity: "alice").status == 0)
        let accepted = try box.secr("set", "C=3", identity: "alice")
        #expect(accepted.status == 0, "\(accepted.stderr)")
        let pulled = try box.secr("pull", identity: "alice").stdout
        #expect(pulled.contains("A=1") && pulled.contains("B=bobs") && pulled.contains("C=3"), "\(pulled)")
        #expect(try box.secr("verify").status == 0)
    }

    /// A first read opens the value keys in the same pass as it checks the signatures, but keeps
    /// them only when every signature held: a push of records that fail their check (here one
    /// record whose signed time was changed) cannot fill the cache with keys and crowd out real
    /// entries. Control: the same read of the genuine file keeps them.
    @Test func aFirstReadThatFailsKeepsNoValueKeyItOpened() throws {
        let box = try Sandbox()
        try box.project()
        #expect(try box.secr(["set"] + (1...30).map { "K\($0)=value-\($0)" }, identity: "alice").status == 0)
        let head = try box.git("rev-parse", "HEAD").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try box.editLine(".secr/env/development.secr", containing: " key=K7 ") { $0.replacingField("time", with: "2020-01-01T00:00:00Z") }
        try box.git("commit", "-qam", "tamper")
        func holds(_ clone: URL, _ key: String) throws -> [String] {
            let dir = clone.appendingPathComponent(".git/secr")
            return try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("cache-") }.sorted().map {
                try box.forge("cache-holds", dir.appendingPathComponent($0).path, box.identityPath("alice"),
                              clone.appendingPathComponent(".secr").path, "development", key).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            }.filter { $0 != "not-this-identity" }
        }
        let tampered = try box.freshClone("tampered")
        let refused = try box.secr("pull", identity: "alice", directory: tampered)
        #expect(refused.status == 4 && refused.stdout.isEmpty && refused.stderr.contains("signature does not verify"), "\(refused.stderr)")
        #expect(try holds(tampered, "K1") == ["absent"], "no value key of the failed read was kept")
        try box.git("reset", "-q", "--hard", head)
        let genuine = try box.freshClone("genuine")
        #expect(try box.secr("pull", identity: "alice", directory: genuine).stdout.contains("K30=value-30"))
        #expect(try holds(genuine, "K1") == ["holds"], "control: a read that passed keeps them")
    }

    /// The cache of a writer who may not read an environment never holds the value key of what
    /// they wrote there (they could not open it from the repository); a reader's does.
    @Test func aWriteOnlyWritersCacheHoldsNoKeyToWhatItWrote() throws {
        let box = try Sandbox()
        try box.project()
        #expect(try box.secr("role", "add", "releaser", "--read", "staging", "--write", "production", identity: "alice").status == 0)
        #expect(try box.secr("member", "add", "rel", try box.keygen("rel"), "--role", "releaser", identity: "alice").status == 0)
        #expect(try box.secr("set", "FLAG=ff", "-e", "staging", identity: "alice").status == 0)
        #expect(try box.secr("promote", "FLAG", "--from", "staging", "--to", "production", identity: "rel").status == 0)
        #expect(try box.secr("set", "OWN=v", "-e", "production", identity: "alice").status == 0)
        func holds(_ who: String, _ key: String) throws -> [String] {
            let dir = box.path(".git/secr")
            return try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("cache-") }.sorted().map {
                try box.forge("cache-holds", dir.appendingPathComponent($0).path, box.identityPath(who), box.path(".secr").path,
                              "production", key).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            }.filter { $0 != "not-this-identity" }
        }
        #expect(try holds("rel", "FLAG") == ["absent"], "the releaser wrote FLAG to production but may not read it")
        #expect(try holds("alice", "OWN") == ["holds"], "control: the owner's cache keeps the key of what she wrote")
    }

    /// The cache remembers that the key a reader line opened to is the header's; a reader line
    /// replaced by one sealed around another key (anyone can seal to a member) is still refused.
    @Test func aWarmCacheStillRefusesAReaderLineSealedAroundAnotherKey() throws {
        let box = try Sandbox()
        try box.project()
        #expect(try box.secr("set", "A=1", identity: "alice").status == 0)
        try warm(box)
        let genuine = try box.read(".secr/env/development.secr")
        let forged = try box.forge("reader-box", box.path(".secr").path, "development", "alice")
        #expect(forged.status == 0, "\(forged.stderr)")
        let refused = try box.secr("get", "A", identity: "alice")
        #expect(refused.status == 4 && refused.stderr.contains("does not open to the environment key in the header"), "\(refused.stderr)")
        try box.write(".secr/env/development.secr", genuine)
        #expect(try box.secr("get", "A", identity: "alice").stdout == "1\n", "control: the genuine reader line")
    }

    @Test func aCacheIsPerIdentityAndCommandsWithoutOneUseNone() throws {
        let box = try Sandbox()
        try box.project(members: ["bob": "developer"])
        #expect(try box.secr("set", "A=1", identity: "alice").status == 0)
        try warm(box)
        #expect(try box.secr("get", "A", identity: "bob").stdout == "1\n")
        let caches = try FileManager.default.contentsOfDirectory(atPath: box.path(".git/secr").path).filter { $0.hasPrefix("cache-") }
        #expect(caches.count == 2, "one per identity: \(caches)")
        #expect(try box.secr("verify").status == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: box.path(".git/secr").path).filter { $0.hasPrefix("cache-") }.count == 2)
    }
}
