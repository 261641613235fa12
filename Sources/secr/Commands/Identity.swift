import SecrCLI
import SecrCore

enum IdentityOptions {
    static let remove = Flag("--remove", help: "remove the passphrase (store the key unencrypted, mode 0600)")
    static let newFile = Option<String>("--new-passphrase-file", value: "FILE", help: "read the new passphrase from FILE's first line (also $SECR_NEW_PASSPHRASE)", completion: .file)
}

let identityCommand = CommandSpec(
    "identity", summary: "protect your identity file with a passphrase",
    children: [
        CommandSpec(
            "passwd", summary: "set, change or remove the passphrase of your identity file",
            details: """
                Opens the identity file (--identity, $SECR_IDENTITY_FILE or the default) with its
                current passphrase, if it has one (the terminal, --passphrase-file,
                $SECR_PASSPHRASE_FILE or $SECR_PASSPHRASE), and writes it again, atomically and
                with mode 0600, encrypted with the new passphrase: asked twice on the terminal,
                or read from --new-passphrase-file or $SECR_NEW_PASSPHRASE. --remove writes it
                unencrypted. The key itself does not change, so nothing in any project changes.
                """,
            options: [IdentityOptions.remove.spec, IdentityOptions.newFile.spec, KeygenOptions.kdfCost.spec]
        ) { parsed in
            let context = Context(parsed)
            guard let path = context.value(Global.identity) ?? Environment.nonEmpty("SECR_IDENTITY_FILE") ?? {
                Environment.nonEmpty("SECR_IDENTITY") == nil ? IdentityLookup.defaultPath : nil
            }() else {
                throw context.usage("$SECR_IDENTITY holds the key itself, not a file", hint: "give the file with --identity FILE")
            }
            guard !(context.has(IdentityOptions.remove) && context.value(IdentityOptions.newFile) != nil) else {
                throw context.usage("--remove and --new-passphrase-file contradict each other")
            }
            // Read from exactly the file that is written back, whatever else the environment names.
            let (text, source) = try IdentityLookup.locate(explicitFile: path)
            guard !FileSystem.isSymbolicLink(path) else {
                throw SecrError(.failure, "\(path) is a symbolic link; rewriting it would leave the key where it points in its old form",
                                hint: "give the real file with --identity \(FileSystem.realPath(path) ?? "PATH")")
            }
            let identity = try IdentityLookup.open(text, source: source, passphraseFile: context.value(Global.passphraseFile),
                                                   prompt: context.passphrasePrompt)
            let passphrase = context.has(IdentityOptions.remove)
                ? nil : try newPassphrase(context, for: path, newFile: context.value(IdentityOptions.newFile), environmentFirst: "SECR_NEW_PASSPHRASE")
            try IdentityLookup.write(identity, to: path, replacing: true, passphrase: passphrase,
                                     cost: (context.value(KeygenOptions.kdfCost) ?? .standard).cost)
            context.console.note(passphrase == nil
                ? "\(path) now holds the key unencrypted (mode 0600); anyone who can read the file can use it"
                : "\(path) is now encrypted with the new passphrase; the key (\(identity.publicKey.text)) is unchanged")
            context.console.note(backupAdvice(path))
            return 0
        },
    ])
