import Glibc
import Synchronization

/// Durable writes whose waiting happens beside the command instead of in its way. The first
/// read in a clone pins the roster and records the versions it verified: two small files, each
/// written whole and synced (file and directory), four fsyncs that cost about 1.8 ms after a
/// `git clone` while both cores sat idle between the curve operations they separate.
///
/// With deferral on (`enable`, by the executable for the commands that only read), the caller
/// creates and fills the temporary file as before, so a directory that cannot be written still
/// fails at once and in the caller's words. One background thread then syncs it, renames it
/// into place and syncs the directory, in the order the writes were asked for: on disk every
/// file is still the old one or the whole new one, at every instant. `settle` waits for those
/// writes; whoever reads such a file settles first, and the executable settles before it
/// exits or execs, so a command that has returned left its state on disk, as before. Off (every
/// other process: the tests run thousands of commands in one), each write is synchronous.
package final class DeferredSync: Sendable {
    package static let shared = DeferredSync()

    /// A temporary file written in full, to sync and put in place of `path`.
    struct Write: Sendable {
        let descriptor: Int32
        let temporary: String
        let path: String
        /// The notice to give when it fails, from the failure.
        let notice: @Sendable (String) -> String
    }

    private struct State {
        /// The writes asked for and not yet completed; the first is under way while draining.
        var queue: [Write] = []
        var draining = false
        var threads: [pthread_t] = []
        var notices: [String] = []
    }

    private let on = Atomic<Bool>(false)
    private let state = Mutex(State())
    /// Held while joining, so that two callers of `settle` both return after the writes.
    private let joining = Mutex(())

    package init() {}

    /// Turns deferral on for this process.
    package func enable() { on.store(true, ordering: .relaxed) }

    package var isEnabled: Bool { on.load(ordering: .relaxed) }

    /// Queues a write; the background thread starts when none is running. When no thread can
    /// be started the write completes here.
    func submit(_ write: Write) {
        let inline = state.withLock { state -> Bool in
            state.queue.append(write)
            guard !state.draining else { return false }
            let job = Unmanaged.passRetained(self).toOpaque()
            var thread = pthread_t()
            guard pthread_create(&thread, nil, { raw in
                Unmanaged<DeferredSync>.fromOpaque(raw!).takeRetainedValue().drain()
                return nil
            }, job) == 0 else {
                Unmanaged<DeferredSync>.fromOpaque(job).release()
                state.draining = true  // this thread drains, before it returns
                return true
            }
            state.draining = true
            state.threads.append(thread)
            return false
        }
        if inline { drain() }
    }

    /// Completes the queued writes in order, until none is left.
    private func drain() {
        while true {
            let next = state.withLock { state -> Write? in
                if state.queue.isEmpty { state.draining = false }
                return state.queue.first
            }
            guard let next else { return }
            let failure = DeferredSync.complete(next)
            state.withLock { state in
                state.queue.removeFirst()
                if let failure { state.notices.append(next.notice(failure)) }
            }
        }
    }

    /// fsync, rename, fsync of the directory; the failure, or nil. A file that cannot be
    /// synced is not put in place (it is removed), as the synchronous write would not either.
    private static func complete(_ write: Write) -> String? {
        guard fsync(write.descriptor) == 0 else {
            let failure = "cannot write \(write.path): fsync: \(FileSystem.errorText())"
            close(write.descriptor)
            unlink(write.temporary)
            return failure
        }
        close(write.descriptor)
        guard rename(write.temporary, write.path) == 0 else {
            let failure = "cannot replace \(write.path): \(FileSystem.errorText())"
            unlink(write.temporary)
            return failure
        }
        FileSystem.syncDirectory(Path.parent(write.path))
        return nil
    }

    /// Waits until every write asked for so far is on disk (or has failed); with `path`, only
    /// when one of them is to that file (a reader of one file need not wait for another).
    package func settle(_ path: String? = nil) {
        if let path, !state.withLock({ $0.queue.contains { $0.path == path } }) { return }
        joining.withLock { _ in
            while true {
                let threads = state.withLock { state -> [pthread_t] in
                    defer { state.threads = [] }
                    return state.threads
                }
                if threads.isEmpty { return }
                for thread in threads { pthread_join(thread, nil) }
            }
        }
    }

    /// `settle`, then the notices of the writes that failed (each given once).
    package func finish() -> [String] {
        settle()
        return state.withLock { state in
            defer { state.notices = [] }
            return state.notices
        }
    }
}
