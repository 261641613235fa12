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

    /// A store at `directory`, inside the work tree `repositoryRoot` (if any).
    public init(directory: String, repositoryRoot: String?, isExplicit: Bool = false) {
        self.directory = directory
        self.repositoryRoot = repositoryRoot
        self.isExplicit = isExplicit
    }

    package var rosterPath: String { Path.join(directory, "roster") }
    /// The leak scanner's allowlist.
    package var allowlistPath: String { Path.join(directory, "allow") }
    package var environmentDirectory: String { Path.join(directory, "env") }
    package func environmentPath(_ name: String) -> String { Path.join(environmentDirectory, "\(name).secr") }

    /// How files are named in messages: relative to the work tree when there is one.
    public func display(_ path: String) -> String {
        if let root = repositoryRoot, let relative = Path.relative(path, to: root) { return relative }
        return path
    }

    package var exists: Bool { FileSystem.exists(rosterPath) }

    /// `explicit` is `--store` or `$SECR_STORE`; otherwise the store of the enclosing work tree.
    public static func find(explicit: String?, workingDirectory: String) throws -> StoreLocation {
        if let explicit {
            let absolute = FileSystem.realPath(Path.absolute(explicit, from: workingDirectory))
                ?? normalise(Path.absolute(explicit, from: workingDirectory))
            return StoreLocation(directory: absolute, repositoryRoot: repositoryRoot(containing: Path.parent(absolute)), isExplicit: true)
        }
        guard let root = repositoryRoot(containing: FileSystem.realPath(workingDirectory) ?? workingDirectory) else {
            throw SecrError.failure("not inside a git work tree (no .git found above \(workingDirectory))", hint: "run secr in your project's repository, or point it at a store with --store DIR")
        }
        return StoreLocation(directory: Path.join(root, ".secr"), repositoryRoot: root)
    }

    /// Refuses a store that points elsewhere: a `.secr` that is a symbolic link or resolves
    /// outside the work tree (unless `--store` named it), and a roster or `env/` that is a
    /// link. A pushed symlink could otherwise point secr at a store of the pusher's choosing,
    /// or make a write land outside the repository.
    package func checkContained() throws {
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
