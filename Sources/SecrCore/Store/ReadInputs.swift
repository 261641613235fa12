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
        var moving: Set<String> = []
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

    /// This read moves `path` (a pin, seen versions), or would have and was held back (a file
    /// it read was replaced meanwhile, or a change was in flight): what it read of `path` is not
    /// what the clone should hold after it, so its answer is not kept. The next read, which finds
    /// the pin or seen versions as they are then, moves them and keeps its own.
    static func willMove(_ path: String) {
        state.withLock { _ = $0.moving.insert(path) }
    }

    /// Whether this read moves (or was held back from moving) `path`.
    static func moves(_ path: String) -> Bool { state.withLock { $0.moving.contains(path) } }

    /// What was read of `path`, nil when it was not read.
    static func recorded(_ path: String) -> Read? {
        state.withLock { $0.reads[path] }
    }

    /// Forgets what was read (a retried read starts afresh).
    package static func reset() {
        state.withLock {
            $0.reads = [:]
            $0.moving = []
        }
    }
}
