import SecrCLI
import SecrCore

enum CompareFormat: String, ChoiceValue { case table, json, markdown }

enum CompareOptions {
    static let format = Option<CompareFormat>("--format", value: "FORMAT", help: "table (default), json or markdown")
    static let json = Flag("--json", help: "same as --format json")
    static let strict = Flag("--strict", help: "exit 1 when any key is missing from a listed environment")
}

let compareCommand = CommandSpec(
    "compare", summary: "which keys exist in which environments, and whether values match",
    details: """
        One row per key across the environments given (all by default), marking where a key is
        missing. Where you can read two or more of them, says whether the values are the same,
        without showing them; a key missing from a listed environment says `missing` instead
        (JSON keeps the verdict among the others as values_where_present). Needs no identity for
        the key matrix. On a terminal, missing and different stand out in colour (not with
        --no-color or NO_COLOR). `secr report` shows the same matrix as a page.
        --strict exits 1 when a key present in one listed environment is missing from another,
        so CI can check before a release that production has everything staging has:
            secr compare staging production --strict
        """,
    arguments: [ArgumentSpec("ENV", optional: true, repeating: true, completion: .environment)],
    options: [CompareOptions.format.spec, CompareOptions.json.spec, CompareOptions.strict.spec]
) { parsed in
    let context = Context(parsed)
    let format = context.has(CompareOptions.json) ? .json : context.value(CompareOptions.format) ?? .table
    let store = try context.store()
    let comparison = try Comparison.compare(store, environments: context.positionals, identity: try? context.identity())
    let environments = comparison.environments
    switch format {
    case .json:
        context.console.out(comparison.json.rendered)
    case .markdown:
        context.console.out("| key | " + environments.joined(separator: " | ") + " | values |")
        context.console.out("|---|" + environments.map { _ in "---|" }.joined() + "---|")
        for row in comparison.rows {
            let cells = environments.map { (row.versions[$0] ?? nil).map { "v\($0)" } ?? "**missing**" }
            let values = row.values == .same || row.values == .unknown ? row.values.rawValue : "**\(row.values.rawValue)**"
            context.console.out("| `\(row.key)` | " + cells.joined(separator: " | ") + " | \(values) |")
        }
    default:
        let width = max(3, comparison.rows.map(\.key.count).max() ?? 0)
        let columns = environments.map { max($0.count, 7) }
        context.console.out("key".padding(width) + "  " + zip(environments, columns).map { $0.padding($1) }.joined(separator: "  ") + "  values")
        for row in comparison.rows {
            var pieces: [(text: String, highlight: Console.Highlight?)] = [(row.key.padding(width) + "  ", nil)]
            for (environment, column) in zip(environments, columns) {
                let version = row.versions[environment] ?? nil
                let text = version.map { "v\($0)" } ?? "missing"
                pieces += [(text, version == nil ? .missing : nil), ("".padding(column - text.count) + "  ", nil)]
            }
            pieces.append((row.values.rawValue, row.values == .missing ? .missing : row.values == .different ? .different : nil))
            context.console.out(pieces)
        }
    }
    let incomplete = comparison.incomplete
    if context.has(CompareOptions.strict) && !incomplete.isEmpty {
        context.console.error("\(incomplete.count) key\(incomplete.count == 1 ? " is" : "s are") missing from some environments: "
                              + incomplete.map { "\($0.key) (missing from \($0.missingFrom.joined(separator: ", ")))" }.joined(separator: "; "))
        return 1
    }
    return 0
}
