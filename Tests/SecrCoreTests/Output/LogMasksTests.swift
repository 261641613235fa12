import XCTest
@testable import SecrCore

final class LogMasksTests: XCTestCase {
    func masks(_ values: String...) -> String {
        String(decoding: LogMasks.githubCommands(for: values.map { SecretBytes(copying: Array($0.utf8)) }), as: UTF8.self)
    }

    func testEveryLineOfEveryValueIsMaskedOnItsOwn() {
        XCTAssertEqual(masks("s3cret"), "::add-mask::s3cret\n")
        XCTAssertEqual(masks("-----BEGIN KEY-----\nline two\r\nline three\rfour\n"),
                       "::add-mask::-----BEGIN KEY-----\n::add-mask::line two\n::add-mask::line three\n::add-mask::four\n",
                       "the runner splits log lines at LF, CRLF and CR, and masks per line")
        XCTAssertEqual(masks("a", "b"), "::add-mask::a\n::add-mask::b\n")
    }

    func testBlankLinesAreLeftOutBecauseTheRunnerRefusesThem() {
        XCTAssertEqual(masks(""), "")
        XCTAssertEqual(masks("one\n\n  \t\ntwo"), "::add-mask::one\n::add-mask::two\n")
        XCTAssertEqual(masks(" padded "), "::add-mask:: padded \n", "spaces inside a line are part of it")
    }

    func testPercentIsEscapedSoTheRunnerDecodesTheValueItself() {
        // The runner turns %25, %0D and %0A in command data back into %, CR and LF.
        XCTAssertEqual(masks("100%0Aoff"), "::add-mask::100%250Aoff\n")
        XCTAssertEqual(masks("%%25"), "::add-mask::%25%2525\n")
    }

    func testCommandTextInsideAValueStaysData() {
        XCTAssertEqual(masks("::set-output name=x::y"), "::add-mask::::set-output name=x::y\n")
    }

    func testNulFormatIsKeyEqualsValueEndedByNul() {
        let out = SecretFormat.nul.render([("A", SecretBytes(copying: Array("x=y\n'\"$".utf8))), ("B", SecretBytes(copying: []))])
        XCTAssertEqual(out, Array("A=x=y\n'\"$\u{0}B=\u{0}".utf8))
    }
}
