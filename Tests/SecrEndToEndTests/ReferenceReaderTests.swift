import Foundation
import Testing

/// Tests/reference/secr_reference.py is a reader written from docs/FORMAT.md alone, with
/// PyNaCl. It must agree with secr on stores the real binary writes, and refuse what secr refuses.
@Suite struct ReferenceReaderTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("reference/secr_reference.py")

    func reference(_ box: Sandbox, identity: String, environment: String) throws -> Run {
        let text = try String(contentsOfFile: box.identityPath(identity), encoding: .utf8)
        return try box.exec(URL(fileURLWithPath: "/usr/bin/env"),
                            ["python3", ReferenceReaderTests.script.path, box.path(".secr").path, environment],
                            env: ["SECR_IDENTITY": text, "PYTHONPATH": ProcessInfo.processInfo.environment["PYTHONPATH"]])
    }

    @Test func referenceReaderAgreesWithSecr() throws {
        let box = try Sandbox()
        try box.project(members: ["dave": "developer", "vera": "viewer"])
        for (key, value) in PullFormatTests.tricky {
            #expect(try box.secr("set", key, "--stdin", input: value + "\n", identity: "alice").status == 0)
        }
        #expect(try box.secr("set", "BY_DAVE=written by a developer", identity: "dave").status == 0)
        #expect(try box.secr("set", "GONE=x", identity: "alice").status == 0)
        #expect(try box.secr("unset", "GONE", identity: "alice").status == 0)
        for reader in ["alice", "dave", "vera"] {
            let ours = try box.secr("pull", "--format", "json", identity: reader)
            let theirs = try reference(box, identity: reader, environment: "development")
            #expect(theirs.status == 0, "\(theirs.stderr)")
            let a = try JSONSerialization.jsonObject(with: ours.stdoutData) as? [String: String]
            let b = try JSONSerialization.jsonObject(with: theirs.stdoutData) as? [String: String]
            #expect(a != nil && a == b)
        }
        #expect(try reference(box, identity: "dave", environment: "production").status == 3)
    }

    @Test func referenceReaderFollowsRemovalsRolesAndKeptRecords() throws {
        let box = try Sandbox()
        try box.project(members: ["dave": "developer", "vera": "viewer", "ada": "admin"])
        #expect(try box.secr("set", "BY_DAVE=dave wrote this", identity: "dave").status == 0)
        #expect(try box.secr("set", "BY_VERA_LATER=x", identity: "alice").status == 0)
        #expect(try box.secr("member", "set-role", "dave", "viewer", identity: "alice").status == 0)
        #expect(try box.secr("role", "add", "qa-reader", "--read", "qa", identity: "alice").status == 2)
        #expect(try box.secr("env", "add", "qa", identity: "alice").status == 0)
        #expect(try box.secr("role", "add", "qa-reader", "--read", "qa,development", identity: "alice").status == 0)
        #expect(try box.secr("member", "set-role", "vera", "qa-reader", identity: "ada").status == 0)
        #expect(try box.secr("member", "remove", "ada", identity: "alice").status == 0)
        #expect(try box.secr("env", "remove", "qa", "--yes", identity: "alice").status == 0)
        for reader in ["alice", "dave", "vera"] {
            let ours = try box.secr("pull", "--format", "json", identity: reader)
            let theirs = try reference(box, identity: reader, environment: "development")
            #expect(theirs.status == 0, "\(reader): \(theirs.stderr)")
            #expect(try JSONSerialization.jsonObject(with: ours.stdoutData) as? [String: String]
                    == JSONSerialization.jsonObject(with: theirs.stdoutData) as? [String: String])
        }
        #expect(try reference(box, identity: "ada", environment: "development").status == 3)
    }

    @Test func referenceReaderRefusesTamperingToo() throws {
        let box = try Sandbox()
        try box.project()
        #expect(try box.secr("set", "A=alpha-value", identity: "alice").status == 0)
        try box.editLine(".secr/env/development.secr", containing: "key=A ") { $0.replacingField("ct", with: flipped($0.field("ct") ?? "")) }
        #expect(try reference(box, identity: "alice", environment: "development").status == 4)
        #expect(try box.secr("get", "A", identity: "alice").status == 4)
    }

    @Test func referenceReaderDecryptsTheSpecVectors() throws {
        let box = try Sandbox(gitRepository: false)
        let spec = try String(contentsOf: ReferenceReaderTests.script.deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/FORMAT.md"), encoding: .utf8)
        func block(_ name: String) throws -> String {
            let start = try #require(spec.range(of: "```text vector:\(name)\n"))
            let end = try #require(spec.range(of: "\n```", range: start.upperBound..<spec.endIndex))
            return String(spec[start.upperBound..<end.lowerBound]) + "\n"
        }
        let store = box.path(".secr")
        try FileManager.default.createDirectory(at: store.appendingPathComponent("env"), withIntermediateDirectories: true)
        try block("roster").write(to: store.appendingPathComponent("roster"), atomically: true, encoding: .utf8)
        try block("development.secr").write(to: store.appendingPathComponent("env/development.secr"), atomically: true, encoding: .utf8)
        let bob = try block("bob-identity").components(separatedBy: "\n")[0]
        let run = try box.exec(URL(fileURLWithPath: "/usr/bin/env"), ["python3", ReferenceReaderTests.script.path, store.path, "development"],
                               env: ["SECR_IDENTITY": bob, "PYTHONPATH": ProcessInfo.processInfo.environment["PYTHONPATH"]])
        #expect(run.status == 0, "\(run.stderr)")
        let values = try JSONSerialization.jsonObject(with: run.stdoutData) as? [String: String]
        #expect(values == ["DATABASE_URL": "postgres://app:s3cret@db.internal:5432/app", "GREETING": "héllo, wörld\n\"quoted\""])
        // secr itself reads the same files.
        let ours = try box.secr("--store", store.path, "pull", "--format", "json", env: ["SECR_IDENTITY": bob])
        #expect(try JSONSerialization.jsonObject(with: ours.stdoutData) as? [String: String] == values)
    }
}
