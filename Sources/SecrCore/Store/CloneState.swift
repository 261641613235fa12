import Glibc
import Synchronization

/// What this clone has seen of a store, kept outside the repository so that no push can change
/// it (docs/FORMAT.md §6):
/// - the root of the store's roster (its genesis), one per store;
/// - per branch, the pin: the roster head (newest entry) this clone accepted on that branch. A
///   later roster on the branch must extend it, so entries cannot be cut off or rewritten;
/// - per branch, the highest version this clone has verified of every key, so an older record
///   (or a deleted record line) on that branch is refused even when its signer may still write;
/// - and writes on any branch but the default one (a detached HEAD included) need a roster that
///   holds the default branch's pinned head: a branch without main's latest entries (a removal,
///   a re-key) would seal values to keys removed members hold.
///
/// State is per branch because a clone legitimately checks out branches that are behind: a
/// feature branch forked before a change on main is not a rollback, but the same state arriving
/// on main is. It lives in the repository's common git directory (`<common dir>/secr/`,
/// shared by every worktree), or for a store outside git in `$XDG_CONFIG_HOME/secr/`.
package struct CloneState: Sendable {
    /// The directory that holds the pins, the seen versions and the store lock.
    package let directory: String
    /// The store's path relative to the work tree (`.secr`), or its absolute path.
    let storeKey: String
    /// The checked-out branch (`refs/heads/main`); nil on a detached HEAD, where nothing moves
    /// forward; "" for a store outside git.
    package let branch: String?
    /// The branch others are merged into (`origin/HEAD`'s, else main or master): its pinned head
    /// binds writes on every other branch.
    let defaultBranch: String?
    /// `<git dir>/secr-pins` of secr 0.1 (`ROOT PATH` lines), read when there is no v2 pin.
    let legacyPins: String?
    /// The root of the roster being read: seen versions belong to one project.
    var root = ""
    /// A merge, rebase, cherry-pick or revert is in progress: the work tree may hold the other
    /// side's files, and `git merge --abort` can take them back, so nothing moves forward.
    var merging = false

    /// The same clone state, for the roster with `root`.
    func forRoot(_ root: String) -> CloneState {
        var copy = self
        copy.root = root
        return copy
    }

    package struct Pin: Equatable, Sendable {
        package let root: String
        package let seq: Int
        package let head: String
    }

    package static func of(_ location: StoreLocation) -> CloneState {
        if let root = location.repositoryRoot, let git = GitDirectory.find(workTree: root) {
            var state = CloneState(directory: Path.join(git.common, "secr"),
                                   storeKey: Path.relative(location.directory, to: root) ?? location.directory,
                                   branch: git.currentBranch, defaultBranch: git.defaultBranch, legacyPins: Path.join(git.own, "secr-pins"))
            state.merging = ["MERGE_HEAD", "CHERRY_PICK_HEAD", "REVERT_HEAD", "rebase-merge", "rebase-apply"].contains {
                FileSystem.exists(Path.join(git.own, $0))
            }
            return state
        }
        return CloneState(directory: Path.parent(IdentityLookup.defaultPath), storeKey: location.directory, branch: "",
                          defaultBranch: "", legacyPins: nil)
    }

    /// The store's path as pin lines hold it: `%`, controls and DEL percent-encoded, so a path
    /// with a line break cannot split or forge a line.
    var pinKey: String {
        let digits = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in storeKey.utf8 {
            if byte < 0x20 || byte == 0x7f || byte == UInt8(ascii: "%") {
                out += [UInt8(ascii: "%"), digits[Int(byte >> 4)], digits[Int(byte & 15)]]
            } else {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func shortHash(_ text: String) -> String { Sodium.hex(Array(Sodium.blake2b(Array(text.utf8)).prefix(8))) }

    var pinsPath: String { Path.join(directory, "pins") }
    var storeSeenDirectory: String { Path.join(directory, "seen-\(CloneState.shortHash(storeKey))") }
    var seenDirectory: String { Path.join(storeSeenDirectory, CloneState.shortHash(root)) }
    package var lockPath: String { Path.join(directory, "lock-\(CloneState.shortHash(storeKey))") }

    static let pinsMagic = "secr-pins v2"
    static let seenMagic = "secr-seen v1"

    // MARK: Pins

    private struct PinLine {
        let pin: Pin
        let branch: String
        let store: String

        /// `pin root=R seq=N head=H branch=B store=PATH` (the path last, as it may hold spaces).
        init?(_ line: String) {
            guard let storeRange = line[...].range(of: " store=") else { return nil }
            // Bytes throughout: a name that starts with a combining mark joins `=` into one
            // Character, and a comparison of Characters would then drop the line (and its pin).
            let fields = line.utf8[..<storeRange.lowerBound].split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
            func value(_ index: Int, _ name: String) -> String? {
                let field = fields[index]
                guard field.starts(with: name.utf8) else { return nil }
                return String(line[field.index(field.startIndex, offsetBy: name.utf8.count)..<field.endIndex])
            }
            guard fields.count == 5, fields[0].elementsEqual("pin".utf8), let root = value(1, "root="), let seqText = value(2, "seq="),
                  let head = value(3, "head="), let branch = value(4, "branch="), let seq = Int(seqText) else { return nil }
            pin = Pin(root: root, seq: seq, head: head)
            self.branch = branch
            store = String(line[storeRange.upperBound...])
        }
    }

    private func pinLines() -> [String] {
        DeferredSync.shared.settle(pinsPath)
        let read = try? FileSystem.readIfExists(pinsPath)
        ReadInputs.record(pinsPath, read)
        guard let bytes = read else { return [] }
        let text = String(decoding: bytes, as: UTF8.self)
        let lines = text.utf8.split(separator: 0x0a).map { String(text[$0.startIndex..<$0.endIndex]) }
        return lines.first == CloneState.pinsMagic ? Array(lines.dropFirst()) : []
    }

    private func writePins(_ lines: [String]) throws {
        ReadInputs.willMove(pinsPath)
        try FileSystem.makeDirectories(directory, mode: 0o700)
        let directory = directory
        try FileSystem.writeAtomically(pinsPath, Array(([CloneState.pinsMagic] + lines).joined(separator: "\n").utf8) + [0x0a],
                                       deferringTo: .shared) { CloneState.notRecorded(.rosterHead, in: directory, $0) }
    }

    /// What is not recorded when this clone's state cannot be written: a read goes on, with
    /// less protection, and says so.
    enum Recorded { case rosterHead, seenVersions }

    static func notRecorded(_ what: Recorded, in directory: String, _ failure: String) -> String {
        switch what {
        case .rosterHead:
            "cannot record the roster head this clone has seen in \(directory) (\(failure)): rollbacks of the roster go unnoticed here"
        case .seenVersions:
            "cannot record the versions this clone has seen in \(directory) (\(failure)): rollbacks of values go unnoticed here"
        }
    }

    /// The root this clone pinned for the store (on any branch, or by secr 0.1).
    package func pinnedRoot() -> String? {
        if let found = pinLines().compactMap(PinLine.init).last(where: { $0.store == pinKey }) { return found.pin.root }
        guard let legacyPins else { return nil }
        let read = try? FileSystem.readIfExists(legacyPins)
        ReadInputs.record(legacyPins, read)
        guard let bytes = read else { return nil }
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n").reversed() {
            let parts = line.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[1] == storeKey { return String(parts[0]) }
        }
        return nil
    }

    /// The pin of the checked-out branch.
    package func pin() -> Pin? {
        guard let branch else { return nil }
        return pinLines().compactMap(PinLine.init).last { $0.store == pinKey && $0.branch == branch }?.pin
    }

    /// Moves the checked-out branch's pin (a detached HEAD keeps none, but the root is pinned).
    package func savePin(_ pin: Pin) throws {
        if merging, pinnedRoot() != nil { return }
        let mine = branch ?? ""
        if branch == nil, pinnedRoot() != nil { return }
        var lines = pinLines().filter { line in PinLine(line).map { !($0.store == pinKey && $0.branch == mine) } ?? false }
        lines.append("pin root=\(pin.root) seq=\(branch == nil ? -1 : pin.seq) head=\(pin.head) branch=\(mine) store=\(pinKey)")
        try writePins(lines)
    }

    /// Forgets every pin and seen version of this store (`secr pin --reset`).
    package func forget() throws {
        DeferredSync.shared.settle()
        if FileSystem.exists(pinsPath) {
            try writePins(pinLines().filter { line in PinLine(line).map { $0.store != pinKey } ?? false })
        }
        try FileSystem.removeTree(storeSeenDirectory)
        // The read snapshots are bound to the state forgotten: they could not match again.
        let snapshots = "read-\(CloneState.shortHash(storeKey))-"
        for name in FileSystem.list(directory) where name.hasPrefix(snapshots) { unlink(Path.join(directory, name)) }
    }

    // MARK: Seen versions

    private var branchDirectory: String? { branch.map { Path.join(seenDirectory, CloneState.shortHash($0)) } }

    /// The file of `environment`'s seen versions on the checked-out branch (none when detached).
    func seenPath(of environment: String) -> String? { branchDirectory.map { Path.join($0, environment) } }

    /// The highest verified version of each key of `environment` on the checked-out branch,
    /// for the incarnation of that name that began at roster entry `incarnation` (an
    /// environment removed and added again starts afresh).
    func seenVersions(of environment: String, incarnation: Int) -> SeenVersions {
        guard let path = seenPath(of: environment) else { return .empty }
        DeferredSync.shared.settle(path)
        let read = try? FileSystem.readIfExists(path)
        ReadInputs.record(path, read)
        guard let bytes = read else { return .empty }
        let magic = Array("\(CloneState.seenMagic) added=\(incarnation)\n".utf8)
        guard bytes.starts(with: magic) else { return .empty }
        return SeenVersions(parsing: bytes, from: magic.count)
    }

    /// The pin of the default branch (whichever worktree moved it).
    func defaultBranchPin() -> Pin? {
        guard let defaultBranch else { return nil }
        return pinLines().compactMap(PinLine.init).last { $0.store == pinKey && $0.branch == defaultBranch }?.pin
    }

    /// Raises the seen versions on this branch where they are higher. `known` is what was read
    /// of them before: when nothing is higher than that, the state is not read again.
    func raiseSeen(_ versions: [(key: String, version: Int)], of environment: String, incarnation: Int, known: SeenVersions? = nil) throws {
        guard !merging, let directory = branchDirectory else { return }
        if let known, !known.isRaised(by: versions) { return }
        let current = seenVersions(of: environment, incarnation: incarnation)
        guard current.isRaised(by: versions) else { return }
        ReadInputs.willMove(Path.join(directory, environment))
        try FileSystem.makeDirectories(directory, mode: 0o700)
        let stateDirectory = self.directory
        try FileSystem.writeAtomically(Path.join(directory, environment),
                                       Array("\(CloneState.seenMagic) added=\(incarnation)\n".utf8) + current.lines(raisedBy: versions),
                                       deferringTo: .shared) { CloneState.notRecorded(.seenVersions, in: stateDirectory, $0) }
    }
}

/// A work tree's git directories, found without libgit2: its own (`.git`, or where a `.git`
/// file points for worktrees and submodules) and the common one its worktrees share.
package struct GitDirectory: Sendable {
    package let own: String
    package let common: String
    /// The ref HEAD points at (`refs/heads/main`); nil when HEAD is detached.
    package let currentBranch: String?
    /// `origin/HEAD`'s branch as a local ref, else `refs/heads/main` or `refs/heads/master`.
    package let defaultBranch: String?

    /// Found once per work tree and process: a command asks for it several times (the clone
    /// state, the setup notice, merge sides), and nothing secr does moves HEAD to another branch.
    private static let found = Mutex<[String: GitDirectory?]>([:])

    package static func find(workTree root: String) -> GitDirectory? {
        if let known = found.withLock({ $0[root] }) { return known }
        let result = locate(workTree: root)
        found.withLock { $0[root] = result }
        return result
    }

    private static func locate(workTree root: String) -> GitDirectory? {
        let dotGit = Path.join(root, ".git")
        let own: String
        if FileSystem.isDirectory(dotGit) {
            own = dotGit
        } else {
            guard let bytes = try? FileSystem.readIfExists(dotGit) else { return nil }
            let text = String(decoding: bytes, as: UTF8.self)
            guard text.hasPrefix("gitdir: ") else { return nil }
            let target = text.dropFirst("gitdir: ".count).split(separator: "\n").first.map(String.init) ?? ""
            own = Path.absolute(target, from: root)
        }
        var common = own
        var branch: String?, defaultBranch: String?
        if let bytes = try? FileSystem.readIfExists(Path.join(own, "HEAD")) {
            let text = String(decoding: bytes, as: UTF8.self)
            if text.hasPrefix("ref: ") { branch = text.dropFirst(5).split(separator: "\n").first.map(String.init) }
        }
        if let bytes = try? FileSystem.readIfExists(Path.join(own, "commondir")),
           let line = String(decoding: bytes, as: UTF8.self).split(separator: "\n").first {
            common = FileSystem.realPath(Path.absolute(String(line), from: own)) ?? Path.absolute(String(line), from: own)
        }
        if let bytes = try? FileSystem.readIfExists(Path.join(common, "refs/remotes/origin/HEAD")) {
            let text = String(decoding: bytes, as: UTF8.self)
            if text.hasPrefix("ref: refs/remotes/origin/") {
                defaultBranch = "refs/heads/" + (text.dropFirst("ref: refs/remotes/origin/".count).split(separator: "\n").first ?? "main")
            }
        }
        if defaultBranch == nil {
            defaultBranch = ["main", "master"].map { "refs/heads/" + $0 }
                .first { FileSystem.exists(Path.join(common, $0)) || packedRefs(common).contains($0) } ?? "refs/heads/main"
        }
        return GitDirectory(own: own, common: common, currentBranch: branch, defaultBranch: defaultBranch)
    }

    private static func packedRefs(_ common: String) -> Set<String> {
        guard let bytes = try? FileSystem.readIfExists(Path.join(common, "packed-refs")) else { return [] }
        return Set(String(decoding: bytes, as: UTF8.self).split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ")
            return parts.count == 2 ? String(parts[1]) : nil
        })
    }
}

extension VerificationCache {
    /// Loads `identity`'s cache for the clone that holds `location`: one file per identity in
    /// the clone state directory, so it goes where the pins go and is never in the repository.
    package func load(for location: StoreLocation, identity: Identity) {
        let name = "cache-" + Sodium.hex(Array(Sodium.blake2b(identity.publicKey.bytes).prefix(8)))
        load(path: Path.join(CloneState.of(location).directory, name), identity: identity)
    }
}
