import Foundation
import Testing

@Suite struct RunTests {
    func seeded() throws -> Sandbox {
        let box = try Sandbox()
        try box.project()
        #expect(try box.secr("set", "DATABASE_URL=postgres://dev", "GREETING=hello world", identity: "alice").status == 0)
        return box
    }

    @Test func passesSecretsAndExitStatus() throws {
        let box = try seeded()
        let run = try box.secr("run", "--", "sh", "-c", "printf '%s|%s' \"$DATABASE_URL\" \"$GREETING\"; exit 42", identity: "alice")
        #expect(run.status == 42)
        #expect(run.stdout == "postgres://dev|hello world")
    }

    @Test func inheritsTheEnvironmentAndSecretsWinUnlessNoOverride() throws {
        let box = try seeded()
        let env: [String: String?] = ["GREETING": "from-shell", "UNRELATED": "kept"]
        let run = try box.secr("run", "--", "sh", "-c", "printf '%s|%s' \"$GREETING\" \"$UNRELATED\"", identity: "alice", env: env)
        #expect(run.stdout == "hello world|kept")
        let keep = try box.secr("run", "--no-override", "--", "sh", "-c", "printf '%s' \"$GREETING\"", identity: "alice", env: env)
        #expect(keep.stdout == "from-shell")
    }

    /// A value larger than Linux passes in one environment variable, and values that together
    /// exceed the exec limit, are refused before anything is decrypted, with the numbers: at
    /// 100k secrets `run` decrypted for 33 s and then failed with E2BIG.
    @Test func valuesBeyondTheKernelsExecLimitsAreRefusedBeforeDecrypting() throws {
        let box = try seeded()
        let huge = String(repeating: "h", count: 140_000)
        #expect(try box.secr("set", "HUGE", "--stdin", input: huge, identity: "alice").status == 0)
        let single = try box.secr("run", "--", "true", identity: "alice")
        #expect(single.status == 1)
        #expect(single.stderr.contains("HUGE in development is 140000 bytes") && single.stderr.contains("Nothing was decrypted"))
        #expect(!single.stderr.contains("hhhhhhhh"))
        #expect(try box.secr("unset", "HUGE", identity: "alice").status == 0)
        let lines = (0..<40).map { "BULK_\($0)=\(String(repeating: "b", count: 100_000))" }.joined(separator: "\n")
        let file = box.root.appendingPathComponent("bulk.env")
        try Data(lines.utf8).write(to: file)
        #expect(try box.secr("import", file.path, identity: "alice").status == 0)
        let total = try box.secr("run", "--", "true", identity: "alice")
        #expect(total.status == 1)
        #expect(total.stderr.contains("KiB of process environment") && total.stderr.contains("ulimit -s"))
        // Back under the limit, it runs.
        #expect(try box.secr(["unset"] + (0..<32).map { "BULK_\($0)" }, identity: "alice").status == 0)
        #expect(try box.secr("run", "--", "sh", "-c", "test ${#BULK_39} = 100000", identity: "alice").status == 0)
    }

    @Test func unknownCommandExits127() throws {
        let box = try seeded()
        let run = try box.secr("run", "--", "no-such-command-xyz", identity: "alice")
        #expect(run.status == 127)
        #expect(run.stderr.contains("no-such-command-xyz"))
    }

    @Test func commandIsNotStartedWhenSecretsCannotBeRead() throws {
        let box = try seeded()
        _ = try box.keygen("mallory")
        let marker = box.root.appendingPathComponent("started")
        let run = try box.secr("run", "--", "touch", marker.path, identity: "mallory")
        #expect(run.status == 3)
        #expect(!FileManager.default.fileExists(atPath: marker.path))
    }

    @Test func commandMustFollowDoubleDash() throws {
        let box = try seeded()
        #expect(try box.secr("run", "env", identity: "alice").status == 2)
        #expect(try box.secr("run", identity: "alice").status == 2)
    }

    @Test func environmentFromSecrEnv() throws {
        let box = try seeded()
        #expect(try box.secr("set", "GREETING=staging hello", "-e", "staging", identity: "alice").status == 0)
        let run = try box.secr("run", "--", "sh", "-c", "printf '%s' \"$GREETING\"", identity: "alice", env: ["SECR_ENV": "staging"])
        #expect(run.stdout == "staging hello")
    }
}

@Suite struct RunIdentityTests {
    @Test func commandDoesNotInheritTheIdentityKey() throws {
        let box = try Sandbox()
        try box.project()
        #expect(try box.secr("set", "A=alpha", identity: "alice").status == 0)
        let key = try String(contentsOfFile: box.identityPath("alice"), encoding: .utf8)
        let run = try box.secr("run", "--", "sh", "-c", "printf '%s|%s' \"$A\" \"${SECR_IDENTITY:-unset}\"", env: ["SECR_IDENTITY": key])
        #expect(run.status == 0)
        #expect(run.stdout == "alpha|unset")
    }
}
