import Glibc
import SecrCLI
import SecrCore

/// `--no-mask`, for the commands that hand values to a job: get, pull (export) and run.
let noMaskFlag = Flag("--no-mask", help: "on GitHub Actions, do not register the values for masking in the log")

extension Context {
    /// On GitHub Actions (unless `--no-mask`), registers every value for masking before any of
    /// them is printed or handed to a program. The `::add-mask::` lines go to stderr, never to
    /// stdout, which may be data (`secr pull > .env`, `$(secr get KEY)`, `secr run -- cmd > out`):
    /// the runner reads workflow commands from both. It reads the two pipes on separate
    /// threads and handles stderr first in each batch, so secr then waits (a second at most)
    /// until the runner has read the lines, and only then writes a value or starts the command.
    /// docs/CI.md has the evidence.
    func maskForLog(_ values: [SecretBytes]) {
        guard LogMasks.onGitHubActions, !has(noMaskFlag) else { return }
        var lines = LogMasks.githubCommands(for: values)
        defer { wipe(&lines) }
        guard !lines.isEmpty else { return }
        Console.write(STDERR_FILENO, lines)
        StandardStreams.waitUntilRead(STDERR_FILENO, milliseconds: 1000)
    }
}
