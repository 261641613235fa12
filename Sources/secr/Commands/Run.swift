import Glibc
import SecrCLI
import SecrCore

enum RunOptions {
    static let noOverride = Flag("--no-override", help: "keep variables already set in the environment")
}

let runCommand = CommandSpec(
    "run", summary: "run a command with an environment's secrets in its environment",
    details: """
        Decrypts the environment, adds its secrets to the inherited environment (secrets win
        unless --no-override), and replaces secr with CMD, so CMD's exit status is secr's.
        Nothing is started when the secrets cannot be read. Exit 127: CMD not found; 126: not executable.
        $SECR_IDENTITY is removed from CMD's environment: it gets the secrets, not your key.
        Keys whose names steer how programs start (PATH, LD_*, GIT_*, NODE_OPTIONS, PYTHON*, SECR_*,
        …: see README) are never injected unless an owner allowed that exact name
        (`secr policy inject allow NAME`); they are named in a warning instead.
        """,
    options: [RunOptions.noOverride.spec], trailing: "CMD [ARGS…]"
) { parsed in
    let context = Context(parsed)
    guard let command = parsed.trailing, let program = command.first else {
        throw context.usage("give the command after --", hint: "secr run -e staging -- npm test")
    }
    let store = try context.store()
    let (values, withheld) = try store.deliverableValues(in: context.environment, identity: try context.identity())
    if !withheld.isEmpty {
        context.console.warning("not injected: \(withheld.joined(separator: ", ")): \(withheld.count == 1 ? "this name steers" : "these names steer") how programs start, so anyone who may write \(context.environment) could run code in your session. Rename the key, or an owner allows the exact name with `secr policy inject allow NAME`")
    }
    let override = !context.has(RunOptions.noOverride)
    // The command gets this environment's secrets, not the key to every environment the
    // identity can read.
    unsetenv("SECR_IDENTITY")
    for (key, value) in values {
        var bytes = value.withUnsafeBytes { Array($0) } + [0]
        bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                if let text = chars.baseAddress { _ = setenv(key, text, override ? 1 : 0) }
            }
        }
        wipe(&bytes)
    }
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
