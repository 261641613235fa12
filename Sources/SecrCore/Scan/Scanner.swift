/// One file to scan: its path, its content, and which lines are new (nil: all of them).
public struct ScanTarget {
    public let path: String
    public let bytes: [UInt8]
    public let addedLines: Set<Int>?

    public init(path: String, bytes: [UInt8], addedLines: Set<Int>?) {
        self.path = path
        self.bytes = bytes
        self.addedLines = addedLines
    }
}

/// The four layers of DESIGN.md §6 over one file at a time: managed values (0), paths (1),
/// provider credentials (2) and generic assignments (3), then the allowlist.
final class Scanner {
    /// Larger files get path and managed-value checks only.
    static let contentLimit = 2 << 20

    private let managed: ManagedValues?
    private let allowlist: Allowlist
    private let storePath: String?
    /// Two-byte prefix → (rule index, prefix) pairs: the keyword prefilter of layer 2.
    private let prefixTable: [[(rule: Int, prefix: [UInt8])]]

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
        for prefix in PrivateKeys.prefixes + DatabaseURLs.schemes.map({ Array($0.utf8) }) {
            table[Int(prefix[0]) << 8 | Int(prefix[1])].append((-1, prefix))
        }
        prefixTable = table
    }

    static let allowMarker = Array("secr:allow".utf8)

    /// Byte search without building a String (this runs for every line).
    static func contains(_ line: ArraySlice<UInt8>, _ needle: [UInt8]) -> Bool {
        guard line.count >= needle.count, let first = needle.first else { return false }
        var index = line.startIndex
        while let hit = line[index...].firstIndex(of: first) {
            if line[hit...].starts(with: needle) { return true }
            index = hit + 1
        }
        return false
    }

    /// Findings for one file, allowlisted ones removed (`allowed` counts them).
    func scan(_ target: ScanTarget, allowed: inout Int, notes: inout [String]) -> [ScanFinding] {
        var findings = PathRules.check(target.path, bytes: target.bytes, storePath: storePath, allowlist: allowlist)
        // A valid store file is ciphertext by construction (the path rule checked it): content
        // rules would only find chance patterns in random base64.
        let validStoreFile = findings.isEmpty && storePath.flatMap { Path.relative(target.path, to: $0) } != nil
        let binary = target.bytes.prefix(8000).contains(0)
        if !binary && !validStoreFile {
            let large = target.bytes.count > Scanner.contentLimit
            if large { notes.append("\(target.path) is larger than \(Scanner.contentLimit >> 20) MiB: checked for managed values and its path only") }
            let isLockfile = Generic.lockfiles.contains(Path.lastComponent(target.path))
            var number = 0, start = target.bytes.startIndex
            let bytes = target.bytes
            for index in bytes.indices where bytes[index] == 0x0a || index == bytes.endIndex - 1 {
                number += 1
                let end = bytes[index] == 0x0a ? index : index + 1
                let line = bytes[start..<end]
                start = index + 1
                guard target.addedLines?.contains(number) ?? true else { continue }
                let managedHere = managedFindings(line, number: number, path: target.path)
                findings += managedHere
                if large { continue }
                if Scanner.contains(line, Scanner.allowMarker) { continue }
                findings += providerFindings(line, number: number, path: target.path, file: bytes, lineEnd: end)
                // A line with a known secret value needs no guess about its entropy.
                if !isLockfile && managedHere.isEmpty { findings += Generic.findings(line, number: number, path: target.path, allowlist: allowlist) }
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

    private func providerFindings(_ line: ArraySlice<UInt8>, number: Int, path: String, file: [UInt8], lineEnd: Int) -> [ScanFinding] {
        guard line.count >= 3 else { return [] }
        var findings: [ScanFinding] = []
        var reported = Set<Int>()
        var offset = line.startIndex
        while offset < line.endIndex - 1 {
            let candidates = prefixTable[Int(line[offset]) << 8 | Int(line[offset + 1])]
            if !candidates.isEmpty {
                let rest = line[offset...]
                let boundary = offset == line.startIndex || !Charset.alnum(line[offset - 1])
                for (ruleIndex, prefix) in candidates where rest.starts(with: prefix) {
                    if ruleIndex < 0 {
                        if let finding = PrivateKeys.finding(rest, number: number, path: path, file: file, lineEnd: lineEnd, allowlist: allowlist)
                            ?? DatabaseURLs.finding(rest, number: number, path: path, allowlist: allowlist) {
                            findings.append(finding)
                        }
                        continue
                    }
                    let rule = ProviderRules.all[ruleIndex]
                    guard boundary || !Charset.alnum(prefix[0]), !reported.contains(ruleIndex) else { continue }
                    var end = offset + prefix.count
                    while end < line.endIndex, end - offset < rule.length.upperBound + 1, rule.charset(line[end]) { end += 1 }
                    let token = Array(line[offset..<end])
                    guard rule.length.contains(token.count), end == line.endIndex || !rule.charset(line[end]), rule.validate(token) else { continue }
                    reported.insert(ruleIndex)
                    findings.append(ScanFinding(path: path, line: number, rule: rule.id, title: rule.title,
                                                severity: rule.isTest(token) ? .warn : .block, preview: Redaction.preview(token),
                                                fix: "move it into secr (`secr set NAME --stdin -e ENV`) and read it from the environment; revoke it at the provider if it was ever pushed; then `git add \(path)`",
                                                matchHash: allowlist.hash(rule: rule.id, match: token)))
                }
            }
            offset += 1
        }
        return findings
    }
}
