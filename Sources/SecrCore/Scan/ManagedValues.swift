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
    private var firstTwo = [UInt64](repeating: 0, count: 1024)

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
                forms.append(("base64", Array(Base64.standard(raw).utf8)))
                forms.append(("base64", Array(Base64.standard(raw).utf8.prefix { $0 != UInt8(ascii: "=") })))
                forms.append(("base64url", Array(Sodium.base64URL(raw).utf8)))
                forms.append(("hex", Array(Sodium.hex(raw).utf8)))
                forms.append(("hex", Array(Sodium.hex(raw).uppercased().utf8)))
                forms.append(("url-encoded", URLEncoding.percentEncoded(raw)))
            }
            var seen = Set<[UInt8]>()
            for (encoding, bytes) in forms where bytes.count >= ManagedValues.minimumLength && seen.insert(bytes).inserted {
                needles.append(Needle(bytes: bytes, key: key, environment: environment, encoding: encoding, short: short))
            }
        }
        for (index, needle) in needles.enumerated() {
            byPrefix[ManagedValues.window(needle.bytes[...], 0), default: []].append(index)
            let pair = Int(needle.bytes[0]) << 8 | Int(needle.bytes[1])
            firstTwo[pair >> 6] |= 1 << UInt64(pair & 63)
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
        var found: [(Needle, [UInt8])] = []
        var reported = Set<Int>()
        for offset in 0...(line.count - 4) {
            let pair = Int(line[line.startIndex + offset]) << 8 | Int(line[line.startIndex + offset + 1])
            guard firstTwo[pair >> 6] & (1 << UInt64(pair & 63)) != 0,
                  let candidates = byPrefix[ManagedValues.window(line, offset)] else { continue }
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
    static func standard(_ bytes: [UInt8]) -> String {
        Sodium.base64URL(bytes).map { $0 == "-" ? "+" : $0 == "_" ? "/" : $0 }.reduce(into: "") { $0.append($1) }
            + String(repeating: "=", count: (3 - bytes.count % 3) % 3)
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
