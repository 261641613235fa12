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
        let output = pipe.fileHandleForReading.readDataToEndOfFile()  // before waiting: a full pipe would block git
        run.waitUntilExit()
        return String(decoding: output, as: UTF8.self)
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
    /// A commit writes the blob itself (read once, hashed once, zlib's stored mode): git reads
    /// it back byte for byte and `git fsck` finds nothing wrong, and a failed commit's cleanup
    /// still knows the object as new. A large file (12,000 lines, about 1 MB) is hashed and
    /// written at once (`Parallel.both`) and its temporary object renamed into place, a small
    /// one (2,000 lines) one step after the other; neither leaves a temporary object behind.
    @Test(arguments: [2_000, 12_000])
    func aCommittedBlobIsALooseObjectGitReads(lines: Int) throws {
        let (repo, dir) = try repository()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("env.secr").path
        let content = (0..<lines).map { "secret key=K\($0) v=1 ct=\(String(repeating: "x", count: $0 % 97))\n" }.joined()
        try Data(content.utf8).write(to: URL(fileURLWithPath: path))
        let commit = try repo.commit([path], message: "secr: test\n", fallbackAuthor: "tester")
        let id = blobID(content).1
        #expect(try git(dir, ["rev-parse", "\(commit):env.secr"]).hasPrefix(id))
        #expect(try git(dir, ["cat-file", "-p", id]) == content)
        #expect(try git(dir, ["fsck", "--strict", "--no-dangling"]).isEmpty)
        let objectPath = try #require(repo.looseObjectPath(blobID(content).0))
        let mode = try #require(FileSystem.linkStatus(objectPath)).st_mode & 0o777
        #expect(mode & 0o222 == 0, "read-only, as git makes its objects")
        #expect(try git(dir, ["status", "--porcelain"]).isEmpty, "the index matches the work tree")
        // The same content again: nothing new is written, the commit still lands.
        try Data(content.utf8).write(to: URL(fileURLWithPath: path))
        let again = try repo.commit([path], message: "secr: again\n", fallbackAuthor: "tester")
        #expect(try git(dir, ["rev-parse", "\(again):env.secr"]).hasPrefix(id))
        #expect((content.utf8.count >= GitRepository.largeBlob) == (lines == 12_000))
        let objects = dir.appendingPathComponent(".git/objects").path
        let leftovers = (FileManager.default.enumerator(atPath: objects)?.allObjects as? [String] ?? []).filter { $0.contains("tmp_obj") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    /// Where git's attributes name a filter for the path, the blob is made by libgit2 with the
    /// filter applied, as `git add` would (here `ident`, which stores `$Id$` collapsed).
    @Test func aFilteredPathIsWrittenThroughItsFilter() throws {
        let (repo, dir) = try repository()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("*.secr ident\n".utf8).write(to: dir.appendingPathComponent(".gitattributes"))
        let path = dir.appendingPathComponent("env.secr").path
        try Data("$Id: 0123 $\nline\n".utf8).write(to: URL(fileURLWithPath: path))
        let commit = try repo.commit([path], message: "secr: filtered\n", fallbackAuthor: "tester")
        #expect(try git(dir, ["cat-file", "-p", "\(commit):env.secr"]) == "$Id$\nline\n")
        #expect(try git(dir, ["fsck", "--strict", "--no-dangling"]).isEmpty)
    }
}
