import Glibc
import SecrCLI
import SecrCore

enum InitOptions {
    static let name = Option<String>("--name", value: "NAME", help: "your member name (lower case)")
    static let project = Option<String>("--project", value: "NAME", help: "the project's name")
}

let initCommand = CommandSpec(
    "init", summary: "create the store in this git repository, with you as owner",
    details: """
        Creates .secr/ with the signed roster (you as owner, member NAME), the environments
        development, staging and production, adds `*.secr diff=secr merge=secr` to
        .gitattributes and plaintext .env files to .gitignore, and commits only those paths.
        It also registers the git diff and merge drivers and installs the pre-commit hook in this
        clone. NAME defaults to your login name ($USER), else the first word of git's user.name,
        else your git e-mail's local part; the project name defaults to the repository's directory.
        It warns when git already tracks plaintext .env files.
        """,
    options: [InitOptions.name.spec, InitOptions.project.spec]
) { parsed in
    let context = Context(parsed)
    let location = try context.location()
    guard let root = location.repositoryRoot else {
        throw SecrError(.failure, "\(location.directory) is not inside a git work tree; run `git init` first (nothing was changed)")
    }
    let identity = try context.identity()
    let owner = try context.value(InitOptions.name) ?? defaultMemberName(repository: try GitRepository(at: root))
    let project = context.value(InitOptions.project) ?? defaultProjectName(root: root)
    let outcome = try StoreWriter.initialise(location, owner: owner, projectName: project, identity: identity,
                                             options: try context.writeOptions)
    outcome.notes.forEach(context.console.note)
    let repository = try GitRepository(at: root)
    try GitDrivers.install(in: repository)
    try PreCommitHook.install(in: repository)
    let tracked = (try? repository.trackedFiles())?.filter(PlaintextEnvFile.matches) ?? []
    if !tracked.isEmpty {
        let list = tracked.prefix(5).joined(separator: ", ") + (tracked.count > 5 ? ", …" : "")
        context.console.warning("""
            git already tracks plaintext env files: \(list). .gitignore does not untrack them, and their \
            values are in git history. Import them (`secr import FILE -e ENV`), stop tracking them \
            (`git rm --cached FILE`), and rotate every value that was ever committed.
            """)
    }
    context.console.note("""
        created \(location.display(location.directory)) for project \(project); you are \(owner) (owner)
          next: secr set KEY=VALUE -e development
                secr member add NAME secr1… --role developer
        """)
    return 0
}

/// The first usable of: the login name ($USER, $LOGNAME), git's user.name (its first word),
/// the local part of git's user.email, the account name; lower-cased and reduced to the
/// characters member names allow. "owner" only when none gives a name.
func defaultMemberName(repository: GitRepository?) -> String {
    func usable(_ text: String?) -> String? {
        guard let text else { return nil }
        let reduced = String(text.lowercased().filter { ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "-" || $0 == "_" }.prefix(64))
        guard let first = reduced.first, first != "-", first != "_" else { return nil }
        return reduced
    }
    let gitName = repository?.configValue("user.name")?.split(separator: " ").first.map(String.init)
    let gitEmail = repository?.configValue("user.email")?.split(separator: "@").first.map(String.init)
    let account = getpwuid(getuid()).flatMap { $0.pointee.pw_name.map { String(cString: $0) } }
    return usable(Environment.nonEmpty("USER")) ?? usable(Environment.nonEmpty("LOGNAME")) ?? usable(gitName)
        ?? usable(gitEmail) ?? usable(account) ?? "owner"
}

/// The repository directory's name with anything a project name may not contain replaced by '-'.
func defaultProjectName(root: String) -> String {
    let name = String(Path.lastComponent(root).unicodeScalars.map { $0.value > 0x20 && $0.value < 0x7f ? Character($0) : "-" }.prefix(64))
    return name.isEmpty ? "project" : name
}
