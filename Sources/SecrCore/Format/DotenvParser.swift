/// Parses dotenv text by python-dotenv's rules: `KEY=value` lines, optional `export ` prefixes,
/// `#` comment lines, single-quoted values (literal but for `\\` and `\'`), double-quoted values
/// (escapes `\\ \' \" \a \b \f \n \r \t \v`), both of which may span lines, and unquoted values
/// that end at the line's end or at whitespace followed by `#`. Unlike python-dotenv it never
/// expands `${VAR}`: values are taken exactly as written. A later duplicate wins.
package enum DotenvParser {
    package struct Entry {
        package let key: String
        package let value: SecretBytes
        package let line: Int
    }

    package struct Result {
        package let entries: [Entry]
        /// Lines that name a key without `=` (python-dotenv reads them as "no value").
        package let warnings: [String]
    }

    package static func parse(_ bytes: [UInt8], file: String) throws -> Result {
        var parser = Cursor(bytes: bytes, file: file)
        // A UTF-8 byte-order mark, as Windows editors write it, is not part of the first key.
        if bytes.starts(with: [0xef, 0xbb, 0xbf]) { parser.position = 3 }
        var entries: [Entry] = [], warnings: [String] = []
        while true {
            parser.skip { $0 == 0x20 || $0 == 0x09 || $0 == 0x0a || $0 == 0x0d }
            guard let byte = parser.peek else { break }
            if byte == UInt8(ascii: "#") {
                parser.skipLine()
                continue
            }
            let line = parser.currentLine()
            if parser.hasPrefix("export ") || parser.hasPrefix("export\t") {
                parser.position += 6
                parser.skip { $0 == 0x20 || $0 == 0x09 }
            }
            let key: String
            if parser.peek == UInt8(ascii: "'") {
                parser.position += 1
                let start = parser.position
                parser.skip { $0 != UInt8(ascii: "'") && $0 != 0x0a }
                guard parser.peek == UInt8(ascii: "'") else { throw parser.error("unterminated quoted key", line: line) }
                key = String(decoding: bytes[start..<parser.position], as: UTF8.self)
                parser.position += 1
            } else {
                let start = parser.position
                parser.skip { $0 != UInt8(ascii: "=") && $0 != UInt8(ascii: "#") && $0 > 0x20 }
                key = String(decoding: bytes[start..<parser.position], as: UTF8.self)
            }
            guard KeyName.isValid(Substring(key)) else {
                throw parser.error("\(Redaction.quoted(key)) is not a valid key name ([A-Za-z_][A-Za-z0-9_]*)", line: line)
            }
            parser.skip { $0 == 0x20 || $0 == 0x09 }
            guard parser.peek == UInt8(ascii: "=") else {
                // A bare `KEY` (python-dotenv: a key without a value) sets nothing; anything
                // else after a key is not dotenv, and guessing could import a wrong value.
                guard [nil, 0x0a, 0x0d, UInt8(ascii: "#")].contains(parser.peek) else {
                    throw parser.error("expected '=' after \(Redaction.quoted(key))", line: line)
                }
                warnings.append("\(file):\(line): \(Redaction.quoted(key)) has no '=' and no value; skipped")
                parser.skipLine()
                continue
            }
            parser.position += 1
            let valueStart = parser.position
            parser.skip { $0 == 0x20 || $0 == 0x09 }
            let value: SecretBytes
            switch parser.peek {
            case UInt8(ascii: "#") where parser.position > valueStart:
                // `KEY= # note`: a `#` after blanks starts a comment, so the value is empty.
                parser.skipLine()
                value = SecretBytes(copying: [UInt8]())
            case UInt8(ascii: "'"):
                value = try parser.quoted(UInt8(ascii: "'"), escapes: [UInt8(ascii: "\\"): 0x5c, UInt8(ascii: "'"): 0x27], line: line)
                try parser.endOfValueLine(line: line)
            case UInt8(ascii: "\""):
                value = try parser.quoted(UInt8(ascii: "\""), escapes: Cursor.doubleQuoteEscapes, line: line)
                try parser.endOfValueLine(line: line)
            default:
                value = parser.unquoted()
            }
            entries.append(Entry(key: key, value: value, line: line))
        }
        var seen = Set<String>()
        let unique = entries.reversed().filter { seen.insert($0.key).inserted }.reversed()
        return Result(entries: Array(unique), warnings: warnings)
    }

    private struct Cursor {
        let bytes: [UInt8]
        let file: String
        var position = 0

        static let doubleQuoteEscapes: [UInt8: UInt8] = [
            UInt8(ascii: "\\"): 0x5c, UInt8(ascii: "'"): 0x27, UInt8(ascii: "\""): 0x22, UInt8(ascii: "a"): 0x07,
            UInt8(ascii: "b"): 0x08, UInt8(ascii: "f"): 0x0c, UInt8(ascii: "n"): 0x0a, UInt8(ascii: "r"): 0x0d,
            UInt8(ascii: "t"): 0x09, UInt8(ascii: "v"): 0x0b,
        ]

        /// The line at `counted`; `currentLine()` counts on from there, so numbering every
        /// entry costs one pass over the file, not one per entry.
        var counted = 0, countedLine = 1

        var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

        /// The 1-based line of `position`, which only moves forward.
        mutating func currentLine() -> Int {
            while counted < position {
                if bytes[counted] == 0x0a { countedLine += 1 }
                counted += 1
            }
            return countedLine
        }

        func hasPrefix(_ text: String) -> Bool { bytes[position...].starts(with: text.utf8) }

        mutating func skip(while predicate: (UInt8) -> Bool) {
            while let byte = peek, predicate(byte) { position += 1 }
        }

        mutating func skipLine() {
            skip { $0 != 0x0a }
            if peek == 0x0a { position += 1 }
        }

        func error(_ message: String, line: Int) -> SecrError {
            SecrError.failure("\(file):\(line): \(message); nothing was imported")
        }

        /// A quoted value, escapes decoded; the opening quote is at `position`.
        mutating func quoted(_ quote: UInt8, escapes: [UInt8: UInt8], line: Int) throws -> SecretBytes {
            position += 1
            var out: [UInt8] = []
            defer { wipe(&out) }
            while let byte = peek {
                position += 1
                if byte == quote { return SecretBytes(copying: out) }
                if byte == 0x5c, let next = peek, let decoded = escapes[next] {
                    out.append(decoded)
                    position += 1
                } else {
                    out.append(byte)
                }
            }
            throw error("the value opened with \(quote == 0x22 ? "\"" : "'") is never closed", line: line)
        }

        /// After a closing quote only spaces and a `#` comment may follow on that line.
        mutating func endOfValueLine(line: Int) throws {
            skip { $0 == 0x20 || $0 == 0x09 }
            guard let byte = peek, byte != 0x0a, byte != 0x0d else { return }
            guard byte == UInt8(ascii: "#") else {
                throw error("unexpected text after the closing quote", line: line)
            }
            skipLine()
        }

        /// To the end of the line, cut at whitespace followed by `#`, trailing whitespace removed.
        mutating func unquoted() -> SecretBytes {
            let start = position
            skip { $0 != 0x0a && $0 != 0x0d }
            var end = position
            // One pass: at each run of blanks, look at the byte after the run (not after each blank).
            var index = start
            while index < end {
                guard bytes[index] == 0x20 || bytes[index] == 0x09 else {
                    index += 1
                    continue
                }
                var after = index
                while after < end, bytes[after] == 0x20 || bytes[after] == 0x09 { after += 1 }
                if after < end, bytes[after] == UInt8(ascii: "#") {
                    end = index
                    break
                }
                index = after
            }
            while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
            return SecretBytes(copying: bytes[start..<end])
        }
    }
}
