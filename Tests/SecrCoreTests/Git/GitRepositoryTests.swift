import CGit2
import Foundation
import Testing
@testable import SecrCore

@Suite struct GitRepositoryTests {
    func repository() throws -> (GitRepository, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("secr-git-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let run = Process()
        run.executableURL = URL(fileURLWithPath: "/usr/bin/git")
        run.arguments = ["init", "-q", dir.path]
        run.environment = ["HOME": dir.path, "GIT_CONFIG_NOSYSTEM": "1"]
        try run.run()
        run.waitUntilExit()
        return (try GitRepository(at: dir.path), dir)
    }

    func git(_ dir: URL, _ arguments: [String]) throws -> String {
        let run = Process(), pipe = Pipe()
        run.executableURL = URL(fileURLWithPath: "/usr/bin/git")
        run.arguments = ["-C", dir.path] + arguments
        run.environment = ["HOME": dir.path, "GIT_CONFIG_NOSYSTEM": "1"]
        run.standardOutput = pipe
        try run.run()
        run.waitUntilExit()
        return String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }

    func indexedID(_ dir: URL, _ name: String) throws -> String {
        try git(dir, ["ls-files", "-s", name]).split(separator: " ").dropFirst().first.map(String.init) ?? ""
    }

    func blobID(_ text: String) -> (git_oid, String) {
        var oid = git_oid()
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { git_odb_hash(&oid, $0.baseAddress, $0.count, GIT_OBJECT_BLOB) }
        return (oid, GitHistory.hex(&oid))
    }

    /// The index entry is made from the written blob only while the file is the one that was
    /// read; a file changed since is added from disk, so the index never pairs one content's id
    /// with another content's stat (which would hide the change from `git status`).
    @Test func stagingFromAKnownBlobFallsBackWhenTheFileChanged() throws {
        let (repo, dir) = try repository()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("a.secr").path
        try Data("first\n".utf8).write(to: URL(fileURLWithPath: path))
        let (firstID, firstHex) = blobID("first\n")
        #expect(try git(dir, ["hash-object", "-w", "a.secr"]).hasPrefix(firstHex), "the blob is written, as a commit writes it")
        let before = try #require(FileSystem.linkStatus(path))
        try repo.stage([path], known: [path: (firstID, before)])
        #expect(try indexedID(dir, "a.secr") == firstHex, "control: unchanged, the known id is staged")
        // Changed after the "blob was written": same size, so only the stat's times tell.
        usleep(10_000)
        try Data("other\n".utf8).write(to: URL(fileURLWithPath: path))
        try repo.stage([path], known: [path: (firstID, before)])
        #expect(try indexedID(dir, "a.secr") == blobID("other\n").1, "the file as it is now, not the stale id")
    }
}
