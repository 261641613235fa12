import Foundation
import Testing

/// `pull` in every format gives back exactly the values that were set, checked with real
/// parsers: python-dotenv, sh, JSONSerialization, PyYAML.
@Suite struct PullFormatTests {
    /// Values with spaces, quotes, `#`, `=`, newlines, backslashes, unicode, and the empty string.
    static let tricky: [String: String] = [
        "PLAIN": "postgres://app:pw@db.internal:5432/app",
        "SPACES": "two words here",
        "SINGLE_QUOTE": "it's quoted",
        "DOUBLE_QUOTE": "say \"hello\"",
        "HASH": "value #not-a-comment",
        "EQUALS": "a=b=c",
        "NEWLINES": "line one\nline two\n\nline four",
        "BACKSLASH": "C:\\path\\to\\file \\n literal",
        "UNICODE": "pässwörd ✓ 鍵 🔑",
        "EMPTY": "",
        "MIXED": "'both' \"kinds\" \\ and\ttab $HOME",
        "LEADING_SPACE": "  padded  ",
    ]

    func seeded() throws -> Sandbox {
        let box = try Sandbox()
        try box.project()
        for (key, value) in PullFormatTests.tricky {
            let run = try box.secr("set", key, "--stdin", input: value + "\n", identity: "alice")
            #expect(run.status == 0, "\(key): \(run.stderr)")
        }
        return box
    }

    func python(_ box: Sandbox, _ script: String, input: Data) throws -> [String: String] {
        let run = try box.exec(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script], input: input,
                               env: ["PYTHONPATH": ProcessInfo.processInfo.environment["PYTHONPATH"]])
        #expect(run.status == 0, "python: \(run.stderr)")
        return try JSONSerialization.jsonObject(with: run.stdoutData) as? [String: String] ?? [:]
    }

    /// Values python-dotenv cannot read back from sh-safe quoting: a quote or backslashes
    /// together with `$` (secr warns about them and names them).
    static let shOnly: Set<String> = ["MIXED"]

    @Test func dotenvRoundTripsThroughPythonDotenv() throws {
        let box = try seeded()
        let pull = try box.secr("pull", identity: "alice")
        #expect(pull.status == 0)
        #expect(pull.stderr.contains("MIXED") && pull.stderr.contains("--format json"), "\(pull.stderr)")
        let expected = PullFormatTests.tricky.filter { !PullFormatTests.shOnly.contains($0.key) }
        let parsed = try python(box, """
            import sys, io, json
            from dotenv import dotenv_values
            print(json.dumps(dotenv_values(stream=io.StringIO(sys.stdin.read()), interpolate=False)))
            """, input: pull.stdoutData)
        #expect(parsed.filter { !PullFormatTests.shOnly.contains($0.key) } == expected)
        // Values without ${…} also survive python-dotenv's default interpolation.
        let interpolated = try python(box, """
            import sys, io, json
            from dotenv import dotenv_values
            print(json.dumps(dotenv_values(stream=io.StringIO(sys.stdin.read()))))
            """, input: pull.stdoutData)
        #expect(interpolated.filter { !PullFormatTests.shOnly.contains($0.key) } == expected)
    }

    @Test func defaultOutputSourcedByShExecutesNothingAndReadsExactly() throws {
        // A writer of the environment chooses the values; whoever sources `secr pull > .env`
        // in a shell must get them as text, never run them.
        let box = try seeded()
        let marker = box.root.appendingPathComponent("pwned").path
        var values = PullFormatTests.tricky
        values["SUBSHELL"] = "$(touch \(marker))"
        values["BACKTICKS"] = "`touch \(marker)`"
        values["BRACES"] = "${HOME} and $HOME"
        values["QUOTE_AND_SUBSHELL"] = "it's $(touch \(marker))"
        values["BACKSLASH_AND_BACKTICK"] = "a\\\\b `touch \(marker)` \\"
        for key in ["SUBSHELL", "BACKTICKS", "BRACES", "QUOTE_AND_SUBSHELL", "BACKSLASH_AND_BACKTICK"] {
            #expect(try box.secr("set", key, "--stdin", input: (values[key] ?? "") + "\n", identity: "alice").status == 0)
        }
        let pull = try box.secr("pull", identity: "alice")
        let file = box.root.appendingPathComponent("pulled.env")
        try pull.stdoutData.write(to: file)
        let keys = values.keys.sorted()
        let script = "set -a; . \(file.path); set +a; python3 -c 'import os, json; print(json.dumps({k: os.environ[k] for k in \(keys)}))'"
        let run = try box.exec(URL(fileURLWithPath: "/bin/sh"), ["-c", script])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try JSONSerialization.jsonObject(with: run.stdoutData) as? [String: String] == values)
        #expect(!FileManager.default.fileExists(atPath: marker), "sourcing the output ran a command")
    }

    @Test func jsonRoundTrips() throws {
        let box = try seeded()
        for arguments in [["pull", "--format", "json"], ["pull", "--json"]] {
            let pull = try box.secr(arguments, identity: "alice")
            #expect(try JSONSerialization.jsonObject(with: pull.stdoutData) as? [String: String] == PullFormatTests.tricky)
        }
    }

    @Test func shellOutputEvaluatesInSh() throws {
        let box = try seeded()
        let pull = try box.secr("pull", "--format", "shell", identity: "alice")
        let file = box.root.appendingPathComponent("exports.sh")
        try pull.stdoutData.write(to: file)
        let keys = PullFormatTests.tricky.keys.sorted()
        let script = ". \(file.path) && python3 -c 'import os, json; print(json.dumps({k: os.environ[k] for k in \(keys)}))'"
        let run = try box.exec(URL(fileURLWithPath: "/bin/sh"), ["-c", script])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try JSONSerialization.jsonObject(with: run.stdoutData) as? [String: String] == PullFormatTests.tricky)
    }

    @Test func yamlRoundTripsThroughPyYAML() throws {
        let box = try seeded()
        let pull = try box.secr("pull", "--format", "yaml", identity: "alice")
        let parsed = try python(box, "import sys, json, yaml; print(json.dumps(yaml.safe_load(sys.stdin.read())))",
                                input: pull.stdoutData)
        #expect(parsed == PullFormatTests.tricky)
    }

    @Test func keysNeedNoIdentityAndAreSorted() throws {
        let box = try seeded()
        let run = try box.secr("pull", "--format", "keys", env: ["SECR_IDENTITY_FILE": "/nonexistent"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == PullFormatTests.tricky.keys.sorted().joined(separator: "\n") + "\n")
    }

    @Test func outputFileIsPrivateAndWarnsWhenNotIgnored() throws {
        let box = try seeded()
        let run = try box.secr("pull", "-o", "secrets.out", identity: "alice")
        #expect(run.status == 0)
        let attributes = try FileManager.default.attributesOfItem(atPath: box.path("secrets.out").path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(run.stderr.contains("not ignored by git"))
        #expect(run.stdout.isEmpty)
        // .env is ignored by the rules init wrote: no warning.
        let ignored = try box.secr("pull", "-o", ".env", identity: "alice")
        #expect(ignored.status == 0)
        #expect(!ignored.stderr.contains("not ignored"))
        #expect(try box.read(".env") == (try box.secr("pull", identity: "alice").stdout))
    }

    @Test func unknownFormatIsAUsageError() throws {
        let box = try seeded()
        let run = try box.secr("pull", "--format", "toml", identity: "alice")
        #expect(run.status == 2)
        #expect(run.stderr.contains("dotenv"))
    }
}
