import SecrCore

let roleCommand = Command(
    "role", summary: "list, define and remove roles",
    usage: "secr role list [--json] | add NAME [--read ENV,…] [--write ENV,…] [--manage] | remove NAME",
    details: """
        An environment in both --read and --write is read/write; in --write alone it is write-only
        (members can set and unset values there but not read them). --manage lets the role manage
        members up to admin. Only owners define or remove roles; built-in roles (viewer, developer,
        admin, owner) cannot be removed, and a role cannot be removed while a member holds it.
        Examples: secr role add ci-staging --read staging
                  secr role add submitter --write production
        """,
    options: [.value("--read", help: "environments the role reads (comma-separated)"),
              .value("--write", help: "environments the role writes (comma-separated)"),
              .flag("--manage", help: "the role may manage members up to admin"),
              .flag("--json", help: "print JSON (list)")]
) { context in
    let positionals = context.positionals
    func environments(_ option: String) -> [String] {
        (context.arguments.values[option] ?? []).flatMap { $0.split(separator: ",").map(String.init) }
    }
    switch positionals.first {
    case "list":
        guard positionals.count == 1 else { throw context.usage("role list takes no arguments") }
        let state = try context.store().state
        let roles = state.roles.values.sorted { $0.name < $1.name }
        func manage(_ role: Role) -> String { role.manage == .all ? "all" : role.manage == .members ? "members" : "none" }
        if context.arguments.has("json") {
            let items = roles.map { role in
                let access = state.environments.map { "\(JSONText.string($0)): \(JSONText.string(role.permission(in: $0).description))" }
                return "  {\"name\": \(JSONText.string(role.name)), \"manage\": \"\(manage(role))\", \"members\": \(state.members.values.filter { $0.role == role.name }.count), \"access\": {\(access.joined(separator: ", "))}}"
            }
            context.console.out("[\n" + items.joined(separator: ",\n") + "\n]")
            return 0
        }
        let width = max(4, roles.map(\.name.count).max() ?? 0)
        let columns = state.environments.map { max($0.count, 10) }
        context.console.out("role".padding(width) + "  manage   " + zip(state.environments, columns).map { $0.padding($1) }.joined(separator: "  "))
        for role in roles {
            let cells = zip(state.environments, columns).map { role.permission(in: $0).description.padding($1) }
            context.console.out(role.name.padding(width) + "  " + manage(role).padding(7) + "  " + cells.joined(separator: "  "))
        }
        return 0
    case "add":
        guard positionals.count == 2 else { throw context.usage("role add needs NAME") }
        let read = environments("read"), write = environments("write")
        _ = try context.mutate { try $0.addRole(positionals[1], read: read, write: write, manage: context.arguments.has("manage")) }
        context.console.note("added role \(positionals[1])")
        return 0
    case "remove":
        guard positionals.count == 2 else { throw context.usage("role remove needs NAME") }
        _ = try context.mutate { try $0.removeRole(positionals[1]) }
        context.console.note("removed role \(positionals[1])")
        return 0
    default:
        throw context.usage("role needs a subcommand: list, add or remove")
    }
}
