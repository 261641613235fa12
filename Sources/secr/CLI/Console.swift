import Glibc
import SecrCore

/// stdout for data, stderr for diagnostics; colour only on a terminal and never with NO_COLOR.
struct Console {
    /// Colour on stderr (diagnostics).
    let color: Bool
    /// Colour on stdout (tables for people, such as `secr compare`): decided for stdout itself,
    /// since `secr compare > file` must get plain text while stderr is still a terminal.
    let outputColor: Bool

    init(noColor: Bool) {
        let allowed = !noColor && Environment.get("NO_COLOR") == nil
        color = allowed && isatty(STDERR_FILENO) == 1
        outputColor = allowed && isatty(STDOUT_FILENO) == 1
    }

    /// How a word of a table stands out on a terminal.
    enum Highlight: String {
        /// Something absent that should be there (bold red).
        case missing = "1;31"
        /// A mismatch worth a look (yellow).
        case different = "33"
    }

    static func write(_ fd: Int32, _ bytes: [UInt8]) {
        // What a read records of the clone (a first pin, seen versions) is on disk before any
        // value leaves: `secr pull | head` ends secr by SIGPIPE at its first write too many.
        if fd == STDOUT_FILENO { DeferredSync.shared.settle() }
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += n
        }
    }

    /// A line of text for people: control characters and bidi overrides are shown escaped
    /// (`TerminalText`), since names and messages from git or the store may carry them.
    func out(_ text: String) { Console.write(STDOUT_FILENO, Array((TerminalText.safe(text) + "\n").utf8)) }
    /// A line of text for people made of pieces, some highlighted when stdout is a terminal.
    /// Each piece is made safe on its own, so only secr's own escape sequences reach the screen.
    func out(_ pieces: [(text: String, highlight: Highlight?)]) {
        let line = pieces.map { piece in
            let text = TerminalText.safe(piece.text)
            guard outputColor, let highlight = piece.highlight else { return text }
            return "\u{1b}[\(highlight.rawValue)m\(text)\u{1b}[0m"
        }.joined()
        Console.write(STDOUT_FILENO, Array((line + "\n").utf8))
    }

    /// Data, exactly (values from `get` and `pull`).
    func outBytes(_ bytes: [UInt8]) { Console.write(STDOUT_FILENO, bytes) }

    private func paint(_ text: String, _ code: String) -> String { color ? "\u{1b}[\(code)m\(text)\u{1b}[0m" : text }

    func error(_ text: String) { Console.write(STDERR_FILENO, Array((paint("secr: error:", "1;31") + " " + TerminalText.safe(text) + "\n").utf8)) }
    func warning(_ text: String) { Console.write(STDERR_FILENO, Array((paint("secr: warning:", "1;33") + " " + TerminalText.safe(text) + "\n").utf8)) }
    func hint(_ text: String) { Console.write(STDERR_FILENO, Array((paint("secr: hint:", "1;36") + " " + TerminalText.safe(text) + "\n").utf8)) }
    /// A line on stderr without the `secr:` prefix (usage lines under an error).
    func diagnostic(_ text: String) { Console.write(STDERR_FILENO, Array((TerminalText.safe(text) + "\n").utf8)) }
    func note(_ text: String) { Console.write(STDERR_FILENO, Array(("secr: " + TerminalText.safe(text) + "\n").utf8)) }
}
