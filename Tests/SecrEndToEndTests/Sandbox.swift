import Foundation
import Testing

/// The result of one run of the real `secr` binary.
struct Run {
    let status: Int32
    let stdout: String
    let stderr: String
    let stdoutData: Data
}

/// A throw-away world for one test: its own temp directory, HOME, git config and repository.
/// Swift Testing runs tests in parallel, so nothing is shared between sandboxes.
final class Sandbox: @unchecked Sendable {
    // @unchecked: the stored properties are immutable after init.
    let root: URL
    let home: URL
    let repo: URL

    static let binary: URL = {
        if let override = ProcessInfo.processInfo.environment["SECR_BIN"] { return URL(fileURLWithPath: override) }
        // The test bundle runs from the build directory that also holds the `secr` product.
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = runner.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("secr")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".build/debug/secr")
    }()

    init(gitRepository: Bool = true) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("secr-e2e-\(UUID().uuidString)")
        home = root.appendingPathComponent("home")
        repo = root.appendingPathComponent("repo")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: repo, withIntermediateDirectories: true)
        if gitRepository {
            try git("init", "-q", "-b", "main")
            try git("config", "user.name", "Alice Example")
            try git("config", "user.email", "alice@example.com")
        }
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    var environment: [String: String] {
        var env = ["HOME": home.path, "XDG_CONFIG_HOME": home.appendingPathComponent(".config").path,
                   "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                   "GIT_CONFIG_NOSYSTEM": "1", "LANG": "C.UTF-8"]
        env["SECR_BIN"] = nil
        return env
    }

    /// Runs a program to completion; stdin from `input` (or empty).
    @discardableResult
    func exec(_ executable: URL, _ arguments: [String], input: Data? = nil, env extra: [String: String?] = [:],
              directory: URL? = nil) throws -> Run {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory ?? repo
        var env = environment
        for (key, value) in extra { env[key] = value }
        process.environment = env
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Read both pipes concurrently so a large output cannot block the child.
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData = stderr.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        if let input { stdin.fileHandleForWriting.write(input) }
        try stdin.fileHandleForWriting.close()
        let outData = stdout.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                   stderr: String(decoding: errData, as: UTF8.self), stdoutData: outData)
    }

    /// Runs `secr` with the given arguments.
    @discardableResult
    func secr(_ arguments: String..., input: String? = nil, identity: String? = nil, env: [String: String?] = [:],
              directory: URL? = nil) throws -> Run {
        try secr(arguments, input: input, identity: identity, env: env, directory: directory)
    }

    @discardableResult
    func secr(_ arguments: [String], input: String? = nil, identity: String? = nil, env: [String: String?] = [:],
              directory: URL? = nil) throws -> Run {
        var extra = env
        if let identity { extra["SECR_IDENTITY_FILE"] = identityPath(identity) }
        return try exec(Sandbox.binary, arguments, input: input.map { Data($0.utf8) }, env: extra, directory: directory)
    }

    @discardableResult
    func git(_ arguments: String...) throws -> Run {
        let run = try exec(URL(fileURLWithPath: "/usr/bin/git"), arguments)
        if run.status != 0 { Issue.record("git \(arguments.joined(separator: " ")) failed: \(run.stderr)") }
        return run
    }

    func identityPath(_ name: String) -> String { root.appendingPathComponent("\(name).key").path }

    /// Creates an identity file for `name` and returns its public key.
    func keygen(_ name: String) throws -> String {
        let run = try secr("keygen", "-o", identityPath(name))
        #expect(run.status == 0, "keygen failed: \(run.stderr)")
        return run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A project owned by `owner` with members of the given roles (name → role).
    func project(owner: String = "alice", members: [String: String] = [:]) throws {
        _ = try keygen(owner)
        let initRun = try secr("init", "--name", owner, identity: owner)
        #expect(initRun.status == 0, "init failed: \(initRun.stderr)")
        for (name, role) in members.sorted(by: { $0.key < $1.key }) {
            let key = try keygen(name)
            let add = try secr("member", "add", name, key, "--role", role, identity: owner)
            #expect(add.status == 0, "member add failed: \(add.stderr)")
        }
    }

    func path(_ relative: String) -> URL { repo.appendingPathComponent(relative) }

    func read(_ relative: String) throws -> String { try String(contentsOf: path(relative), encoding: .utf8) }

    func write(_ relative: String, _ text: String) throws {
        try text.write(to: path(relative), atomically: false, encoding: .utf8)
    }

    /// Replaces the line of `relative` that contains `marker` via `edit`, the way an attacker
    /// with push access would: by editing the file's text.
    func editLine(_ relative: String, containing marker: String, _ edit: (String) -> String) throws {
        var lines = try read(relative).components(separatedBy: "\n")
        guard let index = lines.firstIndex(where: { $0.contains(marker) }) else {
            Issue.record("no line containing \(marker) in \(relative)")
            return
        }
        lines[index] = edit(lines[index])
        try write(relative, lines.joined(separator: "\n"))
    }
}

extension String {
    /// The value of `name=` in a secr line.
    func field(_ name: String) -> String? {
        split(separator: " ").first { $0.hasPrefix("\(name)=") }.map { String($0.dropFirst(name.count + 1)) }
    }

    /// The line with field `name` set to `value`.
    func replacingField(_ name: String, with value: String) -> String {
        split(separator: " ").map { $0.hasPrefix("\(name)=") ? "\(name)=\(value)" : String($0) }.joined(separator: " ")
    }
}

/// Flips one character of a base64url string to another valid base64url character.
func flipped(_ text: String, at offset: Int = 5) -> String {
    var chars = Array(text)
    let index = min(offset, chars.count - 2)
    chars[index] = chars[index] == "A" ? "B" : "A"
    return String(chars)
}

extension Sandbox {
    static let referenceDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("reference")

    /// Runs Tests/reference/forge.py: an attacker's tools written from the spec.
    @discardableResult
    func forge(_ arguments: String...) throws -> Run { try forge(arguments) }

    func forge(_ arguments: [String]) throws -> Run {
        let run = try exec(URL(fileURLWithPath: "/usr/bin/env"),
                           ["python3", Sandbox.referenceDirectory.appendingPathComponent("forge.py").path] + arguments,
                           env: ["PYTHONPATH": ProcessInfo.processInfo.environment["PYTHONPATH"]])
        return run
    }

    /// The current line of `key` in an environment file.
    func recordLine(_ environment: String, _ key: String) throws -> String? {
        try read(".secr/env/\(environment).secr").components(separatedBy: "\n").first { $0.contains(" key=\(key) ") }
    }

    func header(_ environment: String) throws -> String {
        try read(".secr/env/\(environment).secr").components(separatedBy: "\n")[1]
    }
}
