/// One integrity problem found by `secr verify`.
package struct VerificationProblem: Sendable {
    package let file: String
    package let message: String
}

/// What `secr verify` found.
package struct VerificationReport: Sendable {
    package internal(set) var root: String?
    /// The roster's newest entry: its seq and hash.
    package internal(set) var head: (seq: Int, hash: String)?
    /// Things to tell the user (a first pin).
    package internal(set) var notices: [String] = []
    package var problems: [VerificationProblem] = []
    /// Keys a former reader could decrypt that have not had a new value since.
    package internal(set) var openExposures: [ExposureEvent] = []
    package internal(set) var environments: [String] = []
    package internal(set) var records = 0

    package var isClean: Bool { problems.isEmpty }
}

/// Checks a whole store with public data only (no identity): the roster chain and signatures,
/// each environment's header, reader lines against the roster (missing and surplus), every
/// record's signature and signer permission, and the files' format. It reports every problem
/// it can find rather than stopping at the first.
package enum StoreVerifier {
    package static func verify(_ location: StoreLocation, expected: RosterExpectation) -> VerificationReport {
        var report = VerificationReport()
        let rosterFile = location.display(location.rosterPath)
        let store: Store
        do {
            store = try Store(location: location, expected: expected)
        } catch let error as SecrError {
            report.problems.append(VerificationProblem(file: rosterFile, message: error.message))
            return report
        } catch {
            report.problems.append(VerificationProblem(file: rosterFile, message: "\(error)"))
            return report
        }
        let roster = store.roster
        report.root = roster.rootHash
        report.head = (roster.count - 1, roster.headHash)
        report.notices = store.notices
        let state = roster.state
        report.environments = state.environments
        var versions: [String: [String: Int]] = [:]
        for environment in state.environments {
            let path = location.display(location.environmentPath(environment))
            let file: EnvironmentFile
            do {
                StoreReads.willRead(location.environmentPath(environment), of: location)
                guard let bytes = try FileSystem.readIfExists(location.environmentPath(environment), followLinks: false) else {
                    report.problems.append(VerificationProblem(file: path, message: "missing: the roster lists environment '\(environment)'"))
                    continue
                }
                file = try EnvironmentFile.parse(bytes, name: environment, file: path)
            } catch {
                report.problems.append(VerificationProblem(file: path, message: (error as? SecrError)?.message ?? "\(error)"))
                continue
            }
            for problem in file.structureProblems(against: state, includeMissingReaders: true) {
                report.problems.append(VerificationProblem(file: path, message: problem))
            }
            let seen = store.clone.seenVersions(of: environment, incarnation: state.environmentAdded[environment] ?? 0)
            for problem in file.versionProblems(seen: seen) {
                report.problems.append(VerificationProblem(file: path, message: problem))
            }
            let records: [SecretRecord]
            do { records = try file.allRecords } catch {
                report.problems.append(VerificationProblem(file: path, message: (error as? SecrError)?.message ?? "\(error)"))
                continue
            }
            var verified: [String] = []
            for record in records {
                report.records += 1
                versions[environment, default: [:]][record.key] = record.version
                do {
                    try file.verify(record, against: state)
                    verified.append(record.key)
                } catch {
                    report.problems.append(VerificationProblem(file: path, message: (error as? SecrError)?.message ?? "\(error)"))
                }
            }
            if file.freshnessProblem(against: state) == nil { store.remember(file, keys: verified) }
        }
        for name in FileSystem.list(location.environmentDirectory) where name.hasSuffix(".secr") {
            let environment = String(name.dropLast(".secr".count))
            if !state.hasEnvironment(environment) {
                report.problems.append(VerificationProblem(file: location.display(location.environmentPath(environment)),
                                                           message: "environment '\(environment)' is not in the roster; the file was added without `secr env add`"))
            }
        }
        report.openExposures = state.exposures.filter { event in
            let current = versions[event.exposure.environment]?[event.exposure.key] ?? 0
            return current <= event.exposure.version
        }
        return report
    }
}

extension VerificationReport {
    /// `secr verify --json`.
    package var json: JSONValue {
        .object([
            ("ok", .bool(isClean)), ("root", .optional(root)), ("head", .optional(head.map { "\($0.seq):\($0.hash)" })),
            ("problems", .array(problems.map { .object([("file", .string($0.file)), ("message", .string($0.message))]) })),
            ("exposed", .array(openExposures.map { $0.json })),
        ])
    }
}

extension ExposureEvent {
    package var json: JSONValue {
        .object([("environment", .string(exposure.environment)), ("key", .string(exposure.key)), ("version", .number(exposure.version)),
                 ("member", .string(member)), ("since", .string(time.text))])
    }
}
