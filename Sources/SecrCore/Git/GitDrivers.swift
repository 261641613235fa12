import Glibc

/// Registers secr's diff (textconv) and merge drivers in a clone's local git config; the
/// `.gitattributes` lines that select them are committed by `secr init`.
package enum GitDrivers {
    /// The running binary's absolute path, so the drivers work even when secr is not on PATH.
    static var executable: String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return "secr" }
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// How git should call secr: plain `secr` when that is this very binary on PATH (so an
    /// upgrade in place keeps working), else the absolute path, quoted for the shell.
    static var quotedExecutable: String {
        let path = executable
        let onPath = (Environment.get("PATH") ?? "").split(separator: ":").map { Path.join(String($0), "secr") }
        if onPath.first(where: { FileSystem.exists($0) }).flatMap(FileSystem.realPath) == FileSystem.realPath(path) { return "secr" }
        return "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'"  // always quoted: git runs it through sh
    }

    package static let settings: [(String, String)] = [
        ("diff.secr.textconv", "\(quotedExecutable) diff"),
        ("merge.secr.name", "secr: merge environment files and the roster record by record"),
        ("merge.secr.driver", "\(quotedExecutable) merge %O %A %B %P"),
    ]

    package static func install(in repository: GitRepository) throws {
        for (name, value) in settings { try repository.setLocalConfig(name, value) }
    }

    package static func installed(in repository: GitRepository) -> Bool {
        settings.allSatisfy { repository.configValue($0.0) != nil }
    }
}
