import SecrCLI
import SecrCore

/// Options every command accepts (DESIGN.md §7).
enum Global {
    static let env = Option<String>("-e", "--env", value: "ENV", help: "environment (default: $SECR_ENV, else development)", completion: .environment)
    static let directory = Option<String>("-C", value: "DIR", help: "run as if started in DIR", completion: .directory)
    static let identity = Option<String>("--identity", value: "FILE", help: "identity file (default: $SECR_IDENTITY or $SECR_TOKEN, $SECR_IDENTITY_FILE, ~/.config/secr/identity)", completion: .file)
    static let passphraseFile = Option<String>("--passphrase-file", value: "FILE", help: "read the identity's passphrase from FILE's first line (also $SECR_PASSPHRASE_FILE, $SECR_PASSPHRASE)", completion: .file)
    static let store = Option<String>("--store", value: "DIR", help: "store directory (default: $SECR_STORE, else <repository root>/.secr)", completion: .directory)
    static let expectRoot = Option<String>("--expect-root", value: "HASH", help: "the roster root this store must have (default: $SECR_ROSTER_ROOT, else this clone's pin)")
    static let expectHead = Option<String>("--expect-head", value: "SEQ:HASH", help: "a roster entry the store must hold (default: $SECR_ROSTER_HEAD)")
    static let noCommit = Flag("--no-commit", help: "write and stage the change, but do not commit it")
    static let noColor = Flag("--no-color", help: "no colour (also NO_COLOR)")
    static let help = Flag("-h", "--help", help: "show help")
    static let version = Flag("--version", help: "print the version")

    static let all: [OptionSpec] = [env.spec, directory.spec, identity.spec, passphraseFile.spec, store.spec, expectRoot.spec, expectHead.spec,
                                    noCommit.spec, noColor.spec, help.spec, version.spec]
}

/// `--json`, shared by every command whose output is data.
let jsonFlag = Flag("--json", help: "print JSON")

extension SecretFormat: ChoiceValue {}
