import XCTest
@testable import SecrCore

final class SecretFormatTests: XCTestCase {
    func testDotenvQuotingChoosesTheSimplestSafeForm() {
        func render(_ value: String) -> String {
            String(decoding: SecretFormat.dotenv.render([("K", SecretBytes(copying: Array(value.utf8)))]), as: UTF8.self)
        }
        XCTAssertEqual(render("plain-value_1.2:3@x/y=z"), "K=plain-value_1.2:3@x/y=z\n")
        XCTAssertEqual(render(""), "K=\n")
        XCTAssertEqual(render("a b #c \"d\""), "K='a b #c \"d\"'\n")
        XCTAssertEqual(render("it's"), "K=\"it's\"\n")
        XCTAssertEqual(render("a\\b\nc"), "K='a\\b\nc'\n", "a lone backslash and a line break fit single quotes")
        // Nothing in the default output may run or expand when a shell sources it.
        XCTAssertEqual(render("$(touch x) `id` ${HOME}"), "K='$(touch x) `id` ${HOME}'\n")
        XCTAssertEqual(render("it's $(id)"), "K=\"it's \\$(id)\"\n")
        XCTAssertEqual(render("a\\\\b `x`"), "K=\"a\\\\\\\\b \\`x\\`\"\n", "python-dotenv would unescape \\\\ in single quotes")
        XCTAssertEqual(render("ends\\"), "K=\"ends\\\\\"\n")
    }
}
