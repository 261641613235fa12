/// One thing `secr scan` found. It never holds the secret itself: only a redacted preview and
/// a salted hash of the match (what allowlist entries are keyed by).
public struct ScanFinding: Sendable {
    public enum Severity: String, Sendable { case block, warn }

    public let path: String
    /// 1-based; nil for findings about the file as a whole (its path).
    public let line: Int?
    public let rule: String
    public let title: String
    public let severity: Severity
    /// At most a few characters of the match, and its length.
    public let preview: String
    public let fix: String
    /// base64url BLAKE2b of the allowlist salt, the rule and the match.
    public let matchHash: String
    /// For `--history`: the commit that added it.
    public var commit: String? = nil
}

/// The result of a scan.
public struct ScanReport: Sendable {
    public internal(set) var findings: [ScanFinding] = []
    /// One-line notes: skipped layers, oversized or binary files, allowlisted counts.
    public internal(set) var notes: [String] = []
    public internal(set) var filesScanned = 0
    public internal(set) var bytesScanned = 0

    public var blocks: Bool { findings.contains { $0.severity == .block } }
}
