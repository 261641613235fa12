import Foundation
import Testing

/// On GitHub Actions, get, pull and run register every value for masking in the log before it
/// is printed or handed to a program (issue 12): `::add-mask::` lines on stderr, so stdout stays
/// exactly the data, even when redirected or captured.
@Suite struct MaskingTests {
    static let multiLine = "-----BEGIN KEY-----\nMIIBOgIBAAJBAK\n-----END KEY-----\n"
    static let actions: [String: String?] = ["GITHUB_ACTIONS": "true"]

    func seeded() throws -> Sandbox {
        let box = try Sandbox()
        try box.project()
        #expect(try box.secr("set", "API_TOKEN=tok-100%0A", "PLAIN=plain-value", identity: "alice").status == 0)
        #expect(try box.secr("set", "TLS_KEY", "--stdin", input: MaskingTests.multiLine + "\n", identity: "alice").status == 0)
        return box
    }

    func maskLines(_ stderr: String) -> [String] {
        stderr.split(separator: "\n").map(String.init).filter { $0.hasPrefix("::add-mask::") }
    }

    @Test func pullMasksEveryValueLineByLineOnStderrAndLeavesStdoutExact() throws {
        let box = try seeded()
        let plain = try box.secr("pull", "--format", "json", identity: "alice")
        let masked = try box.secr("pull", "--format", "json", identity: "alice", env: MaskingTests.actions)
        #expect(masked.status == 0 && plain.status == 0, "\(masked.stderr)")
        #expect(masked.stdoutData == plain.stdoutData, "stdout is the data, masks or not")
        #expect(!masked.stdout.contains("::add-mask::"))
        #expect(Set(maskLines(masked.stderr)) == ["::add-mask::tok-100%250A", "::add-mask::plain-value",
                                                  "::add-mask::-----BEGIN KEY-----", "::add-mask::MIIBOgIBAAJBAK",
                                                  "::add-mask::-----END KEY-----"])
        #expect(maskLines(plain.stderr).isEmpty, "no masks outside GitHub Actions")
        let optOut = try box.secr("pull", "--no-mask", identity: "alice", env: MaskingTests.actions)
        #expect(optOut.status == 0 && maskLines(optOut.stderr).isEmpty)
        let keys = try box.secr("pull", "--format", "keys", env: MaskingTests.actions)
        #expect(keys.status == 0 && maskLines(keys.stderr).isEmpty, "key names are no secrets")
    }

    @Test func pullToAFileAndGetAreMaskedToo() throws {
        let box = try seeded()
        let file = box.root.appendingPathComponent("out.env").path
        let pull = try box.secr("pull", "-o", file, identity: "alice", env: MaskingTests.actions)
        #expect(pull.status == 0 && maskLines(pull.stderr).count == 5)
        #expect(!(try String(contentsOfFile: file, encoding: .utf8)).contains("::add-mask::"))
        let get = try box.secr("get", "PLAIN", identity: "alice", env: MaskingTests.actions)
        #expect(get.stdout == "plain-value\n" && maskLines(get.stderr) == ["::add-mask::plain-value"])
    }

    @Test func runMasksBeforeTheCommandStartsAndLeavesItsStdoutAlone() throws {
        let box = try seeded()
        let run = try box.secr("run", "--", "sh", "-c", "printf '%s' \"$PLAIN\"; echo started >&2", identity: "alice", env: MaskingTests.actions)
        #expect(run.status == 0 && run.stdout == "plain-value", "\(run.stderr)")
        let lines = run.stderr.split(separator: "\n").map(String.init)
        #expect(lines.last == "started" && maskLines(run.stderr).count == 5, "every mask comes before the command's output")
        let optOut = try box.secr("run", "--no-mask", "--", "true", identity: "alice", env: MaskingTests.actions)
        #expect(optOut.status == 0 && maskLines(optOut.stderr).isEmpty)
    }

    @Test func nothingIsMaskedOrPrintedWhenAccessIsDenied() throws {
        let box = try seeded()
        _ = try box.keygen("mallory")
        let run = try box.secr("pull", identity: "mallory", env: MaskingTests.actions)
        #expect(run.status == 3 && run.stdout.isEmpty && maskLines(run.stderr).isEmpty)
    }

    @Test func secrTokenIsAnotherNameForSecrIdentityAndNeverReachesTheCommand() throws {
        let box = try seeded()
        let key = try String(contentsOfFile: box.identityPath("alice"), encoding: .utf8)
        let get = try box.secr("get", "PLAIN", env: ["SECR_TOKEN": key])
        #expect(get.status == 0 && get.stdout == "plain-value\n", "\(get.stderr)")
        let run = try box.secr("run", "--", "sh", "-c", "printf '%s|%s' \"${SECR_TOKEN-unset}\" \"${SECR_IDENTITY-unset}\"",
                               env: ["SECR_TOKEN": key, "SECR_IDENTITY": key])
        #expect(run.status == 0 && run.stdout == "unset|unset", "\(run.stderr)")
        let none = try box.secr("get", "PLAIN")
        #expect(none.status == 3 && none.stderr.contains("$SECR_TOKEN"))
    }
}
