import Foundation
import Testing
@testable import SecrCore

/// The library's own text search compares UTF-8 bytes, so a target is found even where it
/// joins a neighbour into one `Character` (a quote with a combining accent, `\r\n`).
struct TextTests {
    @Test func rangeFindsTheFirstByteMatch() throws {
        let line = "pin root=r seq=1 head=h branch=refs/heads/ü store=.secr store=x"[...]
        let range = try #require(line.range(of: " store="))
        #expect(line[range.upperBound...] == ".secr store=x")
        #expect(line.range(of: " stor=") == nil)
        #expect("ab"[...].range(of: "abc") == nil)
        #expect("abc"[...].range(of: "") == nil)
        #expect("aab"[...].range(of: "ab").map { "aab"[...][$0] } == "ab")
        // Joined into one Character with what follows, and still found.
        let accented = "a'\u{301}b"[...]
        #expect(accented.range(of: "'") != nil)
        #expect("x\r\ny"[...].range(of: "\n") != nil)
    }

    @Test func replacingOccurrencesReplacesEveryByteMatch() {
        #expect("a|b||c".replacingOccurrences(of: "|", with: "\\|") == "a\\|b\\|\\|c")
        #expect("a'\u{301}".replacingOccurrences(of: "'", with: "Q") == "aQ\u{301}")
        #expect("same".replacingOccurrences(of: "", with: "x") == "same")
    }

    /// A quote followed by a combining accent is one `Character`; a search by `Character` left
    /// it unescaped and the word ended early in the shell.
    @Test func shellQuotingSurvivesTheShell() throws {
        for word in ["plain", "two words", "it's", "a'\u{301}b; echo owned", "'", "''", "\u{301}'x", "$HOME `id`", "-n"] {
            let shell = Process()
            shell.executableURL = URL(fileURLWithPath: "/bin/sh")
            shell.arguments = ["-c", "printf '%s' " + ShellQuoting.quote(word)]
            let out = Pipe()
            shell.standardOutput = out
            try shell.run()
            let printed = out.fileHandleForReading.readDataToEndOfFile()
            shell.waitUntilExit()
            #expect(shell.terminationStatus == 0)
            #expect(String(decoding: printed, as: UTF8.self) == word, "\(word.debugDescription)")
        }
    }
}
