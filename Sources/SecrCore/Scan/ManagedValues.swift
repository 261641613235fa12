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

    /// Written by init and wiped by deinit only; read by every scanning thread, once a line,
    /// so the runtime's exclusivity check (two calls into it per read) is left out.
    @exclusivity(unchecked) private(set) var needles: [Needle] = []
    /// A needle of at least `strideLength` bytes holds, whatever its alignment, a four-byte
    /// window starting at a multiple of 4 within its first four bytes. So the scan reads only
    /// every fourth position for them: each of their first four windows (at offsets 0 to 3) is
    /// indexed here, and a hit at position p names needle starts p - offset.
    private let strided: Windows
    /// Needles of 4 to 6 bytes are looked for at every position, by their first window.
    private let everyPosition: Windows
    static let strideLength = 7

    /// Windows → (needle, offset of the window in it), behind a gate: one bit per hash of each
    /// window (`gateBits` bits). A position whose four bytes hash to a clear bit starts no
    /// window, so most positions cost a load, a multiply and a bit test; with a thousand
    /// needles about one position in 60 passes on to the dictionary.
    private struct Windows {
        var entries: [UInt32: [(needle: Int, offset: Int)]] = [:]
        var gate = [UInt64](repeating: 0, count: 1 << (ManagedValues.gateBits - 6))

        mutating func add(_ window: UInt32, needle: Int, offset: Int) {
            entries[window, default: []].append((needle, offset))
            let slot = ManagedValues.gateSlot(window)
            gate[slot >> 6] |= 1 << UInt64(slot & 63)
        }
    }
    static let gateBits = 18

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
        var strided = Windows(), everyPosition = Windows()
        for (index, needle) in needles.enumerated() {
            if needle.bytes.count >= ManagedValues.strideLength {
                for offset in 0..<4 { strided.add(ManagedValues.window(needle.bytes[...], offset), needle: index, offset: offset) }
            } else {
                everyPosition.add(ManagedValues.window(needle.bytes[...], 0), needle: index, offset: 0)
            }
        }
        self.strided = strided
        self.everyPosition = everyPosition
    }

    deinit {
        for index in needles.indices { wipe(&needles[index].bytes) }
    }

    /// Four bytes read as a little-endian number, the first in the low byte.
    static func window(_ bytes: ArraySlice<UInt8>, _ at: Int) -> UInt32 {
        let i = bytes.startIndex + at
        return UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24
    }

    /// The gate's bit for a window: a multiplicative hash (Knuth's constant), its top bits.
    @inline(__always)
    static func gateSlot(_ window: UInt32) -> Int {
        Int((window &* 0x9E37_79B1) >> UInt32(32 - gateBits))
    }

    /// Positions `0, step, 2·step, …` of `bytes` whose window passes the gate of `windows`: each
    /// needle start they name that holds the whole needle lowers `starts[needle]`. (A static
    /// function with `starts` passed in: a nested one capturing it made the runtime check
    /// exclusive access to it on every line.)
    private static func look(for windows: Windows, step: Int, in bytes: UnsafeBufferPointer<UInt8>, needles: [Needle],
                             starts: inout [Int: Int]) {
        guard !windows.entries.isEmpty else { return }
        let base = UnsafeRawPointer(bytes.baseAddress!)
        windows.gate.withUnsafeBufferPointer { gate in
            for position in stride(from: 0, through: bytes.count - 4, by: step) {
                let window = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: position, as: UInt32.self))
                let slot = ManagedValues.gateSlot(window)
                guard gate[slot >> 6] & (1 << UInt64(slot & 63)) != 0, let candidates = windows.entries[window] else { continue }
                for (index, offset) in candidates {
                    let start = position - offset, needle = needles[index].bytes
                    guard start >= 0, start + needle.count <= bytes.count, start < starts[index] ?? Int.max,
                          UnsafeBufferPointer(rebasing: bytes[start...]).starts(with: needle) else { continue }
                    starts[index] = start
                }
            }
        }
    }

    /// Every needle found in `line`, with the match, in the order of where each first starts.
    func matches(in line: ArraySlice<UInt8>) -> [(needle: Needle, match: [UInt8])] {
        guard line.count >= 4, !needles.isEmpty else { return [] }
        // Where each needle first starts: found out of order by the strided pass.
        var starts: [Int: Int] = [:]
        let needles = self.needles
        line.withUnsafeBufferPointer { bytes in
            ManagedValues.look(for: strided, step: 4, in: bytes, needles: needles, starts: &starts)
            ManagedValues.look(for: everyPosition, step: 1, in: bytes, needles: needles, starts: &starts)
        }
        guard !starts.isEmpty else { return [] }
        let found: [(needle: Needle, match: [UInt8])] = starts.sorted { ($0.value, $0.key) < ($1.value, $1.key) }
            .map { (needles[$0.key], needles[$0.key].bytes) }
        guard found.count > 1 else { return found }
        // One finding per secret per line: the longest form (padded base64 contains unpadded).
        var longest: [String: [UInt8]] = [:]
        for (needle, match) in found where match.count > (longest[needle.environment + "/" + needle.key]?.count ?? 0) {
            longest[needle.environment + "/" + needle.key] = match
        }
        return found.filter { needle, match in longest[needle.environment + "/" + needle.key] == match }
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
