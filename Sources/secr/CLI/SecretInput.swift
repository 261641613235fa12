import Glibc
import SecrCore

/// Reading a value from standard input or from a hidden prompt, straight into `SecretBytes`.
enum SecretInput {
    /// All of standard input, less one trailing newline.
    static func fromStandardInput() throws -> SecretBytes {
        var bytes: [UInt8] = []
        defer { wipe(&bytes) }
        var chunk = [UInt8](repeating: 0, count: 65536)
        defer { wipe(&chunk) }
        while true {
            let n = read(STDIN_FILENO, &chunk, chunk.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw SecrError(.failure, "cannot read standard input: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            bytes += chunk[0..<n]
            guard bytes.count <= SecretValue.maximumBytes + 2 else { break }
        }
        if bytes.last == 0x0a {
            bytes.removeLast()
            if bytes.last == 0x0d { bytes.removeLast() }
        }
        return SecretBytes(copying: bytes)
    }

    static var standardInputIsTerminal: Bool { isatty(STDIN_FILENO) == 1 }

    /// Prompts on stderr and reads one line from the terminal with echo off.
    static func prompt(_ text: String) throws -> SecretBytes {
        hiddenLine(asking: text, on: STDIN_FILENO, echoTo: STDERR_FILENO)
    }
}

extension SecretInput {
    /// Asks on the controlling terminal (/dev/tty) with echo off, so it works when stdin and
    /// stdout are pipes; nil when there is no terminal.
    static func promptTerminal(_ question: String) throws -> SecretBytes? {
        let tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard tty >= 0 else { return nil }
        defer { close(tty) }
        return hiddenLine(asking: question, on: tty, echoTo: tty)
    }

    /// Writes `question` to `out`, then reads one line from `input` with the terminal's echo
    /// off (when it is a terminal), and restores the echo whatever happens.
    private static func hiddenLine(asking question: String, on input: Int32, echoTo out: Int32) -> SecretBytes {
        Console.write(out, Array(question.utf8))
        var saved = termios()
        let canHide = tcgetattr(input, &saved) == 0
        if canHide {
            var hidden = saved
            hidden.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(input, TCSAFLUSH, &hidden)
        }
        defer {
            if canHide { tcsetattr(input, TCSAFLUSH, &saved) }
            Console.write(out, [0x0a])
        }
        var line: [UInt8] = []
        defer { wipe(&line) }
        var byte: UInt8 = 0
        while true {
            let n = read(input, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            guard n == 1, byte != 0x0a else { break }
            line.append(byte)
        }
        if line.last == 0x0d { line.removeLast() }
        return SecretBytes(copying: line)
    }

    /// Asks on stderr and reads one answer line from the terminal; true when it starts with `yes`.
    static func confirm(_ question: String, yes: String) throws -> Bool {
        Console.write(STDERR_FILENO, Array(question.utf8))
        var answer: [UInt8] = []
        var byte: UInt8 = 0
        while read(STDIN_FILENO, &byte, 1) == 1, byte != 0x0a { answer.append(byte) }
        return String(decoding: answer, as: UTF8.self).lowercased().hasPrefix(yes)
    }
}
