import Testing
@testable import SecrCore

/// The dotenv importer against python-dotenv's own parser cases (tests/test_parser.py), where
/// secr agrees, and the places where it refuses on purpose instead of guessing.
@Suite struct DotenvParserTests {
    static func parse(_ text: String) throws -> [String: String] {
        let result = try DotenvParser.parse(Array(text.utf8), file: "t.env")
        return Dictionary(result.entries.map { ($0.key, $0.value.unsafeString()) }, uniquingKeysWith: { $1 })
    }

    /// python-dotenv's cases with a valid key name, and what it reads.
    static let agreed: [(String, [String: String])] = [
        ("", [:]),
        ("a=b", ["a": "b"]),
        ("'a'=b", ["a": "b"]),
        (" a = b ", ["a": "b"]),
        ("export a=b", ["a": "b"]),
        (" export 'a'=b", ["a": "b"]),
        ("# a=b", [:]),
        ("a=b#c", ["a": "b#c"]),
        ("a=b #c", ["a": "b"]),
        ("a= #c", ["a": ""]),
        ("a=  # comment", ["a": ""]),
        ("a=#b", ["a": "#b"]),
        ("a=b\t#c", ["a": "b"]),
        ("a=b c", ["a": "b c"]),
        ("a=b\tc", ["a": "b\tc"]),
        ("a=b  c", ["a": "b  c"]),
        ("a=b\u{a0} c", ["a": "b\u{a0} c"]),
        ("a=b c ", ["a": "b c"]),
        ("a='b c '", ["a": "b c "]),
        ("a=\"b c \"", ["a": "b c "]),
        ("export export_a=1", ["export_a": "1"]),
        ("export port=8000", ["port": "8000"]),
        ("a=\"b\nc\"", ["a": "b\nc"]),
        ("a='b\nc'", ["a": "b\nc"]),
        ("a=\"b\\nc\"", ["a": "b\nc"]),
        ("a='b\\nc'", ["a": "b\\nc"]),
        ("a=\"b\\\"c\"", ["a": "b\"c"]),
        ("a='b\\'c'", ["a": "b'c"]),
        ("a=à", ["a": "à"]),
        ("a=\"à\"", ["a": "à"]),
        ("a=b\nc=d", ["a": "b", "c": "d"]),
        ("a=b\rc=d", ["a": "b", "c": "d"]),
        ("a=b\r\nc=d", ["a": "b", "c": "d"]),
        ("a=\nb=c", ["a": "", "b": "c"]),
        ("\n\n", [:]),
        ("a=b\n\n", ["a": "b"]),
        ("a=b\n\nc=d", ["a": "b", "c": "d"]),
        ("# comment\na=\"b\nc\"\nd=e\n", ["a": "b\nc", "d": "e"]),
        ("a=b\n# comment 1", ["a": "b"]),
        ("# comment 1\n# comment 2", [:]),
        // A byte-order mark, as Windows editors write one, is not part of the first key.
        ("\u{feff}a=b", ["a": "b"]),
        ("\u{feff}a=b\nc=d", ["a": "b", "c": "d"]),
    ]

    @Test(arguments: 0..<agreed.count) func agreesWithPythonDotenv(_ index: Int) throws {
        let (text, expected) = Self.agreed[index]
        #expect(try Self.parse(text) == expected, "\(text.debugDescription)")
    }

    /// python-dotenv skips these with a warning, or takes keys no environment variable can
    /// have; secr refuses the whole file and names the line, so nothing is imported half.
    @Test(arguments: ["[=b", "a: b", "a=\"\nb=c", "uglyKey[%$=\"S3cr3t_P4ssw#rD\" #\na=b", "a='b", "a=\"b\" tail"])
    func refusesWhatItCannotReadExactly(_ text: String) {
        #expect(throws: SecrError.self) { try Self.parse(text) }
    }

    /// A bare `KEY` (python-dotenv: a key with no value) is skipped, and said so.
    @Test func bareKeyIsSkippedWithAWarning() throws {
        let result = try DotenvParser.parse(Array("no_value_var\na=b\n".utf8), file: "t.env")
        #expect(result.entries.map(\.key) == ["a"])
        #expect(result.warnings.count == 1 && result.warnings[0].contains("t.env:1") && result.warnings[0].contains("no_value_var"))
    }

    @Test func lineNumbersCountFromTheStart() throws {
        let result = try DotenvParser.parse(Array("# c\n\na=\"x\ny\"\nb=2\n".utf8), file: "t.env")
        #expect(result.entries.map(\.line) == [3, 5])
        #expect(throws: SecrError.self) { try DotenvParser.parse(Array("a=1\n\n\nbad key=2\n".utf8), file: "t.env") }
        do {
            _ = try DotenvParser.parse(Array("a=1\n\n\nbad key=2\n".utf8), file: "t.env")
        } catch let error as SecrError {
            #expect(error.message.hasPrefix("t.env:4:"))
        }
    }

    /// Linear in the input: a million lines, and one value with 200,000 inner blanks, each
    /// parse in well under the time limit (both were quadratic: minutes and 14 s).
    @Test(.timeLimit(.minutes(1))) func largeInputsParseInLinearTime() throws {
        var text: [UInt8] = []
        text.reserveCapacity(20 << 20)
        for index in 0..<1_000_000 { text += Array("K\(index)=v\(index)\n".utf8) }
        #expect(try DotenvParser.parse(text, file: "t.env").entries.count == 1_000_000)
        let blanks = Array("A=x".utf8) + [UInt8](repeating: 0x20, count: 200_000) + Array("y # comment\n".utf8)
        let parsed = try DotenvParser.parse(blanks, file: "t.env")
        #expect(parsed.entries.first?.value.count == 200_002)
    }
}
