/// `secr verify --history`: along first-parent history, every key's version only grows, each
/// new version names the hash of the one before it, records disappear only through tombstones,
/// environment keys never go back a generation, and the roster is only ever appended to. So an
/// old, validly signed record cannot be brought back unnoticed.
public enum HistoryVerifier {
    public static func verify(_ location: StoreLocation) throws -> (problems: [VerificationProblem], commits: Int, shallowBoundary: String?) {
        let history = try StoreHistory(location: location, firstParentOnly: true)
        var problems: [VerificationProblem] = []
        let rosterFile = location.display(location.rosterPath)
        var project = ""
        try history.forEachChange { change in
            let commit = String(change.commit.id.prefix(10))
            func report(_ file: String, _ message: String) {
                problems.append(VerificationProblem(file: file, message: "commit \(commit): \(message)"))
            }
            if change.before.roster != change.after.roster {
                let old = try change.before.roster.map(change.blob) ?? []
                let new = try change.after.roster.map(change.blob) ?? []
                if !new.starts(with: old) { report(rosterFile, "the roster was rewritten, not appended to (entries removed or changed)") }
                if let genesis = String(decoding: new, as: UTF8.self).split(separator: "\n").dropFirst().first,
                   let line = Line.parse(genesis), let id = line.value("project") {
                    project = id
                }
            }
            for environment in change.changedEnvironments {
                let file = location.display(location.environmentPath(environment))
                guard let newBlob = change.after.environments[environment] else { continue }
                guard let oldBlob = change.before.environments[environment] else { continue }
                let before = EnvironmentLines(try change.blob(oldBlob)), after = EnvironmentLines(try change.blob(newBlob))
                if let old = before.header.flatMap(headerGeneration), let new = after.header.flatMap(headerGeneration), new < old {
                    report(file, "the environment key went back from generation \(old) to \(new) (an old header was restored)")
                }
                for (keyBytes, oldLine) in before.records {
                    let key = String(decoding: keyBytes, as: UTF8.self)
                    guard let newLine = after.records[keyBytes] else {
                        report(file, "\(key) was removed without a tombstone")
                        continue
                    }
                    guard oldLine != newLine, let old = SecretRecord(lineBytes: oldLine), let new = SecretRecord(lineBytes: newLine) else { continue }
                    let oldHash = old.hash(project: project, environment: environment)
                    if new.version < old.version {
                        report(file, "\(key) went back from v\(old.version) to v\(new.version): an older record was restored (rollback)")
                    } else if new.version == old.version {
                        if new.hash(project: project, environment: environment) != oldHash {
                            report(file, "\(key) v\(new.version) was replaced by a different record with the same version")
                        }
                    } else if new.version == old.version + 1 && new.prevHash != oldHash {
                        report(file, "\(key) v\(new.version) does not name v\(old.version) as its previous version")
                    }
                }
            }
        }
        return (problems, history.commitsExamined, history.shallowBoundary)
    }

    private static func headerGeneration(_ bytes: ArraySlice<UInt8>) -> Int? {
        Line.parse(Substring(String(decoding: bytes, as: UTF8.self)))?.value("gen").flatMap { Int($0) }
    }
}
