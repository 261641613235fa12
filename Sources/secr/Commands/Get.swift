import SecrCore

let getCommand = Command(
    "get", summary: "print one secret's value",
    usage: "secr get KEY [-e ENV]"
) { context in
    guard context.positionals.count == 1, let key = context.positionals.first else {
        throw context.usage("get takes exactly one KEY")
    }
    try KeyName.check(Substring(key))
    let store = try context.store()
    let value = try store.value(of: key, in: context.environment, identity: try context.identity())
    var out = value.withUnsafeBytes { Array($0) } + [0x0a]
    context.console.outBytes(out)
    wipe(&out)
    return 0
}
