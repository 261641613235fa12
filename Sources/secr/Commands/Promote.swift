import SecrCLI
import SecrCore

enum PromoteOptions {
    static let from = Option<String>("--from", value: "ENV", help: "source environment", completion: .environment)
    static let to = Option<String>("--to", value: "ENV", help: "target environment", completion: .environment)
    static let force = Flag("--force", help: "promote even keys the never-promote policy names")
}

let promoteCommand = CommandSpec(
    "promote", summary: "copy values from one environment to another, with an audit trail",
    details: """
        Needs read access to --from and write access to --to (write-only is enough). The new
        record in the target names its source environment and version inside its signed fields;
        `secr log` shows "promote KEY (v4) to production from staging v3", and the commit carries
        Secr-Action: promote and Secr-From. A value already identical in the target is left alone.
        Keys matching the never-promote policy (`secr policy never-promote list`: database URLs,
        signing and encryption keys by default) are refused unless --force.
        """,
    arguments: [ArgumentSpec("KEY", repeating: true, completion: .key)],
    options: [PromoteOptions.from.spec, PromoteOptions.to.spec, PromoteOptions.force.spec], required: ["from", "to"]
) { parsed in
    let context = Context(parsed)
    let (source, target) = (context.value(PromoteOptions.from) ?? "", context.value(PromoteOptions.to) ?? "")
    var identical: [String] = []
    let change = try context.mutate { transaction in
        let (summary, same) = try transaction.promote(context.positionals, from: source, to: target, force: context.has(PromoteOptions.force))
        identical = same
        return summary
    }
    if !change.keys.isEmpty { context.console.note("promoted \(change.keys.joined(separator: ", ")) from \(source) to \(target)") }
    if !identical.isEmpty { context.console.note("already identical in \(target), unchanged: \(identical.joined(separator: ", "))") }
    return 0
}

/// `policy never-promote …` and `policy inject …`: lists kept in the signed roster.
func policyList(_ name: String, summary: String, item: String, verbs: (add: String, remove: String),
                list: @escaping @Sendable (RosterState) -> [String],
                change: @escaping @Sendable (StoreTransaction, String, Bool) throws -> ChangeSummary,
                said: @escaping @Sendable (String, Bool) -> String) -> CommandSpec {
    CommandSpec(name, summary: summary, children: [
        CommandSpec("list", summary: "the list, one per line", options: [jsonFlag.spec]) { parsed in
            let context = Context(parsed)
            let items = list(try context.store().state)
            if context.has(jsonFlag) {
                context.console.out(JSONValue.strings(items).rendered)
            } else {
                items.forEach { context.console.out($0) }
            }
            return 0
        },
        CommandSpec(verbs.add, summary: "\(verbs.add) \(item)", arguments: [ArgumentSpec(item)]) { parsed in
            let context = Context(parsed)
            let value = context.positionals[0]
            _ = try context.mutate { try change($0, value, true) }
            context.console.note(said(value, true))
            return 0
        },
        CommandSpec(verbs.remove, summary: "\(verbs.remove) \(item)", arguments: [ArgumentSpec(item)]) { parsed in
            let context = Context(parsed)
            let value = context.positionals[0]
            _ = try context.mutate { try change($0, value, false) }
            context.console.note(said(value, false))
            return 0
        },
    ])
}

let policyCommand = CommandSpec(
    "policy", summary: "the project's signed policies: never-promote patterns and allowed steering names",
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
    children: [
        policyList("never-promote", summary: "key patterns whose values must never be promoted", item: "PATTERN", verbs: ("add", "remove"),
                   list: { $0.neverPromote },
                   change: { $2 ? try $0.changeNeverPromote(add: $1) : try $0.changeNeverPromote(remove: $1) },
                   said: { $1 ? "keys matching \($0) will not be promoted" : "\($0) removed from the never-promote list" }),
        policyList("inject", summary: "steering names an owner allowed to be stored and injected", item: "NAME", verbs: ("allow", "revoke"),
                   list: { $0.allowedInjections.sorted() },
                   change: { try $0.changeInjection($1, allow: $2) },
                   said: { $1 ? "\($0) may now be stored and injected" : "\($0) is no longer injected" }),
    ])
