/// Showing text that may be secret without revealing it.
package enum Redaction {
    /// The first few characters (at most 4, and never more than a quarter) and the length.
    static func preview(_ match: [UInt8]) -> String {
        let shown = min(4, match.count / 4)
        let head = String(decoding: match.prefix(shown), as: UTF8.self).filter { !$0.isNewline }
        return "\(head)…(\(match.count) chars)"
    }

    /// User input quoted in an error message. Input that is not what it should be (a key name,
    /// a public key) is often a value pasted in the wrong place: short text is shown whole, long
    /// text only by its first characters and length.
    package static func quoted(_ text: some StringProtocol) -> String {
        let printable = String(text.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7f }.map(Character.init))
        guard printable.count > 24 else { return "'\(printable)'" }
        return "'\(printable.prefix(8))…' (\(text.count) characters)"
    }
}
