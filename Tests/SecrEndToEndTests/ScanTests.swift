import Foundation
import Testing

/// A GitHub token with a valid checksum (CRC32 of the body in base62), as GitHub issues them.
func githubToken(_ body30: String) -> String {
    var crc: UInt32 = 0xffff_ffff
    for byte in body30.utf8 {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = (crc >> 1) ^ (0xedb8_8320 & (0 &- (crc & 1))) }
    }
    crc ^= 0xffff_ffff
    let digits = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    var check = "", value = crc
    for _ in 0..<6 {
        check = String(digits[Int(value % 62)]) + check
        value /= 62
    }
    return "ghp_" + body30 + check
}

/// The leak scanner and its hook (issue 6).
@Suite struct ScanLayerTests {
    func project() throws -> Sandbox {
        let box = try Sandbox()
        try box.project()
        #expect(try box.secr("set", "DB_PASSWORD=hunter2hunter2", "SHORT=abc12", identity: "alice").status == 0)
        return box
    }

    func scanStaged(_ box: Sandbox, _ extra: String...) throws -> Run {
        try box.secr(["scan", "--staged"] + extra, identity: "alice")
    }

    @Test func managedValueBase64InAKubernetesManifestBlocks() throws {
        let box = try project()
        let encoded = Data("hunter2hunter2".utf8).base64EncodedString()
        try box.write("secret.yaml", "apiVersion: v1\nkind: Secret\ndata:\n  db: \(encoded)\n")
        try box.git("add", "secret.yaml")
        let run = try scanStaged(box, "--json")
        #expect(run.status == 5)
        let object = try JSONSerialization.jsonObject(with: run.stdoutData) as? [String: Any]
        let findings = object?["findings"] as? [[String: Any]] ?? []
        #expect(findings.contains { $0["rule"] as? String == "managed-value" && $0["line"] as? Int == 4 && ($0["title"] as? String ?? "").contains("DB_PASSWORD") })
        #expect(!run.stdout.contains("hunter2hunter2") && !run.stdout.contains(encoded))
    }

    @Test func shortManagedValuesWarnAndNoIdentitySkipsTheLayer() throws {
        let box = try project()
        try box.write("notes.txt", "the short one is abc12 here\n")
        try box.git("add", "notes.txt")
        let run = try scanStaged(box)
        #expect(run.status == 0)
        #expect(run.stdout.contains("WARN") && run.stdout.contains("SHORT"))
        try box.write("notes.txt", "the password is hunter2hunter2\n")
        try box.git("add", "notes.txt")
        let anonymous = try box.secr("scan", "--staged", env: ["SECR_IDENTITY_FILE": "/nonexistent"])
        #expect(anonymous.status == 0)
        #expect(anonymous.stderr.contains("no identity"))
    }

    @Test func providerTokensWithValidatorsTestKeysWarn() throws {
        let box = try Sandbox()
        let valid = githubToken("abcdefghijklmnopqrstuvwxyz0123")
        let forged = String(valid.dropLast()) + (valid.hasSuffix("A") ? "B" : "A")
        try box.write("a.txt", "token=\(valid)\n")
        try box.write("b.txt", "token: \(forged)\n")
        try box.write("c.txt", "key = \"sk_test_51HabcDEFghiJKLmnoPQRstuVW\"\naws = AKIAIOSFODNN7EXAMPLE\n")
        try box.write("d.txt", "key = \"sk_live_51HabcDEFghiJKLmnoPQRstuVW\"\n")
        let run = try box.secr("scan", "a.txt", "b.txt", "c.txt", "d.txt", "--json")
        let findings = (try JSONSerialization.jsonObject(with: run.stdoutData) as? [String: Any])?["findings"] as? [[String: Any]] ?? []
        func find(_ path: String) -> [[String: Any]] { findings.filter { $0["path"] as? String == path } }
        #expect(find("a.txt").first?["rule"] as? String == "github-token")
        #expect(find("b.txt").allSatisfy { $0["rule"] as? String != "github-token" }, "a bad checksum is not a GitHub token")
        #expect(find("c.txt").count == 2 && find("c.txt").allSatisfy { $0["severity"] as? String == "warn" })
        #expect(find("d.txt").first?["severity"] as? String == "block")
        #expect(run.status == 5)
        #expect(!run.stdout.contains(valid) && !run.stdout.contains("sk_live_51HabcDEFghiJKLmnoPQRstuVW"))
    }

    @Test func placeholdersLockfilesUUIDsAndHashesProduceNothing() throws {
        let box = try Sandbox()
        try box.write(".env.example", """
            STRIPE_SECRET_KEY=sk_test_your_key_here
            DATABASE_URL=postgres://user:password@localhost:5432/app
            API_TOKEN=changeme
            SESSION_SECRET=${SESSION_SECRET}
            JWT_SECRET={{ jwt_secret }}
            """)
        try box.write("package-lock.json", #"{"packages": {"node_modules/x": {"integrity": "sha512-Q2Vq1E8pE0aE6mQk7lG0k5y8vYVQvXxv3mO5Yp7wM0Vq2l9KZ8bFz5c1rW9p4N3x0aT2sH6jL8mR1uC5dE7fGw==", "token": "sha512-aGVsbG8gd29ybGQgdGhpcyBpcyBhIGhhc2g="}}}"#)
        try box.write("ids.py", """
            request_id = "123e4567-e89b-12d3-a456-426614174000"
            secret_commit = "9fceb02d0ae598e95dc970b74767f19372d61af8"
            password = os.environ["DB_PASSWORD"]
            api_key = process.env.API_KEY
            token_url = "https://example.com/oauth/token"
            """)
        let run = try box.secr("scan", ".env.example", "package-lock.json", "ids.py", "--json")
        #expect(run.status == 0, "\(run.stdout)")
        let findings = (try JSONSerialization.jsonObject(with: run.stdoutData) as? [String: Any])?["findings"] as? [Any]
        #expect(findings?.isEmpty == true, "\(run.stdout)")
    }

    @Test func pathRulesForEnvFilesKeysAndTheStore() throws {
        let box = try project()
        try box.write(".env.production", "A=1\n")
        try box.write("id_ed25519", "not even a key\n")
        try box.write(".secr/env/notes.txt", "plaintext in the store\n")
        try box.write("deploy.pem", "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw\n-----END RSA PRIVATE KEY-----\n")
        try box.git("add", "-f", ".env.production", "id_ed25519", ".secr/env/notes.txt", "deploy.pem")
        let run = try scanStaged(box, "--json")
        #expect(run.status == 5)
        let rules = Set(((try JSONSerialization.jsonObject(with: run.stdoutData) as? [String: Any])?["findings"] as? [[String: Any]] ?? [])
            .compactMap { "\($0["path"] ?? ""):\($0["rule"] ?? "")" })
        #expect(rules.isSuperset(of: [".env.production:dotenv-file", "id_ed25519:private-key-file", ".secr/env/notes.txt:store-file", "deploy.pem:private-key"]))
    }

    @Test func sarifIsValidJSONWithVersion210AndNeverTheSecret() throws {
        let box = try Sandbox()
        let token = githubToken("ZZZZZyyyyyXXXXXwwwwwVVVVVuuuuu")
        try box.write("leak.txt", "GITHUB_TOKEN=\(token)\n")
        let run = try box.secr("scan", "leak.txt", "--format", "sarif")
        #expect(run.status == 5)
        let sarif = try #require(try JSONSerialization.jsonObject(with: run.stdoutData) as? [String: Any])
        #expect(sarif["version"] as? String == "2.1.0")
        let runs = try #require(sarif["runs"] as? [[String: Any]])
        let results = try #require(runs.first?["results"] as? [[String: Any]])
        #expect(results.first?["ruleId"] as? String == "github-token")
        #expect(results.first?["level"] as? String == "error")
        #expect(!run.stdout.contains(token))
        for format in ["text", "json"] {
            let other = try box.secr("scan", "leak.txt", "--format", format)
            #expect(!other.stdout.contains(token) && !other.stderr.contains(token))
        }
    }
}

@Suite struct ScanGitTests {
    func project() throws -> Sandbox {
        let box = try Sandbox()
        try box.project()
        #expect(try box.secr("set", "API_SECRET=correct-horse-battery-staple", identity: "alice").status == 0)
        return box
    }

    @Test func pureRenameOfADotenvFileBlocks() throws {
        let box = try project()
        try box.write("settings.txt", "MODE=fast\n")
        try box.git("add", "settings.txt")
        try box.git("commit", "-qm", "settings")
        try box.git("mv", "settings.txt", "app.env")
        let run = try box.secr("scan", "--staged", identity: "alice")
        #expect(run.status == 5)
        #expect(run.stdout.contains("app.env") && run.stdout.contains("dotenv-file"))
    }

    @Test func partialStagingScansTheIndexNotTheWorkingTree() throws {
        let box = try project()
        try box.write("app.js", "const a = 1;\n")
        try box.git("add", "app.js")
        try box.write("app.js", "const a = 1;\nconst s = 'correct-horse-battery-staple';\n")
        #expect(try box.secr("scan", "--staged", identity: "alice").status == 0, "the secret is only in the working tree")
        try box.git("add", "app.js")
        try box.write("app.js", "const a = 1;\n")
        #expect(try box.secr("scan", "--staged", identity: "alice").status == 5, "staged, then deleted from the working tree")
    }

    @Test func theHookBlocksGitCommitAllAndCommitPath() throws {
        let box = try project()
        try box.write("app.js", "const a = 1;\n")
        try box.git("add", "app.js")
        try box.git("commit", "-qm", "app")
        try box.write("app.js", "const a = 1;\nconst s = 'correct-horse-battery-staple';\n")
        let head = try box.git("rev-parse", "HEAD").stdout
        let env: [String: String?] = ["SECR_IDENTITY_FILE": box.identityPath("alice")]
        let all = try box.exec(URL(fileURLWithPath: "/usr/bin/git"), ["commit", "-a", "-m", "oops"], env: env)
        #expect(all.status != 0)
        #expect(all.stderr.contains("managed-value") || all.stdout.contains("managed-value"))
        let path = try box.exec(URL(fileURLWithPath: "/usr/bin/git"), ["commit", "app.js", "-m", "oops"], env: env)
        #expect(path.status != 0)
        #expect(try box.git("rev-parse", "HEAD").stdout == head)
        // A harmless change goes through the same hook.
        try box.write("app.js", "const a = 2;\n")
        #expect(try box.exec(URL(fileURLWithPath: "/usr/bin/git"), ["commit", "-a", "-m", "fine"], env: env).status == 0)
    }

    /// A gitlink (a submodule's commit, mode 160000) has no blob in this repository: the scan
    /// skips it, where it used to fail (and the hook, failing closed, blocked every commit that
    /// added or bumped a submodule).
    @Test func addingAndBumpingASubmodulePassesTheHook() throws {
        let box = try project()
        let git = URL(fileURLWithPath: "/usr/bin/git")
        let library = box.root.appendingPathComponent("library")
        try FileManager.default.createDirectory(at: library, withIntermediateDirectories: true)
        #expect(try box.exec(git, ["init", "-q", "-b", "main"], directory: library).status == 0)
        for version in 1...2 {
            try "library version \(version)\n".write(to: library.appendingPathComponent("lib.txt"), atomically: true, encoding: .utf8)
            #expect(try box.exec(git, ["add", "lib.txt"], directory: library).status == 0)
            #expect(try box.exec(git, ["-c", "user.name=L", "-c", "user.email=l@example.com", "commit", "-qm", "v\(version)"], directory: library).status == 0)
        }
        let env: [String: String?] = ["SECR_IDENTITY_FILE": box.identityPath("alice")]
        let add = try box.exec(git, ["-c", "protocol.file.allow=always", "submodule", "add", "-q", library.path, "vendor/lib"])
        #expect(add.status == 0, "\(add.stderr)")
        #expect(try box.exec(git, ["checkout", "-q", "HEAD~1"], directory: box.path("vendor/lib")).status == 0)
        try box.git("add", "vendor/lib")
        let scan = try box.secr("scan", "--staged", identity: "alice")
        #expect(scan.status == 0, "\(scan.stdout)\(scan.stderr)")
        let commit = try box.exec(git, ["commit", "-qm", "add the library"], env: env)
        #expect(commit.status == 0, "\(commit.stdout)\(commit.stderr)")
        #expect(try box.exec(git, ["checkout", "-q", "main"], directory: box.path("vendor/lib")).status == 0)
        try box.git("add", "vendor/lib")
        let bump = try box.exec(git, ["commit", "-qm", "bump the library"], env: env)
        #expect(bump.status == 0, "\(bump.stdout)\(bump.stderr)")
        #expect(try box.secr("scan", "--history", identity: "alice").status == 0)
    }

    @Test func historyFindsSecretsInOldCommits() throws {
        let box = try project()
        try box.write("old.txt", "key = AKIAQWERTYUIOPASDFGH\n")
        try box.git("add", "old.txt")
        _ = try box.exec(URL(fileURLWithPath: "/usr/bin/git"), ["commit", "--no-verify", "-qm", "leak"])
        try box.git("rm", "-q", "old.txt")
        try box.git("commit", "-qm", "cleanup")
        let run = try box.secr("scan", "--history", "--json", identity: "alice")
        #expect(run.status == 5)
        let findings = (try JSONSerialization.jsonObject(with: run.stdoutData) as? [String: Any])?["findings"] as? [[String: Any]] ?? []
        #expect(findings.contains { $0["rule"] as? String == "aws-access-key-id" && $0["commit"] is String })
        #expect(try box.secr("scan", "--history", "HEAD", identity: "alice").status == 0, "nothing new after HEAD")
    }

    @Test func inlineAllowAllowlistAndBaseline() throws {
        let box = try project()
        let token = githubToken("abcdefghijABCDEFGHIJ0123456789")
        try box.write("fixture.js", "const t = '\(token)'; // secr:allow test fixture\nconst v = 'correct-horse-battery-staple'; // secr:allow\n")
        try box.git("add", "fixture.js")
        let inline = try box.secr("scan", "--staged", "--json", identity: "alice")
        let rules = ((try JSONSerialization.jsonObject(with: inline.stdoutData) as? [String: Any])?["findings"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String }
        #expect(rules == ["managed-value"], "secr:allow does not cover the project's own secret values")
        // Nor does a baseline: a salted hash of a managed value beside its salt is a guessing oracle.
        let refused = try box.secr("scan", "--staged", "--baseline", identity: "alice")
        #expect(refused.status == 5 && refused.stderr.contains("not allowlisted"), "\(refused.stderr)")
        #expect(!(try box.read(".secr/allow")).contains("rule=managed-value"))
        #expect(try box.secr("scan", "--staged", identity: "alice").status == 5)
        // Other findings are allowlisted by content, without plaintext or line numbers.
        let other = "Kq8wZ3pLx7Vn2Rt5Yb9Hm4Jd6Fs1Gc0"
        try box.write("fixture.js", "const t = '\(token)'; // secr:allow test fixture\nconst password = '\(other)';\n")
        try box.git("add", "fixture.js")
        #expect(try box.secr("scan", "--staged", identity: "alice").status == 5)
        #expect(try box.secr("scan", "--staged", "--baseline", identity: "alice").status == 0)
        let allow = try box.read(".secr/allow")
        #expect(allow.contains("rule=generic-secret") && allow.contains("path=fixture.js"))
        #expect(!allow.contains(other) && !allow.contains(token) && !allow.contains(":2"), "no plaintext, no line numbers")
        #expect(try box.secr("scan", "--staged", identity: "alice").status == 0)
        // The entry is keyed by content, so it survives moving the line.
        try box.write("fixture.js", "// moved down\n\nconst password = '\(other)';\n")
        try box.git("add", "fixture.js")
        #expect(try box.secr("scan", "--staged", identity: "alice").status == 0)
        #expect(try box.secr("scan", "--staged", identity: "alice").stderr.contains("allowlisted"))
        // Saved again by an editor on Windows, the allowlist holds the same entry.
        try box.write(".secr/allow", try box.read(".secr/allow").replacingOccurrences(of: "\n", with: "\r\n"))
        let crlf = try box.secr("scan", "--staged", identity: "alice")
        #expect(crlf.status == 0 && crlf.stderr.contains("allowlisted"), "\(crlf.stderr)")
    }

    @Test func hooksInstallChainsHonoursHooksPathAndIsIdempotent() throws {
        let box = try Sandbox()
        _ = try box.keygen("alice")
        let hooks = box.repo.appendingPathComponent(".githooks")
        try FileManager.default.createDirectory(at: hooks, withIntermediateDirectories: true)
        try box.git("config", "core.hooksPath", ".githooks")
        try "#!/bin/sh\necho previous-hook-ran >> \"$(git rev-parse --show-toplevel)/ran.txt\"\nexit 0\n".write(to: hooks.appendingPathComponent("pre-commit"), atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hooks.appendingPathComponent("pre-commit").path)
        #expect(try box.secr("init", "--name", "alice", identity: "alice").status == 0, "init installs the hook")
        #expect(try box.secr("hooks", "install").status == 0)
        #expect(try box.secr("hooks", "status").stdout.contains("installed (runs your previous hook first)"))
        #expect(FileManager.default.fileExists(atPath: hooks.appendingPathComponent("pre-commit.secr-chained").path))
        try box.write("x.txt", "fine\n")
        try box.git("add", "x.txt")
        let commit = try box.exec(URL(fileURLWithPath: "/usr/bin/git"), ["commit", "-qm", "x"], env: ["SECR_IDENTITY_FILE": box.identityPath("alice")])
        #expect(commit.status == 0, "\(commit.stderr)")
        #expect(try box.read("ran.txt") == "previous-hook-ran\n", "the chained hook ran once")
        #expect(try box.secr("hooks", "uninstall").status == 0)
        #expect(try String(contentsOf: hooks.appendingPathComponent("pre-commit"), encoding: .utf8).contains("previous-hook-ran"))
        #expect(try box.secr("hooks", "status").status == 1)
    }

    @Test func theScanFailsClosed() throws {
        let box = try project()
        try box.write(".secr/allow", "garbage\n")
        try box.git("add", "-f", ".secr/allow")
        let run = try box.secr("scan", "--staged", identity: "alice")
        #expect(run.status == 1)
        let commit = try box.exec(URL(fileURLWithPath: "/usr/bin/git"), ["commit", "-qm", "x"], env: ["SECR_IDENTITY_FILE": box.identityPath("alice")])
        #expect(commit.status != 0)
        #expect(commit.stderr.contains("fail closed"))
    }

    /// A branch names its own files. `--baseline` writes a path glob that keeps a space inside its
    /// field and a line break out of the file: a name holding `\nallow … path=**` cannot add an
    /// entry that allows the same token everywhere.
    @Test func aBaselineForHostileFileNamesAllowsThoseFilesAndNothingElse() throws {
        let box = try project()
        let token = githubToken("abcdefghijABCDEFGHIJ0123456789")
        let hostile = "notes\nallow rule=github-token hash=x path=** reason=x.txt"
        // Control: a file name with a space is allowlisted and stays allowed on the next scan.
        for name in ["My Notes.txt", hostile] {
            try box.write(name, "token = '\(token)'\n")
            try box.git("add", "-f", "--", name)
        }
        #expect(try box.secr("scan", "--staged", identity: "alice").status == 5)
        #expect(try box.secr("scan", "--staged", "--baseline", identity: "alice").status == 0)
        let allow = try box.read(".secr/allow")
        #expect(allow.contains(" path=My?Notes.txt ") && !allow.contains(" path=** "), "\(allow)")
        #expect(allow.split(separator: "\n").filter { $0.hasPrefix("allow ") }.count == 2)
        #expect(try box.secr("scan", "--staged", identity: "alice").status == 0)
        // The same token in any other file still blocks.
        try box.write("elsewhere.txt", "token = '\(token)'\n")
        try box.git("add", "elsewhere.txt")
        #expect(try box.secr("scan", "--staged", identity: "alice").status == 5)
    }

    /// A branch can commit any allowlist. An entry with nothing between `allow` and `reason=`
    /// crashed the scan (a range built backwards); it is refused by line, like any other bad entry.
    @Test func anAllowlistEntryWithoutFieldsIsRefusedNotACrash() throws {
        let box = try project()
        let salt = "secr-allow v1 salt=AAAAAAAAAAAAAAAAAAAAAA\n"
        // Control: the same file with a whole entry is accepted.
        try box.write(".secr/allow", salt + "allow rule=generic-password hash=abc path=x.yml reason=an example\n")
        try box.git("add", "-f", ".secr/allow")
        #expect(try box.secr("scan", "--staged", identity: "alice").status == 0)
        try box.write(".secr/allow", salt + "allow reason=x\n")
        try box.git("add", "-f", ".secr/allow")
        let run = try box.secr("scan", "--staged", identity: "alice")
        #expect(run.status == 1)
        #expect(run.stderr.contains(".secr/allow:2:"), "\(run.stderr)")
        #expect(!run.stderr.contains("Fatal error"))
    }
}

@Suite struct ScanStoreTests {
    @Test func committingSecrChangesWithPlainGitPassesTheHook() throws {
        let box = try Sandbox()
        try box.project()
        let token = githubToken("abcdefghijklmnopqrstuvwxyz0123")
        #expect(try box.secr("set", "GITHUB_TOKEN=\(token)", "--no-commit", identity: "alice").status == 0)
        let commit = try box.exec(URL(fileURLWithPath: "/usr/bin/git"), ["commit", "-qm", "secr change by hand"],
                                  env: ["SECR_IDENTITY_FILE": box.identityPath("alice")])
        #expect(commit.status == 0, "\(commit.stdout)\(commit.stderr)")
        #expect(try box.secr("scan", "--history", identity: "alice").status == 0)
    }
}
