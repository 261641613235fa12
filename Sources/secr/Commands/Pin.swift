import SecrCore

let pinCommand = Command(
    "pin", summary: "show or reset this clone's pinned roster root",
    usage: "secr pin [--reset]",
    details: """
        secr pins each store's roster root (the hash of its genesis entry) the first time this
        clone uses it, outside the repository (.git/secr-pins). A store whose root differs later
        is refused with exit 4: the whole store was replaced. If the project was deliberately
        re-created, confirm the new root with its owners and run `secr pin --reset`.
        In CI, pass the root explicitly with --expect-root HASH or $SECR_ROSTER_ROOT.
        """,
    options: [.flag("--reset", help: "pin the store's current root")]
) { context in
    guard context.positionals.isEmpty else { throw context.usage("pin takes no arguments") }
    let location = try context.location()
    let current = try RootPin.currentRoot(of: location)
    let pinned = RootPin.pinned(for: location)
    if context.arguments.has("reset") {
        try RootPin.pin(current, for: location)
        context.console.out(current)
        context.console.note(pinned.map { $0 == current ? "root unchanged" : "re-pinned: was \($0)" } ?? "pinned")
        return 0
    }
    context.console.out(current)
    if let pinned, pinned != current {
        context.console.error("this clone pinned \(pinned); the store now has \(current). Run `secr pin --reset` only if its owners confirm the new root.")
        return 4
    }
    context.console.note(pinned == nil ? "not pinned yet (it will be on first use)" : "matches this clone's pin")
    return 0
}
