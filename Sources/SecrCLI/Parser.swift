/// A command line that does not fit the declarations: exit status 2.
public struct UsageError: Error, Sendable {
    public let message: String
    /// A separate next step (`did you mean …?`), shown on its own line.
    public let hint: String?
    /// The command the error is about (its usage is shown), when one was recognised.
    public let path: [String]

    public init(_ message: String, hint: String? = nil, path: [String] = []) {
        self.message = message
        self.hint = hint
        self.path = path
    }
}

/// The result of one pass over argv: which command, its positionals, option values (checked and
/// converted), and what came after `--`.
public struct ParsedArguments: Sendable {
    /// The command path, e.g. `["member", "add"]`; empty for the program itself.
    public internal(set) var path: [String] = []
    public internal(set) var positionals: [String] = []
    /// What follows `--`, nil when there was no `--`.
    public internal(set) var trailing: [String]?
    var values: [String: [String]] = [:]
    var flags: Set<String> = []
    /// `-h`/`--help` was given (anywhere before `--`).
    public internal(set) var wantsHelp = false

    /// The last value given for the option (values were checked when parsed).
    public func value<V: OptionValue>(_ option: Option<V>) -> V? {
        values[option.spec.key]?.last.flatMap(V.parse)
    }

    /// Every value given for a repeatable option, in order.
    public func values<V: OptionValue>(_ option: Option<V>) -> [V] {
        (values[option.spec.key] ?? []).compactMap(V.parse)
    }

    public func has(_ flag: Flag) -> Bool { flags.contains(flag.spec.key) }

    /// Whether an option (flag or value) was given at all.
    public func given(_ spec: OptionSpec) -> Bool { flags.contains(spec.key) || values[spec.key] != nil }
}

/// The program's command tree and its global options, and the one pass over argv.
public struct CommandLineInterface: Sendable {
    public let program: String
    public let summary: String
    public let globals: [OptionSpec]
    public let commands: [CommandSpec]
    public let footer: String

    public init(program: String, summary: String, globals: [OptionSpec], commands: [CommandSpec], footer: String = "") {
        self.program = program
        self.summary = summary
        self.globals = globals
        self.commands = commands
        self.footer = footer
    }

    var root: CommandSpec { CommandSpec(program, summary: summary, children: commands) }

    /// The node at `path` (the root for an empty path).
    public func node(_ path: [String]) -> CommandSpec? {
        var node = root
        for name in path {
            guard let child = node.child(name) else { return nil }
            node = child
        }
        return node
    }

    /// Reads argv once, left to right. Options may come before or after the command name, but
    /// each must belong to the globals or to the command reached so far; nothing after `--` is
    /// looked at. Unknown commands and options come with a suggestion.
    public func parse(_ tokens: [String]) throws -> ParsedArguments {
        var result = ParsedArguments()
        var node = root
        var index = 0
        func allowed() -> [OptionSpec] { globals + node.options }
        while index < tokens.count {
            let token = tokens[index]
            index += 1
            if token == "--" {
                result.trailing = Array(tokens[index...])
                break
            }
            if token.hasPrefix("-") && token != "-" {
                if token == "-h" || token == "--help" {
                    result.wantsHelp = true
                    continue
                }
                let (spec, inline) = try option(for: token, allowed: allowed(), node: node, path: result.path)
                if spec.isFlag {
                    guard inline == nil else { throw UsageError("\(spec.names.last ?? token) takes no value", path: result.path) }
                    result.flags.insert(spec.key)
                    continue
                }
                let value: String
                if let inline {
                    value = inline
                } else {
                    guard index < tokens.count else { throw UsageError("\(spec.names.last ?? token) needs a value (\(spec.valueName ?? "VALUE"))", path: result.path) }
                    value = tokens[index]
                    index += 1
                }
                guard spec.check(value) else {
                    let hint = spec.choices.flatMap { Suggestions.didYouMean(value, among: $0) }
                    throw UsageError("\(spec.names.last ?? token) takes \(spec.expected), not \(Suggestions.quoted(value))", hint: hint, path: result.path)
                }
                result.values[spec.key, default: []].append(value)
                continue
            }
            if node.isGroup {
                guard let child = node.child(token) else {
                    let names = node.children.filter { !$0.hidden }.map(\.name)
                    let what = result.path.isEmpty ? "a \(program) command" : "a subcommand of `\(([program] + result.path).joined(separator: " "))`"
                    throw UsageError("\(Suggestions.quoted(token)) is not \(what)",
                                     hint: Suggestions.didYouMean(token, among: names) ?? "\(result.path.isEmpty ? "commands" : "subcommands"): \(names.joined(separator: ", "))",
                                     path: result.path)
                }
                node = child
                result.path.append(token)
                continue
            }
            result.positionals.append(token)
        }
        if result.wantsHelp { return result }
        guard !result.path.isEmpty else { return result }
        if node.isGroup {
            let names = node.children.filter { !$0.hidden }.map(\.name)
            throw UsageError("`\(([program] + result.path).joined(separator: " "))` needs a subcommand: \(names.joined(separator: ", "))", path: result.path)
        }
        try checkShape(result, node: node)
        return result
    }

    private func option(for token: String, allowed: [OptionSpec], node: CommandSpec, path: [String]) throws -> (OptionSpec, String?) {
        var name = token, inline: String?
        if token.hasPrefix("--"), let eq = token.firstIndex(of: "=") {
            name = String(token[..<eq])
            inline = String(token[token.index(after: eq)...])
        }
        if let spec = allowed.first(where: { $0.names.contains(name) }) { return (spec, inline) }
        // -Cdir, -eproduction: a short option glued to its value.
        if !token.hasPrefix("--"), token.count > 2, let spec = allowed.first(where: { $0.names.contains(String(token.prefix(2))) }), !spec.isFlag {
            return (spec, String(token.dropFirst(2)))
        }
        // An option of another command: say which one takes it.
        let owners = commandsTaking(name, under: root, path: [])
        if !owners.isEmpty {
            let here = path.isEmpty ? "before a command" : "for `\(([program] + path).joined(separator: " "))`"
            throw UsageError("\(name) is not an option \(here)",
                             hint: "\(name) belongs to " + owners.prefix(3).map { "`\(([program] + $0).joined(separator: " "))`" }.joined(separator: ", "),
                             path: path)
        }
        let names = allowed.flatMap(\.names).filter { $0.hasPrefix("--") || !name.hasPrefix("--") }
        throw UsageError("unknown option \(Suggestions.quoted(name))", hint: Suggestions.didYouMean(name, among: names), path: path)
    }

    private func commandsTaking(_ name: String, under node: CommandSpec, path: [String]) -> [[String]] {
        var found: [[String]] = []
        if !path.isEmpty, node.options.contains(where: { $0.names.contains(name) }) { found.append(path) }
        for child in node.children where !child.hidden { found += commandsTaking(name, under: child, path: path + [child.name]) }
        return found
    }

    /// Positional counts, required options, `--`.
    private func checkShape(_ result: ParsedArguments, node: CommandSpec) throws {
        let path = result.path
        let minimum = node.arguments.filter { !$0.optional }.count
        let unbounded = node.arguments.contains(where: \.repeating)
        if result.positionals.count < minimum {
            let missing = node.arguments.filter { !$0.optional }.dropFirst(result.positionals.count).map(\.name)
            throw UsageError("missing \(missing.joined(separator: " "))", path: path)
        }
        if !unbounded && result.positionals.count > node.arguments.count {
            let extra = result.positionals.dropFirst(node.arguments.count)
            let hint = node.trailing.map { _ in "put the command after --: \(program) \(path.joined(separator: " ")) -- \(extra.joined(separator: " "))" }
            throw UsageError(node.arguments.isEmpty ? "\(path.joined(separator: " ")) takes no arguments, got \(Suggestions.quoted(extra.joined(separator: " ")))"
                                                    : "too many arguments: \(Suggestions.quoted(extra.joined(separator: " ")))", hint: hint, path: path)
        }
        for key in node.required.sorted() {
            guard let spec = node.options.first(where: { $0.key == key }), !result.given(spec) else { continue }
            throw UsageError("\(spec.names.last ?? key) \(spec.valueName ?? "") is required".replacingDoubleSpaces(), path: path)
        }
        if result.trailing != nil && node.trailing == nil {
            throw UsageError("\(path.joined(separator: " ")) takes nothing after --", path: path)
        }
    }
}

extension String {
    func replacingDoubleSpaces() -> String {
        var out = ""
        for character in self where !(character == " " && out.last == " ") { out.append(character) }
        return out
    }
}
