import SecrCore

let mergeCommand = Command(
    "merge", summary: "merge environment files and the roster record by record (git's merge driver)",
    usage: "secr merge BASE OURS THEIRS [PATH]",
    details: """
        Git calls this through merge.secr.driver (set by `secr init` and `secr setup-git`) with
        the common ancestor, our version (where the result goes) and theirs. Changes to different
        keys merge cleanly, identical changes merge, and the same key changed differently on both
        sides is a conflict: the key is named, our record is kept so the file stays readable, and
        the exit status tells git the merge needs attention. When one side re-keyed the
        environment, the other side's changes are re-sealed to the new key, which needs a member
        who can read and write it. Rosters that both grew are merged by replaying their entries
        after ours, re-signed by you.
        """
) { context in
    guard (3...4).contains(context.positionals.count) else { throw context.usage("merge takes BASE OURS THEIRS [PATH]") }
    let (base, ours, theirs) = (context.positionals[0], context.positionals[1], context.positionals[2])
    let label = context.positionals.count == 4 ? context.positionals[3] : ours
    let outcome = StoreMerge.merge(base: try FileSystem.readIfExists(base) ?? [], ours: try FileSystem.read(ours),
                                   theirs: try FileSystem.read(theirs), state: (try? context.store())?.state,
                                   identity: try? context.identity())
    try FileSystem.writeAtomically(ours, outcome.bytes)
    for note in outcome.notes { context.console.note("\(label): \(note)") }
    for conflict in outcome.conflicts { context.console.error("CONFLICT (secr) in \(label): \(conflict)") }
    return outcome.conflicts.isEmpty ? 0 : 1
}
