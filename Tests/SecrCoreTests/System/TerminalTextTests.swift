import XCTest
@testable import SecrCore

final class TerminalTextTests: XCTestCase {
    func testControlsAndBidiOverridesAreShownEscaped() {
        XCTAssertEqual(TerminalText.safe("plain\ttext\nok"), "plain\ttext\nok")
        XCTAssertEqual(TerminalText.safe("a\u{1b}[2Jb"), "a\\x1b[2Jb")
        XCTAssertEqual(TerminalText.safe("\u{07}\u{7f}\u{9b}"), "\\x07\\x7f\\x9b")
        XCTAssertEqual(TerminalText.safe("evil\u{202e}gnp.exe"), "evil\\u{202e}gnp.exe")
        XCTAssertEqual(TerminalText.safe("pässwörd ✓"), "pässwörd ✓")
    }
}
