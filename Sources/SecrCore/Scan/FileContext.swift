/// What the scanner knows about a file before reading its lines: its kind by name, and a few
/// facts about its content that change how assignments read.
struct FileContext {
    let path: String
    let name: String
    let isCode: Bool
    let isDockerfile: Bool
    let isNetrc: Bool
    let isPgpass: Bool
    let isKubernetesSecret: Bool
    let isSealedSecret: Bool
    /// Server configuration in `directive value` form (redis.conf, nginx, Apache).
    let isDirectiveConfig: Bool

    /// Source files: there an unquoted right-hand side is an expression, so only values that
    /// could be nothing but a literal secret count.
    static let codeSuffixes = [".swift", ".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx", ".py", ".rb", ".go", ".java", ".kt",
                               ".kts", ".rs", ".c", ".h", ".cc", ".cpp", ".hpp", ".m", ".cs", ".php", ".scala", ".ex", ".pyi", ".pyx",
                               ".exs", ".dart", ".lua", ".groovy", ".gradle", ".ps1", ".vue", ".svelte"]

    init(path: String, bytes: [UInt8]) {
        self.path = path
        name = Path.lastComponent(path)
        let lower = name.lowercased()
        // A script without a suffix is code when its interpreter is a language's (a shell
        // script's unquoted assignments are literals, so it is not).
        let shebang = bytes.starts(with: Array("#!".utf8)) ? String(decoding: bytes.prefix(80).prefix { $0 != 0x0a }, as: UTF8.self) : ""
        isCode = FileContext.codeSuffixes.contains(where: lower.hasSuffix)
            || ["python", "node", "ruby", "perl", "php", "deno", "bun"].contains(where: shebang.contains)
        isDockerfile = lower == "dockerfile" || lower.hasPrefix("dockerfile.") || lower.hasSuffix(".dockerfile") || lower == "containerfile"
        isNetrc = lower.hasSuffix("netrc")
        isDirectiveConfig = [".conf", ".cnf", ".cfg", ".htaccess", ".vhost"].contains(where: lower.hasSuffix)
        isPgpass = lower.hasSuffix("pgpass") || lower.hasPrefix(".pgpass")
        let yaml = lower.hasSuffix(".yaml") || lower.hasSuffix(".yml")
        isSealedSecret = yaml && Scanner.contains(bytes[...], Array("kind: SealedSecret".utf8))
        isKubernetesSecret = yaml && !isSealedSecret && FileContext.hasLine(bytes, "kind: Secret")
    }

    static func hasLine(_ bytes: [UInt8], _ text: String) -> Bool {
        let needle = Array(text.utf8)
        var index = bytes.startIndex
        while let hit = bytes[index...].firstIndex(of: needle[0]) {
            if bytes[hit...].starts(with: needle) {
                let end = hit + needle.count
                if end == bytes.endIndex || bytes[end] == 0x0a || bytes[end] == 0x0d || bytes[end] == 0x20 { return true }
            }
            index = hit + 1
        }
        return false
    }
}
