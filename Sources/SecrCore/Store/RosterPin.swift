/// The roster an operator expects, from the command line or CI (`--expect-root`,
/// `--expect-head` / `$SECR_ROSTER_ROOT`, `$SECR_ROSTER_HEAD`).
public struct RosterExpectation: Sendable {
    /// The root the roster must have (`--expect-root`).
    public var root: String?
    /// `SEQ:HASH`: the roster must hold this very entry.
    public var head: (seq: Int, hash: String)?

    /// Nothing expected by default: the clone's pin decides.
    public init(root: String? = nil, head: (seq: Int, hash: String)? = nil) {
        self.root = root
        self.head = head
    }

    /// Parses `SEQ:HASH` as `secr pin` prints it.
    public static func parseHead(_ text: String) throws -> (seq: Int, hash: String) {
        let parts = text.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let seq = Int(parts[0]), seq >= 0, Sodium.fromBase64URL(parts[1])?.count == 32 else {
            throw SecrError.usage("'\(text.prefix(80))' is not a roster head: give SEQ:HASH as `secr pin` prints it (e.g. 12:Ab3…)")
        }
        return (seq, String(parts[1]))
    }
}

/// Trust on first use, then only forward: a clone pins the roster's root and head the first
/// time it uses a store and accepts later only a roster that extends the pinned head. Rolling
/// the roster back to before a removal would reinstate the removed member for every check; a
/// clone that has seen the removal refuses it. CI, with no pin of its own, passes the root
/// (and optionally a head) explicitly.
enum RosterPin {
    /// Checks `roster` against the expectation and the clone's pin, moves the pin forward, and
    /// returns what to tell the user (the first pin).
    /// With `mayAdvance` false (a change in flight) the roster is checked but the pin stays.
    static func check(_ roster: Roster, location: StoreLocation, clone: CloneState, expected: RosterExpectation,
                      mayAdvance: Bool = true) throws -> [String] {
        let display = location.display(location.directory)
        if let root = expected.root, root != roster.rootHash {
            throw SecrError.integrity("the roster of \(display) has root \(roster.rootHash), but \(root) was expected (--expect-root or $SECR_ROSTER_ROOT): this is not the store you pinned, or it was replaced. Nothing was read.")
        }
        if let head = expected.head, roster.entryHash(at: head.seq) != head.hash {
            throw SecrError.integrity("the roster of \(display) does not hold the expected entry \(head.seq) (\(head.hash.prefix(12))…, from --expect-head or $SECR_ROSTER_HEAD): \(roster.count <= head.seq ? "it ends at entry \(roster.count - 1), so entries were cut off" : "that entry differs, so the roster was rewritten"). Nothing was read.")
        }
        let root = clone.pinnedRoot()
        if let root, root != roster.rootHash {
            // An explicit root is the operator's word and wins over an old pin; it is not moved.
            if expected.root != nil { return [] }
            throw SecrError.integrity("the roster of \(display) has root \(roster.rootHash), but this clone pinned \(root) when it first used it: the whole store was replaced by one with a different genesis (another project, or a forgery). Nothing was read. If the project was deliberately re-created, confirm the new root with its owners, then run `secr pin --reset`.")
        }
        let pin = clone.pin()
        let branch = clone.branch.map { $0.hasPrefix("refs/heads/") ? String($0.dropFirst(11)) : $0 } ?? ""
        if let pin, pin.seq >= 0 {
            guard let hash = roster.entryHash(at: pin.seq) else {
                throw SecrError.integrity("the roster of \(display) ends at entry \(roster.count - 1), but this clone has seen it up to entry \(pin.seq) on \(branch): entries were cut off, which would reinstate what they changed (such as a removed member). Nothing was read. If the branch was rewritten on purpose, check `secr verify --history` and then `secr pin --reset`; otherwise restore the roster (`git log -- \(location.display(location.rosterPath))`).")
            }
            guard hash == pin.head else {
                throw SecrError.integrity("entry \(pin.seq) of the roster of \(display) differs from the one this clone has seen on \(branch): the roster was rewritten from there (a rollback or a forked history). Nothing was read. Compare with `secr verify --history`; if the rewrite is deliberate, `secr pin --reset` accepts it.")
            }
            guard roster.count - 1 > pin.seq else { return [] }
        }
        let next = CloneState.Pin(root: roster.rootHash, seq: roster.count - 1, head: roster.headHash)
        guard mayAdvance else {
            ReadInputs.willMove(clone.pinsPath)
            return []
        }
        do {
            try clone.savePin(next)
        } catch {
            return [CloneState.notRecorded(.rosterHead, in: clone.directory, (error as? SecrError)?.message ?? "\(error)")]
        }
        guard root == nil else { return [] }
        return ["pinned the roster of \(display) in this clone: root \(roster.rootHash), entry \(next.seq). From now on it must only grow; compare the root with a teammate (`secr pin`)"]
    }
}

extension CloneState {
    /// The store's roster as it is on disk, its chain verified but no pin checked (for `secr pin`).
    package static func currentRoster(of location: StoreLocation) throws -> Roster {
        try location.checkContained()
        guard let bytes = try FileSystem.readIfExists(location.rosterPath, followLinks: false) else {
            throw SecrError.failure("no secr store at \(location.display(location.directory))", hint: "run `secr init` first")
        }
        return try Roster.load(bytes, file: location.display(location.rosterPath))
    }

    /// `secr pin --reset`: forgets what this clone has seen and pins the roster as it is now.
    package func reset(to roster: Roster) throws {
        try forget()
        try savePin(Pin(root: roster.rootHash, seq: roster.count - 1, head: roster.headHash))
    }
}

extension CloneState {
    /// The format version of the store's roster on disk (1 for secr 0.1, 2 now).
    package static func currentRosterFormat(of location: StoreLocation) throws -> Int {
        guard let bytes = try FileSystem.readIfExists(location.rosterPath, followLinks: false) else {
            throw SecrError.failure("no secr store at \(location.display(location.directory))", hint: "run `secr init` first")
        }
        return bytes.starts(with: Array(Roster.version1Header.utf8)) ? 1 : 2
    }
}
