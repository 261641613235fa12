import SecrCore

let pullCommand = Command(
    "pull", summary: "decrypt an environment: dotenv, JSON, shell, YAML, or key names",
    usage: "secr pull [-e ENV] [--format dotenv|json|shell|yaml|keys] [-o FILE]",
    details: """
        Writes to stdout, or with -o atomically to FILE with mode 0600 (and warns when FILE is not
        ignored by git). --format keys lists key names only and needs no identity.
        dotenv quoting: plain values unquoted; values without ', \\ or line breaks in single
        quotes; others in double quotes with \\\\ \\" \\n \\r \\t escapes (python-dotenv rules).
        """,
    options: [.value("--format", help: "dotenv (default), json, shell, yaml or keys"),
              .value("-o", "--output", help: "write to FILE (mode 0600) instead of stdout"),
              .flag("--json", help: "same as --format json")]
) { context in
    guard context.positionals.isEmpty else { throw context.usage("pull takes no arguments (use -e ENV)") }
    let formatName = context.arguments.has("json") ? "json" : (context.arguments.value("format") ?? "dotenv")
    guard let format = SecretFormat(rawValue: formatName) else {
        throw context.usage("unknown format '\(formatName)'; formats: \(SecretFormat.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    let store = try context.store()
    let environment = context.environment
    var out: [UInt8]
    if format == .keys {
        out = SecretFormat.keyList(try store.keyNames(in: environment))
    } else {
        out = format.render(try store.values(in: environment, identity: try context.identity()))
    }
    defer { wipe(&out) }
    guard let path = context.arguments.value("output") else {
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
