import Glibc

/// The highest version of each key this clone has verified in one environment, as the clone
/// state lists them (`KEY VERSION` lines, sorted by key). Kept as the file's bytes and searched
/// in place: `get` of one key in an environment of 10,000 built a dictionary of all 10,000
/// names to look up one, and a read compares them to the environment file's lines in order.
struct SeenVersions {
    private struct Entry {
        let start: Int32, end: Int32
        let version: Int
    }

    private let bytes: [UInt8]
    /// Sorted by key bytes, one entry per key.
    private let entries: [Entry]

    static let empty = SeenVersions(bytes: [], entries: [])

    private init(bytes: [UInt8], entries: [Entry]) {
        self.bytes = bytes
        self.entries = entries
    }

    /// The `KEY VERSION` lines of `bytes` from `offset` on. A line that is not one is skipped. The
    /// file is written sorted; one that is not (edited by hand) is sorted here, and a key listed
    /// twice keeps its higher version, the stricter of the two.
    init(parsing bytes: [UInt8], from offset: Int) {
        var entries: [Entry] = []
        entries.reserveCapacity(bytes.count / 12)
        var sorted = true
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            // Each line's end and first space found with memchr (byte loops were two thirds of
            // `get` reading the versions of 10,000 keys).
            var start = offset
            while start < buffer.count {
                let lineEnd = memchr(base + start, 0x0a, buffer.count - start).map { base.distance(to: $0.assumingMemoryBound(to: UInt8.self)) } ?? buffer.count
                defer { start = lineEnd + 1 }
                guard let space = memchr(base + start, 0x20, lineEnd - start) else { continue }
                let keyEnd = base.distance(to: space.assumingMemoryBound(to: UInt8.self))
                let digits = lineEnd - keyEnd - 1
                guard keyEnd > start, (1...18).contains(digits) else { continue }
                var version = 0, index = keyEnd + 1
                while index < lineEnd, buffer[index] >= 0x30 && buffer[index] <= 0x39 {
                    version = version * 10 + Int(buffer[index] - 0x30)
                    index += 1
                }
                guard index == lineEnd else { continue }
                let entry = Entry(start: Int32(start), end: Int32(keyEnd), version: version)
                if let last = entries.last, SeenVersions.compare(buffer, last, entry) >= 0 { sorted = false }
                entries.append(entry)
            }
            if !sorted {
                entries.sort { SeenVersions.compare(buffer, $0, $1) < 0 }
                var unique: [Entry] = []
                for entry in entries {
                    if let last = unique.last, SeenVersions.compare(buffer, last, entry) == 0 {
                        unique[unique.count - 1] = last.version >= entry.version ? last : entry
                    } else {
                        unique.append(entry)
                    }
                }
                entries = unique
            }
        }
        self.init(bytes: bytes, entries: entries)
    }

    /// The version seen of `key`, nil when none was.
    subscript(key: String) -> Int? {
        var key = key
        return key.withUTF8 { name in
            bytes.withUnsafeBufferPointer { buffer in
                var low = 0, high = entries.count
                while low < high {
                    let middle = (low + high) / 2
                    let order = SeenVersions.compare(buffer, entries[middle], name)
                    if order == 0 { return entries[middle].version }
                    if order < 0 { low = middle + 1 } else { high = middle }
                }
                return nil
            }
        }
    }

    /// Every key and version, in key order (the key as bytes, valid during the call).
    func forEach(_ body: (UnsafeBufferPointer<UInt8>, Int) throws -> Void) rethrows {
        try bytes.withUnsafeBufferPointer { buffer in
            for entry in entries {
                try body(UnsafeBufferPointer(rebasing: buffer[Int(entry.start)..<Int(entry.end)]), entry.version)
            }
        }
    }

    /// Walks these entries beside `versions` (sorted by key bytes), in key order: each key of
    /// either, with its version here (0 when none) and in `versions` (0 when none). `body`
    /// returns false to stop.
    private func merge(_ versions: [(key: String, version: Int)], _ body: (UnsafeBufferPointer<UInt8>, Int, Int) -> Bool) {
        bytes.withUnsafeBufferPointer { buffer in
            var next = 0
            func entryKey(_ entry: Entry) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: buffer[Int(entry.start)..<Int(entry.end)]) }
            for (key, version) in versions {
                var key = key
                let carryOn = key.withUTF8 { name -> Bool in
                    while next < entries.count, compareBytes(entryKey(entries[next]), name) < 0 {
                        guard body(entryKey(entries[next]), entries[next].version, 0) else { return false }
                        next += 1
                    }
                    if next < entries.count, compareBytes(entryKey(entries[next]), name) == 0 {
                        defer { next += 1 }
                        return body(name, entries[next].version, version)
                    }
                    return body(name, 0, version)
                }
                guard carryOn else { return }
            }
            while next < entries.count, body(entryKey(entries[next]), entries[next].version, 0) { next += 1 }
        }
    }

    /// `versions` in the order these entries are kept (key bytes): a store's keys are ASCII, so
    /// this is the order they come in and the sort only checks it.
    private static func ordered(_ versions: [(key: String, version: Int)]) -> [(key: String, version: Int)] {
        // Checked in one pass with memcmp first: the generic comparison of two UTF-8 views was
        // 17 M instructions of `set` at 10,000 secrets, to sort a list already in order.
        let inOrder = zip(versions, versions.dropFirst()).allSatisfy { precedes($0.key, $1.key) }
        return inOrder ? versions : versions.sorted { precedes($0.key, $1.key) }
    }

    /// `a` before `b` in the order of their UTF-8 bytes.
    private static func precedes(_ a: String, _ b: String) -> Bool {
        let fast: Bool?? = a.utf8.withContiguousStorageIfAvailable { x in b.utf8.withContiguousStorageIfAvailable { y in compareBytes(x, y) < 0 } }
        return (fast ?? nil) ?? a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// Whether `versions` holds a key above the version seen of it.
    func isRaised(by versions: [(key: String, version: Int)]) -> Bool {
        var raised = false
        merge(SeenVersions.ordered(versions)) { _, seen, new in
            raised = new > seen
            return !raised
        }
        return raised
    }

    /// The file's `KEY VERSION` lines once raised by `versions`: every key of either, in key
    /// order, with the higher of its two versions (a write at 10,000 secrets built, sorted and
    /// interpolated a dictionary of them all).
    func lines(raisedBy versions: [(key: String, version: Int)]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + versions.count * 16)
        merge(SeenVersions.ordered(versions)) { key, seen, new in
            out.append(contentsOf: key)
            out.append(0x20)
            out.append(contentsOf: String(max(seen, new)).utf8)
            out.append(0x0a)
            return true
        }
        return out
    }

    private static func compare(_ buffer: UnsafeBufferPointer<UInt8>, _ x: Entry, _ y: Entry) -> Int {
        compareBytes(UnsafeBufferPointer(rebasing: buffer[Int(x.start)..<Int(x.end)]),
                     UnsafeBufferPointer(rebasing: buffer[Int(y.start)..<Int(y.end)]))
    }

    private static func compare(_ buffer: UnsafeBufferPointer<UInt8>, _ x: Entry, _ key: UnsafeBufferPointer<UInt8>) -> Int {
        compareBytes(UnsafeBufferPointer(rebasing: buffer[Int(x.start)..<Int(x.end)]), key)
    }
}
