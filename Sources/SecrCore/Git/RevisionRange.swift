/// A range of commits named on the command line, with one grammar for every command that takes
/// one (`secr review`, `secr scan --history`), the way git reads it:
///
///     RANGE = REV            REV..HEAD
///           | REV ".." REV   commits reachable from the right and not from the left
///           | REV ".."       REV..HEAD
///           | ".." REV       HEAD..REV
///
/// An empty side of `..` is HEAD. `A...B` (git's symmetric difference) is not accepted.
package struct RevisionRange: Sendable, Equatable {
    package let start: String
    package let end: String

    package static func parse(_ text: String) throws -> RevisionRange {
        guard !text[...].contains("...") else {
            throw SecrError.usage("\(Redaction.quoted(text)) uses '...', which secr does not read", hint: "give A..B (what B has that A has not)")
        }
        guard let dots = text[...].range(of: "..") else { return RevisionRange(start: text, end: "HEAD") }
        let left = String(text[..<dots.lowerBound]), right = String(text[dots.upperBound...])
        guard !(left.isEmpty && right.isEmpty) else { throw SecrError.usage("'..' names no commits", hint: "give A..B, A.. or ..B") }
        return RevisionRange(start: left.isEmpty ? "HEAD" : left, end: right.isEmpty ? "HEAD" : right)
    }

    /// The commit ids of both ends.
    func resolve(in history: GitHistory) throws -> (start: String, end: String) {
        (try history.resolve(start), try history.resolve(end))
    }
}
