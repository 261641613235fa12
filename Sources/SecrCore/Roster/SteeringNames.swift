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
///
/// This is a list, and no list knows every program's variables: it covers shells, loaders,
/// interpreters and runtimes, build tools, package managers, pagers and editors, trust roots and
/// cloud CLIs' configuration. The threat model says so; a reader who runs unusual tooling under
/// `secr run` should run it with only the variables it needs.
package enum SteeringNames {
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
        "GOTOOLCHAIN": "makes go download and run another toolchain",
        "GOPROXY": "decides where go downloads modules from",
        "GOSUMDB": "decides which checksum database go trusts for modules",
        "GONOSUMDB": "turns off go's checksum database for modules",
        "GONOSUMCHECK": "turns off go's module checksums",
        "GOINSECURE": "lets go download modules without TLS",
        "GOPRIVATE": "turns off go's checksum database for modules",
        "GONOPROXY": "decides which modules go downloads directly",
        "HTTP_PROXY": "routes a program's traffic through another host",
        "HTTPS_PROXY": "routes a program's traffic through another host",
        "ALL_PROXY": "routes a program's traffic through another host",
        "NO_PROXY": "decides which hosts skip the proxy",
        "PSQLRC": "is a file of commands psql runs (\\! runs shell commands)",
        "MYSQL_HOME": "decides which option files mysql reads",
        "SQLITE_HISTORY": "decides where sqlite writes its history",
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
        "NODE_TLS_REJECT_UNAUTHORIZED": "turns off node's TLS certificate checks",
        "NODE_REPL_EXTERNAL_MODULE": "makes node load a module",
        "SHELL": "is the shell programs start (make, editors, npm scripts)",
        "LESS": "holds less's options, which can run commands (+!cmd)",
        "LESSKEY": "decides which key bindings less loads",
        "LESSKEYIN": "holds key bindings less loads, which can run commands",
        "MAKEFLAGS": "holds make's options (--eval runs code)",
        "MFLAGS": "holds make's options",
        "GNUMAKEFLAGS": "holds make's options",
        "MAKEFILES": "makes make read other makefiles",
        "TAR_OPTIONS": "holds tar's options (--checkpoint-action=exec runs commands)",
        "PS0": "is expanded (and so executed) by bash before each command",
        "PS1": "is expanded (and so executed) by interactive shells",
        "PS2": "is expanded by interactive shells",
        "PS3": "is expanded by shells' select",
        "VIMINIT": "holds commands vim runs at start",
        "EXINIT": "holds commands vi runs at start",
        "MYVIMRC": "decides which start-up file vim runs",
        "GVIMINIT": "holds commands gvim runs at start",
        "LUA_PATH": "decides where lua finds modules",
        "LUA_CPATH": "decides which libraries lua loads",
        "ERL_AFLAGS": "holds flags every Erlang VM takes (-eval)",
        "ERL_ZFLAGS": "holds flags every Erlang VM takes (-eval)",
        "ERL_FLAGS": "holds flags every Erlang VM takes (-eval)",
        "ERL_LIBS": "decides where Erlang finds code",
        "ELIXIR_ERL_OPTIONS": "holds flags every Erlang VM takes",
        "SUDO_EDITOR": "is a command sudoedit runs",
        "FCEDIT": "is a command shells' fc runs",
        "RSYNC_RSH": "is the remote shell rsync runs",
        "CVS_RSH": "is the remote shell cvs runs",
        "CC": "is the compiler build tools run",
        "CXX": "is the compiler build tools run",
        "CPP": "is the preprocessor build tools run",
        "FC": "is the compiler build tools run",
        "LD": "is the linker build tools run",
        "RUSTC": "is the compiler cargo runs",
        "RUSTC_WRAPPER": "is a command cargo runs around the compiler",
        "RUSTC_WORKSPACE_WRAPPER": "is a command cargo runs around the compiler",
        "OPENSSL_CONF": "decides which configuration (and engines) OpenSSL loads",
        "OPENSSL_ENGINES": "decides which engines OpenSSL loads",
        "OPENSSL_MODULES": "decides which providers OpenSSL loads",
        "PHPRC": "decides which php.ini (auto_prepend_file) PHP loads",
        "PHP_INI_SCAN_DIR": "decides which ini files PHP loads",
        "MAVEN_OPTS": "holds JVM options for maven (agents)",
        "MAVEN_ARGS": "holds maven's arguments",
        "GRADLE_OPTS": "holds JVM options for gradle (agents)",
        "JAVA_OPTS": "holds JVM options start scripts pass (agents)",
        "ANT_OPTS": "holds JVM options for ant",
        "SBT_OPTS": "holds JVM options for sbt",
        "GLIBC_TUNABLES": "changes how glibc behaves in every process",
        "RUBYGEMS_GEMDEPS": "makes ruby load gems",
        "KUBECONFIG": "decides which cluster kubectl talks to and which commands it runs for credentials",
        "AWS_CONFIG_FILE": "decides which AWS config (credential_process runs a command) the CLI loads",
        "AWS_SHARED_CREDENTIALS_FILE": "decides which AWS credentials file the CLI loads",
        "AZURE_CONFIG_DIR": "decides which Azure CLI configuration loads",
        "CLOUDSDK_CONFIG": "decides which gcloud configuration loads",
        "DOCKER_CONFIG": "decides which docker configuration (credential helpers run programs) loads",
        "DOCKER_HOST": "decides which docker daemon commands go to",
        "GNUPGHOME": "decides which keys and configuration gpg uses",
        "HGRCPATH": "decides which configuration mercurial loads (hooks run code)",
        "HGEDITOR": "is a command mercurial runs",
        "INPUTRC": "decides which readline bindings load (they can run commands)",
        "TERMINFO": "decides which terminal descriptions programs load",
        "TERMINFO_DIRS": "decides which terminal descriptions programs load",
        "R_PROFILE": "is R code every R session runs",
        "R_PROFILE_USER": "is R code every R session runs",
        "R_ENVIRON": "decides which environment file R loads",
        "R_LIBS": "decides where R finds packages",
        "JULIA_LOAD_PATH": "decides where julia finds code",
        "JULIA_DEPOT_PATH": "decides where julia finds code",
        "EMACSLOADPATH": "decides where emacs finds code",
        "GUILE_LOAD_PATH": "decides where guile finds code",
        "TCLLIBPATH": "decides where tcl finds code",
        "GTK_MODULES": "makes GTK programs load modules",
        "GTK_PATH": "decides where GTK finds modules",
        "QT_PLUGIN_PATH": "decides which plugins Qt programs load",
        "GST_PLUGIN_PATH": "decides which plugins GStreamer loads",
        "GIO_MODULE_DIR": "decides which modules GIO loads",
        "KRB5_CONFIG": "decides which Kerberos configuration loads",
        "SASL_PATH": "decides which SASL plugins load",
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
        ("YARN_", "changes what yarn runs and where it installs from"),
        ("PIP_", "changes where pip installs from and what it runs"),
        ("UV_", "changes where uv installs from and what it runs"),
        ("CARGO_BUILD_", "changes what cargo runs (rustc wrappers)"),
        ("CARGO_TARGET_", "changes what cargo runs (runners and linkers)"),
        ("DOTNET_", "changes what the .NET runtime loads (startup hooks)"),
        ("CORECLR_", "makes the .NET runtime load a profiler"),
        ("COMPLUS_", "changes what the .NET runtime loads"),
        ("XDG_", "decides which configuration and data directories programs load"),
        ("LUA_INIT", "is lua code every lua process runs"),
    ]

    /// The first byte of each of `prefixes`: a name is compared in full only with the families
    /// it could be in (a `pull` of 10,000 keys compared each with all of them, twice). A byte
    /// array, not a dictionary of groups: building that one was 0.14 M instructions of every read.
    private static let prefixFirstBytes: [UInt8] = prefixes.map { $0.0.utf8.first ?? 0 }

    /// Why `name` steers processes, or nil when it is an ordinary name.
    package static func reason(for name: String) -> String? {
        let upper = name.uppercased()
        if let why = exact[upper] { return why }
        if let first = upper.utf8.first {
            let firsts = prefixFirstBytes
            for index in firsts.indices where firsts[index] == first && upper.hasPrefix(prefixes[index].0) { return prefixes[index].1 }
        }
        if upper.hasSuffix("_PRELOAD") { return "makes a loader or runtime load other code" }
        // Every tool's own pager and editor (AWS_PAGER, GH_PAGER, PSQL_PAGER, KUBE_EDITOR, …).
        if upper.hasSuffix("_PAGER") { return "is a command a program runs to show text" }
        if upper.hasSuffix("_EDITOR") { return "is a command a program runs to edit" }
        return nil
    }

    /// `SECR_*` names cannot be allowed by any policy.
    static func isNeverAllowed(_ name: String) -> Bool { name.uppercased().hasPrefix("SECR_") }
}

extension RosterState {
    /// Whether a value under `name` may be stored and handed to processes: an ordinary name,
    /// or a steering name an owner allowed in the roster.
    package func mayInject(_ name: String) -> Bool {
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
