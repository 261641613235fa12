/// What `secr upgrade` did.
package struct UpgradeReport: Sendable {
    /// Environments whose current key was recorded in the roster as it was.
    package internal(set) var recorded: [String] = []
    /// Environments given a new key (their reader lines did not match the roster).
    package internal(set) var rotated: [String] = []
    /// Environments the caller cannot read: one of their readers must run `secr upgrade`.
    package internal(set) var waiting: [(environment: String, readers: [String])] = []
}

extension StoreTransaction {
    /// Upgrades a store of secr 0.1 (format 1) to format 2: the roster's magic line changes
    /// (every entry, signature and the root stay as they are), and each environment's current
    /// key is recorded in an `env-key` entry, which is what lets every later read refuse an
    /// older copy of the file. A key is recorded as it is when the caller can open it and its
    /// reader lines are exactly the roster's readers, after every record verified; otherwise it
    /// is rotated. Environments the caller cannot read wait for one of their readers to run
    /// `secr upgrade` too. Run it after `secr verify --history` is clean: it vouches for the
    /// files as they are.
    package func upgrade() throws -> (ChangeSummary, UpgradeReport) {
        let member = try actingMember()
        guard state.manageLevel(of: member) > .none else {
            throw SecrError.denied("\(member.name) (\(member.role)) may not upgrade the store; an admin or owner runs `secr upgrade`")
        }
        var report = UpgradeReport()
        let checking = version1State ?? state
        for name in state.environments where state.currentKey(of: name) == nil {
            guard state.permission(of: member, in: name).contains(.read) else {
                report.waiting.append((name, state.grantors(of: name).isEmpty ? state.readers(of: name).map(\.name) : state.grantors(of: name)))
                continue
            }
            let path = location.environmentPath(name)
            guard let bytes = try FileSystem.readIfExists(path, followLinks: false) else {
                throw SecrError.integrity("\(location.display(path)) is missing although the roster lists environment '\(name)'", hint: "restore it with `git checkout -- \(location.display(path))` before upgrading")
            }
            let file = try EnvironmentFile.parse(bytes, name: name, file: location.display(path))
            if let problem = file.structureProblems(against: checking, includeMissingReaders: false, checkingFreshness: false).first {
                throw SecrError.integrity("\(location.display(path)): \(problem); nothing was upgraded")
            }
            try file.verifyAllRecords(against: checking)
            let key = try file.unlock(with: identity, roster: checking)
            let readers = state.readers(of: name)
            if file.readerNames == readers.map(\.name) && readers.allSatisfy({ file.readerLines[$0.name]?.value("key") == $0.key.text }) {
                try appendToRoster(.environmentKey(name: name, generation: file.generation, publicKey: file.publicKey,
                                                   readers: state.readerSetHash(of: name)))
                report.recorded.append(name)
            } else {
                _ = try rekey(file, from: key)
                report.rotated.append(name)
            }
        }
        let done = report.recorded + report.rotated
        let subject = done.isEmpty ? "upgrade the store to format 2" : "upgrade the store to format 2 (recorded the keys of \(done.joined(separator: ", ")))"
        return (ChangeSummary(action: .upgrade, environment: nil, keys: [], subject: subject, paths: []), report)
    }
}
