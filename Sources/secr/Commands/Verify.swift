import SecrCore

let verifyCommand = Command(
    "verify", summary: "check the whole store with public data only (for CI)",
    usage: "secr verify [--history] [--expect-root HASH] [--json]",
    details: """
        Needs no identity. Checks the roster chain from its genesis and every signature, each
        environment's header, that reader lines are exactly the members whose role reads the
        environment (naming missing and surplus readers), that every record's signer may write
        its environment, and the file format. One line per problem, naming file, key and member.
        Also lists values exposed to removed members that have not been rotated yet (warnings).
        --history also walks first-parent git history: every key's version must only grow, each
        new version must name the hash of the one before, records may disappear only through
        tombstones, environment keys never go back a generation, and the roster is only appended
        to, so an old, validly signed record cannot be brought back unnoticed.
        Exit 0 when clean, 4 on any integrity problem.
        """,
    options: [.flag("--history", help: "also check first-parent history for rollbacks"), .flag("--json", help: "print JSON")]
) { context in
    guard context.positionals.isEmpty else { throw context.usage("verify takes no arguments") }
    let location = try context.location()
    var report = StoreVerifier.verify(location, expectedRoot: context.expectedRoot)
    if context.arguments.has("history") {
        let history = try HistoryVerifier.verify(location)
        report.problems += history.problems
        if let boundary = history.shallowBoundary {
            context.console.warning("shallow clone: history was checked back to commit \(boundary.prefix(10)) only")
        }
    }
    if context.arguments.has("json") {
        let problems = report.problems.map { "{\"file\": \(JSONText.string($0.file)), \"message\": \(JSONText.string($0.message))}" }
        let exposures = report.openExposures.map {
            "{\"environment\": \(JSONText.string($0.exposure.environment)), \"key\": \(JSONText.string($0.exposure.key)), \"version\": \($0.exposure.version), \"member\": \(JSONText.string($0.member)), \"since\": \(JSONText.string($0.time.text))}"
        }
        context.console.out("{\"ok\": \(report.isClean), \"root\": \(report.root.map(JSONText.string) ?? "null"), \"problems\": [\(problems.joined(separator: ", "))], \"exposed\": [\(exposures.joined(separator: ", "))]}")
    } else {
        for problem in report.problems { context.console.out("\(problem.file): \(problem.message)") }
        for event in report.openExposures {
            context.console.warning("\(event.exposure.environment)/\(event.exposure.key) (v\(event.exposure.version)) was readable by \(event.member), who lost access on \(event.time.text); rotate it at its provider and `secr set` the new value")
        }
        let summary = "roster root \(report.root ?? "unknown"), \(report.environments.count) environments, \(report.records) records"
        if report.isClean {
            context.console.note("verified \(summary): no problems")
        } else {
            context.console.error("\(report.problems.count) integrity problem\(report.problems.count == 1 ? "" : "s") (\(summary))")
        }
    }
    return report.isClean ? 0 : 4
}
