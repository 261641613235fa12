/// Layer 3: credentials assigned to credential-named keys, in the syntaxes real files use:
/// `key = value`, `key: value`, `"key": "value"`, `key => value`, `KEY := value`, typed constants,
/// escaped JSON inside JSON, XML elements and attributes, `name`/`value` pairs on one line or two,
/// function arguments and tuples (`("X-Api-Key", "…")`, `define('DB_PASSWORD', '…')`), command-line
/// flags, `.netrc`, `.pgpass`, `curl -u`, `Authorization: Basic/Bearer`, Dockerfile `ENV`, SQL
/// `PASSWORD '…'`, URL query parameters, and the data of a Kubernetes Secret.
///
/// Keys are found by a byte test (a credential word's first letters) before anything else, and
/// a key is classified (`KeyNames`) only when a value follows it.
struct Assignments {
    let context: FileContext
    let allowlist: Allowlist

    /// A `name: X_API_KEY` whose `value:` is still to come (within two lines).
    private var pendingPair: (kind: KeyKind, name: String, until: Int)?

    /// Inside a Kubernetes Secret's `data:` (base64 values) or `stringData:` block.
    private var secretBlock: (indent: Int, base64: Bool)?

    /// `KeyNames.classify` per distinct name in this file: names repeat through a file, and
    /// classifying one (its words against the vocabularies) takes thousands of instructions.
    private var kinds: [NameKey: KeyKind?] = [:]
    private struct NameKey: Hashable {
        let name: [UInt8]
        let query: Bool
    }

    /// Whether the file holds `curl` and ` -p` anywhere: a line can only if the file does, and
    /// asking the file once spares a search of every line for each.
    private let fileHasCurl: Bool, fileHasDashP: Bool

    init(context: FileContext, allowlist: Allowlist, file: [UInt8]) {
        self.context = context
        self.allowlist = allowlist
        fileHasCurl = Scanner.contains(file[...], Assignments.curl)
        fileHasDashP = Scanner.contains(file[...], Assignments.dashP)
    }

    private mutating func classify(_ key: ArraySlice<UInt8>, queryParameter: Bool) -> KeyKind? {
        let name = NameKey(name: Array(key), query: queryParameter)
        if let known = kinds[name] { return known }
        let kind = KeyNames.classify(key, queryParameter: queryParameter)
        if kinds.count < 4096 { kinds[name] = kind }
        return kind
    }

    static let stems = ["pass", "pwd", "pw", "secret", "token", "key", "auth", "cred", "jwt", "bearer", "identified", "sig",
                        "honeycomb", "apikey", "securestring", "pat", "requirepass", "masterauth"].map { Array($0.utf8) }

    static func isIdentifierByte(_ b: UInt8) -> Bool { Charset.word(b) || b == 0x2d || b == 0x2e || b == 0x2f }

    /// `.`, `/` or `-`: at either end of an identifier they belong to a path, not a name.
    static func isPathEdge(_ b: UInt8) -> Bool { b == 0x2e || b == 0x2f || b == 0x2d }

    /// What may close a key before its operator: quotes (escaped in JSON-in-JSON) and the
    /// bracket of `ENV["KEY"]`.
    static func closesKey(_ b: UInt8) -> Bool { b == 0x22 || b == 0x27 || b == 0x60 || b == 0x5c || b == 0x5d }

    static let passwordWord = Array("password".utf8), passwdWord = Array("passwd".utf8), identifiedWord = Array("identified".utf8)

    /// Whether `text`, lower-cased, is `word` (which is lower case), with nothing allocated.
    static func equalsLowercased(_ text: ArraySlice<UInt8>, _ word: [UInt8]) -> Bool {
        text.count == word.count && zip(text, word).allSatisfy { Charset.lowercased($0) == $1 }
    }

    static let stemsByFirstByte: [[[UInt8]]] = {
        var table = [[[UInt8]]](repeating: [], count: 256)
        for stem in stems { table[Int(stem[0])].append(stem) }
        return table
    }()

    /// Where a stem may start (its first three bytes, either case): `hasStem` decides.
    static let stemGate = PairGate(stems, foldingCase: true)

    private static func hasStem(_ line: ArraySlice<UInt8>, at index: Int) -> Bool {
        stemsByFirstByte[Int(Charset.lowercased(line[index]))].contains { stem in
            guard index + stem.count <= line.endIndex else { return false }
            for offset in 0..<stem.count where Charset.lowercased(line[index + offset]) != stem[offset] { return false }
            return true
        }
    }

    /// State from a line that is not scanned (unchanged lines of a modified file).
    mutating func observe(_ line: ArraySlice<UInt8>, number: Int) {
        _ = updateSecretBlock(line)
        if let pending = pendingPair, number > pending.until { pendingPair = nil }
    }

    mutating func findings(_ line: ArraySlice<UInt8>, number: Int, claimed: ClaimedSpans) -> [ScanFinding] {
        var found: [ScanFinding] = []
        func report(_ value: ArraySlice<UInt8>, kind: KeyKind, key: String, strict: Bool = false, match: ArraySlice<UInt8>? = nil) {
            guard !claimed.overlaps(value.startIndex..<value.endIndex) else { return }
            if let finding = judge(Array(value), kind: kind, key: key, number: number, strict: strict, match: match.map(Array.init)) {
                found.append(finding)
            }
        }
        if let pending = pendingPair, number > pending.until { pendingPair = nil }
        let inSecretBlock = updateSecretBlock(line)
        if context.isPgpass, let password = Assignments.pgpassPassword(line) { report(password, kind: .password, key: "a .pgpass entry") }
        if fileHasCurl, let user = Assignments.curlUser(line) {
            if let colon = user.firstIndex(of: 0x3a) { report(user[(colon + 1)...], kind: .password, key: "curl -u") }
        }
        if fileHasDashP, let password = Assignments.commandLinePassword(line) { report(password, kind: .password, key: "a -p option") }
        // The value line of a name/value pair whose name was on an earlier line.
        if let pending = pendingPair, let value = Assignments.pairValue(line, from: line.startIndex, atLineStart: true) {
            report(value, kind: pending.kind, key: pending.name)
            pendingPair = nil
        }
        if let block = inSecretBlock, let entry = Assignments.yamlEntry(line) {
            let kind = KeyNames.classify(entry.key) ?? .secret
            if block.base64, let decoded = Base64Text.decode(entry.value, url: false), Base64Text.isPrintable(decoded) {
                if let finding = judge(decoded, kind: kind, key: String(decoding: entry.key, as: UTF8.self), number: number, strict: false, match: Array(entry.value)) {
                    found.append(finding)
                }
            } else {
                report(entry.value, kind: kind, key: String(decoding: entry.key, as: UTF8.self))
            }
            return found
        }
        guard line.count >= 8 else { return found }
        var position = line.startIndex
        while let next = Assignments.stemGate.next(in: line, from: position) {
            position = next
            guard Assignments.hasStem(line, at: position) else {
                position += 1
                continue
            }
            var start = position, end = position
            while start > line.startIndex, Assignments.isIdentifierByte(line[start - 1]) { start -= 1 }
            while end < line.endIndex, Assignments.isIdentifierByte(line[end]) { end += 1 }
            position = end
            // Leading and trailing dots and slashes belong to paths, not names.
            while start < end, Assignments.isPathEdge(line[start]) { start += 1 }
            while end > start, Assignments.isPathEdge(line[end - 1]) { end -= 1 }
            guard end > start else { continue }
            let key = line[start..<end]
            if let pair = pairName(line, keyStart: start, keyEnd: end, number: number) {
                if let value = Assignments.pairValue(line, from: end, atLineStart: false) {
                    report(value, kind: pair, key: String(decoding: key, as: UTF8.self))
                    pendingPair = nil
                } else {
                    pendingPair = (pair, String(decoding: key, as: UTF8.self), number + 3)
                }
                continue
            }
            guard let assignment = value(in: line, keyStart: start, keyEnd: end) else { continue }
            let query = start > line.startIndex && (line[start - 1] == 0x3f || line[start - 1] == 0x26)
            guard var kind = classify(key, queryParameter: query) ?? (assignment.sql ? .password : nil) else { continue }
            if assignment.argument && kind == .authorization { kind = .password }
            // A key that is a segment of a colon path (arn:aws:secretsmanager:…:secret:prod/db) names nothing.
            if start > line.startIndex, line[start - 1] == 0x3a, end < line.endIndex, line[end] == 0x3a { continue }
            report(assignment.value, kind: kind, key: String(decoding: key, as: UTF8.self), strict: context.isCode && !assignment.delimited)
        }
        return found
    }

    /// A finding for `value` if it is a credential; Basic credentials and base64 `user:password`
    /// are judged by their password, `Bearer x` by x.
    private func judge(_ value: [UInt8], kind: KeyKind, key: String, number: Int, strict: Bool, match: [UInt8]?) -> ScanFinding? {
        var value = value, kind = kind
        let whole = match ?? value
        if let scheme = Assignments.authorizationScheme(value, anyWord: kind == .authorization) {
            let rest = Array(value.dropFirst(scheme.count).drop { $0 == 0x20 })
            if scheme.lowercased() == "basic", let decoded = Base64Text.decode(rest), Base64Text.isPrintable(decoded), let colon = decoded.firstIndex(of: 0x3a) {
                value = Array(decoded[(colon + 1)...])
                kind = .password
            } else {
                value = rest
            }
        } else if kind == .authorization, value.count >= 12, value.count % 4 == 0, let decoded = Base64Text.decode(value, url: false),
                  Base64Text.isPrintable(decoded), let colon = decoded.firstIndex(of: 0x3a) {
            // docker's config.json: "auth": base64(user:password)
            value = Array(decoded[(colon + 1)...])
            kind = .password
        }
        if context.isSealedSecret, value.count > 100, value.starts(with: Array("Ag".utf8)) { return nil }
        let verdict = Values.judge(value, as: kind, strict: strict)
        wipe(&value)
        guard verdict != .harmless else { return nil }
        let shownKey = key.utf8.count <= 48 ? key : "a credential-named key"
        let what = kind == .password ? "a password" : "a credential"
        return ScanFinding(path: context.path, line: number, rule: "generic-secret",
                           title: verdict == .developmentDefault ? "a development default secret assigned to \(shownKey)" : "\(what) assigned to \(shownKey)",
                           severity: verdict == .developmentDefault ? .warn : .block, preview: Redaction.preview(whole),
                           fix: "move it into secr (`secr set NAME --stdin -e ENV`) and read it from the environment; if it is not a secret, add `secr:allow` to the line or an entry to .secr/allow",
                           matchHash: allowlist.hash(rule: "generic-secret", match: whole))
    }

    struct Assignment {
        let value: ArraySlice<UInt8>
        /// Quoted, or delimited by its syntax (an XML element): a literal even in code.
        let delimited: Bool
        /// `PASSWORD '…'` / `IDENTIFIED BY '…'`: SQL, where the keyword itself says password.
        var sql = false
        /// A literal argument of a credential-named call, or the last literal of a tuple.
        var argument = false
    }

    /// The value assigned to the key at `keyStart..<keyEnd`, if the line assigns one.
    func value(in line: ArraySlice<UInt8>, keyStart: Int, keyEnd: Int) -> Assignment? {
        let end = line.endIndex
        let before = keyStart > line.startIndex ? line[keyStart - 1] : 0
        // <password>value</password>
        if before == 0x3c, keyEnd < end, line[keyEnd] == 0x3e {
            let start = keyEnd + 1
            let stop = line[start...].firstIndex(of: 0x3c) ?? end
            return stop > start ? Assignment(value: line[start..<stop], delimited: true) : nil
        }
        var index = keyEnd
        let quotedKey = Charset.quote(before)
        // Inside a longer string ("a password": …): the words are text, not a key.
        if !quotedKey, index < end, Charset.quote(line[index]), before != 0x5c, before != 0x3a { return nil }
        // AWS::ApiGateway::ApiKey, Foo::Secret: a namespaced name.
        if keyStart >= line.startIndex + 2, line[keyStart - 1] == 0x3a, line[keyStart - 2] == 0x3a { return nil }
        // A call: setPassword("…"), HTTPBasicAuth("user", "…"), NetworkCredential("user", "…"); not
        // any function with a credential word in its name (tokenize("…"), get_secret("name")).
        if index < end, line[index] == 0x28 {
            guard Assignments.takesCredentials(line[keyStart..<keyEnd]) else { return nil }
            return Assignments.literalArgument(line, from: index + 1).map { Assignment(value: $0, delimited: true, argument: true) }
        }
        // Closing quotes (escaped in JSON-in-JSON), brackets of ENV["KEY"], then spaces.
        var skipped = 0
        while index < end, skipped < 4, Assignments.closesKey(line[index]) {
            index += 1
            skipped += 1
        }
        while index < end, Charset.space(line[index]) { index += 1 }
        guard index < end else { return nil }
        let keyText = line[keyStart..<keyEnd]
        // ConvertTo-SecureString "…" (PowerShell): the command takes the password itself.
        if Charset.quote(line[index]), index > keyEnd, KeyNames.words(keyText).suffix(2) == ["secure", "string"] {
            return Assignments.quoted(line, at: index).map { Assignment(value: $0, delimited: true, argument: true) }
        }
        // SQL: PASSWORD 'x', IDENTIFIED BY 'x'.
        // SQL (a statement about a user or role, a string literal in single quotes).
        let isPassword = Assignments.equalsLowercased(keyText, Assignments.passwordWord)
        let isIdentified = !isPassword && Assignments.equalsLowercased(keyText, Assignments.identifiedWord)
        let sqlKeyword = isPassword || isIdentified
        // The statement around the keyword, not the whole line (a minified file is one long line).
        let statement = sqlKeyword && Assignments.isUserStatement(line[max(line.startIndex, keyStart - 160)..<keyStart])
        if statement, line[index] == 0x27 && index > keyEnd + skipped {
            if isPassword && !quotedKey { return Assignments.quoted(line, at: index).map { Assignment(value: $0, delimited: true, sql: true) } }
        }
        if statement, isIdentified, line[index...].starts(with: Array("BY ".utf8)) || line[index...].starts(with: Array("by ".utf8)) {
            var at = index + 3
            while at < end, Charset.space(line[at]) { at += 1 }
            guard at < end, line[at] == 0x27 else { return nil }
            return Assignments.quoted(line, at: at).map { Assignment(value: $0, delimited: true, sql: true) }
        }
        // 'Credential=' + access_key: the key and its operator are the text of a string literal.
        if quotedKey, index + 1 < end, line[index] == 0x3d || line[index] == 0x3a, line[index + 1] == before { return nil }
        switch line[index] {
        case 0x3d:  // = (not ==), =>
            if index + 1 < end && line[index + 1] == 0x3d { return nil }
            index += index + 1 < end && line[index + 1] == 0x3e ? 2 : 1
            // auth=("user", "password"), a tuple or list of literals: the last is the password.
            var at = index
            while at < end, Charset.space(line[at]) { at += 1 }
            if at < end, line[at] == 0x28 || line[at] == 0x5b {
                let kind = KeyNames.classify(keyText)
                guard kind == .authorization || kind == .password else { return nil }
                return Assignments.literalArgument(line, from: at + 1).map { Assignment(value: $0, delimited: true, argument: true) }
            }
        case 0x3a:  // : (not ::), :=
            if index + 1 < end && line[index + 1] == 0x3a { return nil }
            index += index + 1 < end && line[index + 1] == 0x3d ? 2 : 1
            if context.isCode { index = Assignments.skipTypeAnnotation(line, from: index) }
        case 0x2c where quotedKey && Assignments.opensArguments(line, before: keyStart - 1):
            // ("KEY", "value"), define('KEY', 'value'), setHeader("Authorization", "…"); not a list.
            index += 1
            while index < end, Charset.space(line[index]) { index += 1 }
            guard index < end, Charset.quote(line[index]) else { return nil }
            return Assignments.quoted(line, at: index).map { Assignment(value: $0, delimited: true) }
        case 0x7c, 0x3f:  // ||=, ??=, ?=
            if index + 2 < end && line[index + 1] == line[index] && line[index + 2] == 0x3d {
                index += 3
            } else if line[index] == 0x3f && index + 1 < end && line[index + 1] == 0x3d {
                index += 2
            } else {
                return nil
            }
        default:
            // KEY value: command-line flags (--token x), .netrc, Dockerfile ENV KEY value.
            guard index > keyEnd, spaceSeparated(line, keyStart: keyStart, keyText: keyText) else { return nil }
        }
        while index < end, Charset.space(line[index]) { index += 1 }
        guard index < end else { return nil }
        if Charset.quote(line[index]) || (line[index] == 0x5c && index + 1 < end && Charset.quote(line[index + 1])) {
            return Assignments.quoted(line, at: index).map { Assignment(value: $0, delimited: true) }
        }
        let query = before == 0x3f || before == 0x26
        var stop = index
        while stop < end {
            let b = line[stop]
            if b == 0x20 || b == 0x09 || b == 0x2c || b == 0x3b || b == 0x29 || b == 0x7d || b == 0x5d || Charset.quote(b) || b == 0x3c { break }
            if b == 0x5c, stop + 1 < end, line[stop + 1] == 0x6e || Charset.quote(line[stop + 1]) { break }
            if query && (b == 0x26 || b == 0x23) { break }
            stop += 1
        }
        guard stop > index else { return nil }
        // Authorization: Bearer x (unquoted)
        if Assignments.schemeFirstBytes.contains(line[index]),
           let scheme = Assignments.authorizationScheme(Array(line[index..<min(end, index + 8)]) + [0x20]),
           stop - index == scheme.utf8.count, stop < end, line[stop] == 0x20 {
            var next = stop + 1
            while next < end, !Charset.space(line[next]), !Charset.quote(line[next]) { next += 1 }
            return Assignment(value: line[index..<next], delimited: false)
        }
        return Assignment(value: line[index..<stop], delimited: false)
    }

    /// `--token x`, `.netrc` `password x`, Dockerfile `ENV KEY x`: where a space is the operator.
    private func spaceSeparated(_ line: ArraySlice<UInt8>, keyStart: Int, keyText: ArraySlice<UInt8>) -> Bool {
        if keyStart >= line.startIndex + 2, line[keyStart - 1] == 0x2d, line[keyStart - 2] == 0x2d { return true }
        let netrcWord = Assignments.equalsLowercased(keyText, Assignments.passwordWord) || Assignments.equalsLowercased(keyText, Assignments.passwdWord)
        let nearby = line[max(line.startIndex, keyStart - 200)..<keyStart]
        if netrcWord, context.isNetrc || Scanner.contains(nearby, Array("machine ".utf8)) || Scanner.contains(nearby, Array("login ".utf8)) { return true }
        // `requirepass x`, `SetEnv DB_PASSWORD x`, `proxy_set_header X-Api-Key "x";`: the key is
        // the first or second word of a directive line.
        if context.isDirectiveConfig {
            let words = line.split(whereSeparator: Charset.space)
            if let first = words.first, first.startIndex == keyStart { return true }
            if words.count >= 3, words[1].startIndex == keyStart, words[0].allSatisfy({ Charset.word($0) }) { return true }
        }
        if context.isDockerfile {
            let trimmed = line.drop(while: Charset.space)
            if trimmed.starts(with: Array("ENV ".utf8)) || trimmed.starts(with: Array("ARG ".utf8)) {
                let afterDirective = trimmed.dropFirst(4).drop(while: Charset.space)
                return afterDirective.startIndex == keyStart
            }
        }
        return false
    }

    /// When the identifier at `keyStart` is the *value* of a `name`/`key` field (`- name: X_API_KEY`,
    /// `<add key="ApiKey"`, `{"name": "DB_PASSWORD"`) or a Terraform `variable "db_password"`, the
    /// kind of credential it names: its value is in the `value`/`default` field that follows.
    private func pairName(_ line: ArraySlice<UInt8>, keyStart: Int, keyEnd: Int, number: Int) -> KeyKind? {
        var at = keyStart
        let quoteBefore = at > line.startIndex && Charset.quote(line[at - 1])
        if quoteBefore { at -= 1 }
        // The name must be the whole value: followed by its closing quote or the end of the line.
        let afterEnd = keyEnd < line.endIndex ? line[keyEnd] : 0x0a
        guard quoteBefore ? Charset.quote(afterEnd) : (afterEnd == 0x0a || afterEnd == 0x0d || afterEnd == 0x20 || afterEnd == 0x2c) else { return nil }
        while at > line.startIndex, Charset.space(line[at - 1]) { at -= 1 }
        guard at > line.startIndex else { return nil }
        var fieldEnd = at
        if line[at - 1] == 0x3a || line[at - 1] == 0x3d {
            fieldEnd = at - 1
            while fieldEnd > line.startIndex, Charset.space(line[fieldEnd - 1]) || Charset.quote(line[fieldEnd - 1]) { fieldEnd -= 1 }
        } else if !quoteBefore {
            return nil
        }
        var fieldStart = fieldEnd
        while fieldStart > line.startIndex, Charset.word(line[fieldStart - 1]) { fieldStart -= 1 }
        let field = line[fieldStart..<fieldEnd].map(Charset.lowercased)
        let isPairField = Assignments.pairNameKeys.contains(field) && fieldEnd < at
        let isVariableBlock = field == Array("variable".utf8) && quoteBefore && fieldEnd == at
        guard isPairField || isVariableBlock else { return nil }
        return KeyNames.classify(line[keyStart..<keyEnd])
    }

    /// Tracks `data:` / `stringData:` of a Kubernetes Secret; the block the line is in, if any.
    private mutating func updateSecretBlock(_ line: ArraySlice<UInt8>) -> (indent: Int, base64: Bool)? {
        guard context.isKubernetesSecret else { return nil }
        let indent = line.prefix(while: Charset.space).count
        let content = line.dropFirst(indent)
        guard !content.isEmpty, content.first != 0x23, content.first != 0x0d else { return secretBlock }
        if let block = secretBlock, indent > block.indent { return block }
        secretBlock = nil
        var trimmed = content
        while let last = trimmed.last, last == 0x20 || last == 0x0d { trimmed = trimmed.dropLast() }
        if trimmed.elementsEqual(Array("data:".utf8)) { secretBlock = (indent, true) }
        if trimmed.elementsEqual(Array("stringData:".utf8)) { secretBlock = (indent, false) }
        return nil
    }
}
