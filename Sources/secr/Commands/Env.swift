import SecrCLI
import SecrCore

enum EnvOptions {
    static let like = Option<String>("--like", value: "ENV", help: "copy the built-in roles' permissions from this environment", completion: .environment)
    static let withRoles = Option<String>("--with-roles", value: "ROLE,…", help: "also copy these custom roles' permissions from the --like environment", completion: .role)
    static let yes = Flag("--yes", help: "confirm removal")
}

let envCommand = CommandSpec(
    "env", summary: "list, add and remove environments",
    children: [
        CommandSpec("list", summary: "each environment's number of keys and your access", options: [jsonFlag.spec]) { parsed in
            let context = Context(parsed)
            let store = try context.store()
            let me = (try? context.identity()).flatMap { store.member(for: $0) }
            let rows = try store.state.environments.map { environment -> (String, Int, String) in
                let access = me.map { store.state.permission(of: $0, in: environment).description } ?? "unknown (no identity)"
                return (environment, try store.keyNames(in: environment).count, access)
            }
            if context.has(jsonFlag) {
                context.console.out(JSONValue.array(rows.map { .object([("name", .string($0.0)), ("keys", .number($0.1)), ("access", .string($0.2))]) }).rendered)
            } else {
                let width = max(11, rows.map(\.0.count).max() ?? 0)
                context.console.out("environment".padding(width) + "  keys  your access")
                for (name, keys, access) in rows {
                    context.console.out(name.padding(width) + "  " + String(keys).padding(4) + "  " + access)
                }
            }
            return 0
        },
        CommandSpec(
            "add", summary: "add an environment with its own key pair",
            details: """
                Without --like, admin and owner get read/write; with --like ENV, the built-in roles
                (viewer, developer, admin, owner) get the permission they have in ENV. Custom roles,
                such as a CI machine's, are not copied unless named with --with-roles: what a machine
                may read is decided per environment. Admins and owners may add environments.
                """,
            arguments: [ArgumentSpec("NAME")], options: [EnvOptions.like.spec, EnvOptions.withRoles.spec]
        ) { parsed in
            let context = Context(parsed)
            let (name, like) = (context.positionals[0], context.value(EnvOptions.like))
            let roles = context.value(EnvOptions.withRoles).map { $0.split(separator: ",").map(String.init) } ?? []
            _ = try context.mutate { try $0.addEnvironment(name, like: like, customRoles: roles) }
            context.console.note("added environment \(name)\(like.map { " with the permissions of \($0)" } ?? "")")
            return 0
        },
        CommandSpec(
            "remove", summary: "remove an environment and all its secrets (owners only)",
            details: "The file is deleted in one commit; git history keeps its old ciphertexts.",
            arguments: [ArgumentSpec("NAME", completion: .environment)], options: [EnvOptions.yes.spec], required: ["yes"]
        ) { parsed in
            let context = Context(parsed)
            let name = context.positionals[0]
            _ = try context.mutate { try $0.removeEnvironment(name) }
            context.console.note("removed environment \(name); git history keeps its old ciphertexts")
            return 0
        },
    ])
