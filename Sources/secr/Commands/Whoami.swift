import SecrCLI
import SecrCore

let whoamiCommand = CommandSpec(
    "whoami", summary: "print your public key, and your member name and role in this project",
    details: """
        Standard output holds only the public key (so `KEY=$(secr whoami)` works); the member
        name, role and access in this project go to standard error. --json prints them all.
        """,
    options: [jsonFlag.spec]
) { parsed in
    let context = Context(parsed)
    let identity = try context.identity()
    // Outside a project whoami still answers with the key; inside, a broken store is an error.
    let location = try? context.location()
    let store = try location.flatMap { $0.exists ? try Store(location: $0, expected: try context.expectation()) : nil }
    let member = store?.member(for: identity)
    if context.has(jsonFlag) {
        var fields: [(String, JSONValue)] = [("key", .string(identity.publicKey.text))]
        if let store {
            fields += [("project", .string(store.state.projectName)), ("member", .optional(member?.name)), ("role", .optional(member?.role))]
            if let member { fields.append(("access", store.state.accessJSON(of: member))) }
        }
        context.console.out(JSONValue.object(fields).rendered)
        return 0
    }
    context.console.out(identity.publicKey.text)
    if let store {
        if let member {
            let access = store.state.environments.map { "\($0): \(store.state.permission(of: member, in: $0))" }
            context.console.note("member \(member.name), role \(member.role) in project \(store.state.projectName)")
            context.console.note("access: " + access.joined(separator: ", "))
        } else {
            context.console.note("not a member of project \(store.state.projectName); ask an admin to run `secr member add NAME \(identity.publicKey.text) --role ROLE`")
        }
    }
    return 0
}
