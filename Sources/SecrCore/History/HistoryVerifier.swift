/// `secr verify --history`: no commit may bring the store below what an ancestor of it already
/// had. It walks every commit reachable from HEAD, parents before children and through every
/// parent of a merge, and compares each commit's store with the highest state of all its
/// ancestors: the roster only grows (a merge that leaves out a parent's roster entries must
/// have re-applied them, by someone they still permit), environment keys never go back a
/// generation, and every key keeps a version at least as high as seen before, under the same
/// record when the version is the same. A file that disappears and comes back is judged like
/// any other: against the highest state, not the commit before. A shallow clone cannot be
/// checked and is refused unless the caller accepts a partial check.
package enum HistoryVerifier {
    package struct Result: Sendable {
        package let problems: [VerificationProblem]
        package let commits: Int
        /// Set when the clone is shallow and the partial check was accepted.
        package let shallow: Bool
        /// The newest roster format any commit holds (2 once the store was upgraded).
        package let newestFormat: Int
    }

    package static func verify(_ location: StoreLocation, allowShallow: Bool) throws -> Result {
        guard let root = location.repositoryRoot, let storePath = Path.relative(location.directory, to: root) else {
            throw SecrError.failure("the store \(location.directory) is not inside a git work tree, so it has no history")
        }
        let history = try GitHistory(repositoryRoot: root, storePath: storePath)
        if history.isShallow && !allowShallow {
            throw SecrError.integrity("this clone is shallow, so its history cannot be checked: an old state could hide behind the boundary. Fetch all of it (`git fetch --unshallow`; in GitHub Actions, actions/checkout with fetch-depth: 0), or pass --allow-shallow to check only the commits that are here")
        }
        guard let head = history.head() else { return Result(problems: [], commits: 0, shallow: history.isShallow, newestFormat: 0) }
        var walk = Walk(history: history, files: (roster: location.display(location.rosterPath),
                                                  environment: { location.display(location.environmentPath($0)) }))
        let commits = try history.topologicalCommits(from: head)
        var children: [String: Int] = [:]
        for commit in commits { for parent in commit.parents { children[parent, default: 0] += 1 } }
        var highest: [String: Highest] = [:]
        var trees: [String: String] = [:]
        for commit in commits {
            let parents = commit.parents.compactMap { id in highest[id].map { (id, $0) } }
            let unchanged = commit.parents.count == 1 && parents.count == 1 && trees[commit.parents[0]] == commit.storeTree
            highest[commit.id] = unchanged ? parents[0].1 : try walk.check(commit, parents: parents)
            trees[commit.id] = commit.storeTree
            for parent in commit.parents {
                children[parent, default: 1] -= 1
                if children[parent] == 0 { highest[parent] = nil }
            }
        }
        return Result(problems: walk.problems, commits: commits.count, shallow: history.isShallow, newestFormat: walk.newestFormat)
    }
}

/// The highest state seen along all ancestors of a commit (itself included).
struct Highest {
    var roster: Roster?
    /// By `env@incarnation` (the seq of its env-add): the highest key generation, and per key
    /// the highest version with the hashes of the records seen at that version.
    var environments: [String: HighEnvironment] = [:]
}

struct HighEnvironment {
    var name: String
    var generation = 0
    var records: [String: (version: Int, hashes: Set<String>)] = [:]

    mutating func absorb(_ other: HighEnvironment) {
        generation = max(generation, other.generation)
        for (key, seen) in other.records {
            guard let mine = records[key], mine.version >= seen.version else {
                records[key] = seen
                continue
            }
            if mine.version == seen.version { records[key] = (mine.version, mine.hashes.union(seen.hashes)) }
        }
    }
}

/// What one committed store holds, decoded once per tree.
struct StoreFacts {
    var roster: Roster?
    var environments: [String: HighEnvironment] = [:]
}

private struct Walk {
    let history: GitHistory
    let files: (roster: String, environment: (String) -> String)
    var problems: [VerificationProblem] = []
    private(set) var newestFormat = 0
    private var reported: Set<String> = []
    private var factsByTree: [String: StoreFacts] = [:]
    private var environmentsByBlob: [String: HighEnvironment] = [:]
    private var rostersByBlob: [String: Roster?] = [:]
    /// The roster decoded last: the next one usually extends it, so only its new entries are verified.
    private var lastRoster: Roster?

    init(history: GitHistory, files: (roster: String, environment: (String) -> String)) {
        self.history = history
        self.files = files
    }

    mutating func report(_ commit: GitCommit, _ file: String, _ message: String) {
        // A rollback stays in every later commit; say it once, at the commit that made it.
        guard reported.insert(file + "\u{0}" + message).inserted else { return }
        problems.append(VerificationProblem(file: file, message: "commit \(commit.id.prefix(10)): \(message)"))
    }

    mutating func facts(of tree: String?) throws -> StoreFacts {
        guard let tree else { return StoreFacts() }
        if let known = factsByTree[tree] { return known }
        let snapshot = try history.snapshot(ofStoreTree: tree)
        var facts = StoreFacts()
        if let blob = snapshot.roster {
            if let known = rostersByBlob[blob] {
                facts.roster = known
            } else {
                let bytes = try history.blob(blob)
                let roster = try? (lastRoster.map { try $0.extended(to: bytes, file: files.roster) } ?? Roster.load(bytes, file: files.roster, allowVersion1: true))
                rostersByBlob[blob] = roster
                if let roster { lastRoster = roster }
                facts.roster = roster
            }
        }
        newestFormat = max(newestFormat, facts.roster?.formatVersion ?? 0)
        let project = facts.roster?.state.projectID ?? ""
        for (environment, blob) in snapshot.environments {
            let incarnation = facts.roster?.state.environmentAdded[environment] ?? 0
            let id = "\(environment)@\(incarnation)"
            if let known = environmentsByBlob[blob + id] {
                facts.environments[id] = known
                continue
            }
            let lines = EnvironmentLines(try history.blob(blob))
            var decoded = HighEnvironment(name: environment)
            decoded.generation = lines.header.flatMap(Walk.generation) ?? 0
            for (keyBytes, line) in lines.records {
                guard let record = SecretRecord(lineBytes: line.bytes) else { continue }
                decoded.records[String(decoding: keyBytes.bytes, as: UTF8.self)] = (record.version, [record.hash(project: project, environment: environment)])
            }
            environmentsByBlob[blob + id] = decoded
            facts.environments[id] = decoded
        }
        factsByTree[tree] = facts
        return facts
    }

    static func generation(_ header: ArraySlice<UInt8>) -> Int? {
        Line.parse(Substring(String(decoding: header, as: UTF8.self)))?.value("gen").flatMap { Int($0) }
    }

    /// Checks one commit against the highest state of its parents and returns its own.
    mutating func check(_ commit: GitCommit, parents: [(id: String, highest: Highest)]) throws -> Highest {
        let own = try facts(of: commit.storeTree)
        var inherited: [String: HighEnvironment] = [:]
        var highestRoster: Roster?
        for (parentID, parent) in parents {
            checkRoster(commit, own: own.roster, inherited: parent.roster, parent: parentID)
            for (id, high) in parent.environments { inherited[id, default: high].absorb(high) }
            if let roster = parent.roster, roster.count > highestRoster?.count ?? 0 { highestRoster = roster }
        }
        if own.roster == nil {
            if commit.storeTree != nil {
                report(commit, files.roster, "the roster is missing or does not verify")
            } else if highestRoster != nil {
                report(commit, files.roster, "the store was deleted; a store that comes back later is judged against the state before")
            }
        }
        for (id, high) in inherited.sorted(by: { $0.key < $1.key }) {
            // An environment the roster removed (or re-created under the same name) is gone legitimately.
            guard let roster = own.roster, roster.state.hasEnvironment(high.name),
                  "\(high.name)@\(roster.state.environmentAdded[high.name] ?? 0)" == id else { continue }
            checkEnvironment(commit, own: own.environments[id], high: high)
        }
        if let roster = own.roster, roster.formatVersion >= 2 {
            for (_, environment) in own.environments.sorted(by: { $0.key < $1.key }) {
                if let key = roster.state.currentKey(of: environment.name), key.generation != environment.generation {
                    report(commit, files.environment(environment.name), "the header has key generation \(environment.generation), but the roster there names generation \(key.generation)")
                }
            }
        }
        // With no store of its own, a commit carries the highest state on, so a store deleted and
        // later restored is still judged against what came before the deletion.
        var result = Highest(roster: own.roster ?? highestRoster, environments: inherited)
        for (id, environment) in own.environments { result.environments[id, default: environment].absorb(environment) }
        return result
    }

    mutating func checkRoster(_ commit: GitCommit, own: Roster?, inherited: Roster?, parent: String) {
        guard let inherited, let own else { return }
        let common = RosterMerge.commonPrefix(own, inherited)
        guard common < inherited.count else { return }
        if commit.parents.count < 2 {
            report(commit, files.roster, "the roster was \(common == own.count ? "cut back" : "rewritten") from entry \(common): entries \(common)–\(inherited.count - 1) of an earlier commit are gone (a rollback)")
            return
        }
        for problem in RosterMerge.judge(result: own, leftOutSide: inherited, common: common) {
            report(commit, files.roster, "this merge leaves out roster entries of its parent \(parent.prefix(10)): \(problem)")
        }
    }

    mutating func checkEnvironment(_ commit: GitCommit, own: HighEnvironment?, high: HighEnvironment) {
        let file = files.environment(high.name)
        guard let own else {
            report(commit, file, "the file of '\(high.name)' is gone although the roster still lists it")
            return
        }
        if own.generation < high.generation {
            report(commit, file, "the environment key went back from generation \(high.generation) to \(own.generation) (an old header was restored)")
        }
        for (key, seen) in high.records.sorted(by: { $0.key < $1.key }) {
            guard let mine = own.records[key] else {
                report(commit, file, "\(key) was removed without a tombstone (it was v\(seen.version) before)")
                continue
            }
            if mine.version < seen.version {
                report(commit, file, "\(key) went back from v\(seen.version) to v\(mine.version): an older record was restored (rollback)")
            } else if mine.version == seen.version && mine.hashes.isDisjoint(with: seen.hashes) {
                report(commit, file, "\(key) v\(mine.version) was replaced by a different record with the same version")
            }
        }
    }
}

extension RosterMerge {
    /// Judges a merge whose roster (`result`) keeps only `common` entries of another parent's
    /// roster (`leftOutSide`). Leaving out an entry that grants something (a member, an
    /// environment, a role, an allowed name) is safe: it only fails closed. So the merge stands
    /// if every left-out entry that restricts (a removal, a lost permission, a new key, a
    /// removed environment or role, a new never-promote pattern, a revoked name) was re-applied
    /// on the kept side — an entry of the same kind about the same member, environment, role or
    /// pattern follows the common part — and every kept entry after the common part is still
    /// permitted once the left-out entries apply, so a member they removed cannot have signed it.
    static func judge(result: Roster, leftOutSide: Roster, common: Int) -> [String] {
        guard common >= 1, var replay = try? leftOutSide.prefix(common) else {
            return ["the two rosters do not share a genesis (different projects)"]
        }
        func subject(_ text: String) -> (kind: String, subject: String)? {
            guard let line = Line.parse(Substring(text)) else { return nil }
            let value = ["member", "env", "role", "never-promote", "name"].compactMap { line.value($0) }.first ?? ""
            return (line.kind, value)
        }
        let kept = result.lines.dropFirst(common).compactMap(subject)
        var problems: [String] = []
        for (offset, text) in leftOutSide.lines.enumerated().dropFirst(common) {
            let before = replay.state
            guard (try? replay.appendVerified(text)) != nil, let entry = subject(text) else { continue }
            guard restricts(entry.kind, member: entry.subject, before: before, after: replay.state) else { continue }
            let reapplied = kept.contains { $0.kind == entry.kind && $0.subject == entry.subject }
                || (entry.kind == RosterEntryKind.environmentKey.rawValue
                    && kept.contains { $0.kind == RosterEntryKind.removeEnvironment.rawValue && $0.subject == entry.subject })
                || (entry.kind == RosterEntryKind.setRole.rawValue
                    && kept.contains { $0.kind == RosterEntryKind.removeMember.rawValue && $0.subject == entry.subject })
            if !reapplied {
                problems.append("\(RosterMerge.describe(leftOutSide, seq: offset).description) was not re-applied")
            }
        }
        var state = leftOutSide.state
        for (offset, text) in result.lines.enumerated().dropFirst(common) {
            guard let line = Line.parse(Substring(text)), let kind = RosterEntryKind(rawValue: line.kind),
                  let by = line.value("by").flatMap({ try? PublicKey(parsing: $0) }),
                  let time = line.value("time").flatMap({ Timestamp(parsing: Substring($0)) }),
                  let change = try? RosterChange(kind: kind, reader: FieldReader(line: line, file: "", lineNumber: 0)) else { continue }
            guard let signer = state.member(withKey: by) else {
                problems.append("entry \(offset) (\(line.kind)) is signed by \(result.state.displayName(of: by)), who is not a member once the left-out entries apply")
                continue
            }
            do {
                try state.apply(change, by: signer, seq: offset, time: time)
            } catch let error as SecrError where error.kind == .accessDenied {
                problems.append("entry \(offset) (\(line.kind)) would not be permitted once the left-out entries apply: \(error.message)")
            } catch {
                continue  // already applied on the other side (the same member removed, …)
            }
        }
        return problems
    }

    /// Whether an entry takes something away, so leaving it out of a merge would undo it.
    static func restricts(_ kind: String, member: String, before: RosterState, after: RosterState) -> Bool {
        switch RosterEntryKind(rawValue: kind) {
        case .removeMember, .environmentKey, .removeEnvironment, .removeRole, .addNeverPromote, .revokeInjection, .setKey:
            return true
        case .setRole:
            guard let old = before.members[member], let new = after.members[member] else { return true }
            if after.manageLevel(of: new) < before.manageLevel(of: old) { return true }
            return before.environments.contains { !after.permission(of: new, in: $0).isSuperset(of: before.permission(of: old, in: $0)) }
        default:
            return false
        }
    }
}
