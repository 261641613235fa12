import SecrCLI
import SecrCore

let diffCommand = CommandSpec(
    "diff", summary: "render an environment file for git diff (the textconv driver)",
    details: """
        Git calls this through `diff.secr.textconv` (set by `secr init` and `secr setup-git`) for
        every *.secr file, so `git diff`, `git log -p` and `git show` show one line per key:
        the value in plaintext where you can read the environment, otherwise version and signer.
        Never raw ciphertext. It never fails, so git diff keeps working without an identity.
        Note: do not set diff.secr.cachetextconv; git would store the rendering in notes.
        """,
    arguments: [ArgumentSpec("FILE", completion: .file)]
) { parsed in
    let context = Context(parsed)
    let path = context.positionals[0]
    let bytes = try FileSystem.read(path)
    // The identity first, so the store is read with this identity's verification cache: git
    // starts the driver once per blob, and neighbouring versions share most of their records.
    let identity = try? context.identity()
    let state = (try? context.store(noticingSetup: false))?.state
    var text = Array(EnvironmentText.render(bytes, state: state, identity: identity).utf8)
    context.console.outBytes(text)
    wipe(&text)
    return 0
}

let setupCommand = CommandSpec(
    "setup", summary: "set up this clone for secr: the diff and merge drivers and the pre-commit hook",
    details: """
        A plain `git clone` has neither: git does not copy config or hooks. Without the merge
        driver, two branches that change neighbouring keys conflict on raw ciphertext; without
        the hook, nothing stops a plaintext .env file from being committed. Run it once in every
        clone (`secr init` does it for the clone that creates the store); running it again
        changes nothing. Every other secr command says so, once, in a clone that lacks it.
        """
) { parsed in
    let context = Context(parsed)
    for note in try CloneSetup.install(in: try cloneRepository(context, for: "setup")) { context.console.note(note) }
    return 0
}

let setupGitCommand = CommandSpec(
    "setup-git", summary: "register secr's diff and merge drivers in this clone",
    details: """
        Sets diff.secr.textconv and merge.secr.driver in the repository's local git config, so
        `git diff` shows environment files key by key and `git merge` merges them record by
        record. `secr init` does this for the clone that creates the store; every other clone runs
        `secr setup-git` once. The .gitattributes lines that select the drivers are committed.
        """
) { parsed in
    let context = Context(parsed)
    try GitDrivers.install(in: try cloneRepository(context, for: "setup-git"))
    for (name, value) in GitDrivers.settings { context.console.note("git config \(name) \(value)") }
    return 0
}
