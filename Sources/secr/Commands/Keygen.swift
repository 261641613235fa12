import SecrCore

let keygenCommand = Command(
    "keygen", summary: "create your identity (a key pair); prints the public key",
    usage: "secr keygen [-o FILE] [--force]",
    details: """
        Writes a new secret key to FILE (default $XDG_CONFIG_HOME/secr/identity, else
        ~/.config/secr/identity) with mode 0600, and prints only the public key (secr1…) on stdout.
        Give the public key to a project admin, who adds you with `secr member add`.
        An existing identity is never replaced without --force.
        """,
    options: [.value("-o", "--output", help: "where to write the secret key"),
              .flag("--force", help: "replace an existing identity file (its key is lost)")]
) { context in
    guard context.positionals.isEmpty else { throw context.usage("keygen takes no arguments") }
    let path = context.arguments.value("output") ?? IdentityLookup.defaultPath
    let identity = try Identity.generate()
    try IdentityLookup.write(identity, to: path, replacing: context.arguments.has("force"))
    context.console.out(identity.publicKey.text)
    context.console.note("wrote your secret key to \(path) (mode 0600); share only the public key above")
    return 0
}
