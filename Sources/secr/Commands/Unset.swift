import SecrCLI
import SecrCore

let unsetCommand = CommandSpec(
    "unset", summary: "remove keys (a signed tombstone keeps the version history)",
    arguments: [ArgumentSpec("KEY", repeating: true, completion: .key)]
) { parsed in
    let context = Context(parsed)
    for key in context.positionals { try KeyName.check(Substring(key)) }
    let environment = context.environment
    _ = try context.mutate { try $0.unset(context.positionals, in: environment) }
    context.console.note("removed \(context.positionals.joined(separator: ", ")) from \(environment)")
    return 0
}
