/// Quoting for text shown as part of a shell command the user may copy.
package enum ShellQuoting {
    /// `text` as one POSIX shell word: bare when it is plainly safe, else in single quotes.
    package static func quote(_ text: String) -> String {
        let safe = !text.isEmpty && text.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_./:=@%+,".unicodeScalars.contains($0)) }
        return safe ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
