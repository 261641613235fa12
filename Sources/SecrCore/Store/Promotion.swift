extension StoreTransaction {
    /// Copies values from one environment to another with an audit trail: each new record in the
    /// target carries `from=SOURCE@VERSION` inside its signed fields. Needs read on the source
    /// and write on the target (write-only suffices). Keys matching the roster's never-promote
    /// patterns are refused unless `force`. Returns the summary and the keys that were identical
    /// already (and so not written).
    package func promote(_ keys: [String], from source: String, to target: String, force: Bool) throws -> (ChangeSummary, identical: [String]) {
        guard source != target else { throw SecrError.usage("--from and --to name the same environment (\(source)); promote between two different environments") }
        for key in keys {
            try KeyName.check(Substring(key))
            try state.checkInjectable(key, environment: target)
        }
        let member = try requirePermission(.read, in: source, for: "read")
        _ = try requirePermission(.write, in: target, for: "write")
        if !force {
            let blocked = keys.compactMap { key in NeverPromote.match(key, in: state.neverPromote).map { (key, $0) } }
            if !blocked.isEmpty {
                let list = blocked.map { "\($0.0) (matches \($0.1))" }.joined(separator: ", ")
                throw SecrError.failure("refusing to promote \(list): the never-promote policy says these values must differ per environment (one database or signing key shared by \(source) and \(target) is the anti-pattern). Set a value of its own with `secr set KEY -e \(target)`, or pass --force if this really is meant to be shared")
            }
        }
        let sourceFile = try environment(source)
        let sourceKey = try sourceFile.unlock(with: identity, roster: state)
        var targetFile = try takeEnvironment(target)
        let targetKey = state.permission(of: member, in: target).contains(.read) ? try targetFile.unlock(with: identity, roster: state) : nil
        var promoted: [String] = [], identical: [String] = []
        for key in keys {
            guard let record = try sourceFile.record(key), !record.isDeleted else {
                throw SecrError.failure("\(key) is not set in '\(source)'; nothing was promoted (list its keys with `secr pull -e \(source) --format keys`)")
            }
            let value = try sourceFile.decrypt(record, with: sourceKey)
            if let targetKey, let current = try targetFile.record(key), !current.isDeleted,
               try targetFile.decrypt(current, with: targetKey).isEqual(to: value) {
                identical.append(key)
                continue
            }
            try targetFile.write(key: key, value: value, from: "\(source)@\(record.version)", above: seenVersion(of: key, in: target),
                                 identity: identity, time: time, random: random, writerReads: targetKey != nil)
            promoted.append(key)
        }
        if promoted.isEmpty { putBack(targetFile) } else { replace(targetFile) }
        var summary = ChangeSummary(action: .promote, environment: target, keys: promoted,
                                    subject: "promote \(ChangeSummary.list(promoted)) from \(source) to \(target)", paths: [])
        summary.from = source
        return (summary, identical)
    }

    /// Adds or removes a never-promote pattern (admins and owners).
    package func changeNeverPromote(add pattern: String) throws -> ChangeSummary {
        try appendToRoster(.addNeverPromote(pattern: pattern))
        return ChangeSummary(action: .policy, environment: nil, keys: [], subject: "never promote \(pattern)", paths: [])
    }

    package func changeNeverPromote(remove pattern: String) throws -> ChangeSummary {
        try appendToRoster(.removeNeverPromote(pattern: pattern))
        return ChangeSummary(action: .policy, environment: nil, keys: [], subject: "allow promoting \(pattern)", paths: [])
    }

    /// Allows (or revokes) storing and injecting a value under one steering name (owners only).
    package func changeInjection(_ name: String, allow: Bool) throws -> ChangeSummary {
        try appendToRoster(allow ? .allowInjection(name: name) : .revokeInjection(name: name))
        return ChangeSummary(action: .policy, environment: nil, keys: [],
                             subject: allow ? "allow injecting \(name)" : "stop injecting \(name)", paths: [])
    }
}
