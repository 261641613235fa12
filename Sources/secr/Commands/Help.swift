import SecrCLI
import SecrCore

let helpCommand = CommandSpec(
    "help", summary: "explain secr or one of its commands",
    arguments: [ArgumentSpec("COMMAND", optional: true, repeating: true, completion: .command)]
) { parsed in
    let context = Context(parsed)
    var path: [String] = []
    for name in context.positionals {
        guard let node = secrCLI.node(path), let child = node.child(name) else {
            let names = (secrCLI.node(path)?.children ?? []).filter { !$0.hidden }.map(\.name)
            throw UsageError("\(Suggestions.quoted(name)) is not \(path.isEmpty ? "a secr command" : "a subcommand of `secr \(path.joined(separator: " "))`")",
                             hint: Suggestions.didYouMean(name, among: names) ?? "run `secr --help` for the list")
        }
        _ = child
        path.append(name)
    }
    context.console.outBytes(Array(secrCLI.help(path).utf8))
    return 0
}

let completionCommand = CommandSpec(
    "completion", summary: "print a shell completion script (bash, zsh or fish)",
    details: """
        Completes commands, subcommands, options and their fixed values, and asks secr for the
        names of environments, keys, roles and members (names only, never values). Install:
          bash: secr completion bash > ~/.local/share/bash-completion/completions/secr
          zsh:  secr completion zsh > "${fpath[1]}/_secr"
          fish: secr completion fish > ~/.config/fish/completions/secr.fish
        `scripts/install` puts all three in place.
        """,
    arguments: [ArgumentSpec("SHELL", completion: .choices(Shell.allCases.map(\.rawValue)))]
) { parsed in
    let context = Context(parsed)
    guard let shell = Shell.parse(context.positionals[0]) else {
        throw context.usage("\(Suggestions.quoted(context.positionals[0])) is not a shell secr completes", hint: "give bash, zsh or fish")
    }
    context.console.outBytes(Array(secrCLI.completionScript(for: shell).utf8))
    return 0
}

/// Names for completion scripts. Quiet on any failure: completion must never print errors.
let completeCommand = CommandSpec(
    "__complete", summary: "names for shell completion",
    arguments: [ArgumentSpec("KIND")], hidden: true
) { parsed in
    let context = Context(parsed)
    guard let store = try? Store(location: try context.location(), expected: try context.expectation()) else { return 0 }
    let names: [String]
    switch context.positionals[0] {
    case "environment": names = store.state.environments
    case "role": names = store.state.roles.keys.sorted()
    case "member": names = store.state.members.keys.sorted()
    case "key": names = (try? store.keyNames(in: context.environment)) ?? []
    default: names = []
    }
    context.console.outBytes(Array(names.map { $0 + "\n" }.joined().utf8))
    return 0
}

let manCommand = CommandSpec(
    "man", summary: "print the man page (roff) generated from the command declarations", hidden: true
) { parsed in
    let page = secrCLI.manPage(
        version: version, date: "2026-12-01",
        description: """
            secr keeps an application's secrets inside its git repository, encrypted per environment
            (development, staging, production, and any others) and readable only by the members whose
            role allows it. There is no server: git is the transport, the review tool and the audit log,
            and cryptography, not trust in whoever can push, decides who may read and who may write.
            """,
        sections: [
            ("Exit status", "0 ok, 1 error (I/O, git, bad input), 2 usage, 3 access denied, 4 integrity failure (bad signature, tampering, rollback), 5 leak found by a scan; secr run: 126 not executable, 127 not found."),
            ("Environment", "SECR_ENV, SECR_IDENTITY, SECR_TOKEN, SECR_IDENTITY_FILE, SECR_STORE, SECR_ROSTER_ROOT, SECR_ROSTER_HEAD, SECR_EDITOR, SECR_LOCK_TIMEOUT, NO_COLOR; GITHUB_ACTIONS=true turns on masking of values in the log (get, pull, run)."),
            ("Files", "~/.config/secr/identity (your identity, mode 0600); .secr/ (the store); <git common dir>/secr/ (what this clone has seen)."),
            ("See also", "git(1). The file format: docs/FORMAT.md; the threat model: docs/THREAT-MODEL.md."),
        ])
    Context(parsed).console.outBytes(Array(page.utf8))
    return 0
}
