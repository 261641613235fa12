/// An environment's X25519 key pair, once unsealed by a reader.
final class EnvironmentKey: Sendable {
    let publicKey: BoxPublicKey
    let secretKey: SecretBytes

    init(publicKey: BoxPublicKey, secretKey: SecretBytes) {
        self.publicKey = publicKey
        self.secretKey = secretKey
    }

    static func generate(random: RandomSource) throws -> EnvironmentKey {
        let pair = try Sodium.boxKeyPair(seed: SecretBytes(random: 32, from: random))
        return EnvironmentKey(publicKey: pair.publicKey, secretKey: pair.secretKey)
    }
}

/// `.secr/env/NAME.secr`: a signed header with the environment public key, one reader line per
/// member who may read (the environment secret key sealed to them), and one record per key,
/// sorted by key name. Independent lines, no file-wide MAC, so changes to different keys merge.
package struct EnvironmentFile {
    static let magic = "secr-env v1"
    static let headerDomain = "secr-v1 env header"

    struct Reader {
        let name: String
        let key: PublicKey
        let box: SealedKey
        let line: Line
    }

    package let name: String
    package let file: String
    /// The versions this clone had seen of the file's keys when it was loaded (`Store`), so
    /// that remembering a read that raises nothing needs no second look at the clone state.
    var seenAtLoad: SeenVersions?
    private(set) var header: Line
    private(set) var readers: [Reader]
    private(set) var records: [String: Slot] {
        didSet {
            recordsDigest = nil  // the digest was of the records as read
            recordsVerified = false  // `write` and `rotated` say when it still holds
        }
    }
    /// The keys of `records`, sorted: a file's records are in key order, so a parse makes this
    /// without sorting (a write at 10,000 secrets sorted the keys four times).
    private var order: [String]
    /// Every record's signature was checked by this process (`verifyAll`) or made by it: what
    /// lets a change that writes the file remember it as verified whole. A record put in from
    /// elsewhere (a merge) clears it.
    private(set) var recordsVerified = false
    /// The version of every record line, parsed or not (a partial file parses only some).
    private(set) var versions: [String: Int] = [:]
    /// Parsed with a key filter: only those keys' records are here.
    private(set) var isPartial = false
    /// `H(lp("secr-v2 verified file records") ‖ lp(name) ‖ lp(the file's bytes))` of a whole
    /// parse: the verification cache's key for "every record signature in this very file
    /// verified" (FORMAT.md §6).
    private(set) var recordsDigest: [UInt8]?
    /// For a partial file: every record line's key (a range of `indexed`, the keys' bytes),
    /// version and whether it holds a value, in key order. No string per key: `get` of one key
    /// in a file of 10,000 spent half its time making and hashing the other names.
    private var index: [IndexEntry] = []
    private var indexed: [UInt8] = []
    /// The file's bytes, which deferred record lines are ranges of.
    private var source: [UInt8] = []
    /// Some record lines were deferred (`parse`).
    var hasDeferredRecords: Bool { !source.isEmpty }

    /// A record, parsed or still the bytes of its line.
    enum Slot {
        case parsed(SecretRecord)
        case deferred(DeferredLine)

        var isLive: Bool {
            switch self {
            case .parsed(let record): !record.isDeleted
            case .deferred(let line): line.live
            }
        }
    }

    /// A record line checked only for its kind, key, order and version when the file was read
    /// (what the clone state's checks need), parsed in full when a command asks for the record.
    struct DeferredLine {
        let range: Range<Int>
        let number: Int
        let version: Int
        let live: Bool
    }

    private struct IndexEntry {
        let key: Range<Int>
        let version: Int
        let live: Bool
    }

    let project: String
    let generation: Int
    let publicKey: BoxPublicKey
    let headerSigner: PublicKey
    let headerSignature: Signature

    /// Key names with a live (not deleted) value, sorted.
    package var keyNames: [String] {
        guard isPartial else { return order.filter { records[$0]?.isLive ?? false } }
        return index.filter(\.live).map { String(decoding: indexed[$0.key], as: UTF8.self) }
    }

    package var text: String { String(decoding: bytes, as: UTF8.self) }

    /// The file as written: magic, header, reader lines, then records sorted by key, each line
    /// appended as bytes (building a 5 MB file of 10,000 records through strings was a sixth of
    /// `secr set`).
    /// A deferred record line is copied as it was read.
    var bytes: [UInt8] {
        let slots = order.compactMap { records[$0] }
        let lines = [header] + readers.map(\.line)
        var size = lines.reduce(EnvironmentFile.magic.utf8.count + 1) { $0 + $1.byteCount + 1 }
        for slot in slots {
            switch slot {
            case .parsed(let record): size += record.line.byteCount + 1
            case .deferred(let line): size += line.range.count + 1
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(size)
        out.append(contentsOf: EnvironmentFile.magic.utf8)
        out.append(0x0a)
        for line in lines {
            line.append(to: &out)
            out.append(0x0a)
        }
        source.withUnsafeBufferPointer { source in
            for slot in slots {
                switch slot {
                case .parsed(let record): record.line.append(to: &out)
                case .deferred(let line): out.append(contentsOf: UnsafeBufferPointer(rebasing: source[line.range]))
                }
                out.append(0x0a)
            }
        }
        return out
    }

    /// Parses the file's structure. Signatures and permissions are checked by `verify…`.
    ///
    /// With `keys`, only those records are parsed in full (`secr get`); every other record line
    /// is checked only for its kind, key, order and version, which is what the version checks
    /// of the clone state need. Such a file is partial: it can answer for `keys`, not be written.
    ///
    /// `deferringRecords` (a change, which rewrites one or a few records of a file it must
    /// keep whole): when the verification cache knows these very bytes verified whole, record
    /// lines get only those checks at first, and each is parsed in full when it is asked for;
    /// `verifyAll` then checks every record's signer against the roster as before. Parsing
    /// 10,000 records a `set` of one key never looks at was half its work. Otherwise every
    /// line is parsed now.
    static func parse(_ bytes: [UInt8], name: String, file: String, keys: Set<String>? = nil,
                      deferringRecords: Bool = false, cache: VerificationCache = .shared) throws -> EnvironmentFile {
        try bytes.withUnsafeBufferPointer { buffer in
            func parse(deferring: Bool) throws -> EnvironmentFile {
                var parser = Parser(name: name, file: file, keys: keys, deferring: deferring)
                let ranges = try lineRanges(buffer, file: file)
                parser.reserve(lines: ranges.count)
                for range in ranges { try parser.add(UnsafeBufferPointer(rebasing: buffer[range]), at: range) }
                return try parser.finish()
            }
            // Hashing megabytes is worth it only with a cache to ask (not for `verify`, `log`, a merge).
            guard keys == nil, cache.isLoaded else { return try parse(deferring: false) }
            var deferred: EnvironmentFile?, digest: [UInt8]
            if deferringRecords, bytes.count >= EnvironmentFile.largeFile {
                // A change to a large file: the digest (BLAKE2b, about 4 ms for 5 MB) on another
                // core while this one parses as though the cache knew it, which it does for any
                // file this clone read or wrote before; when it does not, the file is parsed
                // again in full below, as it would have been.
                (deferred, digest) = Parallel.both({ try? parse(deferring: true) }, {
                    bytes.withUnsafeBytes { recordsDigest(name: name, bytes: $0) }
                })
                if !cache.knowsVerifiedRecords(digest) { deferred = nil }  // not held while the whole parse is made
            } else {
                digest = recordsDigest(name: name, bytes: UnsafeRawBufferPointer(buffer))
                deferred = deferringRecords && cache.knowsVerifiedRecords(digest) ? try parse(deferring: true) : nil
            }
            var result = try deferred ?? parse(deferring: false)
            if deferred != nil { result.source = bytes }
            result.recordsDigest = digest
            return result
        }
    }

    /// From this size on a change's parse and the file's digest run at once.
    static let largeFile = 256 * 1024

    /// `parse(_:keys:)` of the file at `path`, read through a buffer of a few pages rather than
    /// whole: `secr get` of one key in a file of 10,000 spent a fifth of its time on the fresh
    /// memory for the 5 MB it read. Nil when there is no file. Same checks, same verdicts.
    static func read(_ path: String, name: String, file: String, keys: Set<String>) throws -> EnvironmentFile? {
        var parser = Parser(name: name, file: file, keys: keys)
        var conflicted = false, failure: Error?, ascii = true
        // CR and non-ASCII bytes are looked for in each read's bytes; lines are checked for
        // UTF-8 one by one only once a byte that is not ASCII came (never in a file secr wrote).
        let found = try FileSystem.forEachLine(path, followLinks: false, opened: { parser.reserve(forFileOf: $0) }, chunk: { bytes in
            if ascii, !hasOnlyASCII(bytes) { ascii = false }
            if failure == nil, containsCarriageReturn(bytes) { failure = notLineFormat(file) }
        }) { line in
            // A line with git's conflict markers anywhere in the file says what went wrong better
            // than the first line that does not parse.
            if let first = line.first, first == 0x3c || first == 0x3e, isConflictMarker(line) { conflicted = true }
            guard failure == nil else { return }
            do {
                if !ascii { try checkText(line, file: file) }
                try parser.add(line)
            } catch { failure = error }
        }
        guard let endsWithNewline = found else { return nil }
        if conflicted { throw SecrError.conflicted(file) }
        if let failure { throw failure }
        guard endsWithNewline else { throw notLineFormat(file) }
        return try parser.finish()
    }

    static let verifiedRecordsDomain = Array("secr-v2 verified file records".utf8)

    /// The file's lines, one at a time: magic, header, reader lines, records.
    private struct Parser {
        let name: String, file: String, keys: Set<String>?
        /// Record lines are kept as `DeferredLine`s (see `parse`).
        let deferring: Bool
        /// A partial parse orders keys by their bytes (ASCII names: the order `String` sorts in)
        /// and parses in full only the lines of the few keys asked for.
        let requested: [[UInt8]]?
        var number = 0
        var header: (line: Line, reader: FieldReader, signature: Signature)?
        var readers: [Reader] = []
        var records: [String: Slot] = [:]
        var order: [String] = []
        var versions: [String: Int] = [:]
        var entries: [IndexEntry] = []
        /// The keys of `entries`, one after another.
        var arena: [UInt8] = []
        var lastKey = ""
        var sawRecord = false

        init(name: String, file: String, keys: Set<String>?, deferring: Bool = false) {
            self.name = name
            self.file = file
            self.keys = keys
            self.deferring = deferring
            requested = keys.map { $0.map { Array($0.utf8) } }
        }

        /// Room for the index of a file of `size` bytes, reserved once: grown by doubling, the
        /// index of 10,000 records was copied into fresh pages a dozen times (a third of the
        /// page faults of `get`). A record line is hundreds of bytes, so this is an upper bound,
        /// and pages of it that are never written are never touched.
        mutating func reserve(forFileOf size: Int) {
            guard requested != nil, size > 0 else { return }
            let limit = min(size, FileSystem.readLimit)
            entries.reserveCapacity(limit / 128)
            arena.reserveCapacity(limit / 16)
        }

        /// Room for a whole file's records, once: grown by doubling, the tables of 10,000 were
        /// moved into fresh pages a dozen times (a sixth of the page faults of `set`).
        mutating func reserve(lines: Int) {
            guard requested == nil else { return }
            records.reserveCapacity(lines)
            order.reserveCapacity(lines)
            versions.reserveCapacity(lines)
        }

        private func malformed() -> SecrError { EnvironmentFile.malformedLine(file, number) }

        /// A record taken into the file, in key order.
        mutating func append(_ slot: Slot, key: String, version: Int) {
            sawRecord = true
            records[key] = slot
            order.append(key)
            versions[key] = version
        }

        /// `range`: where the line is in the file (needed when deferring).
        mutating func add(_ bytes: UnsafeBufferPointer<UInt8>, at range: Range<Int> = 0..<0) throws {
            number += 1
            if number == 1 {
                guard bytes.elementsEqual(magic.utf8) else {
                    throw SecrError.integrity("\(file) does not start with '\(magic)'; it is not a secr environment file or was altered (restore it with `git checkout -- \(file)`)")
                }
                return
            }
            if number == 2 {
                guard let headerLine = Line.parse(bytes: bytes), headerLine.kind == "header" else {
                    throw SecrError.integrity("\(file):2: missing or malformed header line; the file was altered or corrupted")
                }
                let h = FieldReader(line: headerLine, file: file, lineNumber: 2)
                try h.expectFields([("env", true), ("project", true), ("gen", true), ("pk", true), ("time", true), ("by", true), ("sig", true)])
                guard try h.string("env") == name else {
                    throw h.fail("header names environment '\(try h.string("env"))' but the file is \(name).secr: it was copied from another environment")
                }
                _ = try h.timestamp("time")
                header = (headerLine, h, try h.sized("sig", as: Signature.self))
                return
            }
            if deferring, let (keyRange, version, live) = try EnvironmentFile.indexEntry(bytes, number: number, file: file) {
                let key = String(decoding: UnsafeBufferPointer(rebasing: bytes[keyRange]), as: UTF8.self)
                guard key > lastKey else { throw malformed() }
                lastKey = key
                append(.deferred(DeferredLine(range: range, number: number, version: version, live: live)), key: key, version: version)
                return
            }
            var entry: IndexEntry?
            if let requested, let (keyRange, version, live) = try EnvironmentFile.indexEntry(bytes, number: number, file: file) {
                let key = UnsafeBufferPointer(rebasing: bytes[keyRange])
                if let last = entries.last?.key, arena.withUnsafeBufferPointer({ compareBytes(UnsafeBufferPointer(rebasing: $0[last]), key) >= 0 }) {
                    throw SecrError.integrity("\(file):\(number): records are not sorted by key or repeat key \(String(decoding: key, as: UTF8.self))")
                }
                let stored = arena.count..<(arena.count + key.count)
                arena.append(contentsOf: key)
                entry = IndexEntry(key: stored, version: version, live: live)
                entries.append(entry!)
                sawRecord = true
                guard requested.contains(where: { wanted in wanted.count == key.count && wanted.withUnsafeBufferPointer { compareBytes($0, key) == 0 } }) else { return }
            }
            guard let line = Line.parse(bytes: bytes) else { throw malformed() }
            let reader = FieldReader(line: line, file: file, lineNumber: number)
            if line.kind == "reader" {
                guard !sawRecord else { throw reader.fail("reader lines must come before records") }
                try reader.expectFields([("name", true), ("key", true), ("box", true)])
                let entry = Reader(name: try reader.string("name"), key: try reader.publicKey("key"),
                                   box: try reader.sized("box", as: SealedKey.self), line: line)
                guard readers.last.map({ $0.name < entry.name }) ?? true else {
                    throw reader.fail("reader lines are not sorted by name or repeat a name")
                }
                readers.append(entry)
            } else {
                let record = try SecretRecord(line: line, reader: reader)
                if let entry {
                    // The full parse must read the line as the index did.
                    guard arena[entry.key].elementsEqual(record.key.utf8), entry.version == record.version, entry.live == !record.isDeleted else {
                        throw malformed()
                    }
                } else {
                    guard record.key > lastKey else { throw reader.fail("records are not sorted by key or repeat key \(record.key)") }
                    lastKey = record.key
                }
                append(.parsed(record), key: record.key, version: record.version)
            }
        }

        func finish() throws -> EnvironmentFile {
            guard number >= 1 else {
                throw SecrError.integrity("\(file) does not start with '\(magic)'; it is not a secr environment file or was altered (restore it with `git checkout -- \(file)`)")
            }
            guard let (headerLine, h, signature) = header else {
                throw SecrError.integrity("\(file):2: missing or malformed header line; the file was altered or corrupted")
            }
            var result = EnvironmentFile(name: name, file: file, header: headerLine, readers: readers, records: records, order: order,
                                         project: try h.string("project"), generation: try h.number("gen"),
                                         publicKey: try h.sized("pk", as: BoxPublicKey.self), headerSigner: try h.publicKey("by"),
                                         headerSignature: signature)
            result.versions = versions
            result.isPartial = keys != nil
            result.index = entries
            result.indexed = arena
            return result
        }
    }

    /// `H(lp("secr-v2 verified file records") ‖ lp(name) ‖ lp(bytes))`: the verification cache's
    /// key for "every record signature in the file with these bytes verified" (FORMAT.md §6).
    static func recordsDigest(name: String, bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var name = name
        return name.withUTF8 { nameBytes in
            verifiedRecordsDomain.withUnsafeBytes { domain in
                Sodium.blake2b(lengthPrefixedBuffers: [domain, UnsafeRawBufferPointer(nameBytes), bytes])
            }
        }
    }

    /// Line `number` of `file` is not a line of this format.
    static func malformedLine(_ file: String, _ number: Int) -> SecrError {
        SecrError.integrity("\(file):\(number): not a valid line; the file was altered or corrupted (restore it with `git checkout -- \(file)`)")
    }

    /// The key and version of a record line, read without parsing the rest; nil for a line
    /// that is not a record (a reader line). A record line whose start is malformed is an error.
    private static func indexEntry(_ bytes: UnsafeBufferPointer<UInt8>, number: Int, file: String) throws -> (key: Range<Int>, version: Int, live: Bool)? {
        // Literals, not arrays: a static array is a once-check and a retain per line.
        let live: Bool, keyStart: Int
        if startsWith(bytes, "secret key=") { (live, keyStart) = (true, 11) } else if startsWith(bytes, "deleted key=") { (live, keyStart) = (false, 12) } else {
            guard startsWith(bytes, "reader ") else { throw malformedLine(file, number) }
            return nil
        }
        var i = keyStart
        while i < bytes.count && bytes[i] != 0x20 { i += 1 }
        let keyRange = keyStart..<i
        let rest = UnsafeBufferPointer(rebasing: bytes[i...])
        guard KeyName.isValid(UnsafeBufferPointer(rebasing: bytes[keyRange])), startsWith(rest, " v=") else {
            throw SecrError.integrity("\(file):\(number): not a valid record line; the file was altered or corrupted (restore it with `git checkout -- \(file)`)")
        }
        let digitsStart = 3
        var j = digitsStart, version = 0
        while j < rest.count && rest[j] >= 0x30 && rest[j] <= 0x39 && j < digitsStart + 18 {
            version = version * 10 + Int(rest[j] - 0x30)
            j += 1
        }
        guard j > digitsStart, j < rest.count, rest[j] == 0x20, version >= 1, rest[digitsStart] != 0x30 else {
            throw SecrError.integrity("\(file):\(number): the record of \(String(decoding: UnsafeBufferPointer(rebasing: bytes[keyRange]), as: UTF8.self)) has no valid version; the file was altered or corrupted")
        }
        return (keyRange, version, live)
    }

    /// For each key `seen` lists, in key order: its version in this file, nil when the file has
    /// no record line for it. A partial file's index is walked beside the list (both are sorted),
    /// a whole file's versions are looked up.
    func forEachVersion(seen: SeenVersions, _ body: (_ key: UnsafeBufferPointer<UInt8>, _ version: Int?, _ highest: Int) -> Void) {
        guard isPartial else {
            seen.forEach { key, highest in body(key, versions[String(decoding: key, as: UTF8.self)], highest) }
            return
        }
        indexed.withUnsafeBufferPointer { buffer in
            var next = 0
            seen.forEach { key, highest in
                func order(_ entry: IndexEntry) -> Int { compareBytes(UnsafeBufferPointer(rebasing: buffer[entry.key]), key) }
                while next < index.count, order(index[next]) < 0 { next += 1 }
                body(key, next < index.count && order(index[next]) == 0 ? index[next].version : nil, highest)
            }
        }
    }

    private init(name: String, file: String, header: Line, readers: [Reader], records: [String: Slot], order: [String],
                 project: String, generation: Int, publicKey: BoxPublicKey, headerSigner: PublicKey, headerSignature: Signature) {
        self.name = name
        self.file = file
        self.header = header
        self.readers = readers
        self.records = records
        self.order = order
        self.project = project
        self.generation = generation
        self.publicKey = publicKey
        self.headerSigner = headerSigner
        self.headerSignature = headerSignature
    }

    private func integrity(_ problem: String) -> SecrError {
        SecrError.integrity("\(file): \(problem)")
    }

    /// Checks the header signature and that its signer may read this environment now, and that
    /// every reader line names a current member whose role reads it. Public data only; throws
    /// the first problem (the read path).
    func verifyStructure(against roster: RosterState) throws {
        if let problem = structureProblems(against: roster, includeMissingReaders: false).first {
            throw integrity(problem)
        }
    }

    /// Every structural problem: header, surplus reader lines, and (for `verify`) members whose
    /// role reads the environment but who have no reader line.
    func structureProblems(against roster: RosterState, includeMissingReaders: Bool, checkingFreshness: Bool = true) -> [String] {
        guard project == roster.projectID else {
            return ["belongs to another project (project id \(project), roster says \(roster.projectID)); it was copied from another repository"]
        }
        guard roster.hasEnvironment(name) else {
            return ["environment '\(name)' is not in the roster; the file was added without `secr env add`"]
        }
        var problems: [String] = []
        if checkingFreshness, let problem = freshnessProblem(against: roster) { problems.append(problem) }
        let message = header.signedMessage(domain: EnvironmentFile.headerDomain, excluding: ["sig"])
        if !headerSigner.verify(headerSignature, message: message) {
            problems.append("the header signature does not verify; the environment key was altered")
        } else if !(roster.member(withKey: headerSigner).map { roster.permission(of: $0, in: name).contains(.read) } ?? false) {
            problems.append("the header is signed by someone who is not a reader of '\(name)' in the roster; the environment key was replaced")
        }
        for reader in readers {
            guard let member = roster.member(withKey: reader.key), member.name == reader.name else {
                problems.append("surplus reader line '\(reader.name)': not a member with that key in the roster; it was added without a roster change")
                continue
            }
            if !roster.permission(of: member, in: name).contains(.read) {
                problems.append("surplus reader line '\(reader.name)': their role (\(member.role)) may not read '\(name)'; the line was added without a roster change")
            }
        }
        if includeMissingReaders {
            let present = Set(readers.map(\.name))
            for member in roster.readers(of: name) where !present.contains(member.name) {
                problems.append("missing reader line for \(member.name) (\(member.role)), whose role reads '\(name)'; a reader can restore it with `secr rotate -e \(name)`")
            }
        }
        return problems
    }

    /// Whether the header is the key the roster names for this environment now (format v2): an
    /// older copy of the file, sealed to a key that removed members still hold, is never
    /// accepted, because bringing its header back would mean rolling back the roster too.
    func freshnessProblem(against roster: RosterState) -> String? {
        guard roster.formatVersion >= 2 else { return nil }
        guard let current = roster.currentKey(of: name) else {
            return "the roster has no key entry (env-key) for '\(name)': the roster was cut back, or the file was made without secr"
        }
        guard current.generation == generation, current.publicKey == publicKey else {
            let what = generation < current.generation ? "an older key (generation \(generation))" : "a key the roster does not name (generation \(generation))"
            return "the header holds \(what), but the roster names generation \(current.generation) (entry \(current.seq)): an old or foreign copy of the file was committed (a rollback); restore the current one with `git checkout -- \(file)` or ask its readers"
        }
        return nil
    }

    /// Checks a record's signature and that its signer may write this environment (or that the
    /// roster kept this very record valid when its signer lost write access).
    func verify(_ record: SecretRecord, against roster: RosterState) throws {
        try check(record, signatureIsValid: record.signatureIsValid(project: project, environment: name), against: roster)
    }

    private func check(_ record: SecretRecord, signatureIsValid: Bool, against roster: RosterState) throws {
        guard signatureIsValid else {
            throw integrity("\(record.key) (line \(record.lineNumber)): the signature does not verify; the record was altered, or copied from another key or environment")
        }
        guard !roster.accepts(recordBy: record.signer, in: name, id: record.id(project: project, environment: name)) else { return }
        guard let signer = roster.member(withKey: record.signer) else {
            throw integrity("\(record.key) (line \(record.lineNumber)): signed by \(record.signer.text.prefix(16))…, who is not a member (a removed member's record written after their removal?)")
        }
        throw integrity("\(record.key) (line \(record.lineNumber)): signed by \(signer.name), whose role (\(signer.role)) may not write '\(name)'")
    }

    /// Every record, in key order; the signatures are checked on every core at once.
    /// A file whose bytes verified whole before is not verified record by record again (the
    /// roster checks still run for every record); a file that verifies whole is remembered so.
    /// `boxes` are opened ahead meanwhile (`VerificationCache.verifyEach`).
    func verifyAllRecords(against roster: RosterState, openingAhead boxes: VerificationCache.Boxes? = nil) throws {
        if let recordsDigest, !isPartial, VerificationCache.shared.knowsVerifiedRecords(recordsDigest) {
            try checkSigners(against: roster)
            if let boxes { VerificationCache.shared.openAhead(boxes) }
            return
        }
        let sorted = try allRecords
        let valid = VerificationCache.shared.verifyEach(sorted.map {
            ($0.signature, SecretRecord.signedMessage($0.line, project: project, environment: name), $0.signer.bytes)
        }, openingAhead: boxes)
        for (record, isValid) in zip(sorted, valid) { try check(record, signatureIsValid: isValid, against: roster) }
        if let recordsDigest, !isPartial { VerificationCache.shared.rememberVerifiedRecords(recordsDigest) }
    }

    /// That every record's signer may write this environment, or that the roster kept the
    /// record (signatures known good). A deferred line whose `by` field is byte for byte one
    /// already found to be a writer's is not parsed: the verdict depends on the signer's key
    /// alone. Any other line is parsed and checked in full.
    private func checkSigners(against roster: RosterState) throws {
        var writers: [UnsafeBufferPointer<UInt8>] = []
        try source.withUnsafeBufferPointer { source in
            for key in order {
                switch records[key] {
                case .parsed(let record):
                    try check(record, signatureIsValid: true, against: roster)
                case .deferred(let line):
                    let signer = EnvironmentFile.signerField(UnsafeBufferPointer(rebasing: source[line.range]))
                    if let signer, writers.contains(where: { compareBytes($0, signer) == 0 }) { continue }
                    let record = try parse(line, of: key, in: source)
                    try check(record, signatureIsValid: true, against: roster)
                    if let signer, roster.mayWrite(signer: record.signer, in: name) { writers.append(signer) }
                case nil:
                    continue
                }
            }
        }
    }

    /// The value of a record line's `by` field. Values hold no spaces, so the field starts at
    /// the first ` by=`.
    static func signerField(_ line: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        var i = 0
        while i + 4 <= line.count {
            if line[i] == 0x20 && line[i + 1] == 0x62 && line[i + 2] == 0x79 && line[i + 3] == 0x3d {
                var end = i + 4
                while end < line.count && line[end] != 0x20 { end += 1 }
                return UnsafeBufferPointer(rebasing: line[(i + 4)..<end])
            }
            i += 1
        }
        return nil
    }

    /// A deferred line parsed in full, which must read as it did when the file was read.
    private func parse(_ deferred: DeferredLine, of key: String, in source: UnsafeBufferPointer<UInt8>) throws -> SecretRecord {
        guard let line = Line.parse(bytes: UnsafeBufferPointer(rebasing: source[deferred.range])) else {
            throw EnvironmentFile.malformedLine(file, deferred.number)
        }
        let record = try SecretRecord(line: line, reader: FieldReader(line: line, file: file, lineNumber: deferred.number))
        guard record.key == key, record.version == deferred.version, record.isDeleted != deferred.live else {
            throw EnvironmentFile.malformedLine(file, deferred.number)
        }
        return record
    }

    private func record(in slot: Slot, of key: String) throws -> SecretRecord {
        switch slot {
        case .parsed(let record): return record
        case .deferred(let line): return try source.withUnsafeBufferPointer { try parse(line, of: key, in: $0) }
        }
    }

    /// `verifyAllRecords`, noting that every record here is verified (`recordsVerified`).
    mutating func verifyAll(against roster: RosterState) throws {
        try verifyAllRecords(against: roster)
        if !isPartial { recordsVerified = true }
    }

    /// Unseals the environment secret key from the caller's reader line.
    func unlock(with identity: Identity, roster: RosterState) throws -> EnvironmentKey {
        guard let member = roster.member(withKey: identity.publicKey) else {
            throw SecrError.notAMember(identity.publicKey)
        }
        try roster.require(.read, of: member, in: name, to: "read")
        guard let line = readers.first(where: { $0.key == identity.publicKey }) else {
            let who = roster.grantors(of: name)
            throw integrity("has no reader line for \(member.name), although the roster lets them read it; \(who.joined(separator: " or ")) can re-grant access with `secr rotate -e \(name)`")
        }
        guard let secret = VerificationCache.shared.openSealed(line.box.bytes, publicKey: try identity.boxPublicKey, secretKey: identity.boxSecretKey, ofRecord: false),
              secret.count == Sodium.boxSecretKeyBytes,
              VerificationCache.shared.isKeyPair(secretKey: secret, publicKey: publicKey) else {
            throw integrity("the reader line for \(member.name) does not open to the environment key in the header; the line or header was altered")
        }
        return EnvironmentKey(publicKey: publicKey, secretKey: secret)
    }

    /// Verifies and decrypts one key's value.
    func value(of key: String, with environmentKey: EnvironmentKey, roster: RosterState) throws -> SecretBytes {
        guard let record = try record(key), !record.isDeleted else {
            throw SecrError.failure("\(key.prefix(80)) is not set in '\(name)'", hint: "list the keys with `secr pull -e \(name) --format keys`")
                .unknown(key, among: keyNames)
        }
        try verify(record, against: roster)
        return try decrypt(record, with: environmentKey)
    }

    /// Decrypts a record whose signature the caller has verified.
    func decrypt(_ record: SecretRecord, with environmentKey: EnvironmentKey) throws -> SecretBytes {
        guard let value = record.decrypt(with: environmentKey, project: project, environment: name) else {
            throw integrity("\(record.key) (line \(record.lineNumber)): the value does not decrypt under its signed commitment; the record was altered")
        }
        return value
    }

    // MARK: Writing

    /// A new environment file with a fresh key pair, sealed to `readers`.
    static func create(name: String, file: String, project: String, readers: [Member], identity: Identity, time: Timestamp,
                       random: RandomSource, generation: Int = 1) throws -> (EnvironmentFile, EnvironmentKey) {
        let key = try EnvironmentKey.generate(random: random)
        var header = Line(kind: "header", fields: [("env", name), ("project", project), ("gen", String(generation)),
                                                    ("pk", key.publicKey.base64URL), ("time", time.text),
                                                    ("by", identity.publicKey.text)])
        let signature = try identity.sign(header.signedMessage(domain: headerDomain, excluding: ["sig"]))
        header.fields.append((name: "sig", value: signature.base64URL))
        var file = EnvironmentFile(name: name, file: file, header: header, readers: [], records: [:], order: [],
                                   project: project, generation: generation, publicKey: key.publicKey, headerSigner: identity.publicKey,
                                   headerSignature: signature)
        for member in readers { try file.addReader(member, key: key, random: random) }
        return (file, key)
    }

    /// Seals the environment secret key to `member` (replacing an existing line for them).
    mutating func addReader(_ member: Member, key: EnvironmentKey, random: RandomSource) throws {
        let box = SealedKey(uncheckedBytes: try Sodium.seal(key.secretKey, to: try member.key.boxPublicKey(), random: random))
        let line = Line(kind: "reader", fields: [("name", member.name), ("key", member.key.text), ("box", box.base64URL)])
        readers.removeAll { $0.name == member.name }
        readers.append(Reader(name: member.name, key: member.key, box: box, line: line))
        readers.sort { $0.name < $1.name }
    }

    /// Writes a new version of `key` (a tombstone when `value` is nil), signed by `identity`.
    /// The version is one more than the current one, or than `above` when that is higher (a
    /// version this clone has seen elsewhere, so the new record is never taken for a rollback).
    /// `writerReads`: the writer may read this environment (see `SecretRecord.make`).
    mutating func write(key: String, value: SecretBytes?, from: String? = nil, above seen: Int = 0, identity: Identity,
                        time: Timestamp, random: RandomSource, writerReads: Bool = false) throws {
        let previous = try record(key)
        let line = try SecretRecord.make(
            key: key, value: value, version: previous.map { max($0.version, seen) + 1 } ?? 1,
            prev: previous?.hash(project: project, environment: name) ?? "-", from: from, project: project, environment: name,
            environmentPublicKey: publicKey, identity: identity, time: time, random: random, writerReads: writerReads)
        let verified = recordsVerified  // the new record's signature is this process's own
        setRecord(try SecretRecord(line: line, reader: FieldReader(line: line, file: file, lineNumber: 0)), for: key)
        recordsVerified = verified
    }

    /// The key's record, parsed (a deferred line is parsed now, each time it is asked for).
    func record(_ key: String) throws -> SecretRecord? { try records[key].map { try record(in: $0, of: key) } }

    /// Puts a record (already signed, and sealed to this file's key) in place of the key's.
    mutating func setRecord(_ record: SecretRecord?, for key: String) {
        let had = records[key] != nil
        records[key] = record.map(Slot.parsed)
        versions[key] = record?.version
        guard had != (record != nil) else { return }
        var low = 0, high = order.count
        while low < high {
            let middle = (low + high) / 2
            if order[middle] < key { low = middle + 1 } else { high = middle }
        }
        if had { order.remove(at: low) } else { order.insert(key, at: low) }
    }

    /// Reader lines taken from another version of this file with the same header.
    mutating func setReaders(_ lines: [Line]) throws {
        readers = try lines.map { line in
            let reader = FieldReader(line: line, file: file, lineNumber: 0)
            return Reader(name: try reader.string("name"), key: try reader.publicKey("key"),
                          box: try reader.sized("box", as: SealedKey.self), line: line)
        }.sorted { $0.name < $1.name }
    }

    var readerLines: [String: Line] { Dictionary(uniqueKeysWithValues: readers.map { ($0.name, $0.line) }) }

    var headerText: String { header.text }

    /// Every record in key order, parsed (deferred lines are parsed now, on every call).
    var allRecords: [SecretRecord] { get throws { try order.compactMap { key in try records[key].map { try record(in: $0, of: key) } } } }

    /// Parses every deferred line now, for a caller that reads every record more than once (a
    /// member's removal reads them for its keep list, its exposures and the re-key). The bytes
    /// stay the same, so what the file was known as (its digest, verified whole) still holds.
    mutating func parseDeferredRecords() throws {
        guard hasDeferredRecords else { return }
        let (digest, verified) = (recordsDigest, recordsVerified)
        var parsed: [String: Slot] = [:]
        parsed.reserveCapacity(records.count)
        for (key, slot) in records { parsed[key] = .parsed(try record(in: slot, of: key)) }
        records = parsed
        source = []
        (recordsDigest, recordsVerified) = (digest, verified)
    }

    /// Every record's key and version, in key order, without parsing a deferred line.
    var recordVersions: [(key: String, version: Int)] { order.compactMap { key in versions[key].map { (key, $0) } } }

    var readerNames: [String] { readers.map(\.name) }

    /// A new key pair for the environment: every value key re-sealed to it, reader lines
    /// rewritten for `readers`, the header re-signed by `identity` with the next generation.
    func rotated(from old: EnvironmentKey, readers newReaders: [Member], identity: Identity, time: Timestamp,
                 random: RandomSource, generation next: Int) throws -> (EnvironmentFile, EnvironmentKey) {
        var (file, key) = try EnvironmentFile.create(name: name, file: file, project: project, readers: newReaders,
                                                     identity: identity, time: time, random: random, generation: next)
        for record in try allRecords {
            if let line = try record.resealed(from: old, to: key.publicKey, random: random) {
                file.setRecord(try SecretRecord(line: line, reader: FieldReader(line: line, file: self.file, lineNumber: record.lineNumber)), for: record.key)
            } else if record.isDeleted {
                file.setRecord(record, for: record.key)
            } else {
                throw integrity("\(record.key) (line \(record.lineNumber)): its value key does not open with the environment key or does not match its commitment; nothing was rotated")
            }
        }
        // Re-sealing changes `vk` only, which no signature covers: what was verified still is.
        file.recordsVerified = recordsVerified
        return (file, key)
    }
}

extension EnvironmentFile {
    /// The `env=` of the header line, which names the environment (textconv gets a temp path).
    static func environmentName(_ bytes: [UInt8]) -> String? {
        let text = String(decoding: bytes.prefix(4096), as: UTF8.self)
        let lines = text.split(separator: "\n", maxSplits: 2)
        guard lines.count >= 2, let header = Line.parse(lines[1]), header.kind == "header" else { return nil }
        return header.value("env")
    }
}
