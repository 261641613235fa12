import Testing
@testable import SecrCore

@Suite struct FlatJSONParserTests {
    static func parse(_ text: String) throws -> [String: String] {
        Dictionary(try FlatJSONParser.parse(Array(text.utf8), file: "t.json").map { ($0.key, $0.value.unsafeString()) },
                   uniquingKeysWith: { $1 })
    }

    @Test func decodesEveryEscapeAndSurrogatePairs() throws {
        let parsed = try Self.parse(#"{"A": "q\"b\\s\/n\nt\tr\rb\bf\f", "E": "\u00e9\ud83d\udd11", "N": 42, "T": true}"#)
        #expect(parsed["A"] == "q\"b\\s/n\nt\tr\rb\u{8}f\u{c}")
        #expect(parsed["E"] == "é🔑")
        #expect(parsed["N"] == "42" && parsed["T"] == "true")
    }

    /// Found by the fuzzer: a high surrogate followed by a `\u` escape that is not a low one
    /// underflowed (SIGILL). These are refused with a message, never a crash.
    @Test(arguments: [#"{"A":"\ud800\u0041"}"#, #"{"A":"\ud800"}"#, #"{"A":"\udc00"}"#, #"{"A":"\ud800\ud800"}"#,
                      #"{"A":"\u+041"}"#, #"{"A":"\u 041"}"#, #"{"A":"\u00"}"#, #"{"A":"\q"}"#, #"{"A":"\ud800\"#])
    func refusesBadEscapes(_ text: String) {
        #expect(throws: SecrError.self) { try Self.parse(text) }
    }

    @Test func refusesNestedValuesWithTheKeyNamed() {
        do {
            _ = try Self.parse(#"{"A": {"b": 1}}"#)
            Issue.record("nested object accepted")
        } catch let error as SecrError {
            #expect(error.message.contains("'A'") || error.message.contains("A"))
        } catch {
            Issue.record("\(error)")
        }
    }
}
