import SecrCore

let memberCommand = Command(
    "member", summary: "add members and list them",
    usage: "secr member add NAME PUBKEY --role ROLE | secr member list [--json]",
    details: """
        add: records a signed roster entry and seals every environment the role reads to the new
        member at once; needs an admin or owner (only owners add owners).
        Roles: viewer (reads development, staging), developer (reads and writes them),
        admin (everything, manages members up to admin), owner (everything).
        """,
    options: [.value("--role", help: "viewer, developer, admin or owner"), .flag("--json", help: "print JSON (list)")]
) { context in
    switch context.positionals.first {
    case "add":
        guard context.positionals.count == 3, let role = context.arguments.value("role") else {
            throw context.usage("member add needs NAME, PUBKEY and --role ROLE")
        }
        let name = context.positionals[1]
        let key = try PublicKey(parsing: context.positionals[2])
        _ = try context.mutate { try $0.addMember(name: name, key: key, role: role) }
        context.console.note("added \(name) as \(role)")
        return 0
    case "list":
        guard context.positionals.count == 1 else { throw context.usage("member list takes no arguments") }
        let state = try Store(location: try context.location()).state
        let members = state.members.values.sorted { $0.name < $1.name }
        if context.arguments.has("json") {
            let items = members.map { member in
                let access = state.environments.map { "\(JSONText.string($0)): \(JSONText.string(state.permission(of: member, in: $0).description))" }
                return "  {\"name\": \(JSONText.string(member.name)), \"role\": \(JSONText.string(member.role)), \"key\": \(JSONText.string(member.key.text)), \"access\": {\(access.joined(separator: ", "))}}"
            }
            context.console.out("[\n" + items.joined(separator: ",\n") + "\n]")
        } else {
            let width = max(4, members.map(\.name.count).max() ?? 0)
            for member in members {
                context.console.out(member.name.padding(width) + "  " + member.role.padding(9) + "  " + member.key.text)
            }
        }
        return 0
    default:
        throw context.usage("member needs a subcommand: add or list")
    }
}

extension String {
    func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
}
