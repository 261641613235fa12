import Testing
@testable import SecrCore

/// One file given to a fuzz target.
struct FuzzInput: CustomTestStringConvertible, Sendable {
    let target: FuzzTarget
    let path: String
    var name: String { String(path.split(separator: "/").last ?? "") }
    var testDescription: String { "\(target.rawValue)/\(name)" }

    /// Every file under `Fuzz/DIRECTORY/TARGET/`, read when the tests start (a new file needs no code).
    static func all(under directory: String) -> [FuzzInput] {
        FuzzTarget.allCases.flatMap { target in
            let folder = "\(FuzzFixtures.repositoryRoot)/Fuzz/\(directory)/\(target.rawValue)"
            return FileSystem.list(folder).filter { !$0.hasPrefix(".") }.map { FuzzInput(target: target, path: "\(folder)/\($0)") }
        }
    }

    /// What the fuzzer checks: the target returns or throws a `SecrError`. A crash ends the test run.
    func outcome() throws -> Result<Void, SecrError> {
        let bytes = try FileSystem.read(path)
        do {
            try target.run(bytes)
            return .success(())
        } catch let error as SecrError {
            return .failure(error)
        }
    }
}

/// Issue 15: every input that ever crashed a fuzz target (Fuzz/regressions/TARGET/), and every
/// seed of the committed corpus, through the same entry points the fuzzer calls
/// (Tests/SecrCoreTests/Fuzz/FuzzTargets.swift).
@Suite struct FuzzRegressionTests {
    @Test(arguments: FuzzInput.all(under: "regressions"))
    func anInputThatOnceCrashedIsNowReadOrRefusedWithASecrError(_ input: FuzzInput) throws {
        _ = try input.outcome()
    }

    @Test(arguments: FuzzInput.all(under: "corpus"))
    func everySeedIsReadOrRefusedWithASecrError(_ input: FuzzInput) throws {
        _ = try input.outcome()
    }

    /// The seeds of real stores go through every step of their target, so the fuzzer starts
    /// from inputs that reach the signature checks, the unsealing and the decryption.
    @Test(arguments: FuzzInput.all(under: "corpus").filter {
        [.environment, .roster].contains($0.target) && !$0.name.hasPrefix("hand-")
    })
    func theSeedsOfRealStoresAreAcceptedAllTheWay(_ input: FuzzInput) throws {
        if case .failure(let error) = try input.outcome() { Issue.record("refused: \(error)") }
    }

    @Test func theIssue15JSONCrashIsARegressionInput() {
        #expect(FuzzInput.all(under: "regressions").contains { $0.target == .json && $0.name == "issue-15-lone-high-surrogate" })
    }

    @Test func everyTargetHasASeedCorpusAndADictionary() {
        for target in FuzzTarget.allCases {
            #expect(FuzzInput.all(under: "corpus").contains { $0.target == target }, "\(target.rawValue) has no seeds")
            #expect(FileSystem.exists("\(FuzzFixtures.repositoryRoot)/Fuzz/dictionaries/\(target.rawValue).dict"))
        }
    }
}
