/// A credential format: a literal prefix (what the keyword prefilter looks for), the characters
/// and length of the whole token, and a validator, so random text does not match.
struct ProviderRule: Sendable {
    let id: String
    let title: String
    let prefixes: [String]
    let charset: @Sendable (UInt8) -> Bool
    /// Length of the whole token, prefix included.
    let length: ClosedRange<Int>
    let validate: @Sendable ([UInt8]) -> Bool
    /// Test, sandbox and documentation keys: reported as warnings.
    let isTest: @Sendable ([UInt8]) -> Bool

    init(_ id: String, _ title: String, _ prefixes: [String], _ charset: @escaping @Sendable (UInt8) -> Bool, _ length: ClosedRange<Int>,
         validate: @escaping @Sendable ([UInt8]) -> Bool = { _ in true }, isTest: @escaping @Sendable ([UInt8]) -> Bool = { _ in false }) {
        self.id = id
        self.title = title
        self.prefixes = prefixes
        self.charset = charset
        self.length = length
        self.validate = validate
        self.isTest = isTest
    }
}

enum Charset {
    static func alnum(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) }
    static func upperAlnum(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) }
    static func word(_ b: UInt8) -> Bool { alnum(b) || b == 0x5f }
    static func wordDash(_ b: UInt8) -> Bool { word(b) || b == 0x2d }
    static func hex(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x66) || (b >= 0x41 && b <= 0x46) }
    static func base64(_ b: UInt8) -> Bool { alnum(b) || b == 0x2b || b == 0x2f || b == 0x3d }
    static func base64URL(_ b: UInt8) -> Bool { alnum(b) || b == 0x2d || b == 0x5f }
    static func token(_ b: UInt8) -> Bool { b > 0x20 && b < 0x7f && b != 0x22 && b != 0x27 && b != 0x60 && b != 0x3c && b != 0x3e }
}

enum Validators {
    /// GitHub and npm tokens end in six base62 digits of the CRC32 of the rest of the body.
    static func githubChecksum(prefixLength: Int) -> @Sendable ([UInt8]) -> Bool {
        { token in
            guard token.count == prefixLength + 36 else { return false }
            let body = token[prefixLength..<(token.count - 6)], check = token[(token.count - 6)...]
            var crc: UInt32 = 0xffff_ffff
            for byte in body {
                crc ^= UInt32(byte)
                for _ in 0..<8 { crc = (crc >> 1) ^ (0xedb8_8320 & (0 &- (crc & 1))) }
            }
            crc ^= 0xffff_ffff
            let digits = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)
            var encoded = [UInt8](repeating: digits[0], count: 6), value = crc
            for index in stride(from: 5, through: 0, by: -1) {
                encoded[index] = digits[Int(value % 62)]
                value /= 62
            }
            return Array(check) == encoded
        }
    }

    static func hasDigitAndLetter(_ token: [UInt8]) -> Bool {
        token.contains { $0 >= 0x30 && $0 <= 0x39 } && token.contains { ($0 >= 0x41 && $0 <= 0x5a) || ($0 >= 0x61 && $0 <= 0x7a) }
    }

    static func bech32(_ hrp: String) -> @Sendable ([UInt8]) -> Bool {
        { Bech32.decode(String(decoding: $0, as: UTF8.self))?.hrp == hrp }
    }

    /// A JWT: three base64url segments whose header decodes to JSON naming an algorithm.
    static func jwt(_ token: [UInt8]) -> Bool {
        let parts = token.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3, parts[1].count >= 4, parts[2].count >= 16,
              let header = decodeBase64URL(parts[0]), decodeBase64URL(parts[1]) != nil else { return false }
        let text = String(decoding: header, as: UTF8.self)
        return text.hasPrefix("{") && text.contains("\"alg\"")
    }

    static func decodeBase64URL(_ part: ArraySlice<UInt8>) -> [UInt8]? {
        var text = String(decoding: part, as: UTF8.self)
        while text.utf8.count % 4 == 1 { return nil }
        // Tolerate non-canonical trailing bits: this checks shape, not canonical encoding.
        for candidate in [text, text + "A", text + "AA", text + "AAA"] {
            text = candidate
            if let bytes = Sodium.fromBase64URLLenient(Substring(text)) { return bytes }
        }
        return nil
    }
}

extension Sodium {
    /// Base64url decoding that accepts any trailing bits (for recognising tokens, not for secr's own fields).
    static func fromBase64URLLenient(_ text: Substring) -> [UInt8]? {
        let input = Array(text.utf8)
        guard !input.isEmpty, input.count % 4 != 1 else { return nil }
        var out: [UInt8] = []
        var accumulator: UInt32 = 0, bits = 0
        for c in input {
            let value: UInt32
            switch c {
            case 0x41...0x5a: value = UInt32(c - 0x41)
            case 0x61...0x7a: value = UInt32(c - 0x61 + 26)
            case 0x30...0x39: value = UInt32(c - 0x30 + 52)
            case 0x2d: value = 62
            case 0x5f: value = 63
            default: return nil
            }
            accumulator = (accumulator << 6) | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((accumulator >> UInt32(bits)) & 0xff))
            }
        }
        return out
    }
}

/// The provider formats secr recognises (more than 40), most specific first.
enum ProviderRules {
    static let all: [ProviderRule] = {
        let test = { (markers: [String]) -> @Sendable ([UInt8]) -> Bool in
            { token in let text = String(decoding: token, as: UTF8.self); return markers.contains { text.contains($0) } }
        }
        return [
            // Cloud
            ProviderRule("aws-access-key-id", "AWS access key id", ["AKIA", "ASIA", "AGPA", "AIDA", "AROA", "ANPA", "ANVA", "AIPA"],
                         Charset.upperAlnum, 20...20, isTest: test(["EXAMPLE"])),
            ProviderRule("gcp-api-key", "Google API key", ["AIza"], Charset.base64URL, 39...39),
            ProviderRule("google-oauth-client-secret", "Google OAuth client secret", ["GOCSPX-"], Charset.base64URL, 35...35),
            ProviderRule("azure-storage-key", "Azure storage account key", ["AccountKey="], Charset.base64, 95...100,
                         validate: { $0.suffix(2) == Array("==".utf8) }),
            ProviderRule("digitalocean-token", "DigitalOcean token", ["dop_v1_", "doo_v1_", "dor_v1_"], Charset.hex, 71...71),
            ProviderRule("hashicorp-vault-token", "HashiCorp Vault token", ["hvs.", "hvb."], Charset.base64URL, 90...200),
            ProviderRule("terraform-cloud-token", "Terraform Cloud token", [".atlasv1."], Charset.base64URL, 70...120),
            ProviderRule("pulumi-token", "Pulumi access token", ["pul-"], Charset.hex, 44...44),
            ProviderRule("doppler-token", "Doppler token", ["dp.st.", "dp.pt.", "dp.ct.", "dp.sa."], Charset.wordDash, 46...60),
            ProviderRule("supabase-token", "Supabase access token", ["sbp_"], Charset.hex, 44...44),
            // Code hosting and package registries
            ProviderRule("github-token", "GitHub token", ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"], Charset.alnum, 40...40,
                         validate: Validators.githubChecksum(prefixLength: 4)),
            ProviderRule("github-fine-grained-token", "GitHub fine-grained token", ["github_pat_"], Charset.word, 93...93),
            ProviderRule("gitlab-token", "GitLab personal access token", ["glpat-"], Charset.wordDash, 26...26),
            ProviderRule("gitlab-runner-token", "GitLab runner token", ["glrt-", "glptt-"], Charset.wordDash, 25...46),
            ProviderRule("npm-token", "npm access token", ["npm_"], Charset.alnum, 40...40, validate: Validators.hasDigitAndLetter),
            ProviderRule("pypi-token", "PyPI upload token", ["pypi-AgEIcHlwaS5vcmc"], Charset.base64URL, 80...250),
            ProviderRule("rubygems-token", "RubyGems API key", ["rubygems_"], Charset.hex, 57...57),
            ProviderRule("nuget-key", "NuGet API key", ["oy2"], { ($0 >= 0x61 && $0 <= 0x7a) || ($0 >= 0x30 && $0 <= 0x39) }, 46...46,
                         validate: Validators.hasDigitAndLetter),
            ProviderRule("docker-hub-token", "Docker Hub access token", ["dckr_pat_"], Charset.wordDash, 36...36),
            ProviderRule("huggingface-token", "Hugging Face token", ["hf_"], Charset.alnum, 37...37, validate: Validators.hasDigitAndLetter),
            // Chat and collaboration
            ProviderRule("slack-token", "Slack token", ["xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-"], Charset.wordDash, 30...255,
                         validate: { $0.filter { $0 == 0x2d }.count >= 3 }),
            ProviderRule("slack-app-token", "Slack app-level token", ["xapp-"], Charset.wordDash, 40...255),
            ProviderRule("slack-webhook", "Slack incoming webhook", ["https://hooks.slack.com/services/T"], Charset.token, 70...120,
                         validate: { $0.filter { $0 == 0x2f }.count >= 6 }),
            ProviderRule("discord-webhook", "Discord webhook", ["https://discord.com/api/webhooks/", "https://discordapp.com/api/webhooks/"],
                         Charset.token, 100...160),
            ProviderRule("linear-key", "Linear API key", ["lin_api_"], Charset.alnum, 48...48),
            ProviderRule("notion-token", "Notion integration token", ["ntn_", "secret_"], Charset.alnum, 47...54,
                         validate: Validators.hasDigitAndLetter),
            ProviderRule("atlassian-token", "Atlassian API token", ["ATATT3"], Charset.wordDash, 150...300),
            ProviderRule("airtable-token", "Airtable personal access token", ["pat"], { Charset.alnum($0) || $0 == 0x2e }, 82...82,
                         validate: { $0.count == 82 && $0[17] == 0x2e }),
            ProviderRule("postman-key", "Postman API key", ["PMAK-"], { Charset.hex($0) || $0 == 0x2d }, 64...64),
            ProviderRule("figma-token", "Figma access token", ["figd_"], Charset.wordDash, 40...60),
            ProviderRule("sentry-token", "Sentry auth token", ["sntrys_", "sntryu_"], { Charset.base64URL($0) || $0 == 0x3d }, 40...300),
            ProviderRule("grafana-token", "Grafana token", ["glc_", "glsa_"], Charset.base64URL, 32...200),
            // Payments and commerce
            ProviderRule("stripe-secret-key", "Stripe secret key", ["sk_live_", "sk_test_", "rk_live_", "rk_test_"], Charset.alnum, 32...255,
                         validate: { Validators.hasDigitAndLetter(Array($0.dropFirst(8))) }, isTest: test(["_test_"])),
            ProviderRule("stripe-webhook-secret", "Stripe webhook signing secret", ["whsec_"], Charset.alnum, 38...80),
            ProviderRule("square-token", "Square access token", ["sq0atp-", "sq0csp-", "EAAA"], Charset.base64URL, 29...70,
                         validate: Validators.hasDigitAndLetter, isTest: test(["sandbox"])),
            ProviderRule("braintree-token", "Braintree access token", ["access_token$production$", "access_token$sandbox$"],
                         { Charset.alnum($0) || $0 == 0x24 || $0 == 0x5f }, 60...90, isTest: test(["$sandbox$"])),
            ProviderRule("shopify-token", "Shopify token", ["shpat_", "shpca_", "shppa_", "shpss_"], Charset.hex, 38...38),
            // Mail and messaging
            ProviderRule("sendgrid-key", "SendGrid API key", ["SG."], { Charset.base64URL($0) || $0 == 0x2e }, 69...69,
                         validate: { $0.count == 69 && $0[24] == 0x2e }),
            ProviderRule("mailgun-key", "Mailgun API key", ["key-"], Charset.hex, 36...36),
            ProviderRule("twilio-api-key", "Twilio API key", ["SK"], Charset.hex, 34...34,
                         validate: { Validators.hasDigitAndLetter($0) && $0.dropFirst(2).allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) } }),
            // AI providers
            ProviderRule("openai-key", "OpenAI API key", ["sk-proj-", "sk-svcacct-", "sk-admin-", "sk-"], Charset.base64URL, 40...200,
                         validate: { token in
                             let text = String(decoding: token, as: UTF8.self)
                             return text.contains("T3BlbkFJ") || (!text.hasPrefix("sk-ant-") && (text.hasPrefix("sk-proj-") || text.hasPrefix("sk-svcacct-") || text.hasPrefix("sk-admin-")) && token.count >= 60)
                         }),
            ProviderRule("anthropic-key", "Anthropic API key", ["sk-ant-api03-", "sk-ant-admin01-"], Charset.base64URL, 100...120),
            ProviderRule("groq-key", "Groq API key", ["gsk_"], Charset.alnum, 56...56),
            ProviderRule("replicate-token", "Replicate API token", ["r8_"], Charset.alnum, 40...40, validate: Validators.hasDigitAndLetter),
            // Keys and tokens of any provider
            ProviderRule("jwt", "JSON Web Token", ["eyJ"], { Charset.base64URL($0) || $0 == 0x2e }, 36...8192, validate: Validators.jwt),
            ProviderRule("secr-secret-key", "secr secret key (identity)", ["SECR-SECRET-KEY-1"], { Charset.upperAlnum($0) || $0 == 0x2d }, 70...80,
                         validate: Validators.bech32("secr-secret-key-")),
            ProviderRule("age-secret-key", "age secret key", ["AGE-SECRET-KEY-1"], { Charset.upperAlnum($0) || $0 == 0x2d }, 74...74,
                         validate: Validators.bech32("age-secret-key-")),
        ]
    }()
}
