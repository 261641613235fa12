/// Text made safe for a terminal. Git author names and commit messages are whatever a pusher
/// typed, and error messages quote user input: an escape sequence in them could rewrite what
/// the screen shows (hide a line, fake a "verified"), change the window title or worse. Control
/// characters (C0 except newline and tab, DEL, C1), the bidirectional overrides that reorder
/// text, line separators and invisible characters are shown as visible escapes (`\x1b`,
/// `\u{202e}`) instead.
package enum TerminalText {
    package static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0a, 0x09: false
        case 0..<0x20, 0x7f, 0x80...0x9f: true
        case 0x202a...0x202e, 0x2066...0x2069: true
        // Line and paragraph separators break a line where none is shown; zero-width and other
        // invisible marks make two different names look the same.
        case 0x2028, 0x2029, 0x200b...0x200f, 0x2060...0x2064, 0xfeff, 0x061c, 0x180e: true
        default: false
        }
    }

    package static func safe(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard isUnsafe(scalar) else {
                out.append(scalar)
                continue
            }
            let hex = String(scalar.value, radix: 16)
            let escaped = scalar.value < 0x100 ? "\\x" + (hex.count < 2 ? "0" : "") + hex : "\\u{\(hex)}"
            out.append(contentsOf: escaped.unicodeScalars)
        }
        return String(out)
    }
}
