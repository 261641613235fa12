import SecrCLI
import SecrCore

enum LogOptions {
    static let since = Option<String>("--since", value: "DATE", help: "only events at or after DATE")
    static let until = Option<String>("--until", value: "DATE", help: "only events at or before DATE")
    static let limit = Option<Int>("-n", value: "N", help: "at most N events (newest first)")
    static let firstParent = Flag("--first-parent", help: "follow only the first parent of merges (a branch's own view)")
}

let logCommand = CommandSpec(
    "log", summary: "the audit log: who changed what, when, with the verified signer",
    details: """
        Walks git history and decodes every commit that touched the store into events: set,
        unset, promote, rotate, and roster changes (members, roles, environments). It reads the
        committed files, so commits made by hand or by other tools are included. Each event shows
        the member whose signature is on the record or roster entry ("UNVERIFIED" when it does not
        verify, "NOT PERMITTED" when the signer could not make that change then) beside the git
        author, which anyone can set. Values are never shown. DATE is YYYY-MM-DD or
        YYYY-MM-DDTHH:MM:SSZ. In a shallow clone the log stops at the boundary and says so.
        REV walks what REV reaches (default HEAD), A..B what B has that A has not, as in git log.
        A single argument that is a key set in the store is the KEY; give `HEAD KEY` to be explicit.
        An event a merge brings in from its other parent is shown once, where it was made;
        --first-parent shows a branch's own line instead, a merge with everything it brought.
        """,
    arguments: [ArgumentSpec("REV|A..B", optional: true), ArgumentSpec("KEY", optional: true, completion: .key)],
    options: [LogOptions.since.spec, LogOptions.until.spec, LogOptions.limit.spec, LogOptions.firstParent.spec, jsonFlag.spec]
) { parsed in
    let context = Context(parsed)
    let location = try context.location()
    let (revision, key) = try logArguments(context.positionals, location: location)
    var filter = AuditFilter(environment: context.value(Global.env), key: key)
    if let revision {
        let range = try RevisionRange.parse(revision)
        if revision.contains("..") {
            (filter.excluding, filter.tip) = (range.start, range.end)
        } else {
            filter.tip = revision
        }
    }
    filter.firstParent = context.has(LogOptions.firstParent)
    if let key = filter.key { try KeyName.check(Substring(key)) }
    filter.since = try context.value(LogOptions.since).map { try parseDate($0, endOfDay: false, context: context) }
    filter.until = try context.value(LogOptions.until).map { try parseDate($0, endOfDay: true, context: context) }
    filter.limit = context.value(LogOptions.limit)
    // Signatures this identity verified on an earlier run are not verified again (the same
    // cache as reads: it answers only for byte-identical signature, message and key).
    if let identity = context.identityIfOpen() { VerificationCache.shared.load(for: location, identity: identity) }
    let log = try AuditLogReader.read(location: location, filter: filter)
    if context.has(jsonFlag) {
        context.console.out(JSONValue.array(log.events.map(\.json)).rendered)
    } else {
        for event in log.events {
            let signer = event.signer.map { "signed by \($0)" } ?? "UNVERIFIED"
            let flag = event.verified && !event.permitted ? "  NOT PERMITTED" : ""
            let time = String(event.time.text.prefix(16)).replacingCharacter("T", with: " ")
            context.console.out("\(event.commit.prefix(10))  \(time)  \(event.summary)  [\(signer)\(flag); author \(event.author)]")
        }
    }
    if let boundary = log.shallowBoundary {
        context.console.note("shallow clone: history stops at commit \(boundary.prefix(10)); run `git fetch --unshallow` for the rest")
    }
    return 0
}

/// `[REV | A..B] [KEY]`: two arguments are a revision and a key; one is a revision when it has
/// `..` or is not a key name, a key when a store file holds it, else a revision if git knows it.
func logArguments(_ arguments: [String], location: StoreLocation) throws -> (revision: String?, key: String?) {
    guard let first = arguments.first else { return (nil, nil) }
    if arguments.count == 2 { return (first, arguments[1]) }
    if first.contains("..") || !KeyName.isValid(Substring(first)) { return (first, nil) }
    let stored = FileSystem.list(location.environmentDirectory).contains { name in
        (try? FileSystem.read(Path.join(location.environmentDirectory, name)))
            .map { String(decoding: $0, as: UTF8.self) }
            .map { $0.contains("\nsecret key=\(first) ") || $0.contains("\ndeleted key=\(first) ") } ?? false
    }
    if stored { return (nil, first) }
    if let root = location.repositoryRoot, let storePath = Path.relative(location.directory, to: root),
       (try? GitHistory(repositoryRoot: root, storePath: storePath).resolve(first)) != nil {
        return (first, nil)
    }
    return (nil, first)
}

/// YYYY-MM-DD (start or end of that day, UTC) or a full UTC timestamp.
func parseDate(_ text: String, endOfDay: Bool, context: Context) throws -> Timestamp {
    if let full = Timestamp(parsing: Substring(text)) { return full }
    if let day = Timestamp(parsing: Substring(text + "T00:00:00Z")) {
        return endOfDay ? Timestamp(secondsSinceEpoch: day.secondsSinceEpoch + 86399) : day
    }
    throw context.usage("'\(text)' is not a date: use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ")
}

extension String {
    func replacingCharacter(_ old: Character, with new: Character) -> String { String(map { $0 == old ? new : $0 }) }
}
