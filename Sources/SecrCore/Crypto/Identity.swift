import Synchronization

/// A member's public key: an Ed25519 verification key, written `secr1…` (bech32).
///
/// The same key, mapped to X25519, is the recipient of sealed boxes (environment keys sealed to
/// readers), so one string is all a member hands over to join a project.
public struct PublicKey: Hashable, Sendable, CustomStringConvertible {
    static let prefix = "secr"
    /// The 32-byte Ed25519 public key.
    public let bytes: [UInt8]

    init(bytes: [UInt8]) throws {
        guard bytes.count == Sodium.signPublicKeyBytes else {
            throw SecrError.usage("a public key has 32 bytes; this one has \(bytes.count)")
        }
        self.bytes = bytes
    }

    /// Keys already parsed in this process: a store names the same few members on every
    /// record, and a bech32 decode costs more than the lookup.
    private static let parsed = Mutex<[String: PublicKey]>([:])

    /// Parses `secr1…`; the error says what is wrong with the text.
    public init(parsing text: String) throws {
        if let known = PublicKey.parsed.withLock({ $0[text] }) {
            self = known
            return
        }
        guard let (hrp, data) = Bech32.decode(text), hrp == PublicKey.prefix else {
            if text.uppercased().hasPrefix("SECR-SECRET-KEY-1") {
                throw SecrError.usage("that is a secret key, not a public key: never share it", hint: "run `secr whoami` to print the public key")
            }
            throw SecrError.usage("\(Redaction.quoted(text)) is not a secr public key: it must start with secr1 and have a valid checksum (copy it again from `secr whoami`)")
        }
        try self.init(bytes: data)
        let key = self
        PublicKey.parsed.withLock { cache in
            if cache.count < 4096 { cache[text] = key }
        }
    }

    /// The `secr1…` form a member hands over.
    public var text: String { Bech32.encode(hrp: PublicKey.prefix, data: bytes) }
    /// The `secr1…` form.
    public var description: String { text }

    /// The X25519 public key that sealed boxes for this member are sealed to.
    func boxPublicKey() throws -> BoxPublicKey { try Sodium.boxPublicKey(fromSignPublicKey: bytes) }

    /// Ed25519 verification (through this identity's `VerificationCache` once one is loaded).
    func verify(_ signature: Signature, message: [UInt8]) -> Bool {
        VerificationCache.shared.verify(signature, message: message, publicKey: bytes)
    }
}

/// A person's or machine's secret key: an Ed25519 seed, written `SECR-SECRET-KEY-1…` (upper-case
/// bech32). The distinct prefix lets leak scanners recognise it anywhere.
public final class Identity: Sendable {
    static let secretPrefix = "secr-secret-key-"
    let seed: SecretBytes
    let signSecretKey: SecretBytes
    let boxSecretKey: SecretBytes
    private let derivedBoxPublicKey = Mutex<BoxPublicKey?>(nil)
    /// What others seal to and verify with.
    public let publicKey: PublicKey

    init(seed: SecretBytes) throws {
        let pair = try Sodium.signKeyPair(seed: seed)
        self.seed = seed
        signSecretKey = pair.secretKey
        boxSecretKey = try Sodium.boxSecretKey(fromSignSecretKey: pair.secretKey)
        publicKey = try PublicKey(bytes: pair.publicKey)
    }

    /// The X25519 public key others seal to (`publicKey.boxPublicKey()`), made from the secret
    /// key with one base-point multiplication (converting the public key checks that it is in
    /// the main subgroup, which cost three times as much) when first asked for: a read answered
    /// from its snapshot opens no box and never needs it.
    var boxPublicKey: BoxPublicKey {
        get throws {
            try derivedBoxPublicKey.withLock { known in
                if let known { return known }
                let key = try Sodium.boxPublicKey(ofSecretKey: boxSecretKey)
                known = key
                return key
            }
        }
    }

    /// A fresh identity.
    public static func generate() throws -> Identity { try generate(random: SystemRandom()) }

    /// A fresh identity from `random` (test vectors use a deterministic stream).
    package static func generate(random: RandomSource) throws -> Identity {
        try Identity(seed: SecretBytes(random: Sodium.signSeedBytes, from: random))
    }

    /// Parses identity text: the `SECR-SECRET-KEY-1…` line, with `#` comment lines and blank
    /// lines around it allowed (the format of an identity file and of `$SECR_IDENTITY`).
    public static func parse(_ text: String, source: String) throws -> Identity {
        let lines = text.textLines()
            .map { $0.trimmingSpaces() }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        guard lines.count == 1, let line = lines.first else {
            throw SecrError.denied("\(source) does not hold exactly one secr secret key (a line starting SECR-SECRET-KEY-1)", hint: "create one with `secr keygen`")
        }
        guard let (hrp, data) = Bech32.decode(String(line)), hrp == secretPrefix,
              data.count == Sodium.signSeedBytes else {
            throw SecrError.denied("\(source) holds no valid secr secret key: the line must start with SECR-SECRET-KEY-1 and its checksum must match", hint: "create one with `secr keygen`")
        }
        return try Identity(seed: SecretBytes(copying: data))
    }

    /// The secret key line. Only `keygen` writes it, to a 0600 file.
    func secretKeyText() -> String {
        seed.withUnsafeBytes { Bech32.encode(hrp: Identity.secretPrefix, data: Array($0)) }.uppercased()
    }

    /// The text of an identity file: comments naming the public key, then the secret key.
    package func fileText(created: Timestamp) -> String {
        """
        # secr identity: a secret key. Keep it private (mode 0600) and never commit it.
        # created: \(created.text)
        # public key: \(publicKey.text)
        \(secretKeyText())

        """
    }

    /// Signs `message`. The signature is valid by construction, so the verification cache (when
    /// this identity's is loaded) remembers it as verified: the next read of what this write
    /// made checks no signature of it again.
    func sign(_ message: [UInt8]) throws -> Signature {
        let signature = try Sodium.sign(message, secretKey: signSecretKey)
        VerificationCache.shared.rememberSigned(signature, message: message, publicKey: publicKey.bytes)
        return signature
    }
}

extension StringProtocol {
    /// The lines of a text file a person may have edited: split at LF, CRLF (a Windows editor;
    /// Swift's `"\r\n"` is one `Character`, equal to neither `"\n"` nor `"\r"`) or a lone CR.
    /// An empty last line after a final line end is not returned.
    /// Split on the UTF-8 bytes: a line end never joins what follows it into one `Character`
    /// (Unicode breaks after every CR and LF), and comparing `Character`s cost an identity file
    /// of four lines 120 K instructions on every command that reads it.
    func textLines() -> [SubSequence] {
        var lines: [SubSequence] = []
        let bytes = utf8
        var start = startIndex, at = bytes.startIndex
        while at != bytes.endIndex {
            let byte = bytes[at]
            guard byte == 0x0a || byte == 0x0d else {
                at = bytes.index(after: at)
                continue
            }
            lines.append(self[start..<at])
            at = bytes.index(after: at)
            if byte == 0x0d, at != bytes.endIndex, bytes[at] == 0x0a { at = bytes.index(after: at) }
            start = at
        }
        lines.append(self[start..<endIndex])
        if lines.count > 1, lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return s
    }
}
