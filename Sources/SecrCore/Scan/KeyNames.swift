/// What a key name says about the value assigned to it. The generic layer only judges values
/// whose key names a credential; the kind sets how strong the value must look.
enum KeyKind: Equatable {
    /// A password: human-chosen values count from 8 characters.
    case password
    /// A token, secret, API key or credential: machine-made, so it must look random.
    case secret
    /// An Authorization header or an `auth` field: the value may be `Bearer …` or base64 `user:password`.
    case authorization
}

/// Key names split into words (`DB_PASSWORD`, `authToken`, `checksum/secret`, `X-Api-Key`) and
/// classified by word, not by substring: `tokenizer`, `max_tokens`, `passwordless` and
/// `token_url` are not credentials; `_authToken`, `secret_key_base` and `APP_KEY` are.
enum KeyNames {
    /// Words that make a key a credential on their own.
    static let passwordWords: Set<String> = ["password", "passwd", "passphrase", "pass", "pwd", "pw", "passcode", "pword",
                                             "requirepass", "masterauth"]
    static let secretWords: Set<String> = ["secret", "token", "credential", "credentials", "cred", "creds", "jwt", "apikey",
                                           "accesskey", "secretkey", "privatekey", "authkey", "appkey", "masterkey", "authtoken",
                                           "accesstoken", "refreshtoken", "apitoken", "apisecret", "clientsecret", "licensekey", "pat",
                                           "identitytoken"]
    static let authorizationWords: Set<String> = ["auth", "authorization", "bearer"]
    /// Credential words that also end compound words (`dbpassword`, `clientsecret`, `mytoken`).
    static let compoundEndings = ["password", "passwd", "secret", "token", "apikey"]
    static let notCompounds: Set<String> = ["passwordless", "tokenizer", "tokenize", "tokens", "secrets", "secretary", "passport",
                                            "passenger", "passive", "bypass", "compass", "overpass", "password_", "tokenless"]

    /// After the credential word, these make the key describe a credential rather than hold
    /// one (`token_url`, `secret_name`, `password_hash`, `api_key_id`); before it, these do too
    /// (`hashed_secret`, `checksum/secret`, `encrypted_password`, `max_tokens`).
    static let metadataWords: Set<String> = [
        "id", "ids", "uuid", "guid", "name", "names", "type", "types", "kind", "url", "uri", "urls", "endpoint",
        "endpoints", "path", "paths", "file", "files", "filename", "dir", "directory", "header", "headers", "env",
        "var", "variable", "field", "param", "params", "length", "len", "size", "count", "max", "min", "limit", "ttl",
        "expiry", "expires", "expired", "expiration", "exp", "lifetime", "timeout", "duration", "age", "version",
        "ver", "rev", "revision", "hash", "hashes", "hashed", "digest", "sha", "sha1", "sha256", "sha512", "md5",
        "checksum", "integrity", "commit", "fingerprint", "etag", "hint", "prompt", "label", "placeholder", "message",
        "msg", "error", "errors", "text", "title", "description", "desc", "help", "format", "regex", "pattern",
        "policy", "rule", "rules", "strength", "mode", "method", "scheme", "algorithm", "alg", "prefix", "suffix",
        "index", "ref", "reference", "location", "provider", "enabled", "disabled", "required", "optional", "used",
        "at", "date", "time", "created", "updated", "changed", "rotated", "last", "question", "slug", "domain",
        "issuer", "audience", "scope", "scopes", "link", "button", "page", "route", "view", "template", "class",
        "style", "color", "colour", "icon", "image", "font", "number", "num", "total", "ratio", "rate", "threshold",
        "level", "strategy", "backend", "source", "target", "encrypted", "encryption_context", "masked", "mask",
        "sample", "example", "dummy", "fake", "test_only", "show", "hide", "toggle", "forgot", "forgotten", "rotation",
        "status", "state", "flag", "enable", "minimum", "maximum", "lookup", "arn", "kms", "vault", "manager", "store",
        "refs", "secretref", "keyref", "selector", "mount", "volume", "annotation", "usage", "validity", "valid",
        "invalid", "expire", "days", "hours", "seconds", "sent", "reset", "confirm", "confirmation", "input",
        "visibility", "visible", "complexity", "attempts", "retries", "generator", "generate", "factory", "client_id",
        "nonce", "salt_length", "settings", "configuration", "options", "preferences", "response", "signature", "comment",
        "comments", "loader", "cls", "spec", "specs", "handler", "parser",
    ]
    /// Before the credential word, these make the key describe it (`hashed_secret`,
    /// `checksum/secret`, `encrypted_password`, `max_tokens`).
    static let modifierWords: Set<String> = [
        "hash", "hashed", "digest", "sha", "sha1", "sha256", "sha512", "md5", "checksum", "integrity", "commit",
        "etag", "fingerprint", "encrypted", "masked", "mask", "sample", "example", "dummy", "fake", "placeholder",
        "max", "min", "num", "total", "count", "forgot", "forgotten", "show", "hide", "toggle", "no", "non", "without",
        "test_only",
    ]
    /// Before `token`, these name tokens that are not credentials: AWS's pagination and
    /// idempotency tokens (NextToken, ClientRequestToken, LockToken, ChangeToken …), update and
    /// verification tokens that APIs hand out to be shown.
    static let tokenModifiers: Set<String> = [
        "next", "continuation", "pagination", "page", "idempotency", "idempotent", "lock", "change", "cursor", "sync",
        "resume", "lifecycle", "update", "verification", "export", "import", "copy", "work", "unit", "task", "grant",
        "client", "request", "subject", "marker", "cancel", "forward", "backward", "policy", "upload", "continue", "action",
    ]
    /// Browser-facing by convention (`NEXT_PUBLIC_*`, `publishable_key`, Supabase's anon key).
    static let publicWords: Set<String> = ["public", "publishable", "pub", "anon"]
    /// `key` is a credential only as the last word after a qualifier (`API_KEY`, `signing_key`),
    /// and not after these (`cache_key`, `primary_key`, `sort_key`, `search_key`, `site_key`).
    static let structuralKeyQualifiers: Set<String> = [
        "primary", "foreign", "sort", "partition", "cache", "idempotency", "routing", "row", "object", "map", "lookup",
        "unique", "natural", "composite", "i18n", "translation", "message", "locale", "cursor", "index", "group",
        "dedupe", "dedup", "host", "trust", "item", "entry", "column", "table", "join", "hot", "short", "shortcut",
        "option", "dict", "json", "yaml", "setting", "settings", "registry", "s3", "bucket", "name", "redis", "kv",
        "shard", "range", "react", "vue", "list", "query", "sub", "parent", "child", "next", "prev", "previous",
        "first", "foo", "bar", "hash", "keyboard", "config", "cfg", "property", "prop", "attribute", "attr", "event",
        "metric", "label", "tag", "media", "music", "piano", "search", "site", "search_only", "local", "storage_name", "result", "output",
        "input",
    ]
    /// Whole header names that carry a key without saying so.
    static let credentialHeaders: Set<String> = ["x-honeycomb-team"]

    /// Splits an identifier into lower-case words: separators `_ - . / : space` and case changes.
    static func words(_ key: some Collection<UInt8>) -> [String] {
        if let words = key.withContiguousStorageIfAvailable(words(bytes:)) { return words }
        return Array(key).withUnsafeBufferPointer(words(bytes:))
    }

    /// The words of `bytes`, each made straight from its bytes (a word of up to 15 bytes is a
    /// small String, with nothing to allocate).
    static func words(bytes: UnsafeBufferPointer<UInt8>) -> [String] {
        // No nested function: one that captured `start` and `words` made the runtime check
        // exclusive access to them on every call.
        var words: [String] = []
        words.reserveCapacity(8)
        var start = -1
        for index in 0..<bytes.count {
            let byte = bytes[index]
            guard Charset.alnum(byte) else {
                if start >= 0 { words.append(lowercasedWord(bytes, start, index)) }
                start = -1
                continue
            }
            if start >= 0 {
                let last = bytes[index - 1]
                let lowerToUpper = (Charset.lower(last) || Charset.digit(last)) && Charset.upper(byte)
                // "APIKey": the K starts a word when a lower-case letter follows it.
                let acronymEnd = Charset.upper(last) && Charset.upper(byte) && index + 1 < bytes.count && Charset.lower(bytes[index + 1])
                if lowerToUpper || acronymEnd {
                    words.append(lowercasedWord(bytes, start, index))
                    start = index
                }
            } else {
                start = index
            }
        }
        if start >= 0 { words.append(lowercasedWord(bytes, start, bytes.count)) }
        return words
    }

    private static func lowercasedWord(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String {
        String(unsafeUninitializedCapacity: end - start) { buffer in
            for offset in 0..<(end - start) { buffer[offset] = Charset.lowercased(bytes[start + offset]) }
            return end - start
        }
    }

    /// Every word `kind(ofWord:traits:)` names a credential holds one of these; a word holding none is
    /// answered without asking the vocabularies (most words of most keys).
    static let credentialFragments = ["pass", "pw", "auth", "bearer", "secret", "token", "cred", "jwt", "key", "pat"].map { Array($0.utf8) }

    static func mayNameCredential(_ word: String) -> Bool {
        var word = word
        return word.withUTF8 { bytes in
            credentialFragments.contains { fragment in
                guard bytes.count >= fragment.count else { return false }
                for start in 0...(bytes.count - fragment.count) where bytes[start] == fragment[0] {
                    if (1..<fragment.count).allSatisfy({ bytes[start + $0] == fragment[$0] }) { return true }
                }
                return false
            }
        }
    }

    /// Which of the vocabularies above hold a word: one hash of the word answers them all.
    struct WordTraits: OptionSet {
        let rawValue: UInt16
        static let password = WordTraits(rawValue: 1 << 0)
        static let authorization = WordTraits(rawValue: 1 << 1)
        static let secret = WordTraits(rawValue: 1 << 2)
        static let notCompound = WordTraits(rawValue: 1 << 3)
        static let metadata = WordTraits(rawValue: 1 << 4)
        static let modifier = WordTraits(rawValue: 1 << 5)
        static let tokenModifier = WordTraits(rawValue: 1 << 6)
        static let publicWord = WordTraits(rawValue: 1 << 7)
        static let structuralQualifier = WordTraits(rawValue: 1 << 8)
    }

    static let traitsByWord: [String: WordTraits] = {
        var traits: [String: WordTraits] = [:]
        for (words, trait) in [(passwordWords, WordTraits.password), (authorizationWords, .authorization), (secretWords, .secret),
                               (notCompounds, .notCompound), (metadataWords, .metadata), (modifierWords, .modifier),
                               (tokenModifiers, .tokenModifier), (publicWords, .publicWord), (structuralKeyQualifiers, .structuralQualifier)] {
            for word in words { traits[word, default: []].insert(trait) }
        }
        return traits
    }()

    static func traits(of word: String) -> WordTraits { traitsByWord[word] ?? [] }

    /// The kind of credential a word names on its own (`traits`: the word's, from `traits(of:)`).
    static func kind(ofWord word: String, traits: WordTraits) -> KeyKind? {
        if traits.contains(.password) { return .password }
        if traits.contains(.authorization) { return .authorization }
        if traits.contains(.secret) { return .secret }
        guard !traits.contains(.notCompound), mayNameCredential(word) else { return nil }
        for ending in compoundEndings where word.utf8.count > ending.utf8.count && word.hasSuffix(ending) {
            return ending.hasPrefix("pass") ? .password : .secret
        }
        return nil
    }

    /// A URL query parameter that is one of these words carries a credential.
    static let queryCredentialWords = ["sig", "signature", "key", "apikey", "access_token"]

    static let credentialHeaderLengths = Array(Set(credentialHeaders.map(\.utf8.count)))

    /// The kind of credential a key names, or nil when it names none (or describes one).
    /// `queryParameter`: the key is a URL query parameter, where `sig` and `key` are credentials.
    static func classify(_ key: some Collection<UInt8>, queryParameter: Bool = false) -> KeyKind? {
        let words = words(key)
        guard !words.isEmpty, words.count <= 12 else { return nil }
        if credentialHeaderLengths.contains(key.count), credentialHeaders.contains(String(decoding: key.map(Charset.lowercased), as: UTF8.self)) {
            return .secret
        }
        let traits = words.map(traits(of:))
        var last: KeyKind?, anyPassword = false
        var lastCredential = -1
        func found(_ kind: KeyKind, at index: Int) {
            last = kind
            anyPassword = anyPassword || kind == .password
            lastCredential = index
        }
        // PAT is a personal access token in an environment variable's name (GH_PAT), and short for
        // "pattern" in code (open_pat).
        let upperCaseKey = !key.contains(where: Charset.lower)
        for (index, word) in words.enumerated() {
            if word == "pat" && !upperCaseKey { continue }
            if let kind = kind(ofWord: word, traits: traits[index]) {
                found(kind, at: index)
            } else if word == "key", index > 0, !traits[..<index].contains(where: { $0.contains(.structuralQualifier) }),
                      (index + 1..<words.count).allSatisfy({ !traits[$0].contains(.metadata) && kind(ofWord: words[$0], traits: traits[$0]) == nil && words[$0].utf8.count <= 8 }) {
                found(.secret, at: index)
            } else if queryParameter, words.count == 1, KeyNames.queryCredentialWords.contains(word) {
                found(.secret, at: index)
            }
        }
        // ConvertTo-SecureString: a command that takes the password itself.
        if words.count >= 2, words[words.count - 2] == "secure", words[words.count - 1] == "string" {
            found(.password, at: words.count - 1)
        }
        guard let last else { return nil }
        if traits.contains(where: { $0.contains(.publicWord) }) { return nil }
        if traits[(lastCredential + 1)...].contains(where: { $0.contains(.metadata) }) { return nil }
        if traits[..<lastCredential].contains(where: { $0.contains(.modifier) }) { return nil }
        if words[lastCredential] == "token", lastCredential > 0, traits[lastCredential - 1].contains(.tokenModifier) { return nil }
        // `DB_PASSWORD_TOKEN` is still a password; `authToken` is a token, `Authorization` a header.
        return anyPassword ? .password : last
    }
}
