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
        clone. NAME defaults to your login name; the project name defaults to the repository's
        directory.
        """,
    options: [InitOptions.name.spec, InitOptions.project.spec]
) { parsed in
    let context = Context(parsed)
    let location = try context.location()
    guard let root = location.repositoryRoot else {
        throw SecrError(.failure, "\(location.directory) is not inside a git work tree; run `git init` first (nothing was changed)")
    }
    let identity = try context.identity()
    let owner = context.value(InitOptions.name) ?? defaultMemberName()
    let project = context.value(InitOptions.project) ?? defaultProjectName(root: root)
    let outcome = try StoreWriter.initialise(location, owner: owner, projectName: project, identity: identity,
                                             options: try context.writeOptions)
    outcome.notes.forEach(context.console.note)
    let repository = try GitRepository(at: root)
    try GitDrivers.install(in: repository)
    try PreCommitHook.install(in: repository)
    context.console.note("""
        created \(location.display(location.directory)) for project \(project); you are \(owner) (owner)
          next: secr set KEY=VALUE -e development
                secr member add NAME secr1… --role developer
        """)
    return 0
}

/// The login name, lower-cased and reduced to the characters member names allow.
func defaultMemberName() -> String {
    let login = (Environment.nonEmpty("USER") ?? Environment.nonEmpty("LOGNAME") ?? "").lowercased()
    let allowed = String(login.filter { ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "-" || $0 == "_" }.prefix(64))
    guard let first = allowed.first, first != "-", first != "_" else { return "owner" }
    return allowed
}

/// The repository directory's name with anything a project name may not contain replaced by '-'.
func defaultProjectName(root: String) -> String {
    let name = String(Path.lastComponent(root).unicodeScalars.map { $0.value > 0x20 && $0.value < 0x7f ? Character($0) : "-" }.prefix(64))
    return name.isEmpty ? "project" : name
}
