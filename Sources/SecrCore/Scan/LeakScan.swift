import Synchronization

/// `secr scan`: what it scans and with which secrets.
package enum LeakScan {
    package enum Mode: Sendable {
        /// What the next commit would add: the index against HEAD.
        case staged
        /// Every commit in `range` (`A..B`, `A` meaning A..HEAD, nil meaning all of history).
        case history(String?)
        /// Files and directories as they are on disk.
        case paths([String])
    }

    /// Runs a scan. `location` is where the store (and its allowlist) is; `identity` unlocks the
    /// managed-value layer, which is skipped with a note when it is nil or cannot read anything.
    /// `allowlist` is the store's (`Allowlist.load(location.allowlistPath)`); its salt keys the
    /// findings' hashes, so `--baseline` extends the very allowlist the scan used.
    package static func run(_ mode: Mode, location: StoreLocation, allowlist: Allowlist, identity: Identity?,
                           expected: RosterExpectation) throws -> ScanReport {
        Memory.keepFreedMemory()
        var report = ScanReport()
        let managed = managedValues(location: location, identity: identity, expected: expected, notes: &report.notes)
        let storePath = location.repositoryRoot.flatMap { Path.relative(location.directory, to: $0) }
        let scanner = Scanner(managed: managed, allowlist: allowlist, storePath: storePath)
        var allowed = 0
        var reported = Set<String>()
        // Files are scanned in batches on every core (the layers of one file are independent of
        // every other file's); results are taken in the order the files came, so the report is
        // the same as one thread's. A change's blobs are read by the thread that scans it, one
        // thread at a time in libgit2, so reading one file overlaps scanning another. A batch
        // is bounded, and a file is dropped once scanned, so memory holds a few files, not all.
        var batch: [(file: PendingFile, commit: String?)] = [], batchBytes = 0
        var blobs: BlobReader?
        func flush() throws {
            let pending = batch, reader = blobs
            batch = []
            batchBytes = 0
            let results = Parallel.map(pending.count, threshold: 2) { index -> Result<FileResult, any Error> in
                Result {
                    let target: ScanTarget
                    switch pending[index].file {
                    case .read(let read): target = read
                    case .change(let change): target = try reader!.target(change)
                    }
                    var allowed = 0, notes: [String] = []
                    let findings = scanner.scan(target, allowed: &allowed, notes: &notes)
                    return FileResult(bytes: target.bytes.count, findings: findings, allowed: allowed, notes: notes)
                }
            }
            for ((_, commit), outcome) in zip(pending, results) {
                let result = try outcome.get()
                report.filesScanned += 1
                report.bytesScanned += result.bytes
                allowed += result.allowed
                report.notes += result.notes
                for finding in result.findings {
                    let shown = commit.map { finding.withCommit($0) } ?? finding
                    guard reported.insert(shown.rule + "\u{0}" + shown.path + "\u{0}" + shown.matchHash).inserted else { continue }
                    report.findings.append(shown)
                }
            }
        }
        func scan(_ target: ScanTarget) throws {
            batch.append((.read(target), nil))
            batchBytes += target.bytes.count
            if batch.count >= 64 || batchBytes >= 32 << 20 { try flush() }
        }
        func scan(_ change: ChangedFile, commit: String? = nil) throws {
            batch.append((.change(change), commit))
            if batch.count >= 64 { try flush() }
        }
        switch mode {
        case .paths(let paths):
            let named = Set(paths)
            for path in paths.flatMap(files(under:)) {
                do {
                    try scan(ScanTarget.reading(path: path, raw: try FileSystem.read(path), old: nil))
                } catch where !named.contains(path) {
                    // A file found under a directory that cannot be read (too large, a socket):
                    // noted, so one such file does not end the scan of a tree. Named files still fail.
                    report.notes.append("\(path) was not read: \((error as? SecrError)?.message ?? "\(error)")")
                }
            }
        case .staged, .history:
            guard let root = location.repositoryRoot else {
                throw SecrError.failure("not inside a git work tree; scan files with `secr scan PATH…`")
            }
            let history = try GitHistory(repositoryRoot: root, storePath: storePath ?? ".secr")
            blobs = BlobReader(history)
            if case .history(let range) = mode {
                guard let head = history.head() else { break }
                var start: String?, end = head
                if let range {
                    (start, end) = try RevisionRange.parse(range).resolve(in: history)
                }
                for commit in try history.commits(from: start, to: end) {
                    for file in try history.changes(in: commit) { try scan(file, commit: commit) }
                }
            } else {
                for file in try history.stagedChanges() { try scan(file) }
            }
        }
        try flush()
        if allowed > 0 { report.notes.append("\(allowed) finding\(allowed == 1 ? "" : "s") allowlisted in \(location.display(location.allowlistPath))") }
        return report
    }

    /// A file waiting in a batch: read already (from disk), or a change whose blobs are still
    /// in git.
    private enum PendingFile: Sendable {
        case read(ScanTarget)
        case change(ChangedFile)
    }

    private struct FileResult: Sendable {
        let bytes: Int
        let findings: [ScanFinding]
        let allowed: Int
        let notes: [String]
    }

    /// A change's blobs, read for any scanning thread: libgit2's repository is used by one
    /// thread at a time (its objects are not safe to share), so reads take turns and only the
    /// decoding and scanning run side by side.
    private final class BlobReader: @unchecked Sendable {
        private let history: GitHistory
        private let turn = Mutex(())

        init(_ history: GitHistory) { self.history = history }

        /// The new blob, with only the lines it adds compared with the old one (all, when new).
        func target(_ file: ChangedFile) throws -> ScanTarget {
            let (raw, old) = try turn.withLock { _ in (try history.blob(file.blob), try file.oldBlob.map { try history.blob($0) }) }
            return ScanTarget.reading(path: file.path, raw: raw, old: old)
        }
    }

    /// Line numbers of `new` whose text is not among the lines of `old` (as a multiset).
    static func addedLines(old: [UInt8], new: [UInt8]) -> Set<Int> {
        var counts: [ArraySlice<UInt8>: Int] = [:]
        for line in old.split(separator: 0x0a, omittingEmptySubsequences: false) { counts[line, default: 0] += 1 }
        var added = Set<Int>()
        for (index, line) in new.split(separator: 0x0a, omittingEmptySubsequences: false).enumerated() {
            if let count = counts[line], count > 0 { counts[line] = count - 1 } else { added.insert(index + 1) }
        }
        return added
    }

    static func files(under path: String) -> [String] {
        guard FileSystem.isDirectory(path) else { return [path] }
        return FileSystem.list(path).filter { $0 != ".git" }.flatMap { files(under: Path.join(path, $0)) }
    }

    /// The values of every environment the identity can read. Never written anywhere.
    static func managedValues(location: StoreLocation, identity: Identity?, expected: RosterExpectation, notes: inout [String]) -> ManagedValues? {
        guard location.exists else { return nil }
        guard let identity else {
            notes.append("no identity opened: the values of this project's secrets were not checked (give one with --identity, $SECR_IDENTITY or the default file; `secr keygen` makes one)")
            return nil
        }
        guard let store = try? Store(location: location, expected: expected), let member = store.member(for: identity) else {
            notes.append("your identity is not a member of this store: its values were not checked")
            return nil
        }
        var values: [(environment: String, key: String, value: SecretBytes)] = []
        for environment in store.state.environments where store.state.permission(of: member, in: environment).contains(.read) {
            guard let decrypted = try? store.values(in: environment, identity: identity) else {
                notes.append("\(environment) could not be decrypted: its values were not checked")
                continue
            }
            values += decrypted.map { (environment, $0.key, $0.value) }
        }
        return ManagedValues(values)
    }
}

extension ScanFinding {
    func withCommit(_ commit: String) -> ScanFinding {
        ScanFinding(path: path, line: line, rule: rule, title: title, severity: severity, preview: preview,
                    fix: "it is in commit \(commit.prefix(10)): rotate the secret at its provider (history keeps it); " + fix,
                    matchHash: matchHash, commit: commit)
    }
}
