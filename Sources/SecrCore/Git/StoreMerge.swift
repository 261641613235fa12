/// The result of a merge: the file to write, and what could not be merged.
public struct MergeOutcome: Sendable {
    public let bytes: [UInt8]
    public let conflicts: [String]
    public let notes: [String]
}

/// `secr merge`: git's merge driver for environment files and the roster, record by record.
public enum StoreMerge {
    public static func merge(base: [UInt8], ours: [UInt8], theirs: [UInt8], state: RosterState?, identity: Identity?,
                             time: Timestamp = .now(), random: RandomSource = SystemRandom()) -> MergeOutcome {
        if ours.starts(with: Array(Roster.header.utf8)) {
            return mergeRoster(base: base, ours: ours, theirs: theirs, identity: identity, time: time)
        }
        do {
            return try mergeEnvironment(base: base, ours: ours, theirs: theirs, state: state, identity: identity, random: random)
        } catch {
            return MergeOutcome(bytes: ours, conflicts: ["cannot merge: \((error as? SecrError)?.message ?? "\(error)"); kept our version"], notes: [])
        }
    }

    // MARK: Environment files

    static func mergeEnvironment(base: [UInt8], ours: [UInt8], theirs: [UInt8], state: RosterState?, identity: Identity?,
                                 random: RandomSource) throws -> MergeOutcome {
        guard let name = EnvironmentText.environmentName(ours) ?? EnvironmentText.environmentName(theirs) else {
            throw SecrError.integrity("neither side is a secr environment file")
        }
        let file = "\(name).secr"
        let o = try EnvironmentFile.parse(ours, name: name, file: file)
        let t = try EnvironmentFile.parse(theirs, name: name, file: file)
        let b = base.isEmpty ? nil : try EnvironmentFile.parse(base, name: name, file: file)
        let project = o.project
        func hash(_ record: SecretRecord?) -> String? { record?.hash(project: project, environment: name) }

        // The side whose header (key pair) the result keeps: the one that rotated, else ours.
        let theirsRotated = o.headerText != t.headerText && b.map { $0.headerText == o.headerText } == true
        var result = theirsRotated ? t : o
        let other = theirsRotated ? o : t
        let rekey = result.publicKey != other.publicKey
        var conflicts: [String] = [], notes: [String] = []

        // Both key pairs, unlocked once, for re-sealing what comes from the side with the other one.
        var keys: (result: EnvironmentKey, other: EnvironmentKey)?
        var keyProblem: String?
        func unlockKeys() -> (result: EnvironmentKey, other: EnvironmentKey)? {
            if keys == nil && keyProblem == nil {
                do {
                    guard let state, let identity else { throw SecrError.denied("no identity or roster") }
                    guard let member = state.member(withKey: identity.publicKey),
                          state.permission(of: member, in: name) == .readWrite else {
                        throw SecrError.denied("you cannot read and write \(name)")
                    }
                    keys = (try result.unlock(with: identity, roster: state), try other.unlock(with: identity, roster: state))
                } catch {
                    keyProblem = "one side re-keyed \(name), and re-sealing the other side's changes needs a member who can read and write \(name) (\((error as? SecrError)?.message ?? "\(error)")); ask one of them to run the merge"
                }
            }
            return keys
        }
        func reseal(_ record: SecretRecord) -> SecretRecord? {
            guard rekey, !record.isDeleted else { return record }
            guard let keys = unlockKeys(), let line = try? record.resealed(from: keys.other, to: keys.result.publicKey, random: random) else {
                return nil
            }
            return try? SecretRecord(line: line, reader: FieldReader(line: line, file: file, lineNumber: record.lineNumber))
        }

        let allKeys = Set(o.allRecords.map(\.key)).union(t.allRecords.map(\.key)).union(b?.allRecords.map(\.key) ?? [])
        var merged: [String] = []
        for key in allKeys.sorted() {
            let fromOurs = o.record(key), fromTheirs = t.record(key), bb = b?.record(key)
            var choice: (record: SecretRecord?, fromOther: Bool)
            if hash(fromOurs) == hash(fromTheirs) {
                choice = (result.record(key), false)
            } else if hash(fromOurs) == hash(bb) {
                choice = (fromTheirs, !theirsRotated)
                merged.append(key)
            } else if hash(fromTheirs) == hash(bb) {
                choice = (fromOurs, theirsRotated)
            } else {
                let describe = { (r: SecretRecord?) in r.map { "v\($0.version)\($0.isDeleted ? " deleted" : "")" } ?? "absent" }
                conflicts.append("\(key) in \(name) changed on both sides (ours \(describe(fromOurs)), theirs \(describe(fromTheirs))); kept ours. Set the right value with `secr set \(key)=… -e \(name)` and commit the merge")
                choice = (fromOurs, theirsRotated)
            }
            var record = choice.record
            if let chosen = record, choice.fromOther {
                record = reseal(chosen)
                if record == nil {
                    conflicts.append("\(key): \(keyProblem ?? "could not re-seal its value key"); kept the \(theirsRotated ? "theirs" : "ours") version")
                    record = result.record(key)
                }
            }
            result.setRecord(record, for: key)
        }

        // Reader lines: three-way by member when no side re-keyed; otherwise the re-keyed side's,
        // plus members the other side added, sealed to the new key.
        if !rekey {
            var lines = o.readerLines
            let theirLines = t.readerLines, baseLines = b?.readerLines ?? [:]
            for member in Set(theirLines.keys).union(lines.keys).union(baseLines.keys) {
                let mine = lines[member], yours = theirLines[member], was = baseLines[member]
                if mine?.value("key") == yours?.value("key") { continue }
                if mine == was { lines[member] = yours }
            }
            try result.setReaders(Array(lines.values))
        } else {
            let added = other.readerLines.filter { b?.readerLines[$0.key] == nil && result.readerLines[$0.key] == nil }
            for (member, line) in added.sorted(by: { $0.key < $1.key }) {
                guard let keyText = line.value("key"), let publicKey = try? PublicKey(parsing: keyText),
                      let resultKey = unlockKeys()?.result else {
                    conflicts.append("\(member) was added on the other side but cannot be given the re-keyed \(name): \(keyProblem ?? "no key"); run `secr rotate -e \(name)` after the merge")
                    continue
                }
                try result.addReader(Member(name: member, key: publicKey, role: ""), key: resultKey, random: random)
                notes.append("sealed the re-keyed \(name) to \(member), added on the other side")
            }
        }
        if !merged.isEmpty { notes.append("\(name): took \(merged.joined(separator: ", ")) from theirs") }
        return MergeOutcome(bytes: Array(result.text.utf8), conflicts: conflicts, notes: notes)
    }

    // MARK: Roster

    /// Both sides append to the same base: their entries are replayed after ours, re-signed by
    /// the merging member (the chain must be linear), when each is still permitted.
    static func mergeRoster(base: [UInt8], ours: [UInt8], theirs: [UInt8], identity: Identity?, time: Timestamp) -> MergeOutcome {
        let file = ".secr/roster"
        func keepOurs(_ why: String) -> MergeOutcome { MergeOutcome(bytes: ours, conflicts: [why], notes: []) }
        guard var merged = try? Roster.load(ours, file: file), let their = try? Roster.load(theirs, file: file) else {
            return keepOurs("the roster does not verify on one side; kept ours")
        }
        if theirs.starts(with: ours) { return MergeOutcome(bytes: theirs, conflicts: [], notes: []) }
        if ours.starts(with: theirs) { return MergeOutcome(bytes: ours, conflicts: [], notes: []) }
        guard let baseRoster = try? Roster.load(base, file: file), ours.starts(with: base), theirs.starts(with: base) else {
            return keepOurs("the two rosters do not share their history (rewritten or from different projects); kept ours")
        }
        guard let identity else { return keepOurs("both sides changed the roster; merging them needs an identity that may sign each change") }
        var replayed = 0
        for text in their.lines.dropFirst(baseRoster.lines.count) {
            guard let line = Line.parse(Substring(text)),
                  let change = try? RosterChange(kind: line.kind, reader: FieldReader(line: line, file: file, lineNumber: 0)) else {
                return keepOurs("an entry of theirs cannot be read; kept ours")
            }
            do {
                try merged.append(change, identity: identity, time: time)
                replayed += 1
            } catch {
                return keepOurs("their \(line.kind) entry conflicts with ours or may not be signed by you: \((error as? SecrError)?.message ?? "\(error)"); kept ours — redo it after the merge")
            }
        }
        return MergeOutcome(bytes: Array(merged.text.utf8), conflicts: [],
                            notes: ["roster: replayed \(replayed) entr\(replayed == 1 ? "y" : "ies") from theirs after ours, re-signed by you (the chain is linear)"])
    }
}
