import SecrCLI
import SecrCore

let rotateCommand = CommandSpec(
    "rotate", summary: "give an environment a new key pair",
    details: """
        Generates a new key pair for the environment (-e ENV), re-seals every value to it (records
        keep their original signers), rewrites the reader lines for exactly the members whose role
        reads it, and records the new key in the roster. Needs read access to the environment.
        Removing a member or taking away read access rotates automatically; use this after a
        suspected key leak or to repair reader lines.
        """
) { parsed in
    let context = Context(parsed)
    let environment = context.environment
    _ = try context.mutate { try $0.rotate(environment) }
    context.console.note("rotated the key of \(environment)")
    return 0
}
