import Foundation
import Testing

/// Identities, init, set/get/unset rules, and the commits the store makes.
@Suite struct IdentityTests {
    @Test func keygenWritesPrivateFileAndPrintsOnlyThePublicKey() throws {
        let box = try Sandbox()
        let run = try box.secr("keygen")
        #expect(run.status == 0)
        let file = box.home.appendingPathComponent(".config/secr/identity")
        let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(run.stdout.hasPrefix("secr1") && run.stdout.split(separator: "\n").count == 1)
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.contains("SECR-SECRET-KEY-1"))
        #expect(!run.stdout.contains("SECR-SECRET-KEY") && !run.stderr.contains("SECR-SECRET-KEY"))
        // whoami reads the default identity and prints the same public key.
        #expect(try box.secr("whoami").stdout == run.stdout)
    }

    @Test func anIdentityFileSavedWithCRLFLineEndsStillReads() throws {
        let box = try Sandbox()
        try box.project()
        #expect(try box.secr("set", "API_URL=https://api.example.test", identity: "alice").status == 0)
        let path = box.identityPath("alice")
        let crlf = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "\n", with: "\r\n")
        let handle = try #require(FileHandle(forWritingAtPath: path))  // keeps the file's 0600
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data(crlf.utf8))
        try handle.close()
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("\r\n"))
        let get = try box.secr("get", "API_URL", identity: "alice")
        #expect(get.status == 0 && get.stdout == "https://api.example.test\n", "\(get.stderr)")
    }

    @Test func keygenRefusesToOverwriteWithoutForce() throws {
        let box = try Sandbox()
        let first = try box.secr("keygen")
        let second = try box.secr("keygen")
        #expect(second.status == 1)
        #expect(second.stderr.contains("--force"))
        #expect(try box.secr("whoami").stdout == first.stdout)
        let forced = try box.secr("keygen", "--force")
        #expect(forced.status == 0 && forced.stdout != first.stdout)
    }

    @Test func groupReadableIdentityIsRefused() throws {
        let box = try Sandbox()
        let path = box.identityPath("loose")
        #expect(try box.secr("keygen", "-o", path).status == 0)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        let run = try box.secr("whoami", "--identity", path)
        #expect(run.status == 3)
        #expect(run.stderr.contains("chmod 600"))
    }

    @Test func identityLookupOrder() throws {
        let box = try Sandbox()
        let a = try box.keygen("a"), b = try box.keygen("b"), c = try box.keygen("c")
        let textB = try String(contentsOfFile: box.identityPath("b"), encoding: .utf8)
        let env: [String: String?] = ["SECR_IDENTITY": textB, "SECR_IDENTITY_FILE": box.identityPath("c")]
        #expect(try box.secr("whoami", "--identity", box.identityPath("a"), env: env).stdout == a + "\n")
        #expect(try box.secr("whoami", env: env).stdout == b + "\n")
        #expect(try box.secr("whoami", env: ["SECR_IDENTITY_FILE": box.identityPath("c")]).stdout == c + "\n")
        let none = try box.secr("whoami")
        #expect(none.status == 3)
        #expect(none.stderr.contains("secr keygen"))
    }

    @Test func corruptedIdentityIsRefusedWithoutEchoingIt() throws {
        let box = try Sandbox()
        let run = try box.secr("whoami", env: ["SECR_IDENTITY": "SECR-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ"])
        #expect(run.status == 3)
        #expect(!run.stderr.contains("QQQQQQQQ"))
    }
}

@Suite struct InitTests {
    @Test func initCommitsOnlyItsPathsAndKeepsStagedWork() throws {
        let box = try Sandbox()
        _ = try box.keygen("alice")
        try box.write("app.js", "console.log(1)\n")
        try box.git("add", "app.js")
        let run = try box.secr("init", "--name", "alice", identity: "alice")
        #expect(run.status == 0, "\(run.stderr)")
        let files = try box.git("show", "--name-only", "--format=", "HEAD").stdout.split(separator: "\n").sorted()
        #expect(files == [".gitattributes", ".gitignore", ".secr/env/development.secr", ".secr/env/production.secr",
                          ".secr/env/staging.secr", ".secr/roster"])
        #expect(try box.git("status", "--porcelain").stdout == "A  app.js\n")
        #expect(try box.read(".gitattributes").contains("*.secr diff=secr merge=secr"))
        let ignore = try box.read(".gitignore")
        #expect(ignore.contains(".env\n") && ignore.contains("!.env.example"))
        #expect(try box.git("check-ignore", "-q", ".env.local").status == 0)
        let message = try box.git("log", "-1", "--format=%B").stdout
        #expect(message.hasPrefix("secr: "))
        #expect(message.contains("Secr-Action: init"))
        let author = try box.git("log", "-1", "--format=%an <%ae>").stdout
        #expect(author == "Alice Example <alice@example.com>\n")
    }

    @Test func initOutsideGitFailsAndChangesNothing() throws {
        let box = try Sandbox(gitRepository: false)
        _ = try box.keygen("alice")
        let run = try box.secr("init", identity: "alice")
        #expect(run.status == 1)
        #expect(run.stderr.contains("git"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: box.repo.path).isEmpty)
    }

    @Test func initTwiceFailsAndChangesNothing() throws {
        let box = try Sandbox()
        try box.project()
        let before = try box.read(".secr/roster")
        let head = try box.git("rev-parse", "HEAD").stdout
        let run = try box.secr("init", identity: "alice")
        #expect(run.status == 1)
        #expect(run.stderr.contains("exists already"))
        #expect(try box.read(".secr/roster") == before)
        #expect(try box.git("rev-parse", "HEAD").stdout == head)
    }

    @Test func initWorksFromASubdirectoryWithDashC() throws {
        let box = try Sandbox()
        _ = try box.keygen("alice")
        try FileManager.default.createDirectory(at: box.path("src/deep"), withIntermediateDirectories: true)
        #expect(try box.secr("-C", "src/deep", "init", "--name", "alice", identity: "alice").status == 0)
        #expect(FileManager.default.fileExists(atPath: box.path(".secr/roster").path))
        #expect(try box.secr("-C", "src/deep", "set", "A=b", identity: "alice").status == 0)
        #expect(try box.secr("get", "A", identity: "alice", directory: box.path("src")).stdout == "b\n")
    }
}

@Suite struct SetGetTests {
    @Test func invalidKeyNamesAreUsageErrors() throws {
        let box = try Sandbox()
        try box.project()
        for bad in ["1ABC=x", "WITH-DASH=x", "SP ACE=x", "=x", "DOT.TED=x", "ÜMLAUT=x"] {
            let run = try box.secr("set", bad, identity: "alice")
            #expect(run.status == 2, "\(bad)")
            #expect(run.stderr.contains("[A-Za-z_][A-Za-z0-9_]*"))
        }
        #expect(try box.secr("get", "bad-name", identity: "alice").status == 2)
        #expect(try box.secr("unset", "bad-name", identity: "alice").status == 2)
        #expect(try box.secr("set", "_ok_1=x", identity: "alice").status == 0)
    }

    /// Text in the place of a key name is often a value pasted wrongly: errors show only its start.
    @Test func misplacedValuesAreNotEchoedWhole() throws {
        let box = try Sandbox()
        try box.project()
        let token = "sk-live-" + String(repeating: "Q7x", count: 12)
        let set = try box.secr("set", "\(token)=x", identity: "alice")
        #expect(set.status == 2 && !set.stderr.contains(token))
        try box.write("pasted.env", "GOOD=1\n\(token.replacingOccurrences(of: "-", with: "_"))\n")
        let run = try box.secr("import", "pasted.env", identity: "alice")
        #expect(run.status == 0)
        #expect(run.stderr.contains("no '='") && !run.stderr.contains(token.replacingOccurrences(of: "-", with: "_")))
        let key = try box.secr("member", "add", "bob", "ghp_" + String(repeating: "a1B2", count: 9), "--role", "viewer", identity: "alice")
        #expect(key.status == 2 && !key.stderr.contains(String(repeating: "a1B2", count: 9)))
    }

    @Test func stdinValueLosesExactlyOneTrailingNewline() throws {
        let box = try Sandbox()
        try box.project()
        #expect(try box.secr("set", "K", "--stdin", input: "value\n\n", identity: "alice").status == 0)
        #expect(try box.secr("get", "K", identity: "alice").stdout == "value\n\n")
        #expect(try box.secr("set", "K", "--stdin", input: "", identity: "alice").status == 0)
        #expect(try box.secr("get", "K", identity: "alice").stdout == "\n")
    }

    /// On a terminal a bare KEY prompts without echo: run secr under `script`, which gives it a pty.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "needs script(1)"))
    func bareKeyOnATerminalPromptsWithoutEcho() throws {
        let box = try Sandbox()
        try box.project()
        let command = "\(Sandbox.binary.path) set PROMPTED"
        let run = try box.exec(URL(fileURLWithPath: "/bin/sh"), ["-c", "(sleep 1; printf 'typed-secret-value\\r') | script -qec '\(command)' /dev/null"],
                               env: ["SECR_IDENTITY_FILE": box.identityPath("alice")])
        #expect(run.stdout.contains("value for PROMPTED in development"))
        #expect(!run.stdout.contains("typed-secret-value"), "the value is not echoed")
        #expect(try box.secr("get", "PROMPTED", identity: "alice").stdout == "typed-secret-value\n")
    }

    @Test func bareKeyWithoutTerminalOrStdinIsAUsageError() throws {
        let box = try Sandbox()
        try box.project()
        let run = try box.secr("set", "K", identity: "alice")
        #expect(run.status == 2)
        #expect(run.stderr.contains("--stdin"))
    }

    @Test func oneMebibyteValueRoundTrips() throws {
        let box = try Sandbox()
        try box.project()
        let big = String((0..<(1 << 20)).map { i in Character(UnicodeScalar(UInt8(97 + i % 26))) })
        #expect(try box.secr("set", "BIG", "--stdin", input: big, identity: "alice").status == 0)
        #expect(try box.secr("get", "BIG", identity: "alice").stdout == big + "\n")
    }

    @Test func nulAndInvalidUTF8AreRefused() throws {
        let box = try Sandbox()
        try box.project()
        let nul = try box.exec(Sandbox.binary, ["set", "K", "--stdin"], input: Data([0x61, 0x00, 0x62]),
                               env: ["SECR_IDENTITY_FILE": box.identityPath("alice")])
        #expect(nul.status == 1)
        #expect(nul.stderr.contains("NUL"))
        let invalid = try box.exec(Sandbox.binary, ["set", "K", "--stdin"], input: Data([0xff, 0xfe]),
                                   env: ["SECR_IDENTITY_FILE": box.identityPath("alice")])
        #expect(invalid.status == 1)
        #expect(invalid.stderr.contains("UTF-8"))
    }

    @Test func unchangedRecordsKeepTheirExactBytes() throws {
        let box = try Sandbox()
        try box.project()
        #expect(try box.secr("set", "A=alpha-value", "B=beta-value", identity: "alice").status == 0)
        let lineA = try box.read(".secr/env/development.secr").components(separatedBy: "\n").first { $0.contains("key=A ") }
        #expect(try box.secr("set", "B=beta-changed", identity: "alice").status == 0)
        #expect(try box.secr("set", "A=alpha-value", identity: "alice").status == 0)
        let after = try box.read(".secr/env/development.secr").components(separatedBy: "\n")
        #expect(after.first { $0.contains("key=A ") } == lineA)
        #expect(after.first { $0.contains("key=B ") }?.field("v") == "2")
        #expect(try box.git("diff", "HEAD~1", "--stat").stdout.contains("1 file changed, 1 insertion(+), 1 deletion(-)"))
    }

    @Test func unsetLeavesATombstoneAndVersionsKeepGrowing() throws {
        let box = try Sandbox()
        try box.project()
        #expect(try box.secr("set", "GONE=1", identity: "alice").status == 0)
        #expect(try box.secr("unset", "GONE", identity: "alice").status == 0)
        #expect(try box.secr("get", "GONE", identity: "alice").status == 1)
        #expect(try box.secr("pull", "--format", "keys").stdout.isEmpty)
        #expect(try box.secr("unset", "GONE", identity: "alice").status == 1)
        #expect(try box.secr("set", "GONE=back", identity: "alice").status == 0)
        let line = try box.read(".secr/env/development.secr").components(separatedBy: "\n").first { $0.contains("key=GONE ") }
        #expect(line?.field("v") == "3")
        #expect(try box.git("log", "-1", "--format=%B", "HEAD~1").stdout.contains("Secr-Action: unset"))
    }

    @Test func commitsCarryTrailersAndOnlyStorePaths() throws {
        let box = try Sandbox()
        try box.project()
        try box.write("README", "staged but not secr's\n")
        try box.git("add", "README")
        #expect(try box.secr("set", "STRIPE_SECRET_KEY=sk_test_abc", "-e", "production", identity: "alice").status == 0)
        let message = try box.git("log", "-1", "--format=%B").stdout
        #expect(message.hasPrefix("secr: set STRIPE_SECRET_KEY in production\n"))
        #expect(message.contains("Secr-Action: set\nSecr-Environment: production\nSecr-Keys: STRIPE_SECRET_KEY"))
        #expect(try box.git("show", "--name-only", "--format=", "HEAD").stdout == ".secr/env/production.secr\n")
        #expect(try box.git("status", "--porcelain").stdout == "A  README\n")
        // --no-commit writes and stages only.
        let head = try box.git("rev-parse", "HEAD").stdout
        #expect(try box.secr("set", "X=y", "--no-commit", identity: "alice").status == 0)
        #expect(try box.git("rev-parse", "HEAD").stdout == head)
        #expect(try box.git("status", "--porcelain").stdout == "M  .secr/env/development.secr\nA  README\n")
    }

    @Test func unknownEnvironmentIsAUsageErrorListingTheKnownOnes() throws {
        let box = try Sandbox()
        try box.project()
        let run = try box.secr("get", "A", "-e", "qa", identity: "alice")
        #expect(run.status == 2)
        #expect(run.stderr.contains("development, staging, production"))
    }

    @Test func readCommandsWorkOnAStoreOutsideGit() throws {
        let box = try Sandbox()
        try box.project()
        #expect(try box.secr("set", "A=outside", identity: "alice").status == 0)
        let copy = box.root.appendingPathComponent("elsewhere/store")
        try FileManager.default.createDirectory(at: copy.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: box.path(".secr"), to: copy)
        let outside = box.root.appendingPathComponent("elsewhere")
        #expect(try box.secr("--store", copy.path, "get", "A", identity: "alice", directory: outside).stdout == "outside\n")
        #expect(try box.secr("get", "A", identity: "alice", env: ["SECR_STORE": copy.path], directory: outside).stdout == "outside\n")
        #expect(try box.secr("--store", "store", "pull", identity: "alice", directory: outside).stdout == "A=outside\n")
        #expect(try box.secr("get", "A", identity: "alice", directory: outside).status == 1, "no store found without --store")
    }

    @Test func helpForEveryCommand() throws {
        let box = try Sandbox(gitRepository: false)
        let commands = ["keygen", "whoami", "init", "set", "get", "unset", "pull", "run", "member", "role", "env", "rotate", "verify",
                        "pin", "log", "review", "diff", "merge", "setup-git", "promote", "policy", "compare", "import", "export",
                        "edit", "doctor", "scan", "hooks"]
        let overview = try box.secr("--help").stdout
        for command in commands {
            #expect(overview.contains("  \(command) "), "secr --help lists \(command)")
            let run = try box.secr(command, "--help")
            #expect(run.status == 0, "\(command)")
            #expect(run.stdout.contains("usage: secr \(command)"))
            #expect(try box.secr("help", command).stdout == run.stdout)
        }
        #expect(try box.secr("--help").stdout.contains("commands:"))
        #expect(try box.secr("--version").stdout.hasPrefix("secr "))
        #expect(try box.secr("frobnicate").status == 2)
        #expect(try box.secr("get", "--bogus").status == 2)
    }
}

@Suite struct ConcurrencyTests {
    @Test func concurrentSetsOnDifferentKeysBothLand() throws {
        let box = try Sandbox()
        try box.project()
        let count = 6
        let group = DispatchGroup()
        nonisolated(unsafe) var statuses = [Int32](repeating: -1, count: count)
        let lock = NSLock()
        for i in 0..<count {
            group.enter()
            DispatchQueue.global().async {
                let status = (try? box.secr("set", "KEY_\(i)=value-\(i)", identity: "alice").status) ?? -2
                lock.lock()
                statuses[i] = status
                lock.unlock()
                group.leave()
            }
        }
        group.wait()
        #expect(statuses == [Int32](repeating: 0, count: count))
        let keys = try box.secr("pull", "--format", "keys").stdout
        #expect(keys == (0..<count).map { "KEY_\($0)" }.joined(separator: "\n") + "\n")
        #expect(try box.git("status", "--porcelain").stdout.isEmpty)
        #expect(try box.git("rev-list", "--count", "HEAD").stdout == "\(count + 1)\n")
    }
}

@Suite struct CrashTests {
    /// Writers killed with SIGKILL at arbitrary moments leave every file whole: the old version
    /// or the new one, never a truncated file (temp file, fsync, rename).
    @Test func killedWritersNeverLeaveATruncatedFile() throws {
        let box = try Sandbox()
        try box.project()
        let store = box.root.appendingPathComponent("store")
        try FileManager.default.copyItem(at: box.path(".secr"), to: store)
        let big = String(repeating: "x", count: 4 << 20)
        let env = ["SECR_IDENTITY_FILE": box.identityPath("alice"), "SECR_STORE": store.path]
        for round in 0..<8 {
            let process = Process()
            process.executableURL = Sandbox.binary
            process.arguments = ["set", "BIG", "--stdin"]
            process.currentDirectoryURL = box.root
            process.environment = box.environment.merging(env) { $1 }
            let input = Pipe()
            process.standardInput = input
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            input.fileHandleForWriting.write(Data((big + "\(round)").utf8))
            try input.fileHandleForWriting.close()
            usleep(useconds_t(20_000 + round * 15_000))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let verify = try box.secr("verify", "--store", store.path, directory: box.root)
            #expect(verify.status == 0, "round \(round): \(verify.stdout)\(verify.stderr)")
        }
        // And the store still takes writes afterwards (no lock left behind).
        #expect(try box.secr("set", "AFTER=1", env: env, directory: box.root).status == 0)
    }
}
