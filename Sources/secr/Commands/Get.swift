import SecrCLI
import SecrCore

let getCommand = CommandSpec(
    "get", summary: "print one secret's value",
    arguments: [ArgumentSpec("KEY", completion: .key)], options: [noMaskFlag.spec]
) { parsed in
    let context = Context(parsed)
    let key = context.positionals[0]
    try KeyName.check(Substring(key))
    let identity = try context.identity()
    let store = try context.store()
    let value = try store.value(of: key, in: context.environment, identity: identity)
    context.maskForLog([value])
    var out = value.withUnsafeBytes { Array($0) } + [0x0a]
    context.console.outBytes(out)
    wipe(&out)
    return 0
}
