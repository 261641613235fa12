import SecrCLI
import SecrCore

enum ImportOptions {
    static let dryRun = Flag("--dry-run", help: "show what would change; write nothing")
}

let importCommand = CommandSpec(
    "import", summary: "set every key of a dotenv or JSON file, in one commit",
    details: """
        FILE is dotenv (python-dotenv's rules: `export` prefixes, comments, single and double
        quotes with their escapes, multi-line quoted values, inline ` #` comments) or a flat JSON
        object (a .json file, or text starting with `{`). `${VAR}` is never expanded. Keys not in
        FILE are left alone; values equal to the current ones are unchanged. --dry-run lists what
        would change without writing anything. After importing, delete the plaintext file.
        """,
    arguments: [ArgumentSpec("FILE", completion: .file)], options: [ImportOptions.dryRun.spec]
) { parsed in
    let context = Context(parsed)
    let path = context.positionals[0]
    var bytes = try FileSystem.read(path)
    defer { wipe(&bytes) }
    let isJSON = path.hasSuffix(".json") || bytes.first(where: { $0 > 0x20 }) == UInt8(ascii: "{")
    var pairs: [(key: String, value: SecretBytes)]
    if isJSON {
        pairs = try FlatJSONParser.parse(bytes, file: path)
        for (key, _) in pairs {
            guard KeyName.isValid(Substring(key)) else { throw SecrError(.failure, "\(path): \(Redaction.quoted(key)) is not a valid key name ([A-Za-z_][A-Za-z0-9_]*); nothing was imported") }
        }
    } else {
        let parsed = try DotenvParser.parse(bytes, file: path)
        parsed.warnings.forEach(context.console.warning)
        pairs = parsed.entries.map { ($0.key, $0.value) }
    }
    for (key, value) in pairs { try SecretValue.validate(value, key: key) }
    let environment = context.environment
    if context.has(ImportOptions.dryRun) {
        let store = try context.store()
        let current = try? store.values(in: environment, identity: try context.identity())
        let names = Set(try store.keyNames(in: environment))
        for (key, value) in pairs {
            let state: String
            if let current {
                state = current.first { $0.key == key }.map { $0.value.isEqual(to: value) ? "unchanged" : "change" } ?? "add"
            } else {
                state = names.contains(key) ? "overwrite (you cannot read the current value)" : "add"
            }
            context.console.out("\(state.padding(9)) \(key)")
        }
        context.console.note("dry run: nothing was written to \(environment)")
        return 0
    }
    let change = try context.mutate { try $0.apply(set: pairs, unset: [], in: environment, action: .import) }
    context.console.note("imported \(change.keys.count) of \(pairs.count) keys into \(environment)\(pairs.count > change.keys.count ? " (the rest were unchanged)" : ""); now delete \(path)")
    return 0
}

let exportCommand = pullCommand.renamed("export", summary: "the same as pull")
