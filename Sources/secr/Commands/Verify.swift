import SecrCLI
import SecrCore

enum VerifyOptions {
    static let history = Flag("--history", help: "also check all of git history for rollbacks")
    static let allowShallow = Flag("--allow-shallow", help: "with --history in a shallow clone: check only the commits present")
}

let verifyCommand = CommandSpec(
    "verify", summary: "check the whole store with public data only (for CI)",
    details: """
        Needs no identity. Checks the roster chain from its genesis and every signature, each
        environment's header, that reader lines are exactly the members whose role reads the
        environment (naming missing and surplus readers), that every record's signer may write
        its environment, and the file format. One line per problem, naming file, key and member.
        Also lists values exposed to removed members that have not been rotated yet (warnings).
        --history also walks every commit reachable from HEAD, through every parent of a merge,
        and compares each with the highest state of all its ancestors: every key's version only
        grows (the same version is the same record), records disappear only through tombstones,
        environment keys never go back a generation, and the roster only grows (a merge that
        leaves out a parent's roster entries must have re-applied them). So an old, validly
        signed state cannot be brought back unnoticed, not even by deleting a file and restoring
        it later or by a merge whose first parent is old. A shallow clone is refused (exit 4):
        fetch the whole history, or pass --allow-shallow to check only what is there.
        Exit 0 when clean, 4 on any integrity problem.
        """,
    options: [VerifyOptions.history.spec, VerifyOptions.allowShallow.spec, jsonFlag.spec]
) { parsed in
    let context = Context(parsed)
    let location = try context.location()
    let expected = try context.expectation()
    // A change committed while verify read is not a problem: it reads again after the writer.
    var report = try StoreRecovery.consistentRead({ StoreVerifier.verify(location, expected: expected) },
                                                  failed: { !$0.isClean }, note: context.console.note)
    report.notices.forEach(context.console.note)
    if context.has(VerifyOptions.history) {
        let history = try HistoryVerifier.verify(location, allowShallow: context.has(VerifyOptions.allowShallow))
        report.problems += history.problems
        if history.shallow {
            context.console.warning("shallow clone (--allow-shallow): only the \(history.commits) commits present were checked; an older state behind the boundary is not")
        }
    }
    if context.has(jsonFlag) {
        context.console.out(report.json.rendered)
    } else {
        for problem in report.problems { context.console.out("\(problem.file): \(problem.message)") }
        for event in report.openExposures {
            context.console.warning("\(event.exposure.environment)/\(event.exposure.key) (v\(event.exposure.version)) was readable by \(event.member), who lost access on \(event.time.text); rotate it at its provider and `secr set` the new value")
        }
        let summary = "roster root \(report.root ?? "unknown")\(report.head.map { ", head \($0.seq):\($0.hash.prefix(12))…" } ?? ""), \(report.environments.count) environments, \(report.records) records"
        if report.isClean {
            context.console.note("verified \(summary): no problems")
        } else {
            context.console.error("\(report.problems.count) integrity problem\(report.problems.count == 1 ? "" : "s") (\(summary))")
        }
    }
    return report.isClean ? 0 : 4
}
