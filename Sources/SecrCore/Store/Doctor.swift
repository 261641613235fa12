/// One thing `secr doctor` found, with the command that fixes it.
public struct Finding: Sendable {
    public enum Severity: String, Sendable { case error, warning }
    public let severity: Severity
    public let check: String
    public let message: String
    public let fix: String
}

/// `secr doctor`: the ways teams get environments wrong, found in this project and clone.
public enum Doctor {
    public static func examine(location: StoreLocation, expected: RosterExpectation, identity: Identity?, identityFile: String?) throws -> [Finding] {
        let store = try Store(location: location, expected: expected)
        let state = store.state
        var findings: [Finding] = []
        func add(_ severity: Finding.Severity, _ check: String, _ message: String, _ fix: String) {
            findings.append(Finding(severity: severity, check: check, message: message, fix: fix))
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
                        "rotate it at the provider, then `secr set \(key) --stdin -e \(environment)` with a test or sandbox value")
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
                "`chmod 600 \(identityPath)`")
        }
        if let root = location.repositoryRoot {
            let repository = try GitRepository(at: root)
            if !GitDrivers.installed(in: repository) {
                add(.warning, "git-drivers", "this clone has no secr diff and merge drivers: git diff shows ciphertext and merges of environment files conflict",
                    "`secr setup-git`")
            }
            if case .installed = try PreCommitHook.status(in: repository) {} else {
                add(.warning, "pre-commit-hook", "this clone has no secr pre-commit hook: plaintext secrets and .env files can be committed unnoticed",
                    "`secr hooks install`")
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

/// Markers of live (production) credentials, as opposed to test or sandbox ones.
enum LiveCredential {
    static func marker(in value: SecretBytes) -> String? {
        let text = value.unsafeString()
        let markers: [(String, String)] = [("sk_live_", "Stripe live secret key"), ("rk_live_", "Stripe live restricted key"),
                                           ("access_token$production$", "Braintree production token"),
                                           ("sq0csp-", "Square production secret"), ("sq0atp-", "Square production token"),
                                           ("xoxb-", "Slack bot token"), ("xoxp-", "Slack user token")]
        if let hit = markers.first(where: { text.contains($0.0) }) { return hit.1 }
        let bytes = Array(text.utf8)
        for start in bytes.indices where bytes[start...].starts(with: "AKIA".utf8) || bytes[start...].starts(with: "ASIA".utf8) {
            let id = bytes[start..<min(start + 20, bytes.count)]
            if id.count == 20, id.allSatisfy({ ($0 >= 0x41 && $0 <= 0x5a) || ($0 >= 0x30 && $0 <= 0x39) }),
               !String(decoding: id, as: UTF8.self).contains("EXAMPLE") {
                return "AWS access key id"
            }
        }
        return nil
    }
}

/// Plaintext env files: `.env`, `.env.*`, `*.env`, `.envrc`, except templates.
public enum PlaintextEnvFile {
    public static func matches(_ path: String) -> Bool {
        let name = Path.lastComponent(path)
        if [".env.example", ".env.sample", ".env.template", ".env.dist"].contains(name) { return false }
        return name == ".env" || name == ".envrc" || name.hasPrefix(".env.") || name.hasSuffix(".env")
    }
}

/// Application code that chooses between secrets by environment name, such as
/// `NODE_ENV === "production" ? LIVE_KEY : TEST_KEY`: the anti-pattern secr replaces.
enum EnvironmentNameLogic {
    static let names = ["NODE_ENV", "RAILS_ENV", "RACK_ENV", "APP_ENV", "FLASK_ENV", "DJANGO_ENV", "ENVIRONMENT", "Rails.env.production?"]
    static let branches = ["?", "if ", "if(", "==", "case ", "when ", "switch"]
    static let secretWords = ["KEY", "SECRET", "TOKEN", "PASSWORD", "PASSWD", "_URL", "DSN", "CREDENTIAL"]
    static let codeSuffixes = [".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx", ".py", ".rb", ".go", ".php", ".java", ".kt", ".swift", ".cs", ".rs", ".ex", ".exs"]

    static func scan(root: String, paths: [String]) -> [(path: String, line: Int)] {
        var hits: [(String, Int)] = []
        for path in paths where codeSuffixes.contains(where: path.hasSuffix) && !path.contains("node_modules/") && !path.contains("vendor/") {
            guard let bytes = try? FileSystem.readIfExists(Path.join(root, path)), bytes.count < 1 << 20, !bytes.contains(0) else { continue }
            for (number, line) in String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                guard names.contains(where: line.contains), line.contains("prod"), branches.contains(where: line.contains) else { continue }
                let upper = line.uppercased()
                if secretWords.contains(where: upper.contains) { hits.append((path, number + 1)) }
            }
        }
        return hits
    }
}

extension Finding {
    public var json: JSONValue {
        .object([("severity", .string(severity.rawValue)), ("check", .string(check)), ("message", .string(message)), ("fix", .string(fix))])
    }
}
