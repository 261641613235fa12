import Foundation
import Testing

/// Roles, removal with rotation, write-only roles, environments and verification (issue 3).
@Suite struct MemberRemovalTests {
    func seeded() throws -> Sandbox {
        let box = try Sandbox()
        try box.project(members: ["bob": "developer", "ada": "admin"])
        #expect(try box.secr("set", "API_KEY=dev-api", "DATABASE_URL=postgres://dev", identity: "alice").status == 0)
        #expect(try box.secr("set", "API_KEY=staging-api", "-e", "staging", identity: "alice").status == 0)
        #expect(try box.secr("set", "BOB_FLAG=written-by-bob", "-e", "staging", identity: "bob").status == 0)
        #expect(try box.secr("set", "PROD_KEY=prod-secret", "-e", "production", identity: "alice").status == 0)
        return box
    }

    @Test func removalRotatesReadableEnvironmentsAndReportsExposure() throws {
        let box = try seeded()
        let oldDev = try box.header("development"), oldProd = try box.header("production")
        try FileManager.default.copyItem(at: box.path(".secr/env/staging.secr"), to: box.root.appendingPathComponent("old-staging.secr"))
        let run = try box.secr("member", "remove", "bob", identity: "alice")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("development: API_KEY (v1), DATABASE_URL (v1)"))
        #expect(run.stdout.contains("staging: API_KEY (v1)\n"))
        // A flag reads as configuration: listed apart, with the command that clears it.
        #expect(run.stdout.contains("staging: BOB_FLAG (a setting): secr exposure ack BOB_FLAG -e staging"))
        #expect(!run.stdout.contains("PROD_KEY"), "bob never could read production")
        #expect(!run.stdout.contains("dev-api") && !run.stderr.contains("dev-api"), "the report names keys, never values")
        // Development and staging have new keys; production is untouched.
        #expect(try box.header("development").field("pk") != oldDev.field("pk"))
        #expect(try box.header("development").field("gen") == "2")
        #expect(try box.header("production") == oldProd)
        #expect(!(try box.read(".secr/env/staging.secr")).contains("reader name=bob "))
        // One commit with everything.
        #expect(try box.git("show", "--name-only", "--format=", "HEAD").stdout.split(separator: "\n").sorted()
                == [".secr/env/development.secr", ".secr/env/staging.secr", ".secr/roster"])
        #expect(try box.git("log", "-1", "--format=%B").stdout.contains("Secr-Action: member-remove"))
        // Bob is out; everyone else still reads, and bob's old record still verifies.
        #expect(try box.secr("get", "API_KEY", identity: "bob").status == 3)
        #expect(try box.secr("get", "BOB_FLAG", "-e", "staging", identity: "ada").stdout == "written-by-bob\n")
        #expect(try box.secr("verify").status == 0)
        // A value written after the removal cannot be opened with the key bob kept from before.
        #expect(try box.secr("set", "BOB_FLAG=rotated-after-removal", "-e", "staging", identity: "alice").status == 0)
        let oldKeyAttempt = try box.forge("open-with-old-key", box.root.appendingPathComponent("old-staging.secr").path,
                                          box.path(".secr/env/staging.secr").path, box.identityPath("bob"), "BOB_FLAG")
        #expect(oldKeyAttempt.status != 0, "\(oldKeyAttempt.stdout)")
    }

    @Test func theOldKeyOpenedValuesBeforeRotation() throws {
        // The control for the test above: with an unrotated file the old key does open values.
        let box = try seeded()
        try FileManager.default.copyItem(at: box.path(".secr/env/staging.secr"), to: box.root.appendingPathComponent("old.secr"))
        #expect(try box.secr("set", "BOB_FLAG=new-value", "-e", "staging", identity: "alice").status == 0)
        let run = try box.forge("open-with-old-key", box.root.appendingPathComponent("old.secr").path,
                                box.path(".secr/env/staging.secr").path, box.identityPath("bob"), "BOB_FLAG")
        #expect(run.status == 0, "\(run.stderr)")
    }

    @Test func exposureIsListedUntilEachKeyGetsANewValue() throws {
        let box = try seeded()
        #expect(try box.secr("member", "remove", "bob", identity: "alice").status == 0)
        func exposed() throws -> [String] {
            let run = try box.secr("verify", "--json")
            let object = try JSONSerialization.jsonObject(with: run.stdoutData) as? [String: Any]
            let items = object?["exposed"] as? [[String: Any]] ?? []
            return items.map { "\($0["environment"] ?? "")/\($0["key"] ?? "")" }.sorted()
        }
        #expect(try exposed() == ["development/API_KEY", "development/DATABASE_URL", "staging/API_KEY", "staging/BOB_FLAG"])
        #expect(try box.secr("set", "API_KEY=rotated", identity: "alice").status == 0)
        #expect(try box.secr("unset", "DATABASE_URL", identity: "alice").status == 0)
        #expect(try exposed() == ["staging/API_KEY", "staging/BOB_FLAG"])
    }

    @Test func rotationNeedsAnActorWhoReadsEveryAffectedEnvironment() throws {
        let box = try Sandbox()
        try box.project(members: ["bob": "developer"])
        #expect(try box.secr("role", "add", "people-manager", "--manage", identity: "alice").status == 0)
        let key = try box.keygen("hr")
        #expect(try box.secr("member", "add", "hr", key, "--role", "people-manager", identity: "alice").status == 0)
        let head = try box.git("rev-parse", "HEAD").stdout
        let run = try box.secr("member", "remove", "bob", identity: "hr")
        #expect(run.status == 3)
        #expect(run.stderr.contains("alice"), "names who can do it")
        #expect(run.stderr.contains("nothing was changed"))
        #expect(try box.git("rev-parse", "HEAD").stdout == head)
        #expect(try box.git("status", "--porcelain").stdout.isEmpty)
    }

    @Test func ownersAreProtected() throws {
        let box = try Sandbox()
        try box.project(members: ["ada": "admin", "bob": "developer"])
        #expect(try box.secr("member", "remove", "alice", identity: "ada").status == 3, "admins cannot remove owners")
        #expect(try box.secr("member", "set-role", "bob", "owner", identity: "ada").status == 3, "admins cannot appoint owners")
        #expect(try box.secr("member", "set-role", "alice", "admin", identity: "alice").status == 1, "the last owner cannot be demoted (a state, not a usage error)")
        #expect(try box.secr("member", "remove", "alice", identity: "alice").status == 1, "the last owner cannot be removed")
        #expect(try box.secr("member", "remove", "bob", identity: "ada").status == 0, "admins remove developers")
        #expect(try box.secr("member", "set-role", "ada", "owner", identity: "alice").status == 0)
        #expect(try box.secr("member", "set-role", "alice", "admin", identity: "ada").status == 0, "with two owners one can be demoted")
        #expect(try box.secr("verify").status == 0)
    }
}

@Suite struct RoleTests {
    @Test func demotionToViewerKeepsReadsAndOldRecordsButNotWrites() throws {
        let box = try Sandbox()
        try box.project(members: ["bob": "developer"])
        #expect(try box.secr("set", "BOB_KEY=bobs-value", identity: "bob").status == 0)
        let before = try box.header("development")
        let run = try box.secr("member", "set-role", "bob", "viewer", identity: "alice")
        #expect(run.status == 0)
        #expect(try box.header("development") == before, "no read access lost, so no rotation")
        #expect(try box.secr("get", "BOB_KEY", identity: "alice").stdout == "bobs-value\n", "bob's record was kept valid")
        #expect(try box.secr("get", "BOB_KEY", identity: "bob").stdout == "bobs-value\n")
        #expect(try box.secr("set", "BOB_KEY=new", identity: "bob").status == 3)
        #expect(try box.read(".secr/roster").contains("keep=development/BOB_KEY@1:"))
        #expect(try box.secr("verify").status == 0)
    }

    @Test func promotionGrantsProductionAtOnce() throws {
        let box = try Sandbox()
        try box.project(members: ["vera": "viewer"])
        #expect(try box.secr("set", "PROD=p-value", "-e", "production", identity: "alice").status == 0)
        #expect(try box.secr("get", "PROD", "-e", "production", identity: "vera").status == 3)
        #expect(try box.secr("member", "set-role", "vera", "admin", identity: "alice").status == 0)
        #expect(try box.secr("get", "PROD", "-e", "production", identity: "vera").stdout == "p-value\n")
    }

    @Test func writeOnlyRoleSetsAndUnsetsButCannotRead() throws {
        let box = try Sandbox()
        try box.project()
        #expect(try box.secr("role", "add", "submitter", "--write", "production", identity: "alice").status == 0)
        let key = try box.keygen("sam")
        #expect(try box.secr("member", "add", "sam", key, "--role", "submitter", identity: "alice").status == 0)
        #expect(!(try box.read(".secr/env/production.secr")).contains("reader name=sam "), "write-only gets no reader line")
        #expect(try box.secr("set", "PAYMENT_KEY=from-sam", "GONE=x", "-e", "production", identity: "sam").status == 0)
        #expect(try box.secr("unset", "GONE", "-e", "production", identity: "sam").status == 0)
        for command in [["get", "PAYMENT_KEY"], ["pull"], ["run", "--", "true"]] {
            let run = try box.secr(command + ["-e", "production"], identity: "sam")
            #expect(run.status == 3, "\(command)")
            #expect(!run.stdout.contains("from-sam"))
        }
        #expect(try box.secr("get", "PAYMENT_KEY", "-e", "production", identity: "alice").stdout == "from-sam\n")
        #expect(try box.secr("get", "GONE", "-e", "production", identity: "alice").status == 1)
        #expect(try box.secr("set", "X=y", "-e", "staging", identity: "sam").status == 3)
    }

    @Test func readOnlyCIRoleReadsStagingOnly() throws {
        let box = try Sandbox()
        try box.project()
        for env in ["development", "staging", "production"] {
            #expect(try box.secr("set", "K=\(env)-value", "-e", env, identity: "alice").status == 0)
        }
        #expect(try box.secr("role", "add", "ci-staging", "--read", "staging", identity: "alice").status == 0)
        let key = try box.keygen("ci")
        #expect(try box.secr("member", "add", "ci", key, "--role", "ci-staging", identity: "alice").status == 0)
        #expect(try box.secr("get", "K", "-e", "staging", identity: "ci").stdout == "staging-value\n")
        #expect(try box.secr("get", "K", "-e", "development", identity: "ci").status == 3)
        #expect(try box.secr("get", "K", "-e", "production", identity: "ci").status == 3)
        #expect(try box.secr("set", "K=x", "-e", "staging", identity: "ci").status == 3)
    }

    @Test func roleRulesAndListing() throws {
        let box = try Sandbox()
        try box.project(members: ["ada": "admin"])
        #expect(try box.secr("role", "add", "x", "--read", "staging", identity: "ada").status == 3, "only owners define roles")
        #expect(try box.secr("role", "add", "x", "--read", "nowhere", identity: "alice").status == 2)
        #expect(try box.secr("role", "add", "auditor", "--read", "production,staging", identity: "alice").status == 0)
        #expect(try box.secr("role", "remove", "viewer", identity: "alice").status == 1, "built-in roles stay")
        let key = try box.keygen("aud")
        #expect(try box.secr("member", "add", "aud", key, "--role", "auditor", identity: "alice").status == 0)
        let held = try box.secr("role", "remove", "auditor", identity: "alice")
        #expect(held.status == 1)
        #expect(held.stderr.contains("aud"))
        let list = try box.secr("role", "list", "--json", identity: "alice")
        let roles = try JSONSerialization.jsonObject(with: list.stdoutData) as? [[String: Any]]
        let auditor = roles?.first { $0["name"] as? String == "auditor" }
        #expect((auditor?["access"] as? [String: String])?["production"] == "read")
        #expect((auditor?["access"] as? [String: String])?["development"] == "none")
        #expect(try box.secr("member", "remove", "aud", identity: "alice").status == 0)
        #expect(try box.secr("role", "remove", "auditor", identity: "alice").status == 0)
        #expect(try box.secr("verify").status == 0)
    }
}

@Suite struct EnvironmentTests {
    @Test func addListAndRemoveEnvironments() throws {
        let box = try Sandbox()
        try box.project(members: ["bob": "developer", "ada": "admin"])
        #expect(try box.secr("env", "add", "qa", identity: "ada").status == 0)
        #expect(try box.secr("set", "Q=1", "-e", "qa", identity: "ada").status == 0)
        #expect(try box.secr("get", "Q", "-e", "qa", identity: "bob").status == 3, "default: admin and owner only")
        #expect(try box.secr("env", "add", "preview", "--like", "staging", identity: "alice").status == 0)
        #expect(try box.secr("set", "P=bobs", "-e", "preview", identity: "bob").status == 0, "copied developer rw from staging")
        let list = try box.secr("env", "list", "--json", identity: "bob")
        let rows = try JSONSerialization.jsonObject(with: list.stdoutData) as? [[String: Any]]
        #expect(rows?.map { $0["name"] as? String } == ["development", "staging", "production", "qa", "preview"])
        #expect(rows?.first { $0["name"] as? String == "qa" }?["keys"] as? Int == 1)
        #expect(rows?.first { $0["name"] as? String == "qa" }?["access"] as? String == "none")
        #expect(try box.secr("env", "remove", "qa", identity: "alice").status == 2, "needs --yes")
        #expect(try box.secr("env", "remove", "qa", "--yes", identity: "ada").status == 3, "owners only")
        #expect(try box.secr("env", "remove", "qa", "--yes", identity: "alice").status == 0)
        #expect(!FileManager.default.fileExists(atPath: box.path(".secr/env/qa.secr").path))
        #expect(try box.git("status", "--porcelain").stdout.isEmpty)
        #expect(try box.secr("get", "Q", "-e", "qa", identity: "alice").status == 2)
        #expect(try box.secr("verify").status == 0)
    }

    @Test func rotateKeepsValuesAndSigners() throws {
        let box = try Sandbox()
        try box.project(members: ["bob": "developer"])
        #expect(try box.secr("set", "A=by-bob", identity: "bob").status == 0)
        let before = try box.recordLine("development", "A")
        #expect(try box.secr("rotate", identity: "bob").status == 0)
        let after = try box.recordLine("development", "A")
        #expect(after?.field("by") == before?.field("by"))
        #expect(after?.field("sig") == before?.field("sig"), "the writer's signature is unchanged")
        #expect(after?.field("vk") != before?.field("vk"), "the value key is re-sealed")
        #expect(try box.header("development").field("gen") == "2")
        #expect(try box.secr("get", "A", identity: "alice").stdout == "by-bob\n")
        #expect(try box.secr("rotate", "-e", "production", identity: "bob").status == 3)
    }
}

@Suite struct VerifyTests {
    @Test func cleanStoreVerifiesWithoutAnIdentity() throws {
        let box = try Sandbox()
        try box.project(members: ["bob": "developer"])
        #expect(try box.secr("set", "A=1", identity: "bob").status == 0)
        let run = try box.secr("verify", env: ["SECR_IDENTITY_FILE": "/nonexistent"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("no problems"))
    }

    @Test func reportsMissingAndSurplusReadersAndBadRecordsByName() throws {
        let box = try Sandbox()
        try box.project(members: ["bob": "developer", "vera": "viewer"])
        #expect(try box.secr("set", "A=alpha", "B=beta", identity: "alice").status == 0)
        // Remove vera's staging reader line; copy bob's development line into production; break a record.
        try box.editLine(".secr/env/staging.secr", containing: "reader name=vera ") { _ in "" }
        let stagingText = try box.read(".secr/env/staging.secr").replacingOccurrences(of: "\n\n", with: "\n")
        try box.write(".secr/env/staging.secr", stagingText)
        let bobLine = try #require(try box.read(".secr/env/development.secr").components(separatedBy: "\n").first { $0.hasPrefix("reader name=bob ") })
        try box.editLine(".secr/env/production.secr", containing: "reader name=alice ") { $0 + "\n" + bobLine }
        try box.editLine(".secr/env/development.secr", containing: " key=B ") { $0.replacingField("ct", with: flipped($0.field("ct") ?? "")) }
        let run = try box.secr("verify")
        #expect(run.status == 4)
        #expect(run.stdout.contains(".secr/env/staging.secr: missing reader line for vera"))
        #expect(run.stdout.contains(".secr/env/production.secr: surplus reader line 'bob'"))
        #expect(run.stdout.contains(".secr/env/development.secr: B "))
        let json = try box.secr("verify", "--json")
        let object = try JSONSerialization.jsonObject(with: json.stdoutData) as? [String: Any]
        #expect(object?["ok"] as? Bool == false)
        #expect((object?["problems"] as? [Any])?.count == 3)
    }
}
