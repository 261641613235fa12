/// `.secr/allow`: findings accepted on purpose. Each entry names a rule, a salted hash of the
/// matched text (never the text, never a line number, so entries survive edits) and a path
/// glob, with a reason. The salt is per repository, so hashes do not reveal short values by
/// comparison with other repositories.
///
///     secr-allow v1 salt=<base64url>
///     allow rule=github-token hash=<base64url> path=Tests/** reason=fixture used by the tests
package struct Allowlist: Sendable {
    package struct Entry: Sendable {
        package let rule: String
        package let hash: String
        package let path: String
        package let reason: String
    }

    package let salt: [UInt8]
    package internal(set) var entries: [Entry]

    package static func fresh() -> Allowlist { Allowlist(salt: SystemRandom().bytes(16), entries: []) }

    package static func load(_ path: String) throws -> Allowlist {
        guard let bytes = try FileSystem.readIfExists(path) else { return .fresh() }
        return try parse(bytes, path: path)
    }

    /// The allowlist in `bytes`; throws naming the line that is not an entry.
    static func parse(_ bytes: [UInt8], path: String) throws -> Allowlist {
        let text = String(decoding: bytes, as: UTF8.self)
        var salt: [UInt8]?
        var entries: [Entry] = []
        for (number, raw) in text.textLines().enumerated() {
            let line = raw.trimmingSpaces()
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("secr-allow v1 salt=") {
                salt = Sodium.fromBase64URL(line.dropFirst("secr-allow v1 salt=".count))
                continue
            }
            guard line.hasPrefix("allow "), let reasonStart = line.range(of: " reason=") else {
                throw SecrError.failure("\(path):\(number + 1): not an allowlist entry (allow rule=… hash=… path=… reason=…); fix the line, or restore the file with `git checkout -- \(path)`")
            }
            // `allow reason=…` finds ` reason=` in the prefix's own space: no fields, not a trap.
            let afterPrefix = line.index(line.startIndex, offsetBy: 6)
            let fieldText = reasonStart.lowerBound >= afterPrefix ? line[afterPrefix..<reasonStart.lowerBound] : ""
            var fields: [String: String] = [:]
            for token in fieldText.split(separator: " ") {
                let parts = token.split(separator: "=", maxSplits: 1)
                if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
            }
            guard let rule = fields["rule"], let hash = fields["hash"], let glob = fields["path"] else {
                throw SecrError.failure("\(path):\(number + 1): an allowlist entry needs rule=, hash=, path= and reason=; fix the line, or restore the file with `git checkout -- \(path)`")
            }
            entries.append(Entry(rule: rule, hash: hash, path: glob, reason: String(line[reasonStart.upperBound...])))
        }
        guard let salt, salt.count >= 16 else {
            throw SecrError.failure("\(path) has no 'secr-allow v1 salt=…' line; restore it from git or recreate it with `secr scan --baseline`")
        }
        return Allowlist(salt: salt, entries: entries)
    }

    package var text: String {
        var lines = ["# secr allowlist: findings of `secr scan` accepted on purpose, one per line.",
                     "# Entries hold a salted hash of the match, never the match itself. Give each a real reason.",
                     "secr-allow v1 salt=\(Sodium.base64URL(salt))"]
        lines += entries.map { "allow rule=\($0.rule) hash=\($0.hash) path=\($0.path) reason=\($0.reason)" }
        return lines.joined(separator: "\n") + "\n"
    }

    func hash(rule: String, match: [UInt8]) -> String {
        var encoder = CanonicalEncoder()
        encoder.append("secr-v1 allow")
        encoder.append(salt)
        encoder.append(rule)
        encoder.append(match)
        return Sodium.base64URL(Sodium.blake2b(encoder.bytes))
    }

    func allows(_ finding: ScanFinding) -> Bool {
        entries.contains { $0.rule == finding.rule && $0.hash == finding.matchHash && Glob.matches($0.path, finding.path) }
    }

    package mutating func add(_ finding: ScanFinding, reason: String) {
        guard !allows(finding) else { return }
        entries.append(Entry(rule: finding.rule, hash: finding.matchHash, path: Allowlist.glob(matching: finding.path),
                             reason: Allowlist.oneLine(reason)))
    }

    /// A glob for `path` that survives the line format: fields are split at spaces and entries
    /// at line ends, so a space, tab, line break or other control byte becomes `?` (any one
    /// character). A file named `a b.yml` is allowed as `a?b.yml`; a file whose name holds a line
    /// break cannot write a second entry into the allowlist.
    static func glob(matching path: String) -> String {
        String(decoding: path.utf8.map { $0 <= 0x20 || $0 == 0x7f ? UInt8(ascii: "?") : $0 }, as: UTF8.self)
    }

    /// `reason` on one line: line breaks and other controls become spaces.
    static func oneLine(_ reason: String) -> String {
        String(decoding: reason.utf8.map { $0 < 0x20 || $0 == 0x7f ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
    }
}

/// Path globs: `*` within one path segment, `**` across segments, `?` one character.
enum Glob {
    static func matches(_ pattern: String, _ path: String) -> Bool {
        match(Array(pattern.utf8)[...], Array(path.utf8)[...])
    }

    private static func match(_ p: ArraySlice<UInt8>, _ s: ArraySlice<UInt8>) -> Bool {
        guard let first = p.first else { return s.isEmpty }
        if first == UInt8(ascii: "*") {
            if p.dropFirst().first == UInt8(ascii: "*") {
                var rest = p.dropFirst(2)
                if rest.first == UInt8(ascii: "/") { rest = rest.dropFirst() }
                var index = s.startIndex
                while true {
                    if match(rest, s[index...]) { return true }
                    if index == s.endIndex { return false }
                    index += 1
                }
            }
            var index = s.startIndex
            while true {
                if match(p.dropFirst(), s[index...]) { return true }
                if index == s.endIndex || s[index] == UInt8(ascii: "/") { return false }
                index += 1
            }
        }
        guard let c = s.first else { return false }
        if first == UInt8(ascii: "?") ? c != UInt8(ascii: "/") : first == c { return match(p.dropFirst(), s.dropFirst()) }
        return false
    }
}
