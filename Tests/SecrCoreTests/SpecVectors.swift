// No XCTest and no Foundation: the fuzz harness (Fuzz/) compiles this file into the library.
#if !SECR_FUZZ
@testable import SecrCore
#endif

/// The test vectors of docs/FORMAT.md §9, as the spec writes them: ```` ```text vector:NAME ````
/// blocks. VectorTests checks them against the code; the fuzz targets check inputs against them.
enum SpecVectors {
    /// docs/FORMAT.md of the checkout this file was compiled from.
    static let specPath: String = {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)  // SpecVectors.swift, SecrCoreTests, Tests
        return parts.joined(separator: "/") + "/docs/FORMAT.md"
    }()

    /// name → exact text, from the spec file.
    static func load() throws -> [String: String] {
        blocks(in: String(decoding: try FileSystem.read(specPath), as: UTF8.self))
    }

    /// name → exact text (each line with its LF) of every vector block in `spec`.
    static func blocks(in spec: String) -> [String: String] {
        var result: [String: String] = [:]
        let lines = spec.split(separator: "\n", omittingEmptySubsequences: false)
        var index = 0
        while index < lines.count {
            if lines[index].hasPrefix("```text vector:") {
                let name = String(lines[index].dropFirst("```text vector:".count))
                var body: [Substring] = []
                index += 1
                while index < lines.count && lines[index] != "```" {
                    body.append(lines[index])
                    index += 1
                }
                result[name] = body.joined(separator: "\n") + "\n"
            }
            index += 1
        }
        return result
    }
}
