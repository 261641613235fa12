import Foundation
import Testing
@testable import SecrCore

/// Pin lines are read as bytes: a store path that starts with a combining mark joins the `=`
/// before it into one Character, and a search by Character lost the line and its pin.
struct CloneStateTests {
    @Test(arguments: [".secr", "\u{301}store", "app/\u{301}.secr", "a b/.secr"])
    func aPinIsReadBackForAnyStorePath(storeKey: String) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("secr-clone-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clone = CloneState(directory: directory, storeKey: storeKey, branch: "refs/heads/main", defaultBranch: "refs/heads/main",
                               legacyPins: nil)
        let other = CloneState(directory: directory, storeKey: "other", branch: "refs/heads/main", defaultBranch: "refs/heads/main",
                               legacyPins: nil)
        try other.savePin(CloneState.Pin(root: "r0", seq: 1, head: "h0"))
        try clone.savePin(CloneState.Pin(root: "r1", seq: 3, head: "h1"))
        try clone.savePin(CloneState.Pin(root: "r1", seq: 4, head: "h2"))
        #expect(clone.pin() == CloneState.Pin(root: "r1", seq: 4, head: "h2"))
        #expect(clone.pinnedRoot() == "r1")
        #expect(other.pin() == CloneState.Pin(root: "r0", seq: 1, head: "h0"))
        // One line per store and branch: the second save replaced the first.
        let text = try String(contentsOfFile: Path.join(directory, "pins"), encoding: .utf8)
        #expect(text.split(separator: "\n").count == 3)
    }
}
