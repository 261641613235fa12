import Foundation
import Testing

/// The command line of the real binary (issue 10): the command tree, suggestions, generated
/// help, shell completion and the man page.
@Suite struct CLITests {
    @Test func suggestionsForCommandsSubcommandsOptionsEnvironmentsKeysAndRoles() throws {
        let box = try Sandbox()
        try box.project()
        #expect(try box.secr("set", "DATABASE_URL=postgres://x", identity: "alice").status == 0)
        let cases: [([String], String, Int32)] = [
            (["pul"], "did you mean pull?", 2),
            (["member", "ad"], "did you mean add?", 2),
            (["pull", "--fromat", "json"], "did you mean --format?", 2),
            (["pull", "--format", "jsno"], "did you mean json?", 2),
            (["pull", "-e", "prod"], "did you mean production?", 2),
            (["get", "database_url"], "did you mean DATABASE_URL?", 1),
            (["member", "add", "bob", try box.keygen("bob"), "--role", "devloper"], "did you mean developer?", 2),
            (["member", "remove", "alcie"], "did you mean alice?", 2),
            (["help", "pul"], "did you mean pull?", 2),
        ]
        for (arguments, hint, status) in cases {
            let run = try box.secr(arguments, identity: "alice")
            #expect(run.status == status, "\(arguments): \(run.stderr)")
            #expect(run.stderr.contains("secr: hint: \(hint)"), "\(arguments): \(run.stderr)")
        }
    }

    @Test func optionsBelongToTheirCommandAndArgvIsReadOnce() throws {
        let box = try Sandbox()
        try box.project()
        let wrong = try box.secr("member", "list", "--role", "owner", identity: "alice")
        #expect(wrong.status == 2 && wrong.stderr.contains("--role belongs to `secr member add`"), "\(wrong.stderr)")
        #expect(try box.secr("role", "remove", "x", "--read", "dev", identity: "alice").status == 2)
        #expect(try box.secr("--frob", "x", "run").status == 2)
        // The child's options after -- are its own, even ones secr also has.
        let run = try box.secr("run", "--", "/bin/echo", "--no-color", "-e", "x", identity: "alice")
        #expect(run.status == 0 && run.stdout == "--no-color -e x\n", "\(run.stderr)")
        let help = try box.secr("member", "add", "--help")
        #expect(help.status == 0 && help.stdout.contains("usage: secr member add NAME PUBKEY --role ROLE"))
        #expect(!help.stdout.contains("set-role"), "the help of one subcommand, not the whole group")
        #expect(try box.secr("help", "nosuch").status == 2)
        #expect(try box.secr("help", "member", "add").stdout == help.stdout)
    }

    @Test func bashCompletionCompletesCommandsOptionsAndNamesButNeverValues() throws {
        let box = try Sandbox()
        try box.project()
        #expect(try box.secr("set", "DATABASE_URL=postgres://hidden-value", "API_KEY=another-hidden", identity: "alice").status == 0)
        let script = try box.secr("completion", "bash")
        #expect(script.status == 0)
        let file = box.root.appendingPathComponent("secr.bash")
        try script.stdoutData.write(to: file)
        func complete(_ words: [String]) throws -> String {
            let quoted = words.map { "'\($0)'" }.joined(separator: " ")
            let run = try box.exec(URL(fileURLWithPath: "/bin/bash"),
                                   ["-c", "source \(file.path); COMP_WORDS=(\(quoted)); COMP_CWORD=\(words.count - 1); _secr; echo \"${COMPREPLY[*]}\""],
                                   env: ["PATH": Sandbox.binary.deletingLastPathComponent().path + ":/usr/bin:/bin"])
            #expect(run.status == 0, "\(run.stderr)")
            return run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(try complete(["secr", "pu"]) == "pull")
        #expect(try complete(["secr", "member", ""]) == "add remove set-role set-key list")
        #expect(try complete(["secr", "-e", ""]) == "development staging production")
        #expect(try complete(["secr", "get", ""]) == "API_KEY DATABASE_URL")
        #expect(try complete(["secr", "pull", "--format", ""]) == "dotenv json shell yaml nul keys")
        #expect(try complete(["secr", "member", "add", "x", "y", "--role", ""]) == "admin developer owner viewer")
        #expect(try complete(["secr", "pull", "--fo"]) == "--format")
        for shell in ["zsh", "fish"] {
            let other = try box.secr("completion", shell)
            #expect(other.status == 0 && other.stdout.contains("__complete"))
        }
        let all = try box.secr("__complete", "key", identity: "alice").stdout
        #expect(!all.contains("hidden"), "names only")
    }

    @Test func theManPageRendersAndCoversEveryCommand() throws {
        let box = try Sandbox(gitRepository: false)
        let page = try box.secr("man")
        #expect(page.status == 0 && page.stdout.hasPrefix(".TH SECR 1"))
        let file = box.root.appendingPathComponent("secr.1")
        try page.stdoutData.write(to: file)
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/groff") {
            let render = try box.exec(URL(fileURLWithPath: "/usr/bin/groff"), ["-man", "-Tutf8", "-ww", "-P-cbou", file.path])
            #expect(render.status == 0 && render.stderr.isEmpty, "\(render.stderr)")
            let text = render.stdout
            for command in ["secr member add", "secr pull", "secr verify", "secr completion", "secr policy inject allow"] {
                #expect(text.contains(command), "\(command)")
            }
        }
    }

    @Test func scriptsInstallPutsTheBinaryManPageCompletionsAndHookUnderPrefix() throws {
        let box = try Sandbox(gitRepository: false)
        let prefix = box.root.appendingPathComponent("prefix")
        let script = Sandbox.referenceDirectory.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("scripts/install")
        let run = try box.exec(script, [prefix.path, Sandbox.binary.path])
        #expect(run.status == 0, "\(run.stderr)")
        for file in ["bin/secr", "share/man/man1/secr.1", "share/bash-completion/completions/secr", "share/zsh/site-functions/_secr",
                     "share/fish/vendor_completions.d/secr.fish", "share/secr/pre-commit"] {
            #expect(FileManager.default.fileExists(atPath: prefix.appendingPathComponent(file).path), "\(file)")
        }
        #expect(try box.exec(prefix.appendingPathComponent("bin/secr"), ["--version"]).stdout.hasPrefix("secr "))
    }
}
