/// The store as committed in one commit: blob ids of the roster and each environment file.
struct StoreSnapshot: Equatable {
    var roster: String?
    var environments: [String: String] = [:]

    static let empty = StoreSnapshot()
}

/// One commit that changed the store, with the store before (first parent) and after it.
struct StoreChange {
    let commit: GitCommit
    let before: StoreSnapshot
    let after: StoreSnapshot
    /// For a merge walked with all parents: the store in its other parents, whose changes the
    /// walk reports where they were made, so the merge must not report them again.
    var otherParents: [StoreSnapshot] = []
    let blob: (String) throws -> [UInt8]

    var changedEnvironments: [String] {
        Set(after.environments.keys).union(before.environments.keys).sorted()
            .filter { after.environments[$0] != before.environments[$0] }
    }
}

/// Walks the commits that changed the store, oldest first, so that a roster only ever grows by
/// what each commit adds. Shared by `secr log` and `secr verify --history`.
final class StoreHistory {
    private let history: GitHistory
    private let firstParentOnly: Bool
    private(set) var commitsExamined = 0
    /// The oldest commit reached when the clone is shallow and history continues beyond it.
    private(set) var shallowBoundary: String?

    init(location: StoreLocation, firstParentOnly: Bool) throws {
        guard let root = location.repositoryRoot, let storePath = Path.relative(location.directory, to: root) else {
            throw SecrError.failure("the store \(location.directory) is not inside a git work tree, so it has no history")
        }
        history = try GitHistory(repositoryRoot: root, storePath: storePath)
        self.firstParentOnly = firstParentOnly
    }

    /// Which commits to walk: everything reachable from `tip` (default HEAD) and not from `excluding`.
    func resolveRange(tip: String?, excluding: String?) throws -> (tip: String?, excluded: Set<String>) {
        let start = try tip.map(history.resolve) ?? history.head()
        guard let excluding else { return (start, []) }
        let stop = try history.resolve(excluding)
        var seen: Set<String> = [stop], stack = [stop]
        while let id = stack.popLast() {
            guard let commit = try history.commit(id) else { continue }
            for parent in commit.parents where seen.insert(parent).inserted { stack.append(parent) }
        }
        return (start, seen)
    }

    func forEachChange(from tip: String? = nil, excluding: Set<String> = [], _ body: (StoreChange) throws -> Void) throws {
        guard let head = tip ?? history.head(), !excluding.contains(head) else { return }
        // Pass 1, children before parents (newest first among commits that are ready, as
        // `git log --date-order`): the commits whose store subtree differs from their first
        // parent's. Commit times are whatever the committer set, so a back-dated commit must not
        // sort below its own ancestors. The walk follows parents itself, so a shallow clone's
        // missing parents mark the boundary instead of failing the walk.
        var changed: [(commit: GitCommit, parentTree: String?, otherTrees: [String?])] = []
        var commits: [String: GitCommit?] = [:]
        func lookup(_ id: String) throws -> GitCommit? {
            if let known = commits[id] { return known }
            let commit = try history.commit(id)
            commits[id] = commit
            return commit
        }
        func parents(of commit: GitCommit) -> [String] {
            (firstParentOnly ? Array(commit.parents.prefix(1)) : commit.parents).filter { !excluding.contains($0) }
        }
        // How many of each commit's children are still to come.
        var waiting: [String: Int] = [:]
        var reached: Set<String> = [head], stack = [head]
        while let id = stack.popLast() {
            guard let commit = try lookup(id) else { continue }
            for parent in parents(of: commit) {
                waiting[parent, default: 0] += 1
                if reached.insert(parent).inserted { stack.append(parent) }
            }
        }
        var frontier: [GitCommit] = try lookup(head).map { [$0] } ?? []
        while let index = frontier.indices.max(by: { frontier[$0].time < frontier[$1].time }) {
            let commit = frontier.remove(at: index)
            commitsExamined += 1
            defer {
                for parent in parents(of: commit) {
                    waiting[parent, default: 1] -= 1
                    if waiting[parent] == 0, let next = try? lookup(parent) { frontier.append(next) }
                }
            }
            var parentTree: String?
            if let parent = commit.parents.first {
                guard let parentCommit = try lookup(parent) else {
                    // The parent is beyond a shallow boundary: what changed here is unknown.
                    shallowBoundary = commit.id
                    continue
                }
                parentTree = parentCommit.storeTree
            }
            if commit.storeTree != parentTree {
                let others = firstParentOnly ? [] : try commit.parents.dropFirst().compactMap { try lookup($0) }.map(\.storeTree)
                changed.append((commit, parentTree, others))
            }
        }

        // Pass 2, oldest first. Each commit's new blobs are the next one's old blobs.
        var snapshots: [String: StoreSnapshot] = [:]
        func snapshot(_ tree: String?) throws -> StoreSnapshot {
            guard let tree else { return .empty }
            if let known = snapshots[tree] { return known }
            let result = try history.snapshot(ofStoreTree: tree)
            snapshots[tree] = result
            return result
        }
        var recentBlobs: [String: [UInt8]] = [:], currentBlobs: [String: [UInt8]] = [:]
        for (commit, parentTree, otherTrees) in changed.reversed() {
            recentBlobs = currentBlobs
            currentBlobs = [:]
            let change = StoreChange(commit: commit, before: try snapshot(parentTree), after: try snapshot(commit.storeTree),
                                     otherParents: try otherTrees.map(snapshot)) { id in
                let bytes = try recentBlobs[id] ?? self.history.blob(id)
                currentBlobs[id] = bytes
                return bytes
            }
            try body(change)
        }
    }
}

extension GitHistory {
    /// The roster and environment file blobs of a store tree.
    func snapshot(ofStoreTree tree: String?) throws -> StoreSnapshot {
        guard let tree else { return .empty }
        var result = StoreSnapshot()
        let entries = try self.entries(ofTree: tree)
        result.roster = entries["roster"]
        if let env = entries["env"] {
            for (name, blob) in try self.entries(ofTree: env) where name.hasSuffix(".secr") {
                result.environments[String(name.dropLast(".secr".count))] = blob
            }
        }
        return result
    }
}
