import Synchronization

/// The bytes a read's verdict rested on, by path: the roster and environment file it parsed and
/// the pins and seen versions it checked them against, each as first read in this process.
/// `ReadSnapshot` binds a read's answer to these very bytes, so it records only once enabled
/// (by `pull` and `run`); other commands hold no extra references to what they read.
package enum ReadInputs {
    enum Read: Equatable {
        case absent
        case bytes([UInt8])
        /// Read twice with different contents: this process's verdict mixed two states.
        case inconsistent
    }

    private struct State {
        var enabled = false
        var reads: [String: Read] = [:]
        var written: Set<String> = []
    }

    private static let state = Mutex(State())

    /// From now on, reads are recorded.
    package static func enable() {
        state.withLock { $0.enabled = true }
    }

    /// `path` was read as `bytes` (nil: it did not exist).
    static func record(_ path: String, _ bytes: [UInt8]?) {
        state.withLock { state in
            guard state.enabled else { return }
            let read: Read = bytes.map { .bytes($0) } ?? .absent
            switch state.reads[path] {
            case nil: state.reads[path] = read
            case .some(let earlier) where earlier != read: state.reads[path] = .inconsistent
            default: break
            }
        }
    }

    /// This process replaces `path` (a pin, seen versions): what it read of it is not what the
    /// next read will find, and a write that failed must be tried (and said) again.
    static func willWrite(_ path: String) {
        state.withLock { _ = $0.written.insert(path) }
    }

    /// Whether this process replaced `path`.
    static func wrote(_ path: String) -> Bool { state.withLock { $0.written.contains(path) } }

    /// What was read of `path`, nil when it was not read.
    static func recorded(_ path: String) -> Read? {
        state.withLock { $0.reads[path] }
    }

    /// Forgets what was read (a retried read starts afresh).
    package static func reset() {
        state.withLock {
            $0.reads = [:]
            $0.written = []
        }
    }
}
