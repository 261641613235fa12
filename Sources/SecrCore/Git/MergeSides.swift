import Glibc

/// The two commits a merge driver is merging, found from what git leaves for it: `GITHEAD_<id>`
/// in the environment (`git merge`, `git pull`), else `MERGE_HEAD`, `CHERRY_PICK_HEAD`,
/// `REVERT_HEAD` or the commit `git rebase` is picking. Git gives a merge driver only the
/// three versions of the one file; an environment file can only be judged against the roster
/// the merge produces, so the driver reads both sides' rosters from these commits.
package enum MergeSides {
    /// The roster blobs of HEAD and of the other commit (nil when that is not known).
    package static func rosters(repositoryRoot: String, storePath: String) throws -> (ours: [UInt8], theirs: [UInt8]?) {
        let history = try GitHistory(repositoryRoot: repositoryRoot, storePath: storePath)
        guard let head = history.head() else { throw SecrError.failure("the repository has no HEAD commit to merge into") }
        func roster(_ commit: String) throws -> [UInt8]? {
            guard let tree = try history.commit(commit)?.storeTree, let blob = try history.snapshot(ofStoreTree: tree).roster else { return nil }
            return try history.blob(blob)
        }
        guard let ours = try roster(head) else { throw SecrError.failure("HEAD has no roster at \(storePath)/roster") }
        return (ours, try otherCommit(head: head, repositoryRoot: repositoryRoot, history: history).flatMap(roster))
    }

    static func otherCommit(head: String, repositoryRoot: String, history: GitHistory) throws -> String? {
        var candidates: [String] = []
        var entry = environ
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            if text.hasPrefix("GITHEAD_"), let eq = text.firstIndex(of: "=") {
                candidates.append(String(text[text.index(text.startIndex, offsetBy: 8)..<eq]))
            }
            entry += 1
        }
        if let git = GitDirectory.find(workTree: repositoryRoot) {
            for name in ["MERGE_HEAD", "CHERRY_PICK_HEAD", "REVERT_HEAD"] {
                if let bytes = try? FileSystem.readIfExists(Path.join(git.own, name)),
                   let line = String(decoding: bytes, as: UTF8.self).split(separator: "\n").first {
                    candidates.append(String(line))
                }
            }
            if let bytes = try? FileSystem.readIfExists(Path.join(git.own, "rebase-merge/done")),
               let last = String(decoding: bytes, as: UTF8.self).split(separator: "\n").last {
                let words = last.split(separator: " ")
                if words.count >= 2 { candidates.append(String(words[1])) }
            }
        }
        for candidate in candidates {
            if let id = try? history.resolve(candidate), id != head { return id }
        }
        return nil
    }
}
