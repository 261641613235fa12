import SecrCLI
import SecrCore

enum MemberOptions {
    static let role = Option<String>("--role", value: "ROLE", help: "the new member's role", completion: .role)
}

let memberCommand = CommandSpec(
    "member", summary: "add, remove and list members, and change their roles",
    details: """
        Roles: viewer, developer, admin, owner, and any defined with `secr role add`. Admins manage
        members up to admin; only owners add, remove or appoint owners; the last owner cannot be
        removed or demoted.
        """,
    children: [
        CommandSpec(
            "add", summary: "add a member; every environment their role reads is sealed to them at once",
            details: """
                A signed roster entry, and in the same commit a reader line in every environment the role
                reads. You must be able to read those environments.
                """,
            arguments: [ArgumentSpec("NAME"), ArgumentSpec("PUBKEY")], options: [MemberOptions.role.spec], required: ["role"]
        ) { parsed in
            let context = Context(parsed)
            let (name, role) = (context.positionals[0], context.value(MemberOptions.role) ?? "")
            let key = try PublicKey(parsing: context.positionals[1])
            _ = try context.mutate { try $0.addMember(name: name, key: key, role: role) }
            context.console.note("added \(name) as \(role)")
            return 0
        },
        CommandSpec(
            "remove", summary: "remove a member, re-key what they could read, and list what to rotate",
            details: """
                Every environment the member could read is re-keyed in the same commit (you must be able to
                read each one), and an exposure report lists every value they could decrypt: git history
                keeps old ciphertexts, so rotate those at their provider. Their existing records stay
                valid; anything they sign later does not.
                """,
            arguments: [ArgumentSpec("NAME", completion: .member)], options: [jsonFlag.spec]
        ) { parsed in
            let context = Context(parsed)
            let name = context.positionals[0]
            try changeMembership(context, done: "removed \(name)") { try $0.removeMember(name) }
            return 0
        },
        CommandSpec(
            "set-role", summary: "change a member's role; environments they can no longer read are re-keyed",
            arguments: [ArgumentSpec("NAME", completion: .member), ArgumentSpec("ROLE", completion: .role)], options: [jsonFlag.spec]
        ) { parsed in
            let context = Context(parsed)
            let (name, role) = (context.positionals[0], context.positionals[1])
            try changeMembership(context, done: "\(name) is now \(role)") { try $0.setRole(of: name, to: role) }
            return 0
        },
        CommandSpec(
            "set-key", summary: "replace a member's key (a lost laptop); what the old key read is re-keyed",
            details: """
                One signed roster entry gives NAME the new public key (from their `secr keygen` on the new
                machine). In the same commit every environment NAME reads is re-keyed to it, so the old key
                decrypts nothing written from now on; NAME's records signed with the old key stay valid,
                and anything the old key signs later does not. The exposure report lists every value the
                old key could decrypt: rotate those at their provider. Admins and owners replace others'
                keys (owners' keys only owners); nobody replaces their own. The new key must never have
                been a member's. You must be able to read every environment NAME reads.
                """,
            arguments: [ArgumentSpec("NAME", completion: .member), ArgumentSpec("PUBKEY")], options: [jsonFlag.spec]
        ) { parsed in
            let context = Context(parsed)
            let name = context.positionals[0]
            let key = try PublicKey(parsing: context.positionals[1])
            try changeMembership(context, done: "\(name) now has the key \(key.text)") { try $0.setKey(of: name, to: key) }
            return 0
        },
        CommandSpec("list", summary: "members with their roles and keys", options: [jsonFlag.spec]) { parsed in
            let context = Context(parsed)
            let state = try context.store().state
            let members = state.members.values.sorted { $0.name < $1.name }
            if context.has(jsonFlag) {
                context.console.out(state.membersJSON.rendered)
            } else {
                let width = max(4, members.map(\.name.count).max() ?? 0)
                let roleWidth = max(4, members.map(\.role.count).max() ?? 0)
                for member in members {
                    context.console.out(member.name.padding(width) + "  " + member.role.padding(roleWidth) + "  " + member.key.text)
                }
            }
            return 0
        },
    ])

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
    if context.has(jsonFlag) {
        context.console.out(report.json.rendered)
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
    let credentials = report.exposures.filter { report.likelyPublic[$0] == nil }
    let byEnvironment = Dictionary(grouping: credentials, by: \.environment)
    for environment in byEnvironment.keys.sorted() {
        let keys = (byEnvironment[environment] ?? []).sorted { $0.key < $1.key }.map { "\($0.key) (v\($0.version))" }
        context.console.out("  \(environment): \(keys.joined(separator: ", "))")
    }
    let configuration = report.exposures.filter { report.likelyPublic[$0] != nil }.sorted { ($0.environment, $0.key) < ($1.environment, $1.key) }
    guard !configuration.isEmpty else { return }
    context.console.out("these look like configuration, not credentials; if so, clear them instead of rotating:")
    for exposure in configuration {
        context.console.out("  \(exposure.environment): \(exposure.key) (\(report.likelyPublic[exposure] ?? "")): secr exposure ack \(exposure.key) -e \(exposure.environment) --reason 'not secret'")
    }
}

extension String {
    func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
}
