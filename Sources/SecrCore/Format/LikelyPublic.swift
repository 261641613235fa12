/// Whether a stored value looks like configuration rather than a credential: an app URL, a port,
/// a region, a flag. Exposure reports list such keys apart, with the command that acknowledges
/// them (`secr exposure ack`), so the keys that really need rotating stand out. It only ever
/// sorts a report: every exposure is recorded, and none is cleared without a signed entry.
package enum LikelyPublic {
    /// Browser bundles carry these by design, so their values are public already.
    static let publicPrefixes = ["NEXT_PUBLIC_", "VITE_", "PUBLIC_", "EXPO_PUBLIC_", "REACT_APP_", "NUXT_PUBLIC_", "GATSBY_"]
    /// A name with one of these words is treated as a credential whatever its value.
    static let secretWords = ["SECRET", "TOKEN", "PASSWORD", "PASSWD", "PASS", "PWD", "KEY", "PRIVATE", "CREDENTIAL", "CREDS",
                              "AUTH", "SIGNING", "SALT", "COOKIE", "SESSION", "DSN", "CERT", "WEBHOOK", "SIGNATURE", "HMAC"]
    static let urlWords = ["URL", "URI", "HOST", "HOSTNAME", "ENDPOINT", "ORIGIN", "DOMAIN", "BASE"]
    static let settingWords = ["ENV", "ENVIRONMENT", "MODE", "LEVEL", "REGION", "ZONE", "NAME", "PORT", "DEBUG", "VERBOSE",
                               "TIMEOUT", "LOCALE", "LANG", "TZ", "VERSION", "ENABLED", "DISABLED", "FLAG", "STAGE", "COUNT", "SIZE", "LIMIT"]

    /// Why `key`'s value looks public, or nil when it may be a credential.
    package static func reason(key: String, value: SecretBytes) -> String? {
        let upper = key.uppercased()
        let words = upper.split(whereSeparator: { $0 == "_" || $0 == "-" || $0 == "." }).map(String.init)
        // A credential's word wins over everything, so a writer cannot dress a password up as
        // configuration by its name (`NEXT_PUBLIC_DB_PASSWORD` is not called public).
        guard !words.contains(where: { word in secretWords.contains { word.contains($0) } }) else { return nil }
        if let prefix = publicPrefixes.first(where: { upper.hasPrefix($0) }) {
            return "a \(prefix)… variable is built into client code, so it is public by design"
        }
        let text = value.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
        guard text.utf8.count <= 200, !text.contains(where: { $0.isWhitespace }) else { return nil }
        let lower = text.lowercased()
        if ["", "true", "false", "yes", "no", "on", "off", "0", "1"].contains(lower) { return "a flag (\(lower.isEmpty ? "empty" : lower))" }
        if text.allSatisfy(\.isNumber), text.count <= 10 { return "a number" }
        if words.contains(where: urlWords.contains), isPlainURL(text) { return "a URL without credentials or query" }
        if words.contains(where: settingWords.contains), text.count <= 32,
           text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.:/".contains($0)) }), !looksRandom(text) {
            return "a setting"
        }
        return nil
    }

    /// http(s)/ws(s) URL or bare host name with no user info, query or fragment.
    static func isPlainURL(_ text: String) -> Bool {
        var rest = Substring(text)
        for scheme in ["https://", "http://", "wss://", "ws://"] where rest.lowercased().hasPrefix(scheme) {
            rest = rest.dropFirst(scheme.count)
            break
        }
        guard !rest.isEmpty, !rest.contains("@"), !rest.contains("?"), !rest.contains("#") else { return false }
        let host = rest.prefix { $0 != "/" && $0 != ":" }
        guard host.contains(".") || host == "localhost" else { return false }
        return rest.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-._~/:%".contains($0)) } && !looksRandom(String(rest))
    }

    /// Long runs of mixed letters and digits read as generated, not configured.
    static func looksRandom(_ text: String) -> Bool {
        var run = 0, longest = 0, digits = 0, letters = 0
        for character in text {
            if character.isLetter || character.isNumber {
                run += 1
                longest = max(longest, run)
                if character.isNumber { digits += 1 } else { letters += 1 }
            } else {
                run = 0
            }
        }
        return longest >= 20 || (longest >= 12 && digits >= 3 && letters >= 3)
    }
}
