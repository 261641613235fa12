import Testing
@testable import SecrCore

@Suite struct AllowlistTests {
    static let text = """
        # secr allowlist
        secr-allow v1 salt=AAAAAAAAAAAAAAAAAAAAAA
        allow rule=generic-password hash=abc path=config/*.yml reason=a documented example

        allow rule=aws-access-key hash=def path=docs/aws.md reason=AWS's own example key
        """

    @Test func anAllowlistSavedWithCRLFLineEndsReadsAsTheSameEntries() throws {
        let lf = try Allowlist.parse(Array(Self.text.utf8), path: ".secr/allow")
        let crlf = try Allowlist.parse(Array(Self.text.replacingOccurrences(of: "\n", with: "\r\n").utf8), path: ".secr/allow")
        #expect(lf.entries.count == 2)
        #expect(crlf.entries.map(\.reason) == lf.entries.map(\.reason))
        #expect(crlf.entries.map(\.path) == ["config/*.yml", "docs/aws.md"])
        #expect(crlf.text == lf.text)
    }

    /// The allowlist is committed, so a hostile branch writes it: an entry with nothing between
    /// `allow` and `reason=` is an error naming the line, not a crash of the hook.
    @Test(arguments: ["allow reason=x", "allow reason=", "allow  reason=x", "allow rule=a reason=x"])
    func anEntryWithoutItsFieldsIsRefusedByLine(line: String) {
        #expect {
            try Allowlist.parse(Array((Self.text + "\n" + line + "\n").utf8), path: ".secr/allow")
        } throws: { error in
            "\(error)".contains(".secr/allow:6:")
        }
    }

    /// `secr scan --baseline` writes entries for files a branch named: a space in the path split
    /// the field (the entry never matched again), and a line break wrote a line of its own.
    @Test func baselineEntriesForAnyPathReadBackAndStillAllowTheirFinding() throws {
        var list = try Allowlist.parse(Array(Self.text.utf8), path: ".secr/allow")
        let paths = ["docs/My File.md", "x\nallow rule=github-token hash=h path=** reason=x", "tab\there", "\u{7f}del", "plain/ok.yml"]
        let findings = paths.map { path in
            ScanFinding(path: path, line: 1, rule: "github-token", title: "t", severity: .block, preview: "ghp_…", fix: "f",
                        matchHash: list.hash(rule: "github-token", match: Array("ghp_\(path)".utf8)))
        }
        for finding in findings { list.add(finding, reason: "fixture\nallow rule=x hash=y path=** reason=z") }
        let again = try Allowlist.parse(Array(list.text.utf8), path: ".secr/allow")
        #expect(again.entries.count == 2 + paths.count)
        #expect(!again.entries.contains { $0.path == "**" || $0.rule == "x" })
        for finding in findings { #expect(again.allows(finding), "\(finding.path.debugDescription)") }
        #expect(again.entries.last?.reason == "fixture allow rule=x hash=y path=** reason=z")
    }

    @Test func aLineThatIsNotAnEntryIsNamedByItsNumberWhateverTheLineEnds() {
        let broken = Self.text.replacingOccurrences(of: "\n", with: "\r\n") + "\r\nallow rule=x\r\n"
        #expect {
            try Allowlist.parse(Array(broken.utf8), path: ".secr/allow")
        } throws: { error in
            "\(error)".contains(".secr/allow:6:")
        }
    }
}
