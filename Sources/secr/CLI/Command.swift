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

    /// An explicit roster root to check instead of this clone's pin.
    var expectedRoot: String? { arguments.value("expect-root") ?? Environment.nonEmpty("SECR_ROSTER_ROOT") }

    /// The store, its roster verified and its root checked.
    func store() throws -> Store { try Store(location: try location(), expectedRoot: expectedRoot) }

    func identity() throws -> Identity { try IdentityLookup.resolve(explicitFile: arguments.value("identity")) }

    /// Runs a change under the store lock, then commits it (or stages it with --no-commit).
    /// Git's state is checked before anything is written, so a refusal changes nothing.
    func mutate(_ body: (StoreTransaction) throws -> ChangeSummary) throws -> ChangeSummary {
        let location = try self.location()
        let identity = try self.identity()
        let repository = try location.repositoryRoot.map { try GitRepository(at: $0) }
        let noCommit = arguments.has("no-commit")
        if !noCommit { try repository?.checkCommittable() }
        let transaction = try StoreTransaction(location: location, identity: identity, expectedRoot: expectedRoot)
        defer { transaction.release() }
        // Computing the change first loads and verifies every file it touches, so a tampered
        // store is reported as such (exit 4) before anything else.
        let computed = try body(transaction)
        // Checked under the store lock: a concurrent secr is done writing and committing by now.
        if !noCommit, let repository, let root = location.repositoryRoot, let store = Path.relative(location.directory, to: root) {
            let dirty = try repository.uncommittedChanges(under: store)
            guard dirty.isEmpty else {
                throw SecrError(.failure, "\(dirty.joined(separator: ", ")) \(dirty.count == 1 ? "has" : "have") uncommitted changes that secr's commit would mix with its own; commit them (`git commit \(store)`) or discard them (`git checkout -- \(store)`), or use --no-commit")
            }
        }
        let change = try transaction.save(computed)
        try record(change, in: repository, fallbackAuthor: transaction.state.member(withKey: identity.publicKey)?.name ?? "secr")
        return change
    }

    /// Commits or stages written paths and says what happened.
    func record(_ change: ChangeSummary, in repository: GitRepository?, fallbackAuthor: String) throws {
        guard !change.paths.isEmpty else { return }
        guard let repository else {
            console.note("the store is not inside a git work tree: files written, nothing committed")
            return
        }
        if arguments.has("no-commit") {
            try repository.stage(change.paths)
            console.note("staged, not committed (--no-commit): secr: \(change.subject)")
        } else {
            let id = try repository.commit(change.paths, message: change.commitMessage, fallbackAuthor: fallbackAuthor)
            console.note("committed \(id.prefix(10)): secr: \(change.subject)")
        }
    }
}
