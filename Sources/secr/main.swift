import Glibc
import SecrCLI
import SecrCore

let version = Release.version

let commands: [CommandSpec] = [
    keygenCommand, identityCommand, whoamiCommand, initCommand, setCommand, getCommand, unsetCommand, pullCommand, runCommand,
    memberCommand, roleCommand, envCommand, exposureCommand, rotateCommand, verifyCommand, pinCommand, logCommand,
    reviewCommand, diffCommand, mergeCommand, resolveCommand, setupCommand, setupGitCommand, promoteCommand, policyCommand,
    compareCommand, reportCommand, importCommand, exportCommand, editCommand, doctorCommand, upgradeCommand,
    scanCommand, hooksCommand, completionCommand, helpCommand, completeCommand, manCommand,
]

let secrCLI = CommandLineInterface(
    program: "secr", summary: "secrets per environment, encrypted inside your git repository",
    globals: Global.all, commands: commands,
    footer: """
        exit status: 0 ok, 1 error, 2 usage, 3 access denied, 4 integrity failure, 5 leak found.
        `secr COMMAND --help` explains a command. Docs: README.md, docs/FORMAT.md, `man secr`.
        """)

/// With `--json` (or `--format json`), an error is printed on stderr as one JSON object, its
/// hint a field of it, so a script can read it; stdout stays empty (it may be redirected to a
/// file that must not receive an error).
func jsonError(_ message: String, hint: String?, status: Int32) -> String {
    JSONValue.object([("error", .object([("message", .string(message)), ("hint", .optional(hint)), ("exit", .number(Int(status)))]))]).rendered
}

/// Prints an error, its hint and (for usage errors) the command's usage; returns the exit status.
func report(_ error: Error, console: Console, json: Bool) -> Int32 {
    guard json else { return report(error, console: console) }
    switch error {
    case let failure as UsageError:
        console.diagnostic(jsonError(failure.message, hint: failure.hint, status: 2))
        return 2
    case let failure as SecrError:
        let guess = failure.unknown.flatMap { Suggestions.didYouMean($0.given, among: $0.candidates) }
        console.diagnostic(jsonError(failure.message, hint: [guess, failure.hint].compactMap { $0 }.joined(separator: "; ").nilIfEmpty,
                                     status: failure.kind.rawValue))
        return failure.kind.rawValue
    default:
        console.diagnostic(jsonError("unexpected failure: \(error)", hint: nil, status: 1))
        return 1
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}

func report(_ error: Error, console: Console) -> Int32 {
    switch error {
    case let failure as UsageError:
        console.error(failure.message)
        if let hint = failure.hint { console.hint(hint) }
        if !failure.path.isEmpty {
            console.diagnostic("usage: " + secrCLI.usage(failure.path).joined(separator: "\n       "))
            console.diagnostic("(see `secr \(failure.path.joined(separator: " ")) --help`)")
        } else {
            console.diagnostic("(see `secr --help`)")
        }
        return 2
    case let failure as SecrError:
        console.error(failure.message)
        if let unknown = failure.unknown, let guess = Suggestions.didYouMean(unknown.given, among: unknown.candidates) {
            console.hint(guess)
        }
        if let hint = failure.hint { console.hint(hint) }
        return failure.kind.rawValue
    default:
        console.error("unexpected failure: \(error)")
        return 1
    }
}

/// Commands that only read the store: when one fails a check because a file it read was
/// replaced while it read (a writer's change in flight), it reads again after the writer.
/// (`verify` reports problems instead of throwing, so it retries inside its own command.)
let readCommands: Set<[String]> = [["get"], ["pull"], ["run"], ["export"], ["compare"]]

/// Commands that only read: what they record of the clone (a first pin, seen versions) is
/// synced while they work (`DeferredSync`).
let deferringCommands = readCommands.union([["verify"], ["diff"]])

@MainActor
func runRetryingReads(_ run: (ParsedArguments) throws -> Int32, _ parsed: ParsedArguments, console: Console) throws -> Int32 {
    if deferringCommands.contains(parsed.path) { DeferredSync.shared.enable() }
    guard readCommands.contains(parsed.path) else { return try run(parsed) }
    return try StoreRecovery.consistentRead({ try run(parsed) }, note: console.note)
}

/// Before the process ends (or execs): the clone state's deferred writes are on disk, and any
/// that failed is said.
func finishDeferredWrites() {
    let notices = DeferredSync.shared.finish()
    if !notices.isEmpty { notices.forEach(Console(noColor: true).note) }
}

@MainActor
func runMain(_ tokens: [String]) -> Int32 {
    let console = Console(noColor: tokens.prefix { $0 != "--" }.contains("--no-color"))
    do {
        let parsed = try secrCLI.parse(tokens)
        if parsed.path.isEmpty {
            if parsed.has(Global.version) {
                console.out("secr \(version)")
                return 0
            }
            if parsed.wantsHelp || tokens.isEmpty {
                console.outBytes(Array(secrCLI.help([]).utf8))
                return tokens.isEmpty ? 2 : 0
            }
            throw UsageError("no command given", hint: "run `secr --help` for the list")
        }
        if parsed.wantsHelp {
            console.outBytes(Array(secrCLI.help(parsed.path).utf8))
            return 0
        }
        guard let run = secrCLI.node(parsed.path)?.run else { throw UsageError("no such command") }
        if let directory = parsed.value(Global.directory), chdir(directory) != 0 {
            console.error("cannot change to directory \(directory) (-C): \(String(cString: strerror(errno)))")
            return 1
        }
        return try runRetryingReads(run, parsed, console: console)
    } catch {
        let options = tokens.prefix { $0 != "--" }
        let json = options.contains("--json") || options.contains("--format=json")
            || zip(options, options.dropFirst()).contains { $0 == "--format" && $1 == "json" }
        return report(error, console: console, json: json)
    }
}

// This process ends when the command returns: what it parsed is given back by exiting.
ExitReclaim.enable()
let status = runMain(Array(CommandLine.arguments.dropFirst()))
VerificationCache.shared.save()
finishDeferredWrites()
exit(status)
