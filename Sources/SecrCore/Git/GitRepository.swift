import CGit2
import Glibc

/// libgit2 loads its CA bundle in `git_libgit2_init` (milliseconds), so it is initialised once,
/// lazily, only by commands that touch git. Read-only commands never reach this.
private let libgit2Initialised: Int32 = git_libgit2_init()

/// Every failing libgit2 call becomes an error that names the function and libgit2's message.
func gitCheck(_ status: Int32, _ function: String) throws {
    guard status >= 0 else {
        var detail = "error \(status)"
        if let last = git_error_last(), let text = last.pointee.message { detail = String(cString: text) }
        throw SecrError.failure("git: \(function) failed: \(detail)")
    }
}

/// Owns one libgit2 handle and frees it with the matching function.
final class GitHandle {
    let pointer: OpaquePointer
    private let free: (OpaquePointer) -> Void

    init(_ pointer: OpaquePointer, free: @escaping (OpaquePointer) -> Void) {
        self.pointer = pointer
        self.free = free
    }

    deinit { free(pointer) }
}

/// The repository around a store: committing and staging `.secr/` paths.
package final class GitRepository {
    static var initialised: Int32 { libgit2Initialised }

    private let repository: GitHandle
    var handle: OpaquePointer { repository.pointer }
    package let workdir: String

    package init(at path: String) throws {
        _ = libgit2Initialised
        var handle: OpaquePointer?
        try gitCheck(git_repository_open_ext(&handle, path, 0, nil), "git_repository_open_ext(\(path))")
        guard let handle else { throw SecrError.failure("git: cannot open the repository at \(path)") }
        repository = GitHandle(handle, free: git_repository_free)
        guard let root = git_repository_workdir(handle) else {
            throw SecrError.failure("\(path) is in a bare git repository; secr needs a work tree")
        }
        var text = String(cString: root)
        if text.count > 1 && text.hasSuffix("/") { text.removeLast() }
        workdir = text
    }

    /// Refuses states in which a secr commit would surprise the user.
    package func checkCommittable() throws {
        let state = git_repository_state(repository.pointer)
        guard state == Int32(GIT_REPOSITORY_STATE_NONE.rawValue) else {
            throw SecrError.failure("a merge, rebase, cherry-pick or similar is in progress; finish or abort it (see `git status`), then run secr again, or use --no-commit")
        }
        if git_repository_head_detached(repository.pointer) == 1 {
            throw SecrError.failure("HEAD is detached, so a secr commit would belong to no branch", hint: "check out a branch (`git switch NAME`) or use --no-commit")
        }
    }

    func relative(_ path: String) throws -> String {
        guard let relative = Path.relative(path, to: workdir) else {
            throw SecrError.failure("\(path) is outside the work tree \(workdir)")
        }
        return relative
    }

    /// Adds (or, for deleted files, removes) `paths` in the index and writes it. `known` holds
    /// the blob ids of files whose blob was just written, with their `lstat` from before it was
    /// read: while that stat still holds, the entry is made from the id and the stat instead of
    /// reading, hashing and compressing the file again (for a large environment file that was a
    /// third of `secr set`). A file changed since (its ctime moves with any write) is added from
    /// disk as before, so the index never pairs one content's id with another's stat.
    package func stage(_ paths: [String], known: [String: (id: git_oid, status: stat)] = [:]) throws {
        var index: OpaquePointer?
        try gitCheck(git_repository_index(&index, repository.pointer), "git_repository_index")
        guard let index else { return }
        defer { git_index_free(index) }
        try gitCheck(git_index_read(index, 0), "git_index_read")
        for path in paths {
            let relativePath = try relative(path)
            if let (id, before) = known[path], let info = FileSystem.linkStatus(path), (info.st_mode & S_IFMT) == S_IFREG,
               GitRepository.sameFile(before, info) {
                try relativePath.withCString { cPath in
                    var entry = git_index_entry()
                    entry.ctime = git_index_time(seconds: Int32(truncatingIfNeeded: info.st_ctim.tv_sec), nanoseconds: UInt32(truncatingIfNeeded: info.st_ctim.tv_nsec))
                    entry.mtime = git_index_time(seconds: Int32(truncatingIfNeeded: info.st_mtim.tv_sec), nanoseconds: UInt32(truncatingIfNeeded: info.st_mtim.tv_nsec))
                    entry.dev = UInt32(truncatingIfNeeded: info.st_dev)
                    entry.ino = UInt32(truncatingIfNeeded: info.st_ino)
                    entry.mode = (info.st_mode & 0o111) != 0 ? GIT_FILEMODE_BLOB_EXECUTABLE.rawValue : GIT_FILEMODE_BLOB.rawValue
                    entry.uid = info.st_uid
                    entry.gid = info.st_gid
                    entry.file_size = UInt32(truncatingIfNeeded: info.st_size)
                    entry.id = id
                    entry.path = cPath
                    try gitCheck(git_index_add(index, &entry), "git_index_add(\(relativePath))")
                }
            } else if FileSystem.exists(path) {
                try gitCheck(git_index_add_bypath(index, relativePath), "git_index_add_bypath(\(relativePath))")
            } else {
                try gitCheck(git_index_remove_bypath(index, relativePath), "git_index_remove_bypath(\(relativePath))")
            }
        }
        try gitCheck(git_index_write(index), "git_index_write")
    }

    /// Whether two `lstat`s are of the same, unchanged file.
    static func sameFile(_ a: stat, _ b: stat) -> Bool {
        a.st_dev == b.st_dev && a.st_ino == b.st_ino && a.st_size == b.st_size && a.st_mode == b.st_mode
            && a.st_mtim.tv_sec == b.st_mtim.tv_sec && a.st_mtim.tv_nsec == b.st_mtim.tv_nsec
            && a.st_ctim.tv_sec == b.st_ctim.tv_sec && a.st_ctim.tv_nsec == b.st_ctim.tv_nsec
    }

    /// One commit on the current branch holding exactly `paths` as they are on disk, on top of
    /// HEAD's tree, so other staged work is neither committed nor lost. The index entries of
    /// those paths are then updated to match. Returns the commit id.
    @discardableResult
    package func commit(_ paths: [String], message: String, fallbackAuthor: String) throws -> String {
        try checkCommittable()
        let repo = repository.pointer
        // The index is updated after the commit, and the branch's ref is moved by it: a lock
        // held on either would fail the commit half way.
        if let held = lockFiles.first(where: FileSystem.exists) {
            throw SecrError.failure("another git process is running in this repository (\(held) exists); nothing was changed",
                                    hint: "wait for it to finish, or remove that file if no git is running, then run secr again")
        }

        var parent: OpaquePointer?
        var baseline: OpaquePointer?
        defer {
            if let parent { git_commit_free(parent) }
            if let baseline { git_tree_free(baseline) }
        }
        if git_repository_head_unborn(repo) != 1 {
            var headOid = git_oid()
            try gitCheck(git_reference_name_to_id(&headOid, repo, "HEAD"), "git_reference_name_to_id(HEAD)")
            try gitCheck(git_commit_lookup(&parent, repo, &headOid), "git_commit_lookup")
            try gitCheck(git_commit_tree(&baseline, parent), "git_commit_tree")
        } else {
            var builder: OpaquePointer?
            try gitCheck(git_treebuilder_new(&builder, repo, nil), "git_treebuilder_new")
            defer { git_treebuilder_free(builder) }
            var emptyOid = git_oid()
            try gitCheck(git_treebuilder_write(&emptyOid, builder), "git_treebuilder_write")
            try gitCheck(git_tree_lookup(&baseline, repo, &emptyOid), "git_tree_lookup")
        }

        // Objects this attempt adds; a commit that fails takes them out again, so that retries
        // on a full disk do not each leave a blob behind and eat the space that was freed.
        var added: [git_oid] = []
        var committed = false
        defer { if !committed { removeLooseObjects(added) } }
        var odb: OpaquePointer?
        try gitCheck(git_repository_odb(&odb, repo), "git_repository_odb")
        defer { git_odb_free(odb) }

        var updates: [git_tree_update] = []
        var blobs: [String: (id: git_oid, status: stat)] = [:]
        let cPaths = try paths.map { strdup(try relative($0)) }
        defer { cPaths.forEach { free($0) } }
        for (path, cPath) in zip(paths, cPaths) {
            var update = git_tree_update()
            update.path = UnsafePointer(cPath)
            if FileSystem.exists(path) {
                let before = FileSystem.linkStatus(path)
                let (blob, existed) = try writeBlob(path, relativePath: cPath, status: before, odb: odb)
                if !existed { added.append(blob) }
                if let before { blobs[path] = (blob, before) }
                update.action = GIT_TREE_UPDATE_UPSERT
                update.id = blob
                update.filemode = GIT_FILEMODE_BLOB
            } else {
                update.action = GIT_TREE_UPDATE_REMOVE
            }
            updates.append(update)
        }
        var treeOid = git_oid()
        try gitCheck(git_tree_create_updated(&treeOid, repo, baseline, updates.count, &updates), "git_tree_create_updated")
        // The trees on the way to a new blob are new too (they hold it); trees of a change that
        // only removes files may have existed before, so they stay.
        if !added.isEmpty { added += treesOnPaths(treeOid, paths: paths.compactMap { try? relative($0) }) }
        var tree: OpaquePointer?
        try gitCheck(git_tree_lookup(&tree, repo, &treeOid), "git_tree_lookup")
        defer { git_tree_free(tree) }

        var signature: UnsafeMutablePointer<git_signature>?
        if git_signature_default(&signature, repo) < 0 {
            try gitCheck(git_signature_now(&signature, fallbackAuthor, "\(fallbackAuthor)@secr.invalid"), "git_signature_now")
        }
        defer { git_signature_free(signature) }

        var commitOid = git_oid()
        var parents: [OpaquePointer?] = parent.map { [$0] } ?? []
        try gitCheck(git_commit_create(&commitOid, repo, "HEAD", signature, signature, nil, message, tree,
                                       parents.count, &parents), "git_commit_create")
        committed = true
        try stage(paths, known: blobs)
        var hex = [CChar](repeating: 0, count: 41)
        git_oid_tostr(&hex, hex.count, &commitOid)
        return String(decoding: hex.prefix(40).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension GitRepository {
    /// Writes the work tree file at `path` as a blob; returns its id and whether the repository
    /// held it already. A plain file that no filter applies to (every secr file, unless the
    /// user's attributes name one for it) is read once, hashed once and written as a loose
    /// object in zlib's stored mode: libgit2 would hash it twice more and deflate it, which for
    /// a 5 MB environment file of mostly random base64 was a third of `secr set` (95 ms).
    /// `git gc` and `git push` compress it, delta against its previous version, as for any
    /// loose object. Anything else goes through libgit2, so filters apply as `git add` would.
    ///
    /// The hash (git's collision-detecting SHA-1: about 13 ms for 5 MB) and the object's stream
    /// and temporary file (about as long) do not depend on each other, so for a large file the
    /// two run at once, and the temporary file is renamed into place once the hash names it.
    private func writeBlob(_ path: String, relativePath: UnsafeMutablePointer<CChar>?, status: stat?, odb: OpaquePointer?) throws
        -> (id: git_oid, existed: Bool) {
        if let status, (status.st_mode & S_IFMT) == S_IFREG, try !hasFilters(relativePath), let objects = objectsDirectory,
           let bytes = try FileSystem.readIfExists(path, followLinks: false) {
            let header = Array("blob \(bytes.count)\0".utf8)
            guard bytes.count >= GitRepository.largeBlob, Parallel.threads > 1 else {
                // Small: hashed first, so a blob git holds is not written at all.
                var id = try GitRepository.blobID(bytes)
                if git_odb_exists(odb, &id) == 1 { return (id, true) }
                try GitRepository.placeLooseObject(try GitRepository.writeLooseTemporary(header, bytes, in: objects),
                                                   at: GitRepository.looseObjectPath(id, in: objects))
                return (id, false)
            }
            // The stream is made on this thread, the hash on the other, which allocates nothing:
            // memory a second thread allocates comes from another arena, which this thread's
            // later buffers would not reuse (a larger peak).
            let (written, hashed) = Parallel.both({
                Result { try GitRepository.writeLooseTemporary(header, bytes, in: objects) }
            }, {
                Result { try GitRepository.blobID(bytes) }
            })
            let temporary = try written.get()
            var id: git_oid
            do {
                id = try hashed.get()
            } catch {
                unlink(temporary)
                throw error
            }
            if git_odb_exists(odb, &id) == 1 {
                unlink(temporary)
                return (id, true)
            }
            try GitRepository.placeLooseObject(temporary, at: GitRepository.looseObjectPath(id, in: objects))
            return (id, false)
        }
        var id = git_oid()
        // Hashed as git would store it (filters applied), so a blob history holds is never taken for new.
        let existed = git_repository_hashfile(&id, handle, path, GIT_OBJECT_BLOB, relativePath) == 0 && git_odb_exists(odb, &id) == 1
        try gitCheck(git_blob_create_from_workdir(&id, handle, relativePath), "git_blob_create_from_workdir")
        return (id, existed)
    }

    /// Whether git's attributes and config apply a filter (`text`/`eol` conversion, `ident`, a
    /// filter driver) when `relativePath` is added.
    private func hasFilters(_ relativePath: UnsafeMutablePointer<CChar>?) throws -> Bool {
        var filters: OpaquePointer?
        try gitCheck(git_filter_list_load(&filters, handle, nil, relativePath, GIT_FILTER_TO_ODB, GIT_FILTER_DEFAULT.rawValue),
                     "git_filter_list_load")
        guard let filters else { return false }
        git_filter_list_free(filters)
        return true
    }

    /// The id git gives `bytes` as a blob. libgit2 keeps its last error per thread, so a
    /// failure is worded on the thread that hashed.
    static func blobID(_ bytes: [UInt8]) throws -> git_oid {
        var id = git_oid()
        try bytes.withUnsafeBytes { try gitCheck(git_odb_hash(&id, $0.baseAddress, $0.count, GIT_OBJECT_BLOB), "git_odb_hash") }
        return id
    }

    /// From this size on a blob is hashed and written at once (`Parallel.both`); below it a
    /// second thread costs more than it saves.
    static let largeBlob = 256 * 1024

    /// A loose object as git writes one: `header` and `content` in one zlib stream, in a
    /// read-only temporary file in the objects directory, named as git's own temporary objects
    /// (`git gc` removes one a killed writer left); returns its path. Not synced, as libgit2
    /// does not by default.
    static func writeLooseTemporary(_ header: [UInt8], _ content: [UInt8], in objects: String) throws -> String {
        let capacity = Int(compressBound(uLong(header.count + content.count)))
        let stream = [UInt8](unsafeUninitializedCapacity: capacity) { out, count in
            count = header.withUnsafeBufferPointer { head in
                content.withUnsafeBufferPointer { body in
                    secr_zlib_stored(head.baseAddress, head.count, body.baseAddress, body.count, out.baseAddress, out.count)
                }
            }
        }
        guard !stream.isEmpty else {
            throw SecrError.failure("git: cannot write an object: zlib failed",
                                    hint: "nothing was committed; run the command again, and if it fails again check the repository with `git fsck`")
        }
        // Only the directory of the path given counts: the name is the prefix's.
        return try FileSystem.writeTemporary(for: Path.join(objects, "object"), stream, mode: 0o444, durable: false,
                                             prefix: "tmp_obj_secr_")
    }

    /// Renames a temporary object into its place (`objects/ab/cdef…`), or removes it and throws.
    static func placeLooseObject(_ temporary: String, at path: String) throws {
        do {
            try FileSystem.makeDirectories(Path.parent(path), mode: 0o777)
            guard Glibc.rename(temporary, path) == 0 else {
                throw SecrError.failure("git: cannot write the object \(Path.lastComponent(path)): \(String(cString: strerror(errno)))",
                                        hint: "nothing was committed; check that the repository's .git/objects is writable and the disk has room, then run the command again")
            }
        } catch {
            unlink(temporary)
            throw error
        }
    }
}

extension GitRepository {
    /// The commit HEAD points at, nil on an unborn branch.
    package func headCommit() -> String? {
        var oid = git_oid()
        guard git_reference_name_to_id(&oid, handle, "HEAD") == 0 else { return nil }
        return GitHistory.hex(&oid)
    }

    /// Sets a key in the repository's own config (`.git/config`), as `git config --local` does.
    package func setLocalConfig(_ name: String, _ value: String) throws {
        var config: OpaquePointer?
        try gitCheck(git_repository_config(&config, handle), "git_repository_config")
        defer { git_config_free(config) }
        var local: OpaquePointer?
        try gitCheck(git_config_open_level(&local, config, GIT_CONFIG_LEVEL_LOCAL), "git_config_open_level")
        defer { git_config_free(local) }
        try gitCheck(git_config_set_string(local, name, value), "git_config_set_string(\(name))")
    }

    /// A config value as git sees it (all levels), nil when unset.
    package func configValue(_ name: String) -> String? {
        var config: OpaquePointer?
        guard git_repository_config(&config, handle) == 0 else { return nil }
        defer { git_config_free(config) }
        var buffer = git_buf()
        defer { git_buf_dispose(&buffer) }
        guard git_config_get_string_buf(&buffer, config, name) == 0, let text = buffer.ptr else { return nil }
        return String(cString: text)
    }
}

extension GitRepository {
    /// Paths under `directory` (relative to the work tree) whose index or work tree differs from
    /// HEAD. secr's own temporary files (names starting with '.') are not counted.
    package func uncommittedChanges(under directory: String) throws -> [String] {
        var options = git_status_options()
        try gitCheck(git_status_options_init(&options, UInt32(GIT_STATUS_OPTIONS_VERSION)), "git_status_options_init")
        options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR
        options.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED.rawValue | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS.rawValue
        let pattern = strdup(directory + "/")
        defer { free(pattern) }
        var patterns: [UnsafeMutablePointer<CChar>?] = [pattern]
        var list: OpaquePointer?
        try patterns.withUnsafeMutableBufferPointer { buffer in
            options.pathspec = git_strarray(strings: buffer.baseAddress, count: 1)
            try gitCheck(git_status_list_new(&list, handle, &options), "git_status_list_new")
        }
        defer { git_status_list_free(list) }
        var paths: [String] = []
        for index in 0..<git_status_list_entrycount(list) {
            guard let entry = git_status_byindex(list, index) else { continue }
            let delta = entry.pointee.head_to_index ?? entry.pointee.index_to_workdir
            guard let file = delta?.pointee.new_file.path ?? delta?.pointee.old_file.path else { continue }
            let path = String(cString: file)
            if Path.lastComponent(path).hasPrefix(".") { continue }
            paths.append(path)
        }
        return paths.sorted()
    }
}

extension GitRepository {
    /// Paths in the index (what is tracked), relative to the work tree.
    package func trackedFiles() throws -> [String] {
        var index: OpaquePointer?
        try gitCheck(git_repository_index(&index, handle), "git_repository_index")
        defer { git_index_free(index) }
        var paths: [String] = []
        for position in 0..<git_index_entrycount(index) {
            if let entry = git_index_get_byindex(index, position), let path = entry.pointee.path { paths.append(String(cString: path)) }
        }
        return paths
    }
}

/// A path the index holds in conflict: the blob ids of its three stages (nil where a side
/// has no such file).
package struct ConflictedFile: Sendable {
    package let path: String
    package let base: String?
    package let ours: String?
    package let theirs: String?
}

extension GitRepository {
    /// Every path in conflict in the index (a merge, rebase or cherry-pick that stopped).
    package func conflicts() throws -> [ConflictedFile] {
        var index: OpaquePointer?
        try gitCheck(git_repository_index(&index, handle), "git_repository_index")
        defer { git_index_free(index) }
        try gitCheck(git_index_read(index, 0), "git_index_read")
        var iterator: OpaquePointer?
        try gitCheck(git_index_conflict_iterator_new(&iterator, index), "git_index_conflict_iterator_new")
        defer { git_index_conflict_iterator_free(iterator) }
        var files: [ConflictedFile] = []
        while true {
            var ancestor: UnsafePointer<git_index_entry>?, ours: UnsafePointer<git_index_entry>?, theirs: UnsafePointer<git_index_entry>?
            let status = git_index_conflict_next(&ancestor, &ours, &theirs, iterator)
            if status == GIT_ITEROVER.rawValue { break }
            try gitCheck(status, "git_index_conflict_next")
            func id(_ entry: UnsafePointer<git_index_entry>?) -> String? {
                guard var oid = entry?.pointee.id else { return nil }
                return GitHistory.hex(&oid)
            }
            guard let pathPointer = (ours ?? theirs ?? ancestor)?.pointee.path else { continue }
            files.append(ConflictedFile(path: String(cString: pathPointer), base: id(ancestor), ours: id(ours), theirs: id(theirs)))
        }
        return files
    }

    /// A blob's bytes.
    package func blob(_ id: String) throws -> [UInt8] {
        var oid = try GitHistory.oid(id)
        var blob: OpaquePointer?
        try gitCheck(git_blob_lookup(&blob, handle, &oid), "git_blob_lookup")
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        guard size > 0, let content = git_blob_rawcontent(blob) else { return [] }
        return Array(UnsafeRawBufferPointer(start: content, count: size))
    }

    /// Whether a merge (of any kind: merge, rebase, cherry-pick, revert) is in progress.
    package var isMerging: Bool { git_repository_state(handle) != Int32(GIT_REPOSITORY_STATE_NONE.rawValue) }
}

extension GitRepository {
    /// The lock files a commit takes: the index's and the checked-out branch's.
    var lockFiles: [String] {
        guard let git = GitDirectory.find(workTree: workdir) else { return [] }
        return [Path.join(git.own, "index.lock")] + (git.currentBranch.map { [Path.join(git.common, $0 + ".lock")] } ?? [])
    }

    /// Removes those lock files that were made at or after `time` (ns since the epoch): what a
    /// secr killed inside its commit left. Older ones are someone else's and stay.
    func removeLocks(madeSince time: Int64) {
        for lock in lockFiles {
            if let made = FileSystem.fingerprint(lock)?.modified, made >= time { try? FileSystem.remove(lock) }
        }
    }

    /// Whether HEAD's tree holds the work tree file at `path` exactly (for a file that does not
    /// exist: holds nothing there). How a recovering secr tells that a commit landed.
    package func headHoldsFile(at path: String) -> Bool {
        guard let relativePath = try? relative(path) else { return false }
        var headOid = git_oid()
        var commit: OpaquePointer?, tree: OpaquePointer?, entry: OpaquePointer?
        defer {
            if let entry { git_tree_entry_free(entry) }
            if let tree { git_tree_free(tree) }
            if let commit { git_commit_free(commit) }
        }
        guard git_reference_name_to_id(&headOid, handle, "HEAD") == 0, git_commit_lookup(&commit, handle, &headOid) == 0,
              git_commit_tree(&tree, commit) == 0 else { return false }
        let found = git_tree_entry_bypath(&entry, tree, relativePath) == 0
        guard FileSystem.exists(path) else { return !found }
        guard found, let entry, let stored = git_tree_entry_id(entry) else { return false }
        var onDisk = git_oid()
        guard git_odb_hashfile(&onDisk, path, GIT_OBJECT_BLOB) == 0 else { return false }
        var expected = stored.pointee
        return git_oid_equal(&onDisk, &expected) == 1
    }
}

extension GitRepository {
    /// Where a loose object lives (`objects/ab/cdef…`), as libgit2 resolves the repository's
    /// object directory (the common one of a worktree, wherever `core.worktree` points).
    func looseObjectPath(_ oid: git_oid) -> String? {
        objectsDirectory.map { GitRepository.looseObjectPath(oid, in: $0) }
    }

    /// The repository's objects directory.
    var objectsDirectory: String? {
        var buffer = git_buf()
        defer { git_buf_dispose(&buffer) }
        guard git_repository_item_path(&buffer, handle, GIT_REPOSITORY_ITEM_OBJECTS) == 0, let objects = buffer.ptr else { return nil }
        return String(cString: objects)
    }

    static func looseObjectPath(_ oid: git_oid, in objects: String) -> String {
        var copy = oid
        let hex = GitHistory.hex(&copy)
        return Path.join(Path.join(objects, String(hex.prefix(2))), String(hex.dropFirst(2)))
    }

    /// The ids of `root` and of every tree below it on the way to `paths`.
    func treesOnPaths(_ root: git_oid, paths: [String]) -> [git_oid] {
        var found: [String: git_oid] = [:]
        var rootCopy = root
        found[GitHistory.hex(&rootCopy)] = root
        for path in paths {
            let directories = path.split(separator: "/").dropLast()
            var prefix = ""
            for directory in directories {
                prefix += (prefix.isEmpty ? "" : "/") + directory
                var tree: OpaquePointer?, entry: OpaquePointer?
                var lookup = root
                guard git_tree_lookup(&tree, handle, &lookup) == 0 else { break }
                defer { git_tree_free(tree) }
                guard git_tree_entry_bypath(&entry, tree, prefix) == 0, let entry else { break }
                defer { git_tree_entry_free(entry) }
                guard let id = git_tree_entry_id(entry) else { break }
                found[GitHistory.hex(id)] = id.pointee
            }
        }
        return Array(found.values)
    }

    /// Removes loose objects a failed commit wrote (nothing refers to them).
    func removeLooseObjects(_ oids: [git_oid]) {
        for oid in oids {
            if let path = looseObjectPath(oid) { try? FileSystem.remove(path) }
        }
    }
}
