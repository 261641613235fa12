import Foundation
import Testing

/// Who can read what, through the real binary: the role table of DESIGN.md §4.
@Suite struct AccessTests {
    @Test func ownerReadsEveryEnvironment() throws {
        let box = try Sandbox()
        try box.project()
        for env in ["development", "staging", "production"] {
            #expect(try box.secr("set", "API_KEY=value-for-\(env)", "-e", env, identity: "alice").status == 0)
        }
        for env in ["development", "staging", "production"] {
            let run = try box.secr("get", "API_KEY", "-e", env, identity: "alice")
            #expect(run.status == 0)
            #expect(run.stdout == "value-for-\(env)\n")
        }
    }

    @Test func developerReadsDevelopmentAndStagingButNotProduction() throws {
        let box = try Sandbox()
        try box.project(members: ["dave": "developer"])
        for env in ["development", "staging", "production"] {
            #expect(try box.secr("set", "TOKEN=t-\(env)-secret", "-e", env, identity: "alice").status == 0)
        }
        #expect(try box.secr("get", "TOKEN", "-e", "development", identity: "dave").stdout == "t-development-secret\n")
        #expect(try box.secr("get", "TOKEN", "-e", "staging", identity: "dave").stdout == "t-staging-secret\n")
        let denied = try box.secr("get", "TOKEN", "-e", "production", identity: "dave")
        #expect(denied.status == 3)
        #expect(denied.stdout.isEmpty)
        #expect(denied.stderr.contains("production"))
        #expect(denied.stderr.contains("alice"), "the message names who can grant access")
        #expect(!denied.stderr.contains("t-production-secret"))
        #expect(try box.secr("pull", "-e", "production", identity: "dave").status == 3)
        #expect(try box.secr("run", "-e", "production", "--", "true", identity: "dave").status == 3)
        // Writing production is refused too.
        #expect(try box.secr("set", "TOKEN=x", "-e", "production", identity: "dave").status == 3)
    }

    @Test func viewerReadsButCannotWrite() throws {
        let box = try Sandbox()
        try box.project(members: ["vera": "viewer"])
        #expect(try box.secr("set", "A=1234567890", identity: "alice").status == 0)
        #expect(try box.secr("get", "A", identity: "vera").stdout == "1234567890\n")
        let write = try box.secr("set", "A=changed", identity: "vera")
        #expect(write.status == 3)
        #expect(try box.secr("get", "A", identity: "alice").stdout == "1234567890\n")
    }

    @Test func nonMemberGetsAccessDeniedAndNoValue() throws {
        let box = try Sandbox()
        try box.project()
        #expect(try box.secr("set", "SECRET=s3cr3t-value", identity: "alice").status == 0)
        _ = try box.keygen("mallory")
        for arguments in [["get", "SECRET"], ["pull"], ["pull", "--format", "json"], ["run", "--", "env"]] {
            let run = try box.secr(arguments, identity: "mallory")
            #expect(run.status == 3, "\(arguments)")
            #expect(!run.stdout.contains("s3cr3t-value"))
            #expect(!run.stderr.contains("s3cr3t-value"))
            #expect(run.stderr.contains("not a member"))
        }
    }

    @Test func memberAddGrantsAccessImmediately() throws {
        let box = try Sandbox()
        try box.project()
        #expect(try box.secr("set", "K=before-bob", "-e", "staging", identity: "alice").status == 0)
        let key = try box.keygen("bob")
        #expect(try box.secr("member", "add", "bob", key, "--role", "developer", identity: "alice").status == 0)
        #expect(try box.secr("get", "K", "-e", "staging", identity: "bob").stdout == "before-bob\n")
        // The new member can write, and the owner reads what they wrote.
        #expect(try box.secr("set", "K=from-bob", "-e", "staging", identity: "bob").status == 0)
        #expect(try box.secr("get", "K", "-e", "staging", identity: "alice").stdout == "from-bob\n")
    }

    @Test func onlyManagersAddMembersAndOnlyOwnersAddOwners() throws {
        let box = try Sandbox()
        try box.project(members: ["dave": "developer", "ada": "admin"])
        let key = try box.keygen("eve")
        #expect(try box.secr("member", "add", "eve", key, "--role", "viewer", identity: "dave").status == 3)
        #expect(try box.secr("member", "add", "eve", key, "--role", "owner", identity: "ada").status == 3)
        #expect(try box.secr("member", "add", "eve", key, "--role", "admin", identity: "ada").status == 0)
        let list = try box.secr("member", "list", "--json", identity: "alice")
        let members = try JSONSerialization.jsonObject(with: list.stdoutData) as? [[String: Any]]
        #expect(members?.map { $0["name"] as? String } == ["ada", "alice", "dave", "eve"])
        #expect(members?.first { $0["name"] as? String == "eve" }?["role"] as? String == "admin")
    }

    @Test func memberAddRejectsBadInput() throws {
        let box = try Sandbox()
        try box.project()
        let key = try box.keygen("bob")
        #expect(try box.secr("member", "add", "bob", "secr1notakey", "--role", "viewer", identity: "alice").status == 2)
        #expect(try box.secr("member", "add", "bob", key, "--role", "emperor", identity: "alice").status == 2)
        #expect(try box.secr("member", "add", "Bob Smith", key, "--role", "viewer", identity: "alice").status == 2)
        #expect(try box.secr("member", "add", "bob", key, "--role", "viewer", identity: "alice").status == 0)
        #expect(try box.secr("member", "add", "bob2", key, "--role", "viewer", identity: "alice").status == 1,
                "the same key cannot join twice (a state, not a usage error)")
    }

    @Test func whoamiNamesMemberAndRole() throws {
        let box = try Sandbox()
        try box.project(members: ["dave": "developer"])
        let run = try box.secr("whoami", identity: "dave")
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix("secr1"))
        #expect(run.stdout.split(separator: "\n").count == 1, "stdout holds only the key")
        #expect(run.stderr.contains("member dave, role developer"))
        #expect(run.stderr.contains("production: none"))
        let json = try box.secr("whoami", "--json", identity: "dave")
        let object = try JSONSerialization.jsonObject(with: json.stdoutData) as? [String: Any]
        #expect(object?["role"] as? String == "developer")
    }
}
