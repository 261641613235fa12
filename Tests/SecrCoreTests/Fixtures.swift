import XCTest
@testable import SecrCore

/// A fixed clock for tests that sign.
let fixedTime = Timestamp(secondsSinceEpoch: 1_796_000_000)

/// A roster with an owner and the standard environments, and the development file with its key
/// (recorded in the roster).
func makeProject() throws -> (Identity, Roster, EnvironmentFile, EnvironmentKey) {
    let owner = try Identity.generate()
    var roster = try Roster.create(projectName: "demo", owner: "alice", identity: owner, time: fixedTime, random: SystemRandom())
    for (environment, access) in Role.standardAccess {
        try roster.append(.addEnvironment(name: environment, access: access), identity: owner, time: fixedTime)
    }
    let (file, key) = try EnvironmentFile.create(name: "development", file: "development.secr", project: roster.state.projectID,
                                                 readers: roster.state.readers(of: "development"), identity: owner,
                                                 time: fixedTime, random: SystemRandom())
    try roster.append(.environmentKey(name: "development", generation: 1, publicKey: key.publicKey,
                                      readers: roster.state.readerSetHash(of: "development")), identity: owner, time: fixedTime)
    return (owner, roster, file, key)
}
