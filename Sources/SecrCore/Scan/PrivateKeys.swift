/// Private keys however they are laid out: a PEM block on its own lines, but also `\n`-escaped
/// in JSON, quoted line by line in a Dockerfile or an array, indented in a YAML block scalar or a
/// heredoc, CRLF, flattened onto one line, base64-encoded whole (kubeconfig `client-key-data`),
/// and PuTTY's format. A header alone is not a key: its body (base64 lines) must follow.
enum PrivateKeys {
    static let pemHeader = Array("-----BEGIN ".utf8)
    /// base64 of "-----BEGIN" at the start of an encoded block.
    static let base64PEM = Array("LS0tLS1CRUdJTi".utf8)
    static let putty = Array("PuTTY-User-Key-File-".utf8)
    static let prefixes = [pemHeader, base64PEM, putty]

    static func fix(_ path: String) -> String {
        "remove the key from \(path) (keep key files outside the repository, or store it with `secr set NAME --stdin`), revoke it if it was pushed, then `git add \(path)`"
    }

    /// A finding for the key whose marker starts `rest` (on the line ending at `lineEnd`), and the
    /// range of the line it covers.
    static func finding(_ rest: ArraySlice<UInt8>, number: Int, path: String, file: [UInt8], lineEnd: Int, allowlist: Allowlist) -> (ScanFinding, Range<Int>)? {
        func make(_ title: String, body: [UInt8], covers: Range<Int>) -> (ScanFinding, Range<Int>) {
            (ScanFinding(path: path, line: number, rule: "private-key", title: title, severity: .block, preview: Redaction.preview(body),
                         fix: fix(path), matchHash: allowlist.hash(rule: "private-key", match: body)), covers)
        }
        if rest.starts(with: base64PEM) {
            let run = rest.prefix(while: Charset.base64)
            guard run.count >= 64, let decoded = Base64Text.decode(run.prefix(run.count / 4 * 4), url: false),
                  Scanner.contains(decoded[...], Array("PRIVATE KEY".utf8)) else { return nil }
            return make("a base64-encoded private key", body: Array(run.prefix(96)), covers: run.startIndex..<run.endIndex)
        }
        if rest.starts(with: putty) {
            guard let body = puttyBody(file, from: lineEnd) else { return nil }
            return make("a PuTTY private key", body: body, covers: rest.startIndex..<(rest.startIndex + putty.count))
        }
        // -----BEGIN <label>-----
        let labelStart = rest.startIndex + pemHeader.count
        guard let dashes = Scanner.find(rest[labelStart...].prefix(64), Array("-----".utf8)) else { return nil }
        let label = rest[labelStart..<dashes]
        // OpenVPN's tls-auth key is hex, 32 characters a line.
        let staticKey = Scanner.contains(label, Array("Static key".utf8))
        guard Scanner.contains(label, Array("PRIVATE KEY".utf8)) || staticKey, label.allSatisfy({ Charset.alnum($0) || $0 == 0x20 }) else { return nil }
        guard let body = body(file, from: dashes + 5, minimum: staticKey ? 32 : 40) else { return nil }
        let (finding, covers) = make(String(decoding: label, as: UTF8.self), body: body, covers: rest.startIndex..<(dashes + 5))
        // Documentation prints keys marked EXAMPLE or cut short with "...": a warning, not a key.
        let window = file[(dashes + 5)..<min(file.count, dashes + 5 + 4096)]
        let blockEnd = Scanner.find(window, Array("-----END".utf8)) ?? window.endIndex
        let block = window[..<blockEnd]
        if Scanner.contains(block, Array("EXAMPLE".utf8)) || Scanner.contains(block, Array("...".utf8)) {
            return (ScanFinding(path: path, line: number, rule: finding.rule, title: "a documentation example of a private key (\(finding.title))",
                                severity: .warn, preview: finding.preview, fix: finding.fix, matchHash: finding.matchHash), covers)
        }
        return (finding, covers)
    }

    /// The first base64 run of 40 or more characters within the next lines of the block, where
    /// "lines" are split at real line breaks, `\n` and `\r\n` escapes and spaces, and quotes,
    /// indentation, `echo "…" >>` and commas around them are ignored. Nil when the block has no
    /// body (a header in code, a `...` placeholder) or ends first.
    static func body(_ file: [UInt8], from start: Int, minimum: Int = 40) -> [UInt8]? {
        let end = min(file.count, start + 8192)
        var index = start, segments = 0, run: [UInt8] = []
        while index < end, segments < 40 {
            let byte = file[index]
            if Charset.base64(byte) {
                run.append(byte)
                index += 1
                continue
            }
            if run.count >= minimum { return run }
            run.removeAll(keepingCapacity: true)
            if byte == 0x0a || (byte == 0x5c && index + 1 < end && file[index + 1] == 0x6e) { segments += 1 }
            if byte == 0x2d && file[index...].starts(with: Array("-----END".utf8)) { return nil }
            index += byte == 0x5c ? 2 : 1
        }
        return run.count >= minimum ? run : nil
    }

    /// PuTTY: the base64 line after `Private-Lines:`.
    static func puttyBody(_ file: [UInt8], from start: Int) -> [UInt8]? {
        let window = file[min(start, file.count)..<min(file.count, start + 8192)]
        guard let marker = Scanner.find(window, Array("Private-Lines:".utf8)),
              let lineBreak = file[marker...].firstIndex(of: 0x0a) else { return nil }
        let body = file[(lineBreak + 1)...].prefix(while: Charset.base64)
        return body.count >= 20 ? Array(body) : nil
    }
}
