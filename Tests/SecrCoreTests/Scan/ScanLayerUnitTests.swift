import Testing
@testable import SecrCore

/// A password for the fixtures, assembled when the tests run: written out in this file it would
/// be a finding of the repository's own scan. `@PW@` in a fixture stands for it.
let fixturePassword = ["Qx7v", "N2kL", "p9Tz", "!m"].joined()
let fixtureToken = ["Qx7vN2kL", "p9TzQx7v", "N2kLp9Tz"].joined()

func filled(_ line: String) -> String {
    line.replacingOccurrences(of: "@PW@", with: fixturePassword).replacingOccurrences(of: "@TOKEN@", with: fixtureToken)
}

/// The generic, URL, private-key and content layers, one mechanism per test, on the library.
@Suite struct ScanLayerUnitTests {
    @Test(arguments: [
        ("DB_PASSWORD", KeyKind.password), ("_authToken", .secret), ("secret_key_base", .secret), ("WEATHER_API_KEY", .secret),
        ("app_key", .secret), ("authToken", .secret), ("Authorization", .authorization), ("X-Api-Key", .secret),
        ("AZURE_DEVOPS_PAT", .secret), ("ConvertTo-SecureString", .password), ("DOTENV_PRIVATE_KEY_CI", .secret),
    ])
    func credentialKeys(_ key: String, _ kind: KeyKind) {
        #expect(KeyNames.classify(Array(key.utf8)) == kind)
    }

    @Test(arguments: ["token_url", "secret_name", "max_tokens", "tokenizer", "password_hash", "api_key_id", "client_id",
                      "aws_access_key_id", "hashed_secret", "checksum/secret", "cache_key", "public_key", "NEXT_PUBLIC_MAPBOX_TOKEN",
                      "token_type", "passwordless", "secret_santa_enabled", "key", "ALGOLIA_SEARCH_KEY", "password_reset_token_expired"])
    func keysThatDescribeRatherThanHold(_ key: String) {
        #expect(KeyNames.classify(Array(key.utf8)) == nil)
    }

    @Test func hexAndUUIDsAreCredentialsUnderACredentialKeyAndLookAlikesUnderAnId() {
        let hex = "3f9a0c7e51d4b86a" + "2e07c9f1a8d3b5e6", uuid = "5b2e8f41-9c3d-4a6e-b7f0-2d1c8e9a4b63"
        #expect(scan("DD_API_KEY=\(hex)\n").first?.rule == "generic-secret")
        #expect(scan("//registry.npmjs.org/:_authToken=\(uuid)\n").first?.rule == "generic-secret")
        #expect(scan("request_id = \"\(uuid)\"\ncommit_sha: \(hex)\(hex.prefix(8))\nchecksum = \"\(hex)\(hex.reversed())\"\n").isEmpty)
    }

    @Test(arguments: [
        "password: \"Your password must be at least 12 characters.\"",   // prose
        "secret_name = \"DEPLOY_TOKEN\"",                                // an environment variable's name
        "token_endpoint: https://login.acme.io/oauth2/v2.0/token",       // a URL without credentials
        "password = ${DB_PASSWORD}", "api_key: op://Prod/Stripe/key",     // references
        "token: xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", "secret: changeme", // placeholders
        "password: postgres", "passwordPattern = \"^(?=.*[A-Z])(?=.*\\\\d).{12,}$\"",
    ])
    func harmlessValuesUnderCredentialKeys(_ line: String) {
        #expect(scan(line + "\n").isEmpty, "\(line)")
    }

    @Test func placeholderWordsMatchOnWordBoundariesOnly() {
        #expect(scan(filled("jdbc:postgresql://db.acme.io/app?user=app&password=@TOKEN@&ssl=true\n")).first?.rule == "generic-secret")
        #expect(scan("password=your_password_here\n").isEmpty)
    }

    @Test(arguments: [
        ("<password>@PW@</password>", "settings.xml"),
        ("<add key=\"ClearTextPassword\" value=\"@PW@\" />", "NuGet.Config"),
        ("machine api.acme.io login ci password @PW@", ".netrc"),
        ("db.acme.io:5432:app:app:@PW@", ".pgpass"),
        ("define('DB_PASSWORD', '@PW@');", "wp-config.php"),
        ("resp = requests.get(url, auth=(\"backup\", \"@PW@\"))", "backup.py"),
        ("curl -u admin:@TOKEN@ https://ci.acme.io", "trigger.sh"),
        ("Authorization: Basic @BASIC@", "api.http"),
        ("{\"settings\": \"{\\\"api_key\\\":\\\"@TOKEN@\\\"}\"}", "task.json"),
        ("ENV PAYMENT_API_KEY @TOKEN@", "Dockerfile"),
        ("CREATE USER app WITH PASSWORD '@PW@';", "0001.sql"),
        ("pub const SIGNING_SECRET: &str = \"@TOKEN@\";", "keys.rs"),
    ])
    func assignmentSyntaxes(_ template: String, _ path: String) {
        let basic = String(decoding: Base64.standard(Array("admin:\(fixturePassword)".utf8)), as: UTF8.self)
        let line = filled(template).replacingOccurrences(of: "@BASIC@", with: basic)
        #expect(scan(line + "\n", path: path).contains { $0.rule == "generic-secret" && $0.severity == .block }, "\(path): \(template)")
    }

    @Test func aNameValuePairOnTwoLines() {
        let manifest = filled("        - name: PAYMENTS_API_KEY\n          value: \"@TOKEN@\"\n        - name: LOG_LEVEL\n          value: info\n")
        #expect(scan(manifest, path: "deployment.yaml").map(\.line) == [2])
    }

    @Test func urlsOfAnySchemeDefaultsAndLocalHosts() {
        #expect(scan(filled("engine = create_engine(\"postgresql+psycopg2://app:@TOKEN@@db.acme.io/app\")\n")).first?.severity == .block)
        #expect(scan(filled("uri: mongodb://app:@TOKEN@@m1.acme.io:27017,m2.acme.io:27017/app\n")).first?.severity == .block)
        #expect(scan(filled("{\"db\": \"postgres:\\/\\/app:@TOKEN@@db.acme.io\\/app\"}\n")).first?.severity == .block)
        #expect(scan("amqp://guest:guest@rabbitmq:5672/\npostgres://postgres:postgres@localhost/app\n").isEmpty)
        #expect(scan(filled("redis://:@TOKEN@@localhost:6379/0\n")).first?.severity == .warn)
        #expect(scan("https://user:password@example.com/\n").isEmpty)
    }

    @Test func privateKeysInEveryLayout() {
        let body = ["MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun", "VTLwZ1xG8Vq3nH2kP7sR9dT4yU6wE8qA0bC2dF4gH6jK8lM0nP2qR4sT6uV8wX0y"]
        // Split, so this file holds no key block of its own.
        let header = "-----BEGIN " + "RSA PRIVATE KEY-----", footer = "-----END " + "RSA PRIVATE KEY-----"
        let lines: [String] = [header] + body + [footer]
        let pem = lines.joined(separator: "\n")
        let encoded = TokenMaker.base64URL(pem).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        let layouts: [String] = [
            pem,
            "{\"private_key\": \"" + lines.joined(separator: "\\n") + "\\n\"}",
            lines.map { "    echo \"\($0)\" >> key && \\" }.joined(separator: "\n"),
            lines.joined(separator: "\r\n"),
            lines.joined(separator: " "),
            "client-key-data: " + encoded,
        ]
        for layout in layouts {
            #expect(scan(layout + "\n").contains { $0.rule == "private-key" }, "\(layout.prefix(60))")
        }
        #expect(scan(header + "\n...\n" + footer + "\n").isEmpty, "a header with an elided body is documentation")
        #expect(scan("-----BEGIN " + "CERTIFICATE-----\n" + body.joined(separator: "\n") + "\n-----END CERTIFICATE-----\n").isEmpty)
    }

    @Test func utf16IsDecodedWithItsLineNumbers() throws {
        let text = filled("line one\n$env:API_TOKEN = \"@TOKEN@\"\n")
        var withoutBOM: [UInt8] = []
        for unit in text.utf16 { withoutBOM += [UInt8(unit & 0xff), UInt8(unit >> 8)] }
        let littleEndian: [UInt8] = [0xff, 0xfe] + withoutBOM
        for bytes in [littleEndian, withoutBOM] {
            let decoded = try #require(TextDecoding.utf8(fromUTF16: bytes))
            #expect(String(decoding: decoded, as: UTF8.self) == text)
        }
        #expect(TextDecoding.utf8(fromUTF16: Array("plain ascii text here".utf8)) == nil)
    }

    @Test func binaryFilesGetTheChecksummedRulesOnly() {
        var make = TokenMaker(seed: 9)
        let token = make.checksummed("ghp_")
        #expect(scan("\u{0}\u{1}binary\u{0}\(token)\u{0}", path: "app.wasm").first?.rule == "github-token")
        #expect(scan(filled("\u{0}binary\u{0}password=@TOKEN@\u{0}"), path: "app.bin").isEmpty)
    }

    @Test func managedValuesInTheirEncodings() throws {
        let value = "p\"q\\r/" + "Z7mK2vQ9xL4w"
        let managed = ManagedValues([("development", "API_SECRET", SecretBytes(copying: Array(value.utf8))),
                                     ("development", "CODES", SecretBytes(copying: Array("kd92j-3mx7q-p01za\nzq83n-7vmc2-44lkd".utf8)))])
        func matches(_ text: String) -> [String] { managed.matches(in: Array(text.utf8)[...]).map(\.needle.encoding) }
        let json = JSONEscaping.escaped(Array(value.utf8))
        #expect(!matches("{\"s\": \"" + String(decoding: json, as: UTF8.self) + "\"}").isEmpty)
        let basic = String(decoding: Base64.standard(Array(("deploy:" + value).utf8)), as: UTF8.self)
        #expect(!matches("Authorization: Basic " + basic).isEmpty)
        #expect(matches("second code: zq83n-7vmc2-44lkd") == ["a line of it"])
    }

    /// The strided search must find what a search of every position finds, in the same order:
    /// values of every length from the shortest looked for, placed at every alignment, several
    /// to a line, overlapping and repeated, in text made of the same letters.
    @Test func managedValuesAreFoundWhereverAPlainSearchFindsThem() {
        var state: UInt64 = 0x5EC2_0001
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        let letters = Array("abcd=+/0".utf8)
        func text(_ count: Int) -> [UInt8] { (0..<count).map { _ in letters[next(letters.count)] } }
        let values = (0..<12).map { index in (environment: "development", key: "K\(index)", value: text(4 + index)) }
        let managed = ManagedValues(values.map { ($0.environment, $0.key, SecretBytes(copying: $0.value)) })
        let needles = managed.needles
        func plainSearch(_ line: [UInt8]) -> [(String, [UInt8])] {
            var found: [(Int, [UInt8])] = [], reported = Set<Int>()
            for offset in line.indices {
                for (index, needle) in needles.enumerated() where !reported.contains(index) && line[offset...].starts(with: needle.bytes) {
                    reported.insert(index)
                    found.append((index, needle.bytes))
                }
            }
            var longest: [String: [UInt8]] = [:]
            for (index, match) in found where match.count > (longest[needles[index].key]?.count ?? 0) { longest[needles[index].key] = match }
            return found.filter { longest[needles[$0.0].key] == $0.1 }.map { (needles[$0.0].key, $0.1) }
        }
        var lines = 0
        for _ in 0..<800 {
            var line = text(next(40))
            for _ in 0..<next(4) {
                let needle = needles[next(needles.count)].bytes
                let at = next(line.count + 1)
                line.insert(contentsOf: needle, at: at)
            }
            let found = managed.matches(in: line[...]).map { ($0.needle.key, $0.match) }
            let expected = plainSearch(line)
            #expect(found.map(\.0) == expected.map(\.0) && found.map(\.1) == expected.map(\.1), "line \(String(decoding: line, as: UTF8.self))")
            if !expected.isEmpty { lines += 1 }
        }
        #expect(lines > 300)
    }

    @Test func envFilesArePlaintextOnlyWhenAValueIs() {
        #expect(scan("DB_PASSWORD=ENC[AES256_GCM,data:abc,iv:def,tag:ghi,type:str]\nsops_version=3.9.0\n", path: ".env").isEmpty)
        #expect(scan("DOTENV_PUBLIC_KEY=\"03abcdef\"\nAPI_KEY=\"encrypted:BDEF0123\"\n", path: ".env.production").isEmpty)
        #expect(scan("use flake\nPATH_add bin\n", path: ".envrc").isEmpty)
        #expect(scan("A=1\n", path: ".env.production").first?.rule == "dotenv-file")
    }
}
