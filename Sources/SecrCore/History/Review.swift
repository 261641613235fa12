/// What a range of commits changes in the store, for people and for a CI check.
public struct ReviewReport: Sendable {
    public struct Item: Sendable {
        /// added, changed, removed, rotated (environments), or a roster entry kind.
        public let change: String
        public let environment: String?
        public let subject: String
        public let detail: String
        public let signer: String?
        public let permitted: Bool
        /// Why it is not permitted, when it is not.
        public let problem: String?
    }

    public let base: String
    public let head: String
    public internal(set) var items: [Item] = []

    public var permitted: Bool { items.allSatisfy(\.permitted) }
}

/// `secr review`: compares the store at the start of a range with its end, and checks every
/// change against the roster at the end (signatures, write permissions, reader lines).
public enum StoreReview {
    public static func review(location: StoreLocation, range: String?) throws -> ReviewReport {
        guard let root = location.repositoryRoot, let storePath = Path.relative(location.directory, to: root) else {
            throw SecrError.failure("the store is not inside a git work tree, so there is nothing to review")
        }
        let history = try GitHistory(repositoryRoot: root, storePath: storePath)
        let (base, head) = try endpoints(range, history: history)
        var report = ReviewReport(base: base, head: head)
        guard let baseCommit = try history.commit(base), let headCommit = try history.commit(head) else {
            throw SecrError.failure("a commit of the range is not in this clone (shallow?); fetch more history")
        }
        let before = try history.snapshot(ofStoreTree: baseCommit.storeTree)
        let after = try history.snapshot(ofStoreTree: headCommit.storeTree)
        let rosterFile = location.display(location.rosterPath)

        guard let rosterBlob = after.roster else {
            report.items.append(.init(change: "removed", environment: nil, subject: "the store", detail: "the roster is gone",
                                      signer: nil, permitted: false, problem: "the store was deleted"))
            return report
        }
        let newRoster: Roster
        do {
            newRoster = try Roster.load(try history.blob(rosterBlob), file: rosterFile)
        } catch {
            report.items.append(.init(change: "roster", environment: nil, subject: "roster", detail: "does not verify",
                                      signer: nil, permitted: false, problem: (error as? SecrError)?.message ?? "\(error)"))
            return report
        }
        let state = newRoster.state

        if before.roster != after.roster {
            let old = try before.roster.map { try history.blob($0) } ?? []
            let oldCount = old.isEmpty ? 0 : ((try? Roster.load(old, file: rosterFile))?.lines.count ?? 0)
            if !old.isEmpty && !Array(newRoster.text.utf8).starts(with: old) {
                report.items.append(.init(change: "roster", environment: nil, subject: "roster", detail: "rewritten instead of appended to",
                                          signer: nil, permitted: false, problem: "earlier roster entries were removed or changed"))
            }
            let context = EventContext(commit: headCommit)
            let fresh = newRoster.lines.dropFirst(oldCount)
            for event in RosterEvents.decode(old: "", new: ([Roster.header] + fresh).joined(separator: "\n") + "\n", roster: newRoster, context: context) {
                report.items.append(.init(change: event.action, environment: event.environment, subject: "roster", detail: event.summary,
                                          signer: event.signer, permitted: true, problem: nil))
            }
        }

        for environment in Set(after.environments.keys).union(before.environments.keys).sorted()
        where after.environments[environment] != before.environments[environment] {
            guard let blob = after.environments[environment] else {
                let ok = !state.hasEnvironment(environment)
                report.items.append(.init(change: "removed", environment: environment, subject: environment, detail: "environment file deleted",
                                          signer: nil, permitted: ok, problem: ok ? nil : "the roster still lists \(environment)"))
                continue
            }
            let file = location.display(location.environmentPath(environment))
            let newFile: EnvironmentFile
            do {
                newFile = try EnvironmentFile.parse(try history.blob(blob), name: environment, file: file)
            } catch {
                report.items.append(.init(change: "changed", environment: environment, subject: environment, detail: "unreadable file",
                                          signer: nil, permitted: false, problem: (error as? SecrError)?.message ?? "\(error)"))
                continue
            }
            let oldFile = try before.environments[environment].map { try EnvironmentFile.parse(try history.blob($0), name: environment, file: file) }
            for problem in newFile.structureProblems(against: state, includeMissingReaders: true) {
                report.items.append(.init(change: "readers", environment: environment, subject: environment, detail: problem,
                                          signer: nil, permitted: false, problem: problem))
            }
            if let oldFile, oldFile.generation != newFile.generation {
                report.items.append(.init(change: "rotated", environment: environment, subject: environment,
                                          detail: "key generation \(oldFile.generation) → \(newFile.generation)",
                                          signer: state.displayName(of: newFile.headerSigner), permitted: true, problem: nil))
            }
            for record in newFile.allRecords {
                let old = oldFile?.record(record.key)
                if let old, old.hash(project: state.projectID, environment: environment) == record.hash(project: state.projectID, environment: environment) { continue }
                let change = record.isDeleted ? (old == nil || old?.isDeleted == true ? "changed" : "removed") : (old == nil || old?.isDeleted == true ? "added" : "changed")
                let versions = old.map { "v\($0.version) → v\(record.version)" } ?? "v\(record.version)"
                let problem: String?
                do {
                    try newFile.verify(record, against: state)
                    problem = nil
                } catch {
                    problem = (error as? SecrError)?.message ?? "\(error)"
                }
                let verified = record.signatureIsValid(project: state.projectID, environment: environment)
                report.items.append(.init(change: change, environment: environment, subject: record.key, detail: versions,
                                          signer: verified ? state.displayName(of: record.signer) : nil, permitted: problem == nil, problem: problem))
            }
            for old in oldFile?.allRecords ?? [] where newFile.record(old.key) == nil {
                report.items.append(.init(change: "removed", environment: environment, subject: old.key, detail: "record deleted without a tombstone",
                                          signer: nil, permitted: false, problem: "\(old.key) disappeared without a signed tombstone"))
            }
        }
        return report
    }

    /// `A..B`, `A` (meaning A..HEAD), or nothing: the merge base with the default branch to HEAD.
    static func endpoints(_ range: String?, history: GitHistory) throws -> (String, String) {
        guard let head = history.head() else { throw SecrError.failure("the repository has no commits yet; there is nothing to review until the first commit") }
        if let range {
            if let dots = range[...].range(of: "..") {
                let left = String(range[..<dots.lowerBound]), right = String(range[dots.upperBound...])
                return (try history.resolve(left.isEmpty ? "HEAD" : left), try history.resolve(right.isEmpty ? "HEAD" : right))
            }
            return (try history.resolve(range), head)
        }
        guard let branch = history.defaultBranch() else {
            throw SecrError.usage("no default branch (origin/HEAD, main or master) to compare with; give a range, e.g. secr review main..HEAD")
        }
        let target = try history.resolve(branch)
        return (try history.mergeBase(target, head) ?? target, head)
    }
}
