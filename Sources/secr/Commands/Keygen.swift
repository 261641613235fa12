import SecrCLI
import SecrCore

enum KeygenOptions {
    static let output = Option<String>("-o", "--output", value: "FILE", help: "where to write the secret key", completion: .file)
    static let force = Flag("--force", help: "replace an existing identity file (its key is lost)")
}

let keygenCommand = CommandSpec(
    "keygen", summary: "create your identity (a key pair); prints the public key",
    details: """
        Writes a new secret key to FILE (default $XDG_CONFIG_HOME/secr/identity, else
        ~/.config/secr/identity) with mode 0600, and prints only the public key (secr1…) on stdout.
        Give the public key to a project admin, who adds you with `secr member add`.
        An existing identity is never replaced without --force.
        """,
    options: [KeygenOptions.output.spec, KeygenOptions.force.spec]
) { parsed in
    let context = Context(parsed)
    let path = context.value(KeygenOptions.output) ?? IdentityLookup.defaultPath
    let identity = try Identity.generate()
    try IdentityLookup.write(identity, to: path, replacing: context.has(KeygenOptions.force))
    context.console.out(identity.publicKey.text)
    context.console.note("wrote your secret key to \(path) (mode 0600); share only the public key above")
    return 0
}
