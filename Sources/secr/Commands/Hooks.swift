import SecrCore

let hooksCommand = Command(
    "hooks", summary: "install, remove or check the pre-commit hook that runs `secr scan --staged`",
    usage: "secr hooks install | uninstall | status",
    details: """
        Installs into core.hooksPath when set, else .git/hooks. An existing pre-commit hook is kept
        and run first (renamed pre-commit.secr-chained), never overwritten; installing again only
        refreshes secr's hook; uninstall puts the previous hook back. The hook fails closed: when
        the scan itself fails, the commit is blocked. `secr init` installs it. For the pre-commit
        framework, this repository's .pre-commit-hooks.yaml offers the hook id `secr-scan`.
        """
) { context in
    guard context.positionals.count == 1 else { throw context.usage("hooks needs install, uninstall or status") }
    guard let root = try context.location().repositoryRoot else { throw SecrError(.failure, "not inside a git work tree; run `secr hooks` in a clone of your project") }
    let repository = try GitRepository(at: root)
    switch context.positionals[0] {
    case "install": context.console.note(try PreCommitHook.install(in: repository))
    case "uninstall": context.console.note(try PreCommitHook.uninstall(in: repository))
    case "status":
        switch try PreCommitHook.status(in: repository) {
        case .installed(let chained): context.console.out("installed\(chained ? " (runs your previous hook first)" : "")")
        case .notInstalled: context.console.out("not installed: run `secr hooks install`"); return 1
        case .foreign: context.console.out("another pre-commit hook is installed, not secr's: run `secr hooks install` to chain it"); return 1
        }
    default: throw context.usage("hooks needs install, uninstall or status")
    }
    return 0
}
