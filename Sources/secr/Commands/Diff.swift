import SecrCore

let diffCommand = Command(
    "diff", summary: "render an environment file for git diff (the textconv driver)",
    usage: "secr diff FILE",
    details: """
        Git calls this through `diff.secr.textconv` (set by `secr init` and `secr setup-git`) for
        every *.secr file, so `git diff`, `git log -p` and `git show` show one line per key:
        the value in plaintext where you can read the environment, otherwise version and signer.
        Never raw ciphertext. It never fails, so git diff keeps working without an identity.
        Note: do not set diff.secr.cachetextconv; git would store the rendering in notes.
        """
) { context in
    guard context.positionals.count == 1, let path = context.positionals.first else { throw context.usage("diff takes one FILE") }
    let bytes = try FileSystem.read(path)
    let state = (try? context.store())?.state
    let identity = try? context.identity()
    var text = Array(EnvironmentText.render(bytes, state: state, identity: identity).utf8)
    context.console.outBytes(text)
    wipe(&text)
    return 0
}

let setupGitCommand = Command(
    "setup-git", summary: "register secr's diff and merge drivers in this clone",
    usage: "secr setup-git",
    details: """
        Sets diff.secr.textconv and merge.secr.driver in the repository's local git config, so
        `git diff` shows environment files key by key and `git merge` merges them record by
        record. `secr init` does this for the clone that creates the store; every other clone runs
        `secr setup-git` once. The .gitattributes lines that select the drivers are committed.
        """
) { context in
    guard context.positionals.isEmpty else { throw context.usage("setup-git takes no arguments") }
    let location = try context.location()
    guard let root = location.repositoryRoot else {
        throw SecrError(.failure, "not inside a git work tree; run secr setup-git in a clone of your project")
    }
    try GitDrivers.install(in: try GitRepository(at: root))
    for (name, value) in GitDrivers.settings { context.console.note("git config \(name) \(value)") }
    return 0
}
