/// A credential format: a literal prefix (what the two-byte prefilter looks for), the characters
/// and length of the whole token, and a validator (checksum, fixed marker, structure), so random
/// text does not match; then a verdict, because some formats are test keys (warn) and some are
/// public by design (nothing to report, and the generic layer must not re-judge them either).
struct ProviderRule: Sendable {
    enum Verdict: Sendable {
        case secret
        /// Test and sandbox keys, documented examples, browser keys that are restricted elsewhere.
        case warn
        /// Publishable client keys and placeholders: the span is classified, nothing is reported.
        case harmless
    }

    let id: String
    let title: String
    let prefixes: [String]
    /// The characters after the prefix.
    let charset: @Sendable (UInt8) -> Bool
    /// Length of the whole token (leading characters and prefix included).
    let length: ClosedRange<Int>
    /// Characters before the prefix that belong to the token (Terraform's 14-character id before
    /// `.atlasv1.`, Mailchimp's 32 hex before `-us21`), as a count range and their charset.
    let leading: ClosedRange<Int>
    let leadingCharset: @Sendable (UInt8) -> Bool
    let validate: @Sendable ([UInt8]) -> Bool
    let verdict: @Sendable ([UInt8], ProviderContext) -> Verdict
    /// A checksum or a long fixed marker makes a chance match negligible: such rules also read
    /// binary content, and a token whose checksum fails is classified as a fake.
    let strong: Bool
    /// The prefix is common inside base64 (EAAA, SK, cmVmd): the byte before must not be base64.
    let strictBoundary: Bool

    init(_ id: String, _ title: String, _ prefixes: [String], _ charset: @escaping @Sendable (UInt8) -> Bool, _ length: ClosedRange<Int>,
         leading: ClosedRange<Int> = 0...0, leadingCharset: @escaping @Sendable (UInt8) -> Bool = Charset.alnum,
         validate: @escaping @Sendable ([UInt8]) -> Bool = { _ in true },
         verdict: @escaping @Sendable ([UInt8], ProviderContext) -> Verdict = { _, _ in .secret },
         strong: Bool = false, strictBoundary: Bool = false) {
        self.id = id
        self.title = title
        self.prefixes = prefixes
        self.charset = charset
        self.length = length
        self.leading = leading
        self.leadingCharset = leadingCharset
        self.validate = validate
        self.verdict = verdict
        self.strong = strong
        self.strictBoundary = strictBoundary
    }
}

/// Where a token was found, for verdicts that depend on it (a Firebase config's browser key).
struct ProviderContext {
    let path: String
    let line: ArraySlice<UInt8>
    let file: [UInt8]
}

enum ProviderRules {
    /// Test, sandbox or example markers in the token: warn.
    static func marked(_ markers: [String]) -> @Sendable ([UInt8], ProviderContext) -> ProviderRule.Verdict {
        let needles = markers.map { Array($0.utf8) }
        return { token, _ in needles.contains { Scanner.contains(token[...], $0) } ? .warn : .secret }
    }

    static let harmless: @Sendable ([UInt8], ProviderContext) -> ProviderRule.Verdict = { _, _ in .harmless }

    static func charset(_ extra: String, _ base: @escaping @Sendable (UInt8) -> Bool = Charset.alnum) -> @Sendable (UInt8) -> Bool {
        let bytes = Set(extra.utf8)
        return { base($0) || bytes.contains($0) }
    }

    /// After `prefixLength`, hexadecimal (lower case where the provider issues lower case).
    static func body(_ prefixLength: Int, _ test: @escaping @Sendable (UInt8) -> Bool) -> @Sendable ([UInt8]) -> Bool {
        { $0.dropFirst(prefixLength).allSatisfy(test) }
    }

    /// A Google API key is a browser key in a Firebase or Maps JavaScript config (restricted by
    /// referrer or app, public by design) and a server credential anywhere else.
    static let googleKeyVerdict: @Sendable ([UInt8], ProviderContext) -> ProviderRule.Verdict = { _, context in
        let name = Path.lastComponent(context.path)
        if name == "google-services.json" || name == "GoogleService-Info.plist" { return .warn }
        for marker in ["firebase", "authDomain", "maps.googleapis.com/maps/api/js", "<script"] where Scanner.contains(context.line, Array(marker.utf8)) {
            return .warn
        }
        // A config is at the top of its file; reading only the start keeps a large bundle with many keys linear.
        for marker in ["firebaseapp.com", "authDomain", "firebaseConfig"] where Scanner.contains(context.file.prefix(1 << 16), Array(marker.utf8)) {
            return .warn
        }
        return .secret
    }

    /// JWTs: an anon-role client key (Supabase) is public by design; jwt.io's example is an example.
    static let jwtVerdict: @Sendable ([UInt8], ProviderContext) -> ProviderRule.Verdict = { token, _ in
        let claims = Validators.jwtClaims(token).replacingOccurrences(of: " ", with: "")
        if claims.contains("\"role\":\"anon\"") { return .harmless }
        if claims.contains("\"sub\":\"1234567890\"") && claims.contains("\"name\":\"JohnDoe\"") { return .harmless }
        return .secret
    }

    /// The provider formats secr recognises, most specific first.
    static let all: [ProviderRule] = {
        let b64url = Charset.base64URL, alnum = Charset.alnum, hex = Charset.lowerHex
        let wordDot = charset(".-_")
        return [
            // MARK: Cloud
            ProviderRule("aws-access-key-id", "AWS access key id", ["AKIA", "ASIA", "ABIA", "ACCA"], Charset.base32, 20...20,
                         validate: { $0.prefix(4).allSatisfy(Charset.upper) }, verdict: marked(["EXAMPLE"])),
            ProviderRule("gcp-api-key", "Google API key", ["AIza"], b64url, 39...39, verdict: googleKeyVerdict),
            ProviderRule("google-oauth-client-secret", "Google OAuth client secret", ["GOCSPX-"], b64url, 35...35),
            ProviderRule("google-oauth-refresh-token", "Google OAuth refresh token", ["1//0"], b64url, 40...512, strictBoundary: true),
            ProviderRule("google-oauth-access-token", "Google OAuth access token", ["ya29."], charset(".-_"), 30...2048, strictBoundary: true),
            ProviderRule("azure-storage-key", "Azure storage account key", ["AccountKey="], Charset.base64, 99...99,
                         validate: { $0.suffix(2) == Array("==".utf8) }),
            ProviderRule("azure-ad-client-secret", "Microsoft Entra client secret", ["Q~"], charset("_~.-"), 37...40,
                         leading: 4...4, leadingCharset: charset("_~."), validate: { Charset.digit($0[3]) && Validators.hasDigitAndLetter($0) }),
            ProviderRule("digitalocean-token", "DigitalOcean token", ["dop_v1_", "doo_v1_", "dor_v1_"], hex, 71...71),
            ProviderRule("hashicorp-vault-token", "HashiCorp Vault token", ["hvs.", "hvr."], b64url, 94...124),
            ProviderRule("hashicorp-vault-batch-token", "HashiCorp Vault batch token", ["hvb."], b64url, 142...304),
            ProviderRule("terraform-cloud-token", "Terraform Cloud token", [".atlasv1."], charset("-_="), 83...95,
                         leading: 14...14),
            // Published as hex; other scanners' vectors use any lower-case alphanumerics: the prefix and
            // the exact length already rule out chance matches, so accept both.
            ProviderRule("pulumi-token", "Pulumi access token", ["pul-"], Charset.lowerAlnum, 44...44),
            ProviderRule("doppler-token", "Doppler token", ["dp.st.", "dp.pt.", "dp.ct.", "dp.sa.", "dp.scim.", "dp.audit."], wordDot, 46...90,
                         validate: { ($0.split(separator: 0x2e).last?.count ?? 0) >= 40 }),
            ProviderRule("supabase-token", "Supabase access token", ["sbp_"], Charset.lowerAlnum, 44...44),
            ProviderRule("heroku-api-key", "Heroku API key", ["HRKU-AA"], b64url, 65...65),
            ProviderRule("flyio-token", "Fly.io token", ["fo1_"], b64url, 47...47),
            ProviderRule("flyio-macaroon", "Fly.io token", ["fm1r_", "fm1a_", "fm2_"], Charset.base64, 104...2048),
            ProviderRule("netlify-token", "Netlify personal access token", ["nfp_"], Charset.word, 40...40),
            ProviderRule("alibaba-access-key", "Alibaba Cloud AccessKey id", ["LTAI"], alnum, 21...25, validate: Validators.hasDigitAndLetter),
            ProviderRule("databricks-token", "Databricks token", ["dapi"], charset("-", hex), 36...38,
                         validate: { $0.dropFirst(4).prefix(32).allSatisfy(Charset.lowerHex) }),
            ProviderRule("planetscale-token", "PlanetScale token", ["pscale_tkn_", "pscale_pw_", "pscale_oauth_"], wordDot, 42...77),
            ProviderRule("cloudflare-origin-ca-key", "Cloudflare Origin CA key", ["v1.0-"], charset("-", hex), 176...176),
            ProviderRule("cloudflare-token", "Cloudflare API token", ["cfut_", "cfat_"], alnum, 53...53,
                         validate: { $0.suffix(8).allSatisfy(Charset.lowerHex) }),
            ProviderRule("openshift-token", "OpenShift user token", ["sha256~"], b64url, 50...50),
            ProviderRule("tailscale-key", "Tailscale key", ["tskey-"], charset("-"), 30...120,
                         validate: { $0.filter { $0 == 0x2d }.count >= 3 }),
            // MARK: Code hosting, package registries, CI/CD
            ProviderRule("github-token", "GitHub token", ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"], alnum, 40...40,
                         validate: Validators.base62CRC32(prefixLength: 4), strong: true),
            // Installation and user-to-server tokens in GitHub's longer format (no public checksum).
            ProviderRule("github-app-token", "GitHub App token", ["ghs_", "ghu_"], Charset.word, 80...255,
                         validate: { Validators.hasDigitAndLetter($0.dropFirst(4)) }),
            ProviderRule("github-fine-grained-token", "GitHub fine-grained token", ["github_pat_"], Charset.word, 93...93,
                         validate: { $0[33] == 0x5f }),
            ProviderRule("gitlab-token", "GitLab personal access token", ["glpat-"], wordDot, 26...320,
                         validate: { $0.count == 26 ? $0.dropFirst(6).allSatisfy(Charset.wordDash) : $0.contains(0x2e) }),
            ProviderRule("gitlab-ci-token", "GitLab token", ["glptt-", "glrt-", "gldt-", "glft-", "glimt-", "glagent-", "gloas-", "glsoat-",
                                                           "glcbt-", "glffct-", "GR1348941"], wordDot, 25...320),
            ProviderRule("npm-token", "npm access token", ["npm_"], alnum, 40...40, validate: Validators.base62CRC32(prefixLength: 4), strong: true),
            ProviderRule("pypi-token", "PyPI upload token", ["pypi-AgEIcHlwaS5vcmc", "pypi-AgENdGVzdC5weXBpLm9yZw"], b64url, 70...1100),
            ProviderRule("rubygems-token", "RubyGems API key", ["rubygems_"], Charset.lowerAlnum, 57...57),
            ProviderRule("nuget-key", "NuGet API key", ["oy2"], Charset.lowerAlnum, 46...46, validate: Validators.hasDigitAndLetter, strictBoundary: true),
            ProviderRule("docker-hub-token", "Docker Hub access token", ["dckr_pat_", "dckr_oat_"], b64url, 36...41),
            ProviderRule("huggingface-token", "Hugging Face token", ["hf_", "api_org_"], alnum, 37...42,
                         validate: { token in
                             let body = Array(token.dropFirst(token.starts(with: Array("api_org_".utf8)) ? 8 : 3))
                             return body.count == 34 && !Values.isWordy(body)
                         }),
            ProviderRule("jfrog-api-key", "JFrog Artifactory API key", ["AKCp"], alnum, 73...73),
            ProviderRule("jfrog-reference-token", "JFrog reference token", ["cmVmd"], alnum, 64...64, strictBoundary: true),
            ProviderRule("circleci-token", "CircleCI personal token", ["CCIPAT_"], Charset.word, 70...70, validate: { $0[29] == 0x5f }),
            ProviderRule("buildkite-token", "Buildkite API token", ["bkua_"], Charset.lowerAlnum, 45...45),
            ProviderRule("sonarqube-token", "SonarQube token", ["squ_", "sqp_", "sqa_"], hex, 44...44),
            ProviderRule("octopus-api-key", "Octopus Deploy API key", ["API-"], Charset.upperAlnum, 30...30,
                         validate: Validators.hasDigitAndLetter, strictBoundary: true),
            ProviderRule("atlassian-token", "Atlassian API token", ["ATATT3"], charset("-_="), 150...300),
            ProviderRule("bitbucket-app-password", "Bitbucket app password", ["ATBB"], charset("-_=."), 32...48,
                         validate: Validators.hasDigitAndLetter, strictBoundary: true),
            ProviderRule("clojars-token", "Clojars deploy token", ["CLOJARS_"], Charset.lowerAlnum, 68...68),
            ProviderRule("postman-key", "Postman API key", ["PMAK-"], charset("-", hex), 64...64),
            ProviderRule("prefect-token", "Prefect API key", ["pnu_"], alnum, 40...40),
            ProviderRule("readme-token", "ReadMe API key", ["rdme_"], Charset.lowerAlnum, 75...75),
            ProviderRule("infracost-token", "Infracost API key", ["ico-"], alnum, 36...36, strictBoundary: true),
            ProviderRule("scalingo-token", "Scalingo API token", ["tk-us-"], Charset.wordDash, 54...54),
            ProviderRule("intra42-client-secret", "42 (intra) client secret", ["s-s4t2ud-", "s-s4t2af-"], hex, 73...73),
            ProviderRule("maxmind-license-key", "MaxMind license key", ["_mmk"], Charset.word, 40...40, leading: 36...36,
                         leadingCharset: Charset.word, validate: { $0[6] == 0x5f && $0[36] == 0x5f }),
            // MARK: Chat, mail, messaging
            ProviderRule("slack-token", "Slack token", ["xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-", "xoxo-", "xoxe-", "xoxe.xox"], charset("-."), 24...255,
                         validate: Validators.slackToken),
            ProviderRule("slack-app-token", "Slack app-level token", ["xapp-"], Charset.wordDash, 40...255,
                         validate: { $0.filter { $0 == 0x2d }.count >= 3 }),
            ProviderRule("slack-webhook", "Slack incoming webhook", ["https://hooks.slack.com/services/T", "https://hooks.slack.com/workflows/T",
                                                                     "https://hooks.slack.com/triggers/T"], charset("/:."), 70...140,
                         validate: { $0.filter { $0 == 0x2f }.count >= 6 }),
            ProviderRule("discord-webhook", "Discord webhook", ["https://discord.com/api/webhooks/", "https://discordapp.com/api/webhooks/"],
                         charset("/:.-_"), 100...160),
            ProviderRule("teams-webhook", "Microsoft Teams webhook", ["webhook.office.com/webhookb2/"], charset("/:.-@"), 100...300),
            ProviderRule("telegram-bot-token", "Telegram bot token", [":AA"], b64url, 41...48, leading: 8...10, leadingCharset: Charset.digit),
            ProviderRule("twilio-api-key", "Twilio API key", ["SK"], hex, 34...34, validate: Validators.hasDigitAndLetter, strictBoundary: true),
            ProviderRule("sendgrid-key", "SendGrid API key", ["SG."], charset(".-_"), 63...78,
                         validate: { token in
                             // SG.<22>.<43> as issued; 20-24 and 39-50 as other scanners accept.
                             let parts = token.split(separator: 0x2e, omittingEmptySubsequences: false)
                             return parts.count == 3 && (20...24).contains(parts[1].count) && (39...50).contains(parts[2].count)
                         }),
            ProviderRule("mailgun-key", "Mailgun API key", ["key-"], hex, 36...36, validate: Validators.hasDigitAndLetter),
            ProviderRule("mailchimp-key", "Mailchimp API key", ["-us"], Charset.digit, 36...37, leading: 32...32, leadingCharset: Charset.lowerHex),
            ProviderRule("brevo-key", "Brevo (Sendinblue) API key", ["xkeysib-"], charset("-"), 89...89),
            // MARK: Payments and commerce
            ProviderRule("stripe-secret-key", "Stripe secret key", ["sk_live_", "sk_test_", "rk_live_", "rk_test_", "sk_prod_", "rk_prod_"], alnum, 32...255,
                         validate: { Validators.hasDigitAndLetter($0.dropFirst(8)) }, verdict: marked(["_test_"])),
            ProviderRule("stripe-publishable-key", "Stripe publishable key", ["pk_live_", "pk_test_"], alnum, 32...255, verdict: harmless),
            ProviderRule("stripe-webhook-secret", "Stripe webhook signing secret", ["whsec_"], alnum, 38...80),
            ProviderRule("square-token", "Square access token", ["sq0atp-", "sq0csp-", "EAAA"], b64url, 29...70,
                         validate: Validators.hasDigitAndLetter, strictBoundary: true),
            ProviderRule("facebook-access-token", "Facebook access token", ["EAAM", "EAAC", "EAAG"], alnum, 104...512,
                         validate: Validators.hasDigitAndLetter, strictBoundary: true),
            ProviderRule("braintree-token", "Braintree access token", ["access_token$production$", "access_token$sandbox$"],
                         charset("$_"), 60...90, verdict: marked(["$sandbox$"])),
            ProviderRule("shopify-token", "Shopify token", ["shpat_", "shpca_", "shppa_", "shpss_"], Charset.hex, 38...38),
            ProviderRule("flutterwave-secret-key", "Flutterwave secret key", ["FLWSECK-", "FLWSECK_TEST-"], charset("-X", Charset.hex), 42...47,
                         validate: { $0.suffix(2) == Array("-X".utf8) }, verdict: marked(["_TEST-"])),
            ProviderRule("flutterwave-public-key", "Flutterwave public key", ["FLWPUBK-", "FLWPUBK_TEST-"], charset("-X", Charset.hex), 42...47, verdict: harmless),
            ProviderRule("plaid-access-token", "Plaid access token", ["access-production-", "access-development-", "access-sandbox-"],
                         charset("-", Charset.lowerHex), 51...55, verdict: marked(["-sandbox-", "-development-"])),
            ProviderRule("razorpay-key-id", "Razorpay key id", ["rzp_live_", "rzp_test_"], alnum, 23...23, verdict: harmless),
            ProviderRule("shippo-token", "Shippo API token", ["shippo_live_", "shippo_test_"], Charset.hex, 52...52, verdict: marked(["_test_"])),
            ProviderRule("easypost-key", "EasyPost API key", ["EZAK", "EZTK"], alnum, 58...58, verdict: marked(["EZTK"])),
            ProviderRule("duffel-token", "Duffel API token", ["duffel_live_", "duffel_test_"], charset("-_="), 55...55, verdict: marked(["_test_"])),
            // MARK: Observability
            ProviderRule("newrelic-key", "New Relic API key", ["NRAK-", "NRII-"], charset("-", Charset.upperAlnum), 32...37),
            ProviderRule("newrelic-browser-key", "New Relic browser key", ["NRJS-"], Charset.hex, 24...24, verdict: harmless),
            ProviderRule("sentry-token", "Sentry auth token", ["sntrys_eyJ"], charset("+/=_"), 80...600,
                         validate: { token in (token.split(separator: 0x5f, omittingEmptySubsequences: false).last?.count ?? 0) >= 40 }),
            ProviderRule("sentry-user-token", "Sentry user auth token", ["sntryu_"], hex, 71...71),
            ProviderRule("grafana-token", "Grafana token", ["glc_eyJ", "glsa_"], charset("+/=_"), 46...500),
            ProviderRule("grafana-api-key", "Grafana API key", ["eyJrIjoi"], charset("+/="), 70...400),
            ProviderRule("dynatrace-token", "Dynatrace API token", ["dt0c01."], charset("."), 96...96),
            ProviderRule("posthog-personal-key", "PostHog personal API key", ["phx_"], Charset.word, 47...52),
            ProviderRule("posthog-project-key", "PostHog project key", ["phc_"], Charset.word, 47...52, verdict: harmless),
            // MARK: AI providers
            ProviderRule("openai-key", "OpenAI API key", ["sk-proj-", "sk-svcacct-", "sk-admin-", "sk-"], b64url, 48...220,
                         validate: { token in
                             if Scanner.contains(token[...], Array("T3BlbkFJ".utf8)) { return true }
                             let named = ["sk-proj-", "sk-svcacct-", "sk-admin-"].contains { token.starts(with: Array($0.utf8)) }
                             return named && token.count >= 100
                         }),
            ProviderRule("anthropic-key", "Anthropic API key", ["sk-ant-api03-", "sk-ant-admin01-"], b64url, 108...110,
                         validate: { $0.suffix(2) == Array("AA".utf8) }),
            ProviderRule("groq-key", "Groq API key", ["gsk_"], alnum, 56...56),
            ProviderRule("replicate-token", "Replicate API token", ["r8_"], b64url, 40...40, validate: Validators.hasDigitAndLetter),
            ProviderRule("perplexity-key", "Perplexity API key", ["pplx-"], alnum, 53...53),
            ProviderRule("xai-key", "xAI API key", ["xai-"], Charset.word, 84...84),
            ProviderRule("nvidia-key", "NVIDIA API key", ["nvapi-"], b64url, 70...70),
            ProviderRule("openrouter-key", "OpenRouter API key", ["sk-or-v1-"], hex, 73...73),
            ProviderRule("langsmith-key", "LangSmith API key", ["lsv2_pt_", "lsv2_sk_"], charset("_", hex), 51...51),
            ProviderRule("pinecone-key", "Pinecone API key", ["pcsk_"], Charset.word, 74...75),
            // MARK: Secret managers and keys of any provider
            ProviderRule("age-secret-key", "age secret key", ["AGE-SECRET-KEY-1"], Charset.upperAlnum, 74...74,
                         validate: Validators.bech32("age-secret-key-"), strong: true),
            ProviderRule("secr-secret-key", "secr secret key (identity)", ["SECR-SECRET-KEY-1"], Charset.upperAlnum, 75...75,
                         validate: Validators.bech32("secr-secret-key-"), strong: true),
            ProviderRule("onepassword-service-account", "1Password service account token", ["ops_eyJ"], Charset.base64, 250...4096),
            ProviderRule("onepassword-secret-key", "1Password account secret key", ["A3-"], charset("-", Charset.upperAlnum), 34...40,
                         validate: { $0.filter { $0 == 0x2d }.count >= 5 && Validators.hasDigitAndLetter($0.dropFirst(3)) }, strictBoundary: true),
            ProviderRule("mapbox-secret-token", "Mapbox secret token", ["sk.eyJ"], charset(".-_"), 60...200),
            ProviderRule("mapbox-public-token", "Mapbox public token", ["pk.eyJ"], charset(".-_"), 60...200, verdict: harmless),
            ProviderRule("linear-key", "Linear API key", ["lin_api_"], alnum, 48...48),
            ProviderRule("notion-token", "Notion integration token", ["ntn_", "secret_"], alnum, 50...50,
                         validate: { Validators.hasDigitAndLetter($0) && !Values.isWordy(Array($0.drop { $0 != 0x5f }.dropFirst())) }),
            ProviderRule("airtable-token", "Airtable personal access token", ["pat"], charset("."), 82...82,
                         validate: { $0[17] == 0x2e && $0.suffix(64).allSatisfy(Charset.lowerHex) }),
            ProviderRule("figma-token", "Figma access token", ["figd_"], Charset.wordDash, 40...60),
            ProviderRule("typeform-token", "Typeform token", ["tfp_"], charset("-_.="), 63...63),
            ProviderRule("jwt", "JSON Web Token", ["eyJ"], charset(".-_"), 36...8192, validate: Validators.jwt, verdict: jwtVerdict),
        ]
    }()
}

/// Placeholders shaped like a token: X-runs, repeated or sequential characters, masks and
/// documentation words in the part after the prefix.
enum TokenPlaceholders {
    static func isPlaceholder(_ body: ArraySlice<UInt8>) -> Bool {
        let lower = body.map(Charset.lowercased)
        for marker in ["xxxxx", "****", "....", "example", "your"] where Scanner.contains(lower[...], Array(marker.utf8)) {
            return true
        }
        for sequence in ["12345678", "abcdefgh", "ABCDEFGH"] where Scanner.contains(body, Array(sequence.utf8)) { return true }
        var run = 1
        for index in body.indices.dropFirst() {
            run = body[index] == body[index - 1] ? run + 1 : 1
            if run >= 6 { return true }
        }
        return Set(body).count <= 4
    }
}
