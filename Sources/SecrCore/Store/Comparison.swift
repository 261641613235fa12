/// `secr compare`: which keys exist in which environments, and — where the caller can read
/// them — whether the values are the same. Values themselves are never part of it.
package struct Comparison: Sendable {
    package enum Agreement: String, Sendable {
        /// Two or more readable environments have the key, all with the same value.
        case same
        /// At least two readable environments have different values.
        case different
        /// Fewer than two of the environments holding the key are readable by the caller.
        case unknown
    }

    package struct Row: Sendable {
        package let key: String
        /// Environment → version of the live value, nil where the key is missing.
        package let versions: [String: Int?]
        package let values: Agreement

        package var missingFrom: [String] { versions.filter { $0.value == nil }.map(\.key).sorted() }
    }

    package let environments: [String]
    package let rows: [Row]

    package var incomplete: [Row] { rows.filter { !$0.missingFrom.isEmpty } }

    /// Compares `environments` (all by default). `identity` is optional: without it only the
    /// key matrix is known.
    package static func compare(_ store: Store, environments requested: [String], identity: Identity?) throws -> Comparison {
        let environments = requested.isEmpty ? store.state.environments : requested
        var files: [String: EnvironmentFile] = [:], keys: [String: EnvironmentKey] = [:]
        for environment in environments {
            let file = try store.environment(environment)
            try file.verifyAllRecords(against: store.state)
            files[environment] = file
            if let identity, let member = store.member(for: identity),
               store.state.permission(of: member, in: environment).contains(.read) {
                keys[environment] = try file.unlock(with: identity, roster: store.state)
            }
        }
        let allKeys = Set(files.values.flatMap(\.keyNames)).sorted()
        let rows = try allKeys.map { key -> Row in
            var versions: [String: Int?] = [:]
            var values: [SecretBytes] = []
            for environment in environments {
                guard let file = files[environment], let record = file.record(key), !record.isDeleted else {
                    versions[environment] = .some(nil)
                    continue
                }
                versions[environment] = record.version
                if let key = keys[environment] { values.append(try file.decrypt(record, with: key)) }
            }
            let verdict: Agreement = values.count < 2 ? .unknown
                : values.dropFirst().allSatisfy { $0.isEqual(to: values[0]) } ? .same : .different
            return Row(key: key, versions: versions, values: verdict)
        }
        return Comparison(environments: environments, rows: rows)
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
                         ("values", .string(row.values.rawValue)), ("missing", .strings(row.missingFrom))])
            })),
        ])
    }
}
