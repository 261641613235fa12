import Foundation
import Testing

/// Issue 11: the leak corpus (Tests/leak-corpus) through the real binary, every case in one
/// repository (`scripts/eval-scan --batch`), against the targets: recall at least 95 %, at most
/// one false block per 50 harmless cases, no secret in the output, no failed scan.
@Suite struct ScanCorpusTests {
    static let script = ReadPathTests.repositoryRoot.appendingPathComponent("scripts/eval-scan")

    @Test func theCorpusMeetsTheRecallPrecisionAndRedactionTargets() throws {
        let box = try Sandbox(gitRepository: false)
        let figures = box.root.appendingPathComponent("figures.json")
        let run = try box.exec(URL(fileURLWithPath: "/usr/bin/env"),
                               ["python3", ScanCorpusTests.script.path, Sandbox.binary.path, "--batch", "--no-compare", "--json", figures.path],
                               directory: ReadPathTests.repositoryRoot)
        #expect(run.status == 0, "\(run.stderr)")
        let all = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: figures)) as? [String: [String: Any]])
        let secr = try #require(all["secr"])
        let recall = secr["recall"] as? Double ?? 0, falseBlocks = secr["false_blocks_per_50"] as? Double ?? 50
        #expect((secr["cases"] as? Int ?? 0) >= 500, "the corpus lost cases")
        #expect(recall >= 0.95, "recall \(recall)\n\(run.stdout)")
        #expect(falseBlocks <= 1, "\(falseBlocks) false blocks per 50 harmless cases\n\(run.stdout)")
        #expect(secr["redaction_failures"] as? Int == 0, "a secret was printed\n\(run.stdout)")
        #expect(secr["errors"] as? Int == 0, "a scan failed\n\(run.stdout)")
    }
}
