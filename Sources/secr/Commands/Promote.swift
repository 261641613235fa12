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
    "policy", summary: "the project's signed policies: never-promote patterns and allowed steering names",
    usage: "secr policy never-promote list | add PATTERN | remove PATTERN\n       secr policy inject list | allow NAME | revoke NAME",
    details: """
        never-promote: key patterns whose values must differ per environment. Patterns match key
        names case-insensitively, with * (any run) and ? (one character). Defaults:
        \(NeverPromote.defaults.joined(separator: " ")). Admins and owners change the list.
        inject: names that steer how programs start (PATH, LD_PRELOAD, NODE_OPTIONS, GIT_*, …)
        are refused by `set` and never injected by `run` or written by `pull`, because a writer of
        an environment could otherwise run code in the session of whoever reads it. An owner may
        allow one exact name (never SECR_*) when the project really needs it.
        Both lists are kept in the signed roster.
        """,
    options: [.flag("--json", help: "print JSON (list)")]
) { context in
    let positionals = context.positionals
    guard let policy = positionals.first, ["never-promote", "inject"].contains(policy), positionals.count >= 2 else {
        throw context.usage("policy needs never-promote list|add|remove, or inject list|allow|revoke")
    }
    let verbs = policy == "inject" ? ("allow", "revoke") : ("add", "remove")
    switch positionals[1] {
    case "list":
        let state = try context.store().state
        let items = policy == "inject" ? state.allowedInjections.sorted() : state.neverPromote
        if context.arguments.has("json") {
            context.console.out("[" + items.map(JSONText.string).joined(separator: ", ") + "]")
        } else {
            items.forEach { context.console.out($0) }
        }
    case verbs.0, verbs.1:
        guard positionals.count == 3 else { throw context.usage("policy \(policy) \(positionals[1]) needs \(policy == "inject" ? "NAME" : "PATTERN")") }
        let item = positionals[2], adding = positionals[1] == verbs.0
        _ = try context.mutate { transaction in
            if policy == "inject" { return try transaction.changeInjection(item, allow: adding) }
            return adding ? try transaction.changeNeverPromote(add: item) : try transaction.changeNeverPromote(remove: item)
        }
        switch (policy, adding) {
        case ("inject", true): context.console.note("\(item) may now be stored and injected")
        case ("inject", false): context.console.note("\(item) is no longer injected")
        case (_, true): context.console.note("keys matching \(item) will not be promoted")
        default: context.console.note("\(item) removed from the never-promote list")
        }
    default:
        throw context.usage("policy \(policy) needs list, \(verbs.0) or \(verbs.1)")
    }
    return 0
}
