/// One thing `secr doctor` found, with the command that fixes it.
package struct Finding: Sendable {
    package enum Severity: String, Sendable { case error, warning }
    /// What a finding is about, which decides where it may be shown.
    package enum Scope: String, Sendable {
        /// The project as committed: anyone with the repository can see it (or, for a
        /// never-promote key with one value in two environments, a same/different verdict).
        case project
        /// This clone or this user's machine (hooks, drivers, the identity file).
        case clone
        /// What a decrypted value looks like: only for the reader, never in a shared report.
        case values
    }
    package let severity: Severity
    package let check: String
    package let message: String
    package let fix: String
    package let scope: Scope
}

/// `secr doctor`: the ways teams get environments wrong, found in this project and clone.
package enum Doctor {
    package static func examine(location: StoreLocation, expected: RosterExpectation, identity: Identity?, identityFile: String?) throws -> [Finding] {
        let store = try Store(location: location, expected: expected)
        let state = store.state
        var findings: [Finding] = []
        func add(_ severity: Finding.Severity, _ check: String, _ message: String, _ fix: String, scope: Finding.Scope = .project) {
            findings.append(Finding(severity: severity, check: check, message: message, fix: fix, scope: scope))
        }
        let member = identity.flatMap { store.member(for: $0) }
        var readable: [String: [(key: String, value: SecretBytes)]] = [:]
        if let identity, let member {
            for environment in state.environments where state.permission(of: member, in: environment).contains(.read) {
                readable[environment] = try? store.values(in: environment, identity: identity)
            }
        }

        // Production credentials copied to laptops.
        for (environment, values) in readable.sorted(by: { $0.key < $1.key }) where !isProduction(environment) {
            for (key, value) in values {
                if let marker = LiveCredential.marker(in: value) {
                    add(.error, "live-credential", "\(environment)/\(key) looks like a live credential (\(marker)): production secrets do not belong in \(environment)",
                        "rotate it at the provider, then `secr set \(key) --stdin -e \(environment)` with a test or sandbox value", scope: .values)
                }
            }
        }
        // The same database (or signing key) for two environments.
        let environments = readable.keys.sorted()
        for (i, first) in environments.enumerated() {
            for second in environments.dropFirst(i + 1) {
                for (key, value) in readable[first] ?? [] where NeverPromote.match(key, in: state.neverPromote) != nil {
                    if let other = readable[second]?.first(where: { $0.key == key }), other.value.isEqual(to: value) {
                        add(.error, "shared-value", "\(key) has the same value in \(first) and \(second); it matches the never-promote policy, so each environment needs its own",
                            "`secr set \(key) --stdin -e \(isProduction(first) ? second : first)` with a value of its own")
                    }
                }
            }
        }
        // Release readiness and layout.
        if state.hasEnvironment("staging") && state.hasEnvironment("production") {
            let missing = Set(try store.keyNames(in: "staging")).subtracting(try store.keyNames(in: "production")).sorted()
            for key in missing {
                add(.warning, "missing-in-production", "\(key) is set in staging but not in production",
                    "`secr promote \(key) --from staging --to production`, or `secr set \(key) --stdin -e production`")
            }
        }
        // One lost key away from losing an environment or the roster.
        for environment in state.environments {
            let readers = state.readers(of: environment)
            if readers.count == 1, let only = readers.first {
                add(.warning, "single-reader", "only \(only.name) can read \(environment): if that one identity is lost, nobody can decrypt \(environment) or re-key it",
                    "give a second person a role that reads it (`secr member add NAME secr1… --role admin`), and back up \(only.name)'s identity file")
            }
        }
        let managers = state.members.values.filter { state.manageLevel(of: $0) > .none }
        if state.owners.count == 1, let owner = state.owners.first {
            add(.warning, "single-owner", managers.count == 1
                    ? "\(owner.name) is the only member who can manage the roster: if that identity is lost, nobody can add, remove or re-key members"
                    : "\(owner.name) is the only owner: if that identity is lost, nobody can add owners, define roles or remove environments",
                "appoint a second owner (`secr member set-role NAME owner`), and back up \(owner.name)'s identity file")
        }
        if !state.hasEnvironment("staging") {
            add(.warning, "no-staging", "there is no staging environment: changes go from development straight to production",
                "`secr env add staging --like development`")
        }
        // Integrity drift and exposures.
        let report = StoreVerifier.verify(location, expected: expected)
        for problem in report.problems {
            add(.error, "integrity", "\(problem.file): \(problem.message)", "`secr verify` for details; `secr rotate -e ENV` repairs reader lines")
        }
        for event in report.openExposures {
            add(.warning, "exposed", "\(event.exposure.environment)/\(event.exposure.key) (v\(event.exposure.version)) was readable by \(event.member), who lost access on \(event.time.text), and has not been rotated",
                "rotate it at its provider, then `secr set \(event.exposure.key) --stdin -e \(event.exposure.environment)`")
        }
        // This clone and this user.
        let identityPath = identityFile ?? Environment.nonEmpty("SECR_IDENTITY_FILE") ?? IdentityLookup.defaultPath
        if let mode = FileSystem.mode(identityPath), mode & 0o077 != 0 {
            add(.error, "identity-permissions", "your identity file \(identityPath) is accessible by group or others (mode \(String(mode, radix: 8)))",
                "`chmod 600 \(identityPath)`", scope: .clone)
        }
        if let root = location.repositoryRoot {
            let repository = try GitRepository(at: root)
            if !GitDrivers.installed(in: repository) {
                add(.warning, "git-drivers", "this clone has no secr diff and merge drivers: git diff shows ciphertext and merges of environment files conflict",
                    "`secr setup-git`", scope: .clone)
            }
            if case .installed = try PreCommitHook.status(in: repository) {} else {
                add(.warning, "pre-commit-hook", "this clone has no secr pre-commit hook: plaintext secrets and .env files can be committed unnoticed",
                    "`secr hooks install`", scope: .clone)
            }
            let tracked = try repository.trackedFiles()
            for path in tracked where PlaintextEnvFile.matches(path) {
                add(.error, "tracked-env-file", "\(path) is a plaintext env file tracked by git",
                    "`secr import \(path) -e ENV && git rm --cached \(path)`, then rotate what it exposed")
            }
            for hit in EnvironmentNameLogic.scan(root: root, paths: tracked) {
                add(.warning, "env-name-logic", "\(hit.path):\(hit.line) picks a secret by hard-coded environment name",
                    "read it from the environment instead (one name everywhere) and run the app with `secr run -e ENV -- …`")
            }
        }
        return findings
    }

    static func isProduction(_ environment: String) -> Bool { environment == "production" || environment == "prod" }
}

extension Finding {
    package var json: JSONValue {
        .object([("severity", .string(severity.rawValue)), ("check", .string(check)), ("message", .string(message)), ("fix", .string(fix)),
                 ("scope", .string(scope.rawValue))])
    }
}
