/// Keeping values out of CI logs: GitHub Actions' `::add-mask::` workflow command for every
/// value a command is about to hand to a job, so the runner prints `***` wherever it appears.
///
/// The runner masks each log line on its own, so a multi-line value is registered line by line,
/// split where the runner splits output (LF, CR and CRLF). It refuses to mask an empty or
/// blank string (with a warning), so such lines are left out. It decodes `%25`, `%0D` and
/// `%0A` in a command's data, so a `%` is written `%25`: the mask is then the value's text,
/// even for a value that contains `%0A`. The runner reads workflow commands from the step's
/// stdout *and* stderr; where secr writes these lines, and why, is in docs/CI.md.
package enum LogMasks {
    /// True in a GitHub Actions step: the runner sets `GITHUB_ACTIONS=true` for every process.
    package static var onGitHubActions: Bool { Environment.get("GITHUB_ACTIONS") == "true" }

    static let command = Array("::add-mask::".utf8)

    /// One `::add-mask::` line per non-blank line of each value. The result holds plaintext:
    /// write it, then `wipe` it.
    package static func githubCommands(for values: [SecretBytes]) -> [UInt8] {
        var out: [UInt8] = []
        for value in values {
            value.withUnsafeBytes { bytes in
                var start = 0
                for index in 0...bytes.count {
                    guard index == bytes.count || bytes[index] == 0x0a || bytes[index] == 0x0d else { continue }
                    let line = bytes[start..<index]
                    if line.contains(where: { !isBlank($0) }) {
                        out += command
                        for b in line {
                            if b == UInt8(ascii: "%") { out += Array("%25".utf8) } else { out.append(b) }
                        }
                        out.append(0x0a)
                    }
                    start = index + 1
                }
            }
        }
        return out
    }

    private static func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0b || b == 0x0c }
}
