// Shared by the libFuzzer binary (Fuzz/, which compiles this file into the library's module with
// -D SECR_FUZZ) and FuzzRegressionTests, so a regression input goes through exactly the calls
// that found it. No XCTest and no Foundation here.
import Glibc
#if !SECR_FUZZ
@testable import SecrCore
#endif

/// One fuzz target per parser of untrusted bytes. `run` returns, or throws a `SecrError` (the
/// input was refused); anything else it throws is a finding, and so is a crash.
enum FuzzTarget: String, CaseIterable, Sendable {
    /// `.secr/env/NAME.secr`: the parse (full and partial), then the read path's checks against
    /// the fixture store of its project (`FuzzFixtures`): structure, every record's signature
    /// and signer, the reader line unsealed with the store's reader, every value decrypted.
    case environment
    /// `.secr/roster`: the chain loaded and verified, and extended from a fixture roster it
    /// starts with (a history walk's incremental check): both must agree.
    case roster
    /// `secr import` of a dotenv file.
    case dotenv
    /// `secr import` of a flat JSON object.
    case json
    /// The leak scanner on one staged file: `PATH LF CONTENT`, optionally `LF RS LF OLD` (the
    /// version the staged file replaces, so only added lines are scanned).
    case scan
    /// Identity text: a plain or passphrase-protected identity file, and every line as a
    /// bech32 public key.
    case identity
    /// `.secr/allow`, which any branch may commit: parsed, and the text of what parsed must
    /// parse back to the same salt and entries.
    case allowlist

    func run(_ bytes: [UInt8]) throws {
        switch self {
        case .environment: try FuzzTarget.environment(bytes)
        case .roster: try FuzzTarget.roster(bytes)
        case .dotenv: try FuzzTarget.dotenv(bytes)
        case .json: _ = try FlatJSONParser.parse(bytes, file: "fuzz.json")
        case .scan: try FuzzTarget.scan(bytes)
        case .identity: try FuzzTarget.identity(bytes)
        case .allowlist: try FuzzTarget.allowlist(bytes)
        }
    }

    /// A rule that must hold for every input, broken without a crash.
    struct PropertyViolation: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs a step whose refusal (a `SecrError`) must not stop the steps after it.
    private static func refusable(_ step: () throws -> Void) throws {
        do { try step() } catch is SecrError {}
    }

    private static func require(_ condition: Bool, _ what: @autoclosure () -> String) throws {
        if !condition { throw PropertyViolation(description: what()) }
    }

    private static func environment(_ bytes: [UInt8]) throws {
        let fixtures = try FuzzFixtures.shared.get()
        _ = hasConflictMarkers(bytes)
        let name = EnvironmentFile.environmentName(bytes) ?? "development"
        let path = ".secr/env/\(name).secr"
        var partial: EnvironmentFile?
        try refusable { partial = try EnvironmentFile.parse(bytes, name: name, file: path, keys: ["GREETING"]) }
        // ... and reads it from disk line by line: the same verdict (a file with conflict markers
        // is refused before any parse) and the same answer.
        // One file per thread: the regression tests give inputs to this target in parallel.
        let scratch = "/tmp/secr-fuzz-environment-\(getpid())-\(UInt(pthread_self()))"
        try FileSystem.writeAtomically(scratch, bytes, mode: 0o600, durable: false)
        defer { unlink(scratch) }
        var streamed: EnvironmentFile?, streamRefused = false
        do { streamed = try EnvironmentFile.read(scratch, name: name, file: path, keys: ["GREETING"]) } catch is SecrError { streamRefused = true }
        try require(streamRefused == (partial == nil || hasConflictMarkers(bytes)), "reading the file line by line and parsing its bytes disagree on whether it is valid")
        if let streamed, let partial {
            try require(streamed.keyNames == partial.keyNames && streamed.readerNames == partial.readerNames && streamed.headerText == partial.headerText,
                        "reading the file line by line and parsing its bytes disagree on its keys, readers or header")
            try require(streamed.record("GREETING")?.line.text == partial.record("GREETING")?.line.text, "reading the file line by line disagrees on a parsed record")
        }
        let file = try EnvironmentFile.parse(bytes, name: name, file: path)
        // `secr get` reads a file partially: it must accept what a full read accepts, and list the same keys.
        try require(partial?.keyNames == file.keyNames, "a partial parse disagrees with the full parse on the live keys")
        try require(try partial?.record("GREETING")?.line.text == file.record("GREETING")?.line.text, "a partial parse disagrees on a parsed record")
        let again = try EnvironmentFile.parse(Array(file.text.utf8), name: name, file: path)
        try require(again.text == file.text, "an environment file's text does not parse back to itself")
        let store = fixtures.store(forProject: file.project)
        let roster = store.roster.state
        _ = file.structureProblems(against: roster, includeMissingReaders: true)
        try refusable { try file.verifyStructure(against: roster) }
        for record in try file.allRecords {
            try refusable { try file.verify(record, against: roster) }
        }
        let key = try file.unlock(with: store.reader, roster: roster)
        for record in try file.allRecords where !record.isDeleted {
            try refusable { _ = try file.decrypt(record, with: key) }
        }
    }

    private static func roster(_ bytes: [UInt8]) throws {
        let fixtures = try FuzzFixtures.shared.get()
        var loaded: Roster?, extended: Roster?
        try refusable { loaded = try Roster.load(bytes, file: ".secr/roster", allowVersion1: true) }
        // History walks extend a verified roster by the entries a commit appends: the same verdict as a whole load.
        let bases = fixtures.stores.flatMap { [$0.start, $0.roster] }
        let base = bases.first { bytes.starts(with: Array($0.text.utf8)) } ?? fixtures.stores[0].roster
        try refusable { extended = try base.extended(to: bytes, file: ".secr/roster") }
        try require((loaded == nil) == (extended == nil), "extending a roster and loading it whole disagree on whether it is valid")
        try require(loaded?.headHash == extended?.headHash, "extending a roster and loading it whole disagree on its head")
        guard let loaded else { return }
        let again = try Roster.load(Array(loaded.text.utf8), file: ".secr/roster", allowVersion1: true)
        try require(again.text == loaded.text && again.rootHash == loaded.rootHash, "a roster's text does not load back to itself")
        try refusable { _ = try Roster.load(bytes, file: ".secr/roster", expectedRoot: base.rootHash) }
    }

    private static func dotenv(_ bytes: [UInt8]) throws {
        let result = try DotenvParser.parse(bytes, file: "fuzz.env")
        for entry in result.entries {
            try require(KeyName.isValid(Substring(entry.key)), "the dotenv parser returned an invalid key name")
        }
    }

    private static func scan(_ bytes: [UInt8]) throws {
        let fixtures = try FuzzFixtures.shared.get()
        let newline = bytes.firstIndex(of: 0x0a) ?? bytes.endIndex
        // Git never stages a file with an empty path.
        let path = newline == 0 ? "file" : String(decoding: bytes[..<newline], as: UTF8.self)
        var content = Array(bytes[min(newline + 1, bytes.endIndex)...])
        var old: [UInt8]?
        if let separator = Scanner.find(content[...], [0x0a, 0x1e, 0x0a]) {
            old = Array(content[(separator + 3)...])
            content = Array(content[...separator])
        }
        var allowed = 0, notes: [String] = []
        let target = ScanTarget.reading(path: path, raw: content, old: old)
        _ = fixtures.scanner.scan(target, allowed: &allowed, notes: &notes)
    }

    /// The passphrase of the protected identities in the seed corpus.
    static let passphrase = "correct horse battery staple"

    private static func allowlist(_ bytes: [UInt8]) throws {
        let parsed = try Allowlist.parse(bytes, path: ".secr/allow")
        let again = try Allowlist.parse(Array(parsed.text.utf8), path: ".secr/allow")
        try require(again.salt == parsed.salt, "an allowlist's text reads back with another salt")
        try require(again.entries.map { [$0.rule, $0.hash, $0.path, $0.reason] } == parsed.entries.map { [$0.rule, $0.hash, $0.path, $0.reason] },
                    "an allowlist's text reads back with other entries")
    }

    private static func identity(_ bytes: [UInt8]) throws {
        let text = String(decoding: bytes, as: UTF8.self)
        for line in text.split(whereSeparator: \.isNewline) {
            let word = String(line.trimmingSpaces())
            if let (hrp, data) = Bech32.decode(word) {
                try require(Bech32.encode(hrp: hrp, data: data) == word.lowercased(), "bech32 text does not encode back to itself")
            }
            try refusable { _ = try PublicKey(parsing: word) }
        }
        guard Identity.isProtected(text) else {
            let identity = try Identity.parse(text, source: "fuzz identity")
            let written = try Identity.parse(identity.fileText(created: Timestamp(secondsSinceEpoch: 0)), source: "written identity")
            try require(written.publicKey == identity.publicKey, "an identity does not read back from the file it writes")
            return
        }
        // Argon2id at the cost a file asks for is the point of the format (up to 32 passes over
        // 4 GiB, a limit unit tests check); a fuzzer that asks for it measures libsodium.
        guard argon2Cost(text) <= 1024 else { return }
        _ = try Identity.unlock(text, passphrase: SecretBytes(copying: Array(passphrase.utf8)), source: "fuzz identity")
    }

    /// An upper bound of the KiB × passes any `ops=`/`mem=` word of `text` could ask for.
    private static func argon2Cost(_ text: String) -> Int {
        func largest(_ field: String) -> Int {
            var result = 1
            var rest = text[...]
            while let found = rest.firstRange(of: field + "=") {
                let value = rest[found.upperBound...].prefix { $0 != " " && !$0.isNewline }
                if let number = Int(value) { result = max(result, number) }
                rest = rest[found.upperBound...]
            }
            return result
        }
        let (ops, mem) = (largest("ops"), largest("mem"))
        return ops.multipliedReportingOverflow(by: mem).overflow ? Int.max : ops * mem
    }
}

/// What the targets check inputs against, made once: stores (a roster and a reader's identity)
/// for the environment files of the seed corpus to be read against, and a scanner that knows a
/// few managed values and holds one allowlist entry.
final class FuzzFixtures: @unchecked Sendable {
    // @unchecked: the scanner is only read after `init`.
    static let shared = Result { try FuzzFixtures() }

    /// A roster, the roster of its first entries (for `extended`), and a member who reads.
    struct Store {
        let roster: Roster
        let start: Roster
        let reader: Identity
    }

    /// The FORMAT.md vectors (alice), Tests/fixtures/store-v1 (format 1, its owner) and the store
    /// Fuzz/make-corpus made for the seed corpus (its owner): every seed environment file has
    /// its roster here.
    let stores: [Store]
    let scanner: Scanner

    /// The values the scanner's managed-value layer looks for (the seed corpus holds some).
    static let managedValues = [
        ("development", "DATABASE_URL", "postgres://app:s3cret@db.internal:5432/app"),
        ("development", "GREETING", "héllo, wörld\n\"quoted\""),
        ("production", "SIGNING_SALT", "pe7Qx-2vLm9Zt4Rk8sWcq3"),
        ("production", "PIN", "4711"),
    ]

    /// The checkout this file was compiled from.
    static let repositoryRoot: String = {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(4)  // FuzzTargets.swift, Fuzz, SecrCoreTests, Tests
        return parts.joined(separator: "/")
    }()

    /// The store whose roster names `project`, else the vectors'.
    func store(forProject project: String) -> Store {
        stores.first { $0.roster.state.projectID == project } ?? stores[0]
    }

    private init() throws {
        let vectors = try SpecVectors.load()
        guard let aliceText = vectors["alice-identity"], let rosterText = vectors["roster"] else {
            throw SecrError.failure("\(SpecVectors.specPath) has no alice-identity or roster vector")
        }
        func read(_ path: String) throws -> [UInt8] { try FileSystem.read(FuzzFixtures.repositoryRoot + "/" + path) }
        func store(roster bytes: [UInt8], reader: Identity) throws -> Store {
            let roster = try Roster.load(bytes, file: "fixture roster", allowVersion1: true)
            let start = try Roster.load(Array((roster.text.split(separator: "\n").prefix(6).joined(separator: "\n") + "\n").utf8),
                                        file: "fixture roster", allowVersion1: true)
            return Store(roster: roster, start: start, reader: reader)
        }
        func identity(_ path: String) throws -> Identity {
            try Identity.parse(String(decoding: try read(path), as: UTF8.self), source: path)
        }
        stores = [
            try store(roster: Array(rosterText.utf8),
                      reader: try Identity.parse(String(aliceText.prefix { $0 != "\n" }), source: "alice-identity vector")),
            try store(roster: try read("Tests/fixtures/store-v1/store/roster"), reader: try identity("Tests/fixtures/store-v1/identities/owner.key")),
            try store(roster: try read("Fuzz/corpus/roster/store-roster"), reader: try identity("Fuzz/corpus/identity/store-alice.key")),
        ]
        let allowlist = try Allowlist.parse(Array("""
            secr-allow v1 salt=c2VjciBmdXp6IHNhbHQgMTY
            allow rule=github-token hash=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA path=Tests/** reason=a fixture

            """.utf8), path: ".secr/allow")
        let managed = ManagedValues(FuzzFixtures.managedValues.map { (environment: $0.0, key: $0.1, value: SecretBytes(copying: Array($0.2.utf8))) })
        scanner = Scanner(managed: managed, allowlist: allowlist, storePath: ".secr")
    }
}
