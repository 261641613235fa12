/// What a range of commits changes in the store, for people and for a CI check.
package struct ReviewReport: Sendable {
    package struct Item: Sendable {
        /// added, changed, removed, rotated (environments), or a roster entry kind.
        package let change: String
        package let environment: String?
        package let subject: String
        package let detail: String
        package let signer: String?
        package let permitted: Bool
        /// Why it is not permitted, when it is not.
        package let problem: String?
    }

    package let base: String
    package let head: String
    package internal(set) var items: [Item] = []

    package var permitted: Bool { items.allSatisfy(\.permitted) }
}

/// `secr review`: judges what a branch changes in the store against the branch it would be
/// merged into (the target). The branch's roster must extend the common ancestor's, the merge
/// of the two rosters must not leave entries out, environment keys and key versions never go
/// back, nothing disappears without a tombstone, and every signer is checked against the
/// roster the merge would produce.
package enum StoreReview {
    package static func review(location: StoreLocation, range: String?) throws -> ReviewReport {
        guard let root = location.repositoryRoot, let storePath = Path.relative(location.directory, to: root) else {
            throw SecrError.failure("the store is not inside a git work tree, so there is nothing to review")
        }
        let history = try GitHistory(repositoryRoot: root, storePath: storePath)
        let (target, head) = try endpoints(range, history: history)
        let base = try history.mergeBase(target, head) ?? target
        var report = ReviewReport(base: target, head: head)
        guard let baseCommit = try history.commit(base), let targetCommit = try history.commit(target),
              let headCommit = try history.commit(head) else {
            throw SecrError.failure("a commit of the range is not in this clone (shallow?); fetch more history (`git fetch --unshallow`)")
        }
        let before = try history.snapshot(ofStoreTree: baseCommit.storeTree)
        let onTarget = try history.snapshot(ofStoreTree: targetCommit.storeTree)
        let after = try history.snapshot(ofStoreTree: headCommit.storeTree)
        let rosterFile = location.display(location.rosterPath)
        func item(_ change: String, _ environment: String?, _ subject: String, _ detail: String, signer: String? = nil,
                  problem: String? = nil) -> ReviewReport.Item {
            .init(change: change, environment: environment, subject: subject, detail: detail, signer: signer, permitted: problem == nil, problem: problem)
        }
        func roster(_ blob: String?) throws -> Roster? {
            try blob.map { try Roster.load(try history.blob($0), file: rosterFile, allowVersion1: true) }
        }

        guard after.roster != nil else {
            report.items.append(item("removed", nil, "the store", "the roster is gone", problem: "the store was deleted"))
            return report
        }
        let branchRoster: Roster
        do {
            branchRoster = try roster(after.roster) ?? Roster.load([], file: rosterFile)
        } catch {
            report.items.append(item("roster", nil, "roster", "does not verify", problem: (error as? SecrError)?.message ?? "\(error)"))
            return report
        }
        let baseRoster = try? roster(before.roster)
        let targetRoster = (try? roster(onTarget.roster)) ?? baseRoster
        // The roster the merge would produce; the branch is judged against it.
        var merged = branchRoster
        if let targetRoster {
            let outcome = RosterMerge.merge(ours: targetRoster, theirs: branchRoster)
            merged = outcome.merged
            if !outcome.leftOut.isEmpty {
                report.items.append(item("roster", nil, "roster", "the target's roster grew too",
                                         problem: "both the branch and the target added roster entries, so the merge would leave out the branch's: \(outcome.leftOut.map(\.description).joined(separator: "; ")). Merge the target into the branch and re-apply them there"))
            }
        }
        let state = merged.state
        if let baseRoster, RosterMerge.commonPrefix(branchRoster, baseRoster) < baseRoster.count {
            report.items.append(item("roster", nil, "roster", "rewritten instead of appended to",
                                     problem: "entries of the roster the branch started from were removed or changed (a rollback)"))
        }
        let context = EventContext(commit: headCommit)
        let fresh = branchRoster.lines.dropFirst(baseRoster.map { RosterMerge.commonPrefix(branchRoster, $0) } ?? 0)
        if !fresh.isEmpty {
            for event in RosterEvents.decode(old: "", new: ([Roster.header] + fresh).joined(separator: "\n") + "\n", roster: branchRoster, context: context) {
                report.items.append(item(event.action, event.environment, "roster", event.summary, signer: event.signer))
            }
        }

        for environment in Set(after.environments.keys).union(before.environments.keys).sorted()
        where after.environments[environment] != before.environments[environment] {
            let file = location.display(location.environmentPath(environment))
            guard let blob = after.environments[environment] else {
                let listed = state.hasEnvironment(environment)
                report.items.append(item("removed", environment, environment, "environment file deleted",
                                         problem: listed ? "the roster still lists \(environment)" : nil))
                continue
            }
            let newFile: EnvironmentFile
            do {
                newFile = try EnvironmentFile.parse(try history.blob(blob), name: environment, file: file)
            } catch {
                report.items.append(item("changed", environment, environment, "unreadable file", problem: (error as? SecrError)?.message ?? "\(error)"))
                continue
            }
            let oldFile = try before.environments[environment].map { try EnvironmentFile.parse(try history.blob($0), name: environment, file: file) }
            let targetFile = onTarget.environments[environment] == before.environments[environment] ? nil
                : try? onTarget.environments[environment].map { try EnvironmentFile.parse(try history.blob($0), name: environment, file: file) }
            for problem in newFile.structureProblems(against: branchRoster.state, includeMissingReaders: true) {
                report.items.append(item("readers", environment, environment, problem, problem: problem))
            }
            // A branch that brings its own key (a rotation, or a whole file where the base had none)
            // must bring the key the merged roster names now; an older one was replaced for a reason.
            if state.formatVersion >= 2, oldFile?.headerText != newFile.headerText,
               let current = state.currentKey(of: environment), current.generation != newFile.generation || current.publicKey != newFile.publicKey {
                report.items.append(item("key", environment, environment, "key generation \(newFile.generation)",
                                         problem: "the branch's key of \(environment) is not the one the roster the merge would produce names (generation \(current.generation)): an old or foreign key"))
            }
            if let oldFile, oldFile.generation != newFile.generation {
                let back = newFile.generation < oldFile.generation
                report.items.append(item("rotated", environment, environment, "key generation \(oldFile.generation) → \(newFile.generation)",
                                         signer: state.displayName(of: newFile.headerSigner),
                                         problem: back ? "the environment key went back a generation (an old header was restored)" : nil))
            }
            let project = state.projectID
            func same(_ a: SecretRecord?, _ b: SecretRecord?) -> Bool { a?.hash(project: project, environment: environment) == b?.hash(project: project, environment: environment) }
            for record in try newFile.allRecords {
                let old = try oldFile?.record(record.key)
                if same(old, record) { continue }
                let change = record.isDeleted ? (old == nil || old?.isDeleted == true ? "changed" : "removed") : (old == nil || old?.isDeleted == true ? "added" : "changed")
                var detail = old.map { "v\($0.version) → v\(record.version)" } ?? "v\(record.version)"
                var problem: String?
                if let old, record.version < old.version {
                    problem = "\(record.key) went back from v\(old.version) to v\(record.version): an older record was restored (rollback)"
                } else if let old, record.version == old.version {
                    problem = "\(record.key) v\(record.version) was replaced by a different record with the same version"
                } else {
                    do { try newFile.verify(record, against: state) } catch { problem = (error as? SecrError)?.message ?? "\(error)" }
                }
                if let theirs = try targetFile?.record(record.key), !same(theirs, old) {
                    if old == nil && theirs.version > record.version && problem == nil {
                        problem = "\(record.key) is v\(record.version) here but v\(theirs.version) on the target, and the branch did not start from it: an older record (rollback)"
                    } else {
                        detail += "; also changed on the target (v\(theirs.version)): the merge will conflict on it"
                    }
                }
                let verified = record.signatureIsValid(project: project, environment: environment)
                report.items.append(item(change, environment, record.key, detail,
                                         signer: verified ? state.displayName(of: record.signer) : nil, problem: problem))
            }
            for old in try oldFile?.allRecords ?? [] where try newFile.record(old.key) == nil {
                report.items.append(item("removed", environment, old.key, "record deleted without a tombstone",
                                         problem: "\(old.key) disappeared without a signed tombstone"))
            }
        }
        return report
    }

    /// A `RevisionRange` (TARGET..BRANCH), or nothing: the default branch to HEAD.
    static func endpoints(_ range: String?, history: GitHistory) throws -> (String, String) {
        guard let head = history.head() else { throw SecrError.failure("the repository has no commits yet; there is nothing to review until the first commit") }
        if let range { return try RevisionRange.parse(range).resolve(in: history) }
        guard let branch = history.defaultBranch() else {
            throw SecrError.failure("no default branch (origin/HEAD, main or master) to compare with", hint: "give a range, e.g. secr review main..HEAD")
        }
        return (try history.resolve(branch), head)
    }
}

extension ReviewReport {
    /// `secr review --json`.
    package var json: JSONValue {
        .object([
            ("base", .string(base)), ("head", .string(head)), ("permitted", .bool(permitted)),
            ("changes", .array(items.map { item in
                .object([("change", .string(item.change)), ("environment", .optional(item.environment)), ("subject", .string(item.subject)),
                         ("detail", .string(item.detail)), ("signer", .optional(item.signer)), ("permitted", .bool(item.permitted)),
                         ("problem", .optional(item.problem))])
            })),
        ])
    }
}
