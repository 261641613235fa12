import SecrCore

let unsetCommand = Command(
    "unset", summary: "remove keys (a signed tombstone keeps the version history)",
    usage: "secr unset KEY [KEY…] [-e ENV]"
) { context in
    guard !context.positionals.isEmpty else { throw context.usage("unset needs at least one KEY") }
    for key in context.positionals { try KeyName.check(Substring(key)) }
    let environment = context.environment
    _ = try context.mutate { try $0.unset(context.positionals, in: environment) }
    context.console.note("removed \(context.positionals.joined(separator: ", ")) from \(environment)")
    return 0
}
