import Glibc
import SecrCLI
import SecrCore

let version = "0.2.0"

let commands: [CommandSpec] = [
    keygenCommand, whoamiCommand, initCommand, setCommand, getCommand, unsetCommand, pullCommand, runCommand,
    memberCommand, roleCommand, envCommand, rotateCommand, verifyCommand, pinCommand, logCommand,
    reviewCommand, diffCommand, mergeCommand, setupGitCommand, promoteCommand, policyCommand,
    compareCommand, importCommand, exportCommand, editCommand, doctorCommand, upgradeCommand,
    scanCommand, hooksCommand, completionCommand, helpCommand, completeCommand, manCommand,
]

let secrCLI = CommandLineInterface(
    program: "secr", summary: "secrets per environment, encrypted inside your git repository",
    globals: Global.all, commands: commands,
    footer: """
        exit status: 0 ok, 1 error, 2 usage, 3 access denied, 4 integrity failure, 5 leak found.
        `secr COMMAND --help` explains a command. Docs: README.md, docs/FORMAT.md, `man secr`.
        """)

/// Prints an error, its hint and (for usage errors) the command's usage; returns the exit status.
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
        return try run(parsed)
    } catch {
        return report(error, console: console)
    }
}

exit(runMain(Array(CommandLine.arguments.dropFirst())))
