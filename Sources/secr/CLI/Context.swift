import SecrCLI
import SecrCore

/// The identity once resolved: a command may ask for it more than once (a passphrase is asked
/// once), and the store's verification cache belongs to it.
nonisolated(unsafe) private var resolvedIdentity: Identity?

/// Everything a command needs: its parsed command line and the ways to reach the store.
struct Context {
    let parsed: ParsedArguments
    let console: Console

    init(_ parsed: ParsedArguments) {
        self.parsed = parsed
        console = Console(noColor: parsed.has(Global.noColor))
    }

    var positionals: [String] { parsed.positionals }
    func value<V>(_ option: Option<V>) -> V? { parsed.value(option) }
    func has(_ flag: Flag) -> Bool { parsed.has(flag) }

    var environment: String {
        value(Global.env) ?? Environment.nonEmpty("SECR_ENV") ?? "development"
    }

    /// A usage error about this command; its usage line is shown with it.
    func usage(_ message: String, hint: String? = nil) -> UsageError { UsageError(message, hint: hint, path: parsed.path) }

    func location() throws -> StoreLocation {
        try StoreLocation.find(explicit: value(Global.store) ?? Environment.nonEmpty("SECR_STORE"),
                               workingDirectory: try FileSystem.currentDirectory())
    }

    /// What the operator expects of the roster: `--expect-root` / `$SECR_ROSTER_ROOT` and
    /// `--expect-head` / `$SECR_ROSTER_HEAD`, checked besides this clone's pin.
    func expectation() throws -> RosterExpectation {
        let head = value(Global.expectHead) ?? Environment.nonEmpty("SECR_ROSTER_HEAD")
        return RosterExpectation(root: value(Global.expectRoot) ?? Environment.nonEmpty("SECR_ROSTER_ROOT"),
                                 head: try head.map(RosterExpectation.parseHead))
    }

    /// The store, its roster verified and checked against the pin; notices are said at once,
    /// and so (once per clone) that the clone lacks `secr setup`.
    func store(noticingSetup: Bool = true) throws -> Store {
        let location = try location()
        if let identity = resolvedIdentity { VerificationCache.shared.load(for: location, identity: identity) }
        // A change a killed writer left half done is put right before anything is read.
        StoreRecovery.settleIfInterrupted(location).forEach(console.note)
        let store = try Store(location: location, expected: try expectation())
        store.notices.forEach(console.note)
        if noticingSetup, let notice = CloneSetup.notice(for: location) { console.note(notice) }
        return store
    }

    /// What `pull` and `run` deliver of the environment: the answer of the last read that passed
    /// when every input is still as it read it (`ReadSnapshot`), else a read in full, whose answer
    /// is kept for the next one when it said nothing and moved nothing of the clone state.
    /// `opened`: a store this command opened already (no snapshot is looked for then).
    func deliverableValues(from opened: Store? = nil, checkingSizes: (([(key: String, size: Int)]) throws -> Void)? = nil) throws -> ReadSnapshot.Answer {
        let identity = try identity()
        let location = try location()
        let expected = try expectation()
        let environment = self.environment
        if opened == nil, let answer = ReadSnapshot.find(location: location, environment: environment, identity: identity, expected: expected) {
            if let checkingSizes { try checkingSizes(answer.values.map { (key: $0.key, size: $0.value.count) }) }
            if let notice = CloneSetup.notice(for: location) { console.note(notice) }
            return answer
        }
        ReadInputs.enable()
        let wasPending = StoreJournal.of(location).isPending   // settled by store(): its answer is not kept
        let store = try opened ?? self.store()
        let (values, withheld) = try store.deliverableValues(in: environment, identity: identity, checkingSizes: checkingSizes)
        let answer = ReadSnapshot.Answer(root: store.roster.rootHash, values: values, withheld: withheld)
        if !wasPending, store.notices.isEmpty {
            ReadSnapshot.save(answer, location: location, environment: environment, identity: identity, expected: expected)
        }
        return answer
    }

    /// The caller's identity; a protected one is opened with --passphrase-file, the
    /// environment, or a prompt on the terminal.
    func identity() throws -> Identity {
        if let resolvedIdentity { return resolvedIdentity }
        let (text, source) = try IdentityLookup.locate(explicitFile: value(Global.identity))
        let identity = try IdentityLookup.open(text, source: source, passphraseFile: value(Global.passphraseFile), prompt: passphrasePrompt)
        resolvedIdentity = identity
        return identity
    }

    /// The caller's identity when it is not passphrase-protected, else nil, never asking: for
    /// commands that need no identity but read faster with its verification cache (`log`).
    func identityIfOpen() -> Identity? {
        if let resolvedIdentity { return resolvedIdentity }
        guard let (text, source) = try? IdentityLookup.locate(explicitFile: value(Global.identity)),
              !Identity.isProtected(text), let identity = try? Identity.parse(text, source: source) else { return nil }
        resolvedIdentity = identity
        return identity
    }

    /// A hidden prompt on /dev/tty (after --passphrase-file and the environment).
    var passphrasePrompt: IdentityLookup.PassphrasePrompt {
        { question in try SecretInput.promptTerminal(question) }
    }

    var writeOptions: WriteOptions {
        get throws { WriteOptions(commit: !has(Global.noCommit), expected: try expectation()) }
    }

    /// Runs a change through the write protocol (`StoreWriter`) and says what happened.
    func mutate(_ body: (StoreTransaction) throws -> ChangeSummary) throws -> ChangeSummary {
        let location = try location()
        let identity = try identity()
        // The plaintext of an edit that was killed outright goes at the next change, not only
        // at the next edit.
        EditSession.removeStale()
        VerificationCache.shared.load(for: location, identity: identity)
        let outcome = try StoreWriter.change(location, identity: identity, options: try writeOptions, body)
        outcome.notes.forEach(console.note)
        if let notice = CloneSetup.notice(for: location) { console.note(notice) }
        return outcome.summary
    }
}
