import SecrCore

let promoteCommand = Command(
    "promote", summary: "copy values from one environment to another, with an audit trail",
    usage: "secr promote KEY [KEY…] --from ENV --to ENV [--force]",
    details: """
        Needs read access to --from and write access to --to (write-only is enough). The new
        record in the target names its source environment and version inside its signed fields;
        `secr log` shows "promote KEY (v4) to production from staging v3", and the commit carries
        Secr-Action: promote and Secr-From. A value already identical in the target is left alone.
        Keys matching the never-promote policy (`secr policy never-promote list`: database URLs,
        signing and encryption keys by default) are refused unless --force.
        """,
    options: [.value("--from", help: "source environment"), .value("--to", help: "target environment"),
              .flag("--force", help: "promote even keys the never-promote policy names")]
) { context in
    guard !context.positionals.isEmpty, let source = context.arguments.value("from"), let target = context.arguments.value("to") else {
        throw context.usage("promote needs KEY… --from ENV --to ENV")
    }
    var identical: [String] = []
    let change = try context.mutate { transaction in
        let (summary, same) = try transaction.promote(context.positionals, from: source, to: target, force: context.arguments.has("force"))
        identical = same
        return summary
    }
    if !change.keys.isEmpty { context.console.note("promoted \(change.keys.joined(separator: ", ")) from \(source) to \(target)") }
    if !identical.isEmpty { context.console.note("already identical in \(target), unchanged: \(identical.joined(separator: ", "))") }
    return 0
}

let policyCommand = Command(
    "policy", summary: "the never-promote policy: keys whose values must differ per environment",
    usage: "secr policy never-promote list | add PATTERN | remove PATTERN",
    details: """
        Patterns match key names case-insensitively, with * (any run) and ? (one character).
        Defaults: \(NeverPromote.defaults.joined(separator: " ")). The list is kept in the signed
        roster, so only admins and owners change it.
        """,
    options: [.flag("--json", help: "print JSON (list)")]
) { context in
    let positionals = context.positionals
    guard positionals.first == "never-promote", positionals.count >= 2 else {
        throw context.usage("policy needs never-promote list|add|remove")
    }
    switch positionals[1] {
    case "list":
        let patterns = try context.store().state.neverPromote
        if context.arguments.has("json") {
            context.console.out("[" + patterns.map(JSONText.string).joined(separator: ", ") + "]")
        } else {
            patterns.forEach { context.console.out($0) }
        }
    case "add", "remove":
        guard positionals.count == 3 else { throw context.usage("policy never-promote \(positionals[1]) needs PATTERN") }
        let pattern = positionals[2]
        _ = try context.mutate { positionals[1] == "add" ? try $0.changeNeverPromote(add: pattern) : try $0.changeNeverPromote(remove: pattern) }
        context.console.note(positionals[1] == "add" ? "keys matching \(pattern) will not be promoted" : "\(pattern) removed from the never-promote list")
    default:
        throw context.usage("policy never-promote needs list, add or remove")
    }
    return 0
}
