import Foundation
import Testing

/// Issue 9: the boundary holds through git. Each attack is made the way a pusher, a removed
/// member with an old clone or a hostile branch would make it: files edited by hand, commits
/// made with `--no-verify`, forgeries signed from the spec (Tests/reference/forge.py), merges
/// run by real git through the real driver. Each has a control showing that the legitimate
/// version of the same change is accepted.
extension Sandbox {
    /// Commits whatever is in `.secr` the way an attacker would: no hook, any message.
    func attackerCommit(_ message: String, author: String = "Mallory <mallory@example.com>") throws {
        try git("add", "-A", ".secr")
        let run = try exec(URL(fileURLWithPath: "/usr/bin/git"), ["-c", "user.name=\(author.prefix { $0 != "<" }.trimmingCharacters(in: .whitespaces))",
                                                                 "commit", "--no-verify", "-qm", message])
        #expect(run.status == 0, "commit: \(run.stderr)")
    }

    func gitMerge(_ branch: String, as who: String) throws -> Run {
        try exec(URL(fileURLWithPath: "/usr/bin/git"), ["merge", "--no-edit", branch], env: ["SECR_IDENTITY_FILE": identityPath(who)])
    }

    /// A fresh clone of this repository (no pins, nothing seen), for what a new teammate or CI sees.
    func freshClone(_ name: String = "fresh", depth: Int? = nil) throws -> URL {
        let target = root.appendingPathComponent(name)
        let arguments = ["clone", "-q"] + (depth.map { ["--depth", String($0)] } ?? []) + ["file://\(repo.path)", target.path]
        let run = try exec(URL(fileURLWithPath: "/usr/bin/git"), arguments)
        #expect(run.status == 0, "clone: \(run.stderr)")
        return target
    }

    func publicKey(_ who: String) throws -> String {
        try secr("whoami", identity: who).stdout.components(separatedBy: "\n")[0]
    }
}

@Suite struct MergeDriverBoundaryTests {
    @Test func mergeNeverAdoptsAHostileBranchsEnvironmentKey() throws {
        let box = try Sandbox()
        try box.project(members: ["bob": "developer"])
        #expect(try box.secr("set", "PROD_KEY=prod-secret-value", "-e", "production", identity: "alice").status == 0)
        _ = try box.keygen("mallory")
        try box.git("checkout", "-q", "-b", "evil")
        // A pusher replaces production's key pair with one of her own (a re-key only she can read).
        #expect(try box.forge("header", box.path(".secr").path, "production", box.identityPath("mallory"), "mallory").status == 0)
        try box.attackerCommit("rotate production")
        let evilFile = box.root.appendingPathComponent("evil-production.secr")
        try FileManager.default.copyItem(at: box.path(".secr/env/production.secr"), to: evilFile)
        try box.git("checkout", "-q", "main")
        #expect(try box.secr("set", "SECOND_KEY=second-prod-value", "-e", "production", identity: "alice").status == 0)
        let mainHeader = try box.header("production")
        let merge = try box.gitMerge("evil", as: "alice")
        #expect(merge.status != 0, "a key the roster does not name is a conflict")
        #expect((merge.stdout + merge.stderr).contains("production"))
        #expect(try box.header("production") == mainHeader, "the hostile header is never adopted")
        // Nothing in the merged file opens with the key the attacker sealed to herself.
        for key in ["PROD_KEY", "SECOND_KEY"] {
            let open = try box.forge("open-with-old-key", evilFile.path, box.path(".secr/env/production.secr").path,
                                     box.identityPath("mallory"), key)
            #expect(open.status != 0, "\(key): \(open.stdout)")
        }
    }

    @Test func mergeAdoptsALegitimateRotationFromABranch() throws {
        // The control: the same shape of change, made by a reader through secr and through the
        // spec (forge.py rekey), merges cleanly and everything stays readable and verifiable.
        for forged in [false, true] {
            let box = try Sandbox()
            try box.project(members: ["bob": "developer"])
            #expect(try box.secr("set", "PROD_KEY=prod-secret-value", "-e", "production", identity: "alice").status == 0)
            try box.git("checkout", "-q", "-b", "rotation")
            if forged {
                #expect(try box.forge("rekey", box.path(".secr").path, "production", box.identityPath("alice")).status == 0)
                try box.attackerCommit("rotate production by hand", author: "Alice Example <alice@example.com>")
                #expect(try box.secr("verify").status == 0, "a rotation made from the spec by a reader verifies")
            } else {
                #expect(try box.secr("rotate", "-e", "production", identity: "alice").status == 0)
            }
            let rotated = try box.header("production")
            try box.git("checkout", "-q", "main")
            #expect(try box.secr("set", "SECOND_KEY=second-prod-value", "-e", "production", identity: "alice").status == 0)
            let merge = try box.gitMerge("rotation", as: "alice")
            #expect(merge.status == 0, "\(merge.stdout)\(merge.stderr)")
            #expect(try box.header("production") == rotated)
            #expect(try box.secr("get", "SECOND_KEY", "-e", "production", identity: "alice").stdout == "second-prod-value\n")
            #expect(try box.secr("get", "PROD_KEY", "-e", "production", identity: "alice").stdout == "prod-secret-value\n")
            #expect(try box.secr("verify", "--history").status == 0)
        }
    }

    @Test func mergeSealsOnlyToMembersTheMergedRosterLetsRead() throws {
        let box = try Sandbox()
        try box.project(members: ["bob": "developer"])
        #expect(try box.secr("set", "PROD_KEY=prod-secret-value", "-e", "production", identity: "alice").status == 0)
        let mallory = try box.keygen("mallory")
        try box.git("checkout", "-q", "-b", "evil")
        // The other side adds a reader line for an outsider, without any roster change.
        let alice = try #require(try box.read(".secr/env/production.secr").components(separatedBy: "\n").first { $0.hasPrefix("reader name=alice ") })
        try box.editLine(".secr/env/production.secr", containing: "reader name=alice ") {
            $0 + "\n" + alice.replacingField("name", with: "mallory").replacingField("key", with: mallory)
        }
        try box.attackerCommit("add a reader")
        try box.git("checkout", "-q", "main")
        #expect(try box.secr("rotate", "-e", "production", identity: "alice").status == 0)
        let merge = try box.gitMerge("evil", as: "alice")
        let merged = try box.read(".secr/env/production.secr")
        #expect(!merged.contains("name=mallory") && !merged.contains(mallory), "the re-keyed environment is never sealed to her")
        if merge.status == 0 { #expect(try box.secr("verify").status == 0) }
    }

    @Test func removedAdminsForkIsNotReadmittedByAMerge() throws {
        let box = try Sandbox()
        try box.project(members: ["mallory": "admin", "bob": "developer"])
        #expect(try box.secr("set", "PROD_KEY=prod-secret-value", "-e", "production", identity: "alice").status == 0)
        // Mallory forks before her removal and, still an admin there, adds an admin of her own.
        try box.git("checkout", "-q", "-b", "evil")
        let sock = try box.keygen("sock")
        #expect(try box.forge("roster-append", box.path(".secr").path, box.identityPath("mallory"), "member-add",
                              "member=sock", "key=\(sock)", "role=admin").status == 0)
        try box.attackerCommit("add a teammate")
        try box.git("checkout", "-q", "main")
        #expect(try box.secr("member", "remove", "mallory", identity: "alice").status == 0)
        let merge = try box.gitMerge("evil", as: "alice")
        #expect(merge.status != 0, "both rosters grew: a conflict, never a silent re-signing")
        let said = merge.stdout + merge.stderr
        #expect(said.contains("member-add sock, signed by mallory"), "\(said)")
        #expect(!(try box.read(".secr/roster")).contains("member=sock"))
        #expect(!(try box.secr("member", "list", identity: "alice").stdout.contains("sock")))
        // Committing the merge as it stands keeps her out, and history verifies.
        try box.git("add", ".secr")
        try box.git("commit", "-qm", "merge evil, without its roster entries")
        #expect(try box.secr("get", "PROD_KEY", "-e", "production", identity: "sock").status == 3)
        #expect(try box.secr("verify", "--history").status == 0)
    }

    @Test func aCraftedMergeThatKeepsTheForksRosterIsCaught() throws {
        let box = try Sandbox()
        try box.project(members: ["mallory": "admin"])
        try box.git("checkout", "-q", "-b", "evil")
        let sock = try box.keygen("sock")
        #expect(try box.forge("roster-append", box.path(".secr").path, box.identityPath("mallory"), "member-add",
                              "member=sock", "key=\(sock)", "role=admin").status == 0)
        try box.attackerCommit("add a teammate")
        try box.git("checkout", "-q", "main")
        #expect(try box.secr("member", "remove", "mallory", identity: "alice").status == 0)
        // She makes the merge herself, keeping her side's store, and pushes it as a fast-forward.
        let tree = try box.git("rev-parse", "evil^{tree}").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let merge = try box.git("commit-tree", tree, "-p", "main", "-p", "evil", "-m", "Merge branch 'evil'")
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try box.git("reset", "-q", "--hard", merge)
        // This clone has seen the removal on main: the roster is cut back, refused.
        let here = try box.secr("member", "list", identity: "alice")
        #expect(here.status == 4 && here.stderr.contains("cut off"), "\(here.stderr)")
        // A fresh clone cannot tell the rollback from the files (it sees only the reader lines
        // her forgery lacks), but history can.
        let fresh = try box.freshClone()
        #expect(!(try box.secr("verify", directory: fresh).stdout.contains("mallory")))
        let history = try box.secr("verify", "--history", directory: fresh)
        #expect(history.status == 4)
        #expect(history.stdout.contains("member-remove mallory") && history.stdout.contains("not re-applied"), "\(history.stdout)")
    }
}

@Suite struct RollbackTests {
    @Test func oldEnvironmentFileCommittedAfterARemovalIsRefused() throws {
        let box = try Sandbox()
        try box.project(members: ["bob": "developer"])
        #expect(try box.secr("set", "API_KEY=staging-secret-value", "-e", "staging", identity: "alice").status == 0)
        let before = try box.read(".secr/env/staging.secr")
        #expect(try box.secr("member", "remove", "bob", identity: "alice").status == 0)
        #expect(try box.secr("verify").status == 0, "control: the current file is accepted")
        // Bob, still able to push, restores the pre-removal file minus his own reader line.
        try box.write(".secr/env/staging.secr", before.components(separatedBy: "\n").filter { !$0.hasPrefix("reader name=bob ") }.joined(separator: "\n"))
        try box.attackerCommit("tidy staging")
        for directory in [box.repo, try box.freshClone()] {
            let get = try box.secr("get", "API_KEY", "-e", "staging", identity: "alice", directory: directory)
            #expect(get.status == 4 && get.stdout.isEmpty)
            #expect(get.stderr.contains("older key") && get.stderr.contains("roster names generation"), "\(get.stderr)")
            let set = try box.secr("set", "NEW_KEY=sealed-to-what", "-e", "staging", identity: "alice", directory: directory)
            #expect(set.status == 4, "nothing is ever sealed to the old key")
            #expect(try box.secr("verify", directory: directory).status == 4)
        }
        let review = try box.secr("review", "HEAD~1..HEAD")
        #expect(review.status == 4 && review.stdout.contains("NOT PERMITTED"), "\(review.stdout)")
    }

    @Test func rosterCutBackToBeforeARemovalIsRefusedWhereItWasSeen() throws {
        let box = try Sandbox()
        try box.project(members: ["bob": "developer"])
        #expect(try box.secr("set", "API_KEY=dev-secret-value", identity: "alice").status == 0)
        let roster = try box.read(".secr/roster"), development = try box.read(".secr/env/development.secr")
        #expect(try box.secr("member", "remove", "bob", identity: "alice").status == 0)
        // Bob truncates the roster and restores the matching old files: a consistent old state.
        try box.write(".secr/roster", roster)
        try box.write(".secr/env/development.secr", development)
        try box.git("checkout", "HEAD~1", "--", ".secr/env/staging.secr")
        try box.attackerCommit("revert")
        let get = try box.secr("get", "API_KEY", identity: "alice")
        #expect(get.status == 4 && get.stderr.contains("cut off"), "\(get.stderr)")
        #expect(try box.secr("set", "A=1", identity: "alice").status == 4)
        #expect(try box.secr("verify").status == 4)
        // A fresh clone cannot see it from the files alone; history does.
        let fresh = try box.freshClone()
        #expect(try box.secr("verify", directory: fresh).status == 0)
        let history = try box.secr("verify", "--history", directory: fresh)
        #expect(history.status == 4 && history.stdout.contains("cut back"), "\(history.stdout)")
        // The deliberate way out, for a rewrite the owners agreed on.
        #expect(try box.secr("pin", "--reset").status == 0)
        #expect(try box.secr("get", "API_KEY", identity: "alice").status == 0)
    }

    @Test func deletedRecordLineAndLowerVersionAreRefusedByTheCloneThatSawThem() throws {
        let box = try Sandbox()
        try box.project()
        #expect(try box.secr("set", "A=one", "B=two", identity: "alice").status == 0)
        let old = try #require(try box.recordLine("development", "A"))
        #expect(try box.secr("set", "A=newer", identity: "alice").status == 0)
        #expect(try box.secr("pull", identity: "alice").status == 0, "control: the current file reads")
        try box.editLine(".secr/env/development.secr", containing: " key=B ") { _ in "" }
        try box.write(".secr/env/development.secr", try box.read(".secr/env/development.secr").replacingOccurrences(of: "\n\n", with: "\n"))
        try box.attackerCommit("drop B")
        let missing = try box.secr("pull", identity: "alice")
        #expect(missing.status == 4 && missing.stderr.contains("B is missing"), "\(missing.stderr)")
        try box.git("revert", "--no-edit", "HEAD")
        try box.editLine(".secr/env/development.secr", containing: " key=A ") { _ in old }
        try box.attackerCommit("restore A")
        let lower = try box.secr("get", "A", identity: "alice")
        #expect(lower.status == 4 && lower.stderr.contains("has verified v2"), "\(lower.stderr)")
    }

    @Test func anOlderBranchStillReadsButNeverSealsToAReplacedKey() throws {
        // A feature branch forked before a removal is behind, not a rollback: it reads. But a
        // value written there would be sealed to the key the removed member holds: refused.
        let box = try Sandbox()
        try box.project(members: ["bob": "developer"])
        #expect(try box.secr("set", "A=1", identity: "alice").status == 0)
        try box.git("checkout", "-q", "-b", "feature")
        #expect(try box.secr("set", "F=feature", identity: "alice").status == 0)
        try box.git("checkout", "-q", "main")
        #expect(try box.secr("get", "A", identity: "alice").stdout == "1\n", "main reads although feature is ahead on F")
        #expect(try box.secr("member", "remove", "bob", identity: "alice").status == 0)
        try box.git("checkout", "-q", "feature")
        #expect(try box.secr("get", "F", identity: "alice").stdout == "feature\n")
        let write = try box.secr("set", "G=leaks-to-bob", identity: "alice")
        #expect(write.status == 1 && write.stderr.contains("merge main"), "\(write.stderr)")
        let merge = try box.exec(URL(fileURLWithPath: "/usr/bin/git"), ["merge", "--no-edit", "main"],
                                 env: ["SECR_IDENTITY_FILE": box.identityPath("alice")])
        #expect(merge.status == 0, "\(merge.stdout)\(merge.stderr)")
        #expect(try box.secr("set", "G=safe-now", identity: "alice").status == 0)
    }

    @Test func worktreesShareWhatTheClonePinned() throws {
        let box = try Sandbox()
        try box.project()
        #expect(try box.secr("set", "A=1", identity: "alice").status == 0)
        let worktree = box.root.appendingPathComponent("wt")
        try box.git("worktree", "add", "-q", "-b", "side", worktree.path)
        // The store is replaced in the worktree: the root this clone pinned applies there too.
        let evil = try Sandbox()
        try evil.project(owner: "mallory")
        try FileManager.default.removeItem(at: worktree.appendingPathComponent(".secr"))
        try FileManager.default.copyItem(at: evil.path(".secr"), to: worktree.appendingPathComponent(".secr"))
        let run = try box.secr("pull", "--format", "keys", directory: worktree)
        #expect(run.status == 4 && run.stderr.contains("pinned"), "\(run.stderr)")
    }

    @Test func firstUseSaysWhatItPinnedAndCIPinsRootAndHead() throws {
        let box = try Sandbox()
        try box.project()
        let fresh = try box.freshClone()
        let first = try box.secr("pull", "--format", "keys", directory: fresh)
        #expect(first.status == 0 && first.stderr.contains("pinned the roster"), "\(first.stderr)")
        #expect(!(try box.secr("pull", "--format", "keys", directory: fresh).stderr.contains("pinned")), "said once")
        let root = try box.secr("pin").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let head = try box.secr("pin", "--head").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let ci = try box.freshClone("ci")
        #expect(try box.secr("verify", "--expect-root", root, "--expect-head", head, directory: ci).status == 0)
        #expect(try box.secr("verify", env: ["SECR_ROSTER_HEAD": "99:" + String(head.split(separator: ":")[1])], directory: ci).status == 4)
        #expect(try box.secr("verify", "--expect-head", "nonsense", directory: ci).status == 2)
    }
}

@Suite struct HistoryBoundaryTests {
    @Test func deletingAFileAndRestoringAnOldCopyIsCaught() throws {
        let box = try Sandbox()
        try box.project()
        #expect(try box.secr("set", "TOKEN=old-leaked-token", identity: "alice").status == 0)
        let old = try box.read(".secr/env/development.secr")
        #expect(try box.secr("set", "TOKEN=new-token", identity: "alice").status == 0)
        #expect(try box.secr("verify", "--history").status == 0, "control")
        try FileManager.default.removeItem(at: box.path(".secr/env/development.secr"))
        try box.attackerCommit("remove")
        try box.write(".secr/env/development.secr", old)
        try box.attackerCommit("restore")
        let history = try box.secr("verify", "--history", directory: try box.freshClone())
        #expect(history.status == 4)
        #expect(history.stdout.contains("TOKEN went back from v2 to v1"), "\(history.stdout)")
    }

    @Test func aMergeWhoseFirstParentIsOldIsCaught() throws {
        let box = try Sandbox()
        try box.project()
        #expect(try box.secr("set", "TOKEN=old-leaked-token", identity: "alice").status == 0)
        let oldCommit = try box.git("rev-parse", "HEAD").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try box.secr("set", "TOKEN=new-token", identity: "alice").status == 0)
        // A merge of the old commit with the new, keeping the old tree: an ordinary fast-forward.
        let merge = try box.git("commit-tree", "\(oldCommit)^{tree}", "-p", oldCommit, "-p", "HEAD", "-m", "Merge")
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try box.git("merge", "-q", "--ff-only", merge)
        let history = try box.secr("verify", "--history", directory: try box.freshClone())
        #expect(history.status == 4)
        #expect(history.stdout.contains("TOKEN went back from v2 to v1"), "\(history.stdout)")
    }

    @Test func legitimateMergesVerify() throws {
        let box = try Sandbox()
        try box.project(members: ["bob": "developer"])
        #expect(try box.secr("set", "A=1", identity: "alice").status == 0)
        try box.git("checkout", "-q", "-b", "feature")
        #expect(try box.secr("set", "A=2", "F=1", identity: "bob").status == 0)
        try box.git("checkout", "-q", "main")
        #expect(try box.secr("set", "M=1", identity: "alice").status == 0)
        #expect(try box.gitMerge("feature", as: "alice").status == 0)
        #expect(try box.secr("verify", "--history").status == 0)
        #expect(try box.secr("verify", "--history", directory: try box.freshClone()).status == 0)
    }

    @Test func aShallowCloneIsRefusedUnlessAllowed() throws {
        let box = try Sandbox()
        try box.project()
        for i in 1...3 { #expect(try box.secr("set", "K=\(i)", identity: "alice").status == 0) }
        let shallow = try box.freshClone("shallow", depth: 1)
        let refused = try box.secr("verify", "--history", directory: shallow)
        #expect(refused.status == 4 && refused.stderr.contains("fetch-depth: 0"), "\(refused.stderr)")
        let partial = try box.secr("verify", "--history", "--allow-shallow", directory: shallow)
        #expect(partial.status == 0 && partial.stderr.contains("shallow"), "\(partial.stderr)")
    }

    @Test func reviewCallsGenerationAndVersionRollbacksNotPermitted() throws {
        let box = try Sandbox()
        try box.project(members: ["bob": "developer"])
        #expect(try box.secr("set", "TOKEN=one", identity: "alice").status == 0)
        let oldRecord = try #require(try box.recordLine("development", "TOKEN"))
        let oldHeader = try box.header("development")
        #expect(try box.secr("set", "TOKEN=two", identity: "alice").status == 0)
        #expect(try box.secr("rotate", identity: "alice").status == 0)
        try box.git("checkout", "-q", "-b", "normal")
        #expect(try box.secr("set", "OTHER=x", identity: "bob").status == 0)
        #expect(try box.secr("review", "main..normal").status == 0, "control: an ordinary branch is permitted")
        try box.git("checkout", "-q", "-b", "version-back", "main")
        try box.editLine(".secr/env/development.secr", containing: " key=TOKEN ") { _ in oldRecord }
        try box.attackerCommit("restore")
        let version = try box.secr("review", "main..version-back")
        #expect(version.status == 4 && version.stdout.contains("went back from v2 to v1"), "\(version.stdout)")
        try box.git("checkout", "-q", "-b", "generation-back", "main")
        try box.editLine(".secr/env/development.secr", containing: "header ") { _ in oldHeader }
        try box.attackerCommit("restore")
        let generation = try box.secr("review", "main..generation-back")
        #expect(generation.status == 4 && generation.stdout.contains("NOT PERMITTED"), "\(generation.stdout)")
    }
}

@Suite struct SessionBoundaryTests {
    @Test func runNeverInjectsNamesThatSteerProcesses() throws {
        let box = try Sandbox()
        try box.project(members: ["bob": "developer"])
        // A developer writes steering names into staging through the spec (secr refuses them).
        let hostile = ["GIT_CONFIG_PARAMETERS": "'core.pager=touch pwned'", "LD_PRELOAD": "/tmp/evil.so", "NODE_OPTIONS": "--require /tmp/evil.js",
                       "PATH": "/tmp/evil:/usr/bin:/bin", "BASH_ENV": "/tmp/evil.sh", "SECR_IDENTITY_FILE": "/tmp/stolen",
                       "PYTHONSTARTUP": "/tmp/evil.py", "path": "/tmp/evil"]
        for (key, value) in hostile.sorted(by: { $0.key < $1.key }) {
            #expect(try box.forge("record", box.path(".secr").path, "staging", box.identityPath("bob"), key, value).status == 0)
        }
        #expect(try box.forge("record", box.path(".secr").path, "staging", box.identityPath("bob"), "API_URL", "https://api.example").status == 0)
        try box.attackerCommit("configure staging", author: "Bob <bob@example.com>")
        let run = try box.secr("run", "-e", "staging", "--", "/usr/bin/env", identity: "alice")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("API_URL=https://api.example"), "control: ordinary names are injected")
        for (key, value) in hostile { #expect(!run.stdout.contains("\(key)=\(value)"), "\(key) was injected") }
        #expect(run.stderr.contains("GIT_CONFIG_PARAMETERS") && run.stderr.contains("not injected"))
        let pull = try box.secr("pull", "-e", "staging", identity: "alice")
        #expect(!pull.stdout.contains("LD_PRELOAD") && pull.stdout.contains("API_URL"))
        // secr itself refuses to store them, saying why.
        let set = try box.secr("set", "NODE_OPTIONS=--require x", "-e", "staging", identity: "alice")
        #expect(set.status == 1 && set.stderr.contains("NODE_OPTIONS makes every node process load code"), "\(set.stderr)")
        for name in ["LESS", "MAKEFLAGS", "TAR_OPTIONS", "PS0", "VIMINIT", "OPENSSL_CONF", "PIP_INDEX_URL", "KUBECONFIG", "SHELL"] {
            #expect(try box.secr("set", "\(name)=x", "-e", "staging", identity: "bob").status == 1, "\(name) is refused")
        }
        try box.write("hostile.env", "OK=1\nLD_PRELOAD=/tmp/x.so\n")
        #expect(try box.secr("import", "hostile.env", "-e", "staging", identity: "alice").status == 1)
        // An owner may allow one exact name; SECR_* never.
        #expect(try box.secr("policy", "inject", "allow", "NODE_OPTIONS", identity: "bob").status == 3, "owners only")
        #expect(try box.secr("policy", "inject", "allow", "SECR_IDENTITY_FILE", identity: "alice").status == 2)
        #expect(try box.secr("policy", "inject", "allow", "NODE_OPTIONS", identity: "alice").status == 0)
        #expect(try box.secr("run", "-e", "staging", "--", "/usr/bin/env", identity: "alice").stdout.contains("NODE_OPTIONS=--require /tmp/evil.js"))
        #expect(try box.secr("policy", "inject", "list").stdout == "NODE_OPTIONS\n")
    }

    @Test func terminalEscapesFromGitNeverReachTheTerminalRaw() throws {
        let box = try Sandbox()
        try box.project()
        #expect(try box.secr("set", "A=1", "--no-commit", identity: "alice").status == 0)
        let evil = "Mal\u{1b}[2J\u{1b}]0;owned\u{07}lory \u{202e}gnp.exe"
        _ = try box.exec(URL(fileURLWithPath: "/usr/bin/git"), ["-c", "user.name=\(evil)", "commit", "--no-verify", "-qm", "set \u{1b}[31mA\u{9b}"])
        for arguments in [["log"], ["review", "HEAD~1..HEAD"], ["member", "list"], ["log", "--json"]] {
            let run = try box.secr(arguments, identity: "alice")
            for forbidden in ["\u{1b}", "\u{07}", "\u{202e}", "\u{9b}"] {
                #expect(!run.stdout.contains(forbidden) && !run.stderr.contains(forbidden), "\(arguments) printed \(forbidden.unicodeScalars.first?.value ?? 0)")
            }
        }
        #expect(try box.secr("log").stdout.contains("Mal\\x1b[2J"), "shown escaped, not dropped")
        let error = try box.secr("get", "A\u{1b}[2J", identity: "alice")
        #expect(error.status == 2 && !error.stderr.contains("\u{1b}"))
        let unknown = try box.secr("\u{1b}]0;title\u{07}")
        #expect(unknown.status == 2 && !unknown.stderr.contains("\u{1b}"))
    }

    @Test func aSymlinkedStoreIsRefusedUnlessNamed() throws {
        let box = try Sandbox()
        try box.project()
        #expect(try box.secr("set", "A=real", identity: "alice").status == 0)
        let elsewhere = box.root.appendingPathComponent("elsewhere")
        try FileManager.default.moveItem(at: box.path(".secr"), to: elsewhere)
        try FileManager.default.createSymbolicLink(at: box.path(".secr"), withDestinationURL: elsewhere)
        let run = try box.secr("get", "A", identity: "alice")
        #expect(run.status == 4 && run.stderr.contains("symbolic link"), "\(run.stderr)")
        #expect(try box.secr("get", "A", "--store", elsewhere.path, identity: "alice").stdout == "real\n", "named explicitly, it is used")
        // Links inside a store are refused too.
        try FileManager.default.removeItem(at: box.path(".secr"))
        try FileManager.default.moveItem(at: elsewhere, to: box.path(".secr"))
        try FileManager.default.moveItem(at: box.path(".secr/roster"), to: box.root.appendingPathComponent("roster"))
        try FileManager.default.createSymbolicLink(at: box.path(".secr/roster"), withDestinationURL: box.root.appendingPathComponent("roster"))
        #expect(try box.secr("get", "A", identity: "alice").status == 4)
    }

    @Test func editHidesTheIdentityFromTheEditorAndCleansUpAfterAKill() throws {
        let box = try Sandbox()
        try box.project()
        #expect(try box.secr("set", "A=1", identity: "alice").status == 0)
        // A run killed outright left its private directory behind (a pid that no longer exists).
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let stale = URL(fileURLWithPath: base).appendingPathComponent("secr-edit-4194301-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: stale, withIntermediateDirectories: true)
        try "A=left-behind-plaintext\n".write(to: stale.appendingPathComponent("secrets.env"), atomically: false, encoding: .utf8)
        let report = box.root.appendingPathComponent("editor-saw")
        let editor = box.root.appendingPathComponent("editor.sh")
        try "#!/bin/sh\n{ env | grep '^SECR_' ; echo \"core=$(ulimit -c)\"; } > \(report.path)\n".write(to: editor, atomically: false, encoding: .utf8)
        chmod(editor.path, 0o755)
        let run = try box.secr("edit", identity: "alice", env: ["SECR_EDITOR": editor.path, "SECR_IDENTITY": try String(contentsOfFile: box.identityPath("alice"), encoding: .utf8)])
        #expect(run.status == 0, "\(run.stderr)")
        let saw = try String(contentsOf: report, encoding: .utf8)
        #expect(!saw.contains("SECR_IDENTITY"), "\(saw)")
        #expect(saw.contains("core=0"))
        #expect(!FileManager.default.fileExists(atPath: stale.path), "the stale plaintext was removed")
    }

    @Test func theStoreLockWaitIsBoundedAndNamesTheHolder() throws {
        let box = try Sandbox()
        try box.project()
        let secrDirectory = box.repo.appendingPathComponent(".git/secr")
        let lock = try #require(try FileManager.default.contentsOfDirectory(atPath: secrDirectory.path).first { $0.hasPrefix("lock-") })
        let path = secrDirectory.appendingPathComponent(lock).path
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        holder.arguments = ["-c", "import fcntl, os, sys, time\nf = open(sys.argv[1], 'r+')\nfcntl.flock(f, fcntl.LOCK_EX)\nf.seek(0); f.truncate(); f.write(str(os.getpid()) + '\\n'); f.flush()\nprint('held', flush=True)\ntime.sleep(30)", path]
        let out = Pipe()
        holder.standardOutput = out
        try holder.run()
        defer { holder.terminate() }
        _ = out.fileHandleForReading.availableData
        let started = Date()
        let run = try box.secr("set", "A=1", identity: "alice", env: ["SECR_LOCK_TIMEOUT": "1"])
        #expect(run.status == 1 && run.stderr.contains("locked by pid \(holder.processIdentifier)"), "\(run.stderr)")
        #expect(Date().timeIntervalSince(started) < 10)
        holder.terminate()
        holder.waitUntilExit()
        #expect(try box.secr("set", "A=1", identity: "alice").status == 0, "control: free again")
        // Someone who cannot write there cannot take the lock at all.
        if getuid() == 0 {
            let nobody = try box.exec(URL(fileURLWithPath: "/usr/bin/setpriv"),
                                      ["--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3", "-c",
                                       "import fcntl, sys\ntry:\n  fcntl.flock(open(sys.argv[1], 'r+'), fcntl.LOCK_EX | fcntl.LOCK_NB)\n  print('locked')\nexcept OSError as e:\n  print('refused', e.errno)", path])
            #expect(nobody.stdout.hasPrefix("refused"), "\(nobody.stdout)\(nobody.stderr)")
        }
    }

    @Test func rosterVerificationIsLinearAndTheExpectedRootComesFirst() throws {
        let box = try Sandbox()
        try box.project()
        // A long, validly signed roster (an owner toggling a policy 20,000 times).
        let script = """
            import os, sys
            sys.path.insert(0, sys.argv[1])
            import forge
            store, key = sys.argv[2], sys.argv[3]
            pk, sk, pub = forge.identity(key)
            path = os.path.join(store, "roster")
            lines = open(path, encoding="utf-8").read().split("\\n")[:-1]
            last, t = lines[-1], forge.now()
            out = []
            for i in range(20000):
                kind = "policy-add" if i % 2 == 0 else "policy-remove"
                fields = [("seq", str(len(lines) - 1 + i)), ("never-promote", "BULK_X"),
                          ("prev", forge.enc(forge.H(forge.lp("secr-v1 roster hash") + forge.lp(last)))), ("time", t), ("by", pub)]
                fields.append(("sig", forge.enc(forge.sign(sk, forge.signed_message("secr-v1 roster entry", [], kind, fields, {"sig"})))))
                last = kind + "".join(" %s=%s" % f for f in fields)
                out.append(last)
            open(path, "a", encoding="utf-8").write("\\n".join(out) + "\\n")
            """
        let forged = try box.exec(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script, Sandbox.referenceDirectory.path, box.path(".secr").path, box.identityPath("alice")])
        #expect(forged.status == 0, "\(forged.stderr)")
        let started = Date()
        #expect(try box.secr("pull", "--format", "keys").status == 0)
        #expect(Date().timeIntervalSince(started) < 30, "20,000 entries verify in linear time")
        // Another project's root is refused before any of its chain is looked at.
        var lines = try box.read(".secr/roster").components(separatedBy: "\n")
        lines[2] = "garbage that would fail the chain"
        try box.write(".secr/roster", lines.joined(separator: "\n"))
        let run = try box.secr("verify", "--expect-root", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        #expect(run.status == 4 && run.stdout.contains("was expected") && !run.stdout.contains("garbage"), "\(run.stdout)\(run.stderr)")
    }

    @Test func textconvFlagsARecordWhoseSignerMayNotWrite() throws {
        let box = try Sandbox()
        try box.project(members: ["bob": "developer"])
        #expect(try box.secr("set", "PROD_KEY=prod-secret-value", "-e", "production", identity: "alice").status == 0)
        #expect(try box.forge("record", box.path(".secr").path, "production", box.identityPath("bob"), "EVIL", "attacker-value").status == 0)
        let view = try box.secr("diff", ".secr/env/production.secr", identity: "alice")
        #expect(view.stdout.contains("EVIL: encrypted") && view.stdout.contains("NOT PERMITTED"), "\(view.stdout)")
        #expect(!view.stdout.contains("attacker-value"))
        #expect(view.stdout.contains("PROD_KEY = \"prod-secret-value\""), "control: a permitted record shows its value to a reader")
    }

    @Test func settingAnExposedKeyToTheSameValueDoesNotClearItsExposure() throws {
        let box = try Sandbox()
        try box.project(members: ["bob": "developer"])
        #expect(try box.secr("set", "API_KEY=seen-by-bob", "OTHER=x", identity: "alice").status == 0)
        #expect(try box.secr("member", "remove", "bob", identity: "alice").status == 0)
        let same = try box.secr("set", "API_KEY=seen-by-bob", identity: "alice")
        #expect(same.status == 0 && same.stderr.contains("still exposed"), "\(same.stderr)")
        #expect(try box.secr("verify").stderr.contains("development/API_KEY"))
        #expect(try box.secr("set", "API_KEY=rotated-at-provider", identity: "alice").status == 0)
        let after = try box.secr("verify").stderr
        #expect(!after.contains("development/API_KEY") && after.contains("development/OTHER"), "control: a new value clears it")
    }
}

@Suite struct UpgradeTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/store-v1")

    /// A repository holding the store secr 0.1.0 wrote, with its demo identities at mode 0600.
    func versionOneProject() throws -> Sandbox {
        let box = try Sandbox()
        try FileManager.default.copyItem(at: UpgradeTests.fixture.appendingPathComponent("store"), to: box.path(".secr"))
        for who in ["owner", "developer", "ci"] {
            let key = box.identityPath(who)
            try FileManager.default.copyItem(at: UpgradeTests.fixture.appendingPathComponent("identities/\(who).key"), to: URL(fileURLWithPath: key))
            chmod(key, 0o600)
        }
        try box.git("add", ".secr")
        try box.git("commit", "-qm", "a store from secr 0.1")
        return box
    }

    @Test func aVersionOneStoreIsUpgradedKeepingItsRootAndSignatures() throws {
        let box = try versionOneProject()
        let refused = try box.secr("get", "APP_URL", identity: "developer")
        #expect(refused.status == 1 && refused.stderr.contains("secr upgrade"), "\(refused.stderr)")
        let before = try box.read(".secr/roster").components(separatedBy: "\n").dropFirst()
        #expect(try box.secr("upgrade", identity: "ci").status == 3, "a CI identity may not vouch for the store")
        let run = try box.secr("upgrade", identity: "owner")
        #expect(run.status == 0, "\(run.stderr)")
        let after = try box.read(".secr/roster").components(separatedBy: "\n")
        #expect(after[0] == "secr-roster v2")
        #expect(Array(after.dropFirst().prefix(before.count - 1)) == Array(before.dropLast()), "every entry and signature kept")
        #expect(after.filter { $0.hasPrefix("env-key ") }.count == 3)
        #expect(try box.secr("get", "APP_URL", "-e", "production", identity: "owner").stdout == "https://example.com\n")
        #expect(try box.secr("get", "DATABASE_URL", identity: "developer").stdout.hasPrefix("postgres://"))
        #expect(try box.secr("pull", "-e", "staging", "--format", "keys", identity: "ci").status == 0)
        #expect(try box.secr("verify", "--history").status == 0)
        #expect(try box.secr("upgrade", identity: "owner").stderr.contains("current format already"))
        // Rolling the roster back to before the upgrade is caught, not re-upgraded.
        try box.git("checkout", "HEAD~1", "--", ".secr/roster")
        try box.attackerCommit("downgrade")
        #expect(try box.secr("get", "APP_URL", identity: "developer").status != 0)
        let again = try box.secr("upgrade", identity: "owner")
        #expect(again.status == 4, "\(again.stderr)")
    }
}

/// The holes an outside review found in the first version of format 2, each made the way the
/// reviewer made it, with its control.
@Suite struct BoundaryReviewTests {
    /// alice (owner) and mallory (developer), who is then removed; returns the store as it was
    /// before the removal, as mallory's old checkout has it.
    func removedMallory() throws -> (Sandbox, URL) {
        let box = try Sandbox()
        try box.project(members: ["mallory": "developer"])
        #expect(try box.secr("set", "API_KEY=known-to-mallory", "-e", "staging", identity: "alice").status == 0)
        let old = box.root.appendingPathComponent("old-secr")
        try FileManager.default.copyItem(at: box.path(".secr"), to: old)
        #expect(try box.secr("member", "remove", "mallory", identity: "alice").status == 0)
        return (box, old)
    }

    @Test func deletingTheStoreThenRestoringACutBackOneIsCaughtByHistory() throws {
        let (box, old) = try removedMallory()
        #expect(try box.secr("set", "LATER=written-after-removal", "-e", "staging", identity: "alice").status == 0)
        try FileManager.default.removeItem(at: box.path(".secr"))
        try box.attackerCommit("move config")
        try FileManager.default.copyItem(at: old, to: box.path(".secr"))
        for environment in ["development", "staging"] {
            #expect(try box.forge("rekey", box.path(".secr").path, environment, box.identityPath("mallory")).status == 0)
        }
        try box.attackerCommit("restore config")
        let history = try box.secr("verify", "--history", directory: try box.freshClone())
        #expect(history.status == 4, "\(history.stdout)")
        #expect(history.stdout.contains("store was deleted") && history.stdout.contains("(a rollback)"), "\(history.stdout)")
    }

    @Test func aDetachedCheckoutCannotWriteWithoutTheDefaultBranchsEntries() throws {
        let (box, old) = try removedMallory()
        #expect(try box.secr("get", "API_KEY", "-e", "staging", identity: "alice").status == 0)
        let removal = try box.git("rev-parse", "HEAD").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try box.git("checkout", "-q", "--detach", "HEAD~1")
        #expect(try box.secr("get", "API_KEY", "-e", "staging", identity: "alice").status == 0, "reading an old commit is history")
        let write = try box.secr("set", "HOTFIX=sealed-to-the-old-key", "-e", "staging", "--no-commit", identity: "alice")
        #expect(write.status == 1 && write.stderr.contains("does not hold entry"), "\(write.stderr)")
        try box.git("checkout", "-q", "--detach", removal)
        #expect(try box.secr("set", "HOTFIX=fine-here", "-e", "staging", "--no-commit", identity: "alice").status == 0, "control: a detached checkout of main's state writes")
        _ = old
    }

    @Test func aForkReKeyedToMainsGenerationCannotBeWrittenTo() throws {
        let (box, old) = try removedMallory()
        #expect(try box.secr("get", "API_KEY", "-e", "staging", identity: "alice").status == 0)
        try box.git("checkout", "-q", "-b", "fix-typo")
        try FileManager.default.removeItem(at: box.path(".secr"))
        try FileManager.default.copyItem(at: old, to: box.path(".secr"))
        #expect(try box.forge("rekey", box.path(".secr").path, "staging", box.identityPath("mallory")).status == 0)
        try box.attackerCommit("fix typo")
        let write = try box.secr("set", "PAYMENT_TOKEN=tok_live_123", "-e", "staging", identity: "alice")
        #expect(write.status == 1 && write.stderr.contains("merge main"), "\(write.stderr)")
        try box.git("checkout", "-q", "-b", "ordinary", "main")
        #expect(try box.secr("set", "ORDINARY=1", "-e", "staging", identity: "alice").status == 0, "control: a branch of main writes")
    }

    @Test func aRosterOfManyMembersAndKeyEntriesVerifiesInLinearTime() throws {
        let box = try Sandbox()
        try box.project()
        #expect(try box.forge("bulk-roster", box.path(".secr").path, box.identityPath("alice"), "development", "3000", "3000").status == 0)
        try FileManager.default.removeItem(at: box.path(".git/secr"))
        let started = Date()
        let run = try box.secr("member", "list")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(Date().timeIntervalSince(started) < 30, "6,000 entries, members × key entries no longer multiply")
    }

    @Test func textconvNeverPassesBidiOrC1ControlsFromAValue() throws {
        let box = try Sandbox()
        try box.project(members: ["bob": "developer"])
        // ok, a lone C2, U+202E, "evil ", C2 C2, U+009B (CSI), "31mred"
        #expect(try box.forge("record-bytes", box.path(".secr").path, "development", box.identityPath("bob"), "NOTE",
                              "6f6bc2e280ae6576696c20c2c2c29b33316d726564").status == 0)
        let view = try box.secr("diff", ".secr/env/development.secr", identity: "alice")
        #expect(view.status == 0)
        #expect(!view.stdout.contains("\u{202e}") && !view.stdout.contains("\u{9b}"), "\(view.stdout)")
        #expect(view.stdout.contains("\\u202e"), "shown escaped")
    }

    @Test func reviewRefusesAnOldStoreOnABranchFromBeforeTheStore() throws {
        let box = try Sandbox()
        try box.write("app.txt", "app\n")
        try box.git("add", "app.txt")
        try box.git("commit", "-qm", "app")
        try box.git("tag", "pre")
        try box.project(members: ["mallory": "developer"])
        #expect(try box.secr("set", "A=1", "-e", "staging", identity: "alice").status == 0)
        let old = box.root.appendingPathComponent("old-secr")
        try FileManager.default.copyItem(at: box.path(".secr"), to: old)
        #expect(try box.secr("member", "remove", "mallory", identity: "alice").status == 0)
        #expect(try box.secr("set", "A=2", "-e", "staging", identity: "alice").status == 0)
        try box.git("checkout", "-q", "-b", "feature", "pre")
        try FileManager.default.copyItem(at: old, to: box.path(".secr"))
        try box.attackerCommit("config")
        try box.git("checkout", "-q", "main")
        let review = try box.secr("review", "main..feature")
        #expect(review.status == 4 && review.stdout.contains("NOT PERMITTED"), "\(review.stdout)")
    }

    @Test func aStorePathWithALineBreakCannotSplitThePins() throws {
        let box = try Sandbox()
        _ = try box.keygen("alice")
        let directory = box.path("cfg\nprod")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = directory.appendingPathComponent(".secr").path
        #expect(try box.secr("init", "--name", "alice", "--store", store, identity: "alice").status == 0)
        #expect(try box.secr("set", "A=1", "--store", store, identity: "alice").status == 0)
        let evil = try Sandbox()
        try evil.project(owner: "mallory")
        try FileManager.default.removeItem(atPath: store)
        try FileManager.default.copyItem(at: evil.path(".secr"), to: URL(fileURLWithPath: store))
        let run = try box.secr("pull", "--format", "keys", "--store", store)
        #expect(run.status == 4 && run.stderr.contains("pinned"), "\(run.stderr)")
    }
}
