/// What makes secr work with git in one clone: the diff and merge drivers in the repository's
/// config, and the pre-commit hook. A plain `git clone` has neither (git never copies config or
/// hooks), so a teammate's merges conflict on raw ciphertext and their commits are not scanned
/// until they run `secr setup` once.
package enum CloneSetup {
    package struct Status: Sendable {
        package let drivers: Bool
        package let hook: Bool
        /// Whether the repository's attributes route `.secr` files to the drivers (a commit that
        /// tidies `.gitattributes` turns them off in every clone).
        package var attributes = true
        package var isComplete: Bool { drivers && hook && attributes }
    }

    /// The attribute lines the drivers need, in the work tree's `.gitattributes` or the git
    /// directory's `info/attributes`.
    static func hasAttributes(workTree: String, git: GitDirectory) -> Bool {
        let texts = [Path.join(workTree, ".gitattributes"), Path.join(git.common, "info/attributes")].compactMap {
            (try? FileSystem.readIfExists($0)).flatMap { $0 }.map { String(decoding: $0, as: UTF8.self) }
        }
        let present = Set(texts.flatMap { $0.textLines().map { String($0.trimmingSpaces()) } })
        return StoreInitializer.attributesLines.prefix(2).allSatisfy(present.contains)
    }

    /// Read from the config file and hooks directory without libgit2, so commands on the read
    /// path can check it for free. nil outside a git work tree.
    package static func status(workTree: String) -> Status? {
        guard let git = GitDirectory.find(workTree: workTree) else { return nil }
        let config = (try? FileSystem.readIfExists(Path.join(git.common, "config"))).flatMap { $0 }.map { String(decoding: $0, as: UTF8.self) } ?? ""
        var section = "", merge = false, diff = false, hooksPath: String?
        for raw in config.textLines() {
            let line = raw.trimmingSpaces()
            if line.hasPrefix("[") {
                section = String(line).lowercased().replacingOccurrences(of: " ", with: "")
                continue
            }
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingSpaces() }
            guard parts.count == 2 else { continue }
            let key = parts[0].lowercased()
            if section == "[merge\"secr\"]" && key == "driver" { merge = true }
            if section == "[diff\"secr\"]" && key == "textconv" { diff = true }
            if section == "[core]" && key == "hookspath" { hooksPath = String(parts[1]) }
        }
        let hooks = hooksPath.map { Path.absolute($0, from: workTree) } ?? Path.join(git.common, "hooks")
        let script = (try? FileSystem.readIfExists(Path.join(hooks, "pre-commit"))).flatMap { $0 }.map { String(decoding: $0, as: UTF8.self) } ?? ""
        var status = Status(drivers: merge && diff, hook: script.contains(PreCommitHook.marker))
        if FileSystem.exists(Path.join(workTree, ".secr")) { status.attributes = hasAttributes(workTree: workTree, git: git) }
        return status
    }

    /// Registers the drivers and installs the hook; says what it did. Running it again changes
    /// nothing.
    package static func install(in repository: GitRepository) throws -> [String] {
        let had = status(workTree: repository.workdir)
        try GitDrivers.install(in: repository)
        let hook = try PreCommitHook.install(in: repository)
        var said = [had?.drivers == true ? "the diff and merge drivers are registered already" : "registered the diff and merge drivers in this clone's git config",
                    hook]
        if had?.attributes == false,
           try StoreInitializer.ensureLines(StoreInitializer.attributesLines, in: Path.join(repository.workdir, ".gitattributes"),
                                            comment: "# secr: review and merge environment files with secr") {
            said.append("restored the lines in .gitattributes that send .secr files to secr's drivers; commit .gitattributes")
        }
        return said
    }

    /// The notice for a clone that lacks the drivers or the hook, said once by every secr
    /// command run there (on stderr) until `secr setup` is run; not on CI machines (`$CI` set),
    /// which check out, read and never merge. Reads never change git's config themselves: a
    /// command that only reads should not rewrite which programs git runs.
    package static func notice(for location: StoreLocation) -> String? {
        if let ci = Environment.nonEmpty("CI"), ci != "0", ci.lowercased() != "false" { return nil }
        guard let root = location.repositoryRoot, let status = status(workTree: root), !status.isComplete else { return nil }
        let missing = [status.drivers ? nil : "no merge and diff drivers (a merge of .secr files conflicts on ciphertext)",
                       status.hook ? nil : "no pre-commit hook (nothing stops a plaintext .env being committed)",
                       status.attributes ? nil : "no .gitattributes lines sending .secr files to the drivers (someone removed them; merges of .secr files run as text)"].compactMap { $0 }
        return "this clone is not set up for secr: \(missing.joined(separator: ", and ")); run `secr setup` once in it"
    }
}
