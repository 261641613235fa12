/// "Did you mean": the closest candidate by edit distance (insertions, deletions,
/// substitutions and swaps of neighbours), case-insensitively, or one that starts with what was
/// typed. Nothing is suggested when no candidate is close.
public enum Suggestions {
    public static func closest(to input: String, among candidates: [String]) -> String? {
        let typed = input.lowercased()
        guard !typed.isEmpty else { return nil }
        if let exact = candidates.first(where: { $0.lowercased() == typed }) { return exact }
        let prefixed = candidates.filter { $0.lowercased().hasPrefix(typed) }
        if prefixed.count == 1 { return prefixed[0] }
        let limit = max(1, min(3, typed.count / 3))
        let scored = candidates.map { ($0, distance(typed, $0.lowercased())) }.filter { $0.1 <= limit }
        return scored.min { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }?.0
    }

    /// `did you mean X?`, or nil.
    public static func didYouMean(_ input: String, among candidates: [String]) -> String? {
        closest(to: input, among: candidates).map { "did you mean \($0)?" }
    }

    /// Optimal string alignment distance.
    static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in 0...x.count { d[i][0] = i }
        for j in 0...y.count { d[0][j] = j }
        for i in 1...x.count {
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[x.count][y.count]
    }

    /// User input quoted in a message: printable characters only, long input shortened (it may
    /// be a value pasted in the wrong place).
    public static func quoted(_ text: String) -> String {
        let printable = String(text.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7f && !(0x80...0x9f).contains($0.value) }.map(Character.init))
        guard printable.count > 24 else { return "'\(printable)'" }
        return "'\(printable.prefix(8))…' (\(text.count) characters)"
    }
}
