import SecrCLI
import SecrCore

enum ReportPageFormat: String, ChoiceValue { case html, markdown }

enum ReportOptions {
    static let output = Option<String>("-o", "--output", value: "FILE", help: "write to FILE instead of stdout", completion: .file)
    static let format = Option<ReportPageFormat>("--format", value: "FORMAT", help: "html (default) or markdown")
    static let events = Option<Int>("-n", value: "N", help: "at most N recent audit events (default 20)")
}

let reportCommand = CommandSpec(
    "report", summary: "one page to look at and share: keys per environment, access, audit, problems, integrity",
    details: """
        Writes one self-contained HTML page (inline CSS; no script, font, image or link to
        anything outside it; it prints) with five sections: the key × environment matrix (each
        cell present, missing or unset, with version and signer; same or different where you can
        read two or more environments; missing and development-only keys stand out; the
        never-promote policy); the member × environment access matrix from the roster (custom
        roles and CI identities marked); recent audit events with the verified signer beside
        the git author (UNVERIFIED, NOT PERMITTED); problems, from `secr doctor` and unrotated
        exposures, each with its fix; and integrity (roster root and head, this clone's pin).
        It never holds a value, nor anything taken from one but the same/different verdicts of
        `secr compare`, so it can be shared. Needs no identity: without one, the verdicts say
        unknown. --format markdown gives the same report for a pull-request comment or a CI
        job summary: secr report --format markdown >> "$GITHUB_STEP_SUMMARY".
        Exit 0 once the report is written, whatever it shows (an environment that does not
        verify is shown as such); `secr verify` and `secr doctor` are the checks that fail.
        """,
    options: [ReportOptions.output.spec, ReportOptions.format.spec, ReportOptions.events.spec]
) { parsed in
    let context = Context(parsed)
    let location = try context.location()
    let identity = try? context.identity()
    if let identity { VerificationCache.shared.load(for: location, identity: identity) }
    let report = try ProjectReport.gather(location: location, expected: try context.expectation(), identity: identity,
                                          identityFile: context.value(Global.identity), eventLimit: context.value(ReportOptions.events) ?? 20)
    let generator = "secr \(version)"
    let text = context.value(ReportOptions.format) == .markdown
        ? ReportMarkdown.render(report, generator: generator) : ReportHTML.render(report, generator: generator)
    guard let path = context.value(ReportOptions.output) else {
        context.console.outBytes(Array(text.utf8))
        return 0
    }
    try FileSystem.writeAtomically(path, Array(text.utf8))
    context.console.note("wrote the report to \(path)")
    return 0
}
