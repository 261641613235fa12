/// Trust on first use for the roster root (the hash of the genesis line).
///
/// A clone pins the root of each store it uses, outside the repository: in the git directory
/// (`.git/secr-pins`), keyed by the store's path in the work tree; for a store outside git, in
/// `$XDG_CONFIG_HOME/secr/pins`, keyed by its absolute path. A store whose genesis changes (the
/// whole store replaced) then fails with an integrity error instead of being trusted. An
/// explicit root (`--expect-root`, `$SECR_ROSTER_ROOT`) is checked instead, and not written.
public enum RootPin {
    struct PinFile {
        let path: String
        let key: String
    }

    static func pinFile(for location: StoreLocation) -> PinFile {
        if let root = location.repositoryRoot, let gitDirectory = gitDirectory(of: root) {
            return PinFile(path: Path.join(gitDirectory, "secr-pins"),
                           key: Path.relative(location.directory, to: root) ?? location.directory)
        }
        return PinFile(path: Path.join(Path.parent(IdentityLookup.defaultPath), "pins"), key: location.directory)
    }

    /// `.git` itself, or where a `.git` file (worktrees, submodules) points.
    static func gitDirectory(of root: String) -> String? {
        let dotGit = Path.join(root, ".git")
        if FileSystem.isDirectory(dotGit) { return dotGit }
        guard let bytes = try? FileSystem.readIfExists(dotGit) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        guard text.hasPrefix("gitdir: ") else { return nil }
        let target = text.dropFirst("gitdir: ".count).split(separator: "\n").first.map(String.init) ?? ""
        return Path.absolute(target, from: root)
    }

    private static func entries(in file: PinFile) -> [(root: String, key: String)] {
        guard let bytes = try? FileSystem.readIfExists(file.path) else { return [] }
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ", maxSplits: 1)
            return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
        }
    }

    /// The pinned root of this store, if any.
    public static func pinned(for location: StoreLocation) -> String? {
        let file = pinFile(for: location)
        return entries(in: file).last { $0.key == file.key }?.root
    }

    /// Checks `roster` against the explicit or pinned root; pins it on first use.
    public static func check(_ roster: Roster, location: StoreLocation, expected: String?) throws {
        let display = location.display(location.directory)
        if let expected {
            guard expected == roster.rootHash else {
                throw SecrError.integrity("the roster of \(display) has root \(roster.rootHash), but \(expected) was expected (--expect-root or $SECR_ROSTER_ROOT): this is not the store you pinned, or it was replaced. Nothing was read.")
            }
            return
        }
        guard let pinned = pinned(for: location) else {
            try? pin(roster.rootHash, for: location)
            return
        }
        guard pinned == roster.rootHash else {
            throw SecrError.integrity("the roster of \(display) has root \(roster.rootHash), but this clone pinned \(pinned) when it first used it: the whole store was replaced by one with a different genesis (another project, or a forgery). Nothing was read. If the project was deliberately re-created, confirm the new root with its owners, then run `secr pin --reset`.")
        }
    }

    /// Pins `root` for the store, replacing an earlier pin.
    public static func pin(_ root: String, for location: StoreLocation) throws {
        let file = pinFile(for: location)
        var lines = entries(in: file).filter { $0.key != file.key }.map { "\($0.root) \($0.key)" }
        lines.append("\(root) \(file.key)")
        try FileSystem.makeDirectories(Path.parent(file.path), mode: 0o700)
        try FileSystem.writeAtomically(file.path, Array((lines.joined(separator: "\n") + "\n").utf8))
    }
}

extension RootPin {
    /// The root of the store's roster as it is on disk (the chain verified, no pin checked).
    public static func currentRoot(of location: StoreLocation) throws -> String {
        guard let bytes = try FileSystem.readIfExists(location.rosterPath) else {
            throw SecrError.failure("no secr store at \(location.display(location.directory)); run `secr init` first")
        }
        return try Roster.load(bytes, file: location.display(location.rosterPath)).rootHash
    }
}
