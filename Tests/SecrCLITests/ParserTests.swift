import XCTest
@testable import SecrCLI

/// The parser on its own, with a small command tree shaped like secr's.
final class ParserTests: XCTestCase {
    enum Format: String, ChoiceValue { case dotenv, json }

    static let env = Option<String>("-e", "--env", value: "ENV", help: "environment", completion: .environment)
    static let directory = Option<String>("-C", value: "DIR", help: "directory")
    static let format = Option<Format>("--format", value: "FORMAT", help: "format")
    static let count = Option<Int>("-n", value: "N", help: "count")
    static let role = Option<String>("--role", value: "ROLE", help: "role", completion: .role)
    static let read = Option<String>("--read", value: "ENV", help: "reads")
    static let json = Flag("--json", help: "json")

    static let cli = CommandLineInterface(
        program: "tool", summary: "a tool", globals: [env.spec, directory.spec],
        commands: [
            CommandSpec("pull", summary: "pull", options: [format.spec, json.spec]) { _ in 0 },
            CommandSpec("run", summary: "run", trailing: "CMD [ARGS…]") { _ in 0 },
            CommandSpec("log", summary: "log", arguments: [ArgumentSpec("KEY", optional: true)], options: [count.spec]) { _ in 0 },
            CommandSpec("member", summary: "members", children: [
                CommandSpec("add", summary: "add", arguments: [ArgumentSpec("NAME"), ArgumentSpec("PUBKEY")], options: [role.spec],
                            required: ["role"]) { _ in 0 },
                CommandSpec("list", summary: "list", options: [json.spec]) { _ in 0 },
            ]),
            CommandSpec("role", summary: "roles", children: [
                CommandSpec("add", summary: "add", arguments: [ArgumentSpec("NAME")], options: [read.spec]) { _ in 0 },
                CommandSpec("remove", summary: "remove", arguments: [ArgumentSpec("NAME")]) { _ in 0 },
            ]),
        ])

    func parse(_ line: String) throws -> ParsedArguments { try ParserTests.cli.parse(line.split(separator: " ").map(String.init)) }

    func usageError(_ line: String, file: StaticString = #filePath, lineNumber: UInt = #line) -> UsageError? {
        do {
            _ = try parse(line)
            XCTFail("\(line) parsed", file: file, line: lineNumber)
        } catch let error as UsageError {
            return error
        } catch {
            XCTFail("\(error)", file: file, line: lineNumber)
        }
        return nil
    }

    func testInlineAndSeparateValuesAndGluedShortOptions() throws {
        let a = try parse("pull --format=json -e staging")
        XCTAssertEqual(a.value(ParserTests.format), .json)
        XCTAssertEqual(a.value(ParserTests.env), "staging")
        let b = try parse("-Cdir -eproduction pull")
        XCTAssertEqual(b.value(ParserTests.directory), "dir")
        XCTAssertEqual(b.value(ParserTests.env), "production")
        XCTAssertEqual(b.path, ["pull"])
    }

    func testGlobalOptionsBeforeTheCommandAndRepeatedOptions() throws {
        let a = try parse("-e staging -e production member list --json")
        XCTAssertEqual(a.path, ["member", "list"])
        XCTAssertEqual(a.value(ParserTests.env), "production", "the last value wins")
        XCTAssertEqual(a.values(ParserTests.env), ["staging", "production"])
        XCTAssertTrue(a.has(ParserTests.json))
    }

    func testNothingAfterTheDoubleDashIsParsed() throws {
        let a = try parse("run -e staging -- npm test --no-color -e x")
        XCTAssertEqual(a.trailing, ["npm", "test", "--no-color", "-e", "x"])
        XCTAssertEqual(a.value(ParserTests.env), "staging")
        XCTAssertEqual(usageError("pull -- x")?.message, "pull takes nothing after --")
        let extra = usageError("run npm test")
        XCTAssertTrue(extra?.hint?.contains("-- npm test") ?? false, "\(String(describing: extra))")
    }

    func testValuesAreCheckedWhenParsed() {
        let format = usageError("pull --format yml")
        XCTAssertEqual(format?.message, "--format takes one of: dotenv, json, not 'yml'")
        XCTAssertEqual(usageError("log -n 0")?.message, "-n takes a positive number, not '0'")
        XCTAssertEqual(usageError("pull --format")?.message, "--format needs a value (FORMAT)")
        XCTAssertEqual(usageError("pull --json=yes")?.message, "--json takes no value")
    }

    func testOptionsOnTheWrongSubcommandAreRefusedNamingTheirOwner() {
        let wrong = usageError("member list --role owner")
        XCTAssertEqual(wrong?.message, "--role is not an option for `tool member list`")
        XCTAssertEqual(wrong?.hint, "--role belongs to `tool member add`")
        XCTAssertEqual(wrong?.path, ["member", "list"])
        XCTAssertEqual(usageError("role remove x --read dev")?.hint, "--read belongs to `tool role add`")
        XCTAssertEqual(usageError("--role x member add")?.message, "--role is not an option before a command")
    }

    func testUnknownCommandsSubcommandsAndOptionsComeWithSuggestions() {
        XCTAssertEqual(usageError("pul")?.hint, "did you mean pull?")
        XCTAssertEqual(usageError("member ad")?.hint, "did you mean add?")
        XCTAssertEqual(usageError("pull --fromat json")?.hint, "did you mean --format?")
        XCTAssertEqual(usageError("frobnicate")?.hint, "commands: pull, run, log, member, role")
        XCTAssertEqual(usageError("member")?.message, "`tool member` needs a subcommand: add, list")
    }

    func testPositionalCountsAndRequiredOptions() {
        XCTAssertEqual(usageError("member add bob")?.message, "missing PUBKEY")
        XCTAssertEqual(usageError("member add bob key")?.message, "--role ROLE is required")
        XCTAssertEqual(usageError("log a b")?.message, "too many arguments: 'b'")
        XCTAssertNoThrow(try parse("log"))
        XCTAssertNoThrow(try parse("member add bob key --role developer"))
    }

    func testHelpIsRecognisedAnywhereAndStopsChecking() throws {
        let a = try parse("member add --help")
        XCTAssertTrue(a.wantsHelp)
        XCTAssertEqual(a.path, ["member", "add"])
    }

    func testSuggestionsAreCloseOrNothing() {
        XCTAssertEqual(Suggestions.closest(to: "prod", among: ["development", "staging", "production"]), "production")
        XCTAssertEqual(Suggestions.closest(to: "stagign", among: ["development", "staging", "production"]), "staging")
        XCTAssertEqual(Suggestions.closest(to: "database_url", among: ["DATABASE_URL", "API_KEY"]), "DATABASE_URL")
        XCTAssertEqual(Suggestions.closest(to: "devloper", among: ["viewer", "developer", "admin", "owner"]), "developer")
        XCTAssertNil(Suggestions.closest(to: "zzz", among: ["development", "staging"]))
        XCTAssertEqual(Suggestions.distance("ab", "ba"), 1, "a swap of neighbours is one edit")
        XCTAssertEqual(Suggestions.quoted("x\u{1b}[2Jy"), "'x[2Jy'", "no control characters in messages")
    }

    func testUsageAndHelpAreGeneratedFromTheDeclarations() {
        XCTAssertEqual(ParserTests.cli.usage(["member", "add"]), ["tool member add NAME PUBKEY --role ROLE"])
        XCTAssertEqual(ParserTests.cli.usage(["pull"]), ["tool pull [--format FORMAT] [--json]"])
        XCTAssertEqual(ParserTests.cli.usage(["run"]), ["tool run -- CMD [ARGS…]"])
        XCTAssertEqual(ParserTests.cli.usage(["member"]).count, 2)
        let help = ParserTests.cli.help(["member", "add"])
        XCTAssertTrue(help.contains("usage: tool member add NAME PUBKEY --role ROLE"))
        XCTAssertTrue(help.contains("--role ROLE") && help.contains("-e, --env ENV"))
    }

    func testCompletionScriptsAndManPageCoverEveryCommand() {
        let bash = ParserTests.cli.completionScript(for: .bash)
        XCTAssertTrue(bash.contains("\"member\") echo \"add list\""))
        XCTAssertTrue(bash.contains("\"pull|--format\") echo \"choices:dotenv json\""))
        XCTAssertTrue(bash.contains("\"member add|--role\") echo \"role\""))
        XCTAssertTrue(bash.contains("complete -F _tool tool"))
        XCTAssertTrue(ParserTests.cli.completionScript(for: .zsh).hasPrefix("#compdef tool"))
        let fish = ParserTests.cli.completionScript(for: .fish)
        XCTAssertTrue(fish.contains("-a 'member'") && fish.contains("-l format"))
        let man = ParserTests.cli.manPage(version: "1.0", date: "2026-12-01", description: "Does things.", sections: [])
        XCTAssertTrue(man.hasPrefix(".TH TOOL 1"))
        for path in ["tool member add NAME PUBKEY \\-\\-role ROLE", "tool pull", "tool role remove NAME"] {
            XCTAssertTrue(man.contains(path), path)
        }
    }
}
