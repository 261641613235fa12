extension StoreTransaction {
    /// Sets and unsets keys in one change (for `import` and `edit`). `expectedVersions` names the
    /// version each changed key had when the caller read it (nil: absent); a key changed by
    /// someone else since is refused rather than overwritten.
    package func apply(set values: [(key: String, value: SecretBytes)], unset keys: [String], in environment: String,
                      action: ChangeAction, expectedVersions: [String: Int?] = [:]) throws -> ChangeSummary {
        for key in values.map(\.key) + keys {
            guard let expected = expectedVersions[key] else { continue }
            let current = try self.environment(environment).record(key).flatMap { $0.isDeleted ? nil : $0.version }
            guard current == expected else {
                throw SecrError.failure("\(key) in \(environment) was changed by someone else while you were editing (now v\(current.map(String.init) ?? "-")); nothing was applied. Run `git pull` and edit again")
            }
        }
        var changed: [String] = [], notes: [String] = []
        if !values.isEmpty {
            let summary = try set(values, in: environment)
            changed += summary.keys
            notes += summary.notes
        }
        if !keys.isEmpty { changed += try unset(keys, in: environment).keys }
        let unsetKeys = Set(keys)
        let setKeys = changed.filter { !unsetKeys.contains($0) }
        let summary = "\(action.rawValue) \(environment): " + [
            setKeys.isEmpty ? nil : "set " + ChangeSummary.list(setKeys),
            keys.isEmpty ? nil : "unset " + ChangeSummary.list(keys),
        ].compactMap { $0 }.joined(separator: "; ")
        var result = ChangeSummary(action: action, environment: environment, keys: changed, subject: summary, paths: [])
        result.notes = notes
        return result
    }
}

/// What an edited dotenv text changes, compared with the values it was made from.
package struct EditPlan {
    /// New and changed values.
    package let changes: [(key: String, value: SecretBytes)]
    /// Keys whose lines were deleted.
    package let removals: [String]

    package var isEmpty: Bool { changes.isEmpty && removals.isEmpty }

    package init(original: [(key: String, value: SecretBytes)], edited: [DotenvParser.Entry]) {
        let before = Dictionary(original.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })
        changes = edited.filter { entry in before[entry.key].map { !$0.isEqual(to: entry.value) } ?? true }.map { ($0.key, $0.value) }
        let kept = Set(edited.map(\.key))
        removals = original.map(\.key).filter { !kept.contains($0) }
    }
}
