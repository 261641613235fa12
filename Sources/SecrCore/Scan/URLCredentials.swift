/// Passwords in URLs of any scheme and driver (`postgresql+psycopg2://`, `https://`, `smtp+tls://`,
/// `jdbc:mysql://`, JSON-escaped `:\/\/`), several hosts included (`mongodb://u:p@h1,h2,h3`).
/// Query and connection-string parameters (`password=`, `Pwd=`) are the generic layer's.
enum URLCredentials {
    /// Hosts of a developer's machine or of a compose network: a password there warns.
    static let localHosts: Set<String> = ["localhost", "127.0.0.1", "0.0.0.0", "::1", "[::1]", "host.docker.internal", "host.containers.internal"]
    static let localSuffixes = [".local", ".localhost", ".test", ".localdomain", ".lan", ".home.arpa"]
    /// Documentation hosts (RFC 2606): their credentials are examples.
    static let exampleSuffixes = ["example.com", "example.org", "example.net", ".example", ".invalid"]

    static func fix(_ path: String) -> String {
        "keep the URL in secr (`secr set DATABASE_URL --stdin -e ENV`) and read it from the environment; change the password if it was pushed; then `git add \(path)`"
    }

    static func isLocal(_ host: String) -> Bool {
        localHosts.contains(host) || host.hasPrefix("127.") || localSuffixes.contains(where: host.hasSuffix)
            || (!host.contains(".") && !host.contains(":") && !host.isEmpty)
    }

    /// `scheme://[user:default@]localhost…`: a local service, no credential worth a finding.
    static func isLocalDevelopmentURL(_ value: ArraySlice<UInt8>) -> Bool {
        guard let separator = Scanner.find(value, Array("://".utf8)) else { return false }
        let authority = value[(separator + 3)...].prefix { $0 != 0x2f && $0 != 0x3f && $0 != 0x23 }
        let hostPart = authority.lastIndex(of: 0x40).map { authority[($0 + 1)...] } ?? authority
        let host = String(decoding: hostPart.prefix { $0 != 0x3a && $0 != 0x2c }, as: UTF8.self).lowercased()
        guard isLocal(host) else { return false }
        return findings(value, number: 0, path: "", allowlist: Allowlist(salt: [], entries: [])).allSatisfy { $0.0 == nil }
    }

    /// Every URL with a password on the line: a finding (nil when harmless) and the range of the password.
    static func findings(_ line: ArraySlice<UInt8>, number: Int, path: String, allowlist: Allowlist) -> [(ScanFinding?, Range<Int>)] {
        var results: [(ScanFinding?, Range<Int>)] = []
        var index = line.startIndex
        while let colon = Scanner.firstIndex(of: 0x3a, in: line, from: index) {
            index = colon + 1
            let slashes: Int
            if line[(colon + 1)...].starts(with: [0x2f, 0x2f]) {
                slashes = 2
            } else if line[(colon + 1)...].starts(with: [0x5c, 0x2f, 0x5c, 0x2f]) {
                slashes = 4
            } else {
                continue
            }
            var schemeStart = colon
            while schemeStart > line.startIndex, Charset.alnum(line[schemeStart - 1]) || [0x2b, 0x2e, 0x2d].contains(line[schemeStart - 1]) { schemeStart -= 1 }
            guard colon - schemeStart >= 2, Charset.letter(line[schemeStart]) else { continue }
            let authorityStart = colon + 1 + slashes
            var end = authorityStart, at: Int?
            while end < line.endIndex {
                let b = line[end]
                if b <= 0x20 || b == 0x2f || b == 0x5c || b == 0x3f || b == 0x23 || Charset.quote(b) || b == 0x3c || b == 0x3e || b == 0x29 || b == 0x5d || b == 0x7d { break }
                if b == 0x40 { at = end }
                end += 1
            }
            index = max(index, end)
            // Several hosts come after the credentials; what precedes a comma is not userinfo.
            let userinfoStart = at.flatMap { line[authorityStart..<$0].lastIndex(of: 0x2c).map { $0 + 1 } } ?? authorityStart
            guard let at, let passwordColon = line[userinfoStart..<at].firstIndex(of: 0x3a) else { continue }
            let user = line[userinfoStart..<passwordColon]
            let password = line[(passwordColon + 1)..<at]
            let host = line[(at + 1)..<end].prefix { $0 != 0x3a && $0 != 0x2c }
            let range = password.startIndex..<password.endIndex
            guard password.count >= 4 else { results.append((nil, range)); continue }
            let hostText = String(decoding: host, as: UTF8.self).lowercased()
            let value = Array(password)
            if Values.isPlaceholder(value) || Values.isReference(value) || password.elementsEqual(user)
                || exampleSuffixes.contains(where: hostText.hasSuffix) {
                results.append((nil, range))
                continue
            }
            // A password of dictionary words (anoncvs, a demo's "staging-secret") is likely an
            // example or an anonymous login: worth a look, not a block.
            let local = isLocal(hostText) || Values.isWordy(value)
            let scheme = String(decoding: line[schemeStart..<colon], as: UTF8.self)
            let redacted = scheme + "://…:" + Redaction.preview(value) + "@" + hostText
            results.append((ScanFinding(path: path, line: number, rule: "database-url", title: "a URL with a password",
                                        severity: local ? .warn : .block, preview: redacted, fix: fix(path),
                                        matchHash: allowlist.hash(rule: "database-url", match: value)), range))
        }
        return results
    }
}
