import Foundation
import Testing
@testable import SecrCore

@Suite struct DeferredSyncTests {
    private func directory() throws -> (path: String, cleanup: () -> Void) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("secr-deferred-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return (dir.path, { try? FileManager.default.removeItem(at: dir) })
    }

    private func leftovers(in directory: String) -> [String] {
        FileSystem.list(directory).filter { $0.contains(FileSystem.temporaryMark) }
    }

    /// Off, a write is the synchronous one: the file is in place when the call returns.
    @Test func offEveryWriteIsInPlaceWhenItReturns() throws {
        let dir = try directory()
        defer { dir.cleanup() }
        let sync = DeferredSync()
        let path = Path.join(dir.path, "pins")
        try FileSystem.writeAtomically(path, Array("one\n".utf8), deferringTo: sync) { "failed: \($0)" }
        #expect(try FileSystem.readIfExists(path) == Array("one\n".utf8))
        #expect(sync.finish().isEmpty)
    }

    /// On, writes land in the order they were asked for, whole, and nothing temporary is left
    /// once settled; a reader of one path that nothing is pending for does not wait.
    @Test func onWritesLandInOrderAndWholeOnceSettled() throws {
        let dir = try directory()
        defer { dir.cleanup() }
        let sync = DeferredSync()
        sync.enable()
        let pins = Path.join(dir.path, "pins"), seen = Path.join(dir.path, "seen")
        let big = [UInt8](repeating: 0x61, count: 200_000) + [0x0a]
        for round in 0..<20 {
            try FileSystem.writeAtomically(pins, Array("round \(round)\n".utf8) + big, deferringTo: sync) { "failed: \($0)" }
            // Whatever a reader finds meanwhile is an old file or a whole new one.
            if let now = try FileSystem.readIfExists(pins) {
                #expect(now.starts(with: Array("round ".utf8)) && now.count <= big.count + 9 && now.suffix(big.count).elementsEqual(big))
            }
        }
        try FileSystem.writeAtomically(seen, Array("seen\n".utf8), deferringTo: sync) { "failed: \($0)" }
        sync.settle(seen)
        #expect(try FileSystem.readIfExists(seen) == Array("seen\n".utf8))
        sync.settle(pins)
        #expect(try FileSystem.readIfExists(pins) == Array("round 19\n".utf8) + big)
        #expect(sync.finish().isEmpty)
        #expect(leftovers(in: dir.path).isEmpty)
    }

    /// A directory that cannot be written fails in the caller, at once, as the synchronous
    /// write does; a failure on the thread (here the rename: the path is a directory) comes
    /// back from `finish` in the caller's words, once, and leaves the old file and no
    /// temporary behind.
    @Test func failuresAreSaidAndLeaveNothingBehind() throws {
        let dir = try directory()
        defer { dir.cleanup() }
        let sync = DeferredSync()
        sync.enable()
        #expect(throws: SecrError.self) {
            try FileSystem.writeAtomically(Path.join(dir.path, "missing/pins"), [0x0a], deferringTo: sync) { "failed: \($0)" }
        }
        let occupied = Path.join(dir.path, "occupied")
        try FileSystem.makeDirectories(Path.join(occupied, "inside"))
        try FileSystem.writeAtomically(occupied, Array("new\n".utf8), deferringTo: sync) { "not recorded (\($0))" }
        let notices = sync.finish()
        #expect(notices.count == 1)
        #expect(notices.first?.hasPrefix("not recorded (cannot replace \(occupied):") == true)
        #expect(sync.finish().isEmpty)
        #expect(FileSystem.isDirectory(Path.join(occupied, "inside")))
        #expect(leftovers(in: dir.path).isEmpty)
    }
}
