/// What went wrong, in a form the command line maps to an exit status and a message.
///
/// One type serves the whole library because every failure needs the same two things: a class
/// that decides the exit code (DESIGN.md §7) and a sentence a user can act on. Areas add their
/// own constructors in extensions next to the code that throws them. The library does not import
/// Foundation (start-up time on the read path), so this is not a `LocalizedError`.
///
/// A message never contains a secret value: callers pass names, files and environments only.
public struct SecrError: Error, CustomStringConvertible, Sendable {
    /// The class of failure, which decides the exit status.
    public enum Kind: Int32, Sendable {
        /// I/O, git, bad input: exit 1.
        case failure = 1
        /// The command line itself is wrong: exit 2.
        case usage = 2
        /// No identity, not a reader, no write permission: exit 3.
        case accessDenied = 3
        /// Bad signature, tampering, broken roster chain, rollback: exit 4.
        case integrity = 4
    }

    /// A name the user gave that does not exist, and the names that do: the command line turns
    /// it into "did you mean …?".
    public struct Unknown: Sendable {
        /// What the user typed.
        public let given: String
        /// The names that exist.
        public let candidates: [String]
    }

    /// The class of failure (the exit status).
    public let kind: Kind
    /// What happened, naming the file, key or member; never a secret value.
    public let message: String
    /// The next step, shown on its own line (`secr: hint: …`) and as `hint` in JSON.
    public var hint: String?
    /// A mistyped name and the names that exist, when that is what went wrong.
    public var unknown: Unknown?

    /// An error of `kind` with its message and, optionally, its next step.
    public init(_ kind: Kind, _ message: String, hint: String? = nil) {
        self.kind = kind
        self.message = message
        self.hint = hint
    }

    /// The message.
    public var description: String { message }

    /// The same error, naming an unknown name and what exists instead.
    func unknown(_ given: String, among candidates: [String]) -> SecrError {
        var copy = self
        copy.unknown = Unknown(given: given, candidates: candidates)
        return copy
    }

    static func failure(_ message: String, hint: String? = nil) -> SecrError { SecrError(.failure, message, hint: hint) }
    static func usage(_ message: String, hint: String? = nil) -> SecrError { SecrError(.usage, message, hint: hint) }
    static func denied(_ message: String, hint: String? = nil) -> SecrError { SecrError(.accessDenied, message, hint: hint) }
    static func integrity(_ message: String, hint: String? = nil) -> SecrError { SecrError(.integrity, message, hint: hint) }

}
