import SecrCLI
import SecrCore

let mergeCommand = CommandSpec(
    "merge", summary: "merge environment files and the roster record by record (git's merge driver)",
    details: """
        Git calls this through merge.secr.driver (set by `secr init` and `secr setup-git`) with
        the common ancestor, our version (where the result goes) and theirs. It trusts neither
        side: both are checked, as a read would check them, against the roster the merge
        produces. Changes to different keys merge; the same key changed on both sides, a record
        that goes back to an older version or was removed without a tombstone, a record whose
        signer may not write, or a key the merged roster does not name is a conflict, with the
        reason. When one side re-keyed the environment, the other side's changes are re-sealed
        to the new key (that needs a member who can read it on both sides). Rosters merge when
        one extends the other; when both grew, ours is kept and theirs' entries are listed for
        you to re-apply with secr commands: nobody's entries are ever re-signed for them.
        """,
    arguments: [ArgumentSpec("BASE", completion: .file), ArgumentSpec("OURS", completion: .file), ArgumentSpec("THEIRS", completion: .file),
                ArgumentSpec("PATH", optional: true, completion: .file)]
) { parsed in
    let context = Context(parsed)
    let (base, ours, theirs) = (context.positionals[0], context.positionals[1], context.positionals[2])
    let label = context.positionals.count == 4 ? context.positionals[3] : ours
    let location = try context.location()
    var rosters: (ours: Roster, theirs: Roster?)?
    if let root = location.repositoryRoot, let storePath = Path.relative(location.directory, to: root),
       let blobs = try? MergeSides.rosters(repositoryRoot: root, storePath: storePath),
       let mine = try? Roster.load(blobs.ours, file: "\(storePath)/roster (ours)") {
        rosters = (mine, blobs.theirs.flatMap { try? Roster.load($0, file: "\(storePath)/roster (theirs)") })
    }
    let outcome = StoreMerge.merge(base: try FileSystem.readIfExists(base) ?? [], ours: try FileSystem.read(ours),
                                   theirs: try FileSystem.read(theirs), rosters: rosters, identity: try? context.identity())
    try FileSystem.writeAtomically(ours, outcome.bytes)
    for note in outcome.notes { context.console.note("\(label): \(note)") }
    for conflict in outcome.conflicts { context.console.error("CONFLICT (secr) in \(label): \(conflict)") }
    return outcome.conflicts.isEmpty ? 0 : 1
}

let resolveCommand = CommandSpec(
    "resolve", summary: "merge the store files a stopped merge left in conflict, and stage them",
    details: """
        When a merge, rebase or cherry-pick ran without secr's merge driver (a clone without
        `secr setup`, or another tool), .secr files stop in conflict with text markers in them,
        and secr refuses to read them. `secr resolve` merges each one from the three versions
        git keeps in the index, with the merge driver's own checks, writes it and stages it.
        A file it cannot merge keeps our version, stays unstaged, and its reasons are printed.
        Give paths to resolve only those. Then `git commit` (or `git rebase --continue`).
        """,
    arguments: [ArgumentSpec("PATH", optional: true, repeating: true, completion: .file)]
) { parsed in
    let context = Context(parsed)
    let results = try StoreResolve.resolve(try context.location(), paths: context.positionals, identity: try? context.identity())
    var failed = false
    for result in results {
        for note in result.notes { context.console.note("\(result.path): \(note)") }
        if result.conflicts.isEmpty {
            context.console.out("resolved \(result.path)")
        } else {
            failed = true
            for conflict in result.conflicts { context.console.error("CONFLICT (secr) in \(result.path): \(conflict)") }
        }
    }
    return failed ? 1 : 0
}
