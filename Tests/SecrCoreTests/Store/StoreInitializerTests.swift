import Foundation
import Testing
@testable import SecrCore

@Suite struct StoreInitializerTests {
    /// A `.gitignore` saved on Windows: the lines secr needs are recognised, and lines it adds
    /// keep the file's CRLF ends instead of mixing them.
    @Test func ensureLinesReadsAndKeepsCRLFLineEnds() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("secr-ensure-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent(".gitignore").path
        try Data("node_modules/\r\n.env\r\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(try StoreInitializer.ensureLines([".env"], in: path, comment: "# secr") == false, "the CRLF line is present")
        #expect(try StoreInitializer.ensureLines([".env", ".env.*"], in: path, comment: "# secr") == true)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == "node_modules/\r\n.env\r\n\r\n# secr\r\n.env.*\r\n")
        #expect(try StoreInitializer.ensureLines([".env", ".env.*"], in: path, comment: "# secr") == false, "idempotent")
        try Data("a\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(try StoreInitializer.ensureLines(["b"], in: path, comment: "# c") == true)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "a\n\n# c\nb\n", "control: LF files stay LF")
    }
}
