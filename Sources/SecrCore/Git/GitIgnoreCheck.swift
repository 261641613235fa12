import CGit2

/// Whether git ignores a path, for the warning after `pull -o FILE`. This is the only libgit2
/// use on a read command, and only when a file is written.
package enum GitIgnoreCheck {
    /// nil when the path is not inside a work tree or git cannot tell.
    package static func isIgnored(_ path: String) -> Bool? {
        guard let absolute = FileSystem.realPath(path),
              let root = StoreLocation.repositoryRoot(containing: Path.parent(absolute)),
              let relative = Path.relative(absolute, to: FileSystem.realPath(root) ?? root),
              let repository = try? GitRepository(at: root) else { return nil }
        return repository.isIgnored(relative)
    }
}

extension GitRepository {
    func isIgnored(_ relativePath: String) -> Bool? {
        var ignored: Int32 = 0
        guard git_ignore_path_is_ignored(&ignored, handle, relativePath) == 0 else { return nil }
        return ignored == 1
    }
}
