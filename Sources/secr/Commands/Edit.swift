import Glibc
import SecrCLI
import SecrCore

let editCommand = CommandSpec(
    "edit", summary: "edit an environment as dotenv text in your editor",
    details: """
        Opens $SECR_EDITOR, $VISUAL or $EDITOR (else vi) on the environment's values as dotenv
        text, in a private directory (mode 0700) on a memory-backed filesystem (/dev/shm) where
        there is one. On save, only what changed is applied — new and changed keys are set,
        deleted lines are unset — in one commit; unchanged keys keep their exact ciphertext.
        A parse error shows the line and, on a terminal, offers to edit again or abort. The
        temporary file is removed in every case, including Ctrl-C and termination; one left by
        a run that was killed outright (SIGKILL, power loss) is removed by the next `secr edit`.
        secr makes itself undumpable and turns core dumps off for itself and the editor, and
        the editor's environment has no $SECR_IDENTITY* or other secr credentials.
        Needs read and write access to the environment.
        """
) { parsed in
    let context = Context(parsed)
    // This process will hold every value of the environment in plaintext.
    ProcessHardening.disableCoreDumps()
    EditSession.removeStale()
    let environment = context.environment
    let store = try context.store()
    let identity = try context.identity()
    guard let member = store.member(for: identity) else {
        throw SecrError.notAMember(identity.publicKey)
    }
    try store.state.require(.readWrite, of: member, in: environment, to: "edit (it needs read and write; `secr set` needs write only)")
    let original = try store.values(in: environment, identity: identity)
    let file = try store.environment(environment)
    var versions: [String: Int?] = [:]
    for key in file.keyNames { versions[key] = try? store.version(of: key, in: environment) }

    let session = try EditSession()
    defer { session.remove() }
    var text = Array("""
        # secr edit: \(environment) of \(store.state.projectName). Save and quit to apply; delete a line to unset
        # its key. dotenv syntax (python-dotenv rules); nothing is expanded. Empty this file to unset everything.

        """.utf8) + SecretFormat.dotenv.render(original)
    try session.write(text)
    wipe(&text)

    while true {
        try session.runEditor()
        var edited = try session.read()
        defer { wipe(&edited) }
        do {
            let parsed = try DotenvParser.parse(edited, file: "the edited text")
            parsed.warnings.forEach(context.console.warning)
            for entry in parsed.entries { try SecretValue.validate(entry.value, key: entry.key) }
            let plan = EditPlan(original: original, edited: parsed.entries)
            guard !plan.isEmpty else {
                context.console.note("no changes to \(environment)")
                return 0
            }
            let expected = Dictionary((plan.changes.map(\.key) + plan.removals).map { ($0, versions[$0] ?? nil) }, uniquingKeysWith: { $1 })
            let change = try context.mutate {
                try $0.apply(set: plan.changes, unset: plan.removals, in: environment, action: .edit, expectedVersions: expected)
            }
            context.console.note(change.subject)
            return 0
        } catch let error as SecrError where error.kind == .failure && SecretInput.standardInputIsTerminal {
            context.console.error(error.message)
            guard try SecretInput.confirm("(e)dit again or (a)bort? ", yes: "e") else {
                context.console.note("aborted; nothing was changed")
                return 1
            }
        }
    }
}

/// The private temporary file of one `secr edit`, and the editor run on it.
final class EditSession {
    let directory: String
    let path: String

    static var bases: [String] {
        var bases: [String] = []
        if FileSystem.isDirectory("/dev/shm") && access("/dev/shm", W_OK) == 0 { bases.append("/dev/shm") }
        bases.append(Environment.nonEmpty("TMPDIR") ?? "/tmp")
        return bases
    }

    /// Removes the private directories of earlier `secr edit` runs of this user whose process is
    /// gone (killed before it could clean up), wiping the plaintext first. Directory names carry
    /// the pid: `secr-edit-PID-XXXXXX`.
    static func removeStale() {
        for base in bases {
            for name in FileSystem.list(base) where name.hasPrefix("secr-edit-") {
                let parts = name.split(separator: "-")
                guard parts.count == 4, let pid = Int32(parts[2]), pid != getpid() else { continue }
                let directory = base + "/" + name
                var info = stat()
                guard lstat(directory, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR, info.st_uid == getuid() else { continue }
                guard kill(pid, 0) != 0 && errno == ESRCH else { continue }
                for file in FileSystem.list(directory) { wipeAndRemove(directory + "/" + file) }
                rmdir(directory)
            }
        }
    }

    static func wipeAndRemove(_ path: String) {
        if let bytes = try? FileSystem.readIfExists(path, followLinks: false) {
            // Overwrite before unlinking: the plaintext should not linger in freed pages.
            var zeros = [UInt8](repeating: 0, count: bytes.count)
            try? FileSystem.writeAll(path: path, zeros)
            wipe(&zeros)
        }
        unlink(path)
    }

    init() throws {
        let base = EditSession.bases[0]
        var template = Array("\(base)/secr-edit-\(getpid())-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw SecrError(.failure, "cannot create a private temporary directory in \(base): \(String(cString: strerror(errno)))")
        }
        directory = String(cString: made)
        chmod(directory, 0o700)
        path = directory + "/secrets.env"
        EditSession.register(path: path, directory: directory)
    }

    func write(_ bytes: [UInt8]) throws { try FileSystem.writeAtomically(path, bytes, mode: 0o600) }

    func read() throws -> [UInt8] { try FileSystem.readIfExists(path) ?? [] }

    func remove() {
        EditSession.wipeAndRemove(path)
        for name in FileSystem.list(directory) { EditSession.wipeAndRemove(directory + "/" + name) }
        rmdir(directory)
        EditSession.register(path: nil, directory: nil)
    }

    /// Runs the editor through the shell (so `EDITOR="code --wait"` works) and waits for it.
    /// secr ignores Ctrl-C meanwhile; the editor gets it, and secr cleans up afterwards.
    func runEditor() throws {
        let editor = Environment.nonEmpty("SECR_EDITOR") ?? Environment.nonEmpty("VISUAL") ?? Environment.nonEmpty("EDITOR") ?? "vi"
        let arguments = ["/bin/sh", "-c", editor + " \"$1\"", "sh", path]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let previousInterrupt = signal(SIGINT, SIG_IGN), previousQuit = signal(SIGQUIT, SIG_IGN)
        defer {
            signal(SIGINT, previousInterrupt)
            signal(SIGQUIT, previousQuit)
        }
        // The editor gets the plaintext of one environment, not the key to every environment.
        var inherited: [UnsafeMutablePointer<CChar>?] = []
        var entry = environ
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            let name = text.prefix { $0 != "=" }
            if !(credentialVariables.contains(String(name)) || name.hasPrefix("SECR_IDENTITY") || name == "SECR_TOKEN") { inherited.append(strdup(text)) }
            entry += 1
        }
        inherited.append(nil)
        defer { inherited.forEach { free($0) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, "/bin/sh", nil, nil, &argv, &inherited)
        guard spawned == 0 else { throw SecrError(.failure, "cannot start the editor (\(editor)): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exited = (status & 0x7f) == 0, code = (status >> 8) & 0xff
        guard exited && code == 0 else {
            throw SecrError(.failure, "the editor (\(editor)) \(exited ? "exited with status \(code)" : "was killed"); nothing was changed")
        }
    }

    // Signal handlers may only touch these C strings; they are set while a session exists.
    nonisolated(unsafe) private static var cleanupPath: UnsafeMutablePointer<CChar>?
    nonisolated(unsafe) private static var cleanupDirectory: UnsafeMutablePointer<CChar>?

    private static func register(path: String?, directory: String?) {
        free(cleanupPath)
        free(cleanupDirectory)
        cleanupPath = path.map { strdup($0) }
        cleanupDirectory = directory.map { strdup($0) }
        let handler: @convention(c) (Int32) -> Void = { signal in
            if let file = EditSession.cleanupPath { unlink(file) }
            if let directory = EditSession.cleanupDirectory { rmdir(directory) }
            _exit(128 + signal)
        }
        for number in [SIGTERM, SIGHUP] { Glibc.signal(number, path == nil ? SIG_DFL : handler) }
        // A parent may have started secr with these blocked (threads of many runtimes block
        // signals, and children inherit the mask); a blocked signal would never clean up.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGHUP)
        sigprocmask(SIG_UNBLOCK, &set, nil)
    }
}
