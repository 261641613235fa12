import Glibc
import Synchronization

/// Work this identity's earlier runs already did, so an unchanged store costs no public-key
/// cryptography on the next read (docs/THREAT-MODEL.md, "The verification cache"). Two kinds of
/// facts, each keyed by a BLAKE2b digest of exactly the bytes it is about:
///
/// - an Ed25519 signature verified: `H(lp("secr-v2 verified signature") ‖ lp(public key) ‖
///   lp(signature) ‖ lp(message))`. A hit skips the curve arithmetic and nothing else: every
///   roster rule, permission, freshness and version check still runs on every read, so a hit
///   means only that these very bytes were verified before. A changed byte is a miss.
/// - a sealed box opened: `H(lp("secr-v2 sealed value key") ‖ lp(recipient public key) ‖
///   lp(sealed box))` → the 32 bytes it opened to: a record's value key (the key commitment and
///   the AEAD still check it on every use), or the environment key in the identity's own reader
///   line (still checked against the header's public key on every use).
///
/// The file lives in the clone state directory, mode 0600, in 64 segments, each encrypted and
/// authenticated apart with XChaCha20-Poly1305 under a key derived from the identity's secret
/// seed, bound to its place: only that identity can make or read one. The first holds the facts
/// every read asks for (roster entries, headers, reader lines, whole files), the others the
/// facts about records, spread by digest. A segment is decrypted when a fact in it is first
/// asked for, so `get` in a store of 10,000 secrets opens a few kilobytes, not the megabyte of
/// the whole. An edited, truncated, moved or foreign segment does not open and is taken as empty
/// (those facts are verified again and written afresh). Every fact is one the identity can
/// re-derive from the repository, so a segment of an old copy brought back holds only true facts.
package final class VerificationCache: Sendable {
    /// The process's cache: empty, and not written anywhere, until `load` names a file.
    package static let shared = VerificationCache()

    /// At most this many facts are kept; past it, the file keeps only what this run added.
    static let capacity = 400_000
    static let magic = Array("secr-cache v2\n".utf8)
    static let segmentCount = 64
    /// A file up to this size is read whole when opened (one read); a larger one a segment at a
    /// time, when first asked for.
    static let readWholeUpTo = 256 << 10
    /// The domain of a record's signed message (`SecretRecord.signatureDomain` is this one): the
    /// facts about signatures under it are spread over the segments.
    static let recordSignatureDomain = "secr-v1 record"
    /// What a record's signed message starts with: its domain, length-prefixed (FORMAT.md §2).
    static let recordMessagePrefix = lengthPrefixed(Array(recordSignatureDomain.utf8))

    /// Where a fact is kept: with the facts every read needs, or spread among the records'.
    struct Fact: Hashable, Sendable {
        let digest: DigestKey
        let ofRecord: Bool
    }
    static let keyDomain = "secr-v2 cache key"
    static let fileDomain = "secr-v2 cache"
    static let signatureDomain = Array("secr-v2 verified signature".utf8)
    static let valueKeyDomain = Array("secr-v2 sealed value key".utf8)
    static let keyPairDomain = Array("secr-v2 environment key pair".utf8)

    /// A 32-byte digest as four words: hashable without a heap allocation.
    struct DigestKey: Hashable, Sendable {
        let a: UInt64, b: UInt64, c: UInt64, d: UInt64

        init(_ bytes: [UInt8]) {
            self = bytes.withUnsafeBufferPointer { DigestKey(UnsafeRawBufferPointer($0)) }
        }

        init(_ raw: UnsafeRawBufferPointer) {
            func word(_ offset: Int) -> UInt64 { UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
            (a, b, c, d) = (word(0), word(8), word(16), word(24))
        }

        /// Byte order, so sorted files can be searched.
        static func < (x: DigestKey, y: DigestKey) -> Bool { (x.a, x.b, x.c, x.d) < (y.a, y.b, y.c, y.d) }

        func append(to out: inout [UInt8]) {
            for value in [a, b, c, d] { for i in (0..<8).reversed() { out.append(UInt8(truncatingIfNeeded: value >> (8 * i))) } }
        }
    }

    /// What one segment held, kept as it was decrypted: sorted digests (then sorted digest and
    /// value key pairs), searched in place.
    private struct Loaded: Sendable {
        let plain: SecretBytes
        let signatureCount: Int
        let signaturesOffset: Int
        let valueKeyCount: Int
        let valueKeysOffset: Int
    }

    private enum Segment {
        /// In the file, not asked for yet.
        case unread
        /// Decrypted; `sealed` is its bytes in the file, written back as they are when this run
        /// adds nothing to it.
        case loaded(Loaded, sealed: [UInt8])
        /// Nothing in the file, or what is there does not open.
        case empty
    }

    /// The file `load` opened, kept open so that a segment is read when first asked for (a
    /// writer replaces the file by renaming, so this stays the version that was opened).
    private final class OnDisk: @unchecked Sendable {
        private let fd: Int32
        let ranges: [Range<Int>]

        /// The whole file, when it is small enough to be read at once.
        private let whole: [UInt8]?

        /// Nil when the file is missing or its table of segments does not fit it. The table is
        /// the magic, then `segmentCount × u32` lengths.
        init?(path: String) {
            let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
            guard fd >= 0 else { return nil }
            var info = stat()
            let tableSize = VerificationCache.magic.count + 4 * VerificationCache.segmentCount
            guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, Int(info.st_size) >= tableSize else {
                close(fd)
                return nil
            }
            let size = Int(info.st_size) <= VerificationCache.readWholeUpTo ? Int(info.st_size) : tableSize
            var table = [UInt8](repeating: 0, count: size)
            guard table.withUnsafeMutableBytes({ pread(fd, $0.baseAddress, size, 0) }) == size, table.starts(with: VerificationCache.magic) else {
                close(fd)
                return nil
            }
            var ranges: [Range<Int>] = [], at = tableSize
            for index in 0..<VerificationCache.segmentCount {
                let length = VerificationCache.count(in: table, at: VerificationCache.magic.count + 4 * index)
                ranges.append(at..<(at + length))
                at += length
            }
            guard at == Int(info.st_size) else {
                close(fd)
                return nil
            }
            self.fd = fd
            self.ranges = ranges
            whole = size == Int(info.st_size) ? table : nil
        }

        deinit { close(fd) }

        func read(_ index: Int) -> [UInt8]? {
            let range = ranges[index]
            if let whole { return Array(whole[range]) }
            var out = [UInt8](repeating: 0, count: range.count)
            let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress, range.count, off_t(range.lowerBound)) }
            return n == range.count ? out : nil
        }
    }

    private struct Contents: ~Copyable {
        var path: String?
        var key: SecretBytes?
        var context: [UInt8] = []
        var disk: OnDisk?
        var segments: [Segment] = []
        var signatures: Set<Fact> = []
        var valueKeys: [Fact: SecretBytes] = [:]
        var dirty = false

        /// Segment `index`, decrypted on first use.
        mutating func loaded(_ index: Int) -> Loaded? {
            switch segments[index] {
            case .loaded(let loaded, _): return loaded
            case .empty: return nil
            case .unread:
                guard let key, let sealed = disk?.read(index), sealed.count > Nonce.size,
                      let plain = Sodium.decrypt(Array(sealed[Nonce.size...]), key: key, nonce: Nonce(uncheckedBytes: Array(sealed[..<Nonce.size])),
                                                 additionalData: VerificationCache.segmentData(context, index)),
                      let loaded = VerificationCache.layout(plain) else {
                    segments[index] = .empty
                    return nil
                }
                segments[index] = .loaded(loaded, sealed: sealed)
                return loaded
            }
        }
    }

    private let contents = Mutex(Contents())

    /// `shared` in secr; a test makes its own.
    init() {}

    /// A segment's additional data: the file's context, the number of segments and its place.
    private static func segmentData(_ context: [UInt8], _ index: Int) -> [UInt8] {
        var out = context
        appendCount(segmentCount, to: &out)
        appendCount(index, to: &out)
        return out
    }

    /// Segment 0 for a fact not about a record; else one of the others, by digest.
    private static func segment(of fact: Fact) -> Int {
        fact.ofRecord ? 1 + Int(fact.digest.a % UInt64(segmentCount - 1)) : 0
    }

    /// Opens the cache file of `identity` at `path` (a missing, altered or foreign file gives an
    /// empty cache). From now on verifications are looked up and recorded, and `save` writes.
    package func load(path: String, identity: Identity) {
        var derived = Sodium.blake2b(identity.seed, prefix: VerificationCache.lengthPrefixed(Array(VerificationCache.keyDomain.utf8)))
        let key = SecretBytes(copying: derived)
        wipe(&derived)
        let context = Array(VerificationCache.fileDomain.utf8) + identity.publicKey.bytes
        let disk = OnDisk(path: path)
        contents.withLock {
            $0.path = path
            $0.key = key
            $0.context = context
            $0.disk = disk
            $0.segments = disk.map { $0.ranges.map { $0.isEmpty ? .empty : .unread } } ?? Array(repeating: .empty, count: VerificationCache.segmentCount)
            $0.signatures = []
            $0.valueKeys = [:]
        }
    }

    /// Writes the cache when this run learned something; failures are ignored (the cache is an
    /// optimisation: the next run verifies again). A segment this run added nothing to is
    /// written back as it was read, without decrypting it.
    package func save(random: RandomSource = SystemRandom()) {
        enum Part { case sealed([UInt8]), plain(SecretBytes) }
        let snapshot: (path: String, key: SecretBytes, context: [UInt8], parts: [Part])? = contents.withLock { state in
            guard state.dirty, let path = state.path, let key = state.key else { return nil }
            state.dirty = false
            let count = VerificationCache.segmentCount
            var signatures = [[DigestKey]](repeating: [], count: count)
            var valueKeys = [[(DigestKey, SecretBytes)]](repeating: [], count: count)
            for fact in state.signatures { signatures[VerificationCache.segment(of: fact)].append(fact.digest) }
            for (fact, value) in state.valueKeys { valueKeys[VerificationCache.segment(of: fact)].append((fact.digest, value)) }
            var parts: [Part] = []
            for index in 0..<count {
                guard !signatures[index].isEmpty || !valueKeys[index].isEmpty else {
                    if case .unread = state.segments[index], let sealed = state.disk?.read(index) {
                        parts.append(.sealed(sealed))
                    } else if case .loaded(_, let sealed) = state.segments[index] {
                        parts.append(.sealed(sealed))
                    } else {
                        parts.append(.sealed([]))
                    }
                    continue
                }
                // Past the capacity a segment keeps only what this run added.
                if let loaded = state.loaded(index),
                   loaded.signatureCount + loaded.valueKeyCount + signatures[index].count + valueKeys[index].count <= VerificationCache.capacity / count {
                    loaded.plain.withUnsafeBytes { raw in
                        for i in 0..<loaded.signatureCount {
                            signatures[index].append(DigestKey(UnsafeRawBufferPointer(rebasing: raw[(loaded.signaturesOffset + 32 * i)...].prefix(32))))
                        }
                        for i in 0..<loaded.valueKeyCount {
                            let at = loaded.valueKeysOffset + 64 * i
                            valueKeys[index].append((DigestKey(UnsafeRawBufferPointer(rebasing: raw[at..<(at + 32)])),
                                                     SecretBytes(copying: raw[(at + 32)..<(at + 64)])))
                        }
                    }
                }
                parts.append(.plain(VerificationCache.encode(signatures: signatures[index], valueKeys: valueKeys[index])))
            }
            return (path, key, state.context, parts)
        }
        guard let snapshot else { return }
        var table = VerificationCache.magic, body: [UInt8] = []
        for (index, part) in snapshot.parts.enumerated() {
            var sealed: [UInt8]
            switch part {
            case .sealed(let bytes): sealed = bytes
            case .plain(let plain):
                var nonce = [UInt8](repeating: 0, count: Nonce.size)
                nonce.withUnsafeMutableBytes { random.fill($0) }
                guard let ciphertext = try? Sodium.encrypt(plain, key: snapshot.key, nonce: Nonce(uncheckedBytes: nonce),
                                                           additionalData: VerificationCache.segmentData(snapshot.context, index)) else { return }
                sealed = nonce + ciphertext
            }
            VerificationCache.appendCount(sealed.count, to: &table)
            body += sealed
        }
        try? FileSystem.makeDirectories(Path.parent(snapshot.path), mode: 0o700)
        try? FileSystem.writeAtomically(snapshot.path, table + body, mode: 0o600, durable: false)
    }

    /// A segment's plaintext: `u32 n ‖ n sorted digests ‖ u32 m ‖ m sorted (digest, value key)`,
    /// without repeats.
    private static func encode(signatures: [DigestKey], valueKeys: [(DigestKey, SecretBytes)]) -> SecretBytes {
        let signatures = signatures.sorted(by: <)
        let valueKeys = valueKeys.sorted { $0.0 < $1.0 }
        var out: [UInt8] = []
        out.reserveCapacity(8 + signatures.count * 32 + valueKeys.count * 64)
        appendCount(signatures.count, to: &out)
        var previous: DigestKey?
        var unique = 0
        for digest in signatures where digest != previous {
            digest.append(to: &out)
            previous = digest
            unique += 1
        }
        setCount(unique, at: 0, in: &out)
        let keysCountOffset = out.count
        appendCount(valueKeys.count, to: &out)
        previous = nil
        unique = 0
        for (digest, valueKey) in valueKeys where digest != previous {
            digest.append(to: &out)
            valueKey.withUnsafeBytes { out.append(contentsOf: $0) }
            previous = digest
            unique += 1
        }
        setCount(unique, at: keysCountOffset, in: &out)
        defer { wipe(&out) }
        return SecretBytes(copying: out)
    }

    /// Whether `load` named a file: before that (commands without an identity) every check goes
    /// straight to libsodium and nothing is remembered.
    var isLoaded: Bool { contents.withLock { $0.key != nil } }

    /// Ed25519 verification, answered from the cache when these exact bytes verified before.
    func verify(_ signature: Signature, message: [UInt8], publicKey: [UInt8]) -> Bool {
        guard isLoaded else { return Sodium.verify(signature, message: message, publicKey: publicKey) }
        let digest = VerificationCache.signatureDigest(signature, message: message, publicKey: publicKey)
        if isKnown(signature: digest) { return true }
        return verifyAndRemember(signature, message: message, publicKey: publicKey, digest: digest)
    }

    private static func signatureDigest(_ signature: Signature, message: [UInt8], publicKey: [UInt8]) -> Fact {
        Fact(digest: DigestKey(Sodium.blake2b(lengthPrefixed: signatureDomain, publicKey, signature.bytes, message)),
             ofRecord: message.starts(with: recordMessagePrefix))
    }

    private func isKnown(signature fact: Fact) -> Bool {
        contents.withLock { state in
            state.signatures.contains(fact)
                || state.loaded(VerificationCache.segment(of: fact)).map { VerificationCache.find(fact.digest, in: $0, values: false) != nil } ?? false
        }
    }

    private func verifyAndRemember(_ signature: Signature, message: [UInt8], publicKey: [UInt8], digest: Fact) -> Bool {
        guard Sodium.verify(signature, message: message, publicKey: publicKey) else { return false }
        remember(digest)
        return true
    }

    /// Adds a fact (a digest in the signatures' list); the file is written again only when it
    /// is new.
    private func remember(_ fact: Fact) {
        contents.withLock { state in
            if state.signatures.insert(fact).inserted { state.dirty = true }
        }
    }

    /// Adds what the box with this digest opens to.
    private func remember(_ secret: SecretBytes, opening digest: Fact) {
        contents.withLock { state in
            guard state.valueKeys[digest] == nil else { return }
            state.valueKeys[digest] = secret
            state.dirty = true
        }
    }

    /// Whether `publicKey` is the X25519 public key of `secretKey` (the environment key a reader
    /// line opened to, against the header): answered from the cache when this pair matched
    /// before, since the scalar multiplication was a twentieth of a warm `pull`.
    func isKeyPair(secretKey: SecretBytes, publicKey: BoxPublicKey) -> Bool {
        let digest = isLoaded ? secretKey.withUnsafeBytes { secret in
            VerificationCache.keyPairDomain.withUnsafeBytes { domain in
                publicKey.bytes.withUnsafeBytes { Fact(digest: DigestKey(Sodium.blake2b(lengthPrefixedBuffers: [domain, $0, secret])), ofRecord: false) }
            }
        } : nil
        if let digest, isKnown(signature: digest) { return true }
        guard (try? Sodium.boxPublicKey(ofSecretKey: secretKey)) == publicKey else { return false }
        if let digest { remember(digest) }
        return true
    }

    /// Records a signature this process just made (`Identity.sign`) as verified, without the
    /// curve operation: it is valid by construction.
    func rememberSigned(_ signature: Signature, message: [UInt8], publicKey: [UInt8]) {
        guard isLoaded else { return }
        remember(VerificationCache.signatureDigest(signature, message: message, publicKey: publicKey))
    }

    /// Whether every record signature of a whole environment file with this digest verified
    /// before (`EnvironmentFile.recordsDigest`; the fact is kept in the signatures' list, its
    /// own domain keeping it apart from them).
    func knowsVerifiedRecords(_ digest: [UInt8]) -> Bool {
        isLoaded && isKnown(signature: Fact(digest: DigestKey(digest), ofRecord: false))
    }

    /// Records that every record signature of the file with this digest verified.
    func rememberVerifiedRecords(_ digest: [UInt8]) {
        guard isLoaded else { return }
        remember(Fact(digest: DigestKey(digest), ofRecord: false))
    }

    /// `verify` of many signatures at once: the cache answers on this thread, and only what it
    /// does not know (a first read of an environment, most of its time) goes to every core, so
    /// a warm read starts no thread. The answers are `verify`'s, in order.
    /// With `boxes`, their `openAhead` is done in the same pass, the boxes after the
    /// signatures: one start of the threads instead of two, and the shorter items last, so the
    /// threads finish together (a first read checks 100 signatures and opens 100 boxes).
    func verifyEach(_ items: [(signature: Signature, message: [UInt8], publicKey: [UInt8])], openingAhead boxes: Boxes? = nil) -> [Bool] {
        guard isLoaded else {
            return Parallel.map(items.count) { Sodium.verify(items[$0].signature, message: items[$0].message, publicKey: items[$0].publicKey) }
        }
        let digests = items.map { VerificationCache.signatureDigest($0.signature, message: $0.message, publicKey: $0.publicKey) }
        var answers = [Bool](repeating: true, count: items.count)
        let unknown = digests.indices.filter { !isKnown(signature: digests[$0]) }
        let sealed = boxes.map(unopened) ?? []
        let opened = Parallel.map(unknown.count + sealed.count) { index -> (ok: Bool, key: SecretBytes?) in
            guard index < unknown.count else {
                return (true, Sodium.openSealed(sealed[index - unknown.count].box, publicKey: boxes!.publicKey, secretKey: boxes!.secretKey))
            }
            let item = items[unknown[index]]
            return (self.verifyAndRemember(item.signature, message: item.message, publicKey: item.publicKey, digest: digests[unknown[index]]), nil)
        }
        for (index, result) in zip(unknown, opened) { answers[index] = result.ok }
        // What the boxes open to is kept only when every signature held: records that fail
        // their check (a hostile push of many) must not crowd real entries out of the cache.
        if answers.allSatisfy({ $0 }) {
            for (box, result) in zip(sealed, opened.dropFirst(unknown.count)) {
                if let key = result.key { remember(key, opening: box.digest) }
            }
        }
        return answers
    }

    /// Records' value keys, sealed to an environment key, to open ahead of their use.
    struct Boxes: Sendable {
        let sealed: [[UInt8]]
        let publicKey: BoxPublicKey
        let secretKey: SecretBytes
    }

    /// Opens boxes ahead of their use, on every core, so that the `openSealed` calls that follow
    /// are answered from memory. Only with a cache loaded (nowhere to keep them otherwise), and
    /// only the boxes it does not hold already; a box that does not open is left for its caller
    /// to report.
    func openAhead(_ boxes: Boxes) {
        guard isLoaded, boxes.sealed.count >= Parallel.threshold else { return }
        let unknown = unopened(boxes)
        guard unknown.count >= Parallel.threshold else { return }
        Parallel.forEach(unknown.count) { index in
            if let key = Sodium.openSealed(unknown[index].box, publicKey: boxes.publicKey, secretKey: boxes.secretKey) {
                self.remember(key, opening: unknown[index].digest)
            }
        }
    }

    /// The boxes whose contents the cache does not hold, each with the digest it is kept by.
    private func unopened(_ boxes: Boxes) -> [(box: [UInt8], digest: Fact)] {
        boxes.sealed.lazy.map { (box: $0, digest: VerificationCache.sealedDigest($0, publicKey: boxes.publicKey, ofRecord: true)) }
            .filter { !self.holdsValueKey($0.digest) }
    }

    private static func sealedDigest(_ sealed: [UInt8], publicKey: BoxPublicKey, ofRecord: Bool) -> Fact {
        Fact(digest: DigestKey(Sodium.blake2b(lengthPrefixed: valueKeyDomain, publicKey.bytes, sealed)), ofRecord: ofRecord)
    }

    private func holdsValueKey(_ fact: Fact) -> Bool {
        contents.withLock { state in
            state.valueKeys[fact] != nil
                || state.loaded(VerificationCache.segment(of: fact)).flatMap { VerificationCache.find(fact.digest, in: $0, values: true) } != nil
        }
    }

    /// Records what a box this process just sealed opens to (a new record's value key, which its
    /// writer knows), so the next read of the record opens nothing.
    func rememberSealed(_ sealed: [UInt8], publicKey: BoxPublicKey, opensTo secret: SecretBytes) {
        guard isLoaded, secret.count == 32 else { return }
        remember(secret, opening: VerificationCache.sealedDigest(sealed, publicKey: publicKey, ofRecord: true))
    }

    /// Opens a sealed box (a record's value key, `ofRecord`, or the environment key in the
    /// caller's reader line), answered from the cache when this box opened before.
    func openSealed(_ sealed: [UInt8], publicKey: BoxPublicKey, secretKey: SecretBytes, ofRecord: Bool) -> SecretBytes? {
        guard isLoaded else { return Sodium.openSealed(sealed, publicKey: publicKey, secretKey: secretKey) }
        let digest = VerificationCache.sealedDigest(sealed, publicKey: publicKey, ofRecord: ofRecord)
        if let known = contents.withLock({ state -> SecretBytes? in
            if let key = state.valueKeys[digest] { return key }
            guard let loaded = state.loaded(VerificationCache.segment(of: digest)),
                  let at = VerificationCache.find(digest.digest, in: loaded, values: true) else { return nil }
            return loaded.plain.withUnsafeBytes { SecretBytes(copying: $0[(at + 32)..<(at + 64)]) }
        }) { return known }
        guard let opened = Sodium.openSealed(sealed, publicKey: publicKey, secretKey: secretKey) else { return nil }
        remember(opened, opening: digest)
        return opened
    }

    /// Where the loaded file holds `digest` (the byte offset of its entry), by binary search.
    private static func find(_ digest: DigestKey, in loaded: Loaded, values: Bool) -> Int? {
        let (count, offset, stride) = values ? (loaded.valueKeyCount, loaded.valueKeysOffset, 64) : (loaded.signatureCount, loaded.signaturesOffset, 32)
        return loaded.plain.withUnsafeBytes { raw -> Int? in
            var low = 0, high = count
            while low < high {
                let middle = (low + high) / 2
                let at = offset + middle * stride
                let candidate = DigestKey(UnsafeRawBufferPointer(rebasing: raw[at..<(at + 32)]))
                if candidate == digest { return at }
                if candidate < digest { low = middle + 1 } else { high = middle }
            }
            return nil
        }
    }

    /// Checks the counts of a decrypted segment against its length; nil when they do not fit (a
    /// bug, not an attack: the segment was authenticated).
    private static func layout(_ plain: SecretBytes) -> Loaded? {
        plain.withUnsafeBytes { raw -> Loaded? in
            func count(at offset: Int) -> Int? {
                guard offset + 4 <= raw.count else { return nil }
                return Int(raw[offset]) << 24 | Int(raw[offset + 1]) << 16 | Int(raw[offset + 2]) << 8 | Int(raw[offset + 3])
            }
            guard let signatures = count(at: 0), signatures <= capacity else { return nil }
            let keysAt = 4 + 32 * signatures
            guard let keys = count(at: keysAt), keys <= capacity, keysAt + 4 + 64 * keys == raw.count else { return nil }
            return Loaded(plain: plain, signatureCount: signatures, signaturesOffset: 4, valueKeyCount: keys, valueKeysOffset: keysAt + 4)
        }
    }

    // MARK: Encoding

    static func lengthPrefixed(_ bytes: [UInt8]) -> [UInt8] {
        let n = UInt32(bytes.count)
        return [UInt8(n >> 24), UInt8((n >> 16) & 0xff), UInt8((n >> 8) & 0xff), UInt8(n & 0xff)] + bytes
    }

    static func count(in bytes: [UInt8], at offset: Int) -> Int {
        Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
    }

    static func appendCount(_ count: Int, to out: inout [UInt8]) {
        let n = UInt32(count)
        out += [UInt8(n >> 24), UInt8((n >> 16) & 0xff), UInt8((n >> 8) & 0xff), UInt8(n & 0xff)]
    }

    static func setCount(_ count: Int, at offset: Int, in out: inout [UInt8]) {
        let n = UInt32(count)
        out[offset] = UInt8(n >> 24)
        out[offset + 1] = UInt8((n >> 16) & 0xff)
        out[offset + 2] = UInt8((n >> 8) & 0xff)
        out[offset + 3] = UInt8(n & 0xff)
    }
}
