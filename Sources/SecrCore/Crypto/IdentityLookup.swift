/// Finding the caller's identity: `--identity FILE`, else `$SECR_IDENTITY` (the key text, for
/// CI) or its other name `$SECR_TOKEN`, else `$SECR_IDENTITY_FILE`, else
/// `$XDG_CONFIG_HOME/secr/identity` or `~/.config/secr/identity`. A passphrase-protected identity is opened with `$SECR_PASSPHRASE`,
/// else the first line of `$SECR_PASSPHRASE_FILE`, else the caller's prompt (three tries).
public enum IdentityLookup {
    /// Asks for a passphrase (the CLI prompts on /dev/tty); nil when there is no one to ask.
    public typealias PassphrasePrompt = @Sendable (_ question: String) throws -> SecretBytes?

    /// `$XDG_CONFIG_HOME/secr/identity`, else `~/.config/secr/identity`.
    public static var defaultPath: String {
        if let xdg = Environment.nonEmpty("XDG_CONFIG_HOME") { return Path.join(xdg, "secr/identity") }
        return Path.join(Environment.nonEmpty("HOME") ?? "/", ".config/secr/identity")
    }

    /// The caller's identity, looked up in the documented order; an access error that says how
    /// to make one when there is none, or when an identity file is readable by others.
    public static func resolve(explicitFile: String?, prompt: PassphrasePrompt? = nil) throws -> Identity {
        let (text, source) = try locate(explicitFile: explicitFile)
        return try open(text, source: source, prompt: prompt)
    }

    /// The identity text and where it came from, in the documented order.
    package static func locate(explicitFile: String?) throws -> (text: String, source: String) {
        if let explicitFile { return (try read(file: explicitFile, origin: "--identity"), "identity file \(explicitFile)") }
        for name in keyTextVariables {
            if let text = Environment.nonEmpty(name) { return (text, "$" + name) }
        }
        if let file = Environment.nonEmpty("SECR_IDENTITY_FILE") { return (try read(file: file, origin: "$SECR_IDENTITY_FILE"), "identity file \(file)") }
        let path = defaultPath
        guard FileSystem.exists(path) else {
            throw SecrError.denied("no identity: \(path) does not exist and neither --identity, $SECR_IDENTITY, $SECR_TOKEN nor $SECR_IDENTITY_FILE is set", hint: "create one with `secr keygen`")
        }
        return (try read(file: path, origin: "the default identity"), "identity file \(path)")
    }

    /// The variables that may hold the secret key text itself, in the order they are tried.
    /// `SECR_TOKEN` is the name CI workflows use (docs/CI.md); `secr run` removes both from the
    /// command's environment.
    public static let keyTextVariables = ["SECR_IDENTITY", "SECR_TOKEN"]

    /// Parses identity text, unlocking it when it is passphrase-protected.
    /// Sources in order: `passphraseFile` (--passphrase-file), `$SECR_PASSPHRASE_FILE`,
    /// `$SECR_PASSPHRASE`, then `prompt` (three tries).
    package static func open(_ text: String, source: String, passphraseFile: String? = nil, prompt: PassphrasePrompt?) throws -> Identity {
        guard Identity.isProtected(text) else { return try Identity.parse(text, source: source) }
        if let passphraseFile {
            return try Identity.unlock(text, passphrase: try passphrase(fromFile: passphraseFile, origin: "--passphrase-file"), source: source)
        }
        if let passphrase = try passphraseFromEnvironment() {
            return try Identity.unlock(text, passphrase: passphrase, source: source)
        }
        for attempt in 1...3 {
            guard let prompt, let passphrase = try prompt("passphrase for \(source): ") else {
                throw SecrError.denied("\(source) is protected by a passphrase and there is no terminal to ask for it",
                                       hint: "set $SECR_PASSPHRASE, or $SECR_PASSPHRASE_FILE to a file holding it")
            }
            do {
                return try Identity.unlock(text, passphrase: passphrase, source: source)
            } catch let error as SecrError where error.kind == .accessDenied && attempt < 3 {
                continue
            }
        }
        throw SecrError.denied("wrong passphrase for \(source)", hint: "check $SECR_PASSPHRASE / --passphrase-file and try again; a forgotten passphrase cannot be recovered: make a new identity (`secr keygen`) and ask an admin to run `secr member set-key NAME NEWKEY`")
    }

    /// The first line of the file `$SECR_PASSPHRASE_FILE` names, else `$SECR_PASSPHRASE`.
    package static func passphraseFromEnvironment() throws -> SecretBytes? {
        if let file = Environment.nonEmpty("SECR_PASSPHRASE_FILE") { return try passphrase(fromFile: file, origin: "$SECR_PASSPHRASE_FILE") }
        guard let value = Environment.get("SECR_PASSPHRASE"), !value.isEmpty else { return nil }
        return SecretBytes(copying: Array(value.utf8))
    }

    /// The first line of a passphrase file (without its newline); refused when empty.
    package static func passphrase(fromFile file: String, origin: String) throws -> SecretBytes {
        guard let mode = FileSystem.mode(file) else {
            throw SecrError.denied("passphrase file \(file) (\(origin)) does not exist")
        }
        guard mode & 0o077 == 0 else {
            throw SecrError.denied("passphrase file \(file) is accessible by group or others (mode \(String(mode, radix: 8)))", hint: "run `chmod 600 \(file)`")
        }
        guard var bytes = try FileSystem.readIfExists(file) else {
            throw SecrError.denied("passphrase file \(file) (\(origin)) does not exist")
        }
        defer { wipe(&bytes) }
        let line = bytes.prefix { $0 != 0x0a && $0 != 0x0d }
        guard !line.isEmpty else { throw SecrError.denied("passphrase file \(file) (\(origin)) is empty") }
        return SecretBytes(copying: line)
    }

    static func read(file: String, origin: String) throws -> String {
        guard let mode = FileSystem.mode(file) else {
            throw SecrError.denied("identity file \(file) (\(origin)) does not exist", hint: "create one with `secr keygen -o \(file)`")
        }
        guard mode & 0o077 == 0 else {
            throw SecrError.denied("identity file \(file) is accessible by group or others (mode \(String(mode, radix: 8))); a secret key must be private", hint: "run `chmod 600 \(file)`")
        }
        let bytes = try FileSystem.read(file)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw SecrError.denied("identity file \(file) is not text", hint: "create a new one with `secr keygen`")
        }
        return text
    }
}

extension IdentityLookup {
    /// Writes a new identity file with mode 0600 (its directory 0700 when created).
    /// With a passphrase the file is protected (`Identity.protectedFileText`).
    package static func write(_ identity: Identity, to path: String, replacing: Bool,
                              passphrase: SecretBytes? = nil, cost: PassphraseCost = .standard) throws {
        if FileSystem.exists(path) && !replacing {
            throw SecrError.failure("\(path) exists already; it holds an identity that may be a member of projects. Keep it, or pass --force to replace it (the old key is then lost)")
        }
        let text = try passphrase.map { try identity.protectedFileText(passphrase: $0, cost: cost, created: .now()) }
            ?? identity.fileText(created: .now())
        try FileSystem.makeDirectories(Path.parent(path), mode: 0o700)
        try FileSystem.writeAtomically(path, Array(text.utf8), mode: 0o600)
    }
}
