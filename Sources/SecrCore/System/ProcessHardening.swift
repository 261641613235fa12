import CSystem
import Glibc

/// Keeping plaintext that a command holds in memory out of core files and away from other
/// processes of the same user.
package enum ProcessHardening {
    /// No core dumps (RLIMIT_CORE 0, inherited by children such as the editor) and not
    /// dumpable (no core file, no ptrace attach, no /proc/PID/mem). Best effort: failing to
    /// harden is not a reason to refuse the command.
    package static func disableCoreDumps() {
        var limit = rlimit(rlim_cur: 0, rlim_max: 0)
        _ = setrlimit(Int32(RLIMIT_CORE.rawValue), &limit)
        _ = secr_set_undumpable()
    }
}
