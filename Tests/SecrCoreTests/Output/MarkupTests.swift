import XCTest
@testable import SecrCore

final class MarkupTests: XCTestCase {
    func testHTMLEscapesMarkupQuotesAndTerminalControls() {
        XCTAssertEqual(HTMLText.escape("a<b>&\"c\"'d'"), "a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39;")
        XCTAssertEqual(HTMLText.escape("x\u{1b}[2J\u{202e}y"), "x\\x1b[2J\\u{202e}y")
        XCTAssertEqual(HTMLText.escape("&amp;"), "&amp;amp;", "an entity in a name stays text")
        XCTAssertEqual(HTMLText.escape("plain ✓"), "plain ✓")
    }

    func testMarkdownProseCannotBecomeMarkupOrANewRow() {
        XCTAssertEqual(MarkdownText.escape("![x](http://e) <b> | *a* _b_ `c` #1 @me ~d~ $m$"),
                       "\\!\\[x\\](http://e) \\<b\\> \\| \\*a\\* \\_b\\_ \\`c\\` \\#1 \\@me \\~d\\~ \\$m\\$")
        XCTAssertEqual(MarkdownText.escape("one\ntwo\r"), "one two\\\\x0d", "a carriage return shown as text, its backslash literal")
        XCTAssertEqual(MarkdownText.escape("a\\b"), "a\\\\b")
        XCTAssertEqual(MarkdownText.escape("v1 (same), ok."), "v1 (same), ok.", "readable where nothing can start markup")
    }

    func testMarkdownCodeSpansFenceBackticksAndEscapeBars() {
        XCTAssertEqual(MarkdownText.code("Eve <e@x>"), "`Eve <e@x>`")
        XCTAssertEqual(MarkdownText.code("a`b"), "``a`b``")
        XCTAssertEqual(MarkdownText.code("``x"), "``` ``x ```")
        XCTAssertEqual(MarkdownText.code("a|b"), "`a\\|b`")
        XCTAssertEqual(MarkdownText.code("a\nb\u{1b}"), "`a b\\x1b`")
    }
}
