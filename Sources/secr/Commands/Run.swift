import CSystem
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
    // Inside a run of this project the values are there already, and the identity is not
    // (a child never inherits it): the store is opened without it, to compare projects.
    var opened: Store?
    if Environment.nonEmpty(NestedRun.environmentVariable) != nil {
        let store = try context.store()
        if let outer = NestedRun.outer(project: store.roster.rootHash) {
            // The outer run sets SECR_ENV to what it injected, so an inherited one agrees with it; a
            // different one was set on purpose in between, like -e.
            let explicit = context.value(Global.env) ?? Environment.nonEmpty("SECR_ENV")
            guard explicit == nil || explicit == outer else {
                throw SecrError(.usage, "this secr run for \(explicit!) is inside a secr run for \(outer), whose values it would mix with \(explicit!)'s",
                                    hint: "run it outside (for example `secr run -e \(explicit!) -- …` from the shell), or drop -e to use \(outer)")
            }
            for name in credentialVariables { unsetenv(name) }
            return try exec(command, context: context)
        }
        opened = store
    }
    let answer = try context.deliverableValues(from: opened) { sizes in
        try ExecLimits.check(sizes, environment: context.environment, command: command, override: !context.has(RunOptions.noOverride))
    }
    let (values, withheld) = answer.pair
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
    setenv(NestedRun.projectVariable, answer.root, 1)
    // One new environment array, not a setenv per value: glibc's setenv scans the whole
    // environment each time, which made 10,000 values quadratic.
    var injected: [String: SecretBytes] = [:]
    for (key, value) in values { injected[key] = value }
    var entries: [UnsafeMutablePointer<CChar>?] = []
    var present: Set<String> = []
    var owned: [(UnsafeMutablePointer<CChar>, Int)] = []
    var entry = environ
    while let pointer = entry.pointee {
        let name = String(cString: pointer).prefix { $0 != "=" }
        present.insert(String(name))
        if !(override && injected[String(name)] != nil) { entries.append(pointer) }
        entry += 1
    }
    for (key, value) in values where override || !present.contains(key) {
        let size = key.utf8.count + 1 + value.count + 1
        let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: size)
        var offset = 0
        for byte in key.utf8 { buffer[offset] = CChar(bitPattern: byte); offset += 1 }
        buffer[offset] = CChar(bitPattern: 0x3d)
        offset += 1
        value.withUnsafeBytes { raw in
            for byte in raw { buffer[offset] = CChar(bitPattern: byte); offset += 1 }
        }
        buffer[offset] = 0
        owned.append((buffer, size))
        entries.append(buffer)
    }
    entries.append(nil)
    defer {
        // Reached only when exec failed: the values do not outlive secr in memory.
        for (buffer, size) in owned {
            buffer.update(repeating: 0, count: size)
            buffer.deallocate()
        }
    }
    return try entries.withUnsafeMutableBufferPointer { list in try exec(command, environment: list.baseAddress, context: context) }
}

/// Replaces secr with the command; returns only when that fails (127 not found, 126 otherwise).
/// `environment` replaces the process environment (nil: keep it).
private func exec(_ command: [String], environment: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = nil, context: Context) throws -> Int32 {
    let program = command[0]
    VerificationCache.shared.save()  // exec never returns to main's save
    finishDeferredWrites()
    var argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
    if let environment {
        secr_execvpe(program, &argv, environment)
    } else {
        execvp(program, &argv)
    }
    let code = errno
    if code == ENOENT {
        context.console.error("\(program): command not found (check the name and your PATH)")
        return 127
    }
    context.console.error("cannot run \(program): \(String(cString: strerror(code)))")
    return 126
}

/// The kernel's limits on what exec passes to a program, checked before any value is
/// decrypted, so that a store too large for a process environment fails at once with the
/// numbers instead of after decrypting everything (E2BIG).
enum ExecLimits {
    /// One `NAME=value` string may not exceed 32 pages (MAX_ARG_STRLEN), the NUL included.
    static let perString = 32 * 4096

    /// The total for arguments and environment: a quarter of the stack limit (what glibc's
    /// sysconf reports), and never more than 6 MiB (the kernel's cap, 3/4 of _STK_LIM).
    static var total: Int {
        let limit = sysconf(Int32(_SC_ARG_MAX))
        return min(limit > 0 ? limit : 2 << 20, 6 << 20)
    }

    static func check(_ sizes: [(key: String, size: Int)], environment: String, command: [String], override: Bool) throws {
        var kept = 0
        var present: Set<String> = []
        let delivered = Set(sizes.map(\.key))
        var entry = environ
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            let name = String(text.prefix { $0 != "=" })
            present.insert(name)
            if !(override && delivered.contains(name)) { kept += text.utf8.count + 1 + 8 }
            entry += 1
        }
        if let (key, size) = sizes.first(where: { $0.key.utf8.count + 1 + $0.size + 1 > perString }) {
            throw SecrError(.failure, "\(key) in \(environment) is \(size) bytes; Linux passes at most \(perString - 1) bytes per environment variable (NAME=value), so `secr run` cannot give it to a program. Nothing was decrypted",
                                    hint: "write it to a file instead (`secr get \(key) -e \(environment) > FILE`, mode 0600) and point the program at the file")
        }
        let arguments = command.reduce(0) { $0 + $1.utf8.count + 1 + 8 }
        let injected = sizes.filter { override || !present.contains($0.key) }.reduce(0) { $0 + $1.key.utf8.count + $1.size + 2 + 8 }
        let needed = kept + arguments + injected + 64
        guard needed <= total else {
            throw SecrError(.failure, "the \(sizes.count) values of \(environment) need \(needed / 1024) KiB of process environment with the current one and the command, more than the \(total / 1024) KiB Linux allows (a quarter of the stack limit, `ulimit -s`). Nothing was decrypted",
                                    hint: "`secr pull -e \(environment) > FILE` writes them to a file the program can read, or raise the stack limit (`ulimit -s`, in KiB: the limit is a quarter of it, and at most 6 MiB)")
        }
    }
}
