import XCTest
@testable import SecrCore

final class SteeringNamesTests: XCTestCase {
    func testNamesThatSteerProcessesAreRecognisedCaseInsensitively() {
        for name in ["PATH", "path", "LD_PRELOAD", "ld_library_path", "DYLD_INSERT_LIBRARIES", "GIT_CONFIG_PARAMETERS", "GIT_SSH_COMMAND",
                     "SECR_IDENTITY", "BASH_ENV", "ENV", "IFS", "PS4", "NODE_OPTIONS", "PYTHONPATH", "PYTHONSTARTUP", "PERL5OPT",
                     "RUBYOPT", "JAVA_TOOL_OPTIONS", "LESSOPEN", "PAGER", "EDITOR", "MALLOC_PRELOAD", "npm_config_script_shell", "HOME"] {
            XCTAssertNotNil(SteeringNames.reason(for: name), name)
        }
        for name in ["DATABASE_URL", "API_KEY", "STRIPE_SECRET_KEY", "APP_ENV", "ENVIRONMENT", "PATHNAME", "PYTH", "NODE_ENV", "GITHUB_TOKEN"] {
            XCTAssertNil(SteeringNames.reason(for: name), name)
        }
    }

    /// Families are looked up by their first letter; each is still found, in any case.
    func testEveryFamilyIsRecognisedWhateverItsFirstLetter() {
        for (prefix, why) in SteeringNames.prefixes {
            XCTAssertEqual(SteeringNames.reason(for: prefix + "ANYTHING"), why, prefix)
            XCTAssertEqual(SteeringNames.reason(for: (prefix + "x").lowercased()), why, prefix)
        }
    }
}
