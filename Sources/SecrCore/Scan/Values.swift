import Glibc

/// How the generic layers judge a value assigned to a credential-named key. The checks run
/// cheapest first and on bytes; most candidates are settled by length or a character test.
enum Values {
    enum Verdict: Equatable {
        case credential
        /// A development default its framework marks as such (`django-insecure-…`): warn.
        case developmentDefault
        case harmless
    }

    // MARK: Placeholders, on word boundaries

    /// Words that make a value a placeholder when they appear as a whole word of it (`YOUR_KEY`,
    /// `change-me`, `xxx`), never as a substring (`…&ssl=true` is not "true").
    static let placeholderWords: Set<String> = [
        "changeme", "changeit", "example", "examples", "sample", "placeholder", "dummy", "fake", "redacted", "replace",
        "replaceme", "todo", "fixme", "your", "yours", "insert", "foobar", "lorem", "ipsum", "undefined", "null", "none",
        "notreal", "unset", "masked", "hidden", "here", "mock", "mocked", "stub",
    ]
    /// The whole value, lower-cased, that is a placeholder or a well-known development default
    /// (the images' and frameworks' own documented defaults).
    static let placeholderValues: Set<String> = [
        "password", "passwd", "secret", "token", "apikey", "api_key", "key", "value", "string", "text", "pass", "pwd",
        "default", "true", "false", "yes", "no", "on", "off", "empty", "required", "optional", "sensitive", "xxx",
        "postgres", "root", "admin", "administrator", "guest", "changeme", "changeit", "test", "testing", "dev",
        "development", "local", "mysecretpassword", "example", "123456", "12345678", "qwerty", "letmein", "minioadmin",
        "android", "vagrant", "docker", "sa", "user", "demo", "hunter2", "toor", "keyboard cat", "secret123",
        "password123", "password1", "admin123", "test123", "s3cr3t", "p@ssw0rd", "passw0rd", "not-a-real-secret", "nil",
    ]
    /// Example secrets printed in documentation, lower-cased (the TOTP example of the Google
    /// Authenticator wiki and RFC-style docs).
    static let documentedExamples: Set<String> = [
        "jbswy3dpehpk3pxp", "gezdgnbvgy3tqojq",
        // RFC 5849's OAuth 1.0 examples, reused by OAuth libraries' documentation.
        "dpf43f3p2l4k3l03", "kd94hf93k423kf44", "nnch734d00sl2jdk", "pfkkdhi9sl3r4s00", "hh5s93j4hdidpola",
        "hdhd0244k9j7ao03", "0685bd9184jfhq22", "ad180jjd733klru7", "j49sk3j29djd", "dh893hdasih9",
    ]

    /// The same four characters three times (`1234-1234-1234`): typed, not generated.
    static func hasRepeatedChunk(_ value: [UInt8]) -> Bool {
        guard value.count >= 12 else { return false }
        var counts: [UInt32: Int] = [:]
        var index = 0
        while index + 4 <= value.count {
            let chunk = value[index..<(index + 4)]
            guard chunk.allSatisfy(Charset.alnum) else { index += 1; continue }
            let key = chunk.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            counts[key, default: 0] += 1
            if counts[key, default: 0] >= 3 { return true }
            index += 4
        }
        return false
    }

    /// Template, expression and reference syntax: the value comes from somewhere else.
    static let referenceMarkers = [
        "${", "{{", "}}", "%(", "$(", "<%", "%>", "#{", "%env(", "%{", "@{", "{%", "process.env", "os.environ", "getenv",
        "system.getenv", "environment.", "env(", "env[", "env.", "env:", "settings.", "config.", "secrets.", "vars.",
        "var.", "local.", "data.", "module.", "random_", "rails.application", "credentials.", "lookup(", "vault:",
        "op://", "ref+", "arn:aws", "secretsmanager:", "ssm:", "resolve:", "sm://", "keyvault", "projects/", "enc[",
        "enc(", "ej[", "encrypted:", "$ansible_vault", "!vault", "awskms:", "gcpkms:", "azkv:", "-----", "vault:v1:",
        "secretkeyref", "valuefrom", "fromsecret", "get_secret", "getsecret", "readsecret", "fetch_env", "fetchenv",
    ]
    /// Digest prefixes (integrity attributes, lockfiles, image digests).
    static let digestPrefixes = ["sha1-", "sha256-", "sha384-", "sha512-", "sha1:", "sha256:", "sha384:", "sha512:", "md5:",
                                 "h1:", "zh:", "blake2b:", "sha256=", "sha1=", "sha512=", "scram-sha-256$", "$2a$", "$2b$",
                                 "$2y$", "$argon2", "$apr1$", "{sha}", "{ssha}"]

    /// Lower-case letter runs, split at case changes: `yourApiKey` → your, api, key.
    static func letterWords(_ value: [UInt8]) -> [String] {
        KeyNames.words(value.map { Charset.alnum($0) && !Charset.digit($0) ? $0 : 0x20 })
    }

    static func isPlaceholder(_ value: [UInt8]) -> Bool {
        let lower = value.map(Charset.lowercased)
        let text = String(decoding: lower, as: UTF8.self)
        if text.isEmpty || placeholderValues.contains(text) { return true }
        // Masks and elisions: ***, •••, …, ..., xxxx, a character repeated throughout.
        if contains(lower, "***") || contains(lower, "...") || contains(lower, "xxxxx") || contains(lower, "example") || text.contains("•") || text.contains("…") { return true }
        if documentedExamples.contains(text) || hasRepeatedChunk(lower) || hasTypedSequence(value) || isLeetPlaceholder(value) { return true }
        // Words that spell out what they stand for: "staging-password", "my-secret-token".
        let words = letterWords(value)
        if words.contains(where: { KeyNames.passwordWords.contains($0) || ["secret", "token"].contains($0) }), isWordy(value) { return true }
        let distinct = Set(lower.filter(Charset.alnum))
        if distinct.count <= 2 { return true }
        if lower.first == 0x3c && lower.last == 0x3e { return true }  // <your key>
        if lower.first == 0x5b && lower.last == 0x5d { return true }  // [redacted]
        // 12345678, abcdefgh: typed by a person writing docs, never drawn by a generator.
        if contains(lower, "12345678") || contains(lower, "abcdefgh") || contains(lower, "87654321") { return true }
        return words.contains(where: placeholderWords.contains)
    }

    static func isReference(_ value: [UInt8]) -> Bool {
        let lower = value.map(Charset.lowercased)
        if let first = lower.first {
            // $VAR, ${VAR}, $(cmd), @Value, %VAR% (Windows), !Ref / !Sub (CloudFormation), {name} (f-strings, format)
            if first == 0x24 || first == 0x40 || first == 0x21 { return true }
            if first == 0x25 && lower.last == 0x25 { return true }
            if first == 0x7b && lower.last == 0x7d { return true }
        }
        // Interpolation in the middle: "repository.$repository_name.allow", "Bearer ${token}".
        for index in lower.indices.dropLast() where lower[index] == 0x24 {
            let name = lower[(index + 1)...].prefix { Charset.word($0) }
            if name.count >= 3, isWordy(Array(name)) { return true }
        }
        // printf-style formats: "--password=%s" (a verb not followed by a letter, which a password could hold)
        for index in lower.indices.dropLast() where lower[index] == 0x25 && [0x73, 0x64, 0x76].contains(lower[index + 1]) {
            if index + 2 == lower.count || !Charset.alnum(lower[index + 2]) { return true }
        }
        if contains(lower, "{}") { return true }
        // PostgreSQL's stored md5 hash: md5 and 32 hex digits.
        if lower.count == 35, lower.starts(with: Array("md5".utf8)), lower.dropFirst(3).allSatisfy(Charset.lowerHex) { return true }
        return referenceMarkers.contains { contains(lower, $0) } || digestPrefixes.contains { lower.starts(with: Array($0.utf8)) }
    }

    static func contains(_ haystack: [UInt8], _ needle: String) -> Bool {
        Scanner.contains(haystack[...], Array(needle.utf8))
    }

    // MARK: Shapes that are not secrets

    /// Text for people: several alphabetic words, or letters outside ASCII (translations).
    static func isProse(_ value: [UInt8]) -> Bool {
        if value.contains(where: { $0 >= 0x80 }) { return true }
        guard value.contains(0x20) else { return false }
        let words = value.split(separator: 0x20)
        // Quotes, brackets and Markdown marks around a word do not make it less of a word:
        // "`git secret reveal`", "(see below)", "*not* set".
        let wrappers: [UInt8] = [0x60, 0x27, 0x22, 0x28, 0x29, 0x5b, 0x5d, 0x7b, 0x7d, 0x2a, 0x5f]
        let alphabetic = words.filter { raw in
            let word = raw.drop { wrappers.contains($0) }
            let core = word.prefix { Charset.letter($0) || $0 == 0x27 || $0 == 0x2d }
            return core.count >= 2 && word.dropFirst(core.count).allSatisfy { [0x2c, 0x2e, 0x21, 0x3f, 0x3a, 0x3b].contains($0) || wrappers.contains($0) }
        }
        return alphabetic.count >= 2 && alphabetic.count * 2 >= words.count
    }

    /// Pronounceable: a word, not a random run (no more than four consonants in a row, and a
    /// vowel for every seven letters: "string" is a word, "qzkvtxwp" is not).
    static func isPronounceable(_ run: String) -> Bool {
        var consonants = 0, vowels = 0
        for c in run.utf8 {
            if [0x61, 0x65, 0x69, 0x6f, 0x75, 0x79].contains(c) {
                vowels += 1
                consonants = 0
            } else {
                consonants += 1
                if consonants > 4 { return false }
            }
        }
        return vowels > 0 && vowels * 7 >= run.utf8.count
    }

    /// An identifier or slug made of words (`DEPLOY_TOKEN`, `bert-base-uncased`, `getAccessToken`,
    /// `summer-sale-2025`): what a key names, not a generated secret.
    static func isWordy(_ value: [UInt8]) -> Bool {
        guard value.allSatisfy({ Charset.alnum($0) || [0x2d, 0x5f, 0x2e, 0x2f, 0x3a, 0x20, 0x40, 0x2a].contains($0) }) else { return false }
        var digitGroups = 0, digits = 0, inDigits = false
        for b in value {
            if Charset.digit(b) {
                digits += 1
                if !inDigits { digitGroups += 1 }
                inDigits = true
            } else {
                inDigits = false
            }
        }
        guard digitGroups <= 2, digits <= 6 else { return false }
        let runs = caseRuns(value)
        guard !runs.isEmpty else { return false }
        let short = runs.filter { $0.text.utf8.count <= 2 }.count
        guard short * 2 <= runs.count else { return false }
        let letters = runs.reduce(0) { $0 + $1.text.utf8.count }
        guard letters * 2 >= runs.count * 5 else { return false }
        // Short runs and acronyms (HTTP, AWS, KMS) need not be pronounceable.
        return runs.allSatisfy { $0.text.utf8.count <= 3 || ($0.acronym && $0.text.utf8.count <= 5) || isPronounceable($0.text) }
    }

    /// Letter runs split at case changes, lower-cased, with whether each was all capitals.
    static func caseRuns(_ value: [UInt8]) -> [(text: String, acronym: Bool)] {
        var runs: [(String, Bool)] = []
        var current: [UInt8] = [], allUpper = true
        func flush() {
            if !current.isEmpty { runs.append((String(decoding: current, as: UTF8.self), allUpper && current.count > 1)) }
            current.removeAll(keepingCapacity: true)
            allUpper = true
        }
        for (index, byte) in value.enumerated() {
            guard Charset.letter(byte) else { flush(); continue }
            if !current.isEmpty {
                let last = value[index - 1]
                let lowerToUpper = Charset.lower(last) && Charset.upper(byte)
                let acronymEnd = Charset.upper(last) && Charset.upper(byte) && index + 1 < value.count && Charset.lower(value[index + 1])
                if lowerToUpper || acronymEnd { flush() }
            }
            if Charset.lower(byte) { allUpper = false }
            current.append(Charset.lowercased(byte))
        }
        flush()
        return runs
    }

    /// A constant's or an environment variable's name: UPPER_SNAKE of two or more words.
    static func isConstantName(_ value: [UInt8]) -> Bool {
        value.allSatisfy { Charset.upperAlnum($0) || $0 == 0x5f } && value.split(separator: 0x5f).filter { $0.contains(where: Charset.letter) }.count >= 2
    }

    /// Ascending runs typed by a person (`abcdef`, `123456`, `a1b2c3`, `abcd1234`), never drawn by a generator.
    static func hasTypedSequence(_ value: [UInt8]) -> Bool {
        let lower = value.map(Charset.lowercased)
        var runs = 0, length = 1
        for index in lower.indices.dropFirst() {
            if lower[index] == lower[index - 1] &+ 1, Charset.alnum(lower[index]) {
                length += 1
                if length == 4 { runs += 1 }
                if length >= 6 || runs >= 2 { return true }
            } else {
                length = 1
            }
        }
        return ["a1b2c3", "1a2b3c", "abc123", "123abc", "qwerty", "asdfgh"].contains { contains(lower, $0) }
    }

    /// Leetspeak of a placeholder: P@55w0rd!, S3cr3t, adm1n.
    static func isLeetPlaceholder(_ value: [UInt8]) -> Bool {
        let map: [UInt8: UInt8] = [0x40: 0x61, 0x34: 0x61, 0x35: 0x73, 0x24: 0x73, 0x30: 0x6f, 0x31: 0x69, 0x33: 0x65, 0x37: 0x74]
        var plain = value.map { map[$0] ?? Charset.lowercased($0) }
        while let last = plain.last, !Charset.letter(last) { plain.removeLast() }
        let text = String(decoding: plain, as: UTF8.self)
        return plain.count < value.count + 1 && (placeholderValues.contains(text) || KeyNames.passwordWords.contains(text) || text == "secret" || text == "admin")
    }

    /// Numbers, versions, dates, addresses: no letters but for T/Z/x, and only numeric punctuation.
    static func isNumeric(_ value: [UInt8]) -> Bool {
        value.allSatisfy { Charset.digit($0) || [0x2e, 0x2d, 0x3a, 0x2f, 0x2b, 0x54, 0x5a, 0x20, 0x2c].contains($0) }
    }

    static func isPathOrAddress(_ value: [UInt8]) -> Bool {
        guard let first = value.first else { return false }
        if first == 0x2f || value.starts(with: Array("./".utf8)) || value.starts(with: Array("../".utf8)) || value.starts(with: Array("~/".utf8)) { return true }
        if value.count > 2, Charset.letter(first), value[1] == 0x3a, value[2] == 0x5c { return true }  // C:\
        if first == 0x23, value.count <= 9, value.dropFirst().allSatisfy(Charset.hex) { return true }  // #7c3aed
        // An e-mail address: word@domain.tld
        if let at = value.firstIndex(of: 0x40), at > 0, value[(at + 1)...].contains(0x2e),
           value.allSatisfy({ Charset.word($0) || [0x2e, 0x2d, 0x2b, 0x40].contains($0) }) { return true }
        return false
    }

    /// A regular expression (a password policy), not a password.
    static func isRegex(_ value: [UInt8]) -> Bool {
        ["(?", "\\d", "\\w", "\\s", "\\|", "[a-z", "[A-Z", "[0-9", "{8,", "{12,", ".*", "^(", ")$"].contains { contains(value, $0) }
    }

    /// A dotted member access (`settings.STRIPE_KEY`, `cfg.APIKey`) or a call.
    static func isExpression(_ value: [UInt8]) -> Bool {
        if value.contains(0x28) || value.contains(0x29) || value.contains(0x5b) { return true }
        let parts = value.split(separator: 0x2e, omittingEmptySubsequences: false)
        guard parts.count >= 2 else { return false }
        // settings.STRIPE_KEY, cfg.APIKey, fs.s3.cse.enabled
        return parts.allSatisfy { part in
            guard let first = part.first, Charset.letter(first) || first == 0x5f else { return false }
            return part.allSatisfy(Charset.word) && (part.count <= 4 || isWordy(Array(part)) || isConstantName(Array(part)))
        }
    }

    /// A path whose first segment is a word (`cloudformation/7870825a-…`, `prod/db-password`).
    static func isWordPath(_ value: [UInt8]) -> Bool {
        guard let slash = value.firstIndex(of: 0x2f), slash >= 4 else { return false }
        let head = Array(value[..<slash])
        return head.allSatisfy({ Charset.letter($0) || $0 == 0x5f || $0 == 0x2d }) && isWordy(head)
    }

    /// `Enabled=true,PreferredMfa=true`: settings given as a list of assignments.
    static func isAssignmentList(_ value: [UInt8]) -> Bool {
        let name = value.prefix { Charset.word($0) }
        guard name.count >= 3, let first = name.first, Charset.letter(first), name.count < value.count, value[name.count] == 0x3d,
              name.count + 1 < value.count, isWordy(Array(name)) else { return false }
        return Charset.alnum(value[name.count + 1]) || value[name.count + 1] == 0x22
    }

    /// `%41…` decoded (a URL-encoded value is judged by its text).
    static func percentDecoded(_ value: [UInt8]) -> [UInt8] {
        guard value.contains(0x25) else { return value }
        var out: [UInt8] = [], index = 0
        while index < value.count {
            if value[index] == 0x25, index + 2 < value.count, let byte = UInt8(String(decoding: value[(index + 1)...(index + 2)], as: UTF8.self), radix: 16) {
                out.append(byte)
                index += 3
            } else {
                out.append(value[index])
                index += 1
            }
        }
        return out
    }

    // MARK: Randomness

    static func entropy(_ bytes: some Collection<UInt8>) -> Double {
        var counts = [Int](repeating: 0, count: 256)
        for b in bytes { counts[Int(b)] += 1 }
        let total = Double(bytes.count)
        var sum = 0.0
        for count in counts where count > 0 {
            let p = Double(count) / total
            sum -= p * Glibc.log2(p)
        }
        return sum
    }

    static func characterClasses(_ value: some Collection<UInt8>) -> Int {
        var lower = false, upper = false, digit = false, other = false
        for b in value {
            if Charset.lower(b) { lower = true } else if Charset.upper(b) { upper = true } else if Charset.digit(b) { digit = true } else { other = true }
        }
        return [lower, upper, digit, other].filter { $0 }.count
    }

    static func isHexOrUUID(_ value: [UInt8]) -> Bool {
        value.count >= 16 && value.allSatisfy { Charset.hex($0) || $0 == 0x2d } && value.contains(where: Charset.digit)
    }

    /// The decision. `strict`: an unquoted value in a source file, where a bare word is code.
    static func judge(_ raw: [UInt8], as kind: KeyKind, strict: Bool = false) -> Verdict {
        let minimum = kind == .password ? 8 : 12
        guard raw.count >= minimum, raw.count <= 512 else { return .harmless }
        let value = percentDecoded(raw)
        // base64 of text that is a word or a placeholder (cGFzc3dvcmQ= is "password").
        if value.count >= 12, value.count % 4 == 0 || value.last != 0x3d, let decoded = Base64Text.decode(value), decoded.count >= 6,
           decoded.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }), isWordy(decoded) || isPlaceholder(decoded) { return .harmless }
        if isNumeric(value) || isPathOrAddress(value) || value.contains(where: { $0 < 0x20 }) { return .harmless }
        if value.contains(0x20) && isProse(value) { return .harmless }
        if value.contains(where: { $0 >= 0x80 }) { return .harmless }
        if isReference(value) || isPlaceholder(value) { return .harmless }
        if contains(value, "://") || contains(value, ":\\/\\/") { return .harmless }  // URLs: the URL layer reads them
        if isRegex(value) || isExpression(value) || isAssignmentList(value) || isWordPath(value) { return .harmless }
        let hexLike = isHexOrUUID(value)
        if !hexLike && (isWordy(value) || isConstantName(value)) { return .harmless }
        if value.starts(with: Array("django-insecure-".utf8)) { return .developmentDefault }
        let classes = characterClasses(value)
        let entropy = entropy(value)
        if strict {
            // In code, punctuation is syntax and a letters-only word is an identifier (xmlSecKeysMngrGetKey):
        // only a bare token of three character classes (or long hex) can be a literal secret.
            guard value.count >= 16, classes >= 3 || (isHexOrUUID(value) && value.count >= 32), entropy >= 3.5,
                  !value.contains(where: { [0x2e, 0x5b, 0x28, 0x7b, 0x3c, 0x3a, 0x2c, 0x22, 0x27].contains($0) }) else { return .harmless }
            return .credential
        }
        switch kind {
        case .password:
            // Human-chosen: 8+ characters of two classes, or long.
            guard classes >= 2 || value.count >= 16 else { return .harmless }
            return entropy >= 2.5 ? .credential : .harmless
        case .secret, .authorization:
            if hexLike { return entropy >= 3.0 ? .credential : .harmless }
            guard classes >= 2 || value.count >= 20 else { return .harmless }
            return entropy >= (value.count >= 20 ? 3.3 : 3.0) ? .credential : .harmless
        }
    }
}
