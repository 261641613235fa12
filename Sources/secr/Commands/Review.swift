import SecrCLI
import SecrCore

enum ReportFormat: String, ChoiceValue { case text, markdown, json }

enum ReviewOptions {
    static let format = Option<ReportFormat>("--format", value: "FORMAT", help: "text (default), markdown or json")
    static let json = Flag("--json", help: "same as --format json")
}

let reviewCommand = CommandSpec(
    "review", summary: "judge what a branch changes in the store against its target",
    details: """
        RANGE is TARGET..BRANCH or TARGET (meaning TARGET..HEAD); the default target is the
        default branch (origin/HEAD, main or master). Lists what BRANCH changed since the merge
        base: keys added, changed and removed per environment, re-keyed environments, and roster
        changes, each with the member who signed it, checked against the roster the merge would
        produce. The branch's roster must extend the one it started from and the target's must not
        have grown too; key generations and versions never go back; nothing disappears without a
        tombstone. A rollback is NOT PERMITTED. Values are never shown. Exit 4 when any change is
        not permitted, so CI can block the merge; markdown output suits a pull-request comment.
        """,
    arguments: [ArgumentSpec("RANGE", optional: true)],
    options: [ReviewOptions.format.spec, ReviewOptions.json.spec]
) { parsed in
    let context = Context(parsed)
    let format = context.has(ReviewOptions.json) ? .json : context.value(ReviewOptions.format) ?? .text
    let report = try StoreReview.review(location: try context.location(), range: context.positionals.first)
    let range = "\(report.base.prefix(10))..\(report.head.prefix(10))"
    func signer(_ item: ReviewReport.Item) -> String { item.signer.map { "signed by \($0)" } ?? "unverified" }
    switch format {
    case .json:
        context.console.out(report.json.rendered)
    case .markdown:
        context.console.out("### secr review \(range)\n")
        if report.items.isEmpty { context.console.out("No changes to the secret store.") }
        else {
            context.console.out("| | change | environment | what | detail | signer |\n|---|---|---|---|---|---|")
            for item in report.items {
                let mark = item.permitted ? "✅" : "❌"
                let detail = item.problem.map { "\(item.detail) — **\($0)**" } ?? item.detail
                context.console.out("| \(mark) | \(item.change) | \(item.environment ?? "") | `\(item.subject)` | \(detail.replacingOccurrences(of: "|", with: "\\|")) | \(item.signer ?? "unverified") |")
            }
            context.console.out("\n" + (report.permitted ? "Every change is permitted by the roster." : "**Some changes are not permitted: do not merge.**"))
        }
    default:
        context.console.out("secr review \(range)")
        if report.items.isEmpty { context.console.out("  no changes to the store") }
        for item in report.items {
            let place = item.environment.map { "\($0): " } ?? ""
            let verdict = item.permitted ? "" : "  NOT PERMITTED: \(item.problem ?? "")"
            context.console.out("  \(item.change.padding(9)) \(place)\(item.subject) (\(item.detail), \(signer(item)))\(verdict)")
        }
    }
    return report.permitted ? 0 : 4
}
