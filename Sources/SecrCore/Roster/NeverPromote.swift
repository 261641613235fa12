/// Key names whose values must differ per environment: database URLs, signing secrets,
/// encryption keys. `secr promote` refuses them without `--force`, and `secr doctor` reports
/// them when two environments share a value. The list lives in the signed roster (`policy-add`,
/// `policy-remove`), so only managers change it; every roster starts with `defaults`.
package enum NeverPromote {
    package static let defaults = ["*DATABASE_URL*", "*_SIGNING_*", "*ENCRYPTION_KEY*", "SECRET_KEY_BASE", "*_PRIVATE_KEY",
                                  "*SESSION_SECRET*", "*JWT_SECRET*"]

    /// Patterns are key-name characters with `*` (any run) and `?` (one character).
    static func check(_ pattern: String) throws {
        let ok = !pattern.isEmpty && pattern.count <= 128 && pattern.utf8.allSatisfy {
            ($0 >= 0x41 && $0 <= 0x5a) || ($0 >= 0x61 && $0 <= 0x7a) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5f || $0 == 0x2a || $0 == 0x3f
        }
        guard ok else { throw SecrError.usage("'\(pattern.prefix(80))' is not a key pattern: use letters, digits, _ and the wildcards * and ?") }
    }

    /// Case-insensitive glob match of a key name.
    package static func matches(_ pattern: String, _ key: String) -> Bool {
        let p = Array(pattern.uppercased().utf8), k = Array(key.uppercased().utf8)
        var pi = 0, ki = 0, star = -1, mark = 0
        while ki < k.count {
            if pi < p.count && (p[pi] == UInt8(ascii: "?") || p[pi] == k[ki]) {
                pi += 1; ki += 1
            } else if pi < p.count && p[pi] == UInt8(ascii: "*") {
                star = pi; mark = ki; pi += 1
            } else if star >= 0 {
                pi = star + 1; mark += 1; ki = mark
            } else {
                return false
            }
        }
        while pi < p.count && p[pi] == UInt8(ascii: "*") { pi += 1 }
        return pi == p.count
    }

    /// The first pattern of `patterns` that `key` matches.
    package static func match(_ key: String, in patterns: [String]) -> String? { patterns.first { matches($0, key) } }
}
