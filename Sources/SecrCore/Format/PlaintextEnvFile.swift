/// Plaintext env files: `.env`, `.env.*`, `*.env`, `.envrc`, except templates.
package enum PlaintextEnvFile {
    package static func matches(_ path: String) -> Bool {
        let name = Path.lastComponent(path)
        if [".env.example", ".env.sample", ".env.template", ".env.dist"].contains(name) { return false }
        return name == ".env" || name == ".envrc" || name.hasPrefix(".env.") || name.hasSuffix(".env")
    }
}
