/// The values of the project's secrets that the user can decrypt, with their common encodings
/// (base64, base64url, hex, URL-encoded), for finding them anywhere in staged content. Held in
/// memory only, wiped when released; never written anywhere.
final class ManagedValues {
    struct Needle {
        var bytes: [UInt8]
        let key: String
        let environment: String
        let encoding: String
        let short: Bool
    }

    private(set) var needles: [Needle] = []
    /// First four bytes of each needle → needle indices: the prefilter that makes matching one
    /// dictionary probe per scanned byte.
    private var byPrefix: [UInt32: [Int]] = [:]
    /// One bit per first two bytes of any needle: most positions are rejected without hashing.
    private var firstTwo = [Bool](repeating: false, count: 65536)

    var isEmpty: Bool { needles.isEmpty }

    /// Values shorter than this warn instead of block; shorter than `minimum` are ignored.
    static let blockingLength = 8
    static let minimumLength = 4

    init(_ values: [(environment: String, key: String, value: SecretBytes)]) {
        for (environment, key, value) in values where value.count >= ManagedValues.minimumLength {
            let short = value.count < ManagedValues.blockingLength
            let raw = value.withUnsafeBytes { Array($0) }
            var forms: [(String, [UInt8])] = [("plain", raw)]
            if !short {
                let base64 = Base64.standard(raw)
                forms.append(("base64", base64))
                forms.append(("base64", Array(base64.prefix { $0 != UInt8(ascii: "=") })))
                forms.append(("base64url", Array(Sodium.base64URL(raw).utf8)))
                forms.append(("hex", Array(Sodium.hex(raw).utf8)))
                forms.append(("hex", Array(Sodium.hex(raw).uppercased().utf8)))
                forms.append(("url-encoded", URLEncoding.percentEncoded(raw)))
                // Inside a longer base64 text (HTTP Basic `user:value`, docker's `auth`): the
                // encoding of the value's bytes depends only on where they fall in the 3-byte
                // groups, so the middle of base64(filler + value) for each of the three offsets
                // is in the encoding of anything + value + anything.
                for offset in 0..<3 {
                    let encoded = Base64.standard([UInt8](repeating: 0, count: offset) + raw)
                    let middle = Array(encoded.dropFirst(offset == 0 ? 0 : 4).dropLast(4))
                    if middle.count >= 8 { forms.append(("base64, inside a longer encoded text", middle)) }
                }
                let json = JSONEscaping.escaped(raw)
                forms.append(("JSON-escaped", json))
                forms.append(("JSON-escaped", JSONEscaping.escaped(raw, slash: true)))
                forms.append(("JSON-escaped twice", JSONEscaping.escaped(json)))
                forms.append(("JSON-escaped twice", JSONEscaping.escaped(JSONEscaping.escaped(raw, slash: true))))
                if raw.contains(0x0a) {
                    forms.append(("JSON-escaped", JSONEscaping.escaped(raw.split(separator: 0x0a, omittingEmptySubsequences: false)
                        .map(Array.init).joined(separator: [0x0d, 0x0a]).map { $0 })))
                    // Each line of a multi-line value (a key, recovery codes): pasted, indented or quoted.
                    for line in raw.split(separator: 0x0a) {
                        var text = Array(line.drop(while: { $0 == 0x20 || $0 == 0x09 }))
                        while let last = text.last, last == 0x0d || last == 0x20 { text.removeLast() }
                        guard text.count >= 12, !text.starts(with: Array("-----".utf8)) else { continue }
                        forms.append(("a line of it", text))
                    }
                }
            }
            var seen = Set<[UInt8]>()
            for (encoding, bytes) in forms where bytes.count >= ManagedValues.minimumLength && seen.insert(bytes).inserted {
                needles.append(Needle(bytes: bytes, key: key, environment: environment, encoding: encoding, short: short))
            }
        }
        for (index, needle) in needles.enumerated() {
            byPrefix[ManagedValues.window(needle.bytes[...], 0), default: []].append(index)
            let pair = Int(needle.bytes[0]) << 8 | Int(needle.bytes[1])
            firstTwo[pair] = true
        }
    }

    deinit {
        for index in needles.indices { wipe(&needles[index].bytes) }
    }

    static func window(_ bytes: ArraySlice<UInt8>, _ at: Int) -> UInt32 {
        let i = bytes.startIndex + at
        return UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24
    }

    /// Every needle found in `line`, with the match.
    func matches(in line: ArraySlice<UInt8>) -> [(needle: Needle, match: [UInt8])] {
        guard line.count >= 4, !byPrefix.isEmpty else { return [] }
        // The gate first, over raw memory: it runs for every byte of every scanned line, and
        // the first two bytes of a needle are rare in other text.
        let gated: [Int] = line.withUnsafeBufferPointer { bytes in
            firstTwo.withUnsafeBufferPointer { gate in
                var hits: [Int] = []
                for offset in 0...(bytes.count - 4) {
                    let pair = Int(bytes[offset]) << 8 | Int(bytes[offset + 1])
                    if gate[pair] { hits.append(offset) }
                }
                return hits
            }
        }
        guard !gated.isEmpty else { return [] }
        var found: [(Needle, [UInt8])] = []
        var reported = Set<Int>()
        for offset in gated {
            guard let candidates = byPrefix[ManagedValues.window(line, offset)] else { continue }
            let rest = line[(line.startIndex + offset)...]
            for index in candidates where !reported.contains(index) && rest.starts(with: needles[index].bytes) {
                reported.insert(index)
                found.append((needles[index], needles[index].bytes))
            }
        }
        // One finding per secret per line: the longest form (padded base64 contains unpadded).
        var longest: [String: (Needle, [UInt8])] = [:]
        for (needle, match) in found where match.count > (longest[needle.environment + "/" + needle.key]?.1.count ?? 0) {
            longest[needle.environment + "/" + needle.key] = (needle, match)
        }
        return found.filter { needle, match in longest[needle.environment + "/" + needle.key]?.1 == match }
    }
}

enum Base64 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Standard, padded base64, byte by byte (the scan builds several forms of every value).
    static func standard(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let a = UInt32(bytes[index]), b = index + 1 < bytes.count ? UInt32(bytes[index + 1]) : 0
            let c = index + 2 < bytes.count ? UInt32(bytes[index + 2]) : 0
            let group = a << 16 | b << 8 | c
            out.append(alphabet[Int(group >> 18 & 63)])
            out.append(alphabet[Int(group >> 12 & 63)])
            out.append(index + 1 < bytes.count ? alphabet[Int(group >> 6 & 63)] : 0x3d)
            out.append(index + 2 < bytes.count ? alphabet[Int(group & 63)] : 0x3d)
            index += 3
        }
        return out
    }
}

enum JSONEscaping {
    /// The JSON string body of `bytes` (`"`, `\\`, control characters; `/` too when `slash`).
    static func escaped(_ bytes: [UInt8], slash: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        for b in bytes {
            switch b {
            case 0x22: out += [0x5c, 0x22]
            case 0x5c: out += [0x5c, 0x5c]
            case 0x2f where slash: out += [0x5c, 0x2f]
            case 0x0a: out += [0x5c, 0x6e]
            case 0x0d: out += [0x5c, 0x72]
            case 0x09: out += [0x5c, 0x74]
            default: out.append(b)
            }
        }
        return out
    }
}

enum URLEncoding {
    /// RFC 3986 percent-encoding of everything but unreserved characters.
    static func percentEncoded(_ bytes: [UInt8]) -> [UInt8] {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for b in bytes {
            if Charset.alnum(b) || b == 0x2d || b == 0x2e || b == 0x5f || b == 0x7e {
                out.append(b)
            } else {
                out += [UInt8(ascii: "%"), hex[Int(b >> 4)], hex[Int(b & 15)]]
            }
        }
        return out
    }
}
