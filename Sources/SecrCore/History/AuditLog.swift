/// One change to the store in history, decoded from the committed files themselves.
package struct AuditEvent: Sendable {
    package struct KeyVersion: Sendable {
        package let key: String
        package let from: Int?
        package let to: Int
    }

    package let commit: String
    /// The commit time (git's, unverified).
    package let time: Timestamp
    /// The git author, as git records it (anyone can set it).
    package let author: String
    /// The verified signer's member name; their key prefix when not a member; nil when the
    /// signature does not verify.
    package let signer: String?
    /// The signer was allowed to make this change in the roster of that commit.
    package let permitted: Bool
    /// set, unset, promote, rotate, remove (a record deleted without a tombstone), or a roster
    /// entry kind: init, member-add, member-remove, member-role, role-add, role-remove, env-add,
    /// env-remove.
    package let action: String
    package let environment: String?
    package let keys: [KeyVersion]
    /// Words for people: `set STRIPE_KEY (v4) in production`, `add member bob as developer`.
    package let summary: String

    package var verified: Bool { signer != nil }
}

/// The result of walking history.
package struct AuditLog: Sendable {
    package internal(set) var events: [AuditEvent] = []
    /// The oldest commit reached when the clone is shallow and history continues beyond it.
    package internal(set) var shallowBoundary: String?
    package internal(set) var commitsExamined = 0
}

/// What to include.
package struct AuditFilter: Sendable {
    package var environment: String?
    package var key: String?
    package var since: Timestamp?
    package var until: Timestamp?
    package var limit: Int?
    /// Walk from this revision (default HEAD)…
    package var tip: String?
    /// …leaving out what this one reaches (`A..B`).
    package var excluding: String?
    /// Only the first parent of merges (a release branch's own view).
    package var firstParent = false

    package init(environment: String? = nil, key: String? = nil, since: Timestamp? = nil, until: Timestamp? = nil, limit: Int? = nil) {
        self.environment = environment
        self.key = key
        self.since = since
        self.until = until
        self.limit = limit
    }

    func includes(_ event: AuditEvent) -> Bool {
        if let environment, event.environment != environment { return false }
        if let key, !event.keys.contains(where: { $0.key == key }) { return false }
        if let since, event.time < since { return false }
        if let until, until < event.time { return false }
        return true
    }
}

/// `secr log`: a libgit2 history walk decoded into semantic events with verified signers.
package enum AuditLogReader {
    package static func read(location: StoreLocation, filter: AuditFilter) throws -> AuditLog {
        var log = AuditLog()
        let history = try StoreHistory(location: location, firstParentOnly: filter.firstParent)
        let range = try history.resolveRange(tip: filter.tip, excluding: filter.excluding)
        var rosters: [String: Roster] = [:]
        var lastRoster: Roster?
        var events: [AuditEvent] = []
        let rosterFile = location.display(location.rosterPath)
        try history.forEachChange(from: range.tip, excluding: range.excluded) { change in
            let context = EventContext(commit: change.commit)
            var roster: Roster?
            if let rosterBlob = change.after.roster {
                if let cached = rosters[rosterBlob] {
                    roster = cached
                } else {
                    let bytes = try change.blob(rosterBlob)
                    roster = try? (lastRoster.map { try $0.extended(to: bytes, file: rosterFile) } ?? Roster.load(bytes, file: rosterFile, allowVersion1: true))
                    if let roster {
                        rosters[rosterBlob] = roster
                        lastRoster = roster
                    }
                }
            }
            if change.after.roster != change.before.roster {
                let old = String(decoding: try change.before.roster.map(change.blob) ?? [], as: UTF8.self)
                let new = String(decoding: try change.after.roster.map(change.blob) ?? [], as: UTF8.self)
                let others = try change.otherParents.compactMap(\.roster).map { String(decoding: try change.blob($0), as: UTF8.self) }
                events += RosterEvents.decode(old: old, new: new, roster: roster, context: context, otherParents: others)
            }
            for environment in change.changedEnvironments {
                let old = try change.before.environments[environment].map(change.blob) ?? []
                let new = try change.after.environments[environment].map(change.blob) ?? []
                let others = try change.otherParents.compactMap { $0.environments[environment] }.map(change.blob)
                events += EnvironmentEvents.decode(environment: environment, old: old, new: new, state: roster?.state, context: context,
                                                   otherParents: others)
            }
        }
        log.commitsExamined = history.commitsExamined
        log.shallowBoundary = history.shallowBoundary
        log.events = Array(events.reversed().filter(filter.includes).prefix(filter.limit ?? Int.max))
        return log
    }
}

/// Facts about the commit an event comes from.
struct EventContext {
    let commit: GitCommit

    func event(signer: String?, permitted: Bool, action: String, environment: String?, keys: [AuditEvent.KeyVersion],
               summary: String) -> AuditEvent {
        AuditEvent(commit: commit.id, time: Timestamp(secondsSinceEpoch: commit.time),
                   author: "\(commit.authorName) <\(commit.authorEmail)>", signer: signer, permitted: permitted,
                   action: action, environment: environment, keys: keys, summary: summary)
    }
}

extension AuditEvent {
    /// One event of `secr log --json`.
    package var json: JSONValue {
        .object([
            ("commit", .string(commit)), ("time", .string(time.text)), ("author", .string(author)), ("signer", .optional(signer)),
            ("verified", .bool(verified)), ("permitted", .bool(permitted)), ("action", .string(action)),
            ("environment", .optional(environment)),
            ("keys", .array(keys.map { .object([("key", .string($0.key)), ("from", .optional($0.from)), ("to", .number($0.to))]) })),
            ("summary", .string(summary)),
        ])
    }
}
