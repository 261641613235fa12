import CSystem
import Glibc

/// File access through Glibc. The library avoids Foundation so that `secr get`/`run` start in
/// about a millisecond; these few calls are all it needs.
package enum FileSystem {
    static func errorText(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }

    /// The whole file, or nil when it does not exist. With `followLinks: false` a symbolic
    /// link is refused (store files are plain files).
    /// The most secr reads of one file (and so the most a store file may hold).
    package static let readLimit = 64 << 20

    /// `path` opened for reading; nil when it does not exist.
    private static func openForReading(_ path: String, followLinks: Bool) throws -> Int32? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | (followLinks ? 0 : O_NOFOLLOW))
        if fd < 0 {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            if errno == ELOOP && !followLinks {
                throw SecrError.integrity("\(path) is a symbolic link; secr reads store files only as plain files (restore it with `git checkout -- \(path)`)")
            }
            throw SecrError.failure("cannot read \(path): \(errorText())")
        }
        return fd
    }

    private static func tooLarge(_ path: String, _ limit: Int) -> SecrError {
        SecrError.failure("\(path) is larger than \(limit >> 20) MiB, more than secr reads; is it the right file?")
    }

    /// Calls `body` with each line of the file (without its LF), in order, read through one
    /// buffer of a few pages that grows only for a longer line: a reader of one key in a store
    /// file of megabytes does not pay for fresh memory to hold it all. Nil when the file does not
    /// exist; else whether it ends with a newline (bytes after the last one are not a line).
    /// `opened`, when given, learns the size of the file as it was opened (to reserve room for
    /// what the lines will hold); `chunk` sees the bytes of each read before the lines they end.
    /// (Neither is an optional: an optional closure escapes, and every variable it shared with
    /// `body` was then checked for exclusive access on each line, a twentieth of `get` at
    /// 10,000 secrets.)
    package static func forEachLine(_ path: String, limit: Int = readLimit, followLinks: Bool = true,
                                    opened: (Int) -> Void = { _ in },
                                    chunk: (UnsafeBufferPointer<UInt8>) throws -> Void = { _ in },
                                    _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws -> Bool? {
        guard let fd = try openForReading(path, followLinks: followLinks) else { return nil }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG { opened(Int(info.st_size)) }
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        var start = 0, end = 0, total = 0
        while true {
            if start > 0, start == end {
                (start, end) = (0, 0)
            } else if end == buffer.count {
                if start > 0 {
                    // Move the unfinished line to the front; grow when it fills the buffer.
                    buffer.withUnsafeMutableBufferPointer { _ = memmove($0.baseAddress!, $0.baseAddress! + start, end - start) }
                    (start, end) = (0, end - start)
                } else {
                    buffer += [UInt8](repeating: 0, count: buffer.count)
                }
            }
            let n = buffer.withUnsafeMutableBufferPointer { Glibc.read(fd, $0.baseAddress! + end, $0.count - end) }
            if n < 0 {
                if errno == EINTR { continue }
                throw SecrError.failure("cannot read \(path): \(errorText())")
            }
            if n == 0 { return start == end }
            total += n
            guard total <= limit else { throw tooLarge(path, limit) }
            let scanFrom = end
            end += n
            try buffer.withUnsafeBufferPointer { all in
                let base = all.baseAddress!
                try chunk(UnsafeBufferPointer(rebasing: all[scanFrom..<end]))
                var from = scanFrom
                while from < end, let newline = memchr(base + from, 0x0a, end - from) {
                    let at = base.distance(to: newline.assumingMemoryBound(to: UInt8.self))
                    try body(UnsafeBufferPointer(rebasing: all[start..<at]))
                    start = at + 1
                    from = start
                }
            }
        }
    }

    package static func readIfExists(_ path: String, limit: Int = readLimit, followLinks: Bool = true) throws -> [UInt8]? {
        guard let fd = try openForReading(path, followLinks: followLinks) else { return nil }
        defer { close(fd) }
        // Read straight into an array of the file's size (a store file of 10,000 secrets is
        // megabytes: chunks appended were a copy too many); a file that grows while it is read
        // is read on to its end.
        var info = stat()
        let expected = fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG ? Int(info.st_size) : 0
        guard expected <= limit else { throw tooLarge(path, limit) }
        // Read into the array's own storage, not a zero-filled one (the memset of megabytes was
        // a tenth of `get` at 10,000 secrets): the elements are exactly the bytes read() wrote.
        var failure: Int32 = 0
        var out = [UInt8](unsafeUninitializedCapacity: expected + 1) { buffer, count in
            var filled = 0
            while filled < buffer.count {
                let n = Glibc.read(fd, buffer.baseAddress! + filled, buffer.count - filled)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    break
                }
                if n == 0 { break }
                filled += n
            }
            count = filled
        }
        if failure != 0 { throw SecrError.failure("cannot read \(path): \(errorText(failure))") }
        // The array filled up: the file grew while it was read, so read on to its end.
        var filled = out.count
        if filled == expected + 1 {
            while true {
                if filled == out.count {
                    guard out.count <= limit else { throw tooLarge(path, limit) }
                    out += [UInt8](repeating: 0, count: max(65536, out.count))
                }
                let n = out.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + filled, $0.count - filled) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw SecrError.failure("cannot read \(path): \(errorText())")
                }
                if n == 0 { break }
                filled += n
            }
            out.removeLast(out.count - filled)
        }
        guard filled <= limit else { throw tooLarge(path, limit) }
        return out
    }

    package static func read(_ path: String) throws -> [UInt8] {
        guard let bytes = try readIfExists(path) else { throw SecrError.failure("\(path) does not exist", hint: "check the path (relative paths start at the current directory, or at -C DIR)") }
        return bytes
    }

    package static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    package static func isSymbolicLink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
    }

    package static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Permission bits of a file, or nil when it does not exist.
    package static func mode(_ path: String) -> UInt32? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return UInt32(info.st_mode) & 0o7777
    }

    /// `mkdir -p` with the given mode for directories it creates.
    package static func makeDirectories(_ path: String, mode: mode_t = 0o755) throws {
        if isDirectory(path) { return }
        let parent = Path.parent(path)
        if parent != path { try makeDirectories(parent, mode: mode) }
        if mkdir(path, mode) != 0 && errno != EEXIST {
            throw SecrError.failure("cannot create directory \(path): \(errorText())")
        }
    }

    /// Writes `bytes` to `path` so that readers see either the old file or the whole new one:
    /// a temporary file beside it, fsync, rename, fsync of the directory.
    /// `durable: false` skips both fsyncs, for a file whose loss or truncation in a crash costs
    /// only time (the verification cache, which authenticates itself and is ignored when it
    /// does not open): the rename still replaces the file whole for every other reader.
    /// `temporaryPrefix` names the temporary file as another tool expects (see `writeTemporary`).
    package static func writeAtomically(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o644, durable: Bool = true,
                                        temporaryPrefix: String? = nil) throws {
        let temporary = try writeTemporary(for: path, bytes, mode: mode, durable: durable, prefix: temporaryPrefix)
        guard Glibc.rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw SecrError.failure("cannot replace \(path): \(errorText(code))")
        }
        if durable { syncDirectory(Path.parent(path)) }
    }

    /// The prefix of the temporary files secr writes beside `path` (`.NAME.tmp-`), and so the
    /// mark by which `removeStaleTemporaries` knows one that a killed writer left.
    static let temporaryMark = ".tmp-"

    /// Writes `bytes` to a new temporary file beside `path` (`.NAME.tmp-PID-HEX`, or
    /// `PREFIXPID-HEX` with `prefix`: git's `tmp_obj_`, which `git gc` clears), synced to disk,
    /// and returns its path; the caller renames it into place or removes it. Nothing is left
    /// behind when writing fails (a full disk, say).
    package static func writeTemporary(for path: String, _ bytes: [UInt8], mode: mode_t = 0o644, durable: Bool = true,
                                       prefix: String? = nil) throws -> String {
        let (fd, temporary) = try openTemporary(for: path, bytes, mode: mode, prefix: prefix)
        defer { close(fd) }
        guard !durable || fsync(fd) == 0 else {
            let failure = SecrError.failure("cannot write \(path): fsync: \(errorText())")
            unlink(temporary)
            throw failure
        }
        return temporary
    }

    /// The temporary file of `writeTemporary`, written but not synced, still open.
    private static func openTemporary(for path: String, _ bytes: [UInt8], mode: mode_t, prefix: String?) throws -> (Int32, String) {
        let directory = Path.parent(path)
        let name = prefix ?? ".\(Path.lastComponent(path))\(temporaryMark)"
        let temporary = Path.join(directory, "\(name)\(getpid())-\(uniqueSuffix())")
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw SecrError.failure("cannot write \(path): \(errorText())") }
        do {
            // The umask may have narrowed `mode`; set it exactly.
            fchmod(fd, mode)
            try writeAll(fd, bytes, path: path)
            return (fd, temporary)
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
    }

    /// `writeAtomically` of a durable file, with the fsyncs and the rename left to `deferred`
    /// when it is on: the temporary file is created and written here (so a directory that
    /// cannot be written fails here), the rest on its thread. `notice` words a later failure.
    package static func writeAtomically(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o644, deferringTo deferred: DeferredSync,
                                        notice: @escaping @Sendable (String) -> String) throws {
        guard deferred.isEnabled else { return try writeAtomically(path, bytes, mode: mode) }
        let (fd, temporary) = try openTemporary(for: path, bytes, mode: mode, prefix: nil)
        deferred.submit(DeferredSync.Write(descriptor: fd, temporary: temporary, path: path, notice: notice))
    }

    /// Removes the temporary files of writers that were killed before renaming them into
    /// place (`.NAME.tmp-PID-HEX` in `directory`). Only safe under the lock of the directory's
    /// writers. Returns the names removed.
    @discardableResult
    package static func removeStaleTemporaries(in directory: String) -> [String] {
        list(directory).filter { name in
            name.hasPrefix(".") && name.contains(temporaryMark) && !isDirectory(Path.join(directory, name))
                && unlink(Path.join(directory, name)) == 0
        }
    }

    /// Makes `backup` another name of `path`'s file (a hard link, no copy), else a synced copy
    /// when links cannot cross to where `backup` is. False when `path` does not exist.
    package static func preserve(_ path: String, as backup: String) throws -> Bool {
        if link(path, backup) == 0 {
            syncDirectory(Path.parent(backup))
            return true
        }
        if errno == ENOENT { return false }
        guard let bytes = try readIfExists(path, followLinks: false) else { return false }
        let temporary = try writeTemporary(for: backup, bytes, mode: mode(path).map { mode_t($0) } ?? 0o644)
        try rename(temporary, to: backup)
        return true
    }

    /// Puts `from` in `to`'s place: a rename, or across filesystems (a backup kept in the clone
    /// state for a store elsewhere) an atomic write of its bytes, then `from` removed.
    package static func move(_ from: String, replacing to: String) throws {
        if Glibc.rename(from, to) == 0 {
            syncDirectory(Path.parent(to))
            return
        }
        guard errno == EXDEV, let bytes = try readIfExists(from, followLinks: false) else {
            throw SecrError.failure("cannot rename \(from) to \(to): \(errorText())")
        }
        try writeAtomically(to, bytes, mode: mode(from).map { mode_t($0) } ?? 0o644)
        try remove(from)
    }

    /// What identifies a file's content for a reader that wants to know whether it was
    /// replaced since: device, inode, size and modification time (an atomic write renames a
    /// new inode into place).
    package struct Fingerprint: Equatable, Sendable {
        let device: UInt64, inode: UInt64, size: Int64, modified: Int64

        init(_ info: stat) {
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
            size = Int64(info.st_size)
            modified = Int64(info.st_mtim.tv_sec) &* 1_000_000_000 &+ Int64(info.st_mtim.tv_nsec)
        }
    }

    /// `lstat` of `path`, nil when it does not exist.
    package static func linkStatus(_ path: String) -> stat? {
        var info = stat()
        return lstat(path, &info) == 0 ? info : nil
    }

    /// The file's fingerprint now, nil when it does not exist.
    package static func fingerprint(_ path: String) -> Fingerprint? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return Fingerprint(info)
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw SecrError.failure("cannot write \(path): \(errorText())")
            }
            offset += n
        }
    }

    static func syncDirectory(_ directory: String) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }

    package static func remove(_ path: String) throws {
        if unlink(path) != 0 && errno != ENOENT {
            throw SecrError.failure("cannot remove \(path): \(errorText())")
        }
    }

    /// Names in a directory (without `.` and `..`), sorted; empty when it does not exist.
    package static func list(_ directory: String) -> [String] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    package static func currentDirectory() throws -> String {
        guard let cwd = getcwd(nil, 0) else { throw SecrError.failure("cannot read the current directory: \(errorText())") }
        defer { free(cwd) }
        return String(cString: cwd)
    }

    /// The absolute, symlink-free form of an existing path.
    package static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

/// An exclusive advisory lock (flock) on a lock file, held until released or until the process
/// exits, so a killed writer never leaves a stale lock behind.
///
/// The file is opened for writing, so only someone who may write there can hold it: a user who
/// can merely read the store cannot freeze its writers. The wait is bounded; then the error
/// names the process that holds the lock (its pid is written into the file).
package final class FileLock {
    private var fd: Int32

    /// Seconds to wait for a lock: `$SECR_LOCK_TIMEOUT`, else 10.
    package static var defaultTimeout: Double {
        Environment.nonEmpty("SECR_LOCK_TIMEOUT").flatMap(Double.init).map { max(0, $0) } ?? 10
    }

    package init(_ path: String, what: String, timeout: Double = FileLock.defaultTimeout) throws {
        try FileSystem.makeDirectories(Path.parent(path), mode: 0o700)
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SecrError.failure("cannot lock \(what): cannot open \(path): \(FileSystem.errorText())") }
        var waited = 0.0
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            if code == EINTR { continue }
            guard code == EWOULDBLOCK, waited < timeout else {
                let holder = FileLock.holder(fd)
                close(fd)
                fd = -1
                if code == EWOULDBLOCK {
                    throw SecrError.failure("\(what) is locked by \(holder.map { "pid \($0)" } ?? "another process") (another secr command is writing); waited \(Int(timeout)) s. Try again when it has finished, or raise $SECR_LOCK_TIMEOUT")
                }
                throw SecrError.failure("cannot lock \(what): \(FileSystem.errorText(code))")
            }
            usleep(50_000)
            waited += 0.05
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    private static func holder(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 31, 0) }
        guard n > 0 else { return nil }
        return Int32(String(decoding: buffer.prefix(n), as: UTF8.self).split(separator: "\n").first ?? "")
    }

    package func release() {
        if fd >= 0 {
            close(fd)
            fd = -1
        }
    }

    deinit { release() }
}

/// Plain string path helpers (POSIX paths only).
package enum Path {
    package static func join(_ a: String, _ b: String) -> String {
        if b.hasPrefix("/") { return b }
        if a.isEmpty { return b }
        return a.hasSuffix("/") ? a + b : a + "/" + b
    }

    package static func parent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    package static func lastComponent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    package static func absolute(_ path: String, from base: String) -> String {
        path.hasPrefix("/") ? path : join(base, path)
    }

    /// `path` relative to `root`, when it lies below it.
    package static func relative(_ path: String, to root: String) -> String? {
        let prefix = root.hasSuffix("/") ? root : root + "/"
        guard path.hasPrefix(prefix) else { return nil }
        return String(path.dropFirst(prefix.count))
    }
}

/// Process environment access.
package enum Environment {
    package static func get(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        return String(cString: value)
    }

    /// Set and non-empty.
    package static func nonEmpty(_ name: String) -> String? {
        guard let value = get(name), !value.isEmpty else { return nil }
        return value
    }
}

extension FileSystem {
    package static func rename(_ from: String, to: String) throws {
        guard Glibc.rename(from, to) == 0 else {
            throw SecrError.failure("cannot rename \(from) to \(to): \(errorText())")
        }
        syncDirectory(Path.parent(to))
    }

    /// Removes a directory and everything below it (no symlinks followed); absent is fine.
    package static func removeTree(_ path: String) throws {
        guard !isSymbolicLink(path) else { return try remove(path) }
        guard isDirectory(path) else { return try remove(path) }
        for name in list(path) { try removeTree(Path.join(path, name)) }
        try removeDirectory(path)
    }

    package static func removeDirectory(_ path: String) throws {
        if rmdir(path) != 0 && errno != ENOENT {
            throw SecrError.failure("cannot remove directory \(path): \(errorText())")
        }
    }
}

extension FileSystem {
    /// Overwrites an existing file in place (no rename), for wiping before unlinking.
    package static func writeAll(path: String, _ bytes: [UInt8]) throws {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SecrError.failure("cannot open \(path): \(errorText())") }
        defer { close(fd) }
        try writeAll(fd, bytes, path: path)
        fsync(fd)
    }
}

extension FileSystem {
    /// Twelve random hex digits for a temporary file's name (not a secret: it only has to differ).
    static func uniqueSuffix() -> String {
        var value: UInt64 = 0
        if getrandom(&value, MemoryLayout<UInt64>.size, 0) != MemoryLayout<UInt64>.size {
            value = UInt64(UInt32(truncatingIfNeeded: getpid())) << 32 ^ UInt64(UInt(bitPattern: time(nil)))
        }
        let hex = String(value & 0xffff_ffff_ffff, radix: 16)
        return String(repeating: "0", count: 12 - hex.count) + hex
    }
}
