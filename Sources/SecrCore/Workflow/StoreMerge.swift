/// The result of a merge: the file to write, and what could not be merged.
package struct MergeOutcome: Sendable {
    package let bytes: [UInt8]
    package let conflicts: [String]
    package let notes: [String]
}

/// `secr merge`: git's merge driver for environment files and the roster, record by record.
///
/// It trusts neither side. Both are checked with the same code as a read, against the roster
/// the merge produces (`RosterMerge`): a header is adopted only if that roster names it as the
/// environment's current key, a side's older header only if that roster recorded it, every
/// record must verify and be signed by someone that roster lets write, no key may go back to a
/// lower version, keys are sealed only to members that roster lets read, and the result is
/// verified before it is written. Whatever cannot be proven is a conflict that says why.
package enum StoreMerge {
    /// `rosters` are the rosters of the two commits being merged (for an environment file);
    /// nil when they cannot be found, in which case only what ours proves is accepted.
    package static func merge(base: [UInt8], ours: [UInt8], theirs: [UInt8], rosters: (ours: Roster, theirs: Roster?)?,
                             identity: Identity?, random: RandomSource = SystemRandom()) -> MergeOutcome {
        if ours.starts(with: Array(Roster.header.utf8)) || theirs.starts(with: Array(Roster.header.utf8)) {
            return mergeRoster(ours: ours, theirs: theirs)
        }
        do {
            guard let rosters else {
                throw SecrError.failure("the rosters of the two sides cannot be read from git, so neither side's records can be checked")
            }
            let merged = rosters.theirs.map { RosterMerge.merge(ours: rosters.ours, theirs: $0) }
            return try mergeEnvironment(base: base, ours: ours, theirs: theirs, roster: merged?.merged ?? rosters.ours,
                                        identity: identity, random: random)
        } catch {
            return MergeOutcome(bytes: ours, conflicts: ["cannot merge: \((error as? SecrError)?.message ?? "\(error)"); kept our version"], notes: [])
        }
    }

    // MARK: The roster

    static func mergeRoster(ours: [UInt8], theirs: [UInt8]) -> MergeOutcome {
        let file = ".secr/roster"
        func keepOurs(_ why: String) -> MergeOutcome { MergeOutcome(bytes: ours, conflicts: [why], notes: []) }
        let mine: Roster, yours: Roster
        do {
            mine = try Roster.load(ours, file: "\(file) (ours)")
            yours = try Roster.load(theirs, file: "\(file) (theirs)")
        } catch {
            return keepOurs("\((error as? SecrError)?.message ?? "\(error)"); kept ours")
        }
        guard mine.rootHash == yours.rootHash else {
            return keepOurs("the two rosters have different roots (different projects, or one was replaced); kept ours")
        }
        let outcome = RosterMerge.merge(ours: mine, theirs: yours)
        guard !outcome.leftOut.isEmpty else { return MergeOutcome(bytes: Array(outcome.merged.text.utf8), conflicts: [], notes: []) }
        let list = outcome.leftOut.map { "  \($0.description)\n    re-apply: \($0.command) --no-commit" }.joined(separator: "\n")
        return keepOurs("""
            both sides added roster entries, and a roster is one signed chain: kept ours and left out theirs. \
            Nobody's entries are re-signed for them. Re-apply each one yourself, if it should stand, then commit the merge:
            \(list)
            """)
    }

    // MARK: Environment files

    static func mergeEnvironment(base: [UInt8], ours: [UInt8], theirs: [UInt8], roster: Roster, identity: Identity?,
                                 random: RandomSource) throws -> MergeOutcome {
        guard let name = EnvironmentFile.environmentName(ours) ?? EnvironmentFile.environmentName(theirs) else {
            throw SecrError.integrity("neither side is a secr environment file")
        }
        let file = ".secr/env/\(name).secr"
        let o = try EnvironmentFile.parse(ours, name: name, file: "\(file) (ours)")
        let t = try EnvironmentFile.parse(theirs, name: name, file: "\(file) (theirs)")
        let b = base.isEmpty ? nil : try? EnvironmentFile.parse(base, name: name, file: "\(file) (base)")
        let state = roster.state
        guard let current = state.currentKey(of: name) else {
            throw SecrError.integrity("the merged roster names no key for \(name) (it does not list it, or the entries that created it are left out)")
        }
        func holdsCurrent(_ f: EnvironmentFile) -> Bool { f.generation == current.generation && f.publicKey == current.publicKey }
        func isRecorded(_ f: EnvironmentFile) -> Bool {
            state.environmentKeys[name]?.contains { $0.generation == f.generation && $0.publicKey == f.publicKey } ?? false
        }
        // The side whose key pair the result keeps: the one holding the key the merged roster names.
        let theirsAdopted = !holdsCurrent(o) && holdsCurrent(t)
        let (adopted, other) = theirsAdopted ? (t, o) : (o, t)
        let adoptedSide = theirsAdopted ? "theirs" : "ours", otherSide = theirsAdopted ? "ours" : "theirs"
        let keptVersion = theirsAdopted ? "kept their version" : "kept our version"
        guard holdsCurrent(adopted) else {
            throw SecrError.integrity("neither side's key for \(name) (generations \(o.generation) and \(t.generation)) is the one the merged roster names (generation \(current.generation))")
        }
        guard isRecorded(other) else {
            throw SecrError.integrity("the key of \(name) on \(otherSide) (generation \(other.generation)) is not in the merged roster: it was made by roster entries this merge leaves out, or forged. Re-apply the left-out roster entries, then merge again")
        }
        try adopted.verifyStructure(against: state)

        var conflicts: [String] = [], notes: [String] = []
        var result = adopted
        func hash(_ record: SecretRecord?) -> String? { record?.hash(project: adopted.project, environment: name) }
        func problem(with record: SecretRecord, in side: EnvironmentFile) -> String? {
            do {
                try side.verify(record, against: state)
                return nil
            } catch {
                return (error as? SecrError)?.message ?? "\(error)"
            }
        }

        // Keys, unlocked once and only when a record must be re-sealed or a reader added.
        var keys: (current: EnvironmentKey, other: EnvironmentKey)?
        var keyProblem: String?
        func unlockKeys() -> (current: EnvironmentKey, other: EnvironmentKey)? {
            if keys == nil && keyProblem == nil {
                do {
                    guard let identity else { throw SecrError.denied("no identity") }
                    keys = (try adopted.unlock(with: identity, roster: state), try other.unlock(with: identity, roster: state))
                } catch {
                    keyProblem = "re-sealing it to the current key of \(name) needs a member who can read \(name) on both sides (\((error as? SecrError)?.message ?? "\(error)")); ask one of them to run the merge"
                }
            }
            return keys
        }

        let allKeys = Set(try o.allRecords.map(\.key)).union(try t.allRecords.map(\.key)).union(try b?.allRecords.map(\.key) ?? [])
        var taken: [String] = []
        for key in allKeys.sorted() {
            let mine = try o.record(key), yours = try t.record(key), was = try b?.record(key)
            let fallback = try adopted.record(key)
            let chosen: SecretRecord?, from: EnvironmentFile, side: String
            if hash(mine) == hash(yours) {
                (chosen, from, side) = (fallback, adopted, adoptedSide)
            } else if hash(mine) == hash(was) {
                (chosen, from, side) = (yours, t, "theirs")
            } else if hash(yours) == hash(was) {
                (chosen, from, side) = (mine, o, "ours")
            } else {
                let describe = { (r: SecretRecord?) in r.map { "v\($0.version)\($0.isDeleted ? " deleted" : "")" } ?? "absent" }
                conflicts.append("\(key) in \(name) changed on both sides (ours \(describe(mine)), theirs \(describe(yours))); \(keptVersion). Set the right value with `secr set \(key) -e \(name)` (during the merge it stages, not commits), then `git commit`")
                continue
            }
            guard let record = chosen else {
                if mine != nil || yours != nil {
                    conflicts.append("\(key) in \(name) was removed on \(side) without a signed tombstone (a removal is `secr unset`); \(keptVersion)")
                }
                continue
            }
            if let reason = problem(with: record, in: from) {
                conflicts.append("\(key) on \(side) is not acceptable under the merged roster: \(reason); \(keptVersion)")
                continue
            }
            if let was, record.version <= was.version, hash(record) != hash(was) {
                conflicts.append("\(key) in \(name) went back on \(side) from v\(was.version) to v\(record.version) (an older record was restored); \(keptVersion)")
                continue
            }
            var placed = record
            if from.publicKey != adopted.publicKey && !record.isDeleted {
                guard let keys = unlockKeys(),
                      let line = try? record.resealed(from: keys.other, to: keys.current.publicKey, random: random),
                      let resealed = try? SecretRecord(line: line, reader: FieldReader(line: line, file: file, lineNumber: record.lineNumber)) else {
                    conflicts.append("\(key) from \(side): \(keyProblem ?? "its value key does not open under its commitment"); \(keptVersion)")
                    continue
                }
                placed = resealed
            }
            result.setRecord(placed, for: key)
            if side == "theirs" && hash(mine) != hash(yours) { taken.append(key) }
        }
        if !taken.isEmpty { notes.append("\(name): took \(taken.joined(separator: ", ")) from theirs") }
        if theirsAdopted { notes.append("\(name): kept the re-keyed file of theirs (generation \(current.generation)) and re-sealed our changes to it") }

        // Reader lines: exactly the members the merged roster lets read, from the adopted side.
        let readers = state.readers(of: name)
        var lines: [Line] = []
        for member in readers {
            if let line = adopted.readerLines[member.name], line.value("key") == member.key.text {
                lines.append(line)
            } else if let keys = unlockKeys() {
                var sealed = result
                try sealed.addReader(member, key: keys.current, random: random)
                if let line = sealed.readerLines[member.name] { lines.append(line) }
                notes.append("sealed \(name) to \(member.name), who reads it in the merged roster")
            } else {
                conflicts.append("\(member.name) reads \(name) in the merged roster but has no reader line, and \(keyProblem ?? "no key is open"); run `secr rotate -e \(name) --no-commit` after the merge")
            }
        }
        try result.setReaders(lines)

        // The result must pass the checks of a read against the merged roster.
        var problems = result.structureProblems(against: state, includeMissingReaders: conflicts.isEmpty)
        do { try result.verifyAllRecords(against: state) } catch { problems.append((error as? SecrError)?.message ?? "\(error)") }
        if !problems.isEmpty {
            return MergeOutcome(bytes: ours, conflicts: conflicts + ["the merged \(name) would not verify (\(problems.joined(separator: "; "))); kept our version"], notes: [])
        }
        return MergeOutcome(bytes: Array(result.text.utf8), conflicts: conflicts, notes: notes)
    }
}
