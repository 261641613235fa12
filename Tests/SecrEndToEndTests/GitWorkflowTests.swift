import Foundation
import Testing

/// Commits, the audit log, review, diffs and merges (issue 4), with real git beside libgit2.
@Suite struct CommitRuleTests {
    @Test func refusesDetachedHeadAndDirtyStoreAndStagesIntoAMerge() throws {
        let box = try Sandbox()
        try box.project()
        #expect(try box.secr("set", "A=1", identity: "alice").status == 0)
        // Uncommitted edits under .secr/.
        #expect(try box.secr("set", "B=2", "--no-commit", identity: "alice").status == 0)
        let dirty = try box.secr("set", "C=3", identity: "alice")
        #expect(dirty.status == 1)
        #expect(dirty.stderr.contains("uncommitted changes"))
        try box.git("commit", "-qm", "by hand", ".secr")
        // Detached HEAD.
        try box.git("checkout", "-q", "--detach", "HEAD")
        let detached = try box.secr("set", "C=3", identity: "alice")
        #expect(detached.status == 1)
        #expect(detached.stderr.contains("detached"))
        try box.git("checkout", "-q", "main")
        // A merge in progress (a conflict in an ordinary file).
        try box.write("notes.txt", "base\n")
        try box.git("add", "notes.txt")
        try box.git("commit", "-qm", "notes")
        try box.git("checkout", "-q", "-b", "other")
        try box.write("notes.txt", "other\n")
        try box.git("commit", "-qam", "other")
        try box.git("checkout", "-q", "main")
        try box.write("notes.txt", "main\n")
        try box.git("commit", "-qam", "main")
        _ = try box.exec(URL(fileURLWithPath: "/usr/bin/git"), ["merge", "other"])
        // During a merge a change is staged into it, not committed.
        let head = try box.git("rev-parse", "HEAD").stdout
        let merging = try box.secr("set", "C=3", identity: "alice")
        #expect(merging.status == 0, "\(merging.stderr)")
        #expect(merging.stderr.contains("staged into it"))
        #expect(try box.git("rev-parse", "HEAD").stdout == head, "no commit was made")
        #expect(try box.git("diff", "--cached", "--name-only").stdout.contains(".secr/env/development.secr"))
        #expect(try box.secr("set", "D=4", "--no-commit", identity: "alice").status == 0, "--no-commit still works")
    }

    @Test func fallsBackToTheMemberNameWithoutGitIdentity() throws {
        let box = try Sandbox()
        try box.project()
        try box.git("config", "--unset", "user.name")
        try box.git("config", "--unset", "user.email")
        #expect(try box.secr("set", "A=1", identity: "alice", env: ["EMAIL": nil]).status == 0)
        #expect(try box.git("log", "-1", "--format=%an").stdout == "alice\n")
    }
}

@Suite struct AuditLogTests {
    @Test func logAgreesWithGitLogAndShowsTheTrueSigner() throws {
        let box = try Sandbox()
        try box.project(members: ["bob": "developer"])
        #expect(try box.secr("set", "API_KEY=one", identity: "alice").status == 0)
        #expect(try box.secr("set", "API_KEY=two", "OTHER=x", identity: "bob").status == 0)
        #expect(try box.secr("unset", "OTHER", identity: "bob").status == 0)
        // Bob writes, but the commit is made by "Alice" with git: the author is forged.
        #expect(try box.secr("set", "API_KEY=three", "--no-commit", identity: "bob").status == 0)
        try box.git("-c", "user.name=Alice Forged", "-c", "user.email=alice@example.com", "commit", "-qm", "innocent change")
        let log = try box.secr("log", "--json")
        #expect(log.status == 0, "\(log.stderr)")
        let events = try #require(try JSONSerialization.jsonObject(with: log.stdoutData) as? [[String: Any]])
        // Every commit git lists as touching .secr has at least one event.
        let gitCommits = Set(try box.git("log", "--format=%H", "--", ".secr").stdout.split(separator: "\n").map(String.init))
        #expect(Set(events.compactMap { $0["commit"] as? String }) == gitCommits)
        let newest = try #require(events.first)
        #expect(newest["author"] as? String == "Alice Forged <alice@example.com>")
        #expect(newest["signer"] as? String == "bob")
        #expect(newest["action"] as? String == "set")
        let keys = newest["keys"] as? [[String: Any]]
        #expect(keys?.first?["key"] as? String == "API_KEY" && keys?.first?["from"] as? Int == 2 && keys?.first?["to"] as? Int == 3)
        #expect(events.contains { $0["action"] as? String == "unset" && $0["signer"] as? String == "bob" })
        #expect(events.contains { $0["action"] as? String == "member-add" })
        #expect(!log.stdout.contains("three"), "values are never shown")
        let text = try box.secr("log", "-n", "1")
        #expect(text.stdout.contains("signed by bob") && text.stdout.contains("author Alice Forged"))
    }

    @Test func logFlagsUnverifiedAndUnpermittedChanges() throws {
        let box = try Sandbox()
        try box.project(members: ["vera": "viewer"])
        #expect(try box.secr("set", "A=alpha", identity: "alice").status == 0)
        // A record altered by hand and committed with plain git.
        try box.editLine(".secr/env/development.secr", containing: " key=A ") { $0.replacingField("ct", with: flipped($0.field("ct") ?? "")) }
        try box.git("commit", "-qam", "tweak")
        // A viewer's correctly signed record, committed with plain git.
        #expect(try box.forge("record", box.path(".secr").path, "development", box.identityPath("vera"), "B", "from-vera").status == 0)
        try box.git("commit", "-qam", "vera adds B")
        let log = try box.secr("log")
        let lines = log.stdout.components(separatedBy: "\n")
        #expect(lines.contains { $0.contains("set B (v1)") && $0.contains("signed by vera") && $0.contains("NOT PERMITTED") })
        #expect(lines.contains { $0.contains("set A (v1)") && $0.contains("UNVERIFIED") })
    }

    @Test func filtersByEnvironmentKeyDateAndCount() throws {
        let box = try Sandbox()
        try box.project()
        #expect(try box.secr("set", "A=1", identity: "alice").status == 0)
        #expect(try box.secr("set", "B=1", "-e", "staging", identity: "alice").status == 0)
        #expect(try box.secr("set", "A=2", identity: "alice").status == 0)
        func count(_ arguments: String...) throws -> Int {
            let run = try box.secr(["log", "--json"] + arguments)
            return (try JSONSerialization.jsonObject(with: run.stdoutData) as? [Any])?.count ?? -1
        }
        #expect(try count("-e", "staging") == 3, "env-add staging, the env-key of its first key, and the set")
        #expect(try count("A") == 2)
        #expect(try count("-n", "1") == 1)
        #expect(try count("--since", "2999-01-01") == 0)
        #expect(try count("--until", "2000-01-01") == 0)
        #expect(try box.secr("log", "--since", "yesterday").status == 2)
    }

    @Test func shallowCloneStopsAtTheBoundaryAndSaysSo() throws {
        let box = try Sandbox()
        try box.project()
        for i in 1...5 { #expect(try box.secr("set", "K=\(i)", identity: "alice").status == 0) }
        let clone = box.root.appendingPathComponent("shallow")
        _ = try box.exec(URL(fileURLWithPath: "/usr/bin/git"), ["clone", "-q", "--depth", "2", "file://\(box.repo.path)", clone.path])
        let run = try box.secr("log", "--json", directory: clone)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("shallow"))
        let events = try JSONSerialization.jsonObject(with: run.stdoutData) as? [[String: Any]]
        #expect(events?.count == 1, "only the newest commit's change is known")
    }
}

@Suite struct HistoryVerifyTests {
    @Test func rollbackOfARecordIsCaught() throws {
        let box = try Sandbox()
        try box.project()
        #expect(try box.secr("set", "TOKEN=old-leaked-token", identity: "alice").status == 0)
        let old = try #require(try box.recordLine("development", "TOKEN"))
        #expect(try box.secr("set", "TOKEN=new-token", identity: "alice").status == 0)
        #expect(try box.secr("verify", "--history").status == 0)
        // Bring back the old, validly signed record.
        try box.editLine(".secr/env/development.secr", containing: " key=TOKEN ") { _ in old }
        try box.git("commit", "-qam", "harmless")
        // This clone verified v2 on this branch, so it refuses v1 at once.
        let refused = try box.secr("get", "TOKEN", identity: "alice")
        #expect(refused.status == 4 && refused.stdout.isEmpty)
        #expect(refused.stderr.contains("has verified v2"), "\(refused.stderr)")
        // A fresh clone has seen nothing: the file alone looks valid, and history catches it.
        let fresh = box.root.appendingPathComponent("fresh")
        _ = try box.exec(URL(fileURLWithPath: "/usr/bin/git"), ["clone", "-q", box.repo.path, fresh.path])
        #expect(try box.secr("verify", directory: fresh).status == 0, "the file alone looks valid")
        #expect(try box.secr("get", "TOKEN", identity: "alice", directory: fresh).stdout == "old-leaked-token\n")
        let history = try box.secr("verify", "--history", directory: fresh)
        #expect(history.status == 4)
        #expect(history.stdout.contains("TOKEN went back from v2 to v1"))
    }

    @Test func removedRecordAndRewrittenRosterAreCaught() throws {
        let box = try Sandbox()
        try box.project(members: ["bob": "developer"])
        #expect(try box.secr("set", "A=1", "B=2", identity: "alice").status == 0)
        try box.editLine(".secr/env/development.secr", containing: " key=B ") { _ in "" }
        try box.write(".secr/env/development.secr", try box.read(".secr/env/development.secr").replacingOccurrences(of: "\n\n", with: "\n"))
        try box.git("commit", "-qam", "drop B")
        let run = try box.secr("verify", "--history")
        #expect(run.status == 4)
        #expect(run.stdout.contains("B was removed without a tombstone"))
    }
}

@Suite struct ReviewAndDiffTests {
    @Test func textconvShowsValuesToReadersAndOnlyVersionsToOthers() throws {
        let box = try Sandbox()
        try box.project(members: ["bob": "developer"])
        #expect(try box.secr("set", "STRIPE_SECRET_KEY=sk_test_old", "-e", "production", identity: "alice").status == 0)
        #expect(try box.secr("set", "STRIPE_SECRET_KEY=sk_test_new", "-e", "production", identity: "alice").status == 0)
        let asAlice = try box.exec(URL(fileURLWithPath: "/usr/bin/git"), ["log", "-p", "-1", "--", ".secr/env/production.secr"],
                                   env: ["SECR_IDENTITY_FILE": box.identityPath("alice")])
        #expect(asAlice.stdout.contains("-STRIPE_SECRET_KEY = \"sk_test_old\" (v1, signed by alice"))
        #expect(asAlice.stdout.contains("+STRIPE_SECRET_KEY = \"sk_test_new\" (v2, signed by alice"))
        let asBob = try box.exec(URL(fileURLWithPath: "/usr/bin/git"), ["show", "HEAD", "--", ".secr/env/production.secr"],
                                 env: ["SECR_IDENTITY_FILE": box.identityPath("bob")])
        #expect(asBob.stdout.contains("+STRIPE_SECRET_KEY: encrypted (v2, signed by alice"))
        #expect(!asBob.stdout.contains("sk_test"))
        #expect(!asBob.stdout.contains(" ct=") && !asAlice.stdout.contains(" ct="), "never raw ciphertext")
        // setup-git registers the drivers in another clone.
        let clone = box.root.appendingPathComponent("clone")
        _ = try box.exec(URL(fileURLWithPath: "/usr/bin/git"), ["clone", "-q", box.repo.path, clone.path])
        #expect(try box.secr("setup-git", directory: clone).status == 0)
        let config = try box.exec(URL(fileURLWithPath: "/usr/bin/git"), ["config", "diff.secr.textconv"], directory: clone)
        #expect(config.stdout.contains(" diff"))
    }

    @Test func reviewSummarisesABranchAndBlocksUnpermittedChanges() throws {
        let box = try Sandbox()
        try box.project(members: ["bob": "developer"])
        #expect(try box.secr("set", "A=1", identity: "alice").status == 0)
        try box.git("checkout", "-q", "-b", "feature")
        #expect(try box.secr("set", "A=2", "NEW_KEY=n", identity: "bob").status == 0)
        #expect(try box.secr("set", "S=1", "-e", "staging", identity: "bob").status == 0)
        let clean = try box.secr("review", "--json")
        #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: clean.stdoutData) as? [String: Any])
        let changes = report["changes"] as? [[String: Any]] ?? []
        #expect(changes.map { "\($0["change"] ?? "") \($0["subject"] ?? "")" }.sorted() == ["added NEW_KEY", "added S", "changed A"])
        #expect(changes.allSatisfy { $0["signer"] as? String == "bob" })
        // Bob sneaks a production record in with plain git.
        #expect(try box.forge("record", box.path(".secr").path, "production", box.identityPath("bob"), "PROD", "sneaky").status == 0)
        try box.git("commit", "-qam", "also this")
        let blocked = try box.secr("review", "--format", "markdown")
        #expect(blocked.status == 4)
        #expect(blocked.stdout.contains("❌") && blocked.stdout.contains("`PROD`"))
        #expect(try box.secr("review", "main..HEAD~1").status == 0)
    }
}

@Suite struct MergeTests {
    func branchPair(members: [String: String] = [:]) throws -> Sandbox {
        let box = try Sandbox()
        try box.project(members: members)
        #expect(try box.secr("set", "SHARED=base", "OTHER=base", identity: "alice").status == 0)
        return box
    }

    @Test func differentKeysOnTwoBranchesMergeCleanlyAndVerify() throws {
        let box = try branchPair()
        try box.git("checkout", "-q", "-b", "feature")
        #expect(try box.secr("set", "SHARED=feature", "FEATURE_ONLY=f", identity: "alice").status == 0)
        try box.git("checkout", "-q", "main")
        #expect(try box.secr("set", "OTHER=main", "MAIN_ONLY=m", identity: "alice").status == 0)
        let merge = try box.exec(URL(fileURLWithPath: "/usr/bin/git"), ["merge", "--no-edit", "feature"],
                                 env: ["SECR_IDENTITY_FILE": box.identityPath("alice")])
        #expect(merge.status == 0, "\(merge.stdout)\(merge.stderr)")
        let values = try JSONSerialization.jsonObject(with: try box.secr("pull", "--json", identity: "alice").stdoutData) as? [String: String]
        #expect(values == ["SHARED": "feature", "OTHER": "main", "FEATURE_ONLY": "f", "MAIN_ONLY": "m"])
        #expect(try box.secr("verify", "--history").status == 0)
    }

    @Test func sameKeyChangedDifferentlyIsAConflictNamingTheKey() throws {
        let box = try branchPair()
        try box.git("checkout", "-q", "-b", "feature")
        #expect(try box.secr("set", "SHARED=feature", identity: "alice").status == 0)
        try box.git("checkout", "-q", "main")
        #expect(try box.secr("set", "SHARED=main", identity: "alice").status == 0)
        let merge = try box.exec(URL(fileURLWithPath: "/usr/bin/git"), ["merge", "--no-edit", "feature"],
                                 env: ["SECR_IDENTITY_FILE": box.identityPath("alice")])
        #expect(merge.status != 0)
        #expect(merge.stderr.contains("SHARED") || merge.stdout.contains("SHARED"))
        #expect(!(try box.read(".secr/env/development.secr")).contains("<<<<<<<"), "no text markers in the file")
        #expect(try box.secr("get", "SHARED", identity: "alice").stdout == "main\n", "the file stays readable: ours kept")
    }

    @Test func rotationOnOneSideAndNewKeyOnTheOtherMergeToAReadableFile() throws {
        let box = try branchPair(members: ["bob": "developer", "carol": "developer"])
        try box.git("checkout", "-q", "-b", "feature")
        #expect(try box.secr("set", "NEW_ON_FEATURE=fresh", identity: "carol").status == 0)
        try box.git("checkout", "-q", "main")
        #expect(try box.secr("member", "remove", "bob", identity: "alice").status == 0)
        let merge = try box.exec(URL(fileURLWithPath: "/usr/bin/git"), ["merge", "--no-edit", "feature"],
                                 env: ["SECR_IDENTITY_FILE": box.identityPath("alice")])
        #expect(merge.status == 0, "\(merge.stdout)\(merge.stderr)")
        #expect(try box.secr("get", "NEW_ON_FEATURE", identity: "carol").stdout == "fresh\n")
        #expect(try box.secr("get", "SHARED", identity: "carol").stdout == "base\n")
        #expect(try box.header("development").field("gen") == "2")
        #expect(try box.secr("verify").status == 0)
    }

    @Test func reSealingNeedsAMergerWhoCanRead() throws {
        // Re-sealing signs nothing (records keep their writers' signatures), so reading both
        // sides is enough; a member who cannot read gets a conflict that says who can merge.
        let box = try branchPair(members: ["bob": "developer", "vera": "viewer"])
        #expect(try box.secr("role", "add", "submitter", "--write", "development", identity: "alice").status == 0)
        let sam = try box.keygen("sam")
        #expect(try box.secr("member", "add", "sam", sam, "--role", "submitter", identity: "alice").status == 0)
        try box.git("checkout", "-q", "-b", "feature")
        #expect(try box.secr("set", "NEW_ON_FEATURE=fresh", identity: "bob").status == 0)
        try box.git("checkout", "-q", "main")
        #expect(try box.secr("rotate", identity: "alice").status == 0)
        let denied = try box.exec(URL(fileURLWithPath: "/usr/bin/git"), ["merge", "--no-edit", "feature"],
                                  env: ["SECR_IDENTITY_FILE": box.identityPath("sam")])
        #expect(denied.status != 0)
        #expect((denied.stdout + denied.stderr).contains("can read development on both sides"), "\(denied.stdout)\(denied.stderr)")
        try box.git("merge", "--abort")
        let merge = try box.exec(URL(fileURLWithPath: "/usr/bin/git"), ["merge", "--no-edit", "feature"],
                                 env: ["SECR_IDENTITY_FILE": box.identityPath("vera")])
        #expect(merge.status == 0, "\(merge.stdout)\(merge.stderr)")
        #expect(try box.secr("get", "NEW_ON_FEATURE", identity: "vera").stdout == "fresh\n")
        #expect(try box.secr("verify").status == 0)
    }

    @Test func rosterChangesOnBothSidesConflictAndAreReappliedByHand() throws {
        // A roster is one signed chain: entries appended on two branches cannot both stand, and
        // nobody's entries are re-signed for them. The merge keeps ours, lists theirs with the
        // command that re-applies each, and stops; re-applied, history verifies.
        let box = try branchPair()
        let bob = try box.keygen("bob"), carol = try box.keygen("carol")
        try box.git("checkout", "-q", "-b", "feature")
        #expect(try box.secr("member", "add", "bob", bob, "--role", "viewer", identity: "alice").status == 0)
        try box.git("checkout", "-q", "main")
        #expect(try box.secr("member", "add", "carol", carol, "--role", "developer", identity: "alice").status == 0)
        let merge = try box.exec(URL(fileURLWithPath: "/usr/bin/git"), ["merge", "--no-edit", "feature"],
                                 env: ["SECR_IDENTITY_FILE": box.identityPath("alice")])
        #expect(merge.status != 0)
        let said = merge.stdout + merge.stderr
        #expect(said.contains("member-add bob, signed by alice") && said.contains("secr member add bob \(bob) --role viewer"), "\(said)")
        #expect(!(try box.read(".secr/roster")).contains("member=bob"), "ours kept, nothing re-signed")
        #expect(try box.secr("get", "SHARED", identity: "carol").stdout == "base\n", "the kept side reads")
        #expect(try box.secr("member", "add", "bob", bob, "--role", "viewer", "--no-commit", identity: "alice").status == 0)
        try box.git("add", ".secr")
        try box.git("commit", "-qm", "merge feature; re-applied: add bob")
        #expect(try box.secr("get", "SHARED", identity: "bob").stdout == "base\n")
        #expect(try box.secr("get", "SHARED", identity: "carol").stdout == "base\n")
        #expect(try box.secr("verify", "--history").status == 0)
    }
}
