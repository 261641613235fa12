import SecrCLI
import SecrCore

enum SetOptions {
    static let stdin = Flag("--stdin", help: "read the value of the single KEY from standard input")
}

let setCommand = CommandSpec(
    "set", summary: "set secrets in an environment",
    details: """
        KEY=VALUE pairs take values from the command line (and so from shell history).
        `secr set KEY --stdin` reads the value from standard input, less one trailing newline.
        `secr set KEY` on a terminal prompts for the value without echo.
        Values are UTF-8 text without NUL, up to 8 MiB. A value equal to the current one is left
        as it is. Names that steer how programs start (PATH, LD_*, NODE_OPTIONS, …) are refused
        unless an owner allowed them. Needs write permission on the environment; makes one commit.
        """,
    arguments: [ArgumentSpec("KEY[=VALUE]", repeating: true, completion: .key)],
    options: [SetOptions.stdin.spec]
) { parsed in
    let context = Context(parsed)
    let environment = context.environment
    var pairs: [(key: String, value: SecretBytes)] = []
    let bare = context.positionals.filter { !$0.contains("=") }
    if context.has(SetOptions.stdin) || !bare.isEmpty {
        guard context.positionals.count == 1, let key = bare.first else {
            throw context.usage(context.has(SetOptions.stdin) ? "--stdin takes exactly one KEY (without =VALUE)" : "give KEY=VALUE pairs, or a single KEY with --stdin or on a terminal")
        }
        try KeyName.check(Substring(key))
        let value: SecretBytes
        if context.has(SetOptions.stdin) {
            value = try SecretInput.fromStandardInput()
        } else {
            guard SecretInput.standardInputIsTerminal else {
                throw context.usage("no value for \(key)", hint: "use KEY=VALUE, or --stdin to read it from standard input")
            }
            value = try SecretInput.prompt("value for \(key) in \(environment): ")
        }
        pairs.append((key, value))
    } else {
        for pair in context.positionals {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            try KeyName.check(parts[0])
            guard !pairs.contains(where: { $0.key == parts[0] }) else { throw context.usage("\(parts[0]) is given twice") }
            pairs.append((String(parts[0]), SecretBytes(copying: Array(parts[1].utf8))))
        }
    }
    for (key, value) in pairs { try SecretValue.validate(value, key: key) }
    let change = try context.mutate { try $0.set(pairs, in: environment) }
    let unchanged = pairs.map(\.key).filter { !change.keys.contains($0) }
    if !change.keys.isEmpty { context.console.note("set \(change.keys.joined(separator: ", ")) in \(environment)") }
    if !unchanged.isEmpty { context.console.note("unchanged (same value): \(unchanged.joined(separator: ", "))") }
    return 0
}
