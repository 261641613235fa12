/// Parses a flat JSON object (`{"KEY": "value", …}`) for `secr import`. String values are
/// decoded (all JSON escapes, surrogate pairs); numbers and booleans are taken as their text;
/// null, arrays and nested objects are refused with the key named.
package enum FlatJSONParser {
    package static func parse(_ bytes: [UInt8], file: String) throws -> [(key: String, value: SecretBytes)] {
        var cursor = Cursor(bytes: bytes, file: file)
        var result: [(key: String, value: SecretBytes)] = []
        cursor.whitespace()
        try cursor.expect(UInt8(ascii: "{"))
        cursor.whitespace()
        if cursor.peek == UInt8(ascii: "}") {
            cursor.position += 1
        } else {
            while true {
                cursor.whitespace()
                let keyBytes = try cursor.string()
                let key = String(decoding: keyBytes, as: UTF8.self)
                cursor.whitespace()
                try cursor.expect(UInt8(ascii: ":"))
                cursor.whitespace()
                var value: [UInt8]
                switch cursor.peek ?? 0 {
                case UInt8(ascii: "\""): value = try cursor.string()
                case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): value = cursor.scalar()
                default: throw cursor.fail("the value of \(Redaction.quoted(key)) is not a string, number or boolean (flat objects only)")
                }
                result.removeAll { $0.key == key }
                result.append((key, SecretBytes(copying: value)))
                wipe(&value)
                cursor.whitespace()
                if cursor.peek == UInt8(ascii: ",") { cursor.position += 1; continue }
                try cursor.expect(UInt8(ascii: "}"))
                break
            }
        }
        cursor.whitespace()
        guard cursor.peek == nil else { throw cursor.fail("unexpected text after the object") }
        return result
    }

    private struct Cursor {
        let bytes: [UInt8]
        let file: String
        var position = 0

        var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

        func fail(_ message: String) -> SecrError {
            SecrError.failure("\(file): \(message) (at byte \(position)); nothing was imported")
        }

        mutating func whitespace() {
            while let byte = peek, byte == 0x20 || byte == 0x09 || byte == 0x0a || byte == 0x0d { position += 1 }
        }

        mutating func expect(_ byte: UInt8) throws {
            guard peek == byte else { throw fail("expected '\(Character(UnicodeScalar(byte)))'") }
            position += 1
        }

        /// A number, true or false, as its text.
        mutating func scalar() -> [UInt8] {
            let start = position
            while let byte = peek, byte != UInt8(ascii: ","), byte != UInt8(ascii: "}"), byte > 0x20 { position += 1 }
            return Array(bytes[start..<position])
        }

        /// Exactly four hex digits (no sign, no spaces: `UInt32(_:radix:)` would take `+041`).
        mutating func hex4() throws -> UInt32 {
            guard position + 4 <= bytes.count else { throw fail("bad \\u escape: four hex digits must follow") }
            var value: UInt32 = 0
            for byte in bytes[position..<position + 4] {
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: throw fail("bad \\u escape: four hex digits must follow")
                }
                value = value << 4 | UInt32(digit)
            }
            position += 4
            return value
        }

        /// The scalar of a `\u` escape whose four digits are next; a high surrogate must be
        /// followed by a `\u` low surrogate, and a low one may not stand alone.
        mutating func unicodeEscape() throws -> UnicodeScalar {
            let first = try hex4()
            switch first {
            case 0xd800..<0xdc00:
                guard bytes[position...].starts(with: [0x5c, UInt8(ascii: "u")]) else {
                    throw fail("bad \\u escape: a high surrogate must be followed by a \\u low surrogate")
                }
                position += 2
                let low = try hex4()
                guard (0xdc00..<0xe000).contains(low) else {
                    throw fail("bad \\u escape: a high surrogate must be followed by a \\u low surrogate")
                }
                return UnicodeScalar(0x10000 + ((first - 0xd800) << 10) + (low - 0xdc00))!
            case 0xdc00..<0xe000:
                throw fail("bad \\u escape: a low surrogate without a high one")
            default:
                return UnicodeScalar(first)!
            }
        }

        mutating func string() throws -> [UInt8] {
            try expect(UInt8(ascii: "\""))
            var out: [UInt8] = []
            while let byte = peek {
                position += 1
                switch byte {
                case UInt8(ascii: "\""): return out
                case UInt8(ascii: "\\"):
                    guard let escape = peek else { throw fail("unterminated string") }
                    position += 1
                    switch escape {
                    case UInt8(ascii: "n"): out.append(0x0a)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "r"): out.append(0x0d)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0c)
                    case UInt8(ascii: "u"):
                        out += Array(String(Character(try unicodeEscape())).utf8)
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
                    default: throw fail("unknown escape \(escape > 0x20 && escape < 0x7f ? "\\" + String(UnicodeScalar(escape)) : "byte \(escape)") in a string (JSON has \\\\ \\\" \\/ \\b \\f \\n \\r \\t \\u)")
                    }
                default:
                    guard byte >= 0x20 else { throw fail("control character in a string") }
                    out.append(byte)
                }
            }
            throw fail("unterminated string")
        }
    }
}
