import SecrCore

let logCommand = Command(
    "log", summary: "the audit log: who changed what, when, with the verified signer",
    usage: "secr log [-e ENV] [KEY] [--since DATE] [--until DATE] [-n N] [--json]",
    details: """
        Walks git history and decodes every commit that touched the store into events: set,
        unset, promote, rotate, and roster changes (members, roles, environments). It reads the
        committed files, so commits made by hand or by other tools are included. Each event shows
        the member whose signature is on the record or roster entry ("UNVERIFIED" when it does not
        verify, "NOT PERMITTED" when the signer could not make that change then) beside the git
        author, which anyone can set. Values are never shown. DATE is YYYY-MM-DD or
        YYYY-MM-DDTHH:MM:SSZ. In a shallow clone the log stops at the boundary and says so.
        """,
    options: [.value("--since", help: "only events at or after DATE"), .value("--until", help: "only events at or before DATE"),
              .value("-n", key: "limit", help: "at most N events (newest first)"), .flag("--json", help: "print JSON")]
) { context in
    guard context.positionals.count <= 1 else { throw context.usage("log takes at most one KEY") }
    var filter = AuditFilter(environment: context.arguments.value("env"), key: context.positionals.first)
    if let key = filter.key { try KeyName.check(Substring(key)) }
    filter.since = try context.arguments.value("since").map { try parseDate($0, endOfDay: false, context: context) }
    filter.until = try context.arguments.value("until").map { try parseDate($0, endOfDay: true, context: context) }
    if let limit = context.arguments.value("limit") {
        guard let n = Int(limit), n > 0 else { throw context.usage("-n takes a positive number") }
        filter.limit = n
    }
    let log = try AuditLogReader.read(location: try context.location(), filter: filter)
    if context.arguments.has("json") {
        let items = log.events.map { event in
            let keys = event.keys.map { "{\"key\": \(JSONText.string($0.key)), \"from\": \($0.from.map(String.init) ?? "null"), \"to\": \($0.to)}" }
            return "  {\"commit\": \"\(event.commit)\", \"time\": \"\(event.time.text)\", \"author\": \(JSONText.string(event.author)), "
                + "\"signer\": \(event.signer.map(JSONText.string) ?? "null"), \"verified\": \(event.verified), \"permitted\": \(event.permitted), "
                + "\"action\": \"\(event.action)\", \"environment\": \(event.environment.map(JSONText.string) ?? "null"), "
                + "\"keys\": [\(keys.joined(separator: ", "))], \"summary\": \(JSONText.string(event.summary))}"
        }
        context.console.out("[\n" + items.joined(separator: ",\n") + (items.isEmpty ? "]" : "\n]"))
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
