import CSodium

/// The output formats of `secr pull` (docs/FORMATS.md of the README explains the quoting).
package enum SecretFormat: String, CaseIterable, Sendable {
    case dotenv, json, shell, yaml, nul, keys

    /// Renders decrypted values. The result holds plaintext: write it, then `wipe` it.
    package func render(_ values: [(key: String, value: SecretBytes)]) -> [UInt8] {
        var out: [UInt8] = []
        switch self {
        case .keys:
            return SecretFormat.keyList(values.map(\.key))
        case .dotenv:
            for (key, value) in values {
                out += Array(key.utf8) + [UInt8(ascii: "=")]
                value.withUnsafeBytes { DotenvQuoting.append($0, to: &out) }
                out.append(0x0a)
            }
        case .shell:
            for (key, value) in values {
                out += Array("export \(key)='".utf8)
                value.withUnsafeBytes { bytes in
                    for b in bytes {
                        if b == UInt8(ascii: "'") { out += Array("'\\''".utf8) } else { out.append(b) }
                    }
                }
                out += Array("'\n".utf8)
            }
        case .json:
            out += Array("{".utf8)
            for (index, (key, value)) in values.enumerated() {
                out += Array((index == 0 ? "\n  " : ",\n  ").utf8)
                JSONText.appendString(Array(key.utf8), to: &out)
                out += Array(": ".utf8)
                value.withUnsafeBytes { JSONText.appendString($0, to: &out) }
            }
            out += Array((values.isEmpty ? "}\n" : "\n}\n").utf8)
        case .nul:
            // `KEY=value` ended by NUL, as `env -0` prints: no quoting, since no value holds a NUL.
            for (key, value) in values {
                out += Array(key.utf8) + [UInt8(ascii: "=")]
                value.withUnsafeBytes { out += $0 }
                out.append(0)
            }
        case .yaml:
            if values.isEmpty { out += Array("{}\n".utf8) }
            for (key, value) in values {
                out += Array("\"\(key)\": ".utf8)
                value.withUnsafeBytes { YAMLText.appendDoubleQuoted($0, to: &out) }
                out.append(0x0a)
            }
        }
        return out
    }
}

extension SecretFormat {
    /// `--format keys`: names only, one per line; needs no decryption.
    package static func keyList(_ keys: [String]) -> [UInt8] {
        Array(keys.map { $0 + "\n" }.joined().utf8)
    }
}

/// How `pull --format dotenv` writes a value. The default output is often sourced by a shell
/// (`set -a; . ./.env`), so nothing in it may execute: no `$(…)`, backtick or `${…}` can reach
/// sh, python-dotenv's interpolation or docker compose unquoted. And what they read must be the
/// value:
/// - only `[A-Za-z0-9_./:@%+,=-]`: unquoted;
/// - no `'` and no backslash that python-dotenv would unescape (`\\`, `\'`, a trailing `\`):
///   single quotes, line breaks included; sh, python-dotenv and compose read it literally;
/// - otherwise double quotes, escaping `\\`, `\"`, `\$` and `` \` `` (so sh expands nothing) and
///   `\r`; line breaks stay raw. sh reads these exactly; python-dotenv reads `\$`, `` \` ``
///   and a `\r` differently, so `caveats` names such keys for a warning.
enum DotenvQuoting {
    static func isPlain(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a)
            || Array("_./:@%+,=-".utf8).contains(b)
    }

    static let quote = UInt8(ascii: "'"), backslash = UInt8(ascii: "\\")

    /// Single quotes hold the value literally for every reader.
    static func fitsSingleQuotes(_ value: UnsafeRawBufferPointer) -> Bool {
        guard !value.contains(quote) else { return false }
        for (index, b) in value.enumerated() where b == backslash {
            if index == value.count - 1 || value[index + 1] == backslash { return false }
        }
        return true
    }

    /// True when python-dotenv would not read back exactly this value.
    static func needsCaveat(_ value: UnsafeRawBufferPointer) -> Bool {
        !value.allSatisfy(isPlain) && !fitsSingleQuotes(value)
            && value.contains { $0 == UInt8(ascii: "$") || $0 == UInt8(ascii: "`") || $0 == 0x0d }
    }

    static func append(_ value: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        if value.allSatisfy(isPlain) {
            out += value
        } else if fitsSingleQuotes(value) {
            out.append(quote)
            out += value
            out.append(quote)
        } else {
            out.append(UInt8(ascii: "\""))
            for b in value {
                switch b {
                case backslash: out += Array("\\\\".utf8)
                case UInt8(ascii: "\""): out += Array("\\\"".utf8)
                case UInt8(ascii: "$"): out += Array("\\$".utf8)
                case UInt8(ascii: "`"): out += Array("\\`".utf8)
                case 0x0d: out += Array("\\r".utf8)
                default: out.append(b)
                }
            }
            out.append(UInt8(ascii: "\""))
        }
    }
}

extension SecretFormat {
    /// Keys whose dotenv text python-dotenv reads differently from sh (see `DotenvQuoting`):
    /// a value with a quote or backslashes and also `$`, a backtick or a CR.
    package static func dotenvCaveats(_ values: [(key: String, value: SecretBytes)]) -> [String] {
        values.filter { $0.value.withUnsafeBytes(DotenvQuoting.needsCaveat) }.map(\.key)
    }
}

/// YAML double-quoted scalars: the one YAML style in which every string can be written exactly.
enum YAMLText {
    static func appendDoubleQuoted(_ value: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        let hex = Array("0123456789ABCDEF".utf8)
        let text = String(decoding: value, as: UTF8.self)
        out.append(UInt8(ascii: "\""))
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += Array("\\\\".utf8)
            case "\"": out += Array("\\\"".utf8)
            case "\n": out += Array("\\n".utf8)
            case "\r": out += Array("\\r".utf8)
            case "\t": out += Array("\\t".utf8)
            case "\u{85}": out += Array("\\N".utf8)
            case "\u{2028}": out += Array("\\L".utf8)
            case "\u{2029}": out += Array("\\P".utf8)
            default:
                if scalar.value < 0x20 || scalar.value == 0x7f {
                    out += Array("\\x".utf8) + [hex[Int(scalar.value >> 4)], hex[Int(scalar.value & 15)]]
                } else {
                    out += Array(String(scalar).utf8)
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
