import SecrCLI
import SecrCore

let upgradeCommand = CommandSpec(
    "upgrade", summary: "upgrade a store of secr 0.1 to the current format (once, by an admin or owner)",
    details: """
        Format 2 records each environment's current key in the signed roster, so that an older
        copy of an environment file (sealed to a key a removed member still holds) is refused
        everywhere. Upgrading changes the roster's first line and appends one env-key entry per
        environment; every existing entry, signature and the roster root stay as they are, so
        pins and `--expect-root` keep working. An environment whose reader lines do not match
        the roster gets a new key instead. It needs read access to each environment; one that
        you cannot read waits for one of its readers to run `secr upgrade` as well.
        In a git work tree it first checks the whole history (as `secr verify --history`) and
        refuses on any problem, or when history already holds a format 2 roster (the roster was
        rolled back to before an upgrade). Makes one commit.
        """
) { parsed in
    let context = Context(parsed)
    let location = try context.location()
    if location.repositoryRoot != nil {
        let history = try HistoryVerifier.verify(location, allowShallow: false)
        if !history.problems.isEmpty {
            for problem in history.problems { context.console.out("\(problem.file): \(problem.message)") }
            throw SecrError(.integrity, "history has \(history.problems.count) integrity problem\(history.problems.count == 1 ? "" : "s") (above): an upgrade would vouch for the files as they are, so nothing was upgraded. Restore the good state first")
        }
        let current = try CloneState.currentRosterFormat(of: location)
        if current == 1 && history.newestFormat >= 2 {
            throw SecrError(.integrity, "the roster is in format 1, but history already holds a format 2 roster: it was rolled back to before an upgrade. Restore the upgraded roster (`git log -- .secr/roster`); nothing was upgraded")
        }
    }
    var report: UpgradeReport?
    _ = try StoreWriter.change(location, identity: try context.identity(), options: try context.writeOptions, upgrading: true) { transaction in
        let (summary, done) = try transaction.upgrade()
        report = done
        return summary
    }.notes.map(context.console.note)
    guard let report else { return 0 }
    if !report.recorded.isEmpty { context.console.note("recorded the current keys of \(report.recorded.joined(separator: ", ")) in the roster") }
    if !report.rotated.isEmpty { context.console.note("gave \(report.rotated.joined(separator: ", ")) new keys (their reader lines did not match the roster)") }
    for (environment, readers) in report.waiting {
        context.console.warning("\(environment) is not upgraded yet: you cannot read it. Ask \(readers.joined(separator: " or ")) to run `secr upgrade`; until then it cannot be read")
    }
    if report.recorded.isEmpty && report.rotated.isEmpty && report.waiting.isEmpty {
        context.console.note("the store is in the current format already")
    }
    return 0
}
