import Glibc
import SecrCore

/// One subcommand: its help and the function that runs it.
struct Command: Sendable {
    let name: String
    let summary: String
    let usage: String
    let details: String
    let options: [Option]
    let run: @Sendable (Context) throws -> Int32

    init(_ name: String, summary: String, usage: String, details: String = "", options: [Option] = [],
         run: @escaping @Sendable (Context) throws -> Int32) {
        self.name = name
        self.summary = summary
        self.usage = usage
        self.details = details
        self.options = options
        self.run = run
    }

    var help: String {
        var text = "\(summary)\n\nusage: \(usage)\n"
        if !details.isEmpty { text += "\n\(details)\n" }
        if !options.isEmpty { text += "\noptions:\n" + Command.describe(options) }
        text += "\nglobal options:\n" + Command.describe(globalOptions)
        return text
    }

    static func describe(_ options: [Option]) -> String {
        options.map { option in
            let names = option.names.joined(separator: ", ") + (option.takesValue ? " \(option.key.uppercased())" : "")
            let pad = String(repeating: " ", count: max(1, 26 - names.count))
            return "  \(names)\(pad)\(option.help)\n"
        }.joined()
    }
}

/// Everything a command needs: its parsed arguments and the ways to reach the store.
struct Context {
    let arguments: Arguments
    let console: Console
    let command: Command

    var positionals: [String] { arguments.positionals }

    var environment: String {
        arguments.value("env") ?? Environment.nonEmpty("SECR_ENV") ?? "development"
    }

    func usage(_ message: String) -> SecrError {
        SecrError(.usage, "\(message)\nusage: \(command.usage)\n(see `secr \(command.name) --help`)")
    }

    func location() throws -> StoreLocation {
        try StoreLocation.find(explicit: arguments.value("store") ?? Environment.nonEmpty("SECR_STORE"),
                               workingDirectory: try FileSystem.currentDirectory())
    }

    /// What the operator expects of the roster: `--expect-root` / `$SECR_ROSTER_ROOT` and
    /// `--expect-head` / `$SECR_ROSTER_HEAD`, checked besides this clone's pin.
    func expectation() throws -> RosterExpectation {
        let head = arguments.value("expect-head") ?? Environment.nonEmpty("SECR_ROSTER_HEAD")
        return RosterExpectation(root: arguments.value("expect-root") ?? Environment.nonEmpty("SECR_ROSTER_ROOT"),
                                 head: try head.map(RosterExpectation.parseHead))
    }

    /// The store, its roster verified and checked against the pin; notices are said at once.
    func store() throws -> Store {
        let store = try Store(location: try location(), expected: try expectation())
        store.notices.forEach(console.note)
        return store
    }

    func identity() throws -> Identity { try IdentityLookup.resolve(explicitFile: arguments.value("identity")) }

    var writeOptions: WriteOptions {
        get throws { WriteOptions(commit: !arguments.has("no-commit"), expected: try expectation()) }
    }

    /// Runs a change through the write protocol (`StoreWriter`) and says what happened.
    func mutate(_ body: (StoreTransaction) throws -> ChangeSummary) throws -> ChangeSummary {
        let outcome = try StoreWriter.change(try location(), identity: try identity(), options: try writeOptions, body)
        outcome.notes.forEach(console.note)
        return outcome.summary
    }
}
