import SecrCLI
import SecrCore

enum RoleOptions {
    static let read = Option<String>("--read", value: "ENV,…", help: "environments the role reads (comma-separated)", completion: .environment)
    static let write = Option<String>("--write", value: "ENV,…", help: "environments the role writes (comma-separated)", completion: .environment)
    static let manage = Flag("--manage", help: "the role may manage members up to admin")
}

let roleCommand = CommandSpec(
    "role", summary: "list, define and remove roles",
    details: "Only owners define or remove roles; built-in roles (viewer, developer, admin, owner) cannot be removed.",
    children: [
        CommandSpec("list", summary: "every role's manage level and permission per environment", options: [jsonFlag.spec]) { parsed in
            let context = Context(parsed)
            let state = try context.store().state
            let roles = state.roles.values.sorted { $0.name < $1.name }
            if context.has(jsonFlag) {
                context.console.out(state.rolesJSON.rendered)
                return 0
            }
            let width = max(4, roles.map(\.name.count).max() ?? 0)
            let columns = state.environments.map { max($0.count, 10) }
            context.console.out("role".padding(width) + "  manage   " + zip(state.environments, columns).map { $0.padding($1) }.joined(separator: "  "))
            for role in roles {
                let cells = zip(state.environments, columns).map { role.permission(in: $0).description.padding($1) }
                context.console.out(role.name.padding(width) + "  " + role.manage.name.padding(7) + "  " + cells.joined(separator: "  "))
            }
            return 0
        },
        CommandSpec(
            "add", summary: "define a role",
            details: """
                An environment in both --read and --write is read/write; in --write alone it is write-only
                (members can set and unset values there but not read them). --manage lets the role manage
                members up to admin. Examples:
                  secr role add ci-staging --read staging
                  secr role add submitter --write production
                """,
            arguments: [ArgumentSpec("NAME")], options: [RoleOptions.read.spec, RoleOptions.write.spec, RoleOptions.manage.spec]
        ) { parsed in
            let context = Context(parsed)
            func environments(_ option: Option<String>) -> [String] { parsed.values(option).flatMap { $0.split(separator: ",").map(String.init) } }
            let name = context.positionals[0]
            let (read, write) = (environments(RoleOptions.read), environments(RoleOptions.write))
            _ = try context.mutate { try $0.addRole(name, read: read, write: write, manage: context.has(RoleOptions.manage)) }
            context.console.note("added role \(name)")
            return 0
        },
        CommandSpec("remove", summary: "remove a role no member holds", arguments: [ArgumentSpec("NAME", completion: .role)]) { parsed in
            let context = Context(parsed)
            let name = context.positionals[0]
            _ = try context.mutate { try $0.removeRole(name) }
            context.console.note("removed role \(name)")
            return 0
        },
    ])
