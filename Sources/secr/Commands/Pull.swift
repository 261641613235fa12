import SecrCLI
import SecrCore

enum PullOptions {
    static let format = Option<SecretFormat>("--format", value: "FORMAT", help: "dotenv (default), json, shell, yaml, nul or keys")
    static let output = Option<String>("-o", "--output", value: "FILE", help: "write to FILE (mode 0600) instead of stdout", completion: .file)
    static let json = Flag("--json", help: "same as --format json")
}

let pullCommand = CommandSpec(
    "pull", summary: "decrypt an environment: dotenv, JSON, shell, YAML, or key names",
    details: """
        Writes to stdout, or with -o atomically to FILE with mode 0600 (and warns when FILE is not
        ignored by git). --format keys lists key names only and needs no identity; --format nul
        writes KEY=value entries each ended by a NUL byte (as `env -0`), for programs.
        On GitHub Actions every value is first registered for masking in the log (::add-mask::
        lines on stderr; --no-mask to opt out).
        dotenv quoting is safe to source in sh (nothing is expanded or executed): plain values
        unquoted; values without ' (and without backslashes python-dotenv would unescape) in
        single quotes, line breaks included; others in double quotes with \\\\ \\" \\$ \\` \\r
        escapes. Keys whose names steer how programs start (PATH, LD_*, NODE_OPTIONS, …) are left
        out of every format unless an owner allowed them; `secr get KEY` reads one deliberately.
        """,
    options: [PullOptions.format.spec, PullOptions.output.spec, PullOptions.json.spec, noMaskFlag.spec]
) { parsed in
    let context = Context(parsed)
    let format = context.has(PullOptions.json) ? .json : context.value(PullOptions.format) ?? .dotenv
    let environment = context.environment
    var out: [UInt8]
    if format == .keys {
        out = SecretFormat.keyList(try context.store().keyNames(in: environment))
    } else {
        let (values, withheld) = try context.deliverableValues().pair
        if !withheld.isEmpty {
            context.console.warning("left out: \(withheld.joined(separator: ", ")): \(withheld.count == 1 ? "this name steers" : "these names steer") how programs start (sourcing it could run code). Read one deliberately with `secr get KEY`, rename the key, or an owner allows the exact name with `secr policy inject allow NAME`")
        }
        if format == .dotenv, !SecretFormat.dotenvCaveats(values).isEmpty {
            context.console.warning("\(SecretFormat.dotenvCaveats(values).joined(separator: ", ")): quoted so that sh reads the exact value and expands nothing; python-dotenv reads the escaped \\$, \\` or \\r differently. Use --format json for programs")
        }
        context.maskForLog(values.map(\.value))
        out = format.render(values)
    }
    defer { wipe(&out) }
    guard let path = context.value(PullOptions.output) else {
        context.console.outBytes(out)
        return 0
    }
    try FileSystem.writeAtomically(path, out, mode: 0o600)
    context.console.note("wrote \(environment) to \(path) (mode 0600)")
    if let ignored = GitIgnoreCheck.isIgnored(path), !ignored {
        context.console.warning("\(path) is not ignored by git: add it to .gitignore so it is never committed")
    }
    return 0
}
