/// Layer 1: files that must not be committed by their name (renames included), read far enough
/// to tell a plaintext env file from an encrypted or templated one, and the store's own files,
/// which must be what secr writes.
enum PathRules {
    static let keyFileNames: Set<String> = ["id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "id_ecdsa_sk", "id_ed25519_sk"]
    static let keystoreSuffixes = [".p12", ".pfx", ".jks", ".keystore", ".ppk"]
    /// Env files that are templates by their name: their values are read like any file's.
    static let templateSuffixes = [".example", ".sample", ".template", ".dist", ".tpl", ".tmpl"]
    static let lockfiles: Set<String> = ["package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "Cargo.lock",
                                         "Gemfile.lock", "poetry.lock", "go.sum", "composer.lock", "Package.resolved", "uv.lock",
                                         "Pipfile.lock", "mix.lock", "pubspec.lock", "bun.lockb", "bun.lock", "flake.lock", "deno.lock",
                                         "packages.lock.json", "Podfile.lock", ".terraform.lock.hcl", "gradle.lockfile", "verification-metadata.xml"]

    /// What the path rules decided: findings, and whether the content is secr's own ciphertext
    /// (content rules would only find chance patterns in random base64).
    struct Result {
        var findings: [ScanFinding] = []
        var isStoreCiphertext = false
    }

    static func check(_ path: String, bytes: [UInt8], storePath: String?, allowlist: Allowlist) -> Result {
        func finding(_ rule: String, _ title: String, _ fix: String) -> ScanFinding {
            ScanFinding(path: path, line: nil, rule: rule, title: title, severity: .block, preview: path, fix: fix,
                        matchHash: allowlist.hash(rule: rule, match: Array(path.utf8)))
        }
        let name = Path.lastComponent(path)
        if let storePath, let relative = Path.relative(path, to: storePath) {
            if relative == "allow" {
                // The allowlist is plaintext by design; its comments and reasons are read like any file.
                guard (try? Allowlist.parse(bytes, path: path)) == nil else { return Result() }
                return Result(findings: [finding("store-file", "a .secr/allow that is not an allowlist",
                                                 "`git restore --staged \(path)`; only `secr scan --baseline` and hand-written `allow` lines belong there")])
            }
            if relative == "roster", (try? Roster.load(bytes, file: path)) != nil { return Result(isStoreCiphertext: true) }
            if relative.hasPrefix("env/") && relative.hasSuffix(".secr") && !relative.dropFirst(4).contains("/") {
                let environment = String(relative.dropFirst(4).dropLast(5))
                if (try? EnvironmentFile.parse(bytes, name: environment, file: path)) != nil { return Result(isStoreCiphertext: true) }
            }
            return Result(findings: [finding("store-file", "a file in the secret store that is not valid secr ciphertext",
                                             "`git restore --staged \(path)`; only secr writes under \(storePath)/ (use `secr set` or `secr import`)")])
        }
        if PlaintextEnvFile.matches(path), name != ".envrc", !templateSuffixes.contains(where: name.hasSuffix), EnvFileContent.hasPlaintext(bytes) {
            return Result(findings: [finding("dotenv-file", "a plaintext env file",
                                             "`secr import \(path) -e ENV` to store its values, then `git rm --cached \(path)` (secr init's .gitignore keeps .env files out)")])
        }
        // Rails' master key and per-environment credential keys decrypt credentials.yml.enc.
        let railsKey = name == "master.key" || (path.contains("config/credentials/") && name.hasSuffix(".key"))
        if keyFileNames.contains(name) || keystoreSuffixes.contains(where: name.hasSuffix) || railsKey {
            return Result(findings: [finding("private-key-file", "a private key or keystore file",
                                             "`git rm --cached \(path)`, add it to .gitignore, and keep it outside the repository")])
        }
        return Result()
    }
}

/// An env file holds plaintext when one of its assignments has a value that is not ciphertext
/// (SOPS `ENC[…]`, dotenvx `encrypted:…`, dotenv-vault), a reference, empty, a placeholder or
/// the URL of a local service with default credentials. An `.envrc` is a
/// shell script for direnv: its directives are not values, and what it exports is judged by the
/// content layers like any script.
enum EnvFileContent {
    /// Keys whose values are public or encrypted by construction.
    static let metadataPrefixes = ["DOTENV_PUBLIC_KEY", "DOTENV_VAULT", "sops_"]

    static func hasPlaintext(_ bytes: [UInt8]) -> Bool {
        for raw in bytes.split(separator: 0x0a) {
            var line = raw.drop(while: Charset.space)
            if line.starts(with: Array("export ".utf8)) { line = line.dropFirst(7).drop(while: Charset.space) }
            guard let equals = line.firstIndex(of: 0x3d), line.first != 0x23 else { continue }
            var keyBytes = line[..<equals]
            while let last = keyBytes.last, Charset.space(last) { keyBytes = keyBytes.dropLast() }
            let key = String(decoding: keyBytes, as: UTF8.self)
            guard !key.isEmpty, !metadataPrefixes.contains(where: key.hasPrefix) else { continue }
            var value = line[(equals + 1)...].drop(while: Charset.space)
            while let last = value.last, last == 0x0d || last == 0x20 { value = value.dropLast() }
            if let first = value.first, Charset.quote(first), value.count >= 2, value.last == first { value = value.dropFirst().dropLast() }
            guard !value.isEmpty else { continue }
            let text = Array(value)
            if text.starts(with: Array("ENC[".utf8)) || text.starts(with: Array("encrypted:".utf8)) || Values.isReference(text) { continue }
            // Test and development scaffolding: placeholders, and URLs of local services whose
            // credentials (if any) are the documented defaults.
            let word = String(decoding: text.map(Charset.lowercased), as: UTF8.self)
            let setting = text.count < 4 || ["true", "false", "yes", "no", "on", "off"].contains(word) || Values.isNumeric(text)
            if (!setting && Values.isPlaceholder(text)) || URLCredentials.isLocalDevelopmentURL(value) { continue }
            return true
        }
        return false
    }
}
