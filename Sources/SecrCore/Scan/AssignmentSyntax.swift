/// The syntax of an assignment, line by line: quoted values (escaped JSON included), call
/// arguments and tuples, type annotations, `name`/`value` pairs, and the lines that carry a
/// credential in a form of their own (`.pgpass`, `curl -u`, `mysql -p…`, `Authorization:`).
extension Assignments {
    static let schemes = ["Bearer", "Basic", "Token", "Bot", "ApiKey", "Api-Key", "Digest", "token", "bearer", "basic", "AWS4-HMAC-SHA256"]

    static let schemeBytes = schemes.map { Array($0.utf8) }
    /// The first bytes of `schemes`: a value starting with none of them names no known scheme.
    static let schemeFirstBytes = Array(Set(schemes.map { $0.utf8.first! }))

    static func authorizationScheme(_ value: [UInt8], anyWord: Bool = false) -> String? {
        if let known = schemeBytes.firstIndex(where: { bytes in
            value.count > bytes.count + 1 && value.starts(with: bytes) && value[bytes.count] == 0x20
        }) { return schemes[known] }
        // Any scheme of an Authorization header: a word, a space, its parameters (WSSE profile=…).
        guard anyWord, let space = value.firstIndex(of: 0x20), (3...20).contains(space), Charset.letter(value[0]),
              value[..<space].allSatisfy({ Charset.alnum($0) || $0 == 0x2d }) else { return nil }
        return String(decoding: value[..<space], as: UTF8.self)
    }

    /// CREATE/ALTER USER or ROLE, or a LOGIN: where PASSWORD '…' and IDENTIFIED BY '…' set one.
    static func isUserStatement(_ line: ArraySlice<UInt8>) -> Bool {
        let lower = Array(line.map(Charset.lowercased))[...]
        return ["user ", "role ", "login "].contains { Scanner.contains(lower, Array($0.utf8)) }
    }

    /// Functions whose literal arguments are credentials: setters (`setPassword`, `withToken`),
    /// logins, and constructors of credentials (`HTTPBasicAuth`, `NetworkCredential`, `PlainAuth`).
    static func takesCredentials(_ name: ArraySlice<UInt8>) -> Bool {
        let words = KeyNames.words(name)
        guard let first = words.first, let last = words.last else { return false }
        if ["set", "with", "use", "login", "authenticate", "connect", "sign"].contains(first), words.count > 1 { return true }
        return ["auth", "authentication", "credential", "credentials", "password", "passwd"].contains(last)
    }

    /// The last of the string literals that open an argument list or tuple (`"user", "pw"` → pw);
    /// nil when an argument is not a literal before it.
    static func literalArgument(_ line: ArraySlice<UInt8>, from start: Int) -> ArraySlice<UInt8>? {
        var at = start, last: ArraySlice<UInt8>?
        for _ in 0..<3 {
            while at < line.endIndex, Charset.space(line[at]) { at += 1 }
            guard at < line.endIndex, Charset.quote(line[at]) else { break }
            guard let literal = quoted(line, at: at, allowEmpty: true) else { return nil }
            last = literal
            at = literal.endIndex + 1
            while at < line.endIndex, Charset.space(line[at]) { at += 1 }
            guard at < line.endIndex, line[at] == 0x2c else { break }
            at += 1
        }
        return last?.isEmpty == false ? last : nil
    }

    /// Whether the quote at `quote` is the first thing inside `(`: a call or a tuple.
    static func opensArguments(_ line: ArraySlice<UInt8>, before quote: Int) -> Bool {
        var at = quote
        while at > line.startIndex, Charset.space(line[at - 1]) { at -= 1 }
        return at > line.startIndex && line[at - 1] == 0x28
    }

    /// `NAME: &str = "…"`, `token: string = "…"`: steps over a type annotation (one word, in a
    /// source file) to the `=`.
    static func skipTypeAnnotation(_ line: ArraySlice<UInt8>, from index: Int) -> Int {
        var at = index
        while at < line.endIndex, Charset.space(line[at]) { at += 1 }
        var scan = at
        while scan < line.endIndex, scan - at < 40, Charset.word(line[scan]) || [0x26, 0x3c, 0x3e, 0x5b, 0x5d, 0x3f, 0x2e, 0x27].contains(line[scan]) { scan += 1 }
        var equals = scan
        while equals < line.endIndex, Charset.space(line[equals]) { equals += 1 }
        if scan > at, equals < line.endIndex, line[equals] == 0x3d, equals + 1 >= line.endIndex || line[equals + 1] != 0x3d { return equals + 1 }
        return index
    }

    /// The text inside the quotes starting at `index` (`"…"`, `'…'`, `` `…` ``, or `\"…\"` in escaped JSON).
    /// A literal followed by `+` is a fragment of a concatenation, not a value: nil.
    static func quoted(_ line: ArraySlice<UInt8>, at index: Int, allowEmpty: Bool = false) -> ArraySlice<UInt8>? {
        guard let text = quotedText(line, at: index, allowEmpty: allowEmpty) else { return nil }
        var after = text.endIndex + (line[index] == 0x5c ? 2 : 1)
        while after < line.endIndex, Charset.space(line[after]) { after += 1 }
        return after < line.endIndex && line[after] == 0x2b ? nil : text
    }

    fileprivate static func quotedText(_ line: ArraySlice<UInt8>, at index: Int, allowEmpty: Bool) -> ArraySlice<UInt8>? {
        var start = index
        let escaped = line[index] == 0x5c
        if escaped { start += 1 }
        let quote = line[start]
        start += 1
        var at = start
        while at < line.endIndex {
            let b = line[at]
            if escaped {
                if b == 0x5c, at + 1 < line.endIndex, line[at + 1] == quote { return line[start..<at] }
            } else if b == 0x5c {
                at += 2
                continue
            } else if b == quote {
                return at > start || allowEmpty ? line[start..<at] : nil
            }
            at += 1
        }
        return nil
    }

    static let pairNameKeys: Set<[UInt8]> = Set(["name", "key"].map { Array($0.utf8) })

    static let pairValueKeys: Set<[UInt8]> = Set(["value", "default"].map { Array($0.utf8) })

    /// The value of a `value`/`default` field on this line after `from`.
    static func pairValue(_ line: ArraySlice<UInt8>, from: Int, atLineStart: Bool) -> ArraySlice<UInt8>? {
        var at = from
        if atLineStart {
            while at < line.endIndex, Charset.space(line[at]) || line[at] == 0x2d { at += 1 }
        }
        while at < line.endIndex {
            // The next word.
            while at < line.endIndex, !Charset.word(line[at]) { at += 1 }
            var end = at
            while end < line.endIndex, Charset.word(line[end]) { end += 1 }
            guard end > at else { return nil }
            let word = line[at..<end].map(Charset.lowercased)
            if pairValueKeys.contains(word) {
                var index = end
                while index < line.endIndex, Charset.quote(line[index]) || Charset.space(line[index]) { index += 1 }
                guard index < line.endIndex, line[index] == 0x3a || line[index] == 0x3d else { return nil }
                index += 1
                while index < line.endIndex, Charset.space(line[index]) { index += 1 }
                guard index < line.endIndex else { return nil }
                if Charset.quote(line[index]) { return quoted(line, at: index) }
                var stop = index
                while stop < line.endIndex, !Charset.space(line[stop]), ![0x2c, 0x7d, 0x3b].contains(line[stop]) { stop += 1 }
                return stop > index ? line[index..<stop] : nil
            }
            if atLineStart { return nil }
            at = end
        }
        return nil
    }

    /// `key: value` of a YAML mapping line.
    static func yamlEntry(_ line: ArraySlice<UInt8>) -> (key: ArraySlice<UInt8>, value: ArraySlice<UInt8>)? {
        let content = line.drop(while: Charset.space)
        guard let colon = content.firstIndex(of: 0x3a) else { return nil }
        var key = content[..<colon]
        while let first = key.first, Charset.quote(first) { key = key.dropFirst() }
        while let last = key.last, Charset.quote(last) { key = key.dropLast() }
        var value = content[(colon + 1)...].drop(while: Charset.space)
        while let last = value.last, last == 0x20 || last == 0x0d { value = value.dropLast() }
        if let first = value.first, Charset.quote(first), value.count >= 2, value.last == first { value = value.dropFirst().dropLast() }
        guard !key.isEmpty, !value.isEmpty, value.first != 0x7c, value.first != 0x3e else { return nil }
        return (key, value)
    }

    /// The password field of a `.pgpass` line (`host:port:database:user:password`, `\:` escaped).
    static func pgpassPassword(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        guard line.first != 0x23 else { return nil }
        var fields = 0, index = line.startIndex
        while index < line.endIndex, fields < 4 {
            if line[index] == 0x5c { index += 2; continue }
            if line[index] == 0x3a { fields += 1 }
            index += 1
        }
        guard fields == 4, index < line.endIndex else { return nil }
        var end = line.endIndex
        while end > index, line[end - 1] == 0x0d || line[end - 1] == 0x20 { end -= 1 }
        return end > index ? line[index..<end] : nil
    }

    /// The password of `mysql -pPASSWORD` (glued to the option) or `sshpass -p PASSWORD`.
    static let dashP = Array(" -p".utf8), mysqlCommands = ["mysql", "mariadb"].map { Array($0.utf8) }, sshpass = Array("sshpass ".utf8)

    static func commandLinePassword(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        guard Scanner.contains(line, dashP) else { return nil }
        let runsMySQL = mysqlCommands.contains { Scanner.contains(line, $0) }
        let runsSSHPass = Scanner.contains(line, sshpass)
        guard runsMySQL || runsSSHPass else { return nil }
        var index = line.startIndex
        while let hit = Scanner.find(line[index...], dashP) {
            index = hit + 3
            guard index < line.endIndex else { return nil }
            var at = index
            if runsSSHPass {
                guard line[at] == 0x20 else { continue }
                while at < line.endIndex, Charset.space(line[at]) { at += 1 }
            } else if Charset.space(line[at]) {
                continue  // mysql -p alone prompts for the password
            }
            guard at < line.endIndex else { return nil }
            if Charset.quote(line[at]) { return quoted(line, at: at) }
            var end = at
            while end < line.endIndex, !Charset.space(line[end]), !Charset.quote(line[end]) { end += 1 }
            return end > at ? line[at..<end] : nil
        }
        return nil
    }

    static let curl = Array("curl".utf8)

    /// The `user:password` of `curl -u` / `curl --user` on a line that runs curl.
    static func curlUser(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        guard Scanner.contains(line, curl) else { return nil }
        for flag in [" -u ", " -u\"", " -u'", " --user ", " --user="].map({ Array($0.utf8) }) {
            var index = line.startIndex
            while let hit = line[index...].firstIndex(of: flag[0]) {
                guard line[hit...].starts(with: flag) else { index = hit + 1; continue }
                var at = hit + flag.count
                if Charset.quote(flag.last ?? 0) { at -= 1 }
                while at < line.endIndex, Charset.space(line[at]) { at += 1 }
                guard at < line.endIndex else { return nil }
                if Charset.quote(line[at]) { return quoted(line, at: at) }
                var end = at
                while end < line.endIndex, !Charset.space(line[end]) { end += 1 }
                return line[at..<end]
            }
        }
        return nil
    }
}
