/// `secr init`: a new store with the genesis, the three standard environments, and the git
/// attributes and ignore rules that go with it.
package enum StoreInitializer {
    static let attributesLines = ["*.secr diff=secr merge=secr", ".secr/roster merge=secr", ".secr/** linguist-generated"]
    static let ignoreLines = [".env", ".env.*", "!.env.example", "!.env.sample", "!.env.template"]

    /// Creates the store and returns what was written. The store directory appears whole or not
    /// at all: it is built beside its final place and renamed into it.
    package static func create(location: StoreLocation, owner: String, projectName: String, identity: Identity,
                              time: Timestamp = .now(), random: RandomSource = SystemRandom()) throws -> ChangeSummary {
        try Names.check(owner, "member")
        guard projectName.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f }), !projectName.isEmpty, projectName.count <= 64 else {
            throw SecrError.usage("'\(projectName.prefix(80))' is not a valid project name: use 1 to 64 printable characters without spaces")
        }
        guard !FileSystem.exists(location.directory) else {
            throw SecrError.failure("a store exists already at \(location.display(location.directory)); nothing was changed (use `secr member list` to see it)")
        }
        let (roster, files) = try contents(projectName: projectName, owner: owner, identity: identity, time: time, random: random)

        let parent = Path.parent(location.directory)
        // An init killed before its rename left its staging directory; under the store lock no
        // other init is building one.
        for name in FileSystem.list(parent) where name.hasPrefix(".\(Path.lastComponent(location.directory)).init-") {
            try? FileSystem.removeTree(Path.join(parent, name))
        }
        let staging = Path.join(parent, ".\(Path.lastComponent(location.directory)).init-\(Sodium.hex(random.bytes(6)))")
        try FileSystem.makeDirectories(Path.join(staging, "env"))
        do {
            for (relative, text) in files {
                try FileSystem.writeAtomically(Path.join(staging, relative), Array(text.utf8))
            }
            try FileSystem.rename(staging, to: location.directory)
        } catch {
            for (relative, _) in files { try? FileSystem.remove(Path.join(staging, relative)) }
            try? FileSystem.removeDirectory(Path.join(staging, "env"))
            try? FileSystem.removeDirectory(staging)
            throw error
        }
        try? CloneState.of(location).savePin(CloneState.Pin(root: roster.rootHash, seq: roster.count - 1, head: roster.headHash))
        var paths = files.map { Path.join(location.directory, $0.0) }
        if let root = location.repositoryRoot {
            let attributes = Path.join(root, ".gitattributes")
            if try ensureLines(attributesLines, in: attributes, comment: "# secr: review and merge environment files with secr") {
                paths.append(attributes)
            }
            let ignore = Path.join(root, ".gitignore")
            if try ensureLines(ignoreLines, in: ignore, comment: "# secr: plaintext env files stay out of git (templates may be committed)") {
                paths.append(ignore)
            }
        }
        return ChangeSummary(action: ChangeAction.`init`, environment: nil, keys: [],
                             subject: "initialise store with \(Role.standardAccess.map(\.environment).joined(separator: ", "))",
                             paths: paths)
    }

    /// The store's files, relative to the store directory.
    static func contents(projectName: String, owner: String, identity: Identity, time: Timestamp,
                         random: RandomSource) throws -> (Roster, [(String, String)]) {
        var roster = try Roster.create(projectName: projectName, owner: owner, identity: identity, time: time, random: random)
        var files: [(String, String)] = []
        for (environment, access) in Role.standardAccess {
            try roster.append(.addEnvironment(name: environment, access: access), identity: identity, time: time)
            let (file, key) = try EnvironmentFile.create(
                name: environment, file: ".secr/env/\(environment).secr", project: roster.state.projectID,
                readers: roster.state.readers(of: environment), identity: identity, time: time, random: random)
            try roster.append(.environmentKey(name: environment, generation: 1, publicKey: key.publicKey,
                                              readers: roster.state.readerSetHash(of: environment)),
                              identity: identity, time: time)
            files.append(("env/\(environment).secr", file.text))
        }
        return (roster, [("roster", roster.text)] + files)
    }

    /// Appends the lines of `wanted` that `path` lacks; true when the file changed.
    static func ensureLines(_ wanted: [String], in path: String, comment: String) throws -> Bool {
        let existing = try FileSystem.readIfExists(path).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let present = Set(existing.textLines().map { String($0.trimmingSpaces()) })
        let missing = wanted.filter { !present.contains($0) }
        guard !missing.isEmpty else { return false }
        // A file written on Windows keeps its CRLF line ends (`"\r\n"` is one Character).
        let end = existing.contains("\r\n") ? "\r\n" : "\n"
        var text = existing
        if !text.isEmpty && !(text.hasSuffix("\n") || text.hasSuffix("\r\n")) { text += end }
        if !text.isEmpty { text += end }
        text += ([comment] + missing).joined(separator: end) + end
        try FileSystem.writeAtomically(path, Array(text.utf8), mode: 0o644)
        return true
    }
}
