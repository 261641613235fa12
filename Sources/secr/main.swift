import Glibc
import SecrCore

let version = "0.1.0"

let commands: [Command] = [
    keygenCommand, whoamiCommand, initCommand, setCommand, getCommand, unsetCommand, pullCommand, runCommand,
    memberCommand, roleCommand, envCommand, rotateCommand, verifyCommand, pinCommand, logCommand,
    reviewCommand, diffCommand, mergeCommand, setupGitCommand, promoteCommand, policyCommand,
    compareCommand, importCommand, exportCommand, editCommand, doctorCommand, upgradeCommand,
    scanCommand, hooksCommand,
]

@MainActor
func mainHelp() -> String {
    var text = """
        secr: secrets per environment, encrypted inside your git repository.

        usage: secr [global options] COMMAND [ARGS]

        commands:

        """
    for command in commands {
        let pad = String(repeating: " ", count: max(1, 10 - command.name.count))
        text += "  \(command.name)\(pad)\(command.summary)\n"
    }
    text += "\nglobal options:\n" + Command.describe(globalOptions + [.flag("--version", help: "print the version")])
    text += """

        exit status: 0 ok, 1 error, 2 usage, 3 access denied, 4 integrity failure, 5 leak found.
        `secr COMMAND --help` explains a command. Docs: README.md, docs/FORMAT.md.

        """
    return text
}

/// Finds the command name: the first token that is neither a global option nor its value.
@MainActor
func commandName(in tokens: [String]) -> (name: String?, index: Int?) {
    var index = 0
    while index < tokens.count {
        let token = tokens[index]
        if token == "--" { return (nil, nil) }
        if let option = globalOptions.first(where: { $0.names.contains(token) }) {
            index += option.takesValue ? 2 : 1
            continue
        }
        if token.hasPrefix("-") { index += 1; continue }
        return (token, index)
    }
    return (nil, nil)
}

@MainActor
func runMain(_ tokens: [String]) -> Int32 {
    let noColor = tokens.contains("--no-color")
    let console = Console(noColor: noColor)
    let (name, position) = commandName(in: tokens)
    guard let name, let position else {
        if tokens.contains("--version") {
            console.out("secr \(version)")
            return 0
        }
        if tokens.isEmpty || tokens.contains("-h") || tokens.contains("--help") {
            console.outBytes(Array(mainHelp().utf8))
            return tokens.isEmpty ? 2 : 0
        }
        console.error("no command given; run `secr --help` for the list")
        return 2
    }
    if name == "help" {
        let topic = tokens.dropFirst(position + 1).first
        if let topic, let command = commands.first(where: { $0.name == topic }) {
            console.outBytes(Array(command.help.utf8))
        } else {
            console.outBytes(Array(mainHelp().utf8))
        }
        return 0
    }
    guard let command = commands.first(where: { $0.name == name }) else {
        console.error("'\(name)' is not a secr command; run `secr --help` for the list")
        return 2
    }
    var rest = tokens
    rest.remove(at: position)
    do {
        let arguments = try Arguments.parse(rest, options: globalOptions + command.options)
        if arguments.has("help") {
            console.outBytes(Array(command.help.utf8))
            return 0
        }
        if let directory = arguments.value("directory"), chdir(directory) != 0 {
            console.error("cannot change to directory \(directory) (-C): \(String(cString: strerror(errno)))")
            return 1
        }
        return try command.run(Context(arguments: arguments, console: console, command: command))
    } catch let failure as UsageFailure {
        console.error("\(failure.message)\nusage: \(command.usage)\n(see `secr \(command.name) --help`)")
        return 2
    } catch let error as SecrError {
        console.error(error.message)
        return error.kind.rawValue
    } catch {
        console.error("unexpected failure: \(error)")
        return 1
    }
}

exit(runMain(Array(CommandLine.arguments.dropFirst())))
