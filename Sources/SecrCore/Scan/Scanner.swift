import Glibc

/// One file to scan: its path, its content as UTF-8 (UTF-16 text decoded), and which lines are
/// new (nil: all of them).
package struct ScanTarget: Sendable {
    package let path: String
    package let bytes: [UInt8]
    package let addedLines: Set<Int>?

    package init(path: String, bytes: [UInt8], addedLines: Set<Int>?) {
        self.path = path
        self.bytes = bytes
        self.addedLines = addedLines
    }

    /// A file as stored, with the lines it adds to `old` (the version it replaces, if any).
    static func reading(path: String, raw: [UInt8], old: [UInt8]?) -> ScanTarget {
        let bytes = TextDecoding.utf8(fromUTF16: raw) ?? raw
        guard let old else { return ScanTarget(path: path, bytes: bytes, addedLines: nil) }
        return ScanTarget(path: path, bytes: bytes, addedLines: LeakScan.addedLines(old: TextDecoding.utf8(fromUTF16: old) ?? old, new: bytes))
    }
}

/// The spans of a line that a layer has classified, kept sorted so that asking whether a value
/// overlaps one is a binary search (a minified file is one line with thousands of them).
struct ClaimedSpans {
    private(set) var spans: [Range<Int>] = []

    mutating func insert(_ span: Range<Int>) {
        if let last = spans.last, last.lowerBound <= span.lowerBound {
            spans.append(span)
        } else {
            spans.insert(span, at: spans.firstIndex { $0.lowerBound > span.lowerBound } ?? spans.endIndex)
        }
    }

    func overlaps(_ range: Range<Int>) -> Bool {
        // The first span that ends after the range starts; it overlaps if it starts before the range ends.
        var low = 0, high = spans.count
        while low < high {
            let middle = (low + high) / 2
            if spans[middle].upperBound <= range.lowerBound { low = middle + 1 } else { high = middle }
        }
        // Spans may nest or overlap each other, so look at a few neighbours.
        for index in max(0, low - 2)..<min(spans.count, low + 3) where spans[index].overlaps(range) { return true }
        return false
    }
}

/// The four layers of DESIGN.md §6 over one file at a time: managed values (0), paths (1),
/// provider credentials, private keys and URL passwords (2) and generic assignments (3), then
/// the allowlist.
///
/// Per line, the layers run in that order and each classifies spans of the line: a span that
/// a provider rule classified (a test key that warns, a publishable key, a placeholder) or a URL
/// whose password was judged is not judged again by a later layer.
///
/// Binary files (a NUL in the first 8000 bytes, after UTF-16 decoding) get the managed-value
/// and private-key layers and the provider rules whose checksum or marker rules out a chance
/// match. Files of any size are read whole: only the lines they add are scanned.
/// Immutable once made, so one scanner serves every thread of a scan (`@unchecked`: its
/// `ManagedValues` is a class that is only read after its init).
final class Scanner: @unchecked Sendable {
    private let managed: ManagedValues?
    private let allowlist: Allowlist
    private let storePath: String?
    /// Two-byte prefix → (rule index, prefix) pairs: the keyword prefilter of layer 2. Index -1
    /// marks private-key markers.
    private let prefixTable: [[(rule: Int, prefix: [UInt8])]]
    /// The gate in front of `prefixTable`, read for every byte without touching the table
    /// (each read of it retains an array).
    private let gate: PairGate

    init(managed: ManagedValues?, allowlist: Allowlist, storePath: String?) {
        self.managed = managed
        self.allowlist = allowlist
        self.storePath = storePath
        var table = [[(rule: Int, prefix: [UInt8])]](repeating: [], count: 65536)
        for (index, rule) in ProviderRules.all.enumerated() {
            for prefix in rule.prefixes {
                let bytes = Array(prefix.utf8)
                table[Int(bytes[0]) << 8 | Int(bytes[1])].append((index, bytes))
            }
        }
        for prefix in PrivateKeys.prefixes {
            table[Int(prefix[0]) << 8 | Int(prefix[1])].append((-1, prefix))
        }
        prefixTable = table
        gate = PairGate(table.flatMap { $0.map(\.prefix) })
    }

    static let allowMarker = Array("secr:allow".utf8)

    /// Byte search without building a String (this runs for every line).
    static func contains(_ line: ArraySlice<UInt8>, _ needle: [UInt8]) -> Bool {
        find(line, needle) != nil
    }

    /// glibc's memchr: the first `byte` in `line` at or after `from`.
    static func firstIndex(of byte: UInt8, in line: ArraySlice<UInt8>, from: Int) -> Int? {
        guard from < line.endIndex else { return nil }
        return line.withUnsafeBufferPointer { hay in
            let start = from - line.startIndex
            return memchr(hay.baseAddress! + start, Int32(byte), hay.count - start).map {
                line.startIndex + (UnsafeRawPointer($0) - UnsafeRawPointer(hay.baseAddress!))
            }
        }
    }

    /// Every offset where `needle` starts in `bytes`, in order.
    static func offsets(of needle: [UInt8], in bytes: [UInt8]) -> [Int] {
        var found: [Int] = [], from = 0
        while let hit = find(bytes[from...], needle) {
            found.append(hit)
            from = hit + 1
        }
        return found
    }

    /// `needle`'s first occurrence in `line`: memchr for its least common byte (in the text
    /// secr scans), then a comparison. Faster than memmem on lines: memmem prepares every call,
    /// and a scan asks this of every line, most of which hold no candidate.
    static func find(_ line: ArraySlice<UInt8>, _ needle: [UInt8]) -> Int? {
        guard line.count >= needle.count, !needle.isEmpty else { return nil }
        var pivot = 0
        for index in needle.indices where commonness[Int(needle[index])] < commonness[Int(needle[pivot])] { pivot = index }
        return line.withUnsafeBufferPointer { hay -> Int? in
            needle.withUnsafeBufferPointer { pattern -> Int? in
                let base = hay.baseAddress!
                let last = hay.count - pattern.count + pivot  // the last place the pivot byte can be
                var from = pivot
                while from <= last, let hit = memchr(base + from, Int32(pattern[pivot]), last - from + 1) {
                    let at = UnsafeRawPointer(hit) - UnsafeRawPointer(base) - pivot
                    if memcmp(base + at, pattern.baseAddress!, pattern.count) == 0 { return line.startIndex + at }
                    from = at + pivot + 1
                }
                return nil
            }
        }
    }

    /// How common a byte is in source text, roughly: spaces, then lower-case letters, then code
    /// punctuation and digits, then capitals, then the rest.
    static let commonness: [UInt8] = (0...255).map { byte in
        switch UInt8(byte) {
        case 0x20, 0x09: return 255
        case UInt8(ascii: "e"), UInt8(ascii: "t"), UInt8(ascii: "a"), UInt8(ascii: "o"), UInt8(ascii: "i"),
             UInt8(ascii: "n"), UInt8(ascii: "s"), UInt8(ascii: "r"): return 230
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return 200
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return 150
        case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: ","), UInt8(ascii: "."), UInt8(ascii: ";"),
             UInt8(ascii: "="), UInt8(ascii: "_"), UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "/"): return 140
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return 90
        default: return 50
        }
    }

    /// Findings for one file, allowlisted ones removed (`allowed` counts them).
    func scan(_ target: ScanTarget, allowed: inout Int, notes: inout [String]) -> [ScanFinding] {
        let paths = PathRules.check(target.path, bytes: target.bytes, storePath: storePath, allowlist: allowlist)
        var findings = paths.findings
        guard !paths.isStoreCiphertext else { return findings }
        let bytes = target.bytes
        let binary = bytes.prefix(8000).contains(0)
        let context = FileContext(path: target.path, bytes: bytes)
        let isLockfile = PathRules.lockfiles.contains(context.name)
        var assignments = Assignments(context: context, allowlist: allowlist, file: bytes)
        // Where `secr:allow` occurs, found in one pass over the file rather than per line.
        let marks = Scanner.offsets(of: Scanner.allowMarker, in: bytes)
        var nextMark = 0
        var number = 0, start = bytes.startIndex
        let whole = bytes[...]
        while start < bytes.endIndex {
            number += 1
            let end = Scanner.firstIndex(of: 0x0a, in: whole, from: start) ?? bytes.endIndex
            let line = bytes[start..<end]
            start = end + 1
            guard target.addedLines?.contains(number) ?? true else {
                if !binary && !isLockfile { assignments.observe(line, number: number) }
                continue
            }
            // Appending only what is there: `+=` of an empty array still makes a new buffer while
            // `findings` is the shared empty one, and this runs for every line.
            let managedHere = managedFindings(line, number: number, path: target.path)
            if !managedHere.isEmpty { findings += managedHere }
            while nextMark < marks.count && marks[nextMark] < line.startIndex { nextMark += 1 }
            if nextMark < marks.count && marks[nextMark] + Scanner.allowMarker.count <= end { continue }
            var claimed = ClaimedSpans()
            let provided = providerFindings(line, number: number, path: target.path, file: bytes, lineEnd: end, binary: binary, claimed: &claimed)
            if !provided.isEmpty { findings += provided }
            if binary { continue }
            for (finding, range) in URLCredentials.findings(line, number: number, path: target.path, allowlist: allowlist)
                where !claimed.overlaps(range) {
                claimed.insert(range)
                if let finding { findings.append(finding) }
            }
            // A line with a known secret value needs no guess about its entropy.
            if !isLockfile && managedHere.isEmpty {
                let assigned = assignments.findings(line, number: number, claimed: claimed)
                if !assigned.isEmpty { findings += assigned }
            }
        }
        let kept = findings.filter { !allowlist.allows($0) }
        allowed += findings.count - kept.count
        return kept
    }

    private func managedFindings(_ line: ArraySlice<UInt8>, number: Int, path: String) -> [ScanFinding] {
        guard let managed else { return [] }
        return managed.matches(in: line).map { needle, match in
            let how = needle.encoding == "plain" ? "" : " (\(needle.encoding))"
            return ScanFinding(path: path, line: number, rule: "managed-value",
                               title: "the value of \(needle.key) in \(needle.environment)\(how)",
                               severity: needle.short ? .warn : .block, preview: Redaction.preview(match),
                               fix: "use the variable instead (`secr run -e \(needle.environment) -- …` injects \(needle.key)), remove the value from \(path), then `git add \(path)`",
                               matchHash: allowlist.hash(rule: "managed-value", match: match))
        }
    }

    static func providerFix(_ path: String) -> String {
        "move it into secr (`secr set NAME --stdin -e ENV`) and read it from the environment; revoke it at the provider if it was ever pushed; then `git add \(path)`"
    }

    private func providerFindings(_ line: ArraySlice<UInt8>, number: Int, path: String, file: [UInt8], lineEnd: Int, binary: Bool,
                                  claimed: inout ClaimedSpans) -> [ScanFinding] {
        guard line.count >= 3 else { return [] }
        var findings: [ScanFinding] = []
        var reported = Set<Int>()
        var offset = line.startIndex
        while let next = gate.next(in: line, from: offset) {
            offset = next
            let candidates = prefixTable[Int(line[offset]) << 8 | Int(line[offset + 1])]
            let rest = line[offset...]
            var skipTo = offset + 1
            for (ruleIndex, prefix) in candidates where rest.starts(with: prefix) {
                if ruleIndex < 0 {
                    if let (finding, range) = PrivateKeys.finding(rest, number: number, path: path, file: file, lineEnd: lineEnd, allowlist: allowlist) {
                        findings.append(finding)
                        claimed.insert(range)
                        skipTo = max(skipTo, range.upperBound)
                    }
                    continue
                }
                let rule = ProviderRules.all[ruleIndex]
                guard !binary || rule.strong else { continue }
                // Leading characters that belong to the token (a fixed count range before the prefix).
                var tokenStart = offset
                while offset - tokenStart < rule.leading.upperBound, tokenStart > line.startIndex, rule.leadingCharset(line[tokenStart - 1]) { tokenStart -= 1 }
                guard rule.leading.contains(offset - tokenStart) else { continue }
                if tokenStart > line.startIndex {
                    let before = line[tokenStart - 1]
                    if Charset.alnum(prefix[0]) || rule.leading.lowerBound > 0, Charset.alnum(before) { continue }
                    if rule.strictBoundary, before == 0x2b || before == 0x2f { continue }
                }
                var end = offset + prefix.count
                while end < line.endIndex, end - tokenStart <= rule.length.upperBound, rule.charset(line[end]) { end += 1 }
                guard rule.length.contains(end - tokenStart), end == line.endIndex || !rule.charset(line[end]) else { continue }
                let token = Array(line[tokenStart..<end])
                let body = rule.leading.upperBound > 0 ? token[...] : token[prefix.count...]
                let valid = rule.validate(token)
                guard valid || rule.strong else { continue }
                // The rule has classified this span, whatever it decides about it.
                claimed.insert(tokenStart..<end)
                skipTo = max(skipTo, end)
                // A checksum already rules out a typed placeholder; other formats get the check.
                let placeholder = !rule.strong && TokenPlaceholders.isPlaceholder(body) && !Scanner.contains(token[...], Array("EXAMPLE".utf8))
                guard valid, !reported.contains(ruleIndex), !placeholder else { continue }
                // The line around the token, not all of it: a minified line holds many tokens.
                let around = line[max(line.startIndex, tokenStart - 256)..<min(line.endIndex, end + 256)]
                let verdict = rule.verdict(token, ProviderContext(path: path, line: around, file: file))
                guard verdict != .harmless else { continue }
                reported.insert(ruleIndex)
                findings.append(ScanFinding(path: path, line: number, rule: rule.id, title: rule.title,
                                            severity: verdict == .warn || Scanner.contains(token[...], Array("EXAMPLE".utf8)) ? .warn : .block,
                                            preview: Redaction.preview(token), fix: Scanner.providerFix(path),
                                            matchHash: allowlist.hash(rule: rule.id, match: token)))
            }
            offset = skipTo
        }
        return findings
    }
}
