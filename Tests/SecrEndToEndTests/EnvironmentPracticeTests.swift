import Foundation
import Testing

/// Promote, compare, import/export, edit and doctor (issue 5).
@Suite struct PromoteTests {
    @Test func promoteCopiesWithProvenanceTrailersAndLog() throws {
        let box = try Sandbox()
        try box.project()
        #expect(try box.secr("set", "STRIPE_WEBHOOK_SECRET=whsec_staging", "-e", "staging", identity: "alice").status == 0)
        #expect(try box.secr("set", "STRIPE_WEBHOOK_SECRET=whsec_again", "-e", "staging", identity: "alice").status == 0)
        let run = try box.secr("promote", "STRIPE_WEBHOOK_SECRET", "--from", "staging", "--to", "production", identity: "alice")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try box.secr("get", "STRIPE_WEBHOOK_SECRET", "-e", "production", identity: "alice").stdout == "whsec_again\n")
        #expect(try box.recordLine("production", "STRIPE_WEBHOOK_SECRET")?.field("from") == "staging@2")
        let message = try box.git("log", "-1", "--format=%B").stdout
        #expect(message.contains("Secr-Action: promote") && message.contains("Secr-From: staging") && message.contains("Secr-Environment: production"))
        #expect(try box.secr("log", "-n", "1").stdout.contains("promote STRIPE_WEBHOOK_SECRET (v1) to production from staging v2"))
        #expect(try box.secr("verify", "--history").status == 0)
        // Promoting again changes nothing.
        let head = try box.git("rev-parse", "HEAD").stdout
        let again = try box.secr("promote", "STRIPE_WEBHOOK_SECRET", "--from", "staging", "--to", "production", identity: "alice")
        #expect(again.status == 0 && again.stderr.contains("already identical"))
        #expect(try box.git("rev-parse", "HEAD").stdout == head)
    }

    @Test func permissionsAndNeverPromotePolicy() throws {
        let box = try Sandbox()
        try box.project(members: ["dave": "developer", "ada": "admin"])
        #expect(try box.secr("set", "DATABASE_URL=postgres://staging", "API_KEY=k", "-e", "staging", identity: "alice").status == 0)
        #expect(try box.secr("promote", "API_KEY", "--from", "staging", "--to", "production", identity: "dave").status == 3)
        let refused = try box.secr("promote", "DATABASE_URL", "--from", "staging", "--to", "production", identity: "alice")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("*DATABASE_URL*") && refused.stderr.contains("--force"))
        #expect(try box.secr("get", "DATABASE_URL", "-e", "production", identity: "alice").status == 1)
        #expect(try box.secr("promote", "DATABASE_URL", "--from", "staging", "--to", "production", "--force", identity: "alice").status == 0)
        // The policy is the roster's: admins change it, developers cannot.
        #expect(try box.secr("policy", "never-promote", "add", "API_*", identity: "dave").status == 3)
        #expect(try box.secr("policy", "never-promote", "add", "API_*", identity: "ada").status == 0)
        #expect(try box.secr("promote", "API_KEY", "--from", "staging", "--to", "production", identity: "alice").status == 1)
        #expect(try box.secr("policy", "never-promote", "list").stdout.contains("API_*"))
        #expect(try box.secr("policy", "never-promote", "remove", "API_*", identity: "ada").status == 0)
        #expect(try box.secr("promote", "API_KEY", "--from", "staging", "--to", "production", identity: "alice").status == 0)
        #expect(try box.secr("verify").status == 0)
    }

    @Test func writeOnlyTargetIsEnough() throws {
        let box = try Sandbox()
        try box.project()
        #expect(try box.secr("role", "add", "releaser", "--read", "staging", "--write", "production", identity: "alice").status == 0)
        let key = try box.keygen("rel")
        #expect(try box.secr("member", "add", "rel", key, "--role", "releaser", identity: "alice").status == 0)
        #expect(try box.secr("set", "FEATURE_FLAG_KEY=ff", "-e", "staging", identity: "alice").status == 0)
        #expect(try box.secr("promote", "FEATURE_FLAG_KEY", "--from", "staging", "--to", "production", identity: "rel").status == 0)
        #expect(try box.secr("get", "FEATURE_FLAG_KEY", "-e", "production", identity: "alice").stdout == "ff\n")
        #expect(try box.secr("get", "FEATURE_FLAG_KEY", "-e", "production", identity: "rel").status == 3)
    }
}

@Suite struct CompareTests {
    @Test func keyMatrixValuesAndStrict() throws {
        let box = try Sandbox()
        try box.project(members: ["dave": "developer"])
        #expect(try box.secr("set", "A=same", "B=dev", "ONLY_DEV=x", "-e", "development", identity: "alice").status == 0)
        #expect(try box.secr("set", "A=same", "B=staging", "-e", "staging", identity: "alice").status == 0)
        #expect(try box.secr("set", "A=same", "-e", "production", identity: "alice").status == 0)
        let run = try box.secr("compare", "--json", identity: "alice")
        let object = try #require(try JSONSerialization.jsonObject(with: run.stdoutData) as? [String: Any])
        let rows = try #require(object["keys"] as? [[String: Any]])
        func row(_ key: String) -> [String: Any]? { rows.first { $0["key"] as? String == key } }
        #expect(row("A")?["values"] as? String == "same")
        // Missing from production is what matters about B, not that development and staging differ.
        #expect(row("B")?["values"] as? String == "missing")
        #expect(row("B")?["values_where_present"] as? String == "different")
        #expect(row("B")?["missing"] as? [String] == ["production"])
        #expect(row("ONLY_DEV")?["values"] as? String == "missing")
        #expect(row("ONLY_DEV")?["values_where_present"] as? String == "unknown")
        let table = try box.secr("compare", identity: "alice").stdout
        #expect(table.split(separator: "\n").contains { $0.hasPrefix("B ") && $0.hasSuffix("  missing") }, "\(table)")
        #expect(!run.stdout.contains("staging\"") || !run.stdout.contains("\"dev\""), "values never appear")
        // A developer cannot read production, so A is judged on development and staging only.
        let dave = try JSONSerialization.jsonObject(with: try box.secr("compare", "--json", identity: "dave").stdoutData) as? [String: Any]
        #expect(((dave?["keys"] as? [[String: Any]])?.first { $0["key"] as? String == "A" })?["values"] as? String == "same")
        // No identity at all: the matrix still works.
        let anonymous = try box.secr("compare", "staging", "production", env: ["SECR_IDENTITY_FILE": "/nonexistent"])
        #expect(anonymous.status == 0)
        #expect(anonymous.stdout.contains("B ") && anonymous.stdout.contains("missing"))
        #expect(try box.secr("compare", "staging", "production", "--strict").status == 1)
        #expect(try box.secr("set", "B=prod", "-e", "production", identity: "alice").status == 0)
        #expect(try box.secr("compare", "staging", "production", "--strict").status == 0)
        #expect(try box.secr("compare", "--format", "markdown").stdout.contains("| `ONLY_DEV` |"))
    }

    /// On a terminal, missing and different stand out in colour; never in a pipe, with NO_COLOR
    /// or --no-color, and never from a name: escape sequences are secr's own.
    @Test func compareColoursMissingAndDifferentOnATerminal() throws {
        let box = try Sandbox()
        try box.project()
        #expect(try box.secr("set", "A=same", "B=dev", "-e", "development", identity: "alice").status == 0)
        #expect(try box.secr("set", "A=same", "B=staging", "-e", "staging", identity: "alice").status == 0)
        #expect(try box.secr("set", "A=same", "B=prod", "-e", "production", identity: "alice").status == 0)
        #expect(try box.secr("set", "ONLY_DEV=x", "-e", "development", identity: "alice").status == 0)
        // A pseudo-terminal for stdout, as a person's shell gives one.
        func onTerminal(_ arguments: [String], env: [String: String?] = [:]) throws -> String {
            var env = env
            env["SECR_IDENTITY_FILE"] = box.identityPath("alice")
            return try box.exec(URL(fileURLWithPath: "/usr/bin/env"),
                                ["python3", "-c", "import os, pty, sys; sys.exit(os.waitstatus_to_exitcode(pty.spawn(sys.argv[1:])))",
                                 Sandbox.binary.path] + arguments, env: env).stdout
        }
        let coloured = try onTerminal(["compare"])
        let lines = coloured.components(separatedBy: "\r\n")
        let b = try #require(lines.first { $0.hasPrefix("B ") }), only = try #require(lines.first { $0.hasPrefix("ONLY_DEV") })
        #expect(b.contains("\u{1b}[33mdifferent\u{1b}[0m"), "\(b.debugDescription)")
        #expect(only.contains("\u{1b}[1;31mmissing\u{1b}[0m"), "\(only.debugDescription)")
        #expect(!(try #require(lines.first { $0.hasPrefix("A ") })).contains("\u{1b}"), "same is plain")
        #expect(!(try onTerminal(["compare"], env: ["NO_COLOR": "1"])).contains("\u{1b}"))
        #expect(!(try onTerminal(["compare", "--no-color"])).contains("\u{1b}"))
        #expect(!(try box.secr("compare", identity: "alice")).stdout.contains("\u{1b}"), "a pipe gets plain text")
    }
}

@Suite struct ImportEditTests {
    @Test func importReadsDotenvLikePythonDotenv() throws {
        let box = try Sandbox()
        try box.project()
        let text = """
            # a comment
            export PLAIN=value
            SPACED = spaced value   # trailing comment
            HASH_IN=a#b
            SINGLE='it''s' ignored
            DQ="line1\\nline2 \\"quoted\\" \\\\ back"
            SQ='literal \\n $HOME ${HOME}'
            MULTI="first
            second"
            EMPTY=
            DUP=one
            DUP=two

            """.replacingOccurrences(of: "SINGLE='it''s' ignored\n", with: "")
        try box.write("input.env", text)
        let run = try box.secr("import", "input.env", identity: "alice")
        #expect(run.status == 0, "\(run.stderr)")
        let ours = try JSONSerialization.jsonObject(with: try box.secr("pull", "--json", identity: "alice").stdoutData) as? [String: String]
        let python = try box.exec(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c",
            "import json; from dotenv import dotenv_values; print(json.dumps(dotenv_values('input.env', interpolate=False)))"],
                                  env: ["PYTHONPATH": ProcessInfo.processInfo.environment["PYTHONPATH"]])
        #expect(try JSONSerialization.jsonObject(with: python.stdoutData) as? [String: String] == ours)
        #expect(ours?["SQ"] == "literal \\n $HOME ${HOME}")
        #expect(try box.git("log", "-1", "--format=%s").stdout.hasPrefix("secr: import development"))
    }

    @Test func importJSONDryRunAndErrors() throws {
        let box = try Sandbox()
        try box.project()
        #expect(try box.secr("set", "KEEP=same", "CHANGE=old", identity: "alice").status == 0)
        try box.write("in.json", #"{"KEEP": "same", "CHANGE": "new \u00e9\n", "PORT": 5432, "DEBUG": false}"#)
        let head = try box.git("rev-parse", "HEAD").stdout
        let dry = try box.secr("import", "in.json", "--dry-run", identity: "alice")
        #expect(dry.status == 0)
        #expect(dry.stdout.contains("unchanged KEEP") && dry.stdout.contains("change    CHANGE") && dry.stdout.contains("add       PORT"))
        #expect(try box.git("rev-parse", "HEAD").stdout == head)
        #expect(try box.secr("import", "in.json", identity: "alice").status == 0)
        #expect(try box.secr("get", "CHANGE", identity: "alice").stdout == "new é\n\n")
        #expect(try box.secr("get", "PORT", identity: "alice").stdout == "5432\n")
        try box.write("bad.json", #"{"OK": "1", "nested": {"a": 1}}"#)
        #expect(try box.secr("import", "bad.json", identity: "alice").status == 1)
        try box.write("bad.env", "GOOD=1\nBAD-NAME=2\n")
        let bad = try box.secr("import", "bad.env", identity: "alice")
        #expect(bad.status == 1 && bad.stderr.contains("bad.env:2"))
        #expect(try box.secr("get", "GOOD", identity: "alice").status == 1, "nothing was imported")
        #expect(try box.secr("export", "--format", "keys").stdout == (try box.secr("pull", "--format", "keys").stdout))
    }

    /// An editor script: records where it was called and how the directory was protected,
    /// then applies `sed` commands to the file.
    func editor(_ box: Sandbox, _ sed: String) throws -> String {
        let script = box.root.appendingPathComponent("editor-\(UUID().uuidString).sh")
        try """
            #!/bin/sh
            echo "$1" > \(box.root.path)/edited-path
            stat -c %a "$(dirname "$1")" > \(box.root.path)/edited-mode
            sed -i \(sed) "$1"
            """.write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        return script.path
    }

    @Test func editAppliesOnlyWhatChangedAndLeavesNothingBehind() throws {
        let box = try Sandbox()
        try box.project()
        #expect(try box.secr("set", "KEEP=unchanged", "CHANGE=old", "DROP=gone", identity: "alice").status == 0)
        let keep = try box.recordLine("development", "KEEP")
        let script = try editor(box, "-e 's/^CHANGE=old/CHANGE=new/' -e '/^DROP=/d' -e '$a ADDED=\"with space\"'")
        let run = try box.secr("edit", identity: "alice", env: ["SECR_EDITOR": script])
        #expect(run.status == 0, "\(run.stderr)")
        let values = try JSONSerialization.jsonObject(with: try box.secr("pull", "--json", identity: "alice").stdoutData) as? [String: String]
        #expect(values == ["KEEP": "unchanged", "CHANGE": "new", "ADDED": "with space"])
        #expect(try box.recordLine("development", "KEEP") == keep, "unchanged keys keep their ciphertext")
        #expect(try box.git("rev-list", "--count", "HEAD").stdout == "3\n", "init, set, and one commit for the edit")
        let path = try String(contentsOf: box.root.appendingPathComponent("edited-path"), encoding: .utf8).trimmingCharacters(in: .newlines)
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(!FileManager.default.fileExists(atPath: (path as NSString).deletingLastPathComponent))
        #expect(try String(contentsOf: box.root.appendingPathComponent("edited-mode"), encoding: .utf8) == "700\n")
        if FileManager.default.fileExists(atPath: "/dev/shm") { #expect(path.hasPrefix("/dev/shm/")) }
    }

    @Test func editParseErrorOrEditorFailureChangesNothing() throws {
        let box = try Sandbox()
        try box.project(members: ["vera": "viewer"])
        #expect(try box.secr("set", "A=1", identity: "alice").status == 0)
        let head = try box.git("rev-parse", "HEAD").stdout
        let broken = try editor(box, "-e '$a UNCLOSED=\"oops'")
        let run = try box.secr("edit", identity: "alice", env: ["SECR_EDITOR": broken])
        #expect(run.status == 1)
        #expect(run.stderr.contains("never closed"))
        let failing = try box.secr("edit", identity: "alice", env: ["SECR_EDITOR": "false"])
        #expect(failing.status == 1 && failing.stderr.contains("nothing was changed"))
        #expect(try box.git("rev-parse", "HEAD").stdout == head)
        let path = try String(contentsOf: box.root.appendingPathComponent("edited-path"), encoding: .utf8).trimmingCharacters(in: .newlines)
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(try box.secr("edit", identity: "vera", env: ["SECR_EDITOR": "true"]).status == 3)
    }

    @Test func editTempFileIsRemovedWhenSecrIsTerminated() throws {
        let box = try Sandbox()
        try box.project()
        #expect(try box.secr("set", "A=1", identity: "alice").status == 0)
        // The editor sends SIGTERM to secr, as a closing terminal would. secr runs it through sh,
        // which may or may not stay in between, so look the secr process up in /proc.
        let wrapper = box.root.appendingPathComponent("wrapper.sh")
        try """
            #!/bin/sh
            echo "$1" > \(box.root.path)/edited-path
            p=$PPID
            [ "$(cat /proc/$p/comm)" = secr ] || p=$(cut -d' ' -f4 /proc/$p/stat)
            echo "$p $(cat /proc/$p/comm)" > \(box.root.path)/killed
            kill -TERM $p
            sleep 1
            """.write(to: wrapper, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: wrapper.path)
        let run = try box.secr("edit", identity: "alice", env: ["SECR_EDITOR": wrapper.path])
        #expect(run.status == 128 + 15, "\(run.stderr) killed: \((try? String(contentsOf: box.root.appendingPathComponent("killed"), encoding: .utf8)) ?? "?")")
        let path = try String(contentsOf: box.root.appendingPathComponent("edited-path"), encoding: .utf8).trimmingCharacters(in: .newlines)
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}

@Suite struct DoctorTests {
    @Test func cleanProjectHasNoFindings() throws {
        let box = try Sandbox()
        try box.project(members: ["carol": "owner"])
        let run = try box.secr("doctor", identity: "alice")
        #expect(run.status == 0, "\(run.stdout)")
        #expect(run.stdout.contains("no problems found"))
    }

    @Test func warnsWhenOneLostKeyWouldLockEveryoneOut() throws {
        let box = try Sandbox()
        try box.project(members: ["bob": "developer"])
        let run = try box.secr("doctor", identity: "alice")
        #expect(run.status == 0, "warnings only")
        #expect(run.stdout.contains("[single-reader] only alice can read production"))
        #expect(!run.stdout.contains("only alice can read staging"), "bob reads staging too")
        #expect(run.stdout.contains("[single-owner] alice is the only member who can manage the roster"))
        // Control: a second owner clears both.
        let carol = try box.keygen("carol")
        #expect(try box.secr("member", "add", "carol", carol, "--role", "owner", identity: "alice").status == 0)
        let after = try box.secr("doctor", identity: "alice")
        #expect(!after.stdout.contains("single-reader") && !after.stdout.contains("single-owner"))
    }

    @Test func findsTheAntiPatternsWithFixes() throws {
        let box = try Sandbox()
        try box.project(members: ["bob": "developer"])
        #expect(try box.secr("set", "STRIPE_SECRET_KEY=sk_live_51Habc", "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7REALKEY", "SAFE_AWS=AKIAIOSFODNN7EXAMPLE", identity: "alice").status == 0)
        #expect(try box.secr("set", "DATABASE_URL=postgres://one-db", "ONLY_STAGING=x", "-e", "staging", identity: "alice").status == 0)
        #expect(try box.secr("promote", "DATABASE_URL", "--from", "staging", "--to", "production", "--force", identity: "alice").status == 0)
        #expect(try box.secr("member", "remove", "bob", identity: "alice").status == 0)
        try box.write("server.js", "const stripe = process.env.NODE_ENV === 'production' ? LIVE_STRIPE_KEY : TEST_STRIPE_KEY;\n")
        try box.write(".env.local", "X=1\n")
        try box.git("add", "-f", "server.js", ".env.local")
        // The pre-commit hook would refuse .env.local: this is the repository someone made without it.
        try box.git("commit", "--no-verify", "-qm", "app")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: box.identityPath("alice"))
        let run = try box.secr("doctor", "--json", env: ["SECR_IDENTITY": try String(contentsOfFile: box.identityPath("alice"), encoding: .utf8),
                                                         "SECR_IDENTITY_FILE": box.identityPath("alice")])
        #expect(run.status == 1)
        let findings = try #require(try JSONSerialization.jsonObject(with: run.stdoutData) as? [[String: String]])
        func has(_ check: String, _ text: String) -> Bool {
            findings.contains { $0["check"] == check && ($0["message"] ?? "").contains(text) && !($0["fix"] ?? "").isEmpty }
        }
        #expect(has("live-credential", "development/STRIPE_SECRET_KEY"))
        #expect(has("live-credential", "development/AWS_ACCESS_KEY_ID"))
        #expect(!has("live-credential", "SAFE_AWS"), "keys with EXAMPLE are test keys")
        #expect(has("shared-value", "DATABASE_URL has the same value in production and staging"))
        #expect(has("missing-in-production", "ONLY_STAGING"))
        #expect(has("exposed", "was readable by bob"))
        #expect(has("tracked-env-file", ".env.local"))
        #expect(has("env-name-logic", "server.js:1"))
        #expect(has("identity-permissions", "alice.key"))
        #expect(!run.stdout.contains("sk_live_51Habc"), "values are never printed")
        #expect(try box.secr("env", "remove", "staging", "--yes", identity: "alice", env: ["SECR_IDENTITY": try String(contentsOfFile: box.identityPath("alice"), encoding: .utf8)]).status == 0)
        let text = try box.secr("doctor", env: ["SECR_IDENTITY": try String(contentsOfFile: box.identityPath("alice"), encoding: .utf8)])
        #expect(text.stdout.contains("[no-staging]") && text.stdout.contains("secr env add staging"))
    }

    @Test func missingGitDriversInAFreshClone() throws {
        let box = try Sandbox()
        try box.project()
        let clone = box.root.appendingPathComponent("clone")
        _ = try box.exec(URL(fileURLWithPath: "/usr/bin/git"), ["clone", "-q", box.repo.path, clone.path])
        let run = try box.secr("doctor", identity: "alice", directory: clone)
        #expect(run.stdout.contains("[git-drivers]") && run.stdout.contains("secr setup-git"))
        #expect(run.status == 0, "warnings only")
    }
}
