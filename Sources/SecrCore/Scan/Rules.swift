import Glibc

/// Layer 1: files that must not be committed, whatever they contain (renames included).
enum PathRules {
    static let keyFileNames: Set<String> = ["id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "id_ecdsa_sk", "id_ed25519_sk"]
    static let keystoreSuffixes = [".p12", ".pfx", ".jks", ".keystore", ".ppk"]

    static func check(_ path: String, bytes: [UInt8], storePath: String?, allowlist: Allowlist) -> [ScanFinding] {
        func finding(_ rule: String, _ title: String, _ fix: String) -> ScanFinding {
            ScanFinding(path: path, line: nil, rule: rule, title: title, severity: .block, preview: path, fix: fix,
                        matchHash: allowlist.hash(rule: rule, match: Array(path.utf8)))
        }
        let name = Path.lastComponent(path)
        if PlaintextEnvFile.matches(path) {
            return [finding("dotenv-file", "a plaintext env file",
                            "`secr import \(path) -e ENV` to store its values, then `git rm --cached \(path)` (secr init's .gitignore keeps .env files out)")]
        }
        if keyFileNames.contains(name) || keystoreSuffixes.contains(where: name.hasSuffix) {
            return [finding("private-key-file", "a private key or keystore file",
                            "`git rm --cached \(path)`, add it to .gitignore, and keep it outside the repository")]
        }
        if let storePath, let relative = Path.relative(path, to: storePath) {
            if relative == "allow" { return [] }
            if relative == "roster", bytes.starts(with: Array(Roster.header.utf8)) { return [] }
            if relative.hasPrefix("env/") && relative.hasSuffix(".secr") && !relative.dropFirst(4).contains("/") {
                let environment = String(relative.dropFirst(4).dropLast(5))
                if (try? EnvironmentFile.parse(bytes, name: environment, file: path)) != nil { return [] }
            }
            return [finding("store-file", "a file in the secret store that is not valid secr ciphertext",
                            "`git restore --staged \(path)`; only secr writes under \(storePath)/ (use `secr set` or `secr import`)")]
        }
        return []
    }
}

/// PEM and OpenSSH private keys whose body follows on the next line.
enum PrivateKeys {
    static let prefixes = [Array("-----BEGIN ".utf8)]

    static func finding(_ rest: ArraySlice<UInt8>, number: Int, path: String, file: [UInt8], lineEnd: Int, allowlist: Allowlist) -> ScanFinding? {
        let text = String(decoding: rest.prefix(64), as: UTF8.self)
        guard text.contains("PRIVATE KEY"), let dashes = text.dropFirst(11).range(of: "-----") else { return nil }
        let kind = String(text.dropFirst(11)[..<dashes.lowerBound])
        // The body: the next line that is not a PEM header, base64 of at least 40 characters.
        var start = lineEnd + 1
        var body: [UInt8] = []
        for _ in 0..<4 where start < file.count {
            let end = file[start...].firstIndex(of: 0x0a) ?? file.count
            let line = Array(file[start..<end])
            start = end + 1
            if line.contains(UInt8(ascii: ":")) || line.isEmpty { continue }
            body = line.filter { $0 != 0x0d && $0 != 0x20 }
            break
        }
        guard body.count >= 40, body.allSatisfy(Charset.base64) else { return nil }
        return ScanFinding(path: path, line: number, rule: "private-key", title: kind,
                           severity: .block, preview: Redaction.preview(body),
                           fix: "remove the key from \(path) (keep key files outside the repository, or store it with `secr set NAME --stdin`), revoke it if it was pushed, then `git add \(path)`",
                           matchHash: allowlist.hash(rule: "private-key", match: body))
    }
}

/// Connection URLs with a real password in them.
enum DatabaseURLs {
    static let schemes = ["postgres://", "postgresql://", "mysql://", "mariadb://", "mongodb://", "mongodb+srv://",
                          "redis://", "rediss://", "amqp://", "amqps://", "mssql://", "sqlserver://"]
    static let devHosts = ["localhost", "127.0.0.1", "0.0.0.0", "db", "postgres", "mysql", "redis", "host.docker.internal"]

    static func finding(_ rest: ArraySlice<UInt8>, number: Int, path: String, allowlist: Allowlist) -> ScanFinding? {
        let token = Array(rest.prefix { Charset.token($0) && $0 != 0x2c && $0 != 0x3b && $0 != 0x29 })
        let text = String(decoding: token, as: UTF8.self)
        guard let schemeEnd = text[...].range(of: "://")?.upperBound else { return nil }
        let afterScheme = text[schemeEnd...]
        let authority = afterScheme.prefix { $0 != "/" && $0 != "?" }
        guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else { return nil }
        let password = String(authority[authority.index(after: colon)..<at])
        let host = String(authority[authority.index(after: at)...].prefix { $0 != ":" && $0 != "," })
        guard !Generic.isPlaceholder(password), password.count >= 4 else { return nil }
        let dev = devHosts.contains(host) && password.count < 12
        let redacted = String(text[..<schemeEnd]) + "…:" + Redaction.preview(Array(password.utf8)) + "@" + host
        return ScanFinding(path: path, line: number, rule: "database-url", title: "a connection URL with a password",
                           severity: dev ? .warn : .block, preview: redacted,
                           fix: "keep the URL in secr (`secr set DATABASE_URL --stdin -e ENV`) and read it from the environment; change the password if it was pushed; then `git add \(path)`",
                           matchHash: allowlist.hash(rule: "database-url", match: Array(password.utf8)))
    }
}

/// Layer 3: `password = "…"`-style assignments of high-entropy values.
enum Generic {
    static let keywords = ["password", "passwd", "pwd", "secret", "token", "api_key", "apikey", "api-key", "access_key",
                           "accesskey", "private_key", "client_secret", "auth_key", "credential"].map { Array($0.utf8) }
    static let lockfiles: Set<String> = ["package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "Cargo.lock",
                                         "Gemfile.lock", "poetry.lock", "go.sum", "composer.lock", "Package.resolved",
                                         "Pipfile.lock", "mix.lock", "pubspec.lock", "bun.lockb", "flake.lock"]
    static let placeholderWords = ["changeme", "change_me", "change-me", "example", "placeholder", "your_", "your-", "xxxx", "****",
                                   "dummy", "redacted", "replace", "todo", "fixme", "secret_here", "insert", "sample", "password",
                                   "<", ">", "${", "{{", "%(", "$(", "process.env", "os.environ", "getenv", "env[", "env.", "settings.",
                                   "config.", "secrets.", "vault:", "...", "null", "none", "true", "false", "undefined"]

    static func isPlaceholder(_ value: String) -> Bool {
        let lower = value.lowercased()
        if lower.isEmpty || lower.hasPrefix("$") || lower.hasPrefix("@") { return true }
        if Set(lower).count <= 2 { return true }
        return placeholderWords.contains { lower.contains($0) }
    }

    /// UUIDs, git object ids, digests and lockfile integrity hashes: high entropy, not secrets.
    static func isLookAlike(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        let hexOnly = bytes.allSatisfy { Charset.hex($0) }
        if hexOnly && [32, 40, 64, 128].contains(bytes.count) { return true }
        if bytes.count == 36, bytes.enumerated().allSatisfy({ [8, 13, 18, 23].contains($0.offset) ? $0.element == 0x2d : Charset.hex($0.element) }) {
            return true
        }
        return ["sha512-", "sha384-", "sha256-", "sha1-", "sha256:", "sha512:"].contains { value.hasPrefix($0) }
    }

    static func entropy(_ bytes: [UInt8]) -> Double {
        var counts = [Int](repeating: 0, count: 256)
        for b in bytes { counts[Int(b)] += 1 }
        let total = Double(bytes.count)
        return counts.filter { $0 > 0 }.reduce(0) { sum, count in
            let p = Double(count) / total
            return sum - p * Glibc.log2(p)
        }
    }

    /// Source files: there, an unquoted right-hand side is an expression, not a literal secret.
    static let codeSuffixes = [".swift", ".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx", ".py", ".rb", ".go", ".java", ".kt", ".rs",
                               ".c", ".h", ".cc", ".cpp", ".hpp", ".m", ".cs", ".php", ".scala", ".ex", ".exs", ".dart", ".lua"]

    /// Which bytes can start a keyword (either case): the per-byte test before any comparison.
    static let keywordStarts: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for keyword in keywords { table[Int(keyword[0])] = true; table[Int(keyword[0] - 32)] = true }
        return table
    }()

    /// Case-insensitive keyword at `index` (keywords are lower case ASCII).
    private static func keyword(in line: ArraySlice<UInt8>, at index: Int) -> [UInt8]? {
        keywords.first { keyword in
            guard index + keyword.count <= line.endIndex else { return false }
            for (offset, expected) in keyword.enumerated() {
                let byte = line[index + offset]
                if byte != expected && !(byte >= 0x41 && byte <= 0x5a && byte + 32 == expected) { return false }
            }
            return true
        }
    }

    static func findings(_ line: ArraySlice<UInt8>, number: Int, path: String, allowlist: Allowlist) -> [ScanFinding] {
        guard line.count >= 16, line.contains(where: { $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: ":") }) else { return [] }
        let isCode = codeSuffixes.contains(where: path.hasSuffix)
        var position = line.startIndex
        while position < line.endIndex {
            guard keywordStarts[Int(line[position])], let keyword = keyword(in: line, at: position) else {
                position += 1
                continue
            }
            var index = position + keyword.count
            position = index
            let isIdentifier = { (b: UInt8) in Charset.word(b) || b == 0x2d || b == 0x2e }
            while index < line.endIndex, isIdentifier(line[index]) { index += 1 }
            while index < line.endIndex, [0x22, 0x27, 0x60, 0x20, 0x09, 0x5d].contains(line[index]) { index += 1 }
            guard index < line.endIndex else { break }
            if line[index...].starts(with: [0x3a, 0x3d]) || line[index...].starts(with: [0x3d, 0x3e]) {
                index += 2
            } else if line[index] == UInt8(ascii: "=") || line[index] == UInt8(ascii: ":") {
                guard index + 1 >= line.endIndex || line[index + 1] != UInt8(ascii: "=") else { continue }
                index += 1
            } else {
                continue
            }
            while index < line.endIndex, line[index] == 0x20 || line[index] == 0x09 { index += 1 }
            guard index < line.endIndex else { break }
            let valueRange: Range<Int>
            let quote = line[index]
            if quote == 0x22 || quote == 0x27 || quote == 0x60 {
                let start = index + 1
                valueRange = start..<(line[start...].firstIndex(of: quote) ?? line.endIndex)
            } else {
                if isCode { continue }
                let end = line[index...].firstIndex { $0 == 0x20 || $0 == 0x09 || $0 == 0x2c || $0 == 0x3b || $0 == 0x29 || $0 == 0x7d || $0 == 0x23 } ?? line.endIndex
                valueRange = index..<end
                if line[valueRange].contains(UInt8(ascii: "(")) || line[valueRange].contains(UInt8(ascii: "[")) { continue }
            }
            let slice = line[valueRange]
            // Cheapest tests first: most candidates fail on length or character classes.
            guard slice.count >= 12, slice.count <= 256 else { continue }
            let classes = [slice.contains { $0 >= 0x61 && $0 <= 0x7a }, slice.contains { $0 >= 0x41 && $0 <= 0x5a },
                           slice.contains { $0 >= 0x30 && $0 <= 0x39 }, slice.contains { !Charset.alnum($0) }].filter { $0 }.count
            guard classes >= 2 else { continue }
            var value = Array(slice)
            defer { wipe(&value) }
            guard entropy(value) >= (value.count >= 20 ? 3.5 : 3.0) else { continue }
            let text = String(decoding: value, as: UTF8.self)
            guard !isLookAlike(text), !isPlaceholder(text) else { continue }
            return [ScanFinding(path: path, line: number, rule: "generic-secret",
                                title: "a high-entropy value assigned to \(String(decoding: keyword, as: UTF8.self))",
                                severity: .block, preview: Redaction.preview(value),
                                fix: "move it into secr (`secr set NAME --stdin -e ENV`) and read it from the environment; if it is not a secret, add `secr:allow` to the line or an entry to .secr/allow",
                                matchHash: allowlist.hash(rule: "generic-secret", match: value))]
        }
        return []
    }
}
