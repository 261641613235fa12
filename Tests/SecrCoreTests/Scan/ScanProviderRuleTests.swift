import Testing
@testable import SecrCore

/// Tokens for the tests, made when they run: pseudo-random characters of each format's
/// alphabet, with the format's checksum or marker. No token is written in this file, so the
/// repository's own history scans clean and no push protection trips over it.
struct TokenMaker {
    static let alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    static let lower = "abcdefghijklmnopqrstuvwxyz"
    static let upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    static let digits = "0123456789"
    static let hex = "0123456789abcdef"
    static let b64url = alnum + "-_"
    static let b64 = alnum + "+/"
    static let base32 = upper + "234567"
    static let lowerNum = lower + digits
    static let upperNum = upper + digits

    private var state: UInt64

    init(seed: UInt64) { state = seed | 1 }

    mutating func text(_ alphabet: String, _ count: Int) -> String {
        let characters = Array(alphabet)
        var out = ""
        for _ in 0..<count {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            out.append(characters[Int(state % UInt64(characters.count))])
        }
        return out
    }

    /// GitHub's and npm's format: 30 base62 characters and six of their CRC32 in base62.
    mutating func checksummed(_ prefix: String) -> String {
        let body = text(TokenMaker.alnum, 30)
        var value = Validators.crc32(Array(body.utf8))
        var check = ""
        for _ in 0..<6 {
            check = String(UnicodeScalar(Validators.base62Digits[Int(value % 62)])) + check
            value /= 62
        }
        return prefix + body + check
    }

    mutating func bech32(_ hrp: String) -> String {
        var seed: [UInt8] = []
        for _ in 0..<32 { seed.append(UInt8(text(TokenMaker.digits, 2)) ?? 7) }
        return Bech32.encode(hrp: hrp, data: seed).uppercased()
    }

    static func base64URL(_ text: String) -> String {
        Sodium.base64URL(Array(text.utf8))
    }
}

/// One rule: a token it must report (with its severity) and a near miss it must not.
struct ProviderCase: CustomTestStringConvertible, Sendable {
    let rule: String
    let valid: String
    let invalid: String
    let severity: ScanFinding.Severity?
    var testDescription: String { rule }
}

func scan(_ text: String, path: String = "config.txt") -> [ScanFinding] {
    let scanner = Scanner(managed: nil, allowlist: Allowlist.fresh(), storePath: ".secr")
    var allowed = 0, notes: [String] = []
    return scanner.scan(ScanTarget(path: path, bytes: Array(text.utf8), addedLines: nil), allowed: &allowed, notes: &notes)
}

/// Every provider rule in ProviderRules.all, with a true and a false example.
let providerCases: [ProviderCase] = {
    var make = TokenMaker(seed: 0x5ec7_11)
    func x(_ count: Int) -> String { String(repeating: "x", count: count) }
    func c(_ rule: String, _ valid: String, _ invalid: String, _ severity: ScanFinding.Severity? = .block) -> ProviderCase {
        ProviderCase(rule: rule, valid: valid, invalid: invalid, severity: severity)
    }
    let a = TokenMaker.self
    return [
        c("aws-access-key-id", "AKIA" + make.text(a.base32, 16), "AKIA" + make.text(a.base32, 15) + "1"),
        c("gcp-api-key", "AIzaSy" + make.text(a.b64url, 33), "AIzaSy" + make.text(a.b64url, 30)),
        c("google-oauth-client-secret", "GOCSPX-" + make.text(a.b64url, 28), "GOCSPX-" + x(28)),
        c("google-oauth-refresh-token", "1//0" + make.text(a.b64url, 100), "1//0" + make.text(a.b64url, 20)),
        c("google-oauth-access-token", "ya29." + make.text(a.b64url, 120), "ya29." + make.text(a.b64url, 10)),
        c("azure-storage-key", "AccountKey=" + make.text(a.b64, 86) + "==", "AccountKey=" + make.text(a.b64, 88)),
        c("azure-ad-client-secret", make.text(a.alnum, 3) + "8Q~" + make.text(a.b64url, 34), make.text(a.alnum, 4) + "Q~" + make.text(a.b64url, 34)),
        c("digitalocean-token", "dop_v1_" + make.text(a.hex, 64), "dop_v1_" + String(repeating: "0", count: 64)),
        c("hashicorp-vault-token", "hvs.CAESI" + make.text(a.b64url, 90), "hvs." + x(95)),
        c("hashicorp-vault-batch-token", "hvb.AAAAAQ" + make.text(a.b64url, 140), "hvb." + make.text(a.b64url, 40)),
        c("terraform-cloud-token", make.text(a.alnum, 14) + ".atlasv1." + make.text(a.alnum, 67), make.text(a.alnum, 14) + ".atlasv1." + make.text(a.alnum, 20)),
        c("pulumi-token", "pul-" + make.text(a.hex, 40), "pul-" + make.text(a.upperNum, 40)),
        c("pulumi-token", "pul-" + make.text(a.lowerNum, 40), "pul-" + make.text(a.lowerNum, 41)),
        c("doppler-token", "dp.st.prd." + make.text(a.alnum, 43), "dp.st." + make.text(a.alnum, 20)),
        c("supabase-token", "sbp_" + make.text(a.hex, 40), "sbp_" + make.text(a.hex, 39)),
        c("heroku-api-key", "HRKU-AA" + make.text(a.b64url, 58), "HRKU-AA" + x(58)),
        c("flyio-token", "fo1_" + make.text(a.b64url, 43), "fo1_" + make.text(a.b64url, 40)),
        c("flyio-macaroon", "fm2_" + make.text(a.b64, 120), "fm2_" + make.text(a.b64, 50)),
        c("netlify-token", "nfp_" + make.text(a.alnum, 36), "nfp_" + x(36)),
        c("alibaba-access-key", "LTAI" + make.text(a.alnum, 20), "LTAI" + make.text(a.upper, 20)),
        c("databricks-token", "dapi" + make.text(a.hex, 32), "dapi" + make.text(a.upper, 32)),
        c("planetscale-token", "pscale_pw_" + make.text(a.b64url, 43), "pscale_pw_" + make.text(a.b64url, 10)),
        c("cloudflare-origin-ca-key", "v1.0-" + make.text(a.hex, 24) + "-" + make.text(a.hex, 146), "v1.0-" + make.text(a.hex, 24) + "-" + make.text(a.hex, 40)),
        c("cloudflare-token", "cfut_" + make.text(a.alnum, 40) + make.text(a.hex, 8), "cfut_" + make.text(a.alnum, 40) + "ZZZZZZZZ"),
        c("openshift-token", "sha256~" + make.text(a.b64url, 43), "sha256~" + make.text(a.b64url, 20)),
        c("tailscale-key", "tskey-auth-" + make.text(a.alnum, 12) + "-" + make.text(a.alnum, 30), "tskey-" + make.text(a.alnum, 30)),
        c("github-token", make.checksummed("ghp_"), String(make.checksummed("ghp_").dropLast()) + "0"),
        c("github-app-token", "ghs_" + make.text(a.alnum, 20) + "_" + make.text(a.alnum, 90), "ghs_" + make.text(a.alnum, 50)),
        c("github-fine-grained-token", "github_pat_" + make.text(a.alnum, 22) + "_" + make.text(a.alnum, 59),
          "github_pat_" + make.text(a.alnum, 23) + make.text(a.alnum, 59)),
        c("gitlab-token", "glpat-" + make.text(a.b64url, 20), "glpat-" + x(20)),
        c("gitlab-ci-token", "glrt-" + make.text(a.b64url, 20), "glrt-" + make.text(a.b64url, 10)),
        c("npm-token", make.checksummed("npm_"), "npm_" + make.text(a.alnum, 36)),
        c("pypi-token", "pypi-AgEIcHlwaS5vcmc" + make.text(a.b64url, 120), "pypi-AgEIcHlwaS5vcmc" + make.text(a.b64url, 20)),
        c("rubygems-token", "rubygems_" + make.text(a.hex, 48), "rubygems_" + make.text(a.hex, 47)),
        c("nuget-key", "oy2" + make.text(a.lowerNum, 43), "oy2" + make.text(a.upper, 43)),
        c("docker-hub-token", "dckr_pat_" + make.text(a.b64url, 27), "dckr_pat_" + make.text(a.b64url, 20)),
        c("huggingface-token", "hf_" + make.text(a.lower + a.upper, 34), "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"),
        c("jfrog-api-key", "AKCp" + make.text(a.alnum, 69), "AKCp" + make.text(a.alnum, 60)),
        c("jfrog-reference-token", "cmVmd" + make.text(a.alnum, 59), "+cmVmd" + make.text(a.alnum, 59)),
        c("circleci-token", "CCIPAT_" + make.text(a.alnum, 22) + "_" + make.text(a.hex, 40), "CCIPAT_" + make.text(a.alnum, 63)),
        c("buildkite-token", "bkua_" + make.text(a.lowerNum, 40), "bkua_" + make.text(a.lowerNum, 30)),
        c("sonarqube-token", "squ_" + make.text(a.hex, 40), "squ_" + make.text(a.upper, 40)),
        c("octopus-api-key", "API-" + make.text(a.upperNum, 26), "API-" + make.text(a.upper, 26)),
        c("atlassian-token", "ATATT3" + make.text(a.b64url, 186), "ATATT3" + make.text(a.b64url, 100)),
        c("bitbucket-app-password", "ATBB" + make.text(a.alnum, 32), "ATBB" + make.text(a.upper, 32)),
        c("clojars-token", "CLOJARS_" + make.text(a.lowerNum, 60), "CLOJARS_" + make.text(a.lowerNum, 50)),
        c("postman-key", "PMAK-" + make.text(a.hex, 24) + "-" + make.text(a.hex, 34), "PMAK-" + make.text(a.hex, 24) + "-" + make.text(a.hex, 20)),
        c("prefect-token", "pnu_" + make.text(a.alnum, 36), "pnu_" + make.text(a.alnum, 30)),
        c("readme-token", "rdme_" + make.text(a.lowerNum, 70), "rdme_" + make.text(a.lowerNum, 60)),
        c("infracost-token", "ico-" + make.text(a.alnum, 32), "ico-" + make.text(a.alnum, 20)),
        c("scalingo-token", "tk-us-" + make.text(a.b64url, 48), "tk-us-" + make.text(a.b64url, 40)),
        c("slack-token", "xoxb-" + make.text(a.digits, 12) + "-" + make.text(a.digits, 13) + "-" + make.text(a.alnum, 24),
          "xoxp-1234-1234-1234-" + make.text(a.hex, 32)),
        c("slack-token", "xoxs-" + make.text(a.digits, 10) + "-" + make.text(a.digits, 10) + "-" + make.text(a.digits, 10) + "-" + make.text(a.hex, 10),
          "xoxs-" + make.text(a.hex, 10)),
        c("slack-token", "xoxe.xoxp-1-" + make.text(a.alnum, 160), "xoxe.xoxp-1-" + make.text(a.alnum, 40)),
        c("slack-app-token", "xapp-1-A" + make.text(a.upperNum, 10) + "-" + make.text(a.digits, 13) + "-" + make.text(a.hex, 64),
          "xapp-" + make.text(a.alnum, 40)),
        c("slack-webhook", "https://hooks.slack.com/services/T" + make.text(a.upperNum, 10) + "/B" + make.text(a.upperNum, 10) + "/" + make.text(a.alnum, 24),
          "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"),
        c("discord-webhook", "https://discord.com/api/webhooks/" + make.text(a.digits, 19) + "/" + make.text(a.b64url, 68),
          "https://discord.com/api/webhooks/" + make.text(a.digits, 19) + "/" + x(68)),
        c("teams-webhook", "https://acme.webhook.office.com/webhookb2/" + make.text(a.hex, 36) + "@" + make.text(a.hex, 36) + "/IncomingWebhook/" + make.text(a.hex, 32) + "/" + make.text(a.hex, 36),
          "https://acme.webhook.office.com/webhookb2/" + make.text(a.hex, 20)),
        c("telegram-bot-token", make.text(a.digits, 10) + ":AA" + make.text(a.b64url, 33), make.text(a.digits, 4) + ":AA" + make.text(a.b64url, 33)),
        c("twilio-api-key", "SK" + make.text(a.hex, 32), "/SK" + make.text(a.hex, 32)),
        c("sendgrid-key", "SG." + make.text(a.b64url, 22) + "." + make.text(a.b64url, 43), "SG." + make.text(a.b64url, 23) + make.text(a.b64url, 43)),
        c("sendgrid-key", "SG." + make.text(a.alnum, 21) + "." + make.text(a.alnum, 49), "SG." + make.text(a.alnum, 10) + "." + make.text(a.alnum, 60)),
        c("mailgun-key", "key-" + make.text(a.hex, 32), "key-" + make.text(a.lower, 32)),
        c("mailchimp-key", make.text(a.hex, 32) + "-us21", make.text(a.hex, 20) + "-us21"),
        c("brevo-key", "xkeysib-" + make.text(a.hex, 64) + "-" + make.text(a.alnum, 16), "xkeysib-" + make.text(a.hex, 40)),
        c("stripe-secret-key", "sk_live_" + make.text(a.digits, 2) + make.text(a.alnum, 97), "sk_live_" + x(24)),
        c("stripe-webhook-secret", "whsec_" + make.text(a.alnum, 32), "whsec_" + x(32)),
        c("square-token", "EAAA" + make.text(a.b64url, 60), "+EAAA" + make.text(a.b64url, 60)),
        c("facebook-access-token", "EAAM" + make.text(a.alnum, 120), "EAAM" + make.text(a.alnum, 60)),
        c("intra42-client-secret", "s-s4t2ud-" + make.text(a.hex, 64), "s-s4t2ud-" + make.text(a.hex, 40)),
        c("maxmind-license-key", make.text(a.alnum, 6) + "_" + make.text(a.alnum, 29) + "_mmk", make.text(a.alnum, 12) + "_mmk"),
        c("braintree-token", "access_token$production$" + make.text(a.lowerNum, 16) + "$" + make.text(a.hex, 32), "access_token$production$" + make.text(a.lowerNum, 10)),
        c("shopify-token", "shpat_" + make.text(a.hex, 32), "shpat_" + make.text(a.lower, 32)),
        c("flutterwave-secret-key", "FLWSECK-" + make.text(a.hex, 32) + "-X", "FLWSECK-" + make.text(a.hex, 32)),
        c("plaid-access-token", "access-production-" + make.text(a.hex, 8) + "-" + make.text(a.hex, 4) + "-" + make.text(a.hex, 4) + "-" + make.text(a.hex, 4) + "-" + make.text(a.hex, 12),
          "access-production-" + make.text(a.hex, 8)),
        c("shippo-token", "shippo_live_" + make.text(a.hex, 40), "shippo_live_" + make.text(a.hex, 30)),
        c("easypost-key", "EZAK" + make.text(a.alnum, 54), "EZAK" + make.text(a.alnum, 40)),
        c("duffel-token", "duffel_live_" + make.text(a.b64url, 43), "duffel_live_" + make.text(a.b64url, 30)),
        c("newrelic-key", "NRAK-" + make.text(a.upperNum, 27), "NRAK-" + make.text(a.upperNum, 20)),
        c("sentry-token", "sntrys_eyJpYXQiOjE3MDAwMDAwMDB9" + make.text(a.b64, 60) + "_" + make.text(a.b64, 43), "sntrys_eyJpYXQiOjE3MDAwMDAwMDB9" + make.text(a.b64, 60) + "_"),
        c("sentry-user-token", "sntryu_" + make.text(a.hex, 64), "sntryu_" + make.text(a.hex, 60)),
        c("grafana-token", "glsa_" + make.text(a.alnum, 32) + "_" + make.text(a.hex, 8), "glsa_" + make.text(a.alnum, 20)),
        c("grafana-api-key", "eyJrIjoi" + make.text(a.b64, 80), "eyJrIjoi" + make.text(a.b64, 30)),
        c("dynatrace-token", "dt0c01." + make.text(a.upperNum, 24) + "." + make.text(a.upperNum, 64), "dt0c01." + make.text(a.upperNum, 24)),
        c("posthog-personal-key", "phx_" + make.text(a.alnum, 43), "phx_" + make.text(a.alnum, 20)),
        c("openai-key", "sk-proj-" + make.text(a.b64url, 74) + "T3BlbkFJ" + make.text(a.b64url, 74), "sk-" + make.text(a.alnum, 48)),
        c("anthropic-key", "sk-ant-api03-" + make.text(a.b64url, 93) + "AA", "sk-ant-api03-" + make.text(a.b64url, 93) + "BB"),
        c("groq-key", "gsk_" + make.text(a.alnum, 52), "gsk_" + make.text(a.alnum, 40)),
        c("replicate-token", "r8_" + make.text(a.alnum, 37), "r8_" + make.text(a.alnum, 20)),
        c("perplexity-key", "pplx-" + make.text(a.alnum, 48), "pplx-" + make.text(a.alnum, 40)),
        c("xai-key", "xai-" + make.text(a.alnum, 80), "xai-" + make.text(a.alnum, 60)),
        c("nvidia-key", "nvapi-" + make.text(a.b64url, 64), "nvapi-" + make.text(a.b64url, 40)),
        c("openrouter-key", "sk-or-v1-" + make.text(a.hex, 64), "sk-or-v1-" + make.text(a.hex, 40)),
        c("langsmith-key", "lsv2_pt_" + make.text(a.hex, 32) + "_" + make.text(a.hex, 10), "lsv2_pt_" + make.text(a.hex, 20)),
        c("pinecone-key", "pcsk_" + make.text(a.alnum, 5) + "_" + make.text(a.alnum, 63), "pcsk_" + make.text(a.alnum, 40)),
        c("age-secret-key", make.bech32("age-secret-key-"), "AGE-SECRET-KEY-1" + String(repeating: "Q", count: 58)),
        c("secr-secret-key", make.bech32("secr-secret-key-"), "SECR-SECRET-KEY-1" + String(repeating: "Q", count: 58)),
        c("onepassword-service-account", "ops_eyJ" + make.text(a.b64, 300), "ops_eyJ" + make.text(a.b64, 100)),
        c("onepassword-secret-key", "A3-" + [6, 6, 5, 5, 5, 5].map { make.text(a.upperNum, $0) }.joined(separator: "-"), "A3-" + make.text(a.upper, 20)),
        c("mapbox-secret-token", "sk.eyJ1IjoiYWNtZSIsImEiOiJ" + make.text(a.b64url, 20) + "." + make.text(a.b64url, 22), "sk.eyJ" + make.text(a.b64url, 20)),
        c("linear-key", "lin_api_" + make.text(a.alnum, 40), "lin_api_" + make.text(a.alnum, 30)),
        c("notion-token", "ntn_" + make.text(a.digits, 11) + make.text(a.alnum, 35), "ntn_" + make.text(a.digits, 11)),
        c("airtable-token", "pat" + make.text(a.alnum, 14) + "." + make.text(a.hex, 64), "pat" + make.text(a.alnum, 14) + "." + make.text(a.upper, 64)),
        c("figma-token", "figd_" + make.text(a.b64url, 40), "figd_" + make.text(a.b64url, 20)),
        c("typeform-token", "tfp_" + make.text(a.b64url, 59), "tfp_" + make.text(a.b64url, 40)),
        c("jwt", TokenMaker.base64URL(#"{"alg":"HS256","typ":"JWT"}"#) + "." + TokenMaker.base64URL(#"{"sub":"42","scope":"write"}"#) + "." + make.text(a.b64url, 43),
          TokenMaker.base64URL(#"{"typ":"none"}"#) + "." + TokenMaker.base64URL(#"{"sub":"42"}"#) + "." + make.text(a.b64url, 43)),
        // Test keys warn.
        c("stripe-secret-key", "sk_test_" + make.text(a.digits, 2) + make.text(a.alnum, 60), "sk_test_" + x(30), .warn),
        c("braintree-token", "access_token$sandbox$" + make.text(a.lowerNum, 16) + "$" + make.text(a.hex, 32), "access_token$sandbox$" + x(49), .warn),
        c("flutterwave-secret-key", "FLWSECK_TEST-" + make.text(a.hex, 32) + "-X", "FLWSECK_TEST-" + make.text(a.hex, 20) + "-X", .warn),
        c("plaid-access-token", "access-sandbox-" + make.text(a.hex, 8) + "-" + make.text(a.hex, 4) + "-" + make.text(a.hex, 4) + "-" + make.text(a.hex, 4) + "-" + make.text(a.hex, 12),
          "access-sandbox-" + make.text(a.hex, 8), .warn),
        c("shippo-token", "shippo_test_" + make.text(a.hex, 40), "shippo_test_" + make.text(a.hex, 20), .warn),
        c("easypost-key", "EZTK" + make.text(a.alnum, 54), "EZTK" + make.text(a.alnum, 30), .warn),
        c("duffel-token", "duffel_test_" + make.text(a.b64url, 43), "duffel_test_" + make.text(a.b64url, 20), .warn),
        c("aws-access-key-id", "AKIAIOSFODNN7EXAMPLE", "AKIA" + x(16), .warn),
        // Public by design: classified, never reported, and not re-judged by the generic layer.
        c("stripe-publishable-key", "pk_live_" + make.text(a.alnum, 40), "", nil),
        c("mapbox-public-token", "pk.eyJ1IjoiYWNtZSIsImEiOiJ" + make.text(a.b64url, 20) + "." + make.text(a.b64url, 22), "", nil),
        c("posthog-project-key", "phc_" + make.text(a.alnum, 43), "", nil),
        c("newrelic-browser-key", "NRJS-" + make.text(a.hex, 19), "", nil),
        c("razorpay-key-id", "rzp_live_" + make.text(a.alnum, 14), "", nil),
        c("flutterwave-public-key", "FLWPUBK-" + make.text(a.hex, 32) + "-X", "", nil),
    ]
}()

@Suite struct ScanProviderRuleTests {
    @Test(arguments: providerCases)
    func reportsTheFormatAndNotItsNearMiss(_ example: ProviderCase) throws {
        // Under a credential key name, so the generic layer would see it too.
        let found = scan("secret_key = \(example.valid)\n")
        if let severity = example.severity {
            let finding = try #require(found.first { $0.rule == example.rule }, "\(example.rule): not reported")
            #expect(finding.severity == severity)
            #expect(!found.contains { $0.rule == "generic-secret" }, "the generic rule re-judged a span \(example.rule) classified")
            #expect(!finding.preview.contains(example.valid.dropFirst(4).prefix(8)), "the preview shows the token")
            let miss = scan("token: \(example.invalid)\n")
            #expect(!miss.contains { $0.rule == example.rule }, "\(example.rule) reported a near miss")
        } else {
            #expect(found.isEmpty, "\(example.rule) is public by design: \(found.map(\.rule))")
        }
    }

    @Test func everyRuleHasATrueAndAFalseExample() {
        let covered = Set(providerCases.map(\.rule))
        let rules = Set(ProviderRules.all.map(\.id))
        #expect(rules.subtracting(covered).isEmpty, "rules without examples: \(rules.subtracting(covered).sorted())")
    }

    @Test func placeholdersOfAnyRulePass() {
        for text in ["AKIA" + String(repeating: "X", count: 16), "sk_live_" + String(repeating: "x", count: 24),
                     "glpat-" + String(repeating: "x", count: 20), "xoxb-your-bot-token-goes-right-here",
                     "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"] {
            #expect(scan("TOKEN=\(text)\n").isEmpty, "\(text)")
        }
    }

    @Test func aGoogleKeyIsABrowserKeyInAFirebaseConfig() {
        var make = TokenMaker(seed: 42)
        let key = "AIzaSy" + make.text(TokenMaker.b64url, 33)
        #expect(scan("const maps = \"\(key)\";\n").first?.severity == .block)
        #expect(scan("const firebaseConfig = { apiKey: \"\(key)\", authDomain: \"acme.firebaseapp.com\" };\n").first?.severity == .warn)
        #expect(scan("{\"current_key\": \"\(key)\"}\n", path: "android/app/google-services.json").first?.severity == .warn)
    }

    @Test func documentedAndPublicJWTsPass() {
        let jwtIO = TokenMaker.base64URL(#"{"alg":"HS256","typ":"JWT"}"#) + "." + TokenMaker.base64URL(#"{"sub":"1234567890","name":"John Doe","iat":1516239022}"#)
            + "." + "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
        let anon = TokenMaker.base64URL(#"{"alg":"HS256","typ":"JWT"}"#) + "." + TokenMaker.base64URL(#"{"iss":"supabase","role":"anon"}"#)
            + "." + String(repeating: "Ab3", count: 14)
        #expect(scan("Authorization: Bearer \(jwtIO)\n").isEmpty)
        #expect(scan("SUPABASE_KEY=\(anon)\n").isEmpty)
    }
}
