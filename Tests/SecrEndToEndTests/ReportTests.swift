import Foundation
import Testing

/// A store with every case the report must show: a key missing in production, a
/// development-only key, a value that differs, one that is the same everywhere, a tombstone,
/// a never-promote key shared against the policy, a custom CI role. Values are random per run,
/// so finding one in a report cannot be a coincidence.
struct ReportStore {
    let box: Sandbox
    /// Environment → key → value, everything that was ever set.
    let values: [String: [String: String]]

    /// The random part of every value, which no report may contain in any form.
    static func secret(_ tag: String) -> String {
        "\(tag)-\(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(20)) /+&<\"'%=~"
    }

    init() throws {
        box = try Sandbox()
        try box.project(members: ["dave": "developer"])
        #expect(try box.secr("role", "add", "ci-staging", "--read", "staging", identity: "alice").status == 0)
        let ci = try box.keygen("ci")
        #expect(try box.secr("member", "add", "ci", ci, "--role", "ci-staging", identity: "alice").status == 0)
        let same = ReportStore.secret("same"), shared = ReportStore.secret("shared")
        let values: [String: [String: String]] = [
            "development": ["SAME_EVERYWHERE": same, "DIFFERENT_VALUE": ReportStore.secret("dev"), "MISSING_IN_PRODUCTION": ReportStore.secret("m1"),
                            "DEVELOPMENT_ONLY": ReportStore.secret("only"), "RETIRED_KEY": ReportStore.secret("r1"), "SESSION_SECRET": shared],
            "staging": ["SAME_EVERYWHERE": same, "DIFFERENT_VALUE": ReportStore.secret("stg"), "MISSING_IN_PRODUCTION": ReportStore.secret("m2"),
                        "RETIRED_KEY": ReportStore.secret("r2"), "SESSION_SECRET": shared],
            "production": ["SAME_EVERYWHERE": same, "DIFFERENT_VALUE": ReportStore.secret("prd"), "RETIRED_KEY": ReportStore.secret("r3"),
                           "SESSION_SECRET": ReportStore.secret("ss3")],
        ]
        for (environment, pairs) in values.sorted(by: { $0.key < $1.key }) {
            let run = try box.secr(["set", "-e", environment] + pairs.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }, identity: "alice")
            #expect(run.status == 0, "\(run.stderr)")
        }
        #expect(try box.secr("unset", "RETIRED_KEY", "-e", "production", identity: "alice").status == 0)
        self.values = values
    }

    /// `secr report` as `who` (nil: without an identity).
    func report(_ arguments: String..., as who: String?) throws -> Run {
        try box.secr(["report"] + arguments, identity: who, env: who == nil ? ["SECR_IDENTITY_FILE": "/nonexistent"] : [:])
    }

    /// What the page shows, as Tests/browser/report_dom.py reads it.
    func dom(_ html: String) throws -> [String: Any] { try ReportStore.domOf(html, in: box) }

    static let domReader = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("browser/report_dom.py")
}

/// The cells of the key matrix from `report_dom.py`'s output: key → environment → attributes.
func matrix(_ dom: [String: Any]) -> [String: [String: [String: Any]]] {
    let keys = dom["keys"] as? [String: [String: Any]] ?? [:]
    return keys.mapValues { ($0["cells"] as? [String: [String: Any]]) ?? [:] }
}

/// Every form a value could take on a page: itself, HTML-escaped and as character references,
/// URL- and form-encoded, hex, JSON-escaped, and base64 (standard and URL-safe) at each of the
/// three alignments it can have inside a longer text.
func encodedForms(of value: String) -> [String: String] {
    let bytes = Array(value.utf8)
    var forms: [String: String] = ["raw": value]
    for shift in 0..<3 {
        let base64 = Data(bytes.dropFirst(shift)).base64EncodedString()
        let stable = String(base64.dropLast(4))
        forms["base64@\(shift)"] = stable
        forms["base64url@\(shift)"] = stable.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
    }
    forms["hex"] = bytes.map { String(format: "%02x", $0) }.joined()
    forms["HEX"] = bytes.map { String(format: "%02X", $0) }.joined()
    let url = value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    forms["url"] = url
    forms["url-lower"] = bytes.map { byte in
        (0x30...0x39).contains(byte) || (0x41...0x5a).contains(byte) || (0x61...0x7a).contains(byte)
            ? String(UnicodeScalar(byte)) : String(format: "%%%02x", byte)
    }.joined()
    forms["form"] = url.replacingOccurrences(of: "%20", with: "+")
    forms["html"] = value.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "'", with: "&#39;")
    forms["html-decimal"] = value.unicodeScalars.map { "&#\($0.value);" }.joined()
    forms["html-hex"] = value.unicodeScalars.map { "&#x\(String($0.value, radix: 16));" }.joined()
    let json = String(decoding: (try? JSONSerialization.data(withJSONObject: [value])) ?? Data(), as: UTF8.self)
    forms["json"] = String(json.dropFirst(2).dropLast(2))
    forms["json-unicode"] = value.unicodeScalars.map { String(format: "\\u%04x", $0.value) }.joined()
    return forms
}

@Suite struct ReportTests {
    @Test func matrixShowsMissingDevelopmentOnlyDifferentSameAndTombstone() throws {
        let store = try ReportStore()
        let run = try store.report(as: "alice")
        #expect(run.status == 0, "\(run.stderr)")
        let dom = try store.dom(run.stdout)
        #expect(dom["sections"] as? [String] == ["keys", "access", "audit", "problems", "integrity"])
        let cells = matrix(dom)
        #expect(cells.keys.sorted() == ["DEVELOPMENT_ONLY", "DIFFERENT_VALUE", "MISSING_IN_PRODUCTION", "RETIRED_KEY", "SAME_EVERYWHERE", "SESSION_SECRET"])
        func cell(_ key: String, _ environment: String) -> [String: Any] { cells[key]?[environment] ?? [:] }
        func state(_ key: String, _ environment: String) -> String? { cell(key, environment)["state"] as? String }
        func values(_ key: String, _ environment: String) -> String? { cell(key, environment)["values"] as? String }

        // A key missing in production stands out there, and its row says so.
        #expect(state("MISSING_IN_PRODUCTION", "production") == "missing")
        #expect((cell("MISSING_IN_PRODUCTION", "production")["class"] as? String)?.contains("missing") == true)
        #expect(state("MISSING_IN_PRODUCTION", "staging") == "value" && values("MISSING_IN_PRODUCTION", "staging") == "different")
        let rows = dom["keys"] as? [String: [String: Any]] ?? [:]
        #expect((rows["MISSING_IN_PRODUCTION"]?["text"] as? String)?.contains("missing in production") == true)
        #expect((rows["MISSING_IN_PRODUCTION"]?["class"] as? String)?.contains("incomplete") == true)
        // Development only.
        #expect(state("DEVELOPMENT_ONLY", "development") == "value" && state("DEVELOPMENT_ONLY", "staging") == "missing"
                && state("DEVELOPMENT_ONLY", "production") == "missing")
        #expect((rows["DEVELOPMENT_ONLY"]?["class"] as? String)?.contains("development-only") == true)
        #expect((rows["DEVELOPMENT_ONLY"]?["text"] as? String)?.contains("development only") == true)
        // Different and same, judged per cell; versions and signers shown.
        for environment in ["development", "staging", "production"] {
            #expect(values("DIFFERENT_VALUE", environment) == "different")
            #expect(values("SAME_EVERYWHERE", environment) == "same")
            #expect(cell("SAME_EVERYWHERE", environment)["version"] as? String == "1")
            #expect(cell("SAME_EVERYWHERE", environment)["signer"] as? String == "alice")
        }
        // The tombstone: unset, with its version (set v1, unset v2) and signer.
        #expect(state("RETIRED_KEY", "production") == "tombstone")
        #expect(cell("RETIRED_KEY", "production")["version"] as? String == "2")
        #expect((cell("RETIRED_KEY", "production")["text"] as? String)?.contains("unset (v2) by alice") == true)
        #expect(values("RETIRED_KEY", "development") == "different")
        // The never-promote policy: shown, and a shared value against it flagged (doctor's error too).
        #expect(run.stdout.contains("id=\"never-promote\"") && run.stdout.contains("<code>*SESSION_SECRET*</code>"))
        #expect((rows["SESSION_SECRET"]?["text"] as? String)?.contains("never-promote (*SESSION_SECRET*)") == true)
        #expect((cell("SESSION_SECRET", "development")["class"] as? String)?.contains("shared") == true)
        #expect((cell("SESSION_SECRET", "development")["text"] as? String)?.contains("same as staging") == true)
        #expect((cell("SESSION_SECRET", "production")["class"] as? String)?.contains("shared") == false)

        // Members × environments, with the custom CI role marked.
        let access = try #require(dom["access"] as? [String: [String: Any]])
        #expect(access.keys.sorted() == ["alice", "ci", "dave"])
        #expect(access["ci"]?["machine"] as? Bool == true && access["ci"]?["role"] as? String == "ci-staging")
        #expect(access["ci"]?["cells"] as? [String: String] == ["development": "none", "staging": "read", "production": "none"])
        #expect((access["ci"]?["text"] as? String)?.contains("custom role") == true)
        #expect(access["dave"]?["machine"] as? Bool == false)
        #expect(access["dave"]?["cells"] as? [String: String] == ["development": "read-write", "staging": "read-write", "production": "none"])
        #expect(access["alice"]?["cells"] as? [String: String] == ["development": "read-write", "staging": "read-write", "production": "read-write"])

        // Recent events: verified signer beside the git author.
        let events = try #require(dom["events"] as? [[String: Any]])
        let logged = try #require(try JSONSerialization.jsonObject(with: try store.box.secr("log", "--json").stdoutData) as? [Any])
        #expect(logged.count > 3 && events.count == min(20, logged.count), "the newest 20 at most")
        #expect(events.allSatisfy { $0["verified"] as? Bool == true && $0["permitted"] as? Bool == true })
        let newest = events.first?["text"] as? String ?? ""
        #expect(newest.contains("unset RETIRED_KEY (v2) in production") && newest.contains("alice") && newest.contains("Alice Example <alice@example.com>"), "\(newest)")
        #expect(try store.dom(try store.report("-n", "3", as: "alice").stdout)["events"].map { ($0 as? [Any])?.count } == 3)

        // Problems, each with its fix; integrity with the same root `secr pin` prints.
        let findings = try #require(dom["findings"] as? [[String: Any]])
        let missing = findings.first { $0["check"] as? String == "missing-in-production" && ($0["text"] as? String ?? "").contains("MISSING_IN_PRODUCTION") }
        #expect((missing?["text"] as? String)?.contains("secr promote MISSING_IN_PRODUCTION --from staging --to production") == true)
        #expect(findings.contains { $0["check"] as? String == "shared-value" && $0["severity"] as? String == "error" })
        #expect(findings.first?["severity"] as? String == "error", "errors come first")
        let pin = try store.box.secr("pin").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(dom["root"] as? String == pin)
        #expect((dom["head"] as? String)?.hasPrefix("\(try store.box.secr("pin", "--head").stdout.trimmingCharacters(in: .whitespacesAndNewlines))") == true)
        #expect(dom["pin"] as? String == "matches this clone's pin (root and head)")
        #expect((dom["verification"] as? String)?.hasPrefix("every signature verifies") == true)

        // Self-contained: nothing to run or fetch.
        #expect(dom["scripts"] as? Int == 0)
        #expect((dom["external"] as? [String])?.isEmpty == true, "\(dom["external"] ?? "")")
        #expect((dom["handlers"] as? [String])?.isEmpty == true)
        #expect(run.stdout.contains("Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\""))
        #expect(run.stdout.contains("@media print"))
    }

    /// Without an identity the report is the same page with every verdict unknown; with one that
    /// reads only development and staging, production is unknown and the rest is compared.
    @Test func withoutAnIdentityVerdictsSayUnknownAndNothingElseChanges() throws {
        let store = try ReportStore()
        let owner = matrix(try store.dom(try store.report(as: "alice").stdout))
        let anonymousRun = try store.report(as: nil)
        #expect(anonymousRun.status == 0, "\(anonymousRun.stderr)")
        #expect(anonymousRun.stdout.contains("made without an identity"))
        let anonymous = matrix(try store.dom(anonymousRun.stdout))
        let developer = matrix(try store.dom(try store.report(as: "dave").stdout))
        for (key, cells) in owner {
            for (environment, cell) in cells {
                let other = anonymous[key]?[environment] ?? [:]
                #expect(other["state"] as? String == cell["state"] as? String && other["version"] as? String == cell["version"] as? String
                        && other["signer"] as? String == cell["signer"] as? String, "\(key) in \(environment)")
                let verdict = cell["values"] as? String
                #expect(other["values"] as? String == (verdict == "none" ? "none" : "unknown"), "\(key) in \(environment)")
                let dave = developer[key]?[environment]?["values"] as? String
                if environment == "production" { #expect(dave == (verdict == "none" ? "none" : "unknown")) }
            }
        }
        #expect(developer["DIFFERENT_VALUE"]?["staging"]?["values"] as? String == "different")
        #expect(developer["SAME_EVERYWHERE"]?["development"]?["values"] as? String == "same")
        #expect((developer["SAME_EVERYWHERE"]?["development"]?["text"] as? String)?.contains("same as staging") == true,
                "same as the environments it could compare, production unknown")
        let markdown = try store.report("--format", "markdown", as: nil)
        #expect(markdown.status == 0 && markdown.stdout.contains("| `SAME_EVERYWHERE` | v1 by alice · unknown |"), "\(markdown.stdout)")
    }

    @Test func markdownGivesTheSameReport() throws {
        let store = try ReportStore()
        let run = try store.report("--format", "markdown", as: "alice")
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.components(separatedBy: "\n")
        for heading in ["## secr report: ", "### Keys × environments", "### Members × environments", "### Recent audit events", "### Problems", "### Integrity"] {
            #expect(lines.contains { $0.hasPrefix(heading) }, "\(heading)")
        }
        #expect(lines.contains("| key | development | staging | production |"))
        func row(_ key: String) -> [String] {
            (lines.first { $0.hasPrefix("| `\(key)`") } ?? "").components(separatedBy: " | ")
        }
        #expect(row("MISSING_IN_PRODUCTION").first == "| `MISSING_IN_PRODUCTION`<br>**missing in production**")
        #expect(row("MISSING_IN_PRODUCTION").last == "**missing** |")
        #expect(row("DEVELOPMENT_ONLY").first?.contains("**development only**") == true)
        #expect(row("DIFFERENT_VALUE").dropFirst().allSatisfy { $0.contains("· **different**") })
        #expect(row("SAME_EVERYWHERE").dropFirst().allSatisfy { $0.contains("v1 by alice · same") })
        #expect(row("RETIRED_KEY").last == "**unset (v2)** by alice |")
        #expect(lines.contains("| ci | ci-staging (custom role) **CI** | — | — | read | — |"))
        #expect(lines.contains { $0.contains("`secr promote MISSING_IN_PRODUCTION --from staging --to production`") })
        #expect(lines.contains("- roster root: `\(try store.box.secr("pin").stdout.trimmingCharacters(in: .whitespacesAndNewlines))`"))
        // Written to a file as well.
        let path = store.box.root.appendingPathComponent("summary.md").path
        let written = try store.report("--format", "markdown", "-o", path, as: "alice")
        #expect(written.status == 0 && written.stdout.isEmpty)
        let file = try String(contentsOfFile: path, encoding: .utf8)
        #expect(file.contains("### Keys × environments") && file.contains("| `MISSING_IN_PRODUCTION`"))
    }

    /// The report is for sharing: no value of the store, in any encoding, in any report anyone
    /// can make of it, and no ciphertext, nonce, commitment or sealed key either.
    @Test func noValueAppearsInAnyFormOrEncoding() throws {
        let store = try ReportStore()
        var reports: [String: String] = [:]
        for who in ["alice", "dave", "ci", nil] as [String?] {
            for format in ["html", "markdown"] {
                let run = try store.report("--format", format, as: who)
                #expect(run.status == 0, "\(run.stderr)")
                #expect(!run.stdout.isEmpty)
                reports["\(who ?? "anonymous") \(format)"] = run.stdout + run.stderr
            }
        }
        let values = Set(store.values.values.flatMap(\.values))
        #expect(values.count == 12, "fifteen values, two of them shared between environments")
        for value in values {
            // The random middle alone, too: no prefix, suffix or part of it either.
            let random = String(value.split(separator: "-")[1].prefix(20))
            var forms = encodedForms(of: value)
            for start in stride(from: 0, through: random.count - 8, by: 4) {
                forms["part@\(start)"] = String(Array(random)[start..<start + 8])
            }
            for (name, report) in reports {
                for (form, text) in forms where !text.isEmpty {
                    #expect(!report.contains(text), "the \(form) form of a value is in the \(name) report")
                }
            }
        }
        for environment in ["development", "staging", "production"] {
            let file = try store.box.read(".secr/env/\(environment).secr")
            let sealed = file.split(separator: "\n").flatMap { line in
                ["box", "kc", "nonce", "ct", "vk", "sig"].compactMap { String(line).field($0) }
            }
            #expect(sealed.count > 10)
            for field in sealed {
                for (name, report) in reports { #expect(!report.contains(field), "\(environment) ciphertext in the \(name) report") }
            }
        }
    }

    /// Git authors are whatever a pusher wrote: a crafted commit's author must stay text in
    /// the page, in markdown and on the terminal, never markup, a link or an escape sequence.
    @Test func namesFromGitAreEscapedEverywhere() throws {
        let box = try Sandbox()
        try box.project()
        #expect(try box.secr("set", "A=1", "--no-commit", identity: "alice").status == 0)
        let tree = try box.git("write-tree").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let parent = try box.git("rev-parse", "HEAD").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        // git itself strips < and > from names; an attacker writes the object directly.
        let author = "Mallory <img src=x onerror=alert(1)><script>alert(2)</script> | [click](https://evil.example) @here `x` \u{1b}[2J \u{202e}evil <m@evil.example>"
        let commit = "tree \(tree)\nparent \(parent)\nauthor \(author) 1700000000 +0000\ncommitter M <m@x> 1700000000 +0000\n\nset A\n"
        let id = try box.exec(URL(fileURLWithPath: "/usr/bin/git"), ["hash-object", "-t", "commit", "-w", "--stdin"], input: Data(commit.utf8))
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try box.git("update-ref", "HEAD", id)
        try box.git("reset", "-q")
        #expect(try box.secr("log", "-n", "1").stdout.contains("Mallory"), "the event is in the audit log")

        let html = try box.secr("report", identity: "alice")
        #expect(html.status == 0, "\(html.stderr)")
        for raw in ["<img", "<script", "\u{1b}", "\u{202e}"] {
            #expect(!html.stdout.contains(raw), "\(raw.debugDescription) reached the page")
        }
        #expect(html.stdout.contains("Mallory &lt;img src=x onerror=alert(1)&gt;&lt;script&gt;alert(2)&lt;/script&gt;"))
        #expect(html.stdout.contains("\\x1b[2J") && html.stdout.contains("\\u{202e}evil"))
        let dom = try ReportStore.domOf(html.stdout, in: box)
        #expect(dom["scripts"] as? Int == 0 && (dom["external"] as? [String])?.isEmpty == true && (dom["handlers"] as? [String])?.isEmpty == true)
        let events = dom["events"] as? [[String: Any]] ?? []
        #expect((events.first?["text"] as? String)?.contains("Mallory <img src=x onerror=alert(1)><script>alert(2)</script>") == true,
                "shown as the text it is")

        let markdown = try box.secr("report", "--format", "markdown", identity: "alice").stdout
        let line = try #require(markdown.components(separatedBy: "\n").first { $0.contains("Mallory") })
        #expect(line.contains("``Mallory <img src=x onerror=alert(1)><script>alert(2)</script> \\| [click](https://evil.example) @here `x` \\x1b[2J \\u{202e}evil <m@evil.example>``"),
                "a code span: literal, no link, no mention, no new cell: \(line)")
        #expect(line.components(separatedBy: " | ").count == 5, "five cells: \(line)")
        #expect(!markdown.contains("\u{1b}") && !markdown.contains("\u{202e}"))
    }

    /// A file that does not verify is shown as such, with its reason, and the rest of the page
    /// is still there; exit 0, since the page was written (verify is the gate).
    @Test func anEnvironmentThatDoesNotVerifyIsShownNotHidden() throws {
        let store = try ReportStore()
        try store.box.editLine(".secr/env/staging.secr", containing: "secret key=SAME_EVERYWHERE ") { $0.replacingField("sig", with: flipped($0.field("sig") ?? "")) }
        let run = try store.report(as: "alice")
        #expect(run.status == 0, "\(run.stderr)")
        let dom = try store.dom(run.stdout)
        let cells = matrix(dom)
        #expect(cells["SAME_EVERYWHERE"]?["staging"]?["state"] as? String == "unverified")
        #expect(cells["SAME_EVERYWHERE"]?["production"]?["state"] as? String == "value")
        #expect(run.stdout.contains("staging could not be compared: .secr/env/staging.secr: SAME_EVERYWHERE"))
        #expect((dom["verification"] as? String)?.hasPrefix("1 integrity problem") == true)
        let findings = dom["findings"] as? [[String: Any]] ?? []
        #expect(findings.first?["severity"] as? String == "error")
        #expect((dom["access"] as? [String: Any])?.count == 3, "the rest of the page is there")
    }

    /// The pin as the clone had it before the report read the store: first use, then matching,
    /// or the root the operator gave; a store outside git (pinned in the user's config) too.
    @Test func integritySaysWhatThePinWasBeforeThisRead() throws {
        let store = try ReportStore()
        let root = try store.box.secr("pin").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try store.dom(try store.report(as: nil).stdout)["pin"] as? String == "matches this clone's pin (root and head)")
        let expected = try store.box.secr("report", "--expect-root", root, env: ["SECR_IDENTITY_FILE": "/nonexistent"])
        #expect((try store.dom(expected.stdout)["pin"] as? String)?.hasPrefix("matches the root the operator expects") == true)
        #expect(try store.box.secr("report", "--expect-root", String(root.reversed())).status == 4, "a roster that is not the expected one is refused")

        let outside = try Sandbox(gitRepository: false)
        let copy = outside.root.appendingPathComponent("store")
        try FileManager.default.copyItem(at: store.box.path(".secr"), to: copy)
        let first = try outside.secr("--store", copy.path, "report", "--format", "markdown", directory: outside.root)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("this clone had pinned nothing: pinned now, on first use"))
        #expect(first.stdout.contains("the store is not in a git repository, so there is no history to show"))
        let second = try outside.secr("--store", copy.path, "report", "--format", "markdown", directory: outside.root)
        #expect(second.stdout.contains("- this clone's pin: matches this clone's pin"), "\(second.stdout)")
    }

    @Test func reportIsDocumentedInHelpAndManPage() throws {
        let box = try Sandbox(gitRepository: false)
        let help = try box.secr("report", "--help")
        #expect(help.status == 0)
        #expect(help.stdout.contains("secr report") && help.stdout.contains("--format") && help.stdout.contains("GITHUB_STEP_SUMMARY"))
        #expect(try box.secr("--help").stdout.contains("report"))
        #expect(try box.secr("man").stdout.contains("report"))
        #expect(try box.secr("report", "--format", "pdf").status == 2)
    }
}

extension ReportStore {
    /// `report_dom.py` on a page from any sandbox.
    static func domOf(_ html: String, in box: Sandbox) throws -> [String: Any] {
        let run = try box.exec(URL(fileURLWithPath: "/usr/bin/env"), ["python3", domReader.path], input: Data(html.utf8))
        #expect(run.status == 0, "\(run.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: run.stdoutData) as? [String: Any])
    }
}
