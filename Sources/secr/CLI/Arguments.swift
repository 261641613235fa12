/// A command-line option: its spellings and whether it takes a value.
struct Option: Sendable {
    let names: [String]
    let key: String
    let takesValue: Bool
    let help: String

    static func flag(_ names: String..., key: String? = nil, help: String) -> Option {
        Option(names: names, key: key ?? names.last?.trimmingDashes ?? "", takesValue: false, help: help)
    }

    static func value(_ names: String..., key: String? = nil, help: String) -> Option {
        Option(names: names, key: key ?? names.last?.trimmingDashes ?? "", takesValue: true, help: help)
    }
}

extension String {
    var trimmingDashes: String { String(drop(while: { $0 == "-" })) }
}

/// Options every command accepts (DESIGN.md §7).
let globalOptions: [Option] = [
    .value("-e", "--env", help: "environment (default: $SECR_ENV, else development)"),
    .value("-C", key: "directory", help: "run as if started in DIR"),
    .value("--identity", help: "identity file (default: $SECR_IDENTITY, $SECR_IDENTITY_FILE, ~/.config/secr/identity)"),
    .value("--store", help: "store directory (default: $SECR_STORE, else <repository root>/.secr)"),
    .value("--expect-root", help: "the roster root this store must have (default: $SECR_ROSTER_ROOT, else this clone's pin)"),
    .value("--expect-head", help: "SEQ:HASH, a roster entry the store must hold (default: $SECR_ROSTER_HEAD)"),
    .flag("--no-commit", help: "write and stage the change, but do not commit it"),
    .flag("--no-color", help: "no colour (also NO_COLOR)"),
    .flag("-h", "--help", help: "show help"),
]

/// The parsed command line: positionals, option values, and what follows `--`.
struct Arguments {
    var positionals: [String] = []
    var values: [String: [String]] = [:]
    var flags: Set<String> = []
    var trailing: [String]?

    func value(_ key: String) -> String? { values[key]?.last }
    func has(_ key: String) -> Bool { flags.contains(key) }

    /// Parses `tokens` against `options`. `stopAtFirstPositional` leaves the rest for the command
    /// (used to find the command name among global options).
    static func parse(_ tokens: [String], options: [Option]) throws -> Arguments {
        var result = Arguments()
        var index = 0
        func option(named name: String) -> Option? { options.first { $0.names.contains(name) } }
        while index < tokens.count {
            let token = tokens[index]
            index += 1
            if token == "--" {
                result.trailing = Array(tokens[index...])
                break
            }
            guard token.hasPrefix("-"), token != "-" else {
                result.positionals.append(token)
                continue
            }
            var name = token
            var inlineValue: String?
            if token.hasPrefix("--"), let eq = token.firstIndex(of: "=") {
                name = String(token[..<eq])
                inlineValue = String(token[token.index(after: eq)...])
            } else if !token.hasPrefix("--"), token.count > 2, let short = option(named: String(token.prefix(2))), short.takesValue {
                name = String(token.prefix(2))
                inlineValue = String(token.dropFirst(2))
            }
            guard let spec = option(named: name) else {
                throw UsageFailure("unknown option '\(name)'")
            }
            if spec.takesValue {
                let value: String
                if let inlineValue {
                    value = inlineValue
                } else {
                    guard index < tokens.count else { throw UsageFailure("\(name) needs a value") }
                    value = tokens[index]
                    index += 1
                }
                result.values[spec.key, default: []].append(value)
            } else {
                guard inlineValue == nil else { throw UsageFailure("\(name) takes no value") }
                result.flags.insert(spec.key)
            }
        }
        return result
    }
}

/// A usage error raised while parsing; the command's usage line is added when it is reported.
struct UsageFailure: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
