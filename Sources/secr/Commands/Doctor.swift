import SecrCLI
import SecrCore

let doctorCommand = CommandSpec(
    "doctor", summary: "find the ways environments go wrong, each with the command that fixes it",
    details: """
        Errors: live-looking credentials outside production (sk_live_, AWS keys without EXAMPLE, …);
        a never-promote key with the same value in two environments (the same database for
        development and production); integrity problems and reader drift; a group- or
        world-readable identity file; plaintext .env files tracked by git.
        Warnings: keys in staging missing from production; no staging environment; values exposed
        to removed members and not rotated; missing diff/merge drivers in this clone; application
        code that picks secrets by hard-coded environment name.
        Value checks cover the environments you can read. Exit 1 when any finding is an error.
        """,
    options: [jsonFlag.spec]
) { parsed in
    let context = Context(parsed)
    let findings = try Doctor.examine(location: try context.location(), expected: try context.expectation(),
                                      identity: try? context.identity(), identityFile: context.value(Global.identity))
    if context.has(jsonFlag) {
        context.console.out(JSONValue.array(findings.map(\.json)).rendered)
    } else if findings.isEmpty {
        context.console.out("no problems found")
    } else {
        for finding in findings {
            context.console.out("\(finding.severity.rawValue.uppercased()) [\(finding.check)] \(finding.message)\n    fix: \(finding.fix)")
        }
    }
    return findings.contains { $0.severity == .error } ? 1 : 0
}
