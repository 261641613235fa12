import SecrCLI
import SecrCore

enum KDFCost: String, ChoiceValue {
    case standard, high
    var cost: PassphraseCost { self == .high ? .high : .standard }
}

enum KeygenOptions {
    static let output = Option<String>("-o", "--output", value: "FILE", help: "where to write the secret key", completion: .file)
    static let force = Flag("--force", help: "replace an existing identity file (its key is lost)")
    static let passphrase = Flag("--passphrase", help: "encrypt the secret key with a passphrase (Argon2id)")
    static let kdfCost = Option<KDFCost>("--kdf-cost", value: "COST", help: "standard (64 MiB, 3 passes; default) or high (256 MiB, 4 passes)")
}

/// The backup advice keygen and `identity passwd` give.
func backupAdvice(_ path: String) -> String {
    "back up \(path) now (a password manager, or an encrypted USB key): a lost identity cannot be recovered, only replaced by an admin with `secr member set-key NAME NEWKEY`."
}

let keygenCommand = CommandSpec(
    "keygen", summary: "create your identity (a key pair); prints the public key",
    details: """
        Writes a new secret key to FILE (default $XDG_CONFIG_HOME/secr/identity, else
        ~/.config/secr/identity) with mode 0600, and prints only the public key (secr1…) on stdout.
        Give the public key to a project admin, who adds you with `secr member add`.
        An existing identity is never replaced without --force.
        --passphrase encrypts the key: Argon2id (libsodium crypto_pwhash, parameters stored in the
        file) derives a key that seals it with XSalsa20-Poly1305. The passphrase is asked twice
        on the terminal (/dev/tty), or read from --passphrase-file, $SECR_PASSPHRASE_FILE or
        $SECR_PASSPHRASE. Every command that loads the identity then pays the KDF: about 0.1 s
        with the standard cost, 0.7 s with --kdf-cost high. `secr identity passwd` changes it.
        """,
    options: [KeygenOptions.output.spec, KeygenOptions.force.spec, KeygenOptions.passphrase.spec, KeygenOptions.kdfCost.spec]
) { parsed in
    let context = Context(parsed)
    let path = context.value(KeygenOptions.output) ?? IdentityLookup.defaultPath
    guard context.has(KeygenOptions.passphrase) || context.value(KeygenOptions.kdfCost) == nil else {
        throw context.usage("--kdf-cost needs --passphrase")
    }
    if FileSystem.exists(path) && !context.has(KeygenOptions.force) {
        throw SecrError(.failure, "\(path) exists already; it holds an identity that may be a member of projects. Keep it, or pass --force to replace it (the old key is then lost)")
    }
    let passphrase = context.has(KeygenOptions.passphrase) ? try newPassphrase(context, for: path) : nil
    let identity = try Identity.generate()
    try IdentityLookup.write(identity, to: path, replacing: context.has(KeygenOptions.force), passphrase: passphrase,
                             cost: (context.value(KeygenOptions.kdfCost) ?? .standard).cost)
    context.console.out(identity.publicKey.text)
    context.console.note("wrote your secret key to \(path) (mode 0600\(passphrase == nil ? "" : ", encrypted with your passphrase")); share only the public key above")
    context.console.note(backupAdvice(path))
    return 0
}

/// A new passphrase: from --passphrase-file / $SECR_PASSPHRASE_FILE / $SECR_PASSPHRASE (`newFile`
/// and `$SECR_NEW_PASSPHRASE` first when given), else asked twice on the terminal.
func newPassphrase(_ context: Context, for path: String, newFile: String? = nil, environmentFirst: String? = nil) throws -> SecretBytes {
    if let newFile { return try IdentityLookup.passphrase(fromFile: newFile, origin: "--new-passphrase-file") }
    if let name = environmentFirst, let value = Environment.nonEmpty(name) { return SecretBytes(copying: Array(value.utf8)) }
    if environmentFirst == nil {
        if let file = context.value(Global.passphraseFile) { return try IdentityLookup.passphrase(fromFile: file, origin: "--passphrase-file") }
        if let fromEnvironment = try IdentityLookup.passphraseFromEnvironment() { return fromEnvironment }
    }
    guard let first = try SecretInput.promptTerminal("new passphrase for \(path): ") else {
        throw SecrError(.usage, "no terminal to ask for the passphrase",
                        hint: "use --passphrase-file FILE\(environmentFirst.map { ", or $\($0)" } ?? ", $SECR_PASSPHRASE_FILE or $SECR_PASSPHRASE")")
    }
    guard first.count > 0 else { throw SecrError(.usage, "the passphrase is empty; nothing was written") }
    guard let again = try SecretInput.promptTerminal("the same passphrase again: "), again.isEqual(to: first) else {
        throw SecrError(.usage, "the two passphrases differ; nothing was written")
    }
    return first
}
