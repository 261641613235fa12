import Glibc
import SecrCLI
import SecrCore

enum RunOptions {
    static let noOverride = Flag("--no-override", help: "keep variables already set in the environment")
}

/// What `secr run` tells its child, so that a `secr run` inside it (a package.json script that
/// wraps itself) does not inject again: the environment it injected and the project's roster
/// root. Neither is secret.
enum NestedRun {
    static let environmentVariable = "SECR_RUN_ENV"
    static let projectVariable = "SECR_RUN_PROJECT"

    /// The outer run's environment when this run is inside one for the same project.
    static func outer(project root: String) -> String? {
        guard let environment = Environment.nonEmpty(environmentVariable), Environment.nonEmpty(projectVariable) == root else { return nil }
        return environment
    }
}

/// Variables a child never inherits from secr: the key and what unlocks it.
let credentialVariables = IdentityLookup.keyTextVariables + ["SECR_IDENTITY_FILE", "SECR_PASSPHRASE", "SECR_PASSPHRASE_FILE", "SECR_NEW_PASSPHRASE"]

let runCommand = CommandSpec(
    "run", summary: "run a command with an environment's secrets in its environment",
    details: """
        Decrypts the environment, adds its secrets to the inherited environment (secrets win
        unless --no-override), and replaces secr with CMD, so CMD's exit status is secr's.
        Nothing is started when the secrets cannot be read. Exit 127: CMD not found; 126: not executable.
        $SECR_IDENTITY, $SECR_TOKEN, $SECR_IDENTITY_FILE and $SECR_PASSPHRASE* are removed from
        CMD's environment: it gets the secrets, not your key. On GitHub Actions every value is
        first registered for masking in the log (::add-mask:: lines on stderr; --no-mask to opt out).
        CMD gets $SECR_RUN_ENV and $SECR_ENV (the environment injected) and $SECR_RUN_PROJECT (the roster root).
        A `secr run` inside it for the same project runs its command as it is, without an
        identity: without -e it uses the outer environment; with another -e or $SECR_ENV it fails (exit 2),
        because the values around it are the outer environment's.
        Keys whose names steer how programs start (PATH, LD_*, GIT_*, NODE_OPTIONS, PYTHON*, SECR_*,
        …: see README) are never injected unless an owner allowed that exact name
        (`secr policy inject allow NAME`); they are named in a warning instead.
        """,
    options: [RunOptions.noOverride.spec, noMaskFlag.spec], trailing: "CMD [ARGS…]"
) { parsed in
    let context = Context(parsed)
    guard let command = parsed.trailing, let program = command.first else {
        throw context.usage("give the command after --", hint: "secr run -e staging -- npm test")
    }
    // Outside a nested run the identity is needed anyway: resolving it first lets the store
    // open with its verification cache.
    if Environment.nonEmpty(NestedRun.environmentVariable) == nil { _ = try context.identity() }
    let store = try context.store()
    // The outer run sets SECR_ENV to what it injected, so an inherited one agrees with it; a
    // different one was set on purpose in between, like -e.
    let explicit = context.value(Global.env) ?? Environment.nonEmpty("SECR_ENV")
    if let outer = NestedRun.outer(project: store.roster.rootHash) {
        guard explicit == nil || explicit == outer else {
            throw SecrError(.usage, "this secr run for \(explicit!) is inside a secr run for \(outer), whose values it would mix with \(explicit!)'s",
                                hint: "run it outside (for example `secr run -e \(explicit!) -- …` from the shell), or drop -e to use \(outer)")
        }
        for name in credentialVariables { unsetenv(name) }
        return try exec(command, context: context)
    }
    let (values, withheld) = try store.deliverableValues(in: context.environment, identity: try context.identity())
    if !withheld.isEmpty {
        context.console.warning("not injected: \(withheld.joined(separator: ", ")): \(withheld.count == 1 ? "this name steers" : "these names steer") how programs start, so anyone who may write \(context.environment) could run code in your session. Rename the key, or an owner allows the exact name with `secr policy inject allow NAME`")
    }
    context.maskForLog(values.map(\.value))
    let override = !context.has(RunOptions.noOverride)
    // The command gets this environment's secrets, not the key to every environment the
    // identity can read.
    for name in credentialVariables { unsetenv(name) }
    setenv(NestedRun.environmentVariable, context.environment, 1)
    setenv("SECR_ENV", context.environment, 1)
    setenv(NestedRun.projectVariable, store.roster.rootHash, 1)
    for (key, value) in values {
        var bytes = value.withUnsafeBytes { Array($0) } + [0]
        bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                if let text = chars.baseAddress { _ = setenv(key, text, override ? 1 : 0) }
            }
        }
        wipe(&bytes)
    }
    return try exec(command, context: context)
}

/// Replaces secr with the command; returns only when that fails (127 not found, 126 otherwise).
private func exec(_ command: [String], context: Context) throws -> Int32 {
    let program = command[0]
    VerificationCache.shared.save()  // exec never returns to main's save
    var argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
    execvp(program, &argv)
    let code = errno
    if code == ENOENT {
        context.console.error("\(program): command not found (check the name and your PATH)")
        return 127
    }
    context.console.error("cannot run \(program): \(String(cString: strerror(code)))")
    return 126
}
