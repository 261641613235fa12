/// Where a store is, and the git work tree around it (if any).
///
/// Found by walking up from the working directory to the first `.git`, without libgit2, so
/// read-only commands stay off libgit2's start-up cost.
public struct StoreLocation: Sendable {
    /// Absolute path of the store directory (`<repo root>/.secr` unless `--store` says otherwise).
    public let directory: String
    /// Absolute path of the git work tree that contains the store, if any.
    public let repositoryRoot: String?

    /// The store was named by `--store` or `$SECR_STORE` rather than found as `<root>/.secr`.
    public let isExplicit: Bool

    public init(directory: String, repositoryRoot: String?, isExplicit: Bool = false) {
        self.directory = directory
        self.repositoryRoot = repositoryRoot
        self.isExplicit = isExplicit
    }

    public var rosterPath: String { Path.join(directory, "roster") }
    /// The leak scanner's allowlist.
    public var allowlistPath: String { Path.join(directory, "allow") }
    public var environmentDirectory: String { Path.join(directory, "env") }
    public func environmentPath(_ name: String) -> String { Path.join(environmentDirectory, "\(name).secr") }

    /// How files are named in messages: relative to the work tree when there is one.
    public func display(_ path: String) -> String {
        if let root = repositoryRoot, let relative = Path.relative(path, to: root) { return relative }
        return path
    }

    public var exists: Bool { FileSystem.exists(rosterPath) }

    /// `explicit` is `--store` or `$SECR_STORE`; otherwise the store of the enclosing work tree.
    public static func find(explicit: String?, workingDirectory: String) throws -> StoreLocation {
        if let explicit {
            let absolute = FileSystem.realPath(Path.absolute(explicit, from: workingDirectory))
                ?? normalise(Path.absolute(explicit, from: workingDirectory))
            return StoreLocation(directory: absolute, repositoryRoot: repositoryRoot(containing: Path.parent(absolute)), isExplicit: true)
        }
        guard let root = repositoryRoot(containing: FileSystem.realPath(workingDirectory) ?? workingDirectory) else {
            throw SecrError.failure("not inside a git work tree (no .git found above \(workingDirectory)); run secr in your project's repository, or point it at a store with --store DIR")
        }
        return StoreLocation(directory: Path.join(root, ".secr"), repositoryRoot: root)
    }

    /// Refuses a store that points elsewhere: a `.secr` that is a symbolic link or resolves
    /// outside the work tree (unless `--store` named it), and a roster or `env/` that is a
    /// link. A pushed symlink could otherwise point secr at a store of the pusher's choosing,
    /// or make a write land outside the repository.
    public func checkContained() throws {
        let shown = display(directory)
        if !isExplicit, let root = repositoryRoot {
            if FileSystem.isSymbolicLink(directory) {
                throw SecrError.integrity("\(shown) is a symbolic link: secr refuses a store that redirects elsewhere (a pushed link could point it at another store). If you meant it, name the store with --store PATH")
            }
            if let real = FileSystem.realPath(directory), let realRoot = FileSystem.realPath(root), Path.relative(real, to: realRoot) == nil {
                throw SecrError.integrity("\(shown) resolves to \(real), outside the work tree \(realRoot); name the store with --store PATH if you meant it")
            }
        }
        for path in [rosterPath, environmentDirectory] where FileSystem.isSymbolicLink(path) {
            throw SecrError.integrity("\(display(path)) is a symbolic link; store files must be plain files in the store (restore them with `git checkout -- \(shown)`)")
        }
    }

    /// The nearest directory at or above `path` that has a `.git` entry.
    static func repositoryRoot(containing path: String) -> String? {
        var current = path
        while true {
            if FileSystem.exists(Path.join(current, ".git")) { return current }
            let parent = Path.parent(current)
            if parent == current { return nil }
            current = parent
        }
    }

    private static func normalise(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." { continue }
            if part == ".." { _ = parts.popLast() } else { parts.append(part) }
        }
        return "/" + parts.joined(separator: "/")
    }
}

/// Finding the caller's identity: `--identity FILE`, else `$SECR_IDENTITY` (the key text, for
/// CI), else `$SECR_IDENTITY_FILE`, else `$XDG_CONFIG_HOME/secr/identity` or
/// `~/.config/secr/identity`.
public enum IdentityLookup {
    public static var defaultPath: String {
        if let xdg = Environment.nonEmpty("XDG_CONFIG_HOME") { return Path.join(xdg, "secr/identity") }
        return Path.join(Environment.nonEmpty("HOME") ?? "/", ".config/secr/identity")
    }

    public static func resolve(explicitFile: String?) throws -> Identity {
        if let explicitFile { return try load(file: explicitFile, origin: "--identity") }
        if let text = Environment.nonEmpty("SECR_IDENTITY") { return try Identity.parse(text, source: "$SECR_IDENTITY") }
        if let file = Environment.nonEmpty("SECR_IDENTITY_FILE") { return try load(file: file, origin: "$SECR_IDENTITY_FILE") }
        let path = defaultPath
        guard FileSystem.exists(path) else {
            throw SecrError.denied("no identity: \(path) does not exist and neither --identity, $SECR_IDENTITY nor $SECR_IDENTITY_FILE is set; create one with `secr keygen`")
        }
        return try load(file: path, origin: "the default identity")
    }

    static func load(file: String, origin: String) throws -> Identity {
        guard let mode = FileSystem.mode(file) else {
            throw SecrError.denied("identity file \(file) (\(origin)) does not exist; create one with `secr keygen -o \(file)`")
        }
        guard mode & 0o077 == 0 else {
            throw SecrError.denied("identity file \(file) is accessible by group or others (mode \(String(mode, radix: 8))); a secret key must be private: run `chmod 600 \(file)`")
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
    public static func write(_ identity: Identity, to path: String, replacing: Bool) throws {
        if FileSystem.exists(path) && !replacing {
            throw SecrError.failure("\(path) exists already; it holds an identity that may be a member of projects. Keep it, or pass --force to replace it (the old key is then lost)")
        }
        try FileSystem.makeDirectories(Path.parent(path), mode: 0o700)
        try FileSystem.writeAtomically(path, Array(identity.fileText(created: .now()).utf8), mode: 0o600)
    }
}

/// Rules for secret values: UTF-8 text without NUL, at most 8 MiB.
public enum SecretValue {
    public static let maximumBytes = 8 << 20

    public static func validate(_ value: SecretBytes, key: String) throws {
        guard value.count <= maximumBytes else {
            throw SecrError.failure("the value of \(key) is larger than 8 MiB; store large files elsewhere and keep a key to them in secr")
        }
        try value.withUnsafeBytes { bytes in
            guard !bytes.contains(0) else {
                throw SecrError.failure("the value of \(key) contains a NUL byte; values are text (base64-encode binary data first)")
            }
            guard String(validating: bytes, as: UTF8.self) != nil else {
                throw SecrError.failure("the value of \(key) is not valid UTF-8; values are text (base64-encode binary data first)")
            }
        }
    }
}
