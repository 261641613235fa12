/// What shell completion offers for a value or an argument. Store-backed kinds (environments,
/// keys, roles, members) are names only, asked of the program at completion time; never values.
public enum Completion: Sendable, Equatable {
    case none
    case file
    case directory
    case environment
    case key
    case role
    case member
    case command
    case choices([String])
}

/// A type an option's value parses into, checked once when the command line is read, so a
/// command never sees a malformed value.
public protocol OptionValue: Sendable {
    /// nil when `text` is not a valid value.
    static func parse(_ text: String) -> Self?
    /// How a valid value is described in an error: "a positive number", "one of: a, b".
    static var expected: String { get }
    /// The valid values when there are few (for errors, help and completion).
    static var choices: [String]? { get }
}

extension OptionValue {
    public static var choices: [String]? { nil }
}

extension String: OptionValue {
    public static func parse(_ text: String) -> String? { text }
    public static var expected: String { "a value" }
}

extension Int: OptionValue {
    public static func parse(_ text: String) -> Int? {
        guard let n = Int(text), n > 0, String(n) == text else { return nil }
        return n
    }
    public static var expected: String { "a positive number" }
}

/// An option whose values are the cases of an enum: `--format json`.
public protocol ChoiceValue: OptionValue, CaseIterable, RawRepresentable where RawValue == String {}

extension ChoiceValue {
    public static func parse(_ text: String) -> Self? { Self(rawValue: text) }
    public static var choices: [String]? { allCases.map { $0.rawValue } }
    public static var expected: String { "one of: " + allCases.map { $0.rawValue }.joined(separator: ", ") }
}

/// An option as the parser and the generators (help, completion, man page) see it.
public struct OptionSpec: Sendable {
    /// Spellings, short first: `["-e", "--env"]`.
    public let names: [String]
    /// The value's placeholder (`ENV`); nil for a flag.
    public let valueName: String?
    public let help: String
    /// Completion as declared; nil means "the value type's choices, if it has any".
    let declaredCompletion: Completion?
    /// The value type's choices and description, asked only when help, completion or an error
    /// needs them: every command's options are declared at every start, and listing an enum's
    /// cases instantiates runtime metadata that no command run needs.
    let describe: @Sendable () -> (choices: [String]?, expected: String)
    let check: @Sendable (String) -> Bool

    public var choices: [String]? { describe().choices }
    var expected: String { describe().expected }
    public var completion: Completion { declaredCompletion ?? choices.map(Completion.choices) ?? .none }

    public var isFlag: Bool { valueName == nil }
    /// The name results are stored under: the long spelling without dashes.
    public var key: String { String((names.last ?? "").drop(while: { $0 == "-" })) }
    var display: String { names.joined(separator: ", ") + (valueName.map { " " + $0 } ?? "") }
}

/// A typed option that takes a value.
public struct Option<Value: OptionValue>: Sendable {
    public let spec: OptionSpec

    public init(_ names: String..., value: String, help: String, completion: Completion? = nil) {
        spec = OptionSpec(names: names, valueName: value, help: help, declaredCompletion: completion,
                          describe: { (Value.choices, Value.expected) }, check: { Value.parse($0) != nil })
    }
}

/// An option that takes no value.
public struct Flag: Sendable {
    public let spec: OptionSpec

    public init(_ names: String..., help: String) {
        spec = OptionSpec(names: names, valueName: nil, help: help, declaredCompletion: Completion.none,
                          describe: { (nil, "") }, check: { _ in true })
    }
}

/// A positional argument.
public struct ArgumentSpec: Sendable {
    /// As usage shows it: `KEY`, `KEY[=VALUE]`, `PUBKEY`.
    public let name: String
    public let optional: Bool
    public let repeating: Bool
    public let completion: Completion

    public init(_ name: String, optional: Bool = false, repeating: Bool = false, completion: Completion = .none) {
        self.name = name
        self.optional = optional
        self.repeating = repeating
        self.completion = completion
    }

    var display: String {
        let base = name + (repeating ? "…" : "")
        return optional ? "[\(base)]" : base
    }
}

/// One command, or a group of subcommands, in the command tree. A leaf owns its arguments,
/// options, help text and what it runs; a group only names its children.
public struct CommandSpec: Sendable {
    public let name: String
    public let summary: String
    public let details: String
    public let arguments: [ArgumentSpec]
    public let options: [OptionSpec]
    /// Options that must be given (shown without brackets in usage).
    public let required: Set<String>
    /// What follows `--` (`CMD [ARGS…]`), when the command takes a command to run.
    public let trailing: String?
    public let children: [CommandSpec]
    /// Not listed in help or completions (internal entry points such as completion helpers).
    public let hidden: Bool
    public let run: (@Sendable (ParsedArguments) throws -> Int32)?

    /// A leaf.
    public init(_ name: String, summary: String, details: String = "", arguments: [ArgumentSpec] = [],
                options: [OptionSpec] = [], required: Set<String> = [], trailing: String? = nil, hidden: Bool = false,
                run: @escaping @Sendable (ParsedArguments) throws -> Int32) {
        self.name = name
        self.summary = summary
        self.details = details
        self.arguments = arguments
        self.options = options
        self.required = required
        self.trailing = trailing
        self.children = []
        self.hidden = hidden
        self.run = run
    }

    /// A group of subcommands.
    public init(_ name: String, summary: String, details: String = "", children: [CommandSpec], hidden: Bool = false) {
        self.name = name
        self.summary = summary
        self.details = details
        self.arguments = []
        self.options = []
        self.required = []
        self.trailing = nil
        self.children = children
        self.hidden = hidden
        self.run = nil
    }

    /// The same command under another name (`export` for `pull`).
    public func renamed(_ name: String, summary: String) -> CommandSpec {
        guard let run else { return CommandSpec(name, summary: summary, details: details, children: children, hidden: hidden) }
        return CommandSpec(name, summary: summary, details: details, arguments: arguments, options: options, required: required,
                           trailing: trailing, hidden: hidden, run: run)
    }

    public var isGroup: Bool { !children.isEmpty }

    public func child(_ name: String) -> CommandSpec? { children.first { $0.name == name } }
}
