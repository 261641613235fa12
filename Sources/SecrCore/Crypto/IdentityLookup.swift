/// Finding the caller's identity: `--identity FILE`, else `$SECR_IDENTITY` (the key text, for
/// CI), else `$SECR_IDENTITY_FILE`, else `$XDG_CONFIG_HOME/secr/identity` or
/// `~/.config/secr/identity`.
public enum IdentityLookup {
    /// `$XDG_CONFIG_HOME/secr/identity`, else `~/.config/secr/identity`.
    public static var defaultPath: String {
        if let xdg = Environment.nonEmpty("XDG_CONFIG_HOME") { return Path.join(xdg, "secr/identity") }
        return Path.join(Environment.nonEmpty("HOME") ?? "/", ".config/secr/identity")
    }

    /// The caller's identity, looked up in the documented order; an access error that says how
    /// to make one when there is none, or when an identity file is readable by others.
    public static func resolve(explicitFile: String?) throws -> Identity {
        if let explicitFile { return try load(file: explicitFile, origin: "--identity") }
        if let text = Environment.nonEmpty("SECR_IDENTITY") { return try Identity.parse(text, source: "$SECR_IDENTITY") }
        if let file = Environment.nonEmpty("SECR_IDENTITY_FILE") { return try load(file: file, origin: "$SECR_IDENTITY_FILE") }
        let path = defaultPath
        guard FileSystem.exists(path) else {
            throw SecrError.denied("no identity: \(path) does not exist and neither --identity, $SECR_IDENTITY nor $SECR_IDENTITY_FILE is set", hint: "create one with `secr keygen`")
        }
        return try load(file: path, origin: "the default identity")
    }

    static func load(file: String, origin: String) throws -> Identity {
        guard let mode = FileSystem.mode(file) else {
            throw SecrError.denied("identity file \(file) (\(origin)) does not exist; create one with `secr keygen -o \(file)`")
        }
        guard mode & 0o077 == 0 else {
            throw SecrError.denied("identity file \(file) is accessible by group or others (mode \(String(mode, radix: 8))); a secret key must be private", hint: "run `chmod 600 \(file)`")
        }
        let bytes = try FileSystem.read(file)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw SecrError.denied("identity file \(file) is not text; create a new one with `secr keygen`")
        }
        return try Identity.parse(text, source: "identity file \(file)")
    }
}

extension IdentityLookup {
    /// Writes a new identity file with mode 0600 (its directory 0700 when created).
    package static func write(_ identity: Identity, to path: String, replacing: Bool) throws {
        if FileSystem.exists(path) && !replacing {
            throw SecrError.failure("\(path) exists already; it holds an identity that may be a member of projects. Keep it, or pass --force to replace it (the old key is then lost)")
        }
        try FileSystem.makeDirectories(Path.parent(path), mode: 0o700)
        try FileSystem.writeAtomically(path, Array(identity.fileText(created: .now()).utf8), mode: 0o600)
    }
}
