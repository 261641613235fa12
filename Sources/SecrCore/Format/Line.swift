import Glibc

/// One line of a secr file: a kind word, then `name=value` fields separated by single spaces.
///
/// Every roster entry, environment header, reader and record is such a line (docs/FORMAT.md §2).
/// Values are printable ASCII without spaces; binary values are unpadded base64url.
struct Line: Equatable {
    var kind: String
    var fields: [(name: String, value: String)]

    init(kind: String, fields: [(String, String)]) {
        self.kind = kind
        self.fields = fields.map { (name: $0.0, value: $0.1) }
    }

    /// Fields already labeled (the parser's): no second array.
    init(kind: String, labeled fields: [(name: String, value: String)]) {
        self.kind = kind
        self.fields = fields
    }

    static func == (a: Line, b: Line) -> Bool {
        a.kind == b.kind && a.fields.elementsEqual(b.fields, by: { $0.name == $1.name && $0.value == $1.value })
    }

    var text: String {
        var out: [UInt8] = []
        out.reserveCapacity(byteCount)
        append(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The length of `text` in bytes.
    var byteCount: Int { fields.reduce(kind.utf8.count) { $0 + 2 + $1.name.utf8.count + $1.value.utf8.count } }

    /// Appends `text`'s bytes.
    func append(to out: inout [UInt8]) {
        func add(_ text: String) {
            if text.utf8.withContiguousStorageIfAvailable({ out.append(contentsOf: $0) }) == nil { out.append(contentsOf: text.utf8) }
        }
        add(kind)
        for field in fields {
            out.append(0x20)
            add(field.name)
            out.append(0x3d)
            add(field.value)
        }
    }

    /// Strict parse: one space between tokens, no empty values, only printable ASCII.
    /// Works on UTF-8 bytes: `Character`-level splitting costs more than the cryptography.
    static func parse(_ text: Substring) -> Line? {
        if let line = text.utf8.withContiguousStorageIfAvailable(parse(bytes:)) { return line }
        return Array(text.utf8).withUnsafeBufferPointer(parse(bytes:))
    }

    /// One pass over the bytes: tokens split at single spaces, each name checked as it is read,
    /// and a String made only for each kind, name and value.
    static func parse(bytes: UnsafeBufferPointer<UInt8>) -> Line? {
        guard !bytes.isEmpty else { return nil }
        func string(_ from: Int, _ to: Int) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: bytes[from..<to]), as: UTF8.self)
        }
        func isNameByte(_ b: UInt8) -> Bool { (b >= 0x61 && b <= 0x7a) || (b >= 0x30 && b <= 0x39) || b == 0x2d }
        var index = 0
        let count = bytes.count
        // The kind: [a-z][a-z0-9-]*, up to the first space or the end.
        guard bytes[0] >= 0x61 && bytes[0] <= 0x7a else { return nil }
        while index < count && bytes[index] != 0x20 {
            guard isNameByte(bytes[index]) else { return nil }
            index += 1
        }
        let kind = string(0, index)
        var fields: [(name: String, value: String)] = []
        fields.reserveCapacity(12)  // a record has 10 or 11 fields: one allocation, not five
        while index < count {
            index += 1  // the space
            let nameStart = index
            guard index < count, bytes[index] >= 0x61 && bytes[index] <= 0x7a else { return nil }
            while index < count && bytes[index] != 0x3d {
                guard isNameByte(bytes[index]) else { return nil }
                index += 1
            }
            guard index < count else { return nil }  // no '='
            let nameEnd = index
            index += 1
            let valueStart = index
            while index < count && bytes[index] != 0x20 {
                guard bytes[index] > 0x20 && bytes[index] < 0x7f else { return nil }
                index += 1
            }
            guard index > valueStart else { return nil }  // empty value, or two spaces
            fields.append((string(nameStart, nameEnd), string(valueStart, index)))
        }
        return Line(kind: kind, labeled: fields)
    }

    /// Lengths first: most names differ in length, and comparing two different short strings
    /// takes the standard library's slow path.
    func value(_ name: String) -> String? {
        let length = name.utf8.count
        return fields.first(where: { $0.name.utf8.count == length && $0.name == name })?.value
    }


    /// The bytes a signature covers: the domain label, the context pairs, the kind, then every
    /// field except those in `excluding`, each as a length-prefixed name and value.
    ///
    /// `excluding` is a list, not a set: it holds one or two names, and building and asking a set
    /// hashed every field name of every record on every read.
    func signedMessage(domain: String, context: [(String, String)] = [], excluding: [String]) -> [UInt8] {
        var message = CanonicalEncoder()
        var size = 4 * (2 + context.count * 2 + fields.count * 2) + domain.utf8.count + kind.utf8.count
        for (name, value) in context { size += name.utf8.count + value.utf8.count }
        for field in fields { size += field.name.utf8.count + field.value.utf8.count }
        message.bytes.reserveCapacity(size)
        message.append(domain)
        for (name, value) in context {
            message.append(name)
            message.append(value)
        }
        message.append(kind)
        for field in fields where !excluding.contains(field.name) {
            message.append(field.name)
            message.append(field.value)
        }
        return message.bytes
    }
}

/// Length-prefixed concatenation (4-byte big-endian length, then the bytes), the only way secr
/// joins values before hashing or signing them, so no two different inputs share an encoding.
struct CanonicalEncoder {
    var bytes: [UInt8] = []

    mutating func append(_ text: String) {
        let utf8 = text.utf8
        appendLength(utf8.count)
        if utf8.withContiguousStorageIfAvailable({ bytes.append(contentsOf: $0) }) == nil { bytes.append(contentsOf: utf8) }
    }

    mutating func append(_ data: [UInt8]) {
        appendLength(data.count)
        bytes.append(contentsOf: data)
    }

    private mutating func appendLength(_ count: Int) {
        let n = UInt32(count)
        bytes.append(UInt8(n >> 24))
        bytes.append(UInt8((n >> 16) & 0xff))
        bytes.append(UInt8((n >> 8) & 0xff))
        bytes.append(UInt8(n & 0xff))
    }
}

/// Reading typed values out of a parsed line, with errors that name the file and line.
struct FieldReader {
    let line: Line
    let file: String
    let lineNumber: Int

    func fail(_ problem: String) -> SecrError {
        SecrError.integrity("\(file):\(lineNumber): \(problem); the file was altered or corrupted (restore it with `git checkout -- \(file)` or ask its last writer)")
    }

    /// Checks that the fields are exactly `required` in order, with `optional` ones allowed at their place.
    func expectFields(_ layout: [(name: String, required: Bool)]) throws {
        var next = 0
        for (name, required) in layout {
            if next < line.fields.count && line.fields[next].name == name {
                next += 1
            } else if required {
                throw fail("\(line.kind) line lacks the field '\(name)' or has fields out of order")
            }
        }
        if next < line.fields.count { throw fail("\(line.kind) line has an unexpected field '\(line.fields[next].name)'") }
    }

    func string(_ name: String) throws -> String {
        guard let value = line.value(name) else { throw fail("missing field '\(name)'") }
        return value
    }

    func bytes(_ name: String, count: Int? = nil) throws -> [UInt8] {
        guard let decoded = Sodium.fromBase64URL(Substring(try string(name))) else {
            throw fail("field '\(name)' is not canonical base64url")
        }
        if let count, decoded.count != count { throw fail("field '\(name)' has \(decoded.count) bytes, expected \(count)") }
        return decoded
    }

    /// A binary field of a fixed size: a signature, nonce, public key, digest or sealed key.
    func sized<T: SizedBytes>(_ name: String, as type: T.Type) throws -> T {
        guard let value = T(try bytes(name)) else {
            throw fail("field '\(name)' has the wrong length, expected \(T.size) bytes")
        }
        return value
    }

    func publicKey(_ name: String) throws -> PublicKey {
        do { return try PublicKey(parsing: try string(name)) } catch { throw fail("field '\(name)' is not a secr public key") }
    }

    func timestamp(_ name: String) throws -> Timestamp {
        guard let t = Timestamp(parsing: Substring(try string(name))) else { throw fail("field '\(name)' is not a UTC timestamp") }
        return t
    }

    func number(_ name: String) throws -> Int {
        let text = try string(name)
        guard let n = Int(text), n >= 0, String(n) == text else { throw fail("field '\(name)' is not a canonical number") }
        return n
    }
}

/// Splits file text into lines; the file must end with a newline and contain no CR.
func splitLines(_ bytes: [UInt8], file: String) throws -> [Substring] {
    let ranges = try bytes.withUnsafeBufferPointer { try lineRanges($0, file: file) }
    let text = String(decoding: bytes, as: UTF8.self)
    let utf8 = text.utf8
    var lines: [Substring] = []
    lines.reserveCapacity(ranges.count)
    var cursor = utf8.startIndex, offset = 0
    for range in ranges {
        let start = utf8.index(cursor, offsetBy: range.lowerBound - offset)
        let end = utf8.index(start, offsetBy: range.count)
        lines.append(text[start..<end])
        (cursor, offset) = (end, range.upperBound)
    }
    return lines
}

/// The byte ranges of a file's lines (each without its LF), after checking that the file is
/// UTF-8, ends with a newline and holds no CR. One pass; ASCII files (all of secr's) skip the
/// UTF-8 decoder.
func lineRanges(_ bytes: UnsafeBufferPointer<UInt8>, file: String) throws -> [Range<Int>] {
    guard bytes.baseAddress != nil else { throw notLineFormat(file) }
    // Newlines by memchr; CR and non-ASCII bytes by one OR-and-compare pass the compiler
    // vectorises. ASCII files (all of secr's) skip the UTF-8 decoder.
    let ranges = newlineTerminatedRanges(bytes)
    try checkText(bytes, file: file)
    guard bytes.last == 0x0a else { throw notLineFormat(file) }
    return ranges
}

/// The byte ranges of the lines of `bytes` that end with an LF (each without it), found with
/// memchr and not checked otherwise: text after the last LF is not among them.
func newlineTerminatedRanges(_ bytes: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
    guard let base = bytes.baseAddress else { return [] }
    var ranges: [Range<Int>] = []
    var start = 0
    while start < bytes.count, let newline = memchr(base + start, 0x0a, bytes.count - start) {
        let end = base.distance(to: newline.assumingMemoryBound(to: UInt8.self))
        ranges.append(start..<end)
        start = end + 1
    }
    return ranges
}

/// Checks that `bytes` (a file or some of its lines) hold no CR and are UTF-8; the UTF-8
/// decoder runs only when a byte is not ASCII (a byte loop here was a quarter of `get` in a
/// store of 10,000 secrets).
func checkText(_ bytes: UnsafeBufferPointer<UInt8>, file: String) throws {
    if !hasOnlyASCII(bytes), String(validating: bytes, as: UTF8.self) == nil { throw notUTF8(file) }
    if containsCarriageReturn(bytes) { throw notLineFormat(file) }
}

/// A CR among `bytes`.
func containsCarriageReturn(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    bytes.baseAddress.map { memchr($0, 0x0d, bytes.count) != nil } ?? false
}

/// No byte has its high bit set: 64 bytes at a time in vector registers (eight-byte words
/// were 2 M instructions of `get` at 10,000 secrets).
func hasOnlyASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let base = bytes.baseAddress else { return true }
    let raw = UnsafeRawPointer(base)
    var wide = SIMD16<UInt8>(), offset = 0
    while offset + 64 <= bytes.count {
        wide |= raw.loadUnaligned(fromByteOffset: offset, as: SIMD16<UInt8>.self) | raw.loadUnaligned(fromByteOffset: offset + 16, as: SIMD16<UInt8>.self)
            | raw.loadUnaligned(fromByteOffset: offset + 32, as: SIMD16<UInt8>.self) | raw.loadUnaligned(fromByteOffset: offset + 48, as: SIMD16<UInt8>.self)
        offset += 64
    }
    var high = UInt8(0)
    while offset < bytes.count {
        high |= bytes[offset]
        offset += 1
    }
    return (wide.max() | high) & 0x80 == 0
}

func notLineFormat(_ file: String) -> SecrError {
    SecrError.integrity("\(file) is not in secr's line format (it must end with a newline and use LF line ends)", hint: "restore it with `git checkout -- \(file)`")
}

func notUTF8(_ file: String) -> SecrError {
    SecrError.integrity("\(file) is not UTF-8 text; it was corrupted (restore it with `git checkout -- \(file)`)")
}

private let conflictOpen = Array("<<<<<<< ".utf8), conflictClose = Array(">>>>>>> ".utf8)

/// A line that starts with one of git's conflict markers.
func isConflictMarker(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
    startsWith(line, conflictOpen) || startsWith(line, conflictClose)
}

/// Byte order of two byte strings (a prefix first): negative, zero or positive. Key names are
/// ASCII, where it is also the order of Swift's `String` comparison, which sorts the files.
func compareBytes(_ x: UnsafeBufferPointer<UInt8>, _ y: UnsafeBufferPointer<UInt8>) -> Int {
    let common = min(x.count, y.count)
    if common > 0, let a = x.baseAddress, let b = y.baseAddress {
        let order = memcmp(a, b, common)
        if order != 0 { return Int(order) }
    }
    return x.count - y.count
}

/// `bytes` begins with `prefix` (memcmp: the generic `starts(with:)` was a twentieth of `get` in
/// a store of 10,000 secrets).
func startsWith(_ bytes: UnsafeBufferPointer<UInt8>, _ prefix: [UInt8]) -> Bool {
    guard !prefix.isEmpty else { return true }
    guard bytes.count >= prefix.count, let base = bytes.baseAddress else { return false }
    return prefix.withUnsafeBufferPointer { memcmp(base, $0.baseAddress!, prefix.count) == 0 }
}

/// `bytes` begins with the literal `prefix` (ASCII): no array to reach through a once-check.
func startsWith(_ bytes: UnsafeBufferPointer<UInt8>, _ prefix: StaticString) -> Bool {
    let count = prefix.utf8CodeUnitCount
    guard bytes.count >= count, let base = bytes.baseAddress else { return count == 0 }
    return memcmp(base, prefix.utf8Start, count) == 0
}

/// Git's conflict markers (`<<<<<<< `, `>>>>>>> ` at a line start): what a merge without
/// secr's merge driver leaves in a store file.
package func hasConflictMarkers(_ bytes: [UInt8]) -> Bool {
    bytes.withUnsafeBufferPointer { buffer in
        guard let base = buffer.baseAddress else { return false }
        var index = 0
        // Line starts found with memchr: a store file has thousands of lines.
        while index < buffer.count {
            let first = buffer[index]
            if first == 0x3c || first == 0x3e, isConflictMarker(UnsafeBufferPointer(rebasing: buffer[index...])) { return true }
            guard let newline = memchr(base + index, 0x0a, buffer.count - index) else { return false }
            index = base.distance(to: newline.assumingMemoryBound(to: UInt8.self)) + 1
        }
        return false
    }
}

extension SecrError {
    /// A store file with conflict markers, and the ways out.
    static func conflicted(_ file: String) -> SecrError {
        failure("\(file) has git conflict markers: it was merged as text, without secr's merge driver (was `secr setup` run in this clone?)",
                hint: "during the merge, `secr resolve` merges it record by record; or abort (`git merge --abort`), run `secr setup`, and merge again")
    }
}
