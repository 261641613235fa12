/// Everything `secr report` shows, gathered once from the store, the roster, git history,
/// `doctor` and verification, for the renderers in Output to lay out.
///
/// It is made to be shared (a release checklist, a pull-request comment), so it holds nothing
/// taken from a value but the same/different verdicts `Comparison` gives a reader: no value,
/// no hash or length of one, and none of doctor's findings about what a value looks like. A
/// report made with an identity differs from one made without only by those verdicts.
package struct ProjectReport: Sendable {
    /// Who made the report, which decides what could be compared.
    package enum Viewer: Sendable {
        case anonymous
        case notMember(key: String)
        case member(name: String, role: String)
    }

    package struct KeyRow: Sendable {
        package let row: Comparison.Row
        /// The never-promote pattern the key matches.
        package let neverPromote: String?
        /// A live value in development and nowhere else (in a project with other environments).
        package let developmentOnly: Bool
        /// Environment → members who could read the value before losing access, while the
        /// value has not been rotated since.
        package let exposedTo: [String: [String]]

        package var key: String { row.key }
    }

    package struct MemberRow: Sendable {
        package let name: String
        package let role: String
        /// A role defined with `secr role add`, not one of the four built in.
        package let customRole: Bool
        /// A CI or machine identity, by the shape docs/CI.md gives one: a custom role that
        /// reads, writes nothing and manages nothing.
        package let machine: Bool
        package let manage: ManageLevel
        package let access: [String: Permission]
        package let key: String
    }

    /// How the roster compares with what this clone had pinned before the report read it.
    package enum PinStatus: Sendable {
        /// The operator gave the root (`--expect-root`, `$SECR_ROSTER_ROOT`) and it matches.
        case expectedRoot
        /// This clone had seen exactly this head.
        case matches
        /// The roster extends the head this clone had seen (it has moved forward to it now).
        case extends(seenSeq: Int)
        /// The root matched the pin, but this branch had no head pinned yet.
        case rootOnly
        /// Nothing was pinned: this read pinned it (trust on first use).
        case firstUse
    }

    package struct Integrity: Sendable {
        package let root: String
        package let headSeq: Int
        package let headHash: String
        package let pin: PinStatus
        /// The `--expect-head` / `$SECR_ROSTER_HEAD` entry the roster holds, when one was given.
        package let expectedHead: Int?
        package let problems: [VerificationProblem]
        package let records: Int
    }

    package let projectName: String
    package let generated: Timestamp
    /// The commit checked out (HEAD), when the store is in a git repository.
    package let commit: String?
    package let viewer: Viewer
    package let comparison: Comparison
    package let keys: [KeyRow]
    package let neverPromote: [String]
    package let members: [MemberRow]
    package let events: [AuditEvent]
    /// Why the audit section is short or empty (no git, a shallow clone), for people.
    package let eventsNote: String?
    /// Doctor's findings that a shared page may hold (no `values` ones), errors first.
    package let findings: [Finding]
    package let integrity: Integrity

    package var environments: [String] { comparison.environments }

    /// Gathers the report. `identity` is optional: without it, the same/different verdicts say
    /// unknown and everything else is the same.
    package static func gather(location: StoreLocation, expected: RosterExpectation, identity: Identity?, identityFile: String?,
                               eventLimit: Int) throws -> ProjectReport {
        // What the clone had pinned, read before the store is opened (opening moves the pin).
        let clone = CloneState.of(location)
        let pinnedRoot = clone.pinnedRoot(), pinned = clone.pin()
        let store = try Store(location: location, expected: expected)
        let state = store.state
        let roster = store.roster
        let pin: PinStatus = expected.root != nil ? .expectedRoot
            : pinnedRoot == nil ? .firstUse
            : pinned.map { $0.seq == roster.count - 1 ? .matches : .extends(seenSeq: $0.seq) } ?? .rootOnly

        let comparison = try Comparison.compare(store, environments: [], identity: identity, keepingGoing: true)
        let verification = StoreVerifier.verify(location, expected: expected)
        var exposed: [String: [String: [String]]] = [:]
        for event in verification.openExposures {
            exposed[event.exposure.key, default: [:]][event.exposure.environment, default: []].append(event.member)
        }
        let keys = comparison.allRows.map { row in
            let live = row.cells.filter(\.value.isLive).map(\.key)
            return KeyRow(row: row, neverPromote: NeverPromote.match(row.key, in: state.neverPromote),
                          developmentOnly: live == ["development"] && comparison.environments.count > 1,
                          exposedTo: (exposed[row.key] ?? [:]).mapValues { Array(Set($0)).sorted() })
        }
        let builtIn = Set(Role.builtIn.map(\.name))
        let members = state.members.values.sorted { $0.name < $1.name }.map { member in
            let access = Dictionary(uniqueKeysWithValues: state.environments.map { ($0, state.permission(of: member, in: $0)) })
            let custom = !builtIn.contains(member.role)
            let manage = state.manageLevel(of: member)
            return MemberRow(name: member.name, role: member.role, customRole: custom,
                             machine: custom && manage == .none && access.values.contains { $0.contains(.read) }
                                 && !access.values.contains { $0.contains(.write) },
                             manage: manage, access: access, key: member.key.text)
        }

        var events: [AuditEvent] = [], eventsNote: String?, commit: String?
        if let root = location.repositoryRoot {
            commit = (try? GitRepository(at: root))?.headCommit()
            do {
                let log = try AuditLogReader.read(location: location, filter: AuditFilter(limit: eventLimit))
                events = log.events
                if let boundary = log.shallowBoundary {
                    eventsNote = "shallow clone: history stops at commit \(boundary.prefix(10)); `git fetch --unshallow` for the rest"
                }
            } catch let error as SecrError {
                eventsNote = "the history could not be read: \(error.message)"
            }
        } else {
            eventsNote = "the store is not in a git repository, so there is no history to show"
        }

        // Doctor stops at a file it cannot verify; the page still shows the rest, and says so.
        let examined: [Finding]
        do {
            examined = try Doctor.examine(location: location, expected: expected, identity: identity, identityFile: identityFile)
        } catch let error as SecrError {
            examined = [Finding(severity: .error, check: "doctor", message: "the checks stopped: \(error.message)",
                                fix: "`secr verify` names every integrity problem; then `secr doctor`", scope: .project)]
        }
        // Errors first, then the project's own before this clone's; doctor's order otherwise.
        let findings = examined.filter { $0.scope != .values }.enumerated()
            .sorted { ($0.element.severity == .error ? 0 : 1, $0.element.scope == .project ? 0 : 1, $0.offset)
                < ($1.element.severity == .error ? 0 : 1, $1.element.scope == .project ? 0 : 1, $1.offset) }
            .map(\.element)

        let viewer: Viewer = identity.map { identity in
            store.member(for: identity).map { .member(name: $0.name, role: $0.role) } ?? .notMember(key: identity.publicKey.text)
        } ?? .anonymous
        return ProjectReport(projectName: state.projectName, generated: .now(), commit: commit, viewer: viewer, comparison: comparison,
                             keys: keys, neverPromote: state.neverPromote, members: members, events: events, eventsNote: eventsNote,
                             findings: findings,
                             integrity: Integrity(root: roster.rootHash, headSeq: roster.count - 1, headHash: roster.headHash, pin: pin,
                                                  expectedHead: expected.head?.seq, problems: verification.problems,
                                                  records: verification.records))
    }
}

extension ProjectReport.KeyRow {
    /// Live in some environment and missing (or unset) in another: the matrix makes it stand out.
    package var isIncomplete: Bool { row.isLive && !row.missingFrom.isEmpty }
}
