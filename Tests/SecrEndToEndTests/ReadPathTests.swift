import Foundation
import Testing

/// Read commands stay off libgit2 (its initialisation loads the CA bundle, milliseconds at
/// start-up; reads look at .git/config and hooks/ themselves, to notice a clone without `secr setup`) and the committed example project keeps working.
@Suite struct ReadPathTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// What only libgit2's initialisation and repository open touch: the CA bundle (which the
    /// release binary leaves unparsed, packaging/no-ca-bundle.c) and git's global and system
    /// config files, which libgit2 looks for and secr's own read path never does.
    static func touchedLibgit2(_ trace: String) -> Bool {
        trace.contains("/etc/ssl") || trace.contains("/etc/gitconfig") || trace.contains("/.gitconfig")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/strace"), "needs strace"))
    func readCommandsNeverInitialiseLibgit2() throws {
        let box = try Sandbox()
        try box.project()
        #expect(try box.secr("set", "A=alpha", identity: "alice").status == 0)
        // The trace goes to its own file, so nothing secr prints (a hint naming ~/.gitconfig)
        // can look like a file it opened.
        let tracePath = box.root.appendingPathComponent("strace.out").path
        func traced(_ command: [String]) throws -> String {
            let run = try box.exec(URL(fileURLWithPath: "/usr/bin/strace"),
                                   ["-f", "-o", tracePath, "-e", "trace=openat,open,stat,lstat,newfstatat,statx,access,faccessat,faccessat2",
                                    Sandbox.binary.path] + command,
                                   env: ["SECR_IDENTITY_FILE": box.identityPath("alice")])
            #expect(run.status == 0, "\(command): \(run.stderr.suffix(500))")
            return try String(contentsOfFile: tracePath, encoding: .utf8)
        }
        for command: [String] in [["get", "A"], ["pull"], ["pull", "--format", "keys"], ["run", "--", "true"], ["whoami"]] {
            #expect(!ReadPathTests.touchedLibgit2(try traced(command)), "\(command) initialised libgit2")
        }
        // The check can fail: a mutating command does initialise libgit2 (the debug build and
        // the release binary alike).
        #expect(ReadPathTests.touchedLibgit2(try traced(["set", "B=b"])))
    }

    /// Who reads what in .secr-example, exactly as the README promises.
    @Test(arguments: [("owner", ["development", "staging", "production"]), ("developer", ["development", "staging"]),
                      ("viewer", ["development", "staging"]), ("ci", ["staging"])])
    func exampleProjectGrantsWhatTheRolesAllow(who: String, readable: [String]) throws {
        let box = try Sandbox(gitRepository: false)
        let example = ReadPathTests.repositoryRoot.appendingPathComponent(".secr-example")
        let identity = try String(contentsOf: example.appendingPathComponent("identities/\(who).key"), encoding: .utf8)
        #expect(identity.contains("DEMO KEY"))
        // A copy outside any repository, so its root is pinned in this sandbox's HOME and not in
        // the git directory of the checkout the tests run from.
        let store = box.root.appendingPathComponent("example-store")
        try FileManager.default.copyItem(at: example.appendingPathComponent("store"), to: store)
        for env in ["development", "staging", "production"] {
            let run = try box.secr("--store", store.path, "pull", "--format", "json", "-e", env,
                                   env: ["SECR_IDENTITY": identity], directory: box.root)
            if readable.contains(env) {
                #expect(run.status == 0, "\(who) should read \(env): \(run.stderr)")
                let values = try JSONSerialization.jsonObject(with: run.stdoutData) as? [String: String]
                #expect(values?.keys.sorted() == ["APP_URL", "DATABASE_URL", "SESSION_SECRET", "STRIPE_SECRET_KEY"])
            } else {
                #expect(run.status == 3, "\(who) must not read \(env)")
                #expect(run.stdout.isEmpty)
            }
        }
    }

    /// secr's own repository is its first user: its whole history scans clean, with the demo
    /// keys, demo secrets and test fixtures allowlisted in .secr/allow (each with a reason),
    /// not hidden by turning rules off.
    @Test func ourOwnHistoryScansClean() throws {
        let box = try Sandbox(gitRepository: false)
        let run = try box.secr("scan", "--history", directory: ReadPathTests.repositoryRoot)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let allow = try String(contentsOf: ReadPathTests.repositoryRoot.appendingPathComponent(".secr/allow"), encoding: .utf8)
        #expect(!allow.contains("reason=baseline"), "every allowlist entry has a real reason")
    }

    /// A first read syncs what it records of the clone (the pin, the versions it verified)
    /// beside its own work, and has it all on disk before it replaces itself with the command
    /// (`run`) or prints a value (`pull` into a pipe that is already closed, which ends it by
    /// SIGPIPE at that write): that clone refuses an old record committed afterwards. Control: a
    /// clone that never read accepts the same commit (the file alone looks valid).
    @Test(arguments: ["run", "pull into a closed pipe"])
    func aFirstReadHasItsPinAndSeenVersionsOnDiskBeforeItExecsOrPrints(read: String) throws {
        let box = try Sandbox()
        try box.project()
        // Enough records that the signatures and value keys are checked on every core.
        let many = (1...30).map { "K\($0)=value-\($0)" }
        #expect(try box.secr(["set", "TOKEN=old-leaked-token"] + many, identity: "alice").status == 0)
        let old = try #require(try box.recordLine("development", "TOKEN"))
        #expect(try box.secr("set", "TOKEN=new-token", identity: "alice").status == 0)
        let fresh = try box.freshClone(), control = try box.freshClone("control")
        if read == "run" {
            let first = try box.secr("run", "-e", "development", "--", "sh", "-c", "test \"$TOKEN\" = new-token && test \"$K30\" = value-30",
                                     identity: "alice", directory: fresh)
            #expect(first.status == 0 && first.stderr.contains("pinned the roster"), "\(first.stderr)")
        } else {
            // `true` has exited long before secr's first write.
            let first = try box.exec(URL(fileURLWithPath: "/bin/sh"), ["-c", "\"$0\" pull -e development | true", Sandbox.binary.path],
                                     env: ["SECR_IDENTITY_FILE": box.identityPath("alice")], directory: fresh)
            #expect(first.stderr.contains("pinned the roster"), "\(first.stderr)")
        }
        let state = fresh.appendingPathComponent(".git/secr")
        #expect(try String(contentsOf: state.appendingPathComponent("pins"), encoding: .utf8).contains("pin root="))
        let files = FileManager.default.enumerator(atPath: state.path)?.allObjects as? [String] ?? []
        #expect(files.contains { $0.hasSuffix("/development") } && !files.contains { $0.contains(".tmp-") }, "\(files)")
        for clone in [fresh, control] {
            let file = clone.appendingPathComponent(".secr/env/development.secr")
            let text = try String(contentsOf: file, encoding: .utf8).components(separatedBy: "\n")
                .map { $0.contains(" key=TOKEN ") ? old : $0 }.joined(separator: "\n")
            try text.write(to: file, atomically: true, encoding: .utf8)
            #expect(try box.exec(URL(fileURLWithPath: "/usr/bin/git"), ["-c", "user.name=Mallory", "-c", "user.email=m@example.com", "commit", "--no-verify", "-qam", "harmless"], directory: clone).status == 0)
        }
        let refused = try box.secr("get", "TOKEN", identity: "alice", directory: fresh)
        #expect(refused.status == 4 && refused.stdout.isEmpty && refused.stderr.contains("has verified v2"), "\(refused.stderr)")
        let accepted = try box.secr("get", "TOKEN", identity: "alice", directory: control)
        #expect(accepted.status == 0 && accepted.stdout == "old-leaked-token\n", "\(accepted.stderr)")
    }
}
