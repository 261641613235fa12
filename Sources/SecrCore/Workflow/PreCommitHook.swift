import Glibc

/// Installs secr's pre-commit hook into a clone: into `core.hooksPath` when set, else the git
/// directory's hooks/. An existing hook of someone else's is kept and run first (chained), never
/// overwritten; installing twice changes nothing.
package enum PreCommitHook {
    package enum Status: Equatable, Sendable {
        case notInstalled
        case installed(chained: Bool)
        /// Another tool's hook is there and secr's is not.
        case foreign
    }

    static let marker = "# secr pre-commit hook"
    static let chainedName = "pre-commit.secr-chained"

    package static func directory(in repository: GitRepository) throws -> String {
        if let configured = repository.configValue("core.hooksPath") {
            return Path.absolute(configured, from: repository.workdir)
        }
        guard let gitDirectory = GitDirectory.find(workTree: repository.workdir) else {
            throw SecrError.failure("cannot find the git directory of \(repository.workdir)")
        }
        return Path.join(gitDirectory.common, "hooks")
    }

    /// The script: runs a chained hook first, then `secr scan --staged`, and fails closed.
    static func script() -> String {
        let quoted = GitDrivers.quotedExecutable
        return """
            #!/bin/sh
            \(marker) (installed by `secr hooks install`, removed by `secr hooks uninstall`).
            # Blocks commits that would add plaintext secrets. To commit anyway, deliberately:
            #   git commit --no-verify
            chained="$(dirname "$0")/\(chainedName)"
            if [ -x "$chained" ]; then "$chained" "$@" || exit $?; fi
            WANT=\(quoted)
            SECR=$WANT
            command -v "$SECR" >/dev/null 2>&1 || SECR=secr
            if ! command -v "$SECR" >/dev/null 2>&1; then
                echo "secr: the pre-commit hook cannot find secr (not at $WANT, not on PATH=$PATH), so the commit is blocked." >&2
                echo "secr: hint: git clients started from a desktop often have a shorter PATH; install secr in /usr/local/bin, or run \\`secr setup\\` again from the secr you use. To commit without the scan, deliberately: git commit --no-verify" >&2
                exit 1
            fi
            "$SECR" scan --staged --quiet
            status=$?
            case $status in
                0) exit 0 ;;
                5) echo "secr: commit blocked by the findings above. To commit anyway, deliberately: git commit --no-verify" >&2; exit 1 ;;
                *) echo "secr: the secret scan failed (exit $status), so the commit is blocked (fail closed). Fix the error above, or commit with --no-verify deliberately." >&2; exit 1 ;;
            esac

            """
    }

    package static func status(in repository: GitRepository) throws -> Status {
        let hooks = try directory(in: repository)
        guard let bytes = try FileSystem.readIfExists(Path.join(hooks, "pre-commit")) else { return .notInstalled }
        guard String(decoding: bytes, as: UTF8.self).contains(marker) else { return .foreign }
        return .installed(chained: FileSystem.exists(Path.join(hooks, chainedName)))
    }

    /// Returns a sentence saying what was done.
    @discardableResult
    package static func install(in repository: GitRepository) throws -> String {
        let hooks = try directory(in: repository)
        try FileSystem.makeDirectories(hooks)
        let path = Path.join(hooks, "pre-commit")
        var said = "installed the pre-commit hook in \(hooks)"
        switch try status(in: repository) {
        case .installed:
            said = "the pre-commit hook is installed already (refreshed) in \(hooks)"
        case .foreign:
            let chained = Path.join(hooks, chainedName)
            guard !FileSystem.exists(chained) else {
                throw SecrError.failure("\(path) is another tool's hook and \(chained) exists already; merge them by hand")
            }
            try FileSystem.rename(path, to: chained)
            said += "; your existing hook now runs first (\(chainedName))"
        case .notInstalled:
            break
        }
        try FileSystem.writeAtomically(path, Array(script().utf8), mode: 0o755)
        return said
    }

    @discardableResult
    package static func uninstall(in repository: GitRepository) throws -> String {
        let hooks = try directory(in: repository)
        let path = Path.join(hooks, "pre-commit"), chained = Path.join(hooks, chainedName)
        guard case .installed = try status(in: repository) else { return "secr's pre-commit hook is not installed in \(hooks)" }
        try FileSystem.remove(path)
        if FileSystem.exists(chained) {
            try FileSystem.rename(chained, to: path)
            return "removed secr's pre-commit hook; your previous hook is back in place"
        }
        return "removed secr's pre-commit hook from \(hooks)"
    }
}
