/// Environment variable names that steer how programs start rather than what they compute:
/// which executables, libraries, interpreters' start-up files, configs and trust roots are used.
///
/// Anyone who may write an environment decides the values `secr run` injects into the process
/// of whoever reads it. A developer who sets `GIT_CONFIG_PARAMETERS`, `LD_PRELOAD` or
/// `NODE_OPTIONS` in staging would run their code in an owner's session (`secr run -e staging
/// -- git status`), with the owner's identity file in reach. So secr never delivers a value
/// under such a name, and `set` refuses to store one, unless an owner allowed that exact name
/// in the signed roster (`inject-allow`). `SECR_*` can never be allowed: it steers secr itself.
/// Names are compared case-insensitively: no secret needs a name that differs only in case.
public enum SteeringNames {
    /// Exact names, with why each is dangerous.
    static let exact: [String: String] = [
        "PATH": "decides which programs run",
        "BASH_ENV": "is a script every non-interactive bash runs first",
        "ENV": "is a script every POSIX shell runs first",
        "IFS": "changes how shells split words",
        "PS4": "is expanded (and so executed) by shells that trace",
        "SHELLOPTS": "turns on shell options in every bash",
        "BASHOPTS": "turns on shell options in every bash",
        "CDPATH": "changes where shells' cd goes",
        "PROMPT_COMMAND": "is a command bash runs before each prompt",
        "ZDOTDIR": "decides which start-up files zsh runs",
        "HOME": "decides which configuration files (~/.gitconfig, ~/.bashrc) programs load",
        "XDG_CONFIG_HOME": "decides which configuration files (git, secr) programs load",
        "NODE_OPTIONS": "makes every node process load code (--require)",
        "NODE_PATH": "decides where node finds modules",
        "RUBYOPT": "makes every ruby process load code (-r)",
        "RUBYLIB": "decides where ruby finds libraries",
        "PERLLIB": "decides where perl finds modules",
        "JAVA_TOOL_OPTIONS": "makes every JVM load agents",
        "_JAVA_OPTIONS": "makes every JVM load agents",
        "JDK_JAVA_OPTIONS": "makes every JVM load agents",
        "CLASSPATH": "decides which classes Java loads",
        "GEM_HOME": "decides which ruby gems load",
        "GEM_PATH": "decides which ruby gems load",
        "BUNDLE_GEMFILE": "decides which Gemfile bundler runs",
        "GOFLAGS": "changes every go command (e.g. -toolexec)",
        "LESSOPEN": "is a command less runs on every file",
        "LESSCLOSE": "is a command less runs on every file",
        "PAGER": "is a command programs run to show text",
        "MANPAGER": "is a command man runs",
        "EDITOR": "is a command programs run to edit",
        "VISUAL": "is a command programs run to edit",
        "BROWSER": "is a command programs run to open links",
        "SSH_ASKPASS": "is a command ssh runs for passwords",
        "SUDO_ASKPASS": "is a command sudo runs for passwords",
        "GCONV_PATH": "makes glibc load code",
        "LOCPATH": "decides which locale data glibc loads",
        "NLSPATH": "decides which message catalogues programs load",
        "HOSTALIASES": "redirects host names",
        "RESOLV_HOST_CONF": "changes how host names resolve",
        "SSL_CERT_FILE": "decides which certificate authorities TLS trusts",
        "SSL_CERT_DIR": "decides which certificate authorities TLS trusts",
        "CURL_CA_BUNDLE": "decides which certificate authorities curl trusts",
        "REQUESTS_CA_BUNDLE": "decides which certificate authorities Python requests trusts",
        "NODE_EXTRA_CA_CERTS": "adds certificate authorities node trusts",
    ]

    /// Prefixes of whole families, with why.
    static let prefixes: [(String, String)] = [
        ("SECR_", "steers secr itself (identity, store, roster root)"),
        ("LD_", "makes the dynamic loader load other libraries"),
        ("DYLD_", "makes the dynamic loader load other libraries"),
        ("GIT_", "changes what git runs and trusts (GIT_CONFIG_PARAMETERS, GIT_SSH_COMMAND, GIT_EXEC_PATH)"),
        ("PYTHON", "makes every python process load code or other modules (PYTHONSTARTUP, PYTHONPATH)"),
        ("PERL5", "makes every perl process load code (PERL5OPT, PERL5LIB)"),
        ("NPM_CONFIG_", "changes what npm runs (npm_config_script_shell, registries)"),
    ]

    /// Why `name` steers processes, or nil when it is an ordinary name.
    public static func reason(for name: String) -> String? {
        let upper = name.uppercased()
        if let why = exact[upper] { return why }
        if let (_, why) = prefixes.first(where: { upper.hasPrefix($0.0) }) { return why }
        if upper.hasSuffix("_PRELOAD") { return "makes a loader or runtime load other code" }
        return nil
    }

    /// `SECR_*` names cannot be allowed by any policy.
    static func isNeverAllowed(_ name: String) -> Bool { name.uppercased().hasPrefix("SECR_") }
}

extension RosterState {
    /// Whether a value under `name` may be stored and handed to processes: an ordinary name,
    /// or a steering name an owner allowed in the roster.
    public func mayInject(_ name: String) -> Bool {
        SteeringNames.reason(for: name) == nil || allowedInjections.contains(name)
    }

    /// Refuses a key that steers processes, with the reason and the way out.
    func checkInjectable(_ key: String, environment: String) throws {
        guard let why = SteeringNames.reason(for: key), !allowedInjections.contains(key) else { return }
        let exception = SteeringNames.isNeverAllowed(key)
            ? "no policy can allow SECR_* names"
            : "if the project really needs it, an owner can allow this exact name with `secr policy inject allow \(key)`"
        throw SecrError.failure("refusing to store \(key) in \(environment): \(key) \(why), so whoever may write \(environment) could take over the session of anyone who runs `secr run -e \(environment)`. Use another name for the value; \(exception)")
    }
}
