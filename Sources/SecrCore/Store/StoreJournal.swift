/// Makes a change to several store files (the roster and the environment files a re-key
/// touches) all-or-nothing across crashes, the way a database journal does:
///
/// 1. **prepare**: every new file is written beside its target and synced; every old file
///    is kept under another name (a hard link, so no copy); then the plan — which files, where
///    the new and old ones are — is written to the clone state and synced. A crash before the
///    plan exists leaves only temporary files, which the next writer removes.
/// 2. **apply**: the new files are renamed into place one by one.
/// 3. the caller commits (or stages) them, then **finish** removes the plan and the old files.
///
/// A crash between 1 and 3 leaves the plan behind, and the next secr command to open the store
/// (reader or writer, under the store lock) calls `recover`: unless the commit landed, the old
/// files are renamed back, so every key has its old value or every key its new one, never a
/// mix. Readers that meet a change in flight retry after it (see `StoreReads`).
///
/// The plan lives in the clone state (`<git dir>/secr/journal-…`), outside the work tree, so
/// git never sees it and no push can plant one.
package struct StoreJournal: Sendable {
    /// How the change is recorded, which decides what `recover` must also put right.
    package enum Mode: String, Sendable {
        /// Committed: when the commit landed the change stands, else it is undone.
        case commit
        /// Staged into the index (`--no-commit`, or into a merge): undone, and re-staged.
        case stage
        /// No git: undone.
        case files
    }

    /// One file of the change.
    package struct Entry: Equatable, Sendable {
        /// The store file.
        package let target: String
        /// The new content's temporary file beside it; nil for a file the change removes.
        let temporary: String?
        /// The old file kept in the journal; nil when there was none (a new file).
        let backup: String?
    }

    package struct Plan: Sendable {
        package let mode: Mode
        /// HEAD before the change (a commit id), "" when unknown or unborn.
        package let head: String
        package let entries: [Entry]
    }

    /// The plan's file.
    let path: String
    /// Where the old files are kept while a change is in flight.
    let backups: String

    static let magic = "secr-journal v1"

    package static func of(_ location: StoreLocation) -> StoreJournal {
        let clone = CloneState.of(location)
        let base = Path.join(clone.directory, "journal-\(CloneState.shortHash(clone.storeKey))")
        return StoreJournal(path: base, backups: base + ".old")
    }

    /// A change was begun and not finished (in flight now, or its writer was killed).
    package var isPending: Bool { FileSystem.exists(path) }

    /// Step 1. `changes` maps each store file to its new content (nil: removed). Throws with
    /// nothing changed on any failure, a full disk included.
    func prepare(_ changes: [(path: String, bytes: [UInt8]?)], mode: Mode, head: String?) throws -> Plan {
        guard !isPending else {
            throw SecrError.failure("an interrupted secr change (\(path)) was not undone; run the command again", hint: "check that \(Path.parent(path)) is writable, then run it again; `git status -- .secr` shows whether the store is half-written")
        }
        try FileSystem.makeDirectories(Path.parent(path), mode: 0o700)
        try? FileSystem.removeTree(backups)
        try FileSystem.makeDirectories(backups, mode: 0o700)
        var entries: [Entry] = []
        do {
            for (index, change) in changes.enumerated() {
                let temporary = try change.bytes.map { bytes -> String in
                    try FileSystem.makeDirectories(Path.parent(change.path))
                    return try FileSystem.writeTemporary(for: change.path, bytes)
                }
                // Recorded before the backup, so a failure below still removes the temporary file.
                entries.append(Entry(target: change.path, temporary: temporary, backup: nil))
                let backup = Path.join(backups, "\(index)")
                if try FileSystem.preserve(change.path, as: backup) {
                    entries[entries.count - 1] = Entry(target: change.path, temporary: temporary, backup: backup)
                }
            }
            let plan = Plan(mode: mode, head: head ?? "", entries: entries)
            try FileSystem.writeAtomically(path, Array(StoreJournal.text(of: plan).utf8), mode: 0o600)
            return plan
        } catch {
            for entry in entries { if let temporary = entry.temporary { try? FileSystem.remove(temporary) } }
            try? FileSystem.removeTree(backups)
            throw error
        }
    }

    /// Step 2: the new files into place. On a failure part way, what was moved is moved back.
    func apply(_ plan: Plan) throws {
        do {
            for entry in plan.entries {
                if let temporary = entry.temporary {
                    try FileSystem.rename(temporary, to: entry.target)
                } else {
                    try FileSystem.remove(entry.target)
                }
            }
        } catch {
            rollBack(plan)
            finish()
            throw error
        }
    }

    /// Puts every old file back and removes the new ones (idempotent: a crash while rolling
    /// back is finished by the next recovery). True when every file is as it was.
    @discardableResult
    func rollBack(_ plan: Plan) -> Bool {
        var complete = true
        for entry in plan.entries {
            if let temporary = entry.temporary { try? FileSystem.remove(temporary) }
            if let backup = entry.backup {
                // Gone means it was already put back by an earlier, interrupted recovery.
                guard FileSystem.exists(backup) else { continue }
                if (try? FileSystem.move(backup, replacing: entry.target)) == nil { complete = false }
            } else if (try? FileSystem.remove(entry.target)) == nil {
                complete = false
            }
        }
        return complete
    }

    /// Step 3: the change stands; the plan and the old files go.
    func finish() {
        try? FileSystem.remove(path)
        FileSystem.syncDirectory(Path.parent(path))
        try? FileSystem.removeTree(backups)
    }

    /// The plan left by an unfinished change, nil when there is none. A plan that cannot be
    /// read is reported: it is in the clone state, which only this user can write.
    package func pendingPlan() throws -> Plan? {
        guard let bytes = try FileSystem.readIfExists(path, followLinks: false) else { return nil }
        guard let plan = StoreJournal.parse(String(decoding: bytes, as: UTF8.self)) else {
            throw SecrError.failure("\(path) is not a secr journal; an interrupted change cannot be undone from it", hint: "check `git status -- .secr`, restore the store with `git checkout -- .secr` if it is half-written, then remove \(path)")
        }
        return plan
    }

    /// After a crash: makes the store whole again. `landed` says whether a `.commit` plan's
    /// commit is in HEAD (then the change stands). Returns the plan that was settled, so the
    /// caller can put the index right; nil when nothing was pending.
    package func recover(landed: (Plan) -> Bool) throws -> Plan? {
        guard let plan = try pendingPlan() else { return nil }
        if plan.mode == .commit && landed(plan) {
            for entry in plan.entries { if let temporary = entry.temporary { try? FileSystem.remove(temporary) } }
        } else if !rollBack(plan) {
            throw SecrError.failure("could not put back the files of an interrupted secr change (\(plan.entries.map(\.target).joined(separator: ", ")))", hint: "check that the store is writable, then run the command again")
        }
        finish()
        return plan
    }

    // MARK: The plan's text

    /// `mode M`, `head H`, then one `entry TARGET TEMPORARY BACKUP` line per file, each path
    /// percent-encoded (so no space or line break in a path can split a line), `-` for none.
    static func text(of plan: Plan) -> String {
        var lines = [magic, "mode \(plan.mode.rawValue)", "head \(plan.head.isEmpty ? "-" : plan.head)"]
        for entry in plan.entries {
            lines.append("entry \(encode(entry.target)) \(entry.temporary.map(encode) ?? "-") \(entry.backup.map(encode) ?? "-")")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func parse(_ text: String) -> Plan? {
        let lines = text.split(separator: "\n")
        guard lines.first == Substring(magic), lines.count >= 3,
              lines[1].hasPrefix("mode "), let mode = Mode(rawValue: String(lines[1].dropFirst(5))),
              lines[2].hasPrefix("head ") else { return nil }
        let head = String(lines[2].dropFirst(5))
        var entries: [Entry] = []
        for line in lines.dropFirst(3) {
            let fields = line.split(separator: " ", omittingEmptySubsequences: false)
            guard fields.count == 4, fields[0] == "entry", let target = decode(fields[1]) else { return nil }
            let temporary = fields[2] == "-" ? nil : decode(fields[2])
            let backup = fields[3] == "-" ? nil : decode(fields[3])
            if (fields[2] != "-" && temporary == nil) || (fields[3] != "-" && backup == nil) { return nil }
            entries.append(Entry(target: target, temporary: temporary, backup: backup))
        }
        return Plan(mode: mode, head: head == "-" ? "" : head, entries: entries)
    }

    private static func encode(_ path: String) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in path.utf8 {
            if byte <= 0x20 || byte == 0x7f || byte == UInt8(ascii: "%") || byte == UInt8(ascii: "-") && out.isEmpty {
                out += [UInt8(ascii: "%"), digits[Int(byte >> 4)], digits[Int(byte & 15)]]
            } else {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func decode(_ field: Substring) -> String? {
        var out: [UInt8] = []
        var bytes = Array(field.utf8)[...]
        while let byte = bytes.popFirst() {
            guard byte == UInt8(ascii: "%") else {
                out.append(byte)
                continue
            }
            guard bytes.count >= 2, let value = UInt8(String(decoding: bytes.prefix(2), as: UTF8.self), radix: 16) else { return nil }
            out.append(value)
            bytes = bytes.dropFirst(2)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
