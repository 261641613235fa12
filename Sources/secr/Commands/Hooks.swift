import SecrCLI
import SecrCore

/// The repository around the current directory, for the commands that configure a clone.
func cloneRepository(_ context: Context, for what: String) throws -> GitRepository {
    guard let root = try context.location().repositoryRoot else {
        throw SecrError(.failure, "not inside a git work tree", hint: "run `secr \(what)` in a clone of your project")
    }
    return try GitRepository(at: root)
}

let hooksCommand = CommandSpec(
    "hooks", summary: "install, remove or check the pre-commit hook that runs `secr scan --staged`",
    details: """
        Installs into core.hooksPath when set, else the git directory's hooks/. An existing pre-commit
        hook is kept and run first (renamed pre-commit.secr-chained), never overwritten; installing
        again only refreshes secr's hook; uninstall puts the previous hook back. The hook fails
        closed: when the scan itself fails, the commit is blocked. `secr init` installs it. For the
        pre-commit framework, this repository's .pre-commit-hooks.yaml offers the hook id `secr-scan`.
        """,
    children: [
        CommandSpec("install", summary: "install the hook (chaining an existing one)") { parsed in
            let context = Context(parsed)
            context.console.note(try PreCommitHook.install(in: try cloneRepository(context, for: "hooks install")))
            return 0
        },
        CommandSpec("uninstall", summary: "remove secr's hook (restoring a chained one)") { parsed in
            let context = Context(parsed)
            context.console.note(try PreCommitHook.uninstall(in: try cloneRepository(context, for: "hooks uninstall")))
            return 0
        },
        CommandSpec("status", summary: "say whether the hook is installed (exit 1 when not)") { parsed in
            let context = Context(parsed)
            switch try PreCommitHook.status(in: try cloneRepository(context, for: "hooks status")) {
            case .installed(let chained): context.console.out("installed\(chained ? " (runs your previous hook first)" : "")")
            case .notInstalled: context.console.out("not installed: run `secr hooks install`"); return 1
            case .foreign: context.console.out("another pre-commit hook is installed, not secr's: run `secr hooks install` to chain it"); return 1
            }
            return 0
        },
    ])
