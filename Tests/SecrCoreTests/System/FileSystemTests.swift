import Foundation
import Testing
@testable import SecrCore

@Suite struct FileSystemTests {
    private func temporaryFile(_ bytes: [UInt8]) throws -> (path: String, cleanup: () -> Void) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("secr-lines-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("file").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return (path, { try? FileManager.default.removeItem(at: dir) })
    }

    private func lines(of path: String, followLinks: Bool = true) throws -> (lines: [[UInt8]], endsWithNewline: Bool?) {
        var out: [[UInt8]] = []
        let ends = try FileSystem.forEachLine(path, followLinks: followLinks) { out.append(Array($0)) }
        return (out, ends)
    }

    /// Lines come out whole whatever the buffer boundaries: many short lines past the first
    /// buffer, a line longer than the buffer (it grows), empty lines, and what follows the last
    /// newline reported, not delivered.
    @Test(arguments: [true, false])
    func everyLineComesOutWholeAcrossBufferBoundaries(endsWithNewline: Bool) throws {
        var expected: [[UInt8]] = (0..<20_000).map { Array("line \($0) \(String(repeating: "x", count: $0 % 37))".utf8) }
        expected.insert([], at: 5)
        expected.insert([UInt8](repeating: 0x61, count: 300_000), at: 9_000)
        expected.append([])
        var bytes: [UInt8] = expected.flatMap { $0 + [UInt8(0x0a)] }
        if !endsWithNewline { bytes += Array("tail".utf8) }
        let file = try temporaryFile(bytes)
        defer { file.cleanup() }
        let read = try lines(of: file.path)
        #expect(read.endsWithNewline == endsWithNewline)
        #expect(read.lines == expected)
        #expect(try FileSystem.readIfExists(file.path) == bytes)
    }

    @Test func aMissingFileIsNilAndALinkIsRefusedWhenLinksAreNot() throws {
        let file = try temporaryFile(Array("a\n".utf8))
        defer { file.cleanup() }
        #expect(try lines(of: file.path + ".missing").endsWithNewline == nil)
        let link = file.path + ".link"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: file.path)
        #expect(try lines(of: link).lines == [Array("a".utf8)])
        #expect(throws: SecrError.self) { try lines(of: link, followLinks: false) }
        #expect(try lines(of: file.path).endsWithNewline == true)
    }

    @Test func aFileOverTheLimitIsRefused() throws {
        let file = try temporaryFile([UInt8](repeating: 0x0a, count: 200_000))
        defer { file.cleanup() }
        #expect(throws: SecrError.self) { try FileSystem.forEachLine(file.path, limit: 100_000) { _ in } }
        var count = 0
        #expect(try FileSystem.forEachLine(file.path, limit: 200_000) { _ in count += 1 } == true)
        #expect(count == 200_000)
    }
}
