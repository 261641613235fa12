import SecrCore

let memberCommand = Command(
    "member", summary: "add, remove and list members, and change their roles",
    usage: "secr member add NAME PUBKEY --role ROLE | remove NAME | set-role NAME ROLE | list [--json]",
    details: """
        add: a signed roster entry, and every environment the role reads sealed to the new member
          at once. Admins manage members up to admin; only owners add, remove or appoint owners.
        remove / set-role: every environment the member can no longer read is re-keyed in the same
          commit (you must be able to read each one), and an exposure report lists every value they
          could decrypt: git history keeps old ciphertexts, so rotate those at their provider.
          Their existing records stay valid; anything they sign later does not. The last owner
          cannot be removed or demoted.
        Roles: viewer, developer, admin, owner, and any defined with `secr role add`.
        """,
    options: [.value("--role", help: "the new member's role"), .flag("--json", help: "print JSON (list, remove, set-role)")]
) { context in
    let positionals = context.positionals
    switch positionals.first {
    case "add":
        guard positionals.count == 3, let role = context.arguments.value("role") else {
            throw context.usage("member add needs NAME, PUBKEY and --role ROLE")
        }
        let key = try PublicKey(parsing: positionals[2])
        _ = try context.mutate { try $0.addMember(name: positionals[1], key: key, role: role) }
        context.console.note("added \(positionals[1]) as \(role)")
        return 0
    case "remove":
        guard positionals.count == 2 else { throw context.usage("member remove needs NAME") }
        try changeMembership(context, done: "removed \(positionals[1])") { try $0.removeMember(positionals[1]) }
        return 0
    case "set-role":
        guard positionals.count == 3 else { throw context.usage("member set-role needs NAME and ROLE") }
        try changeMembership(context, done: "\(positionals[1]) is now \(positionals[2])") { try $0.setRole(of: positionals[1], to: positionals[2]) }
        return 0
    case "list":
        guard positionals.count == 1 else { throw context.usage("member list takes no arguments") }
        let state = try context.store().state
        let members = state.members.values.sorted { $0.name < $1.name }
        if context.arguments.has("json") {
            let items = members.map { member in
                "  {\"name\": \(JSONText.string(member.name)), \"role\": \(JSONText.string(member.role)), \"key\": \(JSONText.string(member.key.text)), \"access\": \(accessJSON(state, member))}"
            }
            context.console.out("[\n" + items.joined(separator: ",\n") + "\n]")
        } else {
            let width = max(4, members.map(\.name.count).max() ?? 0)
            let roleWidth = max(4, members.map(\.role.count).max() ?? 0)
            for member in members {
                context.console.out(member.name.padding(width) + "  " + member.role.padding(roleWidth) + "  " + member.key.text)
            }
        }
        return 0
    default:
        throw context.usage("member needs a subcommand: add, remove, set-role or list")
    }
}

/// Runs a removal or role change and prints its exposure report.
func changeMembership(_ context: Context, done: String,
                      _ change: (StoreTransaction) throws -> (ChangeSummary, ExposureReport)) throws {
    var report: ExposureReport?
    _ = try context.mutate { transaction in
        let (summary, exposures) = try change(transaction)
        report = exposures
        return summary
    }
    context.console.note(done)
    if let report { printExposure(report, context: context) }
}

/// The exposure report after a member lost read access (stdout: it is the command's result).
func printExposure(_ report: ExposureReport, context: Context) {
    if context.arguments.has("json") {
        let items = report.exposures.map {
            "{\"environment\": \(JSONText.string($0.environment)), \"key\": \(JSONText.string($0.key)), \"version\": \($0.version)}"
        }
        let rotated = report.rotatedEnvironments.map(JSONText.string).joined(separator: ", ")
        context.console.out("{\"member\": \(JSONText.string(report.member)), \"rotated\": [\(rotated)], \"exposed\": [\(items.joined(separator: ", "))]}")
        return
    }
    guard !report.rotatedEnvironments.isEmpty else { return }
    context.console.out("re-keyed \(report.rotatedEnvironments.joined(separator: ", ")): \(report.member) cannot decrypt anything written from now on.")
    guard !report.isEmpty else {
        context.console.out("\(report.member) could not decrypt any current value there: nothing to rotate.")
        return
    }
    context.console.out("""
        exposure report: \(report.member) could decrypt these values, and git history keeps their
        old ciphertexts. Rotate each credential at its provider, then store the new value with
        `secr set`. Until then `secr verify` lists them as exposed.
        """)
    let byEnvironment = Dictionary(grouping: report.exposures, by: \.environment)
    for environment in byEnvironment.keys.sorted() {
        let keys = (byEnvironment[environment] ?? []).sorted { $0.key < $1.key }.map { "\($0.key) (v\($0.version))" }
        context.console.out("  \(environment): \(keys.joined(separator: ", "))")
    }
}

func accessJSON(_ state: RosterState, _ member: Member) -> String {
    let access = state.environments.map { "\(JSONText.string($0)): \(JSONText.string(state.permission(of: member, in: $0).description))" }
    return "{\(access.joined(separator: ", "))}"
}

extension String {
    func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
}
