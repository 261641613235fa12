/// Application code that chooses between secrets by environment name, such as
/// `NODE_ENV === "production" ? LIVE_KEY : TEST_KEY`: the anti-pattern secr replaces.
enum EnvironmentNameLogic {
    static let names = ["NODE_ENV", "RAILS_ENV", "RACK_ENV", "APP_ENV", "FLASK_ENV", "DJANGO_ENV", "ENVIRONMENT", "Rails.env.production?"]
    static let branches = ["?", "if ", "if(", "==", "case ", "when ", "switch"]
    static let secretWords = ["KEY", "SECRET", "TOKEN", "PASSWORD", "PASSWD", "_URL", "DSN", "CREDENTIAL"]
    static let codeSuffixes = [".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx", ".py", ".rb", ".go", ".php", ".java", ".kt", ".swift", ".cs", ".rs", ".ex", ".exs"]

    static func scan(root: String, paths: [String]) -> [(path: String, line: Int)] {
        var hits: [(String, Int)] = []
        for path in paths where codeSuffixes.contains(where: path.hasSuffix) && !path.contains("node_modules/") && !path.contains("vendor/") {
            guard let bytes = try? FileSystem.readIfExists(Path.join(root, path)), bytes.count < 1 << 20, !bytes.contains(0) else { continue }
            for (number, line) in String(decoding: bytes, as: UTF8.self).textLines().enumerated() {
                guard names.contains(where: line.contains), line.contains("prod"), branches.contains(where: line.contains) else { continue }
                let upper = line.uppercased()
                if secretWords.contains(where: upper.contains) { hits.append((path, number + 1)) }
            }
        }
        return hits
    }
}
