/// Small text helpers the library needs without Foundation.
extension String {
    /// Every occurrence of `target` replaced (the library does not import Foundation).
    package func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = "", rest = self[...]
        while let range = rest.range(of: target) {
            result += rest[..<range.lowerBound] + replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}

extension Substring {
    /// The first occurrence of `target`, compared byte for byte in UTF-8 (the library does not
    /// import Foundation). A match of valid UTF-8 starts and ends on scalar boundaries. Comparing
    /// `Character`s instead cost about 125 K instructions on a 150-byte pin line.
    func range(of target: String) -> Range<Index>? {
        let needle = Array(target.utf8), bytes = utf8
        guard let first = needle.first else { return nil }
        var from = bytes.startIndex
        while let start = bytes[from...].firstIndex(of: first) {
            guard let end = bytes.index(start, offsetBy: needle.count, limitedBy: bytes.endIndex) else { return nil }
            if bytes[start..<end].elementsEqual(needle) { return start..<end }
            from = bytes.index(after: start)
        }
        return nil
    }
}
