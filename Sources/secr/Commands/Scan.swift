import SecrCLI
import SecrCore

enum ScanFormat: String, ChoiceValue { case text, json, sarif }

enum ScanOptions {
    static let staged = Flag("--staged", help: "scan the index (what the next commit adds)")
    static let history = Flag("--history", help: "scan commits (RANGE optional)")
    static let format = Option<ScanFormat>("--format", value: "FORMAT", help: "text (default), json or sarif")
    static let json = Flag("--json", help: "same as --format json")
    static let baseline = Flag("--baseline", help: "allowlist every current finding in .secr/allow")
    static let reason = Option<String>("--reason", value: "TEXT", help: "the reason recorded with --baseline entries")
    static let quiet = Flag("--quiet", "-q", help: "print nothing when nothing is found, not even notes (the hook uses it)")
}

let scanCommand = CommandSpec(
    "scan", summary: "find secrets about to be committed (the pre-commit hook), in history, or in files",
    details: """
        --staged scans exactly what the next commit contains: the index ($GIT_INDEX_FILE when git
        sets it, as for `git commit -a`), added and renamed content only. --history scans commits
        (all, or RANGE as A..B or A); PATH… scans files and directories.
        Layers: the values of this project's secrets you can decrypt, in their common encodings
        (values under 8 characters warn); plaintext .env files, key and keystore files, and store
        files that are not what secr writes; 108 provider credential formats with validators (test
        keys warn, publishable keys pass), private keys in any layout and URLs with passwords;
        credentials assigned to credential-named keys. README's scan section has the policy.
        Output never shows more than a few characters of a secret.
        Suppress deliberately: `secr:allow` on the line (not for secret values or .env files), or
        an entry in .secr/allow (rule, salted hash, path glob, reason). --baseline adds every
        current finding to .secr/allow (with --reason TEXT as the reason), to adopt secr in a
        repository with existing findings. The hook never writes these files.
        Exit 5 when anything blocks, 0 when clean or warnings only, 1 when the scan itself fails.
        """,
    arguments: [ArgumentSpec("PATH|RANGE", optional: true, repeating: true, completion: .file)],
    options: [ScanOptions.staged.spec, ScanOptions.history.spec, ScanOptions.format.spec, ScanOptions.json.spec,
              ScanOptions.baseline.spec, ScanOptions.reason.spec, ScanOptions.quiet.spec]
) { parsed in
    let context = Context(parsed)
    let format = context.has(ScanOptions.json) ? .json : context.value(ScanOptions.format) ?? .text
    let mode: LeakScan.Mode
    if context.has(ScanOptions.staged) {
        guard context.positionals.isEmpty, !context.has(ScanOptions.history) else { throw context.usage("--staged takes no paths") }
        mode = .staged
    } else if context.has(ScanOptions.history) {
        guard context.positionals.count <= 1 else { throw context.usage("--history takes at most one RANGE") }
        mode = .history(context.positionals.first)
    } else {
        guard !context.positionals.isEmpty else { throw context.usage("say what to scan: --staged, --history or PATH…") }
        mode = .paths(context.positionals)
    }
    do {
        let cwd = try FileSystem.currentDirectory()
        let location = (try? context.location()) ?? StoreLocation(directory: Path.join(cwd, ".secr"), repositoryRoot: nil)
        var allowlist = try Allowlist.load(location.allowlistPath)
        var identity: Identity?
        do {
            identity = try context.identity()
        } catch {
            // An identity that exists but cannot be opened here (a passphrase and no terminal, as
            // in a GUI git client) leaves the managed-value layer out: said even with --quiet.
            if location.exists, (try? IdentityLookup.locate(explicitFile: context.value(Global.identity))) != nil {
                context.console.warning("the values of this project's secrets were not checked: \((error as? SecrError)?.message ?? "\(error)"). Other layers ran. For git clients without a terminal, set SECR_PASSPHRASE_FILE in their environment")
            }
        }
        if let identity, location.exists { VerificationCache.shared.load(for: location, identity: identity) }
        let report = try LeakScan.run(mode, location: location, allowlist: allowlist, identity: identity,
                                      expected: try context.expectation())
        if context.has(ScanOptions.baseline) {
            let path = location.allowlistPath
            let reason = context.value(ScanOptions.reason) ?? "baseline: accepted when adopting secr scan on \(Timestamp.now().text.prefix(10))"
            // A value this project manages is never allowlisted: its salted hash beside the salt
            // would let anyone with the repository test guesses offline. Nor is anything else
            // found on the same line (a provider rule matching the same value).
            let managedLines = Set(report.findings.filter { $0.rule == "managed-value" }.map { "\($0.path):\($0.line ?? 0)" })
            let accepted = report.findings.filter { !managedLines.contains("\($0.path):\($0.line ?? 0)") }
            for finding in accepted { allowlist.add(finding, reason: reason) }
            try FileSystem.makeDirectories(location.directory)
            try FileSystem.writeAtomically(path, Array(allowlist.text.utf8))
            context.console.note("allowlisted \(accepted.count) finding\(accepted.count == 1 ? "" : "s") in \(location.display(path)); review the reasons and commit it")
            let refused = report.findings.count - accepted.count
            if refused > 0 {
                context.console.warning("not allowlisted: \(refused) finding\(refused == 1 ? " is" : "s are") on lines holding values of this project's secrets. Remove those values from the files and rotate them; a baseline never records them")
            }
            return refused > 0 ? 5 : 0
        }
        switch format {
        case .json: context.console.out(ScanOutput.json(report))
        case .sarif: context.console.out(ScanOutput.sarif(report))
        default: ScanOutput.text(report, staged: { if case .staged = mode { return true } else { return false } }(),
                                 quiet: context.has(ScanOptions.quiet), console: context.console)
        }
        return report.blocks ? 5 : 0
    } catch {
        context.console.error("the scan failed: \((error as? SecrError)?.message ?? "\(error)")")
        return 1
    }
}

enum ScanOutput {
    static func location(_ finding: ScanFinding) -> String {
        finding.path + (finding.line.map { ":\($0)" } ?? "") + (finding.commit.map { " (commit \($0.prefix(10)))" } ?? "")
    }

    static func text(_ report: ScanReport, staged: Bool, quiet: Bool, console: Console) {
        for finding in report.findings {
            let label = finding.severity == .block ? "BLOCK" : "WARN "
            console.out("\(label)  \(location(finding))  \(finding.rule): \(finding.title)  \(finding.preview)\n       fix: \(finding.fix)")
        }
        let blocking = report.findings.filter { $0.severity == .block }.count
        let warnings = report.findings.count - blocking
        if !quiet || !report.findings.isEmpty { for note in report.notes { console.note(note) } }
        if blocking > 0 {
            console.error("\(blocking) finding\(blocking == 1 ? "" : "s") block\(blocking == 1 ? "s" : "")\(staged ? " this commit" : "")\(warnings > 0 ? " (and \(warnings) warning\(warnings == 1 ? "" : "s"))" : ""). Fix them, or accept one deliberately with `secr:allow` on its line or an entry in .secr/allow.\(staged ? " To commit anyway: git commit --no-verify" : "")")
        } else if !quiet || warnings > 0 {
            console.note("scanned \(report.filesScanned) file\(report.filesScanned == 1 ? "" : "s"): \(warnings == 0 ? "no findings" : "\(warnings) warning\(warnings == 1 ? "" : "s"), nothing blocks")")
        }
    }

    static func json(_ report: ScanReport) -> String {
        let items = report.findings.map { finding in
            "  {\"path\": \(JSONText.string(finding.path)), \"line\": \(finding.line.map(String.init) ?? "null"), \"commit\": \(finding.commit.map(JSONText.string) ?? "null"), "
                + "\"rule\": \"\(finding.rule)\", \"title\": \(JSONText.string(finding.title)), \"severity\": \"\(finding.severity.rawValue)\", "
                + "\"preview\": \(JSONText.string(finding.preview)), \"fix\": \(JSONText.string(finding.fix)), \"hash\": \"\(finding.matchHash)\"}"
        }
        return "{\"blocked\": \(report.blocks), \"files\": \(report.filesScanned), \"notes\": [\(report.notes.map(JSONText.string).joined(separator: ", "))], \"findings\": [\n"
            + items.joined(separator: ",\n") + "\n]}"
    }

    /// SARIF 2.1.0, for code-scanning upload.
    static func sarif(_ report: ScanReport) -> String {
        var rules: [String: String] = [:]
        for finding in report.findings { rules[finding.rule] = rules[finding.rule] ?? finding.title }
        let ruleItems = rules.keys.sorted().map { "{\"id\": \"\($0)\", \"shortDescription\": {\"text\": \(JSONText.string(rules[$0] ?? $0))}}" }
        let results = report.findings.map { finding in
            let region = finding.line.map { ", \"region\": {\"startLine\": \($0)}" } ?? ""
            return "{\"ruleId\": \"\(finding.rule)\", \"level\": \"\(finding.severity == .block ? "error" : "warning")\", "
                + "\"message\": {\"text\": \(JSONText.string("\(finding.title) (\(finding.preview)). Fix: \(finding.fix)"))}, "
                + "\"locations\": [{\"physicalLocation\": {\"artifactLocation\": {\"uri\": \(JSONText.string(finding.path))}\(region)}}], "
                + "\"partialFingerprints\": {\"secrMatchHash/v1\": \"\(finding.matchHash)\"}}"
        }
        return "{\"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\", \"version\": \"2.1.0\", \"runs\": [{\"tool\": {\"driver\": "
            + "{\"name\": \"secr\", \"version\": \"\(version)\", \"rules\": [\(ruleItems.joined(separator: ", "))]}}, "
            + "\"results\": [\(results.joined(separator: ", "))]}]}"
    }
}
