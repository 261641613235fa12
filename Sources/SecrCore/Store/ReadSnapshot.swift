/// The answer of a `pull` or `run` that passed every check, kept for the next read of exactly
/// the same inputs (docs/THREAT-MODEL.md, "The read snapshot"; docs/FORMAT.md §6).
///
/// What a read delivers is a function of its inputs alone: the roster and the environment file
/// it parses, this clone's pins and the environment's seen versions it checks them against, the
/// branch those are kept for, what the operator expects of the roster (`--expect-root`,
/// `--expect-head`), and the identity. A snapshot holds the values with a digest of all those
/// inputs exactly as the read that passed saw them (`ReadInputs`). A later read hashes the same
/// inputs as they are now, and uses the values only when the digests are equal: a pushed
/// record, a rolled-back roster, a raised seen version, another branch, a merge or a change in
/// flight is a miss, and the read runs in full, every check included.
///
/// One file per store, identity and environment, in the clone state directory (mode 0600):
/// `secr-read v1\n ‖ nonce ‖ XChaCha20-Poly1305(plaintext)`, under a key derived from the
/// identity's secret seed, with the identity's public key, the store and the environment as
/// additional data. Only that identity makes or opens one; an edited, truncated, moved or
/// foreign file does not open and is a miss. The plaintext: `inputs digest (32) ‖ lp(root) ‖
/// u32 n ‖ n × (lp(key) ‖ lp(value)) ‖ u32 m ‖ m × lp(withheld name)`.
package enum ReadSnapshot {
    /// What `Store.deliverableValues` gave, and the project it is of.
    package struct Answer {
        package let root: String
        package let values: [(key: String, value: SecretBytes)]
        package let withheld: [String]

        /// As `Store.deliverableValues` returns them.
        package var pair: (values: [(key: String, value: SecretBytes)], withheld: [String]) { (values, withheld) }

        package init(root: String, values: [(key: String, value: SecretBytes)], withheld: [String]) {
            self.root = root
            self.values = values
            self.withheld = withheld
        }
    }

    static let magic = Array("secr-read v1\n".utf8)
    static let keyDomain = "secr-v2 read snapshot key"
    static let fileDomain = "secr-v2 read snapshot"
    static let inputsDomain = "secr-v2 read snapshot inputs"

    /// The answer of the last read of `environment` that passed, when every input is as it saw
    /// it; nil otherwise (nothing is said: the caller reads in full).
    package static func find(location: StoreLocation, environment: String, identity: Identity,
                             expected: RosterExpectation) -> Answer? {
        guard (try? location.checkContained()) != nil else { return nil }
        let clone = CloneState.of(location)
        guard usable(clone, location) else { return nil }
        let place = Place(clone, identity, environment)
        guard let file = try? FileSystem.readIfExists(place.path, followLinks: false),
              file.count > magic.count + Nonce.size, file.starts(with: magic) else { return nil }
        let key = fileKey(identity)
        let nonce = Nonce(uncheckedBytes: Array(file[magic.count..<(magic.count + Nonce.size)]))
        guard let plain = Sodium.decrypt(Array(file[(magic.count + Nonce.size)...]), key: key, nonce: nonce,
                                         additionalData: place.additionalData),
              let (digest, answer) = decode(plain) else { return nil }
        // A file that cannot be read now is a miss: the read in full says why.
        guard let current = try? inputs(of: clone.forRoot(answer.root), location, environment).map({ path, _ in (path, try read(path)) })
        else { return nil }
        let now = inputsDigest(current, root: answer.root, clone: clone, location: location,
                               environment: environment, identity: identity, expected: expected)
        guard Sodium.constantTimeEqual(Digest(uncheckedBytes: now), Digest(uncheckedBytes: digest)) else { return nil }
        return answer
    }

    /// Keeps `answer`, the result of a read that passed and said nothing, bound to the bytes of
    /// each input as that read checked them (`ReadInputs`), whatever is on disk by now: a file
    /// replaced since is a miss for the next read, never an answer for bytes nobody checked.
    /// Failures are ignored: the snapshot only saves work.
    package static func save(_ answer: Answer, location: StoreLocation, environment: String, identity: Identity,
                             expected: RosterExpectation) {
        let clone = CloneState.of(location).forRoot(answer.root)
        guard usable(clone, location) else { return }
        var current: [(String, [UInt8]?)] = []
        for (path, required) in inputs(of: clone, location, environment) {
            // A read that moved a pin or seen versions is bound to them by the next one, which
            // reads them as they are then (a write that failed must be tried, and said, again).
            guard !ReadInputs.moves(path) else { return }
            switch ReadInputs.recorded(path) {
            case .bytes(let read)?: current.append((path, read))
            case .absent?: current.append((path, nil))
            case .inconsistent?: return
            case nil:
                // Not consulted (secr 0.1's pins, when there is a pin of this version): bound as
                // it is now, which only makes a match rarer.
                guard !required else { return }
                let now: [UInt8]?
                do { now = try read(path) } catch { return }
                current.append((path, now))
            }
        }
        let digest = inputsDigest(current, root: answer.root, clone: clone, location: location, environment: environment,
                                  identity: identity, expected: expected)
        let place = Place(clone, identity, environment)
        let plain = encode(digest: digest, answer)
        var nonce = [UInt8](repeating: 0, count: Nonce.size)
        nonce.withUnsafeMutableBytes { Sodium.randomFill($0) }
        guard let sealed = try? Sodium.encrypt(plain, key: fileKey(identity), nonce: Nonce(uncheckedBytes: nonce),
                                               additionalData: place.additionalData) else { return }
        try? FileSystem.makeDirectories(clone.directory, mode: 0o700)
        try? FileSystem.writeAtomically(place.path, magic + nonce + sealed, mode: 0o600, durable: false)
    }

    /// A file's bytes, nil when it does not exist (a symbolic link is not followed).
    private static func read(_ path: String) throws -> [UInt8]? {
        try FileSystem.readIfExists(path, followLinks: false)
    }

    /// Not during a merge (the work tree may hold the other side) nor while a change is pending.
    private static func usable(_ clone: CloneState, _ location: StoreLocation) -> Bool {
        !clone.merging && !StoreJournal.of(location).isPending
    }

    /// Every file a read of `environment` rests on, and whether a read that passed must have
    /// consulted it (the secr 0.1 pins are consulted only when no pin of this version exists).
    private static func inputs(of clone: CloneState, _ location: StoreLocation, _ environment: String) -> [(String, Bool)] {
        var paths = [(location.rosterPath, true), (location.environmentPath(environment), true), (clone.pinsPath, true)]
        if let seen = clone.seenPath(of: environment) { paths.append((seen, true)) }
        if let legacy = clone.legacyPins { paths.append((legacy, false)) }
        return paths
    }

    private static func inputsDigest(_ files: [(String, [UInt8]?)], root: String, clone: CloneState, location: StoreLocation,
                                     environment: String, identity: Identity, expected: RosterExpectation) -> [UInt8] {
        var parts: [[UInt8]] = [Array(inputsDomain.utf8), Array(Release.version.utf8), Array(root.utf8), Array(clone.storeKey.utf8),
                                Array(environment.utf8), identity.publicKey.bytes,
                                Array((expected.root.map { "root " + $0 } ?? "no root").utf8),
                                Array((expected.head.map { "head \($0.seq):\($0.hash)" } ?? "no head").utf8),
                                Array((clone.branch.map { "branch " + $0 } ?? "detached").utf8), Array((clone.defaultBranch ?? "").utf8)]
        for (path, bytes) in files {
            parts.append(Array(path.utf8))
            parts.append(bytes.map { [1] + Sodium.blake2b($0) } ?? [0])
        }
        return Sodium.blake2b(parts.flatMap(VerificationCache.lengthPrefixed))
    }

    /// Where the snapshot lives, and what it is bound to.
    private struct Place {
        let path: String
        let additionalData: [UInt8]

        init(_ clone: CloneState, _ identity: Identity, _ environment: String) {
            let who = Sodium.hex(identity.publicKey.bytes)
            path = Path.join(clone.directory, "read-\(CloneState.shortHash(clone.storeKey))-\(CloneState.shortHash(who + "\n" + environment))")
            additionalData = ReadSnapshot.magic + VerificationCache.lengthPrefixed(Array(ReadSnapshot.fileDomain.utf8))
                + VerificationCache.lengthPrefixed(identity.publicKey.bytes) + VerificationCache.lengthPrefixed(Array(clone.storeKey.utf8))
                + VerificationCache.lengthPrefixed(Array(environment.utf8))
        }
    }

    private static func fileKey(_ identity: Identity) -> SecretBytes {
        var derived = Sodium.blake2b(identity.seed, prefix: VerificationCache.lengthPrefixed(Array(keyDomain.utf8)))
        defer { wipe(&derived) }
        return SecretBytes(copying: derived)
    }

    private static func encode(digest: [UInt8], _ answer: Answer) -> SecretBytes {
        func size(_ count: Int) -> Int { 4 + count }
        let total = digest.count + size(answer.root.utf8.count) + 4
            + answer.values.reduce(0) { $0 + size($1.key.utf8.count) + size($1.value.count) }
            + 4 + answer.withheld.reduce(0) { $0 + size($1.utf8.count) }
        return SecretBytes(count: total) { out in
            var at = 0
            func put<C: Collection>(_ bytes: C) where C.Element == UInt8 {
                for byte in bytes { out[at] = byte; at += 1 }
            }
            func count(_ n: Int) { put([UInt8(truncatingIfNeeded: n >> 24), UInt8(truncatingIfNeeded: n >> 16), UInt8(truncatingIfNeeded: n >> 8), UInt8(truncatingIfNeeded: n)]) }
            put(digest)
            count(answer.root.utf8.count); put(answer.root.utf8)
            count(answer.values.count)
            for (key, value) in answer.values {
                count(key.utf8.count); put(key.utf8)
                count(value.count)
                value.withUnsafeBytes { raw in put(raw) }
            }
            count(answer.withheld.count)
            for name in answer.withheld { count(name.utf8.count); put(name.utf8) }
        }
    }

    private static func decode(_ plain: SecretBytes) -> ([UInt8], Answer)? {
        plain.withUnsafeBytes { raw -> ([UInt8], Answer)? in
            var at = 0
            func take(_ n: Int) -> UnsafeRawBufferPointer? {
                guard n >= 0, n <= raw.count - at else { return nil }
                defer { at += n }
                return UnsafeRawBufferPointer(rebasing: raw[at..<(at + n)])
            }
            func count() -> Int? {
                take(4).map { Int($0[0]) << 24 | Int($0[1]) << 16 | Int($0[2]) << 8 | Int($0[3]) }
            }
            func text() -> String? {
                count().flatMap(take).map { String(decoding: $0, as: UTF8.self) }
            }
            guard let digest = take(32).map(Array.init), let root = text(), let n = count(), n <= raw.count else { return nil }
            var values: [(key: String, value: SecretBytes)] = []
            values.reserveCapacity(n)
            for _ in 0..<n {
                guard let key = text(), let length = count(), let value = take(length) else { return nil }
                values.append((key, SecretBytes(copying: value)))
            }
            guard let m = count(), m <= raw.count else { return nil }
            var withheld: [String] = []
            for _ in 0..<m {
                guard let name = text() else { return nil }
                withheld.append(name)
            }
            guard at == raw.count else { return nil }
            return (digest, Answer(root: root, values: values, withheld: withheld))
        }
    }
}
