import SecrCore

let envCommand = Command(
    "env", summary: "list, add and remove environments",
    usage: "secr env list [--json] | add NAME [--like ENV] | remove NAME --yes",
    details: """
        add: a new environment with its own key pair. Without --like, admin and owner get
          read/write; with --like ENV, every role gets the permission it has in ENV. Admins and
          owners may add environments.
        remove: owners only, and only with --yes. The file is deleted in one commit; git history
          keeps its old ciphertexts.
        list: each environment's number of keys and your access (when an identity is available).
        """,
    options: [.value("--like", help: "copy every role's permission from this environment"),
              .flag("--yes", help: "confirm removal"), .flag("--json", help: "print JSON (list)")]
) { context in
    let positionals = context.positionals
    switch positionals.first {
    case "list":
        guard positionals.count == 1 else { throw context.usage("env list takes no arguments") }
        let store = try context.store()
        let me = (try? context.identity()).flatMap { store.member(for: $0) }
        let rows = try store.state.environments.map { environment -> (String, Int, String) in
            let access = me.map { store.state.permission(of: $0, in: environment).description } ?? "unknown (no identity)"
            return (environment, try store.keyNames(in: environment).count, access)
        }
        if context.arguments.has("json") {
            let items = rows.map { "  {\"name\": \(JSONText.string($0.0)), \"keys\": \($0.1), \"access\": \(JSONText.string($0.2))}" }
            context.console.out("[\n" + items.joined(separator: ",\n") + "\n]")
        } else {
            let width = max(11, rows.map(\.0.count).max() ?? 0)
            context.console.out("environment".padding(width) + "  keys  your access")
            for (name, keys, access) in rows {
                context.console.out(name.padding(width) + "  " + String(keys).padding(4) + "  " + access)
            }
        }
        return 0
    case "add":
        guard positionals.count == 2 else { throw context.usage("env add needs NAME") }
        let like = context.arguments.value("like")
        _ = try context.mutate { try $0.addEnvironment(positionals[1], like: like) }
        context.console.note("added environment \(positionals[1])\(like.map { " with the permissions of \($0)" } ?? "")")
        return 0
    case "remove":
        guard positionals.count == 2 else { throw context.usage("env remove needs NAME") }
        guard context.arguments.has("yes") else {
            throw context.usage("removing '\(positionals[1])' deletes all its secrets; confirm with --yes")
        }
        _ = try context.mutate { try $0.removeEnvironment(positionals[1]) }
        context.console.note("removed environment \(positionals[1]); git history keeps its old ciphertexts")
        return 0
    default:
        throw context.usage("env needs a subcommand: list, add or remove")
    }
}
