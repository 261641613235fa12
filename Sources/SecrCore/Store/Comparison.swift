/// `secr compare` and the matrix of `secr report`: which keys exist in which environments, and
/// — where the caller can read them — whether the values are the same. Values themselves are
/// never part of it: a cell knows which other environments hold an equal value, which is what
/// comparing the environments two at a time would tell a reader anyway.
package struct Comparison: Sendable {
    package enum Agreement: String, Sendable {
        /// Two or more readable environments have the key, all with the same value.
        case same
        /// At least two readable environments have different values.
        case different
        /// Fewer than two of the environments holding the key are readable by the caller.
        case unknown
        /// The key has no live value in at least one of the environments compared. It takes
        /// precedence: a key absent from production is not "different" there, it is missing.
        case missing
    }

    /// One key in one environment.
    package struct Cell: Sendable {
        package enum State: String, Sendable {
            /// A live value.
            case value
            /// A signed tombstone: the key was unset here.
            case tombstone
            /// No record at all.
            case missing
            /// The environment's file could not be verified, so nothing in it is shown.
            case unverified
        }

        package let state: State
        /// The version of the value or tombstone.
        package let version: Int?
        /// Who signed the record (a member name, else the start of their key).
        package let signer: String?
        package let time: Timestamp?
        /// `ENV@VERSION` when the value was promoted from another environment.
        package let promotedFrom: String?
        /// For a value the caller can read: the other readable environments whose value is
        /// equal to this one. nil when the caller cannot read it (or there is no value).
        package let sameAs: [String]?

        package var isLive: Bool { state == .value }

        static let missing = Cell(state: .missing, version: nil, signer: nil, time: nil, promotedFrom: nil, sameAs: nil)
        static let unverified = Cell(state: .unverified, version: nil, signer: nil, time: nil, promotedFrom: nil, sameAs: nil)
    }

    package struct Row: Sendable {
        package let key: String
        /// Environment → the key's cell there (every compared environment has one).
        package let cells: [String: Cell]
        /// Same, different or unknown among the environments that hold a live value.
        package let valuesWherePresent: Agreement

        /// Environment → version of the live value, nil where the key is missing.
        package var versions: [String: Int?] { cells.mapValues { $0.isLive ? $0.version : nil } }
        /// The environments where the key has no live value (missing or unset), sorted.
        package var missingFrom: [String] {
            cells.filter { $0.value.state == .missing || $0.value.state == .tombstone }.map(\.key).sorted()
        }
        package var isLive: Bool { cells.values.contains { $0.isLive } }
        package var values: Agreement { missingFrom.isEmpty ? valuesWherePresent : .missing }

        /// Whether a readable cell's value is the same as every other readable value of the
        /// row (`same`), differs from one of them (`different`), or cannot be told (`unknown`).
        package func agreement(in environment: String) -> Agreement {
            guard let cell = cells[environment], let sameAs = cell.sameAs else {
                let state = cells[environment]?.state
                return state == .missing || state == .tombstone ? .missing : .unknown
            }
            let others = cells.filter { $0.key != environment && $0.value.sameAs != nil }.count
            return others == 0 ? .unknown : sameAs.count == others ? .same : .different
        }
    }

    package let environments: [String]
    /// One row per key that has a record (a value or a tombstone) in a compared environment.
    package let allRows: [Row]
    /// Environments the caller can read, whose values were compared.
    package let readable: Set<String>
    /// Environments that could not be compared, with the reason (only when asked to keep going).
    package let failures: [String: String]

    /// Keys with a live value somewhere: what `secr compare` lists.
    package var rows: [Row] { allRows.filter(\.isLive) }
    package var incomplete: [Row] { rows.filter { !$0.missingFrom.isEmpty } }

    /// Compares `environments` (all by default). `identity` is optional: without it only the
    /// key matrix is known. An environment whose file does not verify throws, unless
    /// `keepingGoing`: then its cells are `unverified` and the reason is in `failures` (and a
    /// value that does not decrypt is left uncompared, its reason there too).
    package static func compare(_ store: Store, environments requested: [String], identity: Identity?,
                                keepingGoing: Bool = false) throws -> Comparison {
        let environments = requested.isEmpty ? store.state.environments : requested
        var files: [String: EnvironmentFile] = [:], keys: [String: EnvironmentKey] = [:], failures: [String: String] = [:]
        let member = identity.flatMap { store.member(for: $0) }
        for environment in environments {
            do {
                let file = try store.environment(environment)
                try file.verifyAllRecords(against: store.state)
                files[environment] = file
                if let identity, let member, store.state.permission(of: member, in: environment).contains(.read) {
                    keys[environment] = try file.unlock(with: identity, roster: store.state)
                }
            } catch let error as SecrError where keepingGoing {
                failures[environment] = error.message
            }
        }
        let allKeys = Set(try files.values.flatMap { try $0.allRecords.map(\.key) }).sorted()
        let rows = try allKeys.map { key -> Row in
            var cells: [String: Cell] = [:]
            var values: [(environment: String, value: SecretBytes)] = []
            for environment in environments {
                guard let file = files[environment] else {
                    cells[environment] = .unverified
                    continue
                }
                guard let record = try file.record(key) else {
                    cells[environment] = .missing
                    continue
                }
                guard !record.isDeleted, let environmentKey = keys[environment] else { continue }
                do {
                    values.append((environment, try file.decrypt(record, with: environmentKey)))
                } catch let error as SecrError where keepingGoing {
                    failures[environment] = error.message
                }
            }
            var sameAs: [String: [String]] = [:]
            for (environment, value) in values {
                sameAs[environment] = values.filter { $0.environment != environment && $0.value.isEqual(to: value) }.map(\.environment)
            }
            for environment in environments {
                guard let file = files[environment], let record = try file.record(key) else { continue }
                cells[environment] = Cell(state: record.isDeleted ? .tombstone : .value, version: record.version,
                                          signer: store.state.displayName(of: record.signer), time: record.time,
                                          promotedFrom: record.line.value("from"), sameAs: sameAs[environment])
            }
            let verdict: Agreement = values.count < 2 ? .unknown
                : values.dropFirst().allSatisfy { $0.value.isEqual(to: values[0].value) } ? .same : .different
            return Row(key: key, cells: cells, valuesWherePresent: verdict)
        }
        return Comparison(environments: environments, allRows: rows, readable: Set(keys.keys), failures: failures)
    }
}

extension Comparison {
    /// `secr compare --json`.
    package var json: JSONValue {
        .object([
            ("environments", .strings(environments)),
            ("keys", .array(rows.map { row in
                .object([("key", .string(row.key)),
                         ("versions", .object(environments.map { ($0, .optional(row.versions[$0] ?? nil)) })),
                         ("values", .string(row.values.rawValue)), ("values_where_present", .string(row.valuesWherePresent.rawValue)),
                         ("missing", .strings(row.missingFrom))])
            })),
        ])
    }
}
