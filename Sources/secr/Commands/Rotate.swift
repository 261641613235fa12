import SecrCore

let rotateCommand = Command(
    "rotate", summary: "give an environment a new key pair",
    usage: "secr rotate [-e ENV]",
    details: """
        Generates a new key pair for the environment, re-seals every value to it (records keep
        their original signers), and rewrites the reader lines for exactly the members whose role
        reads it. Needs read access to the environment. Removing a member or taking away read
        access rotates automatically; use this after a suspected key leak or to repair reader lines.
        """
) { context in
    guard context.positionals.isEmpty else { throw context.usage("rotate takes no arguments (use -e ENV)") }
    let environment = context.environment
    _ = try context.mutate { try $0.rotate(environment) }
    context.console.note("rotated the key of \(environment)")
    return 0
}
