/// One thing `secr scan` found. It never holds the secret itself: only a redacted preview and
/// a salted hash of the match (what allowlist entries are keyed by).
package struct ScanFinding: Sendable {
    package enum Severity: String, Sendable { case block, warn }

    package let path: String
    /// 1-based; nil for findings about the file as a whole (its path).
    package let line: Int?
    package let rule: String
    package let title: String
    package let severity: Severity
    /// At most a few characters of the match, and its length.
    package let preview: String
    package let fix: String
    /// base64url BLAKE2b of the allowlist salt, the rule and the match.
    package let matchHash: String
    /// For `--history`: the commit that added it.
    package var commit: String? = nil
}

/// The result of a scan.
package struct ScanReport: Sendable {
    package internal(set) var findings: [ScanFinding] = []
    /// One-line notes: skipped layers, oversized or binary files, allowlisted counts.
    package internal(set) var notes: [String] = []
    package internal(set) var filesScanned = 0
    package internal(set) var bytesScanned = 0

    package var blocks: Bool { findings.contains { $0.severity == .block } }
}
