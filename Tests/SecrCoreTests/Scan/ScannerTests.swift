import Testing
@testable import SecrCore

@Suite struct ScannerTests {
    /// `find` against a plain search, on slices that do not start at 0 and needles whose least
    /// common byte is first, in the middle or last.
    @Test func findAgreesWithAPlainSearch() {
        func plain(_ hay: ArraySlice<UInt8>, _ needle: [UInt8]) -> Int? {
            guard hay.count >= needle.count else { return nil }
            return (hay.startIndex...(hay.endIndex - needle.count)).first { hay[$0..<($0 + needle.count)].elementsEqual(needle) }
        }
        let text = Array("xx mysql -p -p -pSecret --user=a curl -u x secr:allow secr:allo secr:allow".utf8)
        let needles = [" -p", "curl", "secr:allow", "x", "allow", "--user=", "zzz", "Secret --", "w", text.map { Character(UnicodeScalar($0)) }.map(String.init).joined()]
        for start in [0, 1, 3, 20] {
            let hay = text[start...]
            for needle in needles.map({ Array($0.utf8) }) {
                #expect(Scanner.find(hay, needle) == plain(hay, needle), "\(String(decoding: needle, as: UTF8.self)) from \(start)")
            }
        }
        #expect(Scanner.find(text[5..<5], Array("a".utf8)) == nil)
        #expect(Scanner.offsets(of: Array("secr:allow".utf8), in: text) == [43, 64])
        #expect(Scanner.firstIndex(of: UInt8(ascii: ":"), in: text[48...], from: 50) == 58)
    }
}
