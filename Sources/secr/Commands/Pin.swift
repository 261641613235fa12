import SecrCLI
import SecrCore

enum PinOptions {
    static let head = Flag("--head", help: "print the roster head (SEQ:HASH) instead of the root")
    static let reset = Flag("--reset", help: "forget the pin and seen versions; pin the roster as it is now")
}

let pinCommand = CommandSpec(
    "pin", summary: "show or reset what this clone has pinned of the roster",
    details: """
        Prints the store's roster root (the hash of its genesis entry); with --head, its head
        instead (SEQ:HASH of its newest entry, for --expect-head). secr pins both the first time this clone uses a store, outside the
        repository (<git common dir>/secr/pins, shared by worktrees), moves the head forward as
        the roster grows, and remembers the highest version of every key it has verified. A
        roster that does not extend the pinned head (entries cut off or rewritten), another
        root, or a key older than one seen before is refused with exit 4.
        --reset forgets all of that and pins the roster as it is now: do it only when you know
        why it changed (the project was re-created, or a rewrite was agreed with its owners).
        In CI, which has no pin of its own, pass --expect-root HASH / $SECR_ROSTER_ROOT and
        optionally --expect-head SEQ:HASH / $SECR_ROSTER_HEAD.
        """,
    options: [PinOptions.head.spec, PinOptions.reset.spec]
) { parsed in
    let context = Context(parsed)
    let location = try context.location()
    let roster = try CloneState.currentRoster(of: location)
    let clone = CloneState.of(location)
    let pinned = clone.pin()
    let pinnedRoot = clone.pinnedRoot()
    let head = "\(roster.count - 1):\(roster.headHash)"
    let shown = context.has(PinOptions.head) ? head : roster.rootHash
    if context.has(PinOptions.reset) {
        try clone.reset(to: roster)
        context.console.out(shown)
        context.console.note(pinned.map { $0.root == roster.rootHash ? "re-pinned the head (root unchanged); seen versions forgotten" : "re-pinned: the root was \($0.root)" } ?? "pinned")
        return 0
    }
    context.console.out(shown)
    if !context.has(PinOptions.head) { context.console.note("head \(head)") }
    if let pinnedRoot, pinnedRoot != roster.rootHash {
        context.console.error("this clone pinned root \(pinnedRoot); the store now has \(roster.rootHash). Run `secr pin --reset` only if its owners confirm the new root.")
        return 4
    }
    guard let pinned else {
        context.console.note(pinnedRoot == nil ? "not pinned yet (it will be on first use)" : "the root matches this clone's pin; this branch has no head pinned yet (it will on first use)")
        return 0
    }
    if pinned.seq >= 0 && roster.entryHash(at: pinned.seq) != pinned.head {
        context.console.error("this clone has seen the roster up to entry \(pinned.seq) (\(pinned.head.prefix(12))…), which this roster \(roster.count <= pinned.seq ? "does not reach (entries were cut off)" : "has rewritten"). Check out the latest; run `secr pin --reset` only if you know why.")
        return 4
    }
    context.console.note(pinned.seq == roster.count - 1 ? "matches this clone's pin" : "extends this clone's pin (entry \(pinned.seq)); it moves forward on the next read")
    return 0
}
