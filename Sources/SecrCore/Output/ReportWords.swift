/// The words of `secr report`, shared by its HTML page and its markdown, so the two say the
/// same thing about every cell, member, event and pin.
package enum ReportWords {
    /// What one key × environment cell says.
    package struct CellWords: Equatable, Sendable {
        /// `v3`, `unset (v4)`, `missing`, `not verified`.
        package let state: String
        /// Who signed the record.
        package let signer: String?
        /// `same`, `different` or `unknown`; nil when there is nothing to compare with.
        package let verdict: Comparison.Agreement?
        /// `same as staging` when the value equals some of the other environments but not
        /// all of them (they differ, or cannot be read).
        package let note: String?
        /// A never-promote key whose value is shared with another environment.
        package let sharedAgainstPolicy: Bool
        /// `promoted from staging v2`.
        package let provenance: String?
    }

    package static func cell(_ row: ProjectReport.KeyRow, in environment: String) -> CellWords {
        guard let cell = row.row.cells[environment] else {
            return CellWords(state: "missing", signer: nil, verdict: nil, note: nil, sharedAgainstPolicy: false, provenance: nil)
        }
        let state: String
        switch cell.state {
        case .value: state = cell.version.map { "v\($0)" } ?? "value"
        case .tombstone: state = "unset" + (cell.version.map { " (v\($0))" } ?? "")
        case .missing: state = "missing"
        case .unverified: state = "not verified"
        }
        let otherLive = row.row.cells.filter { $0.key != environment && $0.value.isLive }.count
        let verdict = cell.isLive && otherLive > 0 ? row.row.agreement(in: environment) : nil
        let sameAs = cell.sameAs ?? []
        // Named when it is not the whole story: some others differ, or cannot be read.
        let note = !sameAs.isEmpty && sameAs.count < otherLive ? "same as " + sameAs.joined(separator: ", ") : nil
        return CellWords(state: state, signer: cell.signer, verdict: verdict, note: note,
                         sharedAgainstPolicy: row.neverPromote != nil && !sameAs.isEmpty,
                         provenance: cell.promotedFrom.map { "promoted from " + $0.replacingOccurrences(of: "@", with: " v") })
    }

    /// A mark on a key's row, and how loudly it is shown.
    package struct Flag: Sendable {
        package enum Kind: String, Sendable {
            /// Something to fix: missing somewhere, exposed and not rotated.
            case problem
            /// Worth a look: development only, no value anywhere.
            case notice
            /// The never-promote policy applies.
            case policy
        }
        package let text: String
        package let kind: Kind
    }

    /// How the row's key stands out: `missing in production`, `development only`, …
    package static func flags(_ row: ProjectReport.KeyRow) -> [Flag] {
        var flags: [Flag] = []
        if row.developmentOnly {
            flags.append(Flag(text: "development only", kind: .notice))
        } else if row.isIncomplete {
            flags.append(Flag(text: "missing in " + row.row.missingFrom.joined(separator: ", "), kind: .problem))
        }
        if !row.row.isLive { flags.append(Flag(text: "no value anywhere (unset)", kind: .notice)) }
        if let pattern = row.neverPromote { flags.append(Flag(text: "never-promote (\(pattern))", kind: .policy)) }
        for (environment, members) in row.exposedTo.sorted(by: { $0.key < $1.key }) {
            flags.append(Flag(text: "exposed in \(environment) to \(members.joined(separator: ", ")), not rotated", kind: .problem))
        }
        return flags
    }

    /// `read-write`, `read`, `write-only`, `none`: a permission as a class or attribute value.
    package static func permissionCode(_ permission: Permission) -> String {
        permission == .none ? "none" : permission == .readWrite ? "read-write" : permission == .read ? "read" : "write-only"
    }

    package static func permission(_ permission: Permission) -> String {
        permission == .none ? "—" : permission.description
    }

    package static func manage(_ level: ManageLevel) -> String {
        switch level {
        case .none: "—"
        case .members: "members up to admin"
        case .all: "everything"
        }
    }

    /// `ci-staging (custom role)`, `developer`.
    package static func role(_ member: ProjectReport.MemberRow) -> String {
        member.role + (member.machine ? " (custom role, CI)" : member.customRole ? " (custom role)" : "")
    }

    package static func viewer(_ viewer: ProjectReport.Viewer, readable: Set<String>, environments: [String]) -> String {
        let compared = environments.filter(readable.contains)
        switch viewer {
        case .anonymous:
            return "made without an identity: no value was compared, so those verdicts say unknown"
        case .notMember(let key):
            return "made with an identity that is not a member (\(key.prefix(16))…): no value was compared"
        case .member(let name, let role):
            return "made by \(name) (\(role)); values compared in "
                + (compared.isEmpty ? "no environment" : compared.joined(separator: ", "))
                + (compared.count == environments.count ? "" : ", unknown elsewhere")
        }
    }

    /// `2026-11-29 02:03` (UTC, to the minute), as `secr log` shows it.
    package static func time(_ time: Timestamp) -> String { String(time.text.prefix(16).map { $0 == "T" ? " " : $0 }) }

    /// The signer column of an audit event, and its flags.
    package static func signer(_ event: AuditEvent) -> (name: String, flags: [String]) {
        guard let signer = event.signer else { return ("—", ["UNVERIFIED"]) }
        return (signer, event.permitted ? [] : ["NOT PERMITTED"])
    }

    package static func pin(_ integrity: ProjectReport.Integrity) -> String {
        switch integrity.pin {
        case .expectedRoot: "matches the root the operator expects (--expect-root or $SECR_ROSTER_ROOT)"
        case .matches: "matches this clone's pin (root and head)"
        case .extends(let seen): "extends this clone's pin (it had seen entry \(seen); the pin moved forward)"
        case .rootOnly: "the root matches this clone's pin; this branch had no head pinned yet"
        case .firstUse: "this clone had pinned nothing: pinned now, on first use (compare the root with a teammate)"
        }
    }

    package static func verification(_ integrity: ProjectReport.Integrity, environments: Int) -> String {
        let checked = "\(integrity.records) record\(integrity.records == 1 ? "" : "s") in \(environments) environment\(environments == 1 ? "" : "s")"
        return integrity.problems.isEmpty ? "every signature verifies: \(checked), no problems"
            : "\(integrity.problems.count) integrity problem\(integrity.problems.count == 1 ? "" : "s") (\(checked))"
    }

    /// An integrity problem without its file named twice (most messages start with it).
    package static func problem(_ problem: VerificationProblem) -> (file: String?, message: String) {
        problem.message.hasPrefix(problem.file) ? (nil, problem.message) : (problem.file, problem.message)
    }

    /// Doctor's own checks of values (live credentials outside production) are left out.
    package static let valueChecksNote = "Checks of what values look like (live credentials outside production) are not on this page, "
        + "which shows nothing taken from a value but same/different: run `secr doctor` for them."

    package static let privacyNote = "This report holds no secret value, and nothing taken from one except whether values are "
        + "the same in two environments, which `secr compare` tells anyone who can read both."

    /// A text with `code` spans between backticks (doctor's fixes), as pieces to render.
    package static func pieces(_ text: String) -> [(text: String, code: Bool)] {
        text.split(separator: "`", omittingEmptySubsequences: false).enumerated()
            .map { (String($0.element), $0.offset % 2 == 1) }.filter { !$0.text.isEmpty }
    }
}
